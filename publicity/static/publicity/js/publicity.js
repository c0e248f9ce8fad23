// Publicity page: filter the list on the page, live countdown. (Each row links to the
// objection form at …/objection/?entry=<id>, a page of its own.)
(function () {
  "use strict";

  function setupFilter() {
    var form = document.querySelector("[data-filter-form]");
    var body = document.querySelector("[data-filter-rows]");
    if (!form || !body) return;
    // Filtering happens as you type: pressing Enter must not submit (and reload) the page.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var count = document.querySelector("[data-filter-count]");
    var empty = document.querySelector("[data-filter-empty]");
    var name = form.querySelector("#filter-name");
    var unit = form.querySelector("#filter-unit");
    var specialty = form.querySelector("#filter-specialty");
    // Read each row's cells once (name, unit, specialty); filtering then only flips `hidden`.
    var rows = Array.prototype.map.call(body.rows, function (row) {
      return {
        row: row,
        name: row.cells[1].textContent,
        unit: row.cells[3].textContent,
        specialty: row.cells[4].textContent
      };
    });

    function apply() {
      var wantName = name.value.replace(/\s+/g, "");
      var wantUnit = unit.value;
      var wantSpecialty = specialty.value;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var item = rows[i];
        var match =
          (!wantName || item.name.indexOf(wantName) !== -1) &&
          (!wantUnit || item.unit === wantUnit) &&
          (!wantSpecialty || item.specialty === wantSpecialty);
        if (item.row.hidden === match) item.row.hidden = !match;
        if (match) shown++;
      }
      count.textContent = "显示 " + shown + " 人";
      if (empty) empty.hidden = shown !== 0;
      // Keep the address in step, so the filtered list can be shared as a link.
      if (window.history && window.history.replaceState) {
        var params = new URLSearchParams();
        if (wantName) params.set("name", wantName);
        if (wantUnit) params.set("unit", wantUnit);
        if (wantSpecialty) params.set("specialty", wantSpecialty);
        var query = params.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
    }
    var timer = null;
    name.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 80);
    });
    unit.addEventListener("change", apply);
    specialty.addEventListener("change", apply);
  }

  function setupCountdown() {
    var box = document.querySelector("[data-countdown]");
    if (!box) return;
    var clock = box.querySelector("[data-countdown-clock]");
    var endsAt = new Date(box.dataset.endsAt).getTime();
    function tick() {
      var left = endsAt - Date.now();
      if (left <= 0) {
        box.textContent = "公示已结束";
        return;
      }
      var hours = Math.floor(left / 3600000);
      var minutes = Math.floor((left % 3600000) / 60000);
      var days = Math.floor(hours / 24);
      clock.textContent = "（距结束还有 " + (days ? days + " 天 " : "") + (hours % 24) + " 小时 " + minutes + " 分）";
    }
    tick();
    setInterval(tick, 30000);
  }

  setupFilter();
  setupCountdown();
})();
