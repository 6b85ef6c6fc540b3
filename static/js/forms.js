// Behaviour that page templates may not put inline (the CSP forbids on…= handlers):
// - a form marked data-autosubmit submits when one of its selects changes (its button still works without JS);
// - a button marked data-print prints the page;
// - a table box that scrolls sideways (a wide table on a phone) is focusable while it does, so that a keyboard can
//   scroll it (WCAG 2.1.1, axe's scrollable-region-focusable); a table keeps its role, it only gains a tab stop.
(() => {
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select")) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  const SCROLLERS = "main .table-responsive, main table.table";
  const markScrollers = () => {
    for (const box of document.querySelectorAll(SCROLLERS)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    }
  };
  let pending = false;
  const later = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; markScrollers(); });
    }
  };
  if (document.readyState === "complete") markScrollers(); else addEventListener("load", markScrollers);
  addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
