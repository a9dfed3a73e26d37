// An enterprise's monthly figures as a chart: this year's and last year's YTD, this year's months (monitoring/enterprise.html).
(function () {
  var data = JSON.parse(document.getElementById("cc-ent-data").textContent);
  var T = JSON.parse(document.getElementById("cc-ent-i18n").textContent);
  var L = function (s, y) { return s.replace("{year}", y); };
  var cur = L(T.ytd, data.current), prev = L(T.ytd, data.previous), mon = L(T.month, data.current);
  var el = document.getElementById("cc-ent-chart");
  if (!el || !window.echarts) return;
  var c = echarts.init(el);
  window.addEventListener("resize", function () { c.resize(); });
  var fmt = function (v) { return v == null ? "—" : Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }); };
  c.setOption({
    textStyle: { fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif' },
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { top: 0, data: [cur, prev, mon] },
    grid: { left: 70, right: 20, top: 60, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: T.unit, axisLabel: { formatter: function (v) { return Number(v).toLocaleString("zh-CN"); } } },
    series: [
      { name: cur, type: "line", data: data.ytd, connectNulls: false, symbolSize: 6 },
      { name: prev, type: "line", data: data.ytd_previous, connectNulls: false, lineStyle: { type: "dashed" }, symbolSize: 4 },
      { name: mon, type: "bar", data: data.monthly, barMaxWidth: 18, itemStyle: { opacity: 0.55 } }
    ]
  });
})();
