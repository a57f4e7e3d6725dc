"""Reading canonical tables: validated once per process and file version, never shared."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from helpers import schema
from helpers.schema import read_table, table_path


@pytest.fixture
def posts_file(tiny_demo: Path) -> Path:
    from helpers.config import load_config
    from helpers.ingest.pipeline import ingest_study

    config = load_config(tiny_demo / "config" / "study.yml")
    ingest_study(config, progress=False)
    return table_path(config.processed_path, "posts")


def test_a_table_is_validated_once_and_each_reader_gets_its_own_copy(posts_file: Path, monkeypatch) -> None:
    first = read_table("posts", posts_file)
    validations = []
    monkeypatch.setattr(schema, "validate", lambda df, name: validations.append(name) or df)
    first.loc[first.index[0], "text"] = "changed by a caller"
    second = read_table("posts", posts_file)
    assert validations == []  # served from the per-process cache
    assert second.loc[second.index[0], "text"] != "changed by a caller"
    assert second is not first


def test_a_rewritten_table_is_read_again(posts_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "posts.parquet"
    original = pd.read_parquet(posts_file)
    original.to_parquet(copy)
    assert len(read_table("posts", copy)) == len(original)
    original.head(5).to_parquet(copy)
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert len(read_table("posts", copy)) == 5
