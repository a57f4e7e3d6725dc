"""Content keys: the hashes that say whether a cached result still matches its inputs.

A step's cache key is the SHA-256 of what its result depends on (input files'
bytes, settings as sorted JSON); a changed input changes the key and the
result is computed again.  One home for the two ways every step hashes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, memoised on (path, size, mtime) within one process."""
    stat = path.stat()
    memo_key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if memo_key not in _FILE_HASHES:
        with path.open("rb") as fh:
            _FILE_HASHES[memo_key] = hashlib.file_digest(fh, "sha256").hexdigest()
    return _FILE_HASHES[memo_key]


def json_sha256(value: Any) -> str:
    """SHA-256 of a JSON-serialisable value, written with sorted keys (the same value, the same key).

    Examples
    --------
    >>> json_sha256({"b": 1, "a": [2]}) == json_sha256({"a": [2], "b": 1})
    True
    """
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
