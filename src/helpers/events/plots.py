"""The figure of an event's interrupted time series: weekly shares, the event, the fitted segments."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.config import StudyConfig
from helpers.events.series import SegmentedFit
from helpers.events.study import read_event_scope
from helpers.events.trends import POOLED, SERIES_MEASURES, event_fit, pooled_fit
from helpers.notice import NotComputed, show_instead
from helpers.plots import legend_outside, percent_axis

POINTS, FITTED, COUNTERFACTUAL, EVENT = "#1f4e9c", "#d55e00", "#7f7f7f", "#f2d7a6"
UNITS = {SERIES_MEASURES["crowd_sourced"]: "threads started", SERIES_MEASURES["experiential"]: "posts",
         SERIES_MEASURES["health"]: "posts"}


def event_series_fit(config: StudyConfig, org_id: str | None, event: str | None = None,
                     measure: str = "crowd_sourced") -> SegmentedFit | NotComputed:
    """The fit a figure draws: the named event's (or :data:`~helpers.events.trends.POOLED`); by default the
    Rare Disease Days pooled, else the first event with enough weeks."""
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return scope
    what = f"Weekly {SERIES_MEASURES[measure]} around events"
    if not scope.events:
        return NotComputed(what, f"the study has no event for {scope.name} (analysis.events, "
                           "analysis.rare_disease_day)")
    if event == POOLED:
        pooled = pooled_fit(scope, measure)
        return pooled if pooled is not None else NotComputed(what, "the posts cover fewer than two Rare "
                                                             "Disease Days")
    if event is not None:
        chosen = scope.event(event)
        if chosen is None:
            raise KeyError(f"no event {event!r} (known: {', '.join(e.name for e in scope.events)})")
        return event_fit(scope, chosen, measure)
    candidates = [pooled_fit(scope, measure)] + [event_fit(scope, chosen, measure) for chosen in scope.events]
    candidates = [fit for fit in candidates if fit is not None]
    return next((fit for fit in candidates if isinstance(fit, SegmentedFit)), candidates[-1])


def plot_event_series(fit: SegmentedFit | NotComputed) -> Figure | None:
    """Weekly shares around an event (dots sized by the week's units), the event's weeks shaded, the
    fitted segments (solid) and the trend before carried on (dashed); one panel per year pooled.

    Parameters
    ----------
    fit : SegmentedFit or NotComputed
        From :func:`event_series_fit` (or :func:`helpers.events.trends.event_fit`).
    """
    if isinstance(fit, NotComputed):
        show_instead(fit)
        return None
    series = fit.series
    groups = list(dict.fromkeys(series["group"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(8.5, 3.4), layout="constrained", sharey=True,
                             squeeze=False)
    largest = max(1, int(series["units"].max()))
    for k, (ax, group) in enumerate(zip(axes[0], groups, strict=True)):
        frame = series[series["group"] == group]
        event = frame[frame["segment"] == "transition"]
        low = event["t"].min() - 0.5 if not event.empty else frame.attrs.get("first_after", 0) - 0.5
        high = event["t"].max() + 0.5 if not event.empty else low
        ax.axvspan(low, high, color=EVENT, zorder=0)
        shown = frame[frame["units"] > 0]
        ax.scatter(shown["t"], shown["share"], s=8 + 40 * shown["units"] / largest, color=POINTS,
                   alpha=0.75, linewidths=0, zorder=2)
        for segment in ("before", "after"):
            part = frame[frame["segment"] == segment]
            ax.plot(part["t"], part["fitted"], color=FITTED, linewidth=2, zorder=3)
        after = frame[frame["segment"] == "after"]
        ax.plot(after["t"], after["counterfactual"], color=COUNTERFACTUAL, linestyle="--", linewidth=1.5,
                zorder=3)
        ax.set_xlabel("weeks from the event")
        if fit.years and len(groups) > 1:
            ax.set_title(str(fit.years[k]), fontsize=10)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes[0][0].set_ylabel(f"share of {UNITS.get(fit.measure, 'units')}")
    percent_axis(axes[0][0].yaxis)
    axes[0][0].set_ylim(-0.02, 1.02)
    fig.suptitle(f"{fit.measure.capitalize()}, week by week: {fit.event}", fontsize=11)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=POINTS, label="weekly share (size: units)"),
        Patch(color=EVENT, label="the event's weeks (not fitted)"),
        Line2D([], [], color=FITTED, linewidth=2, label="fitted segments"),
        Line2D([], [], color=COUNTERFACTUAL, linestyle="--", label="trend before, carried on"),
    ]
    legend_outside(axes[0][-1], handles=handles)
    return fig
