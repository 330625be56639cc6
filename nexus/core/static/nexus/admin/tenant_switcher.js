/* Choosing another tenant in the sidebar switches at once; the Switch button is for pages without scripts. */
(function () {
  "use strict";
  const select = document.querySelector("select[data-switch-on-change]");
  if (!select) {
    return;
  }
  const button = select.form.querySelector("[data-switch-button]");
  if (button) {
    button.hidden = true;
  }
  select.addEventListener("change", () => select.form.requestSubmit());
})();
