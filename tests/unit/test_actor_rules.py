"""Actor types from profile descriptions by transparent rules (helpers.actor_rules)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from helpers.actor_rules import (
    ACTOR_LABELS,
    ACTOR_TYPES,
    CONFLICT_FACTOR,
    ActorMatch,
    ActorRulesError,
    describe,
    load_actor_rules,
    normalise_profile,
)
from helpers.errors import UserError

PACKAGED = load_actor_rules()

# (rule, actor type, profile, language): profiles where that rule alone fires.
POSITIVE = [
    ("public_body_official", "public_body", "Official account of the Department of Health", "en"),
    ("public_body_official", "public_body", "UK Health Security Agency", "en"),
    ("public_body_official", "public_body", "Great Ormond Street Hospital NHS Foundation Trust", "en"),
    ("public_body_official", "public_body", "Account ufficiale del Ministero della Salute", "it"),
    ("public_body_official", "public_body", "Istituto Superiore di Sanità", "it"),
    ("industry_company", "industry", "A global biopharmaceutical company. We develop medicines", "en"),
    ("industry_company", "industry", "A biotech developing gene therapies", "en"),
    ("industry_company", "industry", "Azienda farmaceutica impegnata nelle malattie rare", "it"),
    ("media_outlet", "media", "Health correspondent at The Times", "en"),
    ("media_outlet", "media", "Host of the Rare Talk podcast", "en"),
    ("media_outlet", "media", "Giornalista, redazione salute", "it"),
    ("media_outlet", "media", "Agenzia nazionale stampa associata", "it"),
    ("clinician_title", "clinician_researcher", "Dr Jane Smith, consultant neurologist", "en"),
    ("clinician_title", "clinician_researcher", "Clinical nurse specialist", "en"),
    ("clinician_title", "clinician_researcher", "Paediatric physio", "en"),
    ("clinician_title", "clinician_researcher", "Dott.ssa Rossi, neurologa", "it"),
    ("clinician_title", "clinician_researcher", "Infermiera pediatrica", "it"),
    ("clinician_title", "clinician_researcher", "Medico di famiglia", "it"),
    ("researcher", "clinician_researcher", "PhD student in the Smith lab, University of Leeds", "en"),
    ("researcher", "clinician_researcher", "Professor of genetics", "en"),
    ("researcher", "clinician_researcher", "Ricercatrice, Università di Padova", "it"),
    ("peer_organisation", "peer_organisation", "Registered charity no. 1234567 supporting families", "en"),
    ("peer_organisation", "peer_organisation", "Network of families affected by CDKL5", "en"),
    ("peer_organisation", "peer_organisation", "Associazione Onlus di pazienti e famiglie", "it"),
    ("peer_organisation", "peer_organisation", "Fondazione per la ricerca", "it"),
    ("carer_family", "carer_family", "Mum of two", "en"),
    ("carer_family", "carer_family", "Proud dad to Sam", "en"),
    ("carer_family", "carer_family", "Wife of a man with ALS", "en"),
    ("carer_family", "carer_family", "Mamma di Luca", "it"),
    ("carer_family", "carer_family", "Papà di due bimbi", "it"),
    ("carer_family", "carer_family", "Sorella di una ragazza con la SMA", "it"),
    ("patient_self", "patient", "Living with EDS. Spoonie.", "en"),
    ("patient_self", "patient", "Diagnosed with lupus in 2015", "en"),
    ("patient_self", "patient", "I have hEDS and POTS", "en"),
    ("patient_self", "patient", "#SMAstrong", "en"),
    ("patient_self", "patient", "Vivo con la SMA", "it"),
    ("patient_self", "patient", "Affetta da SLA", "it"),
    ("patient_self", "patient", "Paziente esperta", "it"),
]

# Near misses, one or more for each rule and language: no rule fires at all.
NEGATIVE = [
    ("public_body_official", "Proud to work for the NHS", "en"),
    ("public_body_official", "Official account of the band", "en"),
    ("public_body_official", "Agenzia di viaggi a Roma", "it"),
    ("industry_company", "Pharmacy student, coffee lover", "en"),
    ("industry_company", "Farmacia di paese", "it"),
    ("media_outlet", "I read the news every morning", "en"),
    ("media_outlet", "Video editor and gamer", "en"),
    ("media_outlet", "Vita quotidiana di una famiglia", "it"),
    ("clinician_title", "Marketing consultant", "en"),
    ("clinician_title", "Nurses are heroes", "en"),
    ("clinician_title", "Ricerca medica per le malattie rare", "it"),
    ("clinician_title", "Comitato medico-scientifico", "it"),
    ("researcher", "We fund research into SMA", "en"),
    ("researcher", "Labrador lover", "en"),
    ("researcher", "Prodotti biologici", "it"),
    ("researcher", "Studente universitario", "it"),
    ("peer_organisation", "Working in association with clinicians", "en"),
    ("peer_organisation", "Sempre in rete", "it"),
    ("carer_family", "Mother tongue Italian, translator", "en"),
    ("carer_family", "Parent company of X", "en"),
    ("carer_family", "Papa Francesco fan", "it"),
    ("patient_self", "Be patient, love cats", "en"),
    ("patient_self", "I have two kids", "en"),
    ("patient_self", "Living with my husband and two cats", "en"),
    ("patient_self", "Vivo con mio marito a Roma", "it"),
    ("patient_self", "Pazienti e famiglie", "it"),
]


def _write(tmp_path: Path, text: str, name: str = "rules.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_types_labels_and_packaged_rules_in_order_of_precedence() -> None:
    assert ACTOR_TYPES == ("patient", "carer_family", "clinician_researcher", "industry", "media",
                           "public_body", "peer_organisation", "study_organisation", "unknown")
    assert tuple(ACTOR_LABELS) == ACTOR_TYPES
    assert ACTOR_LABELS["carer_family"] == "carer or family member"
    assert ACTOR_LABELS["peer_organisation"] == "peer patient organisation"
    described = [(rule.name, rule.actor_type, rule.confidence) for rule in PACKAGED.rules]
    assert described == [
        ("public_body_official", "public_body", 0.9),
        ("industry_company", "industry", 0.85),
        ("media_outlet", "media", 0.85),
        ("clinician_title", "clinician_researcher", 0.8),
        ("researcher", "clinician_researcher", 0.75),
        ("peer_organisation", "peer_organisation", 0.8),
        ("carer_family", "carer_family", 0.75),
        ("patient_self", "patient", 0.7),
    ]
    assert all({"en", "it"} <= set(rule.patterns) for rule in PACKAGED.rules)
    assert PACKAGED.languages == ("en", "it")
    assert load_actor_rules() is PACKAGED, "the packaged rules are parsed once"


def test_every_packaged_rule_has_english_and_italian_cases_both_ways() -> None:
    wanted = {(rule.name, lang) for rule in PACKAGED.rules for lang in ("en", "it")}
    assert {(rule, lang) for rule, _, _, lang in POSITIVE} == wanted
    assert {(rule, lang) for rule, _, lang in NEGATIVE} == wanted


@pytest.mark.parametrize(("rule", "actor_type", "profile", "lang"), POSITIVE)
def test_a_rule_fires_on_its_profiles(rule: str, actor_type: str, profile: str, lang: str) -> None:
    confidence = next(r.confidence for r in PACKAGED.rules if r.name == rule)
    assert PACKAGED.match(profile, lang) == ActorMatch(actor_type, rule, confidence)


@pytest.mark.parametrize(("rule", "profile", "lang"), NEGATIVE)
def test_a_rule_does_not_fire_on_a_near_miss(rule: str, profile: str, lang: str) -> None:
    assert PACKAGED.match(profile, lang) is None, rule


def test_mastodon_html_is_read_as_its_text_and_links_are_not_read() -> None:
    note = ('<p>Living&nbsp;with <a href="https://x.social/tags/EDS" class="mention hashtag" rel="tag">'
            '#<span>EDS</span></a><br>blog: <a href="https://pharma-watch.example">my blog</a></p>')
    assert normalise_profile(note) == "Living with #EDS blog: my blog"
    assert PACKAGED.match(note, "en") == ActorMatch("patient", "patient_self", 0.7)
    assert normalise_profile("Mum’s   the\nword &lt;3") == "Mum's the word <3"


def test_patient_inside_patient_organisation_is_not_a_patient() -> None:
    for profile, lang in [("Patient organisation for people with Duchenne", "en"),
                          ("Patient advocacy group for rare epilepsies", "en"),
                          ("Associazione di pazienti", "it")]:
        assert PACKAGED.match(profile, lang) == ActorMatch("peer_organisation", "peer_organisation", 0.8)
    patient = ActorMatch("patient", "patient_self", 0.7)
    assert PACKAGED.match("Rare disease patient and advocate", "en") == patient


def test_dr_inside_a_word_or_handle_is_not_a_title() -> None:
    assert PACKAGED.match("Andrew, drummer and dreamer. Loves hydrangeas", "en") is None
    assert PACKAGED.match("@drjones fan account", "en") is None
    assert PACKAGED.match("Dr. Rossi, appassionata di montagna", "it") == ActorMatch(
        "clinician_researcher", "clinician_title", 0.8)
    assert PACKAGED.match("Dr | runner", "en") == ActorMatch("clinician_researcher", "clinician_title", 0.8)


@pytest.mark.parametrize("profile", ["Nurse by day, mum by night", "Mum of two and paediatric neurologist"])
def test_a_conflict_goes_to_the_first_rule_with_the_others_beside_it_at_less_confidence(profile: str) -> None:
    match = PACKAGED.match(profile, "en")
    assert match is not None
    assert (match.actor_type, match.rule, match.also) == ("clinician_researcher", "clinician_title",
                                                          ("carer_family",))
    assert match.confidence == pytest.approx(0.8 * CONFLICT_FACTOR) == pytest.approx(0.48)
    assert describe(match) == "clinician_title (also: carer_family)"


def test_rules_of_the_same_type_are_no_conflict() -> None:
    match = PACKAGED.match("Consultant neurologist and professor of genetics, University of Leeds", "en")
    assert match == ActorMatch("clinician_researcher", "clinician_title", 0.8, ())
    assert describe(match) == "clinician_title"


@pytest.mark.parametrize("profile", [None, "", "   ", "<p></p><br>"])
def test_an_empty_profile_has_no_type(profile: str | None) -> None:
    assert PACKAGED.match(profile, "en") is None
    assert describe(PACKAGED.match(profile, None)) == "no rule"


def test_an_unknown_language_is_read_with_every_language() -> None:
    italian_nurse = ActorMatch("clinician_researcher", "clinician_title", 0.8)
    assert PACKAGED.match("Infermiera pediatrica", "en") is None, "English reads only en and any"
    for lang in (None, "", "de", "und"):
        assert PACKAGED.match("Infermiera pediatrica", lang) == italian_nurse
    assert PACKAGED.match("Infermiera pediatrica", "IT-it") == italian_nurse
    assert PACKAGED.match("Nurse", "de") == italian_nurse
    assert PACKAGED.match("Mamma", "en") is None
    assert PACKAGED.match("Mamma", "it") == ActorMatch("carer_family", "carer_family", 0.75)


def test_a_study_rules_file_replaces_the_packaged_one(tmp_path: Path) -> None:
    text = ("rules:\n"
            "  - name: our_zebras\n"
            "    actor_type: patient\n"
            "    confidence: 0.65\n"
            "    patterns:\n"
            "      en: ['\\bzebra\\b']\n")
    path = _write(tmp_path, text)
    rules = load_actor_rules(path)
    assert [rule.name for rule in rules.rules] == ["our_zebras"]
    assert rules.digest == hashlib.sha256(text.encode()).hexdigest() != PACKAGED.digest
    assert rules.match("Proud zebra", "en") == ActorMatch("patient", "our_zebras", 0.65)
    assert rules.match("Nurse by day, mum by night", "en") is None, "the packaged rules are not merged in"


def test_a_language_the_study_file_lacks_is_read_with_every_pattern(tmp_path: Path) -> None:
    text = "rules:\n  - {name: r, actor_type: media, confidence: 0.5, patterns: {en: ['\\bnews\\b']}}\n"
    rules = load_actor_rules(_write(tmp_path, text))
    assert rules.languages == ("en",)
    assert rules.match("News", "it") == ActorMatch("media", "r", 0.5)


GOOD = "{name: r1, actor_type: patient, confidence: 0.5, patterns: {en: ['\\bx\\b']}}"
ERRORS = [
    ("rules:\n  - name: r1\n    confidence: [0.5\n", ["not valid YAML", "line"]),
    ("rules: nothing\n", ["rules"]),
    ("rules:\n  - {name: r1, actor_type: doctor, confidence: 0.5, patterns: {en: [x]}}\n",
     ["rule 'r1'", "actor_type", "'doctor'", "clinician_researcher", "peer_organisation"]),
    ("rules:\n  - {name: r1, actor_type: study_organisation, confidence: 0.5, patterns: {en: [x]}}\n",
     ["rule 'r1'", "actor_type", "study_organisation", "never given by rules"]),
    ("rules:\n  - {name: r1, actor_type: unknown, confidence: 0.5, patterns: {en: [x]}}\n",
     ["rule 'r1'", "actor_type", "unknown", "never given by rules"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 1.5, patterns: {en: [x]}}\n",
     ["rule 'r1'", "confidence", "1.5", "from 0 to 1"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: -0.1, patterns: {en: [x]}}\n",
     ["rule 'r1'", "confidence", "-0.1"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: high, patterns: {en: [x]}}\n",
     ["rule 'r1'", "confidence", "'high'"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, patterns: {en: ['\\b(unclosed']}}\n",
     ["rule 'r1'", "patterns.en", "(unclosed", "does not compile"]),
    (f"rules:\n  - {GOOD}\n  - {GOOD}\n", ["rule 'r1'", "name", "used by two rules"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, patterns: {}}\n",
     ["rule 'r1'", "patterns", "has none"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, patterns: {en: [], it: []}}\n",
     ["rule 'r1'", "patterns", "has none"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5}\n", ["rule 'r1'", "patterns", "has none"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, patterns: {english: [x]}}\n",
     ["rule 'r1'", "patterns", "'english'"]),
    ("rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, pattern: {en: [x]}}\n",
     ["rule 'r1'", "pattern:", "not a field"]),
    ('rules:\n  - {name: r1, actor_type: patient, confidence: 0.5, patterns: {en: ["\\bx"]}}\n',
     ["rule 'r1'", "patterns.en", "backspace"]),
    ("rules:\n  - {actor_type: patient, confidence: 0.5, patterns: {en: [x]}}\n", ["rule 1", "name"]),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_a_wrong_rules_file_is_named_with_its_rule_and_field(tmp_path: Path, text: str,
                                                             expected: list[str]) -> None:
    path = _write(tmp_path, text, "study_rules.yml")
    with pytest.raises(ActorRulesError) as caught:
        load_actor_rules(path)
    message = str(caught.value)
    assert isinstance(caught.value, UserError)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for part in expected:
        assert part in message, (part, message)


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.yml"
    with pytest.raises(ActorRulesError, match=r"absent\.yml: actor rules file not found"):
        load_actor_rules(path)
    with pytest.raises(ActorRulesError, match="cannot be read"):
        load_actor_rules(tmp_path)
