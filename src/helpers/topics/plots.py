"""Static figures of topic views (matplotlib), sized for the HTML reports.

Top words per topic, topics over time (Rare Disease Day marked), heatmaps of
topics per class and per organisation, and the hierarchy of topics; labels
shortened or wrapped (:func:`short_label`, :func:`wrap_label`) so that no two
texts run together.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.notice import NotComputed, drawable, show_instead
from helpers.periods import rare_disease_day
from helpers.topics.labels import LABEL_SEPARATOR
from helpers.topics.params import OUTLIER
from helpers.topics.results import UNSTABLE_MARK, TopicResult, TopicView
from helpers.topics.views import _no_topic_view, no_terms, topic_shares_by_org, topics_over_time

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# Inches: the HTML reports show figures about 1000 px wide (matplotlib's 100 dpi, 0.1 in margins saved
# around them); a figure no wider is never shrunk there, so its 7-8 pt text stays readable.
FIGURE_WIDTH = 9.8
PANEL_COLUMNS = 4  # panels a row in plot_top_terms
PANEL_TITLE_CHARS = 26  # characters a line of a panel title: four 8 pt titles side by side never touch
HEATMAP_LABEL_CHARS = 45  # topic labels beside a heatmap or a dendrogram
HEATMAP_MIN_CELL = 0.4  # inches: narrower heatmap cells show their colour only, not their value
WEEKLY_BINS_UP_TO = pd.Timedelta(days=183)  # posts spanning longer are counted by month over time


def short_label(label: str, width: int = HEATMAP_LABEL_CHARS) -> str:
    """A topic label cut to ``width`` characters at a word, ending in an ellipsis when cut.

    The mark of an unstable topic (:data:`UNSTABLE_MARK`) is kept at the end.
    """
    if label.endswith(UNSTABLE_MARK):
        return short_label(label.removesuffix(UNSTABLE_MARK), width - len(UNSTABLE_MARK)) + UNSTABLE_MARK
    short = textwrap.shorten(label, width, placeholder=" …")
    return re.sub(rf"\s*{re.escape(LABEL_SEPARATOR.strip())}\s*…$", " …", short)


def wrap_label(label: str, width: int, lines: int = 2) -> str:
    """A topic label in lines of at most ``width`` characters, at most ``lines`` lines.

    Lines break between the label's terms (after :data:`LABEL_SEPARATOR`)
    where a term fits on a line, so that a term is not split; what does not
    fit in ``lines`` lines is cut with an ellipsis.  The mark of an unstable
    topic (:data:`UNSTABLE_MARK`) is kept at the end.
    """
    if label.endswith(UNSTABLE_MARK):
        base = label.removesuffix(UNSTABLE_MARK)
        return wrap_label(base, width - len(UNSTABLE_MARK), lines) + UNSTABLE_MARK
    sep = LABEL_SEPARATOR.rstrip()
    pieces = label.split(LABEL_SEPARATOR)
    rows: list[str] = []
    for i, piece in enumerate(pieces):
        piece += sep if i < len(pieces) - 1 else ""
        if rows and len(rows[-1]) + 1 + len(piece) <= width:
            rows[-1] += " " + piece
        else:
            rows.extend(textwrap.wrap(piece, width) or [piece[:width]])
    if len(rows) > lines:
        last = rows[lines - 1].removesuffix(sep).rstrip()
        if len(last) + 2 > width:
            last = textwrap.shorten(last, width - 2, placeholder="") or last[:width - 2]
        rows = [*rows[:lines - 1], last + " …"]
    return "\n".join(rows)


def plot_top_terms(view: TopicView, n_topics: int = 12, n_words: int = 8) -> Figure | None:
    """Bars of the top c-TF-IDF words of the view's largest topics (frequent terms without topics).

    Four panels a row, :data:`FIGURE_WIDTH` inches in all; each panel's title
    is its topic label wrapped to :data:`PANEL_TITLE_CHARS` characters a line
    (two lines at most) above its number of posts, so that neighbouring
    titles never run into each other.
    """
    import matplotlib.pyplot as plt

    if not view.has_topics:
        if view.terms.empty:  # nothing to draw; topic_table(view) says why, in the same section
            return None
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        terms = view.terms.head(15).iloc[::-1]
        ax.barh(terms["term"], terms["count"], color="#7f7f7f")
        ax.set_xlabel("occurrences")
        ax.set_title(f"Most frequent terms ({view.scope}, {len(view.documents)} posts, no topic view)",
                     fontsize=10, wrap=True)
        return fig
    chosen = view.topics[view.topics["topic"] != OUTLIER].head(n_topics)
    full = view.result.topics.set_index("topic")
    cols = max(1, min(PANEL_COLUMNS, len(chosen)))
    rows = max(1, math.ceil(len(chosen) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(FIGURE_WIDTH, 2.5 * rows), squeeze=False,
                             layout="constrained")
    panels = chosen[["topic", "label", "posts"]].itertuples(index=False)
    for ax, (topic, label, posts) in zip(axes.flat, panels, strict=False):
        words = list(full.at[topic, "words"])[:n_words][::-1]
        weights = list(full.at[topic, "weights"])[:n_words][::-1]
        ax.barh(words, weights, color=plt.cm.tab20(int(topic) % 20))
        ax.set_title(f"{wrap_label(str(label), PANEL_TITLE_CHARS)}\n{posts} posts", fontsize=8)
        ax.tick_params(axis="y", labelsize=7, length=0)
        ax.set_xticks([])
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_visible(False)
    unstable = any(str(label).endswith(UNSTABLE_MARK) for label in chosen["label"])
    fig.suptitle(f"Top words per topic ({view.scope}; c-TF-IDF weight)"
                 + (f"; {UNSTABLE_MARK.strip()} unstable across refits" if unstable else ""), fontsize=10)
    return fig


def over_time_bins(documents: pd.DataFrame) -> str:
    """The period of :func:`plot_topics_over_time`: weeks over half a year of posts at most, else months.

    Weekly counts of a long span are mostly 0, 1 or 2 posts a topic: their
    lines cross every week and the figure shows noise.  Monthly counts keep
    the trend (and Rare Disease Day's February) readable.
    """
    if documents.empty:
        return "W"
    span = documents["created_at"].max() - documents["created_at"].min()
    return "W" if span <= WEEKLY_BINS_UP_TO else "M"


def plot_topics_over_time(view: TopicView, freq: str | None = None, top_n: int = 5) -> Axes | None:
    """Posts per week or month of the view's largest topics, with Rare Disease Day marked each year.

    Parameters
    ----------
    view : TopicView
    freq : str, optional
        pandas period alias (``"W"``, ``"M"``...); by default
        :func:`over_time_bins` (weeks up to half a year of posts, else months).
    top_n : int
        Lines drawn: the view's largest topics (few enough for their colours
        to stay apart).

    Returns
    -------
    Axes or None
        The legend is below the axes and the Rare Disease Day marks above
        them, so neither covers a line; dates are written concisely
        (:class:`matplotlib.dates.ConciseDateFormatter`).  None, with a note,
        when the scope has no posts.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    freq = freq or over_time_bins(view.documents)
    table = topics_over_time(view, freq=freq, top_n=top_n)
    if table.empty:
        show_instead(no_terms(view) if view.documents.empty else _no_topic_view(view, "Topics over time"))
        return None
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.2), layout="constrained")
    wide = table.pivot_table(index="Timestamp", columns="label", values="Frequency", aggfunc="sum",
                             sort=False)
    ends = wide.index.to_period(freq).end_time
    middle = wide.index + (ends - wide.index) / 2  # each count at the middle of its period
    for i, (label, counts) in enumerate(wide.items()):
        ax.plot(middle.to_numpy(), counts.to_numpy(), color=plt.cm.tab10(i % 10), linewidth=1.6,
                marker="o" if len(middle) <= 60 else None, markersize=3,
                label=short_label(str(label)))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    _mark_rare_disease_days(ax, wide.index.min(), ends.max())
    unit = {"W": "week", "M": "month", "Q": "quarter"}.get(freq, freq)
    ax.set_ylabel(f"posts per {unit}")
    title = "Topics over time" if view.has_topics else "Eligible posts over time (no topic view)"
    ax.set_title(f"{title} ({view.scope})", pad=18)
    if view.has_topics:
        fig.legend(loc="outside lower center", ncol=min(3, wide.shape[1]), fontsize=8, frameon=False)
    return ax


def _mark_rare_disease_days(ax: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """A dotted line at each Rare Disease Day from ``start`` to ``end``, named above the axes."""
    for year in range(start.year, end.year + 1):
        day = rare_disease_day(year).tz_localize(None)
        if start <= day <= end:
            ax.axvline(day.to_datetime64(), color="grey", linestyle=":", linewidth=1)
            ax.annotate("Rare Disease Day", (day.to_datetime64(), 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3), textcoords="offset points", fontsize=7, color="dimgrey",
                        ha="center", va="bottom")


def plot_topics_per_class(table: pd.DataFrame | NotComputed, value: str = "share_of_class",
                          top_n: int = 12) -> Axes | None:
    """Heatmap of a :func:`topics_per_class` table: topics (rows) by class (columns)."""
    if isinstance(table, pd.DataFrame) and table.empty:
        show_instead(NotComputed("Topics per class", "there are no posts with both a topic and a class "
                                 "in this scope"))
        return None
    table = drawable(table)
    if table is None:
        return None
    order = (table[table["Topic"] != OUTLIER].groupby("label")["Frequency"].sum()
             .sort_values(ascending=False).head(top_n).index)
    if len(order) == 0:
        order = table.groupby("label")["Frequency"].sum().index
    wide = table.pivot_table(index="label", columns="Class", values=value, aggfunc="sum")
    wide = wide.reindex(order).fillna(0)
    what = value.replace("_", " ")
    return _heatmap(wide, f"Topics per class ({what})", what, percent=value != "Frequency")


def plot_topic_shares_by_org(result: TopicResult, top_n: int = 15) -> Axes | None:
    """Heatmap of :func:`topic_shares_by_org`: how organisations spread over the shared topics."""
    shares = topic_shares_by_org(result, top_n)
    if shares.empty:
        why = result.messages[0] if result.messages and not result.has_topics else "the model has no topics"
        show_instead(NotComputed("Topics by organisation", f"the study's shared model has no topics: {why}"))
        return None
    return _heatmap(shares, "Share of each organisation's posts per topic",
                    "share of the organisation's posts")


def _heatmap(wide: pd.DataFrame, title: str, what: str, percent: bool = True) -> Axes:
    """Rows by columns, coloured by value; each cell's value written in it where the cell is wide enough.

    At most :data:`FIGURE_WIDTH` wide: with many columns the cells narrow,
    their names are turned (30 degrees, or upright beyond six columns) when
    they do not fit level, and below :data:`HEATMAP_MIN_CELL` inches only the
    colour (and the colour bar) tells a cell's value, so that no two texts run
    together.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n_rows, n_cols = wide.shape
    values = wide.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(min(FIGURE_WIDTH, 1.2 * n_cols + 4.5), 0.38 * n_rows + 1.6),
                           layout="constrained")
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    columns = [textwrap.shorten(str(c), 24, placeholder="…") for c in wide.columns]
    ax.set_xticks(range(n_cols), columns, fontsize=8)
    ax.set_yticks(range(n_rows), [short_label(str(i)) for i in wide.index], fontsize=8)
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    if percent:
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:g}%"))  # 5%, 0.5%
    bar.set_label(what, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10)
    fig.draw_without_rendering()  # lays the figure out: the cells' width is known only then
    cell = ax.get_window_extent().width / n_cols / fig.dpi
    if max(map(len, columns), default=0) * 8 * 0.6 / 72 > cell:  # 8 pt names, 0.6 em a character
        upright = n_cols > 6
        plt.setp(ax.get_xticklabels(), rotation=90 if upright else 30, ha="right",
                 va="center" if upright else "top", rotation_mode="anchor")
    if cell >= HEATMAP_MIN_CELL:
        top = float(np.nanmax(values)) if values.size else 0.0
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.0%}" if percent else f"{v:,.0f}", ha="center", va="center", fontsize=7,
                    color="white" if v > top * 0.6 else "black")
    return ax


def plot_topic_hierarchy(result: TopicResult, max_topics: int = 60) -> Axes | None:
    """Dendrogram of the shared topics (BERTopic's hierarchy: Ward on c-TF-IDF cosine distances).

    :data:`FIGURE_WIDTH` wide, topic labels shortened to
    :data:`HEATMAP_LABEL_CHARS` characters so that they fit beside the tree.
    """
    import matplotlib.pyplot as plt
    from scipy.cluster.hierarchy import dendrogram

    hierarchy = result.hierarchy
    if hierarchy.empty:
        show_instead(NotComputed("Hierarchy of topics", "the study's shared model has fewer than 3 topics"))
        return None
    linkage = hierarchy_linkage(hierarchy)
    n_leaves = linkage.shape[0] + 1
    known = result.labels()
    labels = [short_label(known.get(i, str(i))) for i in range(n_leaves)]
    _, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(3.0, 0.26 * min(n_leaves, max_topics) + 1.2)),
                         layout="constrained")
    dendrogram(linkage, labels=labels, orientation="left", ax=ax, color_threshold=None,
               truncate_mode="lastp" if n_leaves > max_topics else None, p=max_topics,
               leaf_font_size=8)
    ax.spines[["top", "left", "right"]].set_visible(False)
    ax.set_xlabel("distance (Ward, 1 - cosine similarity of c-TF-IDF)")
    ax.set_title("Hierarchy of topics")
    return ax


def hierarchy_linkage(hierarchy: pd.DataFrame) -> np.ndarray:
    """Rebuild the SciPy linkage matrix from BERTopic's ``hierarchical_topics`` table."""
    frame = hierarchy.assign(_parent=hierarchy["Parent_ID"].astype(int)).sort_values("_parent")
    return np.column_stack([
        frame["Child_Left_ID"].astype(float), frame["Child_Right_ID"].astype(float),
        frame["Distance"].astype(float), frame["Topics"].map(len).astype(float),
    ])
