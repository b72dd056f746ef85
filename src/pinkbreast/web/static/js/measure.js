// "Measure from an image": click a nucleus to leave it out or take it back, click elsewhere on
// the image to add a nucleus there; the server re-measures and sends the page's updated part.
(function () {
  "use strict";
  // The upload page: while the server finds and outlines the nuclei, say so and count seconds.
  var upload = document.getElementById("measure-upload");
  var progress = document.getElementById("measure-progress");
  if (upload && progress) {
    upload.addEventListener("submit", function () {
      var started = Date.now();
      var button = document.getElementById("measure-submit");
      function tick() {
        var seconds = Math.floor((Date.now() - started) / 1000);
        progress.textContent = progress.getAttribute("data-busy").replace("{s}", String(seconds));
      }
      tick();
      window.setInterval(tick, 1000);
      window.setTimeout(function () { button.disabled = true; }, 0);  // after the form is sent
    });
  }
  var live = document.getElementById("measure-live");
  var status = document.getElementById("measure-status");
  if (!live) { return; }

  function state() {
    var field = live.querySelector(".pb-field");
    return {
      excluded: JSON.parse(field.getAttribute("data-excluded")),
      seeds: JSON.parse(field.getAttribute("data-seeds"))
    };
  }

  function send(choices) {
    status.textContent = status.getAttribute("data-busy");
    live.setAttribute("aria-busy", "true");
    fetch(live.getAttribute("data-update"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": live.getAttribute("data-csrf")},
      body: JSON.stringify(choices)
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      live.innerHTML = html;
      status.textContent = "";
    }).catch(function () {
      status.textContent = live.getAttribute("data-error");
    }).finally(function () {
      live.removeAttribute("aria-busy");
    });
  }

  function toggle(number) {
    var choices = state();
    var at = choices.excluded.indexOf(number);
    if (at >= 0) { choices.excluded.splice(at, 1); } else { choices.excluded.push(number); }
    send(choices);
  }

  live.addEventListener("click", function (event) {
    var nucleus = event.target.closest(".pb-nucleus");
    if (nucleus) { toggle(Number(nucleus.getAttribute("data-number"))); return; }
    if (!event.target.closest(".pb-field-overlay")) { return; }
    var svg = live.querySelector(".pb-field-overlay");
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var inside = point.matrixTransform(svg.getScreenCTM().inverse());
    var choices = state();
    choices.seeds.push([Math.round(inside.x * 10) / 10, Math.round(inside.y * 10) / 10]);
    send(choices);
  });

  live.addEventListener("keydown", function (event) {
    var nucleus = event.target.closest(".pb-nucleus");
    if (nucleus && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(Number(nucleus.getAttribute("data-number")));
    }
  });
}());
