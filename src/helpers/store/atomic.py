"""The one atomic writer, and a reader of marker files that survives what a crash leaves.

Every file the package writes goes through :func:`atomic_path`: the content is
written to a temporary file in the same folder, flushed to the disk, and
renamed over the target in one step.  A crash, a full disk or a killed process
leaves either the old file or the new one, never half of one; the temporary
file is removed when the write fails.

Markers (manifests, run records, cached counts) are small JSON files whose
presence says that some work is done.  :func:`read_json_marker` treats one that
is empty or not JSON, as an older crash may have left it, as missing: the work
is done again instead of every later run failing.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

PRIVATE_FILE_MODE = 0o600
"""Files of the processed folder hold (pseudonymised) personal data: readable by their owner only."""
PRIVATE_FOLDER_MODE = 0o700


def tighten(folder: Path) -> int:
    """Make every file under ``folder`` owner-only (0600) and every folder 0700; returns how many changed.

    The package writes its own files 0600 (:func:`atomic_path`), but libraries
    write with the process's umask (BERTopic's saved model, pyarrow's writers),
    and folders are created 0755: a step that writes under the processed folder
    calls this when it ends.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    changed = 0
    for path in [folder, *folder.rglob("*")]:
        try:
            mode = path.lstat().st_mode
            wanted = PRIVATE_FOLDER_MODE if path.is_dir() else PRIVATE_FILE_MODE
            if not path.is_symlink() and mode & 0o077:
                os.chmod(path, wanted)
                changed += 1
        except FileNotFoundError:  # removed meanwhile by another process
            continue
    return changed


@contextmanager
def atomic_path(path: Path, mode: int = PRIVATE_FILE_MODE) -> Iterator[Path]:
    """A temporary path to write into; on success it replaces ``path`` in one rename.

    Parameters
    ----------
    path : Path
        The file to (re)write; its folder is created when missing.
    mode : int
        Permissions of the file written (default owner-only, 0600).

    Yields
    ------
    Path
        Where to write; it is flushed to disk and renamed to ``path`` when the
        ``with`` block ends without an error, and deleted when it raises.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        _flush_to_disk(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _flush_to_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_bytes_atomic(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`); returns ``path``."""
    with atomic_path(path, mode) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: Path, text: str, mode: int = PRIVATE_FILE_MODE) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically; returns ``path``."""
    return write_bytes_atomic(path, text.encode("utf-8"), mode)


def write_json_atomic(path: Path, value: Any, mode: int = PRIVATE_FILE_MODE, **dumps: Any) -> Path:
    """Write ``value`` as JSON to ``path`` atomically; ``dumps`` go to :func:`json.dumps`."""
    return write_text_atomic(path, json.dumps(value, **dumps), mode)


def read_json_marker(path: Path, what: str = "marker") -> Any | None:
    """The JSON value of a marker file, or None when it is missing, empty, unreadable or not JSON.

    A damaged marker is logged (naming the file) and then treated as missing,
    so that the work it marks is done again.

    Examples
    --------
    >>> import tempfile
    >>> marker = Path(tempfile.mkdtemp()) / "manifest.json"
    >>> _ = marker.write_bytes(b"")
    >>> read_json_marker(marker) is None
    True
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("Cannot read the %s %s (%s); treating it as missing", what, path, exc.strerror)
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        logger.warning("The %s %s is damaged (%d bytes, not JSON), e.g. by a crash or a full disk; "
                       "treating it as missing", what, path, len(data))
        return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, CSV injection)."""


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and index) cannot be taken for a formula by a spreadsheet.

    A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'`` (OWASP's advice for CSV files): a hashtag
    ``=HYPERLINK(...)`` or a handle ``@cmd`` opens as text in Excel or
    LibreOffice instead of running.  Numbers are left alone.

    Examples
    --------
    >>> spreadsheet_safe(pd.DataFrame({"tag": ["=1+1", "sma", "@cmd"], "n": [-1, 2, 3]}))["tag"].tolist()
    ["'=1+1", 'sma', "'@cmd"]
    """
    def safe(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    safe_frame = frame.copy()
    for column in safe_frame.columns:
        if safe_frame[column].dtype == object or pd.api.types.is_string_dtype(safe_frame[column]):
            safe_frame[column] = safe_frame[column].map(safe)
    if safe_frame.index.dtype == object or pd.api.types.is_string_dtype(safe_frame.index):
        safe_frame.index = safe_frame.index.map(safe)
    return safe_frame


def write_csv_atomic(path: Path, frame: pd.DataFrame, *, index: bool = False) -> Path:
    """Write ``frame`` as a spreadsheet-safe CSV (:func:`spreadsheet_safe`), atomically."""
    with atomic_path(path) as tmp:
        spreadsheet_safe(frame).to_csv(tmp, index=index)
    return Path(path)
