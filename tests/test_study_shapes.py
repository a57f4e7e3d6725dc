"""Real study shapes, each run end to end: ``rarevoices init`` a folder outside the repository,
write exports in a real format, ``rarevoices batch``, every report page present.

The demo corpus has none of these shapes; a researcher's first study often
has one of them (issue 24).  Each study is small (tens of posts), so the
whole module runs in a few minutes; the browser checks of the reports in
``tests/test_report_pages.py`` reuse these batches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from helpers.batch import CHAIN
from helpers.cli import main
from helpers.config import load_config
from tests.mounts import can_mount_read_only, read_only_run
from tests.shapes import FORMATS, file_name, synthetic_posts, write_export

ROOT = Path(__file__).resolve().parent.parent
RAREVOICES = Path(sys.executable).parent / "rarevoices"


@dataclass
class OrgShape:
    """One organisation of a shape study: what its exports look like."""

    org_id: str
    fmt: str
    posts: int = 50
    seed: int = 7
    accounts: bool = True
    language: str = "en"
    options: dict = field(default_factory=dict)
    short_texts: bool = False  # every post under the topic model's 5 words


@dataclass
class StudyShape:
    """A whole study: its organisations, and what its reports must say."""

    name: str
    orgs: list[OrgShape]


FORMAT_ALONE = [
    StudyShape(f"only-{fmt}", [OrgShape("solo", fmt, accounts=fmt not in ("pushshift", "table"),
                                        language="fi" if fmt == "table" else "en")])
    for fmt in FORMATS
]
"""Each of the ten input formats as the only input of a one-organisation study; the Pushshift and
forum studies are community studies (no accounts of their own), and the forum writes Finnish (a
whole study in a language with no lexicon)."""

DEGENERATE = StudyShape("degenerate-orgs", [
    OrgShape("no-engagement", "twarc2", posts=60, seed=11,
             options={"zero_engagement": ("likes", "shares", "replies"), "reply_share": 0.0,
                      "share_share": 0.0, "mention_share": 0.0}),
    OrgShape("tiny", "mastodon", posts=12, seed=12),
    OrgShape("short-posts", "bluesky", posts=40, seed=13, short_texts=True),
    OrgShape("finnish", "pushshift", posts=40, seed=14, accounts=False, language="fi"),
])
"""Several organisations, no account in two of them: no engagement and no replies at all, fewer than
30 posts, every post filtered out of the topic model, and posts in a language with no lexicon."""

SHAPES = {shape.name: shape for shape in [*FORMAT_ALONE, DEGENERATE]}


def build_study(root: Path, shape: StudyShape) -> Path:
    """Write a study folder for ``shape`` with ``rarevoices init`` and exports in real formats."""
    assert main(["init", str(root), "--name", f"Shape {shape.name}"]) == 0
    study_file = root / "config" / "study.yml"
    data = yaml.safe_load(study_file.read_text())
    data["privacy"]["secret_file"] = str(root.parent / f"{root.name}.key")
    data["organisations"] = [_write_org(root, org) for org in shape.orgs]
    study_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return study_file


def _write_org(root: Path, org: OrgShape) -> dict:
    platform = FORMATS[org.fmt]
    options = {"org_handle": f"{org.org_id.replace('-', '')}Org" if org.accounts else None, **org.options}
    posts = synthetic_posts(org.posts, platform=platform, seed=org.seed, language=org.language, **options)
    if org.short_texts:
        posts = [replace(post, text=" ".join(post.text.split()[:3]), hashtags=[], urls=[], mentions=[])
                 for post in posts]
    relative = Path(org.org_id) / file_name(org.fmt)
    entry = {"path": relative.as_posix(), **write_export(org.fmt, root / "data" / "raw" / relative, posts)}
    accounts = {}
    if org.accounts:
        handles = {post.author_handle for post in posts if post.author_handle.lower().startswith(
            org.org_id.replace("-", "").lower())}
        accounts = {platform if platform != "forum" else "forum": sorted(handles)}
    return {"id": org.org_id, "name": f"Org {org.org_id}", "disease": "Test disease", "country": "GB",
            "language": org.language, "accounts": accounts, "inputs": [entry]}


def run_batch_cli(study_file: Path) -> int:
    """``rarevoices batch`` on a study, as a user runs it (its own process); the exit code."""
    done = subprocess.run([str(RAREVOICES), "batch", "--config", str(study_file), "--workers", "2",
                           "--no-progress"], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    (study_file.parent.parent / "batch.log").write_text(done.stdout + done.stderr)
    return done.returncode


@pytest.fixture(scope="session")
def shape_batches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    """Every shape built and batched once: name -> (study file, exit code).

    Two batches run at a time: much of a tiny batch is one process starting up
    (imports, the embedding model), which leaves the second CPU idle.
    """
    studies = {name: build_study(tmp_path_factory.mktemp("shapes") / name, shape)
               for name, shape in SHAPES.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = dict(zip(studies, pool.map(run_batch_cli, studies.values()), strict=True))
    return {name: (studies[name], codes[name]) for name in studies}


@pytest.fixture(scope="session")
def empty_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A study folder straight from ``rarevoices init``, batched as it is (no exports yet)."""
    root = tmp_path_factory.mktemp("shapes") / "fresh"
    assert main(["init", str(root)]) == 0
    study_file = root / "config" / "study.yml"
    data = yaml.safe_load(study_file.read_text())
    data["privacy"]["secret_file"] = str(root.parent / "fresh.key")
    study_file.write_text(yaml.safe_dump(data, sort_keys=False))
    return study_file, run_batch_cli(study_file)


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
        for page in ("report.html", "report_full.html"):
            assert (reports / org.id / page).is_file(), (org.id, page)
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
    assert figures["crowd-sourced"] == "100%"


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
