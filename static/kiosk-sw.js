/* The kiosk's service worker: when a kiosk screen cannot reach the server (the network dropped, the server is
   restarting), the person sees the kiosk's own calm screen, in its look, and hears it, instead of the browser's
   error page. It keeps only the files listed below: the offline screen in both languages, its styles and script,
   and its two spoken sentences. Nothing personal is ever kept: every other answer goes to the network and nowhere
   else (no result page, no speech of a result, no API answer). Its scope is the venue's screens, /kiosk/<venue>/;
   kiosk.js registers it. */
"use strict";

var venue = new URL(self.location.href).searchParams.get("venue") || "";
var LANGS = ["zh", "en"];
var CACHE = "kiosk-offline-1:" + venue;
var base = "/kiosk/" + encodeURIComponent(venue);
var lang = "zh";  // the language of the screen last shown (kiosk.js says), for the offline screen

function listed() {
  var files = ["/static/assistant.css", "/static/kiosk-offline.js"];
  LANGS.forEach(function (l) {
    files.push(base + "/offline/" + l, base + "/offline/" + l + "/said.audio", base + "/offline/" + l + "/call.audio");
  });
  return files;
}

self.addEventListener("install", function (event) {
  // Each file on its own: a kiosk without speech still keeps the screen itself.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(listed().map(function (file) {
      return fetch(file, {cache: "no-store"}).then(function (answer) {
        if (answer.ok && !answer.redirected) { return cache.put(file, answer); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    // This venue's older versions only: each venue's worker keeps its own.
    var mine = function (k) { return k !== CACHE && k.slice(k.indexOf(":") + 1) === venue; };
    return Promise.all(keys.filter(mine).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data && LANGS.indexOf(event.data.lang) >= 0) { lang = event.data.lang; }
});

// A screen read to its end before it is handed over: a worker being replaced (a new version, another venue) is
// stopped once its answers are given, and a screen still streaming through it would never finish loading.
var BODILESS = [101, 103, 204, 205, 304];
function whole(answer) {
  if (answer.type === "opaqueredirect" || !answer.body || BODILESS.indexOf(answer.status) >= 0) { return answer; }
  return answer.blob().then(function (body) {
    return new Response(body, {status: answer.status, statusText: answer.statusText, headers: answer.headers});
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    // A screen, from the network as ever; the offline screen only when the network gives no answer at all.
    var asked = url.searchParams.get("lang");
    var shown = base + "/offline/" + (LANGS.indexOf(asked) >= 0 ? asked : lang);
    if (listed().indexOf(url.pathname) >= 0) { shown = url.pathname; }  // an offline screen itself: that one
    event.respondWith(fetch(request).then(whole).catch(function () { return caches.match(shown); }));
    return;
  }
  if (listed().indexOf(url.pathname + url.search) >= 0) {
    event.respondWith(fetch(request).catch(function () { return caches.match(url.pathname + url.search); }));
  }
});
