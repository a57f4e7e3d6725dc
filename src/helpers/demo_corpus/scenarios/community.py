"""An organisation's community on one platform: its accounts, its composer and its calendar."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field

from helpers.demo_corpus.calendar import Calendar
from helpers.demo_corpus.model import Account, OrgSpec
from helpers.demo_corpus.text import Composer


@dataclass
class Community:
    """An organisation's community on one platform: accounts, text and calendar."""

    org: OrgSpec
    platform: str
    org_account: Account
    peers: list[Account]
    people: list[Account]
    composer: Composer
    calendar: Calendar
    rng: random.Random
    family_pages: list[Account] = field(default_factory=list)
    voices: list[Account] = field(default_factory=list)  # media, public body, company
    gatekeepers: list[Account] = field(default_factory=list)  # people who pass experts' posts on
    _cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reweigh()

    def reweigh(self) -> None:
        """Recompute the cumulative activity weights of the people."""
        total, self._cum = 0.0, []
        for person in self.people:
            total += person.weight
            self._cum.append(total)

    def person(self, exclude: tuple[Account, ...] = (), kinds: tuple[str, ...] = ()) -> Account:
        """A private person, by activity weight, optionally of some kinds, not in ``exclude``."""
        chosen = self.people[0]
        for attempt in range(30):
            index = bisect.bisect_left(self._cum, self.rng.random() * self._cum[-1])
            chosen = self.people[min(index, len(self.people) - 1)]
            if chosen in exclude:
                continue
            if kinds and chosen.kind not in kinds and attempt < 20:
                continue
            return chosen
        return chosen
