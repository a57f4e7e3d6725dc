"""HTML reports for reviewers: one file per organisation, and an index.

Executed notebooks are rendered with nbconvert into two versions:

* **reviewer** (``report.html``): code hidden; narrative, figures, tables,
  ethics and provenance;
* **with code**: one ``<notebook>.html`` per notebook of the chain
  (``05_org_report.html`` is the report itself with its code), for methods
  reviewers.

Pages load nothing from the network: images are embedded as data URIs, the
template drops nbconvert's CDN scripts for require.js, MathJax and Mermaid,
and a page with interactive plotly figures loads plotly.js from
``assets/plotly.min.js`` in its own folder (copied there by the rendering,
see :mod:`helpers.interactive`), so plotly's 4.8 MB are stored once per
folder instead of in every page.  A report folder can be zipped, mailed and
opened offline.  ``reports/index.html`` links every report with the
organisation's key figures and the cross-organisation comparison.
"""

from __future__ import annotations

import html
import logging
import shutil
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbconvert import HTMLExporter

from helpers.config import StudyConfig
from helpers.interactive import copy_assets
from helpers.report_pages import (
    METHODS_FOLDER,
    REPORT_CSS,
    add_contents,
    prepare,
    render_methods,
)
from helpers.store import read_json_marker, write_bytes_atomic, write_json_atomic, write_text_atomic
from helpers.store.runs import COMPARE, COMPARE_FOLDER, previous_run

if TYPE_CHECKING:
    from helpers.store.runs import BatchResult, OrgRun

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "resources" / "nbconvert"
TEMPLATE = "rarevoices"
REVIEWER_HTML = "report.html"
REPORT_NOTEBOOK = "05_org_report.ipynb"


def html_exporter(with_code: bool) -> HTMLExporter:
    """An nbconvert exporter for self-contained, offline HTML.

    Parameters
    ----------
    with_code : bool
        False for the reviewer version (inputs and prompts hidden).
    """
    exporter = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])
    exporter.embed_images = True
    exporter.exclude_input = not with_code
    exporter.exclude_input_prompt = not with_code
    exporter.exclude_output_prompt = True
    return exporter


_EXPORTERS = threading.local()


def shared_html_exporter(with_code: bool) -> HTMLExporter:
    """This thread's :func:`html_exporter` of a version, made once and reused for every notebook.

    A new exporter compiles nbconvert's templates again, a noticeable part of
    rendering one page, and a batch renders dozens; one exporter converts any number of notebooks, as
    ``jupyter nbconvert`` does.  Each thread gets its own, because converting
    a notebook sets per-notebook filters on the exporter (a Dask worker may
    run two chains in threads of one process).
    """
    exporters: dict[bool, HTMLExporter] | None = getattr(_EXPORTERS, "by_version", None)
    if exporters is None:
        exporters = _EXPORTERS.by_version = {}
    if with_code not in exporters:
        exporters[with_code] = html_exporter(with_code)
    return exporters[with_code]


def render_notebook(
    notebook_path: Path, html_path: Path, *, with_code: bool, title: str | None = None
) -> Path:
    """Render one executed notebook to a single HTML file (written atomically).

    The page gets figure captions, a table of contents and links to the
    rendered methods (:mod:`helpers.report_pages`).  Nothing is done when
    ``html_path`` is newer than the notebook: it is up to date.
    """
    if html_path.exists() and html_path.stat().st_mtime_ns >= notebook_path.stat().st_mtime_ns:
        copy_assets(html_path)
        return html_path
    notebook = prepare(nbformat.read(notebook_path, as_version=4))
    notebook.metadata["title"] = title or notebook_path.stem
    exporter = shared_html_exporter(with_code)
    body, _ = exporter.from_notebook_node(notebook, resources={"report_css": REPORT_CSS})
    write_text_atomic(html_path, add_contents(body))
    copy_assets(html_path)
    return html_path


def render_run(run: OrgRun, study_name: str | None = None) -> dict[str, Path]:
    """Render every notebook a run executed (also a failed one, showing the failing cell).

    A page newer than its notebook is up to date and kept (a resumed batch
    re-renders only what it re-ran).  The organisation report and the
    cross-organisation comparison also get a reviewer page without code;
    ``study_name`` titles the comparison's (default: the run's id).
    """
    rendered: dict[str, Path] = {}
    for notebook in map(Path, run.notebooks):
        if not notebook.exists():
            continue
        title = f"{run.org_id}: {notebook.stem}"
        rendered[notebook.name] = render_notebook(notebook, notebook.with_suffix(".html"), with_code=True,
                                                  title=title)
        if notebook.name == REPORT_NOTEBOOK:
            title = f"{run.org_id}: report"
            rendered["reviewer"] = render_notebook(notebook, notebook.parent / REVIEWER_HTML, with_code=False,
                                                   title=title)
        if notebook.name == COMPARE:
            rendered["reviewer"] = render_notebook(notebook, notebook.parent / REVIEWER_HTML, with_code=False,
                                                   title=f"{study_name or run.org_id}: comparison")
    return rendered


KEY_FIGURES = "key_figures.json"


def save_key_figures(config: StudyConfig, run: OrgRun) -> dict[str, str]:
    """Compute an organisation's key figures for the index and save them beside its reports.

    The batch's workers call this as each organisation's chain ends, so the
    index only collects them.
    """
    from helpers.summaries import org_caveats, org_key_figures

    figures = org_key_figures(config, run.org_id)
    write_json_atomic(config.reports_path / run.org_id / KEY_FIGURES,
                      {"fingerprint": run.fingerprint, "figures": figures,
                       "caveats": org_caveats(config, run.org_id)}, indent=2)
    return figures


def _caveats(config: StudyConfig, run: OrgRun) -> list[str]:
    """The saved reasons why some of an organisation's key figures are not comparable."""
    record = read_json_marker(config.reports_path / run.org_id / KEY_FIGURES, "saved key figures")
    return list(record.get("caveats", [])) if isinstance(record, dict) else []


def _key_figures(config: StudyConfig, run: OrgRun) -> dict[str, str]:
    """An organisation's key figures for the index: the saved ones when they are of the same fingerprint.

    The fingerprint covers everything the figures are computed from (inputs,
    settings, code), so saved figures of the same fingerprint are current.
    """
    record = read_json_marker(config.reports_path / run.org_id / KEY_FIGURES, "saved key figures")
    if isinstance(record, dict) and record.get("fingerprint") == run.fingerprint:
        return record["figures"]
    return save_key_figures(config, run)


@dataclass
class IndexRow:
    """One organisation's line in the index."""

    org_id: str
    name: str
    status: str
    error: str | None
    links: dict[str, str]
    figures: dict[str, str]
    caveats: list[str] = field(default_factory=list)


def study_runs(config: StudyConfig, result: BatchResult) -> tuple[list[OrgRun], OrgRun | None]:
    """Every organisation's latest run, in the study's order, and the comparison's.

    A batch of some organisations (``--orgs``) leaves the others' reports as
    they were: the index still lists them, from their recorded runs.
    """
    this_batch = {run.org_id: run for run in result.runs}
    runs = []
    for org in config.organisations:
        run = this_batch.get(org.id) or previous_run(config.reports_path / org.id)
        if run is not None:
            runs.append(run)
    compare = result.compare or previous_run(config.reports_path / COMPARE_FOLDER)
    return runs, compare


def render_batch(config: StudyConfig, result: BatchResult) -> Path:
    """Render every run of a batch and write ``reports/index.html`` listing every organisation's report."""
    reports = config.reports_path
    runs, compare = study_runs(config, result)
    rows = []
    for run in runs:
        rendered = render_run(run)
        org = config.organisation(run.org_id)
        links = {name: str(path.relative_to(reports)) for name, path in rendered.items()}
        figures = _key_figures(config, run) if run.status != "failed" else {}
        caveats = _caveats(config, run) if run.status != "failed" else []
        rows.append(IndexRow(run.org_id, org.name, run.status, run.error, links, figures, caveats))
    compare_links = {}
    if compare is not None:
        for name, path in render_run(compare, config.name).items():
            compare_links[name] = str(path.relative_to(reports))
    render_methods(reports)
    write_reviewer_bundle(config, rows, compare, compare_links)
    return write_text_atomic(reports / "index.html", index_html(config, rows, compare, compare_links))


REVIEWER_FOLDER = "reviewer"


def write_reviewer_bundle(config: StudyConfig, rows: list[IndexRow], compare: OrgRun | None,
                          compare_links: dict[str, str]) -> Path:
    """``reports/reviewer/``: only the reviewer pages (no code, no notebooks, no logs) and their index.

    This is the folder to hand to reviewers and ethics boards: the executed
    notebooks, the pages with code and the run logs stay in ``reports/``.
    Made anew by every batch.
    """
    reports = config.reports_path
    bundle = reports / REVIEWER_FOLDER
    shutil.rmtree(bundle, ignore_errors=True)
    kept_rows = []
    for row in rows:
        source = row.links.get("reviewer")
        links = {}
        if source is not None and (reports / source).is_file():
            write_bytes_atomic(bundle / source, (reports / source).read_bytes())
            copy_assets(bundle / source)
            links["reviewer"] = source
        kept_rows.append(IndexRow(row.org_id, row.name, row.status, row.error, links, row.figures,
                                  row.caveats))
    kept_compare = {}
    if "reviewer" in compare_links and (reports / compare_links["reviewer"]).is_file():
        source = compare_links["reviewer"]
        write_bytes_atomic(bundle / source, (reports / source).read_bytes())
        copy_assets(bundle / source)
        kept_compare["reviewer"] = source
    for page in sorted((reports / METHODS_FOLDER).glob("*.html")):
        write_bytes_atomic(bundle / METHODS_FOLDER / page.name, page.read_bytes())
    return write_text_atomic(bundle / "index.html", index_html(config, kept_rows, compare, kept_compare))


def index_html(config: StudyConfig, rows: list[IndexRow], compare: OrgRun | None,
               compare_links: dict[str, str]) -> str:
    """The index page: one row per organisation with its key figures and links."""
    figure_names = sorted({name for row in rows for name in row.figures}, key=_figure_order)
    head = "".join(f"<th>{html.escape(name)}</th>" for name in figure_names)
    body = []
    for row in rows:
        status = html.escape(row.status)
        if row.status == "failed":
            status += f'<div class="error">{html.escape(row.error or "")}</div>'
        links = " · ".join(
            f'<a href="{html.escape(href)}">{html.escape(_link_label(name))}</a>'
            for name, href in sorted(row.links.items(), key=lambda item: _link_order(item[0]))
        )
        cells = "".join(f"<td>{html.escape(row.figures.get(name, '–'))}</td>" for name in figure_names)
        body.append(
            f'<tr class="{row.status}"><td><strong>{html.escape(row.name)}</strong><br>'
            f"<code>{html.escape(row.org_id)}</code></td><td>{status}</td>{cells}<td>{links}</td></tr>"
        )
    compare_html = ""
    if compare is not None:
        links = " · ".join(f'<a href="{html.escape(h)}">{html.escape(_link_label(n))}</a>'
                           for n, h in sorted(compare_links.items()))
        state = html.escape(compare.status) + (f" – {html.escape(compare.error)}" if compare.error else "")
        compare_html = f"<h2>Comparison across organisations</h2><p>{state}</p><p>{links}</p>"
    failed = [row.org_id for row in rows if row.status == "failed"]
    banner = (f'<p class="error">Failed: {html.escape(", ".join(failed))}. Their notebooks are saved with '
              "the failing cell visible; see each run's log.</p>") if failed else ""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(config.name)}: reports</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{INDEX_CSS}</style></head><body>
<h1>{html.escape(config.name)}</h1>
<p>One report per organisation (reviewer version without code; the notebooks with their code for methods
reviewers), generated {generated}. Authors other than the organisations' own accounts appear only as
pseudonyms.</p>
{banner}
<div class="scroll"><table><thead><tr><th>Organisation</th><th>Run</th>{head}<th>Reports</th></tr></thead>
<tbody>{"".join(body)}</tbody></table></div>
{_index_notes(rows)}
{compare_html}
</body></html>
"""


INDEX_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 96rem; padding: 0 1rem;
  color: #222; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; min-width: 64rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td { overflow-wrap: break-word; }
tr.failed { background: #fff0f0; } .error { color: #a00; font-size: .9em; }
.notes { font-size: .92rem; color: #333; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; max-width: none; } table { font-size: 7.5pt; min-width: 0; }
  th, td { padding: 2px 3px; } a { color: inherit; text-decoration: none; } }
"""


def _index_notes(rows: list[IndexRow]) -> str:
    """How to read the key figures, and which of them are not comparable and why."""
    from helpers.summaries import NOT_COMPARABLE

    caveats = "".join(f"<li><strong>{html.escape(row.name)}</strong>, {html.escape(caveat)}</li>"
                      for row in rows for caveat in row.caveats)
    text = ("<p>Shares are given with their 95% confidence interval in brackets: modes are shares of "
            "conversation threads (Wilson interval); <em>experiential</em> is the share of the public's "
            "original posts telling the author's own story and <em>stories by carers</em> the share of the "
            "public's stories told about someone else; <em>about health</em> the share of the public's "
            "original posts about illness, care, treatment, disability or the health system (all three "
            "cluster bootstrap by thread); "
            "<em>answered</em> is the share of public posts addressed to the organisation that it answered "
            "(Wilson). <em>Knowledge classifier</em> says what the knowledge types rest on and how they "
            "were validated.</p>")
    if caveats:
        text += (f"<p>{NOT_COMPARABLE} Not comparable with the other organisations as it stands:</p>"
                 f"<ul>{caveats}</ul>")
    return f'<section class="notes">{text}</section>'


_LABELS = {"reviewer": "report", "05_org_report.ipynb": "report with code"}
_FIGURE_ORDER = ["posts", "authors", "one-way", "two-way", "crowd-sourced", "experiential",
                 "stories by carers", "about health", "answered", "knowledge classifier", "top topics",
                 "network"]


def _link_label(name: str) -> str:
    return _LABELS.get(name, name.removesuffix(".ipynb"))


def _link_order(name: str) -> tuple[int, str]:
    return (0 if name == "reviewer" else 1 if name == "05_org_report.ipynb" else 2, name)


def _figure_order(name: str) -> tuple[int, str]:
    return (_FIGURE_ORDER.index(name) if name in _FIGURE_ORDER else len(_FIGURE_ORDER), name)
