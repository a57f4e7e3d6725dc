"""Interrupted time series: did a weekly share change its level or its trend after an event?

Segmented regression (Wagner et al. 2002; Bernal, Cummins & Gasparrini
2017) of a weekly share ``y`` (of threads, or of posts) on event time
``t`` (weeks from the week the event's during window starts)::

    y = b0 + b1 * t + b2 * after + b3 * (t - t1) * after

``after`` is 1 for the weeks wholly after the during window, whose first is
``t1``.  ``b2`` is the **level change** (the jump at ``t1`` against the
trend before), ``b3`` the **slope change** (per week).  The weeks that
overlap the during window are a transition left out of the fit (Bernal et
al. 2017 on phase-in periods): the window comparison measures the event
itself, the series what stayed after it.  A pulse on the day alone changes
neither.

Weeks are weighted by their number of units (threads or posts), since the
variance of a share is about ``p (1 - p) / n``; weeks without units are left
out.  Weekly shares are autocorrelated, so the standard errors are Newey &
West's (1987) heteroskedasticity and autocorrelation consistent ones, with
``maxlags = floor(4 (n / 100) ** (2 / 9))`` for ``n`` weeks (Newey & West
1994's rule: 3 lags for 26 weeks each side), by statsmodels
(``cov_type="HAC"``).  Several years of the same event (Rare Disease Day)
are pooled in event time, each year with an intercept of its own and the
lags taken within a year (``cov_type="hac-panel"``).

A series needs at least :data:`MIN_WEEKS` weeks with units on each side of
the event; fewer give a :class:`~helpers.notice.NotComputed`.

References
----------
.. [1] Wagner, A. K., Soumerai, S. B., Zhang, F., & Ross-Degnan, D. (2002). Segmented regression
   analysis of interrupted time series studies in medication use research. Journal of Clinical
   Pharmacy and Therapeutics, 27(4), 299-309.
.. [2] Bernal, J. L., Cummins, S., & Gasparrini, A. (2017). Interrupted time series regression for
   the evaluation of public health interventions: a tutorial. International Journal of
   Epidemiology, 46(1), 348-355.
.. [3] Newey, W. K., & West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity and
   autocorrelation consistent covariance matrix. Econometrica, 55(3), 703-708.
.. [4] Newey, W. K., & West, K. D. (1994). Automatic lag selection in covariance matrix estimation.
   Review of Economic Studies, 61(4), 631-653.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.events.compare import MINUS, signed_points
from helpers.events.windows import DAY, Event
from helpers.notice import NotComputed
from helpers.periods import week_start
from helpers.uncertainty import LEVEL

MIN_WEEKS = 8
"""Fewest weeks with units on each side of an event for a segmented regression (Wagner et al. suggest
12 for monthly series with seasons; a weekly series around one event seldom has them before the data
start)."""
WEEK = pd.Timedelta(days=7)
SEGMENTED = "segmented regression, Newey-West errors"


@dataclass(frozen=True)
class Estimate:
    """A coefficient of the segmented regression, in share units, with its 95% interval."""

    value: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly above or below 0."""
        return self.low > 0 or self.high < 0

    def short(self, decimals: int = 0) -> str:
        """``"+12 (+3 to +21)"`` in percentage points (``decimals`` after the point)."""
        low, high = _signed(self.low, decimals), _signed(self.high, decimals)
        return f"{_signed(self.value, decimals)} ({low} to {high})"


def _signed(value: float, decimals: int) -> str:
    """A share in signed percentage points: ``0.123 -> "+12"``, ``-0.0042, 1 -> "−0.4"``."""
    if not decimals:
        return signed_points(value)
    text = f"{100 * value:+.{decimals}f}"
    return text.replace("-", MINUS) if float(text) != 0 else f"{0:.{decimals}f}"


@dataclass
class SegmentedFit:
    """A segmented regression of a weekly share around an event (see the module docstring).

    ``series`` holds every week shown (``week, t, segment, units, hits,
    share, fitted, counterfactual``): ``segment`` is ``before``,
    ``transition`` or ``after``; ``fitted`` the model's line on the weeks
    of the fit, ``counterfactual`` the trend before carried on through the
    weeks after (what the model expects without the event).
    """

    measure: str
    event: str
    level: Estimate
    slope: Estimate
    trend_before: Estimate
    weeks_before: int
    weeks_after: int
    maxlags: int
    years: list[int] = field(default_factory=list)
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    method: str = SEGMENTED


def weekly_counts(times: pd.Series, hits: pd.Series | np.ndarray, first: pd.Timestamp,
                  last: pd.Timestamp) -> pd.DataFrame:
    """Units and hits per ISO week (by its Monday), every week from ``first`` to ``last`` (empty ones too)."""
    weeks = week_start(pd.Series(pd.to_datetime(times, utc=True)).reset_index(drop=True))
    frame = pd.DataFrame({"week": weeks, "hits": np.asarray(hits, dtype=float)})
    counts = frame.groupby("week").agg(units=("hits", "size"), hits=("hits", "sum"))
    span = week_start(pd.Series([first, last]))
    every = pd.date_range(span.iloc[0], span.iloc[1], freq="7D")
    counts = counts.reindex(every, fill_value=0).rename_axis("week").reset_index()
    counts["units"] = counts["units"].astype(int)
    return counts


def event_weeks(counts: pd.DataFrame, event: Event, weeks: int) -> pd.DataFrame:
    """The weeks of ``counts`` around ``event``: event time ``t`` and segment, ``weeks`` at most each side."""
    start = week_start(pd.Series([event.during_start])).iloc[0]
    frame = counts.copy()
    frame["t"] = ((frame["week"] - start) / WEEK).round().astype(int)
    before = frame["week"] + WEEK <= event.during_start
    after = frame["week"] >= event.during_stop
    frame["segment"] = np.where(before, "before", np.where(after, "after", "transition"))
    first_after = int(((event.during_stop - DAY - start) / WEEK) // 1) + 1
    keep = (frame["t"] >= -weeks) & (frame["t"] < first_after + weeks)
    frame = frame[keep].reset_index(drop=True)
    frame["share"] = (frame["hits"] / frame["units"].where(frame["units"] > 0)).astype(float)
    frame.attrs["first_after"] = first_after
    return frame


def newey_west_lags(n: int) -> int:
    """Newey & West's (1994) rule of thumb: ``floor(4 (n / 100) ** (2 / 9))``, at least 1."""
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


def segmented_fit(frames: list[pd.DataFrame], measure: str, event: str, *, min_weeks: int = MIN_WEEKS,
                  years: list[int] | None = None) -> SegmentedFit | NotComputed:
    """Fit the segmented regression to one event's weeks (:func:`event_weeks`), or to several years' pooled.

    Parameters
    ----------
    frames : list of DataFrame
        One :func:`event_weeks` frame per year (one for a single event).
    measure, event : str
        What the share is of, and the event's name, for the result and its notes.
    """
    import statsmodels.api as sm

    used, dropped = [], []
    for k, frame in enumerate(frames):
        fit_rows = frame[(frame["units"] > 0) & (frame["segment"] != "transition")]
        n_before = int((fit_rows["segment"] == "before").sum())
        n_after = int((fit_rows["segment"] == "after").sum())
        if n_before < min_weeks or n_after < min_weeks:
            dropped.append((k, n_before, n_after))
            continue
        used.append(fit_rows.assign(group=k, after=(fit_rows["segment"] == "after").astype(float),
                                    since=(fit_rows["t"] - frame.attrs["first_after"]).clip(lower=0)
                                    * (fit_rows["segment"] == "after")))
    if not used:
        _, n_before, n_after = max(dropped, key=lambda item: min(item[1], item[2]))
        return NotComputed(
            f"Interrupted time series of {measure} around {event}",
            f"it has {n_before} weeks with data before the event and {n_after} after; a segmented "
            f"regression needs at least {min_weeks} on each side",
            "posts over a longer period around the event")
    data = pd.concat(used, ignore_index=True).sort_values(["group", "t"], ignore_index=True)
    columns = {"t": data["t"].astype(float), "after": data["after"], "since": data["since"].astype(float)}
    groups = sorted(set(data["group"]))
    design = pd.DataFrame({"const": 1.0, **columns})
    for group in groups[1:]:
        design[f"year_{group}"] = (data["group"] == group).astype(float)
    lags = newey_west_lags(round(len(data) / len(groups)))
    model = sm.WLS(data["share"].astype(float), design, weights=data["units"].astype(float))
    if len(groups) > 1:
        panel = {"groups": data["group"].to_numpy(), "maxlags": lags}
        result = model.fit(cov_type="hac-panel", cov_kwds=panel)
    else:
        result = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    interval = result.conf_int(alpha=1 - LEVEL)

    def estimate(name: str) -> Estimate:
        low, high = interval.loc[name]
        return Estimate(float(result.params[name]), float(low), float(high))

    series = _with_fitted(frames, used, result.params, groups)
    chosen = [years[k] for k in groups] if years else []
    n_after = int((data["after"] == 1).sum())
    return SegmentedFit(measure, event, estimate("after"), estimate("since"), estimate("t"),
                        len(data) - n_after, n_after, lags, chosen, series)


def _with_fitted(frames: list[pd.DataFrame], used: list[pd.DataFrame], params: pd.Series,
                 groups: list[int]) -> pd.DataFrame:
    """Every week of the fitted years with the fitted line and the trend before carried on."""
    out = []
    for group in groups:
        frame = frames[group].copy()
        intercept = params["const"] + (params.get(f"year_{group}", 0.0) if group != groups[0] else 0.0)
        trend = intercept + params["t"] * frame["t"]
        after = frame["segment"] == "after"
        since = (frame["t"] - frame.attrs["first_after"]).clip(lower=0)
        fitted = trend + after * (params["after"] + params["since"] * since)
        frame["fitted"] = fitted.where(frame["segment"] != "transition")
        frame["counterfactual"] = trend.where(frame["segment"] != "before")
        frame["group"] = group
        out.append(frame)
    return pd.concat(out, ignore_index=True)
