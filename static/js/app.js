// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// A form that issues, pays, cancels or converts never feels stuck and is never sent twice:
// once submitted, its buttons are disabled and the pressed one says it is working
// ("Emitiendo…" from data-busy-label, else its own label with "…").
document.addEventListener("submit", (event) => {
  const form = event.target;
  // getAttribute: the payment form has a field named "method", which `form.method` returns.
  if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
    return;
  }
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  form.setAttribute("aria-busy", "true");
  const pressed = event.submitter;
  form.querySelectorAll("button[type=submit], button:not([type])").forEach((button) => {
    button.classList.add(button === pressed ? "is-busy" : "is-waiting");
    if (button === pressed || (!pressed && button.type === "submit")) {
      button.dataset.idleLabel = button.textContent;
      button.textContent = button.dataset.busyLabel || `${button.textContent.trim()}…`;
    }
    // Disabled after this tick, so the pressed button's name/value still goes with the form.
    setTimeout(() => { button.disabled = true; }, 0);
  });
});

// Coming back with the browser's Back button shows the form usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[aria-busy=true]").forEach((form) => {
    form.removeAttribute("aria-busy");
    delete form.dataset.submitted;
    form.querySelectorAll("button").forEach((button) => {
      if (button.dataset.idleLabel !== undefined) {
        button.textContent = button.dataset.idleLabel;
        delete button.dataset.idleLabel;
      }
      button.disabled = false;
      button.classList.remove("is-busy", "is-waiting");
    });
  });
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

// A select that applies itself (the workspace switcher); the form keeps its button for
// browsers without JavaScript.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.submit();
  }
});
