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

  // Back from the result (or the review page) brings the values back: the page is not cached
  // (Cache-Control: no-store), so they are kept for this tab only, in sessionStorage, and put
  // back only when the browser says the page was reached with Back/Forward.
  var KEPT = "pinkbreast.form";
  form.addEventListener("submit", function () {
    var kept = { sample_ref: form.elements.sample_ref ? form.elements.sample_ref.value : "" };
    order.forEach(function (name) { if (form.elements[name]) { kept[name] = form.elements[name].value; } });
    try { sessionStorage.setItem(KEPT, JSON.stringify(kept)); } catch (e) { /* storage off */ }
  });
  var navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
  var empty = order.every(function (name) { return !form.elements[name] || !form.elements[name].value; });
  if (navigation.type === "back_forward" && empty) {
    try {
      var kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
      if (kept) {
        setValues(kept);
        if (form.elements.sample_ref && !form.elements.sample_ref.value) { form.elements.sample_ref.value = kept.sample_ref || ""; }
      }
    } catch (e) { /* nothing kept */ }
  }

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
