"""Tests of the Mastodon reader (API Status entities)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.ingest import bluesky, mastodon, pushshift, reddit_api
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STATUSES = FIXTURES / "mastodon" / "account_statuses.json"
CONTEXT = FIXTURES / "mastodon" / "status_context.json"
CTX = ReadContext(org_id="fop-au")
ORG_ID = "109312345678901234"


def read_items(path: Path) -> list[ParsedPost | BadRecord]:
    return list(mastodon.read(path, CTX))


def posts_by_id(items: list[ParsedPost | BadRecord]) -> dict[str, ParsedPost]:
    return {item.native_id: item for item in items if isinstance(item, ParsedPost)}


def statuses() -> list[dict]:
    return json.loads(STATUSES.read_text())


def write_lines(path: Path, values: list) -> Path:
    path.write_text("".join(json.dumps(value, ensure_ascii=False) + "\n" for value in values))
    return path


# --------------------------------------------------------------------------- mapping


def test_status_with_mentions_hashtags_and_link():
    post = posts_by_id(read_items(STATUSES))["112550000000000005"]
    assert post.platform == "mastodon"
    assert post.author_native_id == ORG_ID
    assert post.author_handle == "fopfriends@health.community"  # local acct completed from url
    assert post.author_display_name == "FOP Friends Australia"
    assert post.created_at == datetime(2024, 6, 2, 9, 30, tzinfo=UTC)
    assert post.text_is_html and post.text.startswith("<p>Our summary")
    assert post.lang == "en"
    assert post.mentions == [
        Mention(native_id="109400000000000001", handle="drlee@science.social"),
        Mention(native_id="109600000000000003", handle="fopnurse@health.community"),
    ]
    assert post.hashtags == ["fop", "raredisease"]
    # card url and content link are the same; mention and hashtag links are left out
    assert post.urls == ["https://fopfriends.example.org/news/palovarotene-update?utm_source=mastodon"]
    assert (post.likes, post.shares, post.replies) == (25, 13, 3)  # shares: 11 reblogs + 2 quotes
    assert post.thread_native_id == post.native_id
    assert post.parent_native_id is None and post.shared_native_id is None


def test_reply_has_parent_its_author_and_spoiler_first():
    post = posts_by_id(read_items(STATUSES))["112550000000000004"]
    assert post.parent_native_id == "112540000000000001"
    assert post.parent_author_native_id == "109500000000000002"
    assert post.parent_author_handle == "stonemanjoe@mastodon.social"  # from the mentions
    assert post.thread_native_id == "112540000000000001"
    assert post.text.startswith("<p>FOP, medication &amp; pain</p><p><span class=\"h-card\"")


def test_reblog_is_a_share_with_the_reblogged_content():
    post = posts_by_id(read_items(STATUSES))["112550000000000003"]
    assert post.author_native_id == ORG_ID
    assert post.created_at == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)  # the boost, not the original
    assert post.shared_native_id == "112540000000000001"
    assert post.shared_author_native_id == "109500000000000002"
    assert post.shared_author_handle == "stonemanjoe@mastodon.social"
    assert post.text.startswith("<p>Two years on palovarotene.")
    assert post.hashtags == ["fop", "raredisease"]
    assert post.lang == "en"  # the wrapper has none; the reblogged status's
    assert post.quoted_native_id is None


def test_quotes_full_and_shallow():
    posts = posts_by_id(read_items(STATUSES))
    full = posts["112550000000000002"]
    assert full.quoted_native_id == "112530000000000009"
    assert full.quoted_author_native_id == "109400000000000001"
    assert full.quoted_author_handle == "drlee@science.social"
    assert full.urls == []  # the RE: link to the quoted post is not a shared URL
    shallow = posts["112550000000000001"]
    assert shallow.quoted_native_id == "112520000000000007"
    assert shallow.quoted_author_native_id is None


def test_every_status_yields_one_item_numbered_by_index():
    items = read_items(STATUSES)
    assert len(items) == len(statuses())
    assert [item.source_line for item in items] == [1, 2, 3, 4, 5]
    assert all(isinstance(item, ParsedPost) for item in items)


def test_context_object_reads_ancestors_and_descendants():
    items = read_items(CONTEXT)
    assert [item.native_id for item in items] == ["112540000000000001", "112550000000000004"]
    assert items[0].author_handle == "stonemanjoe@mastodon.social"


def test_json_lines_read_like_the_array(tmp_path):
    path = write_lines(tmp_path / "statuses.jsonl", statuses())
    from_lines = read_items(path)
    from_array = read_items(STATUSES)
    assert [item.source_line for item in from_lines] == [1, 2, 3, 4, 5]
    for a, b in zip(from_lines, from_array, strict=True):
        a.source_line = b.source_line
        assert a == b


def test_pages_one_per_line_and_concatenated_arrays(tmp_path):
    pages = [statuses()[:2], statuses()[2:]]
    by_line = read_items(write_lines(tmp_path / "pages.jsonl", pages))
    assert [item.source_line for item in by_line] == [1, 1, 2, 2, 2]
    concatenated = tmp_path / "pages.json"
    concatenated.write_text("".join(json.dumps(page, indent=1) for page in pages))
    assert [item.source_line for item in read_items(concatenated)] == [1, 2, 3, 4, 5]
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps(pages))
    assert len(read_items(nested)) == 5


def test_empty_wrapper_is_an_empty_page(tmp_path):
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"accounts": [], "statuses": [], "hashtags": []}))
    assert read_items(path) == []


def test_corrupted_lines_become_bad_records(tmp_path):
    good = statuses()[0]
    no_id = {k: v for k, v in good.items() if k != "id"}
    lines = [
        json.dumps(good).encode(),
        json.dumps(good).encode()[:150],  # truncated
        json.dumps(no_id).encode(),
        json.dumps({**good, "id": "2", "created_at": "2024-13-45T99:00:00Z"}).encode(),
        json.dumps({**good, "id": "3", "content": "<p>caf\u00e9</p>"}).encode().replace(b"\\u00e9", b"\xe9"),
        json.dumps({**good, "id": "4", "account": "fopfriends"}).encode(),
        json.dumps({**good, "id": "5", "reblog": "112540000000000001"}).encode(),
        json.dumps({k: v for k, v in good.items() if k != "content"} | {"id": "6"}).encode(),
        b'"just a string"',
    ]
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read_items(path)
    assert len(items) == len(lines)
    assert [item.source_line for item in items] == list(range(1, len(lines) + 1))
    assert isinstance(items[0], ParsedPost)
    reasons = [item.reason for item in items[1:]]
    assert reasons[0].startswith("malformed JSON")
    assert reasons[1] == "missing id"
    assert reasons[2].startswith("unparseable timestamp")
    assert reasons[3] == "invalid UTF-8 encoding"
    assert reasons[4] == "wrong type for account: str"
    assert reasons[5] == "wrong type for reblog: str"
    assert reasons[6] == "missing content"
    assert reasons[7] == "expected a JSON object, got str"
    assert all(isinstance(item, BadRecord) and item.raw_excerpt for item in items[1:])


def test_json_lines_with_broken_first_lines_are_still_read_by_line(tmp_path):
    lines = [json.dumps({**statuses()[0], "id": str(i)}) for i in range(8)]
    lines[:6] = [line[:60] for line in lines[:6]]  # the first six lines are truncated
    path = tmp_path / "statuses.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = read_items(path)
    assert [type(item).__name__ for item in items] == ["BadRecord"] * 6 + ["ParsedPost"] * 2
    assert [item.source_line for item in items] == list(range(1, 9))


def test_bad_bytes_in_an_array_quarantine_one_status(tmp_path):
    raw = STATUSES.read_bytes().replace(b"Sharing again", b"Sh\xe9ring again")
    path = tmp_path / "statuses.json"
    path.write_bytes(raw)
    items = read_items(path)
    assert [type(item).__name__ for item in items] == ["ParsedPost"] * 4 + ["BadRecord"]
    assert items[-1].reason == "invalid UTF-8 encoding" and items[-1].source_line == 5


def test_not_json_raises_naming_the_file(tmp_path):
    path = tmp_path / "statuses.json"
    path.write_text("<html>429 Too Many Requests</html>")
    with pytest.raises(ValueError, match=r"statuses\.json"):
        read_items(path)


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("acct", "url", "expected"),
    [
        ("fopnurse", "https://health.community/@fopnurse", "fopnurse@health.community"),
        ("drlee@science.social", "https://science.social/@drlee", "drlee@science.social"),
        ("@Ana@Rare.Social", None, "Ana@Rare.Social"),
        ("loneuser", None, "loneuser"),
    ],
)
def test_full_acct(acct, url, expected):
    assert mastodon.full_acct(acct, url) == expected


def test_content_links_skip_mentions_hashtags_and_quote_fallback():
    html = (
        '<p><span class="h-card"><a href="https://m.social/@a" class="u-url mention">@<span>a</span></a>'
        '</span> <a href="https://m.social/tags/fop" class="mention hashtag" rel="tag">#fop</a> '
        '<a href="https://x.org/tag" rel="tag">#x</a> <a href="https://news.example/a?b=1&amp;c=2">news</a>'
        '<br/><a href="mailto:a@b.c">mail</a></p>'
        '<p class="quote-inline">RE: <a href="https://m.social/@b/1">https://m.social/@b/1</a></p>'
        '<p><a href="https://after.example/">after</a></p>'
    )
    assert mastodon.content_links(html) == ["https://news.example/a?b=1&c=2", "https://after.example/"]


# --------------------------------------------------------------------------- sniffing


def test_sniff_own_format_only(tmp_path):
    assert mastodon.sniff(STATUSES)
    assert mastodon.sniff(CONTEXT)
    assert mastodon.sniff(write_lines(tmp_path / "s.jsonl", statuses()))
    others = [
        FIXTURES / "reddit" / "pku_submissions.ndjson",
        FIXTURES / "reddit" / "post_page.json",
        FIXTURES / "bluesky" / "author_feed.json",
        FIXTURES / "bluesky" / "get_posts.json",
    ]
    tweet = write_lines(tmp_path / "tweet.jsonl", [{"id": "1", "text": "hi", "user": {"screen_name": "a"},
                                                    "created_at": "Wed Oct 10 20:19:24 +0000 2018"}])
    for path in [*others, tweet]:
        assert not mastodon.sniff(path), path
    for module in (pushshift, reddit_api, bluesky):
        assert not module.sniff(STATUSES)
        assert not module.sniff(CONTEXT)


def test_sniff_a_large_array(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(statuses() * 40, indent=2))
    assert path.stat().st_size > 65536
    assert mastodon.sniff(path)
    assert not bluesky.sniff(path)
