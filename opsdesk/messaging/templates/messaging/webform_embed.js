/* OpsDesk web form: inserts the form's iframe after this script tag and keeps its height to the form's. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.parentNode) { return; }
  var url = "{{ url|escapejs }}";
  var origin = "{{ origin|escapejs }}";
  var lang = script.getAttribute("data-lang");
  var frame = document.createElement("iframe");
  frame.src = url + (lang ? "?language=" + encodeURIComponent(lang) : "");
  frame.title = "{{ title|escapejs }}";
  frame.setAttribute("scrolling", "no");
  frame.style.width = "100%";
  frame.style.minWidth = "280px";
  frame.style.height = "640px";
  frame.style.border = "0";
  frame.style.display = "block";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
    var data = event.data;
    if (data && data.type === "opsdesk-form-height" && typeof data.height === "number" && isFinite(data.height)) {
      frame.style.height = Math.min(Math.max(Math.ceil(data.height), 120), 20000) + "px";
    }
  });
})();
