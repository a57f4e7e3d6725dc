"""Reader for Mastodon API statuses.

Reads `Status <https://docs.joinmastodon.org/entities/Status/>`_ entities as
returned by ``GET /api/v1/accounts/:id/statuses``, timelines, and similar
endpoints: a JSON array (one API page, or many pages merged or written one
after the other), JSON lines (one status, or one page, per line), or an object
holding statuses in lists under its keys (``/api/v2/search`` ``statuses``,
``/api/v1/statuses/:id/context`` ``ancestors`` and ``descendants``; other
lists in such an object, e.g. ``accounts``, are not statuses and are skipped).
``source_line`` is the line number for JSON lines, otherwise the 1-based index
of the status in the file.

Mapping choices
---------------
- ``text``: ``content`` is HTML, kept as is with ``text_is_html=True`` (the
  pipeline turns it into text).  A content warning (``spoiler_text``) is
  prepended as its own paragraph.
- Handles: ``account.acct`` is ``user@host`` for remote accounts but only
  ``user`` for accounts of the server the export came from; the host is then
  taken from ``account.url``, so every handle is a full ``user@host``.
  Mentions are completed the same way from their ``url``.
- Reblogs (boosts): a status whose ``reblog`` is set is a share by its
  ``account`` of the reblogged status; text, language, mentions, hashtags and
  links are the reblogged status's, ``shared_*`` point at it and its author.
- Quotes (Mastodon 4.4+): ``quote`` is a Quote (``quoted_status``) or a
  ShallowQuote (``quoted_status_id``); the quoted id is kept whatever the
  quote's ``state``.
- Replies: ``in_reply_to_id`` and ``in_reply_to_account_id`` give the parent
  and its author; the author's handle comes from ``mentions`` when the parent
  author is mentioned (Mastodon mentions the person replied to).
- ``thread_native_id``: the API gives no conversation root, so it is the
  parent's id for a reply and the status's own id otherwise; following
  reply chains to their root is done by the pipeline.
- ``urls``: the preview ``card.url`` and every ``<a href>`` of the content
  that is not a mention or hashtag link (class ``mention``/``hashtag``, or
  ``rel="tag"``), nor the ``RE:`` link to a quoted post (inside an element
  of class ``quote-inline``).  ``hashtags``: ``tags[].name``.
- Counts: ``favourites_count`` -> likes, ``reblogs_count`` (+ ``quotes_count``
  when present) -> shares, ``replies_count`` -> replies.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    convert_records,
    iter_json_records,
    nested_str,
    optional_str,
    parse_timestamp,
    read_head,
    require_str,
    sniff_json,
)
from helpers.text import parse_html_fragment

FORMAT = "mastodon"
PLATFORM = "mastodon"

_HEAD_KEYS = [re.compile(rf'"{key}"\s*:') for key in ("account", "acct", "content", "visibility")]


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read Mastodon statuses from a JSON or JSON-lines file.

    Parameters
    ----------
    path : Path
        The saved API response(s).
    ctx : ReadContext
        Unused.

    Yields
    ------
    ParsedPost or BadRecord
        One item per status.

    Raises
    ------
    ValueError
        When the file is not JSON at all.
    """
    yield from convert_records(iter_json_records(path, iter_statuses), status_to_post)


def sniff(path: Path) -> bool:
    """True when the first item of the file is a Mastodon Status (id, content, account.acct)."""
    value = sniff_json(path)
    if value is None:
        head = read_head(path)
        return all(pattern.search(head) for pattern in _HEAD_KEYS)
    first = next(iter_statuses(value), None)
    return _looks_like_status(first)


def _looks_like_status(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "id" in value
        and "content" in value
        and isinstance(value.get("account"), dict)
        and "acct" in value["account"]
    )


def iter_statuses(value: Any) -> Iterator[Any]:
    """Yield the statuses of an array, nested arrays (pages), a status, or a wrapper object."""
    if isinstance(value, list):
        for item in value:
            yield from iter_statuses(item)
    elif isinstance(value, dict) and ("account" in value or "content" in value or "id" in value):
        yield value
    elif isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        holding = [v for v in lists if _holds_statuses(v)]
        if not holding and (not lists or any(lists)):
            yield value  # reported as not a status; a wrapper of empty lists is an empty page
        for statuses in holding:
            yield from iter_statuses(statuses)
    else:
        yield value


def _holds_statuses(items: list[Any]) -> bool:
    return any(isinstance(item, dict) and "account" in item and "content" in item for item in items)


# --------------------------------------------------------------------------- mapping


def status_to_post(status: Any, source_line: int) -> ParsedPost:
    """Map one Mastodon Status to a :class:`ParsedPost`.

    Raises
    ------
    RecordError
        When a required field is missing or malformed.
    """
    if not isinstance(status, dict):
        raise RecordError(f"expected a JSON object, got {type(status).__name__}")
    native_id = require_str(status, "id")
    created_at = parse_timestamp(status.get("created_at"))
    author_id, author_handle, display_name = _account(status.get("account"))
    reblog = status.get("reblog")
    if reblog is not None and not isinstance(reblog, dict):
        raise RecordError(f"wrong type for reblog: {type(reblog).__name__}")
    content_of = reblog if reblog else status
    shared_id = shared_author_id = shared_handle = None
    if reblog:
        shared_id = require_str(reblog, "id", "reblog.id")
        shared_author_id, shared_handle, _ = _account(reblog.get("account"))
    mentions = _mentions(content_of.get("mentions"))
    parent_id = optional_str(status.get("in_reply_to_id"))
    parent_author = optional_str(status.get("in_reply_to_account_id"))
    quoted_id, quoted_author_id, quoted_handle = _quote(status.get("quote"))
    return ParsedPost(
        platform=PLATFORM,
        native_id=native_id,
        created_at=created_at,
        text=_text(content_of),
        text_is_html=True,
        source_line=source_line,
        author_native_id=author_id,
        author_handle=author_handle,
        author_display_name=display_name,
        author_profile=nested_str(status, "account", "note"),
        lang=optional_str(status.get("language")) or optional_str(content_of.get("language")),
        parent_native_id=parent_id,
        parent_author_native_id=parent_author,
        parent_author_handle=_handle_of(parent_author, mentions),
        thread_native_id=parent_id or native_id,
        quoted_native_id=quoted_id,
        quoted_author_native_id=quoted_author_id,
        quoted_author_handle=quoted_handle,
        shared_native_id=shared_id,
        shared_author_native_id=shared_author_id,
        shared_author_handle=shared_handle,
        mentions=mentions,
        hashtags=_tags(content_of.get("tags")),
        urls=_urls(content_of),
        likes=as_count(status.get("favourites_count")),
        shares=_shares(status),
        replies=as_count(status.get("replies_count")),
    )


def _text(status: dict[str, Any]) -> str:
    content = status.get("content")
    if content is None:
        raise RecordError("missing content")
    if not isinstance(content, str):
        raise RecordError(f"wrong type for content: {type(content).__name__}")
    spoiler = status.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        return f"<p>{html.escape(spoiler.strip())}</p>{content}"
    return content


def _account(account: Any) -> tuple[str, str, str | None]:
    """Return ``(id, full acct, display name)`` of an Account entity."""
    if account is None:
        raise RecordError("missing account")
    if not isinstance(account, dict):
        raise RecordError(f"wrong type for account: {type(account).__name__}")
    account_id = require_str(account, "id", "account.id")
    acct = full_acct(require_str(account, "acct", "account.acct"), account.get("url"))
    return account_id, acct, optional_str(account.get("display_name"))


def full_acct(acct: str, url: Any) -> str:
    """Return ``user@host``: a local ``acct`` gets the host of the profile ``url``.

    Examples
    --------
    >>> full_acct("fopfriends", "https://health.community/@fopfriends")
    'fopfriends@health.community'
    >>> full_acct("@ana@rare.social", None)
    'ana@rare.social'
    """
    acct = acct.strip().lstrip("@")
    if "@" in acct:
        return acct
    host = urlsplit(url).hostname if isinstance(url, str) else None
    return f"{acct}@{host}" if host else acct


def _mentions(items: Any) -> list[Mention]:
    if not isinstance(items, list):
        return []
    mentions = []
    for item in items:
        if not isinstance(item, dict):
            continue
        acct = optional_str(item.get("acct"))
        mention = Mention(
            native_id=optional_str(item.get("id")),
            handle=full_acct(acct, item.get("url")) if acct else None,
        )
        if (mention.native_id or mention.handle) and mention not in mentions:
            mentions.append(mention)
    return mentions


def _handle_of(account_id: str | None, mentions: list[Mention]) -> str | None:
    if account_id is None:
        return None
    return next((m.handle for m in mentions if m.native_id == account_id), None)


def _tags(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    names = (optional_str(item.get("name")) for item in items if isinstance(item, dict))
    return list(dict.fromkeys(name for name in names if name))


def _quote(quote: Any) -> tuple[str | None, str | None, str | None]:
    """Return quoted status id, its author id and handle from a Quote or ShallowQuote."""
    if not isinstance(quote, dict):
        return None, None, None
    quoted = quote.get("quoted_status")
    if isinstance(quoted, dict) and optional_str(quoted.get("id")):
        account = quoted.get("account")
        if isinstance(account, dict) and optional_str(account.get("id")):
            author_id, handle, _ = _account(account)
            return str(quoted["id"]), author_id, handle
        return str(quoted["id"]), None, None
    return optional_str(quote.get("quoted_status_id")), None, None


def _urls(status: dict[str, Any]) -> list[str]:
    urls = []
    card = status.get("card")
    if isinstance(card, dict) and optional_str(card.get("url")):
        urls.append(str(card["url"]))
    content = status.get("content")
    if isinstance(content, str):
        urls.extend(content_links(content))
    return list(dict.fromkeys(urls))


def _shares(status: dict[str, Any]) -> int | None:
    reblogs = as_count(status.get("reblogs_count"))
    quotes = as_count(status.get("quotes_count"))
    if reblogs is None:
        return quotes
    return reblogs + (quotes or 0)


def content_links(content: str) -> list[str]:
    """Return the link targets of Mastodon status HTML, leaving out mentions and hashtags.

    The ``href`` of every ``<a>`` except mention and hashtag links (class
    ``mention`` or ``hashtag``, or ``rel="tag"``) and the fallback ``RE:
    <link>`` of a quote post (inside an element of class ``quote-inline``),
    which is the quoted post, not a shared URL.

    Examples
    --------
    >>> content_links('<p><a href="https://a.org/x" rel="nofollow">a.org/x</a> <a '
    ...               'href="https://m.social/tags/fop" class="mention hashtag" rel="tag">#fop</a></p>')
    ['https://a.org/x']
    """
    if "<a" not in content and "<A" not in content:
        return []
    links = []
    for anchor in parse_html_fragment(content).iter("a"):
        classes = _words(anchor, "class")
        if "mention" in classes or "hashtag" in classes or "tag" in _words(anchor, "rel"):
            continue
        if any("quote-inline" in _words(outer, "class") for outer in anchor.iterancestors()):
            continue
        href = (anchor.get("href") or "").strip()
        if href.startswith(("http://", "https://")):
            links.append(href)
    return list(dict.fromkeys(links))


def _words(element: Any, attribute: str) -> list[str]:
    """The space-separated words of an element's attribute (its classes, its rel values)."""
    return (element.get(attribute) or "").split()
