"""Plain record types shared by every format reader.

A reader turns one export file into a stream of :class:`ParsedPost` (a post as
the platform describes it, before privacy rules are applied) and
:class:`BadRecord` (something that could not be read, with the reason).  The
ingestion pipeline in :mod:`helpers.ingest.pipeline` pseudonymises, scrubs,
de-duplicates and validates what the readers yield.

Readers never drop a record silently: every physical record they read is
yielded exactly once, either as a post or as a bad record.

This module hands on what a reader uses, from the modules that hold it:
:mod:`~helpers.ingest.record_types` (the record types),
:mod:`~helpers.ingest.files` (opening, decompressing and decoding export files),
:mod:`~helpers.ingest.json_records` (JSON and JSON-lines exports) and
:mod:`~helpers.ingest.fields` (timestamps, counts, strings, printable text).
"""

from __future__ import annotations

from helpers.ingest.fields import (
    _ZONE_ABBREVIATIONS as _ZONE_ABBREVIATIONS,  # for tests/unit/test_text.py
)
from helpers.ingest.fields import (
    EPOCH_MILLISECONDS_FROM,
    as_count,
    ascii_safe,
    nested_str,
    optional_str,
    parse_timestamp,
    printable,
    require_str,
)
from helpers.ingest.fields import (
    _parse_timestamp_text as _parse_timestamp_text,  # for tests/unit/test_text.py
)
from helpers.ingest.files import (
    CSV_FIELD_LIMIT,
    encoding_problem,
    has_bad_encoding,
    iter_lines,
    open_bytes,
    open_text,
    read_head,
)
from helpers.ingest.json_records import (
    JSON_LINES_PROBE,
    MAX_JSON_NESTING,
    TooDeep,
    convert_records,
    first_json_value,
    first_line_json,
    iter_json_lines,
    iter_json_records,
    json_excerpt,
    json_layout,
    json_or_none,
    loads_json,
    sniff_json,
)
from helpers.ingest.json_records import (
    _holds_bad_encoding as _holds_bad_encoding,  # for tests/unit/test_text.py
)
from helpers.ingest.json_records import (
    _walk_for_bad_encoding as _walk_for_bad_encoding,  # for tests/unit/test_text.py
)
from helpers.ingest.record_types import (
    EXCERPT_CHARS,
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    excerpt,
)

__all__ = [
    "CSV_FIELD_LIMIT",
    "EPOCH_MILLISECONDS_FROM",
    "EXCERPT_CHARS",
    "JSON_LINES_PROBE",
    "MAX_JSON_NESTING",
    "BadRecord",
    "Mention",
    "ParsedPost",
    "ReadContext",
    "RecordError",
    "TooDeep",
    "as_count",
    "ascii_safe",
    "convert_records",
    "encoding_problem",
    "excerpt",
    "first_json_value",
    "first_line_json",
    "has_bad_encoding",
    "iter_json_lines",
    "iter_json_records",
    "iter_lines",
    "json_excerpt",
    "json_layout",
    "json_or_none",
    "loads_json",
    "nested_str",
    "open_bytes",
    "open_text",
    "optional_str",
    "parse_timestamp",
    "printable",
    "read_head",
    "require_str",
    "sniff_json",
]
