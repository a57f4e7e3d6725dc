"""Ingestion end to end on the reader fixtures: errors, idempotence, privacy, keys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import zstandard

from helpers.config import load_config
from helpers.ingest.pipeline import IngestError, ingest_study
from helpers.privacy import SecretError
from tests.conftest import organisation, write_study

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PRIVATE_HANDLES = ["carer_jo", "dr_lee_neuro", "PKU_Mum"]


def _study(root: Path, extra_inputs: list[dict] | None = None) -> Path:
    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "twitter" / "twarc2_search.jsonl", raw / "tweets.jsonl")
    shutil.copy(FIXTURES / "reddit" / "pku_comments.ndjson", raw / "comments.ndjson")
    shutil.copy(FIXTURES / "mastodon" / "account_statuses.json", raw / "statuses.json")
    return write_study(
        root,
        [
            organisation("sma-uk", [{"path": "tweets.jsonl"}], {"twitter": ["SMATogetherUK"]}),
            organisation(
                "pku-us",
                [{"path": "comments.ndjson"}] + (extra_inputs or []),
                {"reddit": ["PKUVoicesNetwork"]},
            ),
            organisation(
                "fop-au", [{"path": "statuses.json"}], {"mastodon": ["fopfriends@health.community"]}
            ),
        ],
    )


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    return _study(tmp_path)


def test_formats_are_detected_and_counts_reconcile(study: Path) -> None:
    result = ingest_study(load_config(study), progress=False)
    summary = result.summary().set_index("source_file")
    assert summary.loc["tweets.jsonl", "format"] == "twarc2"
    assert summary.loc["comments.ndjson", "format"] == "pushshift"
    assert summary.loc["statuses.json", "format"] == "mastodon"
    assert (summary["read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]).all()
    posts = pd.read_parquet(result.tables["posts"])
    assert len(posts) == summary["accepted"].sum()
    assert set(posts["org_id"]) == {"sma-uk", "pku-us", "fop-au"}


def test_org_accounts_stay_named_and_private_people_do_not(study: Path) -> None:
    result = ingest_study(load_config(study), progress=False)
    posts = pd.read_parquet(result.tables["posts"])
    accounts = pd.read_parquet(result.tables["accounts"])
    org_rows = accounts[accounts["is_org"]]
    assert "twitter:SMATogetherUK" in set(org_rows["author_id"])
    assert "mastodon:fopfriends@health.community" in set(org_rows["author_id"])
    assert org_rows["label"].notna().all() and accounts.loc[~accounts["is_org"], "label"].isna().all()
    assert posts.loc[posts["author_role"] == "public", "author_id"].str.match(r"^P-[0-9a-f]{10}$").all()
    everything = "".join(
        path.read_bytes().decode("latin-1")
        for path in result.tables["posts"].parent.rglob("*")
        if path.is_file()
    )
    for handle in PRIVATE_HANDLES:
        assert handle not in everything, f"{handle} reached data/processed"


def test_second_run_is_skipped_and_tables_are_identical(study: Path) -> None:
    config = load_config(study)
    first = ingest_study(config, progress=False)
    before = {name: path.read_bytes() for name, path in first.tables.items()}
    second = ingest_study(config, progress=False)
    assert second.skipped
    assert {name: path.read_bytes() for name, path in second.tables.items()} == before


def test_only_changed_files_are_read_again(study: Path) -> None:
    config = load_config(study)
    ingest_study(config, progress=False)
    raw = study.parent.parent / "raw" / "comments.ndjson"
    raw.write_text(raw.read_text() + '{"broken": \n')
    result = ingest_study(config, progress=False)
    cached = {stats.source_file: stats.from_cache for stats in result.files}
    assert cached == {"tweets.jsonl": True, "comments.ndjson": False, "statuses.json": True}
    assert result.summary().set_index("source_file").loc["comments.ndjson", "quarantined"] >= 1


def test_force_rereads_and_gives_the_same_tables(study: Path) -> None:
    config = load_config(study)
    first = {
        name: pd.read_parquet(path) for name, path in ingest_study(config, progress=False).tables.items()
    }
    again = ingest_study(config, progress=False, force=True)
    assert not any(stats.from_cache for stats in again.files)
    for name, path in again.tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), first[name])


def test_missing_input_names_the_file_and_writes_nothing(tmp_path: Path) -> None:
    config = load_config(_study(tmp_path, [{"path": "not-there.ndjson"}]))
    with pytest.raises(IngestError, match=r"not-there\.ndjson.*'pku-us'.*not found"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_unknown_format_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notes.txt").write_text("just some notes\nnot an export\n")
    config = load_config(_study(tmp_path, [{"path": "notes.txt"}]))
    with pytest.raises(IngestError, match=r"notes\.txt: format not recognised"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_file_of_nothing_but_garbage_is_an_error_not_a_quarantine(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "garbage.ndjson").write_text("{oops\n{also broken\nnope\n")
    config = load_config(_study(tmp_path, [{"path": "garbage.ndjson", "format": "pushshift"}]))
    with pytest.raises(IngestError, match=r"garbage\.ndjson: none of its 3 records could be read"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_corrupt_compressed_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    data = zstandard.ZstdCompressor().compress((FIXTURES / "reddit" / "pku_comments.ndjson").read_bytes())
    (tmp_path / "raw" / "dump.ndjson.zst").write_bytes(data[: len(data) // 2] + b"\x00garbage")
    config = load_config(_study(tmp_path, [{"path": "dump.ndjson.zst", "format": "pushshift"}]))
    with pytest.raises(IngestError, match=r"dump\.ndjson\.zst"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_lost_key_on_a_later_run_stops_the_ingestion(study: Path) -> None:
    config = load_config(study)
    ingest_study(config, progress=False)
    config.secret_path.unlink()
    with pytest.raises(SecretError, match="missing"):
        ingest_study(config, progress=False, force=True)


def test_pseudonyms_depend_on_the_key(tmp_path: Path) -> None:
    def public_authors(root: Path) -> set[str]:
        result = ingest_study(load_config(_study(root)), progress=False)
        posts = pd.read_parquet(result.tables["posts"])
        return set(posts.loc[posts["author_role"] == "public", "author_id"])

    first, second = public_authors(tmp_path / "a"), public_authors(tmp_path / "b")
    assert first and second and not first & second


def _ingest_in_process(config_path: str) -> int:
    result = ingest_study(load_config(config_path), force=True, progress=False)
    return sum(stats.accepted for stats in result.files)


def test_parallel_ingestions_of_one_study_do_not_collide(study: Path) -> None:
    """Batch workers may start ingestion together: a lock lets one run at a time."""
    import multiprocessing

    load_or_create = ingest_study(load_config(study), progress=False)  # creates the key first
    expected = sum(stats.accepted for stats in load_or_create.files)
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        accepted = pool.map(_ingest_in_process, [str(study)] * 3)
    assert accepted == [expected] * 3
    posts = pd.read_parquet(study.parent.parent / "processed" / "posts.parquet")
    assert len(posts) == expected
    assert not list((study.parent.parent / "processed").rglob("*.tmp"))
