"""Every handle and display name known to a study, found wherever a post writes it.

People sign their posts with their own user name ("- jane_doe77"), thank
others by name without an ``@`` ("thanks jane_doe77!"), or quote a display
name ("Jane Doe said..."). Scrubbing ``@mentions`` misses all of these.  The
ingestion therefore collects, in memory only, the handle and display name of
every private account it meets in any file (authors, mentioned, replied-to,
quoted and shared accounts) with the pseudonym each maps to, and replaces
each occurrence of any of them in any post by that pseudonym: one
Aho-Corasick automaton over all of them (pyahocorasick), one pass over the
texts (Aho & Corasick 1975).  Organisation accounts keep their names.

What counts as an occurrence: the name as a whole word (not inside a longer
word), in any case.  Two kinds of name are left alone, because they would
wipe ordinary words from every post: names of fewer than 3 characters, and
names that are common words of the study (a single-word name that occurs as a
word in more than :data:`COMMON_WORD_SHARE` of the posts, e.g. a handle
"hope" or a display name "Mum").  ``@name`` and ``u/name`` are always
replaced, whatever the name (:mod:`helpers.privacy`).

References
----------
.. [1] Aho, A. V. and Corasick, M. J. (1975). Efficient string matching: an
   aid to bibliographic search. Communications of the ACM, 18(6), 333-340.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

logger = logging.getLogger(__name__)

MIN_NAME_CHARS = 3
COMMON_WORD_SHARE = 0.01
"""A single-word name written in more than this share of the posts (and at least
:data:`COMMON_WORD_MIN_POSTS` of them) is taken for an ordinary word and left alone."""
COMMON_WORD_MIN_POSTS = 20
_WORD_CHAR = re.compile(r"[\w]")


def _is_word_char(char: str) -> bool:
    return bool(_WORD_CHAR.match(char))


@dataclass
class KnownAccounts:
    """The names of a study's private accounts and the pseudonym each stands for.

    Built up while files are read (:meth:`add`), merged across files
    (:meth:`update`), then compiled once (:meth:`compile`).  Held in memory
    only: a handle is never written anywhere.

    Examples
    --------
    >>> known = KnownAccounts()
    >>> known.add("jane_doe77", "P-0a1b2c3d4e", has_id=True)
    >>> known.add("Jane Doe", "P-0a1b2c3d4e", has_id=True)
    >>> scrub = known.compile()
    >>> scrub("Loved this. - jane_doe77 (JANE DOE)")
    'Loved this. - P-0a1b2c3d4e (P-0a1b2c3d4e)'
    >>> scrub("janedoe and jane_doe770 are other words")
    'janedoe and jane_doe770 are other words'
    """

    names: dict[str, tuple[str, bool]] = field(default_factory=dict)
    seen: set[tuple] = field(default_factory=set, repr=False)
    """Accounts already learnt (platform, id, handle, display name): most posts are by known authors."""
    aliases: dict[tuple, tuple] = field(default_factory=dict, repr=False)
    """A file's account -> its alias entries, author id and role, computed once per file (see
    :func:`helpers.ingest.identities.account_aliases`); never merged or written."""

    def add(self, name: str | None, pseudonym: str, *, has_id: bool) -> None:
        """Know ``name`` (a handle or display name) as ``pseudonym``.

        A pseudonym from an account id (``has_id``) wins over one from the
        handle alone, which :mod:`helpers.ingest.identities` renames to it.
        """
        if not name:
            return
        key = _normalised(name)
        if len(key) < MIN_NAME_CHARS:
            return
        current = self.names.get(key)
        if current is None or (has_id and not current[1]):
            self.names[key] = (pseudonym, has_id)

    def update(self, other: KnownAccounts) -> None:
        """Add every name of ``other`` (the accounts of another file)."""
        for key, (pseudonym, has_id) in other.names.items():
            self.add(key, pseudonym, has_id=has_id)

    def rename(self, renamed: dict[str, str]) -> None:
        """Follow pseudonyms that the study-wide step renamed (handle-only to id, organisation ids)."""
        for key, (pseudonym, _) in list(self.names.items()):
            if pseudonym in renamed:
                self.names[key] = (renamed[pseudonym], True)

    def drop(self, pseudonyms: Iterable[str]) -> None:
        """Forget the names of these accounts (found to be organisations, which keep their names)."""
        gone = set(pseudonyms)
        self.names = {key: value for key, value in self.names.items() if value[0] not in gone}

    def compile(self) -> NameScrubber:
        """The scrubber of these names (see :meth:`NameScrubber.scrub_all` for the common-word rule)."""
        automaton = ahocorasick.Automaton()
        for key, (pseudonym, _) in self.names.items():
            automaton.add_word(key, (len(key), pseudonym))
        if len(automaton) == 0:
            return NameScrubber(None, set())
        automaton.make_automaton()
        return NameScrubber(automaton, set())


@dataclass
class NameScrubber:
    """Replaces every known name in a text by its pseudonym (see :class:`KnownAccounts`)."""

    automaton: ahocorasick.Automaton | None
    skip: set[str]

    def __call__(self, text: str) -> str:
        return _replaced(text, self.matches(text))

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping whole-word matches ``(start, end, pseudonym)``, longest first at each place."""
        if self.automaton is None or not text:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):  # a few letters change length when lower-cased: match as written
            lowered = text
        return self._spans(lowered)

    def _spans(self, lowered: str) -> list[tuple[int, int, str]]:
        found = []
        for end_index, (length, pseudonym) in self.automaton.iter(lowered):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and _is_word_char(lowered[start - 1]):
                continue
            if end < len(lowered) and _is_word_char(lowered[end]):
                continue
            if self.skip and lowered[start:end] in self.skip:
                continue
            found.append((start, end, pseudonym))
        found.sort(key=lambda span: (span[0], -(span[1] - span[0])))
        chosen, reach = [], -1
        for start, end, pseudonym in found:
            if start >= reach:
                chosen.append((start, end, pseudonym))
                reach = end
        return chosen

    def scrub_all(self, texts: list[str]) -> list[str]:
        """Every text scrubbed, leaving alone single-word names that are common words of these texts.

        One pass of the automaton over all texts (joined by a separator no
        name holds) finds every match; a single-word name found in more than
        :data:`COMMON_WORD_SHARE` of the texts (and at least
        :data:`COMMON_WORD_MIN_POSTS`) is taken for an ordinary word of the
        study and kept; then each text with a match is rebuilt.
        """
        found = self._matches_in(texts)
        posts_with: dict[str, int] = {}
        for index, spans in found.items():
            for word in {texts[index][start:end].lower() for start, end, _ in spans}:
                if " " not in word:
                    posts_with[word] = posts_with.get(word, 0) + 1
        threshold = max(COMMON_WORD_MIN_POSTS, COMMON_WORD_SHARE * len(texts))
        common = {word for word, count in posts_with.items() if count > threshold}
        if common:
            logger.info("%d known names are common words of this study (in over %.0f%% of its posts) and "
                        "were left in the text as words", len(common), 100 * COMMON_WORD_SHARE)
        self.skip = common
        scrubbed = list(texts)  # a text without a match stays the same object
        for index, spans in found.items():
            kept = [span for span in spans if texts[index][span[0]:span[1]].lower() not in common]
            if kept:
                scrubbed[index] = _replaced(texts[index], kept)
        return scrubbed

    def _matches_in(self, texts: list[str]) -> dict[int, list[tuple[int, int, str]]]:
        """The whole-word matches of each text that has any, by the text's position in ``texts``."""
        if self.automaton is None or not texts:
            return {}
        joined = "\n".join(texts)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # letters whose lower case is longer: text by text
            return {index: spans for index, text in enumerate(texts) if (spans := self.matches(text))}
        starts = list(itertools.accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
        found: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, pseudonym in self._spans(lowered):
            index = bisect.bisect_right(starts, start) - 1
            offset = starts[index]
            found.setdefault(index, []).append((start - offset, end - offset, pseudonym))
        return found

def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each span replaced by its pseudonym."""
    if not spans:
        return text
    parts, position = [], 0
    for start, end, pseudonym in spans:
        parts.append(text[position:start])
        parts.append(pseudonym)
        position = end
    parts.append(text[position:])
    return "".join(parts)


@lru_cache(maxsize=65_536)
def name_variants(platform: str, handle: str) -> tuple[str, ...]:
    """The ways a handle is written in text: whole, and the local part of a Mastodon or Bluesky handle.

    Examples
    --------
    >>> name_variants("mastodon", "ann@health.community"), name_variants("bluesky", "ann-k.bsky.social")
    (('ann@health.community', 'ann'), ('ann-k.bsky.social', 'ann-k'))
    """
    handle = handle.strip().lstrip("@")
    if platform == "mastodon" and "@" in handle:
        return handle, handle.split("@", 1)[0]
    if platform == "bluesky" and handle.endswith(".bsky.social"):
        return handle, handle.removesuffix(".bsky.social")
    return (handle,)


def _normalised(name: str) -> str:
    """A name as it is matched: lower case, ``@`` and surrounding space removed, inner space single."""
    return " ".join(name.strip().lstrip("@").lower().split())
