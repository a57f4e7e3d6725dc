"""Numbers, money, dates, contact details and mentions as a country and a platform write them."""

from __future__ import annotations

from datetime import datetime

from helpers.demo_corpus.actors import ascii_fold
from helpers.demo_corpus.model import Account

EMAIL_DOMAINS = {
    "GB": ["gmail.com", "outlook.com", "hotmail.co.uk", "btinternet.com", "yahoo.co.uk"],
    "IT": ["gmail.com", "libero.it", "hotmail.it", "yahoo.it", "alice.it"],
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"],
    "AU": ["gmail.com", "bigpond.com", "outlook.com", "icloud.com", "optusnet.com.au"],
}
CURRENCY = {"GB": "£", "US": "$", "AU": "$", "IT": "euro"}


class FormatsMixin:
    """Part of :class:`~helpers.demo_corpus.text.composer.Composer`: numbers, dates, contacts, mentions."""

    def number(self, value: int) -> str:
        text = f"{value:,}"
        return text.replace(",", ".") if self.lang == "it" else text

    def money(self, value: int) -> str:
        symbol = CURRENCY[self.org.country]
        return f"{self.number(value)} euro" if symbol == "euro" else f"{symbol}{self.number(value)}"

    def date_text(self, when: datetime) -> str:
        day = when.day
        if self.lang == "it":
            if day in (1, 8, 11):
                day += 1
            months = [
                "gennaio",
                "febbraio",
                "marzo",
                "aprile",
                "maggio",
                "giugno",
                "luglio",
                "agosto",
                "settembre",
                "ottobre",
                "novembre",
                "dicembre",
            ]
            return f"{day} {months[when.month - 1]}"
        month = when.strftime("%B")
        return f"{month} {day}" if self.org.country == "US" else f"{day} {month}"

    def _org_phone(self) -> str:
        digits = self.rng.randrange(1000)
        return {
            "GB": f"01632 960{digits:03d}",
            "IT": f"+39 02 5550 {self.rng.randrange(10000):04d}",
            "US": f"1-800-555-01{digits % 100:02d}",
            "AU": f"(02) 5550 {self.rng.randrange(10000):04d}",
        }[self.org.country]

    def email_of(self, author: Account) -> str:
        key = id(author)
        if key not in self._emails:
            first = ascii_fold(author.first_name or author.handle).lower() or "hello"
            family = ascii_fold(author.family_name).lower()
            local = (
                self.rng.choice(
                    [
                        f"{first}.{family}",
                        f"{first}{family}{self.rng.randrange(1, 99)}",
                        f"{first[0]}{family}",
                        f"{first}_{family}",
                    ]
                )
                if family
                else first
            )
            self._emails[key] = f"{local}@{self.rng.choice(EMAIL_DOMAINS[self.org.country])}"
        return self._emails[key]

    def phone_of(self, author: Account) -> str:
        key = id(author)
        if key not in self._phones:
            r = self.rng
            self._phones[key] = {
                "GB": r.choice([f"07700 900{r.randrange(1000):03d}", f"+44 7700 900{r.randrange(1000):03d}"]),
                "IT": r.choice(
                    [
                        f"+39 3{r.randrange(20, 50)} {r.randrange(100, 1000)} {r.randrange(10000):04d}",
                        f"3{r.randrange(20, 50)} {r.randrange(1000000, 10000000)}",
                    ]
                ),
                "US": f"({r.choice([617, 303, 404, 206, 312, 713, 612, 503])}) 555-01{r.randrange(100):02d}",
                "AU": r.choice(
                    [f"0491 570 {r.randrange(6, 160):03d}", f"+61 491 570 {r.randrange(6, 160):03d}"]
                ),
            }[self.org.country]
        return self._phones[key]

    def mention_token(self, account: Account) -> str:
        """How a mention of ``account`` is typed on this platform."""
        if self.platform == "reddit":
            return f"u/{account.handle}"
        if self.platform == "mastodon":
            username, instance = account.extra["username"], account.extra["instance"]
            return f"@{username}" if instance == "health.community" else f"@{username}@{instance}"
        return f"@{account.handle}"
