/* Meeting mode: one agenda section at a time, client-side timers (reported to the server so
   planned and actual minutes are kept), keyboard shortcuts, and polling of the postmortem's
   "what changed since" feed to refresh the sections somebody else changed. */
(function () {
  "use strict";
  var root = document.getElementById("meeting");
  if (!root) { return; }
  document.documentElement.classList.remove("no-js");

  var POLL_MS = 2500;
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

  // --- Polling --------------------------------------------------------------------------
  var cursor = root.dataset.cursor;
  var renderedAt = Date.parse(cursor);
  var seen = {};
  var pending = {};
  var notice = document.getElementById("meeting-notice");

  // A form somebody typed into is "dirty" until it is saved (and swapped) or reset.
  function markDirty(event) {
    var form = event.target.closest && event.target.closest("form");
    if (form && root.contains(form)) { form.setAttribute("data-dirty", "1"); }
  }
  document.addEventListener("input", markDirty, true);
  document.addEventListener("change", markDirty, true);

  function busy(body) {
    // Don't pull the rug: somebody is typing here or has unsaved input, a request is on its
    // way, or a conflict/merge is shown. The section refreshes once that is over.
    var active = document.activeElement;
    if (active && active !== document.body && body.contains(active) &&
        active.matches("input, textarea, select")) { return true; }
    if (body.querySelector("form[data-dirty]")) { return true; }
    return !!body.querySelector("[data-hold]") || !!body.querySelector(".htmx-request");
  }

  function refresh(key) {
    var body = document.getElementById("body-" + key);
    if (!body) { return; }
    if (busy(body)) { pending[key] = true; return; }
    fetch(root.dataset.sectionUrl.replace("KEY", key), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || busy(body)) { pending[key] = true; return; }
        // Keep open what the user opened (read now: they may have clicked meanwhile).
        var openDetails = Array.prototype.map.call(body.querySelectorAll("details[open]"), function (d) {
          return d.querySelector("form") ? d.querySelector("form").getAttribute("action") : null;
        });
        var before = {};
        body.querySelectorAll("[data-entry]").forEach(function (e) { before[e.dataset.entry] = true; });
        body.innerHTML = html;
        body.querySelectorAll("details").forEach(function (d) {
          var form = d.querySelector("form");
          if (form && openDetails.indexOf(form.getAttribute("action")) >= 0) { d.open = true; }
        });
        body.querySelectorAll("[data-entry]").forEach(function (e) {
          if (!before[e.dataset.entry]) { e.classList.add("is-fresh"); }
        });
        if (window.htmx) { htmx.process(body); }
        delete pending[key];
      })
      .catch(function () { pending[key] = true; });
  }

  function poll() {
    var url = root.dataset.changesUrl + "?since=" + encodeURIComponent(cursor);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        cursor = data.cursor;
        // What happened before this page was rendered is on it already.
        var fresh = data.changes.filter(function (c) {
          return !seen[c.key] && Date.parse(c.at) > renderedAt;
        });
        fresh.forEach(function (c) { seen[c.key] = true; });
        var sectionsToRefresh = {};
        Object.keys(pending).forEach(function (k) { sectionsToRefresh[k] = true; });
        if (fresh.length) {
          var parts = {};
          fresh.forEach(function (c) { parts[c.part] = true; });
          (data.sections || []).forEach(function (k) { sectionsToRefresh[k] = true; });
          var who = {};
          fresh.forEach(function (c) { if (c.by) { who[c.by] = true; } });
          var names = Object.keys(who);
          notice.textContent = (names.length ? names.join(", ") : "Somebody") +
            " changed: " + Object.keys(parts).join(", ") + " (" + new Date().toISOString().slice(11, 19) + " UTC)";
        }
        Object.keys(sectionsToRefresh).forEach(refresh);
        var held = Object.keys(pending);
        notice.title = held.length ? "Not refreshed while you edit: " + held.join(", ") : "";
        if (data.closed) { window.location.reload(); }
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  // Changes this screen makes itself come back through the feed: mark them seen by refreshing
  // the cursor lazily (the refresh of a section we just swapped is harmless).
  show(current, false);
  setTimeout(poll, POLL_MS);
}());
