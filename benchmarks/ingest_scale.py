"""Ingestion throughput and memory against input size (Pushshift NDJSON comments).

Run: .venv/bin/python benchmarks/ingest_scale.py [--sizes 20000 100000 400000]

For each size it writes a synthetic NDJSON dump of Reddit comments, then in a
fresh process (so peak RSS is that run's own) ingests it twice: the per-file
read alone (streaming stage) and the whole ingestion (stage + study-wide
tables). Peak RSS is given for the process and, separately, for the
language-detection worker it forks on large files. CPU time (user + system, of
the process and of the helper processes it started) says how fast the same code
could be with every CPU busy all the time.

Two floors are measured on the same dump, each in a fresh process: parsing
every line with orjson, and fastText's language detection of every comment.
Every ingestion has to do both; everything else it does (mapping, pseudonyms,
scrubbing, the study-wide tables) is what a faster ingestion could cut.
Results go to benchmarks/results/ingest_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
WORDS = [
    "diet",
    "formula",
    "protein",
    "levels",
    "clinic",
    "blood",
    "test",
    "phe",
    "results",
    "doctor",
    "school",
    "tired",
    "recipe",
    "pasta",
    "bread",
    "low",
    "good",
    "week",
    "today",
    "son",
    "daughter",
    "year",
    "months",
    "new",
    "trial",
]


SIGNED_SHARE = 0.05
"""Share of comments that end with a user name written without ``@`` ("- user_12"), as real posts
do: the study-wide step scrubs them (helpers.handles)."""


def write_dump(path: Path, n_comments: int, seed: int = 1) -> None:
    """Write ``n_comments`` Pushshift-shaped comments in ~200 threads, some signed with a user name."""
    rng = random.Random(seed)
    with path.open("w") as fh:
        for i in range(n_comments):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
            if rng.random() < SIGNED_SHARE:
                body += f" - user_{rng.randint(0, n_comments // 20)}"
            record = {
                "id": f"c{i:08x}",
                "name": f"t1_c{i:08x}",
                "author": f"user_{rng.randint(0, n_comments // 20)}",
                "body": body,
                "created_utc": 1704067200 + i * 30,
                "link_id": f"t3_s{i % 200:05d}",
                "parent_id": f"t3_s{i % 200:05d}" if i < 400 else f"t1_c{rng.randint(0, i - 1):08x}",
                "subreddit": "PKU",
                "score": rng.randint(-2, 40),
            }
            fh.write(json.dumps(record) + "\n")


CHILD = """
import json, resource, sys, time
from helpers.config import load_config
from helpers.ingest import pipeline
config = load_config(sys.argv[1])
mode = sys.argv[2]


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if mode == "floor":
    import orjson
    from helpers.text import _model, detect_languages
    _model()  # loaded before the clock starts, as in an ingestion's worker
    dump = config.input_path(config.organisations[0].inputs[0])
    start = time.perf_counter()
    with dump.open("rb") as fh:
        parsed = [orjson.loads(line) for line in fh]
    parse_seconds = time.perf_counter() - start
    texts = [record["body"] for record in parsed]
    start = time.perf_counter()
    detect_languages(texts)
    print(json.dumps({"parse_seconds": parse_seconds, "language_seconds": time.perf_counter() - start,
                      "records": len(parsed)}))
    sys.exit(0)
cpu_start = cpu_seconds()
start = time.perf_counter()
if mode == "stage":
    plan = pipeline.plan_inputs(config)[0]
    from helpers.privacy import Scrubber, load_or_create_secret, org_account_index
    key = load_or_create_secret(config.secret_path)
    rules = pipeline.StagingRules(key, org_account_index(config.organisations), Scrubber(),
                                  pipeline.RecordLimits.from_settings(config.ingestion))
    staged = pipeline._stage_file(plan, "bench", config.processed_path / "_bench", rules, progress=False)
    records = staged.stats.read
else:
    result = pipeline.ingest_study(config, force=True, progress=False)
    records = sum(s.read for s in result.files)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "records": records, "cpu_seconds": cpu_seconds() - cpu_start,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(config: Path, mode: str) -> dict:
    """Run one ingestion mode in a fresh interpreter and return its JSON line."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(config), mode], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure each size and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 400_000])
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for size in args.sizes:
            (root / "raw").mkdir(exist_ok=True)
            dump = root / "raw" / "comments.ndjson"
            write_dump(dump, size)
            config = root / "config" / "study.yml"
            config.parent.mkdir(exist_ok=True)
            config.write_text(
                yaml.safe_dump(
                    {
                        "name": "bench",
                        "raw_dir": "raw",
                        "processed_dir": f"processed-{size}",
                        "privacy": {"secret_file": str(root / "key")},
                        "organisations": [
                            {
                                "id": "pku",
                                "name": "PKU",
                                "disease": "PKU",
                                "country": "US",
                                "language": "en",
                                "inputs": [{"path": "comments.ndjson"}],
                            }
                        ],
                    }
                )
            )
            row = {"comments": size, "file_mib": round(dump.stat().st_size / 2**20, 1)}
            for mode in ("stage", "full"):
                result = measure(config, mode)
                row[f"{mode}_seconds"] = round(result["seconds"], 2)
                row[f"{mode}_posts_per_s"] = round(result["records"] / result["seconds"])
                row[f"{mode}_peak_rss_mib"] = round(result["peak_rss_mib"])
                # the language-detection worker forked for large files (0 when none ran)
                row[f"{mode}_worker_peak_rss_mib"] = round(result["worker_peak_rss_mib"])
            row["full_cpu_seconds"] = round(result["cpu_seconds"], 2)
            # the most this code could do with every CPU busy all the time
            row["full_cpu_bound_posts_per_s"] = round(result["records"] / (result["cpu_seconds"] / cpus))
            floor = measure(config, "floor")
            row["parse_seconds"] = round(floor["parse_seconds"], 2)
            row["language_seconds"] = round(floor["language_seconds"], 2)
            print(json.dumps(row))
            rows.append(row)
    machine = {"cpus": cpus, "python": sys.version.split()[0]}
    out = HERE / "results" / "ingest_scale.json"
    out.write_text(
        json.dumps({"machine": machine, "when": time.strftime("%Y-%m-%d"), "rows": rows}, indent=2)
    )
    print(f"written {out}")


if __name__ == "__main__":
    main()
