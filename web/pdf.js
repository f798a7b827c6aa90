// The book as one document to print (web/pdf.py).  Run in the edition's
// root page, it replaces that page's article with a title page, the
// contents and the article of every page of the book, in order, and makes
// them ready for Paged.js: every formula typeset, every image loaded, each
// scrubber at the frame its slider names.
"use strict";
window.gradbookPdf = {};

gradbookPdf.assemble = async ({ pages, edition, contents, pdfPath }) => {
  const parts = [];
  for (const [n, url] of pages.entries()) {
    const html = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const part = document.createElement("div");
    part.className = "pdf-part";
    part.dataset.url = url;
    part.append(...doc.querySelector(".bd-article").childNodes);
    part.querySelectorAll(".headerlink").forEach((a) => a.remove());
    // Every chapter has its own "summary": ids get the page's prefix.
    part.querySelectorAll("[id]").forEach((el) => (el.id = `p${n}-${el.id}`));
    part.querySelectorAll("img[src]").forEach((img) => {
      img.src = new URL(img.getAttribute("src"), url).href;
      img.loading = "eager";
    });
    parts.push(part);
  }
  const title = (part) => part.querySelector("section[id] > h1");

  // The title page and the contents: each page's title and sections.
  const front = document.createElement("div");
  front.className = "pdf-front";
  front.innerHTML = `<section class="pdf-title-page" id="pdf-title">
    <p class="pdf-book-title"></p><p class="pdf-blurb"></p>
    <p class="pdf-edition"></p></section>
    <nav class="pdf-contents"><h1></h1><ol></ol></nav>`;
  const blurb = parts[0].querySelector("section > p");
  const set = (selector, text) => {
    front.querySelector(selector).textContent = text;
  };
  document.title = title(parts[0]).textContent;
  set(".pdf-book-title", document.title);
  set(".pdf-blurb", blurb ? blurb.textContent : "");
  set(".pdf-edition", edition);
  set("h1", contents);
  const headings = parts.flatMap((part) => [
    ...part.querySelectorAll("section[id] > :is(h1, h2)"),
  ]);
  for (const h of headings) {
    const row = document.createElement("li");
    row.className = `level-${h.tagName[1]}`;
    row.innerHTML = `<a href="#${h.parentElement.id}"><span></span></a>`;
    row.querySelector("span").innerHTML = h.innerHTML;
    front.querySelector("ol").append(row);
  }
  document.querySelector(".bd-article").replaceChildren(front, ...parts);
  document.getElementById("jb-print-docs-body")?.remove();

  // Links between pages become links inside the document.  A link to
  // anything else the local server serves (a notebook, the in-browser
  // site) would lead nowhere on paper: it becomes plain text.
  const dropped = [];
  for (const part of parts) {
    for (const a of part.querySelectorAll("a[href]")) {
      const url = new URL(a.getAttribute("href"), part.dataset.url);
      if (url.origin !== location.origin) continue; // another site's
      const n = pages.indexOf(url.origin + url.pathname);
      const id = `p${n}-${decodeURIComponent(url.hash.slice(1))}`;
      if (n >= 0) {
        const top = title(parts[n]).parentElement.id;
        a.setAttribute("href", "#" + (document.getElementById(id) ? id : top));
      } else if (url.pathname === pdfPath) {
        a.setAttribute("href", "#pdf-title");
      } else {
        if (a.checkVisibility()) dropped.push(url.pathname);
        a.replaceWith(...a.childNodes);
      }
    }
  }

  // The scrubbers set up again, the formulas typeset, fonts and images
  // loaded.
  const again = document.createElement("script");
  again.src = document.querySelector("script[src*='scrubber.js']").src;
  await new Promise((done) => {
    again.onload = done;
    document.head.append(again);
  });
  MathJax.typesetClear();
  await MathJax.typesetPromise();
  if (MathJax.startup.document.lazyTypesetAll) {
    await MathJax.startup.document.lazyTypesetAll();
  }
  await document.fonts.ready;
  const images = [...document.querySelectorAll(".bd-article img")].filter(
    (img) => img.checkVisibility(),
  );
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const missing = images.filter((img) => !img.naturalWidth);
  const untypeset = [...document.querySelectorAll(".bd-article .math")]
    .filter((math) => !math.querySelector("mjx-container"))
    .map((math) => math.textContent.slice(0, 80));
  // Paged.js reads the book's own print rules (reader.css) and pdf.css;
  // every other style sheet (the theme's, MathJax's) stays as Chromium
  // applies it in print, since Paged.js's CSS parser would break it.
  for (const sheet of document.querySelectorAll("link[rel=stylesheet], style"))
    if (!(sheet.href || "").includes("/_static/reader.css"))
      sheet.setAttribute("data-pagedjs-ignore", "");
  return {
    dropped,
    missing: missing.map((img) => img.src.slice(0, 80)),
    untypeset,
  };
};

// A heading as plain text, for its bookmark: a formula as the text of its
// MathML, with superscript digits as such ("ε²").
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const plainText = (heading) => {
  const copy = heading.cloneNode(true);
  copy.querySelectorAll("mjx-container").forEach((container) => {
    const mml = container.querySelector("mjx-assistive-mml math");
    mml?.querySelectorAll("msup").forEach((sup) => {
      const [base, power] = [...sup.children].map((el) => el.textContent);
      sup.replaceWith(
        base +
          (/^[0-9]+$/.test(power)
            ? [...power].map((digit) => SUPERSCRIPTS[digit]).join("")
            : `^${power}`),
      );
    });
    container.replaceWith(mml ? mml.textContent : "");
  });
  return copy.textContent.replace(/\s+/g, " ").trim();
};

// Paged.js sets the pages.  Returns the headings in order, as text
// (Chromium makes a bookmark of each).
gradbookPdf.paginate = async () => {
  await new Paged.Previewer().preview();
  const headings = document.querySelectorAll(
    ".pagedjs_page :is(h1, h2, h3, h4, h5, h6):not([data-split-from])",
  );
  return [...headings].filter((h) => h.checkVisibility()).map(plainText);
};
