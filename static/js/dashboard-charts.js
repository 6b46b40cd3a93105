/* Dashboard and statistics charts (ECharts, vendored in static/vendor/echarts).
   The figures come from the JSON the page embeds with Django's json_script; every chart has a
   table on the page with the same figures. No inline script or style, so a strict CSP holds. */
(function () {
  "use strict";
  var COLOURS = { government: "#9b1c1c", market: "#0b6e99", residents: "#1e7b34", society: "#b7791f" };
  var charts = [];
  // Tooltips as DOM nodes (static/js/chart-tooltip.js): ECharts' HTML ones break the CSP.
  var TIP = window.renovationTooltip;

  function holder(id) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    element.classList.add("drawn");
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }

  function stageFunnel(data) {
    var chart = holder("stage-funnel-chart");
    if (!chart) { return; }
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "item", formatter: TIP.item },
      series: [{
        type: "funnel",
        sort: "none",
        minSize: "8%",
        left: "10%",
        width: "80%",
        label: { show: true, position: "inside", formatter: "{b} {c}" },
        data: data.stages.map(function (s) { return { name: s.label, value: s.compounds }; })
      }]
    });
  }

  function years(data) {
    var chart = holder("years-chart");
    if (!chart || !data.years.length) { return; }
    var labels = data.labels;
    var hasTarget = data.years.some(function (y) { return y.target !== null; });
    var series = [];
    if (hasTarget) {
      series.push({ name: labels.target, type: "bar", itemStyle: { color: "#bcccdc" }, data: data.years.map(function (y) { return y.target; }) });
    }
    series.push({ name: labels.started, type: "bar", itemStyle: { color: "#0b6e99" }, data: data.years.map(function (y) { return y.started; }) });
    series.push({ name: labels.completed, type: "bar", itemStyle: { color: "#1e7b34" }, data: data.years.map(function (y) { return y.completed; }) });
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", formatter: TIP.axis },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.years.map(function (y) { return String(y.year); }) },
      yAxis: { type: "value", name: labels.compounds, minInterval: 1 },
      series: series
    });
  }

  function funding(data) {
    var chart = holder("funding-kinds-chart");
    if (!chart) { return; }
    var labels = data.labels;
    var measures = ["planned", "received", "spent"];
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", formatter: TIP.axis },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: measures.map(function (m) { return labels[m]; }) },
      yAxis: { type: "value", name: labels.wan },
      series: data.funding.map(function (k) {
        return {
          name: k.label,
          type: "bar",
          stack: "total",
          itemStyle: { color: COLOURS[k.kind] },
          data: measures.map(function (m) { return k[m]; })
        };
      })
    });
  }

  function streets(data) {
    var chart = holder("streets-chart");
    if (!chart || !data.streets.length) { return; }
    var labels = data.labels;
    var rows = data.streets.slice().reverse();
    var series = [{ name: labels.average, type: "bar", itemStyle: { color: "#9fb3c8" }, data: rows.map(function (s) { return s.average; }) }];
    if (rows.some(function (s) { return s.progress !== null; })) {
      series.push({ name: labels.progress, type: "bar", itemStyle: { color: "#0b6e99" }, data: rows.map(function (s) { return s.progress; }) });
    }
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: TIP.axis },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (s) { return s.name; }) },
      dataZoom: rows.length > 15 ? [{ type: "slider", yAxisIndex: 0, right: 0, startValue: rows.length - 15, endValue: rows.length - 1 }] : [],
      series: series
    });
  }

  function trends(data) {
    if (!data.trend.length) { return; }
    var labels = data.labels;
    var dates = data.trend.map(function (p) { return p.date; });
    var progress = holder("trend-progress-chart");
    if (progress) {
      progress.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis", formatter: TIP.axis },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: dates },
        yAxis: [
          { type: "value", name: labels.compounds, minInterval: 1 },
          { type: "value", name: "%", max: 100 }
        ],
        series: [
          { name: labels.started, type: "line", data: data.trend.map(function (p) { return p.started; }) },
          { name: labels.completed, type: "line", data: data.trend.map(function (p) { return p.completed; }) },
          { name: labels.progress, type: "line", yAxisIndex: 1, data: data.trend.map(function (p) { return p.progress; }) }
        ]
      });
    }
    var money = holder("trend-funding-chart");
    if (money) {
      money.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis", formatter: TIP.axis },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: dates },
        yAxis: { type: "value", name: labels.wan },
        series: ["planned", "received", "spent"].map(function (m) {
          return { name: labels[m], type: "line", data: data.trend.map(function (p) { return p[m]; }) };
        })
      });
    }
  }

  function draw() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    stageFunnel(data);
    years(data);
    funding(data);
    streets(data);
    trends(data);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
