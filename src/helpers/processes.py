"""How much work to hand to helper processes: the CPUs this process may use, split into parts,
work offered to a CPU that a running step leaves idle, and a Dask cluster's workers when the batch
runs on one."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import current_process
from typing import Any


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system has one, else all of them)."""
    if hasattr(os, "sched_getaffinity"):  # Linux; macOS and Windows have no affinity call
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parallel_parts(items: int, smallest: int = 1) -> int:
    """Into how many parts to split ``items`` pieces of work, one part per process.

    One part per usable CPU, but each part at least ``smallest`` items (a
    helper process costs about a second to start and import), and a single
    part in a daemonic process, which may not start processes of its own.

    Examples
    --------
    >>> parallel_parts(0)
    1
    """
    if current_process().daemon:
        return 1
    return max(1, min(usable_cpus(), items // max(smallest, 1)))


_offered: list[Callable[[], None]] = []
_offered_lock = threading.Lock()


@contextmanager
def offer_to_an_idle_cpu(job: Callable[[], None]) -> Iterator[None]:
    """Offer ``job`` to the code run inside the block, for a CPU that code leaves idle.

    Code that knows when one of its threads has nothing left to do (the topic
    model's layouts, :class:`helpers.topics.GroupedUMAP`) takes the job with
    :func:`take_offered_job` and runs it there.  The offer is withdrawn when the
    block ends; the caller runs the job itself when nobody took it
    (:class:`helpers.batch.BesideJob`).  So the scheduler decides what runs
    beside a step, and the step only says when a CPU is free.

    Examples
    --------
    >>> with offer_to_an_idle_cpu(print):
    ...     take_offered_job() is print, take_offered_job()
    (True, None)
    """
    with _offered_lock:
        _offered.append(job)
    try:
        yield
    finally:
        with _offered_lock:
            if job in _offered:
                _offered.remove(job)


def take_offered_job() -> Callable[[], None] | None:
    """The job offered to an idle CPU (:func:`offer_to_an_idle_cpu`), handed out once; ``None`` when none."""
    with _offered_lock:
        return _offered.pop() if _offered else None


# --------------------------------------------------------------------------- a cluster's workers


class WithheldCall:
    """A function call whose arguments never appear in a log.

    A Dask worker logs a failing task with the start of its arguments (when its
    key leaves room); a study step's arguments are posts' texts, or the
    pseudonymisation key.  Sent as a ``WithheldCall``, a task has no arguments
    to show (``text_signals()``) and keeps its function's name (Dask names
    tasks after ``__name__``).

    Examples
    --------
    >>> call = WithheldCall(len, "my daughter's seizures")
    >>> call(), call
    (22, len(<arguments withheld>))
    """

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.__name__ = getattr(function, "__name__", "call")

    def __call__(self) -> Any:
        return self.function(*self.args, **self.kwargs)

    def __repr__(self) -> str:
        return f"{self.__name__}(<arguments withheld>)"


@dataclass(frozen=True)
class ClusterPool:
    """The workers of a Dask cluster, as the study steps see them.

    Attributes
    ----------
    executor : concurrent.futures.Executor
        Runs a call on the cluster (a Dask ``ClientExecutor``); its futures
        have ``result()`` like a process pool's.
    slots : int
        How many calls the workers run at once (their threads, all together).
    """

    executor: Executor
    slots: int

    def submit(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """``function(*args, **kwargs)`` on a worker, its arguments out of logs (:class:`WithheldCall`)."""
        return self.executor.submit(WithheldCall(function, *args, **kwargs))


_cluster: list[ClusterPool] = []


@contextmanager
def on_cluster(pool: ClusterPool) -> Iterator[None]:
    """Inside the block, the study steps send their independent parts to ``pool`` (:func:`cluster_pool`).

    The batch decides where work runs (:mod:`helpers.batch.cluster` connects
    to the cluster); a step only asks whether a cluster is there.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(1) as threads, on_cluster(ClusterPool(threads, 1)):
    ...     cluster_pool().slots
    1
    >>> cluster_pool() is None
    True
    """
    _cluster.append(pool)
    try:
        yield
    finally:
        _cluster.remove(pool)


def cluster_pool() -> ClusterPool | None:
    """The cluster the study steps run on (:func:`on_cluster`), or ``None``: this machine's processes."""
    return _cluster[-1] if _cluster else None
