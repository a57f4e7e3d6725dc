"""The knowledge-type signals: a documented lexicon, compiled, and the counts it gives each post.

:func:`load_lexicon` reads ``resources/knowledge_lexicon.yml`` (or a study's
own lexicon) into a :class:`Lexicon` of whole-word patterns per signal and
language; :func:`text_signals` counts them, and the derived signals (medical
and fundraising links, question and exclamation marks, length), in each
post; :func:`narrative_person` reads the person of a story from the counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.classify.seed import RESOURCES

DEFAULT_LEXICON = RESOURCES / "knowledge_lexicon.yml"
# Signals computed from the post itself rather than from the lexicon.
DERIVED_SIGNALS = ("medical_link", "fundraising_link", "health_hashtag", "question", "exclamation", "words")
_HASHTAG = re.compile(r"(?<![\w&#@])#(\w+)")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_WORD = re.compile(r"\w+", re.UNICODE)
_HASHTAG_OR_MENTION = re.compile(r"(?<![\w&#@])[#@][\w.@-]+")


@dataclass(frozen=True)
class Lexicon:
    """Compiled signal patterns per language, and the medical / fundraising link domains.

    Attributes
    ----------
    patterns : dict
        ``signal -> language -> compiled regex`` (case-insensitive, whole words).
    descriptions : dict
        ``signal -> one-line description`` (shown in the notebook).
    medical_domains, fundraising_domains : tuple of str
        Link domains; a domain matches itself and its sub-domains.
    health_hashtags : tuple of str
        Beginnings of hashtags about health (``#raredisease``, ``#epilessia``);
        see :func:`is_health_hashtag`.
    digest : str
        SHA-256 of the lexicon file (part of every cache key).
    """

    patterns: dict[str, dict[str, re.Pattern[str]]]
    descriptions: dict[str, str]
    medical_domains: tuple[str, ...]
    fundraising_domains: tuple[str, ...]
    digest: str
    health_hashtags: tuple[str, ...] = ()

    @property
    def signals(self) -> tuple[str, ...]:
        """Lexicon signals followed by the derived ones, in a fixed order."""
        return (*self.patterns, *DERIVED_SIGNALS)

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have patterns for every lexicon signal."""
        sets = [set(by_lang) for by_lang in self.patterns.values()]
        return tuple(sorted(set.intersection(*sets))) if sets else ()


def compile_entries(entries: Sequence[str]) -> re.Pattern[str]:
    """Compile lexicon entries into one case-insensitive whole-word pattern.

    An entry is a word or phrase (spaces match any whitespace), a prefix ending
    in ``*`` (any word that starts with it), or ``re:`` followed by a regular
    expression.

    Examples
    --------
    >>> pattern = compile_entries(["clinical trial", "treat*", "re:phase\\\\s+\\\\d"])
    >>> pattern.findall("Clinical  trial of a treatment, phase 3; retreat")
    ['Clinical  trial', 'treatment', 'phase 3']
    """
    parts = []
    for entry in entries:
        entry = str(entry).translate(_APOSTROPHES)
        if entry.startswith("re:"):
            parts.append(f"(?:{entry[3:]})")
        elif entry.endswith("*"):
            parts.append(r"\s+".join(re.escape(word) for word in entry[:-1].split()) + r"\w*")
        else:
            parts.append(r"\s+".join(re.escape(word) for word in entry.split()))
    body = "|".join(sorted(parts, key=len, reverse=True)) or r"(?!x)x"
    return re.compile(rf"(?<![\w#@])(?:{body})(?!\w)", re.IGNORECASE | re.UNICODE)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Read and compile a lexicon file (the packaged one by default).

    Parameters
    ----------
    path : Path or str, optional
        A YAML file shaped like ``resources/knowledge_lexicon.yml``.
    """
    return _load_lexicon(str(Path(path or DEFAULT_LEXICON).resolve()))


@lru_cache(maxsize=4)
def _load_lexicon(path: str) -> Lexicon:
    raw = Path(path).read_bytes()
    data = yaml.safe_load(raw)
    patterns: dict[str, dict[str, re.Pattern[str]]] = {}
    descriptions: dict[str, str] = {}
    for name, spec in data["signals"].items():
        descriptions[name] = spec.get("description", "")
        patterns[name] = {
            lang: compile_entries(entries) for lang, entries in spec.items() if lang != "description"
        }
    domains = data.get("domains", {})
    return Lexicon(
        patterns=patterns,
        descriptions=descriptions
        | {
            "medical_link": "links to medical or scientific domains",
            "fundraising_link": "links to fundraising or ticketing domains",
            "health_hashtag": "hashtags about an illness, disability or care (#raredisease, #FOPfamily)",
            "question": "question marks",
            "exclamation": "exclamation marks",
            "words": "length in words (without hashtags and @mentions)",
        },
        medical_domains=tuple(d.lower() for d in domains.get("medical", [])),
        fundraising_domains=tuple(d.lower() for d in domains.get("fundraising", [])),
        digest=hashlib.sha256(raw).hexdigest(),
        health_hashtags=tuple(str(tag).lower() for tag in data.get("health_hashtags", [])),
    )


def text_signals(
    texts: Sequence[str],
    langs: Sequence[str | None],
    urls: Sequence[Sequence[str]] | None = None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Count the knowledge-type signals of each text.

    Parameters
    ----------
    texts : sequence of str
        Post texts (scrubbed; links appear as their domain).
    langs : sequence of str or None
        ISO 639-1 language of each text; lexicon signals of a language without
        patterns are 0 (the derived signals are still counted).
    urls : sequence of list of str, optional
        Link domains of each post (the posts table's ``urls``); domains written
        in the text are found too.
    lexicon : Lexicon, optional
        The packaged lexicon by default.

    Returns
    -------
    DataFrame
        One int column per signal (:attr:`Lexicon.signals`), one row per text.

    Notes
    -----
    Relatives named with a possessive ("my son", "nostra figlia") count as
    ``kin`` and are removed before first-person words are counted, so that a
    parent's story about a child does not read as a first-person story.

    Examples
    --------
    >>> signals = text_signals(["My son had his first seizure when he was 2."], ["en"])
    >>> signals.loc[0, ["first_singular", "kin", "third_person"]].tolist()
    [0, 1, 2]
    """
    lexicon = lexicon or load_lexicon()
    urls = urls if urls is not None else [[] for _ in texts]
    names = lexicon.signals
    rows = np.zeros((len(texts), len(names)), dtype=np.int64)
    kin_at = names.index("kin") if "kin" in names else None
    for i, (text, lang, links) in enumerate(zip(texts, langs, urls, strict=True)):
        text = (text or "").translate(_APOSTROPHES)
        without_kin = text
        if kin_at is not None and lang in lexicon.patterns["kin"]:
            without_kin = lexicon.patterns["kin"][lang].sub(" ", text)
        for j, name in enumerate(lexicon.patterns):
            pattern = lexicon.patterns[name].get(lang or "")
            if pattern is not None:
                source = without_kin if name in ("first_singular", "first_plural") else text
                rows[i, j] = len(pattern.findall(source))
        domains = [str(d).lower() for d in links] + _domains_in_text(text)
        offset = len(lexicon.patterns)
        rows[i, offset] = sum(_domain_in(d, lexicon.medical_domains) for d in set(domains))
        rows[i, offset + 1] = sum(_domain_in(d, lexicon.fundraising_domains) for d in set(domains))
        tags = _HASHTAG.findall(text)
        rows[i, offset + 2] = sum(is_health_hashtag(tag, lexicon.health_hashtags) for tag in tags)
        rows[i, offset + 3] = text.count("?")
        rows[i, offset + 4] = text.count("!")
        rows[i, offset + 5] = len(_WORD.findall(_HASHTAG_OR_MENTION.sub(" ", text)))
    return pd.DataFrame(rows, columns=list(names))


def is_health_hashtag(tag: str, beginnings: Sequence[str]) -> bool:
    """Whether a hashtag (without ``#``) begins like one of the health hashtags of the lexicon.

    A beginning of three letters or fewer (a disease's acronym: ``sma``,
    ``fop``, ``pku``) counts only as the whole tag or written in capitals
    (``#SMAfamily``, not ``#smart``).

    Examples
    --------
    >>> tags = ["FOPfamily", "foppish", "RareDiseaseDay", "fop"]
    >>> [is_health_hashtag(t, ["fop", "raredisease"]) for t in tags]
    [True, False, True, True]
    """
    lower = tag.lower()
    for start in beginnings:
        if not lower.startswith(start):
            continue
        if len(start) > 3 or lower == start or tag[:len(start)].isupper():
            return True
    return False


_DOMAIN = re.compile(r"(?<![\w@/.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?:/[\w/-]*)?", re.IGNORECASE)


def _domains_in_text(text: str) -> list[str]:
    return [m.group(0).lower().rstrip("/") for m in _DOMAIN.finditer(text)]


def _domain_in(domain: str, listed: Sequence[str]) -> bool:
    domain = domain.lower().removeprefix("www.")
    return any(domain == d or domain.endswith("." + d) or ("/" in d and domain.startswith(d)) for d in listed)


def narrative_person(signals: pd.DataFrame, knowledge_type: pd.Series) -> pd.Series:
    """Grammatical person of the story a post tells: ``first``, ``third`` or ``none``.

    Posts classified as experiential or mediated experiential are stories; for
    them the person comes from the pronoun signals: ``first`` when first-person
    singular references outnumber third-person ones (third-person pronouns,
    named relatives, "meet X" / "her story" markers), ``third`` when the latter
    are at least as many, and, when neither appears, the person the class
    implies.  Every other post is ``none``.

    Parameters
    ----------
    signals : DataFrame
        From :func:`text_signals`.
    knowledge_type : Series
        The predicted class of each post, aligned with ``signals``.
    """
    first = signals["first_singular"].to_numpy()
    third = (signals["third_person"] + signals["kin"] + signals["story_of_other"]).to_numpy()
    kind = knowledge_type.to_numpy()
    story = np.isin(kind, ["experiential", "mediated_experiential"])
    implied = np.where(kind == "experiential", "first", "third")
    person = np.where(first > third, "first", np.where(third > 0, "third", implied))
    return pd.Series(np.where(story, person, "none"), index=signals.index, name="narrative_person")
