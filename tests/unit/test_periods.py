"""Weeks named by their first day, and Rare Disease Day (helpers.periods, issue 26)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.periods import busiest_week, rare_disease_day, week_start


@pytest.mark.parametrize(("year", "day"), [(2023, 28), (2024, 29), (2100, 28), (2000, 29)])
def test_rare_disease_day_is_the_last_day_of_february(year: int, day: int) -> None:
    assert (rare_disease_day(year).month, rare_disease_day(year).day) == (2, day)


def test_a_week_is_named_by_its_monday_not_by_the_sunday_pandas_gives_it() -> None:
    times = pd.Series(pd.to_datetime(["2024-03-03 23:59", "2024-03-04 00:00", "2024-02-26 00:00"], utc=True))
    starts = week_start(times)
    assert [stamp.date().isoformat() for stamp in starts] == ["2024-02-26", "2024-03-04", "2024-02-26"]
    assert all(stamp.day_of_week == 0 for stamp in starts)


def test_the_busiest_week_is_rare_disease_day_week_and_the_sentence_says_so() -> None:
    quiet = pd.date_range("2024-01-01", "2024-06-30", freq="D", tz="UTC").to_series()
    peak = pd.Series(pd.to_datetime(["2024-02-29 10:00"] * 30 + ["2024-03-03 22:00"] * 5, utc=True))
    times = pd.concat([quiet, peak], ignore_index=True)
    week = busiest_week(times)
    assert week.start == pd.Timestamp("2024-02-26", tz="UTC")
    assert week.posts == 7 + 35
    assert week.rare_disease_day == pd.Timestamp("2024-02-29", tz="UTC")
    assert week.sentence() == ("The busiest week was that of Monday 26 February 2024 (42 posts), "
                               "the week of Rare Disease Day (29 February 2024).")
    expected = times.groupby(week_start(times)).size().idxmax()  # counted the obvious way
    assert week.start == expected


def test_a_week_without_rare_disease_day_and_a_tie_and_no_posts() -> None:
    times = pd.Series(pd.to_datetime(["2024-05-06", "2024-05-07", "2024-05-13", "2024-05-14"], utc=True))
    week = busiest_week(times)
    assert week.start.date().isoformat() == "2024-05-06", "a tie goes to the earlier week"
    assert week.rare_disease_day is None and "Rare Disease Day" not in week.sentence()
    assert busiest_week(pd.Series([], dtype="datetime64[ns, UTC]")) is None
