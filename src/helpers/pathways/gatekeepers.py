"""Gatekeepers of scientific information: who brings medical sources in and brokers between kinds of accounts.

Vicari (2020) finds patient advocates acting as gatekeepers of scientific
information: a few accounts bring journal articles and regulators' notices
into the patient conversation and decide what of it travels.  Here such an
account is one that (a) introduces medical sources (posts, not shares or
quotes, carrying a link of :data:`helpers.pathways.flow.MEDICAL_SOURCES`) and
(b) holds brokerage positions (Gould & Fernandez 1989) in the interaction
graph, with the actor types as the groups.

References
----------
.. [1] Vicari, S. (2020). Is it all about storytelling? Living and learning
   hereditary cancer on Twitter. New Media & Society. doi:10.1177/1461444820926632
.. [2] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. Information, Communication & Society, 19(11), 1653-1671.
.. [3] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation:
   A formal approach to brokerage in transaction networks. Sociological
   Methodology, 19, 89-126.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import pandas as pd

from helpers.actor_rules import ACTOR_TYPES
from helpers.networks.brokerage import BROKERAGE_ROLES, brokerage_roles
from helpers.pathways.flow import MEDICAL_SOURCES, UNKNOWN_ACTOR, pass_pairs, wilson_bounds

GATEKEEPER_COLUMNS = ("rank", "account", "author_id", "actor_type", "medical_introduced", "passed_on",
                      "brokerage", "gatekeeper", "representative", "liaison", "betweenness", "why")
TYPE_COLUMNS = ("actor_type", "gatekeepers", "share", "low", "high")
#: Above this many nodes betweenness is estimated from a sample of source nodes.
EXACT_BETWEENNESS_NODES = 2000
BETWEENNESS_SAMPLE = 500


def gatekeeper_table(
    posts: pd.DataFrame,
    link_rows: pd.DataFrame,
    graph: nx.DiGraph,
    actor_types: pd.Series,
    labels: Mapping[str, str] | None = None,
    n: int | None = 15,
    betweenness: Mapping[object, float] | None = None,
) -> pd.DataFrame:
    """Accounts that bring medical sources in and broker between kinds of accounts (Vicari 2020).

    An account is listed when it introduced medical sources (at least one post
    that is not a share or quote and carries a ``medical_scientific`` or
    ``regulator_public_health`` link) and brokers at least one open two-path
    of ``graph``.  Its Gould & Fernandez roles are computed with the actor
    types as groups (:func:`helpers.networks.brokerage.brokerage_roles`): a
    *gatekeeper* lets content from accounts of other types into its own
    type's group, a *representative* carries its type's content out to other
    types, a *liaison* links two types it belongs to neither of.

    Parameters
    ----------
    posts : DataFrame
        The posts (``post_id``, ``author_id``, ``shared_id``, ``quoted_id``).
    link_rows : DataFrame
        :func:`helpers.pathways.flow.link_rows` of the same posts.
    graph : networkx.DiGraph
        The interaction graph, ``author_id`` nodes.
    actor_types : Series
        Actor type by ``author_id``; missing authors are ``"unknown"``, and all
        unknown accounts form one group.
    labels : mapping, optional
        Display label of named organisation accounts; other accounts are shown
        by their ``author_id`` pseudonym.
    n : int or None
        The first ``n`` accounts; all with None (as :func:`gatekeeper_types` needs).
    betweenness : mapping, optional
        Betweenness already computed for ``graph`` (the network analysis's
        node table has it): computing it again costs minutes on a large graph.

    Returns
    -------
    DataFrame
        ``rank``, ``account``, ``author_id``, ``actor_type``,
        ``medical_introduced`` (posts bringing medical sources in),
        ``passed_on`` (shares and quotes of those posts by other authors, plus,
        in studies that keep full links, later posts of the same medical link
        by others: :func:`helpers.pathways.flow.onward_passes`), ``brokerage``
        (the sum of all five role counts, coordinator included),
        ``gatekeeper``, ``representative``, ``liaison``, ``betweenness``
        (normalised, unweighted, directed; above 2,000 nodes estimated from
        ``k=500`` sampled sources with seed 0) and ``why``.  Ranked by
        ``passed_on``, then ``medical_introduced``, then ``brokerage`` (all
        descending), then ``author_id``.

    References
    ----------
    .. [1] Vicari, S. (2020). Is it all about storytelling? Living and learning
       hereditary cancer on Twitter. New Media & Society. doi:10.1177/1461444820926632
    .. [2] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation.
       Sociological Methodology, 19, 89-126.
    """
    introduced = _medical_introduced(link_rows)
    candidates = [author for author in introduced.index if author in graph]
    if not candidates:
        return _empty_table()
    groups = _groups(graph, actor_types)
    roles = brokerage_roles(graph, groups, candidates)
    roles = roles[roles["total"] >= 1]
    if roles.empty:
        return _empty_table()
    passed = _passed_on(posts, link_rows)
    betweenness = _betweenness(graph) if betweenness is None else betweenness
    labels = labels or {}
    rows = []
    for author in roles.index:
        counts = roles.loc[author]
        row = {
            "account": str(labels.get(author, author)),
            "author_id": author,
            "actor_type": groups[author],
            "medical_introduced": int(introduced[author]),
            "passed_on": int(passed.get(author, 0)),
            "brokerage": int(counts["total"]),
            **{role: int(counts[role]) for role in ("gatekeeper", "representative", "liaison")},
            "betweenness": float(betweenness.get(author, 0.0)),
        }
        row["why"] = _why(row["medical_introduced"], row["passed_on"], row["brokerage"], counts)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["_key"] = table["author_id"].astype(str)
    table = table.sort_values(["passed_on", "medical_introduced", "brokerage", "_key"],
                              ascending=[False, False, False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table if n is None else table.head(n)


def gatekeeper_types(table: pd.DataFrame, all_candidates: bool = True) -> pd.DataFrame:
    """The share of each actor type among the gatekeepers, with its Wilson 95% interval.

    Pass the table of *all* accounts that qualify (``gatekeeper_table(...,
    n=None)``): shares among the top ``n`` only describe the top of a ranking.
    Gatekeepers are distinct accounts, taken as independent units.

    Parameters
    ----------
    table : DataFrame
        :func:`gatekeeper_table`.
    all_candidates : bool
        One row for every actor type of ``helpers.actor_rules.ACTOR_TYPES``
        (0 gatekeepers where none qualify: its interval still says how rare
        that type can be); with False, only the types that have gatekeepers.

    Returns
    -------
    DataFrame
        ``actor_type``, ``gatekeepers``, ``share``, ``low``, ``high``; largest
        share first, then in ``ACTOR_TYPES`` order.  Empty without gatekeepers.
    """
    if table.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64" if column in ("share", "low", "high")
                                               else "int64" if column == "gatekeepers" else object)
                             for column in TYPE_COLUMNS})
    counts = table["actor_type"].value_counts()
    seen = [kind for kind in counts.index if kind not in ACTOR_TYPES]
    kinds = [kind for kind in ACTOR_TYPES if all_candidates or kind in counts.index] + sorted(seen)
    total = len(table)
    rows = []
    for kind in kinds:
        count = int(counts.get(kind, 0))
        low, high = wilson_bounds(count, total)
        rows.append({"actor_type": kind, "gatekeepers": count, "share": count / total, "low": low,
                     "high": high})
    frame = pd.DataFrame(rows, columns=list(TYPE_COLUMNS))
    frame = frame.sort_values("share", ascending=False, kind="stable")
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- helpers


def _medical_introduced(link_rows: pd.DataFrame) -> pd.Series:
    """Posts per author that bring a medical source in (not shares or quotes), most first."""
    if link_rows.empty:
        return pd.Series(dtype="int64")
    own = link_rows[~link_rows["is_pass"].astype(bool) & link_rows["source_type"].isin(MEDICAL_SOURCES)]
    return own.groupby("author_id")["post_id"].nunique()


def _passed_on(posts: pd.DataFrame, link_rows: pd.DataFrame) -> pd.Series:
    """Per author, the (own medical post, passing post) pairs: passes by other authors."""
    if link_rows.empty or posts.empty:
        return pd.Series(dtype="int64")
    pairs = pass_pairs(posts, link_rows)
    pairs = pairs[pairs["source_type"].isin(MEDICAL_SOURCES)]
    if pairs.empty:
        return pd.Series(dtype="int64")
    return pairs.drop_duplicates(["post_id", "passing_id"]).groupby("author_id").size()


def _groups(graph: nx.DiGraph, actor_types: pd.Series) -> dict[object, str]:
    types = actor_types.dropna().to_dict()
    return {node: str(types.get(node, UNKNOWN_ACTOR)) for node in graph}


def _betweenness(graph: nx.DiGraph) -> dict[object, float]:
    """Normalised betweenness; sampled (``k=500`` sources, seed 0) above 2,000 nodes."""
    nodes = graph.number_of_nodes()
    if nodes > EXACT_BETWEENNESS_NODES:
        return nx.betweenness_centrality(graph, k=min(BETWEENNESS_SAMPLE, nodes), normalized=True, seed=0)
    return nx.betweenness_centrality(graph, normalized=True)


def _why(medical: int, passed: int, paths: int, counts: pd.Series) -> str:
    """``"brought 4 medical posts in, passed on 9 times; brokers 12 paths (gatekeeper 7)"``."""
    main = max(BROKERAGE_ROLES, key=lambda role: int(counts[role]))  # first of the largest, in role order
    return (f"brought {_plural(medical, 'medical post')} in, passed on {_times(passed)}; "
            f"brokers {_plural(paths, 'path')} ({main} {int(counts[main])})")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _empty_table() -> pd.DataFrame:
    dtypes = {"rank": "int64", "medical_introduced": "int64", "passed_on": "int64", "brokerage": "int64",
              "gatekeeper": "int64", "representative": "int64", "liaison": "int64", "betweenness": "float64"}
    return pd.DataFrame({name: pd.Series(dtype=dtypes.get(name, object)) for name in GATEKEEPER_COLUMNS})

