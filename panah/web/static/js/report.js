// The monthly report's page: the print button (no inline handlers: the pages' CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
