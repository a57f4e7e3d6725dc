"""Before, during and after events: Rare Disease Day, a drug approval, a media event.

:mod:`helpers.events.windows` defines an event's windows (the study file's
``analysis.events`` and Rare Disease Day of every year the posts cover);
:mod:`helpers.events.compare` the differences of two windows' shares with
their 95% intervals (Newcombe's hybrid score interval for threads, a
cluster bootstrap by thread for posts); :mod:`helpers.events.series` the
interrupted time series (segmented regression with Newey-West errors;
Wagner et al. 2002, Bernal et al. 2017).  Plain data in and out.
:mod:`helpers.events.study` reads a study's posts and threads once,
:mod:`helpers.events.compute` compares one event's windows for one scope,
:mod:`helpers.events.trends` fits the weekly series, and
:mod:`helpers.events.report` holds what the notebooks and reports show
(tables for people, or in words what could not be computed);
:mod:`helpers.events.plots` the figure.  The method: ``docs/events.md``.
"""

from helpers.events.compare import Difference, cluster_differences, newcombe_difference, signed_points
from helpers.events.compute import Comparison, Line, compare_windows
from helpers.events.plots import event_series_fit, plot_event_series
from helpers.events.report import (
    comparison_table,
    event_names,
    event_series,
    event_table,
    event_topics,
    event_windows,
    events_comparison,
    events_reading,
)
from helpers.events.series import (
    Estimate,
    SegmentedFit,
    event_weeks,
    newey_west_lags,
    segmented_fit,
    weekly_counts,
)
from helpers.events.study import EventScope, StudyEvents, read_event_scope, read_study_events
from helpers.events.trends import SERIES_MEASURES, event_fit, pooled_fit, series_fits
from helpers.events.windows import WINDOWS, Event, find_event, study_events, window_of

__all__ = [
    "SERIES_MEASURES",
    "WINDOWS",
    "Comparison",
    "Difference",
    "Estimate",
    "Event",
    "EventScope",
    "Line",
    "SegmentedFit",
    "StudyEvents",
    "cluster_differences",
    "compare_windows",
    "comparison_table",
    "event_fit",
    "event_names",
    "event_series",
    "event_series_fit",
    "event_table",
    "event_topics",
    "event_weeks",
    "event_windows",
    "events_comparison",
    "events_reading",
    "find_event",
    "newcombe_difference",
    "newey_west_lags",
    "plot_event_series",
    "pooled_fit",
    "read_event_scope",
    "read_study_events",
    "segmented_fit",
    "series_fits",
    "signed_points",
    "study_events",
    "weekly_counts",
    "window_of",
]
