// Live issuing progress on the dashboard: each item polls its small JSON endpoint every
// 3 seconds until the document leaves the 签发中 state or stops with an error.
(function () {
  "use strict";
  function poll(item) {
    fetch(item.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var bar = item.querySelector("progress");
        var text = item.querySelector("[data-progress-text]");
        bar.max = data.total || 1;
        bar.value = data.done;
        if (data.failed) {
          text.textContent = "签发失败：" + data.error + "（可重新签发以继续）";
        } else if (data.status !== "issuing") {
          text.textContent = data.status_label + "，共 " + data.total + " 份证书";
        } else {
          text.textContent = "已生成 " + data.done + "/" + data.total + " 份证书";
          window.setTimeout(function () { poll(item); }, 3000);
        }
      });
  }
  document.querySelectorAll("[data-issuing-progress]").forEach(function (item) {
    window.setTimeout(function () { poll(item); }, 3000);
  });
})();
