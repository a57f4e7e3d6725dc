"""The optional bfloat16 embedding precision against the default float32: speed and agreement.

Run: ``.venv/bin/python benchmarks/precision.py [--sizes 10000 50000]``

For each size it generates the demo study (as ``batch_scale.py`` does) and
copies it, with the same raw data and pseudonymisation key, into a second
project whose study file sets ``analysis.embedding_precision: bfloat16``.  Then,
each in a fresh process:

1. **cold batch** of both projects (float32 first), per stage, as in ``batch_scale.py``;
2. **raw encode reference** (float32 sentence-transformers ``encode`` of the
   same texts), so the cold batches can be compared with the issue's limit;
3. **baselines**: the float32 project's topic model fitted again (on copies
   of its processed data, vectors from its cache) with two other study seeds
   (how much topics move when nothing but UMAP's seed changes), and with the
   same seed on float32 vectors each turned in a random direction by exactly
   the angle bfloat16 turns it (how much topics move under any change of the
   vectors that small);
4. **agreement**: cosine similarity between the two precisions' vectors of
   every text the batch embeds; adjusted Rand index and NMI between the topic
   assignments of float32 and bfloat16, of float32 and the turned vectors, and
   between each pair of the float32 models with different seeds; NMI of each
   model with the demo's ground-truth themes; the share of posts whose
   knowledge type and communication mode agree, and each run's macro F1
   against the demo's ground truth.

Results: ``benchmarks/results/precision.json`` (``docs/performance.md`` and
``docs/topics.md`` summarise them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from batch_scale import BATCH_CHILD, ENCODE_CHILD, make_study, run_child  # noqa: E402

RESULTS = HERE / "results" / "precision.json"

SEED_BASELINE_CHILD = """
import json, sys, time
from helpers.config import load_config
from helpers.topics import study_topics

config = load_config(sys.argv[1])  # its study file names the other seed
started = time.perf_counter()
result = study_topics(config, progress=False)
print(json.dumps({"seed": config.seed, "seconds": round(time.perf_counter() - started, 1),
                  "topics": int((result.topics["topic"] != -1).sum())}))
"""

NOISE_CHILD = """
import json, sys, time
import numpy as np
from helpers.config import load_config
from helpers.embeddings import Encoder, study_encoder
from helpers.topics import study_topics

config, half = load_config(sys.argv[1]), load_config(sys.argv[2])
full_vectors, half_vectors = study_encoder(config, progress=False), study_encoder(half, progress=False)

class SameAngleNoise(Encoder):  # each float32 vector turned at random by the angle bfloat16 turns it
    model_id = full_vectors.model_id + "@same-angle-noise"
    rng = np.random.default_rng(0)

    def encode(self, texts):
        a, b = full_vectors.encode(texts), half_vectors.encode(texts)
        norms = np.linalg.norm(a, axis=1, keepdims=True)
        u, v = a / norms, b / np.linalg.norm(b, axis=1, keepdims=True)
        angle = np.arccos(np.clip(np.sum(u * v, axis=1, keepdims=True), -1.0, 1.0))
        r = self.rng.normal(size=u.shape)
        r -= np.sum(r * u, axis=1, keepdims=True) * u
        r /= np.linalg.norm(r, axis=1, keepdims=True)
        return ((np.cos(angle) * u + np.sin(angle) * r) * norms).astype(np.float32)

started = time.perf_counter()
result = study_topics(config, encoder=SameAngleNoise(), force=True, progress=False)
print(json.dumps({"seconds": round(time.perf_counter() - started, 1),
                  "topics": int((result.topics["topic"] != -1).sum())}))
"""

AGREEMENT_CHILD = """
import json, sys
import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from helpers.classify.evaluation import evaluate_classifiers
from helpers.classify.study import load_post_classes
from helpers.config import load_config
from helpers.embeddings import study_encoder
from helpers.steps.embed import study_texts
from helpers.topics import evaluate_topics, load_topics

full, half, noise, *seeded = (load_config(path) for path in sys.argv[1:])

texts = study_texts(full)
encoders = [study_encoder(config, progress=False) for config in (full, half)]
a, b = (encoder.encode(texts) for encoder in encoders)
assert all(encoder.misses == 0 for encoder in encoders), "every vector must come from the batches' caches"
a /= np.linalg.norm(a, axis=1, keepdims=True)
b /= np.linalg.norm(b, axis=1, keepdims=True)
cosine = np.sum(a * b, axis=1)

def assignments(config):
    docs = load_topics(config).documents
    return docs.set_index("post_id")["topic"]

def compare(left, right):
    common = left.index.intersection(right.index)
    x, y = left.loc[common], right.loc[common]
    return {"posts": int(len(common)), "ari": round(float(adjusted_rand_score(x, y)), 4),
            "nmi": round(float(normalized_mutual_info_score(x, y)), 4)}

def theme_nmi(config):
    table = evaluate_topics(config, fit=False)
    row = table[(table["scope"] == "study") & (table["metric"] == "nmi_theme")]
    return round(float(row["value"].iloc[0]), 4)

def topics_count(config):
    return int((load_topics(config).topics["topic"] != -1).sum())

def classes(config):
    return load_post_classes(config).set_index("post_id")

def macro_f1(config):
    tables = evaluate_classifiers(config, classify=False)
    out = {}
    for name in ("mode", "knowledge"):
        table = tables[name].set_index("class")
        out[name] = round(float(table.loc["macro avg", "f1"]), 4)
    return out

topics_full, topics_half = assignments(full), assignments(half)
topics_seeded = [assignments(config) for config in seeded]
seed_pairs = [(topics_full, topics_seeded[0]), (topics_full, topics_seeded[1]),
              (topics_seeded[0], topics_seeded[1])]
classes_full, classes_half = classes(full), classes(half)
common = classes_full.index.intersection(classes_half.index)
print(json.dumps({
    "texts": len(texts),
    "cosine": {"mean": round(float(cosine.mean()), 6), "p001": round(float(np.quantile(cosine, 0.001)), 6),
               "min": round(float(cosine.min()), 6)},
    "topics": {
        "float32_vs_bfloat16": compare(topics_full, topics_half),
        "float32_seed_pairs": [compare(left, right) for left, right in seed_pairs],
        "float32_vs_same_angle_noise": compare(topics_full, assignments(noise)),
        "count": {"float32": topics_count(full), "bfloat16": topics_count(half),
                  "noise": topics_count(noise),
                  "other_seeds": [topics_count(config) for config in seeded]},
        "nmi_with_themes": {"float32": theme_nmi(full), "bfloat16": theme_nmi(half),
                            "noise": theme_nmi(noise),
                            "other_seeds": [theme_nmi(config) for config in seeded]},
    },
    "classification": {
        "posts": int(len(common)),
        "same_knowledge_type": round(float((classes_full.loc[common, "knowledge_type"]
                                            == classes_half.loc[common, "knowledge_type"]).mean()), 5),
        "same_mode": round(float((classes_full.loc[common, "mode"]
                                  == classes_half.loc[common, "mode"]).mean()), 5),
        "macro_f1_float32": macro_f1(full),
        "macro_f1_bfloat16": macro_f1(half),
    },
}))
"""


def copy_project(source: Path, target: Path, **analysis: object) -> Path:
    """Copy a project (raw data, key, processed data) with its study file pointed at the copy."""
    shutil.copytree(source, target)
    config = target / "config" / "study.yml"
    data = yaml.safe_load(config.read_text())
    for key in ("raw_dir", "processed_dir", "reports_dir"):
        data[key] = str(target / Path(data[key]).relative_to(source))
    data["privacy"]["secret_file"] = str(target / Path(data["privacy"]["secret_file"]).relative_to(source))
    data["analysis"].update(analysis)
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return config


def measure_size(n_posts: int, workdir: Path, sample: int) -> dict:
    """Every measurement for one study size."""
    full_root = workdir / f"float32-{n_posts}"
    full = make_study(full_root, n_posts)
    row: dict = {"requested_posts": n_posts}

    def record(name: str, value: dict) -> None:
        row[name] = value
        print(f"{n_posts} {name}: {json.dumps(value)}", file=sys.stderr, flush=True)

    record("cold_float32", run_child(BATCH_CHILD, str(full), "fresh"))
    # The same raw data and key, nothing processed: the bfloat16 batch starts cold too.
    half = copy_project(full_root, workdir / f"bfloat16-{n_posts}", embedding_precision="bfloat16")
    shutil.rmtree(workdir / f"bfloat16-{n_posts}" / "data" / "processed")
    shutil.rmtree(workdir / f"bfloat16-{n_posts}" / "reports", ignore_errors=True)
    record("cold_bfloat16", run_child(BATCH_CHILD, str(half), "fresh"))
    record("reference_encode", run_child(ENCODE_CHILD, str(full), str(sample)))
    seeded = []
    for offset in (1, 2):
        seeded.append(copy_project(full_root, workdir / f"seed{offset}-{n_posts}"))
        data = yaml.safe_load(seeded[-1].read_text())
        data["seed"] += offset
        seeded[-1].write_text(yaml.safe_dump(data, sort_keys=False))
        record(f"seed_baseline_{offset}", run_child(SEED_BASELINE_CHILD, str(seeded[-1])))
    noise = copy_project(full_root, workdir / f"noise-{n_posts}")
    record("same_angle_noise", run_child(NOISE_CHILD, str(noise), str(half)))
    record("agreement", run_child(AGREEMENT_CHILD, str(full), str(half), str(noise), *map(str, seeded)))
    encode = row["reference_encode"]["encode_seconds"]
    row["limit_s"] = round(1.3 * encode + 60, 1)
    row["embed_seconds"] = {name: _stage(row[f"cold_{name}"], "embed") for name in ("float32", "bfloat16")}
    for name in ("float32", "bfloat16", "seed1", "seed2", "noise"):
        shutil.rmtree(workdir / f"{name}-{n_posts}", ignore_errors=True)
    return row


def _stage(run: dict, name: str) -> float | None:
    return run["stages"].get(name, {}).get("seconds")


def main() -> None:
    """Measure every size and write the results file (merged with earlier sizes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--workdir", type=Path, help="where the studies go (default: a temporary folder)")
    parser.add_argument("--encode-sample", type=int, default=20_000,
                        help="texts the raw-encode reference encodes (a seeded sample beyond this)")
    args = parser.parse_args()
    previous = json.loads(RESULTS.read_text()).get("rows", []) if RESULTS.exists() else []
    rows = {row["requested_posts"]: row for row in previous}
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        for size in args.sizes:
            started = time.perf_counter()
            rows[size] = {**measure_size(size, Path(folder), args.encode_sample),
                          "measured_on": time.strftime("%Y-%m-%d")}
            print(f"size {size}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            machine = {"cpus": len(os.sched_getaffinity(0)), "python": sys.version.split()[0],
                       "native_bfloat16": _native_bfloat16()}
            RESULTS.write_text(json.dumps({"machine": machine, "rows": [rows[s] for s in sorted(rows)]},
                                          indent=2))


def _native_bfloat16() -> bool:
    from helpers.embeddings import has_native_bfloat16

    return has_native_bfloat16("cpu")


if __name__ == "__main__":
    main()
