"""JupyterLab as a child process: started on a free port with no user state,
asked over its REST API, stopped with its kernels."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from web.browser import WAIT
from web.lab_notebooks import lab_copy
from web.site import ROOT

from .inpage import PIXELS, slider_state

# Run All in JupyterLab (or JupyterLite): a cell is running while its
# prompt shows "[*]"; all are done when none does and the kernel is idle.
ANY_RUNNING = """() =>
  [...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'))"""
# (After an error, JupyterLite's indicator stays "busy": the error output
# ends the wait too, and the test then reports it.)
ALL_DONE = """() =>
  ![...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'))
  && (document.querySelector('.jp-Notebook-ExecutionIndicator')
    ?.dataset.status === 'idle'
    || !!document.querySelector('.jp-OutputArea-output'
      + '[data-mime-type="application/vnd.jupyter.error"]'))"""

# Live panels checked in JupyterLab: (notebook, the call that shows the panel,
# the label of the slider to move).
LIVE_PANELS = [("book/01_random_search", 'panel("random_search")', "seed")]
LAB_RUN_TIMEOUT = 300_000  # ms for Run All Cells (chapter 1 takes ~20 s)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        headers={"Authorization": f"token {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body else None


@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen[bytes]
    root: Path
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def kernels(self) -> list[psutil.Process]:
        """The ipykernel processes under the server."""
        found = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.process.pid).children(
                recursive=True
            ):
                with contextlib.suppress(psutil.Error):
                    if any("ipykernel" in part for part in child.cmdline()):
                        found.append(child)
        return found


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and everything under it; kill what hangs."""
    try:
        parent = psutil.Process(process.pid)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _, alive = psutil.wait_procs(family, timeout=10)
    for member in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    psutil.wait_procs(alive, timeout=10)
    process.wait(timeout=10)


@contextlib.contextmanager
def running_jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving copies of the LIVE_PANELS notebooks,
    with no user state; shut down after."""
    root = tmp_path / "notebooks"
    root.mkdir()
    for notebook, _, _ in LIVE_PANELS:
        # The learner's copy that `make lab` opens (Lab's autosave must
        # never touch the repo's notebook).
        copy = lab_copy(ROOT / f"{notebook}.ipynb", "en")
        (root / f"{Path(notebook).name}.ipynb").write_text(json.dumps(copy))
    settings = tmp_path / "settings"
    notification = (
        settings
        / "@jupyterlab"
        / "apputils-extension"
        / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True)
    # No news feed, no update check: Lab asks nothing of the internet.
    notification.write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    env.pop("JUPYTER_PATH", None)
    port, token = free_port(), secrets.token_hex(24)
    log = tmp_path / "jupyterlab.log"
    command = [
        # The venv's Python runs Lab, so the kernelspec python3 is the venv's
        # Python.
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
    lab = Lab(base, token, process, root, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {process.returncode}:\n"
                    f"{lab.log_tail()}",
                    pytrace=False,
                )
            try:
                api(base, token, "/api/status")
                break
            except (
                urllib.error.URLError,
                ConnectionError,
                TimeoutError,
            ) as error:
                if isinstance(error, urllib.error.HTTPError):
                    error.close()
                if time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not start in 120 s:\n"
                        f"{lab.log_tail()}",
                        pytrace=False,
                    )
                time.sleep(0.25)
        yield lab
    finally:
        # Shut the server down (it stops its kernels); force it only if it
        # hangs.
        with contextlib.suppress(OSError, urllib.error.URLError):
            api(base, token, "/api/shutdown", method="POST")
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _stop(process)
        print(f"--- JupyterLab log (tail) ---\n{lab.log_tail()}")


def wait_for_connected_kernel(
    lab: Lab, notebook: str, seconds: float = 120
) -> None:
    """Poll the server until the notebook's session has a kernel with a
    browser connected."""
    deadline = time.monotonic() + seconds
    sessions: Any = []
    while time.monotonic() < deadline:
        sessions = api(lab.url, lab.token, "/api/sessions")
        for session in sessions:
            kernel = session.get("kernel") or {}
            if (
                session.get("path", "").endswith(notebook)
                and kernel.get("connections", 0) > 0
            ):
                return
        time.sleep(0.25)
    raise TimeoutError(
        f"no kernel connected for {notebook} in {seconds:g} s; "
        f"sessions: {sessions}"
    )


def click_run_all_cells(page: Any) -> None:
    """Run > Run All Cells, from JupyterLab's menu bar, as a reader would
    (JupyterLab, JupyterLite and benchmarks/panels.py)."""
    page.locator(
        "#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")
    ).click()
    page.locator(
        ".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Run All Cells'))"
    ).click()


def open_dialogs(page: Any) -> list[str]:
    """What each dialog open in JupyterLab says, as problems (after a step
    failed: a dialog often says why)."""
    with contextlib.suppress(PlaywrightError):
        return [
            f"a dialog is open: {' '.join(d.split())[:200]!r}"
            for d in page.locator(".jp-Dialog").all_inner_texts()
        ]
    return []


def live_panel(page: Any, call: str, wait_ms: int) -> tuple[Any, Any]:
    """The live panel that the cell running ``call`` shows, scrolled into
    view, and its image, once loaded (Playwright locators)."""
    cell = page.locator(
        f".jp-CodeCell:has(.cm-content:has-text({json.dumps(call)}))"
    )
    panel = cell.locator(
        ".jp-OutputArea-output .widget-vbox:has(.widget-gridbox):has(img)"
    ).first
    panel.wait_for(timeout=wait_ms)
    panel.scroll_into_view_if_needed()
    image = panel.locator("img").last
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
    )
    return panel, image


# Where the notebook is: it must not move while a slider has the keys.
NOTEBOOK_STATE = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const scroller = document.querySelector('.jp-WindowedPanel-outer');
  return {
    scroll: scroller ? scroller.scrollTop : null,
    active: cells.findIndex(c => c.classList.contains('jp-mod-active')),
    shown: cells.filter(c => c.offsetParent !== null).length,
  };
}"""
KEYS = ["ArrowRight", "ArrowLeft", "Home", "End", "PageDown", "PageUp"]
UP = {"ArrowRight", "End", "PageUp"}


# The notebook's kernel has nothing to do (a panel draws inside the
# slider's change message, so the kernel is busy until the last picture).
KERNEL_QUIET = """() => document.querySelector(
  '.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'"""
QUIET_SECONDS = 0.5


def settle(page: Page, image) -> None:
    """Wait until the panel has drawn its last picture for the moves made:
    the kernel idle and the image unchanged for QUIET_SECONDS.  A panel
    may draw twice for one move (a pale preview, then the whole figure),
    and the page sends only the newest of the moves made while the kernel
    draws; a key pressed before that would be merged with the last one."""
    deadline = time.monotonic() + 120
    last, since = image.get_attribute("src"), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        src, now = image.get_attribute("src"), time.monotonic()
        if src != last:
            last, since = src, now
        elif now - since >= QUIET_SECONDS and page.evaluate(KERNEL_QUIET):
            return
    raise PlaywrightTimeout("the live panel kept drawing for 120 s")


def redrawn(page: Page, image, before: tuple[str, str], what: str) -> list:
    """Wait until the panel's image is replaced and settled; problems if it
    is not, or if it shows the same pixels."""
    try:
        page.wait_for_function(
            "([img, src]) => img.src !== src"
            " && img.complete && img.naturalWidth > 0",
            arg=[image.element_handle(), before[0]],
            timeout=120_000,
        )
        settle(page, image)
    except PlaywrightTimeout:
        return [f"{what} did not redraw the figure"]
    if image.evaluate(PIXELS) == before[1]:
        return [f"{what} replaced the figure by the same pixels"]
    return []


def move_slider(page: Page, call: str) -> list[str]:
    """Move the first slider of the live panel by keyboard (each key that
    moves a slider), then by mouse; each move must draw a new figure, and
    the keys must move nothing but the slider."""
    panel, image = live_panel(page, call, WAIT)
    handle = panel.locator("[role=slider]").first
    problems = []
    handle.focus()
    settle(page, image)
    for key in KEYS:
        before = image.get_attribute("src"), image.evaluate(PIXELS)
        state, where = slider_state(handle), page.evaluate(NOTEBOOK_STATE)
        page.keyboard.press(key)
        if slider_state(handle)["now"] != state["now"]:
            problems += redrawn(page, image, before, f"the key {key}")
        elif state["now"] != state["max" if key in UP else "min"]:
            # Only a slider already at that end may stay put.
            problems.append(f"the key {key} did not move the slider")
        if page.evaluate(NOTEBOOK_STATE) != where:
            problems.append(f"the key {key} moved the notebook too")
    before = image.get_attribute("src"), image.evaluate(PIXELS)
    state, box = slider_state(handle), handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(
        x + (40 if state["now"] < state["max"] else -40), y, steps=5
    )
    page.mouse.up()
    problems += redrawn(page, image, before, "dragging the slider")
    return problems


# The rendered text of the markdown cells (the MyST renderer's output, not
# the hidden editor), the folded cells, and the typeset math.
RENDERED_MARKDOWN = """() => [...document.querySelectorAll(
  '.jp-MarkdownCell .jp-MarkdownOutput')].map(o => o.textContent)"""
FOLDED_CELLS = "() => document.querySelectorAll('.jp-InputPlaceholder').length"
DROPDOWNS = """() => [...document.querySelectorAll('.jp-MarkdownCell details')]
  .map(d => d.open)"""
TYPESET_MATH = (
    "() => document.querySelectorAll('.jp-MarkdownCell .katex').length"
)
RAW_MYST = (
    *("{exercise}", "{solution-", "{dropdown}", ":label:", "{doc}", "{term}"),
    "$$",
)


def reads_like_the_book(page: Page, notebook: Path) -> list[str]:
    """Problems if the notebook (the learner's copy at ``notebook``) shows
    MyST markup as text, typesets no math, or does not fold its solutions
    (their code cells collapsed, their texts closed dropdowns), even after
    Run All."""
    copy = json.loads(notebook.read_text(encoding="utf-8"))
    folded = sum(
        c["metadata"].get("jupyter", {}).get("source_hidden", False)
        for c in copy["cells"]
    )
    texts = sum(
        "".join(c["source"]).startswith("````{dropdown}")
        for c in copy["cells"]
    )
    problems = [
        f"a markdown cell shows {raw!r}: {' '.join(text.split())[:120]!r}"
        for text in page.evaluate(RENDERED_MARKDOWN)
        for raw in RAW_MYST
        if raw in text
    ]
    if page.evaluate(TYPESET_MATH) == 0:
        problems.append("no math is typeset")
    shown = page.evaluate(FOLDED_CELLS)
    if folded < 3 or shown != folded:
        problems.append(f"{shown} code cells are folded, not {folded}")
    dropdowns = page.evaluate(DROPDOWNS)
    if len(dropdowns) < texts or any(dropdowns):
        problems.append(
            f"{dropdowns.count(False)} solution texts are folded, not {texts}"
        )
    return problems
