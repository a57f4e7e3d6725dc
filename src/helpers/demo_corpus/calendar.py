"""When posts happen: two study years with weekly rhythm and awareness days.

Volume per day is a weight: a weekly rhythm (quieter weekends), slow growth,
Rare Disease Day (the last day of February; 5x on the day, about 3x in the
week around it), each organisation's own awareness days, and a holiday dip.
Local time zones follow the real daylight-saving rules of 2024-2025, written
out here so that the demo needs no time zone database.
"""

from __future__ import annotations

import bisect
import random
from datetime import UTC, date, datetime, timedelta

START = date(2024, 1, 1)
END = date(2025, 12, 31)
DAYS: tuple[date, ...] = tuple(START + timedelta(days=i) for i in range((END - START).days + 1))
END_UTC = datetime(2026, 1, 1, tzinfo=UTC)

WEEKDAY_FACTOR = (1.1, 1.15, 1.1, 1.05, 0.95, 0.7, 0.75)
RDD_FACTOR = {0: 5.0, 1: 3.5, 2: 3.0, 3: 2.5}
# Local hour weights for private people (evenings) and organisations (office hours).
PUBLIC_HOURS = (
    0.3,
    0.15,
    0.08,
    0.05,
    0.05,
    0.1,
    0.35,
    0.7,
    0.9,
    1.0,
    1.0,
    0.95,
    1.05,
    1.0,
    0.9,
    0.9,
    0.95,
    1.0,
    1.1,
    1.3,
    1.5,
    1.55,
    1.2,
    0.7,
)
ORG_HOURS = (
    0.02,
    0.01,
    0.01,
    0.01,
    0.01,
    0.02,
    0.1,
    0.4,
    1.2,
    1.6,
    1.5,
    1.3,
    1.1,
    1.3,
    1.3,
    1.2,
    1.0,
    0.6,
    0.4,
    0.5,
    0.5,
    0.3,
    0.1,
    0.05,
)
STANDARD_OFFSET = {"london": 0, "rome": 1, "new_york": -5, "sydney": 10}
ZONE_NAMES = {
    "london": ("GMT", "BST"),
    "rome": ("CET", "CEST"),
    "new_york": ("EST", "EDT"),
    "sydney": ("AEST", "AEDT"),
}


def rare_disease_day(year: int) -> date:
    """The last day of February: Rare Disease Day."""
    return date(year, 3, 1) - timedelta(days=1)


def _org_event_factor(org_id: str, day: date) -> float:
    """Awareness days and months of each organisation."""
    md = (day.month, day.day)
    if org_id == "sma-uk":
        if day.month == 8:  # SMA Awareness Month
            return 2.4 if day.day == 1 else 1.5
    elif org_id == "dravet-it":
        if md == (6, 23):  # International Dravet Syndrome Awareness Day
            return 4.0
        if md in ((6, 22), (6, 24)):
            return 2.0
        if day.month == 2 and day.weekday() == 0 and 8 <= day.day <= 14:
            return 2.0  # International Epilepsy Day, second Monday of February
        if day.month == 8 and 5 <= day.day <= 25:
            return 0.7  # ferragosto
    elif org_id == "pku-us":
        if md == (6, 28):  # International PKU Day
            return 4.0
        if md in ((6, 27), (6, 29)):
            return 2.0
    elif org_id == "fop-au":
        if md == (4, 23):  # FOP Day
            return 4.0
        if md in ((4, 22), (4, 24)):
            return 2.0
    return 1.0


def day_weight(org_id: str, day: date) -> float:
    """Relative volume of thread starts on ``day`` for an organisation."""
    weight = WEEKDAY_FACTOR[day.weekday()]
    weight *= 1.0 + 0.25 * (day - START).days / len(DAYS)
    weight *= RDD_FACTOR.get(abs((day - rare_disease_day(day.year)).days), 1.0)
    weight *= _org_event_factor(org_id, day)
    if (day.month, day.day) in ((12, 24), (12, 25), (12, 26), (1, 1)):
        weight *= 0.55
    return weight


class Calendar:
    """Samples thread start times for one organisation."""

    def __init__(self, org_id: str, tz: str) -> None:
        self.org_id = org_id
        self.tz = tz
        weights = [day_weight(org_id, day) for day in DAYS]
        self._cum: list[float] = []
        total = 0.0
        for weight in weights:
            total += weight
            self._cum.append(total)
        self._public_cum = _cumulative(PUBLIC_HOURS)
        self._org_cum = _cumulative(ORG_HOURS)

    def start(self, rng: random.Random, *, org_hours: bool = False) -> datetime:
        """A UTC time: a weighted local day, a local hour by role, then converted."""
        day = DAYS[bisect.bisect_left(self._cum, rng.random() * self._cum[-1])]
        return self.on_day(rng, day, org_hours=org_hours)

    def on_day(self, rng: random.Random, day: date, *, org_hours: bool = False) -> datetime:
        """A UTC time on local ``day``: a local hour by role, then converted."""
        cum = self._org_cum if org_hours else self._public_cum
        hour = bisect.bisect_left(cum, rng.random() * cum[-1])
        local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
        offset = utc_offset(self.tz, local.replace(tzinfo=UTC) - timedelta(hours=STANDARD_OFFSET[self.tz]))
        return (local - timedelta(hours=offset)).replace(tzinfo=UTC)


def _cumulative(weights: tuple[float, ...]) -> list[float]:
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def is_dst(tz: str, when: datetime) -> bool:
    """Daylight-saving time in zone ``tz`` at the UTC instant ``when``."""
    year = when.year
    if tz in ("london", "rome"):
        return _at(_last_sunday(year, 3), 1) <= when < _at(_last_sunday(year, 10), 1)
    if tz == "new_york":
        return _at(_nth_sunday(year, 3, 2), 7) <= when < _at(_nth_sunday(year, 11, 1), 6)
    if tz == "sydney":
        ends = _at(_nth_sunday(year, 4, 1), 16) - timedelta(days=1)
        starts = _at(_nth_sunday(year, 10, 1), 16) - timedelta(days=1)
        return when < ends or when >= starts
    raise KeyError(tz)


def utc_offset(tz: str, when: datetime) -> int:
    """Hours east of UTC in zone ``tz`` at the UTC instant ``when``."""
    return STANDARD_OFFSET[tz] + (1 if is_dst(tz, when) else 0)


def local_time(tz: str, when: datetime) -> tuple[datetime, str]:
    """Local wall time (naive) and zone abbreviation of a UTC instant."""
    dst = is_dst(tz, when)
    local = (when + timedelta(hours=STANDARD_OFFSET[tz] + dst)).replace(tzinfo=None)
    return local, ZONE_NAMES[tz][int(dst)]


def near(day: date, anchor: date, days: int) -> bool:
    """True when ``day`` is within ``days`` days of ``anchor``."""
    return abs((day - anchor).days) <= days
