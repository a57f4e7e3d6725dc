"""Erasure: `forget` removes a person everywhere and keeps them out of later runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.cli import main
from helpers.config import load_config
from helpers.erasure import forget, load_register
from helpers.ingest.pipeline import ingest_study, load_summary
from helpers.privacy import Pseudonymiser, load_or_create_secret
from tests.test_ingest_pipeline import _study

CARER = "carer_jo"          # a private person in the twarc2 fixture
CARER_ID = "1300000000000000002"


@pytest.fixture()
def ingested(tmp_path: Path):
    config = load_config(_study(tmp_path))
    ingest_study(config, progress=False)
    return config


def _carer_pseudonym(config) -> str:
    key = load_or_create_secret(config.secret_path)
    return Pseudonymiser(key).author_id("twitter", CARER_ID, CARER)


def test_fixture_has_the_person_before_erasure(ingested) -> None:
    posts = pd.read_parquet(ingested.processed_path / "posts.parquet")
    interactions = pd.read_parquet(ingested.processed_path / "interactions.parquet")
    carer = _carer_pseudonym(ingested)
    assert (posts["author_id"] == carer).any()
    assert ((interactions["source_author"] == carer) | (interactions["target_author"] == carer)).any()


@pytest.mark.parametrize("account", [CARER, "@Carer_Jo", CARER_ID])
def test_forget_by_handle_or_id_removes_every_trace(ingested, account: str) -> None:
    carer = _carer_pseudonym(ingested)
    result = forget(ingested, "twitter", account)
    assert carer in result.author_ids and result.posts_removed >= 1
    out = ingested.processed_path
    posts = pd.read_parquet(out / "posts.parquet")
    interactions = pd.read_parquet(out / "interactions.parquet")
    accounts = pd.read_parquet(out / "accounts.parquet")
    assert not (posts["author_id"] == carer).any()
    assert not posts["mentions"].map(lambda ids: carer in list(ids)).any()
    assert not posts["text"].str.contains(carer, regex=False).any()
    assert not ((interactions["source_author"] == carer) | (interactions["target_author"] == carer)).any()
    assert carer not in set(accounts["author_id"])
    assert not (out / "_stage").exists(), "the per-file cache held the person's posts"
    for path in out.rglob("*"):
        if path.is_file():
            assert carer.encode() not in path.read_bytes(), path


def test_register_records_no_identity_and_counts_still_reconcile(ingested) -> None:
    forget(ingested, "twitter", CARER)
    register_text = ingested.erasure_register_path.read_text()
    assert CARER not in register_text.lower() and CARER_ID not in register_text
    summary = load_summary(ingested)
    assert (summary["read"] == summary[["accepted", "quarantined", "duplicates", "erased"]].sum(axis=1)).all()
    assert summary["erased"].sum() >= 1


def test_later_ingestion_keeps_the_person_out(ingested) -> None:
    carer = _carer_pseudonym(ingested)
    forget(ingested, "twitter", CARER)
    result = ingest_study(ingested, progress=False, force=True)
    posts = pd.read_parquet(result.tables["posts"])
    interactions = pd.read_parquet(result.tables["interactions"])
    assert not (posts["author_id"] == carer).any()
    assert not (interactions["target_author"] == carer).any()
    assert sum(stats.erased for stats in result.files) >= 1
    assert all(stats.reconciles() for stats in result.files)
    assert len(load_register(ingested).requests) == 1


def test_forget_command_line(ingested, capsys) -> None:
    assert main(["forget", "twitter", CARER, "--config", str(ingested.source)]) == 0
    out = capsys.readouterr().out
    assert "Removed" in out and "no handle or id stored" in out
    assert json.loads(ingested.erasure_register_path.read_text())["requests"][0]["platform"] == "twitter"


def test_forget_drops_the_cached_embeddings_of_the_persons_posts(ingested) -> None:
    import numpy as np

    from helpers.embeddings import EmbeddingCache, Encoder, cache_root, study_encoder, text_keys

    class Constant(Encoder):
        model_id = "test/constant"

        def encode(self, texts):
            return np.ones((len(texts), 3), dtype=np.float32)

    posts = pd.read_parquet(ingested.processed_path / "posts.parquet")
    study_encoder(ingested, encoder=Constant(), progress=False).encode(posts["text"].tolist())
    carer_texts = posts.loc[posts["author_id"] == _carer_pseudonym(ingested), "text"].tolist()
    others = posts.loc[posts["author_id"] != _carer_pseudonym(ingested), "text"].tolist()
    folder = next(p for p in cache_root(ingested).iterdir() if p.is_dir())

    def cached(texts: list[str]) -> np.ndarray:
        return EmbeddingCache(folder, "test/constant").lookup(text_keys("test/constant", texts))[0]

    assert carer_texts and cached(carer_texts).all()
    forget(ingested, "twitter", CARER)
    assert not cached(carer_texts).any()
    assert cached([t for t in others if t not in carer_texts]).all()


def test_an_erasure_request_makes_earlier_reports_out_of_date(ingested) -> None:
    from helpers.batch import run_fingerprint

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    before = run_fingerprint(ingested, notebooks, "sma-uk")
    forget(ingested, "twitter", CARER)
    assert run_fingerprint(ingested, notebooks, "sma-uk") != before
