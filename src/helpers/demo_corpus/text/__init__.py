"""Compose post texts from the phrase banks, with ground-truth labels.

A post is assembled from parts: an optional opening, a core statement chosen
for its knowledge type and theme, optional details, follow-ups, mentions,
a link, hashtags and emoji.  Slots are filled from per-disease vocabularies,
the author (names, gender, the child of a parent) and the post's date.
Private people sometimes write too much about themselves: e-mail addresses,
phone numbers, a child's full name, links with tracking parameters.  Each
such plant is recorded, so that privacy tests can look for it later.

Modules, each importing only from those above it:

* :mod:`~helpers.demo_corpus.text.seasons`: which templates fit a date;
* :mod:`~helpers.demo_corpus.text.formats`: numbers, money, dates, contact details and mentions;
* :mod:`~helpers.demo_corpus.text.templates`: the theme, the core template, the sentences of each style;
* :mod:`~helpers.demo_corpus.text.variation`: synonyms, fillers and typos;
* :mod:`~helpers.demo_corpus.text.surface`: hashtags and links;
* :mod:`~helpers.demo_corpus.text.assembly`: joining the parts within the platform's limit;
* :mod:`~helpers.demo_corpus.text.composer`: :class:`Composer`, built of the parts above, and
  :class:`SlotFiller`, which fills the slots of one post's templates.

The phrase banks themselves are data (:mod:`helpers.demo_corpus.phrases`).
Everything public is importable from ``helpers.demo_corpus.text`` itself.
"""

from __future__ import annotations

from helpers.demo_corpus.text.composer import (
    LIMITS,
    LONG_PLATFORMS,
    ORG_EMAILS,
    ORG_SHORT,
    ORG_VOICES,
    Composed,
    Composer,
    SlotFiller,
)
from helpers.demo_corpus.text.formats import CURRENCY, EMAIL_DOMAINS
from helpers.demo_corpus.text.seasons import fits_date
from helpers.demo_corpus.text.surface import ORG_LINKS, SLUG_WORDS
from helpers.demo_corpus.text.templates import THEME_WEIGHTS
from helpers.demo_corpus.text.variation import FILLERS, PHRASE_VARIANTS, WORD_VARIANTS

__all__ = [
    "CURRENCY",
    "EMAIL_DOMAINS",
    "FILLERS",
    "LIMITS",
    "LONG_PLATFORMS",
    "ORG_EMAILS",
    "ORG_LINKS",
    "ORG_SHORT",
    "ORG_VOICES",
    "PHRASE_VARIANTS",
    "SLUG_WORDS",
    "THEME_WEIGHTS",
    "WORD_VARIANTS",
    "Composed",
    "Composer",
    "SlotFiller",
    "fits_date",
]
