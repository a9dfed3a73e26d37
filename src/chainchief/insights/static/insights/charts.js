/* Charts of the 产业分析 page (ECharts, served locally): the chains' 影响力系数 and 感应度系数 against the average
of 1, and the inter-chain flows as a directed graph whose edges are as wide as the flows. Below PHONE pixels the
labels get smaller; the option is rebuilt when the box crosses that width. */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var PHONE = 576;

  function chart(id, build) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    var narrow = null;
    function fit() {
      var now = el.clientWidth < PHONE;
      if (now !== narrow) { narrow = now; c.setOption(build(now), true); }
      c.resize();
    }
    fit();
    window.addEventListener("resize", fit);
    return c;
  }

  function indices(data) {
    return chart("cc-linkages", function (narrow) {
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", confine: true },
        legend: { top: 0, data: [data.names.power, data.names.sensitivity], textStyle: { fontSize: narrow ? 11 : 12 } },
        grid: narrow ? { left: 8, right: 8, top: 36, bottom: 8, containLabel: true }
                     : { left: 50, right: 20, top: 40, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: data.labels,
                 axisLabel: { fontSize: narrow ? 10 : 12, interval: 0, rotate: narrow ? 90 : (data.labels.length > 6 ? 30 : 0) } },
        yAxis: { type: "value", axisLabel: { fontSize: narrow ? 10 : 12 } },
        series: [
          { name: data.names.power, type: "bar", data: data.power,
            markLine: { silent: true, symbol: "none", data: [{ yAxis: 1, name: data.names.average }],
                        label: { formatter: data.names.average, fontSize: 10 }, lineStyle: { type: "dashed" } } },
          { name: data.names.sensitivity, type: "bar", data: data.sensitivity }
        ]
      };
    });
  }

  function dependency(data) {
    var max = data.edges.reduce(function (m, e) { return Math.max(m, e[2]); }, 0) || 1;
    return chart("cc-dependency", function (narrow) {
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { confine: true, formatter: function (p) {
          return p.dataType === "edge" ? p.data.source + " → " + p.data.target + "：" + Math.round(p.data.value).toLocaleString() : p.name;
        } },
        series: [{
          type: "graph", layout: "circular", circular: { rotateLabel: false }, roam: false,
          label: { show: true, fontSize: narrow ? 10 : 12 },
          symbolSize: narrow ? 22 : 34,
          edgeSymbol: ["none", "arrow"], edgeSymbolSize: narrow ? 6 : 9,
          data: data.labels.map(function (l) { return { name: l }; }),
          links: data.edges.map(function (e) {
            return { source: e[0], target: e[1], value: e[2],
                     lineStyle: { width: 0.5 + 7 * e[2] / max, opacity: 0.25 + 0.6 * e[2] / max, curveness: 0.2 } };
          })
        }]
      };
    });
  }

  window.ccInsights = function (data) { indices(data); dependency(data); };
  // The page names what to draw on the script tag (no inline script under the Content Security Policy).
  const me = document.currentScript;
  if (me && me.dataset.run) window[me.dataset.run](JSON.parse(document.getElementById(me.dataset.data).textContent));
})();
