// Figures on a narrow screen: a figure is drawn for the text column of a
// wide screen, so on a phone its text is small.  A tap on a figure shows it
// at its full size, to scroll sideways; a second tap fits it back.
(function () {
  "use strict";
  var FIGURES = ".bd-article .cell_output img, .gradbook-scrubber-frames img";
  // The width at which reader.css shows the zoom cursor.
  var NARROW = window.matchMedia("(max-width: 760px)");
  document.addEventListener("click", function (event) {
    if (!NARROW.matches) {
      return;
    }
    var figure = event.target.closest && event.target.closest(FIGURES);
    if (!figure) {
      return;
    }
    var box = figure.parentElement;
    // Only a figure shown smaller than its full size (half its pixels).
    var full = figure.naturalWidth / 2;
    if (!box.classList.contains("gradbook-zoomed") && figure.width >= full) {
      return;
    }
    box.classList.toggle("gradbook-zoomed");
    box.style.setProperty("--gradbook-full-width", full + "px");
  });
})();
