"""Tests of the Bluesky reader (getAuthorFeed / getTimeline pages, post views, records)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.ingest import bluesky, mastodon, pushshift, reddit_api
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FEED = FIXTURES / "bluesky" / "author_feed.json"
PAGES = FIXTURES / "bluesky" / "author_feed_pages.jsonl"
GET_POSTS = FIXTURES / "bluesky" / "get_posts.json"
CTX = ReadContext(org_id="pku-us")

ORG = "did:plc:pkuv0ices4x7k2mz3q6w5tn1"
ANA = "did:plc:an4m4rt1n3zq7w2k5x8c0v6b"
CLINIC = "did:plc:cl1n1cmetab0l1c9r4s5t6u7"
RES = "did:plc:r3s34rch3r0b2c4d6f8h0j2l"
RES_POST = f"at://{RES}/app.bsky.feed.post/3kta2b5ncfo2x"
CLINIC_POST = f"at://{CLINIC}/app.bsky.feed.post/3ktb7wq2mfs2k"
ANA_POST = f"at://{ANA}/app.bsky.feed.post/3ktbc4vxhzr2f"


def read_items(path: Path) -> list[ParsedPost | BadRecord]:
    return list(bluesky.read(path, CTX))


def feed_items() -> list[dict]:
    return json.loads(FEED.read_text())["feed"]


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False))
    return path


# --------------------------------------------------------------------------- mapping


def test_post_with_mention_link_and_tag_facets():
    post = read_items(FEED)[0]
    assert post.platform == "bluesky"
    assert post.native_id == f"at://{ORG}/app.bsky.feed.post/3ktbk2lq7wz2a"
    assert post.author_native_id == ORG
    assert post.author_handle == "pkuvoices.bsky.social"
    assert post.author_display_name == "PKU Voices Network"
    assert post.created_at == datetime(2024, 6, 2, 9, 30, tzinfo=UTC)
    assert post.text.startswith("Café-style low-phe baking day ☕ with @metabolic-clinic.org!")
    # byte offsets of the facet come after multi-byte characters
    assert post.mentions == [Mention(native_id=CLINIC, handle="metabolic-clinic.org")]
    assert post.hashtags == ["PKU", "RareDisease", "lowphe"]  # facets, then the record's tags
    # the full link, not the shortened text shown
    assert post.urls == ["https://pkuvoices.example.org/recipes/baking-day"]
    assert post.lang == "en"
    assert (post.likes, post.shares, post.replies) == (31, 6, 2)  # shares: 5 reposts + 1 quote
    assert post.thread_native_id == post.native_id
    assert post.parent_native_id is None and post.shared_native_id is None


def test_reply_takes_parent_author_from_the_feed_item():
    post = read_items(FEED)[1]
    assert post.parent_native_id == ANA_POST
    assert post.thread_native_id == ANA_POST
    assert post.parent_author_native_id == ANA
    assert post.parent_author_handle == "ana-pku-mum.bsky.social"
    assert post.mentions == [Mention(native_id=ANA, handle="ana-pku-mum.bsky.social")]


def test_reply_without_feed_context_gets_parent_did_from_uri(tmp_path):
    view = feed_items()[1]["post"]
    post = read_items(write_json(tmp_path / "posts.json", [view]))[0]
    assert post.parent_author_native_id == ANA
    assert post.parent_author_handle is None


def test_repost_is_a_share_record_by_the_reposter():
    post = read_items(FEED)[2]
    assert post.native_id == f"repost:{ORG}:{CLINIC_POST}"
    assert post.author_native_id == ORG and post.author_handle == "pkuvoices.bsky.social"
    assert post.created_at == datetime(2024, 6, 1, 6, 45, 12, 345000, tzinfo=UTC)
    assert post.shared_native_id == CLINIC_POST
    assert post.shared_author_native_id == CLINIC
    assert post.shared_author_handle == "metabolic-clinic.org"
    assert post.text == "Our updated PKU diet guide for teenagers is out."
    assert post.urls == ["https://metabolic-clinic.org/guides/pku-teens.pdf"]  # external embed
    assert (post.likes, post.shares, post.replies) == (None, None, None)


def test_quotes_with_and_without_media():
    items = read_items(PAGES)
    with_media, plain = items[3], items[4]
    for post in (with_media, plain):
        assert post.quoted_native_id == RES_POST
        assert post.quoted_author_native_id == RES
        assert post.quoted_author_handle == "phe-lab.bsky.social"
    assert plain.lang == "it"


def test_embedded_feed_generator_is_not_a_quote(tmp_path):
    item = copy.deepcopy(feed_items()[0])
    item["post"]["record"]["embed"] = {
        "$type": "app.bsky.embed.record",
        "record": {"uri": f"at://{ORG}/app.bsky.feed.generator/pku-news", "cid": "bafyreigen"},
    }
    post = read_items(write_json(tmp_path / "feed.json", {"feed": [item]}))[0]
    assert post.quoted_native_id is None


def test_pinned_post_is_read_as_the_post(tmp_path):
    item = copy.deepcopy(feed_items()[0])
    item["reason"] = {"$type": "app.bsky.feed.defs#reasonPin"}
    post = read_items(write_json(tmp_path / "feed.json", {"feed": [item]}))[0]
    assert post.native_id == f"at://{ORG}/app.bsky.feed.post/3ktbk2lq7wz2a"
    assert post.shared_native_id is None


def test_repository_record_without_author_view(tmp_path):
    view = feed_items()[0]["post"]
    record = {"uri": view["uri"], "cid": view["cid"], "value": view["record"]}
    post = read_items(write_json(tmp_path / "records.json", {"records": [record], "cursor": "x"}))[0]
    assert post.author_native_id == ORG
    assert post.author_handle is None
    assert post.text == view["record"]["text"]
    assert post.likes is None


# --------------------------------------------------------------------------- files and layouts


def test_every_feed_item_yields_one_item():
    items = read_items(FEED)
    assert len(items) == len(feed_items())
    assert [item.source_line for item in items] == [1, 2, 3]
    assert all(isinstance(item, ParsedPost) for item in items)


def test_pages_per_line_share_their_line_number():
    items = read_items(PAGES)
    assert [item.source_line for item in items] == [1, 1, 1, 2, 2]
    assert items[:3] == [_with_line(item, 1) for item in read_items(FEED)]


def _with_line(post: ParsedPost, line: int) -> ParsedPost:
    post.source_line = line
    return post


def test_array_of_pages_and_get_posts(tmp_path):
    pages = [json.loads(line) for line in PAGES.read_text().splitlines()]
    items = read_items(write_json(tmp_path / "pages.json", pages))
    assert [item.source_line for item in items] == [1, 2, 3, 4, 5]
    posts = read_items(GET_POSTS)
    assert [post.native_id for post in posts] == [ANA_POST, CLINIC_POST, RES_POST]
    assert posts[1].shares == 14


def test_empty_page_has_no_records(tmp_path):
    assert read_items(write_json(tmp_path / "feed.json", {"feed": [], "cursor": None})) == []


def test_corrupted_lines_become_bad_records(tmp_path):
    good = feed_items()[0]
    no_uri = copy.deepcopy(good)
    del no_uri["post"]["uri"]
    bad_date = copy.deepcopy(good)
    bad_date["post"]["record"]["createdAt"] = "last tuesday"
    wrong_type = copy.deepcopy(good)
    wrong_type["post"]["record"] = "a string"
    like = copy.deepcopy(good)
    like["post"]["record"] = {"$type": "app.bsky.feed.like", "createdAt": "2024-06-02T09:30:00Z"}
    bad_repost = copy.deepcopy(good)
    bad_repost["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": {"handle": "x"},
                            "indexedAt": "2024-06-01T00:00:00Z"}
    lines = [
        json.dumps(good).encode(),
        json.dumps(good).encode()[:100],
        json.dumps(no_uri).encode(),
        json.dumps(bad_date).encode(),
        json.dumps(good, ensure_ascii=False).encode().replace("Café".encode(), b"Caf\xe9"),
        json.dumps(wrong_type).encode(),
        json.dumps(like).encode(),
        json.dumps(bad_repost).encode(),
        json.dumps({"cursor": "abc"}).encode(),
    ]
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read_items(path)
    assert len(items) == len(lines)
    assert isinstance(items[0], ParsedPost)
    reasons = {item.source_line: item.reason for item in items if isinstance(item, BadRecord)}
    assert reasons[2].startswith("malformed JSON")
    assert reasons[3] == "missing uri"
    assert reasons[4] == "unparseable timestamp 'last tuesday'"
    assert reasons[5] == "invalid UTF-8 encoding"
    assert reasons[6] == "missing post record"
    assert reasons[7] == "not a post record ('app.bsky.feed.like')"
    assert reasons[8] == "missing reason.by.did"
    assert reasons[9] == "not a Bluesky feed item or post (no 'post' or 'uri')"


def test_not_json_raises_naming_the_file(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"feed": [')
    with pytest.raises(ValueError, match=r"feed\.json"):
        read_items(path)


def test_did_of():
    assert bluesky.did_of(RES_POST) == RES
    assert bluesky.did_of("at://phe-lab.bsky.social/app.bsky.feed.post/3k") is None
    assert bluesky.did_of("https://bsky.app/profile/x") is None


# --------------------------------------------------------------------------- sniffing


def test_sniff_own_format_only(tmp_path):
    for path in (FEED, PAGES, GET_POSTS):
        assert bluesky.sniff(path), path
    assert bluesky.sniff(write_json(tmp_path / "views.json", [item["post"] for item in feed_items()]))
    others = [
        FIXTURES / "reddit" / "pku_submissions.ndjson",
        FIXTURES / "reddit" / "post_page.json",
        FIXTURES / "mastodon" / "account_statuses.json",
        FIXTURES / "mastodon" / "status_context.json",
    ]
    tweet = tmp_path / "tweet.jsonl"
    tweet.write_text(json.dumps({"data": [{"id": "1", "text": "hi", "author_id": "2"}]}) + "\n")
    for path in [*others, tweet]:
        assert not bluesky.sniff(path), path
    for module in (pushshift, reddit_api, mastodon):
        for path in (FEED, PAGES, GET_POSTS):
            assert not module.sniff(path), (module.FORMAT, path)


def test_sniff_a_large_pretty_printed_page(tmp_path):
    page = {"feed": feed_items() * 40, "cursor": "c"}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(page, indent=2, ensure_ascii=False))
    assert path.stat().st_size > 65536
    assert bluesky.sniff(path)
    assert not mastodon.sniff(path)
