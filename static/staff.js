// The staff console. The help queue: the server sends the queue again whenever it changes (server-sent events); a new request plays a
// short chime unless staff turned the sound off. Where events cannot arrive, the page reloads itself every 10 s.
(function () {
  "use strict";
  // The pass card: the browser's own print dialog for the PDF shown in the page.
  var print = document.querySelector("[data-print-pass]");
  var frame = document.querySelector("[data-pass-frame]");
  if (print && frame) {
    print.hidden = false;
    print.addEventListener("click", function () {
      try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (ignored) { window.open(frame.src); }
    });
  }

  // An import under way: its bar and numbers move every half second; when it ends the page shows how.
  var importing = document.querySelector("[data-import-progress]:not([data-finished])");
  if (importing) {
    var bar = document.getElementById("import-bar");
    var stage = document.getElementById("import-stage");
    var numbers = importing.querySelector("[data-import-numbers]");
    var ask = function () {
      fetch(importing.getAttribute("data-import-progress"), { cache: "no-store", credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (job) {
          if (!job) { window.setTimeout(ask, 2000); return; }
          if (job.outcome) { window.location.reload(); return; }
          bar.max = job.total || 1;
          bar.value = job.done;
          numbers.textContent = job.done + " / " + job.total;
          var words = stage.getAttribute("data-stage-" + job.stage);
          if (words && stage.textContent !== words) { stage.textContent = words; }
          window.setTimeout(ask, 500);
        })
        .catch(function () { window.setTimeout(ask, 2000); });
    };
    window.setTimeout(ask, 500);
  }

  var queue = document.querySelector("[data-help-events]");
  if (!queue) { return; }
  var cue = document.querySelector("[data-sound-cue]");
  var announce = document.querySelector("[data-queue-announce]");
  if (window.localStorage && localStorage.getItem("staff-sound-cue") === "off") { cue.checked = false; }
  cue.addEventListener("change", function () {
    if (window.localStorage) { localStorage.setItem("staff-sound-cue", cue.checked ? "on" : "off"); }
  });

  function newest() {
    var heading = queue.querySelector("[data-newest]");
    return heading ? Number(heading.getAttribute("data-newest")) : 0;
  }

  function chime() {
    var root = document.documentElement;
    root.setAttribute("data-chimes", String(Number(root.getAttribute("data-chimes") || 0) + 1));
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var sound = new Context();
      [660, 880].forEach(function (pitch, i) {
        var tone = sound.createOscillator();
        var level = sound.createGain();
        tone.frequency.value = pitch;
        level.gain.setValueAtTime(0.25, sound.currentTime + i * 0.25);
        level.gain.exponentialRampToValueAtTime(0.001, sound.currentTime + i * 0.25 + 0.22);
        tone.connect(level).connect(sound.destination);
        tone.start(sound.currentTime + i * 0.25);
        tone.stop(sound.currentTime + i * 0.25 + 0.24);
      });
    } catch (ignored) { /* no sound device: the list itself still changes */ }
  }

  function reloadLater() { window.setTimeout(function () { window.location.reload(); }, 10000); }

  var seen = newest();
  if (!window.EventSource) { reloadLater(); return; }
  var source = new EventSource(queue.getAttribute("data-help-events"));
  source.addEventListener("queue", function (event) {
    // The same button keeps the keyboard focus when the list is drawn again.
    var focused = document.activeElement && queue.contains(document.activeElement) ?
      document.activeElement.closest("form") : null;
    var action = focused ? focused.getAttribute("action") : null;
    queue.innerHTML = event.data;
    if (action) {
      var again = queue.querySelector('form[action="' + action + '"] button');
      if (again) { again.focus(); }
    }
    var now = newest();
    if (now > seen) {
      if (cue.checked) { chime(); }
      var heading = queue.querySelector("[data-newest]");
      if (announce && heading) { announce.textContent = heading.textContent.trim(); }
    }
    seen = Math.max(seen, now);
  });
  source.addEventListener("signed-out", function (event) {
    source.close();
    window.location.assign(event.data || queue.getAttribute("data-signed-out"));
  });
  // Each answer ends at once and the browser asks again by itself (the server holds no thread for an open page).
  // Only when the browser gives up (an error answer) does the page fall back to reloading itself.
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) { reloadLater(); }
  };
  document.querySelector("[data-live-note]").hidden = false;
})();
