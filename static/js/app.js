// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// The contact form: when the tax-id check finds the taxpayer in DGII's registry, the
// registered name fills the name field, unless the user has typed a name of their own.
document.addEventListener("htmx:afterSwap", (event) => {
  const found = event.detail.target.querySelector("[data-registry-name]");
  const name = event.detail.target.closest("form")?.querySelector("input[name=name]");
  if (!found || !name) return;
  if (name.value.trim() === "" || name.value === name.dataset.registryName) {
    name.value = found.dataset.registryName;
    name.dataset.registryName = found.dataset.registryName;
  }
});
