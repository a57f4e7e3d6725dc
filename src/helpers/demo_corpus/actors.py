"""Who posts: organisation accounts, peers, and a long tail of private people.

Every organisation has its own accounts (handles exactly as in
``config/study.yml``), a few peers (other organisations, clinicians,
researchers, family-run pages) and a population of private people whose
activity is long-tailed: a few post often, most once.  A handful of people
take part in both Twitter communities (same account id), so that network
analysis can find bridges between organisations.  Advocates are patients or
family carers who campaign: their identity is drawn once per account
(:func:`assign_identity`).  The voices from outside the communities (media,
public bodies, companies) are in :mod:`helpers.demo_corpus.voices`.  All names
are invented.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import Account, OrgSpec


def _w(block: str) -> list[str]:
    return block.split()


# Random two-digit suffixes tried for a taken handle before counting up (large corpora exhaust them).
RANDOM_SUFFIX_TRIES = 500

EN_FEMALE = _w("""Olivia Amelia Isla Ava Mia Ivy Lily Sophie Grace Freya Emily Ella Poppy Evie Charlotte
    Ruby Chloe Jessica Hannah Lucy Zara Niamh Megan Holly Rachel Sarah Laura Emma Kate Helen Joanne Claire
    Nicola Becky Gemma Aisha Priya Fatima Amara Siobhan Rhiannon Morag Kirsty Tegan Jade Leanne Maya Harper
    Madison Brianna Kayla Jasmine Alexis Ashley Matilda Sienna Zoe Isabella Audrey Jenna Tara Bethany""")
EN_MALE = _w("""Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Jacob Thomas Henry William James Daniel
    Ryan Liam Connor Callum Rhys Owen Ewan Fraser Jamie Sam Ben Tom Matt Chris Dave Mark Rob Steve Paul
    Gareth Imran Ravi Kwame Tyler Brandon Jordan Austin Caleb Mason Logan Hunter Cooper Lachlan Riley
    Jaxon Hamish Darren Nathan Kieran Aidan Luke""")
EN_SURNAMES = {
    "GB": _w("""Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker
        White Roberts Green Hall Wood Jackson Clarke Patel Khan Hughes Edwards Lewis Turner Hill Moore Cooper
        Ward Morris Price Bell Ahmed Begum Murphy Kelly Campbell Stewart MacDonald Fraser Griffiths Pritchard
        Whitfield Ashworth Pemberton Hargreaves Fairbairn Okafor Nowak Lister Gallagher Doherty"""),
    "US": _w("""Miller Davis Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Anderson Thomas Jackson Harris
        Martin Thompson Young Allen King Scott Nguyen Hill Flores Adams Nelson Baker Carter Mitchell Perez
        Roberts Turner Phillips Campbell Parker Evans Collins Stewart Sanchez Morris Rogers Reed Cook Morgan
        Bailey Rivera Cooper Richardson Cox Howard Ward Kowalski Schultz Lindqvist Brennan Okonkwo"""),
    "AU": _w("""Smith Jones Williams Brown Wilson Taylor Nguyen Johnson Martin White Anderson Walker Thompson
        Harris Ryan Lee Kelly King Campbell Murphy O'Brien Robinson Mitchell Tran Papadopoulos Russo Singh
        Chen Wong McKenzie Fitzgerald Doyle O'Connor Sullivan Kaur Rossi Nikolaidis Petrovic Hughes Clarke
        Donnelly Hartley Brennan"""),
}
IT_FEMALE = _w("""Giulia Sofia Aurora Alice Ginevra Emma Giorgia Beatrice Martina Chiara Anna Sara Francesca
    Elena Valentina Federica Silvia Laura Paola Roberta Alessandra Claudia Elisa Ilaria Marta Serena
    Veronica Manuela Daniela Lucia Camilla Arianna Noemi Rebecca Viola Greta Matilde Bianca Benedetta
    Irene""")
IT_MALE = _w("""Leonardo Francesco Alessandro Lorenzo Mattia Tommaso Gabriele Andrea Riccardo Edoardo Matteo
    Giuseppe Antonio Marco Luca Davide Simone Stefano Paolo Giovanni Roberto Fabio Massimo Daniele Federico
    Nicola Pietro Michele Filippo Emanuele Salvatore Vincenzo Niccolò Diego Samuele Christian Jacopo""")
IT_SURNAMES = _w("""Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
    Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara
    Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola D'Angelo Marchetti Parisi
    Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala Gatti Pellegrini Palumbo
    Sanna Farina Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Carbone Giuliani Benedetti
    Barone Rossetti Caputo Montanari Guerra Palmieri Bernardi Fiore Ferretti Bellini Basile Riva Donati
    Piras Battaglia Sartori Neri Milani Pagano Ruggiero Sorrentino D'Amico Orlando Negri""")
REDDIT_WORDS_A = _w("""quiet sleepy brave tiny lowpro salty purple cosmic rainy sunny grumpy happy lucky
    midnight northern coastal tired hopeful caffeinated wandering""")
REDDIT_WORDS_B = _w("""otter pancake teapot fern badger heron noodle lantern pebble maple sparrow walrus
    biscuit kettle comet meadow turnip falcon""")
MASTODON_INSTANCES = [
    "aus.social",
    "mastodon.social",
    "health.community",
    "mastodon.online",
    "med-mastodon.com",
    "mas.to",
    "ohai.social",
    "aus.social",
]
HOME_INSTANCE = "health.community"

# kind -> weight, per disease (who is in each community)
KIND_WEIGHTS = {
    "sma": {
        "patient": 0.40,
        "parent": 0.38,
        "carer": 0.07,
        "sibling": 0.05,
        "grandparent": 0.04,
        "advocate": 0.06,
    },
    "dravet": {
        "parent": 0.70,
        "sibling": 0.08,
        "grandparent": 0.07,
        "carer": 0.05,
        "patient": 0.03,
        "advocate": 0.07,
    },
    "pku": {
        "patient": 0.52,
        "parent": 0.34,
        "carer": 0.04,
        "sibling": 0.03,
        "grandparent": 0.02,
        "advocate": 0.05,
    },
    "fop": {
        "patient": 0.45,
        "parent": 0.35,
        "carer": 0.07,
        "sibling": 0.05,
        "grandparent": 0.03,
        "advocate": 0.05,
    },
}


CREATED_RANGE = {
    "twitter": (datetime(2009, 1, 1, tzinfo=UTC), datetime(2023, 12, 1, tzinfo=UTC)),
    "facebook": (datetime(2010, 1, 1, tzinfo=UTC), datetime(2022, 12, 1, tzinfo=UTC)),
    "reddit": (datetime(2012, 1, 1, tzinfo=UTC), datetime(2023, 12, 1, tzinfo=UTC)),
    "mastodon": (datetime(2018, 1, 1, tzinfo=UTC), datetime(2023, 10, 1, tzinfo=UTC)),
    "bluesky": (datetime(2023, 4, 1, tzinfo=UTC), datetime(2023, 12, 20, tzinfo=UTC)),
}
ORG_CREATED = {
    "twitter": datetime(2013, 3, 11, 9, 30, tzinfo=UTC),
    "facebook": datetime(2012, 9, 3, 10, 15, tzinfo=UTC),
    "reddit": datetime(2019, 5, 2, 14, 5, tzinfo=UTC),
    "mastodon": datetime(2022, 11, 7, 8, 45, tzinfo=UTC),
    "bluesky": datetime(2023, 9, 14, 16, 20, tzinfo=UTC),
}


def ascii_fold(text: str) -> str:
    """``Niccolò D'Angelo`` -> ``NiccoloDAngelo``: letters and digits only, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


@dataclass
class Names:
    """First names and surnames for one language and country."""

    female: list[str]
    male: list[str]
    surnames: list[str]

    def first(self, rng: random.Random, gender: str) -> str:
        return rng.choice(self.female if gender == "f" else self.male)


def names_for(lang: str, country: str) -> Names:
    """Name banks of a community."""
    if lang == "it":
        return Names(IT_FEMALE, IT_MALE, IT_SURNAMES)
    return Names(EN_FEMALE, EN_MALE, EN_SURNAMES.get(country, EN_SURNAMES["GB"]))


class ActorFactory:
    """Creates accounts with platform-shaped ids and unique handles."""

    def __init__(self, rng: random.Random, ids: IdFactory) -> None:
        self.rng = rng
        self.ids = ids
        self._handles: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ helpers

    def _created(self, platform: str) -> datetime:
        """A sign-up time plausible for the platform (Bluesky opened in 2023)."""
        start, end = CREATED_RANGE[platform]
        span = (end - start).total_seconds()
        return start + timedelta(seconds=int(self.rng.random() * span))

    def _unique_handle(self, platform: str, candidate: str, limit: int) -> str:
        """``candidate``, else with a random two-digit suffix, else (large corpora) a counter."""
        base = candidate[:limit]
        handle = base
        for _ in range(RANDOM_SUFFIX_TRIES):
            if (platform, handle.lower()) not in self._handles:
                break
            suffix = str(self.rng.randrange(2, 99))
            handle = base[: limit - len(suffix)] + suffix
        counter = 100
        while (platform, handle.lower()) in self._handles:  # the two-digit suffixes of this name are taken
            suffix = str(counter)
            handle = base[: limit - len(suffix)] + suffix
            counter += 1
        self._handles.add((platform, handle.lower()))
        return handle

    def reserve(self, platform: str, handle: str) -> None:
        """Mark a handle as taken (organisation accounts)."""
        self._handles.add((platform, handle.lower()))

    # ------------------------------------------------------------------ accounts

    def account(
        self,
        platform: str,
        *,
        handle: str,
        display_name: str,
        role: str,
        kind: str,
        lang: str,
        created: datetime | None = None,
        instance: str = HOME_INSTANCE,
        exact: bool = False,
    ) -> Account:
        """An account with the id shape of ``platform``.

        ``handle`` is a candidate; unless ``exact``, a number is added when it
        is taken.  On Mastodon ``handle`` is the username and the account's
        handle becomes ``username@instance``; on Bluesky ``.bsky.social`` is
        appended when the candidate has no dot.
        """
        created = created or self._created(platform)
        extra: dict = {}
        if platform == "twitter":
            handle = handle if exact else self._unique_handle(platform, handle, 15)
            native_id = self.ids.twitter_user(created)
        elif platform == "mastodon":
            username = handle if exact else self._unique_handle(f"mastodon:{instance}", handle, 30)
            handle = f"{username}@{instance}"
            native_id = self.ids.mastodon(created)
            extra = {"username": username, "instance": instance}
        elif platform == "bluesky":
            if "." not in handle:
                handle = self._unique_handle(platform, handle.lower(), 24) + ".bsky.social"
            native_id = self.ids.did()
        elif platform == "reddit":
            handle = handle if exact else self._unique_handle(platform, handle, 20)
            native_id = self.ids.reddit_account()
        elif platform == "facebook":
            native_id = self.ids.digits(15, "100")
            extra = {"user_name": handle}
        else:
            raise KeyError(platform)
        if exact:
            self.reserve(
                platform if platform != "mastodon" else f"mastodon:{instance}", extra.get("username", handle)
            )
        return Account(
            platform=platform,
            native_id=native_id,
            handle=handle,
            display_name=display_name,
            role=role,
            kind=kind,
            lang=lang,
            created_at=created,
            extra=extra,
        )

    def person(self, platform: str, names: Names, lang: str, kind: str) -> Account:
        """A private person: parent, patient, sibling... with a fitting handle and display name."""
        rng = self.rng
        gender = "f" if rng.random() < (0.72 if kind in ("parent", "carer", "grandparent") else 0.55) else "m"
        first = names.first(rng, gender)
        family = rng.choice(names.surnames)
        child_gender = rng.choice("fm")
        child = names.first(rng, child_gender)
        handle = self._person_handle(platform, first, family, child, gender, kind, lang)
        display = self._display_name(platform, first, family, child, gender, kind, lang)
        instance = rng.choice(MASTODON_INSTANCES) if platform == "mastodon" else HOME_INSTANCE
        account = self.account(
            platform,
            handle=handle,
            display_name=display,
            role="public",
            kind=kind,
            lang=lang,
            instance=instance,
        )
        account.gender = gender
        account.first_name = first
        account.family_name = family
        account.child_name = child if kind in ("parent", "carer", "grandparent") else ""
        account.child_gender = child_gender
        return account

    def _person_handle(
        self, platform: str, first: str, family: str, child: str, gender: str, kind: str, lang: str
    ) -> str:
        rng = self.rng
        f, s, c = ascii_fold(first), ascii_fold(family), ascii_fold(child)
        yy = str(rng.randrange(60, 100)) if rng.random() < 0.5 else f"{rng.randrange(0, 10):02d}"
        if platform == "reddit":
            patterns = [
                f"{rng.choice(REDDIT_WORDS_A)}_{rng.choice(REDDIT_WORDS_B)}{rng.randrange(10, 999)}",
                f"{rng.choice(REDDIT_WORDS_A).capitalize()}{rng.choice(REDDIT_WORDS_B).capitalize()}",
                f"throwaway_pku_{rng.choice(['mom', 'dad', 'adult', 'teen'])}{rng.randrange(1, 99)}",
                f"{f}_{s[0]}_{rng.randrange(1975, 2006)}",
                f"pku_{rng.choice(['mom', 'dad', 'life', 'adult'])}_{rng.choice(REDDIT_WORDS_B)}",
            ]
            return rng.choice(patterns)
        parent_word = (
            ("papa" if gender == "m" else "mamma") if lang == "it" else ("dad" if gender == "m" else "mum")
        )
        patterns = [f"{f}{s}", f"{f}_{s}", f"{f}{s[0]}{yy}", f"{f}{s[:3]}{yy}", f"{s}{f[0]}", f"the{f}{s}"]
        if kind == "parent":
            patterns += (
                [f"{parent_word}_di_{c}", f"{parent_word}di{c}"]
                if lang == "it"
                else [f"{c}s{parent_word.capitalize()}", f"{parent_word}_of_{c}", f"team{c}"]
            )
        handle = rng.choice(patterns)
        if platform in ("mastodon", "bluesky"):
            handle = handle.lower()
        if platform == "bluesky" and rng.random() < 0.3:
            handle = f"{f}{s}".lower()
        return handle.replace("_", "-") if platform == "bluesky" else handle

    def _display_name(
        self, platform: str, first: str, family: str, child: str, gender: str, kind: str, lang: str
    ) -> str:
        rng = self.rng
        if platform == "reddit":
            return ""
        options = [
            f"{first} {family}",
            f"{first} {family}",
            f"{first} {family[0]}.",
            f"{first} 💙",
            f"{first} {family} 🦓",
            f"{first} 🌻",
        ]
        if kind == "parent":
            options += (
                [f"{'Papà' if gender == 'm' else 'Mamma'} di {child} 💜"]
                if lang == "it"
                else [f"{first} | {child}'s {'dad' if gender == 'm' else 'mum'}"]
            )
        return rng.choice(options)

    def family_page(self, names: Names, lang: str, disease_label: str) -> Account:
        """A public Facebook page run by a family about their child."""
        rng = self.rng
        gender = rng.choice("fm")
        child = names.first(rng, gender)
        if lang == "it":
            title = rng.choice(
                [
                    f"Il mondo di {child}",
                    f"Forza {child}!",
                    f"Le avventure di {child}",
                    f"Un passo alla volta con {child}",
                ]
            )
        else:
            title = rng.choice(
                [
                    f"Team {child}'s {disease_label} Journey",
                    f"{child}'s Wheels of Steel",
                    f"Life with {child} and {disease_label}",
                    f"{child} the Brave",
                ]
            )
        user_name = ascii_fold(title)[:40]
        account = self.account(
            "facebook", handle=user_name, display_name=title, role="public", kind="family_page", lang=lang
        )
        account.child_name = child
        account.child_gender = gender
        account.family_name = rng.choice(names.surnames)
        account.gender = rng.choice("fm")
        return account


def activity_weights(rng: random.Random, accounts: list[Account], exponent: float = 0.95) -> None:
    """Give accounts long-tailed activity: weight ~ 1 / (rank + 2) ** exponent, random ranks."""
    order = list(range(len(accounts)))
    rng.shuffle(order)
    for rank, index in enumerate(order):
        accounts[index].weight = 1.0 / (rank + 2) ** exponent


PEERS: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    # (org, platform): [(handle, display name, kind)]
    ("sma-uk", "twitter"): [
        ("NMFamiliesNorth", "Neuromuscular Families North", "peer_org"),
        ("RareTogetherUK", "Rare Together Alliance", "peer_org"),
        ("MoveAbilityTrst", "MoveAbility Trust", "peer_org"),
        ("DrPNatarajan", "Dr Priya Natarajan", "clinician"),
        ("NMphysio_Tom", "Tom Hegarty, neuromuscular physio", "clinician"),
        ("HollinsLabSMA", "The Hollins Lab (SMA research)", "researcher"),
    ],
    ("dravet-it", "twitter"): [
        ("RetePedEpilessia", "Rete Epilessia Pediatrica", "peer_org"),
        ("FamiglieRareIT", "Famiglie Rare Italia", "peer_org"),
        ("DottssaMarchesin", "Dott.ssa Roberta Marchesini", "clinician"),
        ("NeurogenLabPD", "Laboratorio di Neurogenetica", "researcher"),
    ],
    ("sma-uk", "facebook"): [
        ("NMFamiliesNorth", "Neuromuscular Families North", "peer_org"),
        ("RareTogetherAlliance", "Rare Together Alliance", "peer_org"),
        ("HollinsLabSMAResearch", "Hollins Lab - SMA Research", "researcher"),
    ],
    ("dravet-it", "facebook"): [
        ("RetePediatricaEpilessia", "Rete Epilessia Pediatrica", "peer_org"),
        ("FamiglieRareItalia", "Famiglie Rare Italia", "peer_org"),
        ("CentroStudiNeurogenetica", "Centro Studi Neurogenetica", "researcher"),
    ],
    ("pku-us", "reddit"): [
        ("metabolic_RD_karen", "", "clinician"),
        ("PKUresearchNerd", "", "researcher"),
    ],
    ("pku-us", "bluesky"): [
        ("lowprotein-kitchen.bsky.social", "Low Protein Kitchen", "peer_org"),
        ("drmaya-metabolic.bsky.social", "Dr Maya Okafor", "clinician"),
    ],
    ("fop-au", "mastodon"): [
        ("ultrarare_alliance", "Ultra Rare Alliance AU", "peer_org"),
        ("drjchen_endo", "Dr J. Chen (endocrinology)", "clinician"),
        ("bonelab_melb", "Bone Biology Lab Melbourne", "researcher"),
    ],
}
PEER_INSTANCES = {
    "ultrarare_alliance": "mastodon.social",
    "drjchen_endo": "med-mastodon.com",
    "bonelab_melb": "aus.social",
}
ORG_DISPLAY = {
    ("sma-uk", "twitter"): "SMA Together UK 💙",
    ("dravet-it", "twitter"): "Dravet Insieme Italia",
    ("pku-us", "reddit"): "",
    ("pku-us", "bluesky"): "PKU Voices Network",
    ("fop-au", "mastodon"): "FOP Friends Australia",
}
FACEBOOK_USER_NAMES = {"sma-uk": "SMATogetherUK", "dravet-it": "DravetInsiemeItalia"}
# Share of an advocate's identities that are patients (the rest are family carers), per disease:
# people with Dravet syndrome are mostly children, so its advocates are mostly parents.
ADVOCATE_PATIENT_SHARE = {"sma": 0.5, "dravet": 0.15, "pku": 0.55, "fop": 0.5}
BRIDGE_PEOPLE = [
    # first, family, gender, kind
    ("Giulia", "Bennett", "f", "advocate"),
    ("Marco", "Whitfield", "m", "parent"),
    ("Chiara", "Okafor", "f", "advocate"),
    ("Tom", "Ricci", "m", "parent"),
    ("Elena", "Pritchard", "f", "advocate"),
]


def org_account(factory: ActorFactory, org: OrgSpec, platform: str) -> Account:
    """The organisation's own account on ``platform`` (handle exactly as in the study file)."""
    configured = org.handles[platform]
    created = ORG_CREATED[platform]
    if platform == "mastodon":
        username, instance = configured.split("@")
        account = factory.account(
            platform,
            handle=username,
            display_name=ORG_DISPLAY[(org.id, platform)],
            role="org",
            kind="org",
            lang=org.lang,
            created=created,
            instance=instance,
            exact=True,
        )
    elif platform == "facebook":
        account = factory.account(
            platform,
            handle=FACEBOOK_USER_NAMES[org.id],
            display_name=configured,
            role="org",
            kind="org",
            lang=org.lang,
            created=created,
            exact=True,
        )
    else:
        account = factory.account(
            platform,
            handle=configured,
            display_name=ORG_DISPLAY[(org.id, platform)],
            role="org",
            kind="org",
            lang=org.lang,
            created=created,
            exact=True,
        )
    account.orgs = [org.id]
    return account


def peer_accounts(factory: ActorFactory, org: OrgSpec, platform: str) -> list[Account]:
    """Peer organisations, clinicians and researchers of an organisation on a platform."""
    return listed_accounts(factory, org, platform, PEERS, PEER_INSTANCES)


def listed_accounts(factory: ActorFactory, org: OrgSpec, platform: str,
                    table: dict[tuple[str, str], list[tuple[str, str, str]]],
                    instances: dict[str, str]) -> list[Account]:
    """The public accounts ``table`` lists for (organisation, platform): ``(handle, display name, kind)``,
    on their Mastodon ``instances`` (the home instance by default)."""
    accounts = []
    for handle, display, kind in table.get((org.id, platform), []):
        account = factory.account(
            platform,
            handle=handle,
            display_name=display,
            role="public",
            kind=kind,
            lang=org.lang,
            instance=instances.get(handle, HOME_INSTANCE),
            exact=True,
        )
        account.orgs = [org.id]
        accounts.append(account)
    return accounts


def population(factory: ActorFactory, org: OrgSpec, platform: str, size: int, disease: str) -> list[Account]:
    """``size`` private people of one community on one platform, with long-tailed activity."""
    names = names_for(org.lang, org.country)
    weights = KIND_WEIGHTS[disease]
    kinds, cum = list(weights), []
    total = 0.0
    for kind in kinds:
        total += weights[kind]
        cum.append(total)
    people = []
    for _ in range(size):
        draw = factory.rng.random() * total
        kind = next(k for k, c in zip(kinds, cum, strict=True) if draw <= c)
        person = factory.person(platform, names, org.lang, kind)
        person.orgs = [org.id]
        assign_identity(person, ADVOCATE_PATIENT_SHARE[disease])
        people.append(person)
    activity_weights(factory.rng, people)
    return people


def bridge_people(factory: ActorFactory, org_ids: list[str]) -> list[Account]:
    """Twitter accounts of people active in two organisations' communities."""
    people = []
    for first, family, gender, kind in BRIDGE_PEOPLE:
        handle = factory._unique_handle("twitter", ascii_fold(first + family), 15)
        account = factory.account(
            "twitter",
            handle=handle,
            display_name=f"{first} {family}",
            role="public",
            kind=kind,
            lang="en",
            exact=True,
        )
        account.gender = gender
        account.first_name = first
        account.family_name = family
        account.child_gender = factory.rng.choice("fm")
        account.child_name = factory.rng.choice(IT_FEMALE if account.child_gender == "f" else IT_MALE)
        account.orgs = list(org_ids)
        account.extra["bridge"] = True
        assign_identity(account, 0.5)
        people.append(account)
    return people


def assign_identity(account: Account, patient_share: float) -> None:
    """Give an advocate its identity (patient or family carer), drawn from its own id.

    The draw is seeded by the account (not by the factory's stream), so that
    the rest of the corpus does not depend on it.
    """
    if account.kind != "advocate":
        return
    rng = random.Random(f"identity:{account.platform}:{account.native_id}")
    account.extra["identity"] = "patient" if rng.random() < patient_share else "carer_family"
