"""How work is split between processes (helpers.processes)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from helpers import processes


def test_usable_cpus_falls_back_to_the_cpu_count_without_an_affinity_call(monkeypatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # as on macOS and Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert processes.usable_cpus() == 6


def test_one_part_per_cpu_each_of_at_least_the_smallest_size(monkeypatch) -> None:
    monkeypatch.setattr(processes, "usable_cpus", lambda: 4)
    assert processes.parallel_parts(4) == 4
    assert processes.parallel_parts(100, smallest=30) == 3
    assert processes.parallel_parts(29, smallest=30) == 1
    assert processes.parallel_parts(0) == 1


def test_a_daemonic_process_does_not_split_its_work() -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        in_a_pool_worker = pool.submit(processes.parallel_parts, 10**6).result()
    from multiprocessing.pool import Pool

    with Pool(1, context=get_context("spawn")) as daemonic:  # multiprocessing.Pool's workers are daemonic
        in_a_daemon = daemonic.apply(processes.parallel_parts, (10**6,))
    assert in_a_daemon == 1
    assert in_a_pool_worker == min(processes.usable_cpus(), 10**6)
