// Scrubbers: a range input over frames drawn in advance.  The HTML comes
// from gradbook.widgets.scrubber (its text/html form); this script makes it
// move.  The input names itself (aria-label) and says the value the label
// shows (aria-valuetext), so a screen reader hears "x, -1", not "6".
(function () {
  "use strict";
  function setUp(figure) {
    var input = figure.querySelector('input[type="range"]');
    var value = figure.querySelector(".gradbook-scrubber-value");
    var frames = figure.querySelectorAll(".gradbook-scrubber-frames img");
    function show() {
      var k = Number(input.value);
      frames.forEach(function (frame, i) {
        frame.hidden = i !== k;
        // a notebook's sanitiser drops `hidden`, so frames carry a style too
        frame.style.display = i !== k ? "none" : "";
      });
      value.textContent = frames[k].dataset.label;
      input.setAttribute("aria-valuetext", frames[k].dataset.label);
    }
    input.addEventListener("input", show);
    // A reload can keep a moved input's value: show the frame it names.
    show();
    input.disabled = false;
  }
  function setUpAll() {
    document.querySelectorAll(".gradbook-scrubber").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
