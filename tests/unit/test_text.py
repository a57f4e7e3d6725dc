"""Fast paths of text cleaning, scrubbing and JSON parsing give what the slow paths give."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime

import ftfy
import pytest
from ftfy.badness import is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.embeddings import embedding_text
from helpers.ingest.records import _holds_bad_encoding, _walk_for_bad_encoding, loads_json
from helpers.privacy import (
    _DATE_LIKE,
    AT_MENTION,
    EMAIL,
    EMAIL_TOKEN,
    PHONE_CANDIDATE,
    REDDIT_MENTION,
    URL,
    Scrubber,
    scrub_emails,
    scrub_mentions,
    scrub_urls,
)
from helpers.text import (
    _ACCENTED_PAIR,
    _BLANK_LINES,
    _FTFY_KEEPS,
    _SPACES,
    DETECTABLE_LANGUAGES,
    clean_text,
    detect_languages,
    detection_text,
    ftfy_would_keep,
    html_to_text,
    language_model_path,
    normalise_whitespace,
)

ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=80)
# Characters that exercise whitespace handling, scrubbing patterns and ftfy.
PIECES = [*"aZ9 .@/:-()+#&\n\r\t\u00a0\u2028\x0b\x1b\x85wu", "www.", "http://", "u/", "é", "Ã©"]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def slow_whitespace(text: str) -> str:
    """normalise_whitespace without its fast path."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def slow_clean(text: str, is_html: bool = False) -> str:
    """clean_text as it was before its ASCII fast path."""
    if is_html:
        text = html_to_text(text)
    text = ftfy.fix_text(text, unescape_html=not is_html)
    return slow_whitespace(unicodedata.normalize("NFC", text))


@settings(max_examples=500)
@given(ASCII)
def test_ftfy_leaves_plain_ascii_unchanged(text: str) -> None:
    if ftfy_would_keep(text):
        assert ftfy.fix_text(text, unescape_html=True) == text
        assert ftfy.fix_text(text, unescape_html=False) == text
        assert unicodedata.normalize("NFC", text) == text


KEPT = [chr(code) for code in range(0x80, 0x30000) if _FTFY_KEEPS.fullmatch(chr(code))]
KEPT_ASCII = [chr(code) for code in range(0x80) if _FTFY_KEEPS.fullmatch(chr(code))]
ACCENTED = [char for char in KEPT if _ACCENTED_PAIR.fullmatch(char * 2)]


def test_ftfy_keeps_each_character_of_the_fast_path() -> None:
    assert len(ACCENTED) == 60 and "é" in ACCENTED and "Ã" not in KEPT and "’" not in KEPT
    assert "😊" in KEPT and "\u200d" in KEPT and "£" not in KEPT
    for char in KEPT:
        for text in (char, f"a{char}b", f"{char}\n{char}"):
            assert ftfy.fix_text(text, unescape_html=True) == text, repr(char)
            assert ftfy.fix_text(text, unescape_html=False) == text, repr(char)
            assert unicodedata.normalize("NFC", text) == text


def test_an_accented_letter_beside_any_character_of_the_fast_path_is_not_mojibake() -> None:
    """ftfy fixes the encoding only of what ``ftfy.badness.is_bad`` calls mojibake."""
    others = KEPT_ASCII + [char for char in KEPT if char not in ACCENTED]
    for letter in ACCENTED:
        for other in others:
            assert not is_bad(letter + other) and not is_bad(other + letter), repr((letter, other))
        for before in KEPT_ASCII:
            for after in KEPT_ASCII:
                assert not is_bad(before + letter + after), repr((before, letter, after))
            for second in ACCENTED:
                assert not is_bad(letter + before + second), repr((letter, before, second))


FAST_PATH_PIECES = [*"aZ9 .,'-!?&\n\r\tàèéìòùÀÈÉÇßñüÃÂ£©’œ\u0301\u00a0", "😊", "❤\ufe0f", "👩\u200d🔬", "Ã©"]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(FAST_PATH_PIECES), max_size=40).map("".join))
def test_text_on_the_fast_path_is_text_ftfy_keeps(text: str) -> None:
    if ftfy_would_keep(text):
        assert ftfy.fix_text(text, unescape_html=True) == text
        assert ftfy.fix_text(text, unescape_html=False) == text
        assert unicodedata.normalize("NFC", text) == text
    assert clean_text(text) == slow_clean(text)


@settings(max_examples=500)
@given(st.one_of(ASCII, TRICKY, st.text(max_size=60)))
def test_whitespace_fast_path_equals_slow_path(text: str) -> None:
    assert normalise_whitespace(text) == slow_whitespace(text)


@settings(max_examples=300)
@given(st.one_of(ASCII, TRICKY), st.booleans())
def test_clean_text_equals_the_plain_ftfy_path(text: str, is_html: bool) -> None:
    assert clean_text(text, is_html) == slow_clean(text, is_html)


@pytest.mark.parametrize("text", ["Fish &amp; chips", "a\r\nb", "bell\x07", "esc \x1b[31mred", "tab\tok"])
def test_ascii_that_ftfy_may_change_takes_the_full_path(text: str) -> None:
    assert clean_text(text) == slow_clean(text)


def _resolve(handle: str) -> str:
    return "@P-" + handle.lower()


def slow_scrub(text: str, platform: str, keep_url_paths: bool = False) -> str:
    """Scrubber.scrub without the pre-checks: every pattern runs on every text."""
    from helpers.privacy import _trim_url, url_domain

    text = EMAIL.sub(EMAIL_TOKEN, text)
    if not keep_url_paths:

        def _domain(match):
            url = _trim_url(match.group(0))
            return (url_domain(url) or "[link]") + match.group(0)[len(url):]

        text = URL.sub(_domain, text)
    text = AT_MENTION.sub(lambda m: _resolve(m.group(1)), text)
    text = REDDIT_MENTION.sub(lambda m: _resolve(m.group(1)), text)  # u/name names a Redditor anywhere
    return PHONE_CANDIDATE.sub(_phone, text)


def _phone(match) -> str:
    """The replacement of scrub_phones, as it was."""
    candidate = match.group(0).strip()
    digits = sum(ch.isdigit() for ch in candidate)
    if not 9 <= digits <= 15 or _DATE_LIKE.match(candidate):
        return match.group(0)
    leading = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
    return leading + "[phone]"


@settings(max_examples=500)
@given(st.one_of(TRICKY, ASCII), st.sampled_from(["reddit", "twitter"]))
def test_scrubber_pre_checks_change_nothing(text: str, platform: str) -> None:
    expected = slow_scrub(text, platform)
    assert Scrubber().scrub(text, platform, _resolve) == expected


@pytest.mark.parametrize(
    "text",
    ["mail ann@example.org now", "see WWW.Example.com/x?y=1", "HTTPS://nih.gov/a b", "call +44 20 7946 0958",
     "thanks u/Some_User and @bob", "2024-02-29 and 123"],
)
def test_each_scrubbing_step_still_applies(text: str) -> None:
    assert Scrubber().scrub(text, "reddit", _resolve) == slow_scrub(text, "reddit")
    assert scrub_emails(text) == EMAIL.sub(EMAIL_TOKEN, text)
    assert scrub_urls(text, keep_paths=True) == text
    marked = AT_MENTION.sub(lambda m: _resolve(m.group(1)), text)
    expected = REDDIT_MENTION.sub(lambda m: _resolve(m.group(1)), marked)
    assert scrub_mentions(text, "mastodon", _resolve) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300)
@given(JSON_VALUES)
def test_loads_json_equals_the_standard_library(value) -> None:
    text = json.dumps(value)
    assert loads_json(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ["18446744073709551616", '{"a": [-9223372036854775809]}', "NaN", "[1e400]", '"\\ud800"', "[1.5, 2]"],
)
def test_loads_json_falls_back_where_orjson_differs(text: str) -> None:
    got, expected = loads_json(text), json.loads(text)
    assert repr(got) == repr(expected)


@pytest.mark.parametrize("text", ['{"a": 1', "\ufeff{}", "[1,]", ""])
def test_loads_json_raises_the_standard_library_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as ours:
        loads_json(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert (ours.value.msg, ours.value.colno) == (theirs.value.msg, theirs.value.colno)


def test_language_model_ships_with_the_installed_package() -> None:
    path = language_model_path()
    assert path.name == "lid.176.ftz" and path.stat().st_size > 100_000


def test_detect_languages_contract() -> None:
    texts = [
        "We had our clinic appointment today and the new formula is working well for him",
        "Oggi abbiamo fatto la visita in ospedale e la nuova terapia sembra funzionare",
        "Heute hatten wir einen Termin in der Klinik, die neue Therapie wirkt gut",
        "too short",
        "これは日本語の文章です。今日は病院に行きました。",
        "",
    ]
    assert detect_languages(texts) == ["en", "it", "de", None, None, None]
    assert detect_languages([]) == []
    assert set(DETECTABLE_LANGUAGES) >= {"en", "it"}


def test_detection_ignores_mentions_pseudonyms_and_line_breaks() -> None:
    assert detection_text("@P-3f9a1c0b2d @bob Thanks!\nSee [email]") == "Thanks! See"
    text = "@P-2b48e10d50 " * 5 + "Grazie mille a tutti voi per il sostegno"
    assert detect_languages([text]) == ["it"]


def test_html_to_text_keeps_the_text_around_what_libxml2_cannot_take() -> None:
    # A lone surrogate would end libxml2's reading of the fragment; control characters are refused.
    assert html_to_text("<p>a \ud83d b\x00c\x0cd</p><p>e</p>") == "a \ufffd bc d\n\ne"
    assert html_to_text("<p>pair \ud83d\ude00 kept</p>") == "pair \U0001f600 kept"


def test_html_to_text_reads_paragraphs_as_an_html_parser_does() -> None:
    # An unclosed <p> ends where the next paragraph or block starts.
    assert html_to_text("<p>one<p>two<div>three</div>") == "one\n\ntwo\n\nthree"
    assert html_to_text("<p>a<!-- c --><script>x</script><style>p{}</style>b &amp; &foo;</p>") == "ab & &foo;"
    assert html_to_text("") == ""
    assert html_to_text("plain, no tags<br>next") == "plain, no tags\nnext"


# "\udc80" to "\udcff": bytes that are not UTF-8, as surrogateescape decodes them.
JSON_CHARACTERS = ["a", "é", "\U0001f600", "\udce9", "\udcff", "\ud83d", " "]
SURROGATE_STRINGS = st.text(st.sampled_from(JSON_CHARACTERS), max_size=6)
SURROGATE_JSON_VALUES = st.recursive(
    st.one_of(SURROGATE_STRINGS, st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.none(),
              st.booleans()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(SURROGATE_STRINGS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400)
@given(SURROGATE_JSON_VALUES)
def test_the_bad_encoding_check_of_json_records_equals_walking_every_string(value: object) -> None:
    assert _holds_bad_encoding(value) == _walk_for_bad_encoding(value)


# Pieces for embedding_text: mentions, tracking queries, placeholders, links (with the characters
# that IGNORECASE folds to ASCII letters), hashtags, untidy spaces.
EMBEDDING_PIECES = [*"aZ9 .,!?:;@/=&#-_\n\t\u00a0\u2003\u017f\u212a", "[email]", "[ERASED]", "[name",
                    "@P-3f9a1c0b2d", "@[erased]", "a.b@c.org", "nih.gov", "https://", "www.", ".co",
                    "?utm_source=x", "  ", "#Rare", "é"]
EMBEDDING_TRICKY = st.lists(st.sampled_from(EMBEDDING_PIECES), max_size=30).map("".join)


def slow_embedding_text(text: str) -> str:
    """embedding_text without its pre-checks: every substitution on every text."""
    from helpers import embeddings as e

    text = e._MENTION.sub(" ", text)
    text = e._QUERY.sub(" ", text)
    text = e._PLACEHOLDER.sub(" ", text)
    text = e._LINK.sub(" ", text)
    text = e._HASH.sub("", text)
    text = e._SPACES.sub(" ", text).strip()
    return e._SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


@settings(max_examples=400)
@given(st.one_of(EMBEDDING_TRICKY, ASCII, st.text(max_size=60)))
def test_embedding_text_shortcuts_give_what_every_substitution_gives(text: str) -> None:
    assert embedding_text(text) == slow_embedding_text(text)


@settings(max_examples=500)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31)),
       st.sampled_from(["EST", "CEST", "UTC", "acdt", "NZDT"]), st.sampled_from([None, 5, 8, 11, 14, 17]),
       st.booleans())
def test_crowdtangle_times_read_as_strptime_reads_them(
    moment: datetime, zone: str, field: int | None, one_digit: bool
) -> None:
    """The fast path for ``YYYY-MM-DD HH:MM:SS ZONE``, also for fields out of range or of one digit."""
    from helpers.ingest.records import _ZONE_ABBREVIATIONS, _parse_timestamp_text

    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if field is not None:  # month, day, hour, minute or second pushed up by 30 (often out of range)
        text = text[:field] + f"{int(text[field:field + 2]) + 30:02d}"[-2:] + text[field + 2:]
    if one_digit:
        text = text.replace(" 0", " ", 1)
    try:
        expected = datetime.strptime(f"{text} {_ZONE_ABBREVIATIONS[zone.upper()]}", "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        expected = None
    assert _parse_timestamp_text(f"{text} {zone}") == expected
