"""Twitter/X: twarc2 search output, one API v2 response page per line, JSON with ASCII escapes."""

from __future__ import annotations

import copy
import html
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from helpers.demo_corpus.model import Account, OrgSpec, Post
from helpers.demo_corpus.writers.common import (
    _HASHTAG,
    _PLACEHOLDER,
    RETRIEVED,
    Context,
    Defect,
    _account_rng,
    _bio,
    _dumps,
    _iso,
    _line_defects,
    _page_sizes,
    _write_lines,
    mark_written,
)

TWITTER_QUERY = {
    "sma-uk": '@SMATogetherUK OR #SMA OR #SpinalMuscularAtrophy OR "spinal muscular atrophy"',
    "dravet-it": '@DravetInsieme OR #Dravet OR #sindromediDravet OR "sindrome di Dravet"',
}
TWITTER_FIELDS = (
    "expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2C"
    "referenced_tweets.id.author_id%2Centities.mentions.username&tweet.fields=attachments%2C"
    "author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid%2Cin_reply_to_user_id%2Clang%2C"
    "public_metrics%2Creferenced_tweets%2Creply_settings%2Ctext%2Cedit_history_tweet_ids&"
    "user.fields=created_at%2Cdescription%2Cid%2Clocation%2Cname%2Cprotected%2Cpublic_metrics%2C"
    "url%2Cusername%2Cverified"
)
_URL = re.compile(r"https?://\S+")
BIG_ACCOUNTS = ("peer_org", "researcher", "media", "public_body", "industry")  # many followers
_TWITTER_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")


class TwitterRenderer:
    """Turns posts into API v2 tweet and user objects."""

    def __init__(self, ctx: Context, org: OrgSpec) -> None:
        self.ctx = ctx
        self.org = org
        self._tco: dict[str, str] = {}
        self._users: dict[str, dict] = {}

    def tco(self, url: str) -> str:
        if url not in self._tco:
            self._tco[url] = "https://t.co/" + self.ctx.ids.token(10)
        return self._tco[url]

    def status_url(self, post: Post) -> str:
        return f"https://twitter.com/{post.author.handle}/status/{post.native_id}"

    def text_and_entities(self, post: Post) -> tuple[str, dict]:
        """Tweet text (links as t.co, ``&<>`` escaped) and its entities."""
        if post.shared is not None:
            original = post.shared
            body, _ = self.text_and_entities(original)
            text = f"RT @{original.author.handle}: {html.unescape(body)}"
            if len(text) > 140:
                text = text[:139].rsplit(" ", 1)[0] + "…"
            accounts = [original.author, *original.mentions]
            expanded = {self.tco(u): u for u in original.urls}
        else:
            text = post.text
            expanded = {}
            for url in post.urls:
                short = self.tco(url)
                text = text.replace(url, short, 1)
                expanded[short] = url
            if post.quoted is not None:
                link = self.status_url(post.quoted)
                short = self.tco(link)
                text = f"{text} {short}"
                expanded[short] = link
            accounts = list(post.mentions)
        text = html.escape(text, quote=False)
        return text, self._entities(text, accounts, expanded)

    @staticmethod
    def _entities(text: str, accounts: list[Account], expanded: dict[str, str]) -> dict:
        by_name = {a.handle.lower(): a for a in accounts}
        entities: dict[str, list] = {}
        for match in _TWITTER_MENTION.finditer(text):
            account = by_name.get(match.group(1).lower())
            if account is not None:
                entities.setdefault("mentions", []).append(
                    {
                        "start": match.start(),
                        "end": match.end(),
                        "username": account.handle,
                        "id": account.native_id,
                    }
                )
        for match in _HASHTAG.finditer(text):
            entities.setdefault("hashtags", []).append(
                {"start": match.start(), "end": match.end(), "tag": match.group(1)}
            )
        for match in _URL.finditer(text):
            short = match.group(0).rstrip("…")
            if short not in expanded:
                continue
            full = expanded[short]
            display = full.split("://", 1)[1]
            display = display if len(display) <= 26 else display[:25] + "…"
            entities.setdefault("urls", []).append(
                {
                    "start": match.start(),
                    "end": match.start() + len(short),
                    "url": short,
                    "expanded_url": full,
                    "display_url": display,
                }
            )
        return entities

    def tweet(self, post: Post) -> dict:
        """The API v2 tweet object of a post."""
        text, entities = self.text_and_entities(post)
        root = post.root or post.parent
        conversation = root.native_id if post.parent is not None and root is not None else post.native_id
        metrics = {
            "retweet_count": post.reposts,
            "reply_count": post.replies,
            "like_count": post.likes,
            "quote_count": post.quotes,
            "bookmark_count": post.likes // 12,
            "impression_count": post.likes * 37 + post.replies * 11,
        }
        if post.shared is not None:
            metrics = {
                "retweet_count": post.shared.reposts,
                "reply_count": 0,
                "like_count": 0,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": 0,
            }
        tweet: dict = {
            "edit_history_tweet_ids": [post.native_id],
            "conversation_id": conversation,
            "text": text,
            "author_id": post.author.native_id,
            "public_metrics": metrics,
            "lang": post.lang if post.text.strip() or post.shared is not None else "und",
            "created_at": _iso(post.created_at),
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "id": post.native_id,
        }
        if entities:
            tweet["entities"] = entities
        refs = []
        if post.parent is not None:
            refs.append({"type": "replied_to", "id": post.parent.native_id})
            tweet["in_reply_to_user_id"] = post.parent.author.native_id
        if post.quoted is not None:
            refs.append({"type": "quoted", "id": post.quoted.native_id})
        if post.shared is not None:
            refs.append({"type": "retweeted", "id": post.shared.native_id})
        if refs:
            tweet["referenced_tweets"] = refs
        return tweet

    def user(self, account: Account) -> dict:
        """The API v2 user object of an account (built once per account)."""
        cached = self._users.get(account.native_id)
        if cached is not None:
            return cached
        rng = _account_rng(account)
        big = account.role == "org" or account.kind in BIG_ACCOUNTS
        followers = int(rng.lognormvariate(8.5 if big else 5.0, 1.0))
        user = {
            "id": account.native_id,
            "name": account.display_name,
            "username": account.handle,
            "created_at": _iso(account.created_at),
            "description": _bio(account, self.org),
            "location": rng.choice(
                ["", "", "UK", "Italia", "Leeds, England", "Roma, Lazio", "Manchester", "Milano", "Bristol"]
            )
            if account.role != "org"
            else {"sma-uk": "United Kingdom", "dravet-it": "Italia"}.get(self.org.id, ""),
            "protected": False,
            "verified": False,
            "public_metrics": {
                "followers_count": followers,
                "following_count": int(rng.lognormvariate(5.5, 0.8)),
                "tweet_count": int(rng.lognormvariate(7.5, 1.2)),
                "listed_count": int(followers / 60),
                "like_count": int(rng.lognormvariate(7, 1.3)),
            },
            "profile_image_url": f"https://pbs.twimg.com/profile_images/{account.native_id[-9:]}"
            f"{rng.randrange(10**9)}/{rng.randrange(16**8):08x}_normal.jpg",
            "url": "",
        }
        self._users[account.native_id] = user
        return user


def _twitter_accounts(post: Post) -> list[Account]:
    accounts = [post.author, *post.mentions]
    for other in (post.parent, post.quoted, post.shared):
        if other is not None:
            accounts.append(other.author)
            if other is post.shared:
                accounts.extend(other.mentions)
    return accounts


def _twitter_page(
    render: TwitterRenderer, data: list[dict], posts: list[Post | None], page_no: int, next_token: str | None
) -> dict:
    users: dict[str, dict] = {}
    included: dict[str, dict] = {}
    errors: list[dict] = []
    for post in posts:
        if post is None:
            continue
        mark_written(post)
        for account in _twitter_accounts(post):
            users.setdefault(account.native_id, render.user(account))
        for ref in (post.parent, post.quoted, post.shared):
            if ref is None or ref.native_id in included:
                continue
            if ref.extra.get("deleted"):
                errors.append(
                    {
                        "value": ref.native_id,
                        "detail": f"Could not find tweet with referenced_tweets.id: [{ref.native_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "referenced_tweets.id",
                        "resource_id": ref.native_id,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                )
                continue
            included[ref.native_id] = render.tweet(ref)
            for account in _twitter_accounts(ref):
                users.setdefault(account.native_id, render.user(account))
    ids = [t["id"] for t in data if "id" in t]
    meta: dict = {
        "newest_id": max(ids, key=int) if ids else "",
        "oldest_id": min(ids, key=int) if ids else "",
        "result_count": len(data),
    }
    if next_token:
        meta["next_token"] = next_token
    query = quote(TWITTER_QUERY[render.org.id], safe="")
    url = (
        f"https://api.twitter.com/2/tweets/search/all?{TWITTER_FIELDS}&start_time=2024-01-01T00%3A00%3A00"
        f"%2B00%3A00&end_time=2026-01-01T00%3A00%3A00%2B00%3A00&query={query}&max_results=100"
    )
    page: dict = {"data": data, "includes": {"users": list(users.values())}}
    if included:
        page["includes"]["tweets"] = list(included.values())
    if errors:
        page["errors"] = errors
    page["meta"] = meta
    page["__twarc"] = {
        "url": url,
        "version": "2.14.0",
        "retrieved_at": (RETRIEVED + timedelta(seconds=3 * page_no)).isoformat(),
    }
    return page


def write_twarc2(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write twarc2 search pages (newest first) with bad pages, bad tweets and duplicate tweets."""
    rng = ctx.rng
    render = TwitterRenderer(ctx, org)
    posts = sorted(posts, key=lambda p: (p.created_at, int(p.native_id)), reverse=True)
    n = len(posts)
    sizes = _page_sizes(rng, n, (max(8, min(60, n // 10)), max(12, min(100, n // 5))))
    pages: list[tuple[list[dict], list[Post | None]]] = []
    start = 0
    for size in sizes:
        chunk = posts[start : start + size]
        start += size
        pages.append(([render.tweet(p) for p in chunk], list(chunk)))
    defects: dict[int, list[tuple[str, str]]] = {}  # page index -> [(kind, native id)]
    # Duplicates: a tweet of one page again at the top of the next page.
    for _ in range(ctx.n_dup):
        if len(pages) < 2:
            break
        k = rng.randrange(len(pages) - 1)
        data, chunk = pages[k]
        j = rng.randrange(len(data))
        pages[k + 1][0].insert(0, copy.deepcopy(data[j]))
        pages[k + 1][1].insert(0, chunk[j])
        defects.setdefault(k + 1, []).append(("duplicate", data[j]["id"]))
    # Bad tweets inside pages.
    for kind in ("missing_id", "bad_date", "wrong_type"):
        for _ in range(ctx.n_bad):
            k = rng.randrange(len(pages))
            spare = ctx.spare(org.id, "twitter")
            tweet = render.tweet(spare)
            if kind == "missing_id":
                del tweet["id"]
                del tweet["edit_history_tweet_ids"]
            elif kind == "bad_date":
                tweet["created_at"] = "2024-02-30T25:61:00.000Z"
            else:
                tweet["created_at"] = {"x": 1}
            pages[k][0].insert(rng.randrange(len(pages[k][0]) + 1), tweet)
            pages[k][1].append(None)
            defects.setdefault(k, []).append((kind, ""))
    lines: list[tuple[str, list[tuple[str, str]]]] = []
    for k, (data, chunk) in enumerate(pages):
        token = ctx.ids.token(16, "abcdefghijklmnopqrstuvwxyz0123456789") if k < len(pages) - 1 else None
        lines.append(
            (_dumps(_twitter_page(render, data, chunk, k, token), ascii_only=True), defects.get(k, []))
        )
    # Whole broken lines: a page cut short, and a page with bytes that are not UTF-8.
    for kind in ("truncated_json", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            spare = ctx.spare(org.id, "twitter")
            tweet = render.tweet(spare)
            if kind == "invalid_utf8":
                tweet["text"] = tweet["text"][:40] + _PLACEHOLDER
            page = _twitter_page(render, [tweet], [], 0, None)
            for other in page["includes"]["users"]:
                other.pop("description", None)
            line = _dumps(page, ascii_only=True)
            if kind == "truncated_json":
                line = line[: int(len(line) * 0.6)]
            lines.insert(rng.randrange(1, len(lines) + 1), (line, [(kind, "")]))
    _write_lines(path, lines)
    return _line_defects(file, lines)
