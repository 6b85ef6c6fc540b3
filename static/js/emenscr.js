// eMENSCR pages (no inline handlers: the CSP forbids them):
// - a button marked data-copy="ID" copies the text of the element with that id and says so;
// - a checkbox marked data-check-all ticks or clears every checkbox named by its value in its form.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = source.innerText.trim();
    const done = () => {
      const label = button.querySelector("[data-label]");
      if (label) { label.textContent = button.dataset.copied || "✓"; }
      button.classList.remove("btn-outline-secondary");
      button.classList.add("btn-success");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => {});
    } else {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try { document.execCommand("copy"); done(); } catch (error) { /* the text stays selected to copy by hand */ }
    }
  });
  document.addEventListener("change", (event) => {
    const box = event.target.closest("[data-check-all]");
    if (!box) return;
    box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`).forEach((other) => {
      other.checked = box.checked;
    });
  });
})();
