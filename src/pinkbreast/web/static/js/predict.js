// Prediction form helpers: fill with an example case, or from a pasted spreadsheet row.
(function () {
  "use strict";
  var form = document.getElementById("prediction-form");
  if (!form) { return; }
  var examples = JSON.parse(form.dataset.examples);
  var order = JSON.parse(form.dataset.order);
  var status = document.getElementById("paste-status");

  function setValues(values) {
    order.forEach(function (name, index) {
      var input = form.elements[name];
      if (input) { input.value = Array.isArray(values) ? values[index] : values[name]; }
    });
  }

  form.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      setValues(examples[button.dataset.example]);
      var ref = form.elements.sample_ref;
      if (ref && !ref.value) { ref.value = "DEMO-" + button.dataset.example.toUpperCase(); }
    });
  });

  var apply = document.getElementById("paste-apply");
  if (apply) {
    apply.addEventListener("click", function () {
      var text = form.elements.paste.value.trim();
      var cells = text.split(/[\t;]+|,(?=\s*\S)|\s+/).filter(function (c) { return c !== ""; });
      cells = cells.map(function (c) { return c.replace(",", "."); });
      if (cells.length !== order.length) {
        status.textContent = status.dataset.wrong
          ? status.dataset.wrong.replace("%d", cells.length)
          : cells.length + " / " + order.length;
        return;
      }
      setValues(cells);
      status.textContent = "✓ " + cells.length;
    });
  }
})();
