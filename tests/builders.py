"""Small studies for tests, written the way a researcher writes them: a study file and raw exports.

One home for building and copying test studies (the fixtures in conftest.py
and tests/studies.py use them; test modules never import each other).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from helpers.config import StudyConfig

FIXTURES = Path(__file__).resolve().parent / "fixtures"


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


def fixture_study(root: Path, extra_inputs: list[dict] | None = None) -> Path:
    """Three organisations on three platforms from the format fixtures (twarc2, Pushshift, Mastodon)."""
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


def copy_tiny_demo(tiny_demo: Path, root: Path, *, organisations: int | None = None,
                   processed: bool = False, **privacy: object) -> Path:
    """A copy of the tiny demo study under ``root`` with its own key; returns its study file.

    Parameters
    ----------
    organisations : int, optional
        Keep only the first ones.
    processed : bool
        Copy the processed tables too (else only the raw exports).
    **privacy
        Settings of the study's ``privacy`` section to change.
    """
    shutil.copytree(tiny_demo / "data" / ("" if processed else "raw"),
                    root / "data" / ("" if processed else "raw"), dirs_exist_ok=True)
    data = yaml.safe_load((tiny_demo / "config" / "study.yml").read_text())
    data["privacy"]["secret_file"] = str(root / "secret" / "study.key")
    data["privacy"].update(privacy)
    if organisations is not None:
        data["organisations"] = data["organisations"][:organisations]
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def classified_tiny_demo(tiny_demo: Path, root: Path, **copy_options: object) -> StudyConfig:
    """A copy of the tiny demo study (:func:`copy_tiny_demo`), ingested and classified with the
    hashing encoder; returns its loaded config."""
    from helpers.classify import classify_study
    from helpers.config import load_config
    from helpers.ingest.pipeline import ingest_study
    from tests.fakes import HashingEncoder

    config = load_config(copy_tiny_demo(tiny_demo, root, **copy_options))
    ingest_study(config, progress=False)
    classify_study(config, progress=False, encoder=HashingEncoder())
    return config
