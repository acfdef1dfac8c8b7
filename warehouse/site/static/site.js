// Draws the report's charts from the data each page embeds (script elements of type application/json),
// with Plotly, which ships beside this file; and filters the index's list of occupations as one types.
(function () {
  "use strict";

  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var CONFIG = { displaylogo: false, responsive: true };
  var COLORS = { line: "#1f5f99", up: "#2a7a3b", down: "#b03a2e" };

  function layout(title, extra) {
    return Object.assign({
      title: { text: title, font: { size: 15 } },
      margin: { l: 70, r: 20, t: 40, b: 50 },
      height: 300,
      hoverlabel: { align: "left" }
    }, extra || {});
  }

  function timelineCharts() {
    var rows = data("data-timeline");
    if (!rows || !document.getElementById("chart-jobs")) return;
    var x = rows.map(function (r) { return r.edition + " (" + r.base_year + ")"; });
    Plotly.newPlot("chart-jobs", [{
      type: "scatter", mode: "lines+markers", x: x, y: rows.map(function (r) { return r.jobs; }),
      line: { color: COLORS.line }, customdata: rows.map(function (r) { return [r.jobs_year]; }),
      hovertemplate: "%{x}<br>%{y:,} jobs in %{customdata[0]}<extra></extra>"
    }], layout("Jobs", { yaxis: { rangemode: "tozero", tickformat: "," } }), CONFIG);
    var dollarYear = rows.length ? rows[rows.length - 1].dollar_year : "";
    Plotly.newPlot("chart-wage", [{
      type: "scatter", mode: "lines+markers", x: x,
      y: rows.map(function (r) { return r.median_wage_constant; }),
      line: { color: COLORS.line },
      customdata: rows.map(function (r) { return [r.median_wage, r.wage_year]; }),
      hovertemplate: "%{x}<br>$%{y:,.0f} in " + dollarYear + " dollars<br>" +
        "$%{customdata[0]:,.0f} nominal (dollars of %{customdata[1]})<extra></extra>"
    }], layout("Median annual wage, " + dollarYear + " dollars",
               { yaxis: { rangemode: "tozero", tickprefix: "$", tickformat: "," } }), CONFIG);
  }

  function accuracyChart() {
    var rows = data("data-accuracy");
    if (!rows || !document.getElementById("chart-accuracy")) return;
    var x = rows.map(function (r) { return r.projection_edition + " for " + r.projected_year; });
    Plotly.newPlot("chart-accuracy", [
      { type: "bar", name: "projected", x: x, y: rows.map(function (r) { return r.projected_employment; }),
        marker: { color: "#9bb7d4" }, hovertemplate: "%{x}: %{y:,} projected<extra></extra>" },
      { type: "bar", name: "reported", x: x, y: rows.map(function (r) { return r.reported_employment; }),
        marker: { color: COLORS.line },
        customdata: rows.map(function (r) { return [r.outcome_edition, r.error_percent]; }),
        hovertemplate: "%{x}: %{y:,} reported in %{customdata[0]} (%{customdata[1]:+.1f}%)<extra></extra>" }
    ], layout("Projected against reported employment", { barmode: "group", yaxis: { tickformat: "," } }), CONFIG);
  }

  // A ranking as horizontal bars: the largest change on top, rises and falls in their own colors.
  function rankingChart(chartId, dataId, measure, title, hover) {
    var rows = data(dataId);
    if (!rows || !document.getElementById(chartId)) return;
    rows = rows.slice().reverse();
    Plotly.newPlot(chartId, [{
      type: "bar", orientation: "h",
      y: rows.map(function (r) { return r.occupation; }),
      x: rows.map(function (r) { return r[measure]; }),
      marker: { color: rows.map(function (r) { return r[measure] < 0 ? COLORS.down : COLORS.up; }) },
      customdata: rows.map(hover),
      hovertemplate: "%{y}<br>%{x:+.1f}%<br>%{customdata}<extra></extra>"
    }], layout(title, { height: 120 + 24 * rows.length, margin: { l: 330, r: 20, t: 40, b: 40 },
                        xaxis: { ticksuffix: "%" }, yaxis: { automargin: true } }), CONFIG);
  }

  function fmt(n) { return n === null || n === undefined ? "?" : n.toLocaleString("en-US"); }

  function indexCharts() {
    rankingChart("chart-movers-jobs", "data-movers-jobs", "jobs_change_percent", "Change in jobs",
      function (r) { return fmt(r.older_jobs) + " to " + fmt(r.newer_jobs) + " jobs"; });
    rankingChart("chart-movers-wage", "data-movers-wage", "real_wage_change_percent",
      "Change in the median wage, constant dollars",
      function (r) {
        return "$" + fmt(r.older_median_wage_constant) + " to $" + fmt(r.newer_median_wage_constant) +
          " (" + r.dollar_year + " dollars); nominal $" + fmt(r.older_median_wage) + " to $" + fmt(r.newer_median_wage);
      });
    rankingChart("chart-growth", "data-growth", "projection_change_percent", "Projected change in employment",
      function (r) { return fmt(r.projection_base) + " to " + fmt(r.projection_target) + " (" + r.projection_period + ")"; });
  }

  function search() {
    var input = document.getElementById("search");
    if (!input) return;
    var items = Array.prototype.slice.call(document.querySelectorAll("#occupations li"));
    var count = document.getElementById("search-count");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-search");
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = shown.toLocaleString("en-US") + " occupations";
    });
  }

  // A printout shows every section's changes, not only the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    timelineCharts();
    accuracyChart();
    indexCharts();
    search();
    document.body.setAttribute("data-charts-drawn", "true");
  });
}());
