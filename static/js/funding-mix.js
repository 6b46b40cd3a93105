/* Draws the funding-mix chart from the JSON the page embeds with Django's json_script.
   No inline script: the page stays within a strict Content Security Policy. */
(function () {
  "use strict";
  var COLOURS = { government: "#9b1c1c", market: "#0b6e99", residents: "#1e7b34", society: "#b7791f" };

  function draw() {
    var holder = document.getElementById("funding-mix-chart");
    var source = document.getElementById("funding-mix-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var kinds = data.kinds || [];
    var measures = ["planned", "approved", "received", "spent"];
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "item", formatter: window.renovationTooltip.item },
      legend: { top: 0, type: "scroll" },
      grid: { left: "52%", right: 8, top: 40, bottom: 24, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: measures.map(function (m) { return data.measures[m]; }), inverse: true },
      series: [
        {
          type: "pie",
          radius: ["28%", "58%"],
          center: ["25%", "55%"],
          label: { formatter: function (p) { return p.name + "\n" + (p.data.share || "0.0") + "%"; } },
          data: kinds.map(function (k) {
            return { name: k.label, value: Number(k.planned), share: k.share, itemStyle: { color: COLOURS[k.kind] } };
          })
        }
      ].concat(kinds.map(function (k) {
        return {
          type: "bar",
          name: k.label,
          stack: "total",
          itemStyle: { color: COLOURS[k.kind] },
          data: measures.map(function (m) { return Number(k[m]); })
        };
      }))
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
