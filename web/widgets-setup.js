// Loaded before the widget manager (@jupyter-widgets/html-manager) on pages
// that embed widgets.  Two fixes for serving it from the book itself:
(function () {
  "use strict";
  // 1. The manager's modules find their icon fonts next to where require.js
  //    thinks they live, which by default is a folder beside each page.  Map
  //    them to _static/html-manager/, where the fonts are.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager" },
  });
  //    The manager's own stylesheet finds them through webpack's public
  //    path, which it takes from this global when it is set: without it the
  //    fonts are asked for beside the page (404), now that the theme's icons
  //    are a font too instead of Font Awesome's SVG script.
  window.__jupyter_widgets_assets_path__ = here + "html-manager/";

  // 2. The manager typesets widget labels with the MathJax 2 call
  //    MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book loads
  //    MathJax 3, which has no Hub.  Translate that one call once MathJax has
  //    loaded (it is deferred, so it runs before DOMContentLoaded fires).
  window.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || !mathjax.startup) {
      return;
    }
    mathjax.Hub = {
      Queue: function (job) {
        var element = job[2];
        mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise([element]);
        });
      },
    };
  });
})();
