"""The topic model of a large study: fitted on a stratified sample, every post assigned by its topics.

UMAP and HDBSCAN grow faster than the number of posts; above
``analysis.topic_fit_sample`` topic documents the model is fitted on a seeded
sample stratified by organisation, platform and month (:func:`fit_sample_rows`),
and every other post goes to the topic whose centroid is most similar within
its language group (:func:`assign_by_centroids`), the rule BERTopic's
``reduce_outliers(strategy="embeddings")`` applies to outliers (Grootendorst
2022).  The same rule reassigns the outliers of the fit.

References
----------
Grootendorst, M. (2022). BERTopic: Neural topic modeling with a class-based TF-IDF procedure.
arXiv:2203.05794.
Cochran, W. G. (1977). Sampling Techniques, 3rd ed., ch. 5 (stratified sampling, proportional allocation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.topics.params import OUTLIER

ASSIGN_CHUNK = 50_000
"""Posts whose similarities to every topic centroid are computed at a time (bounds the memory)."""


def fit_sample_rows(documents: pd.DataFrame, size: int, seed: int) -> np.ndarray | None:
    """The rows of the documents the topic model is fitted on, or None when it is fitted on all of them.

    A seeded sample of exactly ``size`` rows, stratified by organisation,
    platform and month of ``created_at``, with proportional allocation: each
    stratum gets its share of ``size`` rounded down, and the rows left go to
    the strata with the largest remainders (ties by stratum order).  So every
    organisation, platform and month keeps its weight in the fit, and a
    stratum with at least ``n / size`` posts is never left out.

    Parameters
    ----------
    documents : DataFrame
        The topic documents (``org_id``, ``platform``, ``created_at``).
    size : int
        The largest number of documents fitted on.
    seed : int
        The study seed.

    Returns
    -------
    ndarray of int or None
        Sorted row positions; None when there are no more than ``size`` documents.

    Examples
    --------
    >>> docs = pd.DataFrame({"org_id": ["a"] * 6 + ["b"] * 4, "platform": "x",
    ...                      "created_at": pd.Timestamp("2024-01-01", tz="UTC")})
    >>> rows = fit_sample_rows(docs, 5, seed=1)
    >>> len(rows), int((rows < 6).sum())
    (5, 3)
    """
    if len(documents) <= size:
        return None
    month = pd.to_datetime(documents["created_at"], utc=True).dt.strftime("%Y-%m")
    strata = pd.Series(list(zip(documents["org_id"].astype(str), documents["platform"].astype(str), month,
                                strict=True)), index=documents.index)
    codes, _ = pd.factorize(strata, sort=True)
    counts = np.bincount(codes)
    share = counts * (size / len(documents))
    allocation = np.floor(share).astype(int)
    remainders = share - allocation
    left = size - int(allocation.sum())
    allocation[np.argsort(-remainders, kind="stable")[:left]] += 1
    rng = np.random.default_rng(seed)
    rows = [rng.permutation(np.flatnonzero(codes == stratum))[:take]
            for stratum, take in enumerate(allocation) if take]
    return np.sort(np.concatenate(rows))


def assign_by_centroids(topics: np.ndarray, embeddings: np.ndarray, groups: np.ndarray, rows: np.ndarray,
                        threshold: float) -> np.ndarray:
    """The topic of each post at ``rows``: the most similar topic centroid of its group, if similar enough.

    Centroids are the mean embedding of each topic's posts in ``topics``
    (outliers and the posts at ``rows`` left out when they are outliers);
    a post goes to the topic whose centroid has the highest cosine similarity
    among the topics of its own group (a post never joins another language's
    topic), and stays an outlier when that similarity is below ``threshold``.
    Computed ``ASSIGN_CHUNK`` posts at a time.

    Parameters
    ----------
    topics : ndarray of int
        A topic per post (``-1``: outlier or not assigned yet).
    embeddings : ndarray
        One vector per post.
    groups : ndarray
        The clustering group of each post.
    rows : ndarray of int
        The posts to assign.
    threshold : float
        Least cosine similarity to a centroid.

    Returns
    -------
    ndarray of int
        One topic (or ``-1``) per row of ``rows``.
    """
    assigned = np.full(len(rows), OUTLIER, dtype=int)
    ids = np.array(sorted(set(topics.tolist()) - {OUTLIER}))
    if len(rows) == 0 or len(ids) == 0:
        return assigned
    centroids = np.vstack([embeddings[topics == topic].mean(axis=0) for topic in ids])
    centre = centroids / np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    topic_group = np.array([groups[np.flatnonzero(topics == topic)[0]] for topic in ids], dtype=object)
    for start in range(0, len(rows), ASSIGN_CHUNK):
        part = rows[start:start + ASSIGN_CHUNK]
        vectors = embeddings[part]
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)
        similarity = unit @ centre.T
        similarity[groups[part][:, None] != topic_group[None, :]] = -np.inf
        best = similarity.argmax(axis=1)
        close = similarity[np.arange(len(part)), best] >= threshold
        assigned[start:start + ASSIGN_CHUNK][close] = ids[best[close]]
    return assigned
