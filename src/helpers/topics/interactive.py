"""BERTopic's interactive (plotly) figures of a view, saved beside the model once drawn.

:func:`interactive_figures` returns the saved figures of a scope, or draws
them with BERTopic (:func:`_bertopic_figures`) and saves them;
:func:`save_interactive_figures` does it ahead for the batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.store import read_json_marker, write_text_atomic
from helpers.topics._bertopic_runtime import _quiet_bertopic
from helpers.topics.params import OUTLIER
from helpers.topics.plots import PANEL_TITLE_CHARS, wrap_label
from helpers.topics.results import TopicResult, TopicView
from helpers.topics.views import topic_view, topics_over_time, topics_per_class

if TYPE_CHECKING:
    import plotly.graph_objects as go

logger = logging.getLogger(__name__)

FIGURES_FORMAT = 2
"""Part of a saved figure file's name: figures saved by an older version are drawn again (2: the
bar chart's panel titles wrapped)."""
BARCHART_TITLE_PT = 12
"""Font size of the bar chart's panel titles (BERTopic's own is 16 pt, one line)."""


def interactive_figures(view: TopicView, top_n: int = 10) -> dict[str, go.Figure]:
    """BERTopic's plotly figures for a view: barchart, hierarchy, topics over time, per class.

    Empty when the view has no topics.  Show them with
    :func:`helpers.interactive.show_figures` (plotly.js from the report's
    ``assets/`` folder, no CDN).  The figures
    are saved beside the model the first time (:func:`save_interactive_figures`
    does it for every organisation in the batch's study step), so a notebook
    needs neither BERTopic nor the model to show them.
    """
    if not view.has_topics:
        return {}
    saved = _figures_file(view.result, view.scope, top_n)
    stored = read_json_marker(saved, "saved figures") if saved is not None else None
    if isinstance(stored, dict):
        import plotly.io as pio

        return {name: pio.from_json(text) for name, text in stored.items()}
    figures = _bertopic_figures(view, top_n)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(saved, json.dumps({name: figure.to_json() for name, figure in figures.items()}))
    return figures


def save_interactive_figures(result: TopicResult, org_ids: Sequence[str | None], top_n: int = 10) -> int:
    """Compute and save the interactive figures of these scopes (None: the study); returns how many."""
    saved = 0
    for org_id in org_ids:
        path = _figures_file(result, org_id or "study", top_n)
        if path is None or path.exists():
            continue  # nowhere to save, or saved by an earlier run: no view to prepare (slow for big studies)
        view = topic_view(result, org_id)
        if view.has_topics:
            interactive_figures(view, top_n)
            saved += 1
    return saved


def _figures_file(result: TopicResult, scope: str, top_n: int) -> Path | None:
    """Where a scope's interactive figures are saved; named by the labels too, which they show."""
    if result.folder is None:
        return None
    labels = sorted((int(t), str(label)) for t, label in result.labels().items())
    digest = hashlib.sha256(json.dumps([FIGURES_FORMAT, labels]).encode()).hexdigest()[:8]
    return result.folder / "figures" / f"{scope}-top{top_n}-{digest}.json"


def _bertopic_figures(view: TopicView, top_n: int) -> dict[str, go.Figure]:
    model = view.result.load_model()
    chosen = view.topics.loc[view.topics["topic"] != OUTLIER, "topic"].head(top_n).astype(int).tolist()
    with _quiet_bertopic():
        figures = {}
        intertopic = _intertopic_map(model, chosen, view.scope)
        if intertopic is not None:
            figures["intertopic"] = intertopic
        figures["barchart"] = _wrapped_panel_titles(model.visualize_barchart(
            topics=chosen, n_words=8, custom_labels=True, title=f"<b>Top words ({view.scope})</b>"))
        if not view.result.hierarchy.empty:
            hierarchy = view.result.hierarchy.copy()
            figures["hierarchy"] = model.visualize_hierarchy(hierarchical_topics=hierarchy,
                                                             custom_labels=True)
        over_time = topics_over_time(view, freq="W", top_n=top_n)
        figures["over_time"] = model.visualize_topics_over_time(
            over_time, topics=chosen, custom_labels=True, title=f"<b>Topics over time ({view.scope})</b>")
        per_class = topics_per_class(view, "author_role")
        if isinstance(per_class, pd.DataFrame) and not per_class.empty:
            figures["per_class"] = model.visualize_topics_per_class(
                per_class, topics=chosen, custom_labels=True, title="<b>Topics: organisation vs public</b>")
    return figures


def _wrapped_panel_titles(figure: go.Figure) -> go.Figure:
    """BERTopic's bar chart titles each panel, a quarter of the figure wide, with its topic's label on
    one line, so long labels run into their neighbours; each is wrapped to two lines of
    :data:`PANEL_TITLE_CHARS` characters (terms kept whole, the † of an unstable topic kept), smaller."""
    for annotation in figure.layout.annotations:
        annotation.text = wrap_label(str(annotation.text), PANEL_TITLE_CHARS).replace("\n", "<br>")
        annotation.font.size = BARCHART_TITLE_PT
    return figure


def _intertopic_map(model: Any, chosen: list[int], scope: str) -> go.Figure | None:
    """BERTopic's intertopic distance map (topics placed by their c-TF-IDF similarity), when it can be drawn.

    BERTopic reduces the topic vectors to two dimensions with UMAP, which
    needs a handful of topics; with fewer (or a degenerate layout) there is
    no map, and the other figures stand alone.
    """
    if len(chosen) < 4:
        return None
    try:
        return model.visualize_topics(topics=chosen, custom_labels=True,
                                      title=f"<b>Intertopic distance map ({scope})</b>")
    except (ValueError, TypeError, IndexError) as error:  # UMAP on very few points
        logger.info("no intertopic map for %s: %s", scope, error)
        return None
