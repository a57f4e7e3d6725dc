"""An organisation's report reads its own posts, and the whole study's only in the columns it needs.

At a million posts each kernel of an organisation's chain held the whole
study's classified posts (1.15 GB) for the caveats of its key figures, its
event windows and its validation line, and two kernels at once took the
batch over 12 GiB (issue 29).  These tests hold the reads to the scope.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import events, headlines, summaries
from helpers.classify import load_classified_posts
from helpers.schema import read_table, table_path
from helpers.store.memo import forget_kept_results
from tests.builders import classified_tiny_demo

ORG = "sma-uk"


@pytest.fixture(scope="module")
def study(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the tiny demo study, ingested and classified with the hashing encoder."""
    return classified_tiny_demo(tiny_demo, tmp_path_factory.mktemp("scoped-reads"))


def test_an_organisations_report_reads_no_other_organisations_posts_whole(study, monkeypatch) -> None:
    """Its opening, caveats and event windows read other organisations' posts only as a few columns
    (failed before: the caveats and the events read every post of the study with its text)."""
    reads: list[pd.DataFrame] = []
    real = pd.read_parquet

    def spy(path, *args, **kwargs):
        frame = real(path, *args, **kwargs)
        if Path(path).name == "posts.parquet":
            reads.append(frame)
        return frame

    forget_kept_results()
    monkeypatch.setattr(pd, "read_parquet", spy)
    summaries.org_summary(study, ORG)
    headlines.caveats(study, ORG)
    events.events_reading(study, ORG)
    events.event_series(study, ORG)
    others = [frame for frame in reads if "org_id" not in frame or set(frame["org_id"]) - {ORG}]
    assert reads and others, "the study-wide figures (the usual classifier method, the span) were read"
    allowed = {"post_id", "org_id", "platform", "parent_id", "created_at"}
    assert all(set(frame.columns) <= allowed for frame in others), [sorted(frame.columns) for frame in others]
    assert any("text" in frame for frame in reads if set(frame["org_id"]) == {ORG})


def test_a_scoped_read_equals_the_whole_table_filtered(study) -> None:
    path = table_path(study.processed_path, "posts")
    whole = read_table("posts", path)
    mine = read_table("posts", path, org_id=ORG)
    assert mine.equals(whole[whole["org_id"] == ORG].reset_index(drop=True))
    assert read_table("posts", path, org_id="no-such-org").empty
    columns = read_table("posts", path, columns=["post_id", "created_at"])
    assert columns.equals(whole[["post_id", "created_at"]])


def test_classified_posts_read_in_a_few_columns_equal_those_of_the_whole_merge(study) -> None:
    full = load_classified_posts(study, ORG)
    wanted = ["org_id", "created_at", "mode_thread_id", "knowledge_type", "knowledge_method"]
    part = load_classified_posts(study, ORG, columns=[*wanted, "not_in_this_classification"])
    assert list(part.columns) == ["post_id", "org_id", "created_at", "mode_thread_id", "knowledge_type",
                                  "knowledge_method"]
    assert part.equals(full[["post_id", *wanted]])
    assert len(load_classified_posts(study, columns=["created_at"])) > len(part)


def test_the_event_windows_of_an_organisation_are_those_of_the_whole_study(study) -> None:
    """The events are resolved on the study's span of dates, also when only one organisation is read."""
    whole = events.read_study_events(study)
    mine = events.read_study_events(study, ORG)
    assert mine.events == whole.events
    assert set(mine.posts["org_id"]) == {ORG}
    scope, from_whole = mine.scope(ORG), whole.scope(ORG)
    assert scope.posts.equals(from_whole.posts) and scope.public.equals(from_whole.public)
    assert scope.threads.equals(from_whole.threads.reset_index(drop=True))
