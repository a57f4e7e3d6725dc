"""Evaluation of the study's topic model: its quality, and agreement with known themes.

:func:`evaluate_topics` gathers the quality measures of the saved (or
freshly fitted) model and, where ground-truth themes are known (the demo),
NMI and ARI against them, beside a bag-of-words baseline
(:func:`baseline_clusters`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.topics.documents import TOKEN_PATTERN, stop_words
from helpers.topics.params import OUTLIER
from helpers.topics.saved import load_topics, study_topics

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)


def evaluate_topics(
    config: StudyConfig, truth: pd.DataFrame | None = None, *, fit: bool = True
) -> pd.DataFrame:
    """Quality of the study's topic model, and agreement with ground-truth themes where known.

    Parameters
    ----------
    config : StudyConfig
    truth : DataFrame, optional
        ``post_id`` and ``theme`` of posts with a known theme; default: the
        demo's ground truth through :func:`helpers.truth.load_truth_posts`
        (no agreement rows when there is none).
    fit : bool
        Fit the model when it is not up to date (otherwise use the saved one).

    Returns
    -------
    DataFrame
        ``component, scope, metric, value, n_posts, description``: the
        quality measures of :func:`topic_quality` for the study, the outlier
        share per organisation, and NMI and ARI between topics and themes
        (study and per organisation; outliers count as one more cluster, and
        again without outliers).
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    result = study_topics(config, progress=False) if fit else load_topics(config)
    docs = result.documents
    rows = [("study", m, v, len(docs), d) for m, v, d in result.quality.itertuples(index=False)]
    for org_id, group in docs.groupby("org_id"):
        rows.append((org_id, "outliers", float((group["topic"] == OUTLIER).mean()), len(group),
                     "share of posts still outliers after outlier reduction"))
    if truth is None:
        truth = _load_truth(config)
    if truth is not None and result.has_topics:
        known = truth.loc[truth["theme"].fillna("").astype(str).str.len() > 0, ["post_id", "theme"]]
        merged = docs.merge(known, on="post_id", how="inner")
        scopes = [("study", merged), *merged.groupby("org_id")]
        for scope, group in scopes:
            for suffix, part in (("", group), ("_no_outliers", group[group["topic"] != OUTLIER])):
                if len(part) < 2:
                    continue
                nmi = normalized_mutual_info_score(part["theme"], part["topic"])
                ari = adjusted_rand_score(part["theme"], part["topic"])
                what = "all modelled posts" if not suffix else "posts in a topic"
                rows.append((scope, f"nmi_theme{suffix}", float(nmi), len(part),
                             f"NMI between topics and ground-truth themes ({what})"))
                rows.append((scope, f"ari_theme{suffix}", float(ari), len(part),
                             f"adjusted Rand index between topics and ground-truth themes ({what})"))
        if len(merged) > 1:
            n_topics = int((result.topics["topic"] != OUTLIER).sum())
            baseline = baseline_clusters(merged["doc"].tolist(), n_topics, config.seed,
                                         result.params.get("languages", ["en"]))
            nmi = normalized_mutual_info_score(merged["theme"], baseline)
            rows.append(("study", "nmi_theme_baseline", float(nmi), len(merged),
                         f"NMI of a TF-IDF + k-means baseline with {n_topics} clusters (reference)"))
    frame = pd.DataFrame(rows, columns=["scope", "metric", "value", "n_posts", "description"])
    frame.insert(0, "component", "topics")
    return frame


def baseline_clusters(
    texts: Sequence[str], n_clusters: int, seed: int, languages: Sequence[str]
) -> np.ndarray:
    """A reference clustering: k-means on TF-IDF vectors (same stop words), seeded.

    Gives the agreement measures a yardstick: a topic model should agree with
    known themes at least as well as this bag-of-words baseline.
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words=stop_words(languages), token_pattern=TOKEN_PATTERN,
                              sublinear_tf=True).fit_transform(texts)
    n_clusters = max(1, min(n_clusters, vectors.shape[0]))
    return KMeans(n_clusters=n_clusters, random_state=seed, n_init=3).fit_predict(vectors)


def _load_truth(config: StudyConfig) -> pd.DataFrame | None:
    try:
        truth_module = importlib.import_module("helpers.truth")
        return truth_module.load_truth_posts(config)
    except (ImportError, FileNotFoundError) as exc:
        logger.info("No ground truth for topic evaluation (%s)", exc)
        return None
