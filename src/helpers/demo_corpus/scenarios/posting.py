"""What every scenario is made of: a post or a share, its id and delay, replies that grow a thread."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from helpers.demo_corpus.calendar import END_UTC
from helpers.demo_corpus.model import Account, Post
from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.knowledge_types import PEER_REPLY_KT, _choice

MODE_OF = {
    "broadcast": "one_way",
    "peer_page": "one_way",
    "dialogue": "two_way",
    "peer_exchange": "crowd_sourced",
    "amplification": "crowd_sourced",
    "call_for_stories": "crowd_sourced",
    "source_post": "crowd_sourced",
    "gatekeeping": "crowd_sourced",
    "rdd_stories": "crowd_sourced",
}
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


class PostingMixin:
    """Part of :class:`~helpers.demo_corpus.scenarios.world.World`: posts, shares, replies, ids, delays."""

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
            source_types=composed.source_types,
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
            post.urls, post.source_types = composed.urls, composed.source_types
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

    def _lead(self, c: Community, parent: Post) -> list[Account] | None:
        """Mentions a reply starts with: Twitter and Mastodon name the person replied to."""
        if c.platform not in ("twitter", "mastodon"):
            return None
        lead = [parent.author]
        root = parent.root
        if root is not None and root.author is not parent.author and c.rng.random() < 0.3:
            lead.append(root.author)
        return lead

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
