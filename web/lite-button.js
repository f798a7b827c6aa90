// The "Run in your browser" button (web/lite.py).  Opened as a file, the
// book cannot start its in-browser notebooks (Pyodide loads its modules over
// http), so the button becomes a plain note that says how to serve it.
(function () {
  if (location.protocol !== "file:") return;
  for (const box of document.querySelectorAll(".lite-launch")) {
    const link = box.querySelector(".lite-button");
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    const command = "python3 -m http.server -d _build/html";
    box.querySelector(".lite-note").textContent =
      document.documentElement.lang === "ru"
        ? "Блокнотам в браузере нужна книга, открытая через сервер, а не " +
          "как файл. В папке книги выполните " + command +
          " и откройте http://127.0.0.1:8000/ru/."
        : "In-browser notebooks need the book served, not opened as a " +
          "file. In the book's folder, run " + command +
          " and open http://127.0.0.1:8000.";
  }
})();
