"""Person names beyond the study's accounts: optional named-entity scrubbing with a spaCy pipeline.

A post may name people who have no account in the study: a child ("our
daughter Jenna"), a doctor, a relative.  Listed names
(``privacy.person_names_file``) are replaced always; with
``privacy.scrub_person_names: ner`` every span a named-entity recogniser
labels as a person (``PERSON`` in spaCy's English pipelines, ``PER`` in most
others) becomes ``[name]`` too.  No pipeline ships with rarevoices (nothing
is downloaded at run time); install spaCy and one pipeline once::

    pip install spacy
    python -m spacy download en_core_web_sm      # or it_core_news_sm, de_core_news_sm ...

Recall and false alarms of each setting, on a hand-labelled fixture, are in
``docs/privacy.md``.

References
----------
.. [1] Honnibal, M., Montani, I., Van Landeghem, S. and Boyd, A. (2020).
   spaCy: Industrial-strength Natural Language Processing in Python.
   doi:10.5281/zenodo.1212303.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from helpers.errors import UserError
from helpers.privacy import NAME_TOKEN

logger = logging.getLogger(__name__)

PERSON_LABELS = ("PERSON", "PER")
INSTALL = ("install spaCy and a pipeline once: `pip install spacy` and `python -m spacy download "
           "en_core_web_sm` (or the pipeline of your language), or set privacy.scrub_person_names: off")


class NerUnavailable(UserError):
    """``scrub_person_names: ner`` without spaCy or without the pipeline named in the study file."""


@lru_cache(maxsize=4)
def _pipeline(name: str) -> Any:
    try:
        import spacy
    except ImportError:
        message = f"privacy.scrub_person_names: ner needs spaCy, which is not installed: {INSTALL}"
        raise NerUnavailable(message) from None
    try:
        return spacy.load(name, exclude=["parser", "lemmatizer", "textcat", "tagger", "attribute_ruler"])
    except OSError:
        message = f"privacy.ner_pipeline {name!r}: no such spaCy pipeline is installed: {INSTALL}"
        raise NerUnavailable(message) from None


def check_pipeline(name: str) -> None:
    """Load the pipeline once, so that a missing one stops the run before any file is read."""
    _pipeline(name)


def scrub_person_names(texts: list[str], pipeline: str, batch_size: int = 256) -> list[str]:
    """``texts`` with every person name the pipeline finds replaced by ``[name]``.

    Returns the same string object for a text without a person name, so
    callers can tell which texts changed.
    """
    nlp = _pipeline(pipeline)
    scrubbed = list(texts)
    for index, doc in enumerate(nlp.pipe(texts, batch_size=batch_size)):
        spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in PERSON_LABELS]
        if not spans:
            continue
        text, parts, position = texts[index], [], 0
        for start, end in spans:
            parts += [text[position:start], NAME_TOKEN]
            position = end
        scrubbed[index] = "".join(parts) + text[position:]
    return scrubbed
