// The document line editor: add and remove rows. Every amount comes from the server
// (the totals box posts the form to the preview endpoint); nothing is computed here.
(function () {
  function setup() {
    const body = document.getElementById("lines");
    const total = document.querySelector("input[name=lines-TOTAL_FORMS]");
    const add = document.getElementById("add-line");
    if (!body || !total) return;
    if (add) {
      add.addEventListener("click", function () {
        const index = parseInt(total.value, 10);
        total.value = String(index + 1);
        htmx.ajax("GET", body.dataset.rowUrl + "?index=" + index, {target: "#lines", swap: "beforeend"});
      });
    }
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
