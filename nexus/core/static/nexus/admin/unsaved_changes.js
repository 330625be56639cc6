/*
 * A transition button never acts on values the server has not seen.
 *
 * The transition buttons of a change page are forms of their own: pressing one while the change
 * form has unsaved edits would act on the saved row, not on the screen. While the change form
 * differs from what was loaded, such a button opens a dialog instead:
 *   - "Save, then <transition>": submit the change form as usual, marked with the transition, so
 *     that after the save the server sends the person to the transition's confirmation page;
 *   - "Discard my changes": load the page again with the saved values;
 *   - "Keep editing": close the dialog.
 */
(function () {
  "use strict";

  const MARKER = "_then_transition";

  function changeForm() {
    return document.querySelector("#content-main form[method=post][id$='_form']");
  }

  function snapshot(form) {
    const values = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && name !== MARKER) {
        values.append(name, typeof value === "string" ? value : value.name);
      }
    }
    return values.toString();
  }

  function init() {
    const form = changeForm();
    const dialog = document.getElementById("nexus-unsaved-dialog");
    if (!form || !dialog) {
      return;
    }
    const saved = snapshot(form);
    const isDirty = () => snapshot(form) !== saved;
    let pending = null;

    function ask(trigger) {
      pending = trigger;
      for (const label of dialog.querySelectorAll("[data-transition-label]")) {
        label.textContent = trigger.dataset.transitionLabel;
      }
      dialog.showModal();
    }

    document.addEventListener(
      "submit",
      (event) => {
        const trigger = event.target.closest("form[data-transition]");
        if (trigger && isDirty()) {
          event.preventDefault();
          ask(trigger);
        }
      },
      true
    );
    document.addEventListener(
      "click",
      (event) => {
        const trigger = event.target.closest("a[data-transition]");
        if (trigger && isDirty()) {
          event.preventDefault();
          ask(trigger);
        }
      },
      true
    );

    dialog.addEventListener("click", (event) => {
      const choice = event.target.closest("[data-unsaved-choice]");
      if (!choice || !pending) {
        return;
      }
      const action = choice.dataset.unsavedChoice;
      if (action === "keep") {
        dialog.close();
      } else if (action === "discard") {
        window.location.replace(window.location.pathname + window.location.search);
      } else if (action === "save") {
        let marker = form.querySelector(`input[name='${MARKER}']`);
        if (!marker) {
          marker = document.createElement("input");
          marker.type = "hidden";
          marker.name = MARKER;
          form.appendChild(marker);
        }
        marker.value = pending.dataset.transition;
        dialog.close();
        form.requestSubmit();
      }
    });
  }

  // After every other script has set the form up (inline rows, widgets), so that counts as loaded.
  if (document.readyState === "complete") {
    init();
  } else {
    window.addEventListener("load", init);
  }
})();
