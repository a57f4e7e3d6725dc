"""Health relevance on real posts we did not write (tests/fixtures/real_posts/README.md): first-person
everyday tweets are not patient stories, patients' accounts of a drug are (issue 28)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from helpers.classify.health import HEALTH_TYPES, load_health_seed, training_posts
from helpers.classify.knowledge import train_knowledge_classifier
from helpers.classify.seed import load_seed
from helpers.embeddings import SentenceTransformerEncoder, embedding_text

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_posts" / "health_relevance.csv"


@pytest.fixture(scope="module")
def scored() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The evaluation half of the real posts, classified with and without the health model."""
    encoder = SentenceTransformerEncoder(MODEL)
    seed = training_posts(load_seed(), load_health_seed())
    classifier = train_knowledge_classifier(seed, encoder.encode([embedding_text(t) for t in seed["text"]]),
                                            model_id=MODEL, cross_validate=False)
    real = pd.read_csv(REAL)
    real = real[real["half"] == "eval"].reset_index(drop=True)
    vectors = encoder.encode([embedding_text(t) for t in real["text"]])
    with_health = classifier.predict(real["text"].tolist(), ["en"] * len(real), vectors)
    without = dataclasses.replace(classifier, health_model=None).predict(
        real["text"].tolist(), ["en"] * len(real), vectors)
    return with_health.assign(source=real["source"]), without.assign(source=real["source"])


def _share(frame: pd.DataFrame, source: str, column: str = "knowledge_type") -> float:
    rows = frame[frame["source"] == source]
    values = rows[column].isin(HEALTH_TYPES) if column == "knowledge_type" else rows[column]
    return float(values.mean())


def test_everyday_first_person_tweets_are_not_patient_stories(scored) -> None:
    with_health, without = scored
    assert _share(without, "vader_tweets") >= 0.15, "the failure the health dimension fixes"
    assert _share(with_health, "vader_tweets") <= 0.10
    assert _share(with_health, "vader_tweets", "health") <= 0.15


def test_patients_accounts_of_a_drug_keep_their_knowledge_type(scored) -> None:
    with_health, without = scored
    assert _share(with_health, "drugs_com_reviews", "health") >= 0.9
    assert _share(with_health, "drugs_com_reviews") >= 0.85
    assert _share(with_health, "drugs_com_reviews") >= _share(without, "drugs_com_reviews") - 0.10


def test_the_health_seed_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "health.csv"
    path.write_text("lang,health,text\nen,2,hello\n")
    with pytest.raises(ValueError, match=r"0 \(not about health\) or 1"):
        load_health_seed(path)
    path.write_text("lang,text\nen,hello\n")
    with pytest.raises(ValueError, match="lacks columns"):
        load_health_seed(path)
    rows = "".join(f"en,{i % 2},post {i}\n" for i in range(6))
    path.write_text("lang,health,text\n" + rows)
    with pytest.raises(ValueError, match="fewer than 5"):
        load_health_seed(path)


def test_hand_coded_health_is_evaluated_like_the_other_tasks() -> None:
    from helpers.classify.evaluation import evaluate

    predictions = pd.DataFrame({"post_id": ["a", "b", "c", "d"], "mode": "one_way",
                                "knowledge_type": ["experiential", "other", "practical", "medical"],
                                "narrative_person": "none", "health": [True, False, True, True]})
    gold = pd.DataFrame({"post_id": ["a", "b", "c", "d"], "health": ["yes", "0", "No", "1"]})
    tables = evaluate(predictions, gold)
    table = tables["health"].set_index("class")
    assert table.loc["yes", "recall"] == 1.0 and table.loc["yes", "precision"] == 2 / 3
    assert table.loc["no", "recall"] == 0.5
    assert tables["health_confusion"].loc["no", "yes"] == 1
