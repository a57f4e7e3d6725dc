"""Reader for Twitter API v2 data as written by twarc2.

twarc2 (``twarc2 search``, ``timeline``, ``conversation``, ``stream``...) writes
one API response per line::

    {"data": [tweet, ...], "includes": {"users": [...], "tweets": [...]},
     "meta": {...}, "__twarc": {...}}

(the filtered stream writes ``"data": {tweet}``, one tweet per line).  Each
tweet in ``data`` is one record; its ``source_line`` is the line of its page.
Tweets in ``includes.tweets`` (the replied-to, quoted and retweeted tweets)
are context for the records, not records of their own.

``twarc2 flatten`` writes one tweet per line instead, with the expansions
embedded: ``author``, ``in_reply_to_user``, full objects in
``referenced_tweets`` and user objects merged into ``entities.mentions``.  Both
shapes are read.

Mapping choices
---------------
- ``text``: ``note_tweet.text`` (the full text of a long post) when present,
  else ``text``.  A retweet's own text is truncated (``RT @x: ...``), so when
  the retweeted tweet is available (in ``includes.tweets`` or embedded) its
  full text is used, together with its hashtags, urls and mentions, while
  ``shared_native_id`` still points at it.  Twitter HTML-escapes ``&``, ``<``
  and ``>`` in tweet text; the escapes are undone.
- ``lang``: Twitter's codes for "no language" (``und``, ``zxx``, ``qme``,
  ``qht``, ``qam``, ``qct``, ``qst``) become None.
- ``thread_native_id``: ``conversation_id``, or the tweet's own id.
- ``shares``: ``retweet_count + quote_count`` (both are re-publications of the
  tweet); ``likes``: ``like_count``; ``replies``: ``reply_count``.  The counts
  are reported as the API gives them: on a retweet they are those the API
  attaches to the retweet (its ``retweet_count`` is the original's).
- URLs: ``expanded_url``, falling back to the ``t.co`` ``url``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    first_line_json,
    iter_json_lines,
    json_excerpt,
    optional_str,
    parse_timestamp,
)

FORMAT = "twarc2"
PLATFORM = "twitter"

log = logging.getLogger(__name__)

#: Twitter's language codes that mean "no language detected".
NO_LANGUAGE = frozenset({"und", "zxx", "qme", "qht", "qam", "qct", "qst"})
_DIGITS = re.compile(r"^[0-9]+$")
_REFERENCE_TYPES = ("replied_to", "quoted", "retweeted")


# --------------------------------------------------------------------------- helpers shared
# with the other Twitter readers (twitter_v1, twarc_csv)


def optional_tweet_id(value: Any, name: str) -> str | None:
    """Return a Twitter id (a string of digits), None when absent.

    Parameters
    ----------
    value : Any
        The id as found in the export: a string of digits, or an int (v1.1 ``id``).
    name : str
        Field name used in the error message.

    Raises
    ------
    RecordError
        When the value is present but not a whole id (a float, a spreadsheet's
        ``1.65E+18``, an object...).

    Examples
    --------
    >>> optional_tweet_id("1377650090978992134", "id")
    '1377650090978992134'
    >>> optional_tweet_id("", "in_reply_to_user_id") is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError(f"wrong type for {name}: {type(value).__name__}")
    text = str(value).strip()
    if not _DIGITS.match(text):
        raise RecordError(f"{name} is not a numeric Twitter id: {text[:30]!r}")
    return text


def tweet_id(value: Any, name: str) -> str:
    """Return a required Twitter id; RecordError ``missing NAME`` when absent."""
    found = optional_tweet_id(value, name)
    if found is None:
        raise RecordError(f"missing {name}")
    return found


def tweet_text(value: Any, name: str = "text") -> str:
    """Return tweet text with Twitter's HTML escapes (``&amp;``, ``&lt;``, ``&gt;``) undone.

    Raises
    ------
    RecordError
        When the text is missing, empty, or not a string.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(f"missing {name}")
    if not isinstance(value, str):
        raise RecordError(f"wrong type for {name}: {type(value).__name__}")
    return html.unescape(value)


def tweet_lang(value: Any) -> str | None:
    """Return a tweet's language code, or None for Twitter's "no language" codes."""
    code = optional_str(value)
    if code is None or code.lower() in NO_LANGUAGE:
        return None
    return code


def tweet_time(value: Any, name: str = "created_at") -> datetime:
    """Parse a tweet timestamp, naming the field when it is missing or malformed."""
    try:
        return parse_timestamp(value)
    except RecordError as exc:
        raise RecordError(f"{name}: {exc}") from None


def sum_counts(*values: int | None) -> int | None:
    """Add counts that may be absent; None only when all are absent."""
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def count_field(mapping: dict[str, Any], key: str, prefix: str) -> int | None:
    """Return ``mapping[key]`` as a count, naming ``prefix.key`` when it is malformed."""
    try:
        return as_count(mapping.get(key))
    except RecordError as exc:
        raise RecordError(f"{prefix}.{key}: {exc}") from None


def object_field(mapping: dict[str, Any], key: str, name: str | None = None) -> dict[str, Any]:
    """Return the object under ``key`` ({} when absent) or raise RecordError naming it."""
    value = mapping.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"wrong type for {name or key}: {type(value).__name__}")
    return value


def list_field(mapping: dict[str, Any], key: str, name: str | None = None) -> list[Any]:
    """Return the list under ``key`` ([] when absent) or raise RecordError naming it."""
    value = mapping.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"wrong type for {name or key}: {type(value).__name__}")
    return value


def entity_urls(entities: dict[str, Any]) -> list[str]:
    """The links of ``entities.urls`` (v2 and v1.1 alike): ``expanded_url``, else the ``t.co`` url."""
    urls: list[str] = []
    for item in list_field(entities, "urls", "entities.urls"):
        url = None
        if isinstance(item, dict):
            url = optional_str(item.get("expanded_url")) or optional_str(item.get("url"))
        if url is None:
            raise RecordError("entities.urls item without a url")
        urls.append(url)
    return urls


def strip_at(handle: str | None) -> str | None:
    """Drop a leading ``@`` from a handle."""
    if handle is None:
        return None
    return handle.lstrip("@") or None


# --------------------------------------------------------------------------- expansions


def _as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else [] (for context that may be malformed)."""
    return value if isinstance(value, list) else []


@dataclass
class Expansions:
    """Users and tweets a tweet can be resolved against.

    Built from a response page's ``includes`` (:meth:`from_includes`) or from
    the objects ``twarc2 flatten`` embeds in a tweet (:meth:`from_flattened`).
    Usernames are indexed case-insensitively, as Twitter handles are.
    """

    users_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    users_by_name: dict[str, dict[str, Any]] = field(default_factory=dict)
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_user(self, user: Any) -> None:
        if not isinstance(user, dict):
            return
        user_id = optional_str(user.get("id"))
        username = optional_str(user.get("username"))
        if user_id:
            self.users_by_id.setdefault(user_id, user)
        if username:
            self.users_by_name.setdefault(username.lower(), user)

    def add_tweet(self, tweet: Any) -> None:
        """Add a tweet that carries content (not a bare ``{"type", "id"}`` reference)."""
        if not isinstance(tweet, dict) or not ({"text", "author_id"} & tweet.keys()):
            return
        tweet_key = optional_str(tweet.get("id"))
        if tweet_key:
            self.tweets.setdefault(tweet_key, tweet)
        self.add_user(tweet.get("author"))

    def username(self, user_id: str | None) -> str | None:
        if user_id is None:
            return None
        return optional_str(self.users_by_id.get(user_id, {}).get("username"))

    def tweet_author(self, tweet_key: str | None) -> tuple[str | None, str | None]:
        """Return (author id, username) of a referenced tweet, when it is known."""
        tweet = self.tweets.get(tweet_key or "")
        if not tweet:
            return None, None
        author_id = optional_str(tweet.get("author_id"))
        username = self.username(author_id)
        if username is None and isinstance(tweet.get("author"), dict):
            username = optional_str(tweet["author"].get("username"))
        return author_id, username

    @classmethod
    def from_includes(cls, includes: Any) -> Expansions:
        """Index a response page's ``includes`` (malformed parts are ignored: they are context)."""
        found = cls()
        if not isinstance(includes, dict):
            return found
        for user in _as_list(includes.get("users")):
            found.add_user(user)
        for tweet in _as_list(includes.get("tweets")):
            found.add_tweet(tweet)
        return found

    @classmethod
    def from_flattened(cls, tweet: dict[str, Any]) -> Expansions:
        """Index the objects ``twarc2 flatten`` embeds in a tweet."""
        found = cls()
        found.add_user(tweet.get("author"))
        found.add_user(tweet.get("in_reply_to_user"))
        entities = tweet.get("entities")
        if isinstance(entities, dict):
            for mention in _as_list(entities.get("mentions")):
                if isinstance(mention, dict) and "id" in mention:
                    found.add_user(mention)
        for reference in _as_list(tweet.get("referenced_tweets")):
            found.add_tweet(reference)
        return found


# --------------------------------------------------------------------------- one tweet


def _references(tweet: dict[str, Any]) -> dict[str, str]:
    """Map reference type (replied_to, quoted, retweeted) to the referenced tweet id."""
    found: dict[str, str] = {}
    for reference in list_field(tweet, "referenced_tweets"):
        if not isinstance(reference, dict):
            raise RecordError("wrong type for referenced_tweets item: " + type(reference).__name__)
        kind = reference.get("type")
        if kind in _REFERENCE_TYPES:
            found[kind] = tweet_id(reference.get("id"), f"referenced_tweets.{kind}.id")
    return found


def _full_text(tweet: dict[str, Any]) -> str:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str) and note["text"].strip():
        return tweet_text(note["text"], "note_tweet.text")
    return tweet_text(tweet.get("text"))


_Entities = tuple[list[Mention], list[str], list[str]]


def _entities(tweet: dict[str, Any], expansions: Expansions) -> _Entities:
    """Return (mentions, hashtags, urls) from ``entities`` (``note_tweet.entities`` if given)."""
    entities = object_field(tweet, "entities")
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("entities"), dict):
        entities = note["entities"]
    mentions: list[Mention] = []
    for item in list_field(entities, "mentions", "entities.mentions"):
        if not isinstance(item, dict):
            raise RecordError("wrong type for entities.mentions item: " + type(item).__name__)
        handle = strip_at(optional_str(item.get("username")))
        user_id = optional_str(item.get("id"))
        if user_id is None and handle is not None:
            user_id = optional_str(expansions.users_by_name.get(handle.lower(), {}).get("id"))
        if handle or user_id:
            mentions.append(Mention(native_id=user_id, handle=handle))
    hashtags: list[str] = []
    for item in list_field(entities, "hashtags", "entities.hashtags"):
        tag = optional_str(item.get("tag")) if isinstance(item, dict) else None
        if tag is None:
            raise RecordError("entities.hashtags item without a tag")
        hashtags.append(tag)
    return mentions, hashtags, entity_urls(entities)


def parse_tweet(tweet: Any, line: int, expansions: Expansions) -> ParsedPost:
    """Map one v2 tweet object to a ParsedPost.

    Parameters
    ----------
    tweet : Any
        One element of a page's ``data``, or a flattened tweet.
    line : int
        The line it was read from (its ``source_line``).
    expansions : Expansions
        The users and referenced tweets it can be resolved against.

    Raises
    ------
    RecordError
        When a required field (id, author_id, created_at, text) is missing or
        any mapped field has the wrong type; the message names the field.
    """
    if not isinstance(tweet, dict):
        raise RecordError(f"tweet is not an object: {type(tweet).__name__}")
    native_id = tweet_id(tweet.get("id"), "id")
    author_id = tweet_id(tweet.get("author_id"), "author_id")
    created_at = tweet_time(tweet.get("created_at"))
    text = _full_text(tweet)
    references = _references(tweet)

    content = tweet
    shared_id = references.get("retweeted")
    shared = expansions.tweets.get(shared_id or "")
    if shared is not None:
        try:
            text = _full_text(shared)
            content = shared
        except RecordError:
            log.debug("retweeted tweet %s has no usable text; keeping the retweet's", shared_id)
    mentions, hashtags, urls = _entities(content, expansions)

    parent_id = references.get("replied_to")
    parent_author = optional_tweet_id(tweet.get("in_reply_to_user_id"), "in_reply_to_user_id")
    if parent_author is None and parent_id:
        parent_author = expansions.tweet_author(parent_id)[0]
    quoted_id = references.get("quoted")
    quoted_author, quoted_handle = expansions.tweet_author(quoted_id)
    shared_author, shared_handle = expansions.tweet_author(shared_id)

    author = expansions.users_by_id.get(author_id) or {}
    if not author and isinstance(tweet.get("author"), dict):
        author = tweet["author"]
    metrics = object_field(tweet, "public_metrics")
    return ParsedPost(
        platform=PLATFORM,
        native_id=native_id,
        created_at=created_at,
        text=text,
        source_line=line,
        author_native_id=author_id,
        author_handle=strip_at(optional_str(author.get("username"))),
        author_display_name=optional_str(author.get("name")),
        author_profile=optional_str(author.get("description")),
        lang=tweet_lang(tweet.get("lang")),
        parent_native_id=parent_id,
        parent_author_native_id=parent_author,
        parent_author_handle=expansions.username(parent_author),
        thread_native_id=optional_tweet_id(tweet.get("conversation_id"), "conversation_id")
        or native_id,
        quoted_native_id=quoted_id,
        quoted_author_native_id=quoted_author,
        quoted_author_handle=strip_at(quoted_handle),
        shared_native_id=shared_id,
        shared_author_native_id=shared_author,
        shared_author_handle=strip_at(shared_handle),
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        likes=count_field(metrics, "like_count", "public_metrics"),
        shares=sum_counts(
            count_field(metrics, "retweet_count", "public_metrics"),
            count_field(metrics, "quote_count", "public_metrics"),
        ),
        replies=count_field(metrics, "reply_count", "public_metrics"),
    )


# --------------------------------------------------------------------------- one line


def _tweet_or_bad(tweet: Any, line: int, expansions: Expansions) -> ParsedPost | BadRecord:
    try:
        return parse_tweet(tweet, line, expansions)
    except RecordError as exc:
        return BadRecord(line, str(exc), json_excerpt(tweet))


def _describe_empty_page(page: dict[str, Any]) -> str:
    errors = page.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        detail = optional_str(first.get("title")) or optional_str(first.get("detail")) or "error"
        return f"response without tweets: {len(errors)} API error(s), first: {detail}"
    meta = page.get("meta")
    count = meta.get("result_count") if isinstance(meta, dict) else None
    suffix = f" (result_count {count})" if count is not None else ""
    return f"response page without tweets{suffix}"


def read_line(obj: Any, line: int) -> Iterator[ParsedPost | BadRecord]:
    """Yield the records of one parsed twarc2 line (a response page or a flattened tweet)."""
    if not isinstance(obj, dict):
        reason = f"expected a JSON object, got {type(obj).__name__}"
        yield BadRecord(line, reason, json_excerpt(obj))
        return
    if "data" in obj:
        data = obj["data"]
        expansions = Expansions.from_includes(obj.get("includes"))
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            yield BadRecord(line, f"wrong type for data: {type(data).__name__}", json_excerpt(obj))
            return
        if not data:
            yield BadRecord(line, _describe_empty_page(obj), json_excerpt(obj))
            return
        for tweet in data:
            yield _tweet_or_bad(tweet, line, expansions)
        return
    if "id" in obj or "author_id" in obj:
        yield _tweet_or_bad(obj, line, Expansions.from_flattened(obj))
        return
    if obj.get("errors"):
        yield BadRecord(line, _describe_empty_page(obj), json_excerpt(obj))
        return
    keys = ", ".join(sorted(obj)[:8])
    yield BadRecord(line, f"not a twarc2 response page or tweet (keys: {keys})", json_excerpt(obj))


# --------------------------------------------------------------------------- reader API


def _looks_like_v2_tweet(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and "text" in value and "id_str" not in value


def sniff(path: Path) -> bool:
    """True when the first line is a twarc2 response page or a flattened v2 tweet."""
    first = first_line_json(path)
    if not isinstance(first, dict):
        return False
    data = first.get("data")
    if isinstance(data, list):  # a page may hold a malformed tweet (it is quarantined): most must look right
        return bool(data) and 2 * sum(_looks_like_v2_tweet(tweet) for tweet in data) > len(data)
    if isinstance(data, dict):
        return _looks_like_v2_tweet(data) and "author_id" in data
    return (
        _looks_like_v2_tweet(first)
        and "author_id" in first
        and ("conversation_id" in first or "edit_history_tweet_ids" in first)
    )


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a twarc2 JSONL file (response pages or flattened tweets), streaming.

    Parameters
    ----------
    path : Path
        The file; ``.gz``, ``.bz2`` and ``.zst`` are decompressed on the fly.
    ctx : ReadContext
        Unused beyond logging: twarc2 files say everything the reader needs.

    Yields
    ------
    ParsedPost or BadRecord
        One item per tweet in each page's ``data`` (or per flattened line); one
        BadRecord per unreadable line or page without tweets.
    """
    log.debug("reading %s as %s for %s", path, FORMAT, ctx.org_id)
    for item in iter_json_lines(path):
        if isinstance(item, BadRecord):
            yield item
            continue
        line, obj = item
        yield from read_line(obj, line)
