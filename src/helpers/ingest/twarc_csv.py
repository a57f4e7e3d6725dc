"""Reader for the tweets CSV written by ``twarc2 csv`` (the twarc-csv plugin).

twarc-csv's ``DataFrameConverter`` flattens each v2 tweet into one row with
dotted column names (``DEFAULT_TWEET_COLUMNS``): ``id``, ``conversation_id``,
``referenced_tweets.replied_to.id``, ``referenced_tweets.retweeted.id``,
``referenced_tweets.quoted.id``, ``author_id``, ``in_reply_to_user_id``,
``in_reply_to_username``, ``retweeted_user_id``, ``retweeted_username``,
``quoted_user_id``, ``quoted_username``, ``created_at``, ``text``, ``lang``,
``public_metrics.*_count``, ``entities.hashtags`` / ``mentions`` / ``urls``
(JSON-encoded lists), ``author.username``, ``author.name`` and many more,
which are ignored here.  Columns missing from a file (``--output-columns``)
are treated as empty, except the required ``id``, ``author_id``,
``created_at`` and ``text``.

What twarc-csv does to the data, and how it is read back
---------------------------------------------------------
- Newlines in text were written as the two characters ``\\n`` (and ``\\r``
  dropped) to keep one row per line; ``\\n`` is turned back into a newline
  (a tweet that really contained a backslash followed by ``n`` is changed too).
  Twitter's HTML escapes (``&amp;``...) are undone as in the JSON readers.
- With its default ``--merge-retweets``, a retweet row holds the retweeted
  tweet's full text, entities and public metrics; the reader reports them as
  they are, with ``shared_native_id`` pointing at the original.
- ``entities.hashtags`` are ``["#tag", ...]`` and ``entities.mentions``
  ``["@username", ...]`` (handles only: the CSV has no mentioned user ids);
  the un-processed forms (lists of entity objects, ``--no-process-entities``)
  are read too.  A Python-style list (``['#tag']``) is also accepted.
- Media links are written as their ``display_url`` without a scheme
  (``pic.twitter.com/...``); ``https://`` is put in front of such a url.
- ``shares`` = ``retweet_count + quote_count``, as in the twarc2 reader.
- The ``--json-encode-text`` / ``--json-encode-all`` variants are not decoded.

``source_line`` is the CSV record number with the header as 1 (the first
data row is 2), counted by the reader, so a field with an embedded newline
does not shift the numbers of the rows after it.  A row whose number of
fields differs from the header's is one BadRecord.
"""

from __future__ import annotations

import ast
import csv
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.ingest.generic_table import swallowed_rows, unclosed_quote_reason
from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    excerpt,
    has_bad_encoding,
    open_text,
    optional_str,
    read_head,
)
from helpers.ingest.twarc2 import (
    count_field,
    optional_tweet_id,
    strip_at,
    sum_counts,
    tweet_id,
    tweet_lang,
    tweet_text,
    tweet_time,
)

FORMAT = "twarc_csv"
PLATFORM = "twitter"

log = logging.getLogger(__name__)

#: Columns whose presence in the header identifies a twarc-csv tweets file.
SNIFF_COLUMNS = frozenset({"id", "conversation_id", "author_id", "referenced_tweets.replied_to.id"})
#: Columns without which no row can be read.
REQUIRED_COLUMNS = ("id", "author_id", "created_at", "text")


def _cell(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _optional_id(row: dict[str, str], column: str) -> str | None:
    return optional_tweet_id(_cell(row, column), column)


def _json_list(row: dict[str, str], column: str) -> list[Any]:
    """Decode a JSON-encoded (or Python-repr) list cell; [] when empty."""
    value = _cell(row, column)
    if value is None:
        return []
    try:
        decoded = json.loads(value)
    except json.JSONDecodeError:
        try:
            decoded = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise RecordError(f"{column}: not a JSON list: {value[:40]!r}") from None
    if not isinstance(decoded, list):
        raise RecordError(f"wrong type for {column}: {type(decoded).__name__}")
    return decoded


def _mentions(row: dict[str, str]) -> list[Mention]:
    mentions: list[Mention] = []
    for item in _json_list(row, "entities.mentions"):
        if isinstance(item, str):
            handle = strip_at(optional_str(item))
            if handle:
                mentions.append(Mention(handle=handle))
        elif isinstance(item, dict):
            handle = strip_at(optional_str(item.get("username")))
            user_id = optional_str(item.get("id"))
            if handle or user_id:
                mentions.append(Mention(native_id=user_id, handle=handle))
        else:
            raise RecordError(f"wrong type for entities.mentions item: {type(item).__name__}")
    return mentions


def _hashtags(row: dict[str, str]) -> list[str]:
    tags: list[str] = []
    for item in _json_list(row, "entities.hashtags"):
        tag = item.get("tag") if isinstance(item, dict) else item
        if not isinstance(tag, str) or not tag.lstrip("#").strip():
            raise RecordError("entities.hashtags item without a tag")
        tags.append(tag.lstrip("#").strip())
    return tags


def _urls(row: dict[str, str]) -> list[str]:
    urls: list[str] = []
    for item in _json_list(row, "entities.urls"):
        url = item
        if isinstance(item, dict):
            url = optional_str(item.get("expanded_url")) or optional_str(item.get("url"))
        if not isinstance(url, str) or not url.strip():
            raise RecordError("entities.urls item without a url")
        url = url.strip()
        # twarc-csv writes a media link as its display_url, without a scheme.
        urls.append(url if "://" in url else f"https://{url}")
    return urls


def _text(row: dict[str, str]) -> str:
    value = row.get("text")
    if value is None or not value.strip():
        raise RecordError("missing text")
    return tweet_text(value.replace("\\n", "\n"))


def parse_row(row: dict[str, str], line: int) -> ParsedPost:
    """Map one twarc-csv row (column -> cell) to a ParsedPost.

    Raises
    ------
    RecordError
        When ``id``, ``author_id``, ``created_at`` or ``text`` is missing, or a
        cell cannot be read as its column's type; the message names the column.
    """
    native_id = tweet_id(_cell(row, "id"), "id")
    metric = "public_metrics"
    counts = {
        key.removeprefix(f"{metric}."): value for key, value in row.items() if key.startswith(metric)
    }
    shared_id = _optional_id(row, "referenced_tweets.retweeted.id")
    return ParsedPost(
        platform=PLATFORM,
        native_id=native_id,
        created_at=tweet_time(_cell(row, "created_at")),
        text=_text(row),
        source_line=line,
        author_native_id=tweet_id(_cell(row, "author_id"), "author_id"),
        author_handle=strip_at(_cell(row, "author.username")),
        author_display_name=_cell(row, "author.name"),
        author_profile=_cell(row, "author.description"),
        lang=tweet_lang(_cell(row, "lang")),
        parent_native_id=_optional_id(row, "referenced_tweets.replied_to.id"),
        parent_author_native_id=_optional_id(row, "in_reply_to_user_id"),
        parent_author_handle=strip_at(_cell(row, "in_reply_to_username")),
        thread_native_id=_optional_id(row, "conversation_id") or native_id,
        quoted_native_id=_optional_id(row, "referenced_tweets.quoted.id"),
        quoted_author_native_id=_optional_id(row, "quoted_user_id"),
        quoted_author_handle=strip_at(_cell(row, "quoted_username")),
        shared_native_id=shared_id,
        shared_author_native_id=_optional_id(row, "retweeted_user_id"),
        shared_author_handle=strip_at(_cell(row, "retweeted_username")),
        mentions=_mentions(row),
        hashtags=_hashtags(row),
        urls=_urls(row),
        likes=count_field(counts, "like_count", metric),
        shares=sum_counts(
            count_field(counts, "retweet_count", metric), count_field(counts, "quote_count", metric)
        ),
        replies=count_field(counts, "reply_count", metric),
    )


def _read_header(reader: Any, path: Path) -> list[str] | None:
    """Return the header's column names, None for an empty file; ValueError if unusable."""
    try:
        header = next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise ValueError(f"{path}: unreadable CSV header: {exc}") from None
    header = [name.strip() for name in header]
    if header:
        header[0] = header[0].lstrip("\ufeff")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        names = ", ".join(missing)
        raise ValueError(f"{path}: not a twarc-csv tweets file: missing column(s) {names}")
    return header


def _row_item(header: list[str], row: list[str], line: int) -> ParsedPost | BadRecord:
    raw = ",".join(row)
    if has_bad_encoding(raw):
        raw_bytes = raw.encode("utf-8", "surrogateescape")
        return BadRecord(line, "invalid UTF-8 encoding", excerpt(raw_bytes))
    if len(row) != len(header):
        reason = f"row has {len(row)} fields, the header has {len(header)}"
        return BadRecord(line, reason, excerpt(raw))
    try:
        return parse_row(dict(zip(header, row, strict=True)), line)
    except RecordError as exc:
        return BadRecord(line, str(exc), excerpt(raw))


def sniff(path: Path) -> bool:
    """True when the header names twarc-csv's tweet columns (id, conversation_id, ...)."""
    first_line = read_head(path).lstrip("\ufeff").split("\n", 1)[0]
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    return {name.strip() for name in header} >= SNIFF_COLUMNS


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a twarc-csv tweets CSV row by row (streaming, never the whole file at once).

    Parameters
    ----------
    path : Path
        The CSV; ``.gz``, ``.bz2`` and ``.zst`` are decompressed on the fly.
    ctx : ReadContext
        Unused beyond logging.

    Yields
    ------
    ParsedPost or BadRecord
        One item per non-blank data row.

    Raises
    ------
    ValueError
        When the header lacks a required column (the file is not a twarc-csv
        tweets file).
    """
    log.debug("reading %s as %s for %s", path, FORMAT, ctx.org_id)
    with open_text(path) as fh:
        reader = csv.reader(fh)
        header = _read_header(reader, path)
        if header is None:
            log.warning("%s is empty", path)
            return
        line = 1
        while True:
            first_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line += 1
                yield BadRecord(line, f"malformed CSV row: {exc}", "")
                continue
            line += 1
            if not any(cell.strip() for cell in row):
                continue
            swallowed = swallowed_rows(row, ",", len(header))
            if swallowed:
                reason = unclosed_quote_reason(line, swallowed, first_line, reader.line_num)
                yield BadRecord(line, reason, excerpt(",".join(row)))
                continue
            yield _row_item(header, row, line)
