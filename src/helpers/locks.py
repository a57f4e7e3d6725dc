"""One advisory file lock for steps that parallel batch workers may start at the same time."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)


@contextmanager
def exclusive_lock(path: Path, what: str = "this step") -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (POSIX ``flock``) for the ``with`` block.

    A second process waits (and says so in the log) until the first is done,
    then usually finds the work already done.  Where ``fcntl`` is unavailable
    (Windows) it does not lock; every write is atomic, so a duplicate run is
    wasted work, not damage.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with _open_lock_file(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("Another process is running %s; waiting for it (%s)", what, path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_lock_file(path: Path) -> IO[str]:
    """The lock file, created when missing; opened read-only where it cannot be written.

    A lock held through a read-only descriptor works the same (``flock``), so
    a study whose processed folder is read-only can still be read by a run
    that has nothing to write.
    """
    try:
        return open(path, "a+")
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and path.exists():
            return open(path)
        raise
