/*
 * Draws the admin analytics dashboard from the JSON the page carries (json_script "analytics-data").
 * Loaded as a file because the Content Security Policy forbids inline scripts. Chart.js is vendored
 * (analytics/vendor/chartjs), so nothing is fetched from outside this server.
 */
(function () {
  "use strict";

  var COLORS = ["#417690", "#e07b39", "#5b9a4d", "#b0413e", "#8e6bbf", "#c9a227", "#3a9ca6", "#7f7f7f"];

  function percent(rate) {
    return rate === null ? null : Math.round(rate * 1000) / 10;
  }

  function money(value) {
    return Number(value);
  }

  function pick(rows, key, transform) {
    return rows.map(function (row) {
      return transform ? transform(row[key]) : row[key];
    });
  }

  function lineDataset(label, data, index, extra) {
    return Object.assign(
      { type: "line", label: label, data: data, borderColor: COLORS[index], backgroundColor: COLORS[index], spanGaps: false },
      extra || {}
    );
  }

  function barDataset(label, data, index, extra) {
    return Object.assign({ type: "bar", label: label, data: data, backgroundColor: COLORS[index] }, extra || {});
  }

  // Days as MM-DD on the axis (the page states the range with its year); the tooltip keeps the full date.
  var DAY_AXIS = {
    ticks: {
      callback: function (value) {
        return String(this.getLabelForValue(value)).slice(5);
      },
    },
  };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return null;
    }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false }, config.options || {});
    return new window.Chart(canvas, config);
  }

  function runsChart(data) {
    return draw("chart-runs", {
      type: "bar",
      data: {
        labels: pick(data.daily, "day"),
        datasets: [
          barDataset("Runs", pick(data.daily, "runs"), 0, { yAxisID: "y" }),
          barDataset("Succeeded", pick(data.daily, "succeeded"), 2, { yAxisID: "y" }),
          lineDataset("Success rate (%)", pick(data.daily, "success_rate", percent), 1, { yAxisID: "rate" }),
        ],
      },
      options: {
        scales: {
          x: DAY_AXIS,
          y: { beginAtZero: true, title: { display: true, text: "runs" }, ticks: { precision: 0 } },
          rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } },
        },
      },
    });
  }

  function latencyChart(data) {
    return draw("chart-latency", {
      type: "line",
      data: {
        labels: pick(data.daily, "day"),
        datasets: [
          lineDataset("p50", pick(data.daily, "duration_p50_ms"), 2),
          lineDataset("p95", pick(data.daily, "duration_p95_ms"), 1),
          lineDataset("p99", pick(data.daily, "duration_p99_ms"), 3),
        ],
      },
      options: { scales: { x: DAY_AXIS, y: { beginAtZero: true, title: { display: true, text: "ms" } } } },
    });
  }

  function costChart(id, rows, key) {
    return draw(id, {
      type: "bar",
      data: { labels: pick(rows, key), datasets: [barDataset("Cost (USD)", pick(rows, "cost", money), 0)] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }

  // Input split as it is priced: uncached (tokens_in minus the two cache parts), cached reads, cache writes.
  function uncachedInput(row) {
    return Math.max(row.tokens_in - row.cached_tokens_in - row.cache_write_tokens, 0);
  }

  function tokensChart(data) {
    var stacked = { stack: "tokens" };
    return draw("chart-tokens", {
      type: "bar",
      data: {
        labels: pick(data.daily, "day"),
        datasets: [
          barDataset("Input, uncached", data.daily.map(uncachedInput), 0, stacked),
          barDataset("Input, cached", pick(data.daily, "cached_tokens_in"), 6, stacked),
          barDataset("Input, cache writes", pick(data.daily, "cache_write_tokens"), 5, stacked),
          barDataset("Output", pick(data.daily, "tokens_out"), 1, stacked),
        ],
      },
      options: {
        scales: {
          x: Object.assign({ stacked: true }, DAY_AXIS),
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "tokens" }, ticks: { precision: 0 } },
        },
      },
    });
  }

  function cacheChart(data) {
    return draw("chart-cache", {
      type: "line",
      data: {
        labels: pick(data.daily, "day"),
        datasets: [lineDataset("Cache hit rate (%)", pick(data.daily, "cache_hit_rate", percent), 4)],
      },
      options: { plugins: { legend: { display: false } }, scales: { x: DAY_AXIS, y: { min: 0, max: 100 } } },
    });
  }

  function errorsChart(data) {
    return draw("chart-errors", {
      type: "bar",
      data: { labels: pick(data.top_errors, "code"), datasets: [barDataset("Runs", pick(data.top_errors, "count"), 3)] },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  function themeDefaults() {
    var style = getComputedStyle(document.documentElement);
    var text = style.getPropertyValue("--body-quiet-color").trim();
    var grid = style.getPropertyValue("--hairline-color").trim();
    if (text) {
      window.Chart.defaults.color = text;
    }
    if (grid) {
      window.Chart.defaults.borderColor = grid;
    }
    window.Chart.defaults.animation = false; // figures, not a show: draw at once (and screenshot reliably)
  }

  function main() {
    var source = document.getElementById("analytics-data");
    if (!source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    themeDefaults();
    runsChart(data);
    latencyChart(data);
    costChart("chart-cost-agent", data.cost_by_agent, "agent");
    costChart("chart-cost-workspace", data.cost_by_workspace, "workspace");
    tokensChart(data);
    cacheChart(data);
    errorsChart(data);
    document.body.dataset.chartsReady = "true";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
