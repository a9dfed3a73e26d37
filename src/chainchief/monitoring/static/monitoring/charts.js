/* Charts of the cockpit and the chain monitoring page (ECharts, served locally).

Each chart is built for the width of its box: below PHONE pixels the legends move out of the plot, labels get
smaller and every chain's name is shown (turned upright); the option is rebuilt when the box crosses that width. */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var LIGHT = { green: "#198754", yellow: "#e0a800", red: "#dc3545", unknown: "#6c757d" };
  var PHONE = 576;

  /* An ECharts instance on #id whose option is build(narrow); rebuilt when the box's width crosses PHONE. */
  function chart(id, build) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    var narrow = null;
    function fit() {
      var now = el.clientWidth < PHONE;
      if (now !== narrow) {
        narrow = now;
        el.dataset.layout = now ? "narrow" : "wide";
        c.setOption(build(now), true);
      }
      c.resize();
    }
    fit();
    window.addEventListener("resize", fit);
    return c;
  }

  var L = { year: "{year}年", yi: "亿元", yi_value: "{value} 亿元", tier_tip: "{b}：{c} 亿元（{d}%）", revenue: "累计营业收入",
            yoy: "可比同比", yoy_axis: "同比", progress: "目标进度" };
  function labels(data) { if (data.labels) Object.keys(data.labels).forEach(function (k) { L[k] = data.labels[k]; }); }
  function yearName(y) { return L.year.replace("{year}", y); }
  function yi(v) { return L.yi_value.replace("{value}", Math.round(v).toLocaleString()); }

  function yearLines(id, data) {
    var years = Object.keys(data.years);
    return chart(id, function (narrow) {
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", confine: true },
        legend: { type: narrow ? "scroll" : "plain", top: 0, data: years.map(yearName),
                  textStyle: { fontSize: narrow ? 11 : 12 }, itemWidth: narrow ? 18 : 25 },
        grid: narrow ? { left: 8, right: 12, top: 56, bottom: 8, containLabel: true }
                     : { left: 60, right: 20, top: 50, bottom: 30 },
        xAxis: { type: "category", data: data.months, axisLabel: { fontSize: narrow ? 10 : 12 } },
        yAxis: { type: "value", name: L.yi, axisLabel: { fontSize: narrow ? 10 : 12 } },
        series: years.map(function (y) {
          return { name: yearName(y), type: "line", connectNulls: false, data: data.years[y], smooth: false,
                   symbolSize: narrow ? 4 : 6 };
        })
      };
    });
  }

  function tierDonut(id, data) {
    return chart(id, function (narrow) {
      var label = narrow
        ? { fontSize: 11, lineHeight: 15, formatter: function (p) { return p.name + "\n" + yi(p.value); } }
        : { formatter: function (p) { return p.name + "\n" + yi(p.value); } };
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "item", formatter: L.tier_tip, confine: true },
        legend: narrow ? { bottom: 0, textStyle: { fontSize: 11 }, itemWidth: 14, itemHeight: 10 } : { show: false },
        series: [{ type: "pie", data: data.tiers, avoidLabelOverlap: true,
                   radius: narrow ? ["30%", "52%"] : ["40%", "70%"], center: narrow ? ["50%", "46%"] : ["50%", "50%"],
                   label: label, labelLine: narrow ? { length: 8, length2: 6 } : {},
                   labelLayout: { hideOverlap: true } }]
      };
    });
  }

  function chainBars(id, data) {
    return chart(id, function (narrow) {
      var small = narrow ? 10 : 12;
      return {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", confine: true },
        legend: { top: 0, data: [L.revenue, L.yoy], textStyle: { fontSize: narrow ? 11 : 12 } },
        grid: narrow ? { left: 4, right: 4, top: 58, bottom: 4, containLabel: true }
                     : { left: 60, right: 60, top: 40, bottom: 80 },
        xAxis: { type: "category", data: data.chains.map(function (r) { return r.name; }),
                 axisLabel: narrow ? { rotate: 90, interval: 0, fontSize: small } : { rotate: 40 } },
        yAxis: [{ type: "value", name: L.yi, nameTextStyle: { fontSize: small }, axisLabel: { fontSize: small } },
                { type: "value", name: L.yoy_axis, nameTextStyle: { fontSize: small },
                  axisLabel: { fontSize: small, formatter: function (v) { return Math.round(v * 100) + "%"; } } }],
        series: [
          { name: L.revenue, type: "bar", data: data.chains.map(function (r) {
              return { value: r.revenue, itemStyle: { color: LIGHT[r.status] || LIGHT.unknown } }; }) },
          { name: L.yoy, type: "line", yAxisIndex: 1, symbolSize: narrow ? 4 : 6,
            data: data.chains.map(function (r) { return r.growth; }),
            tooltip: { valueFormatter: function (v) { return v == null ? "—" : (v * 100).toFixed(1) + "%"; } } }
        ]
      };
    });
  }

  window.ccCockpit = function (data) {
    labels(data);
    yearLines("cc-trend", data);
    tierDonut("cc-tiers", data);
    chainBars("cc-chains", data);
  };

  window.ccChainMonitor = function (data) {
    labels(data);
    yearLines("cc-years", data);
    chart("cc-gauge", function (narrow) {
      return {
        textStyle: { fontFamily: FONT },
        series: [{ type: "gauge", min: 0, max: 100, progress: { show: true, width: narrow ? 10 : 12 },
          axisLine: { lineStyle: { width: narrow ? 10 : 12 } }, splitNumber: 5,
          axisLabel: { distance: narrow ? 14 : 16, fontSize: 10 },
          detail: { valueAnimation: true, formatter: "{value}%", fontSize: narrow ? 18 : 20, offsetCenter: [0, "70%"] },
          title: { offsetCenter: [0, "95%"], fontSize: 12 },
          data: [{ value: Math.round((data.progress || 0) * 100), name: L.progress }] }]
      };
    });
  };
  // The page names what to draw on the script tag (no inline script under the Content Security Policy):
  // <script src="charts.js" data-run="ccCockpit" data-data="cc-chart-data">.
  const me = document.currentScript;
  if (me && me.dataset.run) window[me.dataset.run](JSON.parse(document.getElementById(me.dataset.data).textContent));
})();
