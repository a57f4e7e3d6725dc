"""How stable the study's topics are: refits with other seeds, topics matched across fits.

A topic model is one draw of a random process: UMAP's layout and so
HDBSCAN's clusters follow the seed (Lancichinetti et al. 2015 show how little
topic models reproduce from one run to the next).  Following Greene,
O'Callaghan and Cunningham (2014), the model is fitted again with other seeds
on the same vectors, and each topic of the study's fit is matched, in every
refit, to the refit's topic whose member posts overlap it most
(Jaccard index of the two sets of posts).  A topic *reappears* in a refit when
that best match is at least :data:`REAPPEARS_AT` (0.5: the two sets share more
posts than either has apart), and it is *stable* when it reappears in at least
half of the refits (:data:`STABLE_SHARE`).  The adjusted Rand index between the
study's assignment and each refit's summarises the whole partition.

A large study's refits are each fitted on a seeded sample of its posts (a
new sample per refit, stratified like a sample fit, the smallest topic
scaled to the sample; ``analysis.topic_stability_sample``), as Greene et al.
refit on random subsets of the documents, and compared with the study's fit
on the posts they were fitted on: the other posts are :data:`NOT_FITTED` in
a refit's assignment.  So a topic is asked to reappear from a part of the
posts and with another seed, a stricter test: at 160,000 topic documents,
refits on samples of 50,000 took a third of the time of refits on every post
and found 73% of the topics stable against 91% (``docs/topics.md``).  By
default the refits use every post.

:func:`refit_topics` fits once with another seed (UMAP, HDBSCAN, c-TF-IDF and
the outlier reassignment of :func:`~helpers.topics.fit.fit_topics`; no
labels, hierarchy or quality); :func:`best_match_jaccard` and
:func:`stability_table` compare fits; :func:`stability_reading` is the
sentence of a report; :func:`save_stability` and :func:`read_stability` keep
the table beside the saved model.  :func:`~helpers.topics.refits.topic_stability`
puts them together for a study.

References
----------
Greene, D., O'Callaghan, D. and Cunningham, P. (2014). How many topics? Stability analysis for topic
models. ECML PKDD 2014, LNCS 8724, 498-513.
Lancichinetti, A., Sirer, M. I., Wang, J. X., Acuna, D., Körding, K. and Amaral, L. A. N. (2015).
High-reproducibility and high-accuracy method for automated topic classification. Physical Review X 5,
011007.
Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of Classification 2, 193-218.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.embeddings import Encoder
from helpers.notice import NotComputed, Prose, paragraphs
from helpers.schema import write_parquet_atomic
from helpers.store import read_json_marker, write_json_atomic
from helpers.topics.fit import _reduce_outliers, fit_clusters
from helpers.topics.params import OUTLIER, TopicParams

REAPPEARS_AT = 0.5
"""Least best-match Jaccard of member posts for a topic to count as reappearing in a refit."""
STABLE_SHARE = 0.5
"""Least share of refits a topic must reappear in to be stable."""
NOT_FITTED = -2
"""A post's topic in a refit fitted on a sample that left the post out: not compared."""
STABILITY_FOLDER = "stability"
"""Beside the saved model (``topics/runs/<id>/``): the refits' assignments and the table."""


def refit_seeds(seed: int, count: int) -> list[int]:
    """The seeds of the refits: ``count - 1`` seeds after the study's own (which is the first fit).

    Examples
    --------
    >>> refit_seeds(42, 5), refit_seeds(42, 1)
    ([43, 44, 45, 46], [])
    """
    return [seed + i for i in range(1, max(0, count))]


def stability_key(fingerprint: str, seeds: Sequence[int], sample: int = 0) -> str:
    """The key of a stability table: the study fit's fingerprint (everything it depends on), the seeds and
    the refits' sample size."""
    key = {"fingerprint": fingerprint, "seeds": list(seeds), "format": 1, "reappears_at": REAPPEARS_AT,
           "stable_share": STABLE_SHARE}
    if sample:  # refits on every post keep the key they had before samples were possible
        key.update({"format": 2, "sample": sample})
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def refit_key(fingerprint: str, seed: int, sample: int = 0) -> str:
    """The key of one refit's assignment: the study fit's fingerprint, the refit's seed and sample size."""
    return hashlib.sha256(f"{fingerprint}:refit:{seed}{f':sample:{sample}' if sample else ''}".encode()
                          ).hexdigest()


def refit_topics(texts: list[str], embeddings: np.ndarray, documents: pd.DataFrame, encoder: Encoder, *,
                 seed: int, params: TopicParams, languages: Sequence[str], groups: np.ndarray,
                 vocabulary: list[str], sample: int = 0) -> np.ndarray:
    """Every post's topic in a fit with ``seed``: the study fit's clustering and outlier rule, nothing more.

    The vectors are given (never encoded again); the sample of a large study
    is drawn with ``seed`` too, as a fit with that seed would draw it.  With
    ``sample`` (fewer than the posts, and than ``params.fit_sample``), the
    refit is fitted on a sample of that size drawn with ``seed``
    (:func:`~helpers.topics.sample.fit_sample_rows`), and the posts it left
    out are :data:`NOT_FITTED`.
    """
    on_sample = 0 < sample < min(len(texts), params.fit_sample)
    fit_params = replace(params, fit_sample=sample) if on_sample else params
    # A sample leaves some of the study's vocabulary unused, and BERTopic's c-TF-IDF then divides by a
    # zero document frequency: the refit's words are never used (only its assignment is), so say nothing.
    with np.errstate(divide="ignore"):
        _, raw, fitted, resolved, _, names = fit_clusters(documents, texts, embeddings, encoder, seed=seed,
                                                          params=fit_params, languages=languages,
                                                          groups=groups, vocabulary=vocabulary)
    topics = _reduce_outliers(raw, embeddings, groups, resolved)
    if not on_sample:
        return topics
    compared = np.full(len(topics), NOT_FITTED, dtype=topics.dtype)
    kept = np.union1d(fitted, names["zero_shot_rows"])  # a zero-shot post's topic does not depend on the fit
    compared[kept] = topics[kept]
    return compared


def best_match_jaccard(reference: np.ndarray, other: np.ndarray) -> dict[int, float]:
    """For each topic of ``reference``, the highest Jaccard index of its posts with a topic of ``other``.

    Outliers (``-1``) are neither matched nor matched to.

    Examples
    --------
    >>> best_match_jaccard(np.array([0, 0, 0, 1, 1, -1]), np.array([5, 5, 7, 7, 7, 5]))
    {0: 0.5, 1: 0.6666666666666666}
    """
    ref_ids, ref_codes = np.unique(reference, return_inverse=True)
    other_ids, other_codes = np.unique(other, return_inverse=True)
    both = np.zeros((len(ref_ids), len(other_ids)), dtype=np.int64)
    np.add.at(both, (ref_codes, other_codes), 1)
    ref_sizes = both.sum(axis=1, keepdims=True)
    other_sizes = both.sum(axis=0, keepdims=True)
    jaccard = both / (ref_sizes + other_sizes - both)
    jaccard[:, other_ids == OUTLIER] = 0.0
    best = jaccard.max(axis=1) if len(other_ids) else np.zeros(len(ref_ids))
    return {int(t): float(best[i]) for i, t in enumerate(ref_ids) if t != OUTLIER}


def stability_table(reference: np.ndarray, refits: Mapping[int, np.ndarray],
                    labels: Mapping[int, str] | None = None) -> pd.DataFrame:
    """One row per topic of ``reference``: how well it reappears in the refits.

    Parameters
    ----------
    reference : ndarray of int
        The study fit's topic of every post.
    refits : mapping
        Seed to every post's topic in the refit with that seed (same order;
        :data:`NOT_FITTED` for the posts a refit on a sample left out: each
        refit is compared on the posts it was fitted on).
    labels : mapping, optional
        Topic id to label.

    Returns
    -------
    DataFrame
        ``topic, label, posts, mean_jaccard, reappears, stable, jaccard``
        (``reappears``: share of refits whose best match is at least
        :data:`REAPPEARS_AT`; ``stable``: ``reappears >= STABLE_SHARE``;
        ``jaccard``: the best match in each refit, in seed order), largest
        topics first.  ``attrs`` holds ``ari`` (seed to adjusted Rand index
        with the reference), ``mean_ari``, ``refits``, ``seeds`` and the thresholds.
    """
    from sklearn.metrics import adjusted_rand_score

    seeds = sorted(refits)
    compared = {seed: refits[seed] != NOT_FITTED for seed in seeds}  # a refit on a sample: its posts
    matches = [best_match_jaccard(reference[compared[seed]], refits[seed][compared[seed]]) for seed in seeds]
    ids, sizes = np.unique(reference[reference != OUTLIER], return_counts=True)
    rows = []
    for topic, size in zip(ids.tolist(), sizes.tolist(), strict=True):
        best = [m.get(topic, 0.0) for m in matches]
        reappears = float(np.mean([b >= REAPPEARS_AT for b in best])) if best else float("nan")
        rows.append({"topic": int(topic), "label": (labels or {}).get(topic, str(topic)), "posts": int(size),
                     "mean_jaccard": float(np.mean(best)) if best else float("nan"),
                     "reappears": reappears, "stable": bool(reappears >= STABLE_SHARE), "jaccard": best})
    table = pd.DataFrame(rows, columns=["topic", "label", "posts", "mean_jaccard", "reappears", "stable",
                                        "jaccard"])
    table = table.sort_values(["posts", "topic"], ascending=[False, True], ignore_index=True)
    ari = {int(seed): float(adjusted_rand_score(reference[compared[seed]], refits[seed][compared[seed]]))
           for seed in seeds}
    table.attrs.update({"ari": ari, "mean_ari": float(np.mean(list(ari.values()))) if ari else float("nan"),
                        "refits": len(seeds), "seeds": [int(s) for s in seeds],
                        "reappears_at": REAPPEARS_AT, "stable_share": STABLE_SHARE})
    return table


def stability_reading(table: pd.DataFrame) -> str:
    """The sentence of a report: ``"k of n topics reappear in at least half of 4 refits; mean ARI 0.xx"``."""
    refits = int(table.attrs.get("refits", len(table["jaccard"].iloc[0]) if len(table) else 0))
    stable = int(table["stable"].sum())
    mean_ari = table.attrs.get("mean_ari", float("nan"))
    sample, posts = int(table.attrs.get("refit_sample") or 0), int(table.attrs.get("posts") or 0)
    on_sample = (f", each fitted on another sample of {sample:,} of the {posts:,} posts and compared on those"
                 if 0 < sample < posts else "")
    return (f"{stable} of {len(table)} topics reappear in at least half of {refits} refits with other seeds"
            f"{on_sample} (best-match Jaccard of member posts >= {REAPPEARS_AT}); mean ARI {mean_ari:.2f}")


def stability_summary(stability: pd.DataFrame | NotComputed) -> Prose | NotComputed:
    """What a report says of the topics' stability: the sentence of :func:`stability_reading`, or why not."""
    if isinstance(stability, NotComputed):
        return stability
    return paragraphs(stability_reading(stability) + ".")


def stability_overview(stability: pd.DataFrame | NotComputed) -> pd.DataFrame | NotComputed:
    """The stability table as a report shows it: per topic, its posts, the mean best-match Jaccard and
    in how many refits it reappears (the per-refit values stay in the table itself)."""
    if isinstance(stability, NotComputed):
        return stability
    refits = int(stability.attrs.get("refits", 0)) or max((len(v) for v in stability["jaccard"]), default=0)
    return pd.DataFrame({
        "topic": stability["label"],
        "posts": stability["posts"],
        "mean best-match Jaccard": stability["mean_jaccard"].round(2),
        "reappears in": [f"{round(share * refits)} of {refits} refits" for share in stability["reappears"]],
        "stable": stability["stable"].map({True: "yes", False: "no †"}),
    })


def stability_folder(run: Path) -> Path:
    """Where a saved run's refits and stability table live."""
    return run / STABILITY_FOLDER


def refit_path(run: Path, key: str) -> Path:
    """The saved assignment of one refit, named by its key (the study's fingerprint and the seed)."""
    return stability_folder(run) / f"refit-{key[:24]}.parquet"


def save_stability(run: Path, table: pd.DataFrame, info: dict[str, Any]) -> None:
    """Write the table (``stability.parquet``) and what it was computed from (``stability.json``)."""
    folder = stability_folder(run)
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(table, folder / "stability.parquet")
    attrs = {**table.attrs, "ari": {str(k): v for k, v in table.attrs.get("ari", {}).items()}}
    write_json_atomic(folder / "stability.json", {**info, "attrs": attrs}, indent=2, sort_keys=True,
                      default=str)


def read_stability(run: Path, key: str | None = None) -> pd.DataFrame | None:
    """The saved stability table of a run (None when there is none, or when ``key`` is not its key)."""
    folder = stability_folder(run)
    info = read_json_marker(folder / "stability.json", "topic stability") if folder.is_dir() else None
    if not isinstance(info, dict) or (key is not None and info.get("key") != key):
        return None
    try:
        table = pd.read_parquet(folder / "stability.parquet")
    except (OSError, ValueError):
        return None
    table["jaccard"] = table["jaccard"].map(lambda v: [] if v is None else [float(x) for x in v])
    attrs = dict(info.get("attrs", {}))
    attrs["ari"] = {int(k): float(v) for k, v in attrs.get("ari", {}).items()}
    table.attrs.update(attrs)
    return table

