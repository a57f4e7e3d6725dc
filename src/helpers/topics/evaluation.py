"""Evaluation of the study's topic model: its quality, and agreement with known themes.

:func:`evaluate_topics` gathers the quality measures of the saved (or
freshly fitted) model and, where ground-truth themes are known (the demo),
NMI and ARI against them, beside a bag-of-words baseline
(:func:`baseline_clusters`); :func:`planted_theme_stability` checks the
stability flags against them (a topic that carries a known theme should be
flagged stable).
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

THEME_SHARE = 0.6
"""A topic carries a known theme when at least this share of its posts have it (in one organisation)."""


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
        again without outliers); where the model's stability is known, the
        share of topics carrying a known theme that are flagged stable
        (:func:`planted_theme_stability`) and of the other topics.
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
    if truth is not None and result.stability is not None and not result.stability.empty:
        carried = planted_theme_stability(docs, truth, result.stability)
        for carries, name in ((True, "stable_share_theme_topics"), (False, "stable_share_other_topics")):
            part = carried[carried["carries_theme"] == carries]
            if len(part):
                rows.append(("study", name, float(part["stable"].mean()), int(part["posts"].sum()),
                             f"share of the {len(part)} topics {'carrying' if carries else 'not carrying'} "
                             f"a known theme (>= {THEME_SHARE:.0%} of their posts) flagged stable"))
    frame = pd.DataFrame(rows, columns=["scope", "metric", "value", "n_posts", "description"])
    frame.insert(0, "component", "topics")
    return frame


def planted_theme_stability(documents: pd.DataFrame, truth: pd.DataFrame, stability: pd.DataFrame,
                            share: float | None = None) -> pd.DataFrame:
    """Whether the topics that carry a known theme are flagged stable: the stability flags checked.

    A topic carries a theme when at least ``share`` of its posts have that
    theme in one organisation (themes are counted per organisation: the
    organisations write about different diseases, often in different
    languages, and the model's topics follow them).  Topics that carry a
    planted theme are real structure, and should reappear when the model is
    refitted with other seeds (Greene et al. 2014; Hennig 2007 for the
    best-match Jaccard of member points).

    Parameters
    ----------
    documents : DataFrame
        The model's topic documents (``post_id, org_id, topic``).
    truth : DataFrame
        ``post_id`` and ``theme`` of posts with a known theme.
    stability : DataFrame
        :func:`~helpers.topics.stability.stability_table` of the model.
    share : float, optional
        Default :data:`THEME_SHARE`.

    Returns
    -------
    DataFrame
        One row per topic of ``stability``: ``topic, label, posts, theme``
        (the organisation's most frequent theme, ``org/theme``),
        ``theme_share, carries_theme, reappears, stable``.
    """
    share = THEME_SHARE if share is None else share
    known = truth.loc[truth["theme"].fillna("").astype(str).str.len() > 0, ["post_id", "theme"]]
    merged = documents[documents["topic"] != OUTLIER].merge(known, on="post_id", how="inner")
    merged = merged.assign(org_theme=merged["org_id"].astype(str) + "/" + merged["theme"].astype(str))
    rows = []
    for topic, posts, label, reappears, stable in stability[["topic", "posts", "label", "reappears",
                                                               "stable"]].itertuples(index=False):
        themes = merged.loc[merged["topic"] == topic, "org_theme"].value_counts(normalize=True)
        top, top_share = (themes.index[0], float(themes.iloc[0])) if len(themes) else ("", 0.0)
        rows.append({"topic": int(topic), "label": label, "posts": int(posts), "theme": top,
                     "theme_share": top_share, "carries_theme": top_share >= share,
                     "reappears": float(reappears), "stable": bool(stable)})
    return pd.DataFrame(rows, columns=["topic", "label", "posts", "theme", "theme_share", "carries_theme",
                                       "reappears", "stable"])


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
