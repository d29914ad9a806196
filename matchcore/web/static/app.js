// matchcore: the little JavaScript the pages use (everything also works without it).
// Print buttons, competence suggestions that fill their input when tapped, and the answer to
// every request htmx sends: a failed save (403, 409, 422, 500, the network down) says so next to
// the form that was sent, a successful one says "Saved" there and puts the cursor back.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var print = event.target.closest("[data-print]");
    if (print) { window.print(); return; }
    var fill = event.target.closest("[data-fill]");
    if (fill) {
      var input = document.getElementById(fill.getAttribute("data-fill"));
      if (input) {
        input.value = fill.getAttribute("data-value");
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();
      }
    }
  });

  // Not the autofocus attribute: htmx re-applies it after every swap inside the form (also the
  // out-of-band validation messages), which would move the cursor while the consultant types.
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-autofocus]");
    if (first) { first.focus(); }
  });

  // A task saved by someone else since this form was loaded answers 409 with the form as typed
  // and a message naming their change: show it where the consultant is (htmx leaves other 4xx
  // answers unswapped, so the form keeps what was typed).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (event.detail.xhr.status === 409 && elt && elt.id === "task-form") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The field each form was last typed in, to put the cursor back after the save.
  var lastField = new WeakMap();
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.form && /^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName) && field.type !== "hidden") {
      lastField.set(field.form, field);
    }
  });

  function keyOf(field) {
    if (!field) { return null; }
    return { id: field.id || null, name: field.name || null, value: field.type === "radio" ? field.value : null };
  }

  // Before a request: remember which form (or element) sent it and the field the user was in;
  // the answer may replace the form, so both are found again by id, action and name afterwards.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !event.detail.xhr) { return; }
    var form = elt.tagName === "FORM" ? elt : elt.closest("form");
    var verb = ((event.detail.requestConfig && event.detail.requestConfig.verb) || "get").toLowerCase();
    event.detail.xhr.matchcore = {
      elt: elt,
      form: form,
      formId: form ? form.id : null,
      action: form ? form.getAttribute("hx-post") || form.getAttribute("action") : null,
      field: form ? keyOf(lastField.get(form) || (form.contains(document.activeElement) ? document.activeElement : null)) : null,
      save: verb !== "get" && elt.tagName === "FORM"
    };
    if (event.detail.xhr.matchcore.save) { event.detail.xhr.matchcore.locked = lock(form); }
  });

  // While a save is on its way its form takes no typing or clicks: the answer replaces the form,
  // so what a person typed meanwhile was lost (about 40 ms on a tablet, longer on a slow
  // network). Read-only, not disabled: htmx reads the values after this event, and a disabled
  // field is not sent.
  function lock(form) {
    var locked = [];
    var fields = form.querySelectorAll("textarea, input:not([type=hidden])");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].readOnly) { fields[i].readOnly = true; locked.push(fields[i]); }
    }
    form.classList.add("saving");
    return locked;
  }

  function unlock(info) {
    var locked = info.locked || [];
    for (var i = 0; i < locked.length; i++) { locked[i].readOnly = false; }
    if (info.form) { info.form.classList.remove("saving"); }
  }

  function findForm(info) {
    if (info.form && document.body.contains(info.form)) { return info.form; }
    if (info.formId && document.getElementById(info.formId)) { return document.getElementById(info.formId); }
    if (info.action) {
      var forms = document.querySelectorAll("form");
      for (var i = 0; i < forms.length; i++) {
        if ((forms[i].getAttribute("hx-post") || forms[i].getAttribute("action")) === info.action) { return forms[i]; }
      }
    }
    return null;
  }

  function findField(form, key) {
    if (!form) { return null; }
    var invalid = form.querySelector("[aria-invalid='true']");
    if (invalid) { return invalid; }
    if (!key) { return null; }
    if (key.id && form.querySelector("#" + CSS.escape(key.id))) { return form.querySelector("#" + CSS.escape(key.id)); }
    if (key.name) {
      var sel = "[name='" + CSS.escape(key.name) + "']" + (key.value !== null ? "[value='" + CSS.escape(key.value) + "']" : "");
      return form.querySelector(sel);
    }
    return null;
  }

  // The page's language: the texts come translated from the server (data-texts on <body>,
  // made in base.html), the English here is only the fallback.
  var TEXTS = null;
  function tr(key, english) {
    if (TEXTS === null) {
      try { TEXTS = JSON.parse(document.body.getAttribute("data-texts") || "{}"); } catch (e) { TEXTS = {}; }
    }
    return TEXTS[key] || english;
  }

  function failureText(xhr, save) {
    var status = xhr.status;
    var what = save ? tr("not_saved", "Not saved: ") : tr("not_updated", "Could not update this part of the page: ");
    if (status === 0) {
      return what + tr("offline", "the server cannot be reached (network down?). What you typed is still here; send it again when the connection is back.");
    }
    var type = xhr.getResponseHeader("Content-Type") || "";
    var body = (xhr.responseText || "").trim();
    if (type.indexOf("text/plain") === 0 && body && body.length < 400) {
      return body;  // the server's own one-line reason (CSRF, logged out, too large, ...)
    }
    if (status === 409) { return what + tr("conflict", "someone else changed this meanwhile; see the message in the form."); }
    if (status === 422) { return what + tr("invalid", "see the messages next to the fields. What you typed is kept."); }
    if (status === 401 || status === 403) { return what + tr("logged_out", "you are not logged in any more, or the page is out of date. Copy what you typed, reload the page and send it again."); }
    if (status === 413) { return what + tr("too_large", "the form is too large."); }
    if (status >= 500) { return what + tr("server_error", "the server had an error ({status}). What you typed is still here; try again, and tell the administrator if it keeps happening.").replace("{status}", status); }
    return what + tr("answered", "the server answered {status}.").replace("{status}", status);
  }

  function showStatus(anchor, form, text, ok) {
    var holder = form || anchor;
    if (!holder || !document.body.contains(holder)) { return null; }
    var old = (form || holder.parentNode).querySelectorAll(".save-status");
    for (var i = 0; i < old.length; i++) {
      if (old[i].parentNode) { old[i].parentNode.removeChild(old[i]); }
    }
    var p = document.createElement("p");
    p.className = "save-status " + (ok ? "saved" : "error");
    p.setAttribute("role", ok ? "status" : "alert");
    p.textContent = text;
    if (form) {
      var buttons = form.querySelectorAll("button:not([type=button]), input[type=submit]");
      var last = buttons.length ? buttons[buttons.length - 1] : null;
      if (last && last.parentNode) { last.parentNode.insertBefore(p, last.nextSibling); }
      else { form.appendChild(p); }
    } else {
      p.setAttribute("data-for", "");
      holder.parentNode.insertBefore(p, holder.nextSibling);
    }
    return p;
  }

  function clock() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  // After the answer has been swapped in and settled (htmx's settle delay is 20 ms).
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var info = xhr && xhr.matchcore;
    if (!info || info.done) { return; }
    info.done = true;  // htmx fires this event twice when the sender was swapped away
    unlock(info);  // a form the answer did not replace (a failure) takes typing again
    var failed = xhr.status === 0 || xhr.status >= 400;
    if (!failed && !info.save) {
      // a read or a check that worked: the connection is back, so a "cannot be reached" goes
      var holder = info.form || (info.elt && info.elt.parentNode);
      var gone = holder ? holder.querySelectorAll(".save-status[data-network]") : [];
      for (var i = 0; i < gone.length; i++) { gone[i].remove(); }
      return;
    }
    window.setTimeout(function () {
      var form = findForm(info);
      var text = failed ? failureText(xhr, info.save) : tr("saved_at", "Saved at {time}.").replace("{time}", clock());
      var status = showStatus(info.elt, form, text, !failed);
      if (status && xhr.status === 0) { status.setAttribute("data-network", ""); }
      if (!info.save) { return; }
      // the next task goes in the description; otherwise the field the user was in
      var field = null;
      if (!failed && form && form.getAttribute("data-focus-after-save")) {
        field = document.getElementById(form.getAttribute("data-focus-after-save"));
      } else if (!failed && form && form.id === "task-form") {
        field = document.getElementById("f-description");
      }
      field = field || findField(form, info.field);
      if (field) { field.focus({ preventScroll: false }); }
      if (status && status.scrollIntoView) { status.scrollIntoView({ block: "nearest" }); }
    }, 40);
  });
})();
