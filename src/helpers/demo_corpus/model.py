"""Plain data types of the demo corpus: organisations, accounts and posts.

Everything here is fictional.  The four organisations mirror
``config/study.yml``: their handles and input paths must stay identical to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

KNOWLEDGE_TYPES = (
    "experiential",
    "mediated_experiential",
    "medical",
    "practical",
    "advocacy",
    "other",
)
MODES = ("one_way", "two_way", "crowd_sourced")
THEMES = (
    "diagnosis",
    "treatment_access",
    "research",
    "symptoms",
    "caregiving",
    "daily_life",
    "mental_health",
    "fundraising",
    "awareness",
    "equipment_benefits",
)
PERSON_OF = {"experiential": "first", "mediated_experiential": "third"}
ACTOR_TYPES = (
    "patient",
    "carer_family",
    "clinician_researcher",
    "industry",
    "media",
    "public_body",
    "peer_organisation",
    "study_organisation",
)
"""The planted actor types (an analysis may add ``unknown``; the generator never plants it)."""
# Account kind -> actor type.  An ``advocate`` is a patient or a family carer who campaigns: the
# type is the identity stored on the account (``Account.extra["identity"]``, one of
# ADVOCATE_IDENTITIES), see :attr:`Account.actor_type`; the mapping gives the fallback.
# A ``family_page`` (a Facebook page a family runs about its child) is carer_family, not
# peer_organisation: its voice is the parents', it tells their child's story (mediated
# experiential knowledge), it has no members, staff or services, and CrowdTangle files it as a
# personal blog.  The organisations that speak for a community are the peer_org pages.
ACTOR_TYPE_OF_KIND = {
    "patient": "patient",
    "parent": "carer_family",
    "carer": "carer_family",
    "sibling": "carer_family",
    "grandparent": "carer_family",
    "advocate": "patient",
    "clinician": "clinician_researcher",
    "researcher": "clinician_researcher",
    "peer_org": "peer_organisation",
    "family_page": "carer_family",
    "media": "media",
    "public_body": "public_body",
    "industry": "industry",
    "org": "study_organisation",
}
ADVOCATE_IDENTITIES = ("patient", "carer_family")
SOURCE_TYPES = (
    "medical_scientific",
    "regulator_public_health",
    "news",
    "patient_organisation",
    "fundraising",
    "social_video",
    "commercial_pharma",
    "other",
    "shortened",
)
"""The planted source type of a link (``shortened``: a shortener whose expansion no export carries).

An analysis adds ``unknown`` for domains its list lacks; the generator never plants it: every
link's type is the generator's choice when it wrote the link.
"""


@dataclass(frozen=True)
class OrgSpec:
    """One demo organisation, as in ``config/study.yml``.

    Attributes
    ----------
    id, name, disease, country, lang : str
        As in the study file; ``disease`` here is a short key (``sma``...).
    tz : str
        Key of the local time zone rule in :mod:`.calendar`.
    files : dict
        Export key (``twitter``, ``facebook``, ``reddit_submissions``...) to
        the file path relative to the demo folder.
    platform_share : dict
        Share of the organisation's posts per platform.
    handles : dict
        The organisation's own handle per platform.
    """

    id: str
    name: str
    disease: str
    country: str
    lang: str
    tz: str
    files: dict[str, str]
    platform_share: dict[str, float]
    handles: dict[str, str]


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        id="sma-uk",
        name="SMA Together UK",
        disease="sma",
        country="GB",
        lang="en",
        tz="london",
        files={
            "twitter": "sma-uk/twitter_search.jsonl",
            "facebook": "sma-uk/facebook_crowdtangle.csv",
        },
        platform_share={"twitter": 0.62, "facebook": 0.38},
        handles={"twitter": "SMATogetherUK", "facebook": "SMA Together UK"},
    ),
    OrgSpec(
        id="dravet-it",
        name="Dravet Insieme Italia",
        disease="dravet",
        country="IT",
        lang="it",
        tz="rome",
        files={
            "twitter": "dravet-it/twitter_search.jsonl",
            "facebook": "dravet-it/facebook_crowdtangle.csv",
        },
        platform_share={"twitter": 0.45, "facebook": 0.55},
        handles={"twitter": "DravetInsieme", "facebook": "Dravet Insieme Italia"},
    ),
    OrgSpec(
        id="pku-us",
        name="PKU Voices Network",
        disease="pku",
        country="US",
        lang="en",
        tz="new_york",
        files={
            "reddit_submissions": "pku-us/r_pku_submissions.ndjson.zst",
            "reddit_comments": "pku-us/r_pku_comments.ndjson",
            "bluesky": "pku-us/bluesky_author_feed.json",
        },
        platform_share={"reddit": 0.70, "bluesky": 0.30},
        handles={"reddit": "PKUVoicesNetwork", "bluesky": "pkuvoices.bsky.social"},
    ),
    OrgSpec(
        id="fop-au",
        name="FOP Friends Australia",
        disease="fop",
        country="AU",
        lang="en",
        tz="sydney",
        files={"mastodon": "fop-au/mastodon_statuses.json"},
        platform_share={"mastodon": 1.0},
        handles={"mastodon": "fopfriends@health.community"},
    ),
)


def org_by_id(org_id: str) -> OrgSpec:
    """Return the demo organisation with this id."""
    for org in ORGS:
        if org.id == org_id:
            return org
    raise KeyError(org_id)


@dataclass(eq=False)
class Account:
    """An account on one platform.

    ``handle`` is the handle as the platform shows it, without ``@`` (the full
    ``user@instance`` on Mastodon).  ``role`` is ``org`` only for the study
    organisation's own accounts; everyone else, peers included, is ``public``.
    ``kind`` is who the account is (patient, parent, carer, sibling,
    grandparent, advocate, org, peer_org, clinician, researcher, family_page,
    media, public_body, industry); :attr:`actor_type` the planted actor type.
    ``extra`` may hold ``identity`` (an advocate's: patient or carer_family),
    ``gatekeeper`` (a person planted to pass experts' posts on) and ``bridge``.
    """

    platform: str
    native_id: str
    handle: str
    display_name: str
    role: str
    kind: str
    lang: str
    created_at: datetime
    gender: str = "f"
    first_name: str = ""
    family_name: str = ""
    child_name: str = ""
    child_gender: str = "f"
    weight: float = 1.0
    orgs: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def is_person(self) -> bool:
        """True for private people (not organisations, clinicians or pages)."""
        return self.kind in PERSON_KINDS

    @property
    def actor_type(self) -> str:
        """The planted actor type (:data:`ACTOR_TYPES`): by kind, an advocate by its identity."""
        if self.kind == "advocate":
            return str(self.extra.get("identity", ACTOR_TYPE_OF_KIND["advocate"]))
        return ACTOR_TYPE_OF_KIND[self.kind]


PERSON_KINDS = frozenset({"patient", "parent", "carer", "sibling", "grandparent", "advocate"})


@dataclass(eq=False)
class Post:
    """One post (or share) with its ground truth.

    ``source_types`` holds the planted source type (:data:`SOURCE_TYPES`) of
    each link of ``urls``, in the same order, as the generator chose it.

    ``in_export`` is False for context-only posts: a deleted parent, or a
    post that appears only inside another record (a Bluesky reply parent or
    reposted post).  Such posts are not records and not in ``posts.csv``.
    """

    platform: str
    org_id: str
    file: str
    author: Account
    created_at: datetime
    text: str = ""
    title: str = ""
    lang: str = "en"
    theme: str = "awareness"
    knowledge_type: str = "other"
    person: str = "none"
    mode: str = "one_way"
    scenario: str = ""
    scenario_id: str = ""
    native_id: str = ""
    thread_id: str = ""
    parent: Post | None = None
    root: Post | None = None
    quoted: Post | None = None
    shared: Post | None = None
    mentions: list[Account] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    source_types: list[str] = field(default_factory=list)  # the planted type of each of ``urls``
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    in_export: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def is_share(self) -> bool:
        """True for retweets, reblogs, reposts and Facebook shares."""
        return self.shared is not None
