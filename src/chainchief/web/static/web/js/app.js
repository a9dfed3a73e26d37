// The pages' small behaviours, declared by data attributes instead of inline handlers (the Content Security
// Policy allows no inline script):
//   <form data-confirm="…">          asks before the form is sent
//   <button data-confirm="…">        asks before the button's form is sent
//   <select data-autosubmit>         sends its form when the choice changes
//   <select data-navigate>           goes to the chosen option's value (a URL)
// Listeners sit on the document, so content that htmx swaps in behaves the same.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (e) {
    const button = e.target.closest && e.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (e) {
    const el = e.target;
    if (!(el instanceof HTMLSelectElement)) return;
    if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    } else if (el.hasAttribute("data-navigate") && el.value) {
      window.location.href = el.value;
    }
  });
})();
