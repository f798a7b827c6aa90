// The in-browser notebooks' page (lite/lab/index.html): web/lite_site.py
// loads this before JupyterLite reads its configuration.
//
// - The keys that move a focused widget control (a slider, a drop-down)
//   move the control and nothing else.  This JupyterLab (4.4, the newest
//   that runs Pyodide 0.27) reads the notebook's shortcuts before the
//   control sees the key, so an arrow key would also move or fold the
//   notebook's cells.  Lumino skips the shortcuts of an element marked
//   data-lm-suppress-shortcuts; the mark is set for that one key press.
// - A Russian chapter (?path=ru/...) opens with JupyterLab's menus in
//   Russian, with its own stored settings, so that the English chapters
//   stay in English.
// - The tab shows the book's name, not "JupyterLite".
// - The chapter's kernel starts as soon as JupyterLab has started, while
//   JupyterLab still draws the notebook (about 2 s of work in chapter 1),
//   not after it (web/lite_site.py's write_config says how much sooner
//   the first cell runs).
(function () {
  "use strict";
  const KEYS = new Set([
    "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
    "Home", "End", "PageUp", "PageDown",
  ]);
  const CONTROL = "[role=slider], input, select, textarea";
  window.addEventListener(
    "keydown",
    (event) => {
      const target = event.target;
      if (
        !KEYS.has(event.key) ||
        !(target instanceof Element) ||
        !target.matches(CONTROL) ||
        !target.closest(".jupyter-widgets")
      ) {
        return;
      }
      target.setAttribute("data-lm-suppress-shortcuts", "true");
      setTimeout(() => target.removeAttribute("data-lm-suppress-shortcuts"));
    },
    true,
  );

  // Each edition's title (web/site.py), from this script's tag.
  const titles = JSON.parse(document.currentScript.dataset.titles);
  const russian = (new URLSearchParams(location.search).get("path") || "")
    .startsWith("ru/");
  const name = russian ? titles.ru : titles.en;
  // JupyterLite merges its configuration files into this script's text,
  // then loads JupyterLab, which reads it: the edition's part is added to
  // the merged text, once.
  const script = document.getElementById("jupyter-config-data");
  const edition = () => {
    const config = JSON.parse(script.textContent);
    if (config.gradientBookEdition !== undefined || !config.appUrl) return;
    config.gradientBookEdition = russian ? "ru" : "en";
    config.appName = name;
    if (russian) {
      config.settingsStorageName = "gradient-book-ru";
      config.settingsOverrides = {
        ...config.settingsOverrides,
        "@jupyterlab/translation-extension:plugin": { locale: "ru_RU" },
      };
    }
    script.textContent = JSON.stringify(config);
  };
  new MutationObserver(edition).observe(script, {
    childList: true,
    characterData: true,
    subtree: true,
  });

  // JupyterLite hands its app to window.jupyterapp (exposeAppInBrowser),
  // then starts it.  The session started here has the notebook's path and
  // name: the notebook, once open, finds it and uses its kernel.  This
  // page's own connection to the kernel is closed at once: it would see
  // the widgets' messages too, and close each widget as unknown to it.
  let app;
  Object.defineProperty(window, "jupyterapp", {
    configurable: true,
    get: () => app,
    set: (value) => {
      app = value;
      const path = new URLSearchParams(location.search).get("path") || "";
      if (!path.endsWith(".ipynb")) return;
      const sessions = app.serviceManager.sessions;
      // the kernel's plugin is registered once the app has started
      app.started
        .then(() =>
          sessions.startNew({
            path,
            name: path.split("/").pop(),
            type: "notebook",
            kernel: { name: "python" }, // web/lite_site.py's KERNELSPEC
          }),
        )
        .then((session) => session.dispose())
        .catch((error) => console.error("early kernel start:", error));
    },
  });

  const rename = () => {
    for (const other of ["JupyterLite", titles.en]) {
      if (other !== name && document.title.includes(other)) {
        document.title = document.title.replace(other, name);
      }
    }
  };
  rename();
  new MutationObserver(rename).observe(document.head, {
    subtree: true,
    childList: true,
    characterData: true,
  });
})();
