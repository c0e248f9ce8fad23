// Admin: recompute the publicity end date while the editor types the start date.
(function () {
  "use strict";
  function setup() {
    var box = document.querySelector("[data-publicity-period]");
    if (!box) return;
    var start = document.getElementById("id_start_date");
    var days = document.getElementById("id_working_days");
    var authority = document.getElementById("id_authority");
    var output = box.querySelector("[data-publicity-end]");
    var errorBox = box.querySelector("[data-publicity-error]");
    var pending = null;

    function refresh() {
      if (!start || !start.value) return;
      var params = new URLSearchParams({
        start: start.value,
        days: days && days.value ? days.value : "5",
        authority: authority && authority.value ? authority.value : ""
      });
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(box.dataset.url + "?" + params.toString(), {
        credentials: "same-origin",
        signal: pending.signal
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) {
            output.textContent = "—";
            errorBox.textContent = data.error;
            errorBox.hidden = false;
          } else {
            output.textContent = data.end_label;
            errorBox.hidden = true;
            errorBox.textContent = "";
          }
        })
        .catch(function () {});
    }
    [start, days, authority].forEach(function (input) {
      if (!input) return;
      input.addEventListener("input", refresh);
      input.addEventListener("change", refresh);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
