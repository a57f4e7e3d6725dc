"""Reddit: Pushshift / Arctic Shift NDJSON of submissions (zstandard-compressed) or comments (plain).

``author_flair_text`` is the author's flair on r/PKU: "Organisation" for the
organisation, a role for clinicians, researchers, journalists and companies,
and a short self-description for a share of people (:func:`~helpers.demo_corpus.profiles.flair`).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import urlsplit

import zstandard

from helpers.demo_corpus.model import OrgSpec, Post
from helpers.demo_corpus.profiles import flair
from helpers.demo_corpus.writers.common import (
    _PLACEHOLDER,
    Context,
    Defect,
    _dumps,
    _encode,
    _line_defects,
    mark_written,
)

ZSTD_LEVEL = 10
SUBREDDIT = {"subreddit": "PKU", "subreddit_id": "t5_2s4l3", "subreddit_name_prefixed": "r/PKU"}
LINK_POSTERS = ("media", "industry", "public_body")  # accounts that mostly submit links, not texts


def _reddit_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "_".join(words[:8]) or "post"


def _submission(post: Post) -> dict:
    rng = random.Random(f"rs:{post.native_id}")
    short = post.extra["short_id"]
    slug = _slug(post.title)
    link_post = bool(
        post.author.role == "org" and post.knowledge_type == "medical" and post.urls and rng.random() < 0.3
    ) or bool(post.author.kind in LINK_POSTERS and post.urls and rng.random() < 0.7)
    permalink = f"/r/PKU/comments/{short}/{slug}/"
    created = int(post.created_at.timestamp())
    return {
        "all_awardings": [],
        "archived": False,
        "author": post.author.handle,
        "author_flair_text": flair(post.author)[0],
        "author_fullname": post.author.native_id,
        "created_utc": created,
        "distinguished": None,
        "domain": urlsplit(post.urls[0]).hostname if link_post else "self.PKU",
        "edited": False,
        "gilded": 0,
        "id": short,
        "is_self": not link_post,
        "link_flair_text": {
            "medical": "Research",
            "practical": "Tips",
            "advocacy": "Event",
            "other": "Discussion",
        }.get(post.knowledge_type, "Discussion"),
        "locked": False,
        "name": post.native_id,
        "num_comments": post.replies,
        "over_18": False,
        "permalink": permalink,
        "retrieved_on": created + rng.randrange(3600, 86400 * 3),
        "score": post.likes,
        "selftext": "" if link_post else _reddit_escape(post.text),
        "stickied": False,
        **SUBREDDIT,
        "subreddit_subscribers": 5200 + created % 1700,
        "title": _reddit_escape(post.title),
        "upvote_ratio": round(rng.uniform(0.82, 1.0), 2),
        "url": post.urls[0] if link_post else f"https://www.reddit.com{permalink}",
    }


def _comment(post: Post) -> dict:
    rng = random.Random(f"rc:{post.native_id}")
    root = post.root or post.parent
    created = int(post.created_at.timestamp())
    short = post.extra["short_id"]
    return {
        "all_awardings": [],
        "author": post.author.handle,
        "author_flair_text": flair(post.author)[0],
        "author_fullname": post.author.native_id,
        "body": _reddit_escape(post.text),
        "controversiality": 0,
        "created_utc": created,
        "distinguished": None,
        "edited": False,
        "gilded": 0,
        "id": short,
        "is_submitter": root is not None and root.author is post.author,
        "link_id": root.native_id if root is not None else "",
        "locked": False,
        "name": post.native_id,
        "parent_id": post.parent.native_id if post.parent is not None else "",
        "permalink": f"/r/PKU/comments/{root.extra['short_id'] if root else ''}/comment/{short}/",
        "retrieved_on": created + rng.randrange(3600, 86400 * 3),
        "score": max(1, post.likes),
        "send_replies": True,
        "stickied": False,
        **SUBREDDIT,
        "total_awards_received": 0,
    }


def write_pushshift(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write Reddit NDJSON (oldest first), zstandard-compressed for ``.zst``, with defects."""
    rng = ctx.rng
    comments = file.endswith("comments.ndjson")
    render = _comment if comments else _submission
    posts = sorted(posts, key=lambda p: (p.created_at, p.native_id))
    lines: list[tuple[str, list[tuple[str, str]]]] = []
    for post in posts:
        lines.append((_dumps(render(post)), []))
        mark_written(post)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(lines))
        record = json.loads(lines[j][0])
        lines.insert(rng.randrange(j + 1, len(lines) + 1), (lines[j][0], [("duplicate", record["name"])]))
    for kind in ("truncated_json", "missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            record = render(ctx.spare(org.id, "reddit", reply=comments))
            text_key = "body" if comments else "selftext"
            if kind == "missing_id":
                del record["id"]
                del record["name"]
            elif kind == "bad_date":
                record["created_utc"] = "2024-02-30 25:61"
            elif kind == "wrong_type":
                record["created_utc"] = {"x": 1}
            elif kind == "invalid_utf8":
                record[text_key] = record[text_key][:40] + _PLACEHOLDER
            line = _dumps(record)
            if kind == "truncated_json":
                line = line[: int(len(line) * 0.55)]
            lines.insert(rng.randrange(len(lines) + 1), (line, [(kind, "")]))
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = b"".join(_encode(text) + b"\n" for text, _ in lines)
    if path.suffix == ".zst":
        raw = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True).compress(raw)
    path.write_bytes(raw)
    return _line_defects(file, lines)
