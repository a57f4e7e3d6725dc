"""Tests of the Reddit readers: Pushshift / Arctic Shift dumps and Reddit API listings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard

from helpers.ingest import bluesky, mastodon, pushshift, reddit_api
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REDDIT = FIXTURES / "reddit"
SUBMISSIONS = REDDIT / "pku_submissions.ndjson"
COMMENTS = REDDIT / "pku_comments.ndjson"
POST_PAGE = REDDIT / "post_page.json"
LISTINGS = REDDIT / "listings.jsonl"
CTX = ReadContext(org_id="pku-us")


def read_items(module, path: Path) -> list[ParsedPost | BadRecord]:
    return list(module.read(path, CTX))


def posts_by_id(items: list[ParsedPost | BadRecord]) -> dict[str, ParsedPost]:
    return {item.native_id: item for item in items if isinstance(item, ParsedPost)}


def non_blank_lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip())


# --------------------------------------------------------------------------- pushshift: mapping


def test_self_post_maps_title_body_mentions_and_links():
    post = posts_by_id(read_items(pushshift, SUBMISSIONS))["t3_1d2k9xq"]
    assert post.platform == "reddit"
    assert post.author_handle == "PKUVoicesNetwork"
    assert post.author_native_id == "t2_8f3kq1za"
    assert post.created_at == datetime(2024, 5, 29, 11, 0, tzinfo=UTC)
    # title, blank line, self text; Reddit's &amp; escapes undone
    assert post.text.startswith("Low-protein recipe swap & Q&A this Saturday\n\nHi all!")
    assert post.text.endswith("Bring your favourite low-phe bread & pasta tips.")
    assert post.mentions == [Mention(handle="PKU_Mum")]
    assert post.hashtags == []
    assert post.urls == ["https://pkuvoices.example.org/events/recipe-swap?ref=reddit"]
    assert post.thread_native_id == "t3_1d2k9xq"
    assert post.parent_native_id is None
    assert (post.likes, post.replies, post.shares) == (42, 3, 0)
    assert post.source_line == 1
    assert not post.text_is_html


def test_link_post_adds_its_url_and_self_post_does_not():
    posts = posts_by_id(read_items(pushshift, SUBMISSIONS))
    link = posts["t3_1d31abc"]
    assert link.text == "New trial results for sepiapterin in PKU"
    assert link.urls == ["https://journals.example.com/article/10.1000/pku.2024.117"]
    assert not any("reddit.com" in url for url in posts["t3_1d2k9xq"].urls)


def test_removed_post_by_deleted_account_is_kept_with_title_only():
    post = posts_by_id(read_items(pushshift, SUBMISSIONS))["t3_1d35zzz"]
    assert post.text == "Anyone else struggling with formula taste?"
    assert post.author_handle == "[deleted]"
    assert post.author_native_id is None
    assert post.likes == 0  # score -3 clipped
    # created_utc given as a string of epoch seconds
    assert post.created_at == datetime(2024, 5, 29, 19, 13, 20, tzinfo=UTC)


def test_comment_reply_chain_lines_up_with_fullnames():
    posts = posts_by_id(read_items(pushshift, SUBMISSIONS) + read_items(pushshift, COMMENTS))
    first, answer, removed = posts["t1_l5xq0a1"], posts["t1_l5xr7b2"], posts["t1_l5xs9c3"]
    assert first.parent_native_id == "t3_1d2k9xq"
    assert answer.parent_native_id == "t1_l5xq0a1"
    assert removed.parent_native_id == "t1_l5xr7b2"
    assert {first.thread_native_id, answer.thread_native_id, removed.thread_native_id} == {"t3_1d2k9xq"}
    # every parent and thread of the comments is a post of the export
    for comment in (first, answer, removed, posts["t1_l5y0d44"]):
        assert comment.parent_native_id in posts
        assert comment.thread_native_id in posts
        assert comment.replies is None


def test_comment_text_mentions_urls_and_deleted_author():
    posts = posts_by_id(read_items(pushshift, COMMENTS))
    assert posts["t1_l5xq0a1"].mentions == [Mention(handle="PKUVoicesNetwork")]  # /u/ form
    answer = posts["t1_l5xr7b2"]
    assert answer.mentions == [Mention(handle="PKU_Mum")]
    assert answer.urls == ["https://pkuvoices.example.org/recipes"]  # trailing '.' dropped
    removed = posts["t1_l5xs9c3"]
    assert removed.text == "[removed]"
    assert removed.author_handle == "[deleted]" and removed.author_native_id is None
    assert removed.likes == 0
    assert posts["t1_l5y0d44"].text == "Interesting > the phase 3 data looked strong."


@pytest.mark.parametrize("value", [1716980400, 1716980400.0, "1716980400", "1716980400.0"])
def test_created_utc_int_float_or_string(tmp_path, value):
    line = json.loads(SUBMISSIONS.read_text().splitlines()[0])
    line["created_utc"] = value
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(line) + "\n")
    (post,) = read_items(pushshift, path)
    assert post.created_at == datetime(2024, 5, 29, 11, 0, tzinfo=UTC)


def test_mentions_ignore_profile_urls_and_too_long_names():
    text = (
        "ask u/ab_cd or /u/Some-One, not https://www.reddit.com/u/urlname nor "
        "u/abcdefghijklmnopqrstuvwxyz; again u/AB_CD"
    )
    assert pushshift.extract_mentions(text) == [Mention(handle="ab_cd"), Mention(handle="Some-One")]


def test_urls_from_markdown_links_and_bare_urls():
    text = "See [the guide](https://a.example.org/guide\\_v2) and https://b.example.com/x?y=1, or www.c.org."
    assert pushshift.extract_urls(text) == ["https://a.example.org/guide_v2", "https://b.example.com/x?y=1"]


def test_crosspost_is_a_share_of_the_original(tmp_path):
    line = json.loads(SUBMISSIONS.read_text().splitlines()[1])
    line.update({
        "id": "1d40xpo", "name": "t3_1d40xpo", "author": "PKUVoicesNetwork",
        "crosspost_parent": "t3_1d31abc",
        "crosspost_parent_list": [{"id": "1d31abc", "author": "phe_researcher"}],
        "url": "/r/PKU/comments/1d31abc/new_trial_results/",
    })
    path = tmp_path / "xpost.ndjson"
    path.write_text(json.dumps(line) + "\n")
    (post,) = read_items(pushshift, path)
    assert post.shared_native_id == "t3_1d31abc"
    assert post.shared_author_handle == "phe_researcher"
    assert post.urls == []  # the relative crosspost url is not a link


# --------------------------------------------------------------------------- pushshift: files


def test_every_line_yields_exactly_one_item():
    for path in (SUBMISSIONS, COMMENTS):
        items = read_items(pushshift, path)
        assert len(items) == non_blank_lines(path)
        assert [item.source_line for item in items] == list(range(1, len(items) + 1))
        assert all(isinstance(item, ParsedPost) for item in items)


def test_zst_dump_reads_the_same_as_plain(tmp_path):
    compressed = tmp_path / "RS_2024-05.ndjson.zst"
    compressed.write_bytes(zstandard.ZstdCompressor(level=3).compress(SUBMISSIONS.read_bytes()))
    assert pushshift.sniff(compressed)
    assert read_items(pushshift, compressed) == read_items(pushshift, SUBMISSIONS)


def test_corrupted_lines_become_bad_records(tmp_path):
    good = json.loads(COMMENTS.read_text().splitlines()[0])
    missing_id = {k: v for k, v in good.items() if k != "id"}
    bad_date = {**good, "id": "x2", "created_utc": "yesterday"}
    wrong_type = {**good, "id": "x3", "author": ["PKU_Mum"]}
    neither = {"subreddit": "PKU", "created_utc": 1716984000, "id": "x4", "author": "a"}
    lines = [
        json.dumps(good).encode(),
        json.dumps(good).encode()[:80],  # truncated
        json.dumps(missing_id).encode(),
        json.dumps(bad_date).encode(),
        json.dumps({**good, "id": "x5", "body": "caf\u00e9"}).encode().replace(b"\\u00e9", b"\xe9"),
        json.dumps(wrong_type).encode(),
        b"[1, 2, 3]",
        b"",
        json.dumps(neither).encode(),
    ]
    path = tmp_path / "broken.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read_items(pushshift, path)
    assert len(items) == 8  # the blank line is not a record
    assert isinstance(items[0], ParsedPost)
    bad = {item.source_line: item.reason for item in items if isinstance(item, BadRecord)}
    assert bad[2].startswith("malformed JSON")
    assert bad[3] == "missing id"
    assert bad[4].startswith("unparseable timestamp")
    assert bad[5] == "invalid UTF-8 encoding"
    assert bad[6] == "wrong type for author: list"
    assert bad[7] == "expected a JSON object, got list"
    assert bad[9].startswith("neither a submission")
    assert all(item.raw_excerpt for item in items if isinstance(item, BadRecord))


# --------------------------------------------------------------------------- Reddit API listings


def test_post_page_walks_nested_replies_in_order():
    items = read_items(reddit_api, POST_PAGE)
    assert [getattr(item, "native_id", None) for item in items] == [
        "t3_1d2k9xq", "t1_l5xq0a1", "t1_l5xr7b2", "t1_l5xs9c3", None,
    ]
    assert [item.source_line for item in items] == [1, 2, 3, 4, 5]
    stub = items[-1]
    assert isinstance(stub, BadRecord)
    assert stub.reason == "unexpanded 'more' stub (2 comment ids not in export)"


def test_api_objects_map_like_pushshift_objects():
    api = posts_by_id(read_items(reddit_api, POST_PAGE))
    dump = posts_by_id(read_items(pushshift, SUBMISSIONS) + read_items(pushshift, COMMENTS))
    for native_id, post in api.items():
        expected = dump[native_id]
        for field in ("text", "author_handle", "author_native_id", "created_at", "parent_native_id",
                      "thread_native_id", "mentions", "urls", "likes", "replies"):
            assert getattr(post, field) == getattr(expected, field), (native_id, field)


def test_listing_per_line_uses_line_numbers_and_quarantines_non_posts():
    items = read_items(reddit_api, LISTINGS)
    assert [(item.source_line, type(item).__name__) for item in items] == [
        (1, "ParsedPost"), (2, "ParsedPost"), (2, "BadRecord"),
    ]
    assert items[2].reason == "not a post (Reddit kind 't5')"
    assert items[1].author_handle == "[deleted]"


def test_concatenated_documents_and_listing_of_one_thing(tmp_path):
    page = POST_PAGE.read_text()
    path = tmp_path / "two_pages.json"
    path.write_text(page + page)  # two documents one after the other
    items = read_items(reddit_api, path)
    assert len(items) == 10
    assert [item.source_line for item in items] == list(range(1, 11))


def test_api_corrupted_records_and_lines(tmp_path):
    listing = json.loads(LISTINGS.read_text().splitlines()[0])
    thing = listing["data"]["children"][0]
    no_id = {"kind": "t3", "data": {k: v for k, v in thing["data"].items() if k not in ("id", "name")}}
    bad_date = {"kind": "t3", "data": {**thing["data"], "created_utc": "soon"}}
    wrong = {"kind": "t1", "data": "not an object"}
    lines = [
        json.dumps(listing).encode(),
        json.dumps(listing).encode()[:120],
        json.dumps({"kind": "Listing", "data": {"children": [no_id, bad_date, wrong]}}).encode(),
        json.dumps(listing).encode().replace(b"sepiapterin", b"sepiapt\xe9rin"),
    ]
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read_items(reddit_api, path)
    reasons = [(item.source_line, item.reason) for item in items if isinstance(item, BadRecord)]
    assert len(items) == 6
    assert reasons[0][0] == 2 and reasons[0][1].startswith("malformed JSON")
    assert reasons[1:4] == [
        (3, "missing id"),
        (3, "unparseable timestamp 'soon'"),
        (3, "t1 thing without a data object"),
    ]
    assert reasons[4] == (4, "invalid UTF-8 encoding")


def test_broken_tail_of_a_document_is_one_bad_record(tmp_path):
    text = POST_PAGE.read_text().strip()
    path = tmp_path / "truncated.json"
    path.write_text(text + "\n" + text[: len(text) // 2])
    items = read_items(reddit_api, path)
    assert len(items) == 6
    assert isinstance(items[-1], BadRecord)
    assert items[-1].source_line == 6
    assert "rest of file unread" in items[-1].reason


def test_unparseable_file_raises_naming_it(tmp_path):
    path = tmp_path / "half.json"
    path.write_text(POST_PAGE.read_text()[:500])
    with pytest.raises(ValueError, match=r"half\.json"):
        read_items(reddit_api, path)


def test_invalid_utf8_inside_a_document_quarantines_that_record_only(tmp_path):
    raw = POST_PAGE.read_bytes().replace(b"Count us in!", b"Count us \xe9n!")
    path = tmp_path / "page.json"
    path.write_bytes(raw)
    items = read_items(reddit_api, path)
    assert len(items) == 5
    assert isinstance(items[1], BadRecord) and items[1].reason == "invalid UTF-8 encoding"
    assert not any("\udc80" <= ch <= "\udcff" for ch in items[1].raw_excerpt)  # parquet-safe
    assert isinstance(items[0], ParsedPost) and isinstance(items[2], ParsedPost)


# --------------------------------------------------------------------------- sniffing


OWN = {
    pushshift: [SUBMISSIONS, COMMENTS],
    reddit_api: [POST_PAGE, LISTINGS],
}
OTHERS = [
    FIXTURES / "mastodon" / "account_statuses.json",
    FIXTURES / "bluesky" / "author_feed.json",
    FIXTURES / "bluesky" / "author_feed_pages.jsonl",
]


@pytest.mark.parametrize("module", [pushshift, reddit_api], ids=lambda m: m.FORMAT)
def test_sniff_own_format_only(module, tmp_path):
    for path in OWN[module]:
        assert module.sniff(path), path
    other_reddit = [p for m, paths in OWN.items() if m is not module for p in paths]
    tweet = tmp_path / "tweets.jsonl"
    tweet.write_text(json.dumps({"id": "1", "text": "hello", "author_id": "2",
                                 "created_at": "2024-05-29T11:00:00.000Z"}) + "\n")
    table = tmp_path / "posts.csv"
    table.write_text("id,text,created_at\n1,hello,2024-05-29\n")
    for path in [*other_reddit, *OTHERS, tweet, table]:
        assert not module.sniff(path), path


def test_reddit_files_are_not_sniffed_by_mastodon_or_bluesky():
    for path in (SUBMISSIONS, COMMENTS, POST_PAGE, LISTINGS):
        assert not mastodon.sniff(path)
        assert not bluesky.sniff(path)


def test_sniff_a_large_pretty_printed_listing(tmp_path):
    page = json.loads(POST_PAGE.read_text())
    page[1]["data"]["children"] *= 60  # well over the 64 KiB sniffing head
    path = tmp_path / "big.json"
    path.write_text(json.dumps(page, indent=2))
    assert path.stat().st_size > 65536
    assert reddit_api.sniff(path)
    assert not pushshift.sniff(path)
