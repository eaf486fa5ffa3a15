// The API documentation at /docs: Swagger UI (vendored) on this server's /openapi.json.
// A file of its own, not an inline script, so the page keeps the Content-Security-Policy.
(function () {
  "use strict";
  window.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("swagger-ui");
    window.ui = window.SwaggerUIBundle({
      url: root.getAttribute("data-openapi"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
    });
  });
})();
