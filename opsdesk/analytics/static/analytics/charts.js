// Dashboard charts from the server's numbers (a JSON script element), drawn with the vendored Chart.js. Every
// chart has a table alternative in the page, so nothing is only in the picture.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"];
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    Chart.defaults.animation = reduced ? false : Chart.defaults.animation;
    Chart.defaults.maintainAspectRatio = false;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = canvas.getAttribute("data-chart");
      var config = null;
      if (kind === "volume") {
        config = {
          type: "bar",
          data: {
            labels: data.labels,
            datasets: [
              { label: canvas.dataset.labelCreated, data: data.created, backgroundColor: palette[0] },
              { label: canvas.dataset.labelSolved, data: data.solved, backgroundColor: palette[1] },
              { label: canvas.dataset.labelBacklog, data: data.backlog, type: "line", borderColor: palette[2],
                backgroundColor: palette[2], yAxisID: "backlog", pointRadius: 0, tension: 0.2 }
            ]
          },
          options: { scales: { y: { beginAtZero: true }, backlog: { position: "right", beginAtZero: true,
            grid: { drawOnChartArea: false } } } }
        };
      } else if (kind === "channels") {
        config = {
          type: "bar",
          data: { labels: data.labels, datasets: data.channels.map(function (row, i) {
            return { label: row.label, data: row.data, backgroundColor: palette[i % palette.length] };
          }) },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
        };
      } else if (kind === "frt") {
        config = {
          type: "line",
          data: { labels: data.labels, datasets: [{ label: canvas.dataset.label, data: data.frt_hours,
            borderColor: palette[3], backgroundColor: palette[3], spanGaps: true, tension: 0.2 }] },
          options: { scales: { y: { beginAtZero: true } } }
        };
      } else if (kind === "distribution") {
        config = {
          type: "bar",
          data: { labels: data.distribution.map(function (r) { return r.label; }),
            datasets: [{ label: canvas.dataset.label, data: data.distribution.map(function (r) { return r.n; }),
              backgroundColor: palette[5] }] },
          options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
        };
      }
      if (config) new Chart(canvas, config);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
