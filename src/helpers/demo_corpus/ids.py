"""Platform-shaped identifiers, unique within a demo run.

Twitter and Mastodon ids are snowflakes that grow with time, Reddit ids are
base36 and roughly sequential, Bluesky record keys are TIDs (time-ordered,
base32-sortable), DIDs are ``did:plc:`` plus 24 base32 characters.
"""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime

TWITTER_EPOCH_MS = 1288834974657
_BASE36 = string.digits + string.ascii_lowercase
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_BASE32_SORT = "234567abcdefghijklmnopqrstuvwxyz"
_REDDIT_ZERO = datetime(2024, 1, 1, tzinfo=UTC)
# Approximate Reddit id counters at 2024-01-01 and their growth per second.
_REDDIT_START = {"t3": int("18vr000", 36), "t1": int("kgm0000", 36)}
_REDDIT_RATE = {"t3": 9, "t1": 75}


def base36(number: int) -> str:
    """Return ``number`` written in lower-case base 36."""
    if number == 0:
        return "0"
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_BASE36[rest])
    return "".join(reversed(digits))


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class IdFactory:
    """Make identifiers with one random stream, never repeating one."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value

    def tweet(self, when: datetime) -> str:
        """A tweet id (snowflake) for a tweet created at ``when``."""
        base = (_ms(when) - TWITTER_EPOCH_MS) << 22
        return self._unique(lambda: str(base | (self.rng.randrange(1024) << 12) | self.rng.randrange(4096)))

    def twitter_user(self, created: datetime) -> str:
        """A user id: short numbers for old accounts, snowflakes after 2016."""
        if created.year < 2016:
            digits = 8 if created.year < 2010 else 9 if created.year < 2013 else 10
            return self._unique(lambda: str(self.rng.randrange(10 ** (digits - 1), 10**digits)))
        return self.tweet(created)

    def mastodon(self, when: datetime) -> str:
        """A Mastodon id (milliseconds shifted by 16 bits plus random bits)."""
        return self._unique(lambda: str((_ms(when) << 16) | self.rng.randrange(65536)))

    def reddit(self, kind: str, when: datetime) -> str:
        """A base36 Reddit id (without prefix) for ``kind`` ``t3`` or ``t1``."""
        seconds = max(0, int((when - _REDDIT_ZERO).total_seconds()))
        base = _REDDIT_START[kind] + seconds * _REDDIT_RATE[kind]
        return self._unique(lambda: base36(base + self.rng.randrange(_REDDIT_RATE[kind])))

    def reddit_account(self) -> str:
        """An account fullname ``t2_...``."""
        return self._unique(lambda: "t2_" + base36(self.rng.randrange(36**7, 36**10)))

    def tid(self, when: datetime) -> str:
        """A Bluesky record key: 13 base32-sortable characters of time and clock id."""
        micros = int(when.timestamp() * 1_000_000)

        def make() -> str:
            value = (micros << 10) | self.rng.randrange(1024)
            chars = []
            for _ in range(13):
                chars.append(_BASE32_SORT[value & 31])
                value >>= 5
            return "".join(reversed(chars))

        return self._unique(make)

    def did(self) -> str:
        """A ``did:plc:`` identifier."""
        return self._unique(lambda: "did:plc:" + "".join(self.rng.choices(_BASE32, k=24)))

    def cid(self) -> str:
        """A CIDv1 string as Bluesky shows them (``bafyrei...``)."""
        return self._unique(lambda: "bafyrei" + "".join(self.rng.choices(_BASE32, k=52)))

    def digits(self, count: int, first: str = "") -> str:
        """A number with ``count`` digits in total, starting with ``first``."""
        rest = count - len(first)
        return self._unique(lambda: first + str(self.rng.randrange(10 ** (rest - 1), 10**rest)))

    def token(self, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        """A random token such as a t.co path or a pagination cursor."""
        return self._unique(lambda: "".join(self.rng.choices(alphabet, k=length)))
