"""A record's fields as the readers read them: timestamps in the forms platforms export,
engagement counts, strings; and text made safe to print in a message.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from helpers.ingest.record_types import RecordError


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


def nested_str(mapping: Any, *keys: str) -> str | None:
    """``mapping[k1][k2]...`` as a non-empty string, or None when any level is missing or not an object.

    Examples
    --------
    >>> nested_str({"user": {"description": "Mum of two"}}, "user", "description")
    'Mum of two'
    >>> nested_str({"user": None}, "user", "description") is None
    True
    """
    value = mapping
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return optional_str(value)


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
