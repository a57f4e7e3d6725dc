"""Bluesky: a JSON array of ``app.bsky.feed.getAuthorFeed`` pages of the organisation's account."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from helpers.demo_corpus.model import Account, OrgSpec, Post
from helpers.demo_corpus.writers.common import (
    _HASHTAG,
    _PLACEHOLDER,
    RETRIEVED,
    Context,
    Defect,
    _account_rng,
    _dumps,
    _iso,
    _page_sizes,
    _write_json_array,
    mark_written,
)


class BlueskyRenderer:
    """Turns posts into ``app.bsky.feed.defs`` views."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._profiles: dict[str, dict] = {}

    def profile(self, account: Account) -> dict:
        if account.native_id not in self._profiles:
            self._profiles[account.native_id] = self._profile(account)
        return self._profiles[account.native_id]

    def _profile(self, account: Account) -> dict:
        rng = _account_rng(account)
        return {
            "did": account.native_id,
            "handle": account.handle,
            "displayName": account.display_name,
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{account.native_id}/bafkrei"
            f"{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz234567', k=52))}@jpeg",
            "associated": {"chat": {"allowIncoming": "following"}},
            "labels": [],
            "createdAt": _iso(account.created_at),
        }

    @staticmethod
    def display_text(post: Post) -> tuple[str, list[tuple[int, int, str]]]:
        """The text as the app writes it: links shortened for display, with their spans and targets."""
        text, links = post.text, []
        for url in post.urls:
            start = text.find(url)
            if start < 0:
                continue
            shown = url.split("://", 1)[1]
            shown = shown if len(shown) <= 30 else shown[:27] + "..."
            text = text[:start] + shown + text[start + len(url) :]
            links.append((start, start + len(shown), url))
        return text, links

    @classmethod
    def facets(cls, post: Post) -> list[dict]:
        """Rich-text facets with UTF-8 byte offsets: mentions, links and tags."""
        text, links = cls.display_text(post)
        by_handle = {a.handle.lower(): a for a in post.mentions}
        facets = []

        def span(start: int, end: int) -> dict:
            return {"byteStart": len(text[:start].encode()), "byteEnd": len(text[:end].encode())}

        for match in re.finditer(r"(?<![\w@])@([a-z0-9][a-z0-9.-]*[a-z0-9])", text):
            account = by_handle.get(match.group(1).lower())
            if account is not None:
                facets.append(
                    {
                        "$type": "app.bsky.richtext.facet",
                        "index": span(match.start(), match.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": account.native_id}],
                    }
                )
        for start, end, url in links:
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": span(start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
                }
            )
        for match in _HASHTAG.finditer(text):
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": span(match.start(), match.end()),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
                }
            )
        return sorted(facets, key=lambda f: f["index"]["byteStart"])

    def record(self, post: Post) -> dict:
        record: dict = {
            "$type": "app.bsky.feed.post",
            "createdAt": _iso(post.created_at),
            "langs": [post.lang],
            "text": self.display_text(post)[0],
        }
        facets = self.facets(post)
        if facets:
            record["facets"] = facets
        if post.parent is not None:
            root = post.root or post.parent
            record["reply"] = {
                "parent": {"cid": post.parent.extra["cid"], "uri": post.parent.native_id},
                "root": {"cid": root.extra["cid"], "uri": root.native_id},
            }
        if post.quoted is not None:
            record["embed"] = {
                "$type": "app.bsky.embed.record",
                "record": {"cid": post.quoted.extra["cid"], "uri": post.quoted.native_id},
            }
        elif post.urls:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {
                    "uri": post.urls[0],
                    "title": urlsplit(post.urls[0]).hostname,
                    "description": "",
                },
            }
        return record

    def view(self, post: Post, typed: bool = False) -> dict:
        """A postView (with ``$type`` inside reply references)."""
        mark_written(post)
        view: dict = {"$type": "app.bsky.feed.defs#postView"} if typed else {}
        view.update(
            {
                "uri": post.native_id,
                "cid": post.extra["cid"],
                "author": self.profile(post.author),
                "record": self.record(post),
            }
        )
        if post.quoted is not None:
            quoted = post.quoted
            mark_written(quoted)
            view["embed"] = {
                "$type": "app.bsky.embed.record#view",
                "record": {
                    "$type": "app.bsky.embed.record#viewRecord",
                    "uri": quoted.native_id,
                    "cid": quoted.extra["cid"],
                    "author": self.profile(quoted.author),
                    "value": self.record(quoted),
                    "labels": [],
                    "likeCount": quoted.likes,
                    "replyCount": quoted.replies,
                    "repostCount": quoted.reposts,
                    "quoteCount": quoted.quotes,
                    "indexedAt": _iso(quoted.created_at + timedelta(seconds=1)),
                    "embeds": [],
                },
            }
        elif post.urls:
            view["embed"] = {
                "$type": "app.bsky.embed.external#view",
                "external": {
                    "uri": post.urls[0],
                    "title": urlsplit(post.urls[0]).hostname,
                    "description": "",
                },
            }
        view.update(
            {
                "replyCount": post.replies,
                "repostCount": post.reposts,
                "likeCount": post.likes,
                "quoteCount": post.quotes,
                "indexedAt": _iso(post.created_at + timedelta(seconds=1)),
                "viewer": {"threadMuted": False, "embeddingDisabled": False},
                "labels": [],
            }
        )
        return view

    def reference(self, post: Post) -> dict:
        if post.extra.get("deleted"):
            return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": post.native_id, "notFound": True}
        return self.view(post, typed=True)

    def item(self, post: Post) -> dict:
        """The feedViewPost of a record of the author feed."""
        if post.shared is not None:
            return {
                "post": self.view(post.shared),
                "reason": {
                    "$type": "app.bsky.feed.defs#reasonRepost",
                    "by": self.profile(post.author),
                    "uri": post.extra["repost_uri"],
                    "cid": post.extra["repost_cid"],
                    "indexedAt": _iso(post.created_at),
                },
            }
        item: dict = {"post": self.view(post)}
        if post.parent is not None:
            root = post.root or post.parent
            item["reply"] = {"root": self.reference(root), "parent": self.reference(post.parent)}
            if post.parent.parent is not None:
                item["reply"]["grandparentAuthor"] = self.profile(post.parent.parent.author)
        return item


def write_bluesky(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write a JSON array of getAuthorFeed pages (newest first) with bad and duplicate items."""
    rng = ctx.rng
    render = BlueskyRenderer(ctx)
    posts = sorted(posts, key=lambda p: (p.created_at, p.native_id), reverse=True)
    items: list[tuple[dict, str, str]] = [(render.item(p), "", p.native_id) for p in posts]
    for post in posts:
        mark_written(post)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(items))
        item, _, native = items[j]
        items.insert(rng.randrange(j + 1, len(items) + 1), (copy.deepcopy(item), "duplicate", native))
    for kind in ("missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            item = render.item(ctx.spare(org.id, "bluesky"))
            view = item["post"]
            if kind == "missing_id":
                del view["uri"]
                del view["cid"]
            elif kind == "bad_date":
                view["record"]["createdAt"] = "2024-02-30T25:61:00.000Z"
                view["indexedAt"] = "2024-02-30T25:61:01.000Z"
            elif kind == "wrong_type":
                view["record"]["createdAt"] = {"x": 1}
                view["indexedAt"] = {"x": 1}
            else:
                view["record"]["text"] = view["record"]["text"][:40] + _PLACEHOLDER
            items.insert(rng.randrange(len(items) + 1), (item, kind, ""))
    n = len(items)
    sizes = _page_sizes(rng, n, (max(5, min(50, n // 10)), max(8, min(100, n // 4))))
    pages, start = [], 0
    for k, size in enumerate(sizes):
        feed = [item for item, _, _ in items[start : start + size]]
        start += size
        page: dict = {"feed": feed}
        if k < len(sizes) - 1:
            last = feed[-1]
            when = last.get("reason", {}).get("indexedAt") or last["post"].get("indexedAt")
            page["cursor"] = when if isinstance(when, str) else _iso(RETRIEVED)
        pages.append(_dumps(page))
    _write_json_array(path, pages)
    return [
        Defect(file, number, kind, native) for number, (_, kind, native) in enumerate(items, start=1) if kind
    ]
