// The kiosk's small behaviours: the on-screen keypad, the result screen's countdown and the face screen's camera.
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
      input.dispatchEvent(new Event("input"));  // confirmed by count (kiosk-voice.js)
    });
  }

  // While the registry is out of reach: ask every few seconds, and go back to the start screen once it answers.
  function waitForRegistry(element) {
    var ask = function () {
      fetch(element.getAttribute("data-wait-for"), { cache: "no-store" }).then(function (answer) {
        if (answer.ok) { window.location.replace(element.getAttribute("data-then")); } else { later(); }
      }, later);
    };
    var later = function () { window.setTimeout(ask, 3000); };
    later();
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

  // The face screen: once a camera is really on, show what it sees and send one frame when the person is ready.
  // Without a camera (or a browser that cannot reach one) the simulated camera stays; if the camera is refused,
  // the server shows a calm message and the ID card.
  var FRAME_SIDE = 640;  // a camera that gives more is scaled down before the frame is sent

  function setUpCamera(section) {
    var media = navigator.mediaDevices;
    if (!media || !media.getUserMedia || section.getAttribute("data-error") === "camera_refused") { return; }
    var video = section.querySelector("[data-camera-view]");
    var form = section.querySelector("[data-camera-form]");
    var input = form.querySelector("[data-camera-frame]");
    var simulated = document.querySelector("[data-simulated-camera]");
    // 640 x 480 is plenty for a face at arm's length, and finding a face in it takes a quarter of the time of HD.
    media.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        var started = video.play();
        if (started && started.catch) { started.catch(function () {}); }
        section.hidden = false;
        if (simulated) { simulated.hidden = true; }
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          if (!video.videoWidth) { return; }  // no picture yet: the next press will have one
          var scale = Math.min(1, FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            if (!blob) { return; }
            var frame = new DataTransfer();
            frame.items.add(new File([blob], "frame.jpg", { type: "image/jpeg" }));
            input.files = frame.files;
            stream.getTracks().forEach(function (track) { track.stop(); });
            form.submit();
          }, "image/jpeg", 0.9);
        });
      })
      .catch(function (error) {
        if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
          window.location.replace(section.getAttribute("data-refused-url"));
        }
      });
  }

  // Several reasons: one at a time, with "Reason 1 of 3" and Previous / Next, so each fits on the screen.
  function setUpReasons(section) {
    var items = Array.prototype.slice.call(section.querySelectorAll("[data-reason]"));
    var nav = section.querySelector("[data-reason-nav]");
    if (items.length < 2 || !nav) { return; }
    var count = nav.querySelector(".reason-count");
    var template = count.getAttribute("data-template");
    var current = 0;

    function show(index, speak) {
      current = (index + items.length) % items.length;  // after the last comes the first again: never a dead end
      items.forEach(function (item, i) { item.hidden = i !== current; });
      count.textContent = template.replace("{number}", String(current + 1)).replace("{total}", String(items.length));
      if (speak) { document.dispatchEvent(new CustomEvent("kiosk:reason", { detail: current })); }
    }

    nav.hidden = false;
    nav.addEventListener("click", function (event) {
      var step = event.target.closest("[data-reason-step]");
      if (step) { show(current + parseInt(step.getAttribute("data-reason-step"), 10), true); }
    });
    show(0, false);
  }

  // Where a screen is taller than the display: the bar (which stays at the top) says there is more below and
  // shows it; focus moved by keyboard is kept clear of the bar.
  function setUpMoreBelow(button) {
    var bar = document.querySelector("[data-kiosk-bar]");
    function update() {
      var left = document.documentElement.scrollHeight - window.scrollY - window.innerHeight;
      button.hidden = left < 16;
      document.documentElement.style.scrollPaddingTop = (bar.offsetHeight + 16) + "px";
    }
    button.addEventListener("click", function () {
      window.scrollBy(0, Math.round((window.innerHeight - bar.offsetHeight) * 0.7));
    });
    // A control reached by keyboard is never left under the bar.
    document.addEventListener("focusin", function (event) {
      if (bar.contains(event.target)) { return; }
      var top = event.target.getBoundingClientRect().top;
      if (top < bar.offsetHeight) { window.scrollBy(0, top - bar.offsetHeight - 16); }
    });
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    window.addEventListener("load", update);
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(update); }
    update();
  }

  // After Call staff (or a referral): ask every 2 seconds whether staff have said "I'm coming"; then show and say it.
  function watchForStaff(box) {
    if (box.hasAttribute("data-coming")) { return; }
    var ask = function () {
      fetch(box.getAttribute("data-help-state"), { cache: "no-store", credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (answer) {
          if (answer && answer.state === "coming") {
            box.querySelector(".staff-coming-words").hidden = false;
            var audio = box.querySelector("[data-speech-coming]");
            if (audio) { var played = audio.play(); if (played && played.catch) { played.catch(function () {}); } }
          } else if (answer && answer.state === "waiting") {
            window.setTimeout(ask, 2000);
          }
        })
        .catch(function () { window.setTimeout(ask, 4000); });
    };
    window.setTimeout(ask, 2000);
  }

  // A card on the reader moves this screen by itself: the reader bridge posts the read, the server sends its address.
  // The stream opens after a moment on the screen; each connection answers at once and the browser asks again.
  function listenForReads(url) {
    if (!window.EventSource) { return; }
    window.setTimeout(function () {
      var source = new EventSource(url);
      source.addEventListener("read", function (event) {
        source.close();
        window.location.assign(event.data);
      });
    }, 800);
  }

  // Whether the server answers at all, every 1.5 s (a tiny request): when it does not (the network dropped, the
  // server is restarting), this screen goes to the start screen, which the service worker answers with the kiosk's
  // own offline screen. Only "no answer at all" counts: an answer that is late (3 s: a busy server) is asked for
  // again, so that a slow moment never takes a person's result away. A server that answers with an error is there:
  // its own screens say what is wrong.
  function watchServer(health, start) {
    if (!window.fetch) { return; }
    function gone() {
      var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en";
      window.location.assign(start + "?lang=" + lang);  // the offline screen in this screen's language
    }
    function ask() {
      var signal = window.AbortSignal && window.AbortSignal.timeout ? window.AbortSignal.timeout(3000) : undefined;
      window.fetch(health, {cache: "no-store", signal: signal}).then(function () {
        window.setTimeout(ask, 1500);
      }).catch(function (error) {
        if (error && error.name === "TimeoutError") { window.setTimeout(ask, 1500); } else { gone(); }
      });
    }
    window.setTimeout(ask, 1500);
  }

  // The service worker that keeps the offline screen (static/kiosk-sw.js), and the language to show it in.
  function keepOfflineScreen(url) {
    if (!("serviceWorker" in navigator)) { return; }
    var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en";
    // One worker for each venue's screens (scope /kiosk/<venue>/): a browser that shows two venues, as a test does,
    // never has one venue's worker replaced by the other's while a screen is loading through it.
    var scope = document.body.getAttribute("data-start-url");
    navigator.serviceWorker.register(url, {scope: scope}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (ready) {
      if (ready.active) { ready.active.postMessage({lang: lang}); }
    }).catch(function () { /* no worker: the kiosk works as ever, without its offline screen */ });
  }

  if (document.body.hasAttribute("data-reads-url")) { listenForReads(document.body.getAttribute("data-reads-url")); }
  if (document.body.hasAttribute("data-offline-worker")) {
    keepOfflineScreen(document.body.getAttribute("data-offline-worker"));
    watchServer(document.body.getAttribute("data-health-url"), document.body.getAttribute("data-start-url"));
  }
  document.querySelectorAll(".keypad[data-for]").forEach(setUpKeypad);
  document.querySelectorAll("[data-help-state]").forEach(watchForStaff);
  document.querySelectorAll("[data-more-below]").forEach(setUpMoreBelow);
  document.querySelectorAll("[data-reasons]").forEach(setUpReasons);
  document.querySelectorAll("[data-live-camera]").forEach(setUpCamera);
  document.querySelectorAll(".countdown[data-seconds]").forEach(setUpCountdown);
  document.querySelectorAll("[data-wait-for]").forEach(waitForRegistry);
})();
