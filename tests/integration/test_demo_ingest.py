"""Ingestion of the generated demo corpus checked against the generator's ground truth."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from helpers.truth import load_truth_interactions, load_truth_posts, truth_dir


@pytest.fixture(scope="session")
def demo_ingested(tiny_demo: Path):
    config = load_config(tiny_demo / "config" / "study.yml")
    result = ingest_study(config, progress=False)
    return config, result


def test_every_file_reconciles_with_the_planted_bad_records_and_duplicates(demo_ingested) -> None:
    config, result = demo_ingested
    folder = truth_dir(config)
    bad = pd.read_csv(folder / "bad_records.csv").groupby("file").size()
    duplicates = pd.read_csv(folder / "duplicates.csv").groupby("file").size()
    truth_posts = pd.read_csv(folder / "posts.csv").groupby("file").size()
    summary = result.summary().set_index("source_file")
    summary.index = summary.index.str.removeprefix("demo/")
    assert set(summary.index) == set(truth_posts.index)
    for source_file, row in summary.iterrows():
        assert row["accepted"] == truth_posts[source_file], source_file
        assert row["quarantined"] == bad.get(source_file, 0), source_file
        assert row["duplicates"] == duplicates.get(source_file, 0), source_file
        assert row["read"] == row["accepted"] + row["quarantined"] + row["duplicates"]


def test_posts_authors_and_threads_match_the_truth(demo_ingested) -> None:
    config, result = demo_ingested
    posts = pd.read_parquet(result.tables["posts"])
    truth = load_truth_posts(config)
    merged = truth.merge(posts, on="post_id", how="outer", suffixes=("_truth", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged["_merge"].value_counts()
    assert (merged["author_id_truth"] == merged["author_id"]).all()
    assert (merged["author_role_truth"] == merged["author_role"]).all()
    assert (merged["thread_id_truth"] == merged["thread_id"]).all()
    assert (merged["org_id_truth"] == merged["org_id"]).all()


def test_interactions_match_the_truth(demo_ingested) -> None:
    """Same set, once the documented rule is applied to the truth: a mention of the
    account a post replies to or shares is the platform's doing, not an interaction."""
    config, result = demo_ingested
    derived = pd.read_parquet(result.tables["interactions"])
    truth = load_truth_interactions(config)
    key = ["source_author", "target_author", "post_id"]
    replies_and_shares = set(map(tuple, truth.loc[truth["kind"].isin(["reply", "share"]), key].values))
    implied = [
        kind == "mention" and tuple(row) in replies_and_shares
        for kind, row in zip(truth["kind"], truth[key].values, strict=True)
    ]
    expected = set(map(tuple, truth.loc[[not i for i in implied], [*key, "kind"]].values))
    got = set(map(tuple, derived[[*key, "kind"]].values))
    assert got == expected
    assert {"reply", "mention", "share", "quote"} <= set(derived["kind"])


def test_no_planted_handle_email_or_phone_reaches_processed_data(demo_ingested) -> None:
    config, _ = demo_ingested
    pii = json.loads((truth_dir(config) / "planted_pii.json").read_text())
    assert pii["handles"] and pii["emails"] and pii["phones"], "the demo plants personal data to look for"
    handles = {handle.lower().lstrip("@") for handle in pii["handles"]}
    raw = b"".join(path.read_bytes() for path in truth_dir(config).parent.glob("*/*.*")).lower()
    assert sum(f"@{handle}".encode() in raw for handle in handles) >= 10, "raw texts mention private people"
    assert sum(value.encode() in raw for value in pii["emails"]) >= 3
    for path in config.processed_path.rglob("*.parquet"):
        text = _all_text(pd.read_parquet(path)).lower()
        tokens = {token.strip(".-@") for token in re.split(r"[^\w@.-]+", text)}
        tokens |= {part for token in tokens for part in token.split("@")}  # user@instance
        assert not handles & tokens, (path.name, sorted(handles & tokens)[:5])
        for value in pii["emails"] + pii["phones"]:
            assert value.lower() not in text, (path.name, value)
    raw_bytes = b"".join(p.read_bytes() for p in config.processed_path.rglob("*") if p.is_file())
    for value in pii["emails"] + pii["phones"]:
        assert value.encode() not in raw_bytes


def _all_text(table: pd.DataFrame) -> str:
    """Every cell of a table as text, list cells included."""
    return "\n".join(
        " ".join(map(str, v)) if hasattr(v, "__len__") and not isinstance(v, str) else str(v)
        for v in table.to_numpy().ravel()
    )


def test_no_tracking_query_survives_in_post_text(demo_ingested) -> None:
    config, result = demo_ingested
    pii = json.loads((truth_dir(config) / "planted_pii.json").read_text())
    assert pii["tracking_urls"], "the demo plants links with tracking queries"
    posts = pd.read_parquet(result.tables["posts"])
    assert not posts["text"].str.contains(r"fbclid|utm_source|utm_campaign", regex=True).any()


def test_the_keyed_truth_is_read_once_until_its_files_or_key_change(tiny_demo: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """The reports ask for the truth once per organisation and measure: keying it each time cost
    minutes at a million posts."""
    import shutil

    from helpers import truth as truth_module
    from tests.builders import copy_tiny_demo

    config = load_config(copy_tiny_demo(tiny_demo, tmp_path))
    reads = []
    read = truth_module._read_truth_posts
    monkeypatch.setattr(truth_module, "_read_truth_posts", lambda *args: reads.append(1) or read(*args))
    first = load_truth_posts(config)
    first.loc[0, "post_id"] = "changed by a caller"
    second = load_truth_posts(config)
    assert len(reads) == 1 and second.loc[0, "post_id"] != "changed by a caller"
    posts = truth_dir(config) / "posts.csv"
    shutil.copy2(posts, tmp_path / "posts.csv")
    posts.write_text(posts.read_text().replace("\n", "\r\n", 1))  # same posts, other bytes
    assert load_truth_posts(config).equals(second) and len(reads) == 2
    config.secret_path.unlink()  # a new key: other ids
    assert not load_truth_posts(config)["post_id"].isin(second["post_id"]).any() and len(reads) == 3
