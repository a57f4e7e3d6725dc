"""The study steps (:data:`helpers.steps.STEPS`), run once for the study before any notebook, and
where each runs: this process, helper processes, or beside another step."""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, nullcontext

from helpers.batch.cluster import steps_on_cluster
from helpers.batch.scheduling import (
    BesideJob,
    _child_logging,
    _spawn,
    _timed,
    release_free_heap,
    run_in_parts,
)
from helpers.config import StudyConfig
from helpers.embeddings import embedding_text
from helpers.processes import offer_to_an_idle_cpu
from helpers.steps import STEPS, Step
from helpers.store import tighten
from helpers.store.memo import forget_kept_results
from helpers.store.runs import Phase


def prepare_study(config: StudyConfig, *, scheduler: str | None = None) -> list[Phase]:
    """Run the study-wide steps once, before any organisation's notebooks; returns their timings.

    The steps run in one fresh process, which ends when they are done.  The
    memory they need (the embedding model, UMAP's neighbour graph, the tables
    they read) then goes back to the system before the notebooks start: the
    batch's peak memory is that of the larger of the two parts, not their sum,
    and the process that waits for the notebooks stays small.  The steps save
    everything they compute, so nothing is lost between the processes.  They
    run one after another in that process, so the embedding model loaded by
    ``embed`` serves ``topics`` too.  With a Dask ``scheduler`` address, that
    process sends the steps' independent parts to the cluster's workers
    (:func:`helpers.batch.cluster.steps_on_cluster`).
    """
    level = logging.getLogger().getEffectiveLevel()
    with ProcessPoolExecutor(max_workers=1, mp_context=_spawn(), initializer=_child_logging,
                             initargs=(level,)) as pool:
        return pool.submit(run_study_steps, config, scheduler).result()


def run_study_steps(config: StudyConfig, scheduler: str | None = None) -> list[Phase]:
    """Run :data:`helpers.steps.STEPS` in order in this process; returns their timings.

    A step that declares ``beside_of`` (classification, which does not need the
    topic model) is offered to that step (:func:`helpers.processes.offer_to_an_idle_cpu`)
    instead of running before it: the topic fit runs it in a thread, in this
    process alone, once the largest language group's UMAP is the only work
    left, on the CPU that single-threaded layout leaves free (see
    :class:`helpers.topics.GroupedUMAP`, which decides whether a CPU is free).
    When nothing ran it there (one CPU, or the topic model is up to date) it
    runs after that step, on every CPU.  Its phase is timed on its
    own.  Run in a second process instead, it took the batch over the 4 GiB
    memory target at 200,000 posts (benchmarks/results/history/, fourth
    round); in a thread it shares this process's modules and the layout no
    longer needs the search index.  A step with ``parts`` (the networks, one
    organisation each) is spread over helper processes (:func:`run_in_parts`).
    Given a Dask ``scheduler`` address, every step sends its independent parts
    to the cluster's workers instead (:mod:`helpers.batch.cluster`).
    """
    with steps_on_cluster(scheduler) if scheduler else nullcontext():
        return _run_steps(config)


def _run_steps(config: StudyConfig) -> list[Phase]:
    phases: list[Phase] = []
    for step in STEPS:
        if step.beside_of:
            continue  # run by the step it goes beside, or right after it
        jobs = [_beside_job(config, other, phases) for other in STEPS if other.beside_of == step.name]
        with _timed(step.name, phases), ExitStack() as offers:
            for job in jobs:
                offers.enter_context(offer_to_an_idle_cpu(job))
            if step.parts is not None:
                run_in_parts(config, step)
            else:
                step.run(config)
        for job in jobs:
            job.finish()
        forget_kept_results()  # so that the next step does not start on top of this one's leftovers
        release_free_heap()
    embedding_text.cache_clear()  # and the notebooks not beside the texts every step prepared
    release_free_heap()
    tighten(config.processed_path)  # what libraries wrote with the process's umask becomes owner-only
    return phases


def _beside_job(config: StudyConfig, step: Step, phases: list[Phase]) -> BesideJob:
    one_cpu = step.run_on_one_cpu or step.run
    return BesideJob(step.name, phases, beside=lambda: one_cpu(config), alone=lambda: step.run(config))
