// A button with data-copy="ID" copies the text of the element ID (a one-time link).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  });
});
