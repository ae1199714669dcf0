// The agents' live chat pages: the Chats list (kept live by server-sent events, with a sound and a banner when a
// new chat waits) and one conversation (messages and typing both ways, composer sending without a page load).
(function () {
  "use strict";
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  var hx = document.body.getAttribute("hx-headers");
  if (!csrf && hx) { try { csrf = JSON.parse(hx)["X-CSRFToken"] || ""; } catch (e) { csrf = ""; } }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body || "",
    });
  }

  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound: the banner still shows */ }
  }

  // --- the Chats list ---
  var queue = document.querySelector("[data-chat-queue]");
  if (queue) {
    var box = document.getElementById("chat-queue");
    var alertBox = queue.querySelector("[data-chat-alert]");
    var known = {};
    box.querySelectorAll("[data-chat]").forEach(function (row) { known[row.getAttribute("data-chat")] = true; });
    var title = document.title;
    var timer = null;
    // Which waiting chats there are and which are unanswered: when only the minutes changed, the rows stay and
    // only their "Waiting N min" texts change (not read out: the list is a live region, the badges are not).
    function shape(root) {
      return Array.prototype.map.call(root.querySelectorAll("[data-chat]"), function (row) {
        return row.getAttribute("data-chat") + ":" + (row.getAttribute("data-unanswered") || "");
      }).join(",");
    }
    function schedule() {
      if (timer) clearTimeout(timer);
      timer = null;
      var section = box.querySelector("[data-refresh-in]");
      if (section) {
        var seconds = Math.max(1, parseInt(section.getAttribute("data-refresh-in"), 10) || 60);
        timer = setTimeout(function () { reload(true); }, seconds * 1000 + 500);
      }
    }
    function reload(timed) {
      fetch(queue.getAttribute("data-queue-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var next = document.createElement("div");
          next.innerHTML = html;
          if (timed && shape(next) === shape(box)) {
            var badges = next.querySelectorAll("[data-wait]");
            box.querySelectorAll("[data-wait]").forEach(function (badge, i) { badge.innerHTML = badges[i].innerHTML; });
            var had = box.querySelector("[data-waiting]"), has = next.querySelector("[data-waiting]");
            if (had && has) had.setAttribute("data-refresh-in", has.getAttribute("data-refresh-in") || "");
            schedule();
            return;
          }
          box.innerHTML = html;
          schedule();
          var fresh = false;
          box.querySelectorAll("[data-chat]").forEach(function (row) {
            var id = row.getAttribute("data-chat");
            if (!known[id]) { fresh = true; known[id] = true; row.classList.add("new"); }
          });
          var section = box.querySelector("[data-waiting]");
          var waiting = section ? parseInt(section.getAttribute("data-waiting"), 10) : 0;
          document.dispatchEvent(new CustomEvent("chat:waiting", { detail: waiting }));
          if (fresh) {
            beep();
            alertBox.textContent = queue.getAttribute("data-new-chat");
            alertBox.hidden = false;
            document.title = "(" + waiting + ") " + title;
          } else if (!waiting) {
            alertBox.hidden = true;
            document.title = title;
          }
        })
        .catch(function () {});
    }
    schedule();
    var source = new EventSource(queue.getAttribute("data-events-url"));
    source.addEventListener("open", function () { queue.setAttribute("data-live", ""); });
    source.addEventListener("queue", function (e) {
      var data = JSON.parse(e.data);
      if (data.type !== "hello") reload();
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) document.title = title; });
  }

  // --- one conversation ---
  var page = document.querySelector("[data-chat-conversation]");
  if (!page) return;
  var log = page.querySelector("[data-chat-log]");
  var typingLine = page.querySelector("[data-chat-typing]");
  var stateLine = page.querySelector("[data-chat-state]");
  var composer = page.querySelector("[data-chat-composer]");
  var seen = {};
  log.querySelectorAll("[data-id]").forEach(function (li) { seen[li.getAttribute("data-id")] = true; });

  function add(msg) {
    if (seen[msg.id]) return;
    seen[msg.id] = true;
    var li = document.createElement("li");
    li.className = "chat-msg " + (msg.author === "visitor" ? "visitor" : "agent");
    li.setAttribute("data-id", msg.id);
    var who = document.createElement("span");
    who.className = "chat-author";
    who.textContent = msg.name;
    var when = document.createElement("time");
    when.className = "small muted";
    when.dateTime = msg.at;
    when.textContent = " " + new Date(msg.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
    var text = document.createElement("p");
    text.className = "chat-text";
    text.textContent = msg.text; // text, never HTML
    li.appendChild(who);
    li.appendChild(when);
    li.appendChild(text);
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    if (msg.author === "visitor") typingLine.textContent = "";
  }

  var typingTimer = null;
  var events = new EventSource(page.getAttribute("data-events-url"));
  events.addEventListener("open", function () { page.setAttribute("data-live", ""); });
  events.addEventListener("message", function (e) { add(JSON.parse(e.data)); });
  events.addEventListener("typing", function () {
    typingLine.textContent = page.getAttribute("data-typing-text");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
  });
  events.addEventListener("state", function (e) {
    var data = JSON.parse(e.data);
    if (data.state === "ended") {
      stateLine.textContent = page.getAttribute("data-ended-text");
      if (composer) composer.hidden = true;
      var end = page.querySelector("[data-chat-end]");
      if (end) end.hidden = true;
    }
  });

  if (!composer) return;
  var field = composer.querySelector("textarea");
  var error = composer.querySelector("[data-chat-error]");
  var lastTyping = 0;
  field.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2500 && field.value.trim()) {
      lastTyping = now;
      post(page.getAttribute("data-typing-url")).catch(function () {});
    }
  });
  field.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
  });
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = field.value;
    if (!body.trim()) return;
    error.textContent = "";
    post(page.getAttribute("data-send-url"), "body=" + encodeURIComponent(body))
      .then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) throw new Error(data.message || "");
          field.value = "";
          field.focus();
        });
      })
      .catch(function (err) { error.textContent = err.message || page.getAttribute("data-error-text"); });
  });
})();
