"""Event windows on a generated demo: the Rare Disease Day story threads its generator planted are found.

The demo plants, in the week centred on each Rare Disease Day, story calls
answered by the public and public-to-public story threads (scenario
``rdd_stories``, :mod:`helpers.demo_corpus.scenarios.events`).  The tiny demo
(600 posts) has too few threads a window, so this test generates 4,000 posts
(about 12 s to generate, ingest and classify with the hashing encoder).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from helpers import events as ev
from helpers.classify import classify_study, load_classified_posts
from helpers.config import EventSettings, load_config
from helpers.demo import generate_demo
from helpers.ingest.pipeline import ingest_study
from helpers.notice import NotComputed, Remark, WithNotes, table_of
from tests.fakes import HashingEncoder

ROOT = Path(__file__).resolve().parents[2]
N_POSTS = 4000
YEARS = (2024, 2025)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("events-demo")
    data = yaml.safe_load((ROOT / "config" / "study.yml").read_text())
    generate_demo(root / "data" / "raw" / "demo", seed=data["seed"], n_posts=N_POSTS)
    data["privacy"]["secret_file"] = str(root / "secret" / "study.key")
    path = root / "config" / "study.yml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    config = load_config(path)
    ingest_study(config, progress=False)
    classify_study(config, progress=False, encoder=HashingEncoder())
    return config


def test_the_planted_story_threads_are_in_the_truth_around_rare_disease_day(demo) -> None:
    with (demo.resolve(demo.raw_dir) / "demo" / "_truth" / "posts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    planted = [row for row in rows if row["scenario"] == "rdd_stories"]
    assert 0.03 < len(planted) / len(rows) < 0.08, len(planted)
    assert {row["communication_mode"] for row in planted} == {"crowd_sourced"}
    assert {row["platform"] for row in planted} == {"twitter", "mastodon", "reddit"}
    offsets = []
    for row in planted:
        day = date.fromisoformat(row["created_at"][:10])
        offsets.append((day - (date(day.year, 3, 1) - timedelta(days=1))).days)
        if not row["parent_native_id"] and not row["shared_native_id"]:  # a thread's first post
            assert -4 <= offsets[-1] <= 4, row["created_at"]  # local days +-3, in UTC
    assert pd.Series(offsets).between(-3, 3).mean() > 0.9  # replies and shares follow within hours
    kinds = pd.Series([row["knowledge_type"] for row in planted if row["author_role"] == "public"])
    assert kinds.isin(["experiential", "mediated_experiential"]).mean() > 0.7


def test_the_windows_recover_the_planted_rise_pooled_over_organisations(demo) -> None:
    study = ev.read_study_events(demo)
    days = [event for event in study.events if event.name.startswith("Rare Disease Day")]
    assert [event.name for event in days] == [f"Rare Disease Day {year}" for year in YEARS]
    scope = study.scope(None)
    for event in days:
        comparison = ev.compare_windows(scope, event)
        crowd = comparison.line("crowd_sourced").differences["during"]
        story = comparison.line("experiential").differences["during"]
        assert crowd.value > 0 and story.value > 0, (event.name, crowd, story)
        assert crowd.low > 0 or story.low > 0, (event.name, crowd, story)
        assert crowd.low > 0, (event.name, crowd)
        assert comparison.threads["during"] >= 50 and comparison.threads["before"] >= 50


def test_every_report_shows_a_table_or_says_why(demo) -> None:
    names = ev.event_names(demo)
    windows = ev.event_windows(demo, "sma-uk")
    assert list(windows["event"]) == names
    table = table_of(ev.event_table(demo, "sma-uk", "Rare Disease Day 2025"))
    assert table.shape[1] == 6 and "crowd-sourced threads" in set(table["measure"])
    assert table.columns[2] == "during (25 Feb–3 Mar 2025)"
    assert "×" in table.set_index("measure").loc["posts a week", "during − before (points, 95% CI)"]
    with pytest.raises(KeyError, match="no event"):
        ev.event_table(demo, "sma-uk", "Christmas")
    series = table_of(ev.event_series(demo, None))
    assert {"Rare Disease Day, years pooled"} <= set(series["event"])
    pooled = series[series["event"] == "Rare Disease Day, years pooled"].iloc[0]
    assert pooled["level change (points, 95% CI)"] != "n/a"
    reading = str(ev.events_reading(demo, None))
    assert "Rare Disease Day 2024" in reading and "percentage points (95% CI" in reading
    assert "Interrupted time series" in reading
    comparison = ev.events_comparison(demo)
    frame = table_of(comparison)
    assert len(frame) == len(demo.organisations) * len(names)
    assert isinstance(comparison, WithNotes)  # the small organisations' windows hold too few threads
    assert len(comparison.notes) == 1 and "organisation-events" in comparison.notes[0].sentence()
    topics = ev.event_topics(demo, "sma-uk")
    assert isinstance(topics, NotComputed) and "no topic model" in topics.sentence().lower()
    figure = ev.plot_event_series(ev.event_series_fit(demo, None))
    assert isinstance(figure, Figure) and len(figure.axes) == 2


def test_a_study_event_outside_the_data_and_a_study_without_events(demo) -> None:
    config = demo.model_copy(deep=True)
    config.analysis.events = [
        EventSettings(name="Before the data", date="2019-05-01"),
        EventSettings(name="Approval", date="2024-06-12", before_days=14, after_days=14)]
    names = ev.event_names(config)
    assert names[:2] == ["Before the data", "Approval"] and len(names) == 4
    outside = ev.event_table(config, "sma-uk", "Before the data")
    assert isinstance(outside, NotComputed) and "outside the posts" in outside.sentence()
    approval = table_of(ev.event_table(config, None, "Approval"))
    assert approval.columns[1] == "before (26 May–8 Jun 2024)"
    config.analysis.events = []
    config.analysis.rare_disease_day = False
    for shown in (ev.event_table(config, "sma-uk"), ev.event_windows(config), ev.events_comparison(config)):
        assert isinstance(shown, Remark) and "No event" in str(shown)
    assert "No event" in str(ev.events_reading(config, "sma-uk"))


def test_the_largest_topics_of_each_window(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.events import report
    from helpers.topics.params import STATUS_OK
    from helpers.topics.results import TopicResult

    posts = load_classified_posts(demo)
    kinds = ["experiential", "practical", "advocacy", "medical"]
    topic = posts["knowledge_type"].map({k: i for i, k in enumerate(kinds)}).fillna(-1).astype(int)
    columns = ["post_id", "org_id", "author_id", "created_at", "topic", "doc"]
    documents = posts.assign(topic=topic, doc="")[columns]
    topics = pd.DataFrame({"topic": [-1, *range(len(kinds))], "label": ["outliers", *kinds],
                           "words": [[]] * (len(kinds) + 1)})
    result = TopicResult(STATUS_OK, [], documents, topics, pd.DataFrame(), pd.DataFrame(), {"min_posts": 10})
    monkeypatch.setattr(report, "load_topics", lambda config: result)
    table = table_of(ev.event_topics(demo, None))
    assert list(table.columns) == ["event", "window", "posts in the model",
                                   "largest topics (share of the window's posts)"]
    assert len(table) == 3 * len(ev.event_names(demo))  # before, during and after each event
    during = table[table["window"].str.startswith("during") & table["event"].str.startswith("Rare Disease")]
    assert during["largest topics (share of the window's posts)"].str.contains("experiential").all()
