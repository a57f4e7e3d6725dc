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
