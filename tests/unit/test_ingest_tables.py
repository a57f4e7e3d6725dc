"""Tests for the CrowdTangle, Meta Content Library and generic table readers."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.ingest import READERS, crowdtangle, detect_format, generic_table, meta_content_library
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CT_FACEBOOK = FIXTURES / "facebook" / "crowdtangle_facebook.csv"
CT_INSTAGRAM = FIXTURES / "facebook" / "crowdtangle_instagram.csv"
CT_CORRUPTED = FIXTURES / "facebook" / "crowdtangle_corrupted.csv"
MCL_FACEBOOK = FIXTURES / "facebook" / "mcl_facebook_posts.csv"
MCL_INSTAGRAM = FIXTURES / "facebook" / "mcl_instagram_posts.csv"
FORUM_CSV = FIXTURES / "table" / "forum_posts.csv"

CTX = ReadContext(org_id="sma-uk")
FORUM_MAP = {
    "native_id": "post_id",
    "thread_native_id": "thread",
    "parent_native_id": "reply_to",
    "author_native_id": "member_id",
    "author_handle": "member",
    "created_at": "posted",
    "text": "body",
    "hashtags": "tags",
    "urls": "links",
    "likes": "thanks",
    "replies": "reply_count",
}
FORUM_CTX = ReadContext(org_id="sma-uk", platform="forum", column_map=FORUM_MAP)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def split(items: list[ParsedPost | BadRecord]) -> tuple[list[ParsedPost], list[BadRecord]]:
    posts = [item for item in items if isinstance(item, ParsedPost)]
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert len(posts) + len(bad) == len(items)
    return posts, bad


def data_rows(path: Path) -> int:
    """Number of CSV records after the header (quoted newlines count once)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


def reasons(bad: list[BadRecord]) -> dict[int, str]:
    return {record.source_line: record.reason for record in bad}


# --------------------------------------------------------------------------- sniffing


ALL_FIXTURES = [CT_FACEBOOK, CT_INSTAGRAM, CT_CORRUPTED, MCL_FACEBOOK, MCL_INSTAGRAM, FORUM_CSV]


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_each_sniff_accepts_only_its_own_format(path: Path) -> None:
    expected_ct = path.name.startswith("crowdtangle")
    expected_mcl = path.name.startswith("mcl_")
    assert crowdtangle.sniff(path) is expected_ct
    assert meta_content_library.sniff(path) is expected_mcl
    assert generic_table.sniff(path) is False


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CT_FACEBOOK, "crowdtangle"),
        (CT_INSTAGRAM, "crowdtangle"),
        (MCL_FACEBOOK, "meta_content_library"),
        (MCL_INSTAGRAM, "meta_content_library"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_registry_detects_exactly_one_format(path: Path, expected: str) -> None:
    assert [name for name, module in READERS.items() if module.sniff(path)] == [expected]
    assert detect_format(path) == expected


def test_our_sniffs_reject_the_other_readers_fixtures() -> None:
    ours = set(ALL_FIXTURES)
    others = [path for path in FIXTURES.rglob("*") if path.is_file() and path not in ours]
    for path in others:
        assert not crowdtangle.sniff(path), path
        assert not meta_content_library.sniff(path), path


def test_sniff_rejects_other_exports(tmp_path: Path) -> None:
    twarc_csv = tmp_path / "tweets.csv"
    twarc_csv.write_text(
        "id,conversation_id,referenced_tweets.replied_to.id,created_at,text,author_id,"
        "author.username,public_metrics.like_count,__twarc.url\n"
        "1,1,,2024-01-01T10:00:00.000Z,hello,2,someone,0,https://api.twitter.com/2/tweets\n",
        encoding="utf-8",
    )
    jsonl = tmp_path / "statuses.jsonl"
    jsonl.write_text(json.dumps({"id": "1", "created_at": "2024-01-01T00:00:00Z"}) + "\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    parquet = tmp_path / "posts.parquet"
    pq.write_table(pa.table({"id": ["1"], "creation_time": ["x"], "post_owner.id": ["2"]}), parquet)
    for path in (twarc_csv, jsonl, empty, parquet, tmp_path / "does-not-exist.csv", tmp_path):
        assert not crowdtangle.sniff(path)
        assert not meta_content_library.sniff(path)


def test_crowdtangle_sniff_reads_compressed_and_bom_files(tmp_path: Path) -> None:
    gz = tmp_path / "export.csv.gz"
    gz.write_bytes(gzip.compress(b"\xef\xbb\xbf" + CT_FACEBOOK.read_bytes()))
    assert crowdtangle.sniff(gz)
    posts, bad = split(list(crowdtangle.read(gz, CTX)))
    assert len(posts) == 5 and not bad


# --------------------------------------------------------------------------- CrowdTangle


def test_crowdtangle_facebook_maps_every_row() -> None:
    items = list(crowdtangle.read(CT_FACEBOOK, CTX))
    posts, bad = split(items)
    assert not bad
    assert len(posts) == data_rows(CT_FACEBOOK) == 5
    assert [post.source_line for post in posts] == [2, 3, 4, 5, 6]

    first = posts[0]
    assert first.platform == "facebook"
    assert first.native_id == "101234567890123_5550001112223334"
    assert first.author_native_id == "101234567890123"
    assert first.author_handle == "SMATogetherUK"
    assert first.author_display_name == "SMA Together UK"
    assert first.created_at == utc(2024, 2, 29, 15, 15)  # 10:15 EST
    assert first.hashtags == ["SMA", "RareDisease"]
    assert first.urls == ["https://example.org/physio-guide"]  # the Link is the post itself
    assert (first.likes, first.shares, first.replies) == (40 + 12 + 5, 4, 9)  # all reactions
    assert first.shared_native_id is None


def test_crowdtangle_summer_time_and_quoted_newlines() -> None:
    photo = list(crowdtangle.read(CT_FACEBOOK, CTX))[1]
    assert photo.created_at == utc(2023, 7, 14, 22, 30)  # 18:30 EDT
    assert photo.text.startswith("Meet Amira, 7.\n\nHer mum says: \"the new wheelchair")
    assert photo.text.endswith("#SMAawareness")
    assert photo.hashtags == ["SMAawareness"]
    # the Link is the page's own photo: neither a share nor an outside link
    assert photo.shared_native_id is None
    assert photo.urls == []


def test_crowdtangle_share_of_another_pages_post() -> None:
    share = list(crowdtangle.read(CT_FACEBOOK, CTX))[2]
    assert share.shared_native_id == "209876543210987_7770001112223334"
    assert share.shared_author_native_id == "209876543210987"
    assert share.author_native_id == "101234567890123"


def test_crowdtangle_link_post_without_message_uses_attachment_text() -> None:
    link_post = list(crowdtangle.read(CT_FACEBOOK, CTX))[3]
    assert link_post.text == (
        "Phase 3 study of a fictional SMA therapy\n\n"
        "Recruiting children aged 2 to 12 in the UK and Ireland."
    )
    assert link_post.urls[0] == "https://clinicaltrials.example.org/study/NCT00000001"
    assert link_post.likes == 8 + 2


def test_crowdtangle_vanity_url_and_thousands_separator() -> None:
    video = list(crowdtangle.read(CT_FACEBOOK, CTX))[4]
    assert video.native_id == "101234567890123_4443332221110009"
    assert video.likes == 1204 + 96
    assert video.created_at == utc(2024, 3, 9, 1, 0)  # 20:00 EST the day before


def test_crowdtangle_instagram_export() -> None:
    posts, bad = split(list(crowdtangle.read(CT_INSTAGRAM, CTX)))
    assert not bad and len(posts) == data_rows(CT_INSTAGRAM) == 3
    assert {post.platform for post in posts} == {"instagram"}
    assert [post.native_id for post in posts] == ["C2abcDEF123", "C8xyzUVW456", "C9qrsTUV789"]
    first = posts[0]
    assert first.author_handle == "dravetinsieme"
    assert first.author_display_name == "Dravet Insieme Italia"
    assert first.created_at == utc(2024, 1, 15, 18, 0)  # 19:00 CET
    assert posts[1].created_at == utc(2024, 6, 20, 7, 30)  # 09:30 CEST
    assert first.hashtags == ["dravet", "epilessia"]
    assert first.mentions == [Mention(handle="dottoressa.rossi"), Mention(handle="centro_epilessia")]
    assert (first.likes, first.shares, first.replies) == (312, None, 14)
    assert posts[2].text == "Assemblea dei soci 2024"  # empty caption: the title


def test_crowdtangle_corrupted_rows_are_quarantined_with_reasons() -> None:
    items = list(crowdtangle.read(CT_CORRUPTED, CTX))
    posts, bad = split(items)
    assert len(items) == 7  # every data row yields exactly one item
    assert [post.source_line for post in posts] == [2, 8]
    assert posts[1].text == "Last good row\nafter the bad ones"
    found = reasons(bad)
    assert found[3] == "wrong number of fields: expected 40, got 4"
    assert "unparseable timestamp" in found[4]
    assert "Likes" in found[5] and "not a number" in found[5]
    assert "missing URL" in found[6]
    assert found[7] == "invalid UTF-8 encoding"
    assert all(record.raw_excerpt for record in bad)


def test_crowdtangle_bom_does_not_hide_the_first_column() -> None:
    assert CT_CORRUPTED.read_bytes().startswith(b"\xef\xbb\xbf")
    first = next(crowdtangle.read(CT_CORRUPTED, CTX))
    assert isinstance(first, ParsedPost)
    assert first.author_display_name == "SMA Together UK"


def test_crowdtangle_unknown_zone_and_nul_byte_are_bad_records(tmp_path: Path) -> None:
    lines = CT_FACEBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first_row = lines[0], lines[1]
    path = tmp_path / "odd.csv"
    path.write_text(
        header
        + first_row.replace("2024-02-29 10:15:00 EST", "2024-02-29 10:15:00 XYZ", 1)
        + "SMA Together UK,\0broken\n"
        + first_row,
        encoding="utf-8",
    )
    items = list(crowdtangle.read(path, CTX))
    assert len(items) == 3
    assert isinstance(items[0], BadRecord) and "unparseable timestamp" in items[0].reason
    assert isinstance(items[1], BadRecord) and items[1].source_line == 3
    assert isinstance(items[2], ParsedPost) and items[2].source_line == 4


def test_crowdtangle_file_without_url_column_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "not_ct.csv"
    path.write_text("Page Name,Post Created\nA,2024-01-01 10:00:00 EST\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not_ct\.csv"):
        list(crowdtangle.read(path, CTX))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.csv"):
        list(crowdtangle.read(empty, CTX))


@pytest.mark.parametrize(
    ("url", "page_id", "expected"),
    [
        ("https://www.facebook.com/123/posts/456", None, "123_456"),
        ("https://www.facebook.com/SomePage/posts/456/", "123", "123_456"),
        ("https://www.facebook.com/123/videos/some-title/789/", None, "123_789"),
        ("https://www.facebook.com/123/photos/a.111/222/", None, "123_222"),
        ("https://www.facebook.com/groups/555/permalink/666/", None, "555_666"),
        ("https://www.facebook.com/permalink.php?story_fbid=42&id=7", None, "7_42"),
        ("https://m.facebook.com/123/posts/pfbid02AbC", None, "123_pfbid02AbC"),
        ("https://www.instagram.com/p/CLxyz_12/", None, "CLxyz_12"),
        ("https://www.instagram.com/reel/C8xyz/", None, "C8xyz"),
        ("https://www.facebook.com/watch/?v=1", None, None),
        ("https://example.org/posts/1", None, None),
    ],
)
def test_post_id_from_url(url: str, page_id: str | None, expected: str | None) -> None:
    assert crowdtangle.post_id_from_url(url, page_id) == expected


def test_crowdtangle_unparseable_url_falls_back_to_a_stable_hash(tmp_path: Path) -> None:
    lines = CT_FACEBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[1].replace(
        "https://www.facebook.com/101234567890123/posts/5550001112223334",
        "https://www.facebook.com/watch/?v=99",
    )
    path = tmp_path / "watch.csv"
    path.write_text(lines[0] + row, encoding="utf-8")
    first = next(crowdtangle.read(path, CTX))
    second = next(crowdtangle.read(path, CTX))
    assert isinstance(first, ParsedPost) and isinstance(second, ParsedPost)
    assert first.native_id.startswith("urlhash-") and first.native_id == second.native_id


# --------------------------------------------------------------------------- Meta Content Library


def test_mcl_facebook_posts() -> None:
    items = list(meta_content_library.read(MCL_FACEBOOK, CTX))
    posts, bad = split(items)
    assert len(items) == data_rows(MCL_FACEBOOK) == 6
    assert {post.platform for post in posts} == {"facebook"}
    first, epoch, reshare = posts
    assert first.native_id == "912300000000001"
    assert first.author_native_id == "738100000000001"
    assert first.author_handle == "SMATogetherUK"
    assert first.author_display_name == "SMA Together UK"
    assert first.created_at == utc(2024, 2, 29, 15, 15)
    assert first.lang == "en"
    assert (first.likes, first.shares, first.replies) == (57, 4, 9)  # reaction_count
    assert first.hashtags == ["SMA"]
    assert first.urls == ["https://trials.example.org/sma-3"]
    assert epoch.created_at == utc(2024, 3, 1, 14, 0)  # epoch seconds
    assert epoch.text == "Thank you all for sharing!\nWe read every story."
    assert reshare.created_at == utc(2024, 3, 2, 8, 0)  # +01:00 offset
    assert reshare.shared_native_id == "912399999999999"
    found = reasons(bad)
    assert found[5] == "missing id"
    assert "unparseable timestamp" in found[6]
    assert "statistics.share_count" in found[7]


def test_mcl_instagram_posts() -> None:
    posts, bad = split(list(meta_content_library.read(MCL_INSTAGRAM, CTX)))
    assert not bad and len(posts) == data_rows(MCL_INSTAGRAM) == 2
    first, second = posts
    assert first.platform == second.platform == "instagram"
    assert first.author_handle == "dravetinsieme"
    assert first.author_native_id == "17840000000000001"
    assert first.hashtags == ["dravet", "famiglie"]  # column and text agree, no repeats
    assert first.mentions == [Mention(handle="centro_epilessia")]
    assert (first.likes, first.shares, first.replies) == (230, None, 18)
    assert second.created_at == utc(2024, 5, 12, 6, 30)  # +0200 offset


def test_mcl_platform_from_config_wins() -> None:
    ctx = ReadContext(org_id="sma-uk", platform="instagram")
    posts, _ = split(list(meta_content_library.read(MCL_FACEBOOK, ctx)))
    assert {post.platform for post in posts} == {"instagram"}


def test_mcl_missing_owner_column_raises(tmp_path: Path) -> None:
    path = tmp_path / "mcl.csv"
    path.write_text("id,creation_time,text\n1,2024-01-01T00:00:00+0000,hi\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"mcl\.csv.*post_owner\.id"):
        list(meta_content_library.read(path, CTX))


def test_mcl_short_row_and_invalid_bytes(tmp_path: Path) -> None:
    raw = MCL_INSTAGRAM.read_bytes().splitlines(keepends=True)
    path = tmp_path / "broken.csv"
    path.write_bytes(raw[0] + b"178000000000009,2024-05-10T17:00:00+0000\n" + raw[1] + b"\xff\n")
    items = list(meta_content_library.read(path, CTX))
    assert [type(item).__name__ for item in items] == ["BadRecord", "ParsedPost", "BadRecord"]
    assert items[0].reason.startswith("wrong number of fields")
    assert items[2].reason == "invalid UTF-8 encoding"


# --------------------------------------------------------------------------- generic table


def test_generic_csv_with_column_map() -> None:
    items = list(generic_table.read(FORUM_CSV, FORUM_CTX))
    posts, bad = split(items)
    assert len(items) == data_rows(FORUM_CSV) == 8
    assert [post.native_id for post in posts] == ["p1001", "p1002", "p1003"]
    first, second, third = posts
    assert first.platform == "forum"
    assert first.author_handle == "helen_k" and first.author_native_id == "m1"
    assert first.created_at == utc(2024, 3, 1, 8, 0)  # +01:00
    assert first.hashtags == ["sma", "physio"]  # ';'-separated column, not the text
    assert first.urls == ["https://example.org/hydro"]  # JSON list
    assert (first.likes, first.replies, first.shares) == (4, 2, None)
    assert first.thread_native_id == "t10" and first.parent_native_id is None
    assert second.created_at == utc(2024, 3, 1, 10, 30)  # naive: UTC
    assert second.parent_native_id == "p1001"
    assert second.urls == []  # the column is mapped, so text links are not added
    assert third.created_at == utc(2024, 3, 1, 11, 0)  # epoch seconds
    assert third.hashtags == ["physio", "carers"]  # ','-separated
    assert third.author_native_id is None and third.author_handle == "carer77"
    assert third.text == "Same here.\nIt helped a lot."
    found = reasons(bad)
    assert found[5].startswith("wrong number of fields")
    assert "unparseable timestamp" in found[6]
    assert "likes" in found[7] and "not a number" in found[7]
    assert "missing native_id" in found[8]
    assert "missing author" in found[9]


def test_generic_unmapped_lists_come_from_the_text() -> None:
    column_map = {k: v for k, v in FORUM_MAP.items() if k not in ("hashtags", "urls")}
    ctx = ReadContext(org_id="sma-uk", platform="forum", column_map=column_map)
    posts, _ = split(list(generic_table.read(FORUM_CSV, ctx)))
    assert posts[0].hashtags == ["hydrotherapy"]
    assert posts[1].urls == ["https://example.org/pool-list"]


def _forum_parquet(path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([11, 12, None, 14, 15], pa.int64()),
            "user": ["@ana", "ben", "cy", None, "ed"],
            "when": pa.array(
                [
                    datetime(2024, 1, 2, 10, 0),  # naive: UTC
                    datetime(2024, 1, 2, 11, 0),
                    datetime(2024, 1, 2, 12, 0),
                    datetime(2024, 1, 2, 13, 0),
                    datetime(2024, 1, 2, 14, 0),
                ],
                pa.timestamp("us"),
            ),
            "body": ["First #post", "Reply", "No id", "No author", None],
            "tags": pa.array([["sma", "#rare"], [], None, [], ["x"]], pa.list_(pa.string())),
            "parent": [None, 11, 11, 11, 11],
            "score": pa.array([3, None, 0, 1, 2], pa.int64()),
        }
    )
    pq.write_table(table, path, row_group_size=2)


PARQUET_MAP = {
    "native_id": "id",
    "author_handle": "user",
    "created_at": "when",
    "text": "body",
    "hashtags": "tags",
    "parent_native_id": "parent",
    "likes": "score",
}


def test_generic_parquet_streams_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "forum.parquet"
    _forum_parquet(path)
    assert pq.ParquetFile(path).num_row_groups == 3
    ctx = ReadContext(org_id="pku-us", platform="forum", column_map=PARQUET_MAP)
    items = list(generic_table.read(path, ctx))
    posts, bad = split(items)
    assert len(items) == 5
    assert [post.source_line for post in posts] == [1, 2, 5]
    first, reply, empty = posts
    assert first.native_id == "11" and first.author_handle == "ana"
    assert first.created_at == utc(2024, 1, 2, 10, 0)
    assert first.hashtags == ["sma", "rare"]
    assert first.likes == 3
    assert reply.parent_native_id == "11" and reply.likes is None
    assert empty.text == ""
    assert reasons(bad) == {3: "missing native_id (column 'id')", 4: bad[1].reason}
    assert "missing author" in bad[1].reason


def test_generic_tz_aware_parquet_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "tz.parquet"
    stamp = pa.array([datetime(2024, 6, 1, 12, 0, tzinfo=UTC)], pa.timestamp("us", tz="Europe/Rome"))
    pq.write_table(pa.table({"id": ["a"], "u": ["x"], "t": stamp, "b": ["hi"]}), path)
    ctx = ReadContext(
        org_id="o", platform="forum",
        column_map={"native_id": "id", "author_handle": "u", "created_at": "t", "text": "b"},
    )
    (post,) = generic_table.read(path, ctx)
    assert isinstance(post, ParsedPost)
    assert post.created_at == utc(2024, 6, 1, 12, 0)


def test_generic_missing_required_fields_error_names_file_and_fields() -> None:
    ctx = ReadContext(org_id="o", platform="forum", column_map={"text": "body"})
    with pytest.raises(ValueError) as info:
        list(generic_table.read(FORUM_CSV, ctx))
    message = str(info.value)
    assert "forum_posts.csv" in message
    for field in ("native_id", "created_at", "author_native_id or author_handle"):
        assert field in message
    assert "text," not in message  # text is mapped


def test_generic_wrong_column_names_are_reported(tmp_path: Path) -> None:
    wrong = {**FORUM_MAP, "text": "message", "likes": "likes"}
    ctx = ReadContext(org_id="o", platform="forum", column_map=wrong)
    with pytest.raises(ValueError, match=r"forum_posts\.csv.*text -> 'message'.*likes -> 'likes'"):
        list(generic_table.read(FORUM_CSV, ctx))
    path = tmp_path / "forum.parquet"
    _forum_parquet(path)
    ctx = ReadContext(org_id="o", platform="forum", column_map={**PARQUET_MAP, "text": "message"})
    with pytest.raises(ValueError, match=r"forum\.parquet.*text -> 'message'"):
        list(generic_table.read(path, ctx))


def test_generic_unknown_field_and_missing_platform() -> None:
    typo = ReadContext(org_id="o", platform="forum", column_map={**FORUM_MAP, "autor": "member"})
    with pytest.raises(ValueError, match=r"unknown field.*autor"):
        list(generic_table.read(FORUM_CSV, typo))
    no_platform = ReadContext(org_id="o", column_map=FORUM_MAP)
    with pytest.raises(ValueError, match="platform"):
        list(generic_table.read(FORUM_CSV, no_platform))


def test_generic_unreadable_parquet_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    ctx = ReadContext(org_id="o", platform="forum", column_map=PARQUET_MAP)
    with pytest.raises(ValueError, match=r"broken\.parquet"):
        list(generic_table.read(path, ctx))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('["a", "b"]', ["a", "b"]),
        ("['a', 'b']", ["a", "b"]),
        ("a; b ;", ["a", "b"]),
        ("a, b", ["a", "b"]),
        ("a,b;c", ["a,b", "c"]),
        ("", []),
        (None, []),
        (["x", None, ""], ["x"]),
    ],
)
def test_split_list(cell: object, expected: list[str]) -> None:
    assert generic_table.split_list(cell) == expected
