"""What a run's result depends on, hashed: the study, its inputs, the package's code, the notebooks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from helpers.config import StudyConfig
from helpers.store import read_json_marker
from helpers.store.runs import CHAIN, OrgRun

PACKAGE_DIR = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- fingerprints


def _hash_files(paths: Iterable[Path], digest: hashlib._Hash) -> None:
    """Add each file's name and content; a missing notebook counts too (papermill then fails on it)."""
    for path in sorted(paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"\0missing")


def _study_digest(config: StudyConfig, org_id: str | None) -> hashlib._Hash:
    """SHA-256 of what every notebook's result depends on: config, inputs, erasures, code, org id."""
    digest = hashlib.sha256()
    digest.update(f"org={org_id}".encode())
    if config.source is not None:
        digest.update(Path(config.source).read_bytes())
    manifest = read_json_marker(config.processed_path / "ingest_manifest.json", "ingestion manifest")
    if isinstance(manifest, dict):
        digest.update(json.dumps(manifest.get("inputs", {}), sort_keys=True).encode())
    register = config.erasure_register_path
    if register.exists():  # an erasure request makes every earlier report out of date
        digest.update(register.read_bytes())
    _hash_package(digest)
    return digest


def _hash_package(digest: hashlib._Hash) -> None:
    """Add the package's code and resources (report templates, lexicon, stop words)."""
    _hash_files(PACKAGE_DIR.rglob("*.py"), digest)
    _hash_files((path for path in (PACKAGE_DIR / "resources").rglob("*") if path.is_file()), digest)


def package_digest() -> str:
    """Hash of the installed package's code and resources: equal on machines that run the same rarevoices."""
    digest = hashlib.sha256()
    _hash_package(digest)
    return digest.hexdigest()[:24]


def run_fingerprint(config: StudyConfig, notebooks_dir: Path, org_id: str | None,
                    chain: Iterable[str] = CHAIN) -> str:
    """Hash of everything a run's result depends on.

    The study config, the content hashes of the input files (from the
    ingestion manifest), the erasure register, the package's code and
    resources (report templates, lexicon, stop words), the org id and the
    notebooks of ``chain``.
    """
    digest = _study_digest(config, org_id)
    _hash_files((notebooks_dir / name for name in chain), digest)
    return digest.hexdigest()[:24]


def notebook_fingerprints(config: StudyConfig, notebooks_dir: Path, org_id: str | None,
                          chain: Iterable[str] = CHAIN) -> dict[str, str]:
    """The fingerprint of each notebook of ``chain``: :func:`run_fingerprint` with that notebook alone.

    An executed notebook whose fingerprint is unchanged is current: the
    notebooks of a chain share no variables (:class:`ChainKernel`) and read
    only the study's results, so a notebook's output depends on nothing else.
    """
    study = _study_digest(config, org_id)
    fingerprints = {}
    for name in chain:
        digest = study.copy()
        _hash_files([notebooks_dir / name], digest)
        fingerprints[name] = digest.hexdigest()[:24]
    return fingerprints


def current_notebooks(earlier: OrgRun | None, fingerprints: dict[str, str], out_dir: Path) -> tuple[str, ...]:
    """The notebooks whose executed copy in ``out_dir`` is current (same fingerprint, succeeded, present)."""
    if earlier is None:
        return ()
    return tuple(name for name, fingerprint in fingerprints.items()
                 if earlier.notebook_fingerprints.get(name) == fingerprint and (out_dir / name).exists())
