// Hovering a changed fact lights up the same change on the other side.
document.addEventListener("mouseover", (e) => {
  const n = e.target.dataset && e.target.dataset.change;
  document.querySelectorAll("mark.hover").forEach((m) => m.classList.remove("hover"));
  if (n !== undefined) {
    document.querySelectorAll(`mark[data-change="${CSS.escape(n)}"]`).forEach((m) => m.classList.add("hover"));
  }
});
