"""Shared fixtures: offline settings, small study configs, the tiny demo corpus."""

from __future__ import annotations

import hashlib
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
    _fixed_key(root / "secret" / "demo.key")
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def _fixed_key(path: Path) -> None:
    """The same pseudonymisation key in every session: post ids (and so the order of the posts, the
    topic model's input) stay the same, so a test's topics do not change from one session to the
    next (with a new key each session, the hashing-encoder topics of the tiny demo varied: some
    sessions gave 7 topics of words, others 20)."""
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text(hashlib.sha256(b"rarevoices tiny demo test key").hexdigest() + "\n")
    path.chmod(0o600)


# The small studies of real shapes and the leak study, batched once per session (tests/studies.py).
from tests.studies import empty_study, leak_study, shape_batches  # noqa: E402, F401
