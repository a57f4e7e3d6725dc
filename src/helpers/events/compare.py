"""Differences between two windows' shares, with 95% intervals.

Two kinds of unit, two intervals:

* **Threads** (communication modes) are independent units, and the threads
  started in one window are not those started in another: the difference of
  two independent proportions gets Newcombe's hybrid score interval (his
  method 10), built from the two windows' Wilson intervals (Newcombe 1998).
  It keeps close to its nominal coverage with small samples and shares near
  0 or 1, where the Wald interval fails (Newcombe 1998; Fagerland, Lydersen &
  Laake 2015), and it agrees with the Wilson intervals the reports show for
  each share.  Computed by :func:`statsmodels.stats.proportion.confint_proportions_2indep`
  (``method="newcomb"``).
* **Posts** (knowledge types, health) are clustered in threads (a carer's
  story draws other carers' stories): the difference gets a percentile
  interval from a cluster bootstrap that resamples whole threads within
  each window independently (a stratified cluster bootstrap; Field & Welsh
  2007), 2,000 replicates seeded with the study seed.

References
----------
.. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
   proportions: comparison of eleven methods. Statistics in Medicine, 17(8), 873-890.
.. [2] Fagerland, M. W., Lydersen, S., & Laake, P. (2015). Recommended confidence intervals for
   two independent binomial proportions. Statistical Methods in Medical Research, 24(2), 224-254.
.. [3] Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. Journal of the Royal
   Statistical Society B, 69(3), 369-390.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.uncertainty import BOOTSTRAP_REPLICATES, LEVEL, replicate_shares

NEWCOMBE = "Newcombe hybrid score"
CLUSTER_BOOTSTRAP = "cluster bootstrap by thread"
MINUS = "−"


@dataclass(frozen=True)
class Difference:
    """A difference of two shares (``value``, from 0 to 1 apart) with its 95% interval and its method.

    Examples
    --------
    >>> Difference(0.23, 0.05, 0.4, NEWCOMBE).short()
    '+23 (+5 to +40)'
    >>> Difference(-0.031, -0.12, 0.06, NEWCOMBE).text()
    '−3 percentage points (95% CI −12 to +6)'
    """

    value: float | None
    low: float | None
    high: float | None
    method: str

    @property
    def computed(self) -> bool:
        """Whether there is a value and an interval."""
        return self.value is not None and self.low is not None and self.high is not None

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly above or below 0."""
        return self.computed and (self.low > 0 or self.high < 0)  # type: ignore[operator]

    def short(self) -> str:
        """``"+23 (+5 to +40)"``: percentage points, for a cell whose header says so."""
        if not self.computed:
            return "n/a"
        return f"{signed_points(self.value)} ({signed_points(self.low)} to {signed_points(self.high)})"

    def text(self) -> str:
        """``"+23 percentage points (95% CI +5 to +40)"``."""
        if not self.computed:
            return "n/a"
        return (f"{signed_points(self.value)} percentage points (95% CI {signed_points(self.low)} to "
                f"{signed_points(self.high)})")


def signed_points(value: float | None) -> str:
    """A difference of shares in percentage points with its sign: ``0.231 -> "+23"``, ``-0.03 -> "−3"``."""
    if value is None:
        return "n/a"
    number = round(100 * value)
    if number == 0:
        return "0"
    return f"+{number}" if number > 0 else f"{MINUS}{-number}"


def newcombe_difference(count: int, total: int, base_count: int, base_total: int,
                        level: float = LEVEL) -> Difference:
    """``count/total - base_count/base_total`` with Newcombe's hybrid score interval (independent units).

    Examples
    --------
    >>> d = newcombe_difference(30, 50, 20, 60)
    >>> round(d.value, 3), round(d.low, 3), round(d.high, 3)
    (0.267, 0.08, 0.43)
    """
    if total <= 0 or base_total <= 0:
        return Difference(None, None, None, NEWCOMBE)
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(int(count), int(total), int(base_count), int(base_total),
                                           method="newcomb", compare="diff", alpha=1 - level)
    value = count / total - base_count / base_total
    return Difference(float(value), max(-1.0, float(low)), min(1.0, float(high)), NEWCOMBE)


def _columns(hits: np.ndarray) -> np.ndarray:
    """Hits as a (posts x classes) boolean array; one class when given one column."""
    hits = np.asarray(hits, dtype=bool)
    return hits[:, None] if hits.ndim == 1 else hits


def cluster_differences(hits: np.ndarray, clusters: pd.Series | np.ndarray, base_hits: np.ndarray,
                        base_clusters: pd.Series | np.ndarray, *, seed: int = 0,
                        replicates: int = BOOTSTRAP_REPLICATES, level: float = LEVEL) -> list[Difference]:
    """Differences of shares of posts between two windows, one per column of ``hits``, with intervals from
    a cluster bootstrap resampling whole threads within each window (percentile intervals).

    Parameters
    ----------
    hits, base_hits : boolean arrays (posts x classes)
        Whether each post of the window (``hits``) and of the base window
        (``base_hits``, e.g. the window before) belongs to each class.
    clusters, base_clusters : arrays
        The thread of each post.
    """
    hits, base_hits = _columns(hits), _columns(base_hits)
    if len(hits) == 0 or len(base_hits) == 0:
        return [Difference(None, None, None, CLUSTER_BOOTSTRAP) for _ in range(hits.shape[1])]
    rng = np.random.default_rng(seed)
    shares = replicate_shares(hits, clusters, replicates, rng)
    base = replicate_shares(base_hits, base_clusters, replicates, rng)
    spread = shares - base
    tail = (1 - level) / 2
    lows, highs = np.quantile(spread, [tail, 1 - tail], axis=0)
    values = hits.mean(axis=0) - base_hits.mean(axis=0)
    return [Difference(float(value), float(low), float(high), CLUSTER_BOOTSTRAP)
            for value, low, high in zip(values, lows, highs, strict=True)]
