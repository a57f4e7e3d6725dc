"""Threads by communication scenario, with ground-truth communication modes.

Scenarios (the ``scenario`` column of ``posts.csv``) and their mode:

``broadcast`` (one_way)
    The organisation posts; others may share it but nobody replies.
``peer_page`` (one_way)
    A peer page (another organisation, a clinic, a lab) posts on Facebook.
``dialogue`` (two_way)
    A member of the public asks or mentions the organisation, it answers,
    and the exchange may go back and forth.
``peer_exchange`` (crowd_sourced)
    Private people post and reply to each other; the organisation is absent.
``amplification`` (crowd_sourced)
    The organisation shares or quotes a patient's or family's post.
``call_for_stories`` (crowd_sourced)
    The organisation asks for stories, people answer, and it shares some.

Every post of a scenario instance shares its ``scenario_id`` and mode.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from helpers.demo_corpus.actors import (
    ActorFactory,
    bridge_people,
    names_for,
    org_account,
    peer_accounts,
    population,
)
from helpers.demo_corpus.calendar import END_UTC, Calendar, near, rare_disease_day
from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import ORGS, Account, OrgSpec, Post
from helpers.demo_corpus.text import Composer

MODE_OF = {
    "broadcast": "one_way",
    "peer_page": "one_way",
    "dialogue": "two_way",
    "peer_exchange": "crowd_sourced",
    "amplification": "crowd_sourced",
    "call_for_stories": "crowd_sourced",
}
SCENARIO_WEIGHTS = {
    "twitter": {
        "broadcast": 0.29,
        "dialogue": 0.21,
        "peer_exchange": 0.35,
        "amplification": 0.12,
        "call_for_stories": 0.03,
    },
    "mastodon": {
        "broadcast": 0.29,
        "dialogue": 0.23,
        "peer_exchange": 0.34,
        "amplification": 0.11,
        "call_for_stories": 0.03,
    },
    "facebook": {"broadcast": 0.56, "peer_page": 0.20, "amplification": 0.20, "call_for_stories": 0.04},
    "reddit": {"peer_exchange": 0.68, "dialogue": 0.17, "broadcast": 0.10, "call_for_stories": 0.05},
    "bluesky": {"broadcast": 0.50, "dialogue": 0.27, "amplification": 0.23},
}
ORG_KT = {"medical": 0.26, "practical": 0.22, "advocacy": 0.30, "mediated_experiential": 0.10, "other": 0.12}
PUBLIC_ROOT_KT = {
    "experiential": 0.40,
    "mediated_experiential": 0.25,
    "practical": 0.10,
    "medical": 0.08,
    "advocacy": 0.09,
    "other": 0.08,
}
PARENT_ROOT_KT = {
    "experiential": 0.30,
    "mediated_experiential": 0.38,
    "practical": 0.10,
    "medical": 0.06,
    "advocacy": 0.09,
    "other": 0.07,
}
PEER_REPLY_KT = {
    "other": 0.33,
    "experiential": 0.27,
    "practical": 0.22,
    "mediated_experiential": 0.12,
    "medical": 0.06,
}
QUESTION_KT = {"practical": 0.55, "medical": 0.30, "experiential": 0.15}
FOLLOW_UP_KT = {"other": 0.6, "experiential": 0.25, "practical": 0.15}
STORY_KT = {"experiential": 0.55, "mediated_experiential": 0.45}
AMPLIFY_KT = {"other": 0.6, "advocacy": 0.4}
PARENT_KINDS = ("parent", "grandparent", "carer")
# Median delay (minutes) before a reply, and its spread (log scale).
REPLY_DELAY = {
    "twitter": (35, 1.2),
    "mastodon": (45, 1.2),
    "bluesky": (30, 1.2),
    "reddit": (90, 1.4),
    "facebook": (1440, 1.0),
}
ORG_REPLY_DELAY = (240, 0.9)
SHARE_DELAY = (180, 1.3)


def _choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


@dataclass
class Community:
    """An organisation's community on one platform: accounts, text and calendar."""

    org: OrgSpec
    platform: str
    org_account: Account
    peers: list[Account]
    people: list[Account]
    composer: Composer
    calendar: Calendar
    rng: random.Random
    family_pages: list[Account] = field(default_factory=list)
    _cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reweigh()

    def reweigh(self) -> None:
        """Recompute the cumulative activity weights of the people."""
        total, self._cum = 0.0, []
        for person in self.people:
            total += person.weight
            self._cum.append(total)

    def person(self, exclude: tuple[Account, ...] = (), kinds: tuple[str, ...] = ()) -> Account:
        """A private person, by activity weight, optionally of some kinds, not in ``exclude``."""
        chosen = self.people[0]
        for attempt in range(30):
            index = bisect.bisect_left(self._cum, self.rng.random() * self._cum[-1])
            chosen = self.people[min(index, len(self.people) - 1)]
            if chosen in exclude:
                continue
            if kinds and chosen.kind not in kinds and attempt < 20:
                continue
            return chosen
        return chosen


class World:
    """Generates every post of the demo study, per organisation and platform."""

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

    # ------------------------------------------------------------------ setup

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
        for key, community in self.communities.items():
            if key[1] == "twitter":
                for bridge in bridges:
                    for _ in range(2):
                        self._bridge_post(community, bridge)
            budget = budgets[key]
            while self.records.get(self._budget_key(key), 0) < budget:
                self.scenario(community)

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
            composer=Composer(rng, org, platform),
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

    # ------------------------------------------------------------------ post primitives

    def _new_sid(self, community: Community) -> str:
        self._sid += 1
        return f"{community.org.id}:{community.platform}:{self._sid:06d}"

    def post(
        self,
        c: Community,
        author: Account,
        when: datetime | None,
        kt: str,
        *,
        scenario: str,
        sid: str,
        style: str = "post",
        theme: str | None = None,
        parent: Post | None = None,
        mentions: list[Account] | None = None,
        lead: list[Account] | None = None,
        in_export: bool = True,
        quoted: Post | None = None,
        **compose_kw: object,
    ) -> Post | None:
        """Compose and register one post; None when it would fall after the study period."""
        if when is None or when >= END_UTC:
            return None
        theme = theme or (parent.theme if parent is not None else c.composer.theme_for(kt, author.role))
        composed = c.composer.compose(
            author,
            kt,
            theme,
            style=style,
            when=when,
            mentions=mentions,
            lead_mentions=lead,
            addressee=parent.author if parent else None,
            **compose_kw,
        )
        post = Post(
            platform=c.platform,
            org_id=c.org.id,
            file=c.platform,
            author=author,
            created_at=when,
            text=composed.text,
            title=composed.title,
            lang=c.org.lang,
            theme=composed.theme,
            knowledge_type=composed.knowledge_type,
            person=composed.person,
            mode=MODE_OF[scenario],
            scenario=scenario,
            scenario_id=sid,
            parent=parent,
            mentions=composed.mentions,
            hashtags=composed.hashtags,
            urls=composed.urls,
            in_export=in_export,
            quoted=quoted,
        )
        post.extra["pii"] = composed.pii
        post.extra["style"] = style
        post.root = parent.root or parent if parent is not None else None
        self._assign_id(c, post)
        self.posts.append(post)
        if in_export:
            self._count(c, post)
        return post

    def share(
        self,
        c: Community,
        sharer: Account,
        original: Post | None,
        when: datetime | None,
        *,
        scenario: str,
        sid: str,
        comment_kt: str | None = None,
    ) -> Post | None:
        """A retweet, reblog, repost or Facebook share of ``original`` by ``sharer``."""
        if original is None or when is None or when >= END_UTC:
            return None
        post = Post(
            platform=c.platform,
            org_id=c.org.id,
            file=c.platform,
            author=sharer,
            created_at=when,
            lang=original.lang,
            theme=original.theme,
            knowledge_type=original.knowledge_type,
            person=original.person,
            mode=MODE_OF[scenario],
            scenario=scenario,
            scenario_id=sid,
            shared=original,
        )
        if comment_kt is not None:  # a Facebook share with the page's own message
            composed = c.composer.compose(sharer, comment_kt, original.theme, style="amplify", when=when)
            post.text, post.knowledge_type, post.person = composed.text, comment_kt, "none"
            post.hashtags, post.extra["pii"] = composed.hashtags, composed.pii
        post.extra["style"] = "share"
        self._assign_id(c, post)
        self.posts.append(post)
        self._count(c, post)
        return post

    def _count(self, c: Community, post: Post) -> None:
        key = self._budget_key((c.org.id, c.platform))
        self.records[key] = self.records.get(key, 0) + 1

    def _assign_id(self, c: Community, post: Post) -> None:
        ids, when = self.ids, post.created_at
        if c.platform == "twitter":
            post.native_id = ids.tweet(when)
        elif c.platform == "mastodon":
            post.native_id = ids.mastodon(when)
        elif c.platform == "reddit":
            kind = "t1" if post.parent is not None else "t3"
            short = ids.reddit(kind, when)
            post.native_id = f"{kind}_{short}"
            post.extra["short_id"] = short
            post.file = "reddit_comments" if kind == "t1" else "reddit_submissions"
        elif c.platform == "bluesky":
            tid = ids.tid(when)
            if post.shared is not None:
                post.extra["repost_uri"] = f"at://{post.author.native_id}/app.bsky.feed.repost/{tid}"
                post.extra["repost_cid"] = ids.cid()
                post.native_id = f"repost:{post.author.native_id}:{post.shared.native_id}"
            else:
                post.native_id = f"at://{post.author.native_id}/app.bsky.feed.post/{tid}"
                post.extra["cid"] = ids.cid()
        elif c.platform == "facebook":
            post.extra["post_id"] = ids.digits(16, "1")
            post.native_id = f"{post.author.native_id}_{post.extra['post_id']}"
        post.thread_id = self._thread_id(post)

    @staticmethod
    def _thread_id(post: Post) -> str:
        """The thread root: conversation_id, link_id, reply root; a share or top post is its own."""
        if post.shared is not None or post.parent is None:
            return post.native_id
        return (post.root or post.parent).native_id

    def delay(self, c: Community, when: datetime | None, kind: str = "reply") -> datetime | None:
        """``when`` plus a random, platform-typical delay."""
        if when is None:
            return None
        median, sigma = {"reply": REPLY_DELAY[c.platform], "org": ORG_REPLY_DELAY, "share": SHARE_DELAY}[kind]
        minutes = c.rng.lognormvariate(math.log(median), sigma)
        return (when + timedelta(minutes=max(1.0, minutes), seconds=c.rng.randrange(60))).replace(
            microsecond=0
        )

    # ------------------------------------------------------------------ knowledge types

    def org_kt(self, c: Community, when: datetime) -> str:
        weights = dict(ORG_KT)
        if near(when.date(), rare_disease_day(when.year), 3):
            weights["advocacy"] *= 3
            weights["mediated_experiential"] *= 1.5
        return _choice(c.rng, weights)

    def public_kt(self, c: Community, author: Account, when: datetime) -> str:
        weights = dict(PARENT_ROOT_KT if author.kind in PARENT_KINDS else PUBLIC_ROOT_KT)
        if author.kind not in PARENT_KINDS:
            weights["mediated_experiential"] *= 0.3
        if near(when.date(), rare_disease_day(when.year), 3):
            weights["advocacy"] *= 2.5
        return _choice(c.rng, weights)

    # ------------------------------------------------------------------ scenarios

    def scenario(self, c: Community) -> None:
        """Generate one scenario instance in community ``c``."""
        name = _choice(c.rng, SCENARIO_WEIGHTS[c.platform])
        getattr(self, f"_{name}")(c, self._new_sid(c))

    def _broadcast(self, c: Community, sid: str) -> None:
        t0 = c.calendar.start(c.rng, org_hours=True)
        kt = self.org_kt(c, t0)
        style = "post"
        root = self.post(c, c.org_account, t0, kt, scenario="broadcast", sid=sid, style=style)
        if root is None or c.platform not in ("twitter", "mastodon"):
            return
        for _ in range(c.rng.choices([0, 1, 2, 3], [0.45, 0.3, 0.15, 0.1])[0]):
            self.share(c, c.person(), root, self.delay(c, t0, "share"), scenario="broadcast", sid=sid)

    def _peer_page(self, c: Community, sid: str) -> None:
        page = c.rng.choice(c.peers)
        t0 = c.calendar.start(c.rng, org_hours=True)
        kt = _choice(c.rng, {"medical": 0.4, "advocacy": 0.3, "practical": 0.2, "other": 0.1})
        self.post(c, page, t0, kt, scenario="peer_page", sid=sid)

    def _dialogue(self, c: Community, sid: str) -> None:
        if c.platform == "bluesky":
            self._bluesky_dialogue(c, sid)
            return
        rng, org = c.rng, c.org_account
        asker = c.person()
        t0 = c.calendar.start(rng)
        if c.platform == "reddit" or rng.random() < 0.75:
            q_kt = _choice(rng, QUESTION_KT)
            mention_org = c.platform != "reddit" or rng.random() < 0.35
            lead = [org] if mention_org and c.platform != "reddit" else None
            mentions = [org] if mention_org and c.platform == "reddit" else None
            first = self.post(
                c,
                asker,
                t0,
                q_kt,
                scenario="dialogue",
                sid=sid,
                style="question",
                lead=lead,
                mentions=mentions,
                link_p=0.03,
            )
            answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "practical")
        else:  # the organisation posts, someone asks about it, the organisation answers
            opener = self.post(
                c,
                org,
                c.calendar.start(rng, org_hours=True),
                _choice(rng, {"practical": 0.5, "medical": 0.3, "advocacy": 0.2}),
                scenario="dialogue",
                sid=sid,
            )
            if opener is None:
                return
            q_kt = _choice(rng, QUESTION_KT)
            first = self.post(
                c,
                asker,
                self.delay(c, opener.created_at),
                q_kt,
                scenario="dialogue",
                sid=sid,
                style="question",
                parent=opener,
                lead=self._lead(c, opener),
                link_p=0.0,
            )
            answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "practical")
        if first is None:
            return
        if rng.random() < 0.15:
            answer_kt = "other"
        answer = self.post(
            c,
            org,
            self.delay(c, first.created_at, "org"),
            answer_kt,
            scenario="dialogue",
            sid=sid,
            style="answer",
            parent=first,
            lead=self._lead(c, first),
        )
        if answer is None or rng.random() > 0.7:
            return
        follow = self.post(
            c,
            first.author,
            self.delay(c, answer.created_at),
            _choice(rng, FOLLOW_UP_KT),
            scenario="dialogue",
            sid=sid,
            style="followup",
            parent=answer,
            lead=self._lead(c, answer),
        )
        if follow is not None and rng.random() < 0.35:
            self.post(
                c,
                org,
                self.delay(c, follow.created_at, "org"),
                "other",
                scenario="dialogue",
                sid=sid,
                style="answer",
                parent=follow,
                lead=self._lead(c, follow),
            )
        if rng.random() < 0.3:
            other = c.person(exclude=(first.author,))
            self.post(
                c,
                other,
                self.delay(c, first.created_at),
                _choice(rng, PEER_REPLY_KT),
                scenario="dialogue",
                sid=sid,
                style="reply",
                parent=first,
                lead=self._lead(c, first),
            )

    def _lead(self, c: Community, parent: Post) -> list[Account] | None:
        """Mentions a reply starts with: Twitter and Mastodon name the person replied to."""
        if c.platform not in ("twitter", "mastodon"):
            return None
        lead = [parent.author]
        root = parent.root
        if root is not None and root.author is not parent.author and c.rng.random() < 0.3:
            lead.append(root.author)
        return lead

    def _peer_exchange(self, c: Community, sid: str) -> None:
        rng = c.rng
        author = c.person()
        t0 = c.calendar.start(rng)
        deleted_root = c.platform in ("twitter", "mastodon", "reddit") and rng.random() < 0.04
        mentions = [c.person(exclude=(author,))] if rng.random() < 0.08 else None
        root = self.post(
            c,
            author,
            t0,
            self.public_kt(c, author, t0),
            scenario="peer_exchange",
            sid=sid,
            mentions=mentions,
            in_export=not deleted_root,
        )
        if root is None:
            return
        if deleted_root:
            root.extra["deleted"] = True
        n_replies = rng.choices(range(9), [0.26, 0.22, 0.17, 0.12, 0.09, 0.06, 0.04, 0.02, 0.02])[0]
        if deleted_root:
            n_replies = max(1, n_replies)
        self._replies(c, root, n_replies, "peer_exchange", sid)
        if c.platform in ("twitter", "mastodon") and rng.random() < 0.18 and not deleted_root:
            self.share(
                c,
                c.person(exclude=(author,)),
                root,
                self.delay(c, t0, "share"),
                scenario="peer_exchange",
                sid=sid,
            )

    def _replies(
        self,
        c: Community,
        root: Post,
        count: int,
        scenario: str,
        sid: str,
        kts: dict[str, float] | None = None,
    ) -> list[Post]:
        """Add ``count`` replies from private people to a thread, as a tree."""
        rng = c.rng
        thread = [root]
        for _ in range(count):
            parent = thread[-1] if rng.random() < 0.55 else rng.choice(thread)
            if parent.author is not root.author and rng.random() < 0.25:
                author = root.author
            else:
                author = c.person(exclude=(parent.author,))
            if c.platform == "reddit" and rng.random() < 0.03:
                parent = self._deleted_comment(c, parent, scenario, sid) or parent
            kt = _choice(rng, kts or PEER_REPLY_KT)
            mentions = [c.person(exclude=(author, parent.author))] if rng.random() < 0.1 else None
            reply = self.post(
                c,
                author,
                self.delay(c, parent.created_at),
                kt,
                scenario=scenario,
                sid=sid,
                style="reply",
                parent=parent,
                lead=self._lead(c, parent),
                mentions=mentions,
            )
            if reply is not None:
                thread.append(reply)
        return thread[1:]

    def _deleted_comment(self, c: Community, parent: Post, scenario: str, sid: str) -> Post | None:
        """A Reddit comment deleted before the dump was made: replies to it remain."""
        hidden = self.post(
            c,
            c.person(),
            self.delay(c, parent.created_at),
            "other",
            scenario=scenario,
            sid=sid,
            style="reply",
            parent=parent,
            in_export=False,
        )
        if hidden is not None:
            hidden.extra["deleted"] = True
        return hidden

    def _amplification(self, c: Community, sid: str) -> None:
        rng, org = c.rng, c.org_account
        if c.platform == "facebook":
            page = rng.choice(c.family_pages)
            t0 = c.calendar.start(rng)
            story = self.post(c, page, t0, "mediated_experiential", scenario="amplification", sid=sid)
            if story is not None:
                when = story.created_at + timedelta(hours=rng.randint(6, 96), minutes=rng.randrange(60))
                self.share(
                    c,
                    org,
                    story,
                    when,
                    scenario="amplification",
                    sid=sid,
                    comment_kt=_choice(rng, AMPLIFY_KT),
                )
            return
        author = c.person(kinds=PARENT_KINDS if rng.random() < 0.45 else ())
        t0 = c.calendar.start(rng)
        kt = "mediated_experiential" if author.kind in PARENT_KINDS and rng.random() < 0.5 else "experiential"
        context = c.platform == "bluesky"
        story = self.post(c, author, t0, kt, scenario="amplification", sid=sid, in_export=not context)
        if story is None:
            return
        if not context:
            self._replies(c, story, rng.choice([0, 0, 1, 2]), "amplification", sid)
        if c.platform in ("twitter", "bluesky") and rng.random() < 0.35:
            self.post(
                c,
                org,
                self.delay(c, t0, "share"),
                _choice(rng, AMPLIFY_KT),
                scenario="amplification",
                sid=sid,
                style="amplify",
                theme=story.theme,
                quoted=story,
                reserve=24 if c.platform == "twitter" else 0,
            )
        else:
            self.share(c, org, story, self.delay(c, t0, "share"), scenario="amplification", sid=sid)

    def _call_for_stories(self, c: Community, sid: str) -> None:
        rng, org = c.rng, c.org_account
        t0 = c.calendar.start(rng, org_hours=True)
        call = self.post(
            c, org, t0, "advocacy", scenario="call_for_stories", sid=sid, style="call", theme="awareness"
        )
        if call is None:
            return
        if c.platform == "facebook":
            for _ in range(rng.randint(1, 3)):
                when = call.created_at + timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 6))
                self.post(c, org, when, "mediated_experiential", scenario="call_for_stories", sid=sid)
            return
        answers = []
        for _ in range(rng.randint(2, 6)):
            author = c.person()
            kt = _choice(rng, STORY_KT)
            if author.kind not in PARENT_KINDS:
                kt = "experiential"
            answer = self.post(
                c,
                author,
                self.delay(c, call.created_at),
                kt,
                scenario="call_for_stories",
                sid=sid,
                style="reply",
                parent=call,
                lead=self._lead(c, call),
            )
            if answer is not None:
                answers.append(answer)
        if c.platform == "reddit":
            if answers and rng.random() < 0.5:
                self._replies(
                    c,
                    answers[0],
                    rng.randint(1, 2),
                    "call_for_stories",
                    sid,
                    kts={"other": 0.7, "experiential": 0.3},
                )
            return
        for answer in rng.sample(answers, k=min(len(answers), rng.randint(1, 2))):
            self.share(
                c,
                org,
                answer,
                self.delay(c, answer.created_at, "share"),
                scenario="call_for_stories",
                sid=sid,
            )

    def _bluesky_dialogue(self, c: Community, sid: str) -> None:
        """On the organisation's author feed only its replies are records; questions are context."""
        rng, org = c.rng, c.org_account
        asker = c.person()
        t0 = c.calendar.start(rng)
        q_kt = _choice(rng, QUESTION_KT)
        question = self.post(
            c,
            asker,
            t0,
            q_kt,
            scenario="dialogue",
            sid=sid,
            style="question",
            mentions=[org] if rng.random() < 0.6 else None,
            in_export=False,
            link_p=0.03,
        )
        if question is None:
            return
        if rng.random() < 0.04:
            question.extra["deleted"] = True
        answer_kt = {"practical": "practical", "medical": "medical"}.get(q_kt, "other")
        answer = self.post(
            c,
            org,
            self.delay(c, t0, "org"),
            answer_kt,
            scenario="dialogue",
            sid=sid,
            style="answer",
            parent=question,
        )
        if answer is None or rng.random() > 0.45 or question.extra.get("deleted"):
            return
        follow = self.post(
            c,
            asker,
            self.delay(c, answer.created_at),
            _choice(rng, FOLLOW_UP_KT),
            scenario="dialogue",
            sid=sid,
            style="followup",
            parent=answer,
            in_export=False,
        )
        if follow is not None:
            self.post(
                c,
                org,
                self.delay(c, follow.created_at, "org"),
                "other",
                scenario="dialogue",
                sid=sid,
                style="answer",
                parent=follow,
            )

    def _bridge_post(self, c: Community, bridge: Account) -> None:
        """A guaranteed post of a bridging person, with a reply from the community."""
        sid = self._new_sid(c)
        t0 = c.calendar.start(c.rng)
        root = self.post(
            c,
            bridge,
            t0,
            c.rng.choice(["experiential", "advocacy", "practical"]),
            scenario="peer_exchange",
            sid=sid,
        )
        if root is not None:
            self._replies(c, root, 1, "peer_exchange", sid)

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
            ]
            post.parent = c.rng.choice(parents)
            post.root = post.parent
        self._assign_id(c, post)
        post.extra["spare"] = True
        return post

    # ------------------------------------------------------------------ counts

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


__all__ = ["Community", "World", "build_world"]
