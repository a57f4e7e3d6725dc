"""What turns an executed notebook into a page a reviewer reads: captions, contents, working links, print.

* **Figure captions**: a code cell whose metadata holds ``"caption"`` gets
  "Figure n. <caption>" under its figure (numbered in page order), when it
  drew one (a cell that showed a note instead gets no number).
* **Table of contents**: the page's sections (its ``<h2>`` headings), linked,
  above the first section.
* **Methods that open offline**: links to ``docs/<name>.md`` point to
  ``../methods/<name>.html``, which :func:`render_methods` writes from the
  package's documentation into the reports folder.
* **Layout for screen and paper**: wide tables scroll on screen and wrap at
  A4 in print (:data:`REPORT_CSS`, put into every page by the nbconvert
  template).
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat

from helpers.store import write_text_atomic

CAPTION = "caption"
METHODS_FOLDER = "methods"
PACKAGE_DIR = Path(__file__).resolve().parent

_DOC_LINK = re.compile(r"\]\((?:\.\./)*docs/([A-Za-z0-9_-]+)\.md(#[^)]*)?\)")
_H2 = re.compile(r"<h2(?P<attrs>\s[^>]*)?>(?P<body>.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def prepare(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of an executed notebook with figure captions and links to the rendered methods."""
    prepared = copy.deepcopy(notebook)
    number = 0
    for cell in prepared.cells:
        if cell.cell_type == "markdown":
            cell.source = _DOC_LINK.sub(_methods_link, cell.source)
        elif cell.cell_type == "code" and cell.metadata.get(CAPTION) and _draws_a_figure(cell):
            number += 1
            text = f"<strong>Figure {number}.</strong> {html.escape(str(cell.metadata[CAPTION]))}"
            cell.outputs.append(nbformat.v4.new_output(
                "display_data", data={"text/html": f'<p class="caption">{text}</p>'}))
    return prepared


def _methods_link(match: re.Match[str]) -> str:
    return f"](../{METHODS_FOLDER}/{match.group(1)}.html{match.group(2) or ''})"


def _draws_a_figure(cell: nbformat.NotebookNode) -> bool:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            return True
        if "plotly" in str(data.get("text/html", "")) and "Plotly.newPlot" in str(data.get("text/html", "")):
            return True
    return False


def add_contents(page: str) -> str:
    """Give every ``<h2>`` an id and put a linked table of contents above the first one."""
    entries = []

    def with_id(match: re.Match[str]) -> str:
        attrs = match.group("attrs") or ""
        title = html.unescape(_TAG.sub("", match.group("body"))).replace("¶", "").strip()
        found = re.search(r'\sid="([^"]+)"', attrs)
        anchor = found.group(1) if found else f"section-{len(entries) + 1}"
        if not found:
            attrs += f' id="{anchor}"'
        entries.append((anchor, title))
        return f"<h2{attrs}>{match.group('body')}</h2>"

    page = _H2.sub(with_id, page)
    if len(entries) < 3:
        return page
    items = "".join(f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a></li>'
                    for anchor, title in entries)
    contents = f'<nav class="contents" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'
    first = _H2.search(page)
    assert first is not None
    # before the output or markdown cell that holds the first section heading
    cell_start = page.rfind('<div class="jp-Cell', 0, first.start())
    at = cell_start if cell_start >= 0 else first.start()
    return page[:at] + contents + page[at:]


def packaged_docs() -> Path | None:
    """The package's documentation folder (shipped in a wheel, or the checkout's ``docs/``)."""
    for folder in (PACKAGE_DIR / "resources" / "docs", PACKAGE_DIR.parent.parent / "docs"):
        if (folder / "methods.md").is_file():
            return folder
    return None


def render_methods(reports: Path) -> list[Path]:
    """Render the documentation (Markdown) into ``<reports>/methods/`` so that report links work offline.

    Links between documents are rewritten to the rendered pages.
    """
    import mistune

    docs = packaged_docs()
    if docs is None:
        return []
    to_html = mistune.create_markdown(plugins=["table", "strikethrough", "url"])
    written = []
    for source in sorted(docs.glob("*.md")):
        text = re.sub(r"\]\((?:\.\./)*(?:docs/)?([A-Za-z0-9_-]+)\.md(#[^)]*)?\)",
                      lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", source.read_text(encoding="utf-8"))
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("# ")),
                     source.stem)
        page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
                f"</title><style>{METHODS_CSS}</style></head><body>{to_html(text)}</body></html>")
        written.append(write_text_atomic(reports / METHODS_FOLDER / f"{source.stem}.html", page))
    return written


METHODS_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem;
  color: #222; line-height: 1.5; }
table { border-collapse: collapse; display: block; overflow-x: auto; } th, td { border: 1px solid #ddd;
  padding: .3rem .5rem; } code, pre { background: #f6f6f6; } pre { padding: .5rem; overflow-x: auto; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; } pre { white-space: pre-wrap; } }
"""

REPORT_CSS = """
.jp-RenderedHTMLCommon table.people, .jp-RenderedHTMLCommon table.dataframe { display: block;
  overflow-x: auto; max-width: 100%; font-size: 0.85rem; }
.jp-RenderedHTMLCommon table.people td, .jp-RenderedHTMLCommon table.people th { white-space: normal;
  min-width: 4rem; max-width: 22rem; overflow-wrap: break-word; hyphens: auto; text-align: left;
  vertical-align: top; }
.jp-RenderedHTMLCommon table.people td { font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon img { max-width: 100%; height: auto; }
p.caption { font-size: 0.9rem; color: #333; margin: 0.2rem 0 1.2rem; }
nav.contents { border: 1px solid #ddd; background: #fafafa; padding: 0.6rem 1rem; margin: 1rem 0 1.5rem;
  max-width: 40rem; font-size: 0.95rem; font-family: var(--jp-content-font-family, system-ui, sans-serif); }
nav.contents ol { margin: 0.3rem 0 0; padding-left: 1.4rem; }
ul.findings li, ul.reading-guide li { margin-bottom: 0.5rem; line-height: 1.45; }
p.not-computed { border-left: 3px solid #c90; padding-left: 0.6rem; }
@page { size: A4; margin: 12mm; }
@media print {
  body, .jp-Notebook { margin: 0 !important; padding: 0 !important; }
  .jp-RenderedHTMLCommon table.people, .jp-RenderedHTMLCommon table.dataframe { display: table;
    width: 100%; font-size: 7.5pt; overflow: visible; }
  .jp-RenderedHTMLCommon table.people td,
  .jp-RenderedHTMLCommon table.people th { min-width: 0; padding: 2px; }
  .jp-Cell, img, table { break-inside: avoid; }
  h2 { break-after: avoid; }
  a.anchor-link, .plotly-missing { display: none; }
}
"""
