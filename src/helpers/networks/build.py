"""Building interaction networks: load the tables, aggregate edges, build graphs, summarise them.

The ``interactions`` table (one row per reply, mention, share or quote) becomes
a directed, weighted graph whose nodes are accounts (organisation accounts by
name, everybody else by pseudonym) and whose edge ``u -> v`` counts how often
``u`` addressed ``v``, in total (``weight``) and per kind.  The graph-level
summary (size, density, reciprocity, connectivity, centralisation, the
organisation's and the public's share of interaction) is computed straight
from edge lists, so a study-wide table of a million interactions needs no graph.

References
----------
.. [1] Wasserman, S., & Faust, K. (1994). Social Network Analysis: Methods and
   Applications. Cambridge University Press.
.. [2] Freeman, L. C. (1978). Centrality in social networks conceptual
   clarification. Social Networks, 1(3), 215-239.
.. [3] Squartini, T., Picciolo, F., Ruzzenenti, F., & Garlaschelli, D.
   (2013). Reciprocity of weighted networks. Scientific Reports, 3, 2729.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from helpers.config import StudyConfig
from helpers.schema import INTERACTION_KINDS, read_table, table_path

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = tuple(INTERACTION_KINDS)
_EDGE_COLUMNS = ["source", "target", "weight", *KINDS]


# --------------------------------------------------------------------------- loading


def load_interactions(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Read the validated interactions table, optionally of one organisation.

    Parameters
    ----------
    config : StudyConfig
    org_id : str, optional
        Keep the interactions found in this organisation's exports only.

    Raises
    ------
    KeyError
        When ``org_id`` is not an organisation of the study.
    """
    frame = read_table("interactions", table_path(config.processed_path, "interactions"))
    if org_id is None:
        return frame
    config.organisation(org_id)
    return frame[frame["org_id"] == org_id].reset_index(drop=True)


def load_accounts(config: StudyConfig) -> pd.DataFrame:
    """Read the validated accounts table (node attributes: role, is_org, label, org_id)."""
    return read_table("accounts", table_path(config.processed_path, "accounts"))


def load_post_topics(config: StudyConfig) -> pd.DataFrame | None:
    """Per-post topics of the study's topic model (``post_id``, ``topic``, ``label``), or None.

    Reads what :func:`helpers.topics.study_topics` saved; None when no model
    has been fitted yet (run ``03_topics.ipynb`` first) or it found no topics.
    """
    try:
        from helpers.topics import load_topics

        result = load_topics(config)
    except (ImportError, FileNotFoundError) as exc:
        logger.info("No topic model (%s): author-topic analysis skipped.", exc)
        return None
    if not result.has_topics:
        return None
    labels = dict(zip(result.topics["topic"], result.topics["label"], strict=True))
    topics = result.documents[["post_id", "topic"]].copy()
    topics["label"] = topics["topic"].map(labels).fillna(topics["topic"].astype(str))
    return topics


# --------------------------------------------------------------------------- building


def edge_table(interactions: pd.DataFrame, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Aggregate interactions into directed, weighted edges.

    Parameters
    ----------
    interactions : DataFrame
        Rows of the ``interactions`` table (``source_author``, ``target_author``, ``kind``).
    kinds : iterable of str, optional
        Keep only these kinds (``reply``, ``mention``, ``share``, ``quote``); all by default.

    Returns
    -------
    DataFrame
        One row per ordered pair: ``source``, ``target``, ``weight`` (number of
        interactions) and one count column per kind, sorted by source and target.
        Interactions with oneself are dropped.

    Examples
    --------
    >>> rows = pd.DataFrame({"source_author": ["a", "a", "b"], "target_author": ["b", "b", "a"],
    ...                      "kind": ["reply", "mention", "reply"]})
    >>> edge_table(rows)[["source", "target", "weight", "reply", "mention"]].to_dict("records")
    [{'source': 'a', 'target': 'b', 'weight': 2, 'reply': 1, 'mention': 1}, \
{'source': 'b', 'target': 'a', 'weight': 1, 'reply': 1, 'mention': 0}]
    """
    frame = interactions[["source_author", "target_author", "kind"]]
    if kinds is not None:
        frame = frame[frame["kind"].isin(_check_kinds(kinds))]
    frame = frame[frame["source_author"] != frame["target_author"]]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("source", "target") else "int64")
                             for c in _EDGE_COLUMNS})
    counts = frame.groupby(["source_author", "target_author", "kind"], sort=True).size()
    table = counts.unstack("kind", fill_value=0).reindex(columns=list(KINDS), fill_value=0)
    table.insert(0, "weight", table.sum(axis=1))
    table = table.rename_axis(index=["source", "target"], columns=None).reset_index()
    return table.astype({c: "int64" for c in ["weight", *KINDS]})


def build_graph(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    kinds: Iterable[str] | None = None,
    name: str = "",
) -> nx.DiGraph:
    """Build the directed, weighted interaction graph.

    Parameters
    ----------
    interactions : DataFrame
        Rows of the ``interactions`` table.
    accounts : DataFrame, optional
        The ``accounts`` table; gives nodes their ``role``, ``is_org``,
        ``org_id``, ``platform`` and ``display`` name (the organisation label for
        organisation accounts, the pseudonym for everybody else).
    kinds : iterable of str, optional
        Only these interaction kinds (e.g. ``["reply"]``); all by default.
    name : str
        Stored as the graph's ``name`` attribute.

    Returns
    -------
    networkx.DiGraph
        Edge attributes ``weight`` and one count per kind; node attributes as
        above plus ``orgs`` (the study organisations in whose exports the account
        interacts, ``;``-separated) and ``home_org`` (the one with most of its
        interactions).  Graph attributes ``name``, ``kinds`` and ``interactions``.

    Examples
    --------
    >>> rows = pd.DataFrame({"source_author": ["a", "b"], "target_author": ["b", "a"],
    ...                      "kind": ["reply", "reply"], "org_id": ["x", "x"]})
    >>> G = build_graph(rows)
    >>> sorted(G.edges(data="weight"))
    [('a', 'b', 1), ('b', 'a', 1)]
    """
    kind_list = _check_kinds(kinds) if kinds is not None else list(KINDS)
    subset = interactions if kinds is None else interactions[interactions["kind"].isin(kind_list)]
    edges = edge_table(subset)
    graph = nx.DiGraph(name=name, kinds=";".join(kind_list), interactions=int(edges["weight"].sum()))
    sources, targets = edges["source"].tolist(), edges["target"].tolist()
    nodes = sorted(set(sources).union(targets))
    attributes = node_attributes(nodes, subset, accounts)
    graph.add_nodes_from((node, attributes[node]) for node in nodes)
    names = ["weight", *KINDS]
    counts = zip(*(edges[name].tolist() for name in names), strict=True)
    graph.add_edges_from((u, v, dict(zip(names, values, strict=True)))
                         for u, v, values in zip(sources, targets, counts, strict=True))
    return graph


def node_attributes(
    nodes: Sequence[str], interactions: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> dict[str, dict[str, Any]]:
    """Attributes of each node: display name, role, organisation, platform, organisations reached.

    Only organisation names and pseudonyms are used: the processed tables hold
    nothing else.  Without ``accounts`` the role is ``"unknown"``.
    """
    info: dict[str, dict[str, Any]] = {
        node: {"display": str(node), "role": "unknown", "is_org": False, "org_id": "", "platform": ""}
        for node in nodes
    }
    if accounts is not None and not accounts.empty:
        known = accounts.drop_duplicates("author_id")
        known = known[known["author_id"].isin(nodes)]
        columns = ["author_id", "role", "is_org", "org_id", "label", "platform"]
        for author, role, is_org, org_id, label, platform in zip(
                *(known[c].astype(object).tolist() for c in columns), strict=True):
            is_org = bool(is_org)
            info[author].update(display=label if is_org and isinstance(label, str) else str(author),
                                role=str(role), is_org=is_org,
                                org_id=org_id if is_org and isinstance(org_id, str) else "",
                                platform=str(platform))
    orgs = _orgs_per_account(interactions)
    for node in nodes:
        reached = orgs.get(node, {})
        info[node]["orgs"] = ";".join(sorted(reached))
        info[node]["home_org"] = min(reached, key=lambda o: (-reached[o], o)) if reached else ""
    return info


def _orgs_per_account(interactions: pd.DataFrame) -> dict[str, dict[str, int]]:
    if "org_id" not in interactions.columns or interactions.empty:
        return {}
    long = pd.concat([
        interactions[["source_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
        interactions[["target_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
    ], ignore_index=True)
    counts = long.groupby(["author", "org_id"], sort=True).size()
    result: dict[str, dict[str, int]] = {}
    authors, orgs = counts.index.get_level_values(0).tolist(), counts.index.get_level_values(1).tolist()
    for author, org, count in zip(authors, orgs, counts.tolist(), strict=True):
        result.setdefault(author, {})[org] = count
    return result


def graphs_by_kind(interactions: pd.DataFrame, accounts: pd.DataFrame | None = None) -> dict[str, nx.DiGraph]:
    """One graph per interaction kind plus ``"all"`` (every kind combined).

    Returns
    -------
    dict
        ``{"all": G, "reply": G_reply, "mention": ..., "share": ..., "quote": ...}``;
        a kind without interactions gives an empty graph.
    """
    graphs = {"all": build_graph(interactions, accounts, name="all")}
    for kind in KINDS:
        graphs[kind] = build_graph(interactions, accounts, kinds=[kind], name=kind)
    return graphs


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown interaction kind(s) {unknown}; known: {', '.join(KINDS)}")
    return kinds


def graph_edges(G: nx.DiGraph, weight: str = "weight") -> pd.DataFrame:
    """The edges of ``G`` as a DataFrame with ``source``, ``target`` and ``weight`` (1 when absent)."""
    rows = list(G.edges(data=weight, default=1))
    return pd.DataFrame(rows, columns=["source", "target", "weight"]) if rows else \
        pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                      "weight": pd.Series(dtype="int64")})


def org_nodes(G: nx.Graph) -> list[Hashable]:
    """Nodes that are organisation accounts (node attribute ``is_org``)."""
    return [node for node, is_org in G.nodes(data="is_org", default=False) if is_org]


# --------------------------------------------------------------------------- graph-level measures


def summarise_edges(
    edges: pd.DataFrame,
    nodes: Iterable[Hashable] | None = None,
    org_accounts: Iterable[Hashable] = (),
) -> dict[str, float]:
    """Size, density, reciprocity, connectivity and centralisation of a directed edge list.

    Parameters
    ----------
    edges : DataFrame
        ``source``, ``target``, ``weight`` (e.g. from :func:`edge_table`); no self-loops.
    nodes : iterable, optional
        Every node, including isolates; the edge endpoints by default.
    org_accounts : iterable
        Organisation accounts, for the shares of interaction that involve one.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``interactions`` (sum of weights), ``density``
        (edges / n(n-1)), ``reciprocity`` (share of edges whose reverse exists,
        Wasserman & Faust 1994), ``weighted_reciprocity`` (Squartini et al.
        2013), ``components`` and ``largest_component_share`` (weakly
        connected), ``in_centralisation`` and ``out_centralisation`` (Freeman
        1978; 1 for a perfect star), ``org_share`` (interactions with an
        organisation account at either end) and ``public_share``
        (interactions between two other accounts: the crowd).

    References
    ----------
    .. [1] Freeman, L. C. (1978). Centrality in social networks conceptual
       clarification. Social Networks, 1(3), 215-239.
    .. [2] Squartini, T., Picciolo, F., Ruzzenenti, F., & Garlaschelli, D.
       (2013). Reciprocity of weighted networks. Scientific Reports, 3, 2729.
    """
    edges = edges[edges["source"] != edges["target"]]
    edges = edges.groupby(["source", "target"], as_index=False, sort=False)["weight"].sum()
    endpoints = pd.concat([edges["source"], edges["target"]], ignore_index=True)
    node_index = pd.Index(pd.unique(endpoints) if nodes is None else list(nodes))
    node_index = node_index.append(pd.Index(pd.unique(endpoints)).difference(node_index))
    n, m = len(node_index), len(edges)
    weights = edges["weight"].to_numpy(dtype=float)
    total = float(weights.sum())
    summary: dict[str, float] = {"nodes": n, "edges": m, "interactions": total,
                                 "density": m / (n * (n - 1)) if n > 1 else math.nan}
    if m:
        reverse = edges.rename(columns={"source": "target", "target": "source", "weight": "reverse"})
        merged = edges.merge(reverse, on=["source", "target"], how="left")
        back = merged["reverse"].fillna(0).to_numpy(dtype=float)
        summary["reciprocity"] = float((back > 0).mean())
        summary["weighted_reciprocity"] = float(np.minimum(weights, back).sum() / total)
    else:
        summary["reciprocity"] = summary["weighted_reciprocity"] = math.nan
    source = node_index.get_indexer(edges["source"])
    target = node_index.get_indexer(edges["target"])
    adjacency = sparse.csr_matrix((np.ones(m), (source, target)), shape=(n, n))
    count, labels = csgraph.connected_components(adjacency, directed=True, connection="weak")
    summary["components"] = int(count)
    summary["largest_component_share"] = float(np.bincount(labels).max() / n) if n else math.nan
    for direction, ends in (("in", target), ("out", source)):
        degree = np.bincount(ends, minlength=n)
        summary[f"{direction}_centralisation"] = (
            float((degree.max() - degree).sum() / (n - 1) ** 2) if n > 1 else math.nan
        )
    orgs = set(org_accounts)
    if orgs and total:
        involved = edges["source"].isin(orgs).to_numpy() | edges["target"].isin(orgs).to_numpy()
        summary["org_share"] = float(weights[involved].sum() / total)
        summary["public_share"] = float(weights[~involved].sum() / total)
    else:
        summary["org_share"] = 0.0 if total else math.nan
        summary["public_share"] = 1.0 if total else math.nan
    return summary


def graph_summary(G: nx.DiGraph) -> dict[str, float]:
    """:func:`summarise_edges` of a graph built by :func:`build_graph` (isolates included).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")])
    >>> round(graph_summary(G)["reciprocity"], 3)
    0.667
    """
    return summarise_edges(graph_edges(G), G.nodes, org_nodes(G))


def summary_table(graphs: Mapping[str, nx.DiGraph]) -> pd.DataFrame:
    """One row of :func:`graph_summary` per graph (e.g. per kind from :func:`graphs_by_kind`)."""
    rows = [{"graph": name, **graph_summary(G)} for name, G in graphs.items()]
    return pd.DataFrame(rows).set_index("graph")


def kind_summary_table(interactions: pd.DataFrame, accounts: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`summary_table` of the graphs of :func:`graphs_by_kind`, computed from edge lists.

    The same numbers without building five graphs: what a study-wide table of
    a million interactions needs.
    """
    orgs = set(accounts.loc[accounts["is_org"], "author_id"]) if accounts is not None else set()
    rows = [{"graph": "all", **summarise_edges(edge_table(interactions), org_accounts=orgs)}]
    for kind in KINDS:
        rows.append({"graph": kind, **summarise_edges(edge_table(interactions, [kind]), org_accounts=orgs)})
    return pd.DataFrame(rows).set_index("graph")
