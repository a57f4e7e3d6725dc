"""Which templates fit a post's date: seasonal wording and the organisations' awareness days."""

from __future__ import annotations

import random
from datetime import datetime

from helpers.demo_corpus.calendar import near, rare_disease_day

_SEASONAL = (
    (("Christmas", "holiday", "new year", "Natale", "feste", "Epifania", "Buon anno"), "winter"),
    (("Rare Disease Day", "Giornata delle Malattie Rare", "stripes", "strisce", "righe"), "rdd"),
    (("23 giugno", "Giornata internazionale della sindrome"), "dravet"),
    (("PKU Day",), "pku"),
    (("SMA Awareness Month",), "sma"),
    (("FOP Awareness Week",), "fop"),
)


def fits_date(template: str, when: datetime) -> bool:
    """False for seasonal templates (Christmas, Rare Disease Day...) far from their date."""
    from datetime import date

    day = when.date()
    for words, season in _SEASONAL:
        if not any(word in template for word in words):
            continue
        if season == "winter":
            return day.month == 12 or (day.month == 1 and day.day <= 7)
        if season == "rdd":
            return near(day, rare_disease_day(day.year), 10)
        if season == "dravet":
            return near(day, date(day.year, 6, 23), 15)
        if season == "pku":
            return near(day, date(day.year, 6, 28), 25)
        if season == "sma":
            return day.month in (7, 8)
        if season == "fop":
            return near(day, date(day.year, 4, 23), 10)
    return True


def _pick_dated(rng: random.Random, options: list[str], when: datetime) -> str:
    """A random option that fits the date (falls back to any option)."""
    for _ in range(12):
        choice = rng.choice(options)
        if fits_date(choice, when):
            return choice
    return choice


def _org_event(org_id: str, day) -> tuple[str | None, object, int]:
    """Event hashtag key, anchor day and window of an organisation's awareness day near ``day``."""
    from datetime import date

    if org_id == "sma-uk":
        return "sma", date(day.year, 8, 15), 16
    if org_id == "dravet-it":
        return "dravet", date(day.year, 6, 23), 2
    if org_id == "pku-us":
        return "pku", date(day.year, 6, 28), 2
    if org_id == "fop-au":
        return "fop", date(day.year, 4, 23), 2
    return None, day, 0


# A topic whose words drift (docs/topics.md, "Topics over time: words per period"): in one community the
# treatment everyone writes about changes name halfway through the demo period.  Before the switch a
# {drug} slot that draws a new term writes its old counterpart, from the switch on an old term writes
# its new one; the draws themselves are unchanged (one choice per slot, as before), so every other
# draw of the corpus stays as it was.  The truth is written to ``_truth/topic_drift.json``.
TOPIC_DRIFT = {
    "scenario": "topic_drift",
    "org_id": "pku-us",
    "family": "drug",
    "switch": "2025-01-01",  # halfway through 2024-2025
    "old": ["sapropterin", "Kuvan"],
    "new": ["sepiapterin", "Sephience"],
    "theme": "treatment_access",  # its posts also get one of the lines below, from a stream of their own
    "lines": [
        "Treatment update from the metabolic clinic: {drug} every day, phe "
        "levels steady, diet a little looser.",
        "Treatment update: on {drug} now, the metabolic clinic checks phe "
        "levels monthly and the diet is easier.",
        "Our treatment at the metabolic clinic is {drug}: phe levels down, "
        "protein allowance up, diet easier.",
        "Metabolic clinic today about treatment with {drug}: phe levels fine, "
        "a little more protein in the diet.",
        "Treatment with {drug} means daily doses, monthly phe levels and an "
        "easier diet, says the metabolic clinic.",
    ],
}
_SWITCH = datetime.fromisoformat(TOPIC_DRIFT["switch"]).date()
_TO_NEW = dict(zip(TOPIC_DRIFT["old"], TOPIC_DRIFT["new"], strict=True))
_TO_OLD = {new: old for old, new in _TO_NEW.items()}


def drifted(org_id: str, family: str, value: object, when: datetime) -> object:
    """``value`` of a vocabulary slot as the drifting community writes it on ``when`` (else unchanged)."""
    if org_id != TOPIC_DRIFT["org_id"] or family != TOPIC_DRIFT["family"] or not isinstance(value, str):
        return value
    if when.date() >= _SWITCH:
        return _TO_NEW.get(value, value)
    return _TO_OLD.get(value, value)


def drift_line(rng: random.Random, org_id: str, theme: str, when: datetime) -> str | None:
    """The planted treatment line of a post of the drifting community's theme (None for other posts).

    Drawn from ``rng``, a stream of its own: the corpus's other draws are not moved.
    """
    if org_id != TOPIC_DRIFT["org_id"] or theme != TOPIC_DRIFT["theme"]:
        return None
    term = TOPIC_DRIFT["new"][0] if when.date() >= _SWITCH else TOPIC_DRIFT["old"][0]  # the generic name
    return rng.choice(TOPIC_DRIFT["lines"]).replace("{drug}", term)
