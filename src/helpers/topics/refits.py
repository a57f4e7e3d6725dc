"""Topic stability of a study: the shared model refitted with other seeds, cached beside it.

:func:`topic_stability` refits the study's topic model with
``analysis.topic_stability_seeds - 1`` other seeds on the cached vectors
(:func:`~helpers.topics.stability.refit_topics`), keeps each refit's
assignment beside the saved model (keyed by the model's fingerprint and the
seed, so a rerun refits nothing) and returns the table of
:func:`~helpers.topics.stability.stability_table`; the result it is given then
marks its unstable topics in every view and figure.  The refits are
independent and run side by side, one per usable CPU (:func:`run_refits`).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.embeddings import Encoder, is_multilingual, study_encoder
from helpers.locks import exclusive_lock
from helpers.notice import NotComputed
from helpers.processes import usable_cpus
from helpers.schema import write_parquet_atomic
from helpers.topics._umap_runtime import release_gil_in_umap_layout
from helpers.topics.documents import study_languages, vocabulary_presence
from helpers.topics.grouped import language_groups
from helpers.topics.params import TopicParams, params_from_config
from helpers.topics.results import TopicResult
from helpers.topics.saved import study_topics
from helpers.topics.stability import (
    read_stability,
    refit_key,
    refit_path,
    refit_seeds,
    refit_topics,
    save_stability,
    stability_folder,
    stability_key,
    stability_table,
)

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)

MEASURE = "Topic stability"


def topic_stability(
    config: StudyConfig,
    result: TopicResult | None = None,
    *,
    encoder: Encoder | None = None,
    params: TopicParams | None = None,
    progress: bool = False,
) -> pd.DataFrame | NotComputed:
    """How well each topic of the study's model reappears when the model is fitted with other seeds.

    Parameters
    ----------
    config : StudyConfig
        ``analysis.topic_stability_seeds`` fits are compared (the study's own
        and ``n - 1`` refits with seeds ``seed + 1, seed + 2 ...``); above
        ``analysis.topic_stability_sample`` topic documents each refit is
        fitted on a sample of that size (:func:`refit_sample`).
    result : TopicResult, optional
        The study's model (default: :func:`study_topics`); its ``stability``
        is set, so its views and figures mark the unstable topics.
    encoder, params :
        As given to :func:`study_topics` (the vectors come from the study's
        cache: nothing is encoded again).
    progress : bool
        Progress bar if a post's vector is missing from the cache.

    Returns
    -------
    DataFrame or NotComputed
        :func:`~helpers.topics.stability.stability_table` (``topic, label,
        posts, mean_jaccard, reappears, stable, jaccard``; ``attrs``: ARI per
        refit, ``mean_ari``, seconds per refit); a note when the setting turns
        it off or the study has no topics.  Saved under
        ``topics/runs/<id>/stability/`` and loaded while the model and the
        setting are unchanged.
    """
    count = int(config.analysis.topic_stability_seeds)
    if count <= 1:
        return NotComputed(MEASURE, f"analysis.topic_stability_seeds is {count}, so the topic model is not "
                           "refitted with other seeds", "analysis.topic_stability_seeds of 2 or more (5: "
                           "the study's fit and 4 refits)")
    params = params or params_from_config(config)
    result = result if result is not None else study_topics(config, encoder=encoder, params=params,
                                                            progress=progress)
    if not result.has_topics:
        return NotComputed(MEASURE, "the study's topic model has no topics"
                           + (f" ({result.messages[0]})" if result.messages else ""))
    seeds = refit_seeds(config.seed, count)
    sample = refit_sample(config, params, len(result.documents))
    key = stability_key(result.fingerprint, seeds, sample)
    run = result.folder
    if run is not None and (saved := read_stability(run, key)) is not None:
        result.stability = saved
        return saved
    if run is None:
        table = _compute(config, result, seeds, sample, key, encoder, params, progress)
    else:
        stability_folder(run).mkdir(parents=True, exist_ok=True)
        with exclusive_lock(stability_folder(run) / ".lock", "the topic stability refits"):
            saved = read_stability(run, key)  # another worker may have computed it while we waited
            table = saved if saved is not None else _compute(config, result, seeds, sample, key, encoder,
                                                             params, progress)
    result.stability = table
    return table


def refit_sample(config: StudyConfig, params: TopicParams, posts: int) -> int:
    """How many topic documents each refit is fitted on: 0 (every post, or the study fit's own sample)
    unless ``analysis.topic_stability_sample`` is smaller than both."""
    sample = int(config.analysis.topic_stability_sample)
    return sample if 0 < sample < min(posts, params.fit_sample) else 0


def _compute(config: StudyConfig, result: TopicResult, seeds: list[int], sample: int, key: str,
             encoder: Encoder | None, params: TopicParams, progress: bool) -> pd.DataFrame:
    documents = result.documents
    texts = documents["doc"].tolist()
    cached = study_encoder(config, progress=progress, encoder=encoder)
    embeddings = cached.encode(texts)  # every vector is in the cache since the study's fit
    languages = study_languages(config)
    model_name = encoder.model_id if encoder is not None else config.analysis.embedding_model
    org_languages = {org.id: org.language.lower() for org in config.organisations}
    groups = (language_groups(documents, org_languages, params.min_posts) if not is_multilingual(model_name)
              else None)
    groups = np.asarray(groups if groups is not None else ["all"] * len(documents), dtype=object)
    refits, todo = {}, []
    for seed in seeds:
        key_of_refit = refit_key(result.fingerprint, seed, sample)
        path = refit_path(result.folder, key_of_refit) if result.folder else None
        saved = pd.read_parquet(path) if path is not None and path.exists() else None
        if saved is not None and saved["post_id"].tolist() == documents["post_id"].tolist():
            refits[seed] = saved["topic"].to_numpy()
        else:
            todo.append(seed)
    seconds, started = [], time.perf_counter()
    if todo:
        vocabulary = vocabulary_presence(texts, documents["author_id"].tolist(), languages, params)[1]

        def refit(seed: int) -> np.ndarray:
            return refit_topics(texts, embeddings, documents, cached, seed=seed, params=params,
                                languages=languages, groups=groups, vocabulary=vocabulary, sample=sample)

        for seed, (topics, took) in run_refits(refit, todo):
            refits[seed] = topics
            seconds.append(took)
            if result.folder is not None:
                path = refit_path(result.folder, refit_key(result.fingerprint, seed, sample))
                write_parquet_atomic(pd.DataFrame({"post_id": documents["post_id"], "topic": topics}), path)
            logger.info("Topic stability: refit with seed %d in %.1f s", seed, took)
    labels = dict(zip(result.topics["topic"].astype(int), result.topics["label"], strict=True))
    table = stability_table(documents["topic"].to_numpy(), refits, labels)
    table.attrs["seconds_per_refit"] = round(float(np.mean(seconds)), 2) if seconds else None
    table.attrs["refit_seconds_wall"] = round(time.perf_counter() - started, 2) if seconds else None
    table.attrs["posts"] = len(documents)
    table.attrs["refit_sample"] = sample
    if result.folder is not None:
        save_stability(result.folder, table, {"key": key, "fingerprint": result.fingerprint})
    return table


def run_refits(refit: Callable[[int], np.ndarray], seeds: list[int]
               ) -> list[tuple[int, tuple[np.ndarray, float]]]:
    """Run ``refit(seed)`` for every seed, side by side on the usable CPUs; ``(seed, (topics, seconds))``.

    The refits are independent, and each is single-threaded where it matters
    (each UMAP is seeded and runs in one thread; a refit's language groups
    share the pool of :class:`~helpers.topics.grouped.GroupedUMAP`), so two
    CPUs fit two refits at a time.  UMAP's layout, most of a refit, then runs
    without Python's global interpreter lock
    (:func:`~helpers.topics._umap_runtime.release_gil_in_umap_layout`); each
    refit's assignment is the same as when the refits run one after another.
    On a 2-CPU machine two refits of 30,000 posts of one language took 42 s
    side by side against 60 s one after another.
    """

    def timed(seed: int) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        return refit(seed), time.perf_counter() - started

    workers = max(1, min(len(seeds), usable_cpus()))
    if workers == 1:
        return [(seed, timed(seed)) for seed in seeds]
    release_gil_in_umap_layout()
    # Each refit enters catch_warnings() in its own thread; they can restore each other's filters in
    # the wrong order, so the filters are saved and restored once, here.
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=workers) as pool:
        return list(zip(seeds, pool.map(timed, seeds), strict=True))
