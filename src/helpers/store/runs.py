"""Run records: what a batch ran for each organisation, kept beside its pages as ``run.json``.

The batch writes them (:mod:`helpers.batch`), the rendering and the index read
them (:mod:`helpers.reports`); neither imports the other for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.store.atomic import read_json_marker

CHAIN = (
    "01_ingest.ipynb", "02_classify.ipynb", "03_topics.ipynb", "04_networks.ipynb", "05_org_report.ipynb",
)
"""The notebooks run for each organisation, in order."""
COMPARE = "10_compare_orgs.ipynb"
"""The notebook run once for the whole study, after the organisations' chains have started."""
COMPARE_FOLDER = "compare"
"""Its folder under the reports folder."""
RUN_RECORD = "run.json"


@dataclass
class OrgRun:
    """Outcome of one organisation's notebook chain."""

    org_id: str
    status: str  # "ok", "failed" or "skipped" (up to date, with --resume)
    fingerprint: str
    seconds: float = 0.0
    notebooks: list[str] = field(default_factory=list)
    failed_notebook: str | None = None
    error: str | None = None
    log_file: str | None = None
    # notebook name -> fingerprint (notebook_fingerprints) of its executed copy, for those that succeeded
    notebook_fingerprints: dict[str, str] = field(default_factory=dict)


@dataclass
class Phase:
    """One timed part of a batch run (a study step, the notebooks, the rendering).

    ``started`` and ``ended`` are wall-clock times (``time.time()``), so that a
    benchmark can match them with memory samples taken beside the run.
    """

    name: str
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        """How long the phase took."""
        return self.ended - self.started


@dataclass
class BatchResult:
    """What a batch run produced."""

    runs: list[OrgRun]
    index_html: Path | None = None
    compare: OrgRun | None = None
    phases: list[Phase] = field(default_factory=list)

    @property
    def failed(self) -> list[OrgRun]:
        """The organisations (and the comparison) whose chain failed."""
        runs = self.runs + ([self.compare] if self.compare else [])
        return [run for run in runs if run.status == "failed"]


def previous_run(out_dir: Path) -> OrgRun | None:
    """The recorded outcome of an earlier run in ``out_dir``, if any.

    Its notebooks and log are in ``out_dir``, wherever the project was when it
    ran (a project folder may have been moved or copied since).
    """
    saved = read_json_marker(out_dir / RUN_RECORD, "run record")
    try:
        run = OrgRun(**saved)
    except TypeError:  # missing, damaged, or of another version: the run is done again
        return None
    run.notebooks = [str(out_dir / Path(notebook).name) for notebook in run.notebooks]
    if run.log_file is not None:
        run.log_file = str(out_dir / Path(run.log_file).name)
    return run
