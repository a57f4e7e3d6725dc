"""Voices from outside the communities, and the invented web sites of voices and peers.

Each community with public accounts (Twitter, Mastodon, Reddit; Bluesky,
where the organisation's feed shows them when it reposts or quotes them) has
a few outside voices: media (a health journalist, a local paper), a public
body (a national agency) and a company (a biotech).  They post rarely and
mostly link to their own kind of source (:mod:`helpers.demo_corpus.scenarios.sources`).
All names, outlets, agencies, companies and web sites are invented; the
domains are on no domain list.
"""

from __future__ import annotations

from helpers.demo_corpus.actors import ActorFactory, listed_accounts
from helpers.demo_corpus.model import Account, OrgSpec

# Voices from outside the community, per (org, platform): (handle, display name, kind).  Invented
# names; Bluesky accounts appear only where the organisation reposts or quotes them.
VOICES: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    ("sma-uk", "twitter"): [
        ("TessaMarwoodNV", "Tessa Marwood", "media"),
        ("NorthernVoiceNw", "The Northern Voice", "media"),
        ("NatRareCondAgcy", "National Rare Conditions Agency", "public_body"),
        ("MyostraBio", "Myostra Biotherapeutics", "industry"),
    ],
    ("dravet-it", "twitter"): [
        ("STarantelliSal", "Silvia Tarantelli", "media"),
        ("CorrValdoria", "Il Corriere di Valdoria", "media"),
        ("AgenziaANCR", "Agenzia Nazionale Condizioni Rare", "public_body"),
        ("NeureliaPharma", "Neurelia Pharma", "industry"),
    ],
    ("pku-us", "reddit"): [
        ("DanaKirschHealthDesk", "", "media"),
        ("Phenova_Community", "", "industry"),
    ],
    ("pku-us", "bluesky"): [
        ("midwesthealthdesk.bsky.social", "Midwest Health Desk", "media"),
        ("rareconditions-office.bsky.social", "National Office for Rare Conditions", "public_body"),
        ("phenovabio.bsky.social", "Phenova Bio", "industry"),
    ],
    ("fop-au", "mastodon"): [
        ("kirrahdunmore", "Kirrah Dunmore (health reporter)", "media"),
        ("schealthwire", "Southern Cross Health Wire", "media"),
        ("rareconditionsoffice", "Office for Rare Conditions Australia", "public_body"),
        ("osteolume", "Osteolume Therapeutics", "industry"),
    ],
}
VOICE_INSTANCES = {
    "kirrahdunmore": "aus.social",
    "schealthwire": "mastodon.social",
    "rareconditionsoffice": "aus.social",
    "osteolume": "mastodon.social",
}
# The invented web site of each outside voice and peer (by display name, or by handle where an
# account has none): the own-site links of media, public bodies, companies and peer organisations.
# These domains are on no domain list.
SITES = {
    "Tessa Marwood": "northernvoice-news.co.uk",
    "The Northern Voice": "northernvoice-news.co.uk",
    "National Rare Conditions Agency": "rareconditions-agency.org.uk",
    "Myostra Biotherapeutics": "myostra-bio.com",
    "Silvia Tarantelli": "corrierevaldoria.it",
    "Il Corriere di Valdoria": "corrierevaldoria.it",
    "Agenzia Nazionale Condizioni Rare": "ancr-salute.it",
    "Neurelia Pharma": "neurelia-pharma.it",
    "DanaKirschHealthDesk": "midwesthealthdesk.com",
    "Phenova_Community": "phenova-bio.com",
    "Midwest Health Desk": "midwesthealthdesk.com",
    "National Office for Rare Conditions": "rareconditions-office.org",
    "Phenova Bio": "phenova-bio.com",
    "Kirrah Dunmore (health reporter)": "southerncrosshealthwire.com.au",
    "Southern Cross Health Wire": "southerncrosshealthwire.com.au",
    "Office for Rare Conditions Australia": "rareconditionsoffice.org.au",
    "Osteolume Therapeutics": "osteolume-tx.com",
    "Neuromuscular Families North": "nmfamiliesnorth.org.uk",
    "Rare Together Alliance": "raretogetheralliance.org.uk",
    "MoveAbility Trust": "moveabilitytrust.org.uk",
    "Rete Epilessia Pediatrica": "retepediatricaepilessia.it",
    "Famiglie Rare Italia": "famiglierareitalia.it",
    "Low Protein Kitchen": "lowproteinkitchen.org",
    "Ultra Rare Alliance AU": "ultrararealliance.org.au",
}


def site_of(account: Account) -> str:
    """The invented web site of an outside voice or peer ('' when it has none)."""
    return SITES.get(account.display_name) or SITES.get(account.handle, "")


def voice_accounts(factory: ActorFactory, org: OrgSpec, platform: str) -> list[Account]:
    """The outside voices (media, public body, company) of an organisation's community on a platform."""
    return listed_accounts(factory, org, platform, VOICES, VOICE_INSTANCES)
