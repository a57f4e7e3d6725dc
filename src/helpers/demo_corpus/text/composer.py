"""The composer of one organisation's posts on one platform, and the slots it fills."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from helpers.demo_corpus.actors import names_for
from helpers.demo_corpus.model import PERSON_OF, Account, OrgSpec
from helpers.demo_corpus.phrases import phrase_bank
from helpers.demo_corpus.text.assembly import AssemblyMixin, _tags_in
from helpers.demo_corpus.text.formats import FormatsMixin
from helpers.demo_corpus.text.seasons import _pick_dated, drift_line, drifted
from helpers.demo_corpus.text.surface import SurfaceMixin
from helpers.demo_corpus.text.templates import TemplatesMixin
from helpers.demo_corpus.text.variation import VariationMixin

_SLOT = re.compile(r"\{([a-z_0-9]+)(?::([^{}]*))?\}")
_FORMS = ("del_", "sul_", "dal_", "al_", "a_", "bare_")
LIMITS = {"twitter": 280, "bluesky": 300, "mastodon": 500}
# Accounts that write as an organisation (clinicians, media, public bodies and companies post only
# in the scenarios of helpers.demo_corpus.scenarios.sources, in the organisations' voice banks).
ORG_VOICES = frozenset({"org", "peer_org", "researcher", "clinician", "media", "public_body", "industry"})
LONG_PLATFORMS = ("facebook", "reddit")
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
    source_types: list[str] = field(default_factory=list)
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
        return self._drifted(name, entry)

    def _drifted(self, name: str, entry: str) -> str:
        """The term as the drifting community writes it on the post's date (:func:`drifted`).

        A second slot of the family (``{drug2}``) keeps its drawn term when the drift would make it
        the first slot's term.
        """
        base = name[:-1] if name.endswith("2") and name[:-1] in self.c.vocab else name
        term = drifted(self.c.org.id, base, entry, self.when)
        first = self.cache.get(f"fam:{base}") if base != name else None
        if first is not None and term == drifted(self.c.org.id, base, first, self.when):
            return entry
        return str(term)

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


class Composer(FormatsMixin, TemplatesMixin, VariationMixin, SurfaceMixin, AssemblyMixin):
    """Writes the posts of one organisation on one platform."""

    def __init__(
        self, rng: random.Random, org: OrgSpec, platform: str, links_rng: random.Random | None = None
    ) -> None:
        self.rng = rng
        # the stream of the links' second choices (own sources, videos, shortening): see SurfaceMixin.url
        self.links_rng = links_rng or random.Random(f"links:{org.id}:{platform}")
        self.drift_rng = random.Random(f"drift:{org.id}:{platform}")  # the planted drifting topic's lines
        self.org = org
        self.platform = platform
        self.bank = phrase_bank(org.lang)
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
        link: tuple[str, str] | None = None,
        via: Account | None = None,
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
        link : (url, source type), optional
            The link to carry (someone passing on a link they saw), instead of a new one.
        via : Account, optional
            The account credited for the link ("via @..."), mentioned after the other mentions.
        """
        rng = self.rng
        role = "org" if author.role == "org" or author.kind in ORG_VOICES else "public"
        private = author.is_person and plants
        filler = SlotFiller(self, author, when, child_full_p=0.08 if private else 0.0)
        sentences, theme = self._sentences(kt, theme, role, style, filler, when)
        parts = [self._vary(filler.fill(s), author.is_person) for s in sentences]
        if (line := drift_line(self.drift_rng, self.org.id, theme, when)) is not None:
            parts.append(line)  # the topic whose words drift (seasons.TOPIC_DRIFT)
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
        if via is not None:
            line = rng.choice(self.bank.VIA_LINES)
            mention_lines.append(line.replace("{mention}", self.mention_token(via)))
            mention_accounts.append(via)
        exchange = style in ("reply", "answer", "followup")
        if exchange and kt == "other":
            link_p = 0.0
        urls, kinds, link_line = self._link(kt, role, author, when, link_p, filler, link)
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
            source_types=kinds,
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

    def _link(
        self,
        kt: str,
        role: str,
        author: Account,
        when: datetime,
        link_p: float | None,
        filler: SlotFiller,
        link: tuple[str, str] | None = None,
    ) -> tuple[list[str], list[str], str]:
        """The link of a text, its planted source type and the line that carries it."""
        rng = self.rng
        if link is not None:
            leads = self.bank.LINK_LEADS.get(kt) or self.bank.LINK_LEADS["other"]
            lead = rng.choice(leads) if rng.random() < 0.6 else ""
            return [link[0]], [link[1]], f"{lead} {link[0]}".strip()
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
            return [], [], ""
        url, kind = self.url(kt, role, when, author)
        if "?" in url:
            filler.pii.setdefault("tracking_urls", []).append(url)
        leads = self.bank.LINK_LEADS.get(kt) or self.bank.LINK_LEADS["other"]
        lead = rng.choice(leads) if rng.random() < 0.6 else ""
        return [url], [kind], f"{lead} {url}".strip()
