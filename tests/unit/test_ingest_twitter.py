"""Twitter/X readers: twarc2 JSONL (pages and flattened), v1.1 JSONL, and twarc-csv CSV.

The fixtures in ``tests/fixtures/twitter`` are fictional tweets in the real
export shapes: a twarc2 search of an organisation account (``twarc2_search``),
the same tweets as ``twarc2 flatten`` writes them (``twarc2_flat``), the same
tweets as ``twarc2 csv`` (twarc-csv's default columns) writes them
(``twarc_tweets.csv``), and v1.1 tweets as twarc1 and the streaming API wrote
them (``twitter_v1.jsonl``).  Corrupted variants are built here from them.
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from helpers.ingest import twarc2, twarc_csv, twitter_v1
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "twitter"
SEARCH = FIXTURES / "twarc2_search.jsonl"
FLAT = FIXTURES / "twarc2_flat.jsonl"
V1 = FIXTURES / "twitter_v1.jsonl"
CSV = FIXTURES / "twarc_tweets.csv"
CTX = ReadContext(org_id="sma-uk")

ORG_ID, JO_ID, LEE_ID, NEWS_ID = (
    "1200000000000000001",
    "1300000000000000002",
    "1300000000000000003",
    "1300000000000000004",
)
ORG_POST, JO_REPLY, ORG_RT, ORG_QUOTE, LEE_REPLY, JO_MEDIA = (
    "1650000000000000010",
    "1650000000000000011",
    "1650000000000000012",
    "1650000000000000013",
    "1650000000000000014",
    "1650000000000000015",
)
NEWS_POST, LEE_POST = "1649000000000000020", "1649500000000000030"


def read_all(module: ModuleType, path: Path) -> list[ParsedPost | BadRecord]:
    return list(module.read(path, CTX))


def posts_by_id(items: list[ParsedPost | BadRecord]) -> dict[str, ParsedPost]:
    return {item.native_id: item for item in items if isinstance(item, ParsedPost)}


def bad_records(items: list[ParsedPost | BadRecord]) -> list[BadRecord]:
    return [item for item in items if isinstance(item, BadRecord)]


def jsonl_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- twarc2 pages


@pytest.fixture(scope="module")
def search_posts() -> dict[str, ParsedPost]:
    items = read_all(twarc2, SEARCH)
    assert not bad_records(items)
    return posts_by_id(items)


def test_twarc2_reads_every_tweet_in_data_and_none_from_includes(
    search_posts: dict[str, ParsedPost],
) -> None:
    assert set(search_posts) == {ORG_POST, JO_REPLY, ORG_RT, ORG_QUOTE, LEE_REPLY, JO_MEDIA}
    assert NEWS_POST not in search_posts and LEE_POST not in search_posts  # includes.tweets only
    assert {p.source_line for p in search_posts.values()} == {1, 2}
    assert search_posts[ORG_POST].source_line == 1
    assert search_posts[LEE_REPLY].source_line == 2
    assert all(p.platform == "twitter" for p in search_posts.values())


def test_twarc2_org_original_tweet(search_posts: dict[str, ParsedPost]) -> None:
    post = search_posts[ORG_POST]
    assert post.author_native_id == ORG_ID
    assert post.author_handle == "SMATogetherUK"
    assert post.author_display_name == "SMA Together UK"
    assert post.created_at == datetime(2023, 4, 20, 9, 0, tzinfo=UTC)
    assert post.text.startswith("Our family day is on 12 May! Talks on physio & new treatments")
    assert "\nRegister:" in post.text and "&amp;" not in post.text
    assert post.lang == "en"
    assert post.thread_native_id == ORG_POST
    assert post.parent_native_id is None and post.shared_native_id is None
    assert post.quoted_native_id is None
    assert post.hashtags == ["SMAawareness", "RareDisease"]
    assert post.urls == [
        "https://www.smatogether.example.org/events/family-day-2023?utm_source=twitter"
    ]
    assert post.mentions == []
    assert (post.likes, post.shares, post.replies) == (48, 12 + 3, 2)


def test_twarc2_reply_in_a_thread(search_posts: dict[str, ParsedPost]) -> None:
    reply = search_posts[JO_REPLY]
    assert reply.parent_native_id == ORG_POST
    assert reply.parent_author_native_id == ORG_ID
    assert reply.parent_author_handle == "SMATogetherUK"
    assert reply.thread_native_id == ORG_POST
    assert reply.mentions == [Mention(native_id=ORG_ID, handle="SMATogetherUK")]

    second = search_posts[LEE_REPLY]  # reply to the reply, same conversation
    assert second.parent_native_id == JO_REPLY
    assert second.parent_author_native_id == JO_ID
    assert second.parent_author_handle == "carer_jo"
    assert second.thread_native_id == ORG_POST
    assert second.text.endswith("going <3")
    # mentions without an id (older v2 data) get it from includes.users by username
    assert second.mentions == [
        Mention(native_id=JO_ID, handle="carer_jo"),
        Mention(native_id=ORG_ID, handle="SMATogetherUK"),
    ]


def test_twarc2_retweet_takes_full_text_and_entities_of_the_original(
    search_posts: dict[str, ParsedPost],
) -> None:
    retweet = search_posts[ORG_RT]
    assert retweet.author_handle == "SMATogetherUK"
    assert retweet.shared_native_id == NEWS_POST
    assert retweet.shared_author_native_id == NEWS_ID
    assert retweet.shared_author_handle == "smaresearchnews"
    assert not retweet.text.startswith("RT @")
    assert retweet.text.endswith("Full paper: https://t.co/NeWs000001 #SMA #ClinicalTrials")
    assert retweet.hashtags == ["SMA", "ClinicalTrials"]
    assert retweet.urls == ["https://doi.org/10.1000/sma.2023.0042"]
    assert retweet.mentions == []  # the "RT @x" mention is the share itself
    assert retweet.thread_native_id == ORG_RT
    assert retweet.quoted_native_id is None and retweet.parent_native_id is None


def test_twarc2_quote_tweet(search_posts: dict[str, ParsedPost]) -> None:
    quote = search_posts[ORG_QUOTE]
    assert quote.quoted_native_id == LEE_POST
    assert quote.quoted_author_native_id == LEE_ID
    assert quote.quoted_author_handle == "dr_lee_neuro"
    assert quote.text.startswith("Good advice from @dr_lee_neuro 👇")
    assert quote.mentions == [Mention(native_id=LEE_ID, handle="dr_lee_neuro")]
    assert quote.urls == ["https://twitter.com/dr_lee_neuro/status/1649500000000000030"]
    assert quote.shared_native_id is None


def test_twarc2_no_language_codes_become_none(search_posts: dict[str, ParsedPost]) -> None:
    assert search_posts[JO_MEDIA].lang is None  # "zxx": media only
    assert twarc2.tweet_lang("und") is None
    assert twarc2.tweet_lang("qme") is None
    assert twarc2.tweet_lang("it") == "it"


def test_twarc2_flattened_lines_match_the_pages(search_posts: dict[str, ParsedPost]) -> None:
    items = read_all(twarc2, FLAT)
    assert not bad_records(items)
    flat = posts_by_id(items)
    assert list(flat) == [LEE_REPLY, ORG_RT, ORG_QUOTE]
    assert [p.source_line for p in flat.values()] == [1, 2, 3]
    for native_id, post in flat.items():
        expected = replace(search_posts[native_id], source_line=post.source_line)
        assert post == expected, native_id


def test_twarc2_streaming_line_with_data_object(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    tweet = next(t for t in page["data"] if t["id"] == ORG_QUOTE)
    line = {
        "data": tweet,
        "includes": page["includes"],
        "matching_rules": [{"id": "1650000000000000777", "tag": "org"}],
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/stream", "version": "2.14.0"},
    }
    path = write_lines(tmp_path / "stream.jsonl", [json.dumps(line)])
    assert twarc2.sniff(path)
    (post,) = read_all(twarc2, path)
    assert isinstance(post, ParsedPost)
    assert post.native_id == ORG_QUOTE and post.quoted_author_handle == "dr_lee_neuro"


def test_twarc2_long_post_uses_note_tweet(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    tweet = next(t for t in page["data"] if t["id"] == ORG_POST)
    long_text = "A long post about our family day. " * 12 + "#LongRead"
    tweet["note_tweet"] = {
        "text": long_text,
        "entities": {"hashtags": [{"start": 408, "end": 417, "tag": "LongRead"}]},
    }
    page["data"] = [tweet]
    path = write_lines(tmp_path / "long.jsonl", [json.dumps(page)])
    (post,) = read_all(twarc2, path)
    assert isinstance(post, ParsedPost)
    assert post.text == long_text
    assert post.hashtags == ["LongRead"]


# --------------------------------------------------------------------------- twarc2 broken input


def _page_with(tweet_changes: dict[str, object], drop: str | None = None) -> str:
    page = jsonl_lines(SEARCH)[0]
    page["data"] = [copy.deepcopy(page["data"][3])]  # the org's original tweet
    page["data"][0].update(tweet_changes)
    if drop:
        del page["data"][0][drop]
    return json.dumps(page)


def test_twarc2_broken_records_are_reported_once_each(tmp_path: Path) -> None:
    good_line, second_page = SEARCH.read_text(encoding="utf-8").splitlines()
    lines: list[str | bytes] = [
        good_line,  # 1: four tweets
        good_line[: len(good_line) // 2],  # 2: truncated line
        _page_with({}, drop="id"),  # 3: tweet without id
        _page_with({"created_at": "20th of April"}),  # 4: bad date
        _page_with({"text": {"en": "hello"}}),  # 5: wrong type for text
        _page_with({"public_metrics": {"like_count": "many"}}),  # 6: malformed count
        _page_with({}, drop="author_id"),  # 7: no author
        '{"data": "nope"}',  # 8: data is not a list
        '[1, 2, 3]',  # 9: not an object
        '{"meta": {"result_count": 0}, "data": [], "__twarc": {}}',  # 10: empty page
        '{"errors": [{"title": "Not Found Error", "detail": "Could not find tweet"}]}',  # 11
        second_page.encode().replace(b"Keep the daily", b"Keep the \xff\xfe daily"),  # 12
        "",  # blank line: not a record
        second_page,  # 14: two tweets
    ]
    path = write_lines(tmp_path / "broken.jsonl", lines)
    items = read_all(twarc2, path)

    posts = [i for i in items if isinstance(i, ParsedPost)]
    bad = {b.source_line: b.reason for b in bad_records(items)}
    assert len(posts) == 4 + 2
    assert sorted(bad) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert len(items) == len(posts) + len(bad)  # one item per tweet or broken line
    assert "malformed JSON" in bad[2]
    assert bad[3] == "missing id"
    assert bad[4].startswith("created_at: unparseable timestamp")
    assert bad[5] == "wrong type for text: dict"
    assert bad[6].startswith("public_metrics.like_count:")
    assert bad[7] == "missing author_id"
    assert bad[8] == "wrong type for data: str"
    assert "expected a JSON object" in bad[9]
    assert "without tweets" in bad[10] and "result_count 0" in bad[10]
    assert "Not Found Error" in bad[11]
    assert bad[12] == "invalid UTF-8 encoding"
    assert {p.source_line for p in posts} == {1, 14}


def test_twarc2_one_bad_tweet_does_not_spoil_its_page(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    page["data"][1]["id"] = 1.65e18  # a float id has lost its precision
    page["data"][2]["referenced_tweets"] = "replied_to"
    path = write_lines(tmp_path / "page.jsonl", [json.dumps(page)])
    items = read_all(twarc2, path)
    assert len(items) == 4
    reasons = [b.reason for b in bad_records(items)]
    assert reasons == ["wrong type for id: float", "wrong type for referenced_tweets: str"]
    assert set(posts_by_id(items)) == {ORG_QUOTE, ORG_POST}


def test_twarc2_malformed_context_is_ignored_but_malformed_fields_are_not(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    page["includes"] = {"users": 5, "tweets": "none"}  # context only: the tweets still read
    flat = jsonl_lines(FLAT)[0]
    flat["referenced_tweets"] = 7
    path = write_lines(tmp_path / "odd.jsonl", [json.dumps(page), json.dumps(flat)])
    items = read_all(twarc2, path)
    assert len(items) == 4 + 1
    posts = posts_by_id(items)
    assert set(posts) == {ORG_POST, JO_REPLY, ORG_RT, ORG_QUOTE}
    assert posts[ORG_POST].author_handle is None and posts[ORG_POST].author_native_id == ORG_ID
    assert posts[ORG_RT].text.startswith("RT @smaresearchnews:")  # no original to expand
    assert posts[ORG_RT].shared_native_id == NEWS_POST
    (bad,) = bad_records(items)
    assert (bad.source_line, bad.reason) == (2, "wrong type for referenced_tweets: int")


def test_twarc2_reads_gzip(tmp_path: Path) -> None:
    path = tmp_path / "search.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(SEARCH.read_bytes())
    assert twarc2.sniff(path)
    assert read_all(twarc2, path) == read_all(twarc2, SEARCH)


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SEARCH, {"twarc2"}),
        (FLAT, {"twarc2"}),
        (V1, {"twitter_v1"}),
        (CSV, {"twarc_csv"}),
    ],
)
def test_each_file_is_recognised_by_its_reader_only(path: Path, expected: set[str]) -> None:
    recognised = {module.FORMAT for module in (twarc2, twitter_v1, twarc_csv) if module.sniff(path)}
    assert recognised == expected


def test_twarc2_sniff_sees_a_page_longer_than_the_head(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    page["data"] = page["data"] * 60  # ~ 100 tweets with expansions: one line of > 64 KiB
    line = json.dumps(page)
    assert len(line) > 65536
    path = write_lines(tmp_path / "big.jsonl", [line])
    assert twarc2.sniff(path)
    assert not twitter_v1.sniff(path)


def test_twarc2_sniff_accepts_a_first_page_holding_a_malformed_tweet(tmp_path: Path) -> None:
    page = jsonl_lines(SEARCH)[0]
    page["data"] = [{"garbage": True}, *page["data"]]  # quarantined when read, but the file is twarc2
    path = write_lines(tmp_path / "search.jsonl", [json.dumps(page)])
    assert twarc2.sniff(path)
    assert not twitter_v1.sniff(path)


def test_sniff_rejects_empty_and_foreign_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    reddit = write_lines(
        tmp_path / "reddit.json",
        [json.dumps({"kind": "t1", "data": {"id": "abc", "body": "hi", "author": "x"}})],
    )
    for path in (empty, reddit):
        assert not twarc2.sniff(path)
        assert not twitter_v1.sniff(path)
        assert not twarc_csv.sniff(path)


# --------------------------------------------------------------------------- v1.1


@pytest.fixture(scope="module")
def v1_items() -> list[ParsedPost | BadRecord]:
    return read_all(twitter_v1, V1)


def test_v1_one_item_per_line_and_stream_control_messages(
    v1_items: list[ParsedPost | BadRecord],
) -> None:
    assert len(v1_items) == len(V1.read_text(encoding="utf-8").splitlines()) == 7
    assert [item.source_line for item in v1_items] == [1, 2, 3, 4, 5, 6, 7]
    bad = bad_records(v1_items)
    assert [b.reason for b in bad] == [
        "stream control message (delete)",
        "stream control message (limit)",
    ]


def test_v1_original_tweet_and_reply(v1_items: list[ParsedPost | BadRecord]) -> None:
    posts = posts_by_id(v1_items)
    org = posts["1050118621198921728"]
    assert org.created_at == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert (org.author_native_id, org.author_handle) == (ORG_ID, "SMATogetherUK")
    assert org.author_display_name == "SMA Together UK"
    assert "shared their story & tips!" in org.text
    assert org.hashtags == ["SMA", "Education"]
    assert org.urls == ["https://www.smatogether.example.org/school-guide"]
    assert (org.likes, org.shares, org.replies) == (31, 9, None)
    assert org.thread_native_id == org.native_id

    reply = posts["1050125000000000001"]
    assert reply.parent_native_id == org.native_id
    assert reply.parent_author_native_id == ORG_ID
    assert reply.parent_author_handle == "SMATogetherUK"
    assert reply.thread_native_id == org.native_id  # the replied-to tweet: roots come later
    assert reply.mentions == [Mention(native_id=ORG_ID, handle="SMATogetherUK")]


def test_v1_retweet_quote_and_extended_tweet(v1_items: list[ParsedPost | BadRecord]) -> None:
    posts = posts_by_id(v1_items)
    retweet = posts["1050130000000000002"]
    assert retweet.shared_native_id == "1050000000000000005"
    assert (retweet.shared_author_native_id, retweet.shared_author_handle) == (
        NEWS_ID,
        "smaresearchnews",
    )
    assert retweet.text.startswith("Trial update:") and not retweet.text.startswith("RT @")
    assert retweet.urls == ["https://clinicaltrials.example.gov/study/SMA0042"]
    assert retweet.mentions == []

    quote = posts["1050140000000000003"]
    assert quote.quoted_native_id == "1049900000000000006"
    assert (quote.quoted_author_native_id, quote.quoted_author_handle) == (LEE_ID, "dr_lee_neuro")
    assert quote.shared_native_id is None

    long_post = posts["1050313000000000004"]  # streaming API: text truncated
    assert long_post.text.endswith("announced soon. #SMAwalk https://t.co/WaLk000001")
    assert long_post.hashtags == ["SMAwalk"]
    assert long_post.urls == ["https://www.smatogether.example.org/walk"]
    assert long_post.lang is None  # "und"
    assert (long_post.likes, long_post.shares, long_post.replies) == (19, 5 + 0, 2)


def test_v1_plain_text_tweet_without_full_text(tmp_path: Path) -> None:
    tweet = jsonl_lines(V1)[1]
    tweet["text"] = tweet.pop("full_text")
    path = write_lines(tmp_path / "old.jsonl", [json.dumps(tweet)])
    assert twitter_v1.sniff(path)
    (post,) = read_all(twitter_v1, path)
    assert isinstance(post, ParsedPost)
    assert post.text.startswith("@SMATogetherUK This is brilliant")


def test_v1_broken_records(tmp_path: Path) -> None:
    good = jsonl_lines(V1)[0]

    def variant(**changes: object) -> str:
        tweet = copy.deepcopy(good)
        for key, value in changes.items():
            if value is None:
                tweet.pop(key, None)
            else:
                tweet[key] = value
        return json.dumps(tweet)

    lines: list[str | bytes] = [
        variant(),  # 1
        variant(id_str=None, id=None),  # 2 no id
        variant(created_at="yesterday"),  # 3 bad date
        variant(user=None),  # 4 no author
        variant(user="SMATogetherUK"),  # 5 wrong type
        variant(full_text=None),  # 6 no text at all
        variant(favorite_count=-3),  # 7 malformed count
        variant(entities={"hashtags": "SMA"}),  # 8 wrong type in entities
        json.dumps(good)[:80],  # 9 truncated
        json.dumps(good).encode().replace(b"school support", b"school \xc3 support"),  # 10
    ]
    items = read_all(twitter_v1, write_lines(tmp_path / "broken.jsonl", lines))
    assert len(items) == len(lines)
    bad = {b.source_line: b.reason for b in bad_records(items)}
    assert sorted(bad) == list(range(2, 11))
    assert bad[2] == "missing id_str"
    assert bad[3].startswith("created_at:")
    assert bad[4] == "missing user"
    assert bad[5] == "wrong type for user: str"
    assert bad[6] == "missing text"
    assert bad[7].startswith("tweet.favorite_count:")
    assert bad[8] == "wrong type for entities.hashtags: str"
    assert "malformed JSON" in bad[9]
    assert bad[10] == "invalid UTF-8 encoding"


# --------------------------------------------------------------------------- twarc-csv


@pytest.fixture(scope="module")
def csv_items() -> list[ParsedPost | BadRecord]:
    return read_all(twarc_csv, CSV)


def test_csv_rows_map_like_the_json_they_came_from(
    csv_items: list[ParsedPost | BadRecord], search_posts: dict[str, ParsedPost]
) -> None:
    assert not bad_records(csv_items)
    rows = posts_by_id(csv_items)
    assert set(rows) == set(search_posts)
    assert [p.source_line for p in csv_items] == [2, 3, 4, 5, 6, 7]
    same = (
        "author_native_id", "author_handle", "author_display_name", "created_at", "text", "lang",
        "parent_native_id", "parent_author_native_id", "parent_author_handle", "thread_native_id",
        "quoted_native_id", "quoted_author_native_id", "quoted_author_handle", "shared_native_id",
        "shared_author_native_id", "shared_author_handle", "hashtags",
    )  # fmt: skip
    for native_id, row in rows.items():
        expected = search_posts[native_id]
        for name in same:
            assert getattr(row, name) == getattr(expected, name), (native_id, name)


def test_csv_specific_encodings(csv_items: list[ParsedPost | BadRecord]) -> None:
    rows = posts_by_id(csv_items)
    org = rows[ORG_POST]
    assert "treatments, plus a play area.\nRegister:" in org.text  # "\n" restored, & unescaped
    assert org.hashtags == ["SMAawareness", "RareDisease"]  # "#" dropped
    assert (org.likes, org.shares, org.replies) == (48, 15, 2)
    # mentions: handles only, the CSV has no mentioned user ids
    assert rows[LEE_REPLY].mentions == [Mention(handle="carer_jo"), Mention(handle="SMATogetherUK")]
    # media links are written without a scheme
    assert rows[JO_MEDIA].urls == ["https://pic.twitter.com/PhOtO00001"]
    # --merge-retweets: the original's text and metrics
    assert rows[ORG_RT].urls == ["https://doi.org/10.1000/sma.2023.0042"]
    assert (rows[ORG_RT].likes, rows[ORG_RT].shares) == (150, 40 + 9)


def _csv_rows() -> tuple[list[str], list[list[str]]]:
    with CSV.open(newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def test_csv_broken_rows(tmp_path: Path) -> None:
    header, rows = _csv_rows()
    col = {name: index for index, name in enumerate(header)}
    good = rows[3]  # the org's original tweet

    def variant(**changes: str) -> list[str]:
        row = list(good)
        for name, value in changes.items():
            row[col[name.replace("__", ".")]] = value
        return row

    broken = [
        good,  # row 2
        variant(id=""),  # 3
        variant(created_at="20/04/2023 09:00"),  # 4
        variant(id="1.65E+18"),  # 5: the id as a spreadsheet shows it
        variant(entities__hashtags="[#SMA"),  # 6
        variant(public_metrics__like_count="lots"),  # 7
        good[:10],  # 8: short row
        variant(text="Line one\nline two with a real newline"),  # 9: quoted multi-line field
        variant(author_id=""),  # 10
        variant(text="   "),  # 11
        variant(text="MARKER"),  # 12: replaced by invalid bytes below
        good,  # 13
    ]
    data = _csv_text(header, broken).encode().replace(b"MARKER", b"caf\xe9 au lait")
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    items = read_all(twarc_csv, path)

    assert len(items) == len(broken)
    assert [item.source_line for item in items] == list(range(2, 14))
    bad = {b.source_line: b.reason for b in bad_records(items)}
    assert sorted(bad) == [3, 4, 5, 6, 7, 8, 10, 11, 12]
    assert bad[3] == "missing id"
    assert bad[4].startswith("created_at: unparseable timestamp")
    assert bad[5] == "id is not a numeric Twitter id: '1.65E+18'"
    assert bad[6].startswith("entities.hashtags: not a JSON list")
    assert bad[7].startswith("public_metrics.like_count:")
    assert bad[8] == f"row has 10 fields, the header has {len(header)}"
    assert bad[10] == "missing author_id"
    assert bad[11] == "missing text"
    assert bad[12] == "invalid UTF-8 encoding"
    multiline = next(i for i in items if i.source_line == 9)
    assert isinstance(multiline, ParsedPost)
    assert multiline.text == "Line one\nline two with a real newline"


def test_csv_unprocessed_entities_and_missing_optional_columns(tmp_path: Path) -> None:
    header, rows = _csv_rows()
    keep = ["id", "author_id", "created_at", "text", "entities.mentions", "entities.hashtags"]
    row = dict(zip(header, rows[5], strict=True))  # the reply to the reply
    row["entities.mentions"] = json.dumps([{"start": 0, "end": 9, "username": "carer_jo", "id": JO_ID}])
    row["entities.hashtags"] = json.dumps([{"start": 1, "end": 5, "tag": "SMA"}])
    path = tmp_path / "few_columns.csv"
    path.write_text(_csv_text(keep, [[row[name] for name in keep]]), encoding="utf-8")
    assert not twarc_csv.sniff(path)  # a cut-down file is read only when named in the config
    (post,) = read_all(twarc_csv, path)
    assert isinstance(post, ParsedPost)
    assert post.mentions == [Mention(native_id=JO_ID, handle="carer_jo")]
    assert post.hashtags == ["SMA"]
    assert post.thread_native_id == LEE_REPLY  # no conversation_id column: its own id
    assert post.parent_native_id is None and post.likes is None


def test_csv_without_required_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text("id,username,name\n1300000000000000002,carer_jo,Jo\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"users\.csv.*missing column\(s\) author_id"):
        read_all(twarc_csv, path)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert read_all(twarc_csv, empty) == []


def test_csv_reads_gzip(tmp_path: Path) -> None:
    path = tmp_path / "tweets.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(CSV.read_bytes())
    assert twarc_csv.sniff(path)
    assert read_all(twarc_csv, path) == read_all(twarc_csv, CSV)
