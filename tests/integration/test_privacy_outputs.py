"""What leaves the package is safe to open and holds no one's words (issue 25, item by item).

Quarantine reasons without record content; strings from the study file and the
data escaped in every report; CSV exports a spreadsheet cannot run; private
file modes; no IPython history; optional named-entity scrubbing.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from helpers.notice import NotComputed, WithNotes, shown
from tests.builders import organisation, write_study

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COMMENTS = FIXTURES / "reddit" / "pku_comments.ndjson"
PAYLOAD = '<img src=x onerror="document.title=\'XSS\'">'


def _comments(tmp_path: Path, records: list[dict]) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    template = json.loads(COMMENTS.read_text().splitlines()[0])
    lines = [json.dumps({**template, "id": f"c{i}", "body": f"Comment {i} on diet.", **record})
             for i, record in enumerate(records)]
    (raw / "comments.ndjson").write_text("\n".join(lines) + "\n")
    return write_study(tmp_path, [organisation("org-a", [{"path": "comments.ndjson"}])])


def test_quarantine_reasons_carry_no_record_content(tmp_path: Path) -> None:
    config = load_config(_comments(tmp_path, [{}, {"created_utc": "jane_doe77 +44 7700 900123"}]))
    ingest_study(config, progress=False)
    reasons = " ".join(pd.read_parquet(config.processed_path / "quarantine.parquet")["reason"])
    assert "unparseable timestamp" in reasons
    assert "jane" not in reasons and "7700" not in reasons


def test_strings_from_the_study_file_are_escaped_in_the_report_text(tmp_path: Path) -> None:
    from helpers import summaries

    study = _comments(tmp_path, [{}, {"id": "c9", "body": "Another comment on the diet plan."}])
    data = json.loads(json.dumps(load_config(study).model_dump(mode="json", exclude={"source"})))
    data["name"] = "<iframe src='https://example.org'></iframe>"
    data["organisations"][0]["name"] = PAYLOAD
    data["organisations"][0]["disease"] = "[click](javascript:alert(1))"
    study.write_text(json.dumps(data))
    config = load_config(study)
    ingest_study(config, progress=False)
    pages = [summaries.report_header(config, "org-a")._repr_html_(),
             summaries.report_header(config, None)._repr_html_(),
             summaries.paragraphs(summaries.ingestion_summary(config, "org-a"))._repr_html_()]
    for page in pages:
        assert "<img" not in page and "<iframe" not in page and 'href="javascript' not in page
    assert "&lt;img src=x" in pages[0]


def test_tables_and_notes_shown_in_a_report_escape_their_cells() -> None:
    table = pd.DataFrame({"file": ["<script>alert(1)</script>.csv"], "n": [1]})
    assert "<script>" not in shown(table).to_html() and "&lt;script&gt;" in shown(table).to_html()
    note = NotComputed("Network of <b>x</b>", PAYLOAD)
    assert "<img" not in note._repr_html_() and "<img" not in WithNotes(table, [note])._repr_html_()


def test_csv_exports_cannot_run_as_formulas(tmp_path: Path) -> None:
    import networkx as nx

    from helpers.networks import export_graph

    G = nx.Graph()
    G.add_edge("=1+1", "+sum(1)", weight=1)
    G.add_edge("@cmd", "-2+3", weight=2)
    G.nodes["=1+1"]["label"] = "=HYPERLINK(\"http://x\")"
    paths = export_graph(G, tmp_path, "hashtags")
    for kind in ("edges", "nodes"):
        cells = [cell for line in paths[kind].read_text().splitlines()[1:] for cell in line.split(",")]
        assert not any(cell.lstrip('"').startswith(("=", "+", "@")) or cell.startswith("-2")
                       for cell in cells), (kind, cells)


def test_processed_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a notebook kernel's usual umask
    try:
        config = load_config(_comments(tmp_path, [{}, {"id": "c9", "body": "Second comment on bread."}]))
        ingest_study(config, progress=False)
    finally:
        os.umask(old)
    for path in [config.processed_path, *config.processed_path.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_notebook_kernels_keep_no_input_history(tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from jupyter_core.utils import run_sync

    from helpers.batch import chain_kernel

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))

    async def execute_as_papermill_does(kernel) -> None:
        client = kernel.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive("planted = 'a post by jane_doe77'", store_history=True,
                                             timeout=60)
        finally:
            client.stop_channels()

    with chain_kernel(str(tmp_path)) as kernel:
        run_sync(execute_as_papermill_does)(kernel)
    history = tmp_path / "ipython" / "profile_default" / "history.sqlite"
    if history.exists():
        rows = sqlite3.connect(history).execute("select source from history").fetchall()
        assert not rows, rows


def _ner_pipeline(folder: Path) -> Path:
    """A real spaCy pipeline whose named-entity recogniser is a rule set (no trained model ships)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "jenna"}, {"LOWER": "smith"}]},
                        {"label": "PERSON", "pattern": [{"LOWER": "jenna"}]}])
    nlp.to_disk(folder)
    return folder


def test_named_entity_scrubbing_replaces_person_names(tmp_path: Path) -> None:
    study = _comments(tmp_path, [{"body": "Our daughter Jenna Smith was diagnosed in May."},
                                 {"id": "c8", "body": "Jenna loves the new bread recipe, thanks all."}])
    data = json.loads(json.dumps(load_config(study).model_dump(mode="json", exclude={"source"})))
    data["privacy"].update(scrub_person_names="ner", ner_pipeline=str(_ner_pipeline(tmp_path / "pipeline")))
    study.write_text(json.dumps(data))
    config = load_config(study)
    posts = pd.read_parquet(ingest_study(config, progress=False).tables["posts"])
    assert not posts["text"].str.contains("Jenna").any()
    assert posts["text"].str.contains("Our daughter [name] was diagnosed", regex=False).any()
    for cached in (config.processed_path / "_stage").glob("*.posts.parquet"):
        assert not pd.read_parquet(cached)["text"].str.contains("Jenna").any()


def test_named_entity_scrubbing_without_a_pipeline_is_one_clear_message(tmp_path: Path, capsys) -> None:
    from helpers.cli import main

    study = _comments(tmp_path, [{}])
    data = json.loads(json.dumps(load_config(study).model_dump(mode="json", exclude={"source"})))
    data["privacy"].update(scrub_person_names="ner", ner_pipeline="xx_no_such_pipeline")
    study.write_text(json.dumps(data))
    assert main(["ingest", "--config", str(study), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "xx_no_such_pipeline" in err and "spacy download" in err and "Traceback" not in err


@pytest.mark.parametrize("allow", [False, True])
def test_the_report_header_and_ethics_state_the_verbatim_setting(tmp_path: Path, allow: bool) -> None:
    from helpers import summaries

    study = _comments(tmp_path, [{}])
    data = json.loads(json.dumps(load_config(study).model_dump(mode="json", exclude={"source"})))
    data["privacy"]["allow_verbatim"] = allow
    study.write_text(json.dumps(data))
    config = load_config(study)
    header, ethics = str(summaries.report_header(config, "org-a")), str(summaries.ethics_statement(config))
    assert ("quotes posts verbatim" in header) is allow and ("No post is quoted" in header) is not allow
    assert ("allow_verbatim: true" in ethics) is allow
