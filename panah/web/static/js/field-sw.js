// The field app's service worker (scope /field): the app opens without a network.
// The page itself keeps the crew's changes in IndexedDB and sends them when it can, so
// the API is never answered from here: /api/ goes to the network or fails.
//   navigation to /field  network first, the last good copy when offline
//   /static/              from the cache at once, refreshed in the background
//   /api/                 the network only
"use strict";

var VERSION = "panah-field-4";  // 4: streets from the deployment's tile server (issue 14)
var SHELL = [
  "/static/js/field.js",
  "/static/js/team_channels.js",
  "/static/js/csrf.js",
  "/static/js/tiles.js",
  "/static/css/field.css",
  "/static/css/panah.css",
  "/static/vendor/leaflet-1.9.4/leaflet.js",
  "/static/vendor/leaflet-1.9.4/leaflet.css",
  "/static/vendor/vazirmatn-33.0.3/vazirmatn.css",
  "/static/vendor/vazirmatn-33.0.3/fonts/Vazirmatn-Variable.woff2",
  "/static/vendor/htmx-2.0.11/htmx.min.js",
  "/field/manifest.webmanifest",
];

function keep(cache, key, response) {
  // A redirect (to the sign-in page) or an error is not the app.
  if (response && response.ok && !response.redirected) {
    return cache.put(key, response.clone()).then(function () { return response; });
  }
  return Promise.resolve(response);
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    var page = fetch("/field", { credentials: "same-origin" })
      .then(function (response) { return keep(cache, "/field", response); })
      .catch(function () {});
    return Promise.all([cache.addAll(SHELL), page]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("panah-field-") === 0 && name !== VERSION;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  return new Response(
    '<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>پناه — تیم سیار</title><body style=\"font-family:Vazirmatn,Tahoma,sans-serif;padding:1rem\">" +
    "<h1>اینترنت در دسترس نیست</h1><p>این صفحه هنوز روی گوشی نیست؛ با اتصال دوباره باز کنید." +
    "</p><p lang=\"en\" dir=\"ltr\">Offline: this page is not on the phone yet; open it again " +
    "when the network is back.</p></body></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function page(request, url) {
  var key = url.pathname + url.search;
  return caches.open(VERSION).then(function (cache) {
    return fetch(request).then(function (response) {
      return keep(cache, key, response);
    }).catch(function () {
      return cache.match(key).then(function (hit) { return hit || offlinePage(); });
    });
  });
}

function asset(event, request) {
  return caches.open(VERSION).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        return keep(cache, request, response);
      });
      if (hit) {
        event.waitUntil(fresh.catch(function () {}));
        return hit;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return; // the network only
  if (request.mode === "navigate" && url.pathname === "/field") {
    event.respondWith(page(request, url));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/field/manifest.webmanifest") {
    event.respondWith(asset(event, request));
  }
});
