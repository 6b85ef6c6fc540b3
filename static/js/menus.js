// Close an open menu of the bar when the user clicks elsewhere or presses Escape (menus open without JS).
(() => {
  const close = (except) => document.querySelectorAll("details.nav-menu[open]").forEach((d) => { if (d !== except) d.open = false; });
  document.addEventListener("click", (event) => close(event.target.closest("details.nav-menu")));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") close(null); });
})();
