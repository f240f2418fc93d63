/*
 * The admin run page as a live page: polls the staff-only JSON endpoint (section#run-live data-url) with
 * ?after=<last event>, redraws the figures and steps, appends new events, and stops when the run has ended.
 * If the run ends while the page is open, the page reloads once: the read-only record below the panel (status,
 * output, finished at, …) is drawn by the server and would otherwise keep its values from before the end. A page
 * loaded on an ended run (data-ended="true") never reloads, so the reload cannot loop.
 * A file rather than an inline script because the Content Security Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var STEP_COLUMNS = ["sequence", "kind", "name", "status", "model", "tokens_in", "cached_tokens_in",
    "cache_write_tokens", "tokens_out", "cost", "latency_ms", "cache_hit", "error"];

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    row.appendChild(td);
  }

  function stepValue(step, column) {
    if (column === "model") return [step.provider, step.model].filter(Boolean).join(" / ");
    if (column === "cost") return "$" + step.cost;
    if (column === "latency_ms") return step.latency_ms + " ms";
    if (column === "cache_hit") return step.cache_hit ? "hit" : "";
    return step[column];
  }

  function drawSteps(steps) {
    var body = document.getElementById("run-steps");
    body.replaceChildren();
    steps.forEach(function (step) {
      var row = document.createElement("tr");
      row.className = "run-step status-" + step.status;
      STEP_COLUMNS.forEach(function (column) { cell(row, stepValue(step, column)); });
      body.appendChild(row);
    });
    document.getElementById("run-steps-empty").hidden = steps.length > 0;
  }

  function appendEvents(events) {
    var list = document.getElementById("run-events");
    events.forEach(function (event) {
      var item = document.createElement("li");
      item.value = event.sequence;
      item.className = "run-event type-" + event.type;
      var type = document.createElement("strong");
      type.textContent = event.type + " ";
      var data = document.createElement("code");
      data.textContent = JSON.stringify(event.data);
      item.append(type, data);
      list.appendChild(item);
    });
  }

  function drawFigures(state) {
    var status = document.getElementById("run-status");
    status.textContent = state.status_label;
    status.className = "run-status status-" + state.status;
    // toFixed: JSON drops the ".0" of a whole number of seconds, which the server-drawn page shows
    var duration = state.duration === null ? "—" : state.duration.toFixed(1) + " s";
    document.getElementById("run-duration").textContent = duration;
    document.getElementById("run-tokens").textContent = state.tokens_in + " in / " + state.tokens_out + " out";
    document.getElementById("run-cache-tokens").textContent = state.cached_tokens_in + " / " + state.cache_write_tokens;
    document.getElementById("run-cost").textContent = "$" + state.cost;
    var error = document.getElementById("run-error");
    error.textContent = state.error;
    error.hidden = !state.error;
    var cancel = document.getElementById("run-cancel-form");
    if (cancel) cancel.hidden = state.final;
  }

  function start(section) {
    var after = 0;
    var note = document.getElementById("run-live-note");
    var endedOnLoad = section.dataset.ended === "true";

    function poll() {
      fetch(section.dataset.url + "?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (state) {
          drawFigures(state);
          drawSteps(state.steps);
          appendEvents(state.events);
          after = state.next_after;
          section.dataset.status = state.status;
          if (state.status === "awaiting_approval" && section.dataset.hasApproval !== "true") {
            window.location.reload(); // the approval form and proposed output are drawn by the server
          } else if (state.status === "awaiting_input" && section.dataset.hasInput !== "true") {
            window.location.reload(); // so are the run's questions and the form that answers them
          } else if (state.final && !endedOnLoad) {
            note.textContent = "The run has ended; reloading…";
            window.location.reload(); // the record below the panel is drawn by the server
          } else if (state.final) {
            note.textContent = "The run has ended.";
            section.dataset.final = "true";
          } else {
            window.setTimeout(poll, state.events.length ? 0 : INTERVAL_MS);
          }
        })
        .catch(function (error) {
          note.textContent = "Updates paused (" + error.message + "); retrying…";
          window.setTimeout(poll, INTERVAL_MS * 5);
        });
    }

    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("run-live");
    if (section) start(section);
  });
})();
