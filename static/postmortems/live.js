/* Live sections, one mechanism for the meeting screen and the postmortem editor.

   The page polls the postmortem's "what changed since" feed and re-renders each section changed
   meanwhile (GET sectionUrl with KEY replaced), unless the user is typing in it, has unsaved
   input there (a form marked data-dirty), a request is on its way or a conflict is shown
   (data-hold), or a row of it is open in its in-place form (data-hold too): that section is
   refreshed at a later poll, once it is free. Changes made by
   somebody else are announced in the notice; your own are not.

   PostmortemsLive({changesUrl, sectionUrl, cursor, me, notice, pollMs, onAnswer, ownToo}):
   with ownToo your own changes refresh sections too (the meeting: a projector logged in as the
   facilitator follows the facilitator's laptop); without, a page that swaps its own changes in
   place (the editor) is not re-rendered under the cursor. */
(function () {
  "use strict";

  // A form somebody typed into is "dirty" until it is saved (and swapped away) or reset.
  function markDirty(event) {
    var form = event.target.closest && event.target.closest("form");
    if (form && form.method === "post") { form.setAttribute("data-dirty", "1"); }
  }
  document.addEventListener("input", markDirty, true);
  document.addEventListener("change", markDirty, true);
  document.addEventListener("reset", function (event) { event.target.removeAttribute("data-dirty"); }, true);
  // Refused input comes back (400) in a fresh form: it is still unsaved.
  document.addEventListener("htmx:afterSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 400) { return; }
    event.detail.target.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector(".is-invalid, .invalid-feedback, [role=alert]")) { form.setAttribute("data-dirty", "1"); }
    });
  });

  function busy(body) {
    var active = document.activeElement;
    if (active && active !== document.body && body.contains(active) &&
        active.matches("input, textarea, select")) { return true; }
    if (body.querySelector("form[data-dirty]")) { return true; }
    return !!body.querySelector("[data-hold]") || !!body.querySelector(".htmx-request") ||
      body.classList.contains("htmx-request");
  }

  window.PostmortemsLive = function (options) {
    var cursor = options.cursor;
    var renderedAt = Date.parse(cursor);
    var me = options.me || "";
    var notice = options.notice;
    var seen = {};
    var pending = {};

    function refresh(key) {
      var body = document.getElementById("body-" + key);
      if (!body) { return; }
      if (busy(body)) { pending[key] = true; return; }
      fetch(options.sectionUrl.replace("KEY", key), { credentials: "same-origin" })
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
          if (window.htmx) { window.htmx.process(body); }
          delete pending[key];
        })
        .catch(function () { pending[key] = true; });
    }

    function announce(others) {
      if (!others.length || !notice) { return; }
      var who = {};
      var parts = {};
      others.forEach(function (c) { who[c.by || "Somebody"] = true; parts[c.part] = true; });
      notice.textContent = Object.keys(who).join(", ") + " changed: " + Object.keys(parts).join(", ") +
        " (" + new Date().toISOString().slice(11, 19) + " UTC)";
    }

    function poll() {
      var url = options.changesUrl + "?since=" + encodeURIComponent(cursor);
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
          var toRefresh = {};
          Object.keys(pending).forEach(function (k) { toRefresh[k] = true; });
          var others = fresh.filter(function (c) { return !me || c.by !== me; });
          (options.ownToo ? fresh : others).forEach(function (c) {
            (c.sections || data.sections || []).forEach(function (k) { toRefresh[k] = true; });
          });
          announce(others);
          Object.keys(toRefresh).forEach(refresh);
          if (notice) {
            var held = Object.keys(pending);
            notice.title = held.length ? "Not refreshed while you edit: " + held.join(", ") : "";
          }
          if (options.onAnswer) { options.onAnswer(data); }
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { setTimeout(poll, options.pollMs || 2500); });
    }

    setTimeout(poll, options.pollMs || 2500);
    return { refresh: refresh };
  };
}());
