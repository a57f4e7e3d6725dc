"""A study's posts and threads as the event comparisons read them, read once per report.

The classification's own loaders (:func:`helpers.classify.study.load_classified_posts`,
:func:`~helpers.classify.study.load_thread_modes`) give the posts and the
threads; the units are those of the reports' headline shares: a thread
counts in the window it started in (as the mode shares over time do), a
post in the window it was written in, and the knowledge types are those
of the public's original posts (not shares) in a language a classifier
covers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from helpers.classify.report import missing_org_accounts, no_posts, scope_name
from helpers.classify.study import UNSUPPORTED_METHODS, load_classified_posts, load_thread_modes
from helpers.config import StudyConfig
from helpers.events.windows import Event, find_event, study_events
from helpers.notice import NotComputed


@dataclass
class EventScope:
    """One scope's (an organisation's, or the whole study's) posts, threads and the study's events.

    Attributes
    ----------
    threads : DataFrame
        One row per thread: ``org_id, platform, thread, started_at, mode``.
    posts : DataFrame
        Every post: ``org_id, created_at, author_role`` (the volumes).
    public : DataFrame
        The public's original posts with a knowledge type: ``created_at,
        thread, knowledge_type, health`` (``health`` missing when the
        classification predates it).
    modes_note : NotComputed or None
        Why mode shares cannot be compared (no accounts of the organisation
        in the data: every thread is crowd-sourced).
    """

    org_id: str | None
    name: str
    threads: pd.DataFrame
    posts: pd.DataFrame
    public: pd.DataFrame
    events: list[Event]
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    modes_note: NotComputed | None
    min_threads: int
    weeks: int
    seed: int

    def event(self, name: str | None) -> Event | None:
        """The event of this name, or the first."""
        return find_event(self.events, name)


@dataclass
class StudyEvents:
    """The whole study's tables, read once, and what each scope needs of them."""

    config: StudyConfig
    posts: pd.DataFrame
    threads: pd.DataFrame
    events: list[Event]

    def scope(self, org_id: str | None) -> EventScope | NotComputed:
        """One organisation's (or, with None, the study's) tables; a note when it has no posts."""
        posts = self.posts if org_id is None else self.posts[self.posts["org_id"] == org_id]
        if posts.empty:
            return no_posts(self.config, org_id, "Event windows")
        threads = self.threads if org_id is None else self.threads[self.threads["org_id"] == org_id]
        public = posts[(posts["author_role"] == "public") & posts["shared_id"].isna()
                       & ~posts["knowledge_method"].isin(UNSUPPORTED_METHODS)]
        columns = ["created_at", "thread", "knowledge_type"] + (["health"] if "health" in public else [])
        analysis = self.config.analysis
        note = missing_org_accounts(self.config, org_id, posts, "Communication modes around events")
        if note is not None:
            note = replace(note, why=note.why + "; without them every thread is crowd-sourced, so a change "
                           "in the modes cannot be measured")
        return EventScope(
            org_id, scope_name(self.config, org_id),
            threads.reset_index(drop=True),
            posts[["org_id", "created_at", "author_role"]].reset_index(drop=True),
            public[columns].reset_index(drop=True), self.events,
            posts["created_at"].min(), posts["created_at"].max(), note,
            analysis.event_min_threads, analysis.event_series_weeks, self.config.seed)


EVENT_COLUMNS = ("org_id", "platform", "created_at", "author_role", "shared_id", "mode_thread_id",
                 "knowledge_method", "knowledge_type", "health")
"""What the event comparisons read of the classified posts (``health`` when the classification has it)."""


def read_study_events(config: StudyConfig, org_id: str | None = None) -> StudyEvents:
    """Read the classified posts and threads, and resolve the study's events (:func:`study_events`).

    With ``org_id``, only that organisation's posts and threads are read
    (what its report needs); the events are still resolved on the whole
    study's span of dates, so that every organisation's windows are the same.
    """
    posts = load_classified_posts(config, org_id, columns=EVENT_COLUMNS)
    posts = posts.assign(created_at=pd.to_datetime(posts["created_at"], utc=True),
                         thread=_thread_of(posts))
    threads = load_thread_modes(config, org_id)
    threads = threads.assign(started_at=pd.to_datetime(threads["started_at"], utc=True),
                             thread=threads["platform"].astype(str) + ":" + threads["thread_id"].astype(str))
    threads = threads[["org_id", "platform", "thread", "started_at", "mode"]]
    return StudyEvents(config, posts, threads, study_event_list(config))


def study_event_list(config: StudyConfig) -> list[Event]:
    """The study's events (:func:`study_events`) on the span of dates of all its classified posts."""
    return study_events(config, *_study_span(config))


def _study_span(config: StudyConfig) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last moment of the study's classified posts (None, None without posts)."""
    created = load_classified_posts(config, columns=["created_at"])["created_at"]
    if created.empty:
        return None, None
    created = pd.to_datetime(created, utc=True)
    return created.min(), created.max()


def read_event_scope(config: StudyConfig, org_id: str | None) -> EventScope | NotComputed:
    """One scope's tables (:meth:`StudyEvents.scope`)."""
    return read_study_events(config, org_id).scope(org_id)


def _thread_of(posts: pd.DataFrame) -> pd.Series:
    """The mode thread of each post, platform-qualified (a post outside any thread is its own)."""
    column = "mode_thread_id" if "mode_thread_id" in posts.columns else "thread_id"
    return posts["platform"].astype(str) + ":" + posts[column].fillna(posts["post_id"]).astype(str)
