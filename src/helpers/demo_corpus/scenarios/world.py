"""The whole demo study in memory: a community per organisation and platform, filled to its budget."""

from __future__ import annotations

import math
import random

from helpers.demo_corpus.actors import (
    ActorFactory,
    bridge_people,
    names_for,
    org_account,
    peer_accounts,
    population,
)
from helpers.demo_corpus.calendar import Calendar, near, rare_disease_day
from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import ORGS, OrgSpec, Post
from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.events import EventStoriesMixin
from helpers.demo_corpus.scenarios.knowledge_types import KnowledgeTypesMixin
from helpers.demo_corpus.scenarios.posting import PostingMixin
from helpers.demo_corpus.scenarios.sources import SourcesMixin
from helpers.demo_corpus.scenarios.threads import ThreadsMixin
from helpers.demo_corpus.text import Composer


class World(PostingMixin, KnowledgeTypesMixin, ThreadsMixin, SourcesMixin, EventStoriesMixin):
    """Generates every post of the demo study, per organisation and platform.

    The source material (:mod:`~helpers.demo_corpus.scenarios.sources`) is
    made from streams of its own and its posts follow the others in
    :attr:`posts`, so that adding it changed nothing else but the number of
    the other scenarios each budget needs.  The story threads planted around
    Rare Disease Day (:mod:`~helpers.demo_corpus.scenarios.events`) are made
    the same way.
    """

    def __init__(self, seed: int, n_posts: int) -> None:
        self.seed = seed
        self.n_posts = n_posts
        self.rng = random.Random(f"{seed}:world")
        self.ids = IdFactory(random.Random(f"{seed}:ids"))
        self.factory = ActorFactory(random.Random(f"{seed}:actors"), self.ids)
        self.posts: list[Post] = []
        self.records: dict[str, int] = {}
        self.communities: dict[tuple[str, str], Community] = {}
        self._sid = 0
        self._init_sources()
        self._init_event_stories()

    def build(self) -> None:
        """Create the communities, then generate posts until each file's budget is met."""
        per_org = self.n_posts / len(ORGS)
        budgets: dict[tuple[str, str], int] = {}
        for org in ORGS:
            for platform, share in org.platform_share.items():
                budgets[(org.id, platform)] = max(12, round(per_org * share))
                self.communities[(org.id, platform)] = self._community(
                    org, platform, budgets[(org.id, platform)]
                )
        bridges = bridge_people(self.factory, ["sma-uk", "dravet-it"])
        for key in (("sma-uk", "twitter"), ("dravet-it", "twitter")):
            community = self.communities[key]
            top = max(p.weight for p in community.people)
            for bridge in bridges:
                bridge.weight = top * 0.5
            community.people.extend(bridges)
            community.reweigh()
        for community in self.communities.values():
            self.source_accounts(community)
        for key, community in self.communities.items():
            if key[1] == "twitter":
                for bridge in bridges:
                    for _ in range(2):
                        self._bridge_post(community, bridge)
            budget = budgets[key]
            self.plant_sources(community, budget)
            self.plant_event_stories(community, budget)
            while self.records.get(self._budget_key(key), 0) < budget:
                self.scenario(community)
        self.posts.extend(self.source_posts)
        self.posts.extend(self.event_posts)

    def _budget_key(self, key: tuple[str, str]) -> str:
        return f"{key[0]}/{key[1]}"

    def _community(self, org: OrgSpec, platform: str, budget: int) -> Community:
        rng = random.Random(f"{self.seed}:{org.id}:{platform}")
        size = max(25, int(budget * (0.16 if platform == "facebook" else 0.5)))
        own = org_account(self.factory, org, platform)
        peers = peer_accounts(self.factory, org, platform)
        people = [] if platform == "facebook" else population(self.factory, org, platform, size, org.disease)
        community = Community(
            org=org,
            platform=platform,
            org_account=own,
            peers=peers,
            people=people or [own],
            composer=Composer(
                rng, org, platform, links_rng=random.Random(f"{self.seed}:{org.id}:{platform}:links")
            ),
            calendar=Calendar(org.id, org.tz),
            rng=rng,
        )
        if platform == "facebook":
            label = {"sma": "SMA", "dravet": "Dravet"}[org.disease]
            names = names_for(org.lang, org.country)
            community.family_pages = [
                self.factory.family_page(names, org.lang, label) for _ in range(max(3, budget // 120))
            ]
            for page in community.family_pages:
                page.orgs = [org.id]
        return community

    def spare(self, org_id: str, platform: str, *, reply: bool = False) -> Post:
        """A post that is not part of the study: raw material for a bad record."""
        c = self.communities[(org_id, platform)]
        own = platform in ("facebook", "bluesky")
        author = c.org_account if own else c.person()
        when = c.calendar.start(c.rng, org_hours=own)
        kt = self.org_kt(c, when) if own else self.public_kt(c, author, when)
        composed = c.composer.compose(
            author, kt, c.composer.theme_for(kt, author.role), style="post", when=when, plants=False
        )
        post = Post(
            platform=platform,
            org_id=org_id,
            file=platform,
            author=author,
            created_at=when,
            text=composed.text,
            title=composed.title or composed.text[:60],
            lang=c.org.lang,
            knowledge_type=kt,
            in_export=False,
            hashtags=composed.hashtags,
            urls=composed.urls,
            source_types=composed.source_types,
        )
        if reply:
            parents = [
                p
                for p in self.posts
                if p.platform == platform
                and p.org_id == org_id
                and p.in_export
                and p.parent is None
                and p.shared is None
                and not p.extra.get("sourced")
            ]
            post.parent = c.rng.choice(parents)
            post.root = post.parent
        self._assign_id(c, post)
        post.extra["spare"] = True
        return post

    def finalize(self) -> None:
        """Set engagement counts consistent with the replies and shares in the data."""
        children: dict[int, int] = {}
        shares: dict[int, int] = {}
        quotes: dict[int, int] = {}
        for post in self.posts:
            if post.parent is not None:
                children[id(post.parent)] = children.get(id(post.parent), 0) + 1
            if post.shared is not None:
                shares[id(post.shared)] = shares.get(id(post.shared), 0) + 1
            if post.quoted is not None:
                quotes[id(post.quoted)] = quotes.get(id(post.quoted), 0) + 1
        rng = random.Random(f"{self.seed}:counts")
        scale = {"twitter": 12, "facebook": 45, "mastodon": 7, "bluesky": 14, "reddit": 6}
        for post in self.posts:
            if post.shared is not None:
                continue
            base = scale[post.platform] * (1.0 if post.author.role == "org" else 0.3)
            if near(post.created_at.date(), rare_disease_day(post.created_at.year), 1):
                base *= 2
            post.likes = int(rng.lognormvariate(math.log(base + 1), 0.9))
            post.replies = children.get(id(post), 0) + (rng.choice([0, 0, 0, 1, 2]) if post.in_export else 0)
            post.reposts = shares.get(id(post), 0) + int(rng.lognormvariate(0, 1.0) * base / 10)
            post.quotes = quotes.get(id(post), 0)

    def exported(self) -> list[Post]:
        """Records of the export files (no context-only or deleted posts), in creation order."""
        return [post for post in self.posts if post.in_export]


def build_world(seed: int, n_posts: int) -> World:
    """Generate the whole demo study in memory."""
    world = World(seed, n_posts)
    world.build()
    world.finalize()
    return world
