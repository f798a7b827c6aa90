"""Fixtures: the built book, a server for it, one browser for the session,
fresh browser contexts (at any viewport), JupyterLab."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from web.browser import CHROMIUM, WAIT, chromium, serve
from web.site import HTML_DIR

from .book import SCREENSHOT_DIR
from .lab import Lab, running_jupyterlab

VIEWPORT = {
    "width": 1280,
    "height": 900,
}  # wide enough for the theme's left sidebar


def viewport_options(width: int) -> dict[str, Any]:
    """new_context() options for a viewport `width` px wide.  A narrow one
    is a phone's: mobile (the page's meta viewport applies, touch events
    exist), drawn at 2x as on a phone's screen."""
    if width < 768:
        return {
            "viewport": {"width": width, "height": 844},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    return {"viewport": {"width": width, "height": 900}}


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(
            f"no built book at {HTML_DIR} (no index.html): "
            "run `make book` first "
            "(or point GRADBOOK_HTML at a built _build/html folder)",
            pytrace=False,
        )
    return HTML_DIR


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture(scope="session")
def book_url(html_dir: Path) -> Iterator[str]:
    """The built book, served on 127.0.0.1 at a free port for the session."""
    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session", name="chromium")
def session_chromium() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail(
            "chromium is not on the PATH: "
            "install Debian's chromium (apt-get install chromium)"
        )
    with chromium() as browser:
        yield browser


@pytest.fixture
def new_context(
    chromium: Browser,
) -> Iterator[Callable[..., BrowserContext]]:
    """Make fresh browser contexts (no cache, no storage; closed after the
    test): `new_context(width=390)`, or new_context() for the default
    desktop viewport; other keywords go to Playwright's new_context
    (`color_scheme="dark"`)."""
    made: list[BrowserContext] = []

    def make(width: int | None = None, **more: Any) -> BrowserContext:
        options = viewport_options(width) if width else {"viewport": VIEWPORT}
        ctx = chromium.new_context(**options, **more, service_workers="block")
        ctx.set_default_timeout(WAIT)
        made.append(ctx)
        return ctx

    try:
        yield make
    finally:
        for ctx in made:
            ctx.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser context (no cache, no storage) for each test."""
    return new_context()


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving copies of the notebooks, with no user
    state; shut down after."""
    with running_jupyterlab(tmp_path) as lab:
        yield lab
