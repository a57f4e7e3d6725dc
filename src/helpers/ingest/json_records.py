"""JSON and JSON-lines exports: parsing (orjson, with the standard library's results), sniffing
enough of a file to recognise its format, and streaming its records, with a bad record for
each that cannot be read.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from helpers.ingest.files import has_bad_encoding, iter_lines, open_text, read_head
from helpers.ingest.record_types import BadRecord, ParsedPost, RecordError, excerpt


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
