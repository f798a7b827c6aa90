// The "Run in your browser" button (web/lite.py).  Opened as a file, the
// book cannot start its in-browser notebooks (Pyodide loads its modules over
// http), so the button becomes a plain note that says how to serve it.
(function () {
  if (location.protocol !== "file:") return;
  for (const box of document.querySelectorAll(".lite-launch")) {
    const link = box.querySelector(".lite-button");
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    box.querySelector(".lite-note").textContent =
      "In-browser notebooks need the book served, not opened as a file. " +
      "In the book's folder, run python3 -m http.server -d _build/html " +
      "and open http://127.0.0.1:8000.";
  }
})();
