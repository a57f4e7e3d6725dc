"""Synthetic studies whose input files are in the export formats the package reads.

Tests build a small community of posts with :func:`synthetic_posts` and write
them with :func:`write_export` in any of the ten formats of
:mod:`helpers.ingest` (see :data:`FORMATS`), with the field names and nesting
the real tools write (the files under ``tests/fixtures/<platform>/`` are the
templates).  :func:`write_export` returns what the study config's input entry
needs besides ``path``; :func:`file_name` gives a realistic file name;
:func:`representable` says which posts a format can carry (a writer writes
exactly those and silently drops the rest).

Conventions of :class:`ShapePost` per platform (what the readers give back):

- twitter: post and account ids are digits (post ids are snowflakes that
  encode the creation time); handles without ``@``.
- reddit: post ids are *fullnames* (``t3_1d2k9xq`` for a submission, a
  top-level post; ``t1_l5xq0a1`` for a comment, a reply); account ids are
  ``t2_...`` fullnames; mentions are written ``u/name`` in the text.
- mastodon: ids are digits; handles are full ``user@host`` accounts; in the
  text a mention is written ``@user`` (as Mastodon shows it).
- bluesky: post ids are ``at://`` URIs, account ids DIDs, handles domain
  names (``maria-k82.bsky.social``); a repost's id is
  ``repost:<reposter DID>:<reposted URI>`` (what the reader makes of it).
- facebook: post ids are ``<page id>_<post id>`` (the Graph API form, which is
  what the CrowdTangle reader builds from a post URL); every author is
  written as a public page (CrowdTangle and the Content Library only hold
  posts of pages, groups and public profiles).
- forum: ids are digits.

Deviations from the real tools, on purpose
------------------------------------------
- Twitter writes ``t.co`` links in tweet text and Bluesky clients shorten
  links in the text; here the text keeps the full link (the entities and
  facets still carry it), so that a post's text is the same in every format.
- Mastodon's ``tags[].name`` is the lower-cased tag, as the API gives it; the
  reader therefore returns lower-cased hashtags.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# --------------------------------------------------------------------------- the post


@dataclass
class ShapePost:
    """One synthetic post, in the terms of the platform (see the module notes on ids).

    Attributes
    ----------
    native_id : str
        The platform's id of the post.
    author_handle, author_native_id : str
        Handle (username, ``user@host``, domain handle or page name) and account id.
    created_at : datetime
        Timezone-aware UTC, whole seconds.
    text : str
        The text as a reader gives it back (for a share: the shared post's text).
    parent_id, parent_author_handle, parent_author_native_id : str or None
        The post replied to and its author (None: a top-level post).
    thread_id : str or None
        Native id of the conversation root (None: the post is its own root).
    shared_id, shared_author_handle, shared_author_native_id : str or None
        The post this one shares (retweet, reblog, repost) and its author.
    mentions : list of (str, str)
        ``(handle, native account id)`` of the accounts mentioned in the text.
    hashtags : list of str
        Without ``#``; each is written ``#tag`` in the text.
    urls : list of str
        Full links; each is written in the text.
    likes, shares, replies : int or None
        Engagement counts (None: the platform has no such count).
    lang : str or None
        ISO 639-1 code where the platform carries a language field.
    author_profile : str or None
        The author's profile description (Twitter bio, Mastodon note, Reddit flair) where the
        format carries one.
    """

    native_id: str
    author_handle: str
    author_native_id: str
    created_at: datetime
    text: str
    parent_id: str | None = None
    parent_author_handle: str | None = None
    parent_author_native_id: str | None = None
    thread_id: str | None = None
    shared_id: str | None = None
    shared_author_handle: str | None = None
    shared_author_native_id: str | None = None
    mentions: list[tuple[str, str]] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    likes: int | None = 0
    shares: int | None = 0
    replies: int | None = 0
    lang: str | None = None
    author_profile: str | None = None


#: Format name -> the platform its files hold.
FORMATS: dict[str, str] = {
    "twarc2": "twitter",
    "twitter_v1": "twitter",
    "twarc_csv": "twitter",
    "pushshift": "reddit",
    "reddit_api": "reddit",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "crowdtangle": "facebook",
    "meta_content_library": "facebook",
    "table": "forum",
}

#: Platforms :func:`synthetic_posts` makes posts for.
PLATFORMS = ("twitter", "reddit", "mastodon", "bluesky", "facebook", "forum")
#: Platforms whose synthetic communities share posts (retweet, reblog, repost).
SHARING_PLATFORMS = frozenset({"twitter", "mastodon", "bluesky"})
#: Languages :func:`synthetic_posts` writes; only ``en`` and ``it`` have a lexicon in the package.
LANGUAGES = ("en", "it", "fi", "sw")

_FILE_NAMES = {
    "twarc2": "twitter_search.jsonl",
    "twitter_v1": "twitter_v1_tweets.jsonl",
    "twarc_csv": "twitter_search_tweets.csv",
    "pushshift": "r_rarediseases_submissions_comments.ndjson",
    "reddit_api": "r_rarediseases_post_pages.jsonl",
    "mastodon": "mastodon_statuses.json",
    "bluesky": "bluesky_author_feeds.jsonl",
    "crowdtangle": "facebook_crowdtangle.csv",
    "meta_content_library": "mcl_facebook_posts.csv",
    "table": "forum_posts.csv",
}

MASTODON_HOME = "health.community"
MASTODON_HOSTS = ("health.community", "mastodon.social", "rare.social", "fediscience.org")
SUBREDDIT = "RareDiseases"
TWITTER_PAGE_SIZE = 100
BLUESKY_PAGE_SIZE = 50
ENGAGEMENT_COUNTS = ("likes", "shares", "replies")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")


def file_name(fmt: str) -> str:
    """Return a realistic file name for an export of this format.

    Examples
    --------
    >>> file_name("mastodon")
    'mastodon_statuses.json'
    """
    _check_format(fmt)
    return _FILE_NAMES[fmt]


def representable(fmt: str, posts: list[ShapePost]) -> list[ShapePost]:
    """Return the posts a file of this format can carry, in their order.

    - crowdtangle: top-level posts only (no comments, and shares of other
      pages' posts are left out too).
    - meta_content_library: no replies (comments are not in the export);
      shares are kept (``shared_post_id``).
    - pushshift, reddit_api: no shares (crossposts are not written).
    - bluesky: a repost only when its id is ``repost:<author DID>:<shared URI>``.
    - every format but ``table``: a post cannot both reply and share.

    Parameters
    ----------
    fmt : str
        A key of :data:`FORMATS`.
    posts : list of ShapePost
        Posts made for the format's platform.
    """
    _check_format(fmt)
    kept = [p for p in posts if fmt == "table" or p.parent_id is None or p.shared_id is None]
    if fmt == "crowdtangle":
        return [p for p in kept if p.parent_id is None and p.shared_id is None]
    if fmt == "meta_content_library":
        return [p for p in kept if p.parent_id is None]
    if fmt in ("pushshift", "reddit_api"):
        return [p for p in kept if p.shared_id is None]
    if fmt == "bluesky":
        return [p for p in kept if p.shared_id is None or p.native_id == _repost_id(p.author_native_id,
                                                                                      p.shared_id)]
    return kept


def write_export(fmt: str, path: Path, posts: list[ShapePost]) -> dict[str, Any]:
    """Write ``representable(fmt, posts)`` as a file of this format at ``path``.

    Parent folders are created.  What a format cannot carry is dropped (see
    :func:`representable`).

    Parameters
    ----------
    fmt : str
        A key of :data:`FORMATS`.
    path : Path
        The file to write.
    posts : list of ShapePost
        Posts made for the format's platform (e.g. by :func:`synthetic_posts`).

    Returns
    -------
    dict
        The keys the study config's input entry needs besides ``path``: ``{}``
        for the formats that are recognised from their content, and
        ``{"format": "table", "platform": "forum", "columns": {...}}`` for the
        generic table.
    """
    _check_format(fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = representable(fmt, posts)
    return _WRITERS[fmt](path, kept, _Directory(posts))


# --------------------------------------------------------------------------- synthetic community


@dataclass(frozen=True)
class _Account:
    handle: str
    native_id: str
    is_org: bool = False


def synthetic_posts(
    n: int,
    *,
    platform: str,
    seed: int = 7,
    org_handle: str | None = "OrgAccount",
    org_native_id: str = "1000",
    public_accounts: int = 12,
    language: str = "en",
    reply_share: float = 0.3,
    share_share: float = 0.1,
    mention_share: float = 0.2,
    zero_engagement: tuple[str, ...] = (),
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
    days: int = 120,
) -> list[ShapePost]:
    """Return ``n`` posts of one patient community, in creation order, deterministic for ``seed``.

    The organisation account (when ``org_handle`` is not None) writes about a
    quarter of the top-level posts (trial news, events, fundraising, practical
    guides, thanks); public accounts tell diagnosis and carers' stories, ask
    about treatment, and reply to each other and to the organisation.  On
    twitter, mastodon and bluesky some posts share an earlier post (text,
    hashtags, links and mentions are then the shared post's); reddit, facebook
    and forum communities do not share.  Some posts mention accounts, some
    carry hashtags (never on reddit) and links.

    Parameters
    ----------
    n : int
        Number of posts.
    platform : str
        One of :data:`PLATFORMS`; decides the form of ids and handles (see the
        module notes).
    seed : int
        Seed of the ``random.Random`` that draws everything.
    org_handle, org_native_id : str
        The organisation's account.  The handle is made to fit the platform
        when it does not (``OrgAccount@health.community`` on mastodon,
        ``orgaccount.bsky.social`` on bluesky); on bluesky an id that is not a
        DID becomes a ``did:plc:`` derived from it, on reddit an id without
        ``t2_`` becomes a ``t2_`` fullname.  ``org_handle=None``: no
        organisation account (no posts by it, no mentions of it).
    public_accounts : int
        Number of public accounts; their posting activity is skewed.
    language : str
        ``en`` or ``it`` (languages with a lexicon in the package), or ``fi``
        or ``sw`` (languages without one).  Other codes raise ValueError.
    reply_share, share_share, mention_share : float
        Probability that a post is a reply, a share (sharing platforms only),
        or mentions accounts.
    zero_engagement : tuple of str
        Any of ``likes``, ``shares``, ``replies``: that count is 0 on every post.
    start : datetime
        Timezone-aware start of the period; posts fall in ``days`` days after it.
    days : int
        Length of the period.

    Returns
    -------
    list of ShapePost
        Replies name their parent and its author and the root of their thread;
        on twitter and mastodon a reply starts by mentioning the author replied
        to, as the platforms do.  ``replies`` counts the replies in the list;
        forum posts have ``shares=None`` (a forum has no sharing) unless zeroed.

    Raises
    ------
    ValueError
        For an unknown platform, language or engagement count, a naive
        ``start``, or a community without accounts.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    if language not in _BANKS:
        raise ValueError(f"no sentence bank for language {language!r}; known: {', '.join(LANGUAGES)}")
    unknown = sorted(set(zero_engagement) - set(ENGAGEMENT_COUNTS))
    if unknown:
        raise ValueError(f"unknown engagement count(s) {unknown}; known: {', '.join(ENGAGEMENT_COUNTS)}")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if org_handle is None and public_accounts < 1:
        raise ValueError("a community needs an organisation or public accounts")
    rng = random.Random(seed)
    bank = _BANKS[language]
    condition = rng.choice(bank["condition"])
    org = _org_account(platform, org_handle, org_native_id) if org_handle is not None else None
    publics = _public_accounts(rng, platform, public_accounts, language, org)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(publics))]
    ids = _PostIds(rng, platform)
    begin = start.astimezone(UTC).replace(microsecond=0)
    times = sorted(begin + timedelta(seconds=rng.randrange(max(days, 1) * 86400)) for _ in range(n))
    writer = _Writer(rng, platform, bank, condition, language, org, publics, weights, mention_share)
    posts: list[ShapePost] = []
    for index, when in enumerate(times):
        earlier = [p for p in posts if p.shared_id is None and p.created_at < when]
        roll = rng.random()
        post = None
        if earlier and roll < reply_share:
            post = writer.reply(index, when, earlier, ids)
        elif earlier and platform in SHARING_PLATFORMS and roll < reply_share + share_share:
            post = writer.share(index, when, earlier, ids)
        if post is None:
            post = writer.top_level(index, when, ids)
        posts.append(post)
    _set_engagement(rng, posts, platform, org, zero_engagement)
    return posts


def _org_account(platform: str, handle: str, native_id: str) -> _Account:
    if platform == "mastodon" and "@" not in handle.lstrip("@"):
        handle = f"{handle.lstrip('@')}@{MASTODON_HOME}"
    elif platform == "bluesky" and "." not in handle:
        handle = _bluesky_handle(handle)
    if platform == "bluesky" and not native_id.startswith("did:"):
        native_id = "did:plc:" + _b32(hashlib.sha256(native_id.encode()).digest())[:24]
    elif platform == "reddit" and not native_id.startswith("t2_"):
        native_id = "t2_" + (_base36(int(native_id)) if native_id.isdigit() else native_id.lower())
    return _Account(handle=handle, native_id=native_id, is_org=True)


def _public_accounts(
    rng: random.Random, platform: str, count: int, language: str, org: _Account | None
) -> list[_Account]:
    names = rng.sample(_HANDLES[language], len(_HANDLES[language]))
    accounts: list[_Account] = []
    taken_ids = {org.native_id} if org else set()
    taken_handles = {org.handle.lower()} if org else set()
    k = 0
    while len(accounts) < count:
        base = names[k % len(names)]
        if k >= len(names):
            base = f"{base[:12]}{k // len(names) + 1}"
        k += 1
        handle = _platform_handle(rng, base, platform)
        if handle.lower() in taken_handles:
            continue
        native_id = _account_id(rng, platform)
        while native_id in taken_ids:
            native_id = _account_id(rng, platform)
        taken_ids.add(native_id)
        taken_handles.add(handle.lower())
        accounts.append(_Account(handle=handle, native_id=native_id))
    return accounts


def _platform_handle(rng: random.Random, base: str, platform: str) -> str:
    if platform == "mastodon":
        host = MASTODON_HOME if rng.random() < 0.5 else rng.choice(MASTODON_HOSTS[1:])
        return f"{base}@{host}"
    if platform == "bluesky":
        return _bluesky_handle(base)
    return base


def _bluesky_handle(name: str) -> str:
    local = re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-") or "account"
    return f"{local}.bsky.social"


_B32_LOWER = "abcdefghijklmnopqrstuvwxyz234567"


def _account_id(rng: random.Random, platform: str) -> str:
    if platform == "twitter":
        if rng.random() < 0.4:
            return str(rng.randrange(10_000_000, 3_000_000_000))
        return str(rng.randrange(700_000_000_000_000_000, 1_700_000_000_000_000_000))
    if platform == "reddit":
        return "t2_" + _base36(rng.randrange(36**7, 36**8))
    if platform == "mastodon":
        return str(rng.randrange(109_000_000_000_000_000, 112_000_000_000_000_000))
    if platform == "bluesky":
        return "did:plc:" + "".join(rng.choice(_B32_LOWER) for _ in range(24))
    if platform == "facebook":
        return str(rng.randrange(100_000_000_000_000, 999_999_999_999_999))
    return str(rng.randrange(1_000, 99_999))


class _PostIds:
    """Post ids in each platform's form, increasing with time."""

    def __init__(self, rng: random.Random, platform: str) -> None:
        self.rng = rng
        self.platform = platform
        self.submission = int("1d2k9xq", 36)
        self.comment = int("l5xq0a1", 36)
        self.facebook = 5_550_001_112_220_000
        self.forum = 48_210

    def new(self, index: int, when: datetime, author: _Account, root: str | None = None) -> str:
        """Id of a new post (``root``: the thread root for a reply)."""
        rng = self.rng
        if self.platform == "twitter":
            return _snowflake(when, index, rng.randrange(1024))
        if self.platform == "mastodon":
            return str((int(when.timestamp() * 1000) << 16) | (index & 0xFFFF))
        if self.platform == "bluesky":
            return f"at://{author.native_id}/app.bsky.feed.post/{_tid(when, index)}"
        if self.platform == "reddit":
            if root is None:
                self.submission += rng.randint(300, 3_000)
                return "t3_" + _base36(self.submission)
            self.comment += rng.randint(500, 20_000)
            return "t1_" + _base36(self.comment)
        if self.platform == "facebook":
            self.facebook += rng.randint(1_000, 900_000)
            if root is None:
                return f"{author.native_id}_{self.facebook}"
            return f"{root.rsplit('_', 1)[-1]}_{self.facebook + 10**15}"
        self.forum += rng.randint(1, 40)
        return str(self.forum)


class _Writer:
    """Draws the texts and relations of the synthetic posts."""

    def __init__(
        self,
        rng: random.Random,
        platform: str,
        bank: dict[str, Any],
        condition: str,
        language: str,
        org: _Account | None,
        publics: list[_Account],
        weights: list[float],
        mention_share: float,
    ) -> None:
        self.rng = rng
        self.platform = platform
        self.bank = bank
        self.condition = condition
        self.language = language
        self.org = org
        self.publics = publics
        self.weights = weights
        self.mention_share = mention_share
        self.by_id = {a.native_id: a for a in ([org] if org else []) + publics}
        self.shared: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ kinds of post

    def top_level(self, index: int, when: datetime, ids: _PostIds) -> ShapePost:
        author = self.org if self.org and (not self.publics or self.rng.random() < 0.25) else self._public()
        theme = self._theme(_ORG_THEMES if author.is_org else _PUBLIC_THEMES)
        sentences = self._sentences(theme, 2 if self.rng.random() < 0.6 else 1)
        url_chance, tag_chance = (0.5, 0.6) if author.is_org else (0.2, 0.3)
        return self._post(index, when, author, sentences, ids, url_chance=url_chance, tag_chance=tag_chance)

    def reply(self, index: int, when: datetime, earlier: list[ShapePost], ids: _PostIds) -> ShapePost | None:
        rng = self.rng
        pool = earlier[-20:]
        org_posts = [p for p in pool if self.org and p.author_native_id == self.org.native_id]
        parent = rng.choice(org_posts) if org_posts and rng.random() < 0.4 else rng.choice(pool)
        author = self._replier(parent)
        if author is None:
            return None
        theme = self._theme(_REPLY_THEMES)
        sentences = self._sentences(theme, 2 if rng.random() < 0.25 else 1)
        root = parent.thread_id or parent.native_id
        return self._post(
            index, when, author, sentences, ids, url_chance=0.08, tag_chance=0.05, parent=parent, root=root
        )

    def share(self, index: int, when: datetime, earlier: list[ShapePost], ids: _PostIds) -> ShapePost | None:
        rng = self.rng
        originals = [p for p in earlier if p.parent_id is None]
        if not originals:
            return None
        org_posts = [p for p in originals if self.org and p.author_native_id == self.org.native_id]
        original = rng.choice(org_posts) if org_posts and rng.random() < 0.5 else rng.choice(originals)
        if self.org and original.author_native_id != self.org.native_id and rng.random() < 0.4:
            sharer = self.org
        else:
            sharer = self._public(exclude=original.author_native_id)
        if sharer is None or sharer.native_id == original.author_native_id:
            return None
        if (sharer.native_id, original.native_id) in self.shared:
            return None  # an account shares a post once (the platforms allow no second retweet or repost)
        self.shared.add((sharer.native_id, original.native_id))
        if self.platform == "bluesky":
            native_id = _repost_id(sharer.native_id, original.native_id)
        else:
            native_id = ids.new(index, when, sharer)
        return ShapePost(
            native_id=native_id,
            author_handle=sharer.handle,
            author_native_id=sharer.native_id,
            created_at=when,
            text=original.text,
            shared_id=original.native_id,
            shared_author_handle=original.author_handle,
            shared_author_native_id=original.author_native_id,
            mentions=list(original.mentions),
            hashtags=list(original.hashtags),
            urls=list(original.urls),
            lang=original.lang,
        )

    # ------------------------------------------------------------------ parts

    def _public(self, exclude: str | None = None) -> _Account | None:
        choices = [(a, w) for a, w in zip(self.publics, self.weights, strict=True) if a.native_id != exclude]
        if not choices:
            return None
        accounts, weights = zip(*choices, strict=True)
        return self.rng.choices(accounts, weights=weights)[0]

    def _replier(self, parent: ShapePost) -> _Account | None:
        parent_is_org = self.org is not None and parent.author_native_id == self.org.native_id
        if not parent_is_org and self.org and self.rng.random() < 0.25:
            return self.org
        return self._public(exclude=parent.author_native_id)

    def _theme(self, weights: dict[str, float]) -> str:
        themes = list(weights)
        return self.rng.choices(themes, weights=[weights[t] for t in themes])[0]

    def _sentences(self, theme: str, count: int) -> list[str]:
        templates = self.bank["themes"][theme]
        chosen = self.rng.sample(templates, min(count, len(templates)))
        return [self._fill(template) for template in chosen]

    def _fill(self, template: str) -> str:
        slots: dict[str, list[str]] = self.bank["slots"]

        def pick(match: re.Match[str]) -> str:
            name = match.group(1)
            return self.condition if name == "condition" else self.rng.choice(slots[name])

        return re.sub(r"\{(\w+)\}", pick, template)

    def _token(self, account: _Account) -> str:
        """How a mention of ``account`` is written in the text."""
        if self.platform == "reddit":
            return f"u/{account.handle}"
        if self.platform == "mastodon":
            return "@" + account.handle.split("@")[0]
        return "@" + account.handle

    def _post(
        self,
        index: int,
        when: datetime,
        author: _Account,
        sentences: list[str],
        ids: _PostIds,
        *,
        url_chance: float,
        tag_chance: float,
        parent: ShapePost | None = None,
        root: str | None = None,
    ) -> ShapePost:
        rng = self.rng
        auto: list[_Account] = []
        if parent is not None and self.platform in ("twitter", "mastodon"):
            auto = [self.by_id[parent.author_native_id]]  # the platforms prefill the mention
        named: list[_Account] = []
        if rng.random() < self.mention_share:
            candidates = [
                a for a in ([self.org] if self.org else []) + self.publics
                if a.native_id != author.native_id and a not in auto
            ]
            if candidates:
                named = rng.sample(candidates, min(len(candidates), 1 if rng.random() < 0.8 else 2))
        mention_sentence = None
        if named:
            tokens = " ".join(self._token(a) for a in named)
            mention_sentence = rng.choice(self.bank["mention"]).replace("{mention}", tokens)
        url = rng.choice(_URLS) if rng.random() < url_chance else None
        tags: list[str] = []
        if self.platform != "reddit" and rng.random() < tag_chance:
            pool = list(self.bank["hashtags"])
            condition_tag = _CONDITION_TAGS.get(self.condition)
            if condition_tag:
                pool.append(condition_tag)
            tags = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        limit = _TEXT_LIMITS.get(self.platform)
        while True:
            parts = [" ".join(self._token(a) for a in auto)] if auto else []
            parts += sentences
            if mention_sentence:
                parts.append(mention_sentence)
            if url:
                parts.append(url)
            if tags:
                parts.append(" ".join(f"#{tag}" for tag in tags))
            text = " ".join(parts)
            if limit is None or len(text) <= limit:
                break
            if len(sentences) > 1:
                sentences = sentences[:1]
            elif mention_sentence:
                mention_sentence, named = None, []
            elif tags:
                tags = []
            else:
                break
        mentions = [(a.handle, a.native_id) for a in auto + named]
        return ShapePost(
            native_id=ids.new(index, when, author, root=root if parent else None),
            author_handle=author.handle,
            author_native_id=author.native_id,
            created_at=when,
            text=text,
            parent_id=parent.native_id if parent else None,
            parent_author_handle=parent.author_handle if parent else None,
            parent_author_native_id=parent.author_native_id if parent else None,
            thread_id=root if parent else None,
            mentions=mentions,
            hashtags=tags,
            urls=[url] if url else [],
            lang=None if self.platform == "reddit" else self.language,
        )


def _set_engagement(
    rng: random.Random,
    posts: list[ShapePost],
    platform: str,
    org: _Account | None,
    zero_engagement: tuple[str, ...],
) -> None:
    children = Counter(p.parent_id for p in posts if p.parent_id)
    shared = Counter(p.shared_id for p in posts if p.shared_id)
    for post in posts:
        if post.shared_id is not None:
            post.likes, post.shares, post.replies = 0, 0, 0
            continue
        is_org = org is not None and post.author_native_id == org.native_id
        if post.parent_id is not None:
            post.likes = rng.randint(0, 6)
            extra_shares = rng.randint(0, 1)
        elif is_org:
            post.likes = rng.randint(8, 140)
            extra_shares = rng.randint(0, 30)
        else:
            post.likes = int(rng.expovariate(1 / 9))
            extra_shares = rng.randint(0, 4)
        post.shares = None if platform == "forum" else shared[post.native_id] + extra_shares
        post.replies = children[post.native_id]
    for name in zero_engagement:
        for post in posts:
            setattr(post, name, 0)


# --------------------------------------------------------------------------- ids and encodings

_TWITTER_EPOCH_MS = 1_288_834_974_657
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _snowflake(when: datetime, sequence: int, worker: int) -> str:
    """A Twitter snowflake id: milliseconds since Twitter's epoch, worker and sequence bits."""
    ms = int(when.timestamp() * 1000) - _TWITTER_EPOCH_MS
    return str((ms << 22) | ((worker & 0x3FF) << 12) | (sequence & 0xFFF))


def _tid(when: datetime, clock: int) -> str:
    """An AT Protocol record key (TID): microseconds and a clock id, base32-sortable."""
    value = (int(when.timestamp() * 1_000_000) << 10) | (clock & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (60 - 5 * i)) & 31] for i in range(13))


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
        if number == 0:
            return digits


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def _repost_id(author_did: str, shared_uri: str) -> str:
    return f"repost:{author_did}:{shared_uri}"


def _stable_int(key: str, low: int, high: int) -> int:
    """A number in [low, high) that depends only on ``key`` (follower counts and the like)."""
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return low + digest % (high - low)


def _tco(url: str) -> str:
    digest = int.from_bytes(hashlib.sha1(url.encode("utf-8")).digest()[:8], "big")
    code = ""
    for _ in range(10):
        digest, rest = divmod(digest, 62)
        code += _BASE62[rest]
    return f"https://t.co/{code}"


def _display_url(url: str, limit: int = 26) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url)
    return bare if len(bare) <= limit else bare[:limit] + "…"


def display_name(handle: str) -> str:
    """The display name the writers give an account: its handle's words, capitalised ("Maria K")."""
    return _display_name(handle)


def _display_name(handle: str) -> str:
    local = handle.split("@")[0].split(".")[0]
    words = [w for w in re.split(r"[_\-\d]+", local) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or local


def _iso_ms(when: datetime) -> str:
    """``2024-06-02T09:30:00.000Z``, as the Twitter v2, Mastodon and Bluesky APIs write times."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _v1_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")


# --------------------------------------------------------------------------- shared writer helpers


class _Directory:
    """Account ids and handles known from a list of posts, and the posts by id."""

    def __init__(self, posts: Iterable[ShapePost]) -> None:
        self.handles: dict[str, str] = {}
        self.posts: dict[str, ShapePost] = {}
        self.profiles: dict[str, str] = {}
        for post in posts:
            self.posts.setdefault(post.native_id, post)
            if post.author_profile:
                self.profiles.setdefault(post.author_native_id, post.author_profile)
            pairs = [
                (post.author_native_id, post.author_handle),
                (post.parent_author_native_id, post.parent_author_handle),
                (post.shared_author_native_id, post.shared_author_handle),
                *((uid, handle) for handle, uid in post.mentions),
            ]
            for uid, handle in pairs:
                if uid and handle:
                    self.handles.setdefault(uid, handle)

    def original(self, share: ShapePost) -> ShapePost:
        """The shared post: from the list when it is there, else rebuilt from the share."""
        assert share.shared_id is not None
        found = self.posts.get(share.shared_id)
        if found is not None:
            return found
        if not share.shared_author_native_id:
            raise ValueError(f"share {share.native_id} names no author of {share.shared_id}")
        return ShapePost(
            native_id=share.shared_id,
            author_handle=share.shared_author_handle or self.handles.get(share.shared_author_native_id, ""),
            author_native_id=share.shared_author_native_id,
            created_at=share.created_at - timedelta(hours=3),
            text=share.text,
            mentions=list(share.mentions),
            hashtags=list(share.hashtags),
            urls=list(share.urls),
            lang=share.lang,
        )


@dataclass(frozen=True)
class _Span:
    """Where an entity is written in a text (Python string offsets)."""

    start: int
    end: int
    kind: str  # "mention", "hashtag" or "url"
    value: Any  # (handle, id) for mentions, the tag, the url


def _spans(text: str, post: ShapePost, token: Callable[[str], str]) -> list[_Span]:
    """The mentions, hashtags and links of ``post`` as found in ``text``, in text order.

    ``token(handle)`` is how a mention is written (``@name``, ``u/name``...).
    Entities that are not in the text are left out.
    """
    spans: list[_Span] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in spans)

    for url in post.urls:
        start = text.find(url)
        while start >= 0 and not free(start, start + len(url)):
            start = text.find(url, start + 1)
        if start >= 0:
            spans.append(_Span(start, start + len(url), "url", url))
    for handle, uid in post.mentions:
        pattern = re.compile(r"(?<![\w@/])" + re.escape(token(handle)) + r"(?![\w-])")
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                spans.append(_Span(match.start(), match.end(), "mention", (handle, uid)))
                break
    for tag in post.hashtags:
        pattern = re.compile(r"(?<![\w&/])#" + re.escape(tag) + r"(?!\w)")
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                spans.append(_Span(match.start(), match.end(), "hashtag", tag))
                break
    return sorted(spans, key=lambda s: s.start)


def _twitter_escape(text: str) -> str:
    """Twitter's HTML escaping of tweet text (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _retweet_text(handle: str, text: str) -> str:
    """A retweet's own text: ``RT @author: `` and the original, cut at 140 characters."""
    full = f"RT @{handle}: {text}"
    return full if len(full) <= 140 else full[:139] + "…"


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _write_jsonl(path: Path, values: Iterable[Any]) -> None:
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), encoding="utf-8")


def _newest_first(posts: list[ShapePost]) -> list[ShapePost]:
    return sorted(posts, key=lambda p: (p.created_at, p.native_id), reverse=True)


def _retrieved_at(posts: list[ShapePost]) -> datetime:
    latest = max((p.created_at for p in posts), default=datetime(2024, 1, 1, tzinfo=UTC))
    return latest + timedelta(days=2, hours=3)


# --------------------------------------------------------------------------- twitter


def _v2_user(uid: str, handle: str, profile: str | None = None) -> dict[str, Any]:
    return {
        "id": uid,
        "username": handle,
        "name": _display_name(handle),
        "created_at": _iso_ms(datetime(2010 + _stable_int(uid, 0, 13), 3, 1, 9, tzinfo=UTC)),
        "description": profile or "",
        "protected": False,
        "verified": False,
        "url": "",
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
        "public_metrics": {
            "followers_count": _stable_int(uid + "f", 20, 9000),
            "following_count": _stable_int(uid + "g", 20, 900),
            "tweet_count": _stable_int(uid + "t", 100, 20000),
            "listed_count": _stable_int(uid + "l", 0, 90),
        },
    }


def _v2_entities(text: str, post: ShapePost) -> dict[str, Any]:
    entities: dict[str, list[dict[str, Any]]] = {}
    for span in _spans(text, post, lambda handle: "@" + handle):
        if span.kind == "mention":
            handle, uid = span.value
            item = {"start": span.start, "end": span.end, "username": handle, "id": uid}
            entities.setdefault("mentions", []).append(item)
        elif span.kind == "hashtag":
            item = {"start": span.start, "end": span.end, "tag": span.value}
            entities.setdefault("hashtags", []).append(item)
        else:
            entities.setdefault("urls", []).append({
                "start": span.start,
                "end": span.end,
                "url": _tco(span.value),
                "expanded_url": span.value,
                "display_url": _display_url(span.value),
            })
    return entities


def _v2_tweet(post: ShapePost) -> dict[str, Any]:
    created = _iso_ms(post.created_at)
    if post.shared_id is not None:
        text = _retweet_text(post.shared_author_handle or "", post.text)
        entities = _v2_entities(text, replace(
            post, mentions=[(post.shared_author_handle or "", post.shared_author_native_id or "")],
            hashtags=[], urls=[],
        ))
        references = [{"type": "retweeted", "id": post.shared_id}]
    else:
        text = post.text
        entities = _v2_entities(text, post)
        references = [{"type": "replied_to", "id": post.parent_id}] if post.parent_id else []
    tweet: dict[str, Any] = {
        "edit_history_tweet_ids": [post.native_id],
        "id": post.native_id,
        "author_id": post.author_native_id,
        "conversation_id": post.thread_id or post.native_id,
        "created_at": created,
        "text": _twitter_escape(text),
        "lang": post.lang or "und",
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "public_metrics": {
            "retweet_count": post.shares or 0,
            "reply_count": post.replies or 0,
            "like_count": post.likes or 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 40 * (post.likes or 0) + _stable_int(post.native_id, 50, 400),
        },
        "edit_controls": {"edits_remaining": 5, "is_edit_eligible": False, "editable_until": created},
    }
    if references:
        tweet["referenced_tweets"] = references
    if post.parent_id and post.parent_author_native_id:
        tweet["in_reply_to_user_id"] = post.parent_author_native_id
    if entities:
        tweet["entities"] = entities
    return tweet


def _twarc_url(posts: list[ShapePost]) -> str:
    return (
        "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id"
        "%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username"
        "&tweet.fields=attachments%2Cauthor_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid"
        "%2Cin_reply_to_user_id%2Clang%2Cpublic_metrics%2Ctext%2Creferenced_tweets%2Cedit_history_tweet_ids"
        f"&max_results={TWITTER_PAGE_SIZE}&query=%23RareDisease"
    )


def _write_twarc2(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """twarc2 search: one API response page per line, newest first, with expansions.

    ``includes.users`` holds the authors, the accounts replied to, mentioned
    and retweeted; ``includes.tweets`` the retweeted tweets and the tweets
    replied to that are in ``posts``.
    """
    ordered = _newest_first(posts)
    pages = [ordered[i:i + TWITTER_PAGE_SIZE] for i in range(0, len(ordered), TWITTER_PAGE_SIZE)]
    retrieved = _retrieved_at(posts)
    lines = []
    for number, page in enumerate(pages):
        users: dict[str, str] = {}
        included: dict[str, dict[str, Any]] = {}

        def add_user(uid: str | None, handle: str | None, users: dict[str, str] = users) -> None:
            handle = handle or (directory.handles.get(uid) if uid else None)
            if uid and handle:
                users.setdefault(uid, handle)

        for post in page:
            add_user(post.author_native_id, post.author_handle)
            add_user(post.parent_author_native_id, post.parent_author_handle)
            add_user(post.shared_author_native_id, post.shared_author_handle)
            for handle, uid in post.mentions:
                add_user(uid, handle)
            referenced = []
            if post.shared_id is not None:
                referenced.append(directory.original(post))
            if post.parent_id is not None and post.parent_id in directory.posts:
                referenced.append(directory.posts[post.parent_id])
            for other in referenced:
                included.setdefault(other.native_id, _v2_tweet(other))
                add_user(other.author_native_id, other.author_handle)
        includes: dict[str, Any] = {"users": [_v2_user(uid, handle, directory.profiles.get(uid))
                                                  for uid, handle in users.items()]}
        if included:
            includes["tweets"] = list(included.values())
        meta: dict[str, Any] = {
            "newest_id": page[0].native_id,
            "oldest_id": page[-1].native_id,
            "result_count": len(page),
        }
        if number + 1 < len(pages):
            meta["next_token"] = "b26v89c19zqg8o3f" + _base36(_stable_int(page[-1].native_id, 36**6, 36**7))
        lines.append({
            "data": [_v2_tweet(post) for post in page],
            "includes": includes,
            "meta": meta,
            "__twarc": {
                "url": _twarc_url(posts),
                "version": "2.14.0",
                "retrieved_at": (retrieved + timedelta(seconds=number)).isoformat(),
            },
        })
    _write_jsonl(path, lines)
    return {}


def _v1_user(uid: str, handle: str, profile: str | None = None) -> dict[str, Any]:
    return {
        "id": int(uid),
        "id_str": uid,
        "name": _display_name(handle),
        "screen_name": handle,
        "location": "",
        "description": profile or "",
        "url": None,
        "entities": {"description": {"urls": []}},
        "protected": False,
        "followers_count": _stable_int(uid + "f", 20, 9000),
        "friends_count": _stable_int(uid + "g", 20, 900),
        "listed_count": _stable_int(uid + "l", 0, 90),
        "created_at": _v1_time(datetime(2010 + _stable_int(uid, 0, 9), 3, 1, 9, tzinfo=UTC)),
        "favourites_count": _stable_int(uid + "v", 0, 5000),
        "utc_offset": None,
        "time_zone": None,
        "geo_enabled": False,
        "verified": False,
        "statuses_count": _stable_int(uid + "t", 100, 20000),
        "lang": None,
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
        "default_profile": False,
    }


def _v1_entities(text: str, post: ShapePost) -> dict[str, Any]:
    entities: dict[str, list[dict[str, Any]]] = {
        "hashtags": [], "symbols": [], "user_mentions": [], "urls": [],
    }
    for span in _spans(text, post, lambda handle: "@" + handle):
        indices = [span.start, span.end]
        if span.kind == "mention":
            handle, uid = span.value
            entities["user_mentions"].append({
                "screen_name": handle, "name": _display_name(handle), "id": int(uid), "id_str": uid,
                "indices": indices,
            })
        elif span.kind == "hashtag":
            entities["hashtags"].append({"text": span.value, "indices": indices})
        else:
            entities["urls"].append({
                "url": _tco(span.value), "expanded_url": span.value,
                "display_url": _display_url(span.value), "indices": indices,
            })
    return entities


def _v1_tweet(post: ShapePost, directory: _Directory) -> dict[str, Any]:
    if post.shared_id is not None:
        shared_handle = post.shared_author_handle or ""
        text = _retweet_text(shared_handle, post.text)
        entities = _v1_entities(text, replace(
            post, mentions=[(shared_handle, post.shared_author_native_id or "")], hashtags=[], urls=[]
        ))
    else:
        text = post.text
        entities = _v1_entities(text, post)
    start = 0
    if post.parent_id and post.parent_author_handle and text.startswith("@" + post.parent_author_handle):
        start = len(post.parent_author_handle) + 2
    parent_author = post.parent_author_native_id if post.parent_id else None
    tweet: dict[str, Any] = {
        "created_at": _v1_time(post.created_at),
        "id": int(post.native_id),
        "id_str": post.native_id,
        "full_text": _twitter_escape(text),
        "truncated": False,
        "display_text_range": [start, len(text)],
        "entities": entities,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "in_reply_to_status_id": int(post.parent_id) if post.parent_id else None,
        "in_reply_to_status_id_str": post.parent_id,
        "in_reply_to_user_id": int(parent_author) if parent_author else None,
        "in_reply_to_user_id_str": parent_author,
        "in_reply_to_screen_name": post.parent_author_handle if post.parent_id else None,
        "user": _v1_user(post.author_native_id, post.author_handle, post.author_profile),
        "geo": None,
        "coordinates": None,
        "place": None,
        "contributors": None,
        "is_quote_status": False,
        "retweet_count": post.shares or 0,
        "favorite_count": post.likes or 0,
        "favorited": False,
        "retweeted": False,
        "lang": post.lang or "und",
    }
    if post.shared_id is not None:
        tweet["retweeted_status"] = _v1_tweet(directory.original(post), directory)
    return tweet


def _write_twitter_v1(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """v1.1 tweets as twarc (version 1) wrote them: one tweet per line, ``full_text``, newest first.

    There is no ``reply_count`` (the standard v1.1 API has none), so the
    reader's ``replies`` is None.
    """
    _write_jsonl(path, (_v1_tweet(post, directory) for post in _newest_first(posts)))
    return {}


#: twarc-csv's DEFAULT_TWEET_COLUMNS, in its order (as in tests/fixtures/twitter/twarc_tweets.csv).
TWARC_CSV_COLUMNS = (
    "id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
    "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id", "in_reply_to_username",
    "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username", "created_at", "text",
    "lang", "source", "public_metrics.impression_count", "public_metrics.reply_count",
    "public_metrics.retweet_count", "public_metrics.quote_count", "public_metrics.like_count",
    "reply_settings", "edit_history_tweet_ids", "edit_controls.edits_remaining",
    "edit_controls.editable_until", "edit_controls.is_edit_eligible", "possibly_sensitive",
    "withheld.scope", "withheld.copyright", "withheld.country_codes", "entities.annotations",
    "entities.cashtags", "entities.hashtags", "entities.mentions", "entities.urls", "context_annotations",
    "attachments.media", "attachments.media_keys", "attachments.poll.duration_minutes",
    "attachments.poll.end_datetime", "attachments.poll.id", "attachments.poll.options",
    "attachments.poll.voting_status", "attachments.poll_ids", "author.id", "author.created_at",
    "author.username", "author.name", "author.description", "author.entities.description.cashtags",
    "author.entities.description.hashtags", "author.entities.description.mentions",
    "author.entities.description.urls", "author.url", "author.location", "author.pinned_tweet_id",
    "author.profile_image_url", "author.protected", "author.public_metrics.followers_count",
    "author.public_metrics.following_count", "author.public_metrics.listed_count",
    "author.public_metrics.tweet_count", "author.verified", "author.withheld.scope",
    "author.withheld.copyright", "author.withheld.country_codes", "geo.coordinates.coordinates",
    "geo.coordinates.type", "geo.country", "geo.country_code", "geo.full_name", "geo.geo.bbox",
    "geo.geo.type", "geo.id", "geo.name", "geo.place_id", "geo.place_type", "matching_rules",
    "__twarc.retrieved_at", "__twarc.url", "__twarc.version",
)


def _json_list_cell(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False) if items else ""


def _twarc_csv_row(post: ShapePost, retrieved: str, url: str) -> list[str]:
    tweet = _v2_tweet(post)
    user = _v2_user(post.author_native_id, post.author_handle, post.author_profile)
    metrics = tweet["public_metrics"]
    text = _twitter_escape(post.text).replace("\r", "").replace("\n", "\\n")
    row = dict.fromkeys(TWARC_CSV_COLUMNS, "")
    row.update({
        "id": post.native_id,
        "conversation_id": tweet["conversation_id"],
        "referenced_tweets.replied_to.id": post.parent_id or "",
        "referenced_tweets.retweeted.id": post.shared_id or "",
        "author_id": post.author_native_id,
        "in_reply_to_user_id": (post.parent_author_native_id or "") if post.parent_id else "",
        "in_reply_to_username": (post.parent_author_handle or "") if post.parent_id else "",
        "retweeted_user_id": post.shared_author_native_id or "" if post.shared_id else "",
        "retweeted_username": post.shared_author_handle or "" if post.shared_id else "",
        "created_at": tweet["created_at"],
        "text": text,  # with --merge-retweets a retweet row holds the original's text and entities
        "lang": tweet["lang"],
        "public_metrics.impression_count": str(metrics["impression_count"]),
        "public_metrics.reply_count": str(metrics["reply_count"]),
        "public_metrics.retweet_count": str(metrics["retweet_count"]),
        "public_metrics.quote_count": str(metrics["quote_count"]),
        "public_metrics.like_count": str(metrics["like_count"]),
        "reply_settings": "everyone",
        "edit_history_tweet_ids": json.dumps([post.native_id]),
        "edit_controls.edits_remaining": "5",
        "edit_controls.editable_until": tweet["created_at"],
        "edit_controls.is_edit_eligible": "False",
        "possibly_sensitive": "False",
        "entities.hashtags": _json_list_cell([f"#{tag}" for tag in post.hashtags]),
        "entities.mentions": _json_list_cell([f"@{handle}" for handle, _ in post.mentions]),
        "entities.urls": _json_list_cell(list(post.urls)),
        "author.id": post.author_native_id,
        "author.created_at": user["created_at"],
        "author.username": post.author_handle,
        "author.name": user["name"],
        "author.description": user["description"],
        "author.profile_image_url": user["profile_image_url"],
        "author.protected": "False",
        "author.public_metrics.followers_count": str(user["public_metrics"]["followers_count"]),
        "author.public_metrics.following_count": str(user["public_metrics"]["following_count"]),
        "author.public_metrics.listed_count": str(user["public_metrics"]["listed_count"]),
        "author.public_metrics.tweet_count": str(user["public_metrics"]["tweet_count"]),
        "author.verified": "False",
        "__twarc.retrieved_at": retrieved,
        "__twarc.url": url,
        "__twarc.version": "2.14.0",
    })
    return [row[column] for column in TWARC_CSV_COLUMNS]


def _write_twarc_csv(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """``twarc2 csv`` output (default columns, ``--merge-retweets``, newlines written as ``\\n``)."""
    retrieved = _retrieved_at(posts).isoformat()
    url = _twarc_url(posts)
    rows = [list(TWARC_CSV_COLUMNS)] + [_twarc_csv_row(p, retrieved, url) for p in _newest_first(posts)]
    path.write_text(_csv_text(rows), encoding="utf-8")
    return {}


# --------------------------------------------------------------------------- reddit


def _reddit_escape(text: str) -> str:
    """Reddit's escaping of its markdown fields (``&``, ``<``, ``>``)."""
    return html.escape(text, quote=False)


def _title_and_body(text: str) -> tuple[str, str]:
    """Split a submission's text into its title (the first sentence) and self text."""
    parts = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)
    if len(parts) == 2 and len(parts[0]) <= 300:
        return parts[0], parts[1]
    return text, ""


def _slug(title: str) -> str:
    words = re.findall(r"\w+", title.lower())
    return "_".join(words)[:50].rstrip("_") or "post"


def _bare(fullname: str) -> str:
    return fullname.split("_", 1)[1] if re.match(r"t\d_", fullname) else fullname


def _reddit_common(post: ShapePost, api: bool) -> dict[str, Any]:
    created = int(post.created_at.timestamp())
    data: dict[str, Any] = {
        "all_awardings": [],
        "archived": False,
        "author": post.author_handle,
        "author_flair_background_color": None,
        "author_flair_css_class": None,
        "author_flair_richtext": [],
        "author_flair_text": post.author_profile,
        "author_flair_type": "text",
        "author_fullname": post.author_native_id,
        "author_patreon_flair": False,
        "author_premium": False,
    }
    if api:
        data.update({"created": float(created), "created_utc": float(created), "downs": 0,
                     "likes": None, "saved": False, "ups": post.likes or 0})
    else:
        data.update({"created_utc": created, "retrieved_on": created + 3 * 86400})
    return data


def _reddit_submission(post: ShapePost, api: bool) -> dict[str, Any]:
    bare = _bare(post.native_id)
    title, body = _title_and_body(post.text)
    permalink = f"/r/{SUBREDDIT}/comments/{bare}/{_slug(title)}/"
    data = _reddit_common(post, api)
    data.update({
        "allow_live_comments": False,
        "can_gild": False,
        "category": None,
        "content_categories": None,
        "contest_mode": False,
        "discussion_type": None,
        "distinguished": None,
        "domain": f"self.{SUBREDDIT}",
        "edited": False,
        "gilded": 0,
        "gildings": {},
        "hidden": False,
        "id": bare,
        "is_created_from_ads_ui": False,
        "is_crosspostable": True,
        "is_meta": False,
        "is_original_content": False,
        "is_reddit_media_domain": False,
        "is_robot_indexable": True,
        "is_self": True,
        "is_video": False,
        "link_flair_text": None,
        "locked": False,
        "media": None,
        "media_only": False,
        "name": post.native_id,
        "no_follow": False,
        "num_comments": post.replies or 0,
        "num_crossposts": post.shares or 0,
        "over_18": False,
        "permalink": permalink,
        "pinned": False,
        "score": post.likes or 0,
        "selftext": _reddit_escape(body),
        "send_replies": True,
        "spoiler": False,
        "stickied": False,
        "subreddit": SUBREDDIT,
        "subreddit_id": "t5_2qh1i",
        "subreddit_name_prefixed": f"r/{SUBREDDIT}",
        "subreddit_subscribers": 18_240,
        "subreddit_type": "public",
        "thumbnail": "self",
        "title": _reddit_escape(title),
        "total_awards_received": 0,
        "treatment_tags": [],
        "upvote_ratio": 0.97,
        "url": f"https://www.reddit.com{permalink}",
        "view_count": None,
        "whitelist_status": "all_ads",
        "wls": 6,
    })
    if api:
        data["selftext_html"] = _reddit_html(body) if body else None
    return dict(sorted(data.items()))  # Reddit and the dumps give the fields in alphabetical order


def _reddit_html(markdown: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in markdown.split("\n\n"))
    return html.escape(f'<!-- SC_OFF --><div class="md">{paragraphs}</div><!-- SC_ON -->', quote=False)


def _reddit_thread_of(post: ShapePost) -> str:
    if post.thread_id:
        return post.thread_id
    if post.parent_id and post.parent_id.startswith("t3_"):
        return post.parent_id
    return post.parent_id or post.native_id


def _reddit_comment(post: ShapePost, directory: _Directory, api: bool, depth: int = 0) -> dict[str, Any]:
    bare = _bare(post.native_id)
    link_id = _reddit_thread_of(post)
    root = directory.posts.get(link_id)
    data = _reddit_common(post, api)
    data.update({
        "associated_award": None,
        "body": _reddit_escape(post.text),
        "can_gild": True,
        "collapsed": False,
        "collapsed_because_crowd_control": None,
        "collapsed_reason": None,
        "collapsed_reason_code": None,
        "comment_type": None,
        "controversiality": 0,
        "distinguished": None,
        "edited": False,
        "gilded": 0,
        "gildings": {},
        "id": bare,
        "is_submitter": root is not None and root.author_native_id == post.author_native_id,
        "link_id": link_id,
        "locked": False,
        "no_follow": True,
        "parent_id": post.parent_id,
        "permalink": f"/r/{SUBREDDIT}/comments/{_bare(link_id)}/comment/{bare}/",
        "score": post.likes or 0,
        "score_hidden": False,
        "send_replies": True,
        "stickied": False,
        "subreddit": SUBREDDIT,
        "subreddit_id": "t5_2qh1i",
        "subreddit_name_prefixed": f"r/{SUBREDDIT}",
        "subreddit_type": "public",
        "top_awarded_type": None,
        "total_awards_received": 0,
        "treatment_tags": [],
    })
    if api:
        data.update({"body_html": _reddit_html(post.text), "depth": depth, "name": post.native_id,
                     "replies": ""})
    return dict(sorted(data.items()))


def _is_submission(post: ShapePost) -> bool:
    if post.native_id.startswith("t3_"):
        return True
    return not post.native_id.startswith("t1_") and post.parent_id is None


def _write_pushshift(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """A Pushshift / Arctic Shift NDJSON dump holding submissions and comments, oldest first.

    Real dumps keep submissions and comments in separate files; the reader
    accepts both kinds in one file, which is what is written here.  Ids are
    fullnames in :class:`ShapePost` and bare in the dump (``id``), as in real
    dumps.  Submissions are self posts: the title is the first sentence of the
    text, the self text the rest.
    """
    ordered = sorted(posts, key=lambda p: (p.created_at, p.native_id))
    _write_jsonl(path, (
        _reddit_submission(p, api=False) if _is_submission(p) else _reddit_comment(p, directory, api=False)
        for p in ordered
    ))
    return {}


def _listing(children: list[dict[str, Any]], dist: int | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {"after": None, "dist": dist, "modhash": "", "geo_filter": "", "children": children,
                 "before": None},
    }


def _write_reddit_api(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """Reddit API post pages (``/comments/<id>.json``), one per line, newest submission first.

    Each line is ``[submission listing, comment listing]`` with the comment
    tree nested in each comment's ``replies``.  Comments whose submission is
    not in ``posts`` come last, as a flat listing of ``t1`` things (as a
    user's comment listing holds them).
    """
    submissions = [p for p in posts if _is_submission(p)]
    comments = sorted((p for p in posts if not _is_submission(p)), key=lambda p: (p.created_at, p.native_id))
    present = {p.native_id for p in posts}
    by_thread: dict[str, list[ShapePost]] = defaultdict(list)
    for comment in comments:
        by_thread[_reddit_thread_of(comment)].append(comment)
    lines = []
    for submission in _newest_first(submissions):
        thread = by_thread.pop(submission.native_id, [])
        children_of: dict[str, list[ShapePost]] = defaultdict(list)
        for comment in thread:
            parent = comment.parent_id if comment.parent_id in present else submission.native_id
            children_of[parent or submission.native_id].append(comment)

        def tree(
            parent_id: str, depth: int, children_of: dict[str, list[ShapePost]] = children_of
        ) -> list[Any]:
            things = []
            for comment in children_of.get(parent_id, []):
                data = _reddit_comment(comment, directory, api=True, depth=depth)
                below = tree(comment.native_id, depth + 1)
                data["replies"] = _listing(below) if below else ""
                things.append({"kind": "t1", "data": data})
            return things

        lines.append([
            _listing([{"kind": "t3", "data": _reddit_submission(submission, api=True)}], dist=1),
            _listing(tree(submission.native_id, 0)),
        ])
    orphans = [c for thread in by_thread.values() for c in thread]
    if orphans:
        things = [{"kind": "t1", "data": _reddit_comment(c, directory, api=True)} for c in orphans]
        lines.append(_listing(things, dist=len(things)))
    _write_jsonl(path, lines)
    return {}


# --------------------------------------------------------------------------- mastodon


def _acct_parts(handle: str, home: str) -> tuple[str, str]:
    local, _, host = handle.lstrip("@").partition("@")
    return local, host or home


def _mastodon_home(posts: list[ShapePost]) -> str:
    hosts = Counter(p.author_handle.partition("@")[2] for p in posts if "@" in p.author_handle)
    if not hosts:
        return MASTODON_HOME
    top = max(hosts.values())
    return min(host for host, count in hosts.items() if count == top)


def _rails_escape(text: str) -> str:
    """HTML escaping as Mastodon (Rails) does it."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _mastodon_account(uid: str, handle: str, home: str, profile: str | None = None) -> dict[str, Any]:
    local, host = _acct_parts(handle, home)
    return {
        "id": uid,
        "username": local,
        "acct": local if host == home else f"{local}@{host}",
        "display_name": _display_name(handle),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": "2022-11-03T00:00:00.000Z",
        "note": f"<p>{html.escape(profile)}</p>" if profile else "",
        "url": f"https://{host}/@{local}",
        "uri": f"https://{host}/users/{local}",
        "avatar": f"https://{home}/avatars/original/missing.png",
        "avatar_static": f"https://{home}/avatars/original/missing.png",
        "header": f"https://{home}/headers/original/missing.png",
        "header_static": f"https://{home}/headers/original/missing.png",
        "followers_count": _stable_int(uid + "f", 5, 3000),
        "following_count": _stable_int(uid + "g", 5, 800),
        "statuses_count": _stable_int(uid + "s", 10, 5000),
        "last_status_at": "2024-06-02",
        "hide_collections": False,
        "emojis": [],
        "fields": [],
    }


def _mastodon_link(url: str) -> str:
    scheme, _, rest = url.partition("://")
    prefix = scheme + "://"
    if rest.startswith("www."):
        prefix, rest = prefix + "www.", rest[4:]
    if len(rest) <= 30:
        inner = f'<span class="invisible">{prefix}</span><span class="">{_rails_escape(rest)}</span>' \
                '<span class="invisible"></span>'
    else:
        inner = (f'<span class="invisible">{prefix}</span><span class="ellipsis">{_rails_escape(rest[:30])}'
                 f'</span><span class="invisible">{_rails_escape(rest[30:])}</span>')
    return (f'<a href="{_rails_escape(url)}" target="_blank" rel="nofollow noopener noreferrer" '
            f'translate="no">{inner}</a>')


def _mastodon_content(post: ShapePost, home: str) -> str:
    """Status HTML: ``<p>`` paragraphs, ``<br />`` line breaks, mention, hashtag and link anchors."""

    def token(handle: str) -> str:
        return "@" + _acct_parts(handle, home)[0]

    pieces: list[str] = []
    position = 0

    def plain(segment: str) -> str:
        return _rails_escape(segment).replace("\n", "<br />")

    for span in _spans(post.text, post, token):
        pieces.append(plain(post.text[position:span.start]))
        if span.kind == "mention":
            local, host = _acct_parts(span.value[0], home)
            pieces.append(f'<span class="h-card" translate="no"><a href="https://{host}/@{local}" '
                          f'class="u-url mention">@<span>{local}</span></a></span>')
        elif span.kind == "hashtag":
            tag = span.value
            pieces.append(f'<a href="https://{home}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
                          f"#<span>{tag}</span></a>")
        else:
            pieces.append(_mastodon_link(span.value))
        position = span.end
    pieces.append(plain(post.text[position:]))
    body = "".join(pieces)
    return "".join(f"<p>{paragraph}</p>" for paragraph in body.split("<br /><br />"))


def _mastodon_status(post: ShapePost, directory: _Directory, home: str) -> dict[str, Any]:
    local, host = _acct_parts(post.author_handle, home)
    created = _iso_ms(post.created_at)
    reblog = None
    if post.shared_id is not None:
        reblog = _mastodon_status(directory.original(post), directory, home)
    status: dict[str, Any] = {
        "id": post.native_id,
        "created_at": created,
        "in_reply_to_id": post.parent_id,
        "in_reply_to_account_id": post.parent_author_native_id if post.parent_id else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None if reblog else post.lang,
        "uri": f"https://{host}/users/{local}/statuses/{post.native_id}" + ("/activity" if reblog else ""),
        "url": None if reblog else f"https://{host}/@{local}/{post.native_id}",
        "replies_count": post.replies or 0,
        "reblogs_count": post.shares or 0,
        "favourites_count": post.likes or 0,
        "quotes_count": 0,
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "content": "" if reblog else _mastodon_content(post, home),
        "filtered": [],
        "reblog": reblog,
        "application": None if reblog else {"name": "Web", "website": None},
        "account": _mastodon_account(post.author_native_id, post.author_handle, home, post.author_profile),
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
    }
    if reblog is None:
        mentions = []
        for handle, uid in post.mentions:
            m_local, m_host = _acct_parts(handle, home)
            mentions.append({"id": uid, "username": m_local, "url": f"https://{m_host}/@{m_local}",
                             "acct": m_local if m_host == home else f"{m_local}@{m_host}"})
        status["mentions"] = mentions
        status["tags"] = [{"name": tag.lower(), "url": f"https://{home}/tags/{tag.lower()}"}
                          for tag in post.hashtags]
        if post.urls:
            status["card"] = _mastodon_card(post.urls[0], post.lang)
    return status


def _mastodon_card(url: str, lang: str | None) -> dict[str, Any]:
    return {
        "url": url, "title": _link_title(url), "description": "", "language": lang, "type": "link",
        "author_name": "", "author_url": "", "provider_name": urlsplit(url).hostname or "",
        "provider_url": "", "html": "", "width": 400, "height": 210, "image": None,
        "image_description": "", "embed_url": "", "blurhash": None, "published_at": None, "authors": [],
    }


def _link_title(url: str) -> str:
    last = [part for part in urlsplit(url).path.split("/") if part]
    words = re.split(r"[-_]+", last[-1]) if last else [urlsplit(url).hostname or url]
    return " ".join(words).capitalize()


def _write_mastodon(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """A JSON array of Status entities, newest first, as the statuses API returns them.

    The home server of the export is the server most authors are on; its
    accounts have a bare ``acct``, the others ``user@host``.  Reblogs are
    statuses with empty content and the reblogged status in ``reblog``.
    """
    home = _mastodon_home(posts)
    statuses = [_mastodon_status(p, directory, home) for p in _newest_first(posts)]
    path.write_text(json.dumps(statuses, ensure_ascii=False), encoding="utf-8")
    return {}


# --------------------------------------------------------------------------- bluesky

POST_COLLECTION = "app.bsky.feed.post"


def _cid(uri: str) -> str:
    return "bafyrei" + _b32(hashlib.sha256(uri.encode("utf-8")).digest())[:52]


def _did_of(uri: str) -> str:
    return uri.removeprefix("at://").split("/", 1)[0]


def _bluesky_profile(did: str, handle: str) -> dict[str, Any]:
    return {
        "did": did,
        "handle": handle,
        "displayName": _display_name(handle),
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkreiavatar@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2023-09-12T10:00:00.000Z",
    }


def _utf8_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _bluesky_facets(post: ShapePost) -> list[dict[str, Any]]:
    facets = []
    for span in _spans(post.text, post, lambda handle: "@" + handle):
        if span.kind == "mention":
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": span.value[1]}
        elif span.kind == "hashtag":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": span.value}
        else:
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": span.value}
        facets.append({
            "$type": "app.bsky.richtext.facet",
            "index": {"byteStart": _utf8_offset(post.text, span.start),
                      "byteEnd": _utf8_offset(post.text, span.end)},
            "features": [feature],
        })
    return facets


def _bluesky_view(post: ShapePost) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": POST_COLLECTION, "createdAt": _iso_ms(post.created_at)}
    view_embed = None
    if post.urls:
        external = {"uri": post.urls[0], "title": _link_title(post.urls[0]), "description": ""}
        record["embed"] = {"$type": "app.bsky.embed.external", "external": external}
        view_embed = {"$type": "app.bsky.embed.external#view", "external": dict(external)}
    facets = _bluesky_facets(post)
    if facets:
        record["facets"] = facets
    if post.lang:
        record["langs"] = [post.lang]
    if post.parent_id:
        root = post.thread_id or post.parent_id
        record["reply"] = {
            "root": {"cid": _cid(root), "uri": root},
            "parent": {"cid": _cid(post.parent_id), "uri": post.parent_id},
        }
    record["text"] = post.text
    view: dict[str, Any] = {
        "uri": post.native_id,
        "cid": _cid(post.native_id),
        "author": _bluesky_profile(post.author_native_id, post.author_handle),
        "record": record,
    }
    if view_embed:
        view["embed"] = view_embed
    view.update({
        "replyCount": post.replies or 0,
        "repostCount": post.shares or 0,
        "likeCount": post.likes or 0,
        "quoteCount": 0,
        "indexedAt": _iso_ms(post.created_at + timedelta(milliseconds=812)),
        "viewer": {"threadMuted": False, "embeddingDisabled": False},
        "labels": [],
    })
    return view


def _bluesky_ref_view(uri: str, directory: _Directory) -> dict[str, Any]:
    found = directory.posts.get(uri)
    if found is None or found.shared_id is not None:
        return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": True}
    return {"$type": "app.bsky.feed.defs#postView", **_bluesky_view(found)}


def _bluesky_item(post: ShapePost, directory: _Directory) -> dict[str, Any]:
    if post.shared_id is not None:
        return {
            "post": _bluesky_view(directory.original(post)),
            "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": _bluesky_profile(post.author_native_id, post.author_handle),
                "indexedAt": _iso_ms(post.created_at),
            },
        }
    item: dict[str, Any] = {"post": _bluesky_view(post)}
    if post.parent_id:
        item["reply"] = {
            "root": _bluesky_ref_view(post.thread_id or post.parent_id, directory),
            "parent": _bluesky_ref_view(post.parent_id, directory),
        }
    return item


def _write_bluesky(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """``app.bsky.feed.getAuthorFeed`` pages, one per line: each author's posts and reposts, newest first.

    Authors come in the order of their first post; an author's feed is cut in
    pages of :data:`BLUESKY_PAGE_SIZE` items with a ``cursor`` on every page
    but the last.  A reply's item carries ``reply.root`` and ``reply.parent``
    views (``notFoundPost`` when that post is not in ``posts``).
    """
    feeds: dict[str, list[ShapePost]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.created_at, p.native_id)):
        feeds[post.author_native_id].append(post)
    lines = []
    for feed in feeds.values():
        items = _newest_first(feed)
        for start in range(0, len(items), BLUESKY_PAGE_SIZE):
            page_posts = items[start:start + BLUESKY_PAGE_SIZE]
            page: dict[str, Any] = {"feed": [_bluesky_item(p, directory) for p in page_posts]}
            if start + BLUESKY_PAGE_SIZE < len(items):
                page["cursor"] = _iso_ms(page_posts[-1].created_at)
            lines.append(page)
    _write_jsonl(path, lines)
    return {}


# --------------------------------------------------------------------------- facebook

#: CrowdTangle's Facebook export columns (as in tests/fixtures/facebook/crowdtangle_facebook.csv).
CROWDTANGLE_COLUMNS = (
    "Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description",
    "Page Created", "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
    "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha",
    "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?", "Post Views", "Total Views",
    "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link", "Final Link", "Image Text",
    "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
    "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
    "Angry 1x Care 1x )",
)

#: Meta Content Library Facebook post columns (as in tests/fixtures/facebook/mcl_facebook_posts.csv).
MCL_COLUMNS = (
    "id", "creation_time", "modified_time", "text", "lang", "post_owner.type", "post_owner.id",
    "post_owner.name", "post_owner.username", "surface.type", "surface.id", "surface.name",
    "statistics.reaction_count", "statistics.like_count", "statistics.love_count", "statistics.wow_count",
    "statistics.haha_count", "statistics.sad_count", "statistics.angry_count", "statistics.care_count",
    "statistics.comment_count", "statistics.share_count", "statistics.views",
    "statistics.views_date_last_refreshed", "multimedia", "is_branded_content", "content_type",
    "link_attachment.link", "shared_post_id",
)


def _dashboard_zone() -> Any:
    """The CrowdTangle dashboard's time zone (US Eastern; UTC where the zone database is missing)."""
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        return UTC


def _reactions(likes: int) -> dict[str, int]:
    """Split a reaction total over Facebook's reactions (Like, Love, Care mostly)."""
    love, care, sad = likes * 2 // 10, likes // 10, likes // 25
    return {"Likes": likes - love - care - sad, "Love": love, "Wow": 0, "Haha": 0, "Sad": sad, "Angry": 0,
            "Care": care}


def _facebook_post_url(post: ShapePost) -> str:
    owner, _, number = post.native_id.rpartition("_")
    if not owner or not number.isdigit():
        raise ValueError(f"facebook post id {post.native_id!r} is not '<page id>_<post id>'")
    return f"https://www.facebook.com/{owner}/posts/{number}"


def _crowdtangle_row(post: ShapePost, zone: Any) -> list[str]:
    local = post.created_at.astimezone(zone)
    abbreviation = local.tzname() or "UTC"
    url = _facebook_post_url(post)
    reactions = _reactions(post.likes or 0)
    uid = post.author_native_id
    row = dict.fromkeys(CROWDTANGLE_COLUMNS, "")
    row.update({
        "Page Name": _display_name(post.author_handle),
        "User Name": post.author_handle,
        "Facebook Id": uid,
        "Page Category": ("NONPROFIT", "COMMUNITY", "PERSONAL_BLOG")[_stable_int(uid, 0, 3)],
        "Page Admin Top Country": "GB",
        "Page Created": "2011-05-02 09:14:11 EST",
        "Likes at Posting": str(_stable_int(uid + "l", 200, 20000)),
        "Followers at Posting": str(_stable_int(uid + "f", 200, 22000)),
        "Post Created": f"{local:%Y-%m-%d %H:%M:%S} {abbreviation}",
        "Post Created Date": f"{local:%Y-%m-%d}",
        "Post Created Time": f"{local:%H:%M:%S}",
        "Type": "Link" if post.urls else "Status",
        "Total Interactions": str((post.likes or 0) + (post.replies or 0) + (post.shares or 0)),
        "Comments": str(post.replies or 0),
        "Shares": str(post.shares or 0),
        **{name: str(count) for name, count in reactions.items()},
        "Is Video Owner?": "-",
        "Post Views": "0",
        "Total Views": "0",
        "Total Views For All Crossposts": "0",
        "Video Length": "N/A",
        "URL": url,
        "Message": post.text,
        "Link": post.urls[0] if post.urls else url,
        "Link Text": _link_title(post.urls[0]) if post.urls else "",
        CROWDTANGLE_COLUMNS[-1]: f"{_stable_int(post.native_id, 50, 300) / 100:.2f}",
    })
    return [row[column] for column in CROWDTANGLE_COLUMNS]


def _write_crowdtangle(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """A CrowdTangle Facebook export (historical data CSV), newest first.

    Only top-level posts are written (CrowdTangle holds no comments; shares of
    other pages' posts are left out too).  Every author is written as a page:
    ``Page Name`` (display name), ``User Name`` (handle), ``Facebook Id``
    (account id).  ``Post Created`` is in the dashboard's zone (US Eastern,
    ``EST``/``EDT``); reactions add up to ``likes``; ``Link`` is the post's
    first link, or the post itself for a status.
    """
    zone = _dashboard_zone()
    rows = [list(CROWDTANGLE_COLUMNS)] + [_crowdtangle_row(p, zone) for p in _newest_first(posts)]
    path.write_text(_csv_text(rows), encoding="utf-8")
    return {}


def _mcl_row(post: ShapePost) -> list[str]:
    created = post.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    reactions = _reactions(post.likes or 0)
    name = _display_name(post.author_handle)
    row = dict.fromkeys(MCL_COLUMNS, "")
    row.update({
        "id": post.native_id,
        "creation_time": created,
        "modified_time": created,
        "text": post.text,
        "lang": post.lang or "",
        "post_owner.type": "page",
        "post_owner.id": post.author_native_id,
        "post_owner.name": name,
        "post_owner.username": post.author_handle,
        "surface.type": "page",
        "surface.id": post.author_native_id,
        "surface.name": name,
        "statistics.reaction_count": str(post.likes or 0),
        "statistics.like_count": str(reactions["Likes"]),
        "statistics.love_count": str(reactions["Love"]),
        "statistics.wow_count": "0",
        "statistics.haha_count": "0",
        "statistics.sad_count": str(reactions["Sad"]),
        "statistics.angry_count": "0",
        "statistics.care_count": str(reactions["Care"]),
        "statistics.comment_count": str(post.replies or 0),
        "statistics.share_count": str(post.shares or 0),
        "is_branded_content": "false",
        "content_type": "link" if post.urls else "text",
        "link_attachment.link": post.urls[0] if post.urls else "",
        "shared_post_id": post.shared_id or "",
    })
    return [row[column] for column in MCL_COLUMNS]


def _write_meta_content_library(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """A Meta Content Library Facebook posts CSV, newest first.

    Comments are not in such exports (replies are dropped); a share keeps
    ``shared_post_id`` but the export names no author for the original.
    """
    rows = [list(MCL_COLUMNS)] + [_mcl_row(p) for p in _newest_first(posts)]
    path.write_text(_csv_text(rows), encoding="utf-8")
    return {}


# --------------------------------------------------------------------------- forum table

FORUM_COLUMNS = {
    "native_id": "post_id",
    "thread_native_id": "thread_id",
    "parent_native_id": "reply_to",
    "author_native_id": "member_id",
    "author_handle": "member",
    "created_at": "posted",
    "text": "body",
    "lang": "language",
    "hashtags": "tags",
    "urls": "links",
    "mentions": "quoted_members",
    "likes": "thanks",
    "replies": "reply_count",
}


def _write_table(path: Path, posts: list[ShapePost], directory: _Directory) -> dict[str, Any]:
    """A forum's posts CSV (oldest first) and the column map for the generic table reader.

    ``posted`` is ``YYYY-MM-DD HH:MM:SS`` in UTC (no zone, as forum software
    exports it); ``tags`` and ``quoted_members`` are ``;``-separated,
    ``links`` a JSON list.  ``shared_post_id`` and ``shares`` columns are
    added only when a post shares or has a share count.
    """
    columns = dict(FORUM_COLUMNS)
    if any(p.shared_id for p in posts):
        columns["shared_native_id"] = "shared_post_id"
    if any(p.shares is not None for p in posts):
        columns["shares"] = "shares"

    def cell(post: ShapePost, canonical: str) -> str:
        value: Any = {
            "native_id": post.native_id,
            "thread_native_id": post.thread_id or post.native_id,
            "parent_native_id": post.parent_id,
            "author_native_id": post.author_native_id,
            "author_handle": post.author_handle,
            "created_at": post.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "text": post.text,
            "lang": post.lang,
            "hashtags": ";".join(post.hashtags),
            "urls": _json_list_cell(list(post.urls)),
            "mentions": ";".join(handle for handle, _ in post.mentions),
            "likes": post.likes,
            "replies": post.replies,
            "shared_native_id": post.shared_id,
            "shares": post.shares,
        }[canonical]
        return "" if value is None else str(value)

    ordered = sorted(posts, key=lambda p: (p.created_at, p.native_id))
    rows = [list(columns.values())] + [[cell(p, canonical) for canonical in columns] for p in ordered]
    path.write_text(_csv_text(rows), encoding="utf-8")
    return {"format": "table", "platform": FORMATS["table"], "columns": columns}


_WRITERS: dict[str, Callable[[Path, list[ShapePost], _Directory], dict[str, Any]]] = {
    "twarc2": _write_twarc2,
    "twitter_v1": _write_twitter_v1,
    "twarc_csv": _write_twarc_csv,
    "pushshift": _write_pushshift,
    "reddit_api": _write_reddit_api,
    "mastodon": _write_mastodon,
    "bluesky": _write_bluesky,
    "crowdtangle": _write_crowdtangle,
    "meta_content_library": _write_meta_content_library,
    "table": _write_table,
}


# --------------------------------------------------------------------------- sentence banks

_TEXT_LIMITS = {"twitter": 280, "bluesky": 300, "mastodon": 500}

_ORG_THEMES = {"trial_news": 3.0, "events": 3.0, "tips": 2.5, "thanks": 1.0}
_PUBLIC_THEMES = {
    "diagnosis": 3.0, "carer": 3.0, "treatment_question": 2.5, "tips": 1.0, "thanks": 1.0,
    "trial_news": 0.5, "events": 0.5,
}
_REPLY_THEMES = {"support": 5.0, "treatment_question": 1.5, "thanks": 1.5, "diagnosis": 1.0, "carer": 1.0}

_CONDITION_TAGS = {
    "PKU": "PKU", "SMA": "SMA", "myasthenia gravis": "MyastheniaGravis", "cystic fibrosis": "CysticFibrosis",
    "Duchenne": "Duchenne", "la SMA": "SMA", "la fenilchetonuria": "PKU",
    "la fibrosi cistica": "FibrosiCistica",
    "la miastenia gravis": "Miastenia",
}

_URLS = (
    "https://rarevoices.example.org/guides/benefits",
    "https://rarevoices.example.org/events/family-day",
    "https://rarevoices.example.org/donate",
    "https://clinicaltrials.example.gov/study/NCT05512345",
    "https://news.example.com/health/new-treatment-approved",
    "https://www.example.org/school-support-pack?utm_source=social",
)

_HANDLES: dict[str, list[str]] = {
    "en": ["maria_k82", "tomdad", "sma_mum_jo", "carer_lucy", "ben_rare_dad", "annalivingwell", "dr_okafor",
           "sam_and_pip", "nurse_helen", "grace_and_finn", "jamiewalks", "patelfamily4", "lou_spoonie",
           "mike_t_1975", "rarelyalone_em", "zainab_h", "chris_physio", "hope4harry", "kat_writes",
           "dan_daisy_mum"],
    "it": ["giulia_m84", "papa_luca", "mamma_sara", "marco_rossi77", "elena_sorride", "fra_caregiver",
           "ale_bianchi", "chiara_e_leo", "dott_ferri", "paola_vive", "nonna_rita", "gio_e_tommi"],
    "fi": ["maija_k", "jussi_isa", "annikasini", "mikko_h82", "liisa_aiti", "tuomas_v", "hanna_ja_eelis",
           "sari_hoitaja", "eero_77", "kaisa_l"],
    "sw": ["amina_k", "baba_juma", "mama_neema", "otieno_j", "wanjiru_w", "daktari_ali", "zawadi_m",
           "baraka_o"],
}

_BANKS: dict[str, dict[str, Any]] = {
    "en": {
        "condition": ["PKU", "SMA", "myasthenia gravis", "cystic fibrosis", "Duchenne"],
        "themes": {
            "diagnosis": [
                "I was diagnosed with {condition} at {age} after years of being told it was {dismissal}.",
                "It took {duration} and {number} different doctors before anyone said "
                "the words {condition} to me.",
                "Since my {condition} diagnosis I have learned to plan every week around my energy levels.",
                "When I got my diagnosis I had never met anyone else with {condition}, "
                "so this group means a lot.",
                "My first symptoms were {symptom} and I honestly thought it would pass on its own.",
                "Three years after my diagnosis I still have days when {symptom} makes everything harder.",
            ],
            "carer": [
                "Caring for my {relative} with {condition} means {care_task} every "
                "single day, but {positive}.",
                "As a parent carer I spend more time on the phone to {service} than I do sleeping.",
                "My {relative} started a new {care_thing} this month and the difference is already amazing.",
                "Some nights I sit in the car after {care_task} and cry for ten "
                "minutes before going back in.",
                "My {relative} was diagnosed with {condition} last year and we are still learning every day.",
            ],
            "treatment_question": [
                "Has anyone here started {treatment} yet, and how did the first few months go?",
                "Our {clinician} mentioned {treatment} but we are worried about "
                "{side_effect}, any experiences?",
                "Does anyone know if {treatment} is available outside the specialist centre in {city}?",
                "Quick question for the group: how do you manage {side_effect} after starting {treatment}?",
                "We see the {clinician} next week, what should we ask about {treatment}?",
            ],
            "trial_news": [
                "New results from the {trial} trial suggest {finding} for people living with {condition}.",
                "Recruitment is now open for a {phase} clinical trial of {treatment} at {number} hospitals.",
                "Researchers presented early data on {treatment} at the {conference} "
                "and it looks encouraging.",
                "The regulator has approved {treatment} for {condition}, a huge step for our community.",
                "We are looking for families to join a study on {research_topic} run by {research_group}.",
            ],
            "events": [
                "Our {event} is on {day} in {city}, join us to raise money for {cause}.",
                "Thank you to everyone who ran the {race} for us, you raised over {amount} for research!",
                "Tickets for the family day in {city} are now available, with talks on {talk_topic}.",
                "Join our online {online_event} on {day} to meet other families and share experiences.",
                "This {month} we are asking supporters to hold a bake sale for {cause} at school or work.",
            ],
            "tips": [
                "Tip for parents: ask the school for {school_support} early, it took us {duration} to sort.",
                "If you are applying for {benefit}, keep a diary of bad days because "
                "the assessors ask about them.",
                "Our updated guide explains how to claim {benefit} and what evidence the assessment needs.",
                "Top tip from our helpline: always bring a written summary of "
                "{condition} to emergency visits.",
                "A blue badge application can take {duration}, so start early and include a letter from your "
                "{clinician}.",
            ],
            "thanks": [
                "Huge thanks to {group} for {help}, it made a real difference to our family.",
                "Grateful to the nurses at {hospital} who took the time to explain everything to us.",
                "Thank you to this community for answering all my questions when I felt completely lost.",
                "A big thank you to our volunteers who gave up their weekend to help at the {event}.",
            ],
            "support": [
                "So sorry you are going through this, we had the same struggle with {service} last year.",
                "Sending you strength, it does get easier once you find the right {clinician}.",
                "We tried {treatment} too and the first weeks were hard, but it settled down after that.",
                "This is so helpful, I will ask our {clinician} about it at our next appointment.",
                "Thank you for sharing your story, it sounds so much like what happened to my {relative}.",
            ],
        },
        "slots": {
            "age": ["14", "27", "six", "nineteen", "32", "41"],
            "dismissal": ["growing pains", "anxiety", "just tiredness", "a virus", "all in my head"],
            "duration": ["two years", "eight months", "almost a year", "six weeks", "three months"],
            "number": ["five", "seven", "nine", "four", "twelve"],
            "symptom": ["constant fatigue", "muscle weakness", "joint pain", "blurred vision",
                        "breathlessness"],
            "relative": ["son", "daughter", "husband", "wife", "little boy", "mum", "dad", "brother"],
            "care_task": ["tube feeds at night", "physio stretches every morning", "lifting and hoisting",
                          "weighing every meal", "managing ten medications"],
            "positive": ["seeing him smile makes it worth it", "she never stops laughing",
                         "we have found a great team", "the support here keeps me going"],
            "service": ["the council", "the hospital booking line", "social services", "the pharmacy",
                        "our insurance company"],
            "care_thing": ["wheelchair", "feeding plan", "school timetable", "medication routine",
                           "physio programme"],
            "treatment": ["the new gene therapy", "enzyme replacement therapy", "the new oral medication",
                          "the infusion treatment", "the low-protein diet plan"],
            "clinician": ["neurologist", "consultant", "dietitian", "GP",
                          "specialist nurse", "physiotherapist"],
            "side_effect": ["the side effects", "weight gain", "the headaches", "the liver tests", "nausea"],
            "city": ["Manchester", "Leeds", "Bristol", "Glasgow", "Birmingham", "Cardiff"],
            "trial": ["STRIDE", "HORIZON", "BRIDGE-2", "ASCEND", "PATHWAY"],
            "finding": ["better motor function", "fewer hospital admissions", "slower progression",
                        "improved quality of life"],
            "phase": ["phase 2", "phase 3", "small phase 1"],
            "conference": ["European rare disease congress", "annual neurology meeting",
                           "patient registry conference"],
            "research_topic": ["sleep and fatigue", "school experiences", "mental health in carers",
                               "diet and growth"],
            "research_group": ["the university team in Leeds", "a hospital research group",
                               "our scientific advisers"],
            "event": ["sponsored walk", "family day", "annual conference", "quiz night", "charity ball"],
            "day": ["Saturday 12 May", "Sunday 3 March", "Friday 21 June", "Saturday 5 October"],
            "cause": ["research into new treatments", "our family support line", "specialist nurse posts",
                      "respite breaks for carers"],
            "race": ["London marathon", "half marathon", "10k fun run", "Great North Run"],
            "amount": ["£12,000", "£4,500", "£25,000", "£8,200"],
            "talk_topic": ["physiotherapy and new treatments", "benefits and school support",
                           "the latest research"],
            "online_event": ["coffee morning", "Q&A session", "carers' chat"],
            "month": ["January", "March", "May", "September"],
            "school_support": ["an EHCP assessment", "a classroom assistant", "extra time in exams",
                               "a care plan"],
            "benefit": ["PIP", "Disability Living Allowance", "Carer's Allowance", "Attendance Allowance"],
            "group": ["the team at the children's hospital", "our local support group",
                      "the specialist nurses", "everyone who donated"],
            "help": ["all the support this year", "listening when we needed it", "the amazing fundraising",
                     "sorting our appointments"],
            "hospital": ["Great Ormond Street", "the Royal Infirmary", "St James's", "the regional centre"],
        },
        "mention": [
            "Thanks {mention} for sharing this with everyone.",
            "What do you think about this, {mention}?",
            "{mention} we would love to hear your experience too.",
        ],
        "hashtags": ["RareDisease", "RareDiseaseDay", "CarersWeek", "ClinicalTrials", "PatientVoices"],
    },
    "it": {
        "condition": ["la SMA", "la fenilchetonuria", "la miastenia gravis", "la fibrosi cistica"],
        "themes": {
            "diagnosis": [
                "Mi hanno diagnosticato {condition} a {eta} anni dopo tanti medici diversi.",
                "Quando ho ricevuto la diagnosi non conoscevo nessuno con la mia stessa malattia.",
                "Dopo la diagnosi ho imparato a organizzare ogni settimana intorno alla stanchezza.",
            ],
            "carer": [
                "Mio {parente} ha {condition} e ogni giorno impariamo qualcosa di nuovo insieme.",
                "Come mamma caregiver passo più tempo al telefono con {servizio} che a dormire.",
                "Alcune sere, dopo {compito}, mi siedo in macchina e piango per dieci minuti.",
            ],
            "treatment_question": [
                "Qualcuno ha già iniziato {terapia} e come sono andati i primi mesi?",
                "Il nostro {medico} ci ha proposto {terapia}, ma abbiamo paura degli effetti collaterali.",
                "Sapete se {terapia} è disponibile anche fuori dal centro di {citta}?",
            ],
            "trial_news": [
                "Nuovi risultati dello studio {studio} mostrano {risultato} per le persone con {condition}.",
                "È aperto il reclutamento per uno studio clinico di fase 3 in {numero} centri italiani.",
            ],
            "events": [
                "La nostra {evento} si terrà a {citta} il {giorno}, vi aspettiamo per sostenere la ricerca.",
                "Grazie a tutti quelli che hanno corso la {corsa}: abbiamo raccolto più di {importo} euro!",
            ],
            "tips": [
                "Consiglio per i genitori: chiedete subito alla scuola {supporto}, a noi sono serviti mesi.",
                "Se state chiedendo {beneficio}, tenete un diario delle giornate "
                "difficili per la commissione.",
            ],
            "thanks": [
                "Un grazie enorme {gruppo} per tutto il sostegno che ci avete dato quest'anno.",
                "Grazie a questa comunità per aver risposto a tutte le mie domande quando mi sentivo perso.",
            ],
            "support": [
                "Mi dispiace tanto, anche noi abbiamo avuto gli stessi problemi con "
                "{servizio} l'anno scorso.",
                "Ti mando un abbraccio forte, le cose migliorano quando trovi il medico giusto.",
                "Grazie per aver condiviso la tua storia, è molto simile alla nostra esperienza.",
            ],
        },
        "slots": {
            "eta": ["14", "27", "sei", "32"],
            "parente": ["figlio", "marito", "fratello", "nipote"],
            "servizio": ["l'ASL", "l'ospedale", "il comune", "la farmacia"],
            "compito": ["la fisioterapia serale", "la nutrizione notturna", "le medicine della sera"],
            "terapia": ["la nuova terapia genica", "il nuovo farmaco orale", "la terapia enzimatica",
                        "la dieta ipoproteica"],
            "medico": ["neurologo", "pediatra", "dietista", "medico di base"],
            "citta": ["Milano", "Roma", "Bologna", "Napoli", "Torino"],
            "studio": ["STRIDE", "ORIZZONTE", "PONTE-2"],
            "risultato": ["una migliore funzione motoria", "meno ricoveri in ospedale",
                          "una progressione più lenta"],
            "numero": ["cinque", "sette", "dodici"],
            "evento": ["camminata solidale", "giornata delle famiglie", "cena di beneficenza"],
            "giorno": ["12 maggio", "3 marzo", "21 giugno"],
            "corsa": ["maratona di Roma", "mezza maratona di Milano", "StraBologna"],
            "importo": ["12.000", "4.500", "8.200"],
            "supporto": ["un insegnante di sostegno", "il piano educativo individualizzato",
                         "più tempo per le verifiche"],
            "beneficio": ["l'indennità di accompagnamento", "i permessi della legge 104",
                          "l'invalidità civile"],
            "gruppo": ["al team dell'ospedale pediatrico", "al nostro gruppo locale",
                       "alle infermiere specializzate", "a tutti i donatori"],
        },
        "mention": [
            "Grazie {mention} per averlo condiviso con tutti noi.",
            "{mention} ci piacerebbe sapere anche la tua esperienza.",
        ],
        "hashtags": ["MalattieRare", "RareDisease", "caregiver", "ricerca"],
    },
    "fi": {
        "condition": ["harvinainen sairaus"],
        "themes": {
            "diagnosis": [
                "Sain diagnoosin vasta kahden vuoden ja monen eri lääkärin jälkeen.",
                "Diagnoosin jälkeen olen oppinut suunnittelemaan jokaisen viikon jaksamiseni mukaan.",
            ],
            "carer": [
                "Hoidan {omainen} joka päivä, mutta hänen hymynsä antaa voimia jatkaa.",
                "Omaishoitajana vietän enemmän aikaa puhelimessa kuin nukkuen yöllä.",
            ],
            "treatment_question": [
                "Onko joku jo aloittanut {hoito} ja miten ensimmäiset kuukaudet sujuivat?",
                "Lääkäri mainitsi uuden lääkkeen, mutta pelkäämme mahdollisia sivuvaikutuksia.",
            ],
            "trial_news": [
                "Uuden kliinisen tutkimuksen tulokset näyttävät lupaavilta harvinaisia "
                "sairauksia sairastaville.",
                "Tutkimukseen haetaan nyt perheitä Helsingistä, Tampereelta ja muilta paikkakunnilta.",
            ],
            "events": [
                "Perhepäivä järjestetään {kaupunki} lauantaina, tervetuloa kaikki mukaan!",
                "Kiitos kaikille hyväntekeväisyysjuoksuun osallistuneille, keräsimme yli {summa} euroa "
                "tutkimukselle.",
            ],
            "tips": [
                "Vinkki vanhemmille: pyytäkää koululta tukea ajoissa, meillä siihen meni monta kuukautta.",
                "Kun haet Kelan etuutta, pidä päiväkirjaa huonoista päivistä ja liitä "
                "lääkärin lausunto mukaan.",
            ],
            "thanks": [
                "Suuret kiitokset sairaalan hoitajille, jotka jaksoivat selittää kaiken meille rauhassa.",
                "Kiitos tälle yhteisölle, kun vastasitte kaikkiin kysymyksiini silloin kun olin hukassa.",
            ],
            "support": [
                "Voimia teille, meilläkin oli täsmälleen samanlaisia ongelmia viime vuonna.",
                "Kiitos kun jaoit tarinasi, se kuulostaa todella tutulta meidänkin perheessä.",
            ],
        },
        "slots": {
            "omainen": ["poikaani", "tytärtäni", "miestäni", "äitiäni"],
            "hoito": ["uuden geenihoidon", "entsyymikorvaushoidon", "uuden lääkityksen"],
            "kaupunki": ["Helsingissä", "Tampereella", "Oulussa", "Turussa"],
            "summa": ["12 000", "4 500", "8 200"],
        },
        "mention": [
            "Kiitos {mention} kun jaoit tämän kaikkien kanssa.",
            "{mention} olisi hienoa kuulla myös sinun kokemuksesi.",
        ],
        "hashtags": ["harvinaisetsairaudet", "omaishoitajat", "RareDisease"],
    },
    "sw": {
        "condition": ["ugonjwa adimu"],
        "themes": {
            "diagnosis": ["Niligunduliwa kuwa na ugonjwa huu adimu nilipokuwa na miaka kumi na minne."],
            "carer": [
                "Kumtunza mtoto wangu mwenye ugonjwa adimu ni kazi ngumu lakini tunaendelea kwa matumaini.",
            ],
            "treatment_question": ["Je, kuna mtu yeyote aliyeanza dawa mpya na miezi ya kwanza ilikuwaje?"],
            "trial_news": [
                "Matokeo mapya ya utafiti wa kliniki yanaonyesha matumaini kwa watu wenye ugonjwa huu.",
            ],
            "events": ["Tukio letu la kuchangisha fedha litafanyika Jumamosi mjini {mji}, karibuni nyote."],
            "tips": ["Ushauri kwa wazazi: ombeni msaada wa shule mapema kwa sababu inachukua muda mrefu."],
            "thanks": ["Asante sana kwa wauguzi wa hospitali waliotueleza kila kitu kwa uvumilivu mkubwa."],
            "support": ["Pole sana, sisi pia tulipitia changamoto hizo hizo mwaka jana hospitalini."],
        },
        "slots": {"mji": ["Nairobi", "Mombasa", "Dar es Salaam", "Arusha"]},
        "mention": ["Asante {mention} kwa kushiriki hili na sisi sote.",
                    "{mention} tungependa kusikia uzoefu wako pia."],
        "hashtags": ["MagonjwaAdimu", "RareDisease", "afya"],
    },
}
