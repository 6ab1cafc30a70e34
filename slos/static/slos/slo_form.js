// Live reality check for the SLO form: allowed downtime per window, per 30-day month and per
// year for the target being typed, a warning above 99.99% and a refusal at 100%.
(function () {
  "use strict";
  var form = document.querySelector("[data-slo-form]");
  if (!form) { return; }
  var target = form.querySelector("[name=target]");
  var windowField = form.querySelector("[name=window]");
  var cells = {
    window: document.getElementById("downtime-window"),
    month: document.getElementById("downtime-month"),
    year: document.getElementById("downtime-year")
  };
  var windowLabel = document.getElementById("downtime-window-label");
  var note = document.getElementById("target-note");

  function trim(value) {
    return value < 100 ? String(Number(value.toPrecision(3))) : String(Math.round(value));
  }

  function duration(seconds) {
    var units = [[60, "s", 1], [3600, "min", 60], [172800, "h", 3600]];
    for (var i = 0; i < units.length; i++) {
      if (seconds < units[i][0]) { return trim(seconds / units[i][2]) + " " + units[i][1]; }
    }
    return trim(seconds / 86400) + " days";
  }

  function update() {
    var text = target.value.trim();
    var value = Number(text);
    // A calendar month is counted as 30 days (the factors' nominal length), a week as 7.
    var calendar = {monthly: [30, "per calendar month (30 days)"],
                    weekly: [7, "per calendar week"]}[windowField.value];
    var days = calendar ? calendar[0] : (parseInt(windowField.value, 10) || 28);
    windowLabel.textContent = calendar ? calendar[1] : "per " + days + "-day window";
    note.className = "form-text";
    note.textContent = "";
    if (text === "" || isNaN(value)) {
      Object.keys(cells).forEach(function (key) { cells[key].textContent = "—"; });
      return;
    }
    if (value >= 100 || value <= 0) {
      Object.keys(cells).forEach(function (key) { cells[key].textContent = "—"; });
      note.className = "form-text text-danger fw-semibold";
      note.textContent = value >= 100
        ? "100% is refused: it leaves no error budget, and each extra nine costs exponentially more."
        : "The target must be above 0%.";
      return;
    }
    // Count in ten-thousandths of a percent so that 99.9 gives exactly 0.001, not 0.000999…
    var budget = (1000000 - Math.round(value * 10000)) / 1000000;
    cells.window.textContent = duration(budget * days * 86400);
    cells.month.textContent = duration(budget * 30 * 86400);
    cells.year.textContent = duration(budget * 365 * 86400);
    if (value > 99.99) {
      note.className = "form-text text-warning-emphasis fw-semibold";
      note.textContent = "Above 99.99%: under " + duration(budget * 30 * 86400) +
        " of downtime a month. Is that really needed, and can your dependencies deliver it?";
    }
  }

  target.addEventListener("input", update);
  windowField.addEventListener("change", update);
  update();
})();

// Forms that ask first (no inline handlers: the Content-Security-Policy allows none).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
