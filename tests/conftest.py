"""Shared fixtures: offline settings, small study configs, the tiny demo corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
DEMO_STUDY = ROOT / "config" / "study.yml"
TINY_DEMO_POSTS = 600


def write_study(
    root: Path,
    organisations: list[dict],
    *,
    secret: Path | None = None,
    **overrides: object,
) -> Path:
    """Write a study config under ``root/config/study.yml`` with raw data in ``root/raw``.

    Parameters
    ----------
    root : Path
        The project root of the test study.
    organisations : list of dict
        Organisation entries as in the YAML file.
    secret : Path, optional
        Key file; defaults to ``root/secret/study.key`` (outside raw and processed).
    """
    data = {
        "name": "test study",
        "seed": 7,
        "raw_dir": "raw",
        "processed_dir": "processed",
        "reports_dir": "reports",
        "privacy": {"secret_file": str(secret or root / "secret" / "study.key")},
        "organisations": organisations,
    }
    data.update(overrides)
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def organisation(org_id: str, inputs: list[dict], accounts: dict | None = None, language: str = "en") -> dict:
    """One organisation entry for :func:`write_study`."""
    return {
        "id": org_id,
        "name": f"Org {org_id}",
        "disease": "Test disease",
        "country": "GB",
        "language": language,
        "accounts": accounts or {},
        "inputs": inputs,
    }


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root holding a tiny generated demo corpus and the demo study config.

    The demo config is copied with its paths pointing into the temporary root
    and its key file inside it, so tests never touch the real home folder.
    """
    from helpers.demo import generate_demo

    root = tmp_path_factory.mktemp("tiny-demo")
    data = yaml.safe_load(DEMO_STUDY.read_text())
    generate_demo(root / "data" / "raw" / "demo", seed=data["seed"], n_posts=TINY_DEMO_POSTS)
    data["privacy"]["secret_file"] = str(root / "secret" / "demo.key")
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


# The small studies of real shapes and the leak study, batched once per session (tests/studies.py).
from tests.studies import empty_study, leak_study, shape_batches  # noqa: E402, F401
