"""A study folder anywhere: ``rarevoices init`` and the notebooks shipped as package data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.config import load_config
from helpers.scaffold import init_study, packaged_notebooks, study_notebooks

ROOT = Path(__file__).resolve().parents[2]


def test_init_writes_a_study_folder_that_validates(tmp_path: Path) -> None:
    study_file = init_study(tmp_path / "PKU study 2026", secret_dir=tmp_path / "keys")
    folder = tmp_path / "PKU study 2026"
    assert study_file == folder / "config" / "study.yml"
    config = load_config(study_file)
    assert config.name == "PKU study 2026"
    assert config.processed_path == folder / "data" / "processed"
    assert config.secret_path.parent == tmp_path / "keys", "the key lives outside the study folder"
    assert (folder / "data" / "raw").is_dir() and (folder / "reports").is_dir()
    readme = (folder / "README.md").read_text()
    assert "rarevoices batch --config config/study.yml" in readme and "data/raw" in readme
    assert "data/raw/" in (folder / ".gitignore").read_text()
    assert "# " in study_file.read_text(), "the study file explains its fields in comments"
    assert not (folder / "notebooks").exists(), "the package's notebooks are used unless asked for"


def test_two_studies_of_the_same_name_get_different_keys(tmp_path: Path) -> None:
    first = load_config(init_study(tmp_path / "a" / "study", secret_dir=tmp_path / "keys"))
    second = load_config(init_study(tmp_path / "b" / "study", secret_dir=tmp_path / "keys"))
    assert first.secret_path != second.secret_path


def test_init_never_overwrites_a_study(tmp_path: Path, capsys) -> None:
    assert main(["init", str(tmp_path / "s")]) == 0
    before = (tmp_path / "s" / "config" / "study.yml").read_text()
    assert main(["init", str(tmp_path / "s")]) == 2
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "s" / "config" / "study.yml").read_text() == before
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2


def test_init_with_notebooks_copies_them_and_the_batch_uses_the_copies(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "s"), "--notebooks"]) == 0
    copies = sorted(p.name for p in (tmp_path / "s" / "notebooks").glob("*.ipynb"))
    assert copies == sorted(p.name for p in packaged_notebooks().glob("*.ipynb"))
    assert study_notebooks(tmp_path / "s") == tmp_path / "s" / "notebooks"
    assert study_notebooks(tmp_path / "elsewhere") == packaged_notebooks()


def test_the_wheel_carries_the_notebooks_and_an_installed_copy_finds_them(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(wheels)], check=True, timeout=300)
    wheel = next(wheels.glob("rarevoices-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        shipped = {Path(name).name: archive.read(name) for name in archive.namelist()
                   if name.startswith("helpers/resources/notebooks/")}
    expected = {path.name: path.read_bytes() for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert shipped == expected, "the wheel's notebooks are the repository's"

    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    code = "from helpers.scaffold import packaged_notebooks; print(packaged_notebooks())"
    found = subprocess.run(
        [sys.executable, "-c", code],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target), "PYTHONNOUSERSITE": "1"}, timeout=60)
    assert Path(found.stdout.strip()) == target / "helpers" / "resources" / "notebooks"


@pytest.mark.parametrize("name", ['Étude "PKU": 2026', "x: [1, 2]"])
def test_any_study_name_reads_back_as_written(tmp_path: Path, name: str) -> None:
    assert load_config(init_study(tmp_path / "s", name=name, secret_dir=tmp_path)).name == name
