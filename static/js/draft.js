// Keeps what the owner types in the browser until the server has it, so an expired session loses nothing.
(() => {
  const form = document.querySelector("form[data-draft-key]");
  if (!form || form.querySelector("fieldset[disabled]")) return;
  const key = form.dataset.draftKey;
  const version = form.dataset.version;
  const fields = () => Array.from(form.elements).filter((el) => el.name && !["file", "checkbox", "radio"].includes(el.type)
    && !["csrfmiddlewaretoken", "version", "action"].includes(el.name));
  const stored = JSON.parse(localStorage.getItem(key) || "null");
  if (stored && stored.version === version) {
    let restored = false;
    for (const el of fields()) {
      if (el.name in stored.values && el.value !== stored.values[el.name]) {
        el.value = stored.values[el.name];
        restored = true;
      }
    }
    const note = document.getElementById("draft-note");
    if (restored && note) note.hidden = false;
  } else if (stored) {
    localStorage.removeItem(key);
  }
  form.addEventListener("input", () => {
    const values = {};
    for (const el of fields()) values[el.name] = el.value;
    localStorage.setItem(key, JSON.stringify({ version, values }));
  });
})();
