"""Profile texts that follow the account's kind: bios, page descriptions and Reddit flairs.

A private person's bio is drawn once per account (seeded by the account, so
the same person has the same bio in every file) from three banks of its kind
and language:

* ``true`` (about 70%): it says who the person is in ordinary words
  ("Mum to a little SMA warrior", "Living with FOP, 34", "Papà di ...");
* ``false`` (about 20%): it says nothing about it (hobbies, or empty);
* ``misleading`` (about 10%): it points elsewhere or mixes roles ("Nurse by
  day, mum by night" for a parent, "Rare disease advocate" for a patient).

Which bank was drawn is the ground truth ``bio_reveals`` of ``accounts.csv``.
Organisations, clinicians, researchers, media, public bodies, companies and
family pages have bios that name their role (``true``).  Reddit carries no bio,
only a per-subreddit flair, which most people leave empty: a share of them get
a short flair from the same kind of banks.  Bluesky's author feed carries no
description at all.  Everything here is invented: no real person, outlet,
agency or company.
"""

from __future__ import annotations

import random

from helpers.demo_corpus.model import Account, OrgSpec, org_by_id

DISEASE_LABEL = {"sma": "SMA", "pku": "PKU", "fop": "FOP", "dravet": "Dravet"}
BIO_SHARES = {"true": 0.70, "false": 0.20, "misleading": 0.10}
FLAIR_SHARE = 0.3  # people with a flair on r/PKU
PROFILE_PLATFORMS = ("twitter", "mastodon", "facebook", "reddit")  # Bluesky feeds carry no description

# Per kind ("advocate:<identity>" for advocates) and language: bios that reveal the kind, and bios
# that mislead or mix.  Slots: {d} disease, {age}, {p}/{P} mum|dad (mamma|papà), {sib} sister|brother
# (sorella|fratello), {gp}/{GP} nana|grandad (nonna|nonno), {rel} the person cared for.
PERSON_BIOS: dict[str, dict[str, dict[str, list[str]]]] = {
    "en": {
        "patient": {
            "true": [
                "Living with {d}, {age}. Views my own.",
                "Adult with {d}. Tea, books and hospital car parks.",
                "Diagnosed with {d} as a kid. Still here, still stubborn.",
                "I have {d}. Writing about life with a rare condition.",
                "Living with {d} and trying to live well. Lived experience, views my own.",
                "{d} patient, {age}. Disabled and loud about it.",
                "Rare disease patient ({d}). Gamer, reader, cat person.",
            ],
            "misleading": [
                "Rare disease advocate. Runner (slowly).",
                "Parent carer. Tired but hopeful.",
                "Nurse. Views my own.",
            ],
        },
        "parent": {
            "true": [
                "{P} to a little {d} warrior 💙",
                "{P} of two, one with {d}. Running on coffee.",
                "Proud {d} {p}. Our family, our rules.",
                "Special needs {p}. {d} family.",
                "{P} and full-time carer. Our little one has {d}.",
                "Parent carer. Tired but hopeful.",
                "{d} {p}. Hospital bag always packed.",
            ],
            "misleading": [
                "Nurse by day, {p} by night.",
                "Rare disease advocate and campaigner.",
                "Living with {d} every day.",
            ],
        },
        "carer": {
            "true": [
                "Full-time carer for my {rel}, who has {d}.",
                "Unpaid carer. {d} in the family.",
                "Carer to my {rel} with {d}. Tea-powered.",
                "Family carer ({d}). Forms, phone calls, more forms.",
            ],
            "misleading": [
                "Support worker. Views my own.",
                "Living with {d} every day.",
            ],
        },
        "sibling": {
            "true": [
                "Big {sib} to someone with {d}.",
                "{d} sibling. Proud {sib}.",
                "Growing up with a {d} sibling. Sibling voices matter.",
            ],
            "misleading": [
                "Student nurse. Views my own.",
                "{d} advocate.",
            ],
        },
        "grandparent": {
            "true": [
                "{GP} to a {d} superstar.",
                "Proud {gp} of a little one with {d}. Retired teacher.",
                "{GP} of five, one with {d}. Knitting for the ward.",
            ],
            "misleading": [
                "Retired GP. Views my own.",
                "Living with {d} in the family, and with my arthritis.",
            ],
        },
        "advocate:patient": {
            "true": [
                "Living with {d} and campaigning for access to treatment.",
                "{d} patient advocate. Nothing about us without us.",
                "Adult with {d}. Campaigner, speaker, occasional troublemaker.",
            ],
            "misleading": [
                "Rare disease advocate.",
                "Parent carer and campaigner.",
            ],
        },
        "advocate:carer_family": {
            "true": [
                "{d} {p} and campaigner for fair access.",
                "Parent advocate. Our child has {d}.",
                "{P} to a child with {d}. Campaigning for access, one letter at a time.",
            ],
            "misleading": [
                "Rare disease advocate.",
                "Living with {d}, campaigning for access.",
            ],
        },
    },
    "it": {
        "patient": {
            "true": [
                "Vivo con la sindrome di {d}, {age} anni.",
                "Paziente raro ({d}). Libri, musica e tanta pazienza.",
                "Ho la sindrome di {d}. Racconto la mia vita qui.",
            ],
            "misleading": [
                "Attivista per le malattie rare.",
                "{Nurse}. Opinioni personali.",
            ],
        },
        "parent": {
            "true": [
                "{P} di una guerriera {d} 💜",
                "{P} di due bimbi, uno con la sindrome di {d}.",
                "{P} di una bimba rara. La nostra vita con la {d}, un giorno alla volta.",
                "{P} e caregiver a tempo pieno. Nostro figlio ha la sindrome di {d}.",
                "{P} di un piccolo guerriero {d}. Caffè e pazienza.",
            ],
            "misleading": [
                "{Nurse} di giorno, {p} di notte.",
                "Attivista per le malattie rare.",
                "Insegnante. Opinioni personali.",
            ],
        },
        "carer": {
            "true": [
                "Caregiver familiare per mio {rel} con la sindrome di {d}.",
                "Caregiver a tempo pieno. {d} in famiglia.",
            ],
            "misleading": ["Lavoro nel sociale. Opinioni personali.", "Vivo con la sindrome di {d}."],
        },
        "sibling": {
            "true": [
                "{Sib} di una persona con la sindrome di {d}.",
                "Siblings {d}: anche noi ci siamo.",
            ],
            "misleading": ["{Student} di infermieristica."],
        },
        "grandparent": {
            "true": [
                "{GP} di una nipotina speciale con la sindrome di {d}.",
                "{GP} di un piccolo guerriero {d}. Orgoglio di famiglia.",
            ],
            "misleading": ["Medico in pensione."],
        },
        "advocate:patient": {
            "true": ["Vivo con la sindrome di {d} e mi batto per l'accesso alle cure."],
            "misleading": ["Attivista per le malattie rare."],
        },
        "advocate:carer_family": {
            "true": [
                "{P} di una bimba con la sindrome di {d}. Attivista per i diritti delle famiglie.",
                "Genitore attivista. Nostro figlio ha la sindrome di {d}.",
            ],
            "misleading": ["Attivista per le malattie rare.", "Vivo con la sindrome di {d}."],
        },
    },
}
# Bios that say nothing about who the person is.
NEUTRAL_BIOS = {
    "en": [
        "Tea, dogs and too many hospital letters.",
        "Books, gardening and {d} awareness.",
        "",
        "Runner. Reader. Mostly tired.",
        "Opinions my own. Mostly about football.",
        "Sharing our {d} journey one day at a time.",
        "",
        "Baker of questionable cakes.",
        "🦓💙",
        "Coffee first.",
    ],
    "it": [
        "Caffè, libri e pazienza.",
        "",
        "Cucina, viaggi e gatti.",
        "Amo il mare e la montagna.",
        "",
        "Ottimista per scelta. 🦓",
    ],
}
# Short flairs of r/PKU, per kind: (revealing, misleading); NEUTRAL_FLAIRS say nothing.
PERSON_FLAIRS = {
    "patient": (
        ["PKU adult, classic", "Adult w/ PKU", "PKU, dx at birth", "Classic PKU | {age}"],
        ["PKU advocate", "Nurse"],
    ),
    "parent": (["Parent of PKU kiddo", "PKU {p}", "{P} of 2 (1 w/ PKU)"], ["RN, PKU {p}"]),
    "carer": (["Carer for PKU spouse", "Caregiver"], ["Support worker"]),
    "sibling": (["PKU sibling"], ["Nursing student"]),
    "grandparent": (["PKU {gp}"], ["Retired nurse"]),
    "advocate:patient": (["PKU adult & advocate"], ["PKU advocate"]),
    "advocate:carer_family": (["PKU parent & advocate"], ["PKU advocate"]),
}
NEUTRAL_FLAIRS = ["Lurker", "🦓", "Low-pro baker", "Here for the recipes"]
# Flairs of the other accounts on r/PKU, by handle, else by kind.
ROLE_FLAIRS = {
    "metabolic_RD_karen": "RD (metabolic dietitian)",
    "PKUresearchNerd": "Researcher (metabolism)",
    "DanaKirschHealthDesk": "Journalist",
    "Phenova_Community": "Industry (Phenova Bio)",
}
KIND_FLAIRS = {
    "clinician": "Clinician",
    "researcher": "Researcher",
    "media": "Journalist",
    "industry": "Industry",
}

# Bios of named accounts (peers and outside voices), by handle; else by kind below.
ROLE_BIOS = {
    "DrPNatarajan": "Paediatric neurologist, Manchester. Neuromuscular clinic lead. Views my own.",
    "NMphysio_Tom": "Neuromuscular physiotherapist (NHS). Posture, splints, standing frames. Views my own.",
    "HollinsLabSMA": "Research lab studying motor neurons and SMA therapies. Posts by lab members.",
    "HollinsLabSMAResearch": "Research lab studying motor neurons and SMA therapies.",
    "NMFamiliesNorth": "Charity supporting families living with neuromuscular conditions in the North.",
    "RareTogetherUK": "Alliance of rare disease charities and patient groups across the UK.",
    "RareTogetherAlliance": "Alliance of rare disease charities and patient groups across the UK.",
    "MoveAbilityTrst": "Charity funding mobility equipment for disabled children and adults.",
    "DottssaMarchesin": "Neuropsichiatra infantile. Epilessie rare dell'età evolutiva. Opinioni personali.",
    "NeurogenLabPD": "Laboratorio di ricerca in neurogenetica delle epilessie dell'infanzia.",
    "CentroStudiNeurogenetica": "Centro di ricerca in neurogenetica delle epilessie dell'infanzia.",
    "RetePedEpilessia": "Rete di associazioni di famiglie per l'epilessia pediatrica.",
    "RetePediatricaEpilessia": "Rete di associazioni di famiglie per l'epilessia pediatrica.",
    "FamiglieRareIT": "Associazione che sostiene le famiglie con malattie rare in tutta Italia.",
    "FamiglieRareItalia": "Associazione che sostiene le famiglie con malattie rare in tutta Italia.",
    "ultrarare_alliance": "Charity supporting Australians living with ultra-rare conditions.",
    "drjchen_endo": "Endocrinologist, Melbourne. Bone and mineral clinic. Views my own.",
    "bonelab_melb": "Bone biology lab. Heterotopic ossification, FOP and rare bone disease research.",
    "TessaMarwoodNV": "Health correspondent at The Northern Voice. Tips welcome, DMs open.",
    "NorthernVoiceNw": "News from the North, every day. Health, politics, sport.",
    "NatRareCondAgcy": "Official account of the National Rare Conditions Agency. Guidance and screening.",
    "MyostraBio": "Biotech developing therapies for neuromuscular disease. Posts are not medical advice.",
    "STarantelliSal": "Giornalista, mi occupo di sanità per Il Corriere di Valdoria.",
    "CorrValdoria": "Quotidiano locale: cronaca, sanità, sport.",
    "AgenziaANCR": "Account ufficiale dell'Agenzia Nazionale Condizioni Rare. Linee guida e aggiornamenti.",
    "NeureliaPharma": "Azienda biotech che sviluppa terapie per le epilessie rare dell'infanzia.",
    "kirrahdunmore": "Health reporter at Southern Cross Health Wire. Views my own.",
    "schealthwire": "Independent health news for Australia.",
    "rareconditionsoffice": "Official account of the Office for Rare Conditions Australia. Guidance.",
    "osteolume": "Biotech developing therapies for rare bone disease. Not medical advice.",
}
KIND_BIOS = {
    "en": {
        "clinician": "Clinician in rare disease care. Views my own.",
        "researcher": "Research group working on rare conditions.",
        "peer_org": "Charity supporting families affected by rare conditions.",
        "media": "Health journalist. Views my own.",
        "public_body": "Official account of a national health agency.",
        "industry": "Biotech developing therapies for rare disease.",
    },
    "it": {
        "clinician": "Medico, mi occupo di malattie rare. Opinioni personali.",
        "researcher": "Gruppo di ricerca sulle malattie rare.",
        "peer_org": "Associazione di famiglie con malattie rare.",
        "media": "Giornalista, mi occupo di sanità.",
        "public_body": "Account ufficiale di un'agenzia sanitaria nazionale.",
        "industry": "Azienda biotech che sviluppa terapie per malattie rare.",
    },
}
FAMILY_PAGE_BIOS = {
    "en": [
        "The story of our little one and {d}, shared by mum and dad.",
        "Follow our family's {d} journey. Run by a very tired mum.",
    ],
    "it": [
        "La storia della nostra bimba e della sindrome di {d}, raccontata da mamma e papà.",
        "Il nostro cammino con la sindrome di {d}. Pagina gestita dalla famiglia.",
    ],
}


def _disease(account: Account, org: OrgSpec | None) -> str:
    """The disease of the account's (first) community, else of the file's organisation."""
    home = org_by_id(account.orgs[0]) if account.orgs else org
    return DISEASE_LABEL[home.disease] if home is not None else "rare disease"


def _rng(account: Account, what: str) -> random.Random:
    return random.Random(f"{what}:{account.platform}:{account.native_id}")


def _bank_key(account: Account) -> str:
    if account.kind == "advocate":
        return f"advocate:{account.actor_type}"
    return account.kind


def _fill(text: str, account: Account, rng: random.Random, disease: str, lang: str) -> str:
    male = account.gender == "m"
    if lang == "it":
        words = {
            "p": "papà" if male else "mamma",
            "sib": "fratello" if male else "sorella",
            "gp": "nonno" if male else "nonna",
            "nurse": "infermiere" if male else "infermiera",
            "student": "studente" if male else "studentessa",
            "rel": rng.choice(["marito", "figlio", "fratello"]),
        }
    else:
        us = account.platform == "reddit"
        words = {
            "p": "dad" if male else ("mom" if us else "mum"),
            "sib": "brother" if male else "sister",
            "gp": "grandpa" if male and us else "grandad" if male else ("grandma" if us else "nana"),
            "nurse": "nurse",
            "student": "student",
            "rel": rng.choice(["husband", "wife", "partner", "brother", "son", "mum"]),
        }
    values = {
        **words,
        "P": words["p"].capitalize(),
        "Sib": words["sib"].capitalize(),
        "GP": words["gp"].capitalize(),
        "Nurse": words["nurse"].capitalize(),
        "Student": words["student"].capitalize(),
    }
    values.update(d=disease, age=str(rng.randint(19, 58)))
    return text.format(**values)


def _category(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for category, share in BIO_SHARES.items():
        total += share
        if draw < total:
            return category
    return "true"


def bio(account: Account, org: OrgSpec | None = None) -> tuple[str, str]:
    """The account's profile description and what it reveals (``true``, ``false``, ``misleading``).

    ``org`` is the organisation whose file is written; it matters only for
    the study organisation's own bio (a person's bio is the same in every file).
    """
    lang = account.lang if account.lang in PERSON_BIOS else "en"
    if account.role == "org" and org is not None:
        return (
            {
                "en": f"{org.name}: support, information and a voice for people affected by "
                f"{DISEASE_LABEL[org.disease]}.",
                "it": f"{org.name}: sostegno, informazione e voce alle famiglie con sindrome di Dravet.",
            }[org.lang],
            "true",
        )
    disease = _disease(account, org)
    rng = _rng(account, "bio")
    if account.handle in ROLE_BIOS:
        return ROLE_BIOS[account.handle], "true"
    if account.kind == "family_page":
        return _fill(rng.choice(FAMILY_PAGE_BIOS[lang]), account, rng, disease, lang), "true"
    if account.kind in KIND_BIOS[lang]:
        return KIND_BIOS[lang][account.kind], "true"
    if account.kind == "org":
        return f"Support and information for people affected by {disease}.", "true"
    category = _category(rng)
    if category == "false":
        text = rng.choice(NEUTRAL_BIOS[lang])
    else:
        text = rng.choice(PERSON_BIOS[lang][_bank_key(account)][category])
    return _fill(text, account, rng, disease, lang), category


def flair(account: Account) -> tuple[str | None, str]:
    """A Reddit author's flair on r/PKU (None for most people) and what it reveals ('' without one)."""
    if account.role == "org":
        return "Organisation", "true"
    if account.handle in ROLE_FLAIRS:
        return ROLE_FLAIRS[account.handle], "true"
    if account.kind in KIND_FLAIRS:
        return KIND_FLAIRS[account.kind], "true"
    rng = _rng(account, "flair")
    if rng.random() >= FLAIR_SHARE:
        return None, ""
    category = _category(rng)
    revealing, misleading = PERSON_FLAIRS[_bank_key(account)]
    text = rng.choice({"true": revealing, "misleading": misleading, "false": NEUTRAL_FLAIRS}[category])
    return _fill(text, account, rng, "PKU", "en"), category


def bio_reveals(account: Account) -> str:
    """Ground truth ``bio_reveals`` of an account: what its profile text in the files reveals.

    ``true``, ``false`` or ``misleading``; empty where the files carry no
    profile text for it (Bluesky, Reddit without a flair).
    """
    if account.platform == "reddit":
        return flair(account)[1]
    if account.platform not in PROFILE_PLATFORMS:
        return ""
    org = org_by_id(account.orgs[0]) if account.orgs else None
    return bio(account, org)[1]
