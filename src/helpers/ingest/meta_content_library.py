"""Meta Content Library CSV exports of Facebook and Instagram posts (CrowdTangle's successor).

Column names are the Content Library API field names, flattened with dots
(as in Meta's data dictionary): ``id``, ``creation_time``, ``modified_time``,
``text``, ``lang``, ``post_owner.id``, ``post_owner.name``,
``post_owner.username``, ``post_owner.type``, ``statistics.reaction_count``,
``statistics.like_count`` (and ``love``/``wow``/``haha``/``sad``/``angry``/
``care``), ``statistics.comment_count``, ``statistics.share_count``,
``statistics.views``, ``surface.*``, ``multimedia``, ``is_branded_content``,
``shared_post_id`` and a link attachment (``link_attachment.link``, or
``link_url`` / ``link_attachment_fields.link`` in some versions).  Instagram
posts have the same ``post_owner.*`` block, ``statistics.like_count``,
``statistics.comment_count``, ``statistics.views``, ``media_type`` and
``hashtags``, but no reactions, shares or ``surface.*``.

Mapping rules
-------------
platform
    ``ctx.platform`` when the config names ``facebook`` or ``instagram``;
    otherwise Facebook when the header has a Facebook-only column (reactions,
    shares, ``surface.*``, ``shared_post_id``), else Instagram.
native_id
    ``id`` (the Content Library's id of the post).
author
    ``post_owner.id`` (native id), ``post_owner.username`` (handle, without
    ``@``; Pages often have none), ``post_owner.name`` (display name).
created_at
    ``creation_time``: ISO 8601 or epoch seconds, converted to UTC.
text
    ``text`` (the export omits it unless it was requested; a file without the
    column is read with empty texts and a warning).
likes / shares / replies
    Facebook ``likes`` is ``statistics.reaction_count`` (all reactions, the
    same rule as the CrowdTangle reader), falling back to
    ``statistics.like_count`` when the total is absent; Instagram ``likes`` is
    ``statistics.like_count``.  ``shares`` = ``statistics.share_count``,
    ``replies`` = ``statistics.comment_count``.
shares of other posts
    ``shared_post_id`` becomes ``shared_native_id`` (the export names no
    author for the original; the pipeline resolves it when that post is read).
urls, hashtags, mentions
    The link attachment plus links in the text; hashtags from the
    ``hashtags`` column (Instagram) and the text; ``@name`` mentions from the
    text on Instagram only.

Bad rows become :class:`BadRecord` with the reason, as in the CrowdTangle
reader; ``source_line`` is the CSV row number with the header as line 1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers.ingest.crowdtangle import mentions_in
from helpers.ingest.generic_table import (
    csv_header,
    hashtags_in,
    header_from_head,
    iter_csv_records,
    split_list,
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

FORMAT = "meta_content_library"
# Facebook unless the export is an Instagram one (see the module docstring);
# every ParsedPost carries its own platform.
PLATFORM = "facebook"

logger = logging.getLogger(__name__)

OWNER_ID_COLUMNS = ("post_owner.id", "post_owner.data.id")
OWNER_NAME_COLUMNS = ("post_owner.name", "post_owner.data.name")
OWNER_HANDLE_COLUMNS = ("post_owner.username", "post_owner.data.username")
LINK_COLUMNS = ("link_attachment.link", "link_url", "link_attachment_fields.link")
FACEBOOK_ONLY_COLUMNS = (
    "statistics.reaction_count",
    "statistics.share_count",
    "statistics.love_count",
    "statistics.care_count",
    "surface.id",
    "shared_post_id",
)


def sniff(path: Path) -> bool:
    """True for a CSV whose header has ``id``, ``creation_time`` and ``post_owner.id``."""
    header = set(header_from_head(path))
    return {"id", "creation_time"} <= header and bool(header.intersection(OWNER_ID_COLUMNS))


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a Meta Content Library CSV export, one item per data row.

    Parameters
    ----------
    path : Path
        The CSV file (optionally compressed).
    ctx : ReadContext
        ``ctx.platform`` (``facebook``/``instagram``), when set, decides the platform.

    Yields
    ------
    ParsedPost or BadRecord

    Raises
    ------
    ValueError
        When the file has no header or lacks ``id``, ``creation_time`` or ``post_owner.id``.
    """
    header = csv_header(path)
    missing = [column for column in ("id", "creation_time") if column not in header]
    if not any(column in header for column in OWNER_ID_COLUMNS):
        missing.append("post_owner.id")
    if missing:
        raise ValueError(
            f"{path}: not a Meta Content Library export: missing column(s) {', '.join(missing)}"
        )
    platform = _platform(header, ctx.platform)
    if "text" not in header:
        logger.warning("%s: no 'text' column (not requested in the export?); texts are empty", path)
    columns = _Columns(
        owner_id=_first_present(header, OWNER_ID_COLUMNS),
        owner_name=_first_present(header, OWNER_NAME_COLUMNS),
        owner_handle=_first_present(header, OWNER_HANDLE_COLUMNS),
    )
    accepted = rejected = 0
    for item in iter_csv_records(path):
        if isinstance(item, BadRecord):
            rejected += 1
            yield item
            continue
        number, row = item
        try:
            post = _post_from_row(row, number, platform, columns)
        except (ValueError, OverflowError) as exc:  # RecordError is a ValueError
            rejected += 1
            yield BadRecord(number, str(exc), excerpt(",".join(row.values())))
            continue
        accepted += 1
        yield post
    logger.info("%s: %d rows read as posts, %d quarantined", path.name, accepted, rejected)


@dataclass(frozen=True)
class _Columns:
    """Which of the alternative owner column names this export uses."""

    owner_id: str | None
    owner_name: str | None
    owner_handle: str | None


def _platform(header: list[str], configured: str | None) -> str:
    if configured in ("facebook", "instagram"):
        return configured
    if any(column in header for column in FACEBOOK_ONLY_COLUMNS):
        return "facebook"
    return "instagram"


def _first_present(header: list[str], candidates: tuple[str, ...]) -> str | None:
    return next((column for column in candidates if column in header), None)


def _post_from_row(row: dict[str, str], number: int, platform: str, columns: _Columns) -> ParsedPost:
    native_id = optional_str(row.get("id"))
    if native_id is None:
        raise RecordError("missing id")
    author_id = optional_str(row.get(columns.owner_id)) if columns.owner_id else None
    handle = optional_str(row.get(columns.owner_handle)) if columns.owner_handle else None
    if handle is not None:
        handle = handle.lstrip("@") or None
    if author_id is None and handle is None:
        raise RecordError("missing author (no post_owner.id or post_owner.username)")
    created_at = parse_timestamp(row.get("creation_time"))
    text = row.get("text") or ""
    hashtags = [tag.lstrip("#") for tag in split_list(row.get("hashtags"))]
    post = ParsedPost(
        platform=platform,
        native_id=native_id,
        created_at=created_at,
        text=text,
        source_line=number,
        author_native_id=author_id,
        author_handle=handle,
        author_display_name=optional_str(row.get(columns.owner_name)) if columns.owner_name else None,
        lang=optional_str(row.get("lang")),
        shared_native_id=optional_str(row.get("shared_post_id")),
        hashtags=list(dict.fromkeys(tag for tag in [*hashtags, *hashtags_in(text)] if tag)),
        urls=_urls(row, text),
        likes=_likes(row, platform),
        shares=_count(row, "statistics.share_count"),
        replies=_count(row, "statistics.comment_count"),
    )
    if platform == "instagram":
        post.mentions = [Mention(handle=name) for name in mentions_in(text)]
    return post


def _count(row: dict[str, str], column: str) -> int | None:
    try:
        return as_count(row.get(column))
    except RecordError as exc:
        raise RecordError(f"{column}: {exc}") from None
    except (ValueError, OverflowError):  # 'nan', 'inf'
        raise RecordError(f"{column}: count is not a whole number: {row.get(column)!r}") from None


def _likes(row: dict[str, str], platform: str) -> int | None:
    like_count = _count(row, "statistics.like_count")
    if platform == "instagram":
        return like_count
    total = _count(row, "statistics.reaction_count")
    return total if total is not None else like_count


def _urls(row: dict[str, str], text: str) -> list[str]:
    links = [optional_str(row.get(column)) for column in LINK_COLUMNS]
    return list(dict.fromkeys(link for link in [*links, *urls_in(text)] if link))
