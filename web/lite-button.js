// The "Run in your browser" button (web/lite.py).  Opened as a file, the
// book cannot start its in-browser notebooks (Pyodide loads its modules over
// http), so the button becomes a plain note that says how to serve it, in
// the page's words (#gradbook-words, web/_templates/layout.html).
(function () {
  if (location.protocol !== "file:") return;
  const words = JSON.parse(
    document.getElementById("gradbook-words").textContent);
  for (const box of document.querySelectorAll(".lite-launch")) {
    const link = box.querySelector(".lite-button");
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    box.querySelector(".lite-note").textContent = words.lite_needs_server;
  }
})();
