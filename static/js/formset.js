// Adds a blank row to a Django formset from its <template id="PREFIX-empty">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const body = document.querySelector(`[data-formset="${prefix}"] tbody`);
  if (!total || !template || !body) return;
  const index = parseInt(total.value, 10);
  body.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
  total.value = String(index + 1);
});
