/*! OpsDesk live chat widget. No framework, no dependency. Paste on a website:
 *  <script src="https://desk.example/static/messaging/chat-widget.js" data-widget="KEY" async></script>
 * It talks only to the OpsDesk server it was loaded from, with the visitor's token as a bearer header (no cookies).
 * Every text comes from the server in the visitor's language; messages are inserted as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-widget]");
  if (!script || window.__opsdeskChat) return;
  window.__opsdeskChat = true;
  var key = script.getAttribute("data-widget");
  var base = new URL(script.src, location.href).origin + "/chat/widget/" + encodeURIComponent(key) + "/";
  var storeKey = "opsdesk-chat:" + key;
  var LANGS = ["en", "fi", "sv", "ru", "el"];

  function browserLanguage() {
    var wanted = navigator.languages || [navigator.language || "en"];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).slice(0, 2).toLowerCase();
      if (LANGS.indexOf(code) >= 0) return code;
    }
    return "en";
  }

  var CSS = [
    ":host{all:initial}",
    "[hidden]{display:none!important}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:999px;padding:14px 20px;",
    "background:#1f4f8f;color:#fff;font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible",
    "{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:360px;max-height:min(600px,calc(100vh - 110px));",
    "display:flex;flex-direction:column;background:#fff;color:#1b1b1b;border-radius:12px;",
    "box-shadow:0 8px 32px rgba(0,0,0,.3);overflow:hidden;font-size:15px;line-height:1.4}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;background:#1f4f8f;color:#fff;padding:10px 14px}",
    "header h2{margin:0;font-size:17px}",
    "header button{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1;padding:4px 8px}",
    ".body{padding:12px 14px;overflow:auto;flex:1}",
    "form{display:flex;flex-direction:column;gap:8px}",
    "label{font-weight:600;font-size:14px}",
    "input,select,textarea{width:100%;font-size:15px;padding:8px;border:1px solid #767676;border-radius:6px;color:#1b1b1b;background:#fff}",
    "textarea{resize:vertical;min-height:60px}",
    ".primary{background:#1f4f8f;color:#fff;border:0;border-radius:6px;padding:10px;font-size:15px;font-weight:600;cursor:pointer}",
    ".secondary{background:#fff;color:#1f4f8f;border:1px solid #1f4f8f;border-radius:6px;padding:6px 10px;font-size:14px;cursor:pointer}",
    ".note{margin:0 0 10px;color:#333}",
    ".error{color:#b00020;margin:0;min-height:1em;font-size:14px}",
    ".log{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 10px;border-radius:10px;background:#eef2f7;white-space:pre-wrap;word-wrap:break-word}",
    ".msg.mine{align-self:flex-end;background:#1f4f8f;color:#fff}",
    ".msg .who{display:block;font-size:12px;font-weight:600;opacity:.85}",
    ".system{align-self:center;font-size:13px;color:#555;font-style:italic}",
    ".typing{min-height:1.2em;font-size:13px;color:#555;margin:6px 0 0}",
    ".composer{border-top:1px solid #ddd;padding:10px 14px}",
    ".row{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){.panel{right:0;left:0;bottom:0;width:100%;max-height:100%;height:100%;border-radius:0}",
    ".launcher{right:12px;bottom:12px}}",
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-opsdesk-chat", "");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) {
      if (name === "class") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var config = null, T = {}, language = browserLanguage();
  var state = { token: "", lastId: 0, seen: {}, stream: null, chatState: "", ended: false };
  try {
    var saved = JSON.parse(sessionStorage.getItem(storeKey) || "null");
    if (saved && saved.token) { state.token = saved.token; language = saved.language || language; }
  } catch (e) { /* no storage: the chat lasts as long as the page */ }

  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "opsdesk-chat-panel", hidden: "" });
  var panel = el("section", { class: "panel", id: "opsdesk-chat-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "opsdesk-chat-title", hidden: "" });
  var title = el("h2", { id: "opsdesk-chat-title" });
  var closeButton = el("button", { type: "button" }, "×");
  var header = el("header");
  header.appendChild(title);
  header.appendChild(closeButton);
  var body = el("div", { class: "body" });
  var footer = el("div", { class: "composer", hidden: "" });
  panel.appendChild(header);
  panel.appendChild(body);
  panel.appendChild(footer);
  root.appendChild(launcher);
  root.appendChild(panel);

  function t(name, values) {
    var text = T[name] || "";
    for (var k in values || {}) text = text.split("%(" + k + ")s").join(values[k]);
    return text;
  }

  function request(method, path, data) {
    var headers = { Accept: "application/json" };
    if (data !== undefined) headers["Content-Type"] = "application/json";
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(base + path, {
      method: method,
      headers: headers,
      body: data !== undefined ? JSON.stringify(data) : undefined,
      credentials: "omit",
      mode: "cors",
    }).then(function (r) {
      if (r.status === 204) return { ok: true, status: 204, data: {} };
      return r.json().then(
        function (d) { return { ok: r.ok, status: r.status, data: d }; },
        function () { return { ok: r.ok, status: r.status, data: {} }; }
      );
    });
  }

  function loadConfig(lang) {
    return request("GET", "config/?lang=" + encodeURIComponent(lang)).then(function (res) {
      if (!res.ok) throw new Error("config");
      config = res.data;
      T = config.texts;
      language = config.language;
      launcher.textContent = T.open;
      title.textContent = T.title;
      closeButton.setAttribute("aria-label", T.close);
      launcher.hidden = false;
    });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    var first = panel.querySelector("input, textarea, select, .body button");
    if (first) first.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  function field(form, id, label, input) {
    input.id = "opsdesk-" + id;
    input.name = id;
    form.appendChild(el("label", { for: input.id }, label));
    form.appendChild(input);
    return input;
  }

  // --- the pre-chat form ---
  function showForm(values) {
    values = values || {};
    footer.hidden = true;
    body.textContent = "";
    body.appendChild(el("p", { class: "note" }, config.online ? config.greeting : config.offline));
    var form = el("form", { novalidate: "" });
    var name = field(form, "name", T.name, el("input", { type: "text", autocomplete: "name", required: "", maxlength: "200" }));
    var email = field(form, "email", T.email, el("input", { type: "email", autocomplete: "email", required: "", maxlength: "254" }));
    var select = field(form, "language", T.language, el("select"));
    config.languages.forEach(function (item) {
      var option = el("option", { value: item.code, lang: item.code }, item.name);
      if (item.code === language) option.selected = true;
      select.appendChild(option);
    });
    var message = field(form, "message", T.message, el("textarea", { rows: "3", required: "", maxlength: String(config.max_length) }));
    var error = el("p", { class: "error", role: "alert" });
    form.appendChild(error);
    form.appendChild(el("button", { type: "submit", class: "primary" }, config.online ? T.start : T.offline_send));
    body.appendChild(form);
    name.value = values.name || "";
    email.value = values.email || "";
    message.value = values.message || "";
    select.addEventListener("change", function () {
      // What is in the fields when the texts arrive, not when the language changed: typing goes on meanwhile.
      loadConfig(select.value).then(function () {
        showForm({ name: name.value, email: email.value, message: message.value });
        body.querySelector("select").focus();
      });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      error.textContent = "";
      request("POST", "start/", { name: name.value, email: email.value, language: select.value, message: message.value })
        .then(function (res) {
          if (res.status === 202) {
            body.textContent = "";
            body.appendChild(el("p", { class: "note", role: "status" }, T.offline_sent));
            return;
          }
          if (!res.ok) {
            error.textContent = res.data.message || T.error;
            var bad = res.data.field && form.querySelector("[name=" + res.data.field + "]");
            if (bad) bad.focus();
            return;
          }
          state.token = res.data.token;
          try { sessionStorage.setItem(storeKey, JSON.stringify({ token: state.token, language: select.value })); } catch (x) { /* ok */ }
          showChat();
          connect();
        })
        .catch(function () { error.textContent = T.error; });
    });
  }

  // --- the conversation ---
  var log, typingLine, statusLine, textarea, sendError, typingTimer, lastTyping = 0;

  function showChat() {
    body.textContent = "";
    statusLine = el("p", { class: "note", role: "status" }, T.waiting);
    log = el("ol", { class: "log", "aria-label": T.messages, "aria-live": "polite", "aria-relevant": "additions" });
    typingLine = el("p", { class: "typing", "aria-live": "polite" });
    body.appendChild(statusLine);
    body.appendChild(log);
    body.appendChild(typingLine);
    footer.textContent = "";
    footer.hidden = false;
    var form = el("form");
    textarea = el("textarea", { rows: "2", maxlength: String(config.max_length) });
    field(form, "body", T.composer, textarea);
    sendError = el("p", { class: "error", role: "alert" });
    form.appendChild(sendError);
    form.appendChild(el("button", { type: "submit", class: "primary" }, T.send));
    var row = el("div", { class: "row" });
    var endButton = el("button", { type: "button", class: "secondary" }, T.end);
    var transcriptButton = el("button", { type: "button", class: "secondary" }, T.transcript);
    row.appendChild(endButton);
    row.appendChild(transcriptButton);
    footer.appendChild(form);
    footer.appendChild(row);
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (!state.ended && textarea.value.trim() && now - lastTyping > 2500) {
        lastTyping = now;
        request("POST", "typing/").catch(function () {});
      }
    });
    textarea.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = textarea.value;
      if (!text.trim()) return;
      sendError.textContent = "";
      request("POST", "messages/", { body: text })
        .then(function (res) {
          if (!res.ok) { sendError.textContent = res.data.message || T.error; return; }
          textarea.value = "";
          textarea.focus();
        })
        .catch(function () { sendError.textContent = T.error; });
    });
    endButton.addEventListener("click", function () {
      request("POST", "end/").then(function (res) { if (res.ok) ended(); });
    });
    transcriptButton.addEventListener("click", function () {
      request("POST", "transcript/").then(function (res) {
        system(res.ok ? T.transcript_sent : res.data.message || T.error);
      });
    });
  }

  function system(text) {
    log.appendChild(el("li", { class: "system" }, text));
    log.lastChild.scrollIntoView({ block: "end" });
  }

  function ended() {
    if (state.ended) return;
    state.ended = true;
    statusLine.textContent = T.ended; // once: the status line says it (and is announced), not the log as well
    var form = footer.querySelector("form");
    if (form) form.hidden = true;
    footer.querySelector(".row button").hidden = true;
    try { sessionStorage.removeItem(storeKey); } catch (e) { /* ok */ }
    if (state.stream) state.stream.abort();
  }

  function addMessage(msg) {
    if (state.seen[msg.id]) return; // a resumed stream may repeat one: each shows once
    state.seen[msg.id] = true;
    if (msg.id > state.lastId) state.lastId = msg.id;
    var item = el("li", { class: "msg" + (msg.author === "visitor" ? " mine" : ""), "data-id": String(msg.id) });
    item.appendChild(el("span", { class: "who" }, msg.author === "visitor" ? T.you : msg.name));
    item.appendChild(document.createTextNode(msg.text));
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    if (msg.author !== "visitor") typingLine.textContent = "";
  }

  function handle(type, data) {
    if (type === "message") addMessage(data);
    else if (type === "typing") {
      typingLine.textContent = t("typing", { name: state.agent || T.agent });
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
    } else if (type === "state") {
      if (data.agent) state.agent = data.agent;
      if (data.state === "active" && state.chatState !== "active") {
        statusLine.textContent = t("joined", { name: data.agent });
      } else if (data.state === "waiting") {
        // The server decides when nobody has answered in time, so every tab of the chat says the same.
        statusLine.textContent = data.unanswered ? T.unanswered : T.waiting;
        statusLine.toggleAttribute("data-unanswered", !!data.unanswered);
      } else if (data.state === "ended") {
        ended();
      }
      state.chatState = data.state;
    }
  }

  // Server-sent events read with fetch: an EventSource cannot send the bearer token. Resumes after the last
  // message id it saw (Last-Event-ID), so a dropped connection loses and doubles nothing.
  function connect() {
    if (state.ended) return;
    var controller = new AbortController();
    state.stream = controller;
    var headers = { Accept: "text/event-stream", Authorization: "Bearer " + state.token };
    if (state.lastId) headers["Last-Event-ID"] = String(state.lastId);
    fetch(base + "stream/", { headers: headers, credentials: "omit", mode: "cors", signal: controller.signal })
      .then(function (r) {
        if (r.status === 401) { forget(); return null; }
        if (!r.ok || !r.body) throw new Error("stream");
        if (statusLine.getAttribute("data-lost")) { statusLine.removeAttribute("data-lost"); statusLine.textContent = ""; }
        var reader = r.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error("closed");
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
            var cut;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              var block = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              var type = "message", data = "";
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event:") === 0) type = line.slice(6).trim();
                else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
              });
              if (data) { try { handle(type, JSON.parse(data)); } catch (e) { /* a broken event is skipped */ } }
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (state.ended || controller.signal.aborted) return;
        statusLine.setAttribute("data-lost", "1");
        statusLine.textContent = T.reconnecting;
        setTimeout(connect, 2000);
      });
  }

  function forget() {
    state.token = "";
    try { sessionStorage.removeItem(storeKey); } catch (e) { /* ok */ }
    showForm();
  }

  function start() {
    document.body.appendChild(host);
    loadConfig(language).then(function () {
      if (state.token) { showChat(); connect(); } else showForm();
    }).catch(function () { /* the widget stays hidden when the desk cannot be reached */ });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
