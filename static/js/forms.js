// Behaviour that page templates may not put inline (the CSP forbids on…= handlers):
// - a form marked data-autosubmit submits when one of its selects changes (its button still works without JS);
// - a button marked data-print prints the page.
(() => {
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select")) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
