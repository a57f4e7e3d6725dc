"""Tests for tests/shapes.py: synthetic communities, and writers the readers read back exactly."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.ingest import BadRecord, ParsedPost, ReadContext, UnknownFormatError, detect_format, get_reader
from helpers.text import html_to_text
from tests.shapes import (
    FORMATS,
    PLATFORMS,
    SHARING_PLATFORMS,
    ShapePost,
    file_name,
    representable,
    synthetic_posts,
    write_export,
)

#: Formats whose reader gives the account replied to (id).
PARENT_AUTHOR_FORMATS = {"twarc2", "twitter_v1", "twarc_csv", "mastodon", "bluesky"}
#: Formats whose reader gives the conversation root (the others give the parent for a reply).
THREAD_ROOT_FORMATS = {"twarc2", "twarc_csv", "pushshift", "reddit_api", "bluesky", "table"}
#: Formats whose reader gives the mentioned accounts.
MENTION_FORMATS = {
    "twarc2", "twitter_v1", "twarc_csv", "mastodon", "bluesky", "pushshift", "reddit_api", "table",
}
#: Formats whose reader gives the post's language.
LANG_FORMATS = {"twarc2", "twitter_v1", "twarc_csv", "mastodon", "bluesky", "meta_content_library", "table"}
FINNISH_LETTERS = re.compile("[äöÄÖ]")


def read_back(fmt: str, path: Path, extra: dict) -> list[ParsedPost | BadRecord]:
    platform = extra.get("platform", FORMATS[fmt])
    ctx = ReadContext(org_id="x", platform=platform, column_map=extra.get("columns", {}))
    return list(get_reader(fmt).read(path, ctx))


def plain(text: str, is_html: bool) -> str:
    return " ".join((html_to_text(text) if is_html else text).split())


@pytest.mark.parametrize("part", ["all", "every other"])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_writer_round_trip(fmt: str, part: str, tmp_path: Path) -> None:
    posts = synthetic_posts(40, platform=FORMATS[fmt])
    if part == "every other":  # replies and shares whose parent or shared post is not in the file
        posts = posts[1::2]
    path = tmp_path / "raw" / file_name(fmt)
    extra = write_export(fmt, path, posts)
    if "format" in extra:
        assert extra["format"] == fmt
        with pytest.raises(UnknownFormatError):
            detect_format(path)
    else:
        assert extra == {}
        assert detect_format(path) == fmt

    expected = representable(fmt, posts)
    items = read_back(fmt, path, extra)
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert bad == []
    assert len(items) == len(expected)
    got = {item.native_id: item for item in items if isinstance(item, ParsedPost)}
    assert len(got) == len(items)
    assert set(got) == {post.native_id for post in expected}

    for post in expected:
        item = got[post.native_id]
        assert item.platform == FORMATS[fmt]
        assert item.author_handle == post.author_handle
        assert item.author_native_id == post.author_native_id
        assert item.created_at == post.created_at
        assert item.parent_native_id == post.parent_id
        assert item.shared_native_id == post.shared_id
        assert plain(item.text, item.text_is_html) == " ".join(post.text.split())
        assert sorted(item.urls) == sorted(post.urls)
        assert sorted(t.casefold() for t in item.hashtags) == sorted(t.casefold() for t in post.hashtags)
        if item.likes is not None:
            assert item.likes == post.likes
        if post.parent_id and fmt in PARENT_AUTHOR_FORMATS:
            assert item.parent_author_native_id == post.parent_author_native_id
        if post.parent_id and fmt in THREAD_ROOT_FORMATS:
            assert item.thread_native_id == post.thread_id
        if post.shared_id and FORMATS[fmt] in SHARING_PLATFORMS:
            assert item.shared_author_native_id == post.shared_author_native_id
            assert item.shared_author_handle == post.shared_author_handle
        if fmt in MENTION_FORMATS:
            assert sorted(m.handle or "" for m in item.mentions) == sorted(h for h, _ in post.mentions)
        if fmt in LANG_FORMATS:
            assert item.lang == post.lang


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_files_hold_what_the_format_can_carry(fmt: str) -> None:
    posts = synthetic_posts(40, platform=FORMATS[fmt])
    kept = representable(fmt, posts)
    kinds = Counter("reply" if p.parent_id else "share" if p.shared_id else "top" for p in kept)
    assert kinds["top"] > 0
    if fmt in ("crowdtangle", "meta_content_library"):
        assert kinds["reply"] == 0 and len(kept) < len(posts)
    else:
        assert kinds["reply"] > 0
        assert kinds["share"] > 0 or FORMATS[fmt] not in SHARING_PLATFORMS
        assert kept == posts


def test_file_names_and_unknown_format(tmp_path: Path) -> None:
    assert file_name("mastodon") == "mastodon_statuses.json"
    assert file_name("table").endswith(".csv")
    with pytest.raises(ValueError, match="unknown format"):
        write_export("myspace", tmp_path / "x.json", [])


def test_synthetic_posts_are_deterministic() -> None:
    first = synthetic_posts(30, platform="twitter", seed=3)
    assert first == synthetic_posts(30, platform="twitter", seed=3)
    assert first != synthetic_posts(30, platform="twitter", seed=4)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_community_structure(platform: str) -> None:
    start = datetime(2023, 5, 1, tzinfo=UTC)
    posts = synthetic_posts(80, platform=platform, start=start, days=60)
    by_id = {p.native_id: p for p in posts}
    assert len(by_id) == len(posts)
    assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)
    org_posts = [p for p in posts if p.author_native_id == posts_org_id(posts)]
    top_level = [p for p in posts if p.parent_id is None and p.shared_id is None]
    assert 0.1 < sum(p in org_posts for p in top_level) / len(top_level) < 0.5
    for post in posts:
        assert post.created_at.tzinfo is not None and post.created_at.microsecond == 0
        assert start <= post.created_at
        assert len(post.text.split()) >= 6
        for tag in post.hashtags:
            assert f"#{tag}" in post.text
        for url in post.urls:
            assert url in post.text
        if post.parent_id is not None:
            parent = by_id[post.parent_id]
            assert parent.created_at < post.created_at
            assert post.parent_author_handle == parent.author_handle
            assert post.parent_author_native_id == parent.author_native_id
            assert post.author_native_id != parent.author_native_id
            assert post.thread_id == (parent.thread_id or parent.native_id)
            assert by_id[post.thread_id].parent_id is None
        else:
            assert post.thread_id is None
        if post.shared_id is not None:
            original = by_id[post.shared_id]
            assert post.text == original.text
            assert post.shared_author_native_id == original.author_native_id
    assert any(p.parent_id for p in posts)
    assert any(p.mentions for p in posts)
    assert any(p.shared_id for p in posts) == (platform in SHARING_PLATFORMS)
    if platform == "reddit":
        assert not any(p.hashtags for p in posts)
        assert all(p.native_id.startswith("t1_" if p.parent_id else "t3_") for p in posts)
    if platform == "bluesky":
        assert all(p.author_native_id.startswith("did:plc:") for p in posts)


def posts_org_id(posts: list[ShapePost]) -> str:
    """The organisation's id in the default community (its handle contains 'OrgAccount')."""
    return next(p.author_native_id for p in posts if "orgaccount" in p.author_handle.lower())


def test_threads_are_rooted_and_public_handles_look_real() -> None:
    posts = synthetic_posts(60, platform="twitter")
    handles = {p.author_handle for p in posts}
    assert "OrgAccount" in handles
    assert all(re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle) for handle in handles)
    assert all(p.author_native_id.isdigit() for p in posts)
    replies = [p for p in posts if p.parent_id]
    assert all(p.text.startswith("@" + (p.parent_author_handle or "")) for p in replies)


def test_zero_engagement() -> None:
    posts = synthetic_posts(50, platform="facebook", zero_engagement=("likes", "shares"))
    assert all(p.likes == 0 and p.shares == 0 for p in posts)
    assert any(p.replies for p in posts)
    default = synthetic_posts(50, platform="facebook")
    assert any(p.likes for p in default) and any(p.shares for p in default)
    with pytest.raises(ValueError, match="engagement"):
        synthetic_posts(5, platform="facebook", zero_engagement=("views",))


def test_without_organisation() -> None:
    posts = synthetic_posts(60, platform="twitter", org_handle=None)
    default = synthetic_posts(60, platform="twitter")
    assert any(p.author_handle == "OrgAccount" for p in default)
    assert not any(p.author_handle == "OrgAccount" or p.author_native_id == "1000" for p in posts)
    assert not any(handle == "OrgAccount" for p in posts for handle, _ in p.mentions)
    assert not any("@OrgAccount" in p.text for p in posts)


def test_organisation_account_fits_the_platform() -> None:
    mastodon = synthetic_posts(40, platform="mastodon")
    org = [p for p in mastodon if p.author_handle == "OrgAccount@health.community"]
    assert org and org[0].author_native_id == "1000"
    bluesky = synthetic_posts(40, platform="bluesky")
    org = [p for p in bluesky if p.author_handle == "orgaccount.bsky.social"]
    assert org and org[0].author_native_id.startswith("did:plc:")
    reddit = synthetic_posts(40, platform="reddit")
    assert any(p.author_handle == "OrgAccount" and p.author_native_id == "t2_rs" for p in reddit)


def test_languages() -> None:
    finnish = synthetic_posts(30, platform="twitter", language="fi")
    assert all(p.lang == "fi" for p in finnish)
    assert sum(bool(FINNISH_LETTERS.search(p.text)) for p in finnish) >= 0.8 * len(finnish)
    assert not any(re.search(r"\b(the|and|with)\b", p.text) for p in finnish)
    italian = synthetic_posts(30, platform="forum", language="it")
    assert all(p.lang == "it" for p in italian)
    assert sum(bool(re.search(r"\b(per|che|di|il|la)\b", p.text)) for p in italian) >= 0.8 * len(italian)
    english = synthetic_posts(30, platform="forum")
    assert sum(bool(re.search(r"\b(the|and|my|our)\b", p.text)) for p in english) >= 0.8 * len(english)
    swahili = synthetic_posts(10, platform="forum", language="sw")
    assert all(p.lang == "sw" for p in swahili)
    reddit = synthetic_posts(10, platform="reddit")
    assert all(p.lang is None for p in reddit)
    with pytest.raises(ValueError, match="language"):
        synthetic_posts(5, platform="twitter", language="xx")


def test_texts_show_several_themes() -> None:
    texts = " ".join(p.text.lower() for p in synthetic_posts(200, platform="forum"))
    for word in ("diagnos", "trial", "school", "thank", "caring", "treatment", "raise"):
        assert word in texts
