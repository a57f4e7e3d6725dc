"""The study steps, run once for the study before any notebook: ingest, embed, classify, topics, networks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from helpers.batch.scheduling import (
    BesideJob,
    _child_logging,
    _spawn,
    _timed,
    classify_in_one_process,
    release_free_heap,
)
from helpers.config import StudyConfig
from helpers.store import tighten
from helpers.store.runs import Phase

# --------------------------------------------------------------------------- study steps


def _ingest(config: StudyConfig) -> None:
    from helpers.ingest.pipeline import ingest_study

    ingest_study(config, progress=False)


def _embed(config: StudyConfig) -> None:
    from helpers.steps.embed import embed_study

    embed_study(config, progress=False)


def _classify(config: StudyConfig) -> None:
    from helpers.classify import classify_study

    classify_study(config, progress=False)


def _topics(config: StudyConfig, beside: Callable[[], None] | None = None) -> None:
    from helpers.topics import save_interactive_figures, study_topics

    result = study_topics(config, progress=False, beside=beside)
    # Saved once here, so that no notebook has to import BERTopic to show them.
    save_interactive_figures(result, [None, *(org.id for org in config.organisations)])


def _networks(config: StudyConfig) -> None:
    """Analyse (and save, for the notebooks and reports) each organisation's network.

    The analyses are single-threaded and independent, so with more than one
    CPU they are shared between this process and helper processes: this one
    takes every ``n``-th organisation (its tables are already read), the
    helpers the others, so the step takes about as long as the largest share
    instead of the sum of every organisation's analysis.
    """
    from helpers.networks import has_saved_analysis
    from helpers.processes import parallel_parts

    todo = [org.id for org in config.organisations if not has_saved_analysis(config, org.id)]
    shares = parallel_parts(len(todo))
    if shares <= 1:
        for org_id in todo:
            _analyse_network(config, org_id)
        return
    level = logging.getLogger().getEffectiveLevel()
    with ProcessPoolExecutor(max_workers=shares - 1, mp_context=_spawn(), initializer=_child_logging,
                             initargs=(level,)) as pool:
        theirs = [pool.submit(_analyse_network, config, org_id)
                  for index, org_id in enumerate(todo) if index % shares]
        for org_id in todo[::shares]:
            _analyse_network(config, org_id)
        for future in theirs:
            future.result()


def _analyse_network(config: StudyConfig, org_id: str) -> None:
    from helpers.networks import analyse_network

    analyse_network(config, org_id, progress=False)


STUDY_STEPS: list[tuple[str, Callable[[StudyConfig], None]]] = [
    ("ingest", _ingest),
    ("embed", _embed),
    ("classify", _classify),
    ("topics", _topics),
    ("networks", _networks),
]
"""Every study step, each needing only what the ones before it saved; they run in this order, but
``classify`` runs inside ``topics`` or right after it (see :func:`run_study_steps`)."""


def prepare_study(config: StudyConfig) -> list[Phase]:
    """Run the study-wide steps once, before any organisation's notebooks; returns their timings.

    The steps run in one fresh process, which ends when they are done.  The
    memory they need (the embedding model, UMAP's neighbour graph, the tables
    they read) then goes back to the system before the notebooks start: the
    batch's peak memory is that of the larger of the two parts, not their sum,
    and the process that waits for the notebooks stays small.  The steps save
    everything they compute, so nothing is lost between the processes.  They
    run one after another in that process, so the embedding model loaded by
    ``embed`` serves ``topics`` too.
    """
    level = logging.getLogger().getEffectiveLevel()
    with ProcessPoolExecutor(max_workers=1, mp_context=_spawn(), initializer=_child_logging,
                             initargs=(level,)) as pool:
        return pool.submit(run_study_steps, config).result()


def run_study_steps(config: StudyConfig) -> list[Phase]:
    """Run :data:`STUDY_STEPS` in order in this process; returns their timings.

    Classification (which does not need the topic model) runs inside the topic
    step instead of before it: in a thread, in this process alone, once the
    largest language group's UMAP is the only work left in the topic fit, on
    the CPU that single-threaded layout leaves free (see
    :class:`helpers.topics.GroupedUMAP`, which decides whether a CPU is free).
    When nothing ran it there (one CPU, or the topic model is up to date) it
    runs after the topic step, on every CPU.  Its phase is timed on its own.  Run in a second
    process instead, it took the batch over the 4 GiB memory target at 200,000 posts
    (benchmarks/results/history/, fourth round); in a thread it shares this process's
    modules and the layout no longer needs the search index.
    """
    phases: list[Phase] = []
    classify = BesideJob("classify", phases, beside=lambda: classify_in_one_process(config),
                         alone=lambda: _classify(config))
    for name, step in STUDY_STEPS:
        if name == "classify":
            continue  # run by the topic step, beside its largest UMAP, or right after it
        with _timed(name, phases):
            if name == "topics":
                _topics(config, beside=classify)
            else:
                step(config)
        if name == "topics":
            classify.finish()
        release_free_heap()  # so that the next step does not start on top of this one's leftovers
    tighten(config.processed_path)  # what libraries wrote with the process's umask becomes owner-only
    return phases
