"""How well actor types and link source types recover the demo corpus's ground truth.

The demo generator plants each account's actor type (and a profile that
reveals it, says nothing or misleads) and the source type of each link it
writes; ``rarevoices evaluate`` compares.  These figures are optimistic: the
generator's profiles and links are ours, written in the words the rules and
the domain list know, so a real study's accuracy is lower and must be checked
on a hand-coded sample (docs/pathways.md).
"""

from __future__ import annotations

import pandas as pd

from helpers.actor_rules import ACTOR_TYPES
from helpers.classify.evaluation import classification_table
from helpers.config import StudyConfig
from helpers.link_sources import SHORTENED, SOURCE_TYPES, UNKNOWN
from helpers.pathways.study import study_accounts, study_link_sources
from helpers.truth import load_truth_accounts, load_truth_posts


def actor_type_pairs(config: StudyConfig) -> pd.DataFrame:
    """Each processed account's true and assigned actor type, with what assigned it."""
    accounts = study_accounts(config)
    truth = load_truth_accounts(config)[["author_id", "platform", "actor_type"]]
    pairs = accounts.merge(truth.rename(columns={"actor_type": "true_type"}), on=["author_id", "platform"],
                           how="inner", validate="one_to_one")
    return pairs[["author_id", "platform", "true_type", "actor_type", "actor_basis"]]


def source_type_pairs(config: StudyConfig) -> pd.DataFrame:
    """Each planted link's true source type and the one the study's domain list gives its domain."""
    truth = load_truth_posts(config)
    truth = truth[truth["links"] != ""]
    sources = study_link_sources(config)
    rows = []
    for post_id, links, kinds in zip(truth["post_id"], truth["links"], truth["source_types"], strict=True):
        for link, kind in zip(links.split(";"), kinds.split(";"), strict=True):
            rows.append((post_id, link, kind, sources.source_type(link)))
    return pd.DataFrame(rows, columns=["post_id", "link", "true_type", "source_type"])


def evaluate_pathways(config: StudyConfig) -> dict[str, pd.DataFrame]:
    """Per-class precision, recall and F1 of actor types (accounts) and source types (links).

    Returns
    -------
    dict
        ``actor_types`` and ``source_types`` (:func:`classification_table`),
        and ``actor_types_by_basis``: accuracy of the types assigned by each
        basis (study list, profile rule, none...).
    """
    actors = actor_type_pairs(config)
    links = source_type_pairs(config)
    by_basis = (actors.assign(basis=actors["actor_basis"].str.split(":").str[0],
                              correct=actors["true_type"] == actors["actor_type"])
                .groupby("basis")["correct"].agg(accounts="size", accuracy="mean").reset_index())
    return {
        "actor_types": classification_table(actors["true_type"], actors["actor_type"], ACTOR_TYPES),
        "actor_types_by_basis": by_basis,
        "source_types": classification_table(links["true_type"], links["source_type"],
                                             (*SOURCE_TYPES, SHORTENED, UNKNOWN)),
    }
