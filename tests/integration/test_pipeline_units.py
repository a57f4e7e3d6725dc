"""Study-wide steps of ingestion on small hand-made frames with known answers."""

import pandas as pd
import pytest

from helpers.ingest.manifest import FileStats
from helpers.ingest.tables import _drop_cross_file_duplicates, derive_interactions, resolve_threads


def _posts(rows: list[dict]) -> pd.DataFrame:
    base = {
        "platform": "twitter", "org_id": "o", "text": "t", "parent_id": None, "quoted_id": None,
        "shared_id": None, "mentions": [], "parent_author": None, "quoted_author": None,
        "shared_author": None, "text_key": None, "_file": 0, "source_line": 1,
        "created_at": pd.Timestamp("2024-02-29T10:00Z"),
    }
    frame = pd.DataFrame([base | row for row in rows])
    frame["thread_id"] = frame.get("thread_id", frame["post_id"]).fillna(frame["post_id"])
    return frame


def test_threads_follow_reply_chains_to_the_root_in_the_corpus() -> None:
    posts = _posts([
        {"post_id": "a", "author_id": "O"},
        {"post_id": "b", "author_id": "P1", "parent_id": "a", "thread_id": "a"},
        {"post_id": "c", "author_id": "P2", "parent_id": "b", "thread_id": "b"},
        {"post_id": "d", "author_id": "P2", "parent_id": "gone", "thread_id": "gone"},
        {"post_id": "e", "author_id": "P3", "parent_id": "d", "thread_id": "d"},
    ])
    threads = dict(zip(posts["post_id"], resolve_threads(posts)["thread_id"], strict=True))
    assert threads == {"a": "a", "b": "a", "c": "a", "d": "gone", "e": "gone"}


def test_reply_cycles_do_not_hang() -> None:
    posts = _posts([
        {"post_id": "a", "author_id": "P1", "parent_id": "b"},
        {"post_id": "b", "author_id": "P2", "parent_id": "a"},
    ])
    assert set(resolve_threads(posts)["thread_id"]) <= {"a", "b"}


def test_interactions_reply_share_quote_mention() -> None:
    posts = _posts([
        {"post_id": "a", "author_id": "ORG"},
        {"post_id": "b", "author_id": "P1", "parent_id": "a", "mentions": ["ORG", "P2"]},
        {"post_id": "c", "author_id": "ORG", "shared_id": "b", "mentions": ["P1", "P3"]},
        {"post_id": "d", "author_id": "P2", "quoted_id": "x", "quoted_author": "P9"},
        {"post_id": "e", "author_id": "ORG", "parent_id": "a"},
    ])
    interactions = derive_interactions(posts)
    got = set(zip(interactions["source_author"], interactions["target_author"], interactions["kind"],
                  strict=True))
    assert got == {
        ("P1", "ORG", "reply"),     # reply to the parent's author found in the corpus
        ("P1", "P2", "mention"),    # the replied-to ORG is not counted again as a mention
        ("ORG", "P1", "share"),     # no mentions from a share
        ("P2", "P9", "quote"),      # quoted post outside the corpus: the export's author
    }                               # and ORG replying to itself is no interaction


def test_reply_to_a_post_outside_the_corpus_uses_the_exported_author() -> None:
    posts = _posts([{"post_id": "b", "author_id": "P1", "parent_id": "gone", "parent_author": "P7"}])
    interactions = derive_interactions(posts)
    assert interactions[["source_author", "target_author", "kind"]].values.tolist() == [["P1", "P7", "reply"]]


def test_duplicates_across_files_are_counted_to_the_later_file() -> None:
    stats = [FileStats("f0", "o", "x", read=2, accepted=2), FileStats("f1", "o", "x", read=2, accepted=2)]
    posts = _posts([
        {"post_id": "a", "author_id": "P1", "_file": 0, "text_key": "k1"},
        {"post_id": "b", "author_id": "P1", "_file": 0, "text_key": "k2", "source_line": 2},
        {"post_id": "a", "author_id": "P1", "_file": 1, "text_key": "k1"},
        {"post_id": "c", "author_id": "P2", "_file": 1, "text_key": "k3", "source_line": 2},
    ])
    kept = _drop_cross_file_duplicates(posts, stats, window_hours=24)
    assert sorted(kept["post_id"]) == ["a", "b", "c"]
    assert (stats[0].accepted, stats[0].duplicates) == (2, 0)
    assert (stats[1].accepted, stats[1].duplicates) == (1, 1)
    assert all(s.reconciles() for s in stats)


@pytest.mark.parametrize(
    ("hours_apart", "same_parent", "expected_kept"),
    [(1, True, 1), (30, True, 2), (1, False, 2)],
)
def test_repeated_text_is_a_duplicate_only_within_the_window_and_same_parent(
    hours_apart: int, same_parent: bool, expected_kept: int
) -> None:
    stats = [FileStats("f0", "o", "x", read=2, accepted=2)]
    start = pd.Timestamp("2024-02-29T10:00Z")
    posts = _posts([
        {"post_id": "a", "author_id": "ORG", "text_key": "thanks", "parent_id": "p1", "created_at": start},
        {"post_id": "b", "author_id": "ORG", "text_key": "thanks", "source_line": 2,
         "parent_id": "p1" if same_parent else "p2", "created_at": start + pd.Timedelta(hours=hours_apart)},
    ])
    kept = _drop_cross_file_duplicates(posts, stats, window_hours=24)
    assert len(kept) == expected_kept
    assert stats[0].reconciles()


def test_shares_are_never_repeats() -> None:
    stats = [FileStats("f0", "o", "x", read=2, accepted=2)]
    posts = _posts([
        {"post_id": "a", "author_id": "P1", "text_key": "rt", "shared_id": "x"},
        {"post_id": "b", "author_id": "P1", "text_key": "rt", "shared_id": "x", "source_line": 2},
    ])
    assert len(_drop_cross_file_duplicates(posts, stats, window_hours=24)) == 2
