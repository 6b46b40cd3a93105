/* The progress bar of a statistics run: polls the run's status record until it finishes.
   No inline script: the status URL comes from a data attribute. */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("rollup-run");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-status-url");
    var bar = document.getElementById("rollup-progress");
    var percent = document.getElementById("rollup-percent");
    var status = document.getElementById("rollup-status");
    var error = document.getElementById("rollup-error");
    var done = document.getElementById("rollup-done");
    var delay = 1000;

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (run) {
          bar.value = run.percent;
          bar.textContent = run.percent + "%";
          percent.textContent = run.percent + "%";
          status.textContent = run.status_label;
          if (run.error) { error.textContent = run.error; error.hidden = false; }
          if (run.finished) { done.hidden = false; return; }
          setTimeout(poll, delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 15000);  // the server or network is struggling: back off
          setTimeout(poll, delay);
        });
    }

    if (done.hidden) { poll(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
