"""The whole batch of an existing study, cold in every stage but embedding, then warm; with the encode rate.

Run: ``.venv/bin/python benchmarks/batch_cached_embeddings.py --config STUDY.yml --out NAME.json``

A cold batch of a million posts spends an hour embedding on this 2-CPU
machine, and embedding costs the same per text at every size (each text is
encoded once, in batches of the same token length).  To compare the cost of
everything else at two sizes on the same day, this script takes a study that
has been batched once (its embedding cache full, e.g. kept by
``batch_scale.py --workdir``), deletes everything but the embedding cache
(tables, classification, topic models and their stability refits, networks,
reports), and runs, each in a fresh process as ``batch_scale.py`` does:

1. **cold but for the vectors**: ``rarevoices batch``; the ``embed`` stage only
   reads the cache;
2. **warm rerun**: the same command again, nothing changed;
3. **raw encode rate**: sentence-transformers ``encode`` of a seeded sample of
   ``--encode-sample`` of the texts the batch embeds (the machine's embedding
   speed that day), projected to all of them: more than a cold ``embed``
   stage costs (it encodes texts of the same token length together).

Recorded besides: the cost per post of everything but embedding, and an
upper estimate of the cold batch (the raw encode in place of the cached
``embed`` stage).

Per stage it records wall time and peak memory (resident set size of the
batch process and all its children, every 0.2 s).  Results:
``benchmarks/results/<--out>``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from batch_scale import BATCH_CHILD, ENCODE_CHILD, posts_in, run_child

HERE = Path(__file__).resolve().parent
EMBEDDINGS = "embeddings"


def clear_all_but_embeddings(config: Path) -> list[str]:
    """Delete the study's processed files (but its embedding cache) and its reports; the names deleted."""
    study = yaml.safe_load(config.read_text())
    base = config.parent.parent
    processed = Path(study.get("processed_dir", "data/processed"))
    reports = Path(study.get("reports_dir", "reports"))
    processed = processed if processed.is_absolute() else base / processed
    reports = reports if reports.is_absolute() else base / reports
    deleted = []
    for path in sorted(processed.iterdir()) if processed.exists() else []:
        if path.name == EMBEDDINGS:
            continue
        deleted.append(path.name)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    if reports.exists():
        shutil.rmtree(reports)
        deleted.append(str(reports))
    return deleted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", required=True, help="results file name under benchmarks/results/")
    parser.add_argument("--encode-sample", type=int, default=20_000)
    args = parser.parse_args()
    config = args.config.resolve()
    row: dict = {"what": __doc__.splitlines()[0], "measured_on": time.strftime("%Y-%m-%d"),
                 "config": str(config)}
    git = ["git", "rev-parse", "--short", "HEAD"]
    row["commit"] = subprocess.run(git, capture_output=True, text=True, cwd=HERE).stdout.strip()

    def record(name: str, value: object) -> None:
        row[name] = value
        print(f"{name}: {json.dumps(value)}", file=sys.stderr, flush=True)

    record("deleted", clear_all_but_embeddings(config))
    record("cold_but_embeddings", run_child(BATCH_CHILD, str(config), "fresh"))
    row["posts"] = posts_in(config)
    record("warm", run_child(BATCH_CHILD, str(config), "resume"))
    record("reference_encode", run_child(ENCODE_CHILD, str(config), str(args.encode_sample)))
    cold = row["cold_but_embeddings"]
    cached_embed = cold["stages"].get("embed", {}).get("seconds", 0.0)
    row["ms_per_post_but_embedding"] = round(1000 * (cold["seconds"] - cached_embed) / row["posts"], 3)
    # An upper bound of a cold run: the raw encode in place of the cached embed stage (which encodes
    # at 0.79-0.80x the raw encode's time at 50k and 200k posts, docs/performance.md).
    embed_cold = row["reference_encode"]["encode_seconds"]
    row["cold_upper_estimate_seconds"] = round(cold["seconds"] - cached_embed + embed_cold, 1)
    (HERE / "results" / args.out).write_text(json.dumps(row, indent=1) + "\n")
    print(json.dumps(row, indent=1))


if __name__ == "__main__":
    main()
