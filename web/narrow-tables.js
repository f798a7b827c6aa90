// Tables on a narrow screen: a table wider than the column (the glossary's
// four columns on a phone) shows each row as a block of "heading: value"
// lines instead of scrolling sideways.  reader.css draws the blocks.
(function () {
  "use strict";
  function stack(table) {
    var headings = [].map.call(table.querySelectorAll("thead th"), function (
      th
    ) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      [].forEach.call(row.children, function (cell, i) {
        cell.dataset.heading = headings[i] || "";
      });
    });
  }
  function fit() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var box = table.closest(".pst-scrollable-table-container") || table;
      table.classList.remove("gradbook-stacked");
      if (box.scrollWidth > box.clientWidth + 1) {
        stack(table);
        table.classList.add("gradbook-stacked");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fit);
  } else {
    fit();
  }
  window.addEventListener("resize", fit);
})();
