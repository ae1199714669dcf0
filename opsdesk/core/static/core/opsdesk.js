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
  if (!window.location.hash && document.querySelector("#conversation:not(.newest-first) > #folded")) {
    var latest = document.querySelectorAll("#conversation > li.message");
    if (latest.length) latest[latest.length - 1].scrollIntoView({block: "start"});
  }
  // A link to a change the history folds (a notification, the SLA panel's "In the history") unfolds it, then lands.
  var wanted = null;
  function showEvent() {
    if (!/^#event-\d+$/.test(window.location.hash) || document.querySelector(window.location.hash)) return;
    var earlier = document.querySelector("[data-history-earlier]");
    if (earlier) { wanted = window.location.hash; earlier.click(); }
  }
  document.addEventListener("htmx:afterSettle", function () {
    var found = wanted && document.querySelector(wanted);
    if (found) { wanted = null; found.scrollIntoView({block: "center"}); }
  });
  window.addEventListener("hashchange", showEvent);
  document.addEventListener("DOMContentLoaded", showEvent);  // after htmx has read the page (its script runs first)
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (err) { return ""; }
  }
  // Drafts: what is typed in the composer is kept in this browser (per user, ticket and tab) until it is sent, so a
  // reload, a crash or a click elsewhere loses nothing. Signing out forgets every draft.
  var composer = document.getElementById("composer");
  var store = null;
  try { store = window.localStorage; } catch (err) { store = null; }
  if (composer && store) {
    var base = composer.getAttribute("data-draft-key");
    var restored = [];
    var note = composer.querySelector("[data-draft-note]");
    composer.querySelectorAll("form textarea[name=body]").forEach(function (area) {
      var key = base + ":" + area.closest("[data-composer-panel]").getAttribute("data-composer-panel");
      var saved = store.getItem(key);
      if (saved && !area.value) { area.value = saved; restored.push(area); }
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { if (area.value.trim()) store.setItem(key, area.value); else store.removeItem(key); }, 300);
      });
      area.form.addEventListener("submit", function () { clearTimeout(timer); store.removeItem(key); });
    });
    if (restored.length && note) {
      note.hidden = false;
      var tab = document.querySelector('[data-composer-tab="' + restored[0].closest("[data-composer-panel]").getAttribute("data-composer-panel") + '"]');
      if (tab) tab.click();
    }
    document.addEventListener("click", function (e) {
      if (!e.target.closest("[data-draft-discard]")) return;
      restored.forEach(function (area) { area.value = ""; store.removeItem(base + ":" + area.closest("[data-composer-panel]").getAttribute("data-composer-panel")); });
      note.hidden = true;
    });
  }
  if (store) {
    document.addEventListener("submit", function (e) {
      if (!e.target.classList.contains("sign-out-form")) return;
      Object.keys(store).forEach(function (key) { if (key.indexOf("opsdesk:") === 0) store.removeItem(key); });
    });
  }
  // Recently opened tickets (this browser, this user): a strip of links on the ticket page to switch between them.
  var recent = document.querySelector("[data-recent]");
  if (recent && store) {
    var recentKey = recent.getAttribute("data-recent"), here = recent.getAttribute("data-ticket"), list = [];
    try { list = JSON.parse(store.getItem(recentKey) || "[]"); } catch (err) { list = []; }
    list = list.filter(function (t) { return t && t.id !== here; });
    var ul = recent.querySelector("ul");
    list.slice(0, 5).forEach(function (t) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = t.url; a.textContent = "#" + t.id + " " + t.subject; a.title = t.subject;
      li.appendChild(a); ul.appendChild(li);
    });
    recent.hidden = !ul.children.length;
    list.unshift({id: here, subject: recent.getAttribute("data-subject"), url: recent.getAttribute("data-url")});
    store.setItem(recentKey, JSON.stringify(list.slice(0, 8)));
  }
  // Collision warning: the ticket page's stream says who else has the ticket open, and whether they are replying;
  // typing in the composer tells them (at most every 10 s; "viewing" again once the text is sent or emptied).
  var presence = document.querySelector("[data-presence]");
  if (presence && window.EventSource) {
    var conn = Math.random().toString(36).slice(2) + Date.now().toString(36), events = null;
    // opened a second after the page: the page itself (and a test waiting for the network to be idle) comes first
    setTimeout(function () {
      events = new EventSource(presence.getAttribute("data-presence") + "?conn=" + conn);
      events.addEventListener("presence", function (e) {
        var told = JSON.parse(e.data);
        presence.textContent = told.text;
        presence.className = "collision" + (told.level ? " " + told.level : "");
      });
    }, 1000);
    var reported = 0, replying = false;
    function report(state) {
      var body = new URLSearchParams({conn: conn, state: state});
      fetch(presence.getAttribute("data-presence-post"), {method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": csrf()}});
    }
    document.addEventListener("input", function (e) {
      if (!e.target.closest || !e.target.closest("#composer-reply textarea")) return;
      var now = Date.now();
      if (e.target.value.trim() && (!replying || now - reported > 10000)) { replying = true; reported = now; report("replying"); }
      else if (!e.target.value.trim() && replying) { replying = false; report("viewing"); }
    });
    window.addEventListener("pagehide", function () { if (events) events.close(); });
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
    var picked = e.target.closest(".file-pick");
    if (picked) {
      var names = picked.querySelector("[data-file-names]");
      var files = Array.prototype.map.call(e.target.files || [], function (f) { return f.name; });
      names.textContent = files.length ? files.join(", ") : names.getAttribute("data-none");
    }
    var canned = e.target.closest("[data-canned]");
    if (canned && canned.value) {
      var area = document.querySelector("#composer-reply textarea");
      if (area) { area.value = (area.value ? area.value + "\n\n" : "") + canned.value; area.focus(); }
      canned.selectedIndex = 0;
    }
  });
})();
