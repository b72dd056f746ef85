// Prediction form helpers: fill with an example case or from a pasted spreadsheet row, and show
// each number as the server will read it (the server's parser, pinkbreast/numbers.py, is the
// authority: this mirrors it to tell the person before sending).
(function () {
  "use strict";
  var form = document.getElementById("prediction-form");
  if (!form) { return; }
  var examples = JSON.parse(form.dataset.examples);
  var order = JSON.parse(form.dataset.order);
  var status = document.getElementById("paste-status");
  var lang = document.documentElement.lang || "en";

  // The number a text means, or null when the server will refuse it (with the reason).
  function parseDecimal(text) {
    var raw = String(text).trim();
    if (!raw || raw.length > 32) { return null; }
    if (/\d[\s\u00a0\u202f']\d/.test(raw)) { return null; }
    if (raw.indexOf(",") >= 0 && raw.indexOf(".") >= 0) { return null; }
    if ((raw.match(/,/g) || []).length > 1 || (raw.match(/\./g) || []).length > 1) { return null; }
    if (lang !== "fr" && /^[+-]?[1-9]\d{0,2},\d{3}$/.test(raw)) { return null; }
    if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(raw)) { return null; }
    return parseFloat(raw.replace(",", "."));
  }

  function show(input) {
    var out = document.getElementById(input.id + "-understood");
    if (!out) { return; }
    var text = input.value.trim();
    if (!text) { out.textContent = ""; return; }
    var value = parseDecimal(text);
    if (value === null) {
      out.textContent = "⚠ " + form.dataset.ambiguous;
      out.className = "pb-understood small text-danger";
      return;
    }
    var shown = value.toLocaleString(lang, { maximumSignificantDigits: 10, useGrouping: false });
    var outside = value < parseFloat(input.dataset.min) || value > parseFloat(input.dataset.max);
    out.textContent = "= " + shown + (outside ? " · " + form.dataset.outside : "");
    out.className = "pb-understood small " + (outside ? "text-warning-emphasis" : "text-body-secondary");
  }

  function setValues(values) {
    order.forEach(function (name, index) {
      var input = form.elements[name];
      if (input) {
        input.value = Array.isArray(values) ? values[index] : values[name];
        show(input);
      }
    });
  }

  order.forEach(function (name) {
    var input = form.elements[name];
    if (input) {
      input.addEventListener("input", function () { show(input); });
      show(input);  // values kept after an error or Back
    }
  });

  form.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      setValues(examples[button.dataset.example]);
      var ref = form.elements.sample_ref;
      if (ref && !ref.value) { ref.value = "DEMO-" + button.dataset.example.toUpperCase(); }
    });
  });

  // A row from a spreadsheet: tabs (any spreadsheet), else semicolons (French CSV), else
  // commas between dot-decimal numbers, else spaces. Cells keep their decimal comma: the server
  // reads them.
  function cellsOf(text) {
    var separator = text.indexOf("\t") >= 0 ? /\t/ : text.indexOf(";") >= 0 ? /;/
      : /,\s*/.test(text) && text.indexOf(".") >= 0 ? /,/ : /\s+/;
    return text.split(separator).map(function (c) { return c.trim(); })
      .filter(function (c) { return c !== ""; });
  }

  var apply = document.getElementById("paste-apply");
  if (apply) {
    apply.addEventListener("click", function () {
      var cells = cellsOf(form.elements.paste.value.trim());
      if (cells.length !== order.length) {
        status.textContent = status.dataset.wrong
          ? status.dataset.wrong.replace("{count}", cells.length)
          : cells.length + " / " + order.length;
        return;
      }
      setValues(cells);
      status.textContent = "✓ " + cells.length;
    });
  }
})();
