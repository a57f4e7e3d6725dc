"""Periods named as a reader names them: a week by the Monday it starts on.

pandas labels a weekly bin (``resample("W")``) by its *last* day, a Sunday,
so "the busiest week began 2024-03-03" named the end of Rare Disease Day
week as its start.  Here weeks are ISO weeks (Monday to Sunday) and are
named by their first day.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def rare_disease_day(year: int) -> pd.Timestamp:
    """Rare Disease Day: the last day of February (the 29th in leap years), UTC.

    Examples
    --------
    >>> rare_disease_day(2024).date(), rare_disease_day(2025).date()
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    """
    return pd.Timestamp(year=year, month=3, day=1, tz="UTC") - pd.Timedelta(days=1)


def week_start(times: pd.Series) -> pd.Series:
    """The Monday (00:00 UTC) of the ISO week of each time."""
    utc = pd.to_datetime(times, utc=True)
    return utc.dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time.dt.tz_localize("UTC")


@dataclass(frozen=True)
class Week:
    """A week, by its first day (a Monday), with how many posts it had."""

    start: pd.Timestamp
    posts: int

    @property
    def end(self) -> pd.Timestamp:
        """Its last day (a Sunday)."""
        return self.start + pd.Timedelta(days=6)

    @property
    def rare_disease_day(self) -> pd.Timestamp | None:
        """Rare Disease Day, when it falls in this week."""
        for year in {self.start.year, self.end.year}:
            day = rare_disease_day(year)
            if self.start <= day <= self.end + pd.Timedelta(hours=23, minutes=59):
                return day
        return None

    def sentence(self) -> str:
        """``"The busiest week was that of Monday 26 February 2024, the week of Rare Disease Day ..."``."""
        text = f"The busiest week was that of Monday {_day(self.start)} ({self.posts:,} posts)"
        day = self.rare_disease_day
        if day is not None:
            text += f", the week of Rare Disease Day ({_day(day)})"
        return text + "."


def busiest_week(times: pd.Series) -> Week | None:
    """The ISO week with the most posts (the earliest on a tie); None without posts.

    Examples
    --------
    >>> times = pd.Series(pd.to_datetime(["2024-02-26", "2024-02-29", "2024-03-03", "2024-03-04"], utc=True))
    >>> week = busiest_week(times)
    >>> week.start.date(), week.posts, week.rare_disease_day.date()
    (datetime.date(2024, 2, 26), 3, datetime.date(2024, 2, 29))
    """
    if len(times) == 0:
        return None
    counts = week_start(times).value_counts()
    top = counts.max()
    start = min(counts.index[counts == top])
    return Week(pd.Timestamp(start), int(top))


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp.day} {stamp.strftime('%B %Y')}"
