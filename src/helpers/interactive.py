"""Interactive (plotly) figures in notebooks and their HTML reports, offline, each page on its own.

In JupyterLab a figure is shown by plotly's own renderer.  In a batch, the
executed notebooks are rendered to HTML: there, every page that shows a
figure loads plotly.js from ``assets/plotly.min.js`` beside it (the rendering
copies the file into each report folder that needs it, :func:`copy_assets`),
so plotly.js (4.8 MB) is written once per folder, not into every page, and no
page depends on what an earlier notebook of its chain displayed.  A page
copied away without its ``assets/`` folder says at the top what it needs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.notice import NotComputed, show_instead

if TYPE_CHECKING:
    import plotly.graph_objects as go

PLOTLY_ASSET = "assets/plotly.min.js"
REPORT_ASSETS = "RAREVOICES_REPORT_ASSETS"
"""Set (to 1) in the batch's notebook kernels: figures are written for an HTML page with assets beside it."""

LOADER = (
    '<p class="plotly-missing" style="color:#a00">The interactive figures of this page need the file '
    f'<code>{PLOTLY_ASSET}</code> beside it (keep the page in its report folder).</p>'
    f'<script src="{PLOTLY_ASSET}"></script>'
    "<script>if (window.Plotly) {document.querySelectorAll('.plotly-missing').forEach(e => e.remove());}"
    "</script>"
)


Figures = dict[str, "go.Figure"] | Sequence["go.Figure | None"]


def show_figures(figures: Figures, what: str = "Interactive figures", why: str = "nothing to show") -> None:
    """Show plotly figures: in a batch's report with plotly.js from ``assets/``, in JupyterLab as usual.

    Parameters
    ----------
    figures : dict or sequence of Figure
        None entries are skipped; with no figure at all a note says ``why``.
    what, why : str
        The note shown when there is nothing to show.
    """
    from IPython.display import HTML, display

    items = [fig for fig in (figures.values() if isinstance(figures, dict) else figures) if fig is not None]
    if not items:
        show_instead(NotComputed(what, why))
        return
    if not os.environ.get(REPORT_ASSETS):
        for fig in items:
            fig.show()
        return
    display(HTML(LOADER))
    for fig in items:
        display(HTML(fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False)))


def copy_assets(page: Path) -> bool:
    """Put plotly.js beside a rendered page that loads it; returns whether the page needs it."""
    page = Path(page)
    if PLOTLY_ASSET not in page.read_text(encoding="utf-8", errors="replace"):
        return False
    target = page.parent / PLOTLY_ASSET
    if not target.exists():
        import plotly

        source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return True


def figure_html(fig: go.Figure, path: Path | None = None) -> str:
    """Self-contained HTML of a plotly figure (plotly.js inline, no CDN): an export file that works alone."""
    from helpers.store import write_bytes_atomic

    html = fig.to_html(include_plotlyjs=True, full_html=True)
    if path is not None:
        write_bytes_atomic(Path(path), html.encode("utf-8"))
    return html
