"""CrowdTangle CSV exports (historical data and saved-search downloads), Facebook and Instagram.

CrowdTangle only covered public Pages, public groups and verified profiles, so
every author here is an account of that kind.  Facebook exports carry the
columns ``Page Name`` (``Group Name`` for group lists), ``User Name``,
``Facebook Id``, ``Post Created`` (``2024-02-29 10:15:00 EST``, in the
dashboard's time zone), ``Type``, ``Likes`` ... ``Care``, ``Comments``,
``Shares``, ``URL``, ``Message``, ``Link``, ``Final Link``, ``Link Text``,
``Description`` and more; Instagram exports carry ``Account``, ``User Name``,
``Post Created``, ``Type``, ``Likes``, ``Comments``, ``Views``, ``URL``,
``Link``, ``Photo``, ``Title``, ``Description``.  The older Facebook layout
with ``Created`` instead of ``Post Created`` is read too.

Mapping rules
-------------
native_id
    From ``URL``: ``facebook.com/<page>/posts/<post>`` (also ``/videos/``,
    ``/photos/``, ``groups/<group>/permalink/<post>`` and
    ``permalink.php?story_fbid=<post>&id=<page>``) gives ``"<page>_<post>"``,
    the Graph API form, with the numeric ``Facebook Id`` standing in for a
    vanity page name; ``instagram.com/p/<shortcode>`` (or ``/reel/``, ``/tv/``)
    gives the shortcode.  When no id can be parsed from a URL, the id is
    ``"urlhash-"`` + the first 16 hex digits of the URL's SHA-1: stable across
    runs, but it will not match the same post read from another source.
author
    ``Facebook Id`` (native id, when the export has it), ``User Name`` (handle,
    without ``@``) and ``Page Name`` / ``Group Name`` / ``Account`` (display name).
created_at
    ``Post Created`` with its zone abbreviation, converted to UTC.
text
    Facebook: ``Message``; when it is empty (a link or photo shared without
    comment) the ``Link Text`` and ``Description`` of the attachment, joined
    by a blank line, so that such posts are not empty in the text analysis.
    Instagram: ``Description`` (the caption), else ``Title``.
likes / shares / replies
    Facebook ``likes`` is the sum of all reactions (Like, Love, Wow, Haha,
    Sad, Angry, Care): on Facebook a "like" is one of seven reactions, and the
    supportive ones (Care, Love, Sad) are frequent on patient stories, so the
    Like column alone would undercount appreciation.  An export without the
    reaction columns gives ``Likes``.  ``shares`` = ``Shares`` (Facebook only),
    ``replies`` = ``Comments``.
urls
    ``Link`` and ``Final Link`` (where they are not the post itself), then any
    links written in the text.
hashtags
    Taken from the text; ``mentions`` (``@name``) from the text on Instagram only.
shares of other posts
    A Facebook row whose ``Link`` points to a post of another page or group
    (``facebook.com/<other>/posts/<id>`` ...) is a share: ``shared_native_id``
    is that post's id (``"<other>_<id>"``; with a vanity name for ``<other>``
    it will not match the numeric form), and ``shared_author_native_id`` /
    ``shared_author_handle`` is ``<other>`` as the link gives it.  The pipeline
    resolves the original's author from its own data when that post is there.

Bad rows (yielded as :class:`BadRecord` with the reason): wrong number of
fields, undecodable bytes, missing ``URL``, missing author, a missing or
unparseable date, a count that is not a whole non-negative number.
``source_line`` is the CSV row number with the header as line 1.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from helpers.ingest.generic_table import (
    csv_header,
    describe_header,
    hashtags_in,
    header_from_head,
    iter_csv_records,
    urls_in,
)
from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    excerpt,
    optional_str,
    parse_timestamp,
)

FORMAT = "crowdtangle"
# Facebook unless the export is an Instagram one (recognised from its columns
# and URLs); every ParsedPost carries its own platform.
PLATFORM = "facebook"

logger = logging.getLogger(__name__)

NAME_COLUMNS = ("Page Name", "Group Name", "Account")
TIME_COLUMNS = ("Post Created", "Created")
REACTION_COLUMNS = ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care")
_POST_KINDS = ("posts", "videos", "photos")
_INSTAGRAM_KINDS = ("p", "reel", "tv")
URL_MEMO = 65_536  # links whose platform and post owner are remembered (rows often repeat a link)


def sniff(path: Path) -> bool:
    """True for a CSV whose header has an account-name column, ``Post Created`` and ``URL``."""
    header = set(header_from_head(path))
    return (
        bool(header.intersection(NAME_COLUMNS))
        and bool(header.intersection(TIME_COLUMNS))
        and "URL" in header
    )


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a CrowdTangle CSV export, one item per data row.

    Parameters
    ----------
    path : Path
        The CSV file (optionally ``.gz``/``.bz2``/``.zst`` compressed).
    ctx : ReadContext
        Unused beyond the contract; the platform comes from the export itself.

    Yields
    ------
    ParsedPost or BadRecord

    Raises
    ------
    ValueError
        When the file has no header or lacks the ``URL`` or ``Post Created`` column.
    """
    header = csv_header(path)
    time_column = _first_present(header, TIME_COLUMNS)
    if time_column is None or "URL" not in header:
        raise ValueError(
            f"{path}: not a CrowdTangle export: needs the columns 'URL' and 'Post Created' "
            f"(found: {describe_header(header)})"
        )
    file_platform = "instagram" if "Account" in header and "Page Name" not in header else "facebook"
    name_column = _first_present(header, NAME_COLUMNS)
    accepted = rejected = 0
    for item in iter_csv_records(path):
        if isinstance(item, BadRecord):
            rejected += 1
            yield item
            continue
        number, row = item
        try:
            post = _post_from_row(row, number, file_platform, time_column, name_column)
        except (ValueError, OverflowError) as exc:  # RecordError is a ValueError
            rejected += 1
            yield BadRecord(number, str(exc), excerpt(",".join(row.values())))
            continue
        accepted += 1
        yield post
    logger.info("%s: %d rows read as posts, %d quarantined", path.name, accepted, rejected)


def _post_from_row(
    row: dict[str, str],
    number: int,
    file_platform: str,
    time_column: str,
    name_column: str | None,
) -> ParsedPost:
    url = optional_str(row.get("URL"))
    if url is None:
        raise RecordError("missing URL (the post's id comes from it)")
    platform = _platform_of(url) or file_platform
    page_id = optional_str(row.get("Facebook Id"))
    handle = _handle(row.get("User Name"))
    native_id = post_id_from_url(url, page_id) or _url_hash(url)
    if page_id is None and platform == "facebook":
        page_id = _numeric_owner(native_id)
    if page_id is None and handle is None:
        raise RecordError("missing author (no 'Facebook Id' or 'User Name')")
    created_at = parse_timestamp(row.get(time_column))
    text = _text(row, platform)
    post = ParsedPost(
        platform=platform,
        native_id=native_id,
        created_at=created_at,
        text=text,
        source_line=number,
        author_native_id=page_id,
        author_handle=handle,
        author_display_name=optional_str(row.get(name_column)) if name_column else None,
        author_profile=optional_str(row.get("Page Description")),
        hashtags=hashtags_in(text),
        likes=_likes(row, platform),
        shares=_count(row, "Shares"),
        replies=_count(row, "Comments"),
    )
    own_names = {name.lower() for name in (page_id, handle) if name}
    if platform == "instagram":
        post.mentions = [Mention(handle=name) for name in mentions_in(text)]
    else:
        _mark_share(post, row.get("Link"), own_names)
    post.urls = _urls(row, url, text, own_names)
    return post


def post_id_from_url(url: str, page_id: str | None = None) -> str | None:
    """The post id a Facebook or Instagram post URL names, or None.

    Parameters
    ----------
    url : str
        E.g. ``https://www.facebook.com/123/posts/456`` or
        ``https://www.instagram.com/p/CLxyz/``.
    page_id : str, optional
        Numeric id of the page, used instead of a vanity name in the URL.

    Returns
    -------
    str or None
        ``"<page>_<post>"`` for Facebook, the shortcode for Instagram.

    Examples
    --------
    >>> post_id_from_url("https://www.facebook.com/123/posts/456")
    '123_456'
    >>> post_id_from_url("https://www.facebook.com/SomePage/posts/456/", page_id="123")
    '123_456'
    >>> post_id_from_url("https://www.instagram.com/p/CLxyz_12/")
    'CLxyz_12'
    """
    parsed = urlsplit(url.strip())
    host = (parsed.hostname or "").lower()
    parts = [part for part in parsed.path.split("/") if part]
    if _is_host(host, "instagram.com"):
        if len(parts) >= 2 and parts[0] in _INSTAGRAM_KINDS:
            return parts[1]
        return None
    if not (_is_host(host, "facebook.com") or _is_host(host, "fb.com")):
        return None
    owner_and_post = _facebook_owner_and_post(parts, parse_qs(parsed.query))
    if owner_and_post is None:
        return None
    owner, post = owner_and_post
    if not owner.isdigit() and page_id:
        owner = page_id
    return f"{owner}_{post}"


def mentions_in(text: str) -> list[str]:
    """Instagram-style ``@username`` mentions in a caption, without ``@``, no repeats."""
    names: dict[str, None] = {}
    for word in text.split():
        if not word.startswith("@"):
            continue
        name = word[1:].rstrip(".,;:!?)]}'\"")
        if name and all(ch.isalnum() or ch in "._" for ch in name):
            names[name.rstrip(".")] = None
    return [name for name in names if name]


def _facebook_owner_and_post(parts: list[str], query: dict[str, list[str]]) -> tuple[str, str] | None:
    """``(owner, post)`` from the path parts and query of a facebook.com post URL."""
    if parts and parts[0] in ("permalink.php", "story.php"):
        story = (query.get("story_fbid") or [None])[0]
        owner = (query.get("id") or [None])[0]
        return (owner, story) if owner and story else None
    if len(parts) >= 4 and parts[0] == "groups" and parts[2] in ("permalink", "posts"):
        return (parts[1], parts[3]) if _is_post_id(parts[3]) else None
    if len(parts) >= 3 and parts[1] in _POST_KINDS:
        ids = [part for part in parts[2:] if _is_post_id(part)]
        return (parts[0], ids[-1]) if ids else None
    return None


def _is_post_id(part: str) -> bool:
    return part.isdigit() or (part.startswith("pfbid") and part.isalnum())


def _is_host(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@lru_cache(maxsize=URL_MEMO)
def _platform_of(url: str) -> str | None:
    host = (urlsplit(url.strip()).hostname or "").lower()
    if _is_host(host, "instagram.com"):
        return "instagram"
    if _is_host(host, "facebook.com") or _is_host(host, "fb.com"):
        return "facebook"
    return None


def _url_hash(url: str) -> str:
    return "urlhash-" + hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:16]


def _numeric_owner(native_id: str) -> str | None:
    owner = native_id.split("_", 1)[0]
    return owner if "_" in native_id and owner.isdigit() else None


def _handle(value: str | None) -> str | None:
    handle = optional_str(value)
    if handle is None:
        return None
    return handle.lstrip("@") or None


def _first_present(header: list[str], candidates: tuple[str, ...]) -> str | None:
    return next((column for column in candidates if column in header), None)


def _text(row: dict[str, str], platform: str) -> str:
    if platform == "instagram":
        return (row.get("Description") or "").strip() or (row.get("Title") or "").strip()
    message = (row.get("Message") or "").strip()
    if message:
        return message
    parts = [(row.get(column) or "").strip() for column in ("Link Text", "Description")]
    return "\n\n".join(part for part in parts if part)


def _count(row: dict[str, str], column: str) -> int | None:
    try:
        return as_count(row.get(column))
    except RecordError as exc:
        raise RecordError(f"{column}: {exc}") from None
    except (ValueError, OverflowError):  # 'nan', 'inf'
        raise RecordError(f"{column}: count is not a whole number: {row.get(column)!r}") from None


def _likes(row: dict[str, str], platform: str) -> int | None:
    if platform == "instagram":
        return _count(row, "Likes")
    counts = [_count(row, column) for column in REACTION_COLUMNS if column in row]
    present = [count for count in counts if count is not None]
    return sum(present) if present else None


@lru_cache(maxsize=URL_MEMO)
def _facebook_post_owner(link: str) -> str | None:
    """The page, group or profile whose post a facebook.com link names, or None (memoised)."""
    if _platform_of(link) != "facebook":
        return None
    parsed = urlsplit(link.strip())
    parts = [part for part in parsed.path.split("/") if part]
    owner_and_post = _facebook_owner_and_post(parts, parse_qs(parsed.query))
    return owner_and_post[0] if owner_and_post else None


def _mark_share(post: ParsedPost, link: str | None, own_names: set[str]) -> None:
    """Set ``shared_*`` when the row's ``Link`` is a post of another page or group."""
    link = optional_str(link)
    owner = _facebook_post_owner(link) if link else None
    if link is None or owner is None or owner.lower() in own_names:
        return  # no link, not a post, or the page's own photo or video
    post.shared_native_id = post_id_from_url(link)
    if owner.isdigit():
        post.shared_author_native_id = owner
    else:
        post.shared_author_handle = owner


def _urls(row: dict[str, str], url: str, text: str, own_names: set[str]) -> list[str]:
    """``Link``/``Final Link`` unless they are the post itself or the page's own media, then text links."""
    own = url.strip().rstrip("/")
    links: dict[str, None] = {}
    for column in ("Link", "Final Link"):
        link = optional_str(row.get(column))
        if not link or link.rstrip("/") == own:
            continue
        owner = _facebook_post_owner(link)
        if owner is not None and owner.lower() in own_names:
            continue
        links[link] = None
    for link in urls_in(text):
        links[link] = None
    return list(links)
