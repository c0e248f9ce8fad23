// Admin: recompute the publicity end date while the editor types the start date, and list the
// days the count skipped (春节, 周末, 古尔邦节) with the warnings the calendar gives.
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
    var note = box.querySelector("[data-publicity-start-note]");
    var warnings = box.querySelector("[data-publicity-warnings]");
    var skippedBox = box.querySelector("[data-publicity-skipped-box]");
    var skippedList = box.querySelector("[data-publicity-skipped]");
    var skippedCount = box.querySelector("[data-publicity-skipped-count]");
    var pending = null;

    function show(element, visible) {
      if (element) element.hidden = !visible;
    }

    function render(data) {
      var rows = data.skipped || [];
      if (note) note.textContent = data.start_note || "";
      show(note, Boolean(data.start_note));
      if (warnings) {
        warnings.textContent = "";
        (data.warnings || []).forEach(function (text) {
          var p = document.createElement("p");
          p.textContent = text;
          warnings.appendChild(p);
        });
      }
      show(warnings, Boolean(data.warnings && data.warnings.length));
      if (skippedList) {
        skippedList.textContent = "";
        rows.forEach(function (row) {
          var li = document.createElement("li");
          var time = document.createElement("time");
          time.dateTime = row.date;
          time.textContent = row.label;
          li.appendChild(time);
          li.appendChild(document.createTextNode(" " + row.reason));
          skippedList.appendChild(li);
        });
      }
      if (skippedCount) skippedCount.textContent = String(rows.length);
      show(skippedBox, rows.length > 0);
    }

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
            render({});
          } else {
            output.textContent = data.end_label;
            errorBox.hidden = true;
            errorBox.textContent = "";
            render(data);
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
