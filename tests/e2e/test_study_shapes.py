"""Real study shapes, each run end to end: ``rarevoices init`` a folder outside the repository,
write exports in a real format, ``rarevoices batch``, every report page present.

The demo corpus has none of these shapes; a researcher's first study often
has one of them (issue 24).  Each study is small (tens of posts), so the
whole module runs in a few minutes; the browser checks of the reports in
``tests/e2e/test_report_pages.py`` reuse these batches.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.batch import CHAIN
from helpers.config import load_config
from tests.mounts import can_mount_read_only, read_only_run
from tests.studies import SHAPES

ROOT = Path(__file__).resolve().parents[2]
RAREVOICES = Path(sys.executable).parent / "rarevoices"


def _pages(config) -> list[Path]:
    return sorted(config.reports_path.rglob("*.html"))


def _assert_every_page(config) -> None:
    reports = config.reports_path
    assert (reports / "index.html").is_file()
    for org in config.organisations:
        record = json.loads((reports / org.id / "run.json").read_text())
        assert record["status"] == "ok", (org.id, record["failed_notebook"], record["error"])
        for name in CHAIN:
            assert (reports / org.id / name.replace(".ipynb", ".html")).is_file(), (org.id, name)
        assert (reports / org.id / "report.html").is_file(), org.id
    compare = json.loads((reports / "compare" / "run.json").read_text())
    assert compare["status"] == "ok", (compare["failed_notebook"], compare["error"])
    assert (reports / "compare" / "report.html").is_file()


def _notebook_text(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(str(data.get("text/markdown", "")) + str(data.get("text/plain", ""))
                         + str(data.get("text/html", "")) + str(output.get("text", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("name", list(SHAPES))
def test_the_study_shape_runs_end_to_end(shape_batches, name: str) -> None:
    study_file, exit_code = shape_batches[name]
    config = load_config(study_file)
    assert exit_code == 0, (study_file.parent.parent / "batch.log").read_text()[-3000:]
    _assert_every_page(config)
    assert not (study_file.parent.parent / "notebooks").exists(), "the package's notebooks ran"
    for org in config.organisations:
        for notebook in (config.reports_path / org.id).glob("*.ipynb"):
            assert "Traceback" not in _notebook_text(notebook), (org.id, notebook.name)


def test_a_fresh_study_folder_runs_as_is_and_says_there_is_no_data(empty_study) -> None:
    study_file, exit_code = empty_study
    config = load_config(study_file)
    assert exit_code == 0
    _assert_every_page(config)
    summary = _notebook_text(config.reports_path / "my-organisation" / "05_org_report.ipynb")
    assert "No posts" in summary and "inputs" in summary


def test_a_community_study_says_what_it_could_not_compute(shape_batches) -> None:
    study_file, _ = shape_batches["only-pushshift"]
    config = load_config(study_file)
    report = _notebook_text(config.reports_path / "solo" / "05_org_report.ipynb")
    assert "no accounts of its own" in report
    assert "one-way and two-way communication with the organisation are not defined" in report
    classify = _notebook_text(config.reports_path / "solo" / "02_classify.ipynb")
    assert "Reciprocity between organisation and public: n/a" in classify
    assert "Response time: n/a" in classify
    figures = json.loads((config.reports_path / "solo" / "key_figures.json").read_text())["figures"]
    assert figures["two-way"] == "n/a" and figures["one-way"] == "n/a"
    assert figures["crowd-sourced"].startswith("100% (") and figures["crowd-sourced"].endswith("–100)")


def test_a_page_export_says_it_has_no_network(shape_batches) -> None:
    study_file, _ = shape_batches["only-crowdtangle"]
    config = load_config(study_file)
    networks = _notebook_text(config.reports_path / "solo" / "04_networks.ipynb")
    assert "Interaction network: n/a" in networks and "carry no replies" in networks
    assert "Accounts bridging organisations: n/a. The study has one organisation" in networks
    figures = json.loads((config.reports_path / "solo" / "key_figures.json").read_text())["figures"]
    assert figures["network"] == "n/a"
    compare = _notebook_text(config.reports_path / "compare" / "10_compare_orgs.ipynb")
    assert "the study has one organisation" in compare.lower()


def test_degenerate_organisations_say_what_they_could_not_compute(shape_batches) -> None:
    study_file, _ = shape_batches["degenerate-orgs"]
    config = load_config(study_file)
    reports = config.reports_path
    figures = {org.id: json.loads((reports / org.id / "key_figures.json").read_text())["figures"]
               for org in config.organisations}
    assert figures["tiny"]["top topics"] == "n/a"
    assert figures["short-posts"]["top topics"] == "n/a"
    short = _notebook_text(reports / "short-posts" / "03_topics.ipynb")
    assert "no post eligible for topic modelling" in short
    classify = _notebook_text(reports / "no-engagement" / "02_classify.ipynb")
    assert "Engagement by likes: n/a" in classify and "0 likes" in classify
    assert "Engagement model of shares: n/a" in classify
    finnish = _notebook_text(reports / "finnish" / "02_classify.ipynb")
    assert "Knowledge types: n/a" in finnish and "(fi)" in finnish and "neither the lexicon" in finnish
    bridging = _notebook_text(reports / "tiny" / "04_networks.ipynb")
    assert "No account is active in the communities of two or more organisations" in bridging
    assert figures["finnish"]["experiential"] == "n/a"
    topics = _notebook_text(reports / "finnish" / "03_topics.ipynb")
    assert "no stop-word list for 'fi'" in topics
    posts = pd.read_parquet(config.processed_path / "posts.parquet")
    assert set(posts["org_id"]) == {org.id for org in config.organisations}


def test_a_rerun_with_nothing_changed_writes_nothing_and_runs_on_a_read_only_folder(
    shape_batches, tmp_path: Path
) -> None:
    if not can_mount_read_only(tmp_path):
        pytest.skip("this machine cannot make a private read-only mount (unshare)")
    study_file, _ = shape_batches["only-twarc2"]
    config = load_config(study_file)
    before = {path: path.stat().st_mtime_ns for path in config.processed_path.rglob("*")}
    rerun = read_only_run(config.processed_path, "batch", "--config", str(study_file), "--no-progress")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "skipped" in rerun.stdout
    assert {path: path.stat().st_mtime_ns for path in config.processed_path.rglob("*")} == before
