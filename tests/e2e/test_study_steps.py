"""The study DAG's declarations hold on real study folders: every file a batch leaves under the
processed folder is written by exactly one declared step, each step reads only what an earlier
step writes, and each step's ``forget`` touches only its own files (helpers.steps)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.config import StudyConfig, load_config
from helpers.steps import STEPS, Erased


def _files(config: StudyConfig) -> list[str]:
    root = config.processed_path
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_every_step_reads_only_what_an_earlier_step_writes() -> None:
    for index, step in enumerate(STEPS):
        for pattern in step.reads:
            if pattern in ("raw:", "register"):
                continue
            example = pattern.replace("**", "x/y.parquet")
            assert any(other.owns(example) for other in STEPS[:index]), f"{step.name} reads {pattern}"


@pytest.mark.parametrize("name", ["degenerate-orgs", "only-twarc2"])
def test_every_file_of_a_batched_study_belongs_to_one_step(shape_batches, name: str) -> None:
    study_file, code = shape_batches[name]
    assert code == 0
    files = _files(load_config(study_file))
    assert {f.split("/")[0] for f in files} >= {"posts.parquet", "embeddings", "topics", "networks"}
    for relative in files:
        owners = [step.name for step in STEPS if step.owns(relative)]
        assert len(owners) == 1, f"{relative} is declared by {owners or 'no step'}"


def test_each_step_forgets_a_person_in_its_own_files_only(shape_batches, tmp_path: Path) -> None:
    study_file, _ = shape_batches["degenerate-orgs"]
    copy = tmp_path / "study"
    shutil.copytree(study_file.parent.parent, copy)
    config = load_config(copy / "config" / "study.yml")
    assert config.processed_path.is_relative_to(copy)
    posts = pd.read_parquet(config.processed_path / "posts.parquet")
    person = posts.loc[posts["author_role"] == "public", "author_id"].value_counts().index[0]
    erased = Erased.in_posts(posts, [person])
    assert erased.post_ids and len(erased.texts) == len(erased.post_ids)

    touched = {}
    for step in reversed(STEPS):
        for path in step.forget(config, erased):
            relative = path.relative_to(config.processed_path).as_posix()
            assert step.owns(relative) or step.owns(relative + "/x"), f"{step.name} touched {relative}"
            touched[relative] = step.name
    assert set(touched.values()) == {step.name for step in STEPS}, "every step had something of theirs"
    for name in ("posts", "post_classes", "interactions"):
        table = pd.read_parquet(config.processed_path / f"{name}.parquet")
        for column in ("author_id", "source_author", "target_author"):
            assert column not in table or not table[column].eq(person).any()
        assert "post_id" not in table or not table["post_id"].isin(erased.post_ids).any()
    assert not (config.processed_path / "networks").exists()
    assert not (config.processed_path / "topics" / "runs").exists()
