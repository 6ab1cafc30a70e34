/* Meeting mode: one agenda section at a time, client-side timers (reported to the server so
   planned and actual minutes are kept), keyboard shortcuts, and the live sections shared with the
   postmortem editor (static/postmortems/live.js): sections somebody else changed are refreshed. */
(function () {
  "use strict";
  var root = document.getElementById("meeting");
  if (!root) { return; }
  document.documentElement.classList.remove("no-js");

  var REPORT_MS = 15000;
  var sections = Array.prototype.slice.call(root.querySelectorAll(".meeting-section"));
  var keys = sections.map(function (s) { return s.dataset.section; });
  var elapsed = {};       // seconds spent per section (server value + this screen)
  var reported = {};
  sections.forEach(function (s) {
    elapsed[s.dataset.section] = parseInt(s.dataset.actual || "0", 10);
    reported[s.dataset.section] = elapsed[s.dataset.section];
  });
  var current = root.dataset.current || keys[0];
  var paused = false;
  var canEdit = root.dataset.canEdit === "1";
  var csrf = document.getElementById("csrf-token").value;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function mmss(total) { total = Math.max(0, Math.floor(total)); return pad(Math.floor(total / 60)) + ":" + pad(total % 60); }
  function sectionEl(key) { return document.getElementById(key); }

  // --- Sections -------------------------------------------------------------------------
  function show(key, push) {
    if (keys.indexOf(key) < 0) { return; }
    report();
    current = key;
    sections.forEach(function (s) { s.classList.toggle("is-current", s.dataset.section === key); });
    root.querySelectorAll(".agenda-step").forEach(function (a) {
      var on = a.dataset.goto === key;
      a.classList.toggle("is-current", on);
      if (on) { a.setAttribute("aria-current", "step"); } else { a.removeAttribute("aria-current"); }
    });
    if (push !== false && history.replaceState) {
      history.replaceState(null, "", "?section=" + key + "#" + key);
    }
    render();
  }
  function step(delta) {
    var i = keys.indexOf(current) + delta;
    if (i >= 0 && i < keys.length) { show(keys[i]); }
  }
  root.addEventListener("click", function (event) {
    var link = event.target.closest("[data-goto]");
    if (link) { event.preventDefault(); show(link.dataset.goto); }
  });

  // --- Timers ---------------------------------------------------------------------------
  var sectionClock = root.querySelector(".clock-section");
  function render() {
    var planned = parseInt(sectionEl(current).dataset.planned, 10) * 60;
    var spent = elapsed[current];
    document.getElementById("section-elapsed").textContent = mmss(spent);
    document.getElementById("section-planned").textContent = mmss(planned);
    sectionClock.classList.toggle("is-warning", spent >= planned * 0.8 && spent < planned);
    sectionClock.classList.toggle("is-over", spent >= planned);
    var total = 0;
    keys.forEach(function (k) { total += elapsed[k]; });
    document.getElementById("overall-elapsed").textContent = mmss(total);
    keys.forEach(function (k) {
      var el = root.querySelector('[data-actual-for="' + k + '"]');
      if (el) { el.textContent = Math.round(elapsed[k] / 60); }
    });
  }
  setInterval(function () {
    if (!paused) { elapsed[current] += 1; render(); }
  }, 1000);
  var toggle = document.getElementById("timer-toggle");
  function togglePause() {
    paused = !paused;
    root.classList.toggle("is-paused", paused);
    toggle.textContent = paused ? "Resume" : "Pause";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    if (paused) { report(); }
  }
  toggle.addEventListener("click", togglePause);

  function report() {
    if (!canEdit) { return; }
    var body = new URLSearchParams();
    var any = false;
    keys.forEach(function (k) {
      if (elapsed[k] > reported[k]) { body.append(k, String(elapsed[k])); any = true; }
    });
    if (!any) { return; }
    var sent = {};
    keys.forEach(function (k) { sent[k] = elapsed[k]; });
    fetch(root.dataset.timingUrl, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": csrf }
    }).then(function (r) {
      if (r.ok) { keys.forEach(function (k) { reported[k] = Math.max(reported[k], sent[k]); }); }
    }).catch(function () { /* retried at the next report */ });
  }
  setInterval(report, REPORT_MS);
  // Closing ends the meeting: the close form carries the final times itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "close-form") { return; }
    keys.forEach(function (k) {
      var input = form.querySelector('input[name="' + k + '"]');
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = k;
        form.appendChild(input);
      }
      input.value = String(elapsed[k]);
    });
  }, true);
  window.addEventListener("pagehide", report);

  // --- Keyboard -------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) { return; }
    var k = event.key;
    if (k === "ArrowRight" || k === "n" || k === "N") { event.preventDefault(); step(1); }
    else if (k === "ArrowLeft" || k === "p" || k === "P") { event.preventDefault(); step(-1); }
    else if (/^[1-9]$/.test(k) && parseInt(k, 10) <= keys.length) { event.preventDefault(); show(keys[parseInt(k, 10) - 1]); }
    else if (k === " " && !(t.closest && t.closest("button, a, summary"))) { event.preventDefault(); togglePause(); }
  });

  // --- Live sections: the shared mechanism (static/postmortems/live.js) -------------------
  window.PostmortemsLive({
    changesUrl: root.dataset.changesUrl,
    sectionUrl: root.dataset.sectionUrl,
    cursor: root.dataset.cursor,
    me: root.dataset.me,
    notice: document.getElementById("meeting-notice"),
    ownToo: true,
    // A closed meeting: go to its address (a reload could repeat a refused close POST).
    onAnswer: function (data) { if (data.closed) { window.location.assign(root.dataset.runUrl); } }
  });

  show(current, false);
}());
