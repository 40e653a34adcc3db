// Nothing typed is lost by leaving a page: a form marked data-warn-unsaved whose fields differ
// from what the page showed makes the browser ask before the page is left (the browser's own
// question, in its own words). Saving the form does not ask. A form also marked data-unsaved
// holds values a save refused, shown again and not stored: it asks even untouched.
"use strict";

(() => {
  const sending = new WeakSet();

  // A list shows its first option when the page marks none as chosen.
  function shownIndex(select) {
    return Math.max(0, [...select.options].findIndex(option => option.defaultSelected));
  }

  function differs(field) {
    if (field.disabled) return false;
    if (field.tagName === "SELECT") {
      return field.multiple
        ? [...field.options].some(option => option.selected !== option.defaultSelected)
        : field.selectedIndex !== shownIndex(field);
    }
    if (field.tagName === "TEXTAREA") return field.value !== field.defaultValue;
    switch (field.type) {
      case "hidden": case "submit": case "button": case "reset": case "image":
        return false;
      case "checkbox": case "radio":
        return field.checked !== field.defaultChecked;
      case "file":
        return field.value !== "";
      default:
        return field.value !== field.defaultValue;
    }
  }

  function unsaved(form) {
    if (sending.has(form)) return false;
    return form.hasAttribute("data-unsaved") || [...form.elements].some(differs);
  }

  document.addEventListener("submit", event => {
    if (!event.defaultPrevented && event.target.matches("form[data-warn-unsaved]")) {
      sending.add(event.target);
    }
  });

  window.addEventListener("beforeunload", event => {
    if ([...document.querySelectorAll("form[data-warn-unsaved]")].some(unsaved)) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when it is set
    }
  });
})();
