"""The study's erasure register: who asked to be removed, as keyed hashes and pseudonyms only.

Ingestion reads it to keep erased people out of every file it reads
(:mod:`helpers.ingest.pipeline`); ``rarevoices forget`` adds to it
(:mod:`helpers.erasure`).  It lives here, below both, so that neither has to
import the other for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.errors import UserError
from helpers.store.atomic import write_text_atomic
from helpers.store.keys import json_sha256

ERASED_MENTION = "@[erased]"


class ErasureError(UserError, ValueError):
    """An erasure request or register that cannot be used; the message says what to do."""


@dataclass
class ErasureRegister:
    """The recorded erasure requests of a study."""

    path: Path
    requests: list[dict] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Changes whenever a request is added (part of the ingestion's cache key)."""
        return json_sha256(self.requests)

    def author_ids(self, aliases: pd.DataFrame | None = None) -> set[str]:
        """Pseudonyms to remove: those recorded, and those the aliases table maps the keys to."""
        ids = {author for request in self.requests for author in request.get("author_ids", [])}
        keys = {key for request in self.requests for key in request.get("alias_keys", [])}
        if aliases is not None and keys:
            ids |= set(aliases.loc[aliases["alias_key"].isin(keys), "author_id"])
        return ids

    def save(self) -> None:
        """Write the register atomically."""
        write_text_atomic(self.path, json.dumps({"requests": self.requests}, indent=2, sort_keys=True) + "\n")


def load_register(config: StudyConfig) -> ErasureRegister:
    """Read the study's erasure register (empty when there is none yet)."""
    path = config.erasure_register_path
    if path.is_dir():
        raise ErasureError(f"{path}: privacy.erasure_register is a folder; give the path of a file")
    if not path.exists():
        return ErasureRegister(path)
    try:
        return ErasureRegister(path, json.loads(path.read_bytes().decode("utf-8"))["requests"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        # Never treated as empty: that would bring erased people back into the data.
        raise ErasureError(
            f"{path}: the erasure register is damaged and cannot be read. Restore it from your backup "
            "before running anything else: without it, people who asked to be erased would come back."
        ) from None
