// The kiosk's small behaviours: the on-screen keypad and the result screen's countdown.
// Everything works without this script too; it only adds to the page.
(function () {
  "use strict";

  function setUpKeypad(keypad) {
    var input = document.getElementById(keypad.getAttribute("data-for"));
    if (!input) { return; }
    keypad.hidden = false;
    keypad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) { return; }
      var value = key.getAttribute("data-key");
      if (value === "delete") {
        input.value = input.value.slice(0, -1);
      } else if (input.value.length < 18) {
        input.value += value;
      }
    });
  }

  function setUpCountdown(box) {
    var form = document.querySelector("[data-done-form]");
    var full = parseInt(box.getAttribute("data-seconds"), 10);
    var warnAt = parseInt(box.getAttribute("data-warn-seconds"), 10);
    var shown = box.querySelector(".countdown-seconds");
    var warning = box.querySelector(".countdown-warning");
    var warningText = box.querySelector(".countdown-warning-text").content.textContent.trim();
    var left = full;
    box.hidden = false;

    function tick() {
      left -= 1;
      shown.textContent = String(Math.max(left, 0));
      if (left === warnAt) {
        warning.textContent = warningText;  // role="alert": read out once, focus stays where it is
        document.dispatchEvent(new CustomEvent("kiosk:warning"));  // and spoken (speech.js)
      }
      if (left <= 0) {
        window.clearInterval(timer);
        form.elements.why.value = "timeout";  // the person has gone: the next one starts from the defaults
        window.sessionStorage.removeItem("speechVolume");
        form.submit();
      }
    }
    var timer = window.setInterval(tick, 1000);

    box.querySelector("[data-more-time]").addEventListener("click", function () {
      left = full;
      shown.textContent = String(left);
      warning.textContent = "";
    });
  }

  document.querySelectorAll(".keypad[data-for]").forEach(setUpKeypad);
  document.querySelectorAll(".countdown[data-seconds]").forEach(setUpCountdown);
})();
