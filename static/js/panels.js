// Score sheet: the running weighted total while the member types. The server computes it again on save.
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  var out = document.getElementById("running-total");
  if (!form || !out) { return; }
  var inputs = form.querySelectorAll("input.score-input");
  function update() {
    var total = 0;
    var complete = true;
    inputs.forEach(function (input) {
      var value = parseInt(input.value, 10);
      var min = parseInt(input.dataset.min, 10), max = parseInt(input.dataset.max, 10);
      if (isNaN(value) || String(value) !== input.value.trim() || value < min || value > max) {
        complete = false;
        input.classList.toggle("invalid", input.value.trim() !== "");
        return;
      }
      input.classList.remove("invalid");
      total += value * parseInt(input.dataset.weight, 10);
    });
    out.textContent = String(total);
    out.classList.toggle("incomplete", !complete);
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
