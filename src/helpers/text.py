"""Text normalisation: HTML to text, mojibake repair, hashtags, language detection.

Scrubbing of personal data lives in :mod:`helpers.privacy`; this module only
makes the text clean and comparable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ftfy
from bs4 import BeautifulSoup

HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")

# Languages the detector considers: the usual languages of rare-disease
# communities in Europe and the Americas.  Studies in other languages set
# `lang` in their exports or extend this list (docs/ingestion.md).
DETECTABLE_LANGUAGES = ("en", "it", "de", "fr", "es", "nl", "pt", "sv", "da", "pl")
MIN_CHARS_FOR_DETECTION = 20
DETECTION_CHARS = 300


def html_to_text(html: str) -> str:
    """Convert post HTML (Mastodon ``content``) into plain text.

    Paragraphs become blank-line separated, ``<br>`` a newline, links their
    visible text (Mastodon hides the middle of long URLs in spans; the visible
    text is kept as it is, and links are reduced to domains by scrubbing).

    Examples
    --------
    >>> link = '<a href="https://x.social/@ann" class="u-url mention">@<span>ann</span></a>'
    >>> html_to_text(f"<p>Hi {link}</p><p>Bye</p>")
    'Hi @ann\\n\\nBye'
    """
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for invisible in soup.select("span.invisible"):
        invisible.unwrap()
    for paragraph in soup.find_all("p"):
        paragraph.insert_after("\n\n")
        paragraph.unwrap()
    return normalise_whitespace(soup.get_text())


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines and allow at most one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str, is_html: bool = False) -> str:
    """Repair mojibake (ftfy), strip HTML when needed, normalise to NFC and whitespace."""
    if is_html:
        text = html_to_text(text)
    text = ftfy.fix_text(text, unescape_html=not is_html)
    return normalise_whitespace(unicodedata.normalize("NFC", text))


def extract_hashtags(text: str) -> list[str]:
    """Return the hashtags of a text, lower-cased, in order of first appearance.

    Examples
    --------
    >>> extract_hashtags("Today is #RareDiseaseDay! #SMA #sma #2024")
    ['rarediseaseday', 'sma']
    """
    seen: dict[str, None] = {}
    for match in HASHTAG.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def normalise_hashtags(tags: Iterable[str]) -> list[str]:
    """Lower-case, strip '#', drop empties and duplicates, keep order."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = tag.strip().lstrip("#").lower()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def normalise_lang(code: str | None) -> str | None:
    """Return an ISO 639-1 code from a platform's language tag, or None when unknown.

    Examples
    --------
    >>> normalise_lang("en-GB"), normalise_lang("und"), normalise_lang("it")
    ('en', None, 'it')
    """
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
    if len(primary) != 2 or not primary.isalpha():
        return None
    return primary


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in DETECTABLE_LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1).build()


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """Detect the language of each text with lingua; None when too short or unsure.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of str or None
        ISO 639-1 codes.
    """
    results: list[str | None] = [None] * len(texts)
    positions = [i for i, text in enumerate(texts) if len(text.strip()) >= MIN_CHARS_FOR_DETECTION]
    if not positions:
        return results
    # The first few hundred characters decide the language as well as the whole text, faster.
    detected = _detector().detect_languages_in_parallel_of([texts[i][:DETECTION_CHARS] for i in positions])
    for position, language in zip(positions, detected, strict=True):
        if language is not None:
            results[position] = language.iso_code_639_1.name.lower()
    return results
