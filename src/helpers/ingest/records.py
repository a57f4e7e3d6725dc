"""Plain record types shared by every format reader.

A reader turns one export file into a stream of :class:`ParsedPost` (a post as
the platform describes it, before privacy rules are applied) and
:class:`BadRecord` (something that could not be read, with the reason).  The
ingestion pipeline in :mod:`helpers.ingest.pipeline` pseudonymises, scrubs,
de-duplicates and validates what the readers yield.

Readers never drop a record silently: every physical record they read is
yielded exactly once, either as a post or as a bad record.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

EXCERPT_CHARS = 200
CSV_FIELD_LIMIT = 2**31 - 1
"""Python's csv module refuses fields over 128 KiB with a parse error; the study's own limit on a
post's length (``ingestion.max_text_chars``) decides instead, with a clear quarantine reason."""
csv.field_size_limit(CSV_FIELD_LIMIT)


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


def open_text(path: Path) -> IO[str]:
    """Open a possibly compressed text file (.gz, .bz2, .zst) as UTF-8 text.

    A UTF-8 byte-order mark (which Excel and some Windows tools write) is
    skipped.  Undecodable bytes are kept as surrogate escapes so that a line
    with a wrong encoding can be quarantined rather than crash the read;
    :func:`iter_lines` reports such lines.  Files in another encoding
    altogether (UTF-16) are refused by :func:`encoding_problem` before they
    are read.
    """
    return io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", errors="surrogateescape", newline="")


def open_bytes(path: Path) -> IO[bytes]:
    """Open a possibly compressed file (.gz, .bz2, .zst) for reading its (decompressed) bytes."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix == ".zst":
        return io.BufferedReader(_ZstdFrames(path.open("rb")), buffer_size=1 << 16)
    return path.open("rb")


_UTF16_MARKS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


def encoding_problem(path: Path) -> str | None:
    r"""Why a file cannot be read as UTF-8 text at all, or None when it can.

    Recognises UTF-16 (with or without a byte-order mark: every other byte of
    its Latin text is zero), which Excel's "Unicode text" and some Windows
    tools write.  Single bad bytes are not a problem of the file: the records
    holding them are quarantined.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "posts.csv"
    >>> _ = path.write_bytes("id,text\n1,hello\n".encode("utf-16"))
    >>> encoding_problem(path)
    'the file is encoded as UTF-16 (little-endian), not UTF-8'
    """
    try:
        with open_bytes(path) as fh:
            head = fh.read(4096)
    except (OSError, EOFError, ValueError):
        return None  # the reader says what is wrong with it
    for mark, name in _UTF16_MARKS.items():
        if head.startswith(mark):
            return f"the file is encoded as {name}, not UTF-8"
    if len(head) >= 16:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "the file is encoded as UTF-16 (little-endian), not UTF-8"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "the file is encoded as UTF-16 (big-endian), not UTF-8"
    return None


class _ZstdFrames(io.RawIOBase):
    """Stream-decompress one or more zstd frames, raising on a truncated or corrupt file.

    ``zstandard``'s own ``stream_reader`` ends quietly at a truncated frame,
    which would make a damaged dump look like a short one; this reader checks
    that the last frame was complete.  Pushshift/Arctic-Shift dumps use a long
    window, which is allowed.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._raw = raw
        self._context = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._context.decompressobj()
        self._pending = b""
        self._offset = 0
        self._saw_input = False
        self._finished = False
        self._error = zstandard.ZstdError

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._pending) and not self._finished:
            self._fill()
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset:self._offset + size]
        self._offset += size
        return size

    def _fill(self) -> None:
        chunk = self._raw.read(1 << 20)
        if not chunk:
            if self._saw_input and not self._frame.eof:
                raise ValueError("truncated zstd stream (the file ends inside a frame)")
            self._finished = True
            return
        self._saw_input = True
        try:
            output = self._frame.decompress(chunk)
            while self._frame.eof and self._frame.unused_data:
                rest = self._frame.unused_data
                self._frame = self._context.decompressobj()
                output += self._frame.decompress(rest)
        except self._error as exc:
            raise ValueError(f"corrupt zstd data: {exc}") from exc
        self._pending, self._offset = output, 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` for each non-blank line, 1-based, streaming."""
    with open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line


_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")


def has_bad_encoding(line: str) -> bool:
    """True when a line read with ``surrogateescape`` held bytes that are not UTF-8."""
    return _ESCAPED_BYTES.search(line) is not None


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any] | BadRecord]:
    """Yield ``(line_number, parsed_json)`` per line, or a BadRecord for a broken line."""
    for number, line in iter_lines(path):
        if has_bad_encoding(line):
            raw = line.encode("utf-8", "surrogateescape")
            yield BadRecord(number, "invalid UTF-8 encoding", excerpt(raw))
            continue
        try:
            yield number, loads_json(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(number, f"malformed JSON: {exc.msg} at column {exc.colno}", excerpt(line))
        except TooDeep as exc:
            yield BadRecord(number, str(exc), excerpt(line))


MAX_JSON_NESTING = 1_000
"""Records nested deeper than this are quarantined (the parsers' own limits are about 1,000 levels)."""


class TooDeep(ValueError):
    """A JSON value nested deeper than :data:`MAX_JSON_NESTING` levels."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested deeper than {MAX_JSON_NESTING:,} levels (limit of the parser)")


def loads_json(text: str) -> Any:
    """Parse JSON with orjson, falling back to the standard library where orjson differs.

    orjson is several times faster.  What it refuses (broken JSON, but also
    ``NaN``, ``1e400`` or lone surrogates, which the standard library
    accepts) is parsed again by :func:`json.loads`, so results and error
    messages (:class:`json.JSONDecodeError`) are those of the standard
    library.  orjson reads integers beyond 64 bits as floats; a value holding
    a float that large is parsed again too.

    Raises
    ------
    json.JSONDecodeError
        When the text is not JSON.
    TooDeep
        When it is nested deeper than the parsers can follow.
    """
    try:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return json.loads(text)
        return json.loads(text) if _holds_huge_float(value) else value
    except RecursionError:
        raise TooDeep() from None


def json_or_none(text: str) -> Any | None:
    """The parsed JSON value of ``text``, or None when it is not JSON or nested too deep (for sniffing)."""
    try:
        return loads_json(text)
    except (json.JSONDecodeError, TooDeep):
        return None


# orjson turns integers below -2**63 or above 2**64 - 1 into floats; floats outside
# these bounds may be such integers (bounds rounded outwards).
_HUGE_FLOAT_LOW, _HUGE_FLOAT_HIGH = -9.2e18, 1.8e19


def _holds_huge_float(value: Any) -> bool:
    """True when a parsed JSON value holds a float that may be an integer orjson could not hold."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float and not _HUGE_FLOAT_LOW < item < _HUGE_FLOAT_HIGH:
            return True
    return False


def read_head(path: Path, n_bytes: int = 65536) -> str:
    """Return the first bytes of a (possibly compressed) file as text, for sniffing."""
    try:
        with open_text(path) as fh:
            return fh.read(n_bytes)
    except (OSError, EOFError, UnicodeError, ValueError):
        return ""


def first_json_value(path: Path) -> Any | None:
    """Parse the first line of a JSON-lines file, or the whole head of a JSON file; None if neither."""
    head = read_head(path)
    first_line = head.split("\n", 1)[0].strip()
    for candidate in (first_line, head.strip()):
        if not candidate:
            continue
        value = json_or_none(candidate)
        if value is not None:
            return value
    return None


def parse_timestamp(value: Any) -> datetime:
    """Parse the timestamp forms platforms export into an aware UTC datetime.

    Accepts ISO 8601 (with ``Z`` or offset), Twitter v1.1's
    ``Wed Oct 10 20:19:24 +0000 2018``, epoch seconds (int/float/str), and
    ``YYYY-MM-DD HH:MM:SS`` with an optional zone name (CrowdTangle writes
    ``2021-02-28 10:00:00 EST``).  Naive times are taken as UTC.

    Raises
    ------
    RecordError
        When the value is missing or cannot be parsed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError("missing timestamp")
    if isinstance(value, bool):
        raise RecordError(f"unparseable timestamp {value!r}")
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    try:
        return _from_epoch(float(text))
    except ValueError:
        pass
    parsed = _parse_timestamp_text(text)
    if parsed is None:
        raise RecordError(f"unparseable timestamp {text[:40]!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01 with a positive offset
        raise RecordError("timestamp beyond any calendar date") from None


_ZONE_ABBREVIATIONS = {
    "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
    "EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
    "MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
    "CET": "+0100", "CEST": "+0200", "BST": "+0100",
    # Further zones a CrowdTangle dashboard may be set to (unambiguous abbreviations only).
    "WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
    "AKST": "-0900", "AKDT": "-0800", "HST": "-1000", "JST": "+0900", "KST": "+0900",
    "AEST": "+1000", "AEDT": "+1100", "ACST": "+0930", "ACDT": "+1030", "AWST": "+0800",
    "NZST": "+1200", "NZDT": "+1300",
}


def _parse_timestamp_text(text: str) -> datetime | None:
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for fmt in ("%a %b %d %H:%M:%S %z %Y",):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and parts[1].upper() in _ZONE_ABBREVIATIONS:
        offset = _ZONE_ABBREVIATIONS[parts[1].upper()]
        try:
            if _PLAIN_DATE_TIME.fullmatch(parts[0]):  # strptime's own result, ten times faster
                return datetime.fromisoformat(f"{parts[0]}{offset[:3]}:{offset[3:]}")
            return datetime.strptime(f"{parts[0]} {offset}", "%Y-%m-%d %H:%M:%S %z")
        except ValueError:
            return None
    return None


# ``YYYY-MM-DD HH:MM:SS`` in ASCII digits, which fromisoformat reads as strptime does
_PLAIN_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


EPOCH_MILLISECONDS_FROM = 1e12
"""Epoch values from here on are milliseconds (2001-09-09 in ms); below, seconds.

Values between 1e11 and 1e12 are seconds in years 5138 to 33658, not
milliseconds of the 1970s: they fail the study's date window instead of being
misread (issue 24).
"""


def _from_epoch(value: float) -> datetime:
    seconds = value / 1000.0 if value >= EPOCH_MILLISECONDS_FROM else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise RecordError("epoch timestamp beyond any calendar date") from None


def as_count(value: Any) -> int | None:
    """Return an engagement count as a non-negative int, None when absent.

    Raises
    ------
    RecordError
        When the value is present but not a whole non-negative number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"count is not a number: {value!r}")
    try:
        number = float(str(value).replace(",", ""))
    except (ValueError, OverflowError) as exc:
        raise RecordError(f"count is not a number: {str(value)[:20]!r}") from exc
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise RecordError(f"count is not a whole non-negative number: {value!r}")
    return int(number)


def require_str(mapping: dict[str, Any], key: str, what: str | None = None) -> str:
    """Return ``mapping[key]`` as a non-empty string or raise RecordError naming the field."""
    if not isinstance(mapping, dict):
        raise RecordError(f"expected an object, got {type(mapping).__name__}")
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(f"missing {what or key}")
    if isinstance(value, dict | list | bool):
        raise RecordError(f"wrong type for {what or key}: {type(value).__name__}")
    return str(value)


def optional_str(value: Any) -> str | None:
    """Return a non-empty string form of ``value`` or None."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def first_line_json(path: Path, max_chars: int = 8 * 1024 * 1024, max_lines: int = 5) -> Any | None:
    """Parse the first JSON line of a JSON-lines file, reading at most ``max_chars`` per line.

    Unlike :func:`first_json_value` (which sees only the first 64 KiB), this
    reads whole lines, so it also recognises exports whose records are long
    (a twarc2 response page with 100 tweets and their expansions is often
    several hundred KiB on one line).  A broken first line (truncated, nested
    too deep) does not hide the format: the first of the first ``max_lines``
    non-blank lines that parses is returned.  None when none does, or the
    file cannot be read.
    """
    try:
        with open_text(path) as fh:
            seen = 0
            while seen < max_lines:
                line = fh.readline(max_chars)
                if not line:
                    return None
                if not line.strip():
                    continue
                seen += 1
                value = json_or_none(line) if line.endswith("\n") or len(line) < max_chars else None
                if value is not None:
                    return value
    except (OSError, EOFError, UnicodeError, ValueError):
        return None
    return None


def sniff_json(path: Path) -> Any | None:
    """Parse enough of a JSON or JSON-lines file to recognise its format.

    Returns the first line's value (JSON lines), else the parsed head of the
    file (a small JSON document), else, for a JSON array too long to parse
    from its head, a one-element list holding its first element.  None when
    none of these parse.
    """
    value = first_line_json(path)
    if value is None:
        value = first_json_value(path)
    if value is not None:
        return value
    head = read_head(path).lstrip()
    if not head.startswith("["):
        return None
    start = len(head) - len(head[1:].lstrip())
    try:
        first, _ = json.JSONDecoder().raw_decode(head, start)
    except (json.JSONDecodeError, RecursionError):
        return None
    return [first]


JSON_LINES_PROBE = 50


def _probe_lines(path: Path, limit: int = JSON_LINES_PROBE) -> list[str]:
    """Return the first ``limit`` non-blank lines of a file (line ends and a BOM removed)."""
    probe: list[str] = []
    with open_text(path) as fh:
        for line in fh:
            if line.strip():
                probe.append(line.rstrip("\r\n").lstrip("\ufeff"))
                if len(probe) >= limit:
                    break
    return probe


def json_layout(path: Path) -> str:
    """Return ``"lines"`` for a JSON-lines file, ``"document"`` for JSON document(s).

    A file is JSON lines when it has at least two non-blank lines, the first is
    not a bare opening bracket, and one of the first five lines is a complete
    JSON object or array by itself (so a broken first line does not hide the
    layout).  Anything else is read as a document; :func:`iter_json_records`
    still falls back to lines when such a "document" does not parse and its
    lines look like broken JSON lines.
    """
    return _layout(_probe_lines(path))


def _layout(probe: list[str]) -> str:
    if len(probe) < 2 or probe[0].strip() in ("[", "{"):
        return "document"
    return "lines" if any(_is_json_container(line) for line in probe[:5]) else "document"


def _starts_like_lines(probe: list[str]) -> bool:
    """Most lines open a JSON value at column 0: JSON lines, not an indented document."""
    if len(probe) < 2 or probe[0].strip() in ("[", "{"):
        return False
    return 2 * sum(line.startswith(("{", "[")) for line in probe) >= len(probe)


def _is_json_container(text: str) -> bool:
    return isinstance(json_or_none(text), dict | list)


def iter_json_records(
    path: Path, expand: Callable[[Any], Iterable[Any]]
) -> Iterator[tuple[int, Any] | BadRecord]:
    """Yield ``(source_line, record)`` for every record of a JSON or JSON-lines export.

    Parameters
    ----------
    path : Path
        A JSON-lines file (one value per line), or one JSON document, or
        several documents one after the other (``[...][...]``); possibly
        compressed.
    expand : callable
        Splits one top-level JSON value (a page, an array, a single record)
        into the raw records it holds, in order.  It must not raise: a value
        it does not recognise is passed on as a record, for the reader to
        turn into a :class:`BadRecord` with its reason.

    Yields
    ------
    tuple or BadRecord
        ``source_line`` is the line number in JSON lines (every record of a
        page on one line shares it), else the 1-based index of the record in
        traversal order.  Broken lines, records holding bytes that are not
        UTF-8, and an unreadable rest of a document become BadRecords.

    Raises
    ------
    ValueError
        When a JSON document cannot be parsed at all (the message names the file).
    """
    probe = _probe_lines(path)
    if _layout(probe) == "lines":
        yield from _iter_line_records(path, expand)
        return
    with open_text(path) as fh:
        text = fh.read()
    documents = _iter_documents(path, text)
    try:
        first = next(documents, _NOTHING)
    except ValueError:
        if not _starts_like_lines(probe):
            raise
        # e.g. JSON lines whose first lines are all broken: read line by line
        yield from _iter_line_records(path, expand)
        return
    if first is _NOTHING:
        return
    check_encoding = has_bad_encoding(text)
    index = 0
    for value in itertools.chain([first], documents):
        if isinstance(value, _BrokenRest):
            yield BadRecord(index + 1, value.reason, excerpt(value.rest.encode("utf-8", "replace")))
            return
        for record in expand(value):
            index += 1
            if check_encoding and _holds_bad_encoding(record):
                yield BadRecord(index, "invalid UTF-8 encoding", json_excerpt(record))
            else:
                yield index, record


_NOTHING = object()


def _iter_line_records(
    path: Path, expand: Callable[[Any], Iterable[Any]]
) -> Iterator[tuple[int, Any] | BadRecord]:
    for item in iter_json_lines(path):
        if isinstance(item, BadRecord):
            yield item
            continue
        number, value = item
        for record in expand(value):
            yield number, record


@dataclass
class _BrokenRest:
    reason: str
    rest: str


def _iter_documents(path: Path, text: str) -> Iterator[Any]:
    """Parse one or more concatenated JSON documents; a broken tail ends as a _BrokenRest."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    parsed = 0
    while position < len(text):
        try:
            value, end = decoder.raw_decode(text, position)
        except RecursionError:
            raise ValueError(f"{path}: {TooDeep()}; the document cannot be read") from None
        except json.JSONDecodeError as exc:
            where = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            if parsed == 0:
                raise ValueError(f"{path}: not valid JSON or JSON lines ({where})") from None
            reason = f"malformed JSON after document {parsed}: {where}; rest of file unread"
            yield _BrokenRest(reason, text[position:])
            return
        parsed += 1
        yield value
        position = _skip_space(text, end)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    return position


def _holds_bad_encoding(value: Any) -> bool:
    """True when a string anywhere in a parsed JSON value (key or value) holds bytes that are not UTF-8.

    Such bytes are surrogates here (the file is decoded with
    ``surrogateescape``), and orjson refuses to serialise any surrogate: a
    value it serialises holds none.  That takes a few microseconds in C; only
    the values it refuses (any surrogate, or an integer beyond 64 bits) are
    walked in Python.
    """
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        return _walk_for_bad_encoding(value)
    return False


def _walk_for_bad_encoding(value: Any) -> bool:
    stack = [value]  # not recursive: a value may be nested about a thousand levels deep
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_bad_encoding(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_excerpt(value: Any) -> str:
    """Return an excerpt of a parsed JSON value, as compact JSON, for a BadRecord."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    except RecursionError:
        text = f"({type(value).__name__} nested too deep to show)"
    return excerpt(text.encode("utf-8", "replace"))


def printable(text: str, limit: int = 120) -> str:
    r"""``text`` safe to print in a message: control and undecodable characters escaped, cut at ``limit``.

    Messages name what is wrong with a file; a header of binary garbage must
    not reach the terminal raw (escape sequences, NUL bytes) or flood it.

    Examples
    --------
    >>> printable("Page Name\x1b[31m\x00", limit=40)
    "'Page Name\\x1b[31m\\x00'"
    >>> printable("x" * 50, limit=10)
    "'xxxxxxxxxx'… (50 characters)"
    """
    shown = ascii_safe(text[:limit])
    return f"'{shown}'" + (f"… ({len(text):,} characters)" if len(text) > limit else "")


def ascii_safe(text: str) -> str:
    r"""Escape control characters, surrogate escapes and other unprintable characters as ``\xNN``."""
    return "".join(char if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF
                   else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def convert_records(
    items: Iterable[tuple[int, Any] | BadRecord], convert: Callable[[Any, int], ParsedPost | BadRecord]
) -> Iterator[ParsedPost | BadRecord]:
    """Turn ``(number, parsed JSON)`` items into posts, one item out for each item in.

    Bad records from the JSON layer pass through; a :class:`RecordError`
    raised by ``convert(value, number)`` becomes a BadRecord with its reason
    and an excerpt of the value.
    """
    for item in items:
        if isinstance(item, BadRecord):
            yield item
            continue
        number, value = item
        try:
            yield convert(value, number)
        except RecordError as exc:
            yield BadRecord(number, str(exc), json_excerpt(value))
