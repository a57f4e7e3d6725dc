"""What topic stability costs, and whether it flags the planted themes stable, at a study's size.

Run: ``.venv/bin/python benchmarks/topic_stability.py --config STUDY.yml [--posts 160000] [--seeds 5]
[--refit-sample N]``

The study must have been batched (its embedding cache holds every topic
document's vector; e.g. the million-post demo of ``benchmarks/batch_scale.py``
kept with ``--workdir``).  A seeded subset of ``--posts`` of its topic
documents stands for a study of that size (160,000 is about what the 200k-post
benchmark study has).  The model is fitted as the batch fits it, then refitted
with ``--seeds - 1`` other seeds on the same vectors
(:func:`helpers.topics.refit_topics`, side by side on the CPUs, as
``topic_stability`` does; each on a sample of ``--refit-sample`` topic
documents when the subset is larger, default the study's
``analysis.topic_stability_sample``, 0: every document), and the stability
table is built.  Recorded: the
fit's seconds, the refits' (wall clock, and each refit's own), the
number of stable topics and the mean ARI, and, where the demo's ground truth
is there, how many of the topics carrying a planted theme are flagged stable
(:func:`helpers.topics.planted_theme_stability`).  The subset is drawn as
``topic_sample.py`` draws it.
Results: ``benchmarks/results/topic_stability.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from topic_sample import study_subset  # the same seeded subset of a batched study

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "topic_stability.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=160_000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--refit-sample", type=int, default=None,
                        help="topic documents each refit is fitted on (default: the study's "
                             "analysis.topic_stability_sample; 0: every document)")
    args = parser.parse_args()

    from helpers.embeddings import study_encoder
    from helpers.processes import usable_cpus
    from helpers.topics import (
        fit_topics,
        planted_theme_stability,
        refit_seeds,
        refit_topics,
        stability_table,
        study_languages,
        vocabulary_presence,
    )
    from helpers.topics.refits import refit_sample, run_refits
    from helpers.truth import load_truth_posts

    config, params, every, documents, groups = study_subset(args.config, args.posts)
    if args.refit_sample is not None:
        config.analysis.topic_stability_sample = args.refit_sample
    sample = refit_sample(config, params, len(documents))
    encoder = study_encoder(config, progress=False)
    languages = study_languages(config)

    started = time.perf_counter()
    result = fit_topics(documents, encoder, seed=config.seed, params=params, languages=languages,
                        groups=groups)
    fit_seconds = round(time.perf_counter() - started, 1)
    print(f"fit: {fit_seconds} s", file=sys.stderr, flush=True)
    texts = result.documents["doc"].tolist()
    embeddings = encoder.encode(texts)  # from the cache
    vocabulary = vocabulary_presence(texts, result.documents["author_id"].tolist(), languages, params)[1]

    def refit(seed: int) -> np.ndarray:
        return refit_topics(texts, embeddings, result.documents, encoder, seed=seed, params=params,
                            languages=languages, groups=groups, vocabulary=vocabulary, sample=sample)

    started = time.perf_counter()
    done = run_refits(refit, refit_seeds(config.seed, args.seeds))  # side by side, as the batch runs them
    wall = round(time.perf_counter() - started, 1)
    refits = {seed: topics for seed, (topics, _) in done}
    seconds = [round(took, 1) for _, (_, took) in done]
    print(f"refits: {wall} s ({seconds})", file=sys.stderr, flush=True)
    labels = dict(zip(result.topics["topic"].astype(int), result.topics["label"], strict=True))
    table = stability_table(result.documents["topic"].to_numpy(), refits, labels)
    outcome = {
        "what": __doc__.splitlines()[0],
        "measured_on": time.strftime("%Y-%m-%d"),
        "study": {"topic_documents": len(every), "subset": len(documents),
                  "groups": {str(g): int((groups == g).sum()) for g in sorted(set(groups.tolist()))}},
        "fit_seconds": fit_seconds,
        "refit_sample": sample,
        "cpus": usable_cpus(),
        "refit_seconds_each": seconds,
        "stability_seconds": wall,
        "topics": len(table),
        "stable_topics": int(table["stable"].sum()),
        "mean_ari": round(float(table.attrs["mean_ari"]), 3),
    }
    try:
        truth = load_truth_posts(config)
    except FileNotFoundError:
        truth = None
    if truth is not None:
        themes = planted_theme_stability(result.documents, truth, table)
        carriers = themes[themes["carries_theme"]]
        others = themes[~themes["carries_theme"]]
        outcome["planted_themes"] = {
            "topics_carrying_a_theme": len(carriers), "of_them_stable": int(carriers["stable"].sum()),
            "other_topics": len(others), "of_them_stable_other": int(others["stable"].sum()),
            "unstable_carriers": carriers.loc[~carriers["stable"], ["label", "posts", "theme", "theme_share",
                                                                    "reappears"]].to_dict("records"),
        }
    git = ["git", "rev-parse", "--short", "HEAD"]
    outcome["commit"] = subprocess.run(git, capture_output=True, text=True, cwd=HERE).stdout.strip()
    earlier = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    outcome["history"] = ([{k: v for k, v in earlier.items() if k != "history"}] if earlier else []) + \
        earlier.get("history", [])
    RESULTS.write_text(json.dumps(outcome, indent=1, default=str) + "\n")
    print(json.dumps(outcome, indent=1, default=str))


if __name__ == "__main__":
    main()
