"""Who brings which sources in, and who passes them on: outside voices, experts and gatekeepers.

Two scenarios, both ``crowd_sourced`` (public content, a public exchange, or
the organisation amplifying public content):

``source_post``
    An outside voice or a peer (a journalist, a local paper, a public body, a
    company, a peer organisation, a clinician, a researcher) posts, nearly
    always with a link of its own kind of source (news, regulator, commercial,
    patient organisation, medical); a few people share or answer it.
``gatekeeping``
    A clinician's, researcher's or public body's medical post, with a medical
    or regulator link, is passed on by one of the community's gatekeepers (two
    or three advocates and family carers): quoted, or shared and posted again
    with the same link and a mention of the expert.  Patients (in the Dravet
    community, mostly parents) answer the gatekeeper, and the organisation
    sometimes shares the expert's post or the gatekeeper's.  On Bluesky, whose
    export is the organisation's own feed, only the organisation's passing-on
    is visible: it reposts or quotes an outside voice's post.

The material is small (a few per cent of a community's posts, a few posts
per outside account) and counts towards the community's budget.  It is made
before the community's other scenarios from streams of its own: a view of the
community with its own random generator and composer, its own id stream
(sharing the set of used ids) and its own scenario ids (``...:s00001``).  Its
posts are kept apart until the community is filled, so the other scenarios
draw exactly what they drew without it.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from contextlib import contextmanager

from helpers.demo_corpus.actors import ActorFactory
from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import Account, Post
from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.knowledge_types import _choice
from helpers.demo_corpus.text import Composer
from helpers.demo_corpus.voices import voice_accounts

# Source posts per outside account, as a share of the community's budget, and the minimum.
SOURCE_RATE = {
    "media": 0.0015,
    "public_body": 0.0015,
    "industry": 0.001,
    "clinician": 0.0015,
    "researcher": 0.001,
    "peer_org": 0.001,
}
SOURCE_MIN = ("media", "public_body", "industry")  # kinds that post at least once in every community
# What each kind of outside account posts about.
VOICE_KT = {
    "media": {"medical": 0.6, "advocacy": 0.4},
    "public_body": {"medical": 0.85, "advocacy": 0.15},
    "industry": {"medical": 0.85, "advocacy": 0.15},
    "clinician": {"medical": 0.85, "practical": 0.15},
    "researcher": {"medical": 0.9, "advocacy": 0.1},
    "peer_org": {"advocacy": 0.4, "practical": 0.35, "medical": 0.25},
}
SOURCE_LINK_P = 0.95
EXPERT_WEIGHTS = {"clinician": 1.2, "public_body": 1.0, "researcher": 0.8}
GATEKEEPER_KINDS = ("advocate", "carer", "parent", "grandparent")  # in order of preference
GATEKEEPING_RATE, GATEKEEPING_MIN = 0.003, 1
PASS_ON_RATE, PASS_ON_MIN = 0.02, 3  # Bluesky: the organisation passes outside posts on
PASS_ON_WEIGHTS = {"public_body": 0.3, "clinician": 0.25, "media": 0.2, "peer_org": 0.15, "industry": 0.1}
ANSWER_KT = {"experiential": 0.35, "medical": 0.25, "other": 0.25, "practical": 0.15}
ANSWER_KINDS = {"dravet": ("patient", "parent", "grandparent")}  # who answers a gatekeeper; else patients
QUOTE_P = 0.6  # Twitter: a gatekeeper quotes the expert (else retweets and posts the link again)
ORG_PASSES_ON_P = 0.4


class SourcesMixin:
    """Part of :class:`~helpers.demo_corpus.scenarios.world.World`: outside voices and gatekeepers."""

    # ------------------------------------------------------------------ set-up

    def _init_sources(self) -> None:
        self.source_ids = IdFactory(random.Random(f"{self.seed}:ids:sources"))
        self.source_ids._used = self.ids._used  # one set of used ids for both streams
        self.source_factory = ActorFactory(random.Random(f"{self.seed}:actors:sources"), self.source_ids)
        self.source_factory._handles = self.factory._handles
        self.source_posts: list[Post] = []
        self._source_count = 0
        self._views: dict[tuple[str, str], Community] = {}

    def source_accounts(self, c: Community) -> None:
        """Add the outside voices and choose the gatekeepers of a community (not on Facebook)."""
        if c.platform == "facebook":
            return
        view = self._view(c)
        c.voices = voice_accounts(self.source_factory, c.org, c.platform)
        view.voices = c.voices
        if c.platform == "bluesky":  # the feed is the organisation's: no people, no gatekeepers
            return
        candidates = [p for p in c.people if p.kind in GATEKEEPER_KINDS and not p.extra.get("bridge")]
        candidates.sort(key=lambda p: (GATEKEEPER_KINDS.index(p.kind), -p.weight))
        pool = candidates[: max(6, len(candidates) // 8)]
        n = 2 if len(c.people) < 400 else 3
        c.gatekeepers = view.rng.sample(pool, k=min(n, len(pool)))
        for person in c.gatekeepers:
            person.extra["gatekeeper"] = True
        view.gatekeepers = c.gatekeepers

    def _view(self, c: Community) -> Community:
        """The community with its own random generator and composer, for the source material."""
        key = (c.org.id, c.platform)
        if key not in self._views:
            rng = random.Random(f"{self.seed}:{c.org.id}:{c.platform}:sources")
            composer = Composer(
                rng,
                c.org,
                c.platform,
                links_rng=random.Random(f"{self.seed}:{c.org.id}:{c.platform}:sources-links"),
            )
            composer.org_phone = c.composer.org_phone
            self._views[key] = dataclasses.replace(c, rng=rng, composer=composer)
        return self._views[key]

    @contextmanager
    def _aside(self) -> Iterator[None]:
        """Register posts in the source material's list and ids in its id stream."""
        ids, posts = self.ids, self.posts
        self.ids, self.posts = self.source_ids, self.source_posts
        try:
            yield
        finally:
            self.ids, self.posts = ids, posts

    def _source_sid(self, c: Community) -> str:
        self._source_count += 1
        return f"{c.org.id}:{c.platform}:s{self._source_count:05d}"

    # ------------------------------------------------------------------ material

    def plant_sources(self, c: Community, budget: int) -> None:
        """All the source material of a community, before its other scenarios."""
        if c.platform == "facebook":
            return
        view = self._view(c)
        start = len(self.source_posts)
        with self._aside():
            if c.platform == "bluesky":
                self._bluesky_pass_ons(view, budget)
            else:
                seen: set[str] = set()
                for account in [*view.peers, *view.voices]:
                    kind = account.kind
                    n = round(budget * SOURCE_RATE[kind])
                    if kind in SOURCE_MIN and kind not in seen:
                        n = max(1, n)
                    seen.add(kind)
                    for _ in range(n):
                        self._source_post(view, account)
                if view.gatekeepers:
                    for _ in range(max(GATEKEEPING_MIN, round(budget * GATEKEEPING_RATE))):
                        self._gatekeeping(view)
        for post in self.source_posts[start:]:
            post.extra["sourced"] = True

    def _source_post(self, c: Community, author: Account) -> None:
        rng = c.rng
        sid = self._source_sid(c)
        kt = _choice(rng, VOICE_KT[author.kind])
        news_like = author.kind in ("media", "public_body", "industry")
        theme = "awareness" if kt == "advocacy" and news_like else None
        t0 = c.calendar.start(rng, org_hours=True)
        root = self.post(
            c, author, t0, kt, scenario="source_post", sid=sid, theme=theme, link_p=SOURCE_LINK_P
        )
        if root is None:
            return
        if c.platform in ("twitter", "mastodon"):
            for _ in range(rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0]):
                sharer = c.person()
                self.share(c, sharer, root, self.delay(c, t0, "share"), scenario="source_post", sid=sid)
            if author.kind != "industry" and rng.random() < 0.12:
                org = c.org_account
                self.share(c, org, root, self.delay(c, t0, "share"), scenario="source_post", sid=sid)
        weights = [0.3, 0.35, 0.25, 0.1] if c.platform == "reddit" else [0.55, 0.3, 0.12, 0.03]
        self._replies(c, root, rng.choices(range(4), weights)[0], "source_post", sid)

    def _gatekeeping(self, c: Community) -> None:
        """An expert's medical post, passed on by a gatekeeper, answered by patients."""
        rng = c.rng
        experts = [a for a in [*c.peers, *c.voices] if a.kind in EXPERT_WEIGHTS]
        if not experts:
            return
        expert = rng.choices(experts, [EXPERT_WEIGHTS[a.kind] for a in experts])[0]
        keeper = rng.choice(c.gatekeepers)
        sid = self._source_sid(c)
        t0 = c.calendar.start(rng, org_hours=True)
        root = self.post(c, expert, t0, "medical", scenario="gatekeeping", sid=sid, link_p=1.0)
        if root is None or not root.urls:
            return
        when = self.delay(c, t0, "share")
        if c.platform == "twitter" and rng.random() < QUOTE_P:
            relay = self.post(
                c,
                keeper,
                when,
                "medical",
                scenario="gatekeeping",
                sid=sid,
                theme=root.theme,
                quoted=root,
                reserve=24,
                link_p=0.0,
            )
        else:
            if c.platform in ("twitter", "mastodon"):
                self.share(c, keeper, root, when, scenario="gatekeeping", sid=sid)
                when = self.delay(c, when)
            relay = self.post(
                c,
                keeper,
                when,
                "medical",
                scenario="gatekeeping",
                sid=sid,
                theme=root.theme,
                via=expert,
                link=(root.urls[0], root.source_types[0]),
            )
        if relay is None:
            return
        kinds = ANSWER_KINDS.get(c.org.disease, ("patient",))
        for _ in range(rng.choices([1, 2, 3], [0.45, 0.35, 0.2])[0]):
            answer = self.post(
                c,
                c.person(exclude=(keeper,), kinds=kinds),
                self.delay(c, relay.created_at),
                _choice(rng, ANSWER_KT),
                scenario="gatekeeping",
                sid=sid,
                style="reply",
                parent=relay,
                lead=self._lead(c, relay),
            )
            if answer is not None and rng.random() < 0.35:
                self.post(
                    c,
                    keeper,
                    self.delay(c, answer.created_at),
                    _choice(rng, {"other": 0.6, "medical": 0.4}),
                    scenario="gatekeeping",
                    sid=sid,
                    style="reply",
                    parent=answer,
                    lead=self._lead(c, answer),
                )
        if c.platform in ("twitter", "mastodon") and rng.random() < ORG_PASSES_ON_P:
            target = root if rng.random() < 0.6 else relay
            self.share(
                c,
                c.org_account,
                target,
                self.delay(c, target.created_at, "share"),
                scenario="gatekeeping",
                sid=sid,
            )

    def _bluesky_pass_ons(self, c: Community, budget: int) -> None:
        """The organisation reposts or quotes outside voices' posts (each voice at least once)."""
        rng = c.rng
        sources = [a for a in [*c.peers, *c.voices] if a.kind in PASS_ON_WEIGHTS]
        if not sources:
            return
        chosen = list(c.voices)
        extra = max(PASS_ON_MIN, round(budget * PASS_ON_RATE)) - len(chosen)
        if extra > 0:
            chosen += rng.choices(sources, [PASS_ON_WEIGHTS[a.kind] for a in sources], k=extra)
        for author in chosen:
            sid = self._source_sid(c)
            kt = "medical" if author.kind in EXPERT_WEIGHTS else _choice(rng, VOICE_KT[author.kind])
            theme = "awareness" if kt == "advocacy" and author.kind in ("media", "industry") else None
            t0 = c.calendar.start(rng, org_hours=True)
            original = self.post(
                c,
                author,
                t0,
                kt,
                scenario="gatekeeping",
                sid=sid,
                theme=theme,
                link_p=SOURCE_LINK_P,
                in_export=False,
            )
            if original is None:
                continue
            when = self.delay(c, t0, "share")
            if rng.random() < 0.35:
                self.post(
                    c,
                    c.org_account,
                    when,
                    "medical" if kt == "medical" else "advocacy",
                    scenario="gatekeeping",
                    sid=sid,
                    theme=original.theme,
                    quoted=original,
                    link_p=0.0,
                )
            else:
                self.share(c, c.org_account, original, when, scenario="gatekeeping", sid=sid)
