"""Tests of communication modes, knowledge types, engagement models and their validation.

Hand-written edge cases drive the mode tests (an organisation replying to
itself, a share of a share, a deleted parent, threads on two platforms);
the study-level tests classify the tiny demo corpus with a small hashing
encoder (fast and deterministic) and compare with its ground truth.  The
real embedding model runs only in the ``slow`` test.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from helpers.classify import (
    KNOWLEDGE_TYPES,
    MODES,
    POST_CLASSES,
    classification_table,
    classify_modes,
    classify_study,
    confusion_table,
    engagement_data,
    engagement_means,
    engagement_model,
    evaluate,
    evaluate_classifiers,
    format_evaluation,
    knowledge_classifier,
    load_classified_posts,
    load_post_classes,
    load_seed,
    load_thread_modes,
    mode_shares,
    mode_threads,
    org_reciprocity,
    report,
    response_time_summary,
    response_times,
    text_signals,
    train_knowledge_classifier,
    validation_sample,
)
from helpers.classify import knowledge as knowledge_module
from helpers.classify import study as study_module
from helpers.classify.knowledge import compile_entries, embedding_weights, narrative_person
from helpers.classify.modes import thread_rule
from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from tests.builders import copy_tiny_demo
from tests.fakes import HashingEncoder

T0 = pd.Timestamp("2024-02-29 09:00", tz="UTC")
ORG = "twitter:Org"


# --------------------------------------------------------------------------- helpers


def post(
    post_id: str,
    author: str,
    minutes: float = 0,
    *,
    platform: str = "twitter",
    parent: str | None = None,
    thread: str | None = None,
    shared: str | None = None,
    quoted: str | None = None,
    org_id: str = "o",
    role: str | None = None,
    text: str = "",
) -> dict:
    return {
        "post_id": post_id,
        "platform": platform,
        "org_id": org_id,
        "author_id": author,
        "author_role": role or ("org" if author.startswith(f"{platform}:") else "public"),
        "created_at": T0 + pd.Timedelta(minutes=minutes),
        "text": text,
        "lang": "en",
        "parent_id": parent,
        "thread_id": thread or post_id,
        "quoted_id": quoted,
        "shared_id": shared,
        "urls": [],
    }


def edge(
    source: str, target: str, kind: str, post_id: str, platform: str = "twitter", org_id: str = "o"
) -> dict:
    return {
        "source_author": source,
        "target_author": target,
        "kind": kind,
        "post_id": post_id,
        "created_at": T0,
        "org_id": org_id,
        "platform": platform,
    }


def frames(posts: list[dict], edges: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = ["source_author", "target_author", "kind", "post_id", "created_at", "org_id", "platform"]
    return pd.DataFrame(posts), pd.DataFrame(edges, columns=columns)


def thread_of(threads: pd.DataFrame, thread_id: str, platform: str = "twitter") -> pd.Series:
    rows = threads[(threads["thread_id"] == thread_id) & (threads["platform"] == platform)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --------------------------------------------------------------------------- modes: edge cases


def test_an_organisation_replying_to_itself_stays_one_way() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG),
            post("x:2", ORG, 5, parent="x:1", thread="x:1"),
            post("x:3", ORG, 9, parent="x:2", thread="x:1"),
        ],
        # ingestion drops self-interactions; keep one here to check it is ignored anyway
        [edge(ORG, ORG, "reply", "x:2")],
    )
    post_modes, threads = classify_modes(posts, edges)
    row = thread_of(threads, "x:1")
    assert (row["mode"], row["rule"]) == ("one_way", "broadcast")
    assert row["org_to_public"] == row["public_to_org"] == row["org_to_org"] == 0
    assert set(post_modes["mode"]) == {"one_way"}
    assert org_reciprocity(posts, edges)["dyads"].tolist() == [0]


def test_dialogue_between_organisation_and_public_is_two_way() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG),
            post("x:2", "P-a", 60, parent="x:1", thread="x:1"),
            post("x:3", ORG, 90, parent="x:2", thread="x:1"),
        ],
        [edge("P-a", ORG, "reply", "x:2"), edge(ORG, "P-a", "reply", "x:3")],
    )
    post_modes, threads = classify_modes(posts, edges)
    row = thread_of(threads, "x:1")
    assert (row["mode"], row["rule"]) == ("two_way", "org-public exchange")
    assert post_modes.set_index("post_id")["mode_act"].to_dict() == {
        "x:1": "one_way",
        "x:2": "two_way",
        "x:3": "two_way",
    }
    assert row[["mode_one_way", "mode_two_way", "mode_crowd_sourced"]].tolist() == pytest.approx(
        [1 / 3, 2 / 3, 0]
    )


def test_a_share_of_a_share_joins_the_original_thread_and_counts_as_amplification() -> None:
    posts, edges = frames(
        [
            post("x:1", "P-a", text="My story"),
            post("x:2", "P-b", 10, shared="x:1"),
            post("x:3", ORG, 20, shared="x:2"),
        ],
        [edge("P-b", "P-a", "share", "x:2"), edge(ORG, "P-b", "share", "x:3")],
    )
    assert mode_threads(posts).tolist() == ["x:1", "x:1", "x:1"]
    post_modes, threads = classify_modes(posts, edges)
    assert len(threads) == 1
    row = thread_of(threads, "x:1")
    assert (row["mode"], row["rule"]) == ("crowd_sourced", "amplification")
    assert row["n_shares"] == 2 and row["org_amplifies"] == 1 and row["public_shares_public"] == 1
    assert set(post_modes["thread_id"]) == {"x:1"}


def test_a_share_chain_with_a_cycle_or_a_missing_original_stops() -> None:
    posts = pd.DataFrame(
        [
            post("x:1", "P-a", shared="x:2"),
            post("x:2", "P-b", shared="x:1"),
            post("x:3", "P-c", shared="x:404"),
        ]
    )
    threads = mode_threads(posts).tolist()
    assert threads[2] == "x:3", "a share whose original is not in the corpus keeps its own thread"
    assert set(threads[:2]) <= {"x:1", "x:2"}


def test_public_shares_of_an_organisation_post_are_diffusion_not_exchange() -> None:
    posts, edges = frames(
        [post("x:1", ORG), post("x:2", "P-a", 5, shared="x:1"), post("x:3", "P-b", 6, shared="x:1")],
        [edge("P-a", ORG, "share", "x:2"), edge("P-b", ORG, "share", "x:3")],
    )
    _, threads = classify_modes(posts, edges)
    row = thread_of(threads, "x:1")
    assert (row["mode"], row["public_shares_org"]) == ("one_way", 2)


def test_a_reply_whose_parent_was_deleted_is_kept_and_flagged() -> None:
    # x:0 (an organisation post) is not in the corpus; the export still named its author.
    posts, edges = frames(
        [post("x:5", "P-a", parent="x:0", thread="x:0")], [edge("P-a", ORG, "reply", "x:5")]
    )
    _post_modes, threads = classify_modes(posts, edges)
    row = thread_of(threads, "x:0")
    assert bool(row["missing_parent"]) is True
    assert (row["mode"], row["public_to_org"]) == ("two_way", 1)
    times = response_times(posts, edges)
    assert times["answered"].tolist() == [False] and np.isnan(times["latency_hours"].iloc[0])


def test_threads_on_two_platforms_are_never_merged() -> None:
    shared_id = "same-native-thread"
    posts, edges = frames(
        [
            post("a:1", ORG, thread=shared_id),
            post("a:2", "P-a", 3, parent="a:1", thread=shared_id),
            post("b:1", "mastodon:Org", platform="mastodon", thread=shared_id),
            post("b:2", "mastodon:P-x", 4, platform="mastodon", shared="a:1", role="public"),
        ],
        [
            edge("P-a", ORG, "reply", "a:2"),
            edge("mastodon:P-x", "mastodon:Org", "share", "b:2", platform="mastodon"),
        ],
    )
    post_modes, threads = classify_modes(posts, edges)
    assert thread_of(threads, shared_id)["mode"] == "two_way"
    assert thread_of(threads, shared_id)["n_posts"] == 2
    assert thread_of(threads, shared_id, "mastodon")["n_posts"] == 1
    assert thread_of(threads, shared_id, "mastodon")["mode"] == "one_way"
    # a share on mastodon whose id names a twitter post does not join the twitter thread
    assert post_modes.set_index("post_id").loc["b:2", "thread_id"] == "b:2"


def test_peer_exchange_and_page_broadcast() -> None:
    posts, edges = frames(
        [
            post("x:1", "P-a"),
            post("x:2", "P-b", 5, parent="x:1", thread="x:1"),
            post("f:1", "P-page", platform="facebook"),
        ],
        [edge("P-b", "P-a", "reply", "x:2")],
    )
    _, threads = classify_modes(posts, edges)
    assert (thread_of(threads, "x:1")["mode"], thread_of(threads, "x:1")["rule"]) == (
        "crowd_sourced",
        "public exchange",
    )
    page = thread_of(threads, "f:1", "facebook")
    assert (page["mode"], page["rule"]) == ("one_way", "page broadcast")
    _, elsewhere = classify_modes(posts, edges, page_platforms=())
    assert thread_of(elsewhere, "f:1", "facebook")["rule"] == "public content"


def test_a_call_for_stories_is_crowd_sourced_only_when_it_is_a_top_level_org_post() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG, text="Tell us your story"),
            post("x:2", "P-a", 30, parent="x:1", thread="x:1"),
            post("x:3", ORG, 60, parent="x:2", thread="x:1", text="Thanks for sharing your story"),
        ],
        [edge("P-a", ORG, "reply", "x:2"), edge(ORG, "P-a", "reply", "x:3")],
    )
    calls = pd.Series([True, False, False])
    assert thread_of(classify_modes(posts, edges, story_calls=calls)[1], "x:1")["rule"] == "collected stories"
    reply_only = pd.Series([False, False, True])
    assert thread_of(classify_modes(posts, edges, story_calls=reply_only)[1], "x:1")["mode"] == "two_way"


def test_an_organisation_quoting_a_public_post_amplifies_its_thread() -> None:
    posts, edges = frames(
        [post("x:1", "P-a"), post("x:2", ORG, 10, quoted="x:1")], [edge(ORG, "P-a", "quote", "x:2")]
    )
    _, threads = classify_modes(posts, edges)
    assert thread_of(threads, "x:1")["rule"] == "amplification"
    assert thread_of(threads, "x:2")["rule"] == "amplification"


def test_thread_rule_precedence() -> None:
    zero = dict.fromkeys(
        [
            "org_amplifies",
            "story_calls",
            "org_to_public",
            "public_to_org",
            "public_to_public",
            "public_shares_public",
            "org_content",
            "n_org_posts",
        ],
        0,
    ) | {"page": False}
    assert thread_rule(zero | {"org_amplifies": 1, "org_to_public": 3})[1] == "crowd_sourced"
    assert thread_rule(zero | {"public_to_public": 2, "public_to_org": 1})[1] == "two_way"
    assert thread_rule(zero | {"n_org_posts": 1, "org_content": 1}) == ("broadcast", "one_way")


def test_scores_are_vote_shares_that_sum_to_one() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG),
            post("x:2", "P-a", 1, parent="x:1", thread="x:1"),
            post("x:3", "P-b", 2, parent="x:2", thread="x:1"),
            post("x:4", ORG, 3, parent="x:3", thread="x:1"),
        ],
        [
            edge("P-a", ORG, "reply", "x:2"),
            edge("P-b", "P-a", "reply", "x:3"),
            edge(ORG, "P-b", "reply", "x:4"),
        ],
    )
    _, threads = classify_modes(posts, edges)
    row = thread_of(threads, "x:1")
    scores = row[[f"mode_{m}" for m in MODES]].astype(float)
    assert scores.sum() == pytest.approx(1.0)
    assert scores.tolist() == pytest.approx([0.25, 0.5, 0.25])
    assert row["mode"] == "two_way", "org-public exchange takes precedence over public exchange"


# --------------------------------------------------------------------------- reciprocity, latency, time


def test_reciprocity_counts_dyads_in_both_directions() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG),
            post("x:2", "P-a", 10, parent="x:1", thread="x:1"),
            post("x:3", ORG, 20, parent="x:2", thread="x:1"),
            post("x:4", "P-b", 30, parent="x:1", thread="x:1"),
            post("x:5", "P-c", 40, parent="x:1", thread="x:1"),
        ],
        [
            edge("P-a", ORG, "reply", "x:2"),
            edge(ORG, "P-a", "reply", "x:3"),
            edge("P-b", ORG, "reply", "x:4"),
            edge("P-c", ORG, "mention", "x:5"),
            edge("P-c", "P-b", "mention", "x:5"),
        ],
    )
    table = org_reciprocity(posts, edges).iloc[0]
    assert (table["dyads"], table["reciprocated_dyads"]) == (3, 1)
    assert table["dyad_reciprocity"] == pytest.approx(1 / 3)
    assert table["edge_reciprocity"] == pytest.approx(2 / 4)
    assert (table["public_to_org"], table["org_to_public"]) == (3, 1)


def test_response_latency_and_kaplan_meier_summary() -> None:
    posts, edges = frames(
        [
            post("x:1", ORG),
            post("x:2", "P-a", 60, parent="x:1", thread="x:1"),
            post("x:3", ORG, 180, parent="x:2", thread="x:1"),
            post("x:4", "P-b", 120, parent="x:1", thread="x:1"),
            post("y:1", "P-c", 200, text="@Org hello"),
            post("y:2", ORG, 500, parent="y:1", thread="y:1"),
            post("z:1", ORG, 60 * 24 * 10),
        ],  # end of the data: ten days in
        [
            edge("P-a", ORG, "reply", "x:2"),
            edge(ORG, "P-a", "reply", "x:3"),
            edge("P-b", ORG, "reply", "x:4"),
            edge("P-c", ORG, "mention", "y:1"),
            edge(ORG, "P-c", "reply", "y:2"),
        ],
    )
    times = response_times(posts, edges).set_index("post_id")
    assert times.loc["x:2", "latency_hours"] == pytest.approx(2.0)
    assert times.loc["x:2", "answer_post_id"] == "x:3"
    assert times.loc["y:1", "latency_hours"] == pytest.approx(5.0)
    assert not times.loc["x:4", "answered"]
    assert times.loc["x:4", "observed_hours"] == pytest.approx(24 * 10 - 2)
    summary = response_time_summary(times.reset_index()).iloc[0]
    assert (summary["addressed"], summary["answered"]) == (3, 2)
    assert summary["median_hours"] == pytest.approx(3.5)
    assert summary["km_median_hours"] == pytest.approx(5.0)


def test_mode_shares_sum_to_one_per_organisation_and_period() -> None:
    threads = pd.DataFrame(
        {
            "org_id": ["a", "a", "a", "b"],
            "started_at": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-05-01", "2024-01-09"], utc=True),
            "mode": ["one_way", "two_way", "two_way", "crowd_sourced"],
        }
    )
    shares = mode_shares(threads, "quarter")
    totals = shares.groupby(["org_id", "period"])["share"].sum()
    assert np.allclose(totals, 1.0)
    q1 = shares[(shares["org_id"] == "a") & (shares["period"] == pd.Timestamp("2024-01-01"))]
    assert q1.set_index("mode")["threads"].to_dict() == {"one_way": 1, "two_way": 1, "crowd_sourced": 0}


# --------------------------------------------------------------------------- knowledge signals


def test_lexicon_entries_match_whole_words_prefixes_and_regexes() -> None:
    pattern = compile_entries(["trial", "treat*", "re:phase\\s+\\d", "side effects"])
    found = pattern.findall("Trial results: treatments in phase 2, side  effects; a retreat and #trial")
    assert [f.lower() for f in found] == ["trial", "treatments", "phase 2", "side  effects"]


def test_signals_separate_a_parents_story_from_a_first_person_one() -> None:
    texts = [
        "My son had his first seizure when he was 2.",
        "I was diagnosed at 40 and I still feel exhausted.",
        "Nostra figlia ha avuto la diagnosi a cinque mesi. Oggi ha tre anni.",
        "Ho passato dieci anni a sentirmi dire che era tutto nella mia testa.",
    ]
    signals = text_signals(texts, ["en", "en", "it", "it"])
    assert signals.loc[0, ["first_singular", "kin"]].tolist() == [0, 1]
    assert signals.loc[0, "third_person"] >= 2
    assert signals.loc[1, "first_singular"] == 2 and signals.loc[1, "feeling"] >= 1
    assert signals.loc[2, "kin"] == 1 and signals.loc[2, "first_singular"] == 0
    assert signals.loc[3, "first_singular"] >= 2


def test_link_domains_count_from_the_urls_column_and_from_the_text() -> None:
    signals = text_signals(
        ["New results, see ncbi.nlm.nih.gov", "Donate here", "Read more"],
        ["en", "en", "en"],
        [[], ["www.justgiving.com"], ["example.org"]],
    )
    assert signals["medical_link"].tolist() == [1, 0, 0]
    assert signals["fundraising_link"].tolist() == [0, 1, 0]


def test_a_language_without_lexicon_gets_no_lexicon_signals() -> None:
    signals = text_signals(["Ich habe heute meine Infusion bekommen!"], ["de"])
    lexicon_signals = signals.drop(
        columns=["medical_link", "fundraising_link", "question", "exclamation", "words"]
    )
    assert int(lexicon_signals.to_numpy().sum()) == 0
    assert signals.loc[0, "exclamation"] == 1 and signals.loc[0, "words"] == 6


def test_signals_counted_in_parts_on_several_cpus_equal_one_pass(monkeypatch) -> None:
    from helpers import processes

    texts = [
        "My son had his first seizure when he was 2.", "I was diagnosed at 40 and I still feel exhausted.",
        "New results, see ncbi.nlm.nih.gov", "Donate here!",
        "Nostra figlia ha avuto la diagnosi a cinque mesi.",
        "Ich habe heute meine Infusion bekommen!", "", "Trial results? #phase2 @P-1a2b",
    ] * 5
    langs = ["en", "en", "en", "en", "it", "de", None, "en"] * 5
    urls = [[], [], [], ["www.justgiving.com"], [], [], [], ["example.org"]] * 5
    lexicon = knowledge_module.load_lexicon()
    monkeypatch.setattr(processes, "usable_cpus", lambda: 3)
    assert processes.parallel_parts(len(texts), 10) == 3
    in_parts = study_module.count_signals(texts, langs, urls, lexicon, smallest_part=10)
    pd.testing.assert_frame_equal(in_parts, text_signals(texts, langs, urls, lexicon))
    assert processes.parallel_parts(len(texts), 100) == 1, "too few posts to be worth a process"
    with ThreadPoolExecutor(2) as threads, processes.on_cluster(processes.ClusterPool(threads, slots=2)):
        on_a_cluster = study_module.count_signals(texts, langs, urls, lexicon)  # any size: to the workers
    pd.testing.assert_frame_equal(on_a_cluster, in_parts)


def test_narrative_person_only_for_stories() -> None:
    signals = text_signals(
        ["I was told I would never walk", "My son loves his school", "Trial results"], ["en", "en", "en"]
    )
    kinds = pd.Series(["experiential", "mediated_experiential", "medical"])
    assert narrative_person(signals, kinds).tolist() == ["first", "third", "none"]


def test_seed_set_is_balanced_hand_written_and_validated(tmp_path: Path) -> None:
    seed = load_seed()
    counts = seed.groupby(["lang", "knowledge_type"]).size()
    assert set(seed["lang"]) == {"en", "it"}
    assert set(seed["knowledge_type"]) == set(KNOWLEDGE_TYPES)
    assert counts.min() >= 20 and counts.max() <= 40
    assert not seed["text"].duplicated().any()
    bad = tmp_path / "seed.csv"
    bad.write_text("lang,knowledge_type,text\n" + "en,gossip,hello\n" * 6)
    with pytest.raises(ValueError, match="unknown knowledge types"):
        load_seed(bad)


def test_embedding_weights_follow_the_languages_the_model_covers() -> None:
    assert embedding_weights(["en", "it"], "sentence-transformers/all-MiniLM-L6-v2") == {"en": 0.5, "it": 0.0}
    assert embedding_weights(["it"], "paraphrase-multilingual-MiniLM-L12-v2", 0.7) == {"it": 0.7}


# --------------------------------------------------------------------------- knowledge classifier


@pytest.fixture(scope="module")
def classifier(study):
    """The classifier of the tiny demo study (trained once, with the hashing encoder)."""
    config, _ = study
    return knowledge_classifier(config, encoder=HashingEncoder(), progress=False)


def test_classifier_scores_are_probabilities_and_methods_say_what_decided(classifier) -> None:
    texts = [
        "We raised £2,000 at the sponsored walk, thank you all! Sign the petition too.",
        "Uno studio clinico di fase 3 sul farmaco ha mostrato risultati incoraggianti. aifa.gov.it",
        "",
        "Heute war ein guter Tag.",
    ]
    langs = ["en", "it", "en", "de"]
    out = classifier.predict(texts, langs, HashingEncoder().encode(texts))
    scores = out[[f"knowledge_{k}" for k in KNOWLEDGE_TYPES]]
    assert np.allclose(scores.sum(axis=1), 1.0) and ((scores >= 0) & (scores <= 1)).all().all()
    assert out["knowledge_method"].tolist() == ["combined", "lexicon", "empty", "unsupported"]
    assert out.loc[0, "knowledge_type"] == "advocacy"
    assert out.loc[1, "knowledge_type"] == "medical"
    assert out.loc[2, "knowledge_type"] == "other" and out.loc[2, "knowledge_other"] == 1.0
    assert {c for c in out.columns if c.startswith("sig_")} == {
        f"sig_{s}" for s in classifier.lexicon.signals
    }


def test_italian_posts_need_no_embedding_with_an_english_only_model(classifier) -> None:
    needs = classifier.needs_embedding(["en", "it", "de", None])
    assert needs.tolist() == [True, False, True, True]
    texts = ["Mio figlio ha 4 anni e oggi, dopo mesi di fisioterapia, ha camminato da solo."]
    zeros = np.zeros((1, classifier.dimension))
    assert classifier.predict(texts, ["it"], zeros).loc[0, "knowledge_type"] == "mediated_experiential"


def test_embeddings_are_scored_in_chunks_with_the_same_result(classifier, monkeypatch) -> None:
    # Large studies score their embeddings a chunk at a time (bounded memory); the chunk size
    # must not change any score, also when the rows that need an embedding are interleaved.
    texts = [
        "Our daughter was diagnosed last year and the new diet is helping her a lot",
        "Mio figlio ha 4 anni e oggi ha camminato da solo.",
        "The trial results were published in the journal this week",
        "",
        "Sign our petition to fund newborn screening",
        "Thanks everyone for coming to the family day!",
        "Heute war ein guter Tag.",
    ]
    langs = ["en", "it", "en", "en", "en", "en", "de"]
    vectors = HashingEncoder().encode(texts)
    whole = classifier.predict(texts, langs, vectors)
    monkeypatch.setattr(knowledge_module, "PREDICT_CHUNK", 2)
    chunked = classifier.predict(texts, langs, vectors)
    pd.testing.assert_frame_equal(chunked, whole, check_exact=False, rtol=1e-12, atol=1e-12)
    assert (whole["knowledge_method"] == "combined").sum() > knowledge_module.PREDICT_CHUNK


def test_classifier_training_is_deterministic_and_reports_cross_validation(classifier) -> None:
    seed = load_seed()
    vectors = HashingEncoder().encode(seed["text"].tolist())
    texts = ["Our son started school today and he loved it", "Sign our petition", "Thanks all!"]
    predictions = [
        train_knowledge_classifier(
            seed, vectors, model_id=HashingEncoder.model_id, cross_validate=False
        ).predict(texts, ["en"] * 3, HashingEncoder().encode(texts))
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(*predictions)
    assert set(classifier.cv["model"]) == {"lexicon", "embedding", "combined"}
    cv = classifier.cv.set_index(["lang", "model"])["macro_f1"]
    assert cv[("en", "combined")] > 0.8 and cv[("it", "lexicon")] > 0.8
    weights = classifier.signal_weights()
    assert weights.loc["medical", "medical"] > 0 and weights.loc["first_singular", "experiential"] > 0


# --------------------------------------------------------------------------- engagement


def test_negative_binomial_recovers_a_known_rate_ratio() -> None:
    rng = np.random.default_rng(11)
    n = 1200
    data = pd.DataFrame(
        {
            "knowledge_type": rng.choice(["medical", "experiential", "advocacy"], n),
            "mode": rng.choice(["one_way", "two_way"], n),
            "feed": rng.choice(["a", "b"], n),
        }
    )
    mean = (
        4.0
        * np.where(data["knowledge_type"] == "experiential", 2.5, 1.0)
        * np.where(data["feed"] == "b", 0.5, 1.0)
    )
    size = 1.5  # NB2 with alpha = 1 / size
    data["likes"] = rng.negative_binomial(size, size / (size + mean))
    table = engagement_model(data, "likes", controls=["feed"]).set_index(["term", "level"])
    row = table.loc[("knowledge_type", "experiential")]
    assert row["model"].startswith("negative binomial")
    assert row["ci_low"] < 2.5 < row["ci_high"] and row["p_value"] < 0.001
    advocacy = table.loc[("knowledge_type", "advocacy")]
    assert advocacy["ci_low"] < 1.0 < advocacy["ci_high"]
    assert row["alpha"] == pytest.approx(1 / size, rel=0.35)


def test_engagement_model_falls_back_or_skips_when_data_are_degenerate() -> None:
    data = pd.DataFrame(
        {
            "knowledge_type": ["medical"] * 30 + ["experiential"] * 30,
            "mode": "one_way",
            "likes": [0] * 59 + [1],
        }
    )
    table = engagement_model(data, "likes", controls=[])
    assert len(table) == 1 and np.isfinite(table.loc[0, "irr"])
    too_few = engagement_model(data.head(5), "likes", controls=[])
    assert too_few.empty


def test_engagement_data_drops_shares_and_missing_counts_and_means_are_seeded() -> None:
    classified = pd.DataFrame(
        {
            "shared_id": [None, "x:1", None, None],
            "likes": pd.array([3, 9, None, 5], dtype="Int64"),
            "author_role": ["org", "org", "org", "public"],
            "knowledge_type": ["medical", "medical", "medical", "experiential"],
        }
    )
    data = engagement_data(classified, "likes")
    assert data["likes"].tolist() == [3, 5]
    assert engagement_data(classified, "likes", author_role="org")["likes"].tolist() == [3]
    values = pd.DataFrame({"knowledge_type": ["a"] * 50, "likes": np.arange(50)})
    first = engagement_means(values, "likes", seed=5)
    pd.testing.assert_frame_equal(first, engagement_means(values, "likes", seed=5))
    assert first.loc[0, "ci_low"] < 24.5 < first.loc[0, "ci_high"]


# --------------------------------------------------------------------------- evaluation tables


def test_classification_and_confusion_tables() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    table = classification_table(gold, predicted, ["a", "b", "c"]).set_index("class")
    assert table.loc["a", ["precision", "recall"]].tolist() == [0.5, 0.5]
    assert table.loc["b", "precision"] == pytest.approx(2 / 3) and table.loc["b", "recall"] == 1.0
    assert table.loc["c", "f1"] == 0.0
    assert table.loc["accuracy", "f1"] == pytest.approx(0.6)
    matrix = confusion_table(gold, predicted, ["a", "b", "c"])
    assert matrix.loc["c", "a"] == 1 and int(matrix.to_numpy().sum()) == 5


def test_evaluate_joins_on_post_id_and_skips_blank_labels() -> None:
    ids = [f"p{i}" for i in range(30)]
    predictions = pd.DataFrame(
        {
            "post_id": ids,
            "mode": ["one_way", "two_way"] * 15,
            "knowledge_type": ["medical"] * 10 + ["other"] * 20,
            "narrative_person": "none",
            "knowledge_lang": ["it"] * 3 + ["en"] * 27,
        }
    )
    labels = [None, *predictions["knowledge_type"].iloc[2:], "other"]  # p1 left blank, p99 unknown
    gold = pd.DataFrame({"post_id": [*ids[1:], "p99"], "knowledge_type": labels})
    tables = evaluate(predictions, gold)
    assert "mode" not in tables and tables["coverage"].iloc[0].tolist() == [30, 29, 1]
    knowledge = tables["knowledge"].set_index("class")
    assert knowledge.loc["medical", "support"] == 8 and knowledge.loc["accuracy", "f1"] == 1.0
    assert set(tables["knowledge_by_language"]["lang"]) == {"en"}, "too few Italian posts for a table"


# --------------------------------------------------------------------------- the tiny demo study


@pytest.fixture(scope="module")
def study(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the tiny demo study, ingested and classified with the hashing encoder."""
    root = tmp_path_factory.mktemp("classify-study")
    config = load_config(copy_tiny_demo(tiny_demo, root, min_group_size=3, quote_max_chars=60))
    ingest_study(config, progress=False)
    result = classify_study(config, progress=False, encoder=HashingEncoder())
    return config, result


def test_study_outputs_are_validated_and_cover_every_post(study) -> None:
    config, result = study
    assert not result.from_cache
    classes = load_post_classes(config)
    posts = load_classified_posts(config)
    assert len(classes) == len(posts) == result.counts["posts"] > 400
    assert set(classes["mode"]) == set(MODES)
    assert set(classes["knowledge_type"]) == set(KNOWLEDGE_TYPES)
    assert set(classes["knowledge_method"]) <= {"combined", "lexicon", "empty", "unsupported", "embedding"}
    assert set(classes.loc[classes["knowledge_lang"] == "it", "knowledge_method"]) <= {"lexicon", "empty"}
    threads = load_thread_modes(config)
    assert threads["n_posts"].sum() == len(classes)
    broken = classes.copy()
    broken.loc[0, "knowledge_other"] += 0.5
    with pytest.raises(pandera.errors.SchemaErrors):
        POST_CLASSES.validate(broken, lazy=True)


def test_a_second_run_uses_the_cache_and_force_recomputes(study) -> None:
    config, first = study
    again = classify_study(config, progress=False, encoder=HashingEncoder())
    assert again.from_cache and again.counts == first.counts
    before = load_post_classes(config)
    forced = classify_study(config, progress=False, encoder=HashingEncoder(), force=True)
    assert not forced.from_cache
    pd.testing.assert_frame_equal(load_post_classes(config), before)  # deterministic


def test_classifying_in_chunks_gives_the_same_classes(study, monkeypatch) -> None:
    # classify_study reads the embeddings a chunk of posts at a time (bounded memory).
    config, _ = study
    before = load_post_classes(config)
    monkeypatch.setattr(study_module, "KNOWLEDGE_CHUNK", 7)
    assert len(before) > 3 * study_module.KNOWLEDGE_CHUNK
    classify_study(config, progress=False, encoder=HashingEncoder(), force=True)
    pd.testing.assert_frame_equal(load_post_classes(config), before)


def test_demo_ground_truth_is_recovered(study) -> None:
    config, _ = study
    tables = evaluate_classifiers(config, classify=False)
    mode = tables["mode"].set_index("class")
    assert mode.loc["accuracy", "f1"] > 0.9, tables["mode"]
    assert (mode.loc[list(MODES), "f1"] > 0.8).all(), tables["mode"]
    knowledge = tables["knowledge"].set_index("class")
    assert knowledge.loc["macro avg", "f1"] > 0.55, tables["knowledge"]
    by_lang = tables["knowledge_by_language"]
    assert set(by_lang["lang"]) >= {"en", "it"}
    italian = by_lang[(by_lang["lang"] == "it") & (by_lang["class"] == "macro avg")]
    assert italian["f1"].iloc[0] > 0.5, by_lang
    assert int(tables["mode_confusion"].to_numpy().sum()) == tables["coverage"]["matched"].iloc[0]
    text = format_evaluation(tables)
    assert "Knowledge type per language" in text and "crowd_sourced" in text


def test_evaluation_reads_hand_coded_labels(study, tmp_path: Path) -> None:
    config, _ = study
    classes = load_post_classes(config).head(12)
    labels = tmp_path / "coded.csv"
    pd.DataFrame(
        {"post_id": classes["post_id"], "knowledge_type": classes["knowledge_type"], "communication_mode": ""}
    ).to_csv(labels, index=False)
    tables = evaluate_classifiers(config, labels=labels, classify=False)
    assert "mode" not in tables
    assert tables["knowledge"].set_index("class").loc["accuracy", "f1"] == 1.0


def test_a_hand_coded_evaluation_is_saved_and_each_report_says_how_it_was_validated(study, tmp_path) -> None:
    """Issue 26: the validation shown next to a headline is this study's hand-coded one once there is one;
    an organisation none of whose posts were coded is not validated by another's."""
    from helpers.classify.evaluation import read_labels
    from helpers.classify.validation import EVALUATION_FILE, save_hand_coded_evaluation, validation_state

    config, _ = study
    before = validation_state(config, "sma-uk", "knowledge")
    assert before.state == "demo" and "demo" in before.short()
    from helpers.classify.study import load_classified_posts

    coded = load_classified_posts(config, "sma-uk").head(40).copy()
    wrong = coded.index[:10]
    coded.loc[wrong, "knowledge_type"] = np.where(coded.loc[wrong, "knowledge_type"] == "other",
                                                  "medical", "other")
    labels = tmp_path / "coded.csv"
    coded[["post_id", "knowledge_type"]].to_csv(labels, index=False)
    try:
        saved = save_hand_coded_evaluation(config, read_labels(labels), labels)
        assert saved == config.processed_path / EVALUATION_FILE
        assert coded["post_id"].iloc[0] not in saved.read_text(), "figures only, no post"
        state = validation_state(config, "sma-uk", "knowledge")
        assert state.state == "hand-coded" and state.posts == 40 and state.macro_f1 < 1.0
        assert state.short().startswith("F1 ") and "on 40 hand-coded posts" in state.short()
        assert validation_state(config, "dravet-it", "knowledge").state != "hand-coded"
        assert validation_state(config, None, "mode").state != "hand-coded", "no mode was coded"
    finally:
        (config.processed_path / EVALUATION_FILE).unlink(missing_ok=True)


def test_validation_sample_is_stratified_and_has_empty_label_columns(study) -> None:
    config, _ = study
    sample = validation_sample(config, n_per_class=3)
    assert (config.processed_path / "validation_sample.csv").exists()
    assert set(sample["predicted_knowledge_type"]) == set(KNOWLEDGE_TYPES)
    assert (sample["knowledge_type"] == "").all() and "author_id" not in sample.columns
    assert sample["post_id"].is_unique


def test_report_tables_for_one_organisation(study) -> None:
    config, _ = study
    overview = report.mode_overview(config, "sma-uk")
    assert set(overview["org_id"]) == {"sma-uk"}
    assert np.allclose(overview.groupby("org_id")["thread_share"].sum(), 1.0)
    rules = report.mode_rules_table(config)
    assert rules.drop(columns=["rule", "mode", "when"]).to_numpy().sum() == len(load_thread_modes(config))
    knowledge = report.knowledge_overview(config, "dravet-it")
    assert np.allclose(knowledge.groupby(["org_id", "author_role"])["share"].sum(), 1.0)
    assert report.knowledge_by_mode(config).sum().round(6).eq(1.0).all()
    assert not report.reciprocity_table(config).empty
    models = report.engagement_model_table(config, metrics=("likes",))
    assert set(models["term"]) <= {"knowledge_type", "mode"}
    assert (models["ci_low"] <= models["irr"]).all() and (models["irr"] <= models["ci_high"]).all()
    summary = report.validation_summary(report.validation_tables(config, "sma-uk"))
    assert set(summary["task"]) == {"mode", "knowledge", "narrative_person"}


def test_example_posts_follow_the_privacy_rules(study) -> None:
    config, _ = study
    examples = report.example_posts(config, per_class=2)
    assert not examples.empty
    posts = load_classified_posts(config)
    authors = posts[posts["shared_id"].isna()].groupby(["org_id", "knowledge_type"])["author_id"].nunique()
    for org, kind in examples[["org_id", "knowledge_type"]].drop_duplicates().itertuples(index=False):
        assert authors[(org, kind)] >= config.privacy.min_group_size
    assert "author_id" not in examples.columns
    shown = examples.to_string()
    texts = posts["text"].tolist()
    assert "excerpt" not in examples.columns, "without allow_verbatim no text is shown, not even in part"
    assert not any(text[:30] in shown for text in texts if len(text) >= 30)
    assert (examples["words"] > 0).all() and examples["signals"].str.len().gt(0).all()

    opted_in = config.privacy.model_copy(update={"allow_verbatim": True})
    verbatim = config.model_copy(update={"privacy": opted_in})
    quoted = report.example_posts(verbatim, per_class=2)
    assert (quoted["excerpt"].str.len() <= config.privacy.quote_max_chars).all()


@pytest.mark.slow
def test_the_real_embedding_model_classifies_the_demo(study, tmp_path: Path) -> None:
    config, _ = study
    result = classify_study(config, progress=False, force=True)
    assert result.manifest["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    tables = evaluate_classifiers(config, classify=False)
    by_lang = tables["knowledge_by_language"].set_index(["lang", "class"])
    assert by_lang.loc[("en", "macro avg"), "f1"] > 0.7
    assert by_lang.loc[("it", "macro avg"), "f1"] > 0.6


def test_reading_classification_results_does_not_import_scikit_learn() -> None:
    """A batch worker reads the results for an index's key figures; training code stays unloaded (2 s)."""
    code = ("import sys, helpers.classify, helpers.classify.report, helpers.summaries; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'statsmodels')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_classified_posts_and_their_evaluation_are_read_once_until_the_classification_changes(
        study, monkeypatch) -> None:
    """The reports asked for an organisation's classified posts and demo evaluation once per headline
    figure (the comparison 18 times per organisation at 200,000 posts, 1.8 s each); they are kept per
    process, and read again when the classification is written again."""
    from helpers.classify.study import POST_CLASSES_FILE
    from helpers.schema import write_parquet_atomic

    config, _ = study
    merged = []
    real = pd.DataFrame.merge
    monkeypatch.setattr(pd.DataFrame, "merge", lambda *a, **k: merged.append(1) or real(*a, **k))
    first = load_classified_posts(config, "sma-uk")
    first.loc[first.index[0], "knowledge_type"] = "changed by a caller"
    second = load_classified_posts(config, "sma-uk")
    assert len(merged) <= 1 and "changed by a caller" not in set(second["knowledge_type"])
    tables = report.validation_tables(config, "sma-uk")
    assert report.validation_tables(config, "sma-uk")["knowledge"].equals(tables["knowledge"])

    path = config.processed_path / POST_CLASSES_FILE
    original = pd.read_parquet(path)
    changed = original.copy()
    mine = changed["post_id"].isin(set(second["post_id"]))
    changed.loc[mine, "knowledge_type"] = "medical"
    try:
        write_parquet_atomic(changed, path)
        assert set(load_classified_posts(config, "sma-uk")["knowledge_type"]) == {"medical"}
        assert set(load_post_classes(config, "sma-uk")["knowledge_type"]) == {"medical"}
        again = report.validation_tables(config, "sma-uk")["knowledge"]
        assert not again.equals(tables["knowledge"])
    finally:
        write_parquet_atomic(original, path)
    assert load_classified_posts(config, "sma-uk").equals(second)
