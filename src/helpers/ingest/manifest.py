"""The ingestion's bookkeeping: the reconciliation counts of each file (:class:`FileStats`), the
run's result, and the manifest and summary it leaves in the processed folder.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.config import StudyConfig
from helpers.store import read_json_marker, write_csv_atomic, write_json_atomic

MANIFEST = "ingest_manifest.json"
SUMMARY = "ingest_summary.csv"


@dataclass
class FileStats:
    """Reconciliation counts of one input file."""

    source_file: str
    org_id: str
    format: str
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    erased: int = 0
    from_cache: bool = False

    def reconciles(self) -> bool:
        """True when every record read is accounted for."""
        return self.read == self.accepted + self.quarantined + self.duplicates + self.erased


@dataclass
class IngestResult:
    """What an ingestion run produced.

    ``warnings`` are what is odd about the inputs though they could be read
    (a file listed twice, one post id with two contents); they are logged,
    kept in the manifest, and shown by ``01_ingest``.
    """

    files: list[FileStats]
    tables: dict[str, Path]
    skipped: bool = False
    summary_path: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per-file table of read / accepted / quarantined / duplicates."""
        frame = pd.DataFrame([asdict(stats) for stats in self.files])
        return frame.drop(columns=["from_cache"]) if not frame.empty else frame


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The ingestion's manifest of a processed folder; empty when missing or damaged."""
    manifest = read_json_marker(out_dir / MANIFEST, "ingestion manifest")
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    write_json_atomic(out_dir / MANIFEST, manifest, indent=2, sort_keys=True)


def _write_summary(result: IngestResult) -> None:
    if result.summary_path is not None:
        write_csv_atomic(result.summary_path, result.summary())


def load_summary(config: StudyConfig) -> pd.DataFrame:
    """Read the per-file reconciliation table of the last ingestion."""
    return pd.read_csv(config.processed_path / SUMMARY)
