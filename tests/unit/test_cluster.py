"""Checking a Dask cluster's workers before the batch sends them work (helpers.batch.cluster)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.batch.cluster import environment, model_digest
from helpers.cli import main
from helpers.config import load_config
from helpers.embeddings import resolve_model_path
from tests.builders import organisation, write_study


def test_a_worker_tells_whether_it_sees_the_study_folder_of_the_batch(tmp_path: Path) -> None:
    config = load_config(write_study(tmp_path, [organisation("org-a", [])]))
    config.processed_path.mkdir(parents=True)
    (config.processed_path / ".cluster-check-1").write_text(".cluster-check-1")
    (config.processed_path / ".cluster-check-2").write_text("written by another batch")
    assert environment(config, ".cluster-check-1")["study folder"] == "same"
    assert environment(config, ".cluster-check-2")["study folder"].startswith("another folder at")
    assert environment(config, ".cluster-check-3")["study folder"].startswith("not visible")
    assert "study folder" not in environment(config)
    assert environment(config)["rarevoices"] == environment(config)["rarevoices"]
    assert environment(config)["torch"][0].isdigit()


def test_a_copy_of_the_model_has_the_same_digest_and_a_changed_one_another(tmp_path: Path) -> None:
    model = Path(resolve_model_path("all-MiniLM-L6-v2"))
    copy = tmp_path / "copy"
    shutil.copytree(model, copy)
    assert model_digest(str(copy)) == model_digest(str(model))
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("384", "385"))
    assert model_digest(str(copy)) != model_digest(str(model))
    assert model_digest("some-org/some-model") == "missing: some-org/some-model"


def test_a_scheduler_that_does_not_answer_is_a_users_mistake(tmp_path: Path, capsys) -> None:
    study = write_study(tmp_path, [organisation("org-a", [])])
    code = main(["batch", "--config", str(study), "--scheduler", "tcp://127.0.0.1:9", "--no-progress"])
    assert code == 2
    message = capsys.readouterr().err
    assert "--scheduler tcp://127.0.0.1:9: no Dask scheduler answered there" in message
    assert "Traceback" not in message


def _fails_on(texts: list[str]) -> None:
    raise ValueError("a bug in a step")


def test_a_task_that_fails_on_a_worker_logs_no_post_text(caplog) -> None:
    """Dask logs a failing task with the start of its arguments: the steps' arguments are withheld."""
    import logging

    from distributed import Client, LocalCluster

    from helpers.processes import ClusterPool

    planted = "Amelia Planted-Text had seizures"
    caplog.set_level(logging.INFO)
    with (LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
          Client(cluster) as client):
        with pytest.raises(ValueError, match="a bug in a step"):
            client.submit(_fails_on, [planted], key="short").result()
        assert "Planted-Text" in caplog.text, "Dask logs a failed task's arguments (given room)"
        caplog.clear()
        pool = ClusterPool(client.get_executor(pure=False), slots=1)
        with pytest.raises(ValueError, match="a bug in a step"):
            pool.submit(_fails_on, [planted]).result()
    assert "Compute Failed" in caplog.text and "_fails_on()" in caplog.text
    assert "Planted-Text" not in caplog.text
