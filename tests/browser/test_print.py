"""Paper: chapter 2 printed to PDF by Chromium (`page.pdf`) shows its
solutions open, with nothing opened first: the print stylesheet opens them
by itself.  Its scrubber prints one figure: the frame its slider shows,
under the label and value, without the slider.  Printing also typesets
every formula that MathJax left until it came into view.

sphinx-togglebutton also opens folded blocks from a `beforeprint` handler;
the test stops that event before any page script sees it, so that the PDF
shows what the print stylesheet alone does (a reader's browser may print
without running it: a saved page, a print service, "print to PDF" with
scripts off, or a printout started before the scripts loaded)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from playwright.sync_api import BrowserContext

from .inpage import open_book_page
from .watch import fail_with

pytestmark = pytest.mark.browser

CHAPTER_2 = "book/02_dual_numbers"
# A sentence that appears only inside a solution of chapter 2 (exercise
# 2.2's, on log1p), so it is in the PDF only if printing opens solutions.
SOLUTION_PHRASE = "The second form is also more accurate for tiny"
# What sphinx-togglebutton writes on a folded solution's button.
FOLDED = "Click to show"

# Registered before any page script: a capture listener on window runs first
# and stops the event, so no page handler opens anything for printing.
_NO_BEFOREPRINT = """window.addEventListener(
  'beforeprint', event => event.stopImmediatePropagation(), true);"""

# Where the phrase is in the page: in a solution, and anywhere else.
_PHRASE_IN_DOM = """(phrase) => {
  const squash = s => (s || '').replace(/\\s+/g, ' ');
  const article = document.querySelector('.bd-article')
    || document.querySelector('main');
  const solutions = [...article.querySelectorAll('.solution')];
  const inSolution = solutions.some(
    s => squash(s.textContent).includes(phrase));
  const outside = article.cloneNode(true);
  outside.querySelectorAll('.solution').forEach(s => s.remove());
  return {solutions: solutions.length, inSolution,
    outside: squash(outside.textContent).includes(phrase)};
}"""


# Each scrubber as printed (print media): its slider shown or not, and its
# frames shown (by their place among the frames, the height drawn and
# whether the slider names that frame).
_PRINTED_SCRUBBERS = """() =>
  [...document.querySelectorAll('.gradbook-scrubber')].map(figure => {
    const input = figure.querySelector('input[type=range]');
    const frames = [...figure.querySelectorAll(
      '.gradbook-scrubber-frames img')];
    const value = figure.querySelector('.gradbook-scrubber-value');
    return {
      slider: !!input && input.checkVisibility(),
      value: value && value.checkVisibility()
        ? value.textContent.trim() : null,
      frames: frames.length,
      shown: frames.map((img, index) => ({index, img}))
        .filter(({img}) => img.checkVisibility())
        .map(({index, img}) => ({
          index, height: img.getBoundingClientRect().height,
          named: !!input && Number(input.value) === index,
        })),
    };
  })"""


def _printed_scrubber_problems(scrubbers: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if not scrubbers:
        problems.append("the chapter has no scrubber to print")
    for number, scrubber in enumerate(scrubbers, start=1):
        what = f"printed scrubber {number}"
        if scrubber["slider"]:
            problems.append(f"{what} shows its slider")
        if not scrubber["value"]:
            problems.append(f"{what} does not show its value")
        shown = scrubber["shown"]
        if len(shown) != 1:
            problems.append(
                f"{what} shows {len(shown)} of its "
                f"{scrubber['frames']} frames (one expected)"
            )
        for frame in shown:
            if not frame["named"]:
                problems.append(
                    f"{what} shows frame {frame['index']}, "
                    "not the one its slider names"
                )
            if frame["height"] <= 50:
                problems.append(
                    f"{what}: its frame is {frame['height']:.0f} px high"
                )
    return problems


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_printed_chapter_2_shows_solutions(
    context: BrowserContext,
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    context.add_init_script(_NO_BEFOREPRINT)
    page, _ = open_book_page(context, book_url, html_dir, CHAPTER_2)
    where = page.evaluate(_PHRASE_IN_DOM, SOLUTION_PHRASE)
    if not where["inSolution"] or where["outside"]:
        pytest.fail(
            f"{CHAPTER_2}: the test's phrase {SOLUTION_PHRASE!r} must be in "
            f"one of its solutions and nowhere else ({where}): "
            "the chapter changed, pick another phrase from a solution",
            pytrace=False,
        )
    pdf = page.pdf(format="A4", print_background=True)
    (screenshots / "book-02_dual_numbers.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _squash(" ".join(p.extract_text() or "" for p in reader.pages))
    problems: list[str] = []
    if SOLUTION_PHRASE not in text:
        problems.append(
            f"the printed PDF ({len(reader.pages)} pages) lacks the "
            f"solution's text {SOLUTION_PHRASE!r}: "
            "solutions print folded (the print stylesheet must open them)"
        )
    folded = text.count(FOLDED)
    if folded:
        problems.append(
            f"the printed PDF shows {FOLDED!r} {folded} time(s) "
            "(folded solutions or cells)"
        )
    page.emulate_media(media="print")
    problems += _printed_scrubber_problems(page.evaluate(_PRINTED_SCRUBBERS))
    fail_with(f"{CHAPTER_2} printed", problems)


# Formulas MathJax has not typeset: the ui/lazy extension leaves a formula
# as an empty mjx-container until it is scrolled into view or printed.
# (Containers inside a formula's assistive MathML are not formulas.)
_UNTYPESET = """() => [
  ...document.querySelectorAll('.bd-article mjx-container')
].filter(c => !c.parentElement.closest('mjx-assistive-mml'))
  .filter(c => !c.querySelector('mjx-math')).length"""


def test_printing_typesets_every_formula(
    context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    """MathJax typesets a formula as it comes into view; printing (here
    with the page's own beforeprint handlers) must typeset all of them."""
    if not (html_dir / f"{CHAPTER_2}.html").is_file():
        pytest.fail(f"{CHAPTER_2}.html is missing: run `make book` first")
    page = context.new_page()
    page.goto(f"{book_url}/{CHAPTER_2}.html", wait_until="load")
    page.wait_for_function("() => window.MathJax?.startup?.document")
    page.evaluate("() => MathJax.startup.promise")
    before = page.evaluate(_UNTYPESET)
    page.pdf(format="A4")
    after = page.evaluate(_UNTYPESET)
    problems = []
    if not before:
        problems.append(
            "every formula was typeset before printing: the test no longer "
            "exercises lazy typesetting (is ui/lazy still loaded?)"
        )
    if after:
        problems.append(f"{after} formulas were still not typeset in print")
    fail_with(CHAPTER_2, problems)
