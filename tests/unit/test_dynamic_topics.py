"""Topic words per period (helpers.topics.dynamic) on synthetic posts: no embedding, no fit."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.notice import NotComputed
from helpers.topics import (
    STATUS_OK,
    TopicResult,
    plot_topic_words_over_time,
    topic_view,
    topic_words_over_time,
    word_changes,
)

MIN_AUTHORS = 3
SHARED = "infusion clinic nurse appointment dose week"
DIET = "formula protein diet exchange label snack"


def _result(docs: pd.DataFrame, stability: pd.DataFrame | None = None) -> TopicResult:
    docs = docs.sort_values("post_id", ignore_index=True)
    counts = docs.groupby("topic").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    topics = pd.DataFrame({"topic": counts.index.astype(int),
                           "label": [f"{t}: topic {t}" for t in counts.index],
                           "posts": counts["posts"].to_numpy(), "authors": counts["authors"].to_numpy(),
                           "words": [[] for _ in counts.index]})
    topics = topics.sort_values("posts", ascending=False, ignore_index=True)
    params = {"languages": ["en"], "ngram_range": [1, 2], "min_term_authors": MIN_AUTHORS, "min_posts": 10}
    return TopicResult(STATUS_OK, [], docs, topics, pd.DataFrame(), pd.DataFrame(), params,
                       stability=stability)


def _posts(start: str = "2024-01-01", days: int = 360, per_day: float = 0.6, seed: int = 0) -> pd.DataFrame:
    """Two topics over a year: topic 0's drug is 'oldamab' until July, 'newamab' after; topic 1 never changes.

    One author ('a0') writes 'zanzibar' in every post of topic 0: a word of one author.
    """
    rng = np.random.default_rng(seed)
    rows = []
    offsets = np.sort(rng.uniform(0, days, int(days / per_day)))
    times = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(offsets, unit="D")
    for i, when in enumerate(times):
        topic = i % 2
        author = f"a{rng.integers(0, 12)}"
        if topic == 0:
            drug = "oldamab" if when < pd.Timestamp("2024-07-01", tz="UTC") else "newamab"
            words = rng.choice(SHARED.split(), 4, replace=False)
            text = f"{drug} {' '.join(words)} {drug} today"
            if author == "a0":
                text += " zanzibar"
        else:
            text = " ".join(rng.choice(DIET.split(), 5, replace=False)) + " today"
        rows.append({"post_id": f"p{i:05d}", "org_id": "org", "platform": "x", "author_id": author,
                     "author_role": "public", "created_at": when, "lang": "en", "doc": text,
                     "n_words": len(text.split()), "topic": topic, "topic_raw": topic, "similarity": 0.9,
                     "in_fit": True})
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def test_a_topic_whose_drug_changes_halfway_has_other_words_in_each_half() -> None:
    table = topic_words_over_time(_result(_posts()), "quarter", n_topics=2)
    assert isinstance(table, pd.DataFrame)
    drifting = table[table["topic"] == 0].set_index("period")
    assert list(drifting.index) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert "oldamab" in drifting.at["2024Q1", "words"][:3] and "newamab" not in drifting.at["2024Q1", "words"]
    assert "newamab" in drifting.at["2024Q4", "words"][:3] and "oldamab" not in drifting.at["2024Q4", "words"]
    assert drifting["posts"].sum() == (_posts()["topic"] == 0).sum()
    changes = word_changes(table, n_words=6).set_index(["topic", "period"])
    assert "oldamab" in changes.at[(0, "2024Q3"), "lost"]  # the tuning keeps it in Q3's top ten, not top six
    gained = ", ".join(changes.loc[0, "gained"])
    assert "newamab" in gained and "oldamab" not in gained
    assert changes.loc[1, "gained"].eq("").all()  # the diet topic keeps its words


def test_words_of_fewer_than_min_group_size_authors_never_appear() -> None:
    table = topic_words_over_time(_result(_posts()), "quarter", n_words=50)
    words = {w for ws in table["words"] for w in ws}
    assert words and not any("zanzibar" in w for w in words)
    assert table.attrs["min_authors"] == MIN_AUTHORS


def test_evolution_tuning_smooths_the_weights_and_shows_only_words_written_in_the_period() -> None:
    tuned = topic_words_over_time(_result(_posts()), "quarter", n_words=50)
    plain = topic_words_over_time(_result(_posts()), "quarter", n_words=50, evolution_tuning=False,
                                  global_tuning=False)
    q3 = {name: dict(zip(row.words, row.weights, strict=True)) for name, row in
          [("tuned", tuned.set_index(["topic", "period"]).loc[(0, "2024Q3")]),
           ("plain", plain.set_index(["topic", "period"]).loc[(0, "2024Q3")])]}
    assert q3["tuned"]["newamab"] < q3["plain"]["newamab"]  # Q2, without it, weighs in
    assert "oldamab" not in q3["tuned"] and "oldamab" not in q3["plain"]  # not written in Q3


def test_too_few_periods_or_posts_give_a_note() -> None:
    one_quarter = _posts(days=60)
    note = topic_words_over_time(_result(one_quarter), "quarter")
    assert isinstance(note, NotComputed) and "two periods" in note.needs
    sparse = _posts(per_day=20)  # 18 posts over a year
    note = topic_words_over_time(_result(sparse), "quarter")
    assert isinstance(note, NotComputed) and "posts in two" in note.why
    assert isinstance(word_changes(note), NotComputed)
    assert plot_topic_words_over_time(note) is None
    with pytest.raises(ValueError, match="time_slice"):
        topic_words_over_time(_result(_posts()), "fortnight")


def test_an_organisations_view_and_the_figure() -> None:
    docs = _posts()
    docs.loc[docs.index % 3 == 0, "org_id"] = "other"
    stability = pd.DataFrame({"topic": [0, 1], "stable": [False, True]})
    result = _result(docs, stability)
    table = topic_words_over_time(topic_view(result, "org"), "quarter")
    assert isinstance(table, pd.DataFrame) and table.attrs["scope"] == "org"
    assert table["posts"].sum() == (docs["org_id"] == "org").sum()
    assert table.loc[table["topic"] == 0, "label"].iloc[0].endswith("†")
    fig = plot_topic_words_over_time(table)
    assert len(fig.axes) == 2 and "†" in fig.axes[0].get_title(loc="left")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0].startswith("2024Q1") and len(ticks) == 4
