"""Actor types from profile descriptions, by transparent rules.

Hanchard (2022) reads the #RareDiseaseDay networks by actor type; Vicari & Cappai (2016) and
Vicari (2020) set the knowledge patients share against that of their organisations.
:func:`load_actor_rules` reads named rules (``resources/actor_rules.yml``, or the study's
``actors.rules_file``) and :meth:`ActorRules.match` types a profile description by them: every
type traces to a rule and its patterns. The profile text is never kept, only the type, the rule's
name and a confidence (:class:`ActorMatch`).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import UserError

ACTOR_TYPES: tuple[str, ...] = ("patient", "carer_family", "clinician_researcher", "industry", "media",
                                "public_body", "peer_organisation", "study_organisation", "unknown")
ACTOR_LABELS: dict[str, str] = {
    "patient": "patient", "carer_family": "carer or family member",
    "clinician_researcher": "clinician or researcher", "industry": "industry", "media": "media",
    "public_body": "public body", "peer_organisation": "peer patient organisation",
    "study_organisation": "the study's organisation", "unknown": "unknown",
}
# The study's own accounts are named in the study file; unknown is what no rule gives.
NOT_BY_RULES = ("study_organisation", "unknown")
RULE_TYPES = tuple(kind for kind in ACTOR_TYPES if kind not in NOT_BY_RULES)
# A profile where rules of several types fire is read with less confidence.
CONFLICT_FACTOR = 0.6
ANY = "any"

_RULE_FIELDS = ("name", "actor_type", "confidence", "patterns", "description")
_LANGUAGE_KEY = re.compile(r"(?:any|[a-z]{2})")
_BREAK = re.compile(r"<\s*/?\s*(?:br|p|div|li|ul|ol|h\d)\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_SPACE = re.compile(r"\s+")


class ActorRulesError(UserError):
    """An actor rules file that cannot be used; the message names the file and the rule or field."""


@dataclass(frozen=True)
class ActorMatch:
    """The actor type a profile was given, and why (never the profile itself).

    Attributes
    ----------
    actor_type, rule : str
        One of :data:`ACTOR_TYPES`, and the name of the rule that gave it.
    confidence : float
        The rule's, times :data:`CONFLICT_FACTOR` when rules of other types fired too.
    also : tuple of str
        The names of the rules of other types that fired too (a conflict).
    """

    actor_type: str
    rule: str
    confidence: float
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorRule:
    """One named rule: an actor type, a confidence and compiled patterns per language (or ``any``)."""

    name: str
    actor_type: str
    confidence: float
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    description: str = field(default="", compare=False)

    def fires(self, text: str, languages: tuple[str, ...]) -> bool:
        """Whether any of the rule's patterns for ``languages`` matches the normalised ``text``."""
        return any(pattern.search(text) for lang in languages for pattern in self.patterns.get(lang, ()))


@dataclass(frozen=True)
class ActorRules:
    """The rules in order of precedence, and the SHA-256 of their file (for cache keys and reports)."""

    rules: tuple[ActorRule, ...]
    digest: str

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The languages that have patterns in at least one rule (``any`` aside)."""
        return tuple(sorted({lang for rule in self.rules for lang in rule.patterns} - {ANY}))

    def match(self, profile: str | None, lang: str | None) -> ActorMatch | None:
        """The actor type of a profile description, or None when no rule fires.

        Parameters
        ----------
        profile : str or None
            The profile description; HTML (Mastodon's ``<p>``, ``<a>``, ``<br>``) is read as text.
        lang : str or None
            Its language (``en-GB`` counts as ``en``): a language of the rules is read with its
            patterns and ``any``'s, another or unknown language with every pattern.

        Returns
        -------
        ActorMatch or None
            The first rule that fires, in file order; when rules of other types fire too, their
            names are in ``also`` and the confidence is lowered by :data:`CONFLICT_FACTOR`.

        Examples
        --------
        >>> rules = load_actor_rules()
        >>> match = rules.match("Nurse by day, mum by night", "en")
        >>> match.actor_type, describe(match), match.confidence
        ('clinician_researcher', 'clinician_title (also: carer_family)', 0.48)
        >>> rules.match("<p>Vivo con la SMA dal 1998</p>", "it").actor_type
        'patient'
        """
        text = normalise_profile(profile)
        if not text:
            return None
        code = (lang or "").strip()[:2].lower()
        languages = (code, ANY) if code in self.languages else (*self.languages, ANY)
        fired = [rule for rule in self.rules if rule.fires(text, languages)]
        if not fired:
            return None
        winner = fired[0]
        also = tuple(rule.name for rule in fired if rule.actor_type != winner.actor_type)
        confidence = winner.confidence * CONFLICT_FACTOR if also else winner.confidence
        return ActorMatch(winner.actor_type, winner.name, round(confidence, 4), also)


def normalise_profile(profile: str | None) -> str:
    """A profile description as the rules read it: HTML tags removed (breaks become spaces), entities
    unescaped, NFKC, curly apostrophes straightened, whitespace collapsed.

    Examples
    --------
    >>> normalise_profile('<p>Mum to <a href="https://x.org">#<span>SMA</span></a><br>me&nbsp;&amp; you')
    'Mum to #SMA me & you'
    """
    if not profile:
        return ""
    text = _TAG.sub("", _BREAK.sub(" ", profile))
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_APOSTROPHES)
    return _SPACE.sub(" ", text).strip()


def describe(match: ActorMatch | None) -> str:
    """The rule behind a match, with the rules that conflicted with it.

    Examples
    --------
    >>> describe(ActorMatch("clinician_researcher", "clinician_title", 0.48, ("carer_family",)))
    'clinician_title (also: carer_family)'
    >>> describe(None)
    'no rule'
    """
    if match is None:
        return "no rule"
    return f"{match.rule} (also: {', '.join(match.also)})" if match.also else match.rule


def load_actor_rules(path: Path | None = None) -> ActorRules:
    """Read the actor rules: the packaged file, or a study's file that replaces it.

    Parameters
    ----------
    path : Path, optional
        The study's rules file (``actors.rules_file``); None for the packaged
        ``resources/actor_rules.yml`` (read once, then cached).

    Raises
    ------
    ActorRulesError
        A missing or unreadable file, bad YAML or a wrong rule (naming the file, rule and field).
    """
    if path is None:
        return _packaged_rules()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ActorRulesError(f"{path}: actor rules file not found; check actors.rules_file") from None
    except OSError as exc:
        raise ActorRulesError(f"{path}: actor rules file cannot be read ({exc.strerror or exc})") from None
    return parse_actor_rules(raw, str(path))


@lru_cache(maxsize=1)
def _packaged_rules() -> ActorRules:
    resource = resources.files("helpers") / "resources" / "actor_rules.yml"
    return parse_actor_rules(resource.read_bytes(), str(resource))


def parse_actor_rules(raw: bytes, source: str) -> ActorRules:
    """Check and compile the text of a rules file; ``source`` names it in error messages."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ActorRulesError(f"{source}: not valid YAML{line}: {problem}") from None
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ActorRulesError(f"{source}: rules: must be a list of rules (name, actor_type, confidence, ...)")
    rules: list[ActorRule] = []
    for number, item in enumerate(items, start=1):
        rule = _parse_rule(item, number, source)
        if any(rule.name == earlier.name for earlier in rules):
            raise ActorRulesError(f"{source}: rule '{rule.name}': name: used by two rules; rename one")
        rules.append(rule)
    return ActorRules(tuple(rules), hashlib.sha256(raw).hexdigest())


def _parse_rule(item: Any, number: int, source: str) -> ActorRule:
    if not isinstance(item, dict):
        raise ActorRulesError(f"{source}: rule {number}: must be a mapping (name, actor_type, ...)")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ActorRulesError(f"{source}: rule {number}: name: missing; give each rule a name")
    where = f"{source}: rule '{name}'"
    unknown = [str(key) for key in item if key not in _RULE_FIELDS]
    if unknown:
        raise ActorRulesError(f"{where}: {', '.join(unknown)}: not a field; use {', '.join(_RULE_FIELDS)}")
    actor_type = item.get("actor_type")
    if actor_type in NOT_BY_RULES:
        raise ActorRulesError(f"{where}: actor_type: {actor_type} is never given by rules; use one of "
                              f"{', '.join(RULE_TYPES)}")
    if actor_type not in RULE_TYPES:
        raise ActorRulesError(f"{where}: actor_type: {actor_type!r} is not an actor type; use one of "
                              f"{', '.join(RULE_TYPES)}")
    confidence = item.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise ActorRulesError(f"{where}: confidence: {confidence!r} must be a number from 0 to 1")
    patterns = item.get("patterns") or {}
    if not isinstance(patterns, dict):
        raise ActorRulesError(f"{where}: patterns: must map languages (en, it, any) to lists of patterns")
    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for lang, entries in patterns.items():
        if not isinstance(lang, str) or not _LANGUAGE_KEY.fullmatch(lang):
            raise ActorRulesError(f"{where}: patterns: {lang!r} is not a language; use en, it ... or any")
        entries = [entries] if isinstance(entries, str) else entries or []
        if not isinstance(entries, list):
            raise ActorRulesError(f"{where}: patterns.{lang}: must be a list of regular expressions")
        if entries:
            compiled[lang] = tuple(_compile(entry, f"{where}: patterns.{lang}") for entry in entries)
    if not compiled:
        raise ActorRulesError(f"{where}: patterns: the rule has none; give one under en, it ... or any")
    return ActorRule(name, actor_type, float(confidence), compiled, str(item.get("description") or ""))


def _compile(entry: Any, where: str) -> re.Pattern[str]:
    if not isinstance(entry, str) or not entry.strip():
        raise ActorRulesError(f"{where}: {entry!r} is not a regular expression; write it as quoted text")
    if "\b" in entry:  # "\b" in double quotes is a backspace, not a word boundary
        raise ActorRulesError(f"{where}: {entry!r} holds a backspace; quote it with ' ' to keep \\b")
    try:
        return re.compile(entry, re.IGNORECASE)
    except re.error as exc:
        raise ActorRulesError(f"{where}: {entry!r} does not compile: {exc}") from None
