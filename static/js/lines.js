// The document line editor: add and remove rows, move through fields with Enter. Every
// amount comes from the server (the totals box posts the form to the preview endpoint);
// nothing is computed here.
(function () {
  function fields(form) {
    return Array.from(form.querySelectorAll(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    )).filter(function (el) { return el.offsetParent !== null; });
  }

  function focusRow(row, selector) {
    if (!row) return;
    const target = row.querySelector(selector) || row.querySelector("input, select");
    if (target) target.focus();
  }

  // Accents and case dropped, as the server's search does (invoicing/core/text.py).
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The product picker: a search box above each line's product list filters it as one
  // types (SKU or name); Enter takes the first match, which refills the line from the
  // server. Without JavaScript the plain list remains.
  function attachPickers(root) {
    root.querySelectorAll(".col-product select[name$=-product]").forEach(function (select) {
      if (select.dataset.picker) return;
      select.dataset.picker = "1";
      const input = document.createElement("input");
      input.type = "search";
      input.id = select.id + "_search";
      input.className = "product-search";
      input.autocomplete = "off";
      input.placeholder = select.dataset.searchPlaceholder || "";
      input.setAttribute("aria-label", select.dataset.searchPlaceholder || "");
      input.dataset.testid = "product-search";
      select.insertAdjacentElement("beforebegin", input);
      input.addEventListener("input", function () {
        const query = fold(input.value.trim());
        let first = null;
        Array.from(select.options).forEach(function (option) {
          if (!option.value) return;
          const hit = !query || fold(option.textContent).includes(query);
          option.hidden = !hit;
          if (hit && !first) first = option;
        });
        input.pickerMatch = query ? first : null;
        input.dataset.pickerOpen = input.pickerMatch ? "1" : "";
      });
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || !input.pickerMatch) return;
        event.preventDefault();
        select.value = input.pickerMatch.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      });
    });
  }

  function setup() {
    attachPickers(document);
    const form = document.getElementById("document-form");
    const body = document.getElementById("lines");
    const total = document.querySelector("input[name=lines-TOTAL_FORMS]");
    const add = document.getElementById("add-line");
    if (form) {
      // Enter in a field moves to the next one; it never submits the form (a half-typed
      // line must not issue a fiscal document). Buttons and text areas keep their Enter.
      form.addEventListener("keydown", function (event) {
        const el = event.target;
        if (event.key !== "Enter" || event.isComposing || el.tagName === "TEXTAREA" ||
            el.tagName === "BUTTON" || el.type === "submit" || el.dataset.pickerOpen === "1") return;
        event.preventDefault();
        const all = fields(form);
        const next = all[all.indexOf(el) + 1];
        if (next) next.focus();
        else if (add) add.focus();
      });
    }
    // The series follows the customer (crédito fiscal with an RNC or cédula, consumo
    // without) until the user chooses one.
    const contact = form && form.querySelector("select[name=contact]");
    const series = form && form.querySelector("select[name=document_subtype]");
    if (contact && series && series.dataset.withId !== undefined) {
      series.addEventListener("change", function () { series.dataset.chosen = "1"; });
      contact.addEventListener("change", function () {
        if (series.dataset.chosen === "1") return;
        const option = contact.selectedOptions[0];
        const wanted = option && option.dataset.fiscalId === "1" ? series.dataset.withId
          : series.dataset.withoutId;
        if (wanted && series.querySelector("option[value='" + wanted + "']")) {
          series.value = wanted;
          series.dispatchEvent(new Event("change", {bubbles: true}));
          series.dataset.chosen = "";
        }
      });
    }
    // DGII's registry lists the buyer as not ACTIVO: say so before a crédito fiscal.
    if (contact && series) {
      const note = document.createElement("p");
      note.className = "field-warning";
      note.setAttribute("role", "status");
      note.dataset.testid = "registry-warning";
      contact.insertAdjacentElement("afterend", note);
      const warn = function () {
        const option = contact.selectedOptions[0];
        const status = option && option.dataset.registryStatus;
        const type = (series.selectedOptions[0] || {}).textContent || "";
        const fiscal = /\b(B01|E31)\b/.test(type) || series.value === series.dataset.withId;
        note.textContent = status && fiscal ? note.dataset.template.replace("%s", status) : "";
        note.hidden = !note.textContent;
      };
      note.dataset.template = contact.dataset.registryWarning || "DGII: %s";
      contact.addEventListener("change", warn);
      series.addEventListener("change", warn);
      warn();
    }
    if (!body || !total) return;
    if (add) {
      add.addEventListener("click", function () {
        const index = parseInt(total.value, 10);
        total.value = String(index + 1);
        body.dataset.focusNext = "line-" + index;
        htmx.ajax("GET", body.dataset.rowUrl + "?index=" + index, {target: "#lines", swap: "beforeend"});
      });
    }
    // A new row takes the focus (its first field); a row refilled from its product keeps
    // the user on its quantity.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      attachPickers(body);
      const wanted = body.dataset.focusNext;
      // (The totals box may settle first, before the new row is there: wait for the row.)
      const added = wanted && document.getElementById(wanted);
      if (added) {
        delete body.dataset.focusNext;
        focusRow(added, "select, input");
        return;
      }
      // Only a row swapped whole (its product changed): the totals' out-of-band line
      // amounts settle inside rows too, and must never pull the focus from the field typed in.
      const row = event.target;
      if (row && row.classList && row.classList.contains("line-row") && row.parentElement === body)
        focusRow(row, "input[name$=-quantity]");
    });
    body.addEventListener("click", function (event) {
      const button = event.target.closest(".remove-line");
      if (!button) return;
      button.closest("tr").remove();
      htmx.trigger(document.body, "linesChanged");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
