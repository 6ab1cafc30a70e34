/* The postmortem editor: nothing typed is lost.

   - The document form (data-autosave) saves itself a second after you stop typing, and at once
     with its button, in place: the answer gives the new version, so the next save is based on
     it (the optimistic version rule of the server). A stale save comes back as the conflict,
     theirs beside yours, in place of the form.
   - Adding a why, a factor, an action item or a timeline entry swaps only its own section
     (htmx), so input elsewhere stays.
   - A why, a factor, an action item or a timeline entry is edited in place; Escape in its
     form goes back to the row as saved.
   - Leaving the page with unsaved input asks first (and sends a pending autosave).
   - Who else has the editor open is shown, and the sections they change are refreshed unless
     you are typing in them (static/postmortems/live.js, shared with the meeting screen). */
(function () {
  "use strict";
  var root = document.getElementById("editor");
  if (!root) { return; }
  var DELAY_MS = 1000;

  function utcNow() { return new Date().toISOString().slice(11, 19) + " UTC"; }
  function say(form, text) {
    var status = form.querySelector("[data-autosave-status]");
    if (status) { status.textContent = text; }
  }

  // --- Autosave -------------------------------------------------------------------------
  function schedule(form) {
    form._changedSince = true;
    clearTimeout(form._timer);
    form._timer = setTimeout(function () { save(form); }, DELAY_MS);
    say(form, "Unsaved changes…");
  }

  function showConflict(form, html) {
    var body = form.closest("[data-body]") || form.parentNode;
    body.innerHTML = html;
    if (window.htmx) { window.htmx.process(body); }
    var heading = body.querySelector("[data-testid=conflict] h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function save(form, options) {
    options = options || {};
    clearTimeout(form._timer);
    if (form._saving) { form._again = true; return; }
    if (!options.force && !form.hasAttribute("data-dirty")) { return; }
    if (!document.body.contains(form)) { return; }
    form._saving = true;
    form._changedSince = false;
    say(form, "Saving…");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      keepalive: !!options.keepalive,
      headers: { "HX-Request": "true", "X-Autosave": "1" }
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (data) {
          form.querySelector('input[name="version"]').value = data.version;
          if (form._changedSince) { say(form, "Unsaved changes…"); return; }
          form.removeAttribute("data-dirty");
          say(form, "Postmortem saved. " + utcNow());
        });
      }
      if (response.status === 400) {
        return response.json().then(function (data) {
          var reasons = Object.keys(data.errors || {}).map(function (label) {
            return label + ": " + data.errors[label].join(" ");
          });
          say(form, "Not saved: " + reasons.join("; ") + " Your text is still here.");
        });
      }
      if (response.status === 409) {
        return response.text().then(function (html) { showConflict(form, html); });
      }
      say(form, "Not saved (the server answered " + response.status + "); your text is still here.");
    }).catch(function () {
      say(form, "Not saved: no connection. Your text is still here; retrying…");
      form._changedSince = true;
      form._timer = setTimeout(function () { save(form); }, 5 * DELAY_MS);
    }).then(function () {
      form._saving = false;
      if (form._again) { form._again = false; save(form); }
    });
  }

  root.addEventListener("input", function (event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (form && form.hasAttribute("data-autosave")) { schedule(form); }
  });
  root.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosave")) { schedule(form); }
  });
  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-autosave")) {
      event.preventDefault();  // saved in place, no page load
      save(form, { force: true });
    } else if (!form.hasAttribute("hx-post")) {
      form.removeAttribute("data-dirty");  // a plain post leaves the page with its input
    }
  });

  // --- Escape in a row edited in place: back to the row as saved ----------------------------
  root.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.form) { return; }
    var cancel = event.target.form.querySelector("a[hx-get]");
    if (!cancel || !/Cancel/.test(cancel.textContent)) { return; }
    event.preventDefault();
    event.target.form.removeAttribute("data-dirty");
    var row = cancel.getAttribute("hx-target");
    document.addEventListener("htmx:afterSettle", function focusRow() {
      document.removeEventListener("htmx:afterSettle", focusRow);
      var edit = document.querySelector(row + " a[hx-get]");  // its Edit button
      if (edit) { edit.focus(); }
    });
    cancel.click();
  });

  // --- Leaving with unsaved input ---------------------------------------------------------
  window.addEventListener("beforeunload", function (event) {
    var dirty = root.querySelectorAll("form[data-dirty]");
    if (!dirty.length) { return; }
    dirty.forEach(function (form) {
      if (form.hasAttribute("data-autosave")) { save(form, { keepalive: true }); }
    });
    event.preventDefault();
    event.returnValue = "";  // the browser asks "Leave site? Changes you made may not be saved."
  });

  // --- Who else is here, and what they change ----------------------------------------------
  var presence = document.getElementById("presence");
  var live = window.PostmortemsLive({
    changesUrl: root.dataset.liveUrl,
    sectionUrl: root.dataset.sectionUrl,
    cursor: root.dataset.cursor,
    me: root.dataset.me,
    notice: document.getElementById("editor-notice"),
    pollMs: 3000,
    onAnswer: function (data) {
      var names = data.present || [];
      presence.textContent = names.length ? "Also editing now: " + names.join(", ") : "";
      presence.classList.toggle("presence-on", names.length > 0);
    }
  });
  // The action item form offers the whys and factors: follow their changes (unless it is
  // being filled).
  document.addEventListener("htmx:afterSwap", function (event) {
    var posted = event.detail.requestConfig && event.detail.requestConfig.verb === "post";
    if (posted && /^(body-whys|why-|factor-)/.test(event.detail.target.id || "")) { live.refresh("actions"); }
  });
}());
