// The face step after a card read: the camera sends a frame about every half second; the server says which step
// the person is on (look, then a turn each way). The frame that completes each step is held here, in the page, and
// the three are sent once more for the decision; then the server says where to go. Each step has generous time;
// when it runs out the server starts a second try, or calls staff. No frame is kept after the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-card-face]");
  var media = navigator.mediaDevices;
  if (!box) { return; }
  var FRAME_WIDTH = 640;
  var EVERY_MS = 500;
  var section = document.querySelector("[data-live-camera]");
  var video = section.querySelector("[data-camera-view]");
  var token = document.querySelector("input[name=csrf_token]");
  var asked = box.getAttribute("data-asked");
  var stepSince = Date.now();
  var seconds = parseInt(box.getAttribute("data-seconds"), 10);
  var finished = false;
  var kept = [];  // the frames that completed the steps, for the decision

  function show(step, again) {
    if (step === "done" || (step === asked && !again)) { return; }
    asked = step;
    stepSince = Date.now();
    box.querySelector("[data-again]").hidden = !again;
    box.querySelectorAll("[data-step]").forEach(function (item) {
      item.hidden = item.getAttribute("data-step") !== step;
    });
    var audio = box.querySelector("[data-step='" + step + "'] [data-step-audio]");
    if (audio) { var played = audio.play(); if (played && played.catch) { played.catch(function () {}); } }
  }

  function send(url, body) {
    var form = body || new FormData();
    if (token) { form.append("csrf_token", token.value); }
    return fetch(url, { method: "POST", body: form, credentials: "same-origin" }).then(function (answer) {
      return answer.ok ? answer.json() : null;
    });
  }

  function follow(answer, sent) {
    if (!answer) { return null; }
    if (answer.go) { finished = true; window.location.assign(answer.go); return null; }
    if (answer.state === "again") { kept = []; }
    if ((answer.state === "next" || answer.state === "check") && sent) { kept.push(sent); }
    show(answer.asked, answer.state === "again");
    if (answer.state === "check") {
      var form = new FormData();
      ["look", "turn1", "turn2"].forEach(function (name, i) { if (kept[i]) { form.append(name, kept[i], name + ".jpg"); } });
      return send(box.getAttribute("data-check-url"), form).then(function (decided) { return follow(decided, null); });
    }
    return null;
  }

  function frame() {
    var canvas = document.createElement("canvas");
    var scale = Math.min(1, FRAME_WIDTH / (video.videoWidth || FRAME_WIDTH));
    canvas.width = Math.round((video.videoWidth || FRAME_WIDTH) * scale);
    canvas.height = Math.round((video.videoHeight || 480) * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
  }

  function loop() {
    if (finished) { return; }
    var late = Date.now() - stepSince > seconds * 1000;
    var next = late
      ? send(box.getAttribute("data-late-url")).then(function (answer) { return follow(answer, null); })
      : frame().then(function (blob) {
          var form = new FormData();
          form.append("picture", blob, "frame.jpg");
          return send(box.getAttribute("data-frame-url"), form).then(function (answer) { return follow(answer, blob); });
        });
    next.catch(function () {}).then(function () {
      if (!finished) { window.setTimeout(loop, EVERY_MS); }
    });
  }

  // No camera: the person can ask staff (the button is there) or, in the demo, use the simulated camera. If nobody
  // does, each step runs out slowly, then the second try, and the screen says staff are coming: it never stays here.
  function withoutCamera() {
    var giveUp = function () {
      send(box.getAttribute("data-late-url")).then(function (answer) { follow(answer, null); })
        .catch(function () {}).then(function () { if (!finished) { window.setTimeout(giveUp, seconds * 3000); } });
    };
    window.setTimeout(giveUp, seconds * 3000);
  }

  if (!media || !media.getUserMedia) { withoutCamera(); return; }
  media.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      var started = video.play();
      if (started && started.catch) { started.catch(function () {}); }
      section.hidden = false;
      video.addEventListener("loadeddata", function () { stepSince = Date.now(); loop(); }, { once: true });
    })
    .catch(withoutCamera);
})();
