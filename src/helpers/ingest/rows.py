"""One record of an input file as a staged row: a reader's post pseudonymised and scrubbed
(:func:`normalise_post`), a bad record as a row of the quarantine, and the staged rows' schema.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pyarrow as pa

from helpers.handles import KnownAccounts
from helpers.ingest.actor_hints import ActorHints
from helpers.ingest.identities import account_aliases, text_key, text_mention_aliases
from helpers.ingest.plan import InputPlan
from helpers.ingest.record_types import ParsedPost
from helpers.privacy import Pseudonymiser, Scrubber, mask_excerpt, mask_reason, normalise_handle, url_domain
from helpers.text import clean_text, extract_hashtags, normalise_hashtags, normalise_lang

_STAGE_EXTRA = ["parent_author", "quoted_author", "shared_author", "text_key", "actor_hint"]


def _stage_arrow_schema() -> pa.Schema:
    text = pa.string()
    fields = [
        ("post_id", text), ("platform", text), ("org_id", text), ("author_id", text),
        ("author_role", text), ("created_at", pa.timestamp("us", tz="UTC")), ("text", text),
        ("lang", text), ("parent_id", text), ("thread_id", text), ("quoted_id", text),
        ("shared_id", text), ("mentions", pa.list_(text)), ("hashtags", pa.list_(text)),
        ("urls", pa.list_(text)), ("likes", pa.int64()), ("shares", pa.int64()),
        ("replies", pa.int64()), ("source_file", text), ("source_line", pa.int64()),
    ] + [(name, text) for name in _STAGE_EXTRA] + [("aliases", pa.list_(text))]
    return pa.schema(fields)


def normalise_post(
    post: ParsedPost, plan: InputPlan, pseudonymiser: Pseudonymiser, scrubber: Scrubber,
    known: KnownAccounts | None = None, actor_hints: ActorHints | None = None,
) -> dict[str, Any]:
    """Turn a reader's post into a pseudonymised, scrubbed row of the posts table.

    With ``known``, the handles and display names of the private accounts the
    post names are learnt (in memory) for the study-wide scrubbing of names.
    With ``actor_hints``, the row carries what the study's lists or the profile
    rules say about the author's actor type (the profile text itself is dropped).

    Parameters
    ----------
    post : ParsedPost
    plan : InputPlan
        The file it came from.
    pseudonymiser, scrubber
        The study's privacy rules.

    Returns
    -------
    dict
        A posts-table row plus staging columns (authors of the parent,
        quoted and shared posts; a key for repeated-text duplicates).
    """
    platform = post.platform
    if post.author_native_id is None and post.author_handle is None:
        raise ValueError("post has neither author id nor handle")
    p = pseudonymiser
    p.remember_org(platform, post.author_native_id, post.author_handle, post.author_display_name)
    author_id = p.author_id(platform, post.author_native_id, post.author_handle)
    role = "org" if p.org_of(platform, post.author_native_id, post.author_handle) else "public"
    known_ids = _mention_index(post)
    named_in_text: list[str] = []  # handles written in the text with no id in the post's entities

    def resolve(handle: str) -> str:
        native = known_ids.get(normalise_handle(platform, handle))
        org_handle = p.org_handle(platform, native, handle)
        if org_handle is not None:
            return "@" + org_handle
        if native is None:
            named_in_text.append(handle)
        return "@" + p.author_id(platform, native, handle)

    def resolve_reddit(handle: str) -> str:
        org_handle = p.org_handle("reddit", None, handle)
        return "@" + (org_handle if org_handle is not None else p.author_id("reddit", None, handle))

    text = scrubber.scrub(clean_text(post.text, post.text_is_html), platform, resolve, resolve_reddit)
    mentions = []
    for mention in post.mentions:
        if mention.native_id is None and mention.handle is None:
            continue
        target = p.author_id(platform, mention.native_id, mention.handle)
        if target != author_id and target not in mentions:
            mentions.append(target)
    urls = _url_column(post.urls, scrubber.keep_url_paths)
    return {
        "post_id": p.post_id(platform, post.native_id),
        "platform": platform,
        "org_id": plan.org_id,
        "author_id": author_id,
        "author_role": role,
        "created_at": post.created_at.astimezone(UTC),
        "text": text,
        "lang": normalise_lang(post.lang),
        "parent_id": _post_ref(p, platform, post.parent_native_id),
        "thread_id": p.post_id(platform, post.thread_native_id or post.native_id),
        "quoted_id": _post_ref(p, platform, post.quoted_native_id),
        "shared_id": _post_ref(p, platform, post.shared_native_id),
        "mentions": mentions,
        "hashtags": normalise_hashtags(post.hashtags) if post.hashtags else extract_hashtags(text),
        "urls": urls,
        "likes": post.likes,
        "shares": post.shares,
        "replies": post.replies,
        "source_file": plan.source_file,
        "source_line": post.source_line,
        "parent_author": _author_ref(p, platform, post.parent_author_native_id, post.parent_author_handle),
        "quoted_author": _author_ref(p, platform, post.quoted_author_native_id, post.quoted_author_handle),
        "shared_author": _author_ref(p, platform, post.shared_author_native_id, post.shared_author_handle),
        "text_key": text_key(author_id, text),
        "actor_hint": actor_hints.hint(post) if actor_hints is not None else None,
        "aliases": account_aliases(p, post, known) + text_mention_aliases(p, platform, named_in_text),
    }


def _mention_index(post: ParsedPost) -> dict[str, str]:
    """``normalised handle -> native id`` for the accounts a post's entities name."""
    index: dict[str, str] = {}
    for mention in post.mentions:
        if mention.handle and mention.native_id:
            handle = normalise_handle(post.platform, mention.handle)
            index[handle] = mention.native_id
            index.setdefault(handle.split("@", 1)[0], mention.native_id)  # Mastodon shows @user
    return index


def _post_ref(p: Pseudonymiser, platform: str, native_id: str | None) -> str | None:
    return p.post_id(platform, native_id) if native_id else None


def _author_ref(p: Pseudonymiser, platform: str, native_id: str | None, handle: str | None) -> str | None:
    if native_id is None and handle is None:
        return None
    return p.author_id(platform, native_id, handle)


def _url_column(urls: list[str], keep_paths: bool) -> list[str]:
    result: list[str] = []
    for url in urls:
        value = url.strip() if keep_paths else url_domain(url)
        if value and value not in result:
            result.append(value)
    return result


def _quarantine_row(plan: InputPlan, line: int, reason: str, raw: str) -> dict[str, Any]:
    return {
        "source_file": plan.source_file,
        "source_line": line,
        "org_id": plan.org_id,
        "format": plan.format,
        "reason": mask_reason(reason),
        "raw_excerpt": mask_excerpt(raw),
    }
