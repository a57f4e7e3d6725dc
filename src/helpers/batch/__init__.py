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

Modules, from the bottom up: :mod:`~helpers.batch.kernel` (the kernel a chain
shares), :mod:`~helpers.batch.fingerprints` (what a run depends on),
:mod:`~helpers.batch.scheduling` (processes, CPUs, the job beside a step,
memory), :mod:`~helpers.batch.study_steps` (the study steps),
:mod:`~helpers.batch.chains` (one organisation's notebooks) and
:mod:`~helpers.batch.run` (:func:`run_batch`).  Run records are in
:mod:`helpers.store.runs`.
"""

from helpers.batch.chains import run_org_chain
from helpers.batch.fingerprints import PACKAGE_DIR, current_notebooks, notebook_fingerprints, run_fingerprint
from helpers.batch.kernel import KERNEL_NAME, ChainKernel, chain_kernel
from helpers.batch.run import default_notebooks_dir, run_batch
from helpers.batch.scheduling import BesideJob, cpu_workers, release_free_heap, run_in_parts
from helpers.batch.study_steps import prepare_study, run_study_steps
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

__all__ = [
    "CHAIN",
    "COMPARE",
    "COMPARE_FOLDER",
    "KERNEL_NAME",
    "PACKAGE_DIR",
    "RUN_RECORD",
    "BatchResult",
    "BesideJob",
    "ChainKernel",
    "OrgRun",
    "Phase",
    "chain_kernel",
    "cpu_workers",
    "current_notebooks",
    "default_notebooks_dir",
    "notebook_fingerprints",
    "prepare_study",
    "previous_run",
    "release_free_heap",
    "run_batch",
    "run_fingerprint",
    "run_in_parts",
    "run_org_chain",
    "run_study_steps",
]
