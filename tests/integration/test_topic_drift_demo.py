"""The demo's planted drifting topic is recovered by the topic words per period (helpers.topics.dynamic)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from helpers.config import load_config
from helpers.topics import study_topics, topic_words_over_time, word_changes
from tests.conftest import DEMO_STUDY
from tests.fakes import HashingEncoder

DRIFT_POSTS = 8000  # about 2,000 a community: the PKU community's treatment lines form topics of their own


@pytest.fixture(scope="module")
def drift_study(tmp_path_factory: pytest.TempPathFactory):
    """A generated demo of the PKU community alone, ingested, its topics fitted with the hashing encoder."""
    from helpers.demo import generate_demo
    from helpers.ingest.pipeline import ingest_study

    root = tmp_path_factory.mktemp("topic-drift")
    data = yaml.safe_load(DEMO_STUDY.read_text())
    generate_demo(root / "data" / "raw" / "demo", seed=data["seed"], n_posts=DRIFT_POSTS)
    truth = json.loads((root / "data" / "raw" / "demo" / "_truth" / "topic_drift.json").read_text())
    data["organisations"] = [org for org in data["organisations"] if org["id"] == truth["org_id"]]
    data["privacy"]["secret_file"] = str(root / "secret" / "demo.key")
    for other in (root / "data" / "raw" / "demo").iterdir():
        if other.is_dir() and other.name not in ("_truth", truth["org_id"]):
            shutil.rmtree(other)
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    config = load_config(path)
    ingest_study(config, progress=False)
    return truth, study_topics(config, encoder=HashingEncoder(), progress=False)


def test_the_planted_topics_early_words_hold_the_old_drug_and_its_late_words_the_new(drift_study) -> None:
    truth, result = drift_study
    old, new = truth["old"][0].lower(), truth["new"][0].lower()
    docs = result.documents
    mentions = docs["doc"].str.lower().str.contains(f"{old}|{new}") & (docs["topic"] >= 0)
    planted = int(docs.loc[mentions, "topic"].value_counts().index[0])
    table = topic_words_over_time(result, "year", n_topics=len(result.topics))
    assert isinstance(table, __import__("pandas").DataFrame)
    words = table[table["topic"] == planted].set_index("period")["words"]
    early, late = " ".join(words["2024"]), " ".join(words["2025"])
    assert old in early and new not in early
    assert new in late and old not in late
    changes = word_changes(table, n_words=10).set_index(["topic", "period"])
    assert new in changes.at[(planted, "2025"), "gained"] and old in changes.at[(planted, "2025"), "lost"]
