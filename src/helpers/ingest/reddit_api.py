"""Reader for JSON saved from the Reddit API (listings of submissions and comments).

Reddit answers with *listings*::

    {"kind": "Listing", "data": {"after": ..., "children": [
        {"kind": "t3", "data": {submission}},
        {"kind": "t1", "data": {comment, "replies": "" or Listing}},
        {"kind": "more", "data": {"count": N, "children": [ids]}}]}}

Accepted files: a single listing (``/r/sub/new.json``,
``/user/name/comments.json``), a JSON array of listings (a post's ``.json``
page is ``[submission listing, comment listing]``, with the comment tree
nested in each comment's ``replies``), several such documents one after the
other, or one listing (or array) per line.  Every thing is a record, taken in
depth-first order (a comment, then its replies); ``source_line`` is the line
number for JSON lines, otherwise the 1-based index of the record in that
order.

``t3`` (submission) and ``t1`` (comment) things are mapped exactly as in
:mod:`helpers.ingest.pushshift` (see its notes on fullnames, deleted
authors, scores and text).  ``more`` stubs stand for comments the export did
not load; they are not posts and each becomes a :class:`BadRecord` saying how
many comment ids it stood for, so the quarantine shows how incomplete a
thread is.  Other things (accounts ``t2``, subreddits ``t5``...) are
quarantined as not posts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.ingest.pushshift import looks_like_reddit_object, reddit_post
from helpers.ingest.records import (
    BadRecord,
    ParsedPost,
    ReadContext,
    RecordError,
    convert_records,
    iter_json_records,
    json_excerpt,
    read_head,
    sniff_json,
)

FORMAT = "reddit_api"
PLATFORM = "reddit"

POST_KINDS = ("t3", "t1")
_LISTING_HEAD = re.compile(r'"kind"\s*:\s*"Listing"')
_THING_HEAD = re.compile(r'"kind"\s*:\s*"(t1|t3|more)"')


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read Reddit API listings from a JSON or JSON-lines file.

    Parameters
    ----------
    path : Path
        The saved API response(s).
    ctx : ReadContext
        Unused: every thing says what it is.

    Yields
    ------
    ParsedPost or BadRecord
        One item per thing in the listings, replies included.

    Raises
    ------
    ValueError
        When the file is not JSON at all.
    """
    yield from convert_records(iter_json_records(path, iter_things), thing_to_item)


def sniff(path: Path) -> bool:
    """True when the file holds a Reddit listing (or an array of them)."""
    value = sniff_json(path)
    if value is None:
        head = read_head(path)
        return bool(_LISTING_HEAD.search(head) and _THING_HEAD.search(head))
    while isinstance(value, list) and value:
        value = value[0]
    return _is_post_listing(value)


def _is_post_listing(value: Any) -> bool:
    if not isinstance(value, dict) or value.get("kind") != "Listing":
        return False
    data = value.get("data")
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        return False
    first = children[0] if children else None
    return first is None or (isinstance(first, dict) and first.get("kind") in (*POST_KINDS, "more"))


def iter_things(value: Any) -> Iterator[Any]:
    """Yield every thing of a listing, array of listings or thing, replies after their comment."""
    if isinstance(value, list):
        for item in value:
            yield from iter_things(item)
        return
    if isinstance(value, dict) and value.get("kind") == "Listing":
        data = value.get("data")
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            yield value  # reported as a broken listing
            return
        for child in children:
            yield from _walk(child)
        return
    yield from _walk(value)


def _walk(thing: Any) -> Iterator[Any]:
    yield thing
    data = thing.get("data") if isinstance(thing, dict) and thing.get("kind") == "t1" else None
    replies = data.get("replies") if isinstance(data, dict) else None
    if isinstance(replies, dict):  # "" when there are none
        yield from iter_things(replies)


def thing_to_item(thing: Any, source_line: int) -> ParsedPost | BadRecord:
    """Map one Reddit thing to a post, or a ``more`` stub to a BadRecord.

    Raises
    ------
    RecordError
        For things that are not posts or are malformed.
    """
    if not isinstance(thing, dict):
        raise RecordError(f"expected a JSON object, got {type(thing).__name__}")
    kind = thing.get("kind")
    data = thing.get("data")
    if kind == "more":
        children = data.get("children") if isinstance(data, dict) else None
        count = len(children) if isinstance(children, list) else 0
        return BadRecord(
            source_line,
            f"unexpanded 'more' stub ({count} comment ids not in export)",
            json_excerpt(thing),
        )
    if kind in POST_KINDS:
        if not isinstance(data, dict):
            raise RecordError(f"{kind} thing without a data object")
        return reddit_post(data, source_line, kind=kind)
    if kind is None and looks_like_reddit_object(thing):
        return reddit_post(thing, source_line)  # a bare object, as some scrapers save them
    if kind == "Listing":
        raise RecordError("listing without a children list")
    raise RecordError(f"not a post (Reddit kind {kind!r})")
