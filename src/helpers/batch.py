"""Unattended runs: the notebook chain once per organisation, with papermill, in parallel.

``rarevoices batch`` (and ``make demo``) does, in order:

1. **study preparation** in one fresh process: ingestion and every study-wide
   model (see :func:`run_study_steps`), so that per-organisation notebooks only
   read results and never race to build them;
2. **per organisation**, in worker processes (a local process pool, or a Dask
   cluster when a scheduler address is given): each notebook of
   :data:`CHAIN` executed by papermill with ``config_path`` and ``org_id``
   injected into its ``parameters`` cell, one after another in one kernel
   whose variables are cleared before each (:class:`ChainKernel`), saved with its outputs under
   ``reports/<org>/``, with a log file per organisation.  A failing notebook
   is saved with the failing cell visible; the other organisations go on;
3. the cross-organisation notebook, in the same workers (it reads only the
   study-wide results of step 1);
4. the HTML reports (rendered by the workers as each chain ends) and
   ``reports/index.html`` (:mod:`helpers.reports`).

``--resume`` (the default) re-runs only what failed or is out of date: a
run's fingerprint hashes the input files, the study config, the notebooks of
its chain and the package code.  Each notebook also has a fingerprint of its
own (the same, with only that notebook), so when only some notebooks changed,
only those are executed again for each organisation; the others' executed
copies are current and stay.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from tqdm import tqdm

from helpers.config import StudyConfig, load_config
from helpers.store import read_json_marker, tighten, write_json_atomic
from helpers.store.runs import (
    CHAIN,
    COMPARE,
    COMPARE_FOLDER,
    RUN_RECORD,
    BatchResult,
    OrgRun,
    Phase,
    previous_run,
)

logger = logging.getLogger(__name__)

KERNEL_NAME = "python3"
KERNEL_TIMEOUT = 120  # seconds for a kernel to start or to clear its variables
FIGURES_SETUP = """
import matplotlib
import matplotlib.pyplot
matplotlib.pyplot.switch_backend(matplotlib.get_backend())
matplotlib.pyplot.uninstall_repl_displayhook()
"""
"""Run once in each notebook kernel: draw every figure once, when it is shown.

With the inline backend, pyplot also redraws every changed figure after each
cell (its REPL hook, meant for figure windows); Agg has no idle drawing, so
that is a whole extra draw of every figure, right before the inline backend
draws it again for the notebook, which doubled the time spent drawing
figures in every notebook.  The hook is installed when the backend is loaded, so the
backend is loaded first and the hook removed; figures are still shown (and
closed) after each cell by the inline backend's own hook.
"""
KERNEL_MODULES = (
    "pandas", "matplotlib.pyplot", "networkx", "helpers.config", "helpers.plots", "helpers.ingest.report",
    "helpers.classify.report", "helpers.topics", "helpers.networks", "helpers.summaries",
)
"""What the notebooks import; the kernel imports them at start (see :data:`IMPORTS_SETUP`)."""
IMPORTS_SETUP = f"""
def _rarevoices_imports():
    import gc
    import importlib
    for name in {KERNEL_MODULES!r}:
        try:
            importlib.import_module(name)
        except ImportError:  # the notebook that imports it shows the error
            pass
    gc.freeze()
_rarevoices_imports()
del _rarevoices_imports
"""
"""Run once in each notebook kernel after :data:`FIGURES_SETUP`: import the libraries, then
exclude what importing made from the garbage collector's passes.

The imported modules' objects (about 160,000) live as long as the kernel,
yet every full garbage collection (``%reset`` between notebooks runs one, and
pandas' allocations trigger more) walked through all of them again.
``gc.freeze()`` sets them aside; they are still freed by reference counting.
Only what exists at the kernel's start is frozen (no notebook's data), so no
data can outlive its notebook.  Every notebook of a chain gains from it, since
each runs several full collections.
The names are not left in the notebooks' namespace.
"""
PACKAGE_DIR = Path(__file__).resolve().parent


@contextmanager
def _timed(name: str, phases: list[Phase]) -> Iterator[None]:
    started = time.time()
    try:
        yield
    finally:
        phases.append(Phase(name, started, time.time()))
        logger.info("%s done in %.1f s", name, phases[-1].seconds)


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


def classify_in_one_process(config: StudyConfig) -> None:
    """Classify the study without helper processes (beside the topic step, which keeps a CPU busy)."""
    from helpers.classify import classify_study

    classify_study(config, progress=False, processes=1)


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
    """Return the heap memory this process has freed to the system (glibc's ``malloc_trim``).

    glibc keeps freed memory in its heap for later use, so a process's
    resident size stays near its peak, and the next study step would start on
    top of what the last one freed instead of reusing it.
    Where the C library has no ``malloc_trim`` (macOS, musl, Windows) nothing
    happens.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def _child_logging(level: int) -> None:
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


# --------------------------------------------------------------------------- fingerprints


def _hash_files(paths: Iterable[Path], digest: hashlib._Hash) -> None:
    """Add each file's name and content; a missing notebook counts too (papermill then fails on it)."""
    for path in sorted(paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"\0missing")


def _study_digest(config: StudyConfig, org_id: str | None) -> hashlib._Hash:
    """SHA-256 of what every notebook's result depends on: config, inputs, erasures, code, org id."""
    digest = hashlib.sha256()
    digest.update(f"org={org_id}".encode())
    if config.source is not None:
        digest.update(Path(config.source).read_bytes())
    manifest = read_json_marker(config.processed_path / "ingest_manifest.json", "ingestion manifest")
    if isinstance(manifest, dict):
        digest.update(json.dumps(manifest.get("inputs", {}), sort_keys=True).encode())
    register = config.erasure_register_path
    if register.exists():  # an erasure request makes every earlier report out of date
        digest.update(register.read_bytes())
    _hash_files(PACKAGE_DIR.rglob("*.py"), digest)
    _hash_files((path for path in (PACKAGE_DIR / "resources").rglob("*") if path.is_file()), digest)
    return digest


def run_fingerprint(config: StudyConfig, notebooks_dir: Path, org_id: str | None,
                    chain: Iterable[str] = CHAIN) -> str:
    """Hash of everything a run's result depends on.

    The study config, the content hashes of the input files (from the
    ingestion manifest), the erasure register, the package's code and
    resources (report templates, lexicon, stop words), the org id and the
    notebooks of ``chain``.
    """
    digest = _study_digest(config, org_id)
    _hash_files((notebooks_dir / name for name in chain), digest)
    return digest.hexdigest()[:24]


def notebook_fingerprints(config: StudyConfig, notebooks_dir: Path, org_id: str | None,
                          chain: Iterable[str] = CHAIN) -> dict[str, str]:
    """The fingerprint of each notebook of ``chain``: :func:`run_fingerprint` with that notebook alone.

    An executed notebook whose fingerprint is unchanged is current: the
    notebooks of a chain share no variables (:class:`ChainKernel`) and read
    only the study's results, so a notebook's output depends on nothing else.
    """
    study = _study_digest(config, org_id)
    fingerprints = {}
    for name in chain:
        digest = study.copy()
        _hash_files([notebooks_dir / name], digest)
        fingerprints[name] = digest.hexdigest()[:24]
    return fingerprints


def current_notebooks(earlier: OrgRun | None, fingerprints: dict[str, str], out_dir: Path) -> tuple[str, ...]:
    """The notebooks whose executed copy in ``out_dir`` is current (same fingerprint, succeeded, present)."""
    if earlier is None:
        return ()
    return tuple(name for name, fingerprint in fingerprints.items()
                 if earlier.notebook_fingerprints.get(name) == fingerprint and (out_dir / name).exists())


# --------------------------------------------------------------------------- one organisation


def run_org_chain(
    config_path: str,
    org_id: str | None,
    notebooks_dir: str,
    out_dir: str,
    chain: tuple[str, ...],
    fingerprint: str,
    render: bool = False,
    fingerprints: dict[str, str] | None = None,
    current: tuple[str, ...] = (),
) -> OrgRun:
    """Execute ``chain`` for one organisation with papermill (runs in a worker process).

    Parameters are plain strings so that the call pickles to any worker.
    Never raises for a failing notebook: the outcome says what failed.  With
    ``render`` the executed notebooks are rendered to HTML right away, in the
    worker, instead of one after another once every organisation is done.
    ``fingerprints`` (:func:`notebook_fingerprints`) are recorded for the
    notebooks that succeed; the notebooks in ``current`` are not executed
    again (their executed copies in ``out_dir`` are current) but belong to
    the run as if they had been.
    """
    import papermill as pm

    from helpers.interactive import REPORT_ASSETS

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Kernels inherit the environment: a headless backend set for the command line (MPLBACKEND=Agg)
    # would leave the notebooks without figures.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ[REPORT_ASSETS] = "1"  # plotly figures load plotly.js from the report's assets/ folder
    log_file = out / "run.log"
    handler = logging.FileHandler(log_file, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    papermill_logger = logging.getLogger("papermill")
    papermill_logger.addHandler(handler)
    papermill_logger.setLevel(logging.INFO)
    run = OrgRun(org_id or "study", "ok", fingerprint, log_file=str(log_file))
    to_run = [name for name in chain if name not in current]
    if current:
        papermill_logger.info("Current, not executed again: %s", ", ".join(current))
    attempted: list[str] = []
    started = time.perf_counter()
    try:
        with chain_kernel(notebooks_dir) if to_run else nullcontext() as kernel:
            for name in to_run:
                attempted.append(name)
                try:
                    kernel.clear()
                    pm.execute_notebook(
                        str(Path(notebooks_dir) / name),
                        str(out / name),
                        parameters={"config_path": str(Path(config_path).resolve()), "org_id": org_id},
                        cwd=notebooks_dir,
                        kernel_name=KERNEL_NAME,
                        km=kernel.manager,
                        progress_bar=False,
                        log_output=True,
                    )
                except Exception as exc:  # papermill saves the notebook with the failing cell
                    run.status, run.failed_notebook = "failed", name
                    run.error = _short_error(exc)
                    papermill_logger.error("%s failed:\n%s", name, traceback.format_exc())
                    break
    except Exception as exc:  # no kernel could be started for the chain
        run.status, run.failed_notebook = "failed", to_run[0]
        run.error = _short_error(exc)
        papermill_logger.error("No kernel for %s:\n%s", to_run[0], traceback.format_exc())
    finally:
        run.notebooks = [str(out / name) for name in chain if name in current or name in attempted]
        succeeded = [name for name in chain if name in current
                     or (name in attempted and name != run.failed_notebook)]
        run.notebook_fingerprints = {name: fingerprints[name] for name in succeeded
                                     if fingerprints and name in fingerprints}
        run.seconds = round(time.perf_counter() - started, 1)
        papermill_logger.removeHandler(handler)
        handler.close()
        write_json_atomic(out / RUN_RECORD, asdict(run), indent=2)
    if render:
        _finish_reports(config_path, run, org_id)
    return run


def _finish_reports(config_path: str, run: OrgRun, org_id: str | None) -> None:
    """Render a run's HTML pages and, for a healthy organisation, save its key figures for the index.

    Runs in the worker as the chain ends.  A failure here is logged and left
    to the final rendering step, which redoes whatever is missing.
    """
    from helpers.reports import render_run, save_key_figures

    try:
        config = load_config(config_path)
        render_run(run, config.name)
        if org_id is not None and run.status == "ok":
            save_key_figures(config, run)
    except Exception:
        logger.exception("Could not finish the reports of %s in the worker; the final step will", run.org_id)


class _ChainKernelManager(AsyncKernelManager):
    """A kernel manager that stops every client it handed out.

    papermill opens a new client for every notebook and leaves it running when
    the kernel is not its own; each would keep a zmq context, a heartbeat
    thread and about 20 file descriptors for the life of the worker process.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handed_out: list[AsyncKernelClient] = []

    def client(self, **kwargs: Any) -> AsyncKernelClient:
        """A client of this kernel, remembered so that :meth:`stop_clients` can stop it."""
        client = super().client(**kwargs)
        self.handed_out.append(client)
        return client

    def stop_clients(self) -> None:
        """Stop every client's channels (their zmq contexts then close with them)."""
        for client in self.handed_out:
            client.stop_channels()
        self.handed_out = []


class ChainKernel:
    """One Jupyter kernel for an organisation's notebooks, its variables cleared before each.

    Starting a kernel and importing pandas, matplotlib, scikit-learn and the
    helpers costs 2 to 5 s; an organisation's five notebooks pay it once.
    Before each notebook every name the previous one defined is deleted
    (IPython's ``%reset -f``), so a notebook that uses a variable it did not
    define fails here as it would alone.  Imported modules stay loaded.

    On POSIX systems the kernel talks to papermill through Unix sockets in a
    private temporary folder instead of unencrypted TCP on localhost: the
    notebooks' outputs hold health posts, and other users of a shared server
    cannot reach such sockets.
    """

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self._sockets: str | None = None
        if os.name == "posix":
            self._sockets = tempfile.mkdtemp(prefix="rarevoices-kernel-")  # mode 0700
            self.manager = _ChainKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                               ip=os.path.join(self._sockets, "kernel"))
        else:
            self.manager = _ChainKernelManager(kernel_name=KERNEL_NAME)

    def start(self) -> None:
        """Start the kernel in ``cwd`` and set it up (:data:`FIGURES_SETUP`, :data:`IMPORTS_SETUP`)."""
        from jupyter_core.utils import run_sync

        # No input history: IPython would keep every executed cell (and so what it shows) in
        # ~/.ipython/profile_default/history.sqlite, outside the study's folders.
        run_sync(self.manager.start_kernel)(cwd=self.cwd, extra_arguments=["--HistoryManager.enabled=False"])
        self.run_silently(FIGURES_SETUP)
        self.run_silently(IMPORTS_SETUP)

    def clear(self) -> None:
        """Delete every variable of the kernel's namespace (the kernel keeps running)."""
        self.run_silently("get_ipython().run_line_magic('reset', '-f')")

    def run_silently(self, code: str) -> None:
        """Execute ``code`` in the kernel without output or history.

        Raises
        ------
        RuntimeError
            When the code fails in the kernel.
        """
        from jupyter_core.utils import run_sync

        run_sync(self._run_silently)(code)

    async def _run_silently(self, code: str) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=KERNEL_TIMEOUT)
            reply = await client.execute_interactive(code, silent=True, store_history=False,
                                                     timeout=KERNEL_TIMEOUT)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not run {code!r} in the notebook kernel: {reply['content']}")
        finally:
            client.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel and remove its sockets."""
        from jupyter_core.utils import run_sync

        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self.manager.stop_clients()
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)


@contextmanager
def chain_kernel(cwd: str) -> Iterator[ChainKernel]:
    """A started :class:`ChainKernel`, shut down afterwards."""
    kernel = ChainKernel(cwd)
    kernel.start()
    try:
        yield kernel
    finally:
        try:
            kernel.shutdown()
        except Exception:  # the notebooks' outcome stands; the kernel process ends with its parent
            logger.warning("Could not shut the notebook kernel down cleanly", exc_info=True)


def _short_error(exc: BaseException) -> str:
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    return f"{name}: {value}"[:500]


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
        Address of a Dask scheduler (``tcp://host:8786``); the organisations'
        chains then run as tasks on that cluster.
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
    reports = config.reports_path
    phases = prepare_study(config)

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


def _spawn():  # multiprocessing's context type is private
    import multiprocessing

    return multiprocessing.get_context("spawn")


def cpu_workers() -> int:
    """A sensible default number of workers: the CPUs this process may use, at most 4."""
    from helpers.processes import usable_cpus

    return max(1, min(4, usable_cpus()))
