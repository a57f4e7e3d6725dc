"""The record types of every format reader: :class:`ParsedPost` (a post as the platform
describes it) and :class:`BadRecord` (what could not be read, with the reason), the
:class:`ReadContext` a file is read with, and :class:`RecordError`, which a reader turns into
a bad record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Mention:
    """An account named in a post: stable id where the platform gives one, and/or handle."""

    native_id: str | None = None
    handle: str | None = None


@dataclass
class ParsedPost:
    """One post as read from an export, before pseudonymisation and scrubbing.

    Attributes
    ----------
    platform : str
        ``twitter``, ``reddit``, ``mastodon``, ``bluesky``, ``facebook``,
        ``instagram`` or ``forum``.
    native_id : str
        The platform's id of the post, unique on that platform.
    author_native_id, author_handle : str or None
        Stable account id (if the platform has one) and the handle.  At least
        one must be set.
    created_at : datetime
        Timezone-aware creation time.
    text : str
        The post text as exported (may contain HTML when ``text_is_html``).
    parent_* : reply-to post and, when the export says so, its author.
    thread_native_id : the root of the conversation (conversation_id, link_id...).
    quoted_* / shared_* : quote of / share (retweet, reblog, repost) of another post.
    author_profile : str or None
        The author's profile description as the export carries it (Twitter and
        Bluesky bio, Mastodon note, Reddit flair, a page's description).  Read
        for the actor-type rules only; it is never written anywhere.
    source_line : int
        1-based line (JSONL/NDJSON/CSV row) or record index (JSON arrays).
    """

    platform: str
    native_id: str
    created_at: datetime
    text: str
    source_line: int
    author_native_id: str | None = None
    author_handle: str | None = None
    author_display_name: str | None = None
    author_profile: str | None = None
    text_is_html: bool = False
    lang: str | None = None
    parent_native_id: str | None = None
    parent_author_native_id: str | None = None
    parent_author_handle: str | None = None
    thread_native_id: str | None = None
    quoted_native_id: str | None = None
    quoted_author_native_id: str | None = None
    quoted_author_handle: str | None = None
    shared_native_id: str | None = None
    shared_author_native_id: str | None = None
    shared_author_handle: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None


@dataclass
class BadRecord:
    """A record that could not be read, kept for the quarantine table."""

    source_line: int
    reason: str
    raw_excerpt: str = ""


@dataclass(frozen=True)
class ReadContext:
    """What a reader knows about the file it reads.

    Attributes
    ----------
    org_id : str
        The study organisation the file belongs to.
    platform : str or None
        Platform named in the config for generic formats (CSV with a column map).
    column_map : dict
        Canonical field -> column name, for the generic table reader.
    """

    org_id: str
    platform: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)


class RecordError(ValueError):
    """Raised inside a reader for one record; the reader turns it into a BadRecord."""


def excerpt(raw: str | bytes, limit: int = EXCERPT_CHARS) -> str:
    """Return the first ``limit`` characters of a raw record, decoded leniently."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return raw[:limit]
