"""How much work to hand to helper processes: the CPUs this process may use, split into parts."""

from __future__ import annotations

import os
from multiprocessing import current_process


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
