"""The embed and classify steps on a Dask LocalCluster of 1 and of 2 single-threaded workers.

Run: ``.venv/bin/python benchmarks/cluster_scale.py [--posts 10000]``

It generates the demo study with ``--posts`` posts in a temporary project,
ingests it once, then, each in a fresh process and with an empty embedding
cache (the package's seed vectors only) and no classification:

1. **local**: the ``embed`` and ``classify`` steps as a batch runs them
   without ``--scheduler`` (this machine's processes, torch on every CPU);
2. **1 worker** and **2 workers**: the same steps with ``--scheduler`` set to a
   ``LocalCluster`` of that many single-threaded worker processes (started
   before the clock starts: a cluster of machines is up before a batch).

It records each step's wall time, the embed speed-up of two workers over one,
and whether the vectors (bit for bit) and the classes are those of the local
run.  Results: ``benchmarks/results/cluster_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from batch_scale import ROOT, child_env, make_study, posts_in, run_child  # noqa: E402

RESULTS = HERE / "results" / "cluster_scale.json"

INGEST_CHILD = """
import json, sys
from helpers.config import load_config
from helpers.steps import step_named
step_named("ingest").run(load_config(sys.argv[1]))
print(json.dumps({}))
"""

STEPS_CHILD = """
import json, sys, time
from contextlib import nullcontext
from helpers.config import load_config
from helpers.steps import step_named

def timed(config):
    seconds = {}
    for name in ("embed", "classify"):
        started = time.perf_counter()
        step_named(name).run(config)
        seconds[name] = round(time.perf_counter() - started, 2)
    return seconds

if __name__ == "__main__":
    config, workers = load_config(sys.argv[1]), int(sys.argv[2])
    if workers:
        from distributed import LocalCluster
        from helpers.batch.cluster import steps_on_cluster
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, steps_on_cluster(cluster.scheduler_address):
            seconds = timed(config)
    else:
        seconds = timed(config)
    print(json.dumps(seconds))
"""


def vectors_of(cache: Path) -> dict[bytes, np.ndarray]:
    """Every vector of an embedding cache folder, by key."""
    vectors = {}
    for shard in sorted(cache.rglob("*.npy")):
        for record in np.load(shard):
            vectors[bytes(record["key"])] = record["vector"]
    return vectors


def compare(vectors: dict[bytes, np.ndarray], reference: dict[bytes, np.ndarray]) -> dict:
    """How many vectors are the reference's bit for bit, and the largest difference of the others."""
    differing = [key for key in reference if vectors[key].tobytes() != reference[key].tobytes()]
    return {
        "same_texts": vectors.keys() == reference.keys(),
        "bit_identical": f"{len(reference) - len(differing)} of {len(reference)}",
        "largest_difference": max((float(np.abs(vectors[key] - reference[key]).max()) for key in differing),
                                  default=0.0),
    }


def run_setup(config: Path, processed: Path, workers: int, keep: Path) -> dict:
    """Embed and classify from an empty cache with ``workers`` (0: local); keep the outputs in ``keep``."""
    shutil.rmtree(processed / "embeddings", ignore_errors=True)
    for name in ("post_classes.parquet", "thread_modes.parquet", "classify_manifest.json"):
        (processed / name).unlink(missing_ok=True)
    script = keep.parent / "steps_child.py"  # a file: LocalCluster's processes re-import the main module
    script.write_text(STEPS_CHILD)
    started = time.time()
    out = subprocess.run([sys.executable, str(script), str(config), str(workers)], check=True,
                         capture_output=True, text=True, env=child_env(), cwd=ROOT)
    seconds = json.loads(out.stdout.strip().splitlines()[-1])
    seconds["wall"] = round(time.time() - started, 2)
    shutil.copytree(processed / "embeddings", keep / "embeddings")
    shutil.copy2(processed / "post_classes.parquet", keep / "post_classes.parquet")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    import pandas as pd
    import yaml

    with tempfile.TemporaryDirectory(prefix="rarevoices-cluster-") as tmp:
        root = Path(tmp)
        config = make_study(root / "study", args.posts)
        processed = Path(yaml.safe_load(config.read_text())["processed_dir"])
        run_child(INGEST_CHILD, str(config))
        setups = {"local": 0, "1 worker": 1, "2 workers": 2}
        rows, kept = {}, {}
        for label, workers in setups.items():
            kept[label] = root / label.replace(" ", "-")
            kept[label].mkdir()
            rows[label] = run_setup(config, processed, workers, kept[label])
            print(label, rows[label], flush=True)
        local_vectors = vectors_of(kept["local"] / "embeddings")
        local_classes = pd.read_parquet(kept["local"] / "post_classes.parquet")
        for label in ("1 worker", "2 workers"):
            rows[label].update(compare(vectors_of(kept[label] / "embeddings"), local_vectors))
            classes = pd.read_parquet(kept[label] / "post_classes.parquet")
            rows[label]["classes_identical_to_local"] = bool(classes.equals(local_classes))
        one_vs_two = compare(vectors_of(kept["2 workers"] / "embeddings"),
                             vectors_of(kept["1 worker"] / "embeddings"))
        embed = {label: row["embed"] for label, row in rows.items()}
        result = {
            "what": __doc__.splitlines()[0],
            "measured_on": time.strftime("%Y-%m-%d"),
            "machine": {"cpus": len(os.sched_getaffinity(0)), "python": sys.version.split()[0]},
            "posts": posts_in(config),
            "setups": rows,
            "embed_speedup_2_over_1_workers": round(embed["1 worker"] / embed["2 workers"], 2),
            "embed_2_workers_over_local": round(embed["2 workers"] / embed["local"], 2),
            "vectors_2_workers_vs_1_worker": one_vs_two,
        }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
