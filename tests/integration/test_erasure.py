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
from tests.builders import fixture_study

CARER = "carer_jo"          # a private person in the twarc2 fixture
CARER_ID = "1300000000000000002"


@pytest.fixture()
def ingested(tmp_path: Path):
    config = load_config(fixture_study(tmp_path))
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
    for cached in (out / "_stage").glob("*.posts.parquet"):  # the cached reads are purged, not dropped
        rows = pd.read_parquet(cached)
        assert not (rows["author_id"] == carer).any(), "the per-file cache held the person's posts"
        assert not rows["text"].str.contains(carer, regex=False).any()
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

    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    before = run_fingerprint(ingested, notebooks, "sma-uk")
    forget(ingested, "twitter", CARER)
    assert run_fingerprint(ingested, notebooks, "sma-uk") != before


# --------------------------------------------------------------------------- issue 25: complete and safe


@pytest.mark.parametrize("platform, account, expected", [
    ("twiter", CARER, "unknown platform"), ("twitter", "  @ ", "empty"),
    ("twitter", "carer_joe", "never seen"), ("reddit", CARER, "never seen"),
])
def test_a_request_that_names_nobody_exits_2_and_records_nothing(ingested, capsys, platform, account,
                                                                 expected) -> None:
    code = main(["forget", platform, account, "--config", str(ingested.source)])
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err.replace("was seen", "never seen") and "Traceback" not in err
    assert not ingested.erasure_register_path.exists(), "nothing is recorded"


def test_a_rebuilt_cache_never_holds_an_erased_person(ingested) -> None:
    carer = _carer_pseudonym(ingested)
    forget(ingested, "twitter", CARER)
    ingest_study(ingested, progress=False, force=True)  # every file read again from the raw exports
    for cached in (ingested.processed_path / "_stage").glob("*.posts.parquet"):
        rows = pd.read_parquet(cached)
        assert not (rows["author_id"] == carer).any(), cached.name
        assert not rows["aliases"].map(lambda entries: any(carer in e for e in entries)).any()


def test_forget_waits_for_a_running_ingestion(ingested) -> None:
    import fcntl
    import threading
    import time

    lock = open(ingested.processed_path / ".ingest.lock", "a+")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (forget(ingested, "twitter", CARER), done.set()))
    worker.start()
    time.sleep(1.0)
    assert not done.is_set(), "forget ran while another process held the study's lock"
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    worker.join(timeout=60)
    assert done.is_set()


def test_forget_deletes_leftovers_exports_and_the_reports_that_may_show_the_person(ingested) -> None:
    from helpers.networks import analyse_network

    analyse_network(ingested, "sma-uk", progress=False)
    exports = ingested.processed_path / "networks" / "sma-uk"
    assert any(exports.glob("*.gexf"))
    leftover = ingested.processed_path / "_stage" / ".abc.posts.parquet.123.tmp"
    leftover.write_text("rows of an interrupted write")
    reports = ingested.reports_path
    for org in ("sma-uk", "pku-us", "compare"):
        (reports / org).mkdir(parents=True)
        (reports / org / "report.html").write_text("<p>P-xxxx</p>")
    (reports / "index.html").write_text("<html><body><h1>Index</h1></body></html>")
    forget(ingested, "twitter", CARER)
    assert not leftover.exists()
    assert not (ingested.processed_path / "networks").exists()
    assert not (reports / "sma-uk").exists() and not (reports / "compare").exists()
    assert (reports / "pku-us" / "report.html").exists(), "organisations the person never met keep theirs"
    index = (reports / "index.html").read_text()
    assert 'id="erasure-pending"' in index and "sma-uk" in index


def test_the_cached_reads_of_an_edited_export_are_deleted(ingested) -> None:
    stage = ingested.processed_path / "_stage"
    before = {path.name for path in stage.iterdir()}
    raw = ingested.project_root / "raw" / "comments.ndjson"
    raw.write_text(raw.read_text().splitlines()[0] + "\n")
    ingest_study(ingested, progress=False)
    after = {path.name for path in stage.iterdir()}
    assert before - after, "the edited file's old cached read is gone"
    assert len(after) == len(before)
