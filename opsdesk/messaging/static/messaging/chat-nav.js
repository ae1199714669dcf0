// The "Chats" entry of the navigation: how many chats wait, read when a page loads and every 20 seconds.
(function () {
  "use strict";
  var link = document.querySelector("[data-chat-nav]");
  if (!link) return;
  var badge = link.querySelector("[data-chat-count]");
  function show(n) {
    badge.textContent = n > 0 ? String(n) : "";
    badge.hidden = !(n > 0);
  }
  function load() {
    fetch(link.getAttribute("data-count-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) show(data.waiting); })
      .catch(function () {});
  }
  document.addEventListener("chat:waiting", function (e) { show(e.detail); });
  load();
  setInterval(load, 20000);
})();
