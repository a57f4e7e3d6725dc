"""A restructuring changes no result (issue 27): the tiny demo study, run by the code of a reference
commit and by this code, gives the same tables and key figures.

It runs when ``RAREVOICES_REFERENCE`` names the reference commit, e.g. the
commit before a restructuring (``RAREVOICES_REFERENCE=4835550`` for issue 27's
redesign, which it checked; since then the classifier has changed on purpose,
issue 28, so the comparison is made for the next restructuring, not by default).
Both runs use one study file's data and one key, the hashing encoder in place of the sentence model, and
fresh processes with only their own ``src`` on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.config import load_config
from tests.builders import copy_tiny_demo

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = os.environ.get("RAREVOICES_REFERENCE", "")
pytestmark = pytest.mark.skipif(not REFERENCE,
                                reason="set RAREVOICES_REFERENCE to the commit before a restructuring")
TABLES = ("posts", "accounts", "interactions", "quarantine", "aliases", "post_classes", "thread_modes")

RUN = """
import json, sys
from pathlib import Path

import numpy as np

import helpers.networks as nw
from helpers.classify import classify_study
from helpers.config import load_config
from helpers.embeddings import Encoder
from helpers.ingest.pipeline import ingest_study
from helpers.summaries import org_key_figures


class Hashing(Encoder):
    model_id = "test/hashing-256"

    def __init__(self):
        from sklearn.feature_extraction.text import HashingVectorizer
        self.vectorizer = HashingVectorizer(n_features=255, ngram_range=(1, 2), alternate_sign=False,
                                            stop_words="english", norm="l2")

    def encode(self, texts):
        hashed = self.vectorizer.transform(list(texts)).toarray()
        return np.hstack([hashed, np.full((len(texts), 1), 0.05)]).astype(np.float32)


config = load_config(sys.argv[1])
out = Path(sys.argv[2])
ingest_study(config, progress=False)
classify_study(config, progress=False, encoder=Hashing())
figures = {}
for org in config.organisations:
    analysis = nw.analyse_network(config, org.id, progress=False, export=False, reuse=False)
    analysis.nodes.to_parquet(out / f"network_nodes.{org.id}.parquet")
    analysis.summary.to_parquet(out / f"network_summary.{org.id}.parquet")
    figures[org.id] = org_key_figures(config, org.id)
(out / "key_figures.json").write_text(json.dumps(figures, indent=1, sort_keys=True))
"""


def _reference_source(tmp_path: Path) -> Path:
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet",
                            f"{REFERENCE}^{{commit}}"], capture_output=True, text=True)
    if found.returncode != 0:
        pytest.skip(f"the reference commit {REFERENCE} is not in this checkout (a shallow clone?)")
    tree = tmp_path / "reference"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", REFERENCE, "src"], capture_output=True,
                             check=True)
    tree.mkdir()
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree / "src"


def _run(source: Path, study_file: Path, out: Path) -> None:
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", RUN, str(study_file), str(out)], env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    processed = load_config(study_file).processed_path
    for name in TABLES:
        shutil.copy(processed / f"{name}.parquet", out / f"{name}.parquet")


def test_the_code_of_the_reference_commit_and_this_code_give_the_same_results(tiny_demo: Path,
                                                                                tmp_path: Path) -> None:
    reference = _reference_source(tmp_path)
    study_file = copy_tiny_demo(tiny_demo, tmp_path / "study")
    data = yaml.safe_load(study_file.read_text())
    runs = {}
    for name, source in (("reference", reference), ("current", ROOT / "src")):
        data["processed_dir"] = f"data/processed-{name}"
        version = study_file.with_name(f"study-{name}.yml")
        version.write_text(yaml.safe_dump(data, sort_keys=False))
        runs[name] = tmp_path / f"out-{name}"
        _run(source, version, runs[name])
    before, after = runs["reference"], runs["current"]
    tables = sorted(path.name for path in before.glob("*.parquet"))
    assert tables == sorted(path.name for path in after.glob("*.parquet")) and len(tables) > len(TABLES)
    for name in tables:
        pd.testing.assert_frame_equal(pd.read_parquet(before / name), pd.read_parquet(after / name), obj=name)
    figures = [json.loads((run / "key_figures.json").read_text()) for run in (before, after)]
    assert figures[0] == figures[1]
