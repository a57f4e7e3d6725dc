"""The coding workflow from the command line on a tiny study: codebook, blind sheets, agreement,
consensus labels, and the classifier scored against them (issue 28)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.classify import evaluate_classifiers
from helpers.cli import main
from helpers.coding.workflow import SHEETS, coding_candidates
from helpers.config import load_config
from tests.builders import classified_tiny_demo


@pytest.fixture(scope="module")
def study(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny demo, ingested and classified (hashing encoder); coding sheets allowed."""
    root = tmp_path_factory.mktemp("coding-study")
    return classified_tiny_demo(tiny_demo, root, organisations=2, coding_sheets=True).source


def test_without_the_opt_in_no_post_text_leaves_for_coders(study: Path, capsys) -> None:
    data = yaml.safe_load(study.read_text())
    data["privacy"]["coding_sheets"] = False
    closed = study.with_name("closed.yml")
    closed.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["code-sample", "--config", str(closed), "--coders", "ana,ben", "--size", "20",
                 "--overlap", "10"]) == 2
    assert "privacy.coding_sheets" in capsys.readouterr().err
    assert not (load_config(closed).coding_path / SHEETS).exists()


def test_sheets_agreement_and_labels_from_the_command_line(study: Path, capsys) -> None:
    config = load_config(study)
    assert main(["codebook", "--config", str(study)]) == 0
    assert "experiential" in (config.coding_path / "codebook.html").read_text()
    assert main(["code-sample", "--config", str(study), "--coders", "ana,ben", "--size", "40",
                 "--overlap", "20"]) == 0
    sheets = config.coding_path / SHEETS
    ana, ben = pd.read_csv(sheets / "ana.csv", dtype=str), pd.read_csv(sheets / "ben.csv", dtype=str)
    assert len(ana) == len(ben) == 30 and len(set(ana["unit_id"]) & set(ben["unit_id"])) == 20
    assert not {"knowledge_type_machine", "health_score"} & set(ana.columns), "blind"
    assert (config.coding_path / "sample.qdpx").stat().st_size > 0
    assert (config.coding_path / "codebook.qdc").stat().st_size > 0
    texts = coding_candidates(config).set_index("post_id")["text"]
    assert set(ana["text"].str.lstrip("'")) <= set(texts), "the scrubbed texts of the posts table, no other"

    machine = coding_candidates(config).set_index("post_id")
    shared_ids = sorted(set(ana["unit_id"]) & set(ben["unit_id"]))
    machine.loc[shared_ids[:3], "health"] = "no"  # both coders: varied, and in full agreement
    machine.loc[shared_ids[3:6], "health"] = "yes"
    for name, sheet in (("ana", ana), ("ben", ben)):
        sheet["knowledge_type"] = machine.loc[sheet["unit_id"], "knowledge_type"].to_numpy()
        sheet["health"] = machine.loc[sheet["unit_id"], "health"].to_numpy()
        if name == "ben":  # ben disagrees on five shared posts
            shared = sheet["unit_id"].isin(ana["unit_id"])
            flip = sheet.index[shared][:5]
            sheet.loc[flip, "knowledge_type"] = ["other" if kind != "other" else "practical"
                                                 for kind in sheet.loc[flip, "knowledge_type"]]
        sheet.to_csv(sheets / f"{name}.csv", index=False)
    assert main(["code-agreement", str(sheets / "ana.csv"), str(sheets / "ben.csv"),
                 "--config", str(study)]) == 0
    said = capsys.readouterr().out
    assert "Krippendorff's alpha" in said
    table = pd.read_csv(config.coding_path / "agreement.csv").set_index("variable")
    assert table.loc["health", "alpha"] == 1.0 and 0 < table.loc["knowledge_type", "alpha"] < 1
    adjudication = pd.read_csv(config.coding_path / "adjudication.csv")
    assert len(adjudication) == 5

    labels = config.coding_path / "labels.csv"
    evaluation = evaluate_classifiers(config, labels=labels, classify=False)
    assert evaluation["coverage"].loc[0, "matched"] == 40
    knowledge = evaluation["knowledge"].set_index("class").loc["accuracy"]
    assert knowledge["f1"] == 1.0 and knowledge["support"] == 35, "the 5 unsettled posts have no label"
    health = evaluation["health"].set_index("class").loc["accuracy"]
    assert health["support"] == 40 and health["f1"] >= 34 / 40, "the six posts set by hand may differ"


def test_posts_of_a_class_go_to_a_qda_project_with_the_classifier_codes(study: Path, tmp_path: Path,
                                                                        capsys) -> None:
    from helpers.coding.qdpx import import_qdpx
    from helpers.coding.workflow import qdpx_variables, study_codebook

    config = load_config(study)
    out = tmp_path / "stories.qdpx"
    assert main(["code-export", str(out), "--config", str(study), "--knowledge-type", "experiential"]) == 0
    codes = import_qdpx(out, qdpx_variables(study_codebook(config)), include_machine=True)
    machine = coding_candidates(config)
    stories = set(machine.loc[machine["knowledge_type"] == "experiential", "post_id"])
    kinds = codes[codes["variable"] == "knowledge_type"]
    assert set(kinds["unit_id"]) == stories and set(kinds["code"]) == {"experiential"}
    assert main(["code-export", str(out), "--config", str(study), "--org", "nobody"]) == 2
    assert "no organisation 'nobody'" in capsys.readouterr().err
