"""Reader for Reddit dumps from Pushshift and Arctic Shift.

Both archives write one Reddit object per line (NDJSON), usually compressed
with zstandard (``RS_2023-01.zst``, ``r_pku_submissions.ndjson.zst``):
submissions (``title``, ``selftext``...) and comments (``body``, ``link_id``,
``parent_id``...) with the field names of the Reddit API.  Each line is one
record; its ``source_line`` is the line number.

The mapping from a Reddit object to a :class:`ParsedPost` lives here and is
shared with :mod:`helpers.ingest.reddit_api`, which reads the same objects
from API listings.

Mapping choices
---------------
- ``native_id``: the *fullname* with its type prefix (``t3_abc`` for a
  submission, ``t1_def`` for a comment), so that ``parent_id`` and
  ``link_id`` line up with the posts they point to.
- ``text``: a submission is its title, a blank line and its self text; a
  self text of ``[removed]`` or ``[deleted]`` (or none, for link posts) leaves
  the title only.  A comment is its ``body``, kept as exported even when it
  is ``[removed]`` or ``[deleted]``: the comment still took its place in the
  thread.  Reddit escapes ``&``, ``<`` and ``>`` in its markdown fields; the
  escapes are undone.
- Deleted accounts: Reddit replaces the author of a deleted account with
  ``[deleted]`` and drops ``author_fullname``.  Such posts are kept (their
  text is still content, and their place in reply chains matters) with
  ``author_handle="[deleted]"``, so the pipeline pseudonymises all of them as
  one unknown author; per-author statistics should leave that author out.
- ``thread_native_id``: ``link_id`` for comments, the submission itself for
  submissions.  ``parent_native_id``: a comment's ``parent_id`` (a ``t1_``
  comment or the ``t3_`` submission).  Reddit does not export the parent's
  author.
- Crossposts: ``crosspost_parent`` (the original submission) becomes the
  shared post, with the original author when ``crosspost_parent_list`` has it.
- ``mentions``: ``u/name`` and ``/u/name`` in the text (Reddit has no ids for
  them).  ``hashtags``: none (Reddit has no hashtags; ``link_flair_text`` is
  not a hashtag and is not mapped).  ``urls``: the link of a link post plus
  markdown links and bare URLs in the text.
- ``likes``: ``score`` (up-votes minus down-votes) clipped at 0, since a
  negative score is not a number of likes.  ``replies``: ``num_comments`` of
  submissions (None for comments).  ``shares``: ``num_crossposts`` when given.
- ``lang``: Reddit gives none (None).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    convert_records,
    first_line_json,
    iter_json_lines,
    optional_str,
    parse_timestamp,
    require_str,
)

FORMAT = "pushshift"
PLATFORM = "reddit"

logger = logging.getLogger(__name__)

REMOVED_TEXTS = frozenset({"[removed]", "[deleted]"})
DELETED_AUTHOR = "[deleted]"

# Reddit user names: 3-20 letters, digits, '_' or '-'.  Not inside a word or a URL path.
_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_URL = re.compile(r"https?://[^\s<>\[\]()\"'`]+")
_URL_TRAILING = ".,;:!?*"
_FULLNAME = re.compile(r"t\d_")


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a Pushshift / Arctic Shift NDJSON dump (plain, .zst, .gz or .bz2).

    Parameters
    ----------
    path : Path
        The dump file.
    ctx : ReadContext
        Unused: every record says what it is.

    Yields
    ------
    ParsedPost or BadRecord
        One item per non-blank line.
    """
    yield from convert_records(iter_json_lines(path), reddit_post)


def sniff(path: Path) -> bool:
    """True when the first line is a Reddit submission or comment object."""
    first = first_line_json(path)
    return looks_like_reddit_object(first)


def looks_like_reddit_object(value: Any) -> bool:
    """True for a submission or comment object as Pushshift and the Reddit API write them."""
    return (
        isinstance(value, dict)
        and "subreddit" in value
        and "created_utc" in value
        and ("selftext" in value or "body" in value)
    )


# --------------------------------------------------------------------------- mapping


def reddit_post(data: Any, source_line: int, kind: str | None = None) -> ParsedPost:
    """Map one Reddit submission or comment object to a :class:`ParsedPost`.

    Parameters
    ----------
    data : dict
        The object (Pushshift line, or ``data`` of an API ``t3``/``t1`` thing).
    source_line : int
        Line or record index to report.
    kind : str, optional
        ``"t3"`` (submission) or ``"t1"`` (comment) when the caller knows it;
        otherwise taken from the fullname or the fields present.

    Raises
    ------
    RecordError
        When a required field is missing or malformed.
    """
    if not isinstance(data, dict):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    kind = kind or _kind_of(data)
    native_id = _fullname(data, kind)
    author = require_str(data, "author")
    created_at = parse_timestamp(data.get("created_utc"))
    if kind == "t3":
        text = _submission_text(data)
        urls = _link_url(data) + extract_urls(text)
        parent = None
        thread = native_id
        replies = as_count(data.get("num_comments"))
    else:
        text = _unescape(require_str(data, "body"))
        urls = extract_urls(text)
        parent = _prefixed(optional_str(data.get("parent_id")), data)
        thread = _prefixed(optional_str(data.get("link_id")), data, default_prefix="t3_")
        replies = None
    shared_id, shared_author = _crosspost(data)
    return ParsedPost(
        platform=PLATFORM,
        native_id=native_id,
        created_at=created_at,
        text=text,
        source_line=source_line,
        author_native_id=optional_str(data.get("author_fullname")),
        author_handle=author,
        author_profile=optional_str(data.get("author_flair_text")),
        parent_native_id=parent,
        thread_native_id=thread,
        shared_native_id=shared_id,
        shared_author_handle=shared_author,
        mentions=extract_mentions(text),
        urls=_unique(urls),
        likes=score_as_likes(data.get("score")),
        shares=as_count(data.get("num_crossposts")),
        replies=replies,
    )


def _kind_of(data: dict[str, Any]) -> str:
    name = optional_str(data.get("name")) or ""
    if name.startswith(("t3_", "t1_")):
        return name[:2]
    if "title" in data:
        return "t3"
    if "body" in data:
        return "t1"
    raise RecordError("neither a submission (no title) nor a comment (no body)")


def _fullname(data: dict[str, Any], kind: str) -> str:
    name = optional_str(data.get("name"))
    if name and name.startswith(f"{kind}_"):
        return name
    raw = data.get("id")
    if isinstance(raw, dict | list | bool):
        raise RecordError(f"wrong type for id: {type(raw).__name__}")
    bare = optional_str(raw)
    if bare is None:
        raise RecordError("missing id")
    return bare if bare.startswith(f"{kind}_") else f"{kind}_{bare}"


def _submission_text(data: dict[str, Any]) -> str:
    title = _unescape(require_str(data, "title"))
    selftext = data.get("selftext")
    if selftext is not None and not isinstance(selftext, str):
        raise RecordError(f"wrong type for selftext: {type(selftext).__name__}")
    body = _unescape(selftext or "").strip()
    if not body or body in REMOVED_TEXTS:
        return title
    return f"{title}\n\n{body}"


def _link_url(data: dict[str, Any]) -> list[str]:
    """The target of a link post; none for self posts (whose ``url`` is the post itself)."""
    url = optional_str(data.get("url"))
    if url is None or not url.startswith(("http://", "https://")):
        return []
    is_self = data.get("is_self")
    if is_self is None:
        domain = optional_str(data.get("domain")) or ""
        is_self = domain.startswith("self.")
    return [] if is_self else [html.unescape(url)]


def _prefixed(
    value: str | None, data: dict[str, Any], default_prefix: str | None = None
) -> str | None:
    """Return a fullname; old dumps sometimes give bare ids for ``link_id``/``parent_id``."""
    if value is None or _FULLNAME.match(value):
        return value
    if default_prefix is not None:
        return default_prefix + value
    link = optional_str(data.get("link_id")) or ""
    return f"t3_{value}" if link.removeprefix("t3_") == value else f"t1_{value}"


def _crosspost(data: dict[str, Any]) -> tuple[str | None, str | None]:
    parent = optional_str(data.get("crosspost_parent"))
    if parent is None:
        return None, None
    originals = data.get("crosspost_parent_list")
    author = None
    if isinstance(originals, list) and originals and isinstance(originals[0], dict):
        author = optional_str(originals[0].get("author"))
    return parent, author


def score_as_likes(value: Any) -> int | None:
    """Return a Reddit score as a like count: negative scores count as 0.

    Raises
    ------
    RecordError
        When the score is present but not a number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"score is not a number: {value!r}")
    try:
        number = float(str(value))
    except ValueError as exc:
        raise RecordError(f"score is not a number: {str(value)[:20]!r}") from exc
    return max(0, int(number))


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def extract_mentions(text: str) -> list[Mention]:
    """Return the ``u/name`` and ``/u/name`` mentions of a Reddit text, first occurrence first."""
    seen: list[str] = []
    if "u/" not in text:
        return []
    for match in _MENTION.finditer(text):
        name = match.group(1)
        if name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return [Mention(handle=name) for name in seen]


def extract_urls(text: str) -> list[str]:
    """Return the URLs of markdown links and bare URLs in a Reddit text, in order, once each."""
    found: list[str] = []
    if "://" not in text:
        return found
    for match in _URL.finditer(text):
        url = match.group(0).replace("\\", "").rstrip(_URL_TRAILING)
        if len(url) > len("https://"):
            found.append(url)
    return _unique(found)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
