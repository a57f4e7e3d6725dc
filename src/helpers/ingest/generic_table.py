"""Generic table reader: a CSV or parquet file described by a column map in the config.

For forums and any tool the package has no dedicated reader for.  The study
config names the platform and maps canonical fields to the file's columns::

    - path: demo/forum/threads.csv
      format: table
      platform: forum
      columns: {native_id: post_id, author_handle: username, created_at: posted,
                text: body, parent_native_id: reply_to, thread_native_id: thread}

Canonical fields (see :data:`CANONICAL_FIELDS`): ``native_id``,
``author_native_id``, ``author_handle``, ``author_profile`` (a profile description or
flair, read for the actor-type rules and never written), ``created_at``, ``text``, ``lang``,
``parent_native_id``, ``thread_native_id``, ``quoted_native_id``,
``shared_native_id``, ``mentions``, ``hashtags``, ``urls``, ``likes``,
``shares``, ``replies``.  ``native_id``, ``created_at``, ``text`` and at least
one of ``author_native_id`` / ``author_handle`` must be mapped; a map without
them, with an unknown field name, or naming a column the file lacks raises a
``ValueError`` that names the file and the fields.

Rules
-----
- List fields (``mentions``, ``hashtags``, ``urls``) accept a JSON list
  (``["a", "b"]``), otherwise a string split on ``;`` when it contains one,
  else on ``,``.  Parquet list columns are used as they are.  Leading ``@``
  (mentions) and ``#`` (hashtags) are removed.
- When ``hashtags`` / ``urls`` are not mapped they are taken from the text;
  ``mentions`` are only read from a mapped column (``@name`` in forum text is
  too ambiguous to treat as a mention).
- ``created_at`` accepts everything :func:`records.parse_timestamp` does, and
  parquet timestamp columns (naive values are taken as UTC).
- CSV (optionally ``.gz``/``.bz2``/``.zst`` compressed; ``.tsv`` is read
  tab-separated) is streamed row by row; ``source_line`` is the CSV row number
  with the header as line 1.  Parquet is streamed by record batches with
  pyarrow; ``source_line`` is the 1-based row index.

This module also holds the small CSV helpers the CrowdTangle and Meta Content
Library readers share (:func:`csv_header`, :func:`iter_csv_records`,
:func:`hashtags_in`, :func:`urls_in`, :func:`split_list`).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    excerpt,
    has_bad_encoding,
    open_text,
    optional_str,
    parse_timestamp,
    printable,
    read_head,
)

FORMAT = "table"
PLATFORM: str | None = None  # comes from the config (ctx.platform)

logger = logging.getLogger(__name__)

CANONICAL_FIELDS = (
    "native_id",
    "author_native_id",
    "author_handle",
    "author_profile",
    "created_at",
    "text",
    "lang",
    "parent_native_id",
    "thread_native_id",
    "quoted_native_id",
    "shared_native_id",
    "mentions",
    "hashtags",
    "urls",
    "likes",
    "shares",
    "replies",
)
REQUIRED_FIELDS = ("native_id", "created_at", "text")
AUTHOR_FIELDS = ("author_native_id", "author_handle")
_ID_FIELDS = ("parent_native_id", "thread_native_id", "quoted_native_id", "shared_native_id")
_COUNT_FIELDS = ("likes", "shares", "replies")
_PLATFORMS = ("twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_BATCH_ROWS = 10_000

_HASHTAG = re.compile(r"(?<![\w&/])#(\w*[^\W\d_]\w*)")
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)]}"


# --------------------------------------------------------------------------
# Shared helpers (also used by the CrowdTangle and Meta Content Library readers)
# --------------------------------------------------------------------------


def csv_header(path: Path, delimiter: str = ",") -> list[str]:
    """Return the header row of a CSV file, without a UTF-8 byte-order mark.

    Raises
    ------
    ValueError
        When the file cannot be opened or has no header row; the message names the file.
    """
    try:
        with open_text(path) as fh:
            header = next(csv.reader(fh, delimiter=delimiter), None)
    except Exception as exc:  # any failure here means the file as a whole is unreadable
        raise ValueError(f"{path}: cannot read CSV header: {exc}") from exc
    if not header or not any(cell.strip() for cell in header):
        raise ValueError(f"{path}: empty file, no CSV header row")
    return _clean_header(header)


def describe_header(header: list[str], limit: int = 12) -> str:
    r"""The columns of a header for a message: each escaped and shortened, at most ``limit`` of them.

    Examples
    --------
    >>> describe_header(["id", "text\x1b[31m"] + [f"c{i}" for i in range(20)], limit=3)
    "'id', 'text\\x1b[31m', 'c0' and 19 more"
    """
    shown = ", ".join(printable(column, 40) for column in header[:limit])
    return shown + (f" and {len(header) - limit} more" if len(header) > limit else "")


def header_from_head(path: Path, delimiter: str = ",") -> list[str]:
    """Header of a CSV file for sniffing: empty list when there is none or it is unreadable."""
    head = read_head(path)
    if not head:
        return []
    try:
        header = next(csv.reader(io.StringIO(head), delimiter=delimiter), None)
    except csv.Error:
        return []
    return _clean_header(header) if header else []


def _clean_header(header: list[str]) -> list[str]:
    cleaned = [cell.strip() for cell in header]
    if cleaned:
        cleaned[0] = cleaned[0].lstrip("\ufeff")
    return cleaned


def iter_csv_records(
    path: Path, delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]] | BadRecord]:
    """Stream the data rows of a CSV file as ``(row_number, {column: value})``.

    The header is row 1, so the first data row is 2; a quoted field spanning
    several physical lines is one row.  Blank lines are not records and are
    skipped.  A row with undecodable bytes, the wrong number of fields or
    broken quoting is yielded as a :class:`BadRecord` instead.
    """
    header = csv_header(path, delimiter)
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)  # the header, already read
        number = 1
        while True:
            number += 1
            first_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(number, f"malformed CSV row: {exc}", "")
                continue
            except (OSError, EOFError) as exc:  # e.g. a truncated .gz: the rest is lost
                logger.warning("%s: unreadable from row %d on: %s", path, number, exc)
                yield BadRecord(number, f"file unreadable from this row on: {exc}", "")
                return
            if not row:
                number -= 1  # a blank line is not a record
                continue
            raw = delimiter.join(row)
            if has_bad_encoding(raw):
                yield BadRecord(
                    number, "invalid UTF-8 encoding", excerpt(raw.encode("utf-8", "surrogateescape"))
                )
                continue
            swallowed = swallowed_rows(row, delimiter, len(header))
            if swallowed:
                yield BadRecord(number, unclosed_quote_reason(number, swallowed, first_line, reader.line_num),
                                excerpt(raw))
                continue
            if len(row) != len(header):
                reason = f"wrong number of fields: expected {len(header)}, got {len(row)}"
                yield BadRecord(number, reason, excerpt(raw))
                continue
            yield number, dict(zip(header, row, strict=True))


def swallowed_rows(row: list[str], delimiter: str, width: int) -> int:
    r"""How many lines inside the fields of ``row`` look like rows of the file themselves.

    A quote opened and never closed (a stray ``"`` in a post) makes the CSV
    reader take every following line into one field, up to the next quote or
    the end of the file, without any error.  A line inside a field that holds
    as many delimiters as a row of the file (``width - 1``) is such a
    swallowed row; a post's own line breaks rarely hold that many.  Files of
    fewer than three columns are not checked (too many false alarms).

    Examples
    --------
    >>> swallowed_rows(["p3", "ann", "2024-03-02", 'open\np4,bob,2024-03-03,next row'], ",", 4)
    1
    >>> swallowed_rows(["p1", "ann", "2024-03-02", "Same here.\nIt helped, a lot."], ",", 4)
    0
    """
    if width < 3:
        return 0
    return sum(line.count(delimiter) >= width - 1
               for cell in row if "\n" in cell or "\r" in cell
               for line in cell.splitlines()[1:])


def unclosed_quote_reason(row_number: int, swallowed: int, first_line: int, last_line: int) -> str:
    """The quarantine reason of a row that swallowed ``swallowed`` rows (:func:`swallowed_rows`)."""
    return (f"unclosed quote: a quoted field opened in row {row_number} runs on to line {last_line} of the "
            f"file and holds {swallowed} line(s) that look like rows of their own (lines {first_line + 1}-"
            f"{last_line}); close the quote in the file and run again")


def hashtags_in(text: str) -> list[str]:
    """Hashtags written in a text, without ``#``, in order and without repeats.

    A hashtag needs at least one letter (``#1`` is not one), as on the platforms.
    """
    return _unique(match.group(1) for match in _HASHTAG.finditer(text or ""))


def urls_in(text: str) -> list[str]:
    """``http(s)`` links written in a text, trailing punctuation removed, without repeats."""
    return _unique(match.group(0).rstrip(_URL_TRAILING) for match in _URL.finditer(text or ""))


def split_list(value: Any) -> list[str]:
    """Read a list cell: a JSON list, else ``;``-separated, else ``,``-separated.

    Python-style lists (``['a', 'b']``) are also accepted.  ``None``/empty
    gives ``[]``.  Items are stripped of spaces and quotes; empty items dropped.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [optional_str(item) for item in value]
        return [item for item in items if item]
    if isinstance(value, float) and math.isnan(value):
        return []
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            text = text.strip("[]")
        else:
            if isinstance(parsed, list):
                return split_list(parsed)
    separator = ";" if ";" in text else ","
    items = (item.strip().strip("'\"").strip() for item in text.split(separator))
    return [item for item in items if item]


def _unique(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)


# --------------------------------------------------------------------------
# The table reader
# --------------------------------------------------------------------------


def sniff(path: Path) -> bool:
    """Always False: a generic table can only be read with a column map from the config."""
    return False


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read a CSV or parquet file through the column map ``ctx.column_map``.

    Parameters
    ----------
    path : Path
        The CSV (possibly compressed) or ``.parquet`` file.
    ctx : ReadContext
        Must carry ``platform`` and ``column_map`` (canonical field -> column).

    Yields
    ------
    ParsedPost or BadRecord
        One item per data row.

    Raises
    ------
    ValueError
        When the platform or column map is missing or wrong, or the file cannot
        be read at all; the message names the file.
    """
    platform = _check_platform(path, ctx.platform)
    column_map = check_column_map(path, ctx.column_map)
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        rows = _iter_parquet_rows(path, column_map)
    else:
        rows = _iter_csv_rows(path, column_map)
    accepted = rejected = 0
    for item in rows:
        if isinstance(item, BadRecord):
            rejected += 1
            yield item
            continue
        number, row = item
        try:
            post = _post_from_row(row, column_map, platform, number)
        except (ValueError, TypeError, OverflowError) as exc:  # RecordError is a ValueError
            rejected += 1
            yield BadRecord(number, str(exc), excerpt(_row_excerpt(row)))
            continue
        accepted += 1
        yield post
    logger.info("%s: %d rows read as posts, %d quarantined", path.name, accepted, rejected)


def check_column_map(path: Path, column_map: dict[str, str]) -> dict[str, str]:
    """Validate a column map and return it with empty entries removed.

    Raises
    ------
    ValueError
        Naming the file and the unknown or missing canonical fields.
    """
    mapping = {field: str(column).strip() for field, column in column_map.items() if column}
    unknown = sorted(set(mapping) - set(CANONICAL_FIELDS))
    if unknown:
        raise ValueError(
            f"{path}: unknown field(s) in the column map: {', '.join(unknown)}; "
            f"known fields: {', '.join(CANONICAL_FIELDS)}"
        )
    missing = [field for field in REQUIRED_FIELDS if field not in mapping]
    if not any(field in mapping for field in AUTHOR_FIELDS):
        missing.append(" or ".join(AUTHOR_FIELDS))
    if missing:
        raise ValueError(
            f"{path}: the column map lacks required field(s): {', '.join(missing)} "
            "(set them under 'columns:' for this input in the study config)"
        )
    return mapping


def _check_platform(path: Path, platform: str | None) -> str:
    if platform is None:
        raise ValueError(f"{path}: format 'table' needs 'platform:' in the study config")
    if platform not in _PLATFORMS:
        raise ValueError(f"{path}: unknown platform {platform!r}; known: {', '.join(_PLATFORMS)}")
    return platform


def _check_columns(path: Path, column_map: dict[str, str], available: list[str]) -> None:
    absent = [f"{field} -> {column!r}" for field, column in column_map.items() if column not in available]
    if absent:
        raise ValueError(
            f"{path}: column(s) named in the column map are not in the file: {', '.join(absent)}; "
            f"the file has: {describe_header(available)}"
        )


def _iter_csv_rows(
    path: Path, column_map: dict[str, str]
) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    _check_columns(path, column_map, csv_header(path, delimiter))
    yield from iter_csv_records(path, delimiter)


def _iter_parquet_rows(
    path: Path, column_map: dict[str, str]
) -> Iterator[tuple[int, dict[str, Any]] | BadRecord]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise ValueError(f"{path}: not a readable parquet file: {exc}") from exc
    _check_columns(path, column_map, list(parquet.schema_arrow.names))
    columns = sorted(set(column_map.values()))
    number = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                number += 1
                yield number, row


def _post_from_row(
    row: dict[str, Any], column_map: dict[str, str], platform: str, number: int
) -> ParsedPost:
    def value(field: str) -> Any:
        column = column_map.get(field)
        return None if column is None else row.get(column)

    native_id = _id_value(value("native_id"))
    if native_id is None:
        raise RecordError(f"missing native_id (column {column_map['native_id']!r})")
    author_native_id = _id_value(value("author_native_id"))
    author_handle = _handle(value("author_handle"))
    if author_native_id is None and author_handle is None:
        raise RecordError("missing author (no author_native_id or author_handle)")
    text = _text_value(value("text"))
    mentions = [
        Mention(handle=handle)
        for handle in _unique(_handle(item) for item in split_list(value("mentions")))
    ]
    hashtags = (
        _unique(tag.lstrip("#") for tag in split_list(value("hashtags")))
        if "hashtags" in column_map
        else hashtags_in(text)
    )
    urls = _unique(split_list(value("urls"))) if "urls" in column_map else urls_in(text)
    post = ParsedPost(
        platform=platform,
        native_id=native_id,
        created_at=_timestamp(value("created_at")),
        text=text,
        source_line=number,
        author_native_id=author_native_id,
        author_handle=author_handle,
        author_profile=optional_str(value("author_profile")),
        lang=optional_str(value("lang")),
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
    )
    for field in _ID_FIELDS:
        setattr(post, field, _id_value(value(field)))
    for field in _COUNT_FIELDS:
        setattr(post, field, _count(value(field), field))
    return post


def _id_value(value: Any) -> str | None:
    """An id as text; whole floats (ids in a pandas float column) lose their ``.0``."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    return optional_str(value)


def _handle(value: Any) -> str | None:
    handle = optional_str(value)
    if handle is None:
        return None
    return handle.lstrip("@") or None


def _text_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return parse_timestamp(value)


def _count(value: Any, field: str) -> int | None:
    if isinstance(value, float) and math.isnan(value):
        return None  # pandas' missing value
    try:
        return as_count(value)
    except RecordError as exc:
        raise RecordError(f"{field}: {exc}") from None
    except (ValueError, OverflowError):  # 'nan', 'inf', 1e400
        raise RecordError(f"{field}: count is not a whole number: {value!r}") from None


def _row_excerpt(row: dict[str, Any]) -> str:
    return ",".join("" if cell is None else str(cell) for cell in row.values())
