"""A planted event effect: crowd-sourced patient stories around Rare Disease Day.

Each year, in the week centred on Rare Disease Day (three days each side,
weighted like the calendar's volume), every community whose export holds the
public's posts (Twitter, Mastodon, Reddit) gets extra story threads of the
scenario ``rdd_stories`` (``crowd_sourced``):

* a **story call**: the organisation asks for stories ("tell us your story")
  and members of the public answer with their own or their child's story;
  on Twitter and Mastodon the organisation shares one or two answers;
* a **story exchange**: a member of the public tells a story and others
  answer with theirs (public to public).

So the share of crowd-sourced threads and of the public's experiential
posts is clearly higher in that week than in the weeks before, which
:mod:`helpers.events` should recover (``tests/integration/test_events_demo.py``).
There are :data:`RDD_STORY_RATE` threads per post of the community's budget
and year, at least one: about 8% of such a community's posts, 5.5% of the
demo's.

Like the source material (:mod:`helpers.demo_corpus.scenarios.sources`), the
threads are made before the community's other scenarios from streams of
their own (a view of the community with its own random generator and
composer, its own id stream sharing the set of used ids, scenario ids
``...:e00001``), kept apart until the community is filled, and count towards
its budget: the other scenarios draw what they drew without them, and the
community has as many posts as before (its last few scenarios are the ones
that make room).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from helpers.demo_corpus.calendar import DAYS, RDD_FACTOR, rare_disease_day
from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import Post
from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.knowledge_types import PARENT_KINDS, STORY_KT, _choice
from helpers.demo_corpus.text import Composer

SCENARIO = "rdd_stories"
RDD_STORY_RATE = 0.01
"""Planted story threads per post of a community's budget, per year (at least one)."""
RDD_STORY_PLATFORMS = ("twitter", "mastodon", "reddit")
MARGIN_DAYS = 3
CALL_P = 0.5
ANSWER_KT = {"experiential": 0.6, "mediated_experiential": 0.2, "other": 0.2}


class EventStoriesMixin:
    """Part of :class:`~helpers.demo_corpus.scenarios.world.World`: the Rare Disease Day story threads."""

    def _init_event_stories(self) -> None:
        self.event_ids = IdFactory(random.Random(f"{self.seed}:ids:{SCENARIO}"))
        self.event_ids._used = self.ids._used  # one set of used ids for every stream
        self.event_posts: list[Post] = []
        self._event_count = 0

    def _event_view(self, c: Community) -> Community:
        """The community with its own random generator and composer, for the planted threads."""
        rng = random.Random(f"{self.seed}:{c.org.id}:{c.platform}:{SCENARIO}")
        links = random.Random(f"{self.seed}:{c.org.id}:{c.platform}:{SCENARIO}-links")
        composer = Composer(rng, c.org, c.platform, links_rng=links)
        composer.org_phone = c.composer.org_phone
        return dataclasses.replace(c, rng=rng, composer=composer)

    @contextmanager
    def _event_aside(self) -> Iterator[None]:
        """Register posts in the planted threads' list and ids in their id stream."""
        ids, posts = self.ids, self.posts
        self.ids, self.posts = self.event_ids, self.event_posts
        try:
            yield
        finally:
            self.ids, self.posts = ids, posts

    def plant_event_stories(self, c: Community, budget: int) -> None:
        """The story threads of a community around each Rare Disease Day of the study years."""
        if c.platform not in RDD_STORY_PLATFORMS:
            return
        view = self._event_view(c)
        start = len(self.event_posts)
        per_year = max(1, round(budget * RDD_STORY_RATE))
        with self._event_aside():
            for year in sorted({day.year for day in DAYS}):
                anchor = rare_disease_day(year)
                for _ in range(per_year):
                    self._event_count += 1
                    sid = f"{c.org.id}:{c.platform}:e{self._event_count:05d}"
                    day = _event_day(view.rng, anchor)
                    if view.rng.random() < CALL_P:
                        self._story_call(view, sid, day)
                    else:
                        self._story_exchange(view, sid, day)
        for post in self.event_posts[start:]:
            post.extra["planted"] = SCENARIO

    def _story_call(self, c: Community, sid: str, day: date) -> None:
        rng, org = c.rng, c.org_account
        call = self.post(c, org, c.calendar.on_day(rng, day, org_hours=True), "advocacy", scenario=SCENARIO,
                         sid=sid, style="call", theme="awareness")
        if call is None:
            return
        answers = []
        for _ in range(rng.randint(2, 4)):
            author = c.person()
            kt = _choice(rng, STORY_KT) if author.kind in PARENT_KINDS else "experiential"
            answer = self.post(c, author, self.delay(c, call.created_at), kt, scenario=SCENARIO, sid=sid,
                               style="reply", parent=call, lead=self._lead(c, call))
            if answer is not None:
                answers.append(answer)
        if c.platform == "reddit" or not answers:
            return
        for answer in rng.sample(answers, k=min(len(answers), rng.randint(1, 2))):
            self.share(c, org, answer, self.delay(c, answer.created_at, "share"), scenario=SCENARIO, sid=sid)

    def _story_exchange(self, c: Community, sid: str, day: date) -> None:
        rng = c.rng
        author = c.person(kinds=PARENT_KINDS if rng.random() < 0.45 else ())
        kt = "mediated_experiential" if author.kind in PARENT_KINDS and rng.random() < 0.5 else "experiential"
        root = self.post(c, author, c.calendar.on_day(rng, day), kt, scenario=SCENARIO, sid=sid)
        if root is None:
            return
        self._replies(c, root, rng.randint(1, 3), SCENARIO, sid, kts=ANSWER_KT)


def _event_day(rng: random.Random, anchor: date) -> date:
    """A day within :data:`MARGIN_DAYS` of ``anchor``, weighted like the calendar's volume on those days."""
    offsets = list(range(-MARGIN_DAYS, MARGIN_DAYS + 1))
    weights = [RDD_FACTOR.get(abs(offset), 1.0) for offset in offsets]
    return anchor + timedelta(days=rng.choices(offsets, weights)[0])
