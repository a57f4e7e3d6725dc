"""The coding workflow of a study, as the command line and the notebook run it.

``rarevoices codebook`` prints the codebook for coders; ``code-sample`` writes
blind coding sheets of a stratified sample (and a REFI-QDA project for NVivo,
ATLAS.ti or MAXQDA); ``code-agreement`` reads the coded sheets and projects
back, computes Krippendorff's alpha per variable, lists the disagreements to
adjudicate and writes the consensus labels that ``rarevoices evaluate
--labels`` scores the classifier against.  Sampled texts are the posts table's
(pseudonymised, handles and known names scrubbed) and leave the processed
folder only when the study opts in (``privacy.coding_sheets``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.classify.health import health_codes
from helpers.classify.study import load_classified_posts
from helpers.classify.validation import MEASURES, validation_state
from helpers.coding.codebook import Codebook, CodingError, load_codebook, render_codebook_html
from helpers.coding.qdpx import export_qdc, export_qdpx, import_qdpx
from helpers.coding.reliability import (
    Agreement,
    adjudication_sheet,
    agreement,
    consensus_labels,
    read_coded_sheets,
)
from helpers.coding.sample import draw_sample, write_coding_sheets
from helpers.config import StudyConfig
from helpers.store import write_csv_atomic, write_text_atomic

logger = logging.getLogger(__name__)

SHEETS = "sheets"
"""Sub-folder of the coding folder with the coders' sheets and the sample key."""


def study_codebook(config: StudyConfig) -> Codebook:
    """The study's codebook: ``analysis.codebook_file`` or the packaged one."""
    path = getattr(config.analysis, "codebook_file", None)
    return load_codebook(config.resolve(Path(path)) if path else None)


def write_codebook(config: StudyConfig) -> Path:
    """Write the codebook as a printable HTML page for coders: ``<coding_dir>/codebook.html``."""
    path = config.coding_path / "codebook.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, render_codebook_html(study_codebook(config)))
    return path


def _require_opt_in(config: StudyConfig, what: str) -> None:
    if not config.privacy.coding_sheets:
        raise CodingError(
            f"{config.source}: privacy.coding_sheets is false, so no post text leaves the processed folder "
            f"for {what}. Set it to true once your ethics approval covers coders reading the sampled posts "
            "(scrubbed of handles and known names; docs/coding.md).")


def coding_candidates(config: StudyConfig) -> pd.DataFrame:
    """Original posts with text, and the classifier's labels (``knowledge_type``, ``health`` yes/no)."""
    posts = load_classified_posts(config)
    posts = posts[posts["shared_id"].isna()]
    if "health" in posts.columns:
        posts = posts.assign(health=health_codes(posts["health"]))
    return posts.reset_index(drop=True)


def write_sample(config: StudyConfig, *, coders: list[str], size: int, overlap: int,
                 overwrite: bool = False) -> list[Path]:
    """Draw the study's coding sample and write the coders' sheets, the codebook and a REFI-QDA project.

    Parameters
    ----------
    config : StudyConfig
    coders : list of str
    size, overlap : int
        Posts in the sample, and how many of them every coder codes (for agreement).
    overwrite : bool
        Replace sheets already written (they may hold coders' work).

    Returns
    -------
    list of Path
        The files written: per coder a CSV and an XLSX sheet, ``sample_key.csv``,
        ``sample.qdpx`` (no machine codes: blind), ``codebook.html`` and
        ``codebook.qdc`` (the codebook for NVivo, ATLAS.ti or MAXQDA).
    """
    _require_opt_in(config, "coding sheets")
    codebook = study_codebook(config)
    sample = draw_sample(coding_candidates(config), size=size, coders=coders, overlap=overlap,
                         seed=config.seed)
    folder = config.coding_path / SHEETS
    written = write_coding_sheets(sample, folder, codebook, overwrite=overwrite)
    units = sample.drop_duplicates("unit_id")[["unit_id", "text"]]
    written.append(export_qdpx(units, qdpx_variables(codebook), config.coding_path / "sample.qdpx",
                               project_name=f"{config.name}: coding sample"))
    written.append(write_codebook(config))
    written.append(export_qdc(qdpx_variables(codebook), config.coding_path / "codebook.qdc"))
    logger.info("Coding sample of %d posts for %s (%d coded by all) in %s", size, ", ".join(coders), overlap,
                folder)
    return written


def qdpx_variables(codebook: Codebook) -> dict[str, list[tuple[str, str]]]:
    """The codebook's variables and categories as :func:`export_qdpx` takes them."""
    return {v.name: [(c.code, c.label) for c in v.categories] for v in codebook.variables}


@dataclass
class CodingResult:
    """What ``code-agreement`` found: alpha per variable and the files it wrote."""

    agreements: dict[str, Agreement]
    labels: Path
    adjudication: Path
    table: Path

    def summary(self) -> pd.DataFrame:
        """Alpha, interval, units and coders per variable."""
        return pd.DataFrame([{"variable": name, "alpha": round(a.alpha, 3), "ci_low": round(a.ci_low, 3),
                              "ci_high": round(a.ci_high, 3), "units": a.n_units, "coders": a.n_coders}
                             for name, a in self.agreements.items()])


def read_codes(config: StudyConfig, paths: list[Path]) -> pd.DataFrame:
    """Codes of coding sheets (CSV, XLSX) and coded REFI-QDA projects (``.qdpx``), one long frame."""
    codebook = study_codebook(config)
    sheets = [path for path in paths if path.suffix.lower() != ".qdpx"]
    frames = [read_coded_sheets(sheets, codebook)] if sheets else []
    projects = [path for path in paths if path.suffix.lower() == ".qdpx"]
    frames += [import_qdpx(path, qdpx_variables(codebook)) for path in projects]
    if not frames:
        raise CodingError("no coded sheet or project given: pass the coders' CSV, XLSX or .qdpx files")
    return pd.concat(frames, ignore_index=True).drop_duplicates(["coder", "unit_id", "variable"], keep="last")


def code_agreement(config: StudyConfig, paths: list[Path], adjudicated: Path | None = None) -> CodingResult:
    """Agreement between coders per variable, the disagreements to settle and the consensus labels.

    Writes ``agreement.csv`` (alpha per variable), ``adjudication.csv`` (every
    disagreement, with an empty ``final`` column to fill) and ``labels.csv``
    (``post_id`` and one column per variable: the adjudicated code, else the
    code all coders agree on), the file ``rarevoices evaluate --labels`` reads.
    """
    codebook = study_codebook(config)
    codes = read_codes(config, paths)
    agreements = {v.name: agreement(codes, v.name, seed=config.seed) for v in codebook.variables}
    folder = config.coding_path
    folder.mkdir(parents=True, exist_ok=True)
    settled = pd.read_csv(adjudicated, dtype=str, keep_default_na=False) if adjudicated else None
    result = CodingResult(agreements, labels=folder / "labels.csv", adjudication=folder / "adjudication.csv",
                          table=folder / "agreement.csv")
    write_csv_atomic(result.labels, consensus_labels(codes, settled))
    write_csv_atomic(result.adjudication, adjudication_sheet(codes, codebook))
    write_csv_atomic(result.table, result.summary())
    return result


def validation_overview(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """The validation state of each measure of a scope, and the coders' agreement where there is one.

    One row per measure (communication mode, knowledge type, health relevance):
    how it was validated (hand-coded posts of this study, the demo's own
    labels, or not at all) and, when ``code-agreement`` has run, Krippendorff's
    alpha of the coders on that variable (the ceiling of any classifier's
    agreement with them: Krippendorff 2018, ch. 12).
    """
    table = config.coding_path / "agreement.csv"
    alphas = pd.read_csv(table).set_index("variable") if table.exists() else pd.DataFrame()
    variables = {"knowledge": "knowledge_type", "health": "health", "mode": "communication_mode"}
    rows = []
    for measure, words in MEASURES.items():
        state = validation_state(config, org_id, measure)
        row = {"measure": words, "validation": state.short()}
        variable = variables[measure]
        if variable in alphas.index:
            found = alphas.loc[variable]
            interval = f"{found['ci_low']:.2f}-{found['ci_high']:.2f}"
            row["coders' agreement"] = (f"alpha {found['alpha']:.2f} ({interval}), "
                                        f"{int(found['units'])} posts, {int(found['coders'])} coders")
        else:
            row["coders' agreement"] = "no coded sample (rarevoices code-sample)"
        rows.append(row)
    return pd.DataFrame(rows)


EXPORT_LIMIT = 2000
"""Posts in a ``code-export`` project at most (a seeded sample beyond): QDA tools slow down on more."""


def export_posts(config: StudyConfig, out: Path, *, knowledge_type: str | None = None,
                 org_id: str | None = None, topic: int | None = None,
                 limit: int = EXPORT_LIMIT) -> tuple[Path, int]:
    """Posts of a class, an organisation or a topic as a REFI-QDA project, with the classifier's codes.

    For qualitative reading in NVivo, ATLAS.ti or MAXQDA, not for blind
    coding: each post carries the classifier's knowledge type and health
    relevance as codings of the user "rarevoices (machine)".  At most
    ``limit`` posts (a sample seeded with the study seed beyond).  Returns the
    project and the number of posts in it.
    """
    _require_opt_in(config, "a REFI-QDA project")
    codebook = study_codebook(config)
    posts = coding_candidates(config)
    chosen = []
    if org_id is not None:
        known = [org.id for org in config.organisations]
        if org_id not in known:
            raise CodingError(f"{config.source}: no organisation {org_id!r}; one of {', '.join(known)}")
        posts, chosen = posts[posts["org_id"] == org_id], [*chosen, f"organisation {org_id}"]
    if knowledge_type is not None:
        if knowledge_type not in codebook.codes("knowledge_type"):
            raise CodingError(f"unknown knowledge type {knowledge_type!r}; one of "
                              f"{', '.join(codebook.codes('knowledge_type'))}")
        posts, chosen = posts[posts["knowledge_type"] == knowledge_type], [*chosen, knowledge_type]
    if topic is not None:
        posts, chosen = _of_topic(config, posts, topic), [*chosen, f"topic {topic}"]
    if posts.empty:
        raise CodingError(f"no original post with text matches {', '.join(chosen) or 'the study'}")
    if len(posts) > limit:
        posts = posts.sample(limit, random_state=config.seed)
    posts = posts.sort_values("post_id")
    machine = posts.melt(id_vars="post_id", value_vars=[v for v in ("knowledge_type", "health")
                                                        if v in posts.columns],
                         var_name="variable", value_name="code").rename(columns={"post_id": "unit_id"})
    units = posts.rename(columns={"post_id": "unit_id"})[["unit_id", "text"]]
    name = f"{config.name}: {', '.join(chosen) or 'all posts'}"
    path = export_qdpx(units, qdpx_variables(codebook), out, project_name=name, machine_codes=machine)
    return path, len(units)


def _of_topic(config: StudyConfig, posts: pd.DataFrame, topic: int) -> pd.DataFrame:
    from helpers.networks import load_post_topics

    topics = load_post_topics(config)
    if topics is None:
        raise CodingError("the study has no topic model yet: run the batch (or 03_topics) first")
    if topic not in set(topics["topic"]):
        raise CodingError(f"no topic {topic} in the study's topic model (topics {topics['topic'].min()} to "
                          f"{topics['topic'].max()})")
    return posts[posts["post_id"].isin(set(topics.loc[topics["topic"] == topic, "post_id"]))]
