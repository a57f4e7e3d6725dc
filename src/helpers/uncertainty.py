"""Shares with their 95% intervals, as every report shows them.

A share of threads is a share of independent units: its interval is the
Wilson score interval (Wilson 1927; recommended over the Wald interval for
small samples and shares near 0 or 1 by Brown, Cai & DasGupta 2001).  A share
of posts is not: posts of one conversation thread depend on each other (a
carer's story draws other carers' stories), so their interval comes from a
cluster bootstrap that resamples whole threads (Field & Welsh 2007; Cameron,
Gelbach & Miller 2008), seeded with the study seed so that a report is
reproducible.

Examples
--------
>>> share = wilson_share(12, 40)
>>> share.text()
'30% (95% CI 18–45%)'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVEL = 0.95
BOOTSTRAP_REPLICATES = 2000
_CHUNK = 100  # bootstrap replicates drawn at once (100 x threads integers in memory)


@dataclass(frozen=True)
class Share:
    """``count`` of ``total`` units, with a 95% interval ``low``-``high`` and how it was computed.

    ``total`` is 0 when there was nothing to count: the share is then
    undefined (:attr:`value` is None), never 0.
    """

    count: int
    total: int
    low: float | None
    high: float | None
    method: str
    unit: str = "posts"

    @property
    def value(self) -> float | None:
        """The share itself; None without units."""
        return self.count / self.total if self.total else None

    def text(self, decimals: int = 0) -> str:
        """``"24% (95% CI 20–28%)"``; ``"n/a"`` without units."""
        if self.value is None or self.low is None or self.high is None:
            return "n/a"
        return (f"{percent(self.value, decimals)} (95% CI {100 * self.low:.{decimals}f}–"
                f"{percent(self.high, decimals)})")

    def short(self, decimals: int = 0) -> str:
        """``"24% (20–28)"``: for a table cell whose header says 95% CI."""
        if self.value is None or self.low is None or self.high is None:
            return "n/a"
        return (f"{percent(self.value, decimals)} ({100 * self.low:.{decimals}f}–"
                f"{100 * self.high:.{decimals}f})")


def percent(share: float, decimals: int = 0) -> str:
    """A share as a percentage: ``0.2412 -> "24%"``."""
    return f"{100 * share:.{decimals}f}%"


def wilson_interval(count: int, total: int, level: float = LEVEL) -> tuple[float, float] | None:
    """Wilson score interval of a binomial proportion (Wilson 1927); None when ``total`` is 0.

    Computed by :func:`statsmodels.stats.proportion.proportion_confint` with
    ``method="wilson"``.

    Examples
    --------
    >>> low, high = wilson_interval(0, 10)
    >>> low, round(high, 3)
    (0.0, 0.278)
    """
    if total <= 0:
        return None
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(int(count), int(total), alpha=1 - level, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def wilson_share(count: int, total: int, unit: str = "threads") -> Share:
    """A share of independent units (threads, accounts, addressed posts) with its Wilson interval."""
    interval = wilson_interval(count, total)
    low, high = interval if interval is not None else (None, None)
    return Share(int(count), int(total), low, high, "Wilson", unit)


def cluster_bootstrap_interval(
    hits: pd.Series | np.ndarray,
    clusters: pd.Series | np.ndarray,
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
    level: float = LEVEL,
) -> tuple[float, float] | None:
    """Percentile interval of a share of posts, resampling whole clusters (threads) with replacement.

    Each replicate draws as many threads as there are, with replacement, and
    takes the share of hits among all their posts (Field & Welsh 2007).  With
    a single thread the posts are all there is: the interval is the Wilson
    interval of the posts, which treats them as independent (said by the
    method name of :func:`clustered_share`).

    Parameters
    ----------
    hits : boolean array
        One entry per post: does it belong to the class?
    clusters : array
        The post's thread (any hashable id), aligned with ``hits``.
    """
    hits_array = np.asarray(hits, dtype=bool)
    if hits_array.size == 0:
        return None
    return _bootstrap(hits_array[:, None], clusters, replicates, seed, level)[0]


def replicate_shares(hits: np.ndarray, clusters: pd.Series | np.ndarray, replicates: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Cluster-bootstrap replicates (rows) of the share of each column of ``hits`` (posts x classes),
    resampling whole clusters (threads) with replacement."""
    codes, _ = pd.factorize(pd.Series(np.asarray(clusters)), sort=False)
    n_clusters = int(codes.max()) + 1
    per_cluster_posts = np.bincount(codes, minlength=n_clusters).astype(float)
    per_cluster_hits = np.stack([np.bincount(codes, weights=column.astype(float), minlength=n_clusters)
                                 for column in hits.T], axis=1)
    estimates = []
    for start in range(0, replicates, _CHUNK):
        size = min(_CHUNK, replicates - start)
        draws = rng.integers(0, n_clusters, size=(size, n_clusters))
        # how often each thread was drawn in each replicate, then the replicate's hits and posts
        offsets = (np.arange(size) * n_clusters)[:, None]
        times = np.bincount((draws + offsets).ravel(), minlength=size * n_clusters).reshape(size, n_clusters)
        estimates.append((times @ per_cluster_hits) / (times @ per_cluster_posts)[:, None])
    return np.concatenate(estimates)


def _bootstrap(hits: np.ndarray, clusters: pd.Series | np.ndarray, replicates: int, seed: int,
               level: float) -> list[tuple[float, float]]:
    """Intervals of the shares of several classes (columns of ``hits``), from the same thread draws."""
    if pd.Series(np.asarray(clusters)).nunique() < 2:
        return [wilson_interval(int(column.sum()), len(column), level) or (0.0, 1.0) for column in hits.T]
    values = replicate_shares(hits, clusters, replicates, np.random.default_rng(seed))
    tail = (1 - level) / 2
    lows, highs = np.quantile(values, [tail, 1 - tail], axis=0)
    return [(float(low), float(high)) for low, high in zip(lows, highs, strict=True)]


def clustered_share(hits: pd.Series | np.ndarray, clusters: pd.Series | np.ndarray, *, seed: int = 0,
                    unit: str = "posts") -> Share:
    """A share of posts with its thread-cluster bootstrap interval (:func:`cluster_bootstrap_interval`)."""
    hits_array = np.asarray(hits, dtype=bool)
    interval = cluster_bootstrap_interval(hits_array, clusters, seed=seed)
    low, high = interval if interval is not None else (None, None)
    return Share(int(hits_array.sum()), int(hits_array.size), low, high, _method(clusters), unit)


def clustered_shares(labels: pd.Series, clusters: pd.Series, classes: list[str] | tuple[str, ...], *,
                     seed: int = 0, unit: str = "posts") -> dict[str, Share]:
    """The share of each class among posts, with intervals from one thread-cluster bootstrap.

    One set of thread draws serves every class, so the intervals of the
    classes of one table are computed together (a few seconds at 200,000
    posts) and are consistent with each other.

    Parameters
    ----------
    labels : Series
        The class of each post.
    clusters : Series
        The thread of each post, aligned with ``labels``.
    classes : sequence of str
        The classes to report, in order (a class no post has gets 0 of n).
    """
    values = np.asarray(labels.astype(object))
    if len(values) == 0:
        return {kind: Share(0, 0, None, None, "no posts", unit) for kind in classes}
    hits = np.stack([values == kind for kind in classes], axis=1)
    intervals = _bootstrap(hits, clusters, BOOTSTRAP_REPLICATES, seed, LEVEL)
    method = _method(clusters)
    return {kind: Share(int(hits[:, k].sum()), len(values), *intervals[k], method, unit)
            for k, kind in enumerate(classes)}


def _method(clusters: pd.Series | np.ndarray) -> str:
    threads = pd.Series(np.asarray(clusters)).nunique()
    if threads >= 2:
        return "cluster bootstrap by thread"
    return "Wilson (a single thread: posts taken as independent)"
