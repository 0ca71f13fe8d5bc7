/* The offline screen (kept by the kiosk's service worker): says its sentence once, answers Call staff with what to
   do instead (it cannot call), and goes back to the start screen by itself as soon as the server answers. */
(function () {
  "use strict";
  var screen = document.querySelector("[data-offline]");
  if (!screen) { return; }
  var said = document.querySelector("[data-offline-speech]");
  var call = document.querySelector("[data-offline-call-speech]");
  function play(audio) {
    if (!audio) { return; }
    try {
      audio.currentTime = 0;
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    } catch (ignored) { /* no sound device: the screen still says it */ }
  }
  play(said);
  var button = document.querySelector("[data-offline-call]");
  var note = document.querySelector("[data-offline-call-note]");
  if (button && note) {
    button.addEventListener("click", function () {
      note.hidden = false;
      if (said) { said.pause(); }
      play(call);
    });
  }
  var health = screen.getAttribute("data-health");
  var start = screen.getAttribute("data-start");
  function ask() {
    fetch(health, {cache: "no-store"}).then(function (answer) {
      if (answer.ok) { window.location.replace(start); } else { window.setTimeout(ask, 1000); }
    }).catch(function () { window.setTimeout(ask, 1000); });
  }
  window.setTimeout(ask, 1000);
})();
