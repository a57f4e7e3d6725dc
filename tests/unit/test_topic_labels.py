"""Topic labels a person can read: distinct words, no overlapping n-grams, the "N: " prefix kept."""

from __future__ import annotations

import pytest

from helpers.topics import LABEL_SEPARATOR, OUTLIER, readable_label, short_label, topic_label, wrap_label

# BERTopic's terms of a topic with the (1, 2) n-gram vocabulary: one idea written three ways.
OVERLAPPING = [("sister amazing", 0.3), ("little sister", 0.2), ("sister", 0.1), ("amazing", 0.05),
               ("school", 0.04)]


def words_of(label: str) -> list[str]:
    return [word for term in label.split(LABEL_SEPARATOR) for word in term.split()]


def test_a_label_repeats_no_word_of_overlapping_terms() -> None:
    label = readable_label(OVERLAPPING)
    terms = label.split(LABEL_SEPARATOR)
    words = words_of(label)
    assert len(words) == len(set(words)), label
    assert sum("sister" in term.split() for term in terms) == 1, "the sister idea is named once"
    assert "school" in terms, "a term sharing no word with the chosen ones is kept"
    assert len(terms) == len(set(terms))


def test_an_ngram_replaces_the_word_it_contains() -> None:
    assert readable_label(["sister", "little sister", "school"]) == f"little sister{LABEL_SEPARATOR}school"
    # ...but not when its other word is already said by another term
    assert readable_label(["sister", "little", "little sister"]) == f"sister{LABEL_SEPARATOR}little"


def test_a_label_has_few_terms_and_words() -> None:
    terms = [f"word{i} other{i}" for i in range(10)] + [f"single{i}" for i in range(10)]
    label = readable_label(terms)
    assert len(label.split(LABEL_SEPARATOR)) <= 3 and len(words_of(label)) <= 4
    assert readable_label(terms, n_terms=2, max_words=10) == f"word0 other0{LABEL_SEPARATOR}word1 other1"
    assert len(words_of(readable_label([f"w{i}" for i in range(10)]))) == 3


def test_a_label_follows_the_rank_of_the_terms_not_their_weights() -> None:
    reweighted = [(term, 1.0 - weight) for term, weight in OVERLAPPING]
    assert readable_label(reweighted) == readable_label([term for term, _ in OVERLAPPING])
    assert readable_label(OVERLAPPING) == readable_label(list(OVERLAPPING))  # deterministic
    assert readable_label(["", "  ", "fatigue"]) == "fatigue"
    assert readable_label([]) == ""


def test_topic_labels_keep_the_number_that_reports_strip() -> None:
    label = topic_label(3, OVERLAPPING)
    number, terms = label.split(": ", 1)  # as helpers.summaries.top_topic_labels reads it
    assert number == "3" and terms == readable_label(OVERLAPPING)
    assert topic_label(OUTLIER, OVERLAPPING) == "outliers"
    assert topic_label(4, []).startswith("4: ") and len(topic_label(4, [])) > len("4: ")


@pytest.mark.parametrize("label", [
    "2: terrible winter · cried car",
    "13: epilessia · anni · dravetsyndrome",
    "7: supercalifragilisticexpialidocious · rarediseaseday awareness · fundraising",
    "12: aaaa bbbb cccc dddd eeee · ffff gggg hhhh iiii jjjj · kkkk llll mmmm",
    "outliers",
])
def test_a_wrapped_label_keeps_its_terms_whole_where_they_fit(label: str) -> None:
    wrapped = wrap_label(label, 26)
    lines = wrapped.split("\n")
    assert len(lines) <= 2 and all(len(line) <= 26 for line in lines), wrapped
    for term in label.split(LABEL_SEPARATOR):
        if len(term) <= 26 and term in wrapped.replace("\n", " "):
            assert any(term in line for line in lines), f"{term!r} split across lines"
    if len(label) <= 26:
        assert wrapped == label
    assert wrap_label("2: terrible winter · cried car", 26) == "2: terrible winter ·\ncried car"


def test_a_shortened_label_ends_at_a_term_not_at_a_separator() -> None:
    label = "11: awareness · fundraising · campaign · wheelchair · accessibility"
    short = short_label(label, 45)
    assert len(short) <= 45 and short.endswith(" …") and not short.endswith("· …")
    assert short_label("2: terrible winter · cried car", 45) == "2: terrible winter · cried car"
