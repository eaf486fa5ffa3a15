// Every HTMX request that changes something carries the session's CSRF token as a header.
// Plain forms carry it as the hidden field csrf_token; the server accepts either.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  document.addEventListener("htmx:configRequest", function (event) {
    if (token && event.detail.verb !== "get") {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });
})();
