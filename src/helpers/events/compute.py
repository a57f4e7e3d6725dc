"""One event's windows compared for one scope: volumes, shares and their differences, with intervals.

:func:`compare_windows` counts the posts and threads of each window and
computes the shares the reports show (communication modes of the threads
started in a window; knowledge types and health relevance of the public's
original posts written in it), each with its 95% interval, and their
differences from the window before (:mod:`helpers.events.compare`).  A
window outside the data, or with fewer threads than
``analysis.event_min_threads``, gives no share: a note says so instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.classify.modes import MODES
from helpers.events.compare import Difference, cluster_differences, newcombe_difference
from helpers.events.study import EventScope
from helpers.events.windows import WINDOWS, Event, window_of
from helpers.notice import NotComputed
from helpers.uncertainty import Share, clustered_share, clustered_shares, wilson_share

MODE_LINES = {"crowd_sourced": "crowd-sourced threads", "two_way": "two-way threads",
              "one_way": "one-way threads"}
KNOWLEDGE_LINES = {"experiential": "public: own stories (experiential)",
                   "mediated_experiential": "public: stories of others (mediated)",
                   "medical": "public: medical / scientific", "practical": "public: practical / support",
                   "advocacy": "public: advocacy"}
HEALTH_LINE = {"health": "public: about health"}
COMPARED = ("during", "after")
"""The windows compared with the window before."""


@dataclass
class Line:
    """One measure in each window (``shares``; None where not computed) and its differences from before."""

    key: str
    label: str
    unit: str
    shares: dict[str, Share | None]
    differences: dict[str, Difference]


@dataclass
class Comparison:
    """One event's windows for one scope (see :func:`compare_windows`)."""

    scope: str
    event: Event
    days: dict[str, int]
    posts: dict[str, int]
    threads: dict[str, int]
    public_posts: dict[str, int]
    lines: list[Line] = field(default_factory=list)
    notes: list[NotComputed] = field(default_factory=list)

    def line(self, key: str) -> Line | None:
        """The line of a measure (``crowd_sourced``, ``experiential``, ``health``...), or None."""
        return next((line for line in self.lines if line.key == key), None)

    def per_week(self, window: str) -> float | None:
        """Posts a week in a window (over its days within the data); None without such days."""
        days = self.days[window]
        return self.posts[window] / days * 7 if days else None


def compare_windows(scope: EventScope, event: Event) -> Comparison | NotComputed:
    """Volumes, shares and differences of one event's windows for one scope.

    Returns
    -------
    Comparison or NotComputed
        A note when every window lies outside the scope's posts.
    """
    days = {window: event.covered_days(window, scope.first, scope.last) for window in WINDOWS}
    if not any(days.values()):
        start, stop = event.bounds()["before"][0], event.bounds()["after"][1]
        return NotComputed(f"{event.name} (windows)", f"its windows ({start:%d %b %Y} to {stop:%d %b %Y}) "
                           f"lie outside the posts of {scope.name} ({_span(scope)})",
                           "posts from the weeks around the event")
    thread_window = window_of(scope.threads["started_at"], event)
    post_window = window_of(scope.posts["created_at"], event)
    public_window = window_of(scope.public["created_at"], event)
    comparison = Comparison(
        scope.name, event, days,
        posts={w: int((post_window == w).sum()) for w in WINDOWS},
        threads={w: int((thread_window == w).sum()) for w in WINDOWS},
        public_posts={w: int((public_window == w).sum()) for w in WINDOWS})
    for window in WINDOWS:
        if not days[window]:
            comparison.notes.append(NotComputed(
                f"{event.name}, the window {window}",
                f"it ({event.window_text(window)}) lies outside the posts of {scope.name} ({_span(scope)})"))
    if scope.modes_note is not None:
        comparison.notes.append(scope.modes_note)
    else:
        _mode_lines(scope, event, thread_window, comparison)
    _post_lines(scope, event, public_window, comparison)
    return comparison


def _span(scope: EventScope) -> str:
    if scope.first is None or scope.last is None:
        return "no posts"
    return f"{scope.first:%d %b %Y} to {scope.last:%d %b %Y}"


def _too_few(scope: EventScope, event: Event, what: str, short: dict[str, int]) -> NotComputed:
    """One note for the windows of an event that hold too few threads for ``what``."""
    listed = ", ".join(f"{window} {count}" for window, count in short.items())
    return NotComputed(
        f"{what.capitalize()} around {event.name}, {', '.join(short)}",
        f"{'this window holds' if len(short) == 1 else 'these windows hold'} fewer threads of {scope.name} "
        f"than the {scope.min_threads} a share needs (analysis.event_min_threads): {listed}",
        "longer windows (before_days, after_days, during_days of the event) or more data")


def _usable_windows(scope: EventScope, comparison: Comparison, threads: dict[str, int],
                    what: str) -> list[str]:
    """The windows with data and enough threads for shares; a note for those with data but too few."""
    short = {w: n for w, n in threads.items() if comparison.days[w] and n < scope.min_threads}
    if short:
        comparison.notes.append(_too_few(scope, comparison.event, what, short))
    return [w for w, n in threads.items() if comparison.days[w] and n >= scope.min_threads]


def _mode_lines(scope: EventScope, event: Event, windows: pd.Series, comparison: Comparison) -> None:
    """Shares of threads in each mode (Wilson), differences from before (Newcombe)."""
    modes = {w: scope.threads.loc[(windows == w).to_numpy(), "mode"] for w in WINDOWS}
    usable = _usable_windows(scope, comparison, {w: len(m) for w, m in modes.items()}, "communication modes")
    counts = {window: modes[window].value_counts() for window in usable}
    for mode in MODES:
        shares: dict[str, Share | None] = {w: None for w in WINDOWS}
        for window, count in counts.items():
            shares[window] = wilson_share(int(count.get(mode, 0)), int(count.sum()), "threads")
        differences = {}
        for window in COMPARED:
            share, base = shares[window], shares["before"]
            differences[window] = (newcombe_difference(share.count, share.total, base.count, base.total)
                                   if share is not None and base is not None
                                   else newcombe_difference(0, 0, 0, 0))
        comparison.lines.append(Line(mode, MODE_LINES[mode], "threads", shares, differences))


def _post_lines(scope: EventScope, event: Event, windows: pd.Series, comparison: Comparison) -> None:
    """Shares of the public's original posts by knowledge type and about health (cluster bootstrap)."""
    public = scope.public
    keys = list(KNOWLEDGE_LINES) + (["health"] if "health" in public else [])
    posts = {w: public[(windows == w).to_numpy()] for w in WINDOWS}
    usable = _usable_windows(scope, comparison, {w: p["thread"].nunique() for w, p in posts.items()},
                             "the public's knowledge types")
    hits = {window: posts[window] for window in usable}
    shares: dict[str, dict[str, Share | None]] = {key: {w: None for w in WINDOWS} for key in keys}
    matrices = {}
    for window, mine in hits.items():
        found = clustered_shares(mine["knowledge_type"], mine["thread"], list(KNOWLEDGE_LINES),
                                 seed=scope.seed)
        for key in KNOWLEDGE_LINES:
            shares[key][window] = found[key]
        columns = [mine["knowledge_type"].to_numpy() == key for key in KNOWLEDGE_LINES]
        if "health" in keys:
            about = mine["health"].fillna(False).astype(bool)
            shares["health"][window] = clustered_share(about, mine["thread"], seed=scope.seed)
            columns.append(about.to_numpy())
        matrices[window] = np.stack(columns, axis=1)
    differences: dict[str, dict[str, Difference]] = {key: {} for key in keys}
    for window in COMPARED:
        if window in matrices and "before" in matrices:
            found = cluster_differences(matrices[window], hits[window]["thread"], matrices["before"],
                                        hits["before"]["thread"], seed=scope.seed)
        else:
            found = cluster_differences(np.zeros((0, len(keys))), [], np.zeros((0, len(keys))), [])
        for key, difference in zip(keys, found, strict=True):
            differences[key][window] = difference
    labels = {**KNOWLEDGE_LINES, **HEALTH_LINE}
    for key in keys:
        comparison.lines.append(Line(key, labels[key], "posts", shares[key], differences[key]))
