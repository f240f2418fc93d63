/*
 * The admin experiment page as a live page: while the experiment is active (section#experiment-live
 * data-ended="false") it polls the staff-only JSON endpoint (data-url) for the cases done, running, passed and
 * the spend, and reloads the page once when the experiment ends, so the results table below shows the final
 * grades. A page loaded on an ended experiment never polls, so the reload cannot loop.
 * A file rather than an inline script because the Content Security Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;

  function set(id, text) {
    var element = document.getElementById(id);
    if (element) element.textContent = text;
  }

  function draw(state) {
    var status = document.getElementById("experiment-status");
    status.textContent = state.status_label;
    status.className = "run-status status-" + state.status;
    set("experiment-done", state.done + " of " + state.total);
    set("experiment-running", String(state.running));
    set("experiment-outcomes", state.passed + " / " + state.failed + " / " + state.not_graded);
    set("experiment-spent", "$" + state.spent + " of $" + state.budget);
    var bar = document.getElementById("experiment-progress");
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
  }

  function start() {
    var panel = document.getElementById("experiment-live");
    if (!panel || panel.dataset.ended === "true") return;
    var note = document.getElementById("experiment-live-note");

    function poll() {
      fetch(panel.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (state) {
          draw(state);
          if (state.final) {
            note.textContent = "Ended; reloading…";
            window.location.reload();
            return;
          }
          note.textContent = "Updating…";
          window.setTimeout(poll, INTERVAL_MS);
        })
        .catch(function (error) {
          note.textContent = "Could not update (" + error.message + "); retrying.";
          window.setTimeout(poll, INTERVAL_MS * 4);
        });
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
