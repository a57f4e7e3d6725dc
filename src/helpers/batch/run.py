"""The batch: study steps, then every chain in worker processes or on a Dask cluster, then the index."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from helpers.batch.chains import run_org_chain
from helpers.batch.cluster import check_workers, dask_cluster
from helpers.batch.fingerprints import current_notebooks, notebook_fingerprints, run_fingerprint
from helpers.batch.scheduling import _spawn, _timed
from helpers.batch.study_steps import prepare_study
from helpers.config import StudyConfig, load_config
from helpers.store.runs import CHAIN, COMPARE, COMPARE_FOLDER, BatchResult, OrgRun, previous_run

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the batch


def run_batch(
    config_path: str | Path,
    *,
    orgs: list[str] | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    resume: bool = False,
    notebooks_dir: Path | None = None,
    chain: tuple[str, ...] = CHAIN,
    render: bool = True,
    progress: bool = True,
) -> BatchResult:
    """Run the whole batch for a study (see the module docstring).

    Parameters
    ----------
    config_path : str or Path
        The study YAML file.
    orgs : list of str, optional
        Only these organisations (all by default).
    workers : int
        Parallel worker processes when no scheduler is given.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``), or ``"local"`` for a
        ``LocalCluster`` of ``workers`` single-threaded processes: the study
        steps' parts and the organisations' chains then run as tasks on that
        cluster, once its workers are checked (:mod:`helpers.batch.cluster`).
    resume : bool
        Skip organisations whose last run succeeded with the same fingerprint;
        for the others, execute only the notebooks whose own fingerprint
        changed or that did not succeed last time (:func:`current_notebooks`).
    notebooks_dir : Path, optional
        Where the notebooks are (default: ``notebooks/`` beside the config).
    chain : tuple of str
        The notebooks to run per organisation, in order.
    render : bool
        Render HTML reports and the index afterwards.

    Returns
    -------
    BatchResult
    """
    config = load_config(config_path)
    org_ids = orgs or [org.id for org in config.organisations]
    for org_id in org_ids:
        config.organisation(org_id)  # unknown ids fail before any work
    notebooks = Path(notebooks_dir or default_notebooks_dir(config)).resolve()
    with ExitStack() as stack:
        if scheduler:
            scheduler = stack.enter_context(dask_cluster(scheduler, workers))
            check_workers(scheduler, config)
        return _run_checked(config, org_ids, notebooks, workers, scheduler, resume, chain, render, progress)


def _run_checked(config: StudyConfig, org_ids: list[str], notebooks: Path, workers: int,
                 scheduler: str | None, resume: bool, chain: tuple[str, ...], render: bool,
                 progress: bool) -> BatchResult:
    """:func:`run_batch` once its arguments are checked (and the cluster, if any, is there)."""
    reports = config.reports_path
    phases = prepare_study(config, scheduler=scheduler)

    jobs, runs = [], []
    for org_id in org_ids:
        out_dir = reports / org_id
        fingerprint = run_fingerprint(config, notebooks, org_id, chain)
        earlier = previous_run(out_dir)
        if resume and earlier and earlier.status == "ok" and earlier.fingerprint == fingerprint:
            runs.append(OrgRun(**{**asdict(earlier), "status": "skipped"}))
            continue
        fingerprints = notebook_fingerprints(config, notebooks, org_id, chain)
        current = current_notebooks(earlier, fingerprints, out_dir) if resume else ()
        jobs.append((str(config.source), org_id, str(notebooks), str(out_dir), chain, fingerprint, render,
                     fingerprints, current))

    compare, compare_job = None, None
    if (notebooks / COMPARE).exists() and COMPARE not in chain:
        out_dir = reports / COMPARE_FOLDER
        fingerprint = run_fingerprint(config, notebooks, None, (COMPARE,))
        earlier = previous_run(out_dir)
        up_to_date = resume and earlier and earlier.status == "ok" and earlier.fingerprint == fingerprint
        if up_to_date:  # it reads only study-wide results, which its fingerprint covers
            compare = OrgRun(**{**asdict(earlier), "status": "skipped"})
        else:  # so it also runs beside the organisations' chains
            compare_job = (str(config.source), None, str(notebooks), str(out_dir), (COMPARE,), fingerprint,
                           render)
    with _timed("notebooks", phases):
        done = _execute(jobs + ([compare_job] if compare_job else []), workers, scheduler, progress)
    if compare_job:
        compare = done.pop()
    runs = sorted(runs + done, key=lambda run: org_ids.index(run.org_id))
    result = BatchResult(runs, compare=compare, phases=phases)
    if render:
        from helpers.reports import render_batch

        with _timed("render", phases):
            result.index_html = render_batch(config, result)
    return result


def default_notebooks_dir(config: StudyConfig) -> Path:
    """``notebooks/`` of the study folder when it has its own copies, else the installed package's."""
    from helpers.scaffold import study_notebooks

    return study_notebooks(config.project_root)


def _execute(jobs: list[tuple], workers: int, scheduler: str | None, progress: bool) -> list[OrgRun]:
    """Run the jobs on a Dask cluster, a process pool, or (one worker) in this process.

    Returns the runs in the order of ``jobs``; jobs are started in that order.
    """
    if not jobs:
        return []
    bar = tqdm(total=len(jobs), desc="notebook chains", unit="chain", disable=not progress)
    try:
        if scheduler:
            from distributed import Client
            from distributed import as_completed as dask_completed

            with Client(scheduler) as client:
                futures = [client.submit(run_org_chain, *job, pure=False, key=f"org-{job[1] or 'compare'}")
                           for job in jobs]
                for future in dask_completed(futures):
                    _collect(future.result(), bar)
                return [future.result() for future in futures]
        if workers <= 1:
            return [_collect(run_org_chain(*job), bar) for job in jobs]
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=_spawn()) as pool:
            pending: list[Future] = [pool.submit(run_org_chain, *job) for job in jobs]
            for future in as_completed(pending):
                _collect(future.result(), bar)
            return [future.result() for future in pending]
    finally:
        bar.close()


def _collect(run: OrgRun, bar: tqdm) -> OrgRun:
    bar.update(1)
    if run.status == "failed":
        logger.error("%s failed in %s: %s (log: %s)", run.org_id, run.failed_notebook, run.error,
                     run.log_file)
    return run
