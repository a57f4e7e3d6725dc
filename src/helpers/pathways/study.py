"""The pathway analyses of a study: its accounts' actor types, its posts' links, its gatekeepers.

The functions of :mod:`.flow` and :mod:`.gatekeepers` take plain data; these
read it from the study's processed folder, apply the study's hand codes of
actor types (``actors.codes_file``) and link source list
(``analysis.link_sources_file``), and scope it to one organisation.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from helpers.actor_rules import ACTOR_TYPES
from helpers.classify.study import load_classified_posts
from helpers.config import StudyConfig
from helpers.errors import UserError
from helpers.link_sources import LinkSources, load_link_sources
from helpers.networks.build import load_accounts
from helpers.pathways.flow import link_rows

HAND_CODE = "hand code"
"""The basis of an actor type taken from the study's hand codes."""
HAND_CODED_TYPES = tuple(kind for kind in ACTOR_TYPES if kind != "study_organisation")


class ActorCodesError(UserError, ValueError):
    """The hand codes of actor types cannot be used; the message names the file, row and field."""


def read_actor_codes(path: Path) -> pd.DataFrame:
    """The hand codes of a study: ``author_id`` (the pseudonym of the accounts table) and ``actor_type``.

    A CSV with a header; other columns (a coder's note, the platform) are
    ignored.  An account coded twice keeps its last code.

    Raises
    ------
    ActorCodesError
        When the file is missing, lacks a column, or a row has no author or a
        type that does not exist (naming the file, the row and the field).
    """
    if not path.is_file():
        raise ActorCodesError(f"{path}: the actor codes file (actors.codes_file) does not exist")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in ("author_id", "actor_type")
                   if column not in (reader.fieldnames or [])]
        if missing:
            raise ActorCodesError(f"{path}: no column {', '.join(missing)} "
                                  "(it needs author_id and actor_type)")
        rows = []
        for line, row in enumerate(reader, start=2):
            author_id = (row.get("author_id") or "").strip()
            actor_type = (row.get("actor_type") or "").strip()
            if not author_id:
                raise ActorCodesError(f"{path}, row {line}: author_id is empty")
            if actor_type not in HAND_CODED_TYPES:
                raise ActorCodesError(f"{path}, row {line}: actor_type {actor_type!r} is not one of "
                                      f"{', '.join(HAND_CODED_TYPES)}")
            rows.append((author_id, actor_type))
    return pd.DataFrame(rows, columns=["author_id", "actor_type"]).drop_duplicates("author_id", keep="last")


def study_accounts(config: StudyConfig) -> pd.DataFrame:
    """The accounts table with the study's hand codes applied (basis ``hand code``, confidence 1).

    Hand codes win over lists and profile rules, but not over the study's own
    organisation accounts, which are ``study_organisation`` by definition.
    """
    accounts = load_accounts(config).copy()
    if config.actors.codes_file is None:
        return accounts
    codes = read_actor_codes(config.resolve(config.actors.codes_file)).set_index("author_id")["actor_type"]
    coded = accounts["author_id"].isin(codes.index) & ~accounts["is_org"].astype(bool)
    accounts.loc[coded, "actor_type"] = accounts.loc[coded, "author_id"].map(codes)
    accounts.loc[coded, "actor_basis"] = HAND_CODE
    accounts.loc[coded, "actor_confidence"] = 1.0
    return accounts


def actor_types(accounts: pd.DataFrame) -> pd.Series:
    """Actor type by ``author_id`` (an id seen on two platforms keeps its first row's type)."""
    return accounts.drop_duplicates("author_id").set_index("author_id")["actor_type"]


def study_link_sources(config: StudyConfig) -> LinkSources:
    """The packaged link source list with the study's organisations' websites and its own list."""
    extra = config.analysis.link_sources_file
    sites = [site for org in config.organisations for site in org.websites]
    return load_link_sources(config.resolve(extra) if extra is not None else None, own_sites=sites)


def study_links(config: StudyConfig, org_id: str | None, accounts: pd.DataFrame | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scope's classified posts and their :func:`~helpers.pathways.flow.link_rows`."""
    accounts = study_accounts(config) if accounts is None else accounts
    posts = load_classified_posts(config, org_id)
    return posts, link_rows(posts, study_link_sources(config), actor_types(accounts))


def org_labels(accounts: pd.DataFrame) -> dict[str, str]:
    """The display label of each named organisation account (everybody else stays a pseudonym)."""
    named = accounts[accounts["label"].notna()]
    return dict(zip(named["author_id"], named["label"], strict=True))
