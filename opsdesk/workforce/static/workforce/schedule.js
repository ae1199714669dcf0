// The schedule editor's drag: drop a shift on another day of the same agent to move it there (same local start
// time). The move is a normal form post (CSRF token from the page); the page reloads with the new coverage.
(function () {
  "use strict";
  var dragged = null;
  document.querySelectorAll("[data-shift]").forEach(function (chip) {
    chip.setAttribute("draggable", "true");
    chip.addEventListener("dragstart", function (event) {
      dragged = chip;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", chip.dataset.shift);
    });
    chip.addEventListener("dragend", function () { dragged = null; });
  });
  document.querySelectorAll("[data-day]").forEach(function (cell) {
    cell.addEventListener("dragover", function (event) {
      if (dragged && dragged.dataset.agent === cell.dataset.agent) {
        event.preventDefault();
        cell.classList.add("drop-target");
      }
    });
    cell.addEventListener("dragleave", function () { cell.classList.remove("drop-target"); });
    cell.addEventListener("drop", function (event) {
      event.preventDefault();
      cell.classList.remove("drop-target");
      if (!dragged || dragged.dataset.agent !== cell.dataset.agent) { return; }
      var form = document.getElementById("move-form");
      form.action = dragged.dataset.moveUrl;
      form.querySelector("[name=day]").value = cell.dataset.day;
      form.submit();
    });
  });
})();
