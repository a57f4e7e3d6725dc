"""The batch on a Dask cluster: connecting, checking that the workers can do the study's work, and
handing the study steps the cluster's workers.

With ``rarevoices batch --scheduler ADDRESS`` the independent parts of the
study steps run as tasks on the cluster's workers: each input file's read
(ingestion), chunks of new texts to embed (each written by its worker as a
shard of the study's embedding cache), chunks of posts whose lexicon signals
are counted (classification), each organisation's network analysis, and then
the organisations' notebook chains.  ``--scheduler local`` starts a
``LocalCluster`` on this machine with ``--workers`` single-threaded worker
processes (Dask's ``LocalCluster``), the same code path.

Every worker must see the study folder at the same path (a shared file
system) and run the same environment: :func:`check_workers` says what differs
before any work is sent (docs/batch.md, "On a Dask cluster").
"""

from __future__ import annotations

import hashlib
import logging
import platform
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from helpers.batch.fingerprints import package_digest
from helpers.config import StudyConfig
from helpers.embeddings import model_location
from helpers.errors import UserError
from helpers.processes import ClusterPool, on_cluster

logger = logging.getLogger(__name__)

LOCAL = "local"
"""``--scheduler local``: a ``LocalCluster`` of single-threaded worker processes on this machine."""

PACKAGES = ("numpy", "pandas", "pyarrow", "scikit-learn", "torch", "sentence-transformers", "umap-learn",
            "hdbscan", "bertopic", "networkx", "dask", "distributed")
"""Libraries whose version must be the same on every worker (their results could differ otherwise)."""

CONNECT_TIMEOUT_S = 10
WORKERS_TIMEOUT_S = 60
CHECK_FILE_PREFIX = ".cluster-check-"


class ClusterError(UserError):
    """The cluster cannot run the study: no scheduler there, no workers, or workers that differ."""


@contextmanager
def dask_cluster(scheduler: str, workers: int) -> Iterator[str]:
    """The scheduler's address: ``scheduler`` itself, or that of a local cluster started for the block.

    Whether the scheduler answers and has workers is checked by
    :func:`check_workers`, the batch's first connection to it.

    Parameters
    ----------
    scheduler : str
        ``tcp://host:8786`` (or any address Dask's ``Client`` takes), or ``"local"``
        for a ``LocalCluster`` of ``workers`` single-threaded processes on this machine.
    workers : int
        Worker processes of a local cluster.
    """
    if scheduler != LOCAL:
        yield scheduler
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@contextmanager
def connected(scheduler: str) -> Iterator[Any]:
    """A Dask ``Client`` of the scheduler at ``scheduler``, waiting for at least one worker."""
    from distributed import Client

    try:
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"--scheduler {scheduler}: no Dask scheduler answered there ({exc}). Start one with "
            "`dask scheduler` and its workers with `dask worker ADDRESS`, or leave --scheduler out "
            "to run on this machine (docs/batch.md)."
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            raise ClusterError(
                f"--scheduler {scheduler}: the scheduler has no workers after {WORKERS_TIMEOUT_S} s; "
                "start them with `dask worker ADDRESS --nthreads 1` on each machine (docs/batch.md)."
            ) from None
        yield client
    finally:
        client.close()


@contextmanager
def steps_on_cluster(scheduler: str) -> Iterator[ClusterPool]:
    """Inside the block, the study steps send their parts to the cluster at ``scheduler``.

    Used in the process that runs the study steps: it has its own client.
    """
    with connected(scheduler) as client:
        pool = ClusterPool(client.get_executor(pure=False), slots=max(1, sum(client.nthreads().values())))
        logger.info("Study steps on the Dask cluster at %s (%d worker threads)", scheduler, pool.slots)
        with on_cluster(pool):
            yield pool


# --------------------------------------------------------------------------- are the workers alike?


def environment(config: StudyConfig, check_file: str | None = None) -> dict[str, str]:
    """What a worker must share with the machine that starts the batch, as text.

    Parameters
    ----------
    config : StudyConfig
    check_file : str, optional
        A file the batch wrote in the study's processed folder: whether a
        worker reads the same content there tells that it sees the same folder.

    Returns
    -------
    dict of str to str
        Python and rarevoices (with a hash of its code and resources), the
        library versions (:data:`PACKAGES`), the embedding model's files, and
        what the worker finds in the study folder.
    """
    record = {
        "python": platform.python_version(),
        "rarevoices": package_digest(),
        "embedding model": _model_digest_of(config),
    }
    for name in PACKAGES:
        try:
            record[name] = version(name)
        except PackageNotFoundError:
            record[name] = "not installed"
    if check_file is not None:
        record["study folder"] = _study_folder_seen(config.processed_path, check_file)
    return record


def _model_digest_of(config: StudyConfig) -> str:
    try:
        return model_digest(model_location(config))
    except ImportError as exc:  # the package shipping the default model is not installed
        return f"missing: {exc.name}"


def model_digest(location: str) -> str:
    """A hash of a model folder's file names, sizes and small files (configuration, vocabulary).

    Reads no large file whole: a copy of the same model gives the same hash
    in a fraction of a second.  A model given by a name that is no folder here
    gives ``"missing: <name>"``.
    """
    folder = Path(location)
    if not folder.is_dir():
        return f"missing: {location}"
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}\0{size}\0".encode())
        if size < 1 << 20:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _study_folder_seen(processed: Path, check_file: str) -> str:
    """``"same"`` when the check file reads back and the folder is writable; else what is wrong."""
    path = processed / check_file
    try:
        seen = path.read_text(encoding="utf-8")
    except OSError:
        return f"not visible: {processed} (no {check_file} there)"
    if seen != check_file:
        return f"another folder at {processed}"
    probe = processed / f"{check_file}.{uuid.uuid4().hex[:8]}"
    try:
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return f"not writable: {processed} ({exc.strerror})"
    return "same"


def check_workers(scheduler: str, config: StudyConfig) -> int:
    """Check that every worker of the cluster can run the study; returns how many there are.

    Each worker reports :func:`environment`; any field that differs from
    this machine's (or a study folder it cannot see or write) stops the batch
    before any work is sent, naming the worker and the field.

    Raises
    ------
    ClusterError
        When the scheduler does not answer or has no workers (:func:`connected`), or
        naming each worker that differs and how.
    """
    processed = config.processed_path
    processed.mkdir(parents=True, exist_ok=True)
    check_file = f"{CHECK_FILE_PREFIX}{uuid.uuid4().hex}"
    (processed / check_file).write_text(check_file, encoding="utf-8")
    try:
        here = environment(config)
        here["study folder"] = "same"
        with connected(scheduler) as client:
            theirs = client.run(environment, config, check_file)
    finally:
        (processed / check_file).unlink(missing_ok=True)
    problems = [f"worker {worker}: {field} is {seen!r} there, {here.get(field)!r} here"
                for worker, record in sorted(theirs.items())
                for field, seen in record.items() if seen != here.get(field)]
    if problems:
        raise ClusterError(
            "The Dask workers cannot run this study as they are: every worker needs the study folder "
            "at the same path (a shared file system, writable) and the same Python, rarevoices, "
            "libraries and embedding model (docs/batch.md, 'On a Dask cluster').\n  "
            + "\n  ".join(problems)
        )
    logger.info("%d Dask workers checked: same environment, same study folder", len(theirs))
    return len(theirs)
