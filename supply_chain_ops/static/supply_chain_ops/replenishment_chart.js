// Draws each replenishment line's chart: daily history, the forecast after it, and the reorder point.
(function () {
  "use strict";
  function day(start, offset) {
    const d = new Date(start + "T00:00:00");
    d.setDate(d.getDate() + offset);
    return d.toISOString().slice(0, 10);
  }
  document.querySelectorAll("canvas[id^='replenishment-chart-']").forEach(function (canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.id + "-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const history = data.history || [];
    const forecast = data.forecast || [];
    const labels = history.map(function (_, i) { return day(data.start, i); })
      .concat(forecast.map(function (_, i) { return day(data.start, history.length + i); }));
    const pad = function (values, before) { return new Array(before).fill(null).concat(values); };
    canvas.dataset.drawn = "1";
    new Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: "Demand", data: history, borderColor: "#6b7280", pointRadius: 0, borderWidth: 1.5 },
          { label: "Forecast", data: pad(forecast, history.length), borderColor: "#9333ea", pointRadius: 0, borderWidth: 2 },
          { label: "Reorder point", data: labels.map(function () { return data.reorder_point; }), borderColor: "#dc2626", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
          { label: "Order-up-to", data: labels.map(function () { return data.order_up_to; }), borderColor: "#16a34a", borderDash: [2, 3], pointRadius: 0, borderWidth: 1.5 }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { ticks: { maxTicksLimit: 12 } } } }
    });
  });
})();
