"""The built book and the live notebooks, checked in a real browser (Chromium).

Run after `make book`: `pytest -m browser`.  The tests serve the built HTML
(`_build/html`, or the folder in $GRADBOOK_HTML) from 127.0.0.1 and drive
Debian's Chromium through Playwright.  What the book is (its pages,
chapters, editions, PDFs) comes from the build's web/site.py, the server,
Chromium's flags and the in-page readiness scripts from web/browser.py.

- `book.py`: every page of both editions, where the tests put their
  screenshots, how many scrubbers a page must show;
- `watch.py`: what went wrong on a page, collected as readable lines;
- `inpage.py`: JavaScript run in the page, and opening a page until its
  scrubbers and math are ready;
- `lab.py`: JupyterLab as a child process (psutil for its kernels);
- `metrics.py`: a page's transfer and first paint on a simulated slow
  phone (no pytest; `python -m tests.browser.metrics PAGE...` prints them);
- `conftest.py`: the fixtures (server, browser, contexts, JupyterLab);
- `test_pages.py`: every page, at the desktop width, 390 px and 1366 px
  (loading and scrubbers on both editions);
- `test_editions.py`: the Russian edition's language and figures, and the
  language switch between the editions;
- `test_reader.py`: the reader's side: the drawers on a phone and a
  tablet, weight and first paint, icons, dark mode, search, no general
  index, one search box, unique ids, the skip link to the first slider;
- `test_print.py`: a chapter printed to PDF (solutions open, one frame per
  scrubber);
- `test_load.py`: page load on a simulated slow phone, recorded;
- `test_lab.py`: a live panel in JupyterLab.

Screenshots land in `_build/screenshots/` ($GRADBOOK_SCREENSHOTS) for a
person to look at.  Each test collects every problem it finds on its page
and fails once with the whole list.
"""
