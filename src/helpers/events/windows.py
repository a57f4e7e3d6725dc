"""Events and their windows: before, during and after a dated event.

An event is one day (Rare Disease Day, a drug approval, a television
programme) or a span (a campaign).  Its *during* window is the day or span
widened by a margin each side (three days for a single day by default: the
week centred on it, since a post about an event comes on the days around
it, not only on the day); its *before* and *after* windows are the
``before_days`` and ``after_days`` next to the during window (28 by default:
four whole weeks, so every weekday counts equally).  Windows are half-open
intervals of UTC days.

Examples
--------
>>> event = Event("Rare Disease Day 2024", pd.Timestamp("2024-02-29", tz="UTC"),
...               pd.Timestamp("2024-02-29", tz="UTC"))
>>> event.during_text()
'26 Feb–3 Mar 2024'
>>> [w for w in window_of(pd.Series(pd.to_datetime(["2024-02-01", "2024-02-26", "2024-03-04"], utc=True)),
...                       event)]
['before', 'during', 'after']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.config import EVENT_MARGIN_DAYS, EVENT_WINDOW_DAYS, StudyConfig
from helpers.periods import rare_disease_day

WINDOWS = ("before", "during", "after")
RARE_DISEASE_DAY = "Rare Disease Day"
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Event:
    """A dated event: its first and last day (UTC midnights), its margin and its windows' lengths."""

    name: str
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    margin_days: int = EVENT_MARGIN_DAYS
    before_days: int = EVENT_WINDOW_DAYS
    after_days: int = EVENT_WINDOW_DAYS
    kind: str = "study"
    """``"rare_disease_day"`` for the Rare Disease Days the study adds, ``"study"`` for the study file's."""

    @property
    def during_start(self) -> pd.Timestamp:
        """The first moment of the during window."""
        return self.first_day - self.margin_days * DAY

    @property
    def during_stop(self) -> pd.Timestamp:
        """The moment after the during window (its last day's end)."""
        return self.last_day + (self.margin_days + 1) * DAY

    def bounds(self) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
        """Each window's first moment and the moment after it."""
        return {
            "before": (self.during_start - self.before_days * DAY, self.during_start),
            "during": (self.during_start, self.during_stop),
            "after": (self.during_stop, self.during_stop + self.after_days * DAY),
        }

    def days(self, window: str) -> int:
        """How many days a window lasts."""
        start, stop = self.bounds()[window]
        return int((stop - start) / DAY)

    def covered_days(self, window: str, first: pd.Timestamp | None, last: pd.Timestamp | None) -> int:
        """Days of a window that fall within the data (``first`` to ``last``, the first and last post)."""
        if first is None or last is None:
            return 0
        start, stop = self.bounds()[window]
        low = max(start, first.normalize())
        high = min(stop, last.normalize() + DAY)
        return max(0, int((high - low) / DAY))

    def window_text(self, window: str) -> str:
        """``"26 Feb–3 Mar 2024"``: a window's first and last day."""
        start, stop = self.bounds()[window]
        return day_range(start, stop - DAY)

    def during_text(self) -> str:
        """The during window as days."""
        return self.window_text("during")

    @property
    def year(self) -> int:
        """The year of the event's first day."""
        return int(self.first_day.year)


def day_range(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """``"26 Feb–3 Mar 2024"``, ``"3–9 Mar 2024"``, ``"20 Dec 2024–2 Jan 2025"``."""
    if first.year != last.year:
        return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b}–{last.day} {last:%b %Y}"
    if first.day != last.day:
        return f"{first.day}–{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y}"


def window_of(times: pd.Series, event: Event) -> pd.Series:
    """The window (``before``, ``during``, ``after``) each time falls in; missing outside them all."""
    utc = pd.to_datetime(times, utc=True)
    out = pd.Series(pd.NA, index=utc.index, dtype=object)
    for window, (start, stop) in event.bounds().items():
        out[(utc >= start) & (utc < stop)] = window
    return out


def _utc_day(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def study_events(config: StudyConfig, first: pd.Timestamp | None, last: pd.Timestamp | None) -> list[Event]:
    """The study's events: those of the study file, then Rare Disease Day of each year the posts cover.

    Parameters
    ----------
    first, last : Timestamp or None
        The study's first and last post.  Rare Disease Day of a year counts
        when the day itself falls between them (``analysis.rare_disease_day``);
        a study-file event on the same day replaces it.
    """
    events = []
    for item in config.analysis.events:
        events.append(Event(item.name, _utc_day(item.first_day), _utc_day(item.last_day), item.margin_days,
                            item.before_days, item.after_days, "study"))
    if config.analysis.rare_disease_day and first is not None and last is not None:
        taken = {event.first_day for event in events if event.first_day == event.last_day}
        for year in range(first.year, last.year + 1):
            day = rare_disease_day(year)
            if first.normalize() <= day <= last and day not in taken:
                events.append(Event(f"{RARE_DISEASE_DAY} {year}", day, day, kind="rare_disease_day"))
    return events


def find_event(events: list[Event], name: str | None) -> Event | None:
    """The event of this name (case does not matter); the first event when ``name`` is None."""
    if name is None:
        return events[0] if events else None
    for event in events:
        if event.name.casefold() == name.casefold():
            return event
    return None
