"""Reader for Bluesky (AT Protocol) feeds and posts.

Reads the output of ``app.bsky.feed.getAuthorFeed`` and ``getTimeline``: pages
``{"feed": [feedViewPost, ...], "cursor": ...}``, as one page, a JSON array
of pages, or one page per line.  Also read: ``getPosts`` pages
(``{"posts": [postView]}``), arrays or lines of bare ``postView`` objects,
and repository records (``{"uri", "cid", "value": app.bsky.feed.post}`` as
``com.atproto.repo.listRecords`` returns them).  Each feed item or post is
one record; ``source_line`` is the line number for JSON lines, otherwise the
1-based index of the record in the file.

Lexicons: ``app.bsky.feed.defs`` (feedViewPost, postView, replyRef,
reasonRepost), ``app.bsky.feed.post``, ``app.bsky.richtext.facet`` and the
``app.bsky.embed.*`` types.

Mapping choices
---------------
- ``native_id``: the post's ``at://`` URI; author: ``author.did`` as native id
  and ``author.handle`` as handle (the DID is taken from the URI when a
  repository record has no author view).
- ``created_at``: the record's ``createdAt`` (``indexedAt`` when missing).
- Reposts: a feed item with ``reason`` ``app.bsky.feed.defs#reasonRepost`` is
  a share by ``reason.by`` of ``post``: native id
  ``repost:<by.did>:<post uri>``, created at ``reason.indexedAt``, with the
  post's text, language, mentions, hashtags and links; ``shared_*`` point at
  the post and its author.  A repost has no counts of its own (None).  A
  pinned post (``reasonPin``) is read as the post itself.
- Replies: ``record.reply.parent`` and ``.root`` give parent and thread
  (thread = own URI for a top-level post).  The parent's author comes from
  the feed item's ``reply.parent`` view when present, else its DID from the
  parent URI.
- Quotes: a record embed ``app.bsky.embed.record`` (or the record part of
  ``recordWithMedia``) that points at a post; its author's handle comes from
  the post's embed view.
- Facets: ``#mention`` gives the mentioned DID (and the handle, from the
  ``@handle`` the facet covers in the text); ``#tag`` and the record's
  ``tags`` give hashtags; ``#link`` and an ``app.bsky.embed.external`` card
  give URLs.
- ``lang``: the first of ``langs``.  Counts: ``likeCount`` -> likes,
  ``repostCount + quoteCount`` -> shares, ``replyCount`` -> replies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.ingest.records import (
    BadRecord,
    Mention,
    ParsedPost,
    ReadContext,
    RecordError,
    as_count,
    convert_records,
    iter_json_records,
    nested_str,
    optional_str,
    parse_timestamp,
    read_head,
    require_str,
    sniff_json,
)

FORMAT = "bluesky"
PLATFORM = "bluesky"

POST_TYPE = "app.bsky.feed.post"
REPOST_REASON = "app.bsky.feed.defs#reasonRepost"
FACET_MENTION = "app.bsky.richtext.facet#mention"
FACET_LINK = "app.bsky.richtext.facet#link"
FACET_TAG = "app.bsky.richtext.facet#tag"
EMBED_RECORD = "app.bsky.embed.record"
EMBED_RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
EMBED_EXTERNAL = "app.bsky.embed.external"
PAGE_KEYS = ("feed", "posts", "records")

_AT_URI_HEAD = re.compile(r'"uri"\s*:\s*"at://')
_CONTAINER_HEAD = re.compile(r'"(feed|posts|author|value)"\s*:')


def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]:
    """Read Bluesky feed pages or posts from a JSON or JSON-lines file.

    Parameters
    ----------
    path : Path
        The saved API response(s).
    ctx : ReadContext
        Unused.

    Yields
    ------
    ParsedPost or BadRecord
        One item per feed item or post.

    Raises
    ------
    ValueError
        When the file is not JSON at all.
    """
    yield from convert_records(iter_json_records(path, iter_items), item_to_post)


def sniff(path: Path) -> bool:
    """True when the file holds Bluesky feed items or post views with ``at://`` URIs."""
    value = sniff_json(path)
    if value is None:
        head = read_head(path)
        return bool(_AT_URI_HEAD.search(head) and _CONTAINER_HEAD.search(head))
    first = next(iter_items(value), None)
    if not isinstance(first, dict):
        return False
    view = first.get("post") if isinstance(first.get("post"), dict) else first
    uri = view.get("uri")
    return (
        isinstance(uri, str)
        and uri.startswith("at://")
        and (isinstance(view.get("record"), dict) or isinstance(view.get("value"), dict))
    )


def iter_items(value: Any) -> Iterator[Any]:
    """Yield the feed items or posts of a page, an array of pages, or a single item."""
    if isinstance(value, list):
        for item in value:
            yield from iter_items(item)
        return
    if isinstance(value, dict):
        for key in PAGE_KEYS:
            if isinstance(value.get(key), list):
                yield from value[key]
                return
    yield value


# --------------------------------------------------------------------------- mapping


def item_to_post(item: Any, source_line: int) -> ParsedPost:
    """Map one feedViewPost, postView or repository record to a :class:`ParsedPost`.

    Raises
    ------
    RecordError
        When a required field is missing or malformed.
    """
    if not isinstance(item, dict):
        raise RecordError(f"expected a JSON object, got {type(item).__name__}")
    if "post" in item:
        view = item["post"]
        if not isinstance(view, dict):
            raise RecordError(f"wrong type for post: {type(view).__name__}")
        post = view_to_post(view, source_line, item.get("reply"))
        reason = item.get("reason")
        if _is_repost(reason):
            return _repost(post, reason)
        return post
    if "uri" in item:
        return view_to_post(item, source_line)
    raise RecordError("not a Bluesky feed item or post (no 'post' or 'uri')")


def view_to_post(view: dict[str, Any], source_line: int, reply_ref: Any = None) -> ParsedPost:
    """Map a postView (or a repository record) to a :class:`ParsedPost`."""
    uri = require_str(view, "uri")
    if not uri.startswith("at://"):
        raise RecordError(f"uri is not an at:// URI: {uri[:60]!r}")
    record = view.get("record", view.get("value"))
    if not isinstance(record, dict):
        raise RecordError("missing post record")
    record_type = record.get("$type")
    if record_type not in (None, POST_TYPE):
        raise RecordError(f"not a post record ({record_type!r})")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("missing record.text" if text is None else "wrong type for record.text")
    author_did, handle, display_name = _author(view, uri)
    created_at = parse_timestamp(record.get("createdAt") or view.get("indexedAt"))
    parent_uri, root_uri = _reply_uris(record.get("reply"))
    parent_did, parent_handle = _parent_author(parent_uri, reply_ref)
    quoted_uri = _quoted_uri(record.get("embed"))
    quoted_handle = _quoted_handle(quoted_uri, view.get("embed"))
    mentions, tags, links = _facets(record.get("facets"), text)
    return ParsedPost(
        platform=PLATFORM,
        native_id=uri,
        created_at=created_at,
        text=text,
        source_line=source_line,
        author_native_id=author_did,
        author_handle=handle,
        author_display_name=display_name,
        author_profile=nested_str(view, "author", "description"),
        lang=_lang(record.get("langs")),
        parent_native_id=parent_uri,
        parent_author_native_id=parent_did,
        parent_author_handle=parent_handle,
        thread_native_id=root_uri or parent_uri or uri,
        quoted_native_id=quoted_uri,
        quoted_author_native_id=did_of(quoted_uri),
        quoted_author_handle=quoted_handle,
        mentions=mentions,
        hashtags=_unique(tags + _record_tags(record.get("tags"))),
        urls=_unique(links + _external_links(record.get("embed"))),
        likes=as_count(view.get("likeCount")),
        shares=_shares(view),
        replies=as_count(view.get("replyCount")),
    )


def _is_repost(reason: Any) -> bool:
    if not isinstance(reason, dict):
        return False
    kind = reason.get("$type")
    return kind == REPOST_REASON or (kind is None and "by" in reason)


def _repost(post: ParsedPost, reason: dict[str, Any]) -> ParsedPost:
    """The share record of a repost: by ``reason.by``, of ``post``."""
    by = reason.get("by")
    if not isinstance(by, dict):
        raise RecordError("repost without reason.by")
    by_did = require_str(by, "did", "reason.by.did")
    return ParsedPost(
        platform=PLATFORM,
        native_id=f"repost:{by_did}:{post.native_id}",
        created_at=parse_timestamp(reason.get("indexedAt")),
        text=post.text,
        source_line=post.source_line,
        author_native_id=by_did,
        author_handle=optional_str(by.get("handle")),
        author_display_name=optional_str(by.get("displayName")),
        lang=post.lang,
        shared_native_id=post.native_id,
        shared_author_native_id=post.author_native_id,
        shared_author_handle=post.author_handle,
        mentions=post.mentions,
        hashtags=post.hashtags,
        urls=post.urls,
    )


def did_of(uri: str | None) -> str | None:
    """Return the DID an ``at://`` URI belongs to (None when it names a handle instead).

    Examples
    --------
    >>> did_of("at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l6oveex3ii2l")
    'did:plc:z72i7hdynmk6r22z27h6tvur'
    """
    if not uri or not uri.startswith("at://"):
        return None
    authority = uri[len("at://"):].split("/", 1)[0]
    return authority if authority.startswith("did:") else None


def _collection_of(uri: str) -> str | None:
    parts = uri[len("at://"):].split("/")
    return parts[1] if len(parts) > 1 else None


def _author(view: dict[str, Any], uri: str) -> tuple[str | None, str | None, str | None]:
    author = view.get("author")
    if author is None:
        did = did_of(uri)
        if did is None:
            raise RecordError("missing author")
        return did, None, None
    if not isinstance(author, dict):
        raise RecordError(f"wrong type for author: {type(author).__name__}")
    did = require_str(author, "did", "author.did")
    return did, optional_str(author.get("handle")), optional_str(author.get("displayName"))


def _reply_uris(reply: Any) -> tuple[str | None, str | None]:
    if not isinstance(reply, dict):
        return None, None
    parent, root = reply.get("parent"), reply.get("root")
    parent_uri = optional_str(parent.get("uri")) if isinstance(parent, dict) else None
    root_uri = optional_str(root.get("uri")) if isinstance(root, dict) else None
    return parent_uri, root_uri


def _parent_author(parent_uri: str | None, reply_ref: Any) -> tuple[str | None, str | None]:
    if parent_uri is None:
        return None, None
    parent = reply_ref.get("parent") if isinstance(reply_ref, dict) else None
    if isinstance(parent, dict) and parent.get("uri") == parent_uri:
        author = parent.get("author")
        if isinstance(author, dict) and optional_str(author.get("did")):
            return str(author["did"]), optional_str(author.get("handle"))
    return did_of(parent_uri), None


def _quoted_uri(embed: Any) -> str | None:
    """The post a record embed quotes (``app.bsky.embed.record`` or ``recordWithMedia``)."""
    if not isinstance(embed, dict):
        return None
    strong_ref = embed.get("record")
    if embed.get("$type") == EMBED_RECORD_WITH_MEDIA and isinstance(strong_ref, dict):
        strong_ref = strong_ref.get("record")
    elif embed.get("$type") != EMBED_RECORD:
        return None
    uri = optional_str(strong_ref.get("uri")) if isinstance(strong_ref, dict) else None
    if uri is None or not uri.startswith("at://") or _collection_of(uri) != POST_TYPE:
        return None  # a feed generator, list or starter pack is not a quoted post
    return uri


def _quoted_handle(quoted_uri: str | None, embed_view: Any) -> str | None:
    """The quoted post's author handle, from the postView's embed view."""
    if quoted_uri is None or not isinstance(embed_view, dict):
        return None
    record = embed_view.get("record")
    if isinstance(record, dict) and isinstance(record.get("record"), dict):
        record = record["record"]  # recordWithMedia#view nests one level deeper
    if not isinstance(record, dict) or record.get("uri") != quoted_uri:
        return None
    author = record.get("author")
    return optional_str(author.get("handle")) if isinstance(author, dict) else None


def _external_links(embed: Any) -> list[str]:
    if not isinstance(embed, dict):
        return []
    if embed.get("$type") == EMBED_RECORD_WITH_MEDIA:
        embed = embed.get("media")
    if not isinstance(embed, dict) or embed.get("$type") != EMBED_EXTERNAL:
        return []
    external = embed.get("external")
    uri = optional_str(external.get("uri")) if isinstance(external, dict) else None
    return [uri] if uri else []


def _facets(facets: Any, text: str) -> tuple[list[Mention], list[str], list[str]]:
    """Mentions, hashtags and links of a post's rich-text facets."""
    mentions: list[Mention] = []
    tags: list[str] = []
    links: list[str] = []
    if not isinstance(facets, list):
        return mentions, tags, links
    encoded = text.encode("utf-8", "surrogatepass")
    for facet in facets:
        if not isinstance(facet, dict) or not isinstance(facet.get("features"), list):
            continue
        for feature in facet["features"]:
            if not isinstance(feature, dict):
                continue
            kind = feature.get("$type")
            if kind == FACET_MENTION and optional_str(feature.get("did")):
                mention = Mention(native_id=str(feature["did"]),
                                  handle=_mentioned_handle(encoded, facet.get("index")))
                if mention not in mentions:
                    mentions.append(mention)
            elif kind == FACET_TAG and optional_str(feature.get("tag")):
                tags.append(str(feature["tag"]).lstrip("#"))
            elif kind == FACET_LINK and optional_str(feature.get("uri")):
                links.append(str(feature["uri"]))
    return mentions, tags, links


def _mentioned_handle(encoded: bytes, index: Any) -> str | None:
    """The handle written in the text where a mention facet is (byte offsets, UTF-8)."""
    if not isinstance(index, dict):
        return None
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    if not 0 <= start < end <= len(encoded):
        return None
    written = encoded[start:end].decode("utf-8", "replace").strip()
    if not written.startswith("@") or len(written) < 2 or " " in written:
        return None
    return written[1:]


def _record_tags(tags: Any) -> list[str]:
    if not isinstance(tags, list):
        return []
    return [tag.lstrip("#") for tag in tags if isinstance(tag, str) and tag.strip("# ")]


def _lang(langs: Any) -> str | None:
    if isinstance(langs, list) and langs:
        return optional_str(langs[0])
    return optional_str(langs) if isinstance(langs, str) else None


def _shares(view: dict[str, Any]) -> int | None:
    reposts = as_count(view.get("repostCount"))
    quotes = as_count(view.get("quoteCount"))
    if reposts is None:
        return quotes
    return reposts + (quotes or 0)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
