"""In-page helpers: JavaScript run in the browser, and opening a book page
until its scrubbers and math are ready (web/browser.py's scripts)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from web.browser import MATHJAX_DONE, SCRUBBERS_READY, WAIT, page_url

from .book import require_built
from .watch import Watch

SCRUBBERS_STATE = """() => {
  const figures = [...document.querySelectorAll('.gradbook-scrubber')];
  return {
    scrubbers: figures.length,
    enabled: figures.filter(f => {
      const input = f.querySelector('input[type=range]');
      return input && !input.disabled;
    }).length,
  };
}"""

# Everything in the article that scrolls sideways at this viewport: the
# article itself (its scrollWidth beyond its clientWidth, with the elements
# that stick out past its right edge) and every box inside it that scrolls
# (every pre block, and any element with overflow-x auto or scroll).
SIDEWAYS_SCROLL = r"""() => {
  const article = document.querySelector('.bd-article')
    || document.querySelector('main');
  if (!article) return [{what: 'no article (.bd-article or main)'}];
  const name = el => el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
  const text = el => (el.innerText || el.textContent || '').split('\n')
    .sort((a, b) => b.length - a.length)[0].trim().slice(0, 80);
  const found = [];
  if (article.scrollWidth > article.clientWidth + 1) {
    const right = article.getBoundingClientRect().right;
    const out = [...article.querySelectorAll('*')]
      .filter(el => el.getBoundingClientRect().right > right + 1)
      .filter(el => !el.parentElement.closest('pre, mjx-container, img'))
      .slice(0, 6)
      .map(el => name(el) + ' '
        + Math.round(el.getBoundingClientRect().right - right) + ' px');
    found.push({what: 'the article (' + name(article) + ')',
      scroll: article.scrollWidth, client: article.clientWidth,
      text: 'sticking out: ' + (out.join(', ') || '(none found)')});
  }
  const boxes = new Set(article.querySelectorAll('pre'));
  for (const el of article.querySelectorAll('*')) {
    const x = getComputedStyle(el).overflowX;
    if (x === 'auto' || x === 'scroll') boxes.add(el);
  }
  for (const el of boxes)
    if (el.scrollWidth > el.clientWidth + 1)
      found.push({what: name(el), scroll: el.scrollWidth,
        client: el.clientWidth, text: text(el)});
  return found;
}"""

# Images in the main content whose alt text is missing, empty or a file
# name (the figure's .png, or the name in its src).
BAD_ALT = r"""() => [...document.querySelectorAll('main img, .bd-article img')]
  .map(img => {
    const alt = img.getAttribute('alt');
    const src = img.getAttribute('src') || '';
    const file = decodeURIComponent(src.split(/[?#]/)[0].split('/').pop());
    const stem = file.replace(/\.[^.]*$/, '');
    const trimmed = (alt || '').trim();
    let why = null;
    if (alt === null) why = 'has no alt attribute';
    else if (!trimmed) why = 'has an empty alt';
    else if (/\.(png|svg|jpe?g|gif|webp)$/i.test(trimmed)
      || (!src.startsWith('blob:') && !src.startsWith('data:')
        && (trimmed === file || trimmed === stem)))
      why = 'has a file name as its alt';
    const shown = src.startsWith('data:') ? src.slice(0, 30) + '...'
      : src.slice(0, 120);
    return why && {src: shown, alt: trimmed.slice(0, 120), why,
      scrubber: !!img.closest('.gradbook-scrubber')};
  })
  .filter(Boolean)"""

# Every slider in the main content (a scrubber's input type=range, beside
# its label and its .gradbook-scrubber-value; or anything else with
# role=slider): its accessible name (aria-label, or the text of the
# aria-labelledby ids, or for an input its <label>), its aria-valuetext and
# the value its visible readout shows.
SLIDERS = r"""() => {
  const squash = s => (s || '').replace(/\s+/g, ' ').trim();
  const sliders = [...document.querySelectorAll(
    'main [role=slider], main input[type=range], '
    + '.bd-article [role=slider], .bd-article input[type=range]')];
  return [...new Set(sliders)].map(el => {
    let name = squash(el.getAttribute('aria-label'));
    const ids = squash(el.getAttribute('aria-labelledby'));
    if (!name && ids)
      name = squash(ids.split(' ')
        .map(id => document.getElementById(id)?.textContent || '')
        .join(' '));
    if (!name && el.labels && el.labels.length)
      name = squash([...el.labels].map(l => l.textContent).join(' '));
    const box = el.closest('.gradbook-scrubber-control') || el.parentElement;
    const label = box.querySelector('span:not(.gradbook-scrubber-value)');
    const readout = [...box.querySelectorAll('.gradbook-scrubber-value')]
      .find(r => r.checkVisibility());
    return {
      name,
      label: squash(label && label.textContent),
      valuetext: el.getAttribute('aria-valuetext'),
      valuenow: el.getAttribute('aria-valuenow') ?? el.value ?? null,
      readout: readout ? squash(readout.textContent || readout.value) : null,
    };
  });
}"""

# Math in the article: every .math element typeset, no MathJax error, and no
# raw TeX delimiters left in the article's text outside code.
MATH_REPORT = r"""() => {
  const article = document.querySelector('.bd-article')
    || document.querySelector('main');
  if (!article)
    return {math: 0, containers: 0, untypeset: [], errors: [], raw: []};
  const math = [...article.querySelectorAll('.math')];
  const untypeset = math.filter(m => !m.querySelector('mjx-container'))
    .map(m => m.textContent.trim().slice(0, 80));
  const errors = [...article.querySelectorAll('mjx-merror')]
    .map(e => (e.getAttribute('data-mjx-error') || e.textContent)
      .slice(0, 120));
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    const at = text.search(/\\\(|\\\[|\$\$|\\begin\{/);
    if (at >= 0)
      raw.push(text.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' '));
  }
  const containers = article.querySelectorAll('mjx-container').length;
  return {math: math.length, containers, untypeset, errors, raw};
}"""

# Images in the main content: scroll each into view (images may be lazy),
# wait for it to finish loading, report those that did not load.
IMAGES_REPORT = """async (ms) => {
  const images = [...document.querySelectorAll('main img, .bd-article img')];
  const deadline = Date.now() + ms;
  const bad = [];
  for (const img of images) {
    // A lazy image inside a closed dropdown never enters the viewport: load it
    // as opening the dropdown would.
    if (img.loading === 'lazy' && img.getClientRects().length === 0)
      img.loading = 'eager';
    img.scrollIntoView({block: 'center'});
    while (!img.complete && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 50));
    if (!img.complete || img.naturalWidth === 0) {
      const src = (img.currentSrc || img.src || '(no src)').slice(0, 150);
      bad.push({src, alt: img.alt || '', complete: img.complete});
    }
  }
  window.scrollTo(0, 0);
  return {count: images.length, bad};
}"""

# Links in the left sidebar, absolute and without the #fragment.
SIDEBAR_LINKS = """() =>
  [...document.querySelectorAll('.bd-sidebar-primary a[href]')]
    .map(a => a.href.split('#')[0])"""

# A fingerprint of an image's pixels (draws it on a canvas; data: and blob:
# URLs do not taint it, so the canvas can be read).
PIXELS = """(img) => {
  if (!img.complete || img.naturalWidth === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 2166136261;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 16777619);
  }
  return canvas.width + 'x' + canvas.height + ':' + (h >>> 0).toString(16);
}"""


def open_book_page(
    context: BrowserContext, book_url: str, html_dir: Path, page_file: str
) -> tuple[Page, Watch]:
    """Open one page, wait until its scrubbers and math are ready; problems
    go to the Watch."""
    require_built(html_dir, page_file)
    page = context.new_page()
    watch = Watch(book_url)
    watch.attach(page)
    response = page.goto(page_url(book_url, page_file), wait_until="load")
    if response is None or response.status != 200:
        status = response.status if response else "(no response)"
        watch.problems.append(f"page answered HTTP {status}")
    try:
        page.wait_for_function(SCRUBBERS_READY, timeout=WAIT)
    except PlaywrightTimeout:
        state = page.evaluate(SCRUBBERS_STATE)
        watch.problems.append(
            f"scrubbers not ready within {WAIT // 1000} s: "
            f"{state['enabled']} of {state['scrubbers']} sliders enabled, "
            "or their frames did not load"
        )
    mathjax = page.evaluate(MATHJAX_DONE, WAIT)
    if mathjax != "ok" and page.locator(".bd-article .math").count():
        watch.problems.append(f"MathJax did not finish typesetting: {mathjax}")
    return page, watch


def settle(page: Page) -> None:
    """Let late requests (fonts, lazy images) finish, so their failures are
    seen."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=10_000)


# The scrubbers on the page, by index (each a slider above its frames).
SCRUBBERS = """() => [...document.querySelectorAll('.gradbook-scrubber')]
  .map((figure, index) => ({
    index,
    slider: !!figure.querySelector('input[type=range]'),
    img: !!figure.querySelector('img'),
  }))
  .filter(f => f.slider && f.img).map(f => f.index)"""

# The frame a scrubber shows (the one not hidden).
SHOWN_IMG = """(area) => [...area.querySelectorAll('img')]
  .find(i => i.checkVisibility() && i.getClientRects().length)"""

# Its src and pixels.
SHOWN_PICTURE = f"""(area) => {{
  const img = ({SHOWN_IMG})(area);
  return img
    ? {{src: img.src, pixels: ({PIXELS})(img)}}
    : {{src: null, pixels: null}};
}}"""

# A new picture shown (other src, loaded).
NEW_PICTURE = f"""([area, src]) => {{
  const img = ({SHOWN_IMG})(area);
  return !!img && img.src !== src && img.complete && img.naturalWidth > 0;
}}"""


# A slider's value, min and max: a range input's (a scrubber), or an ARIA
# slider's (ipywidgets' slider handle in JupyterLab).
SLIDER_STATE = """el => el.tagName === 'INPUT'
  ? {now: Number(el.value), min: Number(el.min), max: Number(el.max)}
  : Object.fromEntries(['now', 'min', 'max'].map(
      name => [name, Number(el.getAttribute('aria-value' + name) ?? NaN)]))"""


def slider_state(handle: Locator) -> dict[str, float]:
    return handle.evaluate(SLIDER_STATE)


def shown_picture(area: Locator) -> tuple[str | None, str | None]:
    """(src, pixel fingerprint) of the frame a scrubber shows."""
    shown = area.evaluate(SHOWN_PICTURE)
    return shown["src"], shown["pixels"]


def press_and_expect_new_picture(
    page: Page, area: Locator, handle: Locator, key: str, what: str
) -> list[str]:
    before_src, before_pixels = shown_picture(area)
    before_value = slider_state(handle)["now"]
    handle.focus()
    page.keyboard.press(key)
    try:
        page.wait_for_function(
            NEW_PICTURE,
            arg=[area.element_handle(), before_src],
            timeout=WAIT,
        )
    except PlaywrightTimeout:
        after_value = slider_state(handle)["now"]
        return [
            f"{what}: after {key} the slider went "
            f"{before_value:g} -> {after_value:g} "
            f"but the shown image did not change within {WAIT // 1000} s"
        ]
    after_src, after_pixels = shown_picture(area)
    if after_pixels is None or after_pixels == before_pixels:
        return [
            f"{what}: after {key} the image was replaced ({after_src}) "
            "but shows the same pixels"
        ]
    return []
