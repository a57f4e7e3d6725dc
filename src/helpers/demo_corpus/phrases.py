"""The phrase banks of the demo corpus: data files, one per language, read once.

``phrase_banks/en.yaml`` (the SMA, PKU and FOP communities) and
``phrase_banks/it.yaml`` (Dravet syndrome, in Italian) hold the templates per
knowledge type and theme, the exchanges, the disease-specific lines and the
vocabularies that fill the templates' slots (each file's opening comment says
how slots are written).  :func:`phrase_bank` offers a language's banks under
the names the composer uses (``OPENINGS``, ``EXPERIENTIAL``, ``VOCAB``...).
The generator draws from these lists with a seeded random generator, so their
order is part of the corpus: the same seed gives the same files only while
the entries keep their order.

Examples
--------
>>> bank = phrase_bank("en")
>>> bank.OPENINGS["practical"][0]
'Top tip:'
>>> phrase_bank("it").VOCAB["dravet"]["disease"]
['sindrome di Dravet', 'Dravet']
>>> phrase_bank("en") is bank
True
"""

from __future__ import annotations

import functools
from importlib import resources
from types import SimpleNamespace

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""``yaml.safe_load``'s loader, in C where PyYAML has libyaml: the same data, ten times faster."""


@functools.cache
def phrase_bank(lang: str) -> SimpleNamespace:
    """The phrase banks of ``lang`` (``"en"`` or ``"it"``), read once from ``phrase_banks/<lang>.yaml``.

    Each top-level entry of the file is an attribute of the result, with the
    file's order kept in every list and mapping.
    """
    path = resources.files("helpers") / "demo_corpus" / "phrase_banks" / f"{lang}.yaml"
    return SimpleNamespace(**yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER))
