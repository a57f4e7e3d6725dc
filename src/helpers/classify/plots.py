"""Figures of the classification notebook (matplotlib).

Every figure is drawn from aggregated tables (shares, counts, model
estimates): no text, handle or pseudonym reaches them.  Colours are fixed per
mode and knowledge type, so figures of different organisations compare.
Every figure uses constrained layout and keeps its legend out of the data
area (the layout helpers are in :mod:`helpers.plots`).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import MODES
from helpers.notice import NotComputed, Shown, drawable, show_instead
from helpers.plots import date_axis, legend_outside, log_ratio_axis, percent_axis, wrapped

MODE_COLOURS = {"one_way": "#4C72B0", "two_way": "#DD8452", "crowd_sourced": "#55A868"}
KNOWLEDGE_COLOURS = {
    "experiential": "#C44E52",
    "mediated_experiential": "#E6A0A2",
    "medical": "#4C72B0",
    "practical": "#55A868",
    "advocacy": "#8172B3",
    "other": "#B0B0B0",
}
LABELS = {
    "one_way": "one-way",
    "two_way": "two-way",
    "crowd_sourced": "crowd-sourced",
    "experiential": "experiential",
    "mediated_experiential": "mediated experiential",
    "medical": "medical / scientific",
    "practical": "practical / support",
    "advocacy": "advocacy / events",
    "other": "other",
}


#: Inches of the forest plot: the class labels on the left, each metric's panel, the whole at most.
IRR_LABEL_WIDTH, IRR_PANEL_WIDTH, IRR_MAX_WIDTH = 2.2, 2.8, 10.0


def _grid(n: int, width: float = 4.2, height: float = 3.0) -> tuple[Figure, np.ndarray]:
    cols = min(n, 2)
    rows = int(np.ceil(n / cols)) if n else 1
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False, sharey=True,
                             layout="constrained")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def plot_mode_shares(shares: Shown, by: str = "org_id") -> Figure | None:
    """Stacked shares of one-way, two-way and crowd-sourced threads over time, one panel per organisation.

    Parameters
    ----------
    shares : DataFrame
        From :func:`helpers.classify.modes.mode_shares`.
    by : str
        The grouping column of ``shares``.
    """
    shares = drawable(shares)
    if shares is None:
        return None
    groups = sorted(shares[by].unique())
    fig, axes = _grid(len(groups))
    for ax, group in zip(axes, groups, strict=False):
        table = shares[shares[by] == group].pivot(index="period", columns="mode", values="share")
        table = table.reindex(columns=list(MODES)).fillna(0.0).sort_index()
        ax.stackplot(
            table.index,
            *[table[m] for m in MODES],
            colors=[MODE_COLOURS[m] for m in MODES],
            labels=[LABELS[m] for m in MODES],
            alpha=0.9,
        )
        ax.set_title(wrapped(str(group), 3.6, 10), fontsize=10)
        ax.set_ylim(0, 1)
        date_axis(ax.xaxis)
        percent_axis(ax.yaxis)
        ax.tick_params(axis="x", labelsize=8)
    if groups:
        axes[0].set_ylabel("share of threads")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(MODES), fontsize=8, frameon=False)
    fig.suptitle("Communication modes over time")
    return fig


def plot_knowledge_shares(overview: Shown) -> Axes | None:
    """Horizontal stacked bars: share of each knowledge type per organisation and author role.

    Parameters
    ----------
    overview : DataFrame
        ``org_id``, ``author_role``, ``knowledge_type``, ``share`` (e.g. from
        :func:`helpers.classify.report.knowledge_overview`).
    """
    overview = drawable(overview)
    if overview is None:
        return None
    table = overview.pivot_table(
        index=["org_id", "author_role"], columns="knowledge_type", values="share", fill_value=0.0
    )
    table = table.reindex(columns=list(KNOWLEDGE_TYPES), fill_value=0.0).sort_index(ascending=False)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 2.0), layout="constrained")
    left = np.zeros(len(table))
    labels = [f"{org} · {role}" for org, role in table.index]
    for kind in KNOWLEDGE_TYPES:
        ax.barh(labels, table[kind], left=left, color=KNOWLEDGE_COLOURS[kind], label=LABELS[kind])
        left += table[kind].to_numpy()
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis)
    ax.set_xlabel("share of posts")
    ax.set_title("Knowledge types by organisation and author")
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    return ax


def plot_knowledge_by_mode(table: Shown) -> Axes | None:
    """Heat map of the share of each knowledge type within each mode.

    Parameters
    ----------
    table : DataFrame
        Rows knowledge types, columns modes, values shares (columns sum to 1).
    """
    table = drawable(table)
    if table is None or table.shape[1] == 0:
        return None
    _, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    values = table.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1e-9), aspect="auto")
    ax.set_xticks(range(table.shape[1]), [LABELS.get(c, c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [LABELS.get(r, r) for r in table.index])
    for (i, j), value in np.ndenumerate(values):
        ax.text(
            j,
            i,
            f"{value:.0%}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if value > values.max() * 0.6 else "black",
        )
    ax.set_title("Knowledge types within each mode (share of posts)")
    colourbar = plt.colorbar(image, ax=ax, fraction=0.04)
    percent_axis(colourbar.ax.yaxis)
    return ax


def plot_response_times(times: Shown, max_hours: float = 24 * 7) -> Axes | None:
    """Kaplan-Meier curves: share of public posts to the organisation still unanswered after t hours.

    Parameters
    ----------
    times : DataFrame
        From :func:`helpers.classify.modes.response_times`.
    max_hours : float
        Right end of the time axis (one week by default).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    times = drawable(times, figure="Response-time curves")
    if times is None:
        return None
    if not times["answered"].any():
        show_instead(NotComputed("Response-time curves", "the organisation answered none of the public posts "
                                 "addressed to it in the exports"))
        return None
    _, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    for org_id, group in times.groupby("org_id", sort=True):
        if len(group) < 2 or not group["answered"].any():
            continue
        fit = SurvfuncRight(
            group["observed_hours"].clip(lower=0).to_numpy(dtype=float), group["answered"].to_numpy(dtype=int)
        )
        x = np.concatenate([[0.0], fit.surv_times])
        y = np.concatenate([[1.0], fit.surv_prob])
        ax.step(x, y, where="post", label=f"{org_id} (n={len(group)})")
    ax.set_xlim(0, max_hours)
    if max_hours >= 48:  # ticks at whole days
        ax.xaxis.set_major_locator(MultipleLocator(24 * math.ceil(max_hours / 24 / 8)))
    ax.set_ylim(0, 1.02)
    percent_axis(ax.yaxis)
    ax.set_xlabel("hours since the public post")
    ax.set_ylabel("share still unanswered")
    ax.set_title("Organisations' response to the public (Kaplan-Meier)")
    legend_outside(ax)
    return ax


def plot_irr(models: Shown) -> Figure | None:
    """Forest plot of incidence rate ratios with 95% confidence intervals, one panel per metric.

    Parameters
    ----------
    models : DataFrame
        From :func:`helpers.classify.engagement.engagement_models`.
    """
    models = drawable(models)
    if models is None:
        return None
    metrics = list(dict.fromkeys(models["metric"]))
    panels = max(len(metrics), 1)
    width = min(IRR_MAX_WIDTH, IRR_LABEL_WIDTH + IRR_PANEL_WIDTH * panels)
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(width, 0.4 * max(len(models) // panels, 4) + 1.8),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        table = models[models["metric"] == metric].reset_index(drop=True)
        labels = [
            f"{LABELS.get(level, level)}\n(vs {LABELS.get(ref, ref)})"
            for level, ref in zip(table["level"], table["reference"], strict=True)
        ]
        y = np.arange(len(table))[::-1]
        colours = [KNOWLEDGE_COLOURS.get(level, MODE_COLOURS.get(level, "grey")) for level in table["level"]]
        ax.errorbar(
            table["irr"],
            y,
            xerr=[table["irr"] - table["ci_low"], table["ci_high"] - table["irr"]],
            fmt="none",
            ecolor="grey",
            capsize=3,
        )
        ax.scatter(table["irr"], y, c=colours, zorder=3)
        ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
        log_ratio_axis(ax)
        ax.set_yticks(y, labels, fontsize=8)
        title = f"{metric} ({table['model'].iloc[0].split(',')[0]})"
        ax.set_title(wrapped(title, (width - IRR_LABEL_WIDTH) / panels, 9), fontsize=9)
        ax.set_xlabel("incidence rate ratio")
    fig.suptitle("Engagement by knowledge type and mode")
    return fig


def plot_confusion(confusion: pd.DataFrame, title: str = "Confusion matrix") -> Axes:
    """Confusion matrix as a heat map: colour by row share (recall), numbers are counts."""
    _, ax = plt.subplots(figsize=(1.1 * confusion.shape[1] + 2.5, 0.8 * confusion.shape[0] + 1.5),
                         layout="constrained")
    return _confusion_on(ax, confusion, title)


def _confusion_on(ax: Axes, confusion: pd.DataFrame, title: str) -> Axes:
    counts = confusion.to_numpy(dtype=float)
    rows = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    ax.imshow(shares, cmap="Greens", vmin=0, vmax=1)
    ax.set_xticks(
        range(counts.shape[1]),
        [LABELS.get(c, c) for c in confusion.columns],
        rotation=35,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(counts.shape[0]), [LABELS.get(r, r) for r in confusion.index], fontsize=8)
    for (i, j), value in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            f"{int(value)}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if shares[i, j] > 0.6 else "black",
        )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    return ax


def plot_validation(tables: dict[str, pd.DataFrame]) -> Figure | None:
    """Confusion matrices of mode and knowledge type side by side (None without gold labels)."""
    keys = [k for k in ("mode_confusion", "knowledge_confusion") if k in tables]
    if not keys:
        return None
    fig, axes = plt.subplots(1, len(keys), figsize=(5.5 * len(keys), 4.6), squeeze=False,
                             layout="constrained")
    for ax, key in zip(axes.ravel(), keys, strict=True):
        _confusion_on(ax, tables[key], key.replace("_confusion", "").replace("_", " "))
    return fig
