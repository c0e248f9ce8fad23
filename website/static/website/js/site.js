// Behaviour shared by every public page, kept out of inline handlers so the
// Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
