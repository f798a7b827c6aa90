"""The live path: in JupyterLab, running a chapter and moving a slider of
its live panel redraws the figure (the kernel is the venv's Python)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from web.browser import WAIT

from .book import shot_name
from .inpage import PIXELS, slider_state
from .lab import (
    ALL_DONE,
    ANY_RUNNING,
    LAB_RUN_TIMEOUT,
    LIVE_PANELS,
    Lab,
    click_run_all_cells,
    live_panel,
    open_dialogs,
    wait_for_connected_kernel,
)
from .watch import Watch, fail_with

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("notebook", "call", "slider"), LIVE_PANELS)
def test_live_panel_in_jupyterlab(
    notebook: str,
    call: str,
    slider: str,
    context: BrowserContext,
    jupyterlab: Lab,
    screenshots: Path,
) -> None:
    name = Path(notebook).name
    page = context.new_page()
    watch = Watch(jupyterlab.url)
    watch.attach(page)
    problems: list[str] = []
    step = "opening the notebook"
    try:
        page.goto(
            f"{jupyterlab.url}/lab/tree/{name}.ipynb?token={jupyterlab.token}"
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        step = "waiting for the kernel"
        # The toolbar says "idle" before the kernel exists, too: first wait
        # until the server has this notebook's kernel with the page connected.
        wait_for_connected_kernel(jupyterlab, f"{name}.ipynb")
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']",
            timeout=90_000,
        )

        # Run > Run All Cells, from the menu bar as a reader would.
        step = "Run > Run All Cells"
        click_run_all_cells(page)
        page.wait_for_function(ANY_RUNNING, timeout=WAIT)
        step = "waiting for all cells to run and the kernel to be idle"
        page.wait_for_function(ALL_DONE, timeout=LAB_RUN_TIMEOUT, polling=250)

        stderr = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        # textContent: innerText is empty for cells scrolled out of view
        # (content-visibility).
        texts = stderr.evaluate_all(
            "outputs => outputs.map(o => o.textContent)"
        )
        problems += [
            f"a cell wrote to stderr: {text.strip()[:300]!r}" for text in texts
        ]

        # The kernel is the venv's Python (Lab runs from sys.executable).
        kernels = jupyterlab.kernels()
        for kernel in kernels:
            with contextlib.suppress(psutil.Error):
                executable = kernel.cmdline()[0]
                if Path(executable) != Path(sys.executable):
                    problems.append(
                        f"the kernel runs {executable}, "
                        f"not the venv's {sys.executable}"
                    )
        if not kernels:
            problems.append("no ipykernel process found under JupyterLab")

        step = f"waiting for the live panel of {call} and its image"
        panel, image = live_panel(page, call, WAIT)
        before_src, before_pixels = (
            image.get_attribute("src"),
            image.evaluate(PIXELS),
        )
        panel.screenshot(
            path=screenshots / shot_name(f"lab-{name}", "--panel-before")
        )

        step = f"moving the {slider!r} slider"
        label = panel.locator(
            ".widget-slider",
            has=page.locator(f".widget-label:text-is('{slider}')"),
        )
        handle = label.locator("[role=slider]").first
        readout = label.locator(".widget-readout")
        before_value = readout.inner_text()
        state = slider_state(handle)
        handle.focus()
        page.keyboard.press(
            "ArrowRight" if state["now"] < state["max"] else "ArrowLeft"
        )
        try:
            page.wait_for_function(
                "([img, src]) => img.src !== src"
                " && img.complete && img.naturalWidth > 0",
                arg=[image.element_handle(), before_src],
                timeout=60_000,
            )
        except PlaywrightTimeout:
            moved = f"{before_value} -> {readout.inner_text()}"
            problems.append(
                f"moving {slider!r} ({moved}) "
                "did not redraw the figure in 60 s"
            )
        else:
            if image.evaluate(PIXELS) == before_pixels:
                problems.append(
                    f"moving {slider!r} replaced the image but not its pixels"
                )
        if readout.inner_text() == before_value:
            problems.append(
                f"the {slider!r} slider did not move with the keyboard "
                f"(still {before_value})"
            )
        panel.screenshot(
            path=screenshots / shot_name(f"lab-{name}", "--panel-after")
        )
    except (PlaywrightError, TimeoutError) as error:
        problems.append(
            f"{step}: {type(error).__name__}: {str(error).splitlines()[0]}"
        )
        problems += open_dialogs(page)
    finally:
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=screenshots / shot_name(f"lab-{name}"))
    problems += watch.problems
    fail_with(f"JupyterLab {name}.ipynb", problems)
