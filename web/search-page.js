// The search page's result snippets (loaded on search.html only, after
// Sphinx's searchtools.js; see web/reader.py).
//
// 1. Over file:// a page cannot read the book's other pages (the browser
//    blocks it as a cross-origin request, with an error in the console), so
//    searchtools.js cannot fetch the text that snippets come from.  There,
//    snippets are switched off and the page says how to get them, in its
//    words (#gradbook-words, web/_templates/layout.html).
// 2. Sphinx takes a snippet from all the text of the page's [role=main]
//    element.  With this theme that starts with the header buttons and the
//    in-page contents list, and a chapter's text is mostly code cells and
//    their output.  Take it from the article's prose instead.
(function () {
  "use strict";
  if (typeof Search === "undefined") {
    return;
  }
  if (window.location.protocol === "file:") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    var note = document.createElement("p");
    note.id = "search-file-note";
    note.className = "admonition note";
    // The book's own words, with <code> around the command and the address.
    note.innerHTML = JSON.parse(
      document.getElementById("gradbook-words").textContent
    ).search_needs_server;
    var container = document.querySelector(".bd-search-container");
    var results = document.getElementById("search-results");
    if (container && results) {
      container.insertBefore(note, results);
    }
    return;
  }
  // Not prose: code cells and their output (scrubbers too), the page's
  // navigation, math source (MathJax has not typeset a fetched page), and
  // Sphinx's own removals.
  var NOT_PROSE = [
    ".headerlink",
    "script",
    "style",
    "nav",
    ".cell_input",
    ".cell_output",
    "div[class*='highlight']",
    "pre",
    ".math",
    ".toctree-wrapper",
  ].join(", ");
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    var article = doc.querySelector("article.bd-article") ||
      doc.querySelector('[role="main"]');
    if (!article) {
      return "";
    }
    var part = (anchor && doc.getElementById(anchor.slice(1))) || article;
    part.querySelectorAll(NOT_PROSE).forEach(function (el) {
      el.remove();
    });
    return part.textContent.replace(/\s+/g, " ").trim();
  };
})();
