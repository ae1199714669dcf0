// OpsDesk keyboard shortcuts and small helpers; works without it, faster with it.
(function () {
  "use strict";
  // The phone's menu button opens the top bar's links (CSS hides them below 700 px while it is closed).
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    var bar = toggle.closest(".topbar");
    var open = !bar.classList.contains("nav-open");
    bar.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-ticket-row]")); }
  var current = -1;
  function select(i) {
    var r = rows(); if (!r.length) return;
    current = Math.max(0, Math.min(i, r.length - 1));
    r.forEach(function (row, j) { row.classList.toggle("selected", j === current); });
    var link = r[current].querySelector("a"); if (link) link.focus();
  }
  function openTab(name) {
    var tab = document.querySelector('[data-composer-tab="' + name + '"]');
    if (tab) { tab.click(); var area = document.querySelector("#composer-" + name + " textarea"); if (area) area.focus(); }
  }
  // A long conversation opens at its latest message, with the composer under it (unless a link names a place).
  if (!window.location.hash && document.getElementById("folded")) {
    var latest = document.querySelectorAll("#conversation > li.message");
    if (latest.length) latest[latest.length - 1].scrollIntoView({block: "start"});
  }
  // Filters stay folded on a phone and open on a wide screen.
  function openWide() {
    document.querySelectorAll("[data-open-wide]").forEach(function (d) { if (window.innerWidth > 900) d.open = true; });
  }
  openWide();
  document.addEventListener("htmx:afterSwap", openWide);
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && typing(e) && e.target.form) { e.preventDefault(); e.target.form.requestSubmit(); }
      return;
    }
    if (typing(e)) { if (e.key === "Escape") e.target.blur(); return; }
    switch (e.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "x": var r = rows()[current]; if (r) { var c = r.querySelector("input[type=checkbox]"); if (c) c.click(); } break;
      case "/": var s = document.querySelector("[data-search]"); if (s) { e.preventDefault(); s.focus(); } break;
      case "r": openTab("reply"); e.preventDefault(); break;
      case "n": openTab("note"); e.preventDefault(); break;
      case "g": window.location.href = document.body.dataset.inboxUrl || "/"; break;
      case "?": var d = document.getElementById("shortcuts"); if (d && d.showModal) d.showModal(); break;
      default: return;
    }
  });
  document.addEventListener("click", function (e) {
    var confirmed = e.target.closest("[data-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) { e.preventDefault(); return; }
    var tab = e.target.closest("[data-composer-tab]");
    if (tab) {
      var name = tab.getAttribute("data-composer-tab");
      document.querySelectorAll("[data-composer-tab]").forEach(function (b) { b.setAttribute("aria-selected", b === tab ? "true" : "false"); });
      document.querySelectorAll("[data-composer-panel]").forEach(function (p) { p.hidden = p.getAttribute("data-composer-panel") !== name; });
    }
    var all = e.target.closest("[data-select-all]");
    if (all) { document.querySelectorAll("[data-ticket-row] input[type=checkbox]").forEach(function (c) { c.checked = all.checked; }); }
  });
  // When a poll may run. htmx trigger filters ("every 20s [...]") would need eval, which the Content-Security-Policy
  // forbids, so the condition lives here: "visible" (the tab is shown) or "idle-inbox" (also nothing selected or
  // focused in the ticket table, and at most 50 rows, so a refresh never takes what the agent is working on).
  function pollAllowed(rule) {
    if (document.visibilityState !== "visible") return false;
    if (rule === "idle-inbox") {
      return !document.querySelector("#ticket-table input:checked, #ticket-table :focus, #ticket-table tr.selected") &&
        document.querySelectorAll("#ticket-rows [data-ticket-row]").length <= 50;
    }
    return true;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    var rule = elt && elt.getAttribute && elt.getAttribute("data-poll-when");
    if (rule && !pollAllowed(rule)) e.preventDefault();
  });
  document.addEventListener("change", function (e) {
    var canned = e.target.closest("[data-canned]");
    if (canned && canned.value) {
      var area = document.querySelector("#composer-reply textarea");
      if (area) { area.value = (area.value ? area.value + "\n\n" : "") + canned.value; area.focus(); }
      canned.selectedIndex = 0;
    }
  });
})();
