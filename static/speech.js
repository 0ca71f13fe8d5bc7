// The kiosk's voice: each screen's speech plays when it appears; Repeat, Slower, Stop and volume control it;
// any other tap stops it; new speech replaces old. A missing or broken audio file never breaks the page.
(function () {
  "use strict";

  // Pages read aloud paragraph by paragraph: each Read aloud button plays its paragraph on one shared player.
  var player = document.querySelector("[data-speak-player]");
  if (player) {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-speak-src]");
      if (!button) { return; }
      player.pause();
      player.src = button.getAttribute("data-speak-src");
      var started = player.play();
      if (started && started.catch) { started.catch(function () {}); }
    });
  }

  var section = document.querySelector("[data-speech]");
  if (!section) { return; }
  var main = section.querySelector("[data-speech-main]");
  var why = section.querySelector("[data-speech-why]");
  var warning = section.querySelector("[data-speech-warning]");
  var reasons = Array.prototype.slice.call(section.querySelectorAll("[data-speech-reason]"));
  var all = [main, why, warning].concat(reasons).filter(Boolean);
  var levelText = section.querySelector("[data-speech-level]");
  var failed = section.querySelector("[data-speech-failed]");
  var LEVELS = [0.4, 0.7, 1.0];
  // The volume a person chooses lasts for their visit only (cleared when the screen is finished with). One chosen
  // on the settings screen, or kept with their card, comes with the page that follows (data-volume-new).
  var given = section.getAttribute("data-volume");
  if (given && section.hasAttribute("data-volume-new")) {
    window.sessionStorage.setItem("speechVolume", String(parseInt(given, 10) - 1));
  }
  var level = parseInt(window.sessionStorage.getItem("speechVolume") || (given ? String(parseInt(given, 10) - 1) : "2"), 10);
  if (!(level >= 0 && level < LEVELS.length)) { level = LEVELS.length - 1; }

  var sayer = new Audio();  // a control's name or a count of typed characters (kiosk-voice.js)

  function stopAll() {
    all.forEach(function (audio) { audio.pause(); });
    sayer.pause();
  }

  function play(audio, slow) {
    stopAll();  // new speech replaces old
    var wanted = slow ? audio.getAttribute("data-slow-src") : audio.getAttribute("src");
    if (audio.getAttribute("data-playing-src") !== wanted) {
      audio.src = wanted;
      audio.setAttribute("data-playing-src", wanted);
    }
    audio.currentTime = 0;
    var started = audio.play();
    if (started && started.catch) { started.catch(function () {}); }  // autoplay refused: the text is on screen
  }

  function showLevel() {
    all.forEach(function (audio) { audio.volume = LEVELS[level]; });
    levelText.textContent = levelText.getAttribute("data-template").replace("{level}", String(level + 1));
    levelText.hidden = false;
    window.sessionStorage.setItem("speechVolume", String(level));
  }

  var actions = {
    repeat: function () { play(main, main.getAttribute("data-playing-src") === main.getAttribute("data-slow-src")); },
    slower: function () { play(main, true); },
    stop: stopAll,
    why: function () { play(why, false); },
    quieter: function () { level = Math.max(0, level - 1); showLevel(); },
    louder: function () { level = Math.min(LEVELS.length - 1, level + 1); showLevel(); }
  };

  function showFailed() {
    failed.hidden = false;
    section.setAttribute("data-speech-state", "failed");
  }

  all.forEach(function (audio) {
    audio.setAttribute("data-playing-src", audio.getAttribute("src"));
    audio.addEventListener("error", showFailed);
    // It may have failed before this script ran (the screen's speech starts loading at once).
    if (audio.error) { showFailed(); }
  });
  section.querySelector(".speech-controls").hidden = false;
  document.querySelectorAll("[data-why]").forEach(function (button) { button.hidden = false; });
  showLevel();

  // The speech buttons: Repeat, Slower, Stop and volume below, and "Hear why" beside Start again on a result.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-speech-action]");
    if (button) { actions[button.getAttribute("data-speech-action")](); }
  });

  // Any tap outside the speech buttons stops the current speech.
  document.addEventListener("pointerdown", function (event) {
    if (!event.target.closest(".speech-controls, [data-speech-action]")) { stopAll(); }
  }, true);

  // A control's name or a count of typed characters (kiosk-voice.js), on its own player at the chosen volume.
  document.addEventListener("kiosk:say", function (event) {
    stopAll();
    sayer.volume = LEVELS[level];
    sayer.src = event.detail;
    var started = sayer.play();
    if (started && started.catch) { started.catch(function () {}); }
  });
  // The Help key: the screen's instructions again.
  document.addEventListener("kiosk:help", function () { play(main, false); });

  // A reason the person steps to is read out (they asked for it by stepping).
  document.addEventListener("kiosk:reason", function (event) {
    var audio = reasons[event.detail];
    if (audio) { play(audio, false); }
  });

  document.addEventListener("kiosk:warning", function () {
    if (warning) { play(warning, false); }
  });

  // "Remember these for my card" keeps the volume the person has now.
  document.querySelectorAll("form[data-with-volume]").forEach(function (form) {
    form.addEventListener("submit", function () { form.elements.volume.value = String(level + 1); });
  });

  // The next person starts at the default volume.
  document.querySelectorAll("form[data-done-form], form[data-forget-volume]").forEach(function (form) {
    form.addEventListener("submit", function () { window.sessionStorage.removeItem("speechVolume"); });
  });
})();
