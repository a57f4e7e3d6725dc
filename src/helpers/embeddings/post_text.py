"""What an embedding sees of a post: :func:`embedding_text`, its words without people or links.

Classification, topic modelling and the embed step all embed this same form,
so each post is embedded once per model.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What an embedding sees of a post (see embedding_text).
_MENTION = re.compile(r"(?<![\w@])@(?:\[erased\]|[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
_PLACEHOLDER = re.compile(r"\[(?:email|phone|name|erased)\]", re.IGNORECASE)
_LINK = re.compile(r"(?i)\b(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/\S*)?")
_QUERY = re.compile(r"\S*[?&][\w.-]+=\S*")  # leftovers of tracking links (utm_source=...)
_HASH = re.compile(r"(?<!\w)#(?=\w)")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([!?.,;:])")
# Cheap tests that a pattern above cannot match (so its substitution can be skipped): a link
# needs a dot followed by two letters of its last label; untidy spaces are any whitespace but a
# single space.
_LINK_HINT = re.compile(r"(?i)\.[a-z]{2}")
_UNTIDY_SPACES = re.compile(r"[^\S ]|  ")

EMBEDDING_TEXT_MEMO = 2**18
"""Embedding texts a process remembers (by post text): the study process prepares every post
in the ``embed``, ``classify`` and ``topics`` steps, four passes of six patterns that would
otherwise each go over every post again; the memo's size bounds its memory."""


@lru_cache(maxsize=EMBEDDING_TEXT_MEMO)
def embedding_text(text: str) -> str:
    """What an embedding (and a topic) sees of a post: its words, without people or links.

    Mentions (pseudonyms and handles), links, scrubbing placeholders and the
    ``#`` of hashtags are removed: they name people or sites, not what the
    post says.  Classification and topic modelling embed this same form, so
    each post is embedded once per model.

    Examples
    --------
    >>> embedding_text("Thanks @P-3f9a1c0b2d! See nih.gov #RareDiseaseDay [email]")
    'Thanks! See RareDiseaseDay'

    Each substitution is skipped when a cheap test shows that it cannot
    match, which more than halves the time on typical posts (the result is the
    same: ``tests/unit/test_text.py`` checks it against every substitution).
    """
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "=" in text:
        text = _QUERY.sub(" ", text)
    if "[" in text:
        text = _PLACEHOLDER.sub(" ", text)
    if _LINK_HINT.search(text):
        text = _LINK.sub(" ", text)
    if "#" in text:
        text = _HASH.sub("", text)
    if _UNTIDY_SPACES.search(text) or text.startswith(" ") or text.endswith(" "):
        text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
