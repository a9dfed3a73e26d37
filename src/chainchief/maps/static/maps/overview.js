// The city overview: every chain a circle on an ellipse, cross-chain links between them (maps/overview.html).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("cc-overview-data").textContent);
  const T = JSON.parse(document.getElementById("cc-overview-i18n").textContent);
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return v[k]; }); }
  const MAP_URL = document.getElementById("cc-overview").dataset.mapUrl;
  const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
  const maxE = Math.max.apply(null, data.chains.map(function (c) { return c.enterprises; }).concat([1]));
  function colour(c) {
    if (!c.segments) return "#adb5bd";
    const r = c.strong / c.segments;
    return r >= 0.4 ? "#2e7d5b" : r >= 0.25 ? "#6b9f3a" : r >= 0.15 ? "#d69e2e" : "#c8102e";
  }
  const byId = {};
  data.chains.forEach(function (c) { byId[c.id] = c; });
  const el = document.getElementById("cc-overview");
  const chart = echarts.init(el);
  const measure = document.createElement("canvas").getContext("2d");

  // The chains on an ellipse that fills the box less room for the names, spaced evenly along it; each name sits
  // just outside its circle, away from the centre, so no name covers a circle or another name.
  function place(width, height, font, sizes) {
    measure.font = font;
    const nameW = Math.max.apply(null, data.chains.map(function (c) { return measure.measureText(c.name).width; }).concat([0]));
    const big = Math.max.apply(null, sizes.concat([0]));
    const rx = Math.max(40, width / 2 - nameW - big / 2 - 14);
    const ry = Math.max(40, height / 2 - 20 - big / 2 - 14);
    const steps = 720, pts = [], lengths = [0];
    for (let i = 0; i <= steps; i++) {
      const t = 2 * Math.PI * i / steps;
      pts.push([rx * Math.sin(t), -ry * Math.cos(t)]);
      if (i) lengths.push(lengths[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
    }
    const n = data.chains.length, total = lengths[steps];
    let j = 0;
    const out = data.chains.map(function (c, i) {
      const want = total * (i + 0.5) / n;
      while (lengths[j] < want) j++;
      const x = pts[j][0], y = pts[j][1];
      let nx = x / (rx * rx), ny = y / (ry * ry);
      const norm = Math.hypot(nx, ny) || 1;
      nx /= norm; ny /= norm;
      const r = sizes[i] / 2 + 4;
      return {x: x, y: y, label: {
        position: [sizes[i] / 2 + r * nx, sizes[i] / 2 + r * ny],
        align: nx > 0.15 ? "left" : nx < -0.15 ? "right" : "center",
        verticalAlign: ny > 0.3 ? "top" : ny < -0.3 ? "bottom" : "middle"}};
    });
    return {nodes: out, box: {left: width / 2 - rx, top: height / 2 - ry, width: 2 * rx, height: 2 * ry}};
  }

  function render() {
    const width = el.clientWidth, height = el.clientHeight;
    const narrow = width < 576;
    const fontSize = narrow ? 11 : 13;
    const sizes = data.chains.map(function (c) { return (narrow ? 14 : 22) + (narrow ? 18 : 30) * c.enterprises / maxE; });
    const at = place(width, height, fontSize + "px " + FONT, sizes);
    el.dataset.layout = narrow ? "narrow" : "wide";
    chart.setOption({
      textStyle: {fontFamily: FONT},
      tooltip: {confine: true, formatter: function (p) {
        const enc = echarts.format.encodeHTML;
        if (p.dataType === "edge") {
          return p.data.links.map(function (l) { return enc(l.from_segment) + (l.kind === "supplies" ? " → " : " ↔ ") + enc(l.to_segment) + (l.note ? T.sep + enc(l.note) : ""); }).join("<br>");
        }
        const c = byId[p.data.id];
        return "<b>" + enc(c.name) + "</b><br>" + fmt(T.tip, c) + "<br>" + fmt(T.firms, {n: c.enterprises});
      }},
      series: [{
        type: "graph", layout: "none", roam: true,
        left: at.box.left, top: at.box.top, width: at.box.width, height: at.box.height,
        label: {show: true, fontSize: fontSize, color: "#1b2733", fontFamily: FONT},
        labelLayout: {hideOverlap: true},
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: narrow ? 6 : 8,
        lineStyle: {color: "#7a93ad", opacity: 0.8, curveness: 0.2},
        emphasis: {focus: "adjacency", lineStyle: {width: 4}},
        data: data.chains.map(function (c, i) {
          return {id: String(c.id), name: c.name, x: at.nodes[i].x, y: at.nodes[i].y, symbolSize: sizes[i],
                  label: at.nodes[i].label, itemStyle: {color: colour(c), borderColor: "#fff", borderWidth: 2}};
        }),
        links: data.edges.map(function (e) {
          return {source: String(e.source), target: String(e.target), links: e.links,
                  lineStyle: {width: (narrow ? 0.8 : 1) + (narrow ? 1 : 1.5) * e.count}};
        })
      }]
    });
    chart.resize();
  }
  render();
  chart.on("click", function (p) { if (p.dataType === "node") location.href = MAP_URL.replace("/0/", "/" + p.data.id + "/"); });
  let lastWidth = el.clientWidth;
  window.addEventListener("resize", function () {
    if (el.clientWidth !== lastWidth) { lastWidth = el.clientWidth; render(); } else { chart.resize(); }
  });
  window.ccOverview = chart;
})();
