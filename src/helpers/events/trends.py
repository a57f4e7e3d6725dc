"""Weekly series of the main shares around each event, and their segmented regressions.

Three series (:data:`SERIES_MEASURES`): the share of crowd-sourced threads
among the threads started each week; of the public's own stories
(experiential) among the public's original posts; of the public's posts
about health.  Each event gets its own fit
(:func:`helpers.events.series.segmented_fit`, ``analysis.event_series_weeks``
weeks each side, bounded by the data); the Rare Disease Days of several
years are also pooled in event time.
"""

from __future__ import annotations

import pandas as pd

from helpers.events.series import MIN_WEEKS, SegmentedFit, event_weeks, segmented_fit, weekly_counts
from helpers.events.study import EventScope
from helpers.events.windows import RARE_DISEASE_DAY, Event
from helpers.notice import NotComputed

SERIES_MEASURES = {"crowd_sourced": "crowd-sourced threads",
                   "experiential": "the public's own stories (experiential)",
                   "health": "the public's posts about health"}
POOLED = f"{RARE_DISEASE_DAY}, years pooled"


def measure_weeks(scope: EventScope, measure: str) -> pd.DataFrame | NotComputed:
    """Units and hits of a measure per week over the scope's data (:func:`weekly_counts`)."""
    if measure not in SERIES_MEASURES:
        raise KeyError(f"unknown measure {measure!r}; known: {', '.join(SERIES_MEASURES)}")
    if scope.first is None or scope.last is None:
        return NotComputed(f"Weekly {SERIES_MEASURES[measure]}", f"{scope.name} has no posts")
    if measure == "crowd_sourced":
        if scope.modes_note is not None:
            return scope.modes_note
        threads = scope.threads
        crowd = threads["mode"] == "crowd_sourced"
        return weekly_counts(threads["started_at"], crowd, scope.first, scope.last)
    public = scope.public
    if measure == "health" and "health" not in public:
        return NotComputed(f"Weekly {SERIES_MEASURES[measure]}", "the posts were classified before health "
                           "relevance was measured", "the classification run again")
    hits = (public["knowledge_type"] == "experiential" if measure == "experiential"
            else public["health"].fillna(False).astype(bool))
    return weekly_counts(public["created_at"], hits, scope.first, scope.last)


def event_fit(scope: EventScope, event: Event, measure: str,
              weeks: pd.DataFrame | NotComputed | None = None) -> SegmentedFit | NotComputed:
    """The segmented regression of one measure around one event."""
    weeks = measure_weeks(scope, measure) if weeks is None else weeks
    if isinstance(weeks, NotComputed):
        return weeks
    frame = event_weeks(weeks, event, scope.weeks)
    return segmented_fit([frame], SERIES_MEASURES[measure], event.name, years=[event.year])


def pooled_fit(scope: EventScope, measure: str,
               weeks: pd.DataFrame | NotComputed | None = None) -> SegmentedFit | NotComputed | None:
    """The Rare Disease Days of every year pooled in event time; None with fewer than two of them.

    Years with too few weeks on either side are left out of the pool (the
    fit's ``years`` says which were used).
    """
    days = [event for event in scope.events if event.kind == "rare_disease_day"]
    if len(days) < 2:
        return None
    weeks = measure_weeks(scope, measure) if weeks is None else weeks
    if isinstance(weeks, NotComputed):
        return weeks
    frames = [event_weeks(weeks, event, scope.weeks) for event in days]
    fit = segmented_fit(frames, SERIES_MEASURES[measure], POOLED, years=[event.year for event in days])
    if isinstance(fit, SegmentedFit) and len(fit.years) < 2:
        return NotComputed(f"Interrupted time series of {SERIES_MEASURES[measure]}, {POOLED}",
                           f"only {fit.years[0]} has at least {MIN_WEEKS} weeks with data on each side of "
                           "Rare Disease Day: its own fit is the one to read",
                           "posts over a longer period around the other years' Rare Disease Day")
    return fit


def series_fits(scope: EventScope, measure: str) -> list[tuple[str, SegmentedFit | NotComputed]]:
    """Every event's fit of one measure, then the pooled Rare Disease Days (when there are two or more)."""
    weeks = measure_weeks(scope, measure)
    fits: list[tuple[str, SegmentedFit | NotComputed]] = [
        (event.name, event_fit(scope, event, measure, weeks)) for event in scope.events]
    pooled = pooled_fit(scope, measure, weeks)
    if pooled is not None:
        fits.append((POOLED, pooled))
    return fits
