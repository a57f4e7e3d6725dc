"""Communication modes and ground truth: network measures per mode, and checks against a demo's truth.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from helpers.config import StudyConfig
from helpers.networks.brokerage import bridging_accounts
from helpers.networks.build import KINDS, edge_table, load_accounts, load_interactions, summarise_edges
from helpers.schema import read_table, table_path


def mode_profile(
    interactions: pd.DataFrame,
    posts: pd.DataFrame,
    thread_modes: Mapping[str, str] | pd.Series,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Network measures of the interactions in threads of each communication mode.

    Vicari & Cappai's (2016) modes leave distinct traces in the network:
    one-way threads have no reciprocity and revolve around the organisation,
    two-way threads have reciprocated organisation-public ties, crowd-sourced
    threads are mostly public-to-public.  Use it with a classifier's thread
    labels, or with the demo's ground truth to check the measures.

    Parameters
    ----------
    interactions : DataFrame
    posts : DataFrame
        ``post_id`` and ``thread_id``, to find each interaction's thread.
    thread_modes : mapping or Series
        Thread id to mode (``one_way``, ``two_way``, ``crowd_sourced``).
    accounts : DataFrame, optional
        For the organisation accounts.

    Returns
    -------
    DataFrame
        Indexed by mode: ``interactions``, ``accounts``, ``reciprocity``,
        ``org_share``, ``public_share``, ``in_centralisation``.
    """
    modes = pd.Series(thread_modes) if not isinstance(thread_modes, pd.Series) else thread_modes
    thread = interactions["post_id"].map(dict(zip(posts["post_id"], posts["thread_id"], strict=True)))
    labelled = interactions.assign(mode=thread.map(modes)).dropna(subset=["mode"])
    orgs = set(accounts.loc[accounts["is_org"], "author_id"]) if accounts is not None else set()
    measures = ["reciprocity", "org_share", "public_share", "in_centralisation"]
    rows = []
    for mode, part in labelled.groupby("mode", sort=True):
        summary = summarise_edges(edge_table(part), org_accounts=orgs)
        rows.append({"mode": mode, "interactions": len(part), "accounts": int(summary["nodes"]),
                     **{k: summary[k] for k in measures}})
    return pd.DataFrame(rows, columns=["mode", "interactions", "accounts", *measures]).set_index("mode")


def evaluate_against_truth(config: StudyConfig) -> dict[str, pd.DataFrame]:
    """Compare the networks of a generated demo study with the generator's ground truth.

    Evaluation only: the analysis never reads the ground truth.  Three tables:

    * ``edges``: per kind, the ordered account pairs (edges) and interactions
      of the true network found in the processed one (precision, recall).  True
      mentions of the account a post replies to or shares are left out, as the
      data model does (docs/data-model.md: platforms insert those names);
    * ``bridging``: public accounts active in several organisations'
      communities (true: writing posts in two organisations' exports) against
      :func:`bridging_accounts`;
    * ``modes``: :func:`mode_profile` with the true mode of each thread (the
      mode most of its posts have).

    Raises
    ------
    helpers.truth.NoGroundTruth
        When the study is not a generated demo corpus.
    """
    from helpers.truth import load_truth_interactions, load_truth_posts

    truth = load_truth_interactions(config)
    inserted = truth[truth["kind"].isin(["reply", "share"])][["post_id", "target_author"]]
    inserted = set(zip(inserted["post_id"], inserted["target_author"], strict=True))
    columns = zip(truth["kind"], truth["post_id"], truth["target_author"], strict=True)
    keep = [kind != "mention" or (post, target) not in inserted for kind, post, target in columns]
    truth = truth[keep]
    found = load_interactions(config)
    rows = []
    for kind in ("all", *KINDS):
        t = truth if kind == "all" else truth[truth["kind"] == kind]
        f = found if kind == "all" else found[found["kind"] == kind]
        true_edges = set(zip(t["source_author"], t["target_author"], strict=True))
        found_edges = set(zip(f["source_author"], f["target_author"], strict=True))
        true_rows = set(zip(t["post_id"], t["kind"], t["target_author"], strict=True))
        found_rows = set(zip(f["post_id"], f["kind"], f["target_author"], strict=True))
        rows.append({"kind": kind, "true_edges": len(true_edges), "found_edges": len(found_edges),
                     "edge_precision": _ratio(len(true_edges & found_edges), len(found_edges)),
                     "edge_recall": _ratio(len(true_edges & found_edges), len(true_edges)),
                     "true_interactions": len(true_rows), "found_interactions": len(found_rows),
                     "interaction_recall": _ratio(len(true_rows & found_rows), len(true_rows))})
    edges = pd.DataFrame(rows).set_index("kind")
    edges.loc["all", "true_reciprocity"] = summarise_edges(edge_table(truth))["reciprocity"]
    edges.loc["all", "found_reciprocity"] = summarise_edges(edge_table(found))["reciprocity"]

    posts = load_truth_posts(config)
    public = posts[posts["author_role"] == "public"]
    per_author = public.groupby("author_id")["org_id"].nunique()
    true_bridges = set(per_author[per_author >= 2].index)
    accounts = load_accounts(config)
    processed_posts = read_table("posts", table_path(config.processed_path, "posts"))
    table = bridging_accounts(found, accounts, processed_posts)
    found_bridges = set(table.index[table["role"] == "public"])
    bridging = pd.DataFrame([{"true": len(true_bridges), "found": len(found_bridges),
                              "precision": _ratio(len(true_bridges & found_bridges), len(found_bridges)),
                              "recall": _ratio(len(true_bridges & found_bridges), len(true_bridges))}])

    thread_modes = posts.groupby("thread_id")["communication_mode"].agg(lambda s: s.value_counts().index[0])
    modes = mode_profile(found, posts[["post_id", "thread_id"]], thread_modes, accounts)
    return {"edges": edges, "bridging": bridging, "modes": modes}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan
