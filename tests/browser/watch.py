"""Watching a page: everything that went wrong, as readable lines."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page


@dataclass
class Watch:
    """Console errors, page errors and bad requests seen by one page."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on(
            "pageerror",
            lambda error: self.problems.append(f"page error: {error}"),
        )
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            at = (
                f" (at {where.get('url')}:{where.get('lineNumber')})"
                if where.get("url")
                else ""
            )
            self.problems.append(f"console error: {message.text}{at}")

    def _failed(self, request: Any) -> None:
        self.problems.append(
            f"request failed: {request.url} ({request.failure})"
        )

    def _request(self, request: Any) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another origin: {url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def fail_with(where: str, problems: list[str]) -> None:
    """Fail once with every problem found (duplicates dropped), or pass."""
    unique = list(dict.fromkeys(problems))
    if unique:
        lines = "\n".join(f"  - {p}" for p in unique)
        pytest.fail(
            f"{where}: {len(unique)} problem(s):\n{lines}", pytrace=False
        )
