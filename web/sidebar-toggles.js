// The header's sidebar buttons, made to work (a workaround for
// pydata-sphinx-theme 0.17.1 under sphinx-book-theme 1.3.0, which pins that
// exact version, so a fixed theme cannot be pinned instead).
//
// Each page has two "primary-toggle" buttons (and two "secondary-toggle"
// ones): pydata-sphinx-theme's, in its navbar, which sphinx-book-theme hides,
// and sphinx-book-theme's, in the article header, which the reader sees.  Both
// themes attach their click handlers with document.querySelector, that is to
// the FIRST button only: the hidden one.  The visible buttons then only show
// their tooltip.  Here a click on any other toggle is passed on to the first
// one, whose handlers (the theme's own) open the drawer on a narrow screen or
// collapse the sidebar on a wide one.
(function () {
  "use strict";
  function forward(selector) {
    var buttons = document.querySelectorAll(selector);
    var first = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        // The theme's dialog gives focus back, when it closes, to the
        // element active when it opened: this visible button.
        first.click();
      });
    });
  }
  function setup() {
    forward(".primary-toggle");
    forward(".secondary-toggle");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
