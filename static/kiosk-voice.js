// The kiosk by ear: keypad mode (like a bank machine's audio mode) and "Read out what I touch".
// Keypad mode: Up/Down (or Tab) move between controls, Enter presses, Help (or F1, or ?) repeats the screen's
// instructions, and each control says its name as it gains focus. Typed characters of an ID number are confirmed by
// count ("7 of 18 entered"), never read back in public. Names are spoken by the server, from the product's own words.
(function () {
  "use strict";

  var sayUrl = document.body.getAttribute("data-say-url");
  if (!sayUrl) { return; }
  var CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  var ARM_MS = 5000;  // a second touch within this presses the control
  var byKeys = false;

  function clean(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  // The words a person sees on a control, without marks hidden from assistive technology (such as an arrow).
  function textOf(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach(function (hidden) { hidden.remove(); });
    return clean(copy.textContent);
  }

  function say(text) {
    if (text) { document.dispatchEvent(new CustomEvent("kiosk:say", { detail: sayUrl + "?text=" + encodeURIComponent(text) })); }
  }

  function nameOf(control) {
    if (control.hasAttribute("data-say")) { return control.getAttribute("data-say"); }
    if (control.getAttribute("aria-label")) { return control.getAttribute("aria-label"); }
    if (control.labels && control.labels.length) { return clean(control.labels[0].textContent); }
    var title = control.querySelector(".demo-card-title");
    return title ? clean(title.textContent) : textOf(control);
  }

  function visible(element) {
    return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden" && !element.disabled;
  }

  function isTextField(element) {
    return element.tagName === "INPUT" && /^(text|password|search|number|tel)$/.test(element.type);
  }

  function move(step) {
    var controls = Array.prototype.filter.call(document.querySelectorAll(CONTROLS), visible);
    var here = controls.indexOf(document.activeElement);
    var next = controls[Math.min(Math.max(here + step, 0), controls.length - 1)] || controls[0];
    if (next) { next.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    byKeys = true;
    var key = event.key;
    var inField = isTextField(event.target);
    if (key === "ArrowDown" || (key === "ArrowRight" && !inField)) {
      event.preventDefault();
      move(1);
    } else if (key === "ArrowUp" || (key === "ArrowLeft" && !inField)) {
      event.preventDefault();
      move(-1);
    } else if (key === "Help" || key === "F1" || (key === "?" && !inField)) {
      event.preventDefault();
      document.dispatchEvent(new CustomEvent("kiosk:help"));
    }
  }, true);
  document.addEventListener("pointerdown", function () { byKeys = false; }, true);

  document.addEventListener("focusin", function (event) {
    if (byKeys && event.target.matches(CONTROLS)) { say(nameOf(event.target)); }
  });

  // The number field: each change is confirmed by how many characters are in it, not by what they are.
  document.querySelectorAll("[data-count-template]").forEach(function (field) {
    var template = field.getAttribute("data-count-template");
    var private_ = field.hasAttribute("data-say-characters");
    field.addEventListener("input", function () {
      var value = field.value.replace(/\s/g, "");
      if (private_ && value.length) { say(value.slice(-1).toUpperCase()); }
      say(template.replace("{count}", String(value.length)));
    });
  });

  // "Read out what I touch": the first touch on a control speaks its name; a second touch within 5 s presses it.
  if (document.documentElement.classList.contains("touch-speak")) {
    var armed = null;
    var armedAt = 0;
    document.addEventListener("click", function (event) {
      var control = event.target.closest(CONTROLS);
      if (!control || byKeys || isTextField(control)) { return; }
      if (armed === control && Date.now() - armedAt < ARM_MS) {
        armed = null;
        return;  // the second touch: let it press the control
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      armed = control;
      armedAt = Date.now();
      say(nameOf(control));
    }, true);
  }
})();
