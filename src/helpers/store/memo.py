"""Results computed from the study's files, kept for the process while those files are unchanged.

A notebook kernel asks for the same derived table many times: the reviewer's
report and the comparison ask for every organisation's classified posts and
demo evaluation once per headline figure.  :class:`FileMemo` keeps the last
few results, each under the versions (size and modification time) of the
files it was computed from and any other key, the rule of
:func:`helpers.schema.read_table`: a file written again is read again.
Callers copy what they hand out, so that nobody changes a kept result.
:func:`forget_kept_results` drops every memo's results at once: a batch
worker does, once an organisation's key figures are saved, so that it does
not hold a million posts' tables while the next organisation's kernel runs.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def file_version(path: Path) -> tuple[str, int, int] | tuple[str]:
    """``(resolved path, modification time in ns, size)``; just the path when the file does not exist.

    Examples
    --------
    >>> file_version(Path("/no/such/file"))
    ('/no/such/file',)
    """
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path),)
    return (str(path), stat.st_mtime_ns, stat.st_size)


class FileMemo(Generic[T]):
    """The last ``size`` results of one computation, each keyed by its files' versions and a key.

    Parameters
    ----------
    size : int
        How many results are kept (the least recently used is dropped first).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple, T] = OrderedDict()
        _EVERY_MEMO.add(self)

    def get(self, files: Sequence[Path], key: Hashable, compute: Callable[[], T]) -> T:
        """The kept result for these files' versions and ``key``, or ``compute()`` kept for next time."""
        full = (tuple(file_version(path) for path in files), key)
        if full not in self._kept:
            self._kept[full] = compute()
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        self._kept.move_to_end(full)
        return self._kept[full]

    def clear(self) -> None:
        """Forget every kept result."""
        self._kept.clear()


_EVERY_MEMO: weakref.WeakSet[FileMemo] = weakref.WeakSet()


def forget_kept_results() -> None:
    """Drop the results every :class:`FileMemo` of this process keeps (they are computed again on demand)."""
    for memo in list(_EVERY_MEMO):
        memo.clear()


def kept_results() -> int:
    """How many results the memos of this process keep (what :func:`forget_kept_results` drops)."""
    return sum(len(memo._kept) for memo in list(_EVERY_MEMO))
