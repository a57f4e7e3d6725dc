"""Topic stability (issue 31): topics matched across refits with other seeds, the unstable ones flagged."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from helpers.embeddings import Encoder
from helpers.topics import (
    OUTLIER,
    UNSTABLE_MARK,
    TopicParams,
    TopicResult,
    best_match_jaccard,
    mark_unstable,
    planted_theme_stability,
    refit_seeds,
    refit_topics,
    short_label,
    stability_reading,
    stability_table,
    topic_view,
    vocabulary_presence,
    wrap_label,
)

WORDS = [["physio", "stretching", "wheelchair"], ["diet", "formula", "protein"],
         ["seizure", "rescue", "medication"], ["school", "teacher", "classroom"]]
PER_CLUSTER = 60


class PlantedEncoder(Encoder):
    """Vectors of well-separated planted clusters: the cluster's centre plus a little noise."""

    model_id = "test/planted-16"

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        rng = np.random.default_rng(0)
        return np.vstack([self.vectors.get(t, rng.normal(size=16)) for t in texts]).astype(np.float32)


def planted_corpus() -> tuple[pd.DataFrame, np.ndarray, PlantedEncoder]:
    rng = np.random.default_rng(7)
    centres = np.eye(16)[: len(WORDS)] * 3.0
    rows, vectors, truth = [], {}, []
    for k, words in enumerate(WORDS):
        for i in range(PER_CLUSTER):
            text = f"{' '.join(words)} story {k} number {i} shared today"
            rows.append({"post_id": f"x:{k:02d}{i:03d}", "org_id": "a", "platform": "x",
                         "author_id": f"P-{k}-{i}", "author_role": "public",
                         "created_at": pd.Timestamp("2024-01-01", tz="UTC"), "lang": "en", "doc": text})
            vectors[text] = centres[k] + rng.normal(scale=0.05, size=16)
            truth.append(k)
    return pd.DataFrame(rows), np.array(truth), PlantedEncoder(vectors)


def test_best_match_jaccard_takes_the_best_topic_of_the_other_fit_and_ignores_outliers() -> None:
    reference = np.array([0, 0, 0, 0, 1, 1, OUTLIER])
    other = np.array([3, 3, 3, OUTLIER, 4, 3, 4])
    assert best_match_jaccard(reference, other) == {0: 0.6, 1: pytest.approx(1 / 3)}
    assert best_match_jaccard(reference, np.full(7, OUTLIER)) == {0: 0.0, 1: 0.0}


def test_the_table_flags_a_topic_that_reappears_in_fewer_than_half_the_refits() -> None:
    reference = np.array([0] * 6 + [1] * 6)
    same = reference.copy()
    split = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])  # topic 1 split in two halves: Jaccard 0.5
    torn = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3])
    table = stability_table(reference, {1: same, 2: split, 3: torn, 4: torn}, {0: "0: a", 1: "1: b"})
    rows = table.set_index("topic")
    assert rows.loc[0, "reappears"] == 0.5 and bool(rows.loc[0, "stable"])  # half the refits: stable
    assert rows.loc[1, "jaccard"][:2] == [1.0, 0.5]
    assert table.attrs["refits"] == 4 and table.attrs["ari"][1] == 1.0
    reading = stability_reading(table)
    assert reading.startswith("2 of 2 topics reappear in at least half of 4 refits")
    assert f"mean ARI {table.attrs['mean_ari']:.2f}" in reading
    assert refit_seeds(42, 5) == [43, 44, 45, 46] and refit_seeds(42, 1) == refit_seeds(42, 0) == []


def planted_fit() -> tuple[pd.DataFrame, np.ndarray, Callable[..., np.ndarray]]:
    """The planted corpus, its true clusters, and ``fit(seed, sample=0)``: a refit of it."""
    documents, truth, encoder = planted_corpus()
    texts = documents["doc"].tolist()
    params = TopicParams(min_topic_size=20, min_term_authors=2)
    vocabulary = vocabulary_presence(texts, documents["author_id"].tolist(), ["en"], params)[1]
    embeddings = encoder.encode(texts)
    groups = np.array(["all"] * len(documents), dtype=object)

    def fit(seed: int, sample: int = 0) -> np.ndarray:
        return refit_topics(texts, embeddings, documents, encoder, seed=seed, params=params, languages=["en"],
                            groups=groups, vocabulary=vocabulary, sample=sample)

    return documents, truth, fit


def test_planted_topics_are_stable_and_a_topic_of_random_posts_is_not() -> None:
    documents, truth, fit = planted_fit()
    reference = fit(0)
    assert len(set(reference) - {OUTLIER}) == len(WORDS)
    assert adjusted_rand_score(truth, reference) > 0.9  # the planted clusters are found
    noise = np.random.default_rng(3).choice(len(documents), 40, replace=False)  # posts of every cluster
    reference[noise] = reference.max() + 1
    table = stability_table(reference, {seed: fit(seed) for seed in (1, 2, 3, 4)})
    rows = table.set_index("topic")
    planted = [t for t in rows.index if t != reference[noise[0]]]
    assert rows.loc[planted, "stable"].all() and (rows.loc[planted, "mean_jaccard"] > 0.7).all()
    assert not rows.loc[reference[noise[0]], "stable"]
    assert rows.loc[reference[noise[0]], "reappears"] == 0.0
    assert table.attrs["mean_ari"] > 0.6
    assert stability_reading(table).startswith(f"{len(WORDS)} of {len(WORDS) + 1} topics")


def test_refits_side_by_side_give_the_assignments_of_refits_one_after_another(monkeypatch) -> None:
    import helpers.topics.refits as refits

    documents, _, encoder = planted_corpus()
    texts = documents["doc"].tolist()
    params = TopicParams(min_topic_size=20, min_term_authors=2)
    vocabulary = vocabulary_presence(texts, documents["author_id"].tolist(), ["en"], params)[1]
    noise = np.random.default_rng(0).normal(scale=1.5, size=(len(texts), 16))  # blurred: seeds matter
    embeddings = (encoder.encode(texts) + noise).astype(np.float32)
    groups = np.array(["all"] * len(documents), dtype=object)
    threads: set[str] = set()

    def refit(seed: int) -> np.ndarray:
        threads.add(__import__("threading").current_thread().name)
        return refit_topics(texts, embeddings, documents, encoder, seed=seed, params=params, languages=["en"],
                            groups=groups, vocabulary=vocabulary)

    monkeypatch.setattr(refits, "usable_cpus", lambda: 1)
    alone = refits.run_refits(refit, [5, 6, 7])
    assert threads == {"MainThread"}
    monkeypatch.setattr(refits, "usable_cpus", lambda: 2)
    threads.clear()
    beside = refits.run_refits(refit, [5, 6, 7])
    assert len(threads) == 2 and "MainThread" not in threads
    assert [seed for seed, _ in beside] == [5, 6, 7]
    for (_, (one, _)), (_, (other, seconds)) in zip(alone, beside, strict=True):
        assert np.array_equal(one, other) and seconds > 0
    assert not np.array_equal(alone[0][1][0], alone[1][1][0])  # the seeds do change the fit


def test_refits_on_a_sample_are_compared_on_the_posts_they_were_fitted_on() -> None:
    """At 200,000 posts four refits on every post took 564 s of a cold batch; a large study's refits are
    fitted on samples (Greene et al. 2014 refit on subsets), each compared on its own sample's posts."""
    from helpers.topics import NOT_FITTED

    documents, truth, fit = planted_fit()
    texts = documents["doc"].tolist()
    reference = fit(0)
    refits = {seed: fit(seed, sample=120) for seed in (1, 2, 3, 4)}
    for topics in refits.values():
        fitted = topics != NOT_FITTED
        assert fitted.sum() == 120 and (topics[fitted] != NOT_FITTED).all()
        assert adjusted_rand_score(truth[fitted], topics[fitted]) > 0.9  # the sample finds the planted topics
    assert len({tuple(np.flatnonzero(t != NOT_FITTED)) for t in refits.values()}) == 4  # a sample per refit
    assert np.array_equal(fit(0, sample=len(texts)), reference)  # no smaller than the posts: every post
    noise = np.random.default_rng(3).choice(len(documents), 40, replace=False)
    reference[noise] = reference.max() + 1
    table = stability_table(reference, refits)
    rows = table.set_index("topic")
    planted = [t for t in rows.index if t != reference[noise[0]]]
    assert rows.loc[planted, "stable"].all() and (rows.loc[planted, "mean_jaccard"] > 0.7).all()
    assert not rows.loc[reference[noise[0]], "stable"]
    assert rows["posts"].sum() == len(texts)  # the study's posts, not the samples'
    seed = 1
    shared = refits[seed] != NOT_FITTED
    expected = adjusted_rand_score(reference[shared], refits[seed][shared])
    assert table.attrs["ari"][seed] == pytest.approx(expected)
    table.attrs.update({"refit_sample": 120, "posts": len(texts)})
    assert "each fitted on another sample of 120 of the 240 posts" in stability_reading(table)


def test_a_study_refits_on_a_sample_only_above_the_setting(tmp_path) -> None:
    from helpers.config import AnalysisSettings
    from helpers.topics.refits import refit_sample

    class Study:
        analysis = AnalysisSettings(topic_stability_sample=50_000)

    params = TopicParams()  # fit_sample 200,000
    assert refit_sample(Study(), params, 172_269) == 50_000
    assert refit_sample(Study(), params, 50_000) == refit_sample(Study(), params, 3_000) == 0
    Study.analysis = AnalysisSettings(topic_stability_sample=0)
    assert refit_sample(Study(), params, 172_269) == 0
    Study.analysis = AnalysisSettings(topic_stability_sample=300_000)  # above the study fit's own sample
    assert refit_sample(Study(), params, 900_000) == 0
    with pytest.raises(ValueError, match="at least 5,000"):
        AnalysisSettings(topic_stability_sample=100)


def test_topics_carrying_a_known_theme_of_one_organisation_are_told_apart_from_mixed_ones() -> None:
    documents = pd.DataFrame({"post_id": [f"p{i}" for i in range(12)],
                              "org_id": ["a"] * 6 + ["b"] * 6,
                              "topic": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, OUTLIER]})
    truth = pd.DataFrame({"post_id": [f"p{i}" for i in range(12)],
                          "theme": ["diet"] * 4 + ["school"] * 2 + ["diet"] * 2 + ["school"] * 2
                          + ["", "diet"]})
    stability = pd.DataFrame({"topic": [0, 1, 2], "label": ["0: a", "1: b", "2: c"], "posts": [5, 5, 1],
                              "reappears": [1.0, 0.25, 0.0], "stable": [True, False, False]})
    table = planted_theme_stability(documents, truth, stability).set_index("topic")
    assert table.loc[0, "theme"] == "a/diet" and table.loc[0, "theme_share"] == pytest.approx(0.8)
    assert table.loc[0, "carries_theme"] and bool(table.loc[0, "stable"])
    # topic 1: 2 diet and 2 school posts of b (the one of a counts for a/diet): no theme reaches 60%
    assert table.loc[1, "theme_share"] == pytest.approx(0.4) and not table.loc[1, "carries_theme"]
    assert table.loc[2, "theme"] == "" and not table.loc[2, "carries_theme"]  # its one post has no theme
    assert planted_theme_stability(documents, truth, stability, share=0.4).set_index("topic").loc[
        1, "carries_theme"]


def test_unstable_topics_are_marked_in_views_and_figure_labels() -> None:
    documents, _, _ = planted_corpus()
    documents = documents.assign(topic=np.repeat([0, 1, 2, 3], PER_CLUSTER), similarity=1.0)
    topics = pd.DataFrame({"topic": [0, 1, 2, 3], "label": [f"{t}: {' · '.join(w[:2])}"
                                                             for t, w in enumerate(WORDS)],
                           "words": [list(w) for w in WORDS]})
    result = TopicResult("ok", [], documents, topics, pd.DataFrame(), pd.DataFrame(), {"min_posts": 50})
    assert "stable" not in topic_view(result).topics.columns  # before stability is computed
    result.stability = pd.DataFrame({"topic": [0, 1, 2, 3], "stable": [True, False, True, True]})
    view = topic_view(result)
    flags = view.topics.set_index("topic")
    assert flags["stable"].tolist() == [True, False, True, True]
    assert flags.loc[1, "label"].endswith(UNSTABLE_MARK) and not flags.loc[0, "label"].endswith(UNSTABLE_MARK)
    assert result.labels()[1].endswith(UNSTABLE_MARK)
    assert any("unstable" in note for note in view.notes)
    long = mark_unstable("7: " + " · ".join(["extraordinarily long label words"] * 4), False)
    assert short_label(long, 30).endswith(UNSTABLE_MARK) and len(short_label(long, 30)) <= 30
    assert wrap_label(long, 20).endswith(UNSTABLE_MARK)


def test_the_overview_says_in_how_many_refits_each_topic_reappears() -> None:
    from helpers.notice import NotComputed
    from helpers.topics import stability_overview

    table = pd.DataFrame({"topic": [0, 1], "label": ["0: a", "1: b"], "posts": [50, 30],
                          "mean_jaccard": [0.91234, 0.3], "reappears": [1.0, 0.25], "stable": [True, False],
                          "jaccard": [[0.9, 0.9, 0.95, 0.9], [0.3, 0.2, 0.6, 0.1]]})
    table.attrs["refits"] = 4
    shown = stability_overview(table)
    assert shown["reappears in"].tolist() == ["4 of 4 refits", "1 of 4 refits"]
    assert shown["stable"].tolist() == ["yes", "no †"]
    assert shown["mean best-match Jaccard"].tolist() == [0.91, 0.3]
    note = NotComputed("Topic stability", "turned off")
    assert stability_overview(note) is note


def test_refits_on_every_post_keep_the_keys_they_had_before_samples_were_possible() -> None:
    """A study's saved refits stay valid: only a refit on a sample gets a new key."""
    import hashlib
    import json

    from helpers.topics.stability import refit_key, stability_key

    assert refit_key("abc", 43) == hashlib.sha256(b"abc:refit:43").hexdigest()
    before = {"fingerprint": "abc", "seeds": [43, 44], "format": 1, "reappears_at": 0.5, "stable_share": 0.5}
    assert stability_key("abc", [43, 44]) == hashlib.sha256(json.dumps(before).encode()).hexdigest()
    assert refit_key("abc", 43, 50_000) != refit_key("abc", 43)
    assert stability_key("abc", [43, 44], 50_000) != stability_key("abc", [43, 44])
