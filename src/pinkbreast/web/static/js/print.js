// The print button on the result page (no inline script under our Content-Security-Policy).
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
