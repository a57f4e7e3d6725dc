"""The one error contract of rarevoices: a user's mistake against a bug.

A :class:`UserError` is something the researcher can fix: a wrong field in the
study file, a missing or unreadable export, a folder that cannot be written,
a full disk.  Its message names the file, the record or field, and what to do;
the command line prints it alone and exits with status 2.  Anything else is a
bug: the command line exits with status 1, writes the traceback to a log file
and prints where it is (``--debug`` prints it on the terminal too).

Every module raises its own subclass (``ConfigError``, ``IngestError``,
``SecretError`` ...) so that callers can still tell them apart.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class UserError(Exception):
    """A mistake the user can correct; the message says where and what to do."""


class StorageError(UserError, OSError):
    """A file or folder of the study that cannot be read or written (permissions, full disk, a file
    where a folder should be)."""


_OS_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space (or move processed_dir to a larger disk) and run again",
    errno.EDQUOT: "the disk quota is exhausted; free some space and run again",
    errno.EROFS: "the file system is read-only; point processed_dir / reports_dir at a writable folder",
    errno.EACCES: "permission denied; make the folder writable for you, or choose another folder in the "
                  "study file",
    errno.EPERM: "operation not permitted; make the folder writable for you, or choose another folder",
    errno.ENOTDIR: "a file stands where a folder is needed; rename or remove it, or choose another folder",
    errno.EISDIR: "a folder stands where a file is needed; give the path of a file",
}


def storage_error(exc: OSError, doing: str = "writing", where: Path | None = None) -> StorageError | None:
    """The :class:`StorageError` for an operating-system error a user can fix, else None.

    Parameters
    ----------
    exc : OSError
        The error raised by the file system.
    doing : str
        What was being done, for the message (``"writing"``, ``"reading"``).
    where : Path, optional
        The folder being written, named when the error names no file (some
        libraries' errors carry none).

    Returns
    -------
    StorageError or None
        None for errors that point to a bug rather than to the machine
        (e.g. a missing file the code should have created).

    Examples
    --------
    >>> import errno
    >>> error = storage_error(OSError(errno.ENOSPC, "No space left on device", "/data/posts.parquet"))
    >>> str(error).split(";")[0]
    '/data/posts.parquet: cannot be written: the disk is full'
    """
    advice = _OS_ADVICE.get(exc.errno or 0)
    if advice is None:
        return None
    place = exc.filename if exc.filename is not None else where
    if place is None:
        place = "(a file of the study)"
    verb = "written" if doing == "writing" else "read"
    error = StorageError(f"{place}: cannot be {verb}: {advice}")
    error.errno = exc.errno
    return error


@contextmanager
def storage_errors(folder: Path) -> Iterator[None]:
    """Turn an operating-system error a user can fix, raised inside the block, into a :class:`StorageError`.

    Parameters
    ----------
    folder : Path
        The folder the block writes to; the message names it when the error
        names no file of its own.
    """
    try:
        yield
    except StorageError:
        raise
    except OSError as exc:
        error = storage_error(exc, where=folder)
        if error is None:
            raise
        raise error from exc


def require_folder(path: Path, what: str) -> Path:
    """Create ``path`` as a folder (mode 0700) or check that it is one; a clear error otherwise.

    Parameters
    ----------
    path : Path
        The folder, e.g. the study's ``processed_dir``.
    what : str
        Its name in the study file, for the message (``"processed_dir"``).

    Raises
    ------
    StorageError
        When a file stands at ``path`` (or above it), or it cannot be created.
    """
    if path.exists() and not path.is_dir():
        raise StorageError(f"{path}: {what} is a file, not a folder; give a folder in the study file")
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise StorageError(f"{path}: {what} cannot be created: a file stands where a folder of its path "
                           "should be") from None
    except OSError as exc:
        raise storage_error(exc) or exc from None
    return path
