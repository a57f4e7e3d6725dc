"""How much fitting the topic model on a sample changes the topics: a sample fit against a full fit.

Run: ``.venv/bin/python benchmarks/topic_sample.py --config STUDY.yml [--posts 200000] [--samples 50000]``

The study must have been batched (its embedding cache holds every topic
document's vector, e.g. a study of ``benchmarks/batch_scale.py`` kept with
``--workdir``).  A seeded subset of ``--posts`` of its topic documents stands
for a study of that size; the model is fitted on all of them (the reference)
and, for each ``--samples`` size, on a stratified sample of that size with the
other posts assigned by the fitted topics (``analysis.topic_fit_sample``).
For each sample size it records the normalised mutual information and the
adjusted Rand index of the two assignments, the share of posts whose topic
differs (each sample-fit topic matched to the full-fit topic most of its posts
are in), and both fits' times; and, as the yardstick, the same for a full fit
with another seed (how much a refit alone changes the topics).
Results: ``benchmarks/results/topic_sample.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "topic_sample.json"


def differing_share(reference: np.ndarray, other: np.ndarray) -> float:
    """Share of posts whose topic differs, each topic of ``other`` read as the reference topic most of
    its posts have (outliers count as a topic of their own)."""
    table = pd.crosstab(other, reference)
    matched = table.idxmax(axis=1)
    return float((pd.Series(other).map(matched).to_numpy() != reference).mean())


def study_subset(config_path: Path, posts: int) -> tuple:
    """A batched study's config, topic parameters, topic documents, and a seeded subset of ``posts`` of
    them standing for a study of that size, with the subset's language groups; ``(config, params,
    every, documents, groups)``."""
    from helpers.config import load_config
    from helpers.ingest.report import load_posts
    from helpers.topics import language_groups, params_from_config, topic_documents

    config = load_config(config_path)
    params = params_from_config(config)
    every = topic_documents(load_posts(config), params.min_words)
    rng = np.random.default_rng(config.seed)
    keep = np.sort(rng.choice(len(every), size=min(posts, len(every)), replace=False))
    documents = every.iloc[keep].reset_index(drop=True)
    org_languages = {org.id: org.language.lower() for org in config.organisations}
    groups = np.asarray(language_groups(documents, org_languages, params.min_posts), dtype=object)
    return config, params, every, documents, groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--samples", type=int, nargs="+", default=[50_000, 100_000])
    parser.add_argument("--no-seed-baseline", dest="seed_baseline", action="store_false",
                        help="skip the full refit with another seed (the yardstick of the agreement)")
    args = parser.parse_args()
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from helpers.embeddings import study_encoder
    from helpers.topics import fit_topics, study_languages

    config, params, every, documents, groups = study_subset(args.config, args.posts)
    encoder = study_encoder(config, progress=False)
    languages = study_languages(config)

    def fit(fit_sample: int, seed: int) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        result = fit_topics(documents, encoder, seed=seed, params=replace(params, fit_sample=fit_sample),
                            languages=languages, groups=groups)
        return result.documents["topic"].to_numpy(), round(time.perf_counter() - started, 1)

    def compared(label: str, fitted_on: int, topics: np.ndarray, seconds: float) -> dict:
        row = {
            "fit": label,
            "fitted_on": fitted_on,
            "nmi_with_full_fit": round(float(normalized_mutual_info_score(full, topics)), 3),
            "ari_with_full_fit": round(float(adjusted_rand_score(full, topics)), 3),
            "posts_whose_topic_differs": round(differing_share(full, topics), 3),
            "topics": len(set(topics.tolist()) - {-1}),
            "seconds": seconds,
        }
        print(row, file=sys.stderr, flush=True)
        return row

    full, full_seconds = fit(len(documents), config.seed)
    rows = [compared("full, another seed (how much a refit alone changes)", len(documents),
                     *fit(len(documents), config.seed + 1))] if args.seed_baseline else []
    rows += [compared("sample", size, *fit(size, config.seed)) for size in args.samples]
    result = {
        "what": __doc__.splitlines()[0],
        "measured_on": time.strftime("%Y-%m-%d"),
        "study": {"topic_documents": len(every), "subset": len(documents)},
        "full_fit": {"topics": len(set(full.tolist()) - {-1}), "seconds": full_seconds},
        "fits": rows,
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
