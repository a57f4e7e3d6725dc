"""Compose post texts from the phrase banks, with ground-truth labels.

A post is assembled from parts: an optional opening, a core statement chosen
for its knowledge type and theme, optional details, follow-ups, mentions,
a link, hashtags and emoji.  Slots are filled from per-disease vocabularies,
the author (names, gender, the child of a parent) and the post's date.
Private people sometimes write too much about themselves: e-mail addresses,
phone numbers, a child's full name, links with tracking parameters.  Each
such plant is recorded, so that privacy tests can look for it later.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType

from helpers.demo_corpus import phrases_en, phrases_it
from helpers.demo_corpus.actors import ascii_fold, names_for
from helpers.demo_corpus.calendar import near, rare_disease_day
from helpers.demo_corpus.model import PERSON_OF, Account, OrgSpec

BANKS: dict[str, ModuleType] = {"en": phrases_en, "it": phrases_it}
_SLOT = re.compile(r"\{([a-z_0-9]+)(?::([^{}]*))?\}")
_FORMS = ("del_", "sul_", "dal_", "al_", "a_", "bare_")
LIMITS = {"twitter": 280, "bluesky": 300, "mastodon": 500}
ORG_VOICES = frozenset({"org", "peer_org", "researcher"})  # accounts that write as an organisation
LONG_PLATFORMS = ("facebook", "reddit")

THEME_WEIGHTS = {
    "experiential": {
        "diagnosis": 1.0,
        "treatment_access": 1.0,
        "research": 0.4,
        "symptoms": 1.2,
        "caregiving": 1.0,
        "daily_life": 1.2,
        "mental_health": 1.0,
        "fundraising": 0.4,
        "awareness": 0.5,
        "equipment_benefits": 0.9,
    },
    "mediated_experiential": {
        "diagnosis": 1.0,
        "treatment_access": 1.0,
        "research": 0.4,
        "symptoms": 1.0,
        "caregiving": 0.8,
        "daily_life": 1.2,
        "mental_health": 0.6,
        "fundraising": 0.5,
        "awareness": 0.6,
        "equipment_benefits": 0.7,
    },
    "medical": {"research": 0.45, "treatment_access": 0.3, "symptoms": 0.15, "diagnosis": 0.1},
    "practical": {
        "equipment_benefits": 0.3,
        "daily_life": 0.2,
        "treatment_access": 0.15,
        "caregiving": 0.15,
        "mental_health": 0.08,
        "diagnosis": 0.06,
        "symptoms": 0.06,
    },
    "advocacy": {"fundraising": 0.45, "awareness": 0.4, "treatment_access": 0.1, "research": 0.05},
    "other": {"daily_life": 1.0},
}
ORG_LINKS = {
    "sma-uk": "https://www.smatogether.org.uk",
    "dravet-it": "https://www.dravetinsieme.it",
    "pku-us": "https://pkuvoices.org",
    "fop-au": "https://fopfriends.org.au",
}
ORG_EMAILS = {
    "sma-uk": ["help@smatogether.org.uk", "info@smatogether.org.uk"],
    "dravet-it": ["info@dravetinsieme.it", "sportello@dravetinsieme.it"],
    "pku-us": ["hello@pkuvoices.org"],
    "fop-au": ["support@fopfriends.org.au"],
}
ORG_SHORT = {
    "sma-uk": "SMA Together",
    "dravet-it": "Dravet Insieme",
    "pku-us": "PKU Voices",
    "fop-au": "FOP Friends",
}
EMAIL_DOMAINS = {
    "GB": ["gmail.com", "outlook.com", "hotmail.co.uk", "btinternet.com", "yahoo.co.uk"],
    "IT": ["gmail.com", "libero.it", "hotmail.it", "yahoo.it", "alice.it"],
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"],
    "AU": ["gmail.com", "bigpond.com", "outlook.com", "icloud.com", "optusnet.com.au"],
}
CURRENCY = {"GB": "£", "US": "$", "AU": "$", "IT": "euro"}
SLUG_WORDS = {
    "en": [
        "new",
        "hope",
        "for",
        "families",
        "living",
        "with",
        "rare",
        "conditions",
        "trial",
        "results",
        "access",
        "treatment",
        "guide",
        "support",
        "walk",
        "challenge",
        "appeal",
        "story",
        "journey",
        "research",
        "update",
        "children",
        "adults",
    ],
    "it": [
        "nuove",
        "speranze",
        "per",
        "le",
        "famiglie",
        "malattie",
        "rare",
        "studio",
        "risultati",
        "accesso",
        "terapie",
        "guida",
        "sostegno",
        "corsa",
        "raccolta",
        "storia",
        "ricerca",
        "bambini",
        "genitori",
    ],
}


# Word-level variation, applied to about half the occurrences: single words by lookup,
# a few phrases by pattern (only tried when their first word is present).
WORD_VARIANTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "really": ["really", "so", "genuinely", "truly"],
        "amazing": ["amazing", "incredible", "brilliant", "fantastic"],
        "brilliant": ["brilliant", "amazing", "fantastic", "great"],
        "exhausted": ["exhausted", "shattered", "worn out", "drained"],
        "Honestly": ["Honestly", "Genuinely", "Truthfully", "Tbh"],
        "lovely": ["lovely", "wonderful", "kind", "great"],
        "I'm": ["I'm", "I am", "Im"],
        "don't": ["don't", "do not", "dont"],
        "can't": ["can't", "cannot", "cant"],
        "It's": ["It's", "It is"],
        "kids": ["kids", "children", "little ones"],
        "great": ["great", "good", "fab"],
        "scary": ["scary", "frightening", "terrifying"],
        "worried": ["worried", "anxious", "nervous"],
        "appointment": ["appointment", "appt"],
    },
    "it": {
        "bravissimo": ["bravissimo", "fantastico", "eccezionale"],
        "bravissimi": ["bravissimi", "fantastici", "eccezionali"],
        "bellissima": ["bellissima", "splendida", "stupenda"],
        "bellissimo": ["bellissimo", "splendido", "stupendo"],
        "davvero": ["davvero", "veramente"],
        "tantissimo": ["tantissimo", "moltissimo"],
        "stanchissima": ["stanchissima", "distrutta", "sfinita"],
        "Sinceramente": ["Sinceramente", "Onestamente", "A dire il vero"],
        "bambini": ["bambini", "bimbi"],
        "Condividete": ["Condividete", "Fate girare", "Diffondete"],
        "tanto": ["tanto", "molto"],
        "subito": ["subito", "immediatamente"],
    },
}
PHRASE_VARIANTS: dict[str, list[tuple[str, re.Pattern[str], list[str]]]] = {
    "en": [
        (probe, re.compile(pattern), alts)
        for probe, pattern, alts in (
            (
                "Thank you",
                r"\bThank you(?! so much)",
                ["Thank you", "Thanks", "Thanks so much", "Many thanks"],
            ),
            ("a lot", r"\ba lot\b", ["a lot", "loads", "so much"]),
            ("this week", r"\bthis week\b", ["this week", "over the last few days", "lately"]),
            ("last night", r"\blast night\b", ["last night", "overnight"]),
            ("Please share", r"\bPlease share\b", ["Please share", "Please do share", "Share if you can"]),
            (
                "Anyone else?",
                r"\bAnyone else\?",
                ["Anyone else?", "Anyone else??", "Is it just us?", "Anyone?"],
            ),
            ("so proud", r"\bso proud\b", ["so proud", "so very proud", "incredibly proud"]),
        )
    ],
    "it": [
        (probe, re.compile(pattern), alts)
        for probe, pattern, alts in (
            (
                "Grazie",
                r"\bGrazie\b(?! mille| di cuore| davvero)",
                ["Grazie", "Grazie mille", "Grazie davvero"],
            ),
            ("la settimana scorsa", r"\bla settimana scorsa\b", ["la settimana scorsa", "qualche giorno fa"]),
            ("Che bello", r"\bChe bello\b", ["Che bello", "Che meraviglia", "Troppo bello"]),
        )
    ],
}
_WORDS = re.compile(r"([\w']+)")
FILLERS = {
    "en": [
        "Honestly, ",
        "To be fair, ",
        "Tbh ",
        "Ugh. ",
        "Also, ",
        "Anyway, ",
        "Oh and ",
        "So, ",
        "Right, ",
        "Not gonna lie, ",
    ],
    "it": ["Sinceramente, ", "Comunque, ", "Insomma, ", "Uff. ", "Ecco, ", "Allora, ", "Niente, ", "Però "],
}


@dataclass
class Composed:
    """A composed text and its labels."""

    text: str
    knowledge_type: str
    theme: str
    person: str
    title: str = ""
    mentions: list[Account] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    pii: dict[str, list[str]] = field(default_factory=dict)


class SlotFiller:
    """Fills the slots of one post's templates; a slot keeps its value within the post."""

    def __init__(
        self, composer: Composer, author: Account, when: datetime, child_full_p: float = 0.0
    ) -> None:
        self.c = composer
        self.rng = composer.rng
        self.author = author
        self.when = when
        self.child_full_p = child_full_p
        self.cache: dict[str, object] = {}
        self.pii: dict[str, list[str]] = {}

    def fill(self, template: str) -> str:
        text = template
        for _ in range(4):
            if "{" not in text:
                break
            text = _SLOT.sub(self._replace, text)
        return text[:1].upper() + text[1:] if text[:1].islower() else text

    def _replace(self, match: re.Match) -> str:
        name, arg = match.group(1), match.group(2)
        if arg is not None:
            male, _, female = arg.partition("|")
            return male if self._gender(name) == "m" else female
        return str(self.value(name))

    def _gender(self, who: str) -> str:
        if who == "a":
            return self.author.gender
        if who == "c":
            self.value("child")
            return str(self.cache["child_gender"])
        if who == "m":
            self.value("member")
            return str(self.cache["member_gender"])
        return "f"

    def _family(self, name: str, form: str = "") -> str:
        key = f"fam:{name}"
        if key not in self.cache:
            base = name[:-1] if name.endswith("2") and name[:-1] in self.c.vocab else name
            options = list(self.c.vocab[base])
            if base != name and f"fam:{base}" in self.cache and len(options) > 1:
                options = [o for o in options if o is not self.cache[f"fam:{base}"]]
            self.cache[key] = self.rng.choice(options)
        entry = self.cache[key]
        if isinstance(entry, dict):
            return entry.get(form, entry.get("", ""))
        return entry

    def value(self, name: str) -> object:
        if name in self.cache:
            return self.cache[name]
        value = self._compute(name)
        self.cache[name] = value
        return value

    def _compute(self, name: str) -> object:
        rng, c = self.rng, self.c
        for prefix in _FORMS:
            if name.startswith(prefix) and c.is_family(name[len(prefix) :]):
                return self._family(name[len(prefix) :], prefix[:-1])
        if c.is_family(name):
            return self._family(name)
        numbers = {
            "age": (2, 15),
            "adult_age": (19, 58),
            "months": (2, 18),
            "weeks": (2, 16),
            "years": (2, 14),
            "small": (2, 9),
            "member_age": (14, 40),
            "pct": (20, 95),
        }
        if name in numbers:
            low, high = numbers[name]
            return rng.randint(low, high)
        if name == "small2":
            return int(self.value("small")) + rng.randint(2, 8)
        if name == "big":
            return c.number(rng.choice([120, 250, 400, 800, 1200, 2500, 3000, 5000, 7500]))
        if name == "year":
            return self.when.year + (1 if self.when.month == 12 and rng.random() < 0.5 else 0)
        if name == "money":
            return c.money(rng.choice([350, 480, 750, 1240, 2100, 3600, 5000, 12500, 25000, 48000]))
        if name == "small_money":
            return c.money(rng.choice([2, 3, 5, 10]))
        if name == "date":
            return c.date_text(self.when + timedelta(days=rng.randint(7, 60)))
        if name == "phe":
            return f"{rng.uniform(1.5, 14.0):.1f} mg/dL"
        if name == "child":
            return self._child()
        if name in ("ad_child", "ad_member"):
            person = str(self.value(name[3:]))
            return f"ad {person}" if person[:1] in "AÀ" else f"a {person}"
        if name == "sibling":
            return c.names.first(rng, rng.choice("fm"))
        if name == "family":
            return self.author.family_name or rng.choice(c.names.surnames)
        if name == "member":
            gender = rng.choice("fm")
            self.cache["member_gender"] = gender
            first = c.names.first(rng, gender)
            if rng.random() < 0.25:
                full = f"{first} {rng.choice(c.names.surnames)}"
                self.pii.setdefault("person_names", []).append(full)
                return full
            return first
        if name == "org_short":
            return self.author.display_name if self.author.kind in ORG_VOICES else ORG_SHORT[c.org.id]
        if name == "org":
            return c.org.name
        if name == "org_email":
            email = rng.choice(ORG_EMAILS[c.org.id])
            self.pii.setdefault("emails", []).append(email)
            return email
        if name == "org_phone":
            phone = c.org_phone
            self.pii.setdefault("phones", []).append(phone)
            return phone
        if name == "email":
            email = c.email_of(self.author)
            self.pii.setdefault("emails", []).append(email)
            return email
        if name == "phone":
            phone = c.phone_of(self.author)
            self.pii.setdefault("phones", []).append(phone)
            return phone
        raise KeyError(f"unknown slot {name!r}")

    def _child(self) -> str:
        author, rng, c = self.author, self.rng, self.c
        if author.child_name:
            first, gender = author.child_name, author.child_gender
        else:
            gender = rng.choice("fm")
            first = c.names.first(rng, gender)
        self.cache["child_gender"] = gender
        if self.child_full_p and rng.random() < self.child_full_p:
            family = author.family_name or rng.choice(c.names.surnames)
            full = f"{first} {family}"
            self.pii.setdefault("person_names", []).append(full)
            return full
        return first


class Composer:
    """Writes the posts of one organisation on one platform."""

    def __init__(self, rng: random.Random, org: OrgSpec, platform: str) -> None:
        self.rng = rng
        self.org = org
        self.platform = platform
        self.bank = BANKS[org.lang]
        self.lang = org.lang
        self.names = names_for(org.lang, org.country)
        self.vocab: dict[str, list] = {**self.bank.COMMON, **self.bank.VOCAB[org.disease]}
        self.vocab_names = set(self.vocab)
        self.limit = LIMITS.get(platform)
        self.link_weight = {"bluesky": 30, "mastodon": 23}.get(platform, 23)
        self.long = platform in LONG_PLATFORMS
        self.org_phone = self._org_phone()
        self._emails: dict[int, str] = {}
        self._phones: dict[int, str] = {}

    def is_family(self, name: str) -> bool:
        """True when ``name`` (or ``name`` without a final ``2``) is a vocabulary slot."""
        return name in self.vocab_names or (name.endswith("2") and name[:-1] in self.vocab_names)

    # ------------------------------------------------------------------ formatting helpers

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

    # ------------------------------------------------------------------ choosing text

    def theme_for(self, kt: str, role: str) -> str:
        weights = dict(THEME_WEIGHTS[kt])
        if kt == "advocacy" and role != "org":
            weights.pop("research", None)
        keys = list(weights)
        return self.rng.choices(keys, [weights[k] for k in keys])[0]

    def _bank_for(self, kt: str, role: str) -> dict[str, list[str]] | list[str]:
        b = self.bank
        org = role == "org"
        return {
            "experiential": b.EXPERIENTIAL,
            "mediated_experiential": b.ORG_MEDIATED if org else b.MEDIATED,
            "medical": b.MEDICAL_ORG if org else b.MEDICAL_PUBLIC,
            "practical": b.PRACTICAL_ORG if org else b.PRACTICAL_PUBLIC,
            "advocacy": b.ADVOCACY_ORG if org else b.ADVOCACY_PUBLIC,
            "other": b.OTHER_ORG if org else b.OTHER_PUBLIC,
        }[kt]

    def core(self, kt: str, theme: str, role: str, when: datetime | None = None) -> tuple[str, str]:
        """A core template for ``kt``, preferably of ``theme``, fitting the date; (template, theme)."""
        for _ in range(12):
            template, chosen = self._core_once(kt, theme, role)
            if when is None or fits_date(template, when):
                return template, chosen
        return template, chosen

    def _core_once(self, kt: str, theme: str, role: str) -> tuple[str, str]:
        rng = self.rng
        bank = self._bank_for(kt, role)
        special = self.bank.DISEASE_LINES.get(self.org.disease, {}).get(kt, [])
        if special and rng.random() < 0.12 and not (kt == "mediated_experiential" and role == "org"):
            return rng.choice(special), theme
        if isinstance(bank, list):
            return rng.choice(bank), theme
        if "any" in bank:
            return rng.choice(bank["any"]), theme
        if theme not in bank:
            theme = rng.choice(sorted(bank))
        return rng.choice(bank[theme]), theme

    # ------------------------------------------------------------------ composing

    def compose(
        self,
        author: Account,
        kt: str,
        theme: str,
        *,
        style: str,
        when: datetime,
        mentions: list[Account] | None = None,
        lead_mentions: list[Account] | None = None,
        plants: bool = True,
        hashtag_p: float | None = None,
        link_p: float | None = None,
        addressee: Account | None = None,
        reserve: int = 0,
    ) -> Composed:
        """Compose one text.

        Parameters
        ----------
        author : Account
        kt, theme : str
            Knowledge type and theme wanted; the theme may change when the
            bank has no template for it (the returned theme is the truth).
        style : str
            ``post``, ``question``, ``answer``, ``followup``, ``reply``,
            ``call``, ``amplify``.
        when : datetime
            Post time (dates in the text, awareness hashtags).
        mentions : list of Account
            People or organisations mentioned in the text.
        lead_mentions : list of Account
            Mentions written first (Twitter and Mastodon replies).
        plants : bool
            Allow privacy plants (e-mail, phone, full names, tracking links).
        """
        rng = self.rng
        role = "org" if author.role == "org" or author.kind in ORG_VOICES else "public"
        private = author.is_person and plants
        filler = SlotFiller(self, author, when, child_full_p=0.08 if private else 0.0)
        sentences, theme = self._sentences(kt, theme, role, style, filler, when)
        parts = [self._vary(filler.fill(s), author.is_person) for s in sentences]
        if style in ("reply", "answer", "followup") and addressee is not None:
            parts = self._address(parts, addressee, role)
        if private and not filler.pii.get("person_names"):
            parts = [self._noise(p) for p in parts]
        extra_lines: list[str] = []
        if private and rng.random() < 0.022:
            extra_lines.append(filler.fill(rng.choice(self.bank.EMAIL_LINES)))
        if private and rng.random() < 0.018:
            extra_lines.append(filler.fill(rng.choice(self.bank.PHONE_LINES)))
        if role == "org" and kt == "practical" and rng.random() < 0.15:
            extra_lines.append(filler.fill(rng.choice(self.bank.ORG_CONTACT_LINES)))
        if self.platform == "facebook" and role == "org" and rng.random() < 0.4:
            extra_lines.append(filler.fill(rng.choice(self.bank.FACEBOOK_SIGNOFFS)))
        mention_accounts = list(mentions or [])
        mention_lines = []
        for account in mention_accounts:
            line = rng.choice(self.bank.MENTION_LINES)
            mention_lines.append(
                filler.fill(line.replace("{mention}", "\x00")).replace("\x00", self.mention_token(account))
            )
        exchange = style in ("reply", "answer", "followup")
        if exchange and kt == "other":
            link_p = 0.0
        urls, link_line = self._link(kt, role, author, when, link_p, filler, private)
        if exchange and hashtag_p is None:
            hashtag_p = 0.2
        tags = self._hashtags(kt, when, hashtag_p)
        if exchange:
            tags = tags[:1]
        emoji = rng.choice(self.bank.EMOJI[kt]) if rng.random() < (0.3 if self.lang == "it" else 0.35) else ""
        lead = " ".join(self.mention_token(a) for a in lead_mentions or [])
        text = self._assemble(parts, extra_lines, mention_lines, link_line, tags, emoji, lead, reserve)
        all_mentions = list(lead_mentions or []) + mention_accounts
        person = PERSON_OF.get(kt, "none")
        title = ""
        if self.platform == "reddit" and style in ("post", "question", "call"):
            title = self._title(kt, role, style, sentences, filler, when)
        hashtags = _tags_in(text)
        return Composed(
            text=text,
            knowledge_type=kt,
            theme=theme,
            person=person,
            title=title,
            mentions=all_mentions,
            hashtags=hashtags,
            urls=urls,
            pii=filler.pii,
        )

    def _sentences(
        self, kt: str, theme: str, role: str, style: str, filler: SlotFiller, when: datetime
    ) -> tuple[list[str], str]:
        """The sentence templates of a text in ``style``, and the theme they are about."""
        handler = {
            "question": self._question,
            "answer": self._answer,
            "followup": self._followup,
            "call": self._call,
            "amplify": self._amplify,
            "reply": self._reply,
        }.get(style, self._post)
        return handler(kt, theme, role, when)

    def _question(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.QUESTIONS.get(kt) or b.QUESTIONS["practical"])]
        if rng.random() < 0.3:
            out.insert(0, rng.choice(b.QUESTION_OPENERS))
        if self.long:
            out.append(rng.choice(b.QUESTION_CONTEXT))
        return out, theme

    def _answer(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.ORG_ANSWERS.get(kt) or b.ORG_ANSWERS["other"])]
        if rng.random() < 0.4:
            out.append(rng.choice(b.DETAILS.get(kt, b.DETAILS["other"])))
        return out, theme

    def _followup(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.FOLLOW_UPS.get(kt) or b.FOLLOW_UPS["other"])]
        if rng.random() < 0.35:
            out.append(rng.choice(b.PEER_REPLIES["other"] + b.DETAILS["other"]))
        return list(dict.fromkeys(out)), theme

    def _call(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        return [_pick_dated(self.rng, self.bank.CALL_FOR_STORIES, when)], theme

    def _amplify(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        return [_pick_dated(self.rng, self.bank.AMPLIFY_COMMENTS[kt], when)], theme

    def _reply(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        """A reply: short support, or a story, tip or fact of the same theme."""
        rng, b = self.rng, self.bank
        if kt == "other" or (kt in b.PEER_REPLIES and rng.random() < 0.45):
            bank = b.PEER_REPLIES.get(kt, b.PEER_REPLIES["other"])
            out = rng.sample(bank, k=2 if rng.random() < 0.45 else 1)
            if kt == "other" and rng.random() < 0.5:
                out.append(rng.choice(b.PEER_REPLIES["other"] + b.DETAILS["other"]))
            return list(dict.fromkeys(out)), theme
        core, theme = self.core(kt, theme, role, when)
        out = [core]
        if kt in b.REPLY_OPENERS and rng.random() < 0.6:
            out.insert(0, rng.choice(b.REPLY_OPENERS[kt]))
        if rng.random() < (0.5 if self.long else 0.2):
            out.append(rng.choice(b.DETAILS[kt]))
        if kt in ("experiential", "mediated_experiential"):
            out += self._theme_details(theme, 0.35)
        return out, theme

    def _post(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        """A post that starts a thread: opening, core, details, maybe a second story sentence."""
        rng, b = self.rng, self.bank
        n_details = rng.choice([1, 2, 2, 3]) if self.long else rng.choice([0, 0, 1])
        core, theme = self.core(kt, theme, role, when)
        out = [core]
        org_story = kt == "mediated_experiential" and role == "org"
        if rng.random() < 0.3 and not org_story and kt != "other":
            out.insert(0, _pick_dated(rng, b.OPENINGS[kt], when))
        special = b.DISEASE_LINES.get(self.org.disease, {}).get(kt, [])
        if special and rng.random() < 0.2 and role != "org":
            line = rng.choice(special)
            if line not in out:
                out.append(line)
        details = b.ORG_STORY_DETAILS if org_story else b.DETAILS[kt]
        out.extend(rng.sample(details, k=min(n_details, len(details))))
        if kt in ("experiential", "mediated_experiential") and not org_story:
            out += self._theme_details(theme)
        if self.long and kt in ("experiential", "mediated_experiential") and rng.random() < 0.6:
            more, _ = self.core(kt, theme, role, when)
            if more not in out:
                out.insert(2 if len(out) > 2 else len(out), more)
        return out, theme

    def _theme_details(self, theme: str, p: float = 0.55) -> list[str]:
        """Zero, one or (on long platforms) two detail sentences about the theme."""
        rng = self.rng
        options = self.bank.THEME_DETAILS.get(theme, [])
        if not options or rng.random() > p:
            return []
        k = rng.choice([1, 2]) if self.long else 1
        return rng.sample(options, k=min(k, len(options)))

    def _title(
        self, kt: str, role: str, style: str, sentences: list[str], filler: SlotFiller, when: datetime
    ) -> str:
        """A Reddit title: the question itself, or one from the title bank."""
        rng = self.rng
        if style == "question":
            question = (
                sentences[-2]
                if len(sentences) > 1 and sentences[-1] in self.bank.QUESTION_CONTEXT
                else sentences[-1]
            )
            return filler.fill(question)
        if role == "org":
            bank = self.bank.REDDIT_ORG_TITLES
            titles = bank.get("call" if style == "call" else kt) or bank["other"]
        else:
            titles = self.bank.REDDIT_TITLES.get(kt) or self.bank.REDDIT_TITLES["other"]
        return filler.fill(_pick_dated(rng, titles, when))

    def _vary(self, text: str, person: bool) -> str:
        """Swap some words for synonyms; private people also start sentences with fillers."""
        rng = self.rng
        words = WORD_VARIANTS[self.lang]
        parts = _WORDS.split(text)
        for i in range(1, len(parts), 2):
            options = words.get(parts[i])
            if options is not None and rng.random() < 0.5:
                parts[i] = rng.choice(options)
        text = "".join(parts)
        for probe, pattern, alternatives in PHRASE_VARIANTS[self.lang]:
            if probe in text:
                text = pattern.sub(
                    lambda m, a=alternatives: rng.choice(a) if rng.random() < 0.5 else m.group(0), text
                )
        if person and rng.random() < 0.08 and text[:1].isalpha():
            first = text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
            text = rng.choice(FILLERS[self.lang]) + first
        if person and text.endswith("!") and rng.random() < 0.25:
            text += rng.choice(["!", "!!"])
        return text

    def _address(self, parts: list[str], addressee: Account, role: str) -> list[str]:
        """Sometimes address the person replied to by first name."""
        rng = self.rng
        name = addressee.first_name if addressee.is_person else ""
        if not name or not parts or rng.random() > 0.35:
            return parts
        first = parts[0]
        if rng.random() < 0.5 and first[-1:] in ".!?":
            parts[0] = f"{first[:-1]}, {name}{first[-1]}"
        else:
            keep = first.startswith(("I ", "I'")) or (len(first) > 1 and first[1].isupper())
            parts[0] = f"{name}, {first if keep else first[:1].lower() + first[1:]}"
        return parts

    def _noise(self, text: str) -> str:
        """Occasional typos and all-lower-case writing of private people."""
        rng = self.rng
        if rng.random() < 0.07:
            text = text.lower()
        if rng.random() < 0.08:
            words = text.split(" ")
            candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if candidates:
                i = rng.choice(candidates)
                w = words[i]
                j = rng.randrange(1, len(w) - 2)
                kind = rng.random()
                if kind < 0.4:
                    w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
                elif kind < 0.7:
                    w = w[:j] + w[j + 1 :]
                else:
                    w = w[:j] + w[j] + w[j:]
                words[i] = w
                text = " ".join(words)
        return text

    def _hashtags(self, kt: str, when: datetime, hashtag_p: float | None) -> list[str]:
        rng = self.rng
        if self.platform == "reddit":
            return []
        base = self.bank.HASHTAGS[self.org.disease]
        events = self.bank.EVENT_HASHTAGS
        p = hashtag_p if hashtag_p is not None else (0.7 if self.platform == "facebook" else 0.5)
        tags: list[str] = []
        if rng.random() < p:
            tags = rng.sample(base, k=rng.choice([1, 1, 2, 2, 3]))
        day = when.date()
        if near(day, rare_disease_day(day.year), 5) and rng.random() < 0.7:
            tags.insert(0, rng.choice(events["rdd"]))
        event_key, anchor, window = _org_event(self.org.id, day)
        if event_key and event_key in events and near(day, anchor, window) and rng.random() < 0.6:
            tags.insert(0, rng.choice(events[event_key]))
        seen: list[str] = []
        for tag in tags:
            if tag.lower() not in {t.lower() for t in seen}:
                seen.append(tag)
        return seen

    def _link(
        self,
        kt: str,
        role: str,
        author: Account,
        when: datetime,
        link_p: float | None,
        filler: SlotFiller,
        private: bool,
    ) -> tuple[list[str], str]:
        rng = self.rng
        default = {
            "medical": 0.7,
            "practical": 0.35,
            "advocacy": 0.55,
            "experiential": 0.05,
            "mediated_experiential": 0.08,
            "other": 0.03,
        }[kt]
        if role == "org":
            default = min(1.0, default + 0.15)
        if rng.random() >= (default if link_p is None else link_p):
            return [], ""
        url = self.url(kt, role, when, author)
        if "?" in url:
            filler.pii.setdefault("tracking_urls", []).append(url)
        leads = self.bank.LINK_LEADS.get(kt) or self.bank.LINK_LEADS["other"]
        lead = rng.choice(leads) if rng.random() < 0.6 else ""
        return [url], f"{lead} {url}".strip()

    def url(self, kt: str, role: str, when: datetime, author: Account) -> str:
        """A link fitting the knowledge type: medical sources, fundraising, news or the org's site."""
        rng = self.rng
        slug = "-".join(rng.sample(SLUG_WORDS[self.lang], k=rng.randint(3, 6)))
        ymd = when.strftime("%Y/%m/%d")
        digits = "".join(rng.choices(string.digits, k=9))
        yy = when.year % 100
        if kt == "medical":
            choices = [
                f"https://clinicaltrials.gov/study/NCT0{rng.randrange(5000000, 7000000)}",
                f"https://pubmed.ncbi.nlm.nih.gov/{rng.randrange(36000000, 40000000)}/",
                f"https://www.nih.gov/news-events/news-releases/{slug}",
                f"https://www.nature.com/articles/s41591-0{yy}-0{rng.randrange(1000, 4000)}"
                f"-{rng.choice('0123456789x')}",
                f"https://www.thelancet.com/journals/laneur/article/PIIS1474-4422({yy})"
                f"00{rng.randrange(100, 500)}-{rng.randrange(10)}/fulltext",
                f"https://www.ema.europa.eu/en/medicines/human/EPAR/{rng.choice(self._drug_names()).lower()}",
                f"https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD0{rng.randrange(10000, 16000)}"
                f".pub{rng.randint(2, 4)}/full",
            ]
            choices.append(
                f"https://www.aifa.gov.it/-/{slug}"
                if self.lang == "it"
                else f"https://www.nice.org.uk/guidance/ta{rng.randrange(500, 1000)}"
            )
            url = rng.choice(choices)
        elif kt == "advocacy" or (kt in ("experiential", "mediated_experiential") and rng.random() < 0.6):
            name = ascii_fold(author.child_name or author.first_name or "family").lower()
            choices = [
                f"https://www.justgiving.com/page/{name}-{slug.split('-')[0]}-{when.year}",
                f"https://www.gofundme.com/f/{slug}-for-{name}",
                f"{ORG_LINKS[self.org.id]}/{'dona' if self.lang == 'it' else 'donate'}",
                f"{ORG_LINKS[self.org.id]}/{'eventi' if self.lang == 'it' else 'events'}/{slug}",
            ]
            if self.lang == "it":
                choices.append(f"https://www.repubblica.it/salute/{ymd}/news/{slug}-{digits}/")
            else:
                choices.append(
                    {
                        "GB": f"https://www.bbc.co.uk/news/health-{digits[:8]}",
                        "US": f"https://www.npr.org/sections/health-shots/{ymd}/{digits}/{slug}",
                        "AU": f"https://www.abc.net.au/news/{when:%Y-%m-%d}/{slug}/{digits}",
                    }[self.org.country]
                )
            url = rng.choice(choices)
        else:
            path = {
                "it": ["risorse", "guide", "sportello", "gruppi"],
                "en": ["resources", "guides", "helpline", "support-groups"],
            }[self.lang]
            url = f"{ORG_LINKS[self.org.id]}/{rng.choice(path)}/{slug}"
        if rng.random() < 0.3:
            source = {
                "twitter": "twitter",
                "facebook": "facebook",
                "mastodon": "mastodon",
                "bluesky": "bluesky",
                "reddit": "reddit",
            }[self.platform]
            url += f"?utm_source={source}&utm_medium=social&utm_campaign={slug.split('-')[0]}{when.year}"
            if rng.random() < 0.5:
                url += "&fbclid=IwAR" + "".join(rng.choices(string.ascii_letters + string.digits, k=30))
        return url

    def _drug_names(self) -> list[str]:
        names = []
        for entry in self.vocab["drug"]:
            names.append(entry.get("", "").split(" ")[-1] if isinstance(entry, dict) else entry)
        return names

    def _assemble(
        self,
        parts: list[str],
        extra: list[str],
        mention_lines: list[str],
        link: str,
        tags: list[str],
        emoji: str,
        lead: str,
        reserve: int = 0,
    ) -> str:
        """Join the parts, dropping optional ones until the text fits the platform limit."""
        rng = self.rng
        inline_tag = None
        if tags and rng.random() < 0.25:
            for tag in tags:
                pattern = re.compile(rf"(?<![#@\w]){re.escape(tag)}(?!\w)")
                body = " ".join(parts)
                if pattern.search(body):
                    inline_tag = tag
                    parts = [pattern.sub("#" + tag, p, count=1) for p in parts]
                    break
        tail_tags = [t for t in tags if t != inline_tag]
        core_index = 1 if len(parts) > 1 and parts[0].endswith((":", "!", ".")) and len(parts[0]) < 60 else 0
        optional = list(range(len(parts)))
        while True:
            text = self._join(parts, optional, extra, mention_lines, link, tail_tags, emoji, lead)
            if self.limit is None or _weighted_length(text, self.link_weight) + reserve <= self.limit:
                return text
            droppable = [i for i in optional if i != core_index]
            if droppable:
                optional.remove(droppable[-1])
            elif extra:
                extra = extra[:-1]
            elif emoji:
                emoji = ""
            elif tail_tags:
                tail_tags = tail_tags[:-1]
            elif mention_lines:
                mention_lines = mention_lines[:-1]
            else:
                length = _weighted_length(text, self.link_weight)
                budget = self.limit - reserve - (length - len(parts[core_index])) - 2
                words = parts[core_index][: max(20, budget)].rsplit(" ", 1)[0]
                parts = list(parts)
                parts[core_index] = words + "…"

    def _join(
        self,
        parts: list[str],
        keep: list[int],
        extra: list[str],
        mention_lines: list[str],
        link: str,
        tags: list[str],
        emoji: str,
        lead: str,
    ) -> str:
        body = [parts[i] for i in keep]
        if self.long and len(body) > 2:
            text = " ".join(body[:2]) + "\n\n" + " ".join(body[2:])
        else:
            text = " ".join(body)
        if emoji:
            text = f"{text} {emoji}"
        if mention_lines:
            text = f"{text} {' '.join(mention_lines)}"
        if extra:
            text += ("\n\n" if self.long else " ") + " ".join(extra)
        if link:
            text += ("\n\n" if self.long else " ") + link
        if tags:
            sep = "\n\n" if self.long or len(tags) > 2 else " "
            text += sep + " ".join("#" + t for t in tags)
        if lead:
            text = f"{lead} {text}"
        return text


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


def _weighted_length(text: str, link_weight: int = 23) -> int:
    """Length as the platform counts it: a link counts ``link_weight`` (23 on Twitter)."""
    length = len(text)
    for url in re.findall(r"https?://\S+", text):
        length += link_weight - len(url)
    return length


def _tags_in(text: str) -> list[str]:
    seen: list[str] = []
    for tag in re.findall(r"(?<![\w#/])#(\w*[^\W\d_]\w*)", text):
        if tag not in seen:
            seen.append(tag)
    return seen


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
