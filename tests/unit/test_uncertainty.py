"""Shares with their intervals (helpers.uncertainty, issue 26): the numbers every headline carries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.uncertainty import (
    Share,
    clustered_share,
    clustered_shares,
    wilson_interval,
    wilson_share,
)

Z = 1.959963984540054


def _wilson_by_hand(count: int, total: int) -> tuple[float, float]:
    """Wilson (1927), eq. as in Brown, Cai & DasGupta (2001), written out independently of statsmodels."""
    p = count / total
    centre = (p + Z**2 / (2 * total)) / (1 + Z**2 / total)
    half = Z * math.sqrt(p * (1 - p) / total + Z**2 / (4 * total**2)) / (1 + Z**2 / total)
    return centre - half, centre + half


@pytest.mark.parametrize(("count", "total"), [(12, 40), (1, 7), (0, 25), (25, 25), (541, 1000)])
def test_the_wilson_interval_is_the_textbook_one(count: int, total: int) -> None:
    low, high = wilson_interval(count, total)
    expected_low, expected_high = _wilson_by_hand(count, total)
    assert low == pytest.approx(max(0.0, expected_low), abs=1e-9)
    assert high == pytest.approx(min(1.0, expected_high), abs=1e-9)


def test_a_share_of_nothing_is_not_zero_percent() -> None:
    share = wilson_share(0, 0)
    assert share.value is None and share.text() == "n/a" and share.short() == "n/a"
    nothing = pd.Series([], dtype=object)
    assert clustered_shares(nothing, nothing, ["a"])["a"].text() == "n/a"


def test_a_share_reads_as_percent_with_its_interval() -> None:
    share = Share(24, 100, 0.16, 0.335, "Wilson", "threads")
    assert share.text() == "24% (95% CI 16–34%)"
    assert share.short() == "24% (16–34)"


def _threads(n_threads: int, posts_per_thread: int, hit_threads: int) -> tuple[np.ndarray, np.ndarray]:
    threads = np.repeat(np.arange(n_threads), posts_per_thread)
    hits = threads < hit_threads  # every post of a thread agrees: strongly clustered
    return hits, threads


def test_posts_of_one_thread_are_not_counted_as_independent() -> None:
    hits, threads = _threads(n_threads=20, posts_per_thread=25, hit_threads=6)
    clustered = clustered_share(hits, threads, seed=1)
    naive = wilson_share(int(hits.sum()), len(hits), "posts")
    assert clustered.value == naive.value == pytest.approx(0.3)
    assert (clustered.high - clustered.low) > 2 * (naive.high - naive.low), (clustered, naive)
    assert clustered.method == "cluster bootstrap by thread"


def test_independent_posts_get_about_the_wilson_width() -> None:
    rng = np.random.default_rng(3)
    hits = rng.random(2000) < 0.2
    clustered = clustered_share(hits, np.arange(len(hits)), seed=1)
    naive = wilson_share(int(hits.sum()), len(hits), "posts")
    width, naive_width = clustered.high - clustered.low, naive.high - naive.low
    assert abs(width - naive_width) < 0.15 * naive_width
    assert clustered.low < clustered.value < clustered.high


def test_the_bootstrap_is_reproducible_from_the_study_seed_and_classes_share_draws() -> None:
    labels = pd.Series(list("aabbbcaacb") * 30)
    threads = pd.Series(np.arange(len(labels)) // 4)
    first = clustered_shares(labels, threads, ["a", "b", "c", "d"], seed=20160229)
    again = clustered_shares(labels, threads, ["a", "b", "c", "d"], seed=20160229)
    other = clustered_shares(labels, threads, ["a", "b", "c", "d"], seed=1)
    assert first == again
    assert first != other
    assert first["d"].count == 0 and first["d"].text().startswith("0% (95% CI 0–0%)")
    assert sum(share.count for share in first.values()) == len(labels)
    alone = clustered_share(labels == "a", threads, seed=20160229)
    assert alone.count == first["a"].count


def test_a_single_thread_falls_back_to_wilson_and_says_so() -> None:
    share = clustered_share(np.array([True, False, False, True]), np.zeros(4), seed=0)
    assert (share.low, share.high) == pytest.approx(wilson_interval(2, 4))
    assert "single thread" in share.method
