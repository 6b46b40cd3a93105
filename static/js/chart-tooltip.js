/* Chart tooltips built as DOM nodes (ECharts accepts elements from a tooltip formatter).
   ECharts' own tooltips are HTML strings full of style="" attributes, which the site's Content
   Security Policy (style-src 'self') blocks; here the layout comes from app.css classes and the
   series colour is set through element.style (CSSOM), which the policy allows. Text goes in
   with textContent, so names from the database can never become markup. */
(function () {
  "use strict";

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function number(value) {
    if (Array.isArray(value)) { value = value[value.length - 1]; }
    if (value === null || value === undefined || value === "" || value === "-") { return "–"; }
    var parsed = Number(value);
    return isNaN(parsed) ? String(value) : parsed.toLocaleString();
  }

  function row(params, label, value) {
    var line = node("div", "chart-tip-row");
    var marker = node("span", "chart-tip-marker");
    if (typeof params.color === "string") { marker.style.backgroundColor = params.color; }
    line.appendChild(marker);
    line.appendChild(node("span", "chart-tip-label", label));
    line.appendChild(node("span", "chart-tip-value", value));
    return line;
  }

  /* trigger: "axis": the category, then one line per series. */
  function axis(params) {
    var list = Array.isArray(params) ? params : [params];
    var box = node("div", "chart-tip");
    if (list.length) { box.appendChild(node("div", "chart-tip-title", list[0].axisValueLabel || list[0].name)); }
    list.forEach(function (p) { box.appendChild(row(p, p.seriesName, number(p.value))); });
    return box;
  }

  /* trigger: "item": the series, then the item with its value (and share for a pie). */
  function item(params) {
    var box = node("div", "chart-tip");
    if (params.seriesName && params.seriesType !== "pie" && params.seriesType !== "funnel") {
      box.appendChild(node("div", "chart-tip-title", params.seriesName));
    }
    var value = number(params.value);
    /* The share computed on the server (one decimal, shares adding up to 100.0), never
       ECharts' own percent, which rounds to two places and disagrees with the table. */
    var share = params.data && params.data.share;
    if (share !== undefined && share !== null && share !== "") { value += " (" + share + "%)"; }
    box.appendChild(row(params, params.name, value));
    return box;
  }

  window.renovationTooltip = { axis: axis, item: item };
})();
