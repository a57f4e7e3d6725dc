"""One organisation's chain of notebooks: executed with papermill in its kernel, recorded, rendered."""

from __future__ import annotations

import logging
import os
import time
import traceback
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path

from helpers.batch.kernel import KERNEL_NAME, chain_kernel
from helpers.batch.scheduling import release_free_heap
from helpers.config import load_config
from helpers.store import write_json_atomic
from helpers.store.memo import forget_kept_results
from helpers.store.runs import RUN_RECORD, OrgRun

logger = logging.getLogger(__name__)


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
    finally:  # the tables the key figures read are not needed by the next organisation's kernel
        forget_kept_results()
        release_free_heap()


def _short_error(exc: BaseException) -> str:
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    return f"{name}: {value}"[:500]
