// Result page: show or hide the contributions grouped under "other measurements".
(function () {
  "use strict";
  var button = document.getElementById("toggle-others");
  var rows = document.getElementById("other-rows");
  if (!button || !rows) { return; }
  rows.hidden = true;
  button.addEventListener("click", function () {
    rows.hidden = !rows.hidden;
    button.setAttribute("aria-expanded", String(!rows.hidden));
    button.textContent = rows.hidden ? button.dataset.show : button.dataset.hide;
  });
})();
