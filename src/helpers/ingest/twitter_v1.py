"""Reader for legacy Twitter API v1.1 tweets, one JSON object per line.

This is what twarc (version 1), the v1.1 streaming API and many archived
collections hold: tweets with ``id_str``, a ``user`` object, ``created_at``
like ``Wed Oct 10 20:19:24 +0000 2018`` and the text in ``full_text``
(``tweet_mode=extended``), ``extended_tweet.full_text`` (streaming, long
tweets) or ``text``.

Mapping choices
---------------
- A retweet (``retweeted_status``) is a share: ``shared_*`` name the original
  and its author, and the text, hashtags, urls and mentions are the
  original's (a retweet's own text is a truncated ``RT @x: ...``).  A retweet
  of a quote tweet also carries ``quoted_status``; that quote belongs to the
  original, so a retweet has no ``quoted_*`` of its own.
- ``thread_native_id``: v1.1 has no conversation id, so a reply gets the id
  of the tweet it replies to and any other tweet its own id.  The pipeline
  resolves replies-to-replies to their root later.
- Counts as the API gives them: ``likes`` = ``favorite_count``; ``shares`` =
  ``retweet_count`` (+ ``quote_count`` where the premium/enterprise APIs give
  it, as in the v2 reader); ``replies`` = ``reply_count`` where given.
- The streaming API's control messages (``delete``, ``limit``, ``scrub_geo``,
  ``status_withheld``, ``user_withheld``, ``disconnect``, ``warning``) are not
  tweets: each one is a BadRecord "stream control message (...)", so that
  records read = posts + quarantined still holds.
- Text: HTML escapes (``&amp;``, ``&lt;``, ``&gt;``) are undone; ``lang``
  ``und`` and the like become None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    first_line_json,
    iter_json_lines,
    json_excerpt,
    nested_str,
    optional_str,
)
from helpers.ingest.twarc2 import (
    count_field,
    entity_urls,
    list_field,
    object_field,
    optional_tweet_id,
    strip_at,
    sum_counts,
    tweet_lang,
    tweet_text,
    tweet_time,
)

FORMAT = "twitter_v1"
PLATFORM = "twitter"

log = logging.getLogger(__name__)

#: Top-level keys of the v1.1 streaming API's non-tweet messages.
STREAM_CONTROL_KEYS = frozenset(
    {"delete", "limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect", "warning"}
)


def _optional_id_str(obj: dict[str, Any], name: str) -> str | None:
    """Return ``id_str`` of a v1.1 object, falling back to the numeric ``id``; None if neither."""
    value = obj.get("id_str")
    if value is None:
        value = obj.get("id")
    return optional_tweet_id(value, name)


def _id_str(obj: dict[str, Any], name: str) -> str:
    """Return the required ``id_str`` (or ``id``) of a v1.1 object."""
    found = _optional_id_str(obj, name)
    if found is None:
        raise RecordError(f"missing {name}")
    return found


def _full_text(tweet: dict[str, Any], name: str = "text") -> str:
    """The untruncated text: ``full_text``, ``extended_tweet.full_text`` or ``text``."""
    if tweet.get("full_text") is not None:
        return tweet_text(tweet["full_text"], f"{name} (full_text)")
    extended = tweet.get("extended_tweet")
    if isinstance(extended, dict) and extended.get("full_text") is not None:
        return tweet_text(extended["full_text"], f"{name} (extended_tweet.full_text)")
    return tweet_text(tweet.get("text"), name)


def _entities(tweet: dict[str, Any]) -> tuple[list[Mention], list[str], list[str]]:
    """Return (mentions, hashtags, urls), preferring ``extended_tweet.entities``."""
    extended = tweet.get("extended_tweet")
    if isinstance(extended, dict) and isinstance(extended.get("entities"), dict):
        entities = extended["entities"]
    else:
        entities = object_field(tweet, "entities")
    mentions: list[Mention] = []
    for item in list_field(entities, "user_mentions", "entities.user_mentions"):
        if not isinstance(item, dict):
            raise RecordError("wrong type for entities.user_mentions item: " + type(item).__name__)
        user_id = _optional_id_str(item, "entities.user_mentions.id_str")
        handle = strip_at(optional_str(item.get("screen_name")))
        if user_id or handle:
            mentions.append(Mention(native_id=user_id, handle=handle))
    hashtags: list[str] = []
    for item in list_field(entities, "hashtags", "entities.hashtags"):
        tag = optional_str(item.get("text")) if isinstance(item, dict) else None
        if tag is None:
            raise RecordError("entities.hashtags item without text")
        hashtags.append(tag)
    return mentions, hashtags, entity_urls(entities)


def _user(obj: dict[str, Any], name: str) -> tuple[str, str | None, str | None]:
    """Return (id, screen name, display name) of the ``user`` of a tweet."""
    user = obj.get("user")
    if user is None:
        raise RecordError(f"missing {name}")
    if not isinstance(user, dict):
        raise RecordError(f"wrong type for {name}: {type(user).__name__}")
    user_id = _id_str(user, f"{name}.id_str")
    return user_id, strip_at(optional_str(user.get("screen_name"))), optional_str(user.get("name"))


def parse_tweet(tweet: Any, line: int) -> ParsedPost:
    """Map one v1.1 tweet object to a ParsedPost.

    Raises
    ------
    RecordError
        When ``id_str``, ``user``, ``created_at`` or the text is missing, or a
        mapped field has the wrong type; the message names the field.
    """
    if not isinstance(tweet, dict):
        raise RecordError(f"tweet is not an object: {type(tweet).__name__}")
    native_id = _id_str(tweet, "id_str")
    author_id, handle, display_name = _user(tweet, "user")
    created_at = tweet_time(tweet.get("created_at"))
    text = _full_text(tweet)

    content = tweet
    shared_id = shared_author = shared_handle = None
    quoted_id = quoted_author = quoted_handle = None
    retweeted = object_field(tweet, "retweeted_status")
    if retweeted:
        content = retweeted
        shared_id = _id_str(retweeted, "retweeted_status.id_str")
        shared_author, shared_handle, _ = _user(retweeted, "retweeted_status.user")
        text = _full_text(retweeted, "retweeted_status.text")
    else:
        quoted = object_field(tweet, "quoted_status")
        quoted_id = optional_tweet_id(tweet.get("quoted_status_id_str"), "quoted_status_id_str")
        if quoted:
            quoted_id = quoted_id or _id_str(quoted, "quoted_status.id_str")
            quoted_author, quoted_handle, _ = _user(quoted, "quoted_status.user")
    mentions, hashtags, urls = _entities(content)

    parent_id = optional_tweet_id(
        tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str"
    )
    return ParsedPost(
        platform=PLATFORM,
        native_id=native_id,
        created_at=created_at,
        text=text,
        source_line=line,
        author_native_id=author_id,
        author_handle=handle,
        author_display_name=display_name,
        author_profile=nested_str(tweet, "user", "description"),
        lang=tweet_lang(tweet.get("lang")),
        parent_native_id=parent_id,
        parent_author_native_id=optional_tweet_id(
            tweet.get("in_reply_to_user_id_str"), "in_reply_to_user_id_str"
        ),
        parent_author_handle=strip_at(optional_str(tweet.get("in_reply_to_screen_name"))),
        thread_native_id=parent_id or native_id,
        quoted_native_id=quoted_id,
        quoted_author_native_id=quoted_author,
        quoted_author_handle=quoted_handle,
        shared_native_id=shared_id,
        shared_author_native_id=shared_author,
        shared_author_handle=shared_handle,
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        likes=count_field(tweet, "favorite_count", "tweet"),
        shares=sum_counts(
            count_field(tweet, "retweet_count", "tweet"), count_field(tweet, "quote_count", "tweet")
        ),
        replies=count_field(tweet, "reply_count", "tweet"),
    )


def read_object(obj: Any, line: int) -> ParsedPost | BadRecord:
    """Turn one parsed line into a post, or a BadRecord (control message, bad tweet)."""
    if isinstance(obj, dict) and "user" not in obj:
        control = sorted(STREAM_CONTROL_KEYS & obj.keys())
        if control:
            return BadRecord(line, f"stream control message ({control[0]})", json_excerpt(obj))
    try:
        return parse_tweet(obj, line)
    except RecordError as exc:
        return BadRecord(line, str(exc), json_excerpt(obj))


def sniff(path: Path) -> bool:
    """True when the first line is a v1.1 tweet object (``id_str`` and ``user``)."""
    first = first_line_json(path)
    return isinstance(first, dict) and "id_str" in first and isinstance(first.get("user"), dict)


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a v1.1 tweets JSONL file, streaming; one item per non-blank line.

    Parameters
    ----------
    path : Path
        The file; ``.gz``, ``.bz2`` and ``.zst`` are decompressed on the fly.
    ctx : ReadContext
        Unused beyond logging.
    """
    log.debug("reading %s as %s for %s", path, FORMAT, ctx.org_id)
    for item in iter_json_lines(path):
        if isinstance(item, BadRecord):
            yield item
            continue
        line, obj = item
        yield read_object(obj, line)
