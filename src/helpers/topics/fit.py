"""Fitting a BERTopic model on prepared posts: the pipeline of :func:`fit_topics`.

Embeddings, grouped UMAP and HDBSCAN, outlier reduction within a group, the
label representation, centroids, the hierarchy and the tables of a
:class:`~helpers.topics.results.TopicResult`; no file is read or written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict
from importlib.metadata import version as package_version
from typing import Any

import numpy as np
import pandas as pd

from helpers.embeddings import Encoder
from helpers.topics._bertopic_runtime import _bertopic_backend, _no_tqdm, _quiet_bertopic
from helpers.topics._umap_runtime import enable_numba_cache
from helpers.topics.documents import make_vectorizer, vocabulary_presence
from helpers.topics.grouped import GroupedHDBSCAN, GroupedUMAP, _group_sizes
from helpers.topics.guided import NOT_ASSIGNED, seed_steering, seed_topic_names, zero_shot_assignment
from helpers.topics.labels import _describe, _labels, ctfidf_top_words
from helpers.topics.params import OUTLIER, STATUS_NO_TOPICS, STATUS_OK, STATUS_TOO_FEW, TopicParams
from helpers.topics.quality import topic_quality
from helpers.topics.results import TopicResult
from helpers.topics.sample import assign_by_centroids, fit_sample_rows

logger = logging.getLogger(__name__)


_FIT_PACKAGES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy")


def fit_topics(
    documents: pd.DataFrame,
    encoder: Encoder,
    *,
    seed: int,
    params: TopicParams | None = None,
    languages: Sequence[str] = ("en",),
    groups: Sequence[str] | None = None,
    messages: Sequence[str] = (),
) -> TopicResult:
    """Fit a BERTopic model on prepared posts (no files are read or written).

    Parameters
    ----------
    documents : DataFrame
        From :func:`topic_documents` (needs ``post_id``, ``author_id`` and ``doc``).
    encoder : Encoder
        The embedding model, normally a :class:`~helpers.embeddings.CachedEncoder`.
    seed : int
        The study seed (UMAP ``random_state``; KeyBERT's sampling).
    params : TopicParams, optional
    languages : sequence of str
        Languages of the corpus, for the stop words.
    groups : sequence of str, optional
        One label per document: UMAP and HDBSCAN run within each group
        separately, and outliers are reassigned within their group (see
        :func:`language_groups`); one group by default.
    messages : sequence of str
        Notes carried into the result.

    Returns
    -------
    TopicResult
        Without a model (status ``too_few_posts``) when there are fewer than
        ``params.min_posts`` posts, or ``no_topics`` when no cluster is found.
    """
    params = params or TopicParams()
    documents = documents.reset_index(drop=True)
    n_docs = len(documents)
    started = time.perf_counter()
    info: dict[str, Any] = {"n_documents": n_docs, "languages": sorted(set(languages)), "seed": seed,
                            "model_id": encoder.model_id, "versions": _versions()}
    if n_docs < params.min_posts:
        message = (f"Only {n_docs} posts are eligible for topic modelling (non-share posts of at least "
                   f"{params.min_words} words); a topic model needs at least {params.min_posts}. "
                   "Shown instead: post counts and the most frequent terms.")
        return _result_without_model(STATUS_TOO_FEW, [message, *messages], documents, params, info)

    texts = documents["doc"].tolist()
    group_labels = np.asarray(groups if groups is not None else ["all"] * n_docs, dtype=object)
    presence, vocabulary = vocabulary_presence(texts, documents["author_id"].tolist(), languages, params)
    if not vocabulary:
        info["groups"] = {}
        message = (f"No term is used by at least {params.min_term_authors} authors among {n_docs} posts: "
                   "no topic words can be shown.")
        return _result_without_model(STATUS_NO_TOPICS, [message, *messages], documents, params, info)
    embeddings = encoder.encode(texts)
    info["seconds_embedding"] = round(time.perf_counter() - started, 2)
    model, raw, fitted, params, sizes, names = fit_clusters(documents, texts, embeddings, encoder, seed=seed,
                                                            params=params, languages=languages,
                                                            groups=group_labels, vocabulary=vocabulary)
    info["groups"] = {
        g: {"posts": int((group_labels == g).sum()), "min_topic_size": size, "min_samples": samples}
        for g, (size, samples) in sizes.items()
    }
    info["fitted_on"] = len(fitted)
    if len(fitted) < n_docs - len(names.get("zero_shot_rows", ())):
        messages = [*messages, fitted_on_sample_message(len(fitted), n_docs)]
    if not (raw != OUTLIER).any():
        used = ", ".join(f"{g}: {size}" for g, (size, _) in sizes.items())
        message = (f"HDBSCAN found no topic among {n_docs} posts (all are outliers at min_topic_size "
                   f"{used}); try a smaller analysis.min_topic_size.")
        return _result_without_model(STATUS_NO_TOPICS, [message, *messages], documents, params, info)

    final = _reduce_outliers(raw, embeddings, group_labels, params)
    _describe(model, texts, final, params, seed)
    _set_centroids(model, final, embeddings)
    named = {**names["zero_shot"], **seed_topic_names(final, names["steering"], params,
                                                      exclude=set(names["zero_shot"]))}
    labels = {t: f"{t}: {named[t]}" if t in named else label for t, label in _labels(model).items()}
    model.set_topic_labels(labels)
    hierarchy = _hierarchy(model, texts)
    info["seconds_fit"] = round(time.perf_counter() - started, 2)

    in_fit = np.zeros(n_docs, dtype=bool)
    in_fit[fitted] = True
    documents = documents.assign(topic=final, topic_raw=raw, similarity=_similarity(model, final, embeddings),
                                 in_fit=in_fit)
    topics = _topic_table(model, documents, labels)
    topics["name"] = [named.get(int(t), "") for t in topics["topic"]]
    quality = topic_quality(model, texts, documents, languages, params, presence=(presence, vocabulary))
    result = TopicResult(STATUS_OK, list(messages), documents, topics, hierarchy, quality,
                         _params_record(params, info), model=model)
    logger.info("Topic model: %d topics over %d posts (%.1f s)", len(topics[topics["topic"] >= 0]), n_docs,
                info["seconds_fit"])
    return result


def fit_clusters(documents: pd.DataFrame, texts: list[str], embeddings: np.ndarray, encoder: Encoder, *,
                 seed: int, params: TopicParams, languages: Sequence[str], groups: np.ndarray,
                 vocabulary: list[str]) -> tuple[Any, np.ndarray, np.ndarray, TopicParams,
                                                 dict[str, tuple[int, int]], dict[str, Any]]:
    """Zero-shot assignment, then UMAP, HDBSCAN and c-TF-IDF of the other posts (guided by seed words).

    Returns ``(model, raw, fitted, params, sizes, names)``: ``raw`` every
    post's topic before outlier reduction, ``fitted`` the rows UMAP and
    HDBSCAN ran on, ``names`` the zero-shot topics' names (``"zero_shot"``:
    topic to label), the rows they hold (``"zero_shot_rows"``) and each
    post's seed list (``"steering"``, :func:`seed_steering`).
    """
    zero = zero_shot_assignment(embeddings, encoder, params)
    rows = np.flatnonzero(zero == NOT_ASSIGNED)
    every = len(rows) == len(texts)  # no zero-shot post: no copy of the posts or their vectors
    part = documents if every else documents.iloc[rows]
    fit_rows, fitted, params, sizes = fit_plan(part, params, seed, groups[rows])
    model = _build_model(encoder, params, languages, seed, groups[rows][fitted], sizes, vocabulary)
    raw = np.full(len(texts), OUTLIER, dtype=int)
    raw[rows] = cluster_posts(model, texts if every else [texts[r] for r in rows],
                              embeddings if every else embeddings[rows], fit_rows, groups[rows], params)
    zero_shot = {}
    base = int(raw.max()) + 1 if (raw != OUTLIER).any() else 0
    for k, label in enumerate(sorted(set(zero[zero != NOT_ASSIGNED].tolist()))):
        raw[zero == label] = base + k
        zero_shot[base + k] = params.zero_shot_topics[label]
    steering = seed_steering(embeddings, encoder, params)
    return model, raw, rows[fitted], params, sizes, {"zero_shot": zero_shot, "steering": steering,
                                                     "zero_shot_rows": np.flatnonzero(zero != NOT_ASSIGNED)}


def fit_plan(documents: pd.DataFrame, params: TopicParams, seed: int, group_labels: np.ndarray
             ) -> tuple[np.ndarray | None, np.ndarray, TopicParams, dict[str, tuple[int, int]]]:
    """Which posts a fit with ``seed`` is fitted on, its resolved parameters and HDBSCAN sizes per group.

    Returns ``(fit_rows, fitted, params, sizes)``: ``fit_rows`` is None
    below ``params.fit_sample`` posts (``fitted`` is then every row).
    """
    fit_rows = fit_sample_rows(documents, params.fit_sample, seed)
    fitted = np.arange(len(documents)) if fit_rows is None else fit_rows
    params = params.resolved(len(fitted))
    sizes = _group_sizes(group_labels[fitted], params, None if fit_rows is None else group_labels)
    return fit_rows, fitted, params, sizes


def cluster_posts(model: Any, texts: list[str], embeddings: np.ndarray, fit_rows: np.ndarray | None,
                  group_labels: np.ndarray, params: TopicParams) -> np.ndarray:
    """UMAP, HDBSCAN and c-TF-IDF of an unfitted model; every post's raw topic (before outlier reduction).

    The posts outside ``fit_rows`` (a sample fit) go to the most similar
    fitted topic centroid of their group (:func:`assign_by_centroids`).
    """
    n_docs = len(texts)
    if getattr(model, "seed_topic_list", None):  # BERTopic's guided step changes the vectors in place
        embeddings = embeddings.copy()
    enable_numba_cache()
    with _quiet_bertopic():
        if fit_rows is None:  # no copy of the vectors (300 MB at 200,000 posts)
            raw_topics, _ = model.fit_transform(texts, embeddings)
        else:
            raw_topics, _ = model.fit_transform([texts[row] for row in fit_rows], embeddings[fit_rows])
    raw = np.full(n_docs, OUTLIER, dtype=int)
    raw[np.arange(n_docs) if fit_rows is None else fit_rows] = raw_topics
    if fit_rows is not None:  # the posts not fitted on: by the fitted topics' centroids
        others = np.setdiff1d(np.arange(n_docs), fit_rows)
        raw[others] = assign_by_centroids(raw, embeddings, group_labels, others, params.outlier_threshold)
    return raw


def fitted_on_sample_message(fitted: int, documents: int) -> str:
    """What a reader is told when the model was fitted on a sample of the posts."""
    return (f"The topic model was fitted on a stratified sample of {fitted:,} of the {documents:,} posts "
            "(by organisation, platform and month; analysis.topic_fit_sample); the other posts were "
            "assigned to the topic whose centroid is most similar. Column in_fit of the topic documents "
            "says which posts were in the fit.")


def _build_model(encoder: Encoder, params: TopicParams, languages: Sequence[str], seed: int,
                 groups: np.ndarray, sizes: dict[str, tuple[int, int]], vocabulary: list[str]) -> Any:
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer

    return BERTopic(
        embedding_model=_bertopic_backend(encoder),
        umap_model=GroupedUMAP(groups, seed, params.n_neighbors, params.n_components),
        hdbscan_model=GroupedHDBSCAN(groups, sizes),
        vectorizer_model=make_vectorizer(languages, params.ngram_range, vocabulary=vocabulary),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=None,  # applied once, after outlier reduction (see _describe)
        seed_topic_list=[list(words) for _, words in params.seed_topics] or None,
        top_n_words=params.top_n_words,
        calculate_probabilities=False,
    )


def _reduce_outliers(raw: np.ndarray, embeddings: np.ndarray, groups: np.ndarray,
                     params: TopicParams) -> np.ndarray:
    """Outliers to the topic whose centroid is most similar (cosine), within the post's own group.

    BERTopic's "embeddings" strategy for ``reduce_outliers``, restricted to
    the clustering group (a post is never moved into another language's
    topic) and to similarities of at least ``params.outlier_threshold``
    (:func:`~helpers.topics.sample.assign_by_centroids`).
    """
    outliers = np.flatnonzero(raw == OUTLIER)
    if not params.reduce_outliers or len(outliers) == 0:
        return raw
    final = raw.copy()
    final[outliers] = assign_by_centroids(raw, embeddings, groups, outliers, params.outlier_threshold)
    return final


def _set_centroids(model: Any, topics: np.ndarray, embeddings: np.ndarray) -> None:
    """Topic embeddings as the mean embedding of each topic's posts (outliers first, if any)."""
    ids = np.unique(topics)
    model.topic_embeddings_ = np.vstack([embeddings[topics == t].mean(axis=0) for t in ids])


def _similarity(model: Any, topics: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    ids = np.unique(topics)
    centroids = model.topic_embeddings_
    row = np.searchsorted(ids, topics)
    a = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True).clip(1e-12)
    b = centroids / np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    similarity = np.einsum("ij,ij->i", a, b[row]).astype(float)
    similarity[topics == OUTLIER] = np.nan
    return similarity


def _hierarchy(model: Any, texts: list[str]) -> pd.DataFrame:
    n_topics = sum(1 for t in model.topic_representations_ if t != OUTLIER)
    if n_topics < 3:
        return _empty_hierarchy()
    with _quiet_bertopic(), _no_tqdm():
        frame = model.hierarchical_topics(texts)
    frame = frame.reset_index(drop=True)
    frame["Topics"] = frame["Topics"].map(lambda ts: [int(t) for t in ts])
    frame["Distance"] = frame["Distance"].astype(float)
    return frame


def _empty_hierarchy() -> pd.DataFrame:
    columns = ["Parent_ID", "Parent_Name", "Topics", "Child_Left_ID", "Child_Left_Name", "Child_Right_ID",
               "Child_Right_Name", "Distance"]
    return pd.DataFrame({c: pd.Series(dtype=float if c == "Distance" else object) for c in columns})


def _topic_table(model: Any, documents: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    aspects = getattr(model, "topic_aspects_", {}) or {}
    aspect = next(iter(aspects.values()), {})
    ctfidf = ctfidf_top_words(model, 25)
    grouped = documents.groupby("topic").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    rows = []
    for topic in sorted(model.topic_representations_):
        words = [(w, float(s)) for w, s in model.topic_representations_[topic] if w]
        rows.append({
            "topic": int(topic),
            "label": labels[topic],
            "posts": int(grouped["posts"].get(topic, 0)),
            "authors": int(grouped["authors"].get(topic, 0)),
            "words": [w for w, _ in words],
            "weights": [s for _, s in words],
            "keybert": [w for w, _ in aspect.get(topic, []) if w],
            "ctfidf": ctfidf.get(topic, []),
        })
    table = pd.DataFrame(rows)
    return table.sort_values(["posts", "topic"], ascending=[False, True], ignore_index=True)


def _result_without_model(status: str, messages: list[str], documents: pd.DataFrame, params: TopicParams,
                          info: dict[str, Any]) -> TopicResult:
    documents = documents.assign(topic=OUTLIER, topic_raw=OUTLIER, similarity=np.nan)
    topics = pd.DataFrame({"topic": pd.Series(dtype="int64"), "label": pd.Series(dtype=object),
                           "posts": pd.Series(dtype="int64"), "authors": pd.Series(dtype="int64"),
                           "words": pd.Series(dtype=object), "weights": pd.Series(dtype=object),
                           "keybert": pd.Series(dtype=object), "ctfidf": pd.Series(dtype=object)})
    quality = pd.DataFrame([{"metric": "n_posts", "value": float(len(documents)),
                             "description": "posts eligible for topic modelling"}])
    for message in messages[:1]:
        logger.warning(message)
    return TopicResult(status, messages, documents, topics, _empty_hierarchy(), quality,
                       _params_record(params, info))


def _params_record(params: TopicParams, info: dict[str, Any]) -> dict[str, Any]:
    record = asdict(params)
    record["ngram_range"] = list(params.ngram_range)
    return {**record, **info}


def _versions() -> dict[str, str]:
    out = {}
    for name in _FIT_PACKAGES:
        try:
            out[name] = package_version(name)
        except Exception:  # pragma: no cover - a package without metadata
            out[name] = "unknown"
    return out
