"""The whole batch, cold and warm, per stage, at several study sizes; with the reference points.

Run: ``make bench`` or ``.venv/bin/python benchmarks/batch_scale.py [--sizes 10000 50000 200000]``

For each size it generates the demo study with that many posts (four
organisations, five platforms, each in its export format) in a temporary
project, then measures, each in a fresh process:

1. **cold batch**: ``rarevoices batch`` with empty study caches (no processed
   tables, embeddings, models or reports);
2. **warm rerun**: the same command again, nothing changed;
3. **warm forced rerun** (up to ``--forced-up-to`` posts): every notebook
   executed again with warm caches (what a changed notebook or ``--force`` costs);
4. **reference, raw encode**: sentence-transformers ``encode`` of the same
   model on the same texts the batch embeds (this machine's embedding limit).
   It encodes all of them: a sample (``--encode-sample N``, seeded) projected to
   the whole set gave a rate 5.5% too high at 200k posts, the machine's speed
   varying from minute to minute (benchmarks/results/history/2026-12-02-round-11.md);
5. **reference, plain BERTopic** (up to ``--bertopic-up-to`` posts): ``BERTopic().fit_transform`` with its
   defaults on the same topic documents, given their vectors (from the
   batch's cache: the same model on the same texts).  Its total, that fit plus
   step 4's encode time, is what a researcher would otherwise run.

Per stage (ingest, embed, classify, topics, networks, notebooks (with the comparison),
render) it records wall time and peak memory: the resident set size of the
batch process and all its children (papermill workers and kernels), sampled
every 0.2 s.  Results: ``benchmarks/results/batch_scale.json``, with each target
checked (``docs/performance.md`` explains them).  ``--embedding-precision bfloat16``
runs the batches with that setting (the raw-encode reference stays float32, the
issue's limit) and writes ``batch_scale_bfloat16.json`` instead.

numba's compiled-function cache (UMAP) is part of the installed environment,
like bytecode: it is warm here unless ``--cold-numba`` is given, which points
``NUMBA_CACHE_DIR`` at an empty folder for the cold batch.
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

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "batch_scale.json"
DEMO_CONFIG = ROOT / "config" / "study.yml"
SAMPLE_SECONDS = 0.2

BATCH_CHILD = """
import json, sys, threading, time
import psutil
from helpers.batch import run_batch

samples, done = [], threading.Event()

def sample():
    me = psutil.Process()
    while not done.is_set():
        rss = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                rss += proc.memory_info().rss
            except psutil.Error:
                pass
        samples.append((time.time(), rss))
        done.wait(SAMPLE_SECONDS)

thread = threading.Thread(target=sample, daemon=True)
thread.start()
started = time.time()
result = run_batch(sys.argv[1], workers=2, resume=sys.argv[2] == "resume", progress=False)
ended = time.time()
done.set()
thread.join()

def peak(start, end):
    inside = [rss for t, rss in samples if start - SAMPLE_SECONDS <= t <= end + SAMPLE_SECONDS]
    return round(max(inside) / 2**20) if inside else None

stages = {p.name: {"seconds": round(p.seconds, 2), "peak_rss_mib": peak(p.started, p.ended)}
          for p in result.phases}
for p in result.phases:  # a stage run beside another (classification inside the topic step)
    around = [q.name for q in result.phases if q is not p and q.started <= p.started and p.ended <= q.ended]
    if around:
        stages[p.name]["inside"] = around[0]

def covered(phases):
    total, reach = 0.0, float("-inf")
    for p in sorted(phases, key=lambda p: p.started):
        total += max(0.0, p.ended - max(p.started, reach))
        reach = max(reach, p.ended)
    return total

# Time in no stage (starting and ending the study process, papermill's pool): shows a slow exit.
outside = (ended - started) - covered(result.phases)
print(json.dumps({"seconds": round(ended - started, 2), "peak_rss_mib": peak(started, ended),
                  "failed": [run.org_id for run in result.failed], "stages": stages,
                  "outside_stages_seconds": round(outside, 2)}))
""".replace("SAMPLE_SECONDS", str(SAMPLE_SECONDS))

ENCODE_CHILD = """
import json, random, resource, sys, time
from helpers.config import load_config
from helpers.embeddings import resolve_model_path, study_encoder
from helpers.steps.embed import study_texts

config = load_config(sys.argv[1])
sample_size = int(sys.argv[2])
texts = study_texts(config)  # exactly what the batch's embed step encodes
sample = texts if not 0 < sample_size < len(texts) else random.Random(0).sample(texts, sample_size)

started = time.perf_counter()
from sentence_transformers import SentenceTransformer
encoder = study_encoder(config, progress=False).encoder
model = SentenceTransformer(encoder.path or resolve_model_path(encoder.name), device="cpu")
loaded = time.perf_counter()
model.encode(sample, convert_to_numpy=True)
encoded = time.perf_counter()
rate = len(sample) / (encoded - loaded)
print(json.dumps({"texts": len(texts), "sampled": len(sample), "load_seconds": round(loaded - started, 2),
                  "sample_seconds": round(encoded - loaded, 2), "texts_per_s": round(rate, 1),
                  "encode_seconds": round(len(texts) / rate, 1),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""

BERTOPIC_CHILD = """
import json, resource, sys, time
from helpers.config import load_config
from helpers.embeddings import study_encoder
from helpers.schema import read_table, table_path
from helpers.topics import params_from_config, topic_documents

config = load_config(sys.argv[1])
posts = read_table("posts", table_path(config.processed_path, "posts"))
docs = topic_documents(posts, params_from_config(config).min_words)["doc"].tolist()
encoder = study_encoder(config, progress=False)
vectors = encoder.encode(docs)  # the batch's vectors, from its cache: the same model on the same texts
assert encoder.misses == 0, "the reference needs the batch's embedding cache"

started = time.perf_counter()
from bertopic import BERTopic
imported = time.perf_counter()
model = BERTopic()  # every default (its embedding model is not used: the vectors are given)
topics, _ = model.fit_transform(docs, embeddings=vectors)
fitted = time.perf_counter()
n_topics = len(set(topics)) - (-1 in topics)
print(json.dumps({"documents": len(docs), "import_seconds": round(imported - started, 2),
                  "fit_seconds": round(fitted - imported, 2), "topics": n_topics,
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def child_env(numba_cache: Path | None = None) -> dict[str, str]:
    """The environment of every measured process: offline, headless, optionally a fresh numba cache."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", MPLBACKEND="Agg")
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = str(numba_cache)
    return env


def run_child(code: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run ``code`` in a fresh interpreter and return the JSON of its last output line."""
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         env=env or child_env(), cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_study(root: Path, n_posts: int, **analysis: object) -> Path:
    """A temporary project with the demo study config and ``n_posts`` generated demo posts.

    ``analysis`` overrides settings of the study file's ``analysis`` section.
    """
    data = yaml.safe_load(DEMO_CONFIG.read_text())
    data["analysis"].update(analysis)
    data["raw_dir"] = str(root / "data" / "raw")
    data["processed_dir"] = str(root / "data" / "processed")
    data["reports_dir"] = str(root / "reports")
    data["privacy"]["secret_file"] = str(root / "secret" / "study.key")
    config = root / "config" / "study.yml"
    config.parent.mkdir(parents=True)
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    subprocess.run([sys.executable, "-m", "helpers.cli", "demo-data", "--config", str(config),
                    "--out", str(root / "data" / "raw" / "demo"), "--posts", str(n_posts)],
                   check=True, capture_output=True, env=child_env(), cwd=ROOT)
    return config


def posts_in(config: Path) -> int:
    """Posts accepted into the study's posts table."""
    import pyarrow.parquet as pq

    processed = Path(yaml.safe_load(config.read_text())["processed_dir"])
    return pq.ParquetFile(processed / "posts.parquet").metadata.num_rows


def measure_size(n_posts: int, workdir: Path, cold_numba: bool, forced_up_to: int, references_up_to: int,
                 sample: int, bertopic_up_to: int, precision: str = "float32") -> dict:
    """Every measurement for one study size."""
    root = workdir / f"study-{n_posts}"
    config = make_study(root, n_posts, embedding_precision=precision)
    numba_cache = (root / "numba-cache") if cold_numba else None
    row: dict = {"requested_posts": n_posts}

    def record(name: str, value: dict) -> None:
        row[name] = value
        print(f"{n_posts} {name}: {json.dumps(value)}", file=sys.stderr, flush=True)

    record("cold", run_child(BATCH_CHILD, str(config), "fresh", env=child_env(numba_cache)))
    row["posts"] = posts_in(config)
    record("warm", run_child(BATCH_CHILD, str(config), "resume"))
    if n_posts <= forced_up_to:
        record("warm_forced", run_child(BATCH_CHILD, str(config), "fresh"))
    if n_posts <= references_up_to:
        record("reference_encode", run_child(ENCODE_CHILD, str(config), str(sample)))
        if n_posts <= bertopic_up_to:
            record("reference_bertopic", run_child(BERTOPIC_CHILD, str(config)))
    shutil.rmtree(root, ignore_errors=True)
    return row


def check_targets(row: dict) -> dict:
    """The issue's targets for one size, with the numbers they compare."""
    encode = row["reference_encode"]["encode_seconds"]
    cold, warm = row["cold"]["seconds"], row["warm"]["seconds"]
    limit = 1.3 * encode + 60
    peak = max(row[run]["peak_rss_mib"] or 0 for run in ("cold", "warm", "warm_forced") if run in row)
    return {
        "cold_at_most_1.3x_encode_plus_60s": {"cold_s": cold, "limit_s": round(limit, 1),
                                              "met": cold <= limit},
        "warm_at_most_10pct_of_cold": {"warm_s": warm, "limit_s": round(0.1 * cold, 1),
                                       "met": warm <= 0.1 * cold},
        "peak_rss_under_4gib": {"peak_mib": peak, "met": peak < 4096},
        "plain_bertopic_total_s": (round(encode + row["reference_bertopic"]["fit_seconds"], 1)
                                   if row.get("reference_bertopic") else None),
    }


def growth(rows: list[dict]) -> list[dict]:
    """Cost per post of each size against the smallest: 1.0 everywhere is linear growth."""
    base = rows[0]
    out = []
    for row in rows:
        per_post = row["cold"]["seconds"] / row["posts"]
        out.append({"posts": row["posts"], "cold_ms_per_post": round(1000 * per_post, 2),
                    "relative_to_smallest": round(per_post / (base["cold"]["seconds"] / base["posts"]), 2)})
    return out


def main() -> None:
    """Measure every size and write the results file (merged with earlier sizes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000])
    parser.add_argument("--cold-numba", action="store_true", help="also start numba's cache empty")
    parser.add_argument("--workdir", type=Path, help="where the studies go (default: a temporary folder)")
    parser.add_argument("--forced-up-to", type=int, default=50_000,
                        help="measure the forced rerun (every notebook again) up to this size")
    parser.add_argument("--references-up-to", type=int, default=200_000,
                        help="measure the two reference points up to this size")
    parser.add_argument("--bertopic-up-to", type=int, default=200_000,
                        help="measure the plain-BERTopic reference only up to this size (at 200k posts it "
                             "runs for more than 17 minutes on 2 CPUs)")
    parser.add_argument("--encode-sample", type=int, default=0,
                        help="texts the raw-encode reference encodes, a seeded sample projected to all "
                             "of them (default 0: every text, the honest reference; 20000 saves 13 "
                             "minutes at 200k posts)")
    parser.add_argument("--embedding-precision", choices=["float32", "bfloat16"], default="float32",
                        help="analysis.embedding_precision of the batch (the raw-encode reference stays "
                             "float32); bfloat16 results go to batch_scale_bfloat16.json")
    args = parser.parse_args()
    results = RESULTS
    if args.embedding_precision != "float32":
        results = RESULTS.with_name(f"batch_scale_{args.embedding_precision}.json")
    previous = json.loads(results.read_text()).get("rows", []) if results.exists() else []
    rows = {row["requested_posts"]: row for row in previous}
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        for size in args.sizes:
            started = time.perf_counter()
            measured = measure_size(size, Path(folder), args.cold_numba, args.forced_up_to,
                                    args.references_up_to, args.encode_sample, args.bertopic_up_to,
                                    args.embedding_precision)
            # What this run did not measure again (e.g. the references) is kept from an earlier run.
            rows[size] = {**rows.get(size, {}), **measured, "measured_on": time.strftime("%Y-%m-%d")}
            if "reference_encode" in rows[size]:
                rows[size]["targets"] = check_targets(rows[size])
            print(f"size {size}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            # After every size: a long run that is stopped keeps what it measured.
            write_results(rows, results)


def write_results(rows: dict[int, dict], results: Path = RESULTS) -> None:
    """Write every measured size, smallest first, with the growth table."""
    ordered = [rows[size] for size in sorted(rows)]
    machine = {"cpus": len(os.sched_getaffinity(0)), "python": sys.version.split()[0]}
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps({"machine": machine, "rows": ordered, "growth": growth(ordered)}, indent=2))
    print(f"written {results}")


if __name__ == "__main__":
    main()
