"""Dimension reduction and clustering within each group of posts (a language, or all).

:func:`language_groups` says which group each post is clustered within;
:class:`GroupedUMAP` and :class:`GroupedHDBSCAN` run UMAP and HDBSCAN group
by group, from exact (:func:`exact_cosine_neighbours`) or pynndescent's
(:func:`approximate_cosine_neighbours`) neighbours; :func:`warm_numba_cache`
compiles the layout's numba functions ahead of the first fit.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from helpers.topics._umap_runtime import enable_numba_cache, release_gil_in_umap_layout
from helpers.topics.params import OUTLIER, TopicParams, auto_min_topic_size

# Groups up to this many posts get exact neighbours and a spectral start for UMAP; larger ones
# pynndescent's neighbours and a PCA start (see GroupedUMAP._reduce).
EXACT_NEIGHBOURS_UP_TO = 60_000
# The random vectors warm_numba_cache lays out: all-MiniLM-L6-v2's width.
_WARM_UP_POSTS, _WARM_UP_WIDTH = 400, 384


def language_groups(documents: pd.DataFrame, org_languages: dict[str, str], min_posts: int) -> np.ndarray:
    """The language each post is clustered within, when the embedding model is not multilingual.

    A post's own language (``lang``) when it is one of the study's languages,
    otherwise its organisation's language; a language with fewer than
    ``min_posts`` posts joins the largest group.

    Returns
    -------
    ndarray of str
        One language code per row of ``documents``.
    """
    study = set(org_languages.values())
    org_lang = documents["org_id"].map(org_languages).fillna("und")
    own = documents["lang"].where(documents["lang"].isin(study))
    groups = own.fillna(org_lang).astype(str)
    counts = groups.value_counts()
    if len(counts) > 1:
        largest = sorted(counts.index, key=lambda g: (-counts[g], g))[0]
        small = [g for g in counts.index if counts[g] < min_posts]
        groups = groups.where(~groups.isin(small), largest)
    return groups.to_numpy(dtype=object)


def _group_sizes(groups: np.ndarray, params: TopicParams,
                 study_groups: np.ndarray | None = None) -> dict[str, tuple[int, int]]:
    """HDBSCAN ``(min_cluster_size, min_samples)`` per group: fixed when configured, else by group size.

    With ``study_groups`` (the groups of every post, when ``groups`` are those
    of a sample fitted on), the smallest topic is chosen for the study's posts
    and scaled to the sample: a topic of ``m`` posts in the study has about
    ``m * sampled / posts`` posts in the sample.  Choosing it for the sample's
    own size would ask the sample for coarser topics than the study would get
    (``auto_min_topic_size`` grows with the square root of the posts, not in
    proportion).
    """
    sizes = {}
    for group in sorted(set(groups.tolist())):
        n = int((groups == group).sum())
        study_n = n if study_groups is None else int((study_groups == group).sum())
        wanted = (params.min_topic_size or auto_min_topic_size(study_n)) * n / study_n
        size = int(min(max(2, round(wanted)), max(2, n // 2)))
        samples = int(params.min_samples or max(2, size // 3))
        sizes[group] = (size, min(samples, size))
    return sizes


def exact_cosine_neighbours(vectors: np.ndarray, k: int, block: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Every point's ``k`` nearest neighbours by cosine distance, the point itself first.

    Parameters
    ----------
    vectors : ndarray
        ``(n, dim)`` vectors (need not be normalised).
    k : int
        Neighbours per point, itself included (UMAP's ``n_neighbors``).
    block : int
        Rows compared with all others at once (memory: about ``12 * block * n``
        bytes for the similarities and their order).  256 is no slower than
        larger blocks (a block stays in the CPU's cache) and keeps the memory
        small while another language group's search runs beside it.

    Returns
    -------
    indices : ndarray
        ``(n, k)`` int32, nearest first; column 0 is the point itself.
    distances : ndarray
        ``(n, k)`` float32 cosine distances in ``[0, 2]``.
    """
    unit = np.asarray(vectors, dtype=np.float32)
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    n = len(unit)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        similarity = unit[start:stop] @ unit.T
        rows = np.arange(stop - start)
        similarity[rows, start + rows] = np.inf  # itself first, even beside an identical post
        candidates = np.argpartition(similarity, n - k, axis=1)[:, n - k:]
        top = np.take_along_axis(similarity, candidates, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(candidates, order, axis=1)
        nearest = 1.0 - np.take_along_axis(top, order, axis=1)
        nearest[:, 0] = 0.0
        distances[start:stop] = np.clip(nearest, 0.0, 2.0)
    return indices, distances


def approximate_cosine_neighbours(
    vectors: np.ndarray, k: int, random_state: np.random.RandomState
) -> tuple[np.ndarray, np.ndarray]:
    """Every point's ``k`` approximate nearest neighbours by cosine distance, as UMAP finds them.

    The same call to pynndescent, with the same settings, that ``UMAP.fit``
    makes for ``metric="cosine"`` (umap-learn 0.5), drawing from the same
    ``random_state``; its search index is dropped, since new posts are never
    projected.  Passing the result to UMAP as ``precomputed_knn``, with this
    ``random_state`` (which the search has advanced) as its seed, gives the
    layout UMAP gives on its own.

    Parameters
    ----------
    vectors : ndarray
        ``(n, dim)`` vectors.
    k : int
        Neighbours per point, itself included (UMAP's ``n_neighbors``).
    random_state : numpy.random.RandomState
        Drawn from by the search; hand the same object to UMAP afterwards.

    Returns
    -------
    indices, distances : ndarray
        ``(n, k)`` each, nearest first.
    """
    from umap.umap_ import nearest_neighbors

    indices, distances, _index = nearest_neighbors(vectors, k, "cosine", {}, True, random_state,
                                                   low_memory=True, use_pynndescent=True, n_jobs=1)
    return indices, distances


class GroupedUMAP:
    """UMAP (McInnes et al. 2018) fitted within each group of documents separately.

    With an English-only embedding model the posts of another language form
    one compact island; a joint UMAP squeezes it, and its inner structure is
    lost.  Reducing each language on its own keeps it.  One group = plain UMAP.

    Parameters
    ----------
    groups : ndarray
        Group label of each document, in the order given to ``fit_transform``.
    seed : int
        ``random_state`` of every UMAP (deterministic, single-threaded).
    n_neighbors, n_components : int

    Notes
    -----
    With more than one usable CPU, a job offered to an idle CPU
    (:func:`helpers.processes.offer_to_an_idle_cpu`: the batch offers the
    classification) is taken and run once, in the first of the pool's threads
    that is free once every group has started (with two CPUs and two groups:
    when the smaller group is done), and ``fit_transform`` returns when it is
    done too.  It must not raise (the one who offered it collects its outcome);
    with one CPU it is left to the one who offered it.
    """

    def __init__(self, groups: np.ndarray, seed: int, n_neighbors: int = 15, n_components: int = 5) -> None:
        self.groups = np.asarray(groups, dtype=object)
        self.seed = seed
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.embedding_: np.ndarray | None = None

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        """Reduce ``X`` group by group to ``n_components`` dimensions.

        With more than one group and more than one usable CPU, the groups are
        reduced side by side in threads, the largest first: each group's UMAP
        is seeded and single-threaded, and its layout, most of its time, then
        runs without Python's global interpreter lock (see
        :func:`release_gil_in_umap_layout`).  Each group's result is the same
        as when the groups are reduced one after another.
        """
        from helpers.processes import take_offered_job, usable_cpus

        out = np.zeros((len(X), self.n_components), dtype=np.float32)
        parts = []
        for group in sorted(set(self.groups.tolist())):
            rows = np.flatnonzero(self.groups == group)
            if len(rows) > self.n_components + 1:  # fewer have no layout; HDBSCAN leaves them outliers
                parts.append(rows)
        parts.sort(key=len, reverse=True)
        cpus = usable_cpus()
        beside = take_offered_job() if cpus > 1 else None
        jobs = len(parts) + (1 if beside is not None else 0)
        threads = min(jobs, cpus)
        if threads > 1:
            release_gil_in_umap_layout()
        # One filter for every thread: catch_warnings() inside the threads would restore each
        # other's filters in the wrong order.
        with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            warnings.filterwarnings("ignore", message=".*knn_search_index.*")  # new posts are never projected
            layouts = pool.map(lambda rows: self._reduce(X[rows]), parts)
            if beside is not None:
                pool.submit(beside)  # queued behind the groups: starts when a thread is free
            for rows, layout in zip(parts, layouts, strict=True):
                out[rows] = layout
        self.embedding_ = out
        return out

    def _reduce(self, vectors: np.ndarray) -> np.ndarray:
        """One group's UMAP layout, from its exact neighbours up to :data:`EXACT_NEIGHBOURS_UP_TO` posts.

        UMAP itself finds the neighbours of fewer than 4,096 points by calling
        its cosine function from Python once per pair (slow already at a few
        thousand posts), and of more with pynndescent, which numba compiles
        anew in every process (a fixed cost of many seconds) and which finds
        about 91% of the true neighbours.  One matrix product per block of
        posts finds all of them, and faster, compilation included; beyond the
        limit its quadratic cost would exceed pynndescent's.

        Above the limit the neighbours are pynndescent's, found exactly as UMAP
        finds them (:func:`approximate_cosine_neighbours`) but before UMAP starts,
        so that its search index (random-projection trees: hundreds of MB at
        130,000 posts) is freed before the layout, the longest part, instead of
        after it.  The layout is the same.

        Above the limit the layout also starts from the posts' first principal
        components instead of UMAP's spectral embedding.  The neighbour graph of
        a large group has several connected components, and UMAP then computes
        each one's spectral embedding with ARPACK (smallest eigenvalues, no
        shift); for the 128,000 English posts of the 200k benchmark study it
        had not finished after 10 minutes, where PCA takes seconds.
        """
        from umap import UMAP

        n_neighbors = max(2, min(self.n_neighbors, len(vectors) - 1))
        settings = {"n_neighbors": n_neighbors, "n_components": self.n_components, "min_dist": 0.0,
                    "metric": "cosine", "random_state": self.seed, "n_jobs": 1}
        if len(vectors) > EXACT_NEIGHBOURS_UP_TO:
            random_state = np.random.RandomState(self.seed)
            indices, distances = approximate_cosine_neighbours(vectors, n_neighbors, random_state)
            settings["random_state"] = random_state  # drawn from after the search, as inside UMAP
            return UMAP(init="pca", precomputed_knn=(indices, distances), **settings).fit_transform(vectors)
        indices, distances = exact_cosine_neighbours(vectors, n_neighbors)
        return UMAP(precomputed_knn=(indices, distances), **settings).fit_transform(vectors)

    def fit(self, X: np.ndarray, y: Any = None) -> GroupedUMAP:
        """Same as :meth:`fit_transform`."""
        self.fit_transform(X, y)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """The layout of the fitted documents (new documents are not projected)."""
        if self.embedding_ is not None and len(X) == len(self.embedding_):
            return self.embedding_
        raise NotImplementedError("GroupedUMAP does not project new posts; refit the study model")


class GroupedHDBSCAN:
    """HDBSCAN run within each group of documents separately (labels made unique across groups).

    With an English-only embedding model, posts in another language form one
    dense island in the embedding space, which HDBSCAN would return as a
    single "language" topic; clustering within each language finds the topics
    inside it.  With one group this is plain HDBSCAN (Campello et al. 2013).

    Parameters
    ----------
    groups : ndarray
        Group label of each document, in the order of the documents given to ``fit``.
    sizes : dict
        Group to ``(min_cluster_size, min_samples)``.
    """

    def __init__(self, groups: np.ndarray, sizes: dict[str, tuple[int, int]]) -> None:
        self.groups = np.asarray(groups, dtype=object)
        self.sizes = sizes
        self.labels_: np.ndarray | None = None
        self.probabilities_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> GroupedHDBSCAN:
        """Cluster ``X`` group by group; outliers are -1."""
        from hdbscan import HDBSCAN

        labels = np.full(len(X), OUTLIER, dtype=int)
        probabilities = np.zeros(len(X), dtype=float)
        offset = 0
        for group in sorted(self.sizes):
            rows = np.flatnonzero(self.groups == group)
            size, samples = self.sizes[group]
            if len(rows) <= size:
                continue
            # core_dist_n_jobs=1: above 16,384 points hdbscan would start joblib (loky) worker
            # processes for a query of a second or two; they then idle for 300 s, and a process
            # that ends after the fit (the batch's study step) waits for them.
            model = HDBSCAN(min_cluster_size=size, min_samples=samples, metric="euclidean",
                            cluster_selection_method="eom", core_dist_n_jobs=1).fit(X[rows])
            found = model.labels_ >= 0
            labels[rows[found]] = model.labels_[found] + offset
            probabilities[rows] = model.probabilities_
            offset = int(labels.max()) + 1 if (labels >= 0).any() else offset
        self.labels_ = labels
        self.probabilities_ = probabilities
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """New documents are not assigned by the clusterer (use the topic embeddings instead)."""
        raise NotImplementedError("GroupedHDBSCAN does not predict; assign new posts by topic embeddings")


def warm_numba_cache(seed: int = 0) -> None:
    """Compile the numba functions of the topic step's UMAP into numba's on-disk cache.

    The first topic fit after an installation otherwise compiles them, which
    about doubles the topic step of a small study (docs/topics.md).  ``make setup``
    calls this once (``rarevoices warm-up``), as pip compiles a package's
    bytecode when it installs it.  One group of random vectors of the default
    model's width is laid out as :class:`GroupedUMAP` lays out groups up to
    :data:`EXACT_NEIGHBOURS_UP_TO` posts (exact neighbours, spectral start),
    with UMAP's own layout function.  Groups laid out side by side use a copy
    of that function which is never cached (:func:`release_gil_in_umap_layout`;
    about half a second a process); larger groups (pynndescent's neighbours)
    are left out: warming them would cost every installation more time than it
    saves on the first fit of such a group, most of whose compilation is of functions numba cannot
    cache (see :func:`enable_numba_cache`).

    Parameters
    ----------
    seed : int
        Seed of the random vectors and of the fit.
    """
    enable_numba_cache()
    vectors = np.random.default_rng(seed).normal(size=(_WARM_UP_POSTS, _WARM_UP_WIDTH)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        GroupedUMAP(np.array(["all"] * _WARM_UP_POSTS), seed).fit_transform(vectors)
