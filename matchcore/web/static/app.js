// matchcore: the little JavaScript the pages use (everything also works without it).
// Print buttons, and competence suggestions that fill their input when tapped.
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
// After a task is saved through htmx, put the cursor back in the description for the next one.
document.addEventListener("htmx:afterSwap", function (event) {
  // (only after the task form itself was sent, not after the validation while typing)
  if (event.detail.elt && event.detail.elt.id === "task-form") {
    var first = document.getElementById("f-description");
    if (first) { first.focus(); }
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
// answers unswapped).
document.addEventListener("htmx:beforeSwap", function (event) {
  var elt = event.detail.elt;
  if (event.detail.xhr.status === 409 && elt && elt.id === "task-form") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
