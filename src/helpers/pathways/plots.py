"""The figure of the pathway analysis: which sources were brought in, period by period."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from helpers.link_sources import SOURCE_LABELS
from helpers.notice import Shown, drawable
from helpers.plots import date_axis, legend_outside

#: One colour per source type (colour-blind safe, medical authority in blues).
SOURCE_COLOURS = {
    "medical_scientific": "#1f4e9c", "regulator_public_health": "#6f9fd8", "news": "#e69f00",
    "patient_organisation": "#009e73", "fundraising": "#cc79a7", "social_video": "#d55e00",
    "commercial_pharma": "#7f3c8d", "other": "#999999", "shortened": "#c8c8c8", "unknown": "#e3e3e3",
}


def plot_sources_over_time(counts: Shown, period: str = "quarter") -> Figure | None:
    """Stacked bars of the links brought in per period, by source type.

    Parameters
    ----------
    counts : DataFrame
        :func:`helpers.pathways.report.sources_over_time_table`: one row per
        period, one column of link counts per source type.
    period : str
        What one bar is, for the axis label.
    """
    counts = drawable(counts, "Link sources over time")
    if counts is None:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 3.6), layout="constrained")
    bottom = None
    width = 0.8 * (counts.index[1] - counts.index[0]).days if len(counts) > 1 else 20
    for kind in counts.columns:
        values = counts[kind].to_numpy()
        ax.bar(counts.index, values, width=width, bottom=bottom, label=SOURCE_LABELS.get(kind, kind),
               color=SOURCE_COLOURS.get(kind, "#555555"), align="edge")
        bottom = values if bottom is None else bottom + values
    ax.set_ylabel(f"links per {period}")
    ax.set_title("Sources brought in (shares and quotes not counted)", fontsize=11)
    date_axis(ax.xaxis)
    legend_outside(ax, title="source type")
    return fig
