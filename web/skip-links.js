// A second skip link, beside the theme's "Skip to main content": on a page
// with interactive figures, "Skip to the first slider" leads the keyboard
// straight to the first scrubber's slider.  Without it, the slider of
// chapter 1 is about 45 Tab presses away (header buttons, the code cells'
// copy buttons, links).  Its words are the page's (#gradbook-words,
// web/_templates/layout.html).
(function () {
  "use strict";
  function setup() {
    var skip = document.getElementById("pst-skip-link");
    var output = document.querySelector(".bd-article .gradbook-scrubber");
    if (!skip || !output) {
      return;
    }
    output.id = output.id || "first-figure";
    output.setAttribute("tabindex", "-1");
    var link = document.createElement("a");
    link.href = "#" + output.id;
    link.textContent = JSON.parse(
      document.getElementById("gradbook-words").textContent
    ).skip_to_slider;
    skip.appendChild(link);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
