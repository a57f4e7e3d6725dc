"""Fuzzing every reader: random damage to a real-shaped export never escapes as a crash.

For each of the ten formats, hypothesis mutates the fixture file (truncation,
bit flips, inserted and deleted bytes, deep nesting, other encodings, a huge
field, repeated lines) and reads it as the pipeline does.  Whatever the
damage, either every record read is accounted for (read = accepted +
quarantined + duplicates) or the file is refused with one
:class:`~helpers.ingest.pipeline.IngestError` naming it: never another exception.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.config import IngestionSettings
from helpers.ingest import get_reader
from helpers.ingest.pipeline import IngestError, InputPlan, RecordLimits, StagingRules
from helpers.ingest.records import BadRecord, ParsedPost, ReadContext
from helpers.ingest.stage import _stage_file
from helpers.privacy import Scrubber

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORUM_COLUMNS = {"native_id": "post_id", "thread_native_id": "thread", "parent_native_id": "reply_to",
                 "author_native_id": "member_id", "author_handle": "member", "created_at": "posted",
                 "text": "body", "hashtags": "tags", "urls": "links", "likes": "thanks",
                 "replies": "reply_count"}
CASES = {
    "twarc2": FIXTURES / "twitter" / "twarc2_search.jsonl",
    "twitter_v1": FIXTURES / "twitter" / "twitter_v1.jsonl",
    "twarc_csv": FIXTURES / "twitter" / "twarc_tweets.csv",
    "pushshift": FIXTURES / "reddit" / "pku_comments.ndjson",
    "reddit_api": FIXTURES / "reddit" / "post_page.json",
    "mastodon": FIXTURES / "mastodon" / "account_statuses.json",
    "bluesky": FIXTURES / "bluesky" / "author_feed.json",
    "crowdtangle": FIXTURES / "facebook" / "crowdtangle_facebook.csv",
    "meta_content_library": FIXTURES / "facebook" / "mcl_facebook_posts.csv",
    "table": FIXTURES / "table" / "forum_posts.csv",
}
RULES = StagingRules(b"k" * 32, {}, Scrubber(), RecordLimits.from_settings(IngestionSettings()))


def _context(fmt: str) -> ReadContext:
    if fmt == "table":
        return ReadContext("org", platform="forum", column_map=FORUM_COLUMNS)
    return ReadContext("org")


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """The bytes of ``original`` after one to three random kinds of damage."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "nest", "encode", "huge",
                                     "repeat", "bom"]))
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[where:]
        elif kind == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "delete":
            del data[where:where + draw(st.integers(1, 200))]
        elif kind == "nest":
            depth = draw(st.sampled_from([50, 999, 1_500]))
            data[where:where] = (b'{"a":' * depth + b"1" + b"}" * depth)
        elif kind == "encode":
            text = bytes(data).decode("utf-8", "replace")
            data = bytearray(text.encode(draw(st.sampled_from(["latin-1", "utf-16", "utf-16-be", "cp1252"])),
                                         "replace"))
        elif kind == "huge":
            data[where:where] = b"x" * draw(st.sampled_from([70_000, 200_000]))
        elif kind == "repeat":
            lines = bytes(data).split(b"\n")
            line = draw(st.integers(0, len(lines) - 1))
            lines.insert(line, lines[line])
            data = bytearray(b"\n".join(lines))
        elif kind == "bom":
            data[0:0] = b"\xef\xbb\xbf"
    return bytes(data)


def _stage(fmt: str, path: Path, folder: Path):
    plan = InputPlan("org", path, path.name, fmt, _context(fmt))
    return _stage_file(plan, "fuzz", folder / "_stage", RULES, progress=False)


@pytest.mark.parametrize("fmt", list(CASES))
def test_the_undamaged_fixture_reads_without_quarantine(fmt: str, tmp_path: Path) -> None:
    stats = _stage(fmt, CASES[fmt], tmp_path).stats
    assert stats.read and stats.accepted and stats.reconciles()


@pytest.mark.parametrize("fmt", list(CASES))
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_any_damage_is_quarantined_or_refused_with_one_clear_error(fmt: str, data: st.DataObject) -> None:
    original = CASES[fmt]
    folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{fmt}-"))
    try:
        path = folder / original.name
        path.write_bytes(data.draw(damaged(original.read_bytes())))
        try:
            items = list(get_reader(fmt).read(path, _context(fmt)))
        except (ValueError, OSError, EOFError):
            items = None  # the reader's contract: the whole file is unreadable; the pipeline names it
        if items is not None:
            assert all(isinstance(item, ParsedPost | BadRecord) for item in items)
        try:
            stats = _stage(fmt, path, folder).stats
        except IngestError as exc:
            assert str(path) in str(exc)
            return
        assert stats.reconciles(), stats
    finally:
        shutil.rmtree(folder, ignore_errors=True)
