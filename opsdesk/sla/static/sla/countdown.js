// SLA due times counting on in the browser: every element with data-sla-due (an ISO 8601 instant) shows
// "35 min left" or "overdue by 12 min", in the words the page put in #sla-words (opsdesk/sla/templatetags/sla.py
// writes the same text on the server), and turns amber within the hour and red once overdue. No dependencies.
(function () {
  "use strict";
  var SOON = 3600;
  var source = document.getElementById("sla-words");
  if (!source) return;
  var words = JSON.parse(source.textContent);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_, key) { return String(values[key]); });
  }

  function duration(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var days = Math.floor(total / 86400), hours = Math.floor((total % 86400) / 3600);
    var minutes = Math.floor((total % 3600) / 60), secs = total % 60;
    if (days) return fill(words.dh, { days: days, hours: hours });
    if (hours) return fill(words.hm, { hours: hours, minutes: minutes });
    if (minutes) return fill(words.m, { minutes: minutes });
    return fill(words.s, { seconds: secs });
  }

  function tick() {
    var now = Date.now();
    var found = document.querySelectorAll("[data-sla-due]");
    for (var i = 0; i < found.length; i++) {
      var element = found[i];
      var due = Date.parse(element.getAttribute("data-sla-due"));
      if (isNaN(due)) continue;
      var left = (due - now) / 1000;
      var text = left >= 0 ? fill(words.left, { time: duration(left) }) : fill(words.overdue, { time: duration(-left) });
      if (element.textContent !== text) element.textContent = text;
      element.classList.toggle("sla-overdue", left < 0);
      element.classList.toggle("sla-soon", left >= 0 && left <= SOON);
    }
  }

  tick();
  setInterval(tick, 1000);
})();
