"""Property-based: whatever corruption hits an export, every record is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from tests.builders import organisation, write_study

N_RECORDS = 12


def _comment(i: int) -> dict:
    return {
        "id": f"c{i:04d}",
        "name": f"t1_c{i:04d}",
        "author": f"user_{i % 4}",
        "body": f"Comment number {i} about low-protein recipes and formula",
        "created_utc": 1709200000 + 60 * i,
        "link_id": "t3_root01",
        "parent_id": "t3_root01",
        "subreddit": "PKU",
        "score": i,
    }


def _status(i: int) -> dict:
    return {
        "id": f"11{i:04d}",
        "created_at": f"2024-02-29T10:{i:02d}:00.000Z",
        "content": f"<p>Toot number {i} about FOP flare-ups and physiotherapy</p>",
        "language": "en",
        "account": {
            "id": f"9{i % 3}", "acct": f"person{i % 3}", "url": f"https://health.community/@person{i % 3}"
        },
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": None,
        "mentions": [],
        "tags": [],
        "favourites_count": 1,
        "reblogs_count": 0,
        "replies_count": 0,
        "visibility": "public",
        "uri": f"https://health.community/users/person{i % 3}/statuses/11{i:04d}",
        "url": f"https://health.community/@person{i % 3}/11{i:04d}",
        "spoiler_text": "",
        "sensitive": False,
    }


def _truncate(line: str) -> str:
    return line[: len(line) // 2]


def _drop_id(line: str) -> str:
    record = json.loads(line)
    record.pop("id")
    record.pop("name", None)
    return json.dumps(record)


def _break_date(line: str) -> str:
    record = json.loads(line)
    key = "created_utc" if "created_utc" in record else "created_at"
    record[key] = {"not": "a date"}
    return json.dumps(record)


def _bad_bytes(line: str) -> bytes:
    return line.encode()[:20] + b"\xff\xfe" + line.encode()[20:]


CORRUPTIONS = {"truncate": _truncate, "drop_id": _drop_id, "break_date": _break_date, "bad_bytes": _bad_bytes}


def _write_lines(path: Path, records: list[dict], corrupt: dict[int, str], duplicates: list[int]) -> None:
    lines: list[bytes] = []
    for index, record in enumerate(records):
        line = json.dumps(record)
        damaged = CORRUPTIONS[corrupt[index]](line) if index in corrupt else line
        lines.append(damaged if isinstance(damaged, bytes) else damaged.encode())
    for index in duplicates:
        if index not in corrupt:
            lines.append(json.dumps(records[index]).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")


corruption_plans = st.dictionaries(
    keys=st.integers(0, N_RECORDS - 1), values=st.sampled_from(sorted(CORRUPTIONS)), max_size=N_RECORDS - 2
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reddit_corrupt=corruption_plans,
    mastodon_corrupt=corruption_plans,
    duplicates=st.lists(st.integers(0, N_RECORDS - 1), max_size=4),
)
def test_counts_reconcile_under_any_corruption(
    tmp_path_factory, reddit_corrupt: dict[int, str], mastodon_corrupt: dict[int, str], duplicates: list[int]
) -> None:
    root = tmp_path_factory.mktemp("prop")
    (root / "raw").mkdir()
    _write_lines(root / "raw" / "comments.ndjson", [_comment(i) for i in range(N_RECORDS)], reddit_corrupt,
                 duplicates)
    _write_lines(root / "raw" / "statuses.jsonl", [_status(i) for i in range(N_RECORDS)], mastodon_corrupt,
                 duplicates)
    config = load_config(write_study(root, [
        organisation("a", [{"path": "comments.ndjson", "format": "pushshift"}]),
        organisation("b", [{"path": "statuses.jsonl", "format": "mastodon"}]),
    ]))

    result = ingest_study(config, progress=False)

    summary = result.summary().set_index("source_file")
    for name, corrupt in (("comments.ndjson", reddit_corrupt), ("statuses.jsonl", mastodon_corrupt)):
        row = summary.loc[name]
        expected_duplicates = len([i for i in duplicates if i not in corrupt])
        assert row["read"] == N_RECORDS + expected_duplicates
        assert row["quarantined"] == len(corrupt)
        assert row["duplicates"] == expected_duplicates
        assert row["accepted"] == N_RECORDS - len(corrupt)
        assert row["read"] == row["accepted"] + row["quarantined"] + row["duplicates"]
    posts = pd.read_parquet(result.tables["posts"])
    quarantine = pd.read_parquet(result.tables["quarantine"])
    assert len(posts) == summary["accepted"].sum()
    assert len(quarantine) == summary["quarantined"].sum()
    assert (quarantine["reason"].str.len() > 0).all()
    assert set(quarantine["source_line"]) <= set(range(1, N_RECORDS + 1))
