/* Charts of the cockpit and the chain monitoring page (ECharts, served locally). */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var LIGHT = { green: "#198754", yellow: "#e0a800", red: "#dc3545", unknown: "#6c757d" };

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  var L = { year: "{year}年", yi: "亿元", yi_value: "{value} 亿元", tier_tip: "{b}：{c} 亿元（{d}%）", revenue: "累计营业收入",
            yoy: "可比同比", yoy_axis: "同比", progress: "目标进度" };
  function labels(data) { if (data.labels) Object.keys(data.labels).forEach(function (k) { L[k] = data.labels[k]; }); }
  function yearName(y) { return L.year.replace("{year}", y); }

  function yearLines(id, data) {
    var c = chart(id);
    if (!c) return;
    var years = Object.keys(data.years);
    c.setOption({
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: years.map(yearName) },
      grid: { left: 60, right: 20, top: 50, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: L.yi },
      series: years.map(function (y) {
        return { name: yearName(y), type: "line", connectNulls: false, data: data.years[y], smooth: false };
      })
    });
  }

  window.ccCockpit = function (data) {
    labels(data);
    yearLines("cc-trend", data);
    var tiers = chart("cc-tiers");
    if (tiers) tiers.setOption({
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: L.tier_tip },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.tiers, label: { formatter: function (p) { return p.name + "\n" + L.yi_value.replace("{value}", Math.round(p.value).toLocaleString()); } } }]
    });
    var chains = chart("cc-chains");
    if (chains) chains.setOption({
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [L.revenue, L.yoy] },
      grid: { left: 60, right: 60, top: 40, bottom: 80 },
      xAxis: { type: "category", data: data.chains.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
      yAxis: [{ type: "value", name: L.yi }, { type: "value", name: L.yoy_axis, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }],
      series: [
        { name: L.revenue, type: "bar", data: data.chains.map(function (r) {
            return { value: r.revenue, itemStyle: { color: LIGHT[r.status] || LIGHT.unknown } }; }) },
        { name: L.yoy, type: "line", yAxisIndex: 1, data: data.chains.map(function (r) { return r.growth; }),
          tooltip: { valueFormatter: function (v) { return v == null ? "—" : (v * 100).toFixed(1) + "%"; } } }
      ]
    });
  };

  window.ccChainMonitor = function (data) {
    labels(data);
    yearLines("cc-years", data);
    var g = chart("cc-gauge");
    if (g) g.setOption({
      textStyle: { fontFamily: FONT },
      series: [{ type: "gauge", min: 0, max: 100, progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12 } }, splitNumber: 5, axisLabel: { distance: 16, fontSize: 10 },
        detail: { valueAnimation: true, formatter: "{value}%", fontSize: 20, offsetCenter: [0, "70%"] },
        title: { offsetCenter: [0, "95%"], fontSize: 12 },
        data: [{ value: Math.round((data.progress || 0) * 100), name: L.progress }] }]
    });
  };
})();
