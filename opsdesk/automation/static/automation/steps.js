// The rule and macro forms: each action row shows only the inputs its chosen action reads (without this script
// every input shows, labelled, and the server reads only the right ones).
(function () {
  "use strict";
  var INPUTS = {
    set_status: ["status"], set_priority: ["priority"], set_type: ["ticket_type"], set_team: ["team"],
    assign: ["assignee"], add_tags: ["tags"], remove_tags: ["tags"], set_field: ["field", "value"],
    reply: ["text"], note: ["text"], notify: ["notify", "email", "text"], escalate: ["notify", "email"],
    webhook: ["webhook"], chat: ["channel", "text"]
  };
  function update(row) {
    var select = row.querySelector("[data-step-type]");
    var wanted = INPUTS[select.value] || [];
    row.querySelectorAll("[data-input]").forEach(function (box) {
      box.hidden = wanted.indexOf(box.getAttribute("data-input")) === -1;
    });
  }
  document.querySelectorAll("[data-step-row]").forEach(function (row) {
    update(row);
    row.querySelector("[data-step-type]").addEventListener("change", function () { update(row); });
  });
})();
