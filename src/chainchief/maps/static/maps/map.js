// One chain's map: the segments by stage, their strength, the panel of a clicked segment (maps/map.html).
(function () {
  "use strict";
  const el = document.getElementById("cc-map");
  const API_URL = el.dataset.apiUrl;
  const PANEL_URL = el.dataset.panelUrl;
  const CHAIN_NAME = el.dataset.chainName;
  const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
  const LINE = {strong: "#2e7d5b", weak: "#b7791f", missing: "#c8102e"};
  const FILL = {strong: "#e3f3ea", weak: "#fff4d6", missing: "#fbe3e6"};
  const ROW = 50, INDENT = 16;
  const T = JSON.parse(document.getElementById("cc-map-i18n").textContent);
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return v[k]; }); }

  let data = JSON.parse(document.getElementById("cc-map-data").textContent);
  let selected = el.dataset.selected ? Number(el.dataset.selected) : null;
  let lit = null;  // ids of segments holding the searched enterprise
  const panel = document.getElementById("cc-panel");
  let chart = null, nodes = [];

  // Below PHONE pixels the three stages stack (upstream, then midstream, then downstream) and names wrap.
  const PHONE = 576, PAD = 6, HEAD = 36, GAP = 8, LINE_H = 18;
  const COUNT_FONT = "600 13px " + FONT;
  const BAND = ["#f7f9fc", "#edf2f8"];
  let narrow = null, bands = [];
  const measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, font) { measure.font = font; return measure.measureText(text).width; }
  function nameFont(depth) { return (depth ? "500 13px " : "600 14px ") + FONT; }
  function nameText(seg) { return (seg.overridden ? "✎ " : "") + seg.name; }

  // The lines of ``text`` in ``font`` no wider than ``width``: Chinese breaks between any two characters, a Latin
  // word or number only when it is longer than a line.
  function wrap(text, font, width) {
    const lines = [];
    let line = "";
    (text.match(/[\w.\-/]+|\s+|[^\w\s]/gu) || []).forEach(function (tok) {
      if (textWidth(line + tok, font) <= width) { line += tok; return; }
      if (line.trim()) lines.push(line.trimEnd());
      line = tok.trimStart();
      while (line.length > 1 && textWidth(line, font) > width) {
        let i = line.length - 1;
        while (i > 1 && textWidth(line.slice(0, i), font) > width) i--;
        lines.push(line.slice(0, i));
        line = line.slice(i);
      }
    });
    if (line.trim()) lines.push(line.trimEnd());
    return lines.length ? lines : [""];
  }

  function names(seg) {
    const out = [];
    (function collect(s) { s.enterprises.forEach(function (e) { out.push(e.name, e.short_name); });
                           s.children.forEach(collect); })(seg);
    return out;
  }

  // Wide: one column a stage, one row a segment (in axis units). Narrow: the stages one below the other, each
  // segment a box as tall as its wrapped name (in pixels).
  function layout(width) {
    nodes = []; bands = [];
    let rows = 1, y = 0;
    data.stages.forEach(function (band, x) {
      const top = y;
      if (narrow) y += HEAD;
      else y = 0;
      (function walk(list, depth) {
        list.forEach(function (seg) {
          const n = {seg: seg, x: x, y: y, depth: depth, names: names(seg)};
          if (narrow) {
            const left = PAD + 8 + depth * INDENT, w = width - left - PAD - 8;
            const room = w - 14 - textWidth(label(seg), COUNT_FONT) - 18;
            n.lines = wrap(nameText(seg), nameFont(depth), room);
            n.box = {left: left, top: y, w: w, h: Math.max(38, n.lines.length * LINE_H + 14)};
            y += n.box.h + GAP;
          } else {
            y += 1;
          }
          nodes.push(n);
          walk(seg.children, depth + 1);
        });
      })(band.segments, 0);
      if (narrow) { y += GAP; bands.push({label: band.label, top: top, height: y - top}); }
      rows = Math.max(rows, y);
    });
    return rows;
  }

  function label(seg) {
    if (data.district) {
      return fmt(T.count, {n: seg.district_count || 0});
    }
    return fmt(T.count, {n: seg.enterprise_count});
  }

  function renderItem(params, api) {
    const n = nodes[params.dataIndex];
    const seg = n.seg;
    let left, w, h, top;
    if (n.box) {
      left = n.box.left; w = n.box.w; h = n.box.h; top = n.box.top;
    } else {
      const c = api.coord([n.x, n.y]);
      const band = api.size([1, 0])[0];
      left = c[0] - band * 0.45 + n.depth * INDENT;
      w = band * 0.9 - n.depth * INDENT;
      h = 38;
      top = c[1] - h / 2;
    }
    const mid = top + h / 2;
    const s = seg.strength;
    const dimmed = (lit && !lit.has(seg.id)) || (data.district && !seg.district_count);
    const isSel = selected === seg.id;
    const isLit = lit && lit.has(seg.id);
    const count = label(seg);
    // The name never runs under the count: wide, it is cut with "…" (the tooltip has it whole); narrow, it wraps.
    const room = Math.max(14, w - 14 - textWidth(count, COUNT_FONT) - 18);
    const name = n.lines
      ? {text: n.lines.join("\n"), lineHeight: LINE_H}
      : {text: nameText(seg), width: room, overflow: "truncate", ellipsis: "…"};
    return {
      type: "group",
      children: [
        {type: "rect", shape: {x: left, y: top, width: w, height: h, r: 6},
         style: {fill: FILL[s], stroke: isLit ? "#1f4e79" : LINE[s], lineWidth: isSel || isLit ? 3 : 1.2,
                 shadowBlur: isSel ? 8 : 0, shadowColor: "rgba(31,78,121,.35)", opacity: dimmed ? 0.3 : 1}},
        {type: "rect", shape: {x: left, y: top, width: 6, height: h, r: [6, 0, 0, 6]},
         style: {fill: LINE[s], opacity: dimmed ? 0.3 : 1}},
        {type: "text", name: "cc-name", style: Object.assign({x: left + 14, y: mid, verticalAlign: "middle", fill: "#1b2733",
          font: nameFont(n.depth), opacity: dimmed ? 0.35 : 1}, name)},
        {type: "text", name: "cc-count", style: {x: left + w - 10, y: mid, text: count, align: "right", verticalAlign: "middle",
          fill: LINE[s], font: COUNT_FONT, opacity: dimmed ? 0.35 : 1}}
      ]
    };
  }

  function tooltip() {
    return {trigger: "item", confine: true, formatter: function (p) {
      const seg = nodes[p.dataIndex].seg;
      return "<b>" + echarts.format.encodeHTML(seg.name) + "</b> · " + seg.strength_label +
        "<br>" + echarts.format.encodeHTML(seg.reason);
    }, extraCssText: "max-width: 22rem; white-space: normal;"};
  }

  function draw() {
    const width = el.clientWidth;
    const wasNarrow = narrow;
    narrow = width < PHONE;
    el.dataset.layout = narrow ? "narrow" : "wide";
    const rows = layout(width);
    el.style.height = (narrow ? rows : Math.max(320, rows * ROW + 70)) + "px";
    if (!chart) {
      chart = echarts.init(el, null, {renderer: "canvas"});
      chart.on("click", function (p) { if (p.dataIndex != null && p.seriesType === "custom") openPanel(nodes[p.dataIndex].seg.id); });
      let lastWidth = width;
      window.addEventListener("resize", function () {
        if (el.clientWidth !== lastWidth) { lastWidth = el.clientWidth; draw(); } else { chart.resize(); }
      });
    } else {
      chart.dispatchAction({type: "hideTip"});
    }
    const fresh = !chart.getOption() || wasNarrow !== narrow;
    const data_ = nodes.map(function (n) { return [n.x, n.y]; });
    if (narrow) {
      chart.setOption({
        animation: false,
        textStyle: {fontFamily: FONT},
        tooltip: tooltip(),
        graphic: {elements: bands.map(function (b, i) {
          return {type: "group", id: "cc-band-" + i, silent: true, children: [
            {type: "rect", shape: {x: 0, y: b.top, width: width, height: b.height}, style: {fill: BAND[i % 2]}},
            {type: "text", style: {x: PAD + 8, y: b.top + HEAD / 2, text: b.label, verticalAlign: "middle",
                                   font: "600 15px " + FONT, fill: "#1f4e79"}}]};
        })},
        series: [{type: "custom", renderItem: renderItem, coordinateSystem: "none", data: data_}]
      }, fresh ? true : {replaceMerge: ["series", "graphic"]});
    } else {
      chart.setOption({
        animation: false,
        textStyle: {fontFamily: FONT},
        grid: {left: 6, right: 6, top: 44, bottom: 8},
        tooltip: tooltip(),
        xAxis: {type: "category", position: "top", data: data.stages.map(function (b) { return b.label; }),
                axisLine: {show: false}, axisTick: {show: false},
                axisLabel: {fontSize: 15, fontWeight: 600, color: "#1f4e79", fontFamily: FONT, margin: 14},
                splitArea: {show: true, interval: 0, areaStyle: {color: BAND}}},
        yAxis: {type: "value", inverse: true, min: -0.7, max: rows - 0.3, show: false},
        series: [{type: "custom", renderItem: renderItem, coordinateSystem: "cartesian2d", clip: false,
                  data: data_, encode: {x: 0, y: 1}}]
      }, fresh ? true : {replaceMerge: ["series"]});
    }
    chart.resize();  // after the option: the series of the old layout never draws the new one
  }

  function openPanel(id) {
    selected = id;
    chart && chart.setOption({series: [{data: nodes.map(function (n) { return [n.x, n.y]; })}]});
    const url = PANEL_URL.replace("{id}", id) + "?fragment=1" + (data.district ? "&district=" + data.district : "");
    panel.innerHTML = '<div class="card-body text-muted small"></div>'; panel.firstChild.textContent = T.loading;
    fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { panel.innerHTML = html; panel.dataset.segment = id; })
      .catch(function () { panel.innerHTML = '<div class="card-body text-danger small"></div>'; panel.firstChild.textContent = T.failed; });
  }
  window.ccOpenSegment = openPanel;
  // A sub-segment named in the panel opens in the panel (its link, without script, opens the map at it).
  panel.addEventListener("click", function (e) {
    const a = e.target.closest("a[data-segment]");
    if (a) { e.preventDefault(); openPanel(Number(a.dataset.segment)); }
  });

  function fillNames() {
    const seen = new Set(), list = document.getElementById("cc-enterprise-names");
    list.innerHTML = "";
    nodes.forEach(function (n) {
      n.seg.enterprises.forEach(function (e) {
        if (!seen.has(e.name)) { seen.add(e.name); const o = document.createElement("option"); o.value = e.name; list.appendChild(o); }
      });
    });
  }

  const search = document.getElementById("cc-search");
  const result = document.getElementById("cc-search-result");
  function applySearch() {
    const q = search.value.trim();
    if (!q) { lit = null; result.textContent = ""; }
    else {
      lit = new Set(nodes.filter(function (n) { return n.names.some(function (x) { return x && x.indexOf(q) >= 0; }); })
                         .map(function (n) { return n.seg.id; }));
      result.textContent = lit.size ? fmt(T.found, {q: q, n: lit.size}) : fmt(T.not_found, {q: q});
    }
    draw();
  }
  search.addEventListener("input", applySearch);

  document.getElementById("cc-district").addEventListener("change", function () {
    const d = this.value;
    fetch(API_URL + (d ? "?district=" + d : ""), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (json) { data = json; fillNames(); applySearch();
        const u = new URL(location.href); d ? u.searchParams.set("district", d) : u.searchParams.delete("district");
        history.replaceState(null, "", u); });
  });

  document.getElementById("cc-png").addEventListener("click", function () {
    const a = document.createElement("a");
    a.href = chart.getDataURL({type: "png", pixelRatio: 2, backgroundColor: "#ffffff"});
    a.download = fmt(T.png, {chain: CHAIN_NAME});
    document.body.appendChild(a); a.click(); a.remove();
  });

  draw();
  fillNames();
  if (selected) openPanel(selected);
  window.ccMap = {chart: function () { return chart; }, nodes: function () { return nodes; }};
})();
