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
