// Comfort only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a destructive button ("Удалить") sends its form.
  for (const b of document.querySelectorAll("[data-confirm]")) {
    b.addEventListener("click", (e) => {
      if (!window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
    });
  }
  // Put the cursor in the first field that was refused.
  const bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
