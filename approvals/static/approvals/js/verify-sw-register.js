/* Installs the offline verifier's service worker from any /verify/ page, so that a visitor who
 * opened it once can later verify a QR token with no network (see offline-verify.js). */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(script.dataset.swUrl, { scope: "/verify/" }).catch(() => {});
})();
