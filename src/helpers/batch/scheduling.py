"""Processes and CPUs: a step's parts over helper processes, the job that runs beside a step, timing
phases, giving freed memory back."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from helpers.config import StudyConfig
from helpers.processes import cluster_pool, parallel_parts
from helpers.steps import Step
from helpers.store.runs import Phase

logger = logging.getLogger(__name__)


@contextmanager
def _timed(name: str, phases: list[Phase]) -> Iterator[None]:
    started = time.time()
    try:
        yield
    finally:
        phases.append(Phase(name, started, time.time()))
        logger.info("%s done in %.1f s", name, phases[-1].seconds)


class BesideJob:
    """A study step run once, beside another step (in its thread) or after it.

    Parameters
    ----------
    name : str
        Name of its phase in ``phases``.
    phases : list of Phase
        Where its timing is added when it ends.
    beside : callable
        The step as it runs beside the other (e.g. on one CPU).
    alone : callable
        The step as it runs after the other, when nothing ran it beside (on every CPU).

    Notes
    -----
    Calling the job runs ``beside`` the first time and does nothing afterwards;
    what it raises is kept, not raised in the other step's thread.
    :meth:`finish` runs ``alone`` if nothing has called the job yet, waits for
    the step to end, and raises what it raised, in the caller's thread.
    """

    def __init__(self, name: str, phases: list[Phase], *, beside: Callable[[], None],
                 alone: Callable[[], None]) -> None:
        self.name = name
        self.phases = phases
        self.beside = beside
        self.alone = alone
        self.error: BaseException | None = None
        self._started = False
        self._lock = threading.Lock()
        self._done = threading.Event()

    def __call__(self) -> None:
        """Run the step beside the other, unless it has already run or is running."""
        self._run(self.beside)

    def _run(self, work: Callable[[], None]) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        try:
            with _timed(self.name, self.phases):
                work()
        except BaseException as exc:  # raised again by finish(), in the caller's thread
            self.error = exc
        finally:
            self._done.set()

    def finish(self) -> None:
        """Run the step alone if it has not run yet, wait until it has ended; raise what it raised."""
        self._run(self.alone)
        self._done.wait()
        if self.error is not None:
            raise self.error


def release_free_heap() -> None:
    """Return the memory this process has freed to the system: glibc's heap and pyarrow's pool.

    glibc keeps freed memory in its heap for later use (``malloc_trim``
    returns it), and so does pyarrow's memory pool (mimalloc or jemalloc;
    ``release_unused``), so a process's resident size stays near its peak,
    and the next study step would start on top of what the last one freed
    instead of reusing it.  At a million posts the embed step left 1.2 GiB
    in pyarrow's pool, held by the batch process while the notebooks ran.
    Where the C library has no ``malloc_trim`` (macOS, musl, Windows) only
    pyarrow's pool is released.  Seconds at most: the batch calls it between
    stages, not in loops.
    """
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def _child_logging(level: int) -> None:
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _spawn():  # multiprocessing's context type is private
    import multiprocessing

    return multiprocessing.get_context("spawn")


def cpu_workers() -> int:
    """A sensible default number of workers: the CPUs this process may use, at most 4."""
    from helpers.processes import usable_cpus

    return max(1, min(4, usable_cpus()))


def run_in_parts(config: StudyConfig, step: Step) -> None:
    """Run a step's independent parts, shared between this process and helper processes.

    The parts (e.g. each organisation's network analysis) are single-threaded,
    so with more than one CPU this process takes every ``n``-th part (its
    tables are already read), the helpers the others: the step takes about as
    long as the largest share instead of the sum of every part.  On a Dask
    cluster (:func:`helpers.processes.cluster_pool`) every part is a task of
    its own, run by the cluster's workers.
    """
    assert step.parts is not None and step.run_part is not None
    todo = step.parts(config)
    cluster = cluster_pool()
    if cluster is not None:  # every part a task on the cluster's workers
        for future in [cluster.submit(step.run_part, config, part) for part in todo]:
            future.result()
        return
    shares = parallel_parts(len(todo))
    if shares <= 1:
        for part in todo:
            step.run_part(config, part)
        return
    level = logging.getLogger().getEffectiveLevel()
    with ProcessPoolExecutor(max_workers=shares - 1, mp_context=_spawn(), initializer=_child_logging,
                             initargs=(level,)) as pool:
        theirs = [pool.submit(step.run_part, config, part)
                  for index, part in enumerate(todo) if index % shares]
        for part in todo[::shares]:
            step.run_part(config, part)
        for future in theirs:
            future.result()
