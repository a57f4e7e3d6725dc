"""What ingestion learns about who an author is: the study's account lists and the profile rules.

An account's actor type (patient, carer or family, clinician or researcher,
industry, media, public body, peer organisation; Hanchard 2022 reads a
#RareDiseaseDay network by these types) is known when the study lists its
handle (``actors.lists``), else guessed by a rule on its profile description
(:mod:`helpers.actor_rules`).  Both need what only the reader has, the
handle and the profile text, so each staged post row carries a *hint*: the
type, what assigned it and a confidence, never the profile text itself.
:func:`account_actor_types` turns the hints of an account's posts into the
accounts table's columns.

References
----------
.. [1] Hanchard, M. (2022). Issue-networks as omitted publics in the construction of
   #rarediseaseday discourse. Wellcome Open Research. doi:10.12688/wellcomeopenres.18433.1
.. [2] Vicari, S. (2020). Is it all about storytelling? Living and learning
   hereditary cancer on Twitter. New Media & Society. doi:10.1177/1461444820926632
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.actor_rules import ActorRules, describe
from helpers.config import StudyConfig
from helpers.ingest.record_types import ParsedPost
from helpers.privacy import normalise_handle

LISTED = "study list"
"""The basis of a type taken from the study's ``actors.lists``."""
STUDY_ORGANISATION = "study organisation"
NO_BASIS = "none"
RULE_PREFIX = "profile rule: "
MAX_PROFILES_KEPT = 100_000


@dataclass(frozen=True)
class ActorHints:
    """The study's account lists and profile rules, as each file's staging applies them.

    Attributes
    ----------
    listed : dict
        ``(platform, normalised handle) -> actor type`` from ``actors.lists``.
    rules : ActorRules
        The profile rules.
    """

    listed: dict[tuple[str, str], str] = field(default_factory=dict)
    rules: ActorRules | None = None
    _read: dict[tuple[str, str | None], str | None] = field(default_factory=dict, compare=False, repr=False)
    """Profiles already read, with their hint: an author's profile repeats on every post (74 µs a read)."""

    @classmethod
    def from_config(cls, config: StudyConfig, rules: ActorRules) -> ActorHints:
        """The hints of a study: its lists (handles normalised as everywhere else) and rules."""
        listed = {(platform, normalise_handle(platform, handle)): actor_type
                  for actor_type, per_platform in config.actors.lists.items()
                  for platform, handles in per_platform.items() for handle in handles}
        return cls(listed, rules)

    def hint(self, post: ParsedPost) -> str | None:
        """The author's type as this post tells it: ``type<TAB>basis<TAB>confidence``, or None.

        Examples
        --------
        >>> from helpers.actor_rules import load_actor_rules
        >>> from datetime import UTC, datetime
        >>> hints = ActorHints({("twitter", "drjones"): "clinician_researcher"}, load_actor_rules())
        >>> post = ParsedPost("twitter", "1", datetime(2024, 1, 1, tzinfo=UTC), "hi", 1,
        ...                   author_handle="DrJones", author_profile="Mum of two")
        >>> hints.hint(post).split("\\t")
        ['clinician_researcher', 'study list', '1.00']
        """
        listed = self._listed_type(post.platform, post.author_handle)
        if listed is not None:
            return f"{listed}\t{LISTED}\t1.00"
        if self.rules is None or not post.author_profile:
            return None
        key = (post.author_profile, post.lang)
        if key not in self._read:
            if len(self._read) >= MAX_PROFILES_KEPT:
                self._read.clear()
            match = self.rules.match(post.author_profile, post.lang)
            self._read[key] = (None if match is None else
                               f"{match.actor_type}\t{RULE_PREFIX}{describe(match)}\t{match.confidence:.2f}")
        return self._read[key]

    def _listed_type(self, platform: str, handle: str | None) -> str | None:
        if not handle or not self.listed:
            return None
        normalised = normalise_handle(platform, handle)
        found = self.listed.get((platform, normalised))
        if found is None and platform == "mastodon" and "@" not in normalised:
            # a local account's acct has no instance; the study lists user@instance
            found = next((kind for (p, h), kind in self.listed.items()
                          if p == "mastodon" and h.split("@")[0] == normalised), None)
        return found


def account_actor_types(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The ``actor_type``, ``actor_basis`` and ``actor_confidence`` of each account.

    The study's list wins over profile rules; among an account's profile-rule
    hints (a profile can change during a study) the most frequent wins, then
    the most confident.  Organisation accounts of the study are
    ``study_organisation``; an account with no hint is ``unknown`` (basis
    ``none``, confidence 0).

    Parameters
    ----------
    posts : DataFrame
        Staged posts with ``author_id``, ``platform`` and ``actor_hint``.
    accounts : DataFrame
        ``author_id``, ``platform`` and ``is_org``.

    Returns
    -------
    DataFrame
        ``accounts`` in its order, with the three columns filled.
    """
    hints = posts.loc[posts["actor_hint"].notna(), ["author_id", "platform", "actor_hint"]]
    parts = hints["actor_hint"].str.split("\t", expand=True)
    chosen = pd.DataFrame(columns=["author_id", "platform", "actor_type", "actor_basis", "actor_confidence"])
    if len(parts):
        hints = hints.assign(actor_type=parts[0], actor_basis=parts[1],
                             actor_confidence=parts[2].astype(float), listed=parts[1] == LISTED)
        counted = (hints.groupby(["author_id", "platform", "actor_type", "actor_basis", "listed"], sort=False)
                   .agg(times=("actor_confidence", "size"), actor_confidence=("actor_confidence", "max"))
                   .reset_index())
        counted = counted.sort_values(["listed", "times", "actor_confidence", "actor_type"],
                                      ascending=[False, False, False, True], kind="stable")
        chosen = counted.drop_duplicates(["author_id", "platform"])[chosen.columns]
    out = accounts.drop(columns=["actor_type", "actor_basis", "actor_confidence"], errors="ignore")
    out = out.merge(chosen, on=["author_id", "platform"], how="left", validate="one_to_one")
    out["actor_type"] = out["actor_type"].fillna("unknown")
    out["actor_basis"] = out["actor_basis"].fillna(NO_BASIS)
    out["actor_confidence"] = out["actor_confidence"].astype(float).fillna(0.0)
    is_org = out["is_org"].astype(bool)
    out.loc[is_org, ["actor_type", "actor_basis"]] = ["study_organisation", STUDY_ORGANISATION]
    out.loc[is_org, "actor_confidence"] = 1.0
    return out
