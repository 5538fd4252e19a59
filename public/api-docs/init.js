// The API reference: Swagger UI (served from this server, no CDN) over the document the server
// builds from its operations. "Try it out" uses the session cookie of this browser, or a token.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
