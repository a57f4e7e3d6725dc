"""One writer per export format, in the shapes the platforms and tools document.

- :func:`write_twarc2`: twarc2 search output, one API response page per line
  (``data``, ``includes.users``, ``includes.tweets``, ``errors``, ``meta``,
  ``__twarc``), JSON with ASCII escapes as twarc writes it.
- :func:`write_crowdtangle`: CrowdTangle historical-data CSV (Facebook pages).
- :func:`write_pushshift`: Pushshift / Arctic Shift NDJSON of submissions
  (zstandard-compressed) or comments (plain).
- :func:`write_mastodon`: a JSON array of Mastodon API Status entities.
- :func:`write_bluesky`: a JSON array of ``app.bsky.feed.getAuthorFeed`` pages.

Each writer also plants what real exports contain: a few bad records (a
truncated line, a record without id, an unparseable date, bytes that are not
UTF-8, a value of the wrong type) and duplicates (the same record twice).  It
returns them as :class:`Defect` rows for the ground truth.  Line numbers
follow the readers' contract: the line in JSON-lines files, the CSV row with
the header as row 1, and the 1-based record index in JSON documents (feed
items across all pages for Bluesky).
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import zstandard

from helpers.demo_corpus.calendar import local_time
from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import Account, OrgSpec, Post

ZSTD_LEVEL = 10
BAD_BYTES = b"caf\xe9 \xff\xfe"
_PLACEHOLDER = "@@INVALID_UTF8@@"
RETRIEVED = datetime.fromisoformat("2026-01-14T10:22:31+00:00")
MASTODON_HOME = "health.community"


@dataclass
class Defect:
    """A bad or duplicate record planted in a file."""

    file: str
    line: int
    kind: str
    native_id: str = ""


@dataclass
class Context:
    """What every writer needs: randomness, ids and a supply of spare posts."""

    rng: random.Random
    ids: IdFactory
    spare: Callable[..., Post]
    n_bad: int = 1
    n_dup: int = 2


def _iso(when: datetime, millis: int = 0) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def _dumps(value: object, ascii_only: bool = False) -> str:
    return json.dumps(
        value, ensure_ascii=ascii_only, separators=(",", ":") if not ascii_only else (", ", ": ")
    )


def _encode(text: str) -> bytes:
    """UTF-8 bytes, with the invalid-bytes placeholder turned into real invalid bytes."""
    return text.encode("utf-8").replace(_PLACEHOLDER.encode(), BAD_BYTES)


def mark_written(post: Post) -> None:
    """Record that a post's content is in a file (for the privacy ground truth)."""
    post.extra["written"] = True


def _account_rng(account: Account) -> random.Random:
    return random.Random(f"account:{account.platform}:{account.native_id}")


BIOS = {
    "en": [
        "Tea, dogs and too many hospital letters.",
        "Living with {d}. Views my own.",
        "Parent carer. Tired but hopeful.",
        "Rare disease advocate. Runner (slowly).",
        "Sharing our {d} journey one day at a time.",
        "Nurse by day, mum by night.",
        "Books, gardening and {d} awareness.",
        "",
    ],
    "it": [
        "Mamma, caregiver, inguaribile ottimista.",
        "La nostra vita con la {d}, un giorno alla volta.",
        "Papà a tempo pieno. Caffè e pazienza.",
        "Sostegno alle famiglie rare.",
        "Insegnante e mamma rara.",
        "",
    ],
}
DISEASE_LABEL = {"sma": "SMA", "pku": "PKU", "fop": "FOP", "dravet": "Dravet"}


def _bio(account: Account, org: OrgSpec) -> str:
    rng = _account_rng(account)
    if account.role == "org":
        return {
            "en": f"{org.name}: support, information and a voice for people affected by "
            f"{DISEASE_LABEL[org.disease]}.",
            "it": f"{org.name}: sostegno, informazione e voce alle famiglie con sindrome di Dravet.",
        }[org.lang]
    if account.kind in ("peer_org", "clinician", "researcher"):
        return {
            "en": "Research, care and community for rare conditions.",
            "it": "Ricerca, cura e comunità per le malattie rare.",
        }[org.lang]
    return rng.choice(BIOS[org.lang]).replace("{d}", DISEASE_LABEL[org.disease])


# =========================================================================== twarc2

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
_TWITTER_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w#/&])#(\w*[^\W\d_]\w*)")


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
        big = account.role == "org" or account.kind in ("peer_org", "researcher")
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


def _page_sizes(rng: random.Random, total: int, low_high: tuple[int, int]) -> list[int]:
    sizes, left = [], total
    while left > 0:
        size = min(left, rng.randint(*low_high))
        sizes.append(size)
        left -= size
    return sizes


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


def _write_lines(path: Path, lines: list[tuple[str, list[tuple[str, str]]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for text, _ in lines:
            fh.write(_encode(text) + b"\n")


def _line_defects(file: str, lines: list[tuple[str, list[tuple[str, str]]]]) -> list[Defect]:
    out = []
    for number, (_, kinds) in enumerate(lines, start=1):
        for kind, native_id in kinds:
            out.append(Defect(file, number, kind, native_id))
    return out


# =========================================================================== CrowdTangle

CT_COLUMNS = [
    "Page Name",
    "User Name",
    "Facebook Id",
    "Page Category",
    "Page Admin Top Country",
    "Page Description",
    "Page Created",
    "Likes at Posting",
    "Followers at Posting",
    "Post Created",
    "Post Created Date",
    "Post Created Time",
    "Type",
    "Total Interactions",
    "Likes",
    "Comments",
    "Shares",
    "Love",
    "Wow",
    "Haha",
    "Sad",
    "Angry",
    "Care",
    "Video Share Status",
    "Is Video Owner?",
    "Post Views",
    "Total Views",
    "Total Views For All Crossposts",
    "Video Length",
    "URL",
    "Message",
    "Link",
    "Final Link",
    "Image Text",
    "Link Text",
    "Description",
    "Sponsor Id",
    "Sponsor Name",
    "Sponsor Category",
    "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
    "Angry 1x Care 1x )",
]
PAGE_CATEGORY = {
    "org": "NONPROFIT",
    "peer_org": "NONPROFIT",
    "researcher": "SCIENCE_WEBSITE",
    "clinician": "MEDICAL_HEALTH",
    "family_page": "PERSONAL_BLOG",
}


def post_url(post: Post) -> str:
    """The facebook.com URL of a page post, ``/<page id>/posts/<post id>``."""
    return f"https://www.facebook.com/{post.author.native_id}/posts/{post.extra['post_id']}"


def _ct_row(post: Post, org: OrgSpec, tz: str) -> dict[str, str]:
    account = post.author
    rng = random.Random(f"ct:{post.native_id}")
    local, zone = local_time(tz, post.created_at)
    page_local, _ = local_time(tz, account.created_at)
    reactions = post.likes
    split = {"Likes": 0.62, "Love": 0.2, "Care": 0.08, "Sad": 0.05, "Wow": 0.03, "Haha": 0.02}
    counts = {name: int(reactions * share) for name, share in split.items()}
    counts["Angry"] = 1 if rng.random() < 0.03 else 0
    comments, shares = post.replies + rng.randrange(8), post.reposts
    total = sum(counts.values()) + comments + shares
    followers = int(_account_rng(account).lognormvariate(8.5 if account.role == "org" else 6.5, 0.6))
    user_name = account.extra.get("user_name", "")
    link = final = link_text = description = ""
    kind = rng.choices(["Photo", "Status", "Native Video"], [0.6, 0.28, 0.12])[0]
    if post.shared is not None:
        kind = "Link"
        link = post_url(post.shared)
        link_text = post.shared.author.display_name
        description = post.shared.text[:300]
    elif post.urls:
        kind = "Link"
        link = final = post.urls[0]
        link_text = {"it": "Leggi di più", "en": "Read more"}[org.lang]
        description = urlsplit(link).hostname or ""
    elif kind == "Photo":
        link = (
            f"https://www.facebook.com/{user_name}/photos/a.{account.native_id[-8:]}{rng.randrange(10**7)}"
            f"/{post.extra['post_id']}/?type=3"
        )
    elif kind == "Native Video":
        link = f"https://www.facebook.com/{user_name}/videos/{post.extra['post_id']}/"
    video = kind == "Native Video"
    return {
        "Page Name": account.display_name,
        "User Name": user_name,
        "Facebook Id": account.native_id,
        "Page Category": PAGE_CATEGORY.get(account.kind, "COMMUNITY"),
        "Page Admin Top Country": org.country,
        "Page Description": _bio(account, org),
        "Page Created": f"{page_local:%Y-%m-%d %H:%M:%S}",
        "Likes at Posting": str(int(followers * 0.93)),
        "Followers at Posting": str(followers),
        "Post Created": f"{local:%Y-%m-%d %H:%M:%S} {zone}",
        "Post Created Date": f"{local:%Y-%m-%d}",
        "Post Created Time": f"{local:%H:%M:%S}",
        "Type": kind,
        "Total Interactions": f"{total:,}",
        **{name: str(counts[name]) for name in ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care")},
        "Comments": str(comments),
        "Shares": str(shares),
        "Video Share Status": "owned" if video else "",
        "Is Video Owner?": "Yes" if video else "-",
        "Post Views": str(rng.randrange(200, 9000)) if video else "0",
        "Total Views": str(rng.randrange(200, 12000)) if video else "0",
        "Total Views For All Crossposts": "0",
        "Video Length": f"00:0{rng.randrange(1, 6)}:{rng.randrange(60):02d}" if video else "",
        "URL": post_url(post),
        "Message": post.text,
        "Link": link,
        "Final Link": final,
        "Image Text": "",
        "Link Text": link_text,
        "Description": description,
        "Sponsor Id": "",
        "Sponsor Name": "",
        "Sponsor Category": "",
        CT_COLUMNS[-1]: f"{rng.uniform(-3, 4):.2f}",
    }


def write_crowdtangle(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write a CrowdTangle CSV (newest first) with bad rows and duplicated rows."""
    rng = ctx.rng
    posts = sorted(posts, key=lambda p: (p.created_at, p.native_id), reverse=True)
    rows: list[tuple[dict[str, str], str, str]] = []  # (row, kind, native id)
    for post in posts:
        rows.append((_ct_row(post, org, org.tz), "", ""))
        mark_written(post)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(rows))
        row = rows[j][0]
        native = f"{row['Facebook Id']}_{row['URL'].rsplit('/', 1)[1]}"
        rows.insert(rng.randrange(j + 1, len(rows) + 1), (dict(row), "duplicate", native))
    for kind in ("missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            row = _ct_row(ctx.spare(org.id, "facebook"), org, org.tz)
            if kind == "missing_id":
                row["URL"] = ""
            elif kind == "bad_date":
                local = row["Post Created"]
                row["Post Created"] = f"{local[8:10]}/{local[5:7]}/{local[:4]} {local[11:16]}"
            elif kind == "wrong_type":
                row["Likes"] = "lots"
            else:
                row["Message"] = row["Message"][:60] + _PLACEHOLDER
            rows.insert(rng.randrange(len(rows) + 1), (row, kind, ""))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CT_COLUMNS)
    writer.writeheader()
    for row, _, _ in rows:
        writer.writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode(buffer.getvalue()))
    return [
        Defect(file, number, kind, native) for number, (_, kind, native) in enumerate(rows, start=2) if kind
    ]


# =========================================================================== Pushshift

SUBREDDIT = {"subreddit": "PKU", "subreddit_id": "t5_2s4l3", "subreddit_name_prefixed": "r/PKU"}


def _reddit_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "_".join(words[:8]) or "post"


def _submission(post: Post) -> dict:
    rng = random.Random(f"rs:{post.native_id}")
    short = post.extra["short_id"]
    slug = _slug(post.title)
    link_post = (
        post.author.role == "org" and post.knowledge_type == "medical" and post.urls and rng.random() < 0.3
    )
    permalink = f"/r/PKU/comments/{short}/{slug}/"
    created = int(post.created_at.timestamp())
    return {
        "all_awardings": [],
        "archived": False,
        "author": post.author.handle,
        "author_flair_text": "Organisation" if post.author.role == "org" else None,
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
        "author_flair_text": "Organisation" if post.author.role == "org" else None,
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


# =========================================================================== Mastodon

_TOKEN = re.compile(r"https?://\S+|(?<![\w@])@\w+(?:@[\w.-]+\w)?|(?<![\w#&])#\w*[^\W\d_]\w*")


def _mastodon_escape(text: str) -> str:
    """HTML escaping as Mastodon's formatter writes it (``&#39;`` for apostrophes)."""
    return html.escape(text, quote=False).replace('"', "&quot;").replace("'", "&#39;")


class MastodonRenderer:
    """Turns posts into Mastodon Status entities as served by health.community."""

    def __init__(self, ctx: Context, org: OrgSpec) -> None:
        self.ctx = ctx
        self.org = org
        self._remote_ids: dict[str, str] = {}
        self._accounts: dict[str, dict] = {}

    @staticmethod
    def _acct(account: Account) -> str:
        username, instance = account.extra["username"], account.extra["instance"]
        return username if instance == MASTODON_HOME else f"{username}@{instance}"

    @staticmethod
    def profile_url(account: Account) -> str:
        return f"https://{account.extra['instance']}/@{account.extra['username']}"

    def account(self, account: Account) -> dict:
        if account.native_id not in self._accounts:
            self._accounts[account.native_id] = self._account(account)
        return self._accounts[account.native_id]

    def _account(self, account: Account) -> dict:
        rng = _account_rng(account)
        username, instance = account.extra["username"], account.extra["instance"]
        return {
            "id": account.native_id,
            "username": username,
            "acct": self._acct(account),
            "display_name": account.display_name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "group": False,
            "created_at": account.created_at.strftime("%Y-%m-%dT00:00:00.000Z"),
            "note": f"<p>{_mastodon_escape(_bio(account, self.org))}</p>",
            "url": self.profile_url(account),
            "uri": f"https://{instance}/users/{username}",
            "avatar": f"https://{MASTODON_HOME}/system/accounts/avatars/{account.native_id}/original/"
            f"{rng.randrange(16**16):016x}.png",
            "avatar_static": f"https://{MASTODON_HOME}/system/accounts/avatars/{account.native_id}/original/"
            f"{rng.randrange(16**16):016x}.png",
            "header": f"https://{MASTODON_HOME}/headers/original/missing.png",
            "header_static": f"https://{MASTODON_HOME}/headers/original/missing.png",
            "followers_count": int(rng.lognormvariate(7.5 if account.role == "org" else 4.5, 0.9)),
            "following_count": int(rng.lognormvariate(5, 0.8)),
            "statuses_count": int(rng.lognormvariate(6.5, 1.1)),
            "last_status_at": "2025-12-30",
            "emojis": [],
            "fields": [],
        }

    def _remote_id(self, post: Post) -> str:
        if post.author.extra["instance"] == MASTODON_HOME:
            return post.native_id
        if post.native_id not in self._remote_ids:
            self._remote_ids[post.native_id] = self.ctx.ids.mastodon(post.created_at)
        return self._remote_ids[post.native_id]

    def content(self, post: Post) -> str:
        """The HTML Mastodon renders: paragraphs, mention h-cards, hashtag links, shortened links."""
        by_token = {f"@{self._acct(a)}".lower(): a for a in post.mentions}
        paragraphs = []
        for block in post.text.split("\n\n"):
            out, last = [], 0
            for match in _TOKEN.finditer(block):
                out.append(_mastodon_escape(block[last : match.start()]))
                out.append(self._token_html(match.group(0), by_token))
                last = match.end()
            out.append(_mastodon_escape(block[last:]))
            paragraphs.append("<p>" + "".join(out).replace("\n", "<br />") + "</p>")
        return "".join(paragraphs)

    def _token_html(self, token: str, by_token: dict[str, Account]) -> str:
        if token.startswith("http"):
            scheme = re.match(r"https?://(www\.)?", token).group(0)
            rest = token[len(scheme) :]
            cut = len(rest) > 30
            return (
                f'<a href="{_mastodon_escape(token)}" target="_blank" rel="nofollow noopener noreferrer" '
                f'translate="no"><span class="invisible">{_mastodon_escape(scheme)}</span><span class="'
                f'{"ellipsis" if cut else ""}">{_mastodon_escape(rest[:30])}</span><span class="invisible">'
                f"{_mastodon_escape(rest[30:])}</span></a>"
            )
        if token.startswith("#"):
            tag = token[1:]
            return (
                f'<a href="https://{MASTODON_HOME}/tags/{tag.lower()}" class="mention hashtag" '
                f'rel="tag">#<span>{_mastodon_escape(tag)}</span></a>'
            )
        account = by_token.get(token.lower())
        if account is None:
            return _mastodon_escape(token)
        return (
            f'<span class="h-card" translate="no"><a href="{self.profile_url(account)}" '
            f'class="u-url mention">@<span>{account.extra["username"]}</span></a></span>'
        )

    def status(self, post: Post) -> dict:
        """The Status entity of a post (a reblog wrapper for shares)."""
        account = post.author
        username, instance = account.extra["username"], account.extra["instance"]
        if post.shared is not None:
            activity = f"https://{instance}/users/{username}/statuses/{self._remote_id(post)}/activity"
            return {
                "id": post.native_id,
                "created_at": _iso(post.created_at),
                "in_reply_to_id": None,
                "in_reply_to_account_id": None,
                "sensitive": False,
                "spoiler_text": "",
                "visibility": "public",
                "language": None,
                "uri": activity,
                "url": activity,
                "replies_count": 0,
                "reblogs_count": 0,
                "favourites_count": 0,
                "edited_at": None,
                "content": "",
                "reblog": self.status(post.shared),
                "account": self.account(account),
                "media_attachments": [],
                "mentions": [],
                "tags": [],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        remote = self._remote_id(post)
        status = {
            "id": post.native_id,
            "created_at": _iso(post.created_at),
            "in_reply_to_id": post.parent.native_id if post.parent is not None else None,
            "in_reply_to_account_id": post.parent.author.native_id if post.parent is not None else None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": post.lang,
            "uri": f"https://{instance}/users/{username}/statuses/{remote}",
            "url": f"https://{instance}/@{username}/{remote}",
            "replies_count": post.replies,
            "reblogs_count": post.reposts,
            "favourites_count": post.likes,
            "edited_at": None,
            "content": self.content(post),
            "reblog": None,
        }
        if instance == MASTODON_HOME:
            status["application"] = {"name": "Web", "website": None}
        status.update(
            {
                "account": self.account(account),
                "media_attachments": [],
                "mentions": [
                    {
                        "id": a.native_id,
                        "username": a.extra["username"],
                        "url": self.profile_url(a),
                        "acct": self._acct(a),
                    }
                    for a in _unique(post.mentions)
                ],
                "tags": [
                    {"name": t.lower(), "url": f"https://{MASTODON_HOME}/tags/{t.lower()}"}
                    for t in post.hashtags
                ],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
        return status


def _unique(accounts: list[Account]) -> list[Account]:
    seen: list[Account] = []
    for account in accounts:
        if all(account is not other for other in seen):
            seen.append(account)
    return seen


def _write_json_array(path: Path, items: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode("[\n" + ",\n".join(items) + "\n]\n"))


def write_mastodon(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write a JSON array of statuses (newest first) with bad and duplicate statuses."""
    rng = ctx.rng
    render = MastodonRenderer(ctx, org)
    posts = sorted(posts, key=lambda p: (p.created_at, int(p.native_id)), reverse=True)
    items: list[tuple[str, str, str]] = []
    for post in posts:
        items.append((_dumps(render.status(post)), "", ""))
        mark_written(post)
        if post.shared is not None:
            mark_written(post.shared)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(items))
        native = json.loads(items[j][0])["id"]
        items.insert(rng.randrange(j + 1, len(items) + 1), (items[j][0], "duplicate", native))
    for kind in ("missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            status = render.status(ctx.spare(org.id, "mastodon"))
            if kind == "missing_id":
                del status["id"]
                del status["uri"]
                status["url"] = None
            elif kind == "bad_date":
                status["created_at"] = "2024-02-30T25:61:00.000Z"
            elif kind == "wrong_type":
                status["created_at"] = {"x": 1}
            else:
                status["content"] = status["content"][:60] + _PLACEHOLDER + "</p>"
            items.insert(rng.randrange(len(items) + 1), (_dumps(status), kind, ""))
    _write_json_array(path, [text for text, _, _ in items])
    return [
        Defect(file, number, kind, native) for number, (_, kind, native) in enumerate(items, start=1) if kind
    ]


# =========================================================================== Bluesky


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


WRITERS = {
    "twitter": write_twarc2,
    "facebook": write_crowdtangle,
    "reddit_submissions": write_pushshift,
    "reddit_comments": write_pushshift,
    "mastodon": write_mastodon,
    "bluesky": write_bluesky,
}
