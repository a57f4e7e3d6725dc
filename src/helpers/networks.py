"""Interaction networks: who talks to whom, who brokers, which communities form.

The ``interactions`` table (one row per reply, mention, share or quote) becomes
a directed, weighted graph whose nodes are accounts (organisation accounts by
name, everybody else by pseudonym) and whose edge ``u -> v`` counts how often
``u`` addressed ``v``, in total (``weight``) and per kind.  On it this module
measures what Vicari & Cappai (2016) describe in words:

* **one-way** knowledge sharing shows as a star around the organisation with
  low reciprocity and high in/out-degree centralisation;
* **two-way** sharing as reciprocated ties between organisation and public
  (:func:`org_ego_table`, ``answered_share``);
* **crowd-sourced** sharing as public-to-public interaction, dense ego
  networks and communities that do not revolve around the organisation.

Every measure is one plain function (DataFrame or graph in, DataFrame, Series
or graph out), as in networkx; :func:`analyse_network` runs them all for one
organisation or the whole study, and :func:`export_graph` writes GEXF,
GraphML and CSV files for Gephi.  Large graphs (a million interactions) are
handled by computing betweenness and, above a size threshold, Louvain with
igraph's C implementation, which gives the same numbers as networkx (see
``tests/test_networks.py``) in a fraction of the time; ``docs/networks.md``
lists the measured times.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Wasserman, S., & Faust, K. (1994). Social Network Analysis: Methods and
   Applications. Cambridge University Press.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import random
import re
import shutil
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import escape, quoteattr

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox
from scipy import sparse
from scipy.sparse import csgraph
from tqdm import tqdm

from helpers.config import StudyConfig
from helpers.interactive import figure_html
from helpers.notice import NotComputed, drawable, show_instead
from helpers.plots import category_ticks, legend_outside, percent_axis, wrapped
from helpers.schema import INTERACTION_KINDS, read_table, table_path
from helpers.store import atomic_path, tighten, write_csv_atomic

if TYPE_CHECKING:  # imported lazily: igraph and plotly are only needed by some functions
    import igraph as ig
    import plotly.graph_objects as go

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = tuple(INTERACTION_KINDS)
#: Exact betweenness up to this many nodes; above it, k sampled sources.
EXACT_BETWEENNESS_MAX_NODES = 5_000
#: Louvain with networkx up to this many edges, igraph's multilevel above ("auto").
NETWORKX_LOUVAIN_MAX_EDGES = 200_000
#: Gould & Fernandez (1989) brokerage roles, in their order.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
#: Colours of the ten largest communities in figures; smaller ones are grey.
COMMUNITY_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
OTHER_COLOUR = "#c8c8c8"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_XML_SPECIAL = re.compile("[&<>\"'\x00-\x1f]")  # anything that needs escaping in an attribute
_FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}
_EDGE_COLUMNS = ["source", "target", "weight", *KINDS]
Backend = Literal["auto", "networkx", "igraph"]


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


def reciprocity(G: nx.DiGraph) -> float:
    """Share of directed edges whose reverse edge also exists.

    The same quantity as :func:`networkx.overall_reciprocity` and igraph's
    ``Graph.reciprocity()``, computed in one pass over the edges.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 13.

    Examples
    --------
    >>> reciprocity(nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 4)]))
    0.5
    """
    edges = [(u, v) for u, v in G.edges() if u != v]
    if not edges:
        return math.nan
    return sum(1 for u, v in edges if G.has_edge(v, u)) / len(edges)


# --------------------------------------------------------------------------- node-level measures


def degree_table(G: nx.DiGraph, weight: str = "weight") -> pd.DataFrame:
    """In/out degree (distinct accounts) and in/out strength (interactions) of every node."""
    return pd.DataFrame({
        "in_degree": dict(G.in_degree()),
        "out_degree": dict(G.out_degree()),
        "in_strength": dict(G.in_degree(weight=weight)),
        "out_strength": dict(G.out_degree(weight=weight)),
    }, index=pd.Index(list(G), dtype=object)).astype("int64")


def pagerank(G: nx.DiGraph, alpha: float = 0.85, weight: str | None = "weight") -> pd.Series:
    """Weighted PageRank of every node (networkx, power iteration on a sparse matrix, to 1e-10).

    An account ranks high when accounts that rank high address it often:
    attention received, passed on through the network.

    References
    ----------
    .. [1] Brin, S., & Page, L. (1998). The anatomy of a large-scale hypertextual
       Web search engine. Computer Networks and ISDN Systems, 30, 107-117.
    """
    if G.number_of_nodes() == 0:
        return pd.Series(dtype=float, name="pagerank")
    values = nx.pagerank(G, alpha=alpha, weight=weight, tol=1e-10, max_iter=1000)
    return pd.Series(values, name="pagerank").reindex(list(G))


def betweenness(
    G: nx.Graph,
    k: int | None = 500,
    *,
    seed: int = 0,
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    weight: str | None = None,
    backend: Backend = "auto",
) -> pd.Series:
    """Normalised shortest-path betweenness, exact or estimated from ``k`` sampled sources.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    k : int or None
        Number of source nodes sampled (uniformly, with ``seed``) when the graph
        has more than ``exact_max_nodes`` nodes.  None: always exact.
    seed : int
        Seed of the sample.
    exact_max_nodes : int
        Graphs up to this size get the exact value.
    weight : str, optional
        Edge attribute used as a *distance*.  None (default) counts hops: the
        interaction counts are tie strengths, not distances.
    backend : {"auto", "networkx", "igraph"}
        igraph (C) and networkx (Python) give the same values; "auto" uses igraph.

    Returns
    -------
    Series
        The share of shortest paths between other accounts that pass through
        each account, normalised as :func:`networkx.betweenness_centrality`
        (by the ``(n-1)(n-2)`` ordered pairs; the estimate by the pairs its
        ``k`` sources cover), so exact and estimated values are comparable.
        Both backends sample the same sources for a seed, so they agree.
        ``attrs["method"]`` says what was computed, with k and seed.

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
       Journal of Mathematical Sociology, 25(2), 163-177.
    .. [2] Brandes, U., & Pich, C. (2007). Centrality estimation in large
       networks. International Journal of Bifurcation and Chaos, 17(7), 2303-2318.
    .. [3] Brandes, U. (2008). On variants of shortest-path betweenness
       centrality and their generic computation. Social Networks, 30(2), 136-145.

    Examples
    --------
    >>> path = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> betweenness(path).to_dict()
    {'a': 0.0, 'b': 0.5, 'c': 0.0}
    """
    nodes = list(G)
    n = len(nodes)
    sampled = k is not None and n > exact_max_nodes and k < n
    use_igraph = backend in ("auto", "igraph")
    if n < 3:
        values = dict.fromkeys(nodes, 0.0)
    elif not use_igraph:
        values = nx.betweenness_centrality(G, k=k if sampled else None, normalized=True, weight=weight,
                                           seed=random.Random(seed))
    else:
        values = _igraph_betweenness(G, k if sampled else None, seed, weight)
    series = pd.Series([values[node] for node in nodes], index=pd.Index(nodes, dtype=object),
                       name="betweenness", dtype=float)
    engine = "igraph" if use_igraph else "networkx"
    series.attrs["method"] = (
        f"estimated from k={k} sampled sources of {n} nodes (seed {seed}; Brandes & Pich 2007; {engine})"
        if sampled else f"exact (Brandes 2001; {engine})"
    )
    return series


def _igraph_betweenness(G: nx.Graph, k: int | None, seed: int, weight: str | None) -> dict[Hashable, float]:
    """Betweenness with igraph, normalised and sampled exactly as networkx does it.

    The ``k`` sources are the same nodes networkx samples for that seed
    (``random.Random(seed).sample(list(G), k)``).  Normalisation divides by the
    number of (source, target) pairs a node can lie between: ``(n-1)(n-2)``
    ordered pairs when exact; ``k(n-2)``, or ``(k-1)(n-2)`` for a node that was
    itself a source, when sampled.
    """
    nodes = list(G)
    n = len(nodes)
    graph = to_igraph(G, weight=weight or "weight")
    weights = "weight" if weight else None
    factor = 1 if G.is_directed() else 2  # on undirected graphs igraph counts each pair once, networkx twice
    if k is None:
        raw = graph.betweenness(directed=G.is_directed(), weights=weights)
        return {node: factor * value / ((n - 1) * (n - 2)) for node, value in zip(nodes, raw, strict=True)}
    sources = random.Random(seed).sample(nodes, k)
    index = {node: i for i, node in enumerate(nodes)}
    raw = graph.betweenness(directed=G.is_directed(), weights=weights, sources=[index[s] for s in sources])
    chosen = set(sources)
    result = {}
    for node, value in zip(nodes, raw, strict=True):
        pairs = (k - 1 if node in chosen else k) * (n - 2)
        result[node] = factor * value / pairs if pairs else math.nan
    return result


def to_igraph(G: nx.Graph, weight: str = "weight") -> ig.Graph:
    """Convert a networkx graph to igraph, keeping node order (``name``) and ``weight``.

    Vertex ``i`` of the result is ``list(G)[i]``.
    """
    import igraph as ig

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    graph = ig.Graph(n=len(nodes), edges=edges, directed=G.is_directed())
    graph.vs["name"] = nodes
    graph.es["weight"] = [w for _, _, w in G.edges(data=weight, default=1)]
    return graph


@contextmanager
def _igraph_seed(seed: int) -> Iterator[None]:
    """Seed igraph's random numbers (it draws them from a Python ``random`` generator)."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def node_measures(
    G: nx.DiGraph,
    *,
    k: int | None = 500,
    seed: int = 0,
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    backend: Backend = "auto",
) -> pd.DataFrame:
    """Node attributes and centralities in one table, one row per account.

    Columns: ``display``, ``role``, ``is_org``, ``org_id``, ``platform``,
    ``home_org``, ``orgs``, ``in_degree``, ``out_degree``, ``in_strength``,
    ``out_strength``, ``pagerank`` and ``betweenness`` (see :func:`betweenness`
    for ``k``; ``attrs["betweenness_method"]`` says how it was computed).
    """
    attributes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    attributes = attributes.reindex(index=list(G), columns=["display", "role", "is_org", "org_id",
                                                            "platform", "home_org", "orgs"])
    between = betweenness(G, k, seed=seed, exact_max_nodes=exact_max_nodes, backend=backend)
    table = attributes.join(degree_table(G)).join(pagerank(G)).join(between)
    table.index.name = "node"
    table.attrs["betweenness_method"] = between.attrs.get("method", "")
    return table


def top_accounts(nodes: pd.DataFrame, by: str = "pagerank", n: int = 15) -> pd.DataFrame:
    """The ``n`` accounts ranking highest on ``by``, with the columns a reader needs."""
    columns = [c for c in ["display", "role", "community", "in_degree", "out_degree", "in_strength",
                           "out_strength", "pagerank", "betweenness"] if c in nodes.columns]
    ranked = nodes.sort_values([by, "display"], ascending=[False, True], kind="stable")
    return ranked[columns].head(n)


# --------------------------------------------------------------------------- communities


def undirected_weighted(G: nx.DiGraph, weight: str = "weight") -> nx.Graph:
    """Undirected copy of ``G`` whose edge weight is the sum of both directions."""
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for u, v, w in G.edges(data=weight, default=1):
        if U.has_edge(u, v):
            U[u][v][weight] += w
        else:
            U.add_edge(u, v, **{weight: w})
    return U


def communities(
    G: nx.Graph,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    weight: str = "weight",
    backend: Backend = "auto",
) -> pd.Series:
    """Louvain communities of the undirected, weighted interaction graph.

    Directions are ignored and the weights of ``u -> v`` and ``v -> u`` added:
    a community is a group of accounts that interact with each other more than
    chance, whoever starts.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    seed : int
        Random seed (the study seed): the same graph gives the same communities.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.
    backend : {"auto", "networkx", "igraph"}
        :func:`networkx.community.louvain_communities`, or igraph's
        ``community_multilevel`` (the same algorithm in C); "auto" uses igraph
        above ``NETWORKX_LOUVAIN_MAX_EDGES`` edges.

    Returns
    -------
    Series
        Community number per node, 0 for the largest community, then by size.
        ``attrs`` holds ``modularity``, ``resolution`` and ``method``.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E.
       (2008). Fast unfolding of communities in large networks. Journal of
       Statistical Mechanics, P10008.
    .. [2] Newman, M. E. J. (2006). Modularity and community structure in
       networks. PNAS, 103(23), 8577-8582.
    """
    if G.number_of_nodes() == 0:
        empty = pd.Series(dtype="int64", name="community")
        empty.attrs.update(modularity=math.nan, resolution=resolution, method="none: the network is empty")
        return empty
    if G.number_of_edges() == 0:  # no ties: each node its own community, modularity undefined
        alone = pd.Series(range(G.number_of_nodes()), index=pd.Index(sorted(G, key=str), dtype=object),
                          name="community", dtype="int64").reindex(list(G))
        alone.attrs.update(modularity=math.nan, resolution=resolution,
                           method="none: the network has no ties, so every account is a community of its own")
        return alone
    large = G.number_of_edges() > NETWORKX_LOUVAIN_MAX_EDGES
    use_igraph = backend == "igraph" or (backend == "auto" and large)
    if use_igraph:
        graph = to_igraph(G, weight=weight)
        if graph.is_directed():
            graph = graph.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
        with _igraph_seed(seed):
            clustering = graph.community_multilevel(weights="weight", resolution=resolution)
        names = graph.vs["name"]
        parts = [{names[i] for i in members} for members in clustering]
        modularity = graph.modularity(clustering.membership, weights="weight", resolution=resolution)
        method = "Louvain (igraph community_multilevel)"
    else:
        U = undirected_weighted(G, weight) if G.is_directed() else G
        parts = nx.community.louvain_communities(U, weight=weight, resolution=resolution, seed=seed)
        modularity = nx.community.modularity(U, parts, weight=weight, resolution=resolution)
        method = "Louvain (networkx louvain_communities)"
    ranked = sorted(parts, key=lambda part: (-len(part), min(map(str, part))))
    membership = {node: number for number, part in enumerate(ranked) for node in part}
    series = pd.Series([membership[node] for node in G], index=pd.Index(list(G), dtype=object),
                       name="community", dtype="int64")
    series.attrs.update(modularity=float(modularity), resolution=resolution,
                        method=f"{method}, seed {seed}, resolution {resolution}")
    return series


def community_table(
    G: nx.DiGraph,
    membership: pd.Series,
    *,
    posts: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    rank_by: pd.Series | None = None,
    top: int = 5,
    min_size: int = 2,
    limit: int | None = 50,
    distinctive: bool = True,
) -> pd.DataFrame:
    """Describe each community: size, organisations, cohesion, central accounts, hashtags, topics.

    Parameters
    ----------
    G : networkx.DiGraph
    membership : Series
        Community per node, from :func:`communities`.
    posts : DataFrame, optional
        The posts table: hashtags of the posts written by members (shares
        excluded, they repeat someone else's text).
    topics : DataFrame, optional
        ``post_id`` and ``topic`` (and optionally ``label``), e.g. from
        ``helpers.topics``; topic -1 (outliers) is left out.
    rank_by : Series, optional
        Centrality used to list a community's top accounts; in-strength by default.
    top : int
        How many accounts, hashtags and topics to list.
    min_size : int
        Leave out communities with fewer accounts.
    limit : int, optional
        Describe only the ``limit`` largest communities (None: all).
    distinctive : bool
        Rank hashtags and topics by class-based TF-IDF (frequent in this
        community, rare elsewhere) instead of plain frequency.

    Returns
    -------
    DataFrame
        One row per community: ``accounts``, ``share_of_accounts``,
        ``organisations`` (organisation accounts in it), ``interactions_within``,
        ``cohesion`` (interactions within / interactions touching the
        community), ``top_accounts``, ``top_hashtags`` and ``top_topics``.

    References
    ----------
    .. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
       class-based TF-IDF procedure. arXiv:2203.05794.
    """
    columns = ["community", "accounts", "share_of_accounts", "organisations", "interactions_within",
               "cohesion", "top_accounts", "top_hashtags", "top_topics"]
    if membership.empty:
        return pd.DataFrame(columns=columns).set_index("community")
    edges = graph_edges(G)
    source_c = edges["source"].map(membership)
    target_c = edges["target"].map(membership)
    within = edges["weight"].where(source_c == target_c, 0).groupby(source_c).sum()
    touching = pd.concat([edges["weight"].groupby(source_c).sum(),
                          edges["weight"].where(source_c != target_c, 0).groupby(target_c).sum()],
                         axis=1).fillna(0).sum(axis=1)
    sizes = membership.value_counts()
    shown = sorted(number for number, size in sizes.items() if size >= min_size)[:limit]
    nodes = pd.DataFrame({"community": membership})
    nodes = nodes[nodes["community"].isin(shown)]
    rank = rank_by if rank_by is not None else pd.Series(dict(G.in_degree(weight="weight")))
    nodes["rank"] = rank.reindex(nodes.index).fillna(0).to_numpy()
    nodes["display"] = [G.nodes[n].get("display", str(n)) for n in nodes.index]
    nodes["is_org"] = [bool(G.nodes[n].get("is_org", False)) for n in nodes.index]
    nodes = nodes.sort_values(["community", "rank", "display"], ascending=[True, False, True], kind="stable")
    members = {number: part for number, part in nodes.groupby("community", sort=True)}
    selected = membership[membership.isin(shown)]
    hashtags = _community_hashtags(selected, posts, top, distinctive) if posts is not None else {}
    topic_terms = _community_topics(selected, posts, topics, top, distinctive) \
        if posts is not None and topics is not None else {}
    rows = []
    for number in shown:
        part = members[number]
        rows.append({
            "community": int(number),
            "accounts": int(sizes[number]),
            "share_of_accounts": sizes[number] / len(membership),
            "organisations": "; ".join(sorted(part.loc[part["is_org"], "display"])),
            "interactions_within": int(within.get(number, 0)),
            "cohesion": float(within.get(number, 0) / touching[number]) if touching.get(number) else math.nan,
            "top_accounts": ", ".join(part["display"].head(top)),
            "top_hashtags": ", ".join(hashtags.get(number, [])),
            "top_topics": ", ".join(topic_terms.get(number, [])),
        })
    return pd.DataFrame(rows, columns=columns).set_index("community")


def _community_hashtags(membership: pd.Series, posts: pd.DataFrame, top: int,
                        distinctive: bool) -> dict[int, list[str]]:
    own = posts[posts["shared_id"].isna()] if "shared_id" in posts.columns else posts
    own = own[own["author_id"].isin(membership.index)]
    tags = own[["author_id", "hashtags"]].explode("hashtags").dropna(subset=["hashtags"])
    if tags.empty:
        return {}
    counts = tags.assign(group=tags["author_id"].map(membership)).groupby(["group", "hashtags"]).size()
    return top_terms(counts, top=top, distinctive=distinctive, prefix="#")


def _community_topics(membership: pd.Series, posts: pd.DataFrame, topics: pd.DataFrame, top: int,
                      distinctive: bool) -> dict[int, list[str]]:
    assigned = posts[["post_id", "author_id"]].merge(topics, on="post_id")
    keep = assigned["author_id"].isin(membership.index) & (assigned["topic"].astype(str) != "-1")
    assigned = assigned[keep]
    if assigned.empty:
        return {}
    name = assigned["label"].astype(str) if "label" in assigned.columns else assigned["topic"].astype(str)
    counts = assigned.assign(group=assigned["author_id"].map(membership), term=name).groupby(
        ["group", "term"]).size()
    return top_terms(counts, top=top, distinctive=distinctive)


def top_terms(counts: pd.Series, *, top: int = 5, distinctive: bool = True,
              prefix: str = "") -> dict[Any, list[str]]:
    """Top terms per group from counts indexed by (group, term), as ``"term (n)"`` strings.

    With ``distinctive``, terms are ranked by class-based TF-IDF,
    ``n(t, g) * log(1 + A / n(t))`` with ``A`` the mean number of term
    occurrences per group (Grootendorst 2022), so that a hashtag every
    community uses does not top every list.
    """
    counts = counts[counts > 0]
    if counts.empty:
        return {}
    frame = counts.rename("n").reset_index()
    frame.columns = ["group", "term", "n"]
    if distinctive:
        average = frame.groupby("group")["n"].sum().mean()
        overall = frame.groupby("term")["n"].transform("sum")
        frame["score"] = frame["n"] * np.log1p(average / overall)
    else:
        frame["score"] = frame["n"].astype(float)
    frame = frame.sort_values(["group", "score", "n", "term"], ascending=[True, False, False, True])
    return {group: [f"{prefix}{term} ({n})" for term, n in zip(part["term"], part["n"], strict=True)][:top]
            for group, part in frame.groupby("group", sort=True)}


# --------------------------------------------------------------------------- brokers


def brokerage_roles(
    G: nx.DiGraph,
    groups: Mapping[Hashable, Hashable],
    nodes: Iterable[Hashable] | None = None,
) -> pd.DataFrame:
    """Gould & Fernandez brokerage roles: how often each node mediates, between which groups.

    A node ``v`` brokers the open two-path ``a -> v -> b`` (``a != b``, no edge
    ``a -> b``).  The role depends on the groups of ``a``, ``v`` and ``b``:

    ==============  ===================  =======================================
    role            groups               reading
    ==============  ===================  =======================================
    coordinator     a = v = b            mediates inside its own group
    gatekeeper      a != v = b           lets outside content into its group
    representative  a = v != b           carries its group's content outside
    consultant      a = b != v           mediates a group it does not belong to
    liaison         a, v, b all differ   links two groups, belonging to neither
    ==============  ===================  =======================================

    Parameters
    ----------
    G : networkx.DiGraph
    groups : mapping
        Group of each node (a community from :func:`communities`, or the
        ``home_org``); a node without a group is a group of its own.
    nodes : iterable, optional
        Compute for these nodes only (e.g. the top nodes by betweenness on a
        large graph); all nodes by default.

    Returns
    -------
    DataFrame
        One column per role, ``brokerage`` (the four roles that span groups)
        and ``total``; indexed by node.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation:
       A formal approach to brokerage in transaction networks. Sociological
       Methodology, 19, 89-126.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "v"), ("v", "b")])
    >>> brokerage_roles(G, {"a": 1, "v": 2, "b": 2}).loc["v", "gatekeeper"]
    np.int64(1)
    """
    targets = list(G) if nodes is None else [node for node in nodes if node in G]

    def group(node: Hashable) -> Hashable:
        return groups.get(node, ("__own__", node))

    rows = {}
    for v in targets:
        gv = group(v)
        preds = [a for a in G.pred[v] if a != v]
        succs = set(G.succ[v]) - {v}
        counts = dict.fromkeys(BROKERAGE_ROLES, 0)
        if preds and succs:
            in_groups = Counter(group(a) for a in preds)
            out_groups = Counter(group(b) for b in succs)
            n_in, n_out = len(preds), len(succs)
            i_own, o_own = in_groups.get(gv, 0), out_groups.get(gv, 0)
            small, large = sorted((in_groups, out_groups), key=len)
            same_other = sum(c * large.get(g, 0) for g, c in small.items() if g != gv)
            counts["coordinator"] = i_own * o_own
            counts["gatekeeper"] = (n_in - i_own) * o_own
            counts["representative"] = i_own * (n_out - o_own)
            counts["consultant"] = same_other
            counts["liaison"] = (n_in - i_own) * (n_out - o_own) - same_other
            for a in preds:  # pairs that are not open two-paths: a == b, or a -> b exists
                ga = group(a)
                if a in succs:
                    counts[_role(ga, gv, ga)] -= 1
                for b in succs.intersection(G.succ[a]):
                    if b != a:
                        counts[_role(ga, gv, group(b))] -= 1
        rows[v] = counts
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(BROKERAGE_ROLES)).astype("int64")
    table.index = pd.Index(list(rows), dtype=object, name="node")
    table["brokerage"] = table[list(BROKERAGE_ROLES[1:])].sum(axis=1)
    table["total"] = table["brokerage"] + table["coordinator"]
    return table


def _role(ga: Hashable, gv: Hashable, gb: Hashable) -> str:
    if ga == gv == gb:
        return "coordinator"
    if ga != gv and gb == gv:
        return "gatekeeper"
    if ga == gv:
        return "representative"
    return "consultant" if ga == gb else "liaison"


def brokers(
    G: nx.DiGraph,
    membership: pd.Series,
    between: pd.Series,
    *,
    top: int | None = 15,
    candidates: int = 300,
) -> pd.DataFrame:
    """Accounts that broker between communities: high betweenness, open two-paths across groups.

    The ``candidates`` nodes with the highest betweenness get their
    Gould & Fernandez roles (:func:`brokerage_roles`) with the communities as
    groups; those that broker across communities are listed by betweenness,
    the first ``top`` of them (all with None).

    Returns
    -------
    DataFrame
        ``display``, ``role`` (org/public), ``community``,
        ``communities_reached`` (distinct communities among its neighbours),
        ``betweenness``, the five role counts, ``brokerage`` and ``main_role``
        (the most frequent of the four roles that span communities).
    """
    columns = ["display", "role", "community", "communities_reached", "betweenness",
               *BROKERAGE_ROLES, "brokerage", "main_role"]
    if G.number_of_nodes() == 0 or between.empty:
        return pd.DataFrame(columns=columns)
    ranked = between.sort_values(ascending=False, kind="stable")
    chosen = [node for node in ranked.index[:candidates] if ranked[node] > 0]
    roles = brokerage_roles(G, membership.to_dict(), chosen)
    roles = roles[roles["brokerage"] > 0]
    rows = []
    for node in roles.index:
        neighbours = set(G.pred[node]) | set(G.succ[node])
        counts = roles.loc[node]
        spanning = counts[list(BROKERAGE_ROLES[1:])]
        rows.append({
            "node": node,
            "display": G.nodes[node].get("display", str(node)),
            "role": G.nodes[node].get("role", ""),
            "community": int(membership[node]),
            "communities_reached": len({membership[m] for m in neighbours} - {membership[node]}),
            "betweenness": float(between[node]),
            **{role: int(counts[role]) for role in BROKERAGE_ROLES},
            "brokerage": int(counts["brokerage"]),
            "main_role": str(spanning.idxmax()),
        })
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows).set_index("node")
    table = table.sort_values(["betweenness", "brokerage"], ascending=False, kind="stable")
    return table if top is None else table.head(top)


# --------------------------------------------------------------------------- organisations


def ego_network(G: nx.DiGraph, centres: Iterable[Hashable], radius: int = 1) -> nx.DiGraph:
    """The organisation's ego network: its accounts, everyone within ``radius`` steps, and their ties.

    Steps follow edges in either direction (an account that replied to the
    organisation and one it replied to are both neighbours).
    """
    view = G.to_undirected(as_view=True)
    keep: set[Hashable] = set()
    for centre in centres:
        if centre in G:
            keep.update(nx.single_source_shortest_path_length(view, centre, cutoff=radius))
    return G.subgraph(keep).copy()


def org_ego_table(G: nx.DiGraph, weight: str = "weight") -> pd.DataFrame:
    """Each organisation's ego network and its share of all interaction in ``G``.

    For every organisation (the ``org_id`` of organisation-account nodes):

    * ``accounts``: its accounts in the graph; ``alters``: accounts it is tied to;
    * ``sent``, ``received``: interactions from / to its accounts;
    * ``share_of_all_interaction``: (sent + received) / all interactions in ``G``;
    * ``answered_share``: of the accounts that addressed the organisation, the
      share it addressed back (two-way communication);
    * ``alter_share``: interactions among its alters / all interactions in its
      ego network (conversation that goes on without the organisation: the
      crowd-sourced part);
    * ``alter_density``: density of the ties among its alters.

    References
    ----------
    .. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
       connective action. Information, Communication & Society, 19(11).
    .. [2] Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 4 (ego networks).
    """
    total = G.size(weight=weight)
    by_org: dict[str, list[Hashable]] = {}
    for node, data in G.nodes(data=True):
        if data.get("is_org") and data.get("org_id"):
            by_org.setdefault(data["org_id"], []).append(node)
    rows = []
    for org_id in sorted(by_org):
        centres = set(by_org[org_id])
        ego = ego_network(G, centres)
        alters = set(ego) - centres
        ties = list(ego.edges(data=weight, default=1))
        sent = sum(w for u, v, w in ties if u in centres and v not in centres)
        received = sum(w for u, v, w in ties if v in centres and u not in centres)
        among = ego.subgraph(alters)
        addressed = {u for c in centres for u in G.pred[c] if u not in centres}
        answered = {u for u in addressed if any(G.has_edge(c, u) for c in centres)}
        n_alters = len(alters)
        ego_total = ego.size(weight=weight)
        rows.append({
            "org_id": org_id,
            "accounts": "; ".join(sorted(G.nodes[c].get("display", str(c)) for c in centres)),
            "alters": n_alters,
            "sent": sent,
            "received": received,
            "share_of_all_interaction": (sent + received) / total if total else math.nan,
            "answered_share": len(answered) / len(addressed) if addressed else math.nan,
            "alter_share": among.size(weight=weight) / ego_total if ego_total else math.nan,
            "alter_density": nx.density(among) if n_alters > 1 else math.nan,
        })
    columns = ["org_id", "accounts", "alters", "sent", "received", "share_of_all_interaction",
               "answered_share", "alter_share", "alter_density"]
    return pd.DataFrame(rows, columns=columns).set_index("org_id")


def bridging_accounts(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    *,
    min_orgs: int = 2,
) -> pd.DataFrame:
    """Accounts active in the communities of several study organisations.

    An account is active in an organisation's community when it writes a post
    in that organisation's exports, or sends or receives an interaction there.

    Parameters
    ----------
    interactions : DataFrame
        The study-wide ``interactions`` table.
    accounts : DataFrame, optional
        For ``display`` and ``role``.
    posts : DataFrame, optional
        The posts table; counts authorship as activity too.
    min_orgs : int
        List accounts active in at least this many organisations' communities.

    Returns
    -------
    DataFrame
        Indexed by account: ``display``, ``role``, ``n_orgs``, ``orgs`` and one
        column per organisation with the account's activity records there
        (posts written plus interactions sent or received); most organisations first.
    """
    parts = [
        interactions[["source_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
        interactions[["target_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
    ]
    if posts is not None:
        parts.append(posts[["author_id", "org_id"]].set_axis(["author", "org_id"], axis=1))
    long = pd.concat(parts, ignore_index=True)
    activity = long.groupby(["author", "org_id"]).size().unstack("org_id", fill_value=0)
    n_orgs = (activity > 0).sum(axis=1)
    activity = activity[n_orgs >= min_orgs]
    if activity.empty:  # one organisation, or no account active in two: an empty table of the same shape
        return pd.DataFrame({"display": pd.Series(dtype=object), "role": pd.Series(dtype=object),
                             "n_orgs": pd.Series(dtype="int64"), "orgs": pd.Series(dtype=object)},
                            index=pd.Index([], dtype=object, name="account"))
    orgs = activity.columns.tolist()
    table = pd.DataFrame(index=pd.Index(activity.index, dtype=object, name="account"))
    labels, roles = _display_and_role(table.index, accounts)
    table["display"] = labels
    table["role"] = roles
    table["n_orgs"] = (activity > 0).sum(axis=1).astype("int64")
    table["orgs"] = [";".join(o for o in orgs if row[o] > 0) for _, row in activity.iterrows()]
    table = table.join(activity.astype("int64"))
    table["_total"] = activity.sum(axis=1)
    table = table.sort_values(["n_orgs", "_total"], ascending=False, kind="stable")
    return table.drop(columns="_total")


def _display_and_role(index: pd.Index, accounts: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    if accounts is None or accounts.empty:
        return [str(a) for a in index], ["unknown"] * len(index)
    known = accounts.drop_duplicates("author_id").set_index("author_id")
    labels = known["label"].where(known["is_org"] & known["label"].notna(), known.index.to_series())
    return ([str(labels.get(a, a)) for a in index], [str(known["role"].get(a, "unknown")) for a in index])


# --------------------------------------------------------------------------- time slices


def time_periods(created_at: pd.Series, freq: str = "quarter") -> pd.Series:
    """Calendar period (``2024Q1``, ``2024-03``, ``2024``) of each UTC timestamp."""
    if freq not in _FREQUENCIES:
        raise ValueError(f"unknown time slice {freq!r}; known: {', '.join(_FREQUENCIES)}")
    stamps = pd.to_datetime(created_at, utc=True).dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.dt.to_period(_FREQUENCIES[freq])


def time_slices(
    interactions: pd.DataFrame, freq: str = "quarter", *, cumulative: bool = False
) -> dict[str, pd.DataFrame]:
    """Split the interactions by calendar period (``config.analysis.time_slice``).

    Parameters
    ----------
    interactions : DataFrame
    freq : {"month", "quarter", "year"}
    cumulative : bool
        Each slice holds everything up to the end of its period (how the
        network grew) instead of that period only (who was active then).

    Returns
    -------
    dict
        Period label (``"2024Q1"``) to the interactions of that slice, in time order.
    """
    periods = time_periods(interactions["created_at"], freq)
    slices = {}
    for period in sorted(periods.unique()):
        mask = periods <= period if cumulative else periods == period
        slices[str(period)] = interactions[mask.to_numpy()]
    return slices


def growth_table(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    freq: str = "quarter",
) -> pd.DataFrame:
    """How the interaction network grows, one row per period.

    Returns
    -------
    DataFrame
        Indexed by period: ``interactions``, ``active_accounts``,
        ``new_accounts`` (first seen in this period), ``cumulative_accounts``,
        and for the period's own network ``edges``, ``density``,
        ``reciprocity``, ``org_share`` and ``public_share`` (see
        :func:`summarise_edges`), plus ``largest_component_share`` of the
        cumulative network (does the community knit together over time?).
    """
    columns = ["interactions", "active_accounts", "new_accounts", "cumulative_accounts", "edges",
               "density", "reciprocity", "org_share", "public_share", "largest_component_share"]
    if interactions.empty:
        return pd.DataFrame(columns=columns).rename_axis("period")
    orgs = set(accounts.loc[accounts["is_org"], "author_id"]) if accounts is not None else set()
    periods = time_periods(interactions["created_at"], freq)
    seen: set[str] = set()
    rows = []
    for period in sorted(periods.unique()):
        now = interactions[(periods == period).to_numpy()]
        upto = interactions[(periods <= period).to_numpy()]
        active = set(now["source_author"]).union(now["target_author"])
        new = active - seen
        seen |= active
        snapshot = summarise_edges(edge_table(now), org_accounts=orgs)
        grown = summarise_edges(edge_table(upto))
        rows.append({
            "period": str(period),
            "interactions": len(now),
            "active_accounts": len(active),
            "new_accounts": len(new),
            "cumulative_accounts": len(seen),
            "edges": int(snapshot["edges"]),
            "density": snapshot["density"],
            "reciprocity": snapshot["reciprocity"],
            "org_share": snapshot["org_share"],
            "public_share": snapshot["public_share"],
            "largest_component_share": grown["largest_component_share"],
        })
    return pd.DataFrame(rows, columns=["period", *columns]).set_index("period")


# --------------------------------------------------------------------------- hashtags and topics


def hashtag_graph(
    posts: pd.DataFrame,
    *,
    min_posts: int = 2,
    min_authors: int = 1,
    min_weight: int = 1,
    include_shares: bool = False,
) -> nx.Graph:
    """Hashtag co-occurrence network: two hashtags are tied when a post uses both.

    Parameters
    ----------
    posts : DataFrame
        The posts table (``post_id``, ``author_id``, ``hashtags``, ``shared_id``).
    min_posts : int
        Keep hashtags used in at least this many posts.
    min_authors : int
        Keep hashtags used by at least this many distinct authors (pass
        ``config.privacy.min_group_size``: a hashtag only one family uses can
        point to that family).
    min_weight : int
        Keep ties of at least this many co-occurrences.
    include_shares : bool
        Shares repeat the shared post's hashtags; they are left out by default.

    Returns
    -------
    networkx.Graph
        Node attributes ``posts`` and ``authors``; edge attributes ``weight``
        (posts using both) and ``association`` (observed / expected
        co-occurrences, ``c_ij N / (n_i n_j)``: above 1 the two go together more
        than chance).

    References
    ----------
    .. [1] Callon, M., Courtial, J.-P., Turner, W. A., & Bauin, S. (1983). From
       translations to problematic networks: An introduction to co-word
       analysis. Social Science Information, 22(2), 191-235.
    .. [2] van Eck, N. J., & Waltman, L. (2009). How to normalize
       co-occurrence data? JASIST, 60(8), 1635-1651.
    """
    own = posts if include_shares or "shared_id" not in posts.columns else posts[posts["shared_id"].isna()]
    tags = own[["post_id", "author_id", "hashtags"]].explode("hashtags").dropna(subset=["hashtags"])
    tags = tags.drop_duplicates(["post_id", "hashtags"])
    graph = nx.Graph(n_posts=len(own))
    if tags.empty:
        return graph
    usage = tags.groupby("hashtags").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    usage = usage[(usage["posts"] >= min_posts) & (usage["authors"] >= min_authors)].sort_index()
    graph.add_nodes_from((tag, {"posts": int(row.posts), "authors": int(row.authors)})
                         for tag, row in zip(usage.index, usage.itertuples(index=False), strict=True))
    tags = tags[tags["hashtags"].isin(usage.index)][["post_id", "hashtags"]]
    pairs = tags.merge(tags, on="post_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["hashtags_a"] < pairs["hashtags_b"]]
    counts = pairs.groupby(["hashtags_a", "hashtags_b"]).size()
    counts = counts[counts >= min_weight]
    n = max(len(own), 1)
    for (a, b), count in counts.items():
        expected = usage.at[a, "posts"] * usage.at[b, "posts"] / n
        graph.add_edge(a, b, weight=int(count), association=float(count / expected))
    return graph


def hashtag_table(H: nx.Graph, n: int = 20) -> pd.DataFrame:
    """The ``n`` most used hashtags of a co-occurrence network with their strongest partners."""
    rows = []
    for tag, data in H.nodes(data=True):
        partners = sorted(H[tag].items(), key=lambda item: (-item[1]["weight"], item[0]))[:5]
        rows.append({"hashtag": tag, "posts": data.get("posts", 0), "authors": data.get("authors", 0),
                     "partners": H.degree(tag),
                     "often_with": ", ".join(f"#{p} ({d['weight']})" for p, d in partners)})
    if not rows:
        return pd.DataFrame(columns=["posts", "authors", "partners", "often_with"])
    table = pd.DataFrame(rows).sort_values(["posts", "hashtag"], ascending=[False, True])
    return table.set_index("hashtag").head(n)


def author_topic_graph(
    posts: pd.DataFrame, topics: pd.DataFrame, *, drop_outliers: bool = True
) -> nx.Graph:
    """Bipartite graph of authors and the topics they write about.

    Parameters
    ----------
    posts : DataFrame
        ``post_id`` and ``author_id`` (the posts table).
    topics : DataFrame
        ``post_id`` -> ``topic`` (any hashable), optionally ``label``; a plain
        frame, so that any topic model's output can be used.
    drop_outliers : bool
        Leave out topic ``-1`` (BERTopic's outliers).

    Returns
    -------
    networkx.Graph
        Author nodes (``bipartite=0``, named by pseudonym) and topic nodes
        (``bipartite=1``, named ``"topic:<id>"``, attributes ``topic`` and
        ``label``); edge ``weight`` = the author's posts in the topic.
    """
    counts = _author_topic_counts(posts, topics, drop_outliers)
    graph = nx.Graph()
    labels = _topic_labels(topics)
    for author in sorted(counts["author_id"].unique()):
        graph.add_node(author, bipartite=0, kind="author")
    for topic in _sorted_topics(counts["topic"].unique()):
        graph.add_node(f"topic:{topic}", bipartite=1, kind="topic", topic=str(topic),
                       label=labels.get(topic, str(topic)))
    graph.add_edges_from((a, f"topic:{t}", {"weight": int(n)})
                         for a, t, n in counts.itertuples(index=False, name=None))
    return graph


def author_topic_projection(
    posts: pd.DataFrame,
    topics: pd.DataFrame,
    *,
    onto: Literal["topic", "author"] = "topic",
    method: Literal["count", "newman"] = "count",
    min_weight: float = 1,
    drop_outliers: bool = True,
) -> nx.Graph:
    """One-mode projection of the author-topic network.

    ``onto="topic"``: topics tied by the authors who write about both (which
    concerns go together in people's lives).  ``onto="author"``: authors tied by
    the topics they share (who shares concerns), which can be large; raise
    ``min_weight`` for big corpora.

    Parameters
    ----------
    method : {"count", "newman"}
        ``count``: the number of shared authors (topics).  ``newman``: each shared
        element ``e`` adds ``1 / (n_e - 1)``, ``n_e`` its degree, so that one
        generic topic everybody writes about does not tie everybody (Newman 2001).
    min_weight : float
        Keep ties at least this strong.

    Returns
    -------
    networkx.Graph
        Nodes with ``posts`` and ``authors``/``topics`` counts (topics also
        ``label``); edge ``weight``.

    References
    ----------
    .. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II.
       Shortest paths, weighted networks, and centrality. Physical Review E, 64, 016132.
    .. [2] Borgatti, S. P., & Everett, M. G. (1997). Network analysis of 2-mode
       data. Social Networks, 19(3), 243-269.
    """
    if onto not in ("topic", "author") or method not in ("count", "newman"):
        raise ValueError("onto must be 'topic' or 'author', method 'count' or 'newman'")
    counts = _author_topic_counts(posts, topics, drop_outliers)
    authors = pd.Index(sorted(counts["author_id"].unique()), dtype=object)
    topic_ids = pd.Index(_sorted_topics(counts["topic"].unique()), dtype=object)
    rows = authors.get_indexer(counts["author_id"])
    cols = topic_ids.get_indexer(counts["topic"])
    incidence = sparse.csr_matrix((np.ones(len(counts)), (rows, cols)),
                                  shape=(len(authors), len(topic_ids)))
    # Rows of the incidence matrix: what the nodes share; columns: the nodes projected onto.
    if onto == "author":
        incidence, names = incidence.T.tocsr(), authors
    else:
        names = topic_ids
    shared_degree = np.asarray(incidence.sum(axis=1)).ravel()
    if method == "newman":
        factor = np.divide(1.0, shared_degree - 1, out=np.zeros_like(shared_degree),
                           where=shared_degree > 1)
        projected = (incidence.T @ sparse.diags(factor) @ incidence).tocoo()
    else:
        projected = (incidence.T @ incidence).tocoo()
    graph = nx.Graph(onto=onto, method=method)
    per_node = counts.groupby("topic" if onto == "topic" else "author_id")
    posts_per = per_node["n"].sum()
    others_per = per_node.size()
    labels = _topic_labels(topics)
    for name in names:
        attributes = {"posts": int(posts_per.get(name, 0)),
                      ("authors" if onto == "topic" else "topics"): int(others_per.get(name, 0))}
        if onto == "topic":
            attributes["label"] = labels.get(name, str(name))
        graph.add_node(name, **attributes)
    for i, j, value in zip(projected.row, projected.col, projected.data, strict=True):
        if i < j and value >= min_weight:
            graph.add_edge(names[i], names[j], weight=float(value) if method == "newman" else round(value))
    return graph


def _author_topic_counts(posts: pd.DataFrame, topics: pd.DataFrame, drop_outliers: bool) -> pd.DataFrame:
    merged = posts[["post_id", "author_id"]].merge(topics[["post_id", "topic"]], on="post_id")
    if drop_outliers:
        merged = merged[merged["topic"].astype(str) != "-1"]
    counts = merged.groupby(["author_id", "topic"]).size().rename("n").reset_index()
    return counts.sort_values(["author_id", "topic"], ignore_index=True)


def _topic_labels(topics: pd.DataFrame) -> dict[Any, str]:
    if "label" not in topics.columns:
        return {}
    return dict(topics.drop_duplicates("topic")[["topic", "label"]].astype({"label": str}).itertuples(
        index=False, name=None))


def _sorted_topics(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda t: (not isinstance(t, int | np.integer), t if isinstance(
        t, int | np.integer) else str(t)))


# --------------------------------------------------------------------------- figures


def drawable_subgraph(
    G: nx.Graph,
    max_nodes: int = 120,
    *,
    keep: Iterable[Hashable] = (),
    method: Literal["auto", "k-core", "top"] = "auto",
    weight: str = "weight",
    noun: str = "accounts",
) -> nx.Graph:
    """A part of ``G`` small enough to draw, and a description of how it was chosen.

    ``k-core``: the largest k-core (every node tied to at least k others in it;
    Seidman 1983) with at most ``max_nodes`` nodes.  ``top``: the ``max_nodes``
    nodes with the most interactions.  ``auto``: the k-core unless it keeps
    fewer than a quarter of ``max_nodes`` (star-like networks), else top.
    ``keep`` (e.g. the organisation accounts) is always included, with its
    three strongest ties when it is not tied to the rest.  The result's
    ``graph["filter"]`` says what was drawn (counting ``noun``).

    References
    ----------
    .. [1] Seidman, S. B. (1983). Network structure and minimum degree. Social
       Networks, 5(3), 269-287.
    """
    n = G.number_of_nodes()
    keep = [node for node in keep if node in G]
    if n <= max_nodes:
        sub = G.copy()
        sub.graph["filter"] = f"all {n:,} {noun}"
        return sub
    chosen: list[Hashable] = []
    description = ""
    if method in ("auto", "k-core"):
        core = core_numbers(G)
        for k in range(1, max(core.values(), default=0) + 1):
            members = [node for node in G if core[node] >= k]
            if len(members) <= max_nodes:
                chosen, description = members, f"{k}-core"
                break
    if method == "top" or (method == "auto" and len(chosen) < max_nodes / 4):
        strength = dict(G.degree(weight=weight))
        chosen = sorted(G, key=lambda node: (-strength[node], str(node)))[:max_nodes]
        description = f"top {len(chosen):,} {noun} by weighted degree"
    nodes = list(dict.fromkeys([*chosen, *keep]))
    members = set(nodes)
    for node in keep:  # an organisation outside the core is drawn with its strongest ties, not alone
        neighbours = set(G.pred[node]) | set(G.succ[node]) if G.is_directed() else set(G[node])
        if not neighbours & (members - {node}):
            ties = {other: _tie_weight(G, node, other, weight) for other in neighbours}
            nodes += sorted(ties, key=lambda other: (-ties[other], str(other)))[:3]
    sub = G.subgraph(nodes).copy()
    sub.graph["filter"] = f"{description}: {sub.number_of_nodes():,} of {n:,} {noun}"
    return sub


def core_numbers(G: nx.Graph) -> dict[Hashable, int]:
    """Core number of every node, ignoring directions, weights and self-loops (Batagelj & Zaversnik).

    The same values as :func:`networkx.core_number` on the undirected simple
    graph, computed by igraph (seconds instead of minutes on a million edges).

    References
    ----------
    .. [1] Batagelj, V., & Zaversnik, M. (2003). An O(m) algorithm for cores
       decomposition of networks. arXiv:cs/0310049.
    """
    if G.number_of_nodes() == 0:
        return {}
    graph = to_igraph(G)
    graph = graph.as_undirected(mode="collapse") if graph.is_directed() else graph.simplify()
    graph.simplify(loops=True, multiple=True)
    return dict(zip(list(G), graph.coreness(), strict=True))


def _tie_weight(G: nx.Graph, u: Hashable, v: Hashable, weight: str) -> float:
    total = G[u][v].get(weight, 1) if G.has_edge(u, v) else 0
    if G.is_directed() and G.has_edge(v, u):
        total += G[v][u].get(weight, 1)
    return total


LAYOUTS_KEY = "_layouts"  # G.graph key of remembered drawing positions (never exported)


def remembered_layout(G: nx.Graph, H: nx.Graph, seed: int = 0) -> dict[Hashable, np.ndarray]:
    """:func:`network_layout` of ``H`` (a part of ``G`` to draw), remembered on ``G``.

    A saved network analysis carries the positions of its drawings, so the
    networks notebook and the organisation report draw without laying out
    the graph again.  The key is the drawn nodes and edges and the seed.
    """
    signature = repr((seed, sorted(map(str, H.nodes)),
                      sorted((str(u), str(v), w) for u, v, w in H.edges(data="weight", default=1))))
    key = hashlib.sha256(signature.encode()).hexdigest()
    layouts = G.graph.setdefault(LAYOUTS_KEY, {})
    if key not in layouts:
        layouts[key] = network_layout(H, seed=seed)
    return layouts[key]


def network_layout(H: nx.Graph, seed: int = 0, weight: str | None = "weight") -> dict[Hashable, np.ndarray]:
    """Force-directed positions (ForceAtlas2, as in Gephi), deterministic for a seed.

    Each connected component is laid out on its own and the components are
    packed in rows, largest first, in boxes proportional to their size: far
    apart communities (one per organisation, typically) stay readable instead
    of shrinking to dots at the edges of one layout.  Weights are damped
    (``1 + log w``) so that one very active pair does not collapse the picture.

    References
    ----------
    .. [1] Jacomy, M., Venturini, T., Heymann, S., & Bastian, M. (2014).
       ForceAtlas2, a continuous graph layout algorithm for handy network
       visualization designed for the Gephi software. PLoS ONE, 9(6), e98679.
    """
    if H.number_of_nodes() == 0:
        return {}
    U = undirected_weighted(H) if H.is_directed() else H.copy()
    for _, _, data in U.edges(data=True):
        data["_w"] = 1 + math.log(max(data.get(weight, 1), 1)) if weight else 1.0
    parts = sorted(nx.connected_components(U), key=lambda part: (-len(part), min(map(str, part))))
    sides = [math.sqrt(len(part)) for part in parts]
    row_width = max(sides[0], 1.4 * math.sqrt(sum(side * side for side in sides)))
    positions: dict[Hashable, np.ndarray] = {}
    x = y = row_height = 0.0
    for part, side in zip(parts, sides, strict=True):
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height * 1.15, 0.0
        positions.update(_component_layout(_in_stable_order(U.subgraph(part)), seed, (x, y), side))
        x += side * 1.15
        row_height = max(row_height, side)
    return positions


def _in_stable_order(G: nx.Graph) -> nx.Graph:
    """An undirected copy of ``G`` with its nodes and edges in sorted order.

    Layouts start from random positions drawn in node order.  A subgraph
    view of a few nodes iterates them in the order of a set, which differs
    between Python processes (string hashing is randomised), so without
    this every batch run drew the same network differently.
    """
    S = nx.Graph()
    S.add_nodes_from(sorted(G.nodes(data=True), key=lambda item: str(item[0])))
    S.add_edges_from(sorted(G.edges(data=True), key=lambda edge: sorted((str(edge[0]), str(edge[1])))))
    return S


def _component_layout(C: nx.Graph, seed: int, corner: tuple[float, float],
                      side: float) -> dict[Hashable, np.ndarray]:
    """ForceAtlas2 positions of one component, scaled into the box below-right of ``corner``."""
    nodes = list(C)
    if len(nodes) == 1:
        return {nodes[0]: np.array([corner[0] + side / 2, corner[1] - side / 2])}
    initial = nx.spring_layout(C, seed=seed, weight="_w")
    pos = nx.forceatlas2_layout(C, pos=initial, seed=seed, weight="_w", max_iter=300,
                                scaling_ratio=4.0, gravity=1.0)
    coords = np.array([pos[node] for node in nodes], dtype=float)
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    scaled = (coords - low) / span * side * 0.9 + side * 0.05
    return {node: np.array([corner[0] + sx, corner[1] - side + sy])
            for node, (sx, sy) in zip(nodes, scaled, strict=True)}


def _node_colours(nodes: Sequence[Hashable], membership: pd.Series | None) -> list[str]:
    if membership is None:
        return [COMMUNITY_COLOURS[0]] * len(nodes)
    colours = []
    for node in nodes:
        number = membership.get(node, -1)
        inside = 0 <= number < len(COMMUNITY_COLOURS)
        colours.append(COMMUNITY_COLOURS[int(number)] if inside else OTHER_COLOUR)
    return colours


def _node_sizes(H: nx.Graph, size: pd.Series | None, smallest: float, largest: float) -> np.ndarray:
    nodes = list(H)
    values = (size.reindex(nodes).fillna(0) if size is not None
              else pd.Series(dict(H.degree(weight="weight"))).reindex(nodes)).to_numpy(dtype=float)
    if len(values) == 0 or values.max() <= 0:
        return np.full(len(nodes), smallest)
    return smallest + (largest - smallest) * np.sqrt(values / values.max())


def _labels(H: nx.Graph, size: pd.Series | None, label_top: int) -> dict[Hashable, str]:
    """Organisation accounts by name, plus the ``label_top`` largest other nodes by pseudonym."""
    labels = {node: _org_label(data, node) for node, data in H.nodes(data=True)
              if data.get("is_org")}
    ranking = (size.reindex(list(H)).fillna(0) if size is not None
               else pd.Series(dict(H.degree(weight="weight")))).sort_values(ascending=False, kind="stable")
    others = [node for node in ranking.index if node not in labels][:label_top]
    labels.update({node: str(H.nodes[node].get("display", node)) for node in others})
    return labels


def _org_label(data: Mapping[str, Any], node: Hashable) -> str:
    """Short label of an organisation account: ``"SMA Together UK · twitter"``."""
    label = str(data.get("display", node))
    name = label.rsplit(" (", 1)[0] if label.endswith(")") else label
    name = name if len(name) <= 32 else name[:31] + "…"
    return f"{name} · {data['platform']}" if data.get("platform") else name


def draw_network(
    G: nx.Graph,
    *,
    membership: pd.Series | None = None,
    size: pd.Series | None = None,
    max_nodes: int = 120,
    label_top: int = 8,
    seed: int = 0,
    ax: Axes | None = None,
    title: str | None = None,
    noun: str = "accounts",
) -> Axes | None:
    """A readable static drawing: the core of the network, coloured by community.

    Large graphs are reduced with :func:`drawable_subgraph` (the caption says
    how).  Node size follows ``size`` (e.g. PageRank; interactions by default),
    organisation accounts are squares labelled with the organisation's name,
    and the ``label_top`` largest other nodes carry their pseudonym; nobody
    else is labelled.  A label goes where it covers no other label (beside
    its node, an organisation's farther away with a leader line) and is left
    out where there is no such place.  The community legend is outside the
    drawing.  Arrows show direction when there are few enough edges.
    ``noun`` names the nodes in the caption (e.g. ``"hashtags"``).
    """
    if G.number_of_edges() == 0:
        show_instead(NotComputed(f"Drawing of the {noun}", "there are no ties between them to draw"))
        return None
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 8), layout="constrained")
    ax.set_axis_off()
    H = drawable_subgraph(G, max_nodes, keep=org_nodes(G), noun=noun)
    pos = remembered_layout(G, H, seed=seed)
    nodes = list(H)
    sizes = dict(zip(nodes, _node_sizes(H, size, 20, 600), strict=True))
    colours = dict(zip(nodes, _node_colours(nodes, membership), strict=True))
    arrows = H.is_directed() and H.number_of_edges() <= 300  # matplotlib arrows cost ~2 ms each
    widths = [0.4 + 0.6 * math.log1p(w) for _, _, w in H.edges(data="weight", default=1)]
    nx.draw_networkx_edges(H, pos, ax=ax, width=widths, edge_color="#888888", alpha=0.35,
                           arrows=arrows, node_size=[sizes[n] for n in nodes],
                           **({"arrowsize": 6} if arrows else {}),
                           connectionstyle="arc3,rad=0.08" if arrows else "arc3")
    for shape, selected in (("o", [n for n in nodes if not H.nodes[n].get("is_org")]),
                            ("s", [n for n in nodes if H.nodes[n].get("is_org")])):
        if selected:
            nx.draw_networkx_nodes(H, pos, nodelist=selected, ax=ax, node_shape=shape,
                                   node_size=[sizes[n] for n in selected],
                                   node_color=[colours[n] for n in selected],
                                   edgecolors="black" if shape == "s" else "white", linewidths=0.6)
    if membership is not None:
        shown = sorted({int(membership[n]) for n in nodes
                        if 0 <= membership.get(n, -1) < len(COMMUNITY_COLOURS)})
        handles = [plt.Line2D([], [], marker="o", linestyle="", color=COMMUNITY_COLOURS[c],
                              label=f"community {c}") for c in shown]
        legend_outside(ax, fontsize=7, handles=handles)
    ax.set_title(title or G.graph.get("name") or "Interaction network", fontsize=11)
    squares = " Squares: organisation accounts." if org_nodes(H) else ""
    sized_by = size.name if size is not None and size.name else "weighted degree"
    labelled = f"organisations and up to {label_top} of the largest other {noun}" if squares else (
        f"up to {label_top} of the largest {noun}")
    caption = (f"Shown: {H.graph['filter']}.{squares} Size: {sized_by}. Labels: {labelled}, "
               "where a label covers no other.")
    ax.text(0.0, -0.02, wrapped(caption, 0.8 * ax.get_figure().get_figwidth(), 7.5),
            transform=ax.transAxes, fontsize=7.5, va="top", color="#444444")
    _place_labels(ax, H, pos, _labels(H, size, label_top), sizes)
    return ax


#: Where a node's label may go, nearest first: (direction x, direction y, horizontal and vertical alignment).
_LABEL_SPOTS: tuple[tuple[float, float, str, str], ...] = (
    (0, 1, "center", "bottom"), (0, -1, "center", "top"),
    (1, 0, "left", "center"), (-1, 0, "right", "center"),
    (0.7, 0.7, "left", "bottom"), (-0.7, 0.7, "right", "bottom"), (0.7, -0.7, "left", "top"),
    (-0.7, -0.7, "right", "top"),
)
#: Farther distances (points) tried for an organisation's label, with a leader line to its square.
_LEADER_DISTANCES = (18.0, 30.0, 45.0)


def _place_labels(ax: Axes, H: nx.Graph, pos: Mapping[Hashable, np.ndarray], labels: Mapping[Hashable, str],
                  sizes: Mapping[Hashable, float]) -> list[Annotation]:
    """Write ``labels`` beside their nodes, in order, where a label covers no label already written.

    The figure is laid out first (constrained layout moves the axes), so the
    labels' extents in pixels are final; labels stay out of the layout.  Each
    label tries the spots around its node (just outside the marker), and an
    organisation's label also farther spots with a leader line; a label that
    fits nowhere inside the axes is left out (the caption says so).
    """
    figure = ax.get_figure()
    if figure is None or not labels:
        return []
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer) for artist in (ax.title, ax.get_legend())
             if artist is not None and artist.get_visible()]
    placed: list[Annotation] = []
    for node, text in labels.items():
        is_org = bool(H.nodes[node].get("is_org"))
        gap = math.sqrt(sizes[node]) / 2 + 2  # marker radius in points, and a little air
        distances = [(gap, False)] + [(gap + far, True) for far in _LEADER_DISTANCES if is_org]
        for distance, leader in distances:
            label = _first_free_spot(ax, text, pos[node], distance, leader, is_org, frame, taken, renderer)
            if label is not None:
                placed.append(label)
                taken.append(_padded(label.get_window_extent(renderer)))
                break
        else:
            logger.debug("Label of %s left out of the drawing: no room beside its node", node)
    return placed


def _first_free_spot(ax: Axes, text: str, xy: np.ndarray, distance: float, leader: bool, is_org: bool,
                     frame: Bbox, taken: list[Bbox], renderer: Any) -> Annotation | None:
    """``text`` at the first spot ``distance`` points from ``xy``, inside ``frame``, clear of ``taken``."""
    for dx, dy, ha, va in _LABEL_SPOTS:
        label = ax.annotate(text, (float(xy[0]), float(xy[1])), xytext=(dx * distance, dy * distance),
                            textcoords="offset points", ha=ha, va=va, fontsize=8 if is_org else 6.5,
                            fontweight="bold" if is_org else "normal", annotation_clip=False,
                            arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.6,
                                        "shrinkA": 0, "shrinkB": 4} if leader else None)
        label.set_in_layout(False)
        box = _padded(label.get_window_extent(renderer))
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        if inside and not any(box.overlaps(other) for other in taken):
            return label
        label.remove()
    return None


def _padded(box: Bbox, pixels: float = 1.0) -> Bbox:
    return Bbox.from_extents(box.x0 - pixels, box.y0 - pixels, box.x1 + pixels, box.y1 + pixels)


def interactive_network(
    G: nx.Graph,
    *,
    membership: pd.Series | None = None,
    measures: pd.DataFrame | None = None,
    size: str = "pagerank",
    max_nodes: int = 400,
    seed: int = 0,
    title: str | None = None,
) -> go.Figure | None:
    """An interactive view (plotly): zoom, pan, hover for an account's measures, toggle communities.

    Plotly is used because its figures work offline: a report page loads
    plotly.js from its ``assets/`` folder (:func:`helpers.interactive.show_figures`),
    and :func:`helpers.interactive.figure_html` writes a self-contained file
    (no CDN).  Only organisation names and pseudonyms appear.  Large graphs
    are reduced as in :func:`draw_network`.

    Parameters
    ----------
    measures : DataFrame, optional
        From :func:`node_measures`; shown on hover, and ``size`` is one of its columns.
    """
    import plotly.graph_objects as go

    if G.number_of_edges() == 0:
        return None
    H = drawable_subgraph(G, max_nodes, keep=org_nodes(G))
    pos = remembered_layout(G, H, seed=seed)
    nodes = list(H)
    size_values = measures[size] if measures is not None and size in measures.columns else None
    sizes = dict(zip(nodes, _node_sizes(H, size_values, 6, 34), strict=True))
    xs, ys = [], []
    for u, v in H.edges():
        xs += [pos[u][0], pos[v][0], None]
        ys += [pos[u][1], pos[v][1], None]
    traces: list[go.Scatter] = [go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                           line={"width": 0.6, "color": "rgba(120,120,120,0.35)"})]
    groups: dict[str, list[Hashable]] = {}
    for node in nodes:
        number = int(membership.get(node, -1)) if membership is not None else -1
        key = f"community {number}" if 0 <= number < len(COMMUNITY_COLOURS) else "other"
        groups.setdefault(key, []).append(node)
    for key in sorted(groups, key=lambda k: (k == "other", int(k.split()[-1]) if k != "other" else 0)):
        members = groups[key]
        colour = COMMUNITY_COLOURS[int(key.split()[-1])] if key != "other" else OTHER_COLOUR
        traces.append(go.Scatter(
            x=[pos[n][0] for n in members], y=[pos[n][1] for n in members],
            mode="markers+text", name=key if membership is not None else "accounts",
            text=[_org_label(H.nodes[n], n) if H.nodes[n].get("is_org") else ""
                  for n in members],
            textposition="top center", textfont={"size": 10},
            hovertext=[_hover(H, n, measures, membership) for n in members], hoverinfo="text",
            marker={"size": [sizes[n] for n in members], "color": colour,
                    "symbol": ["square" if H.nodes[n].get("is_org") else "circle" for n in members],
                    "line": {"width": [1.5 if H.nodes[n].get("is_org") else 0.5 for n in members],
                             "color": "black"}},
        ))
    caption = H.graph.get("filter", "")
    fig = go.Figure(traces)
    fig.update_layout(
        title={"text": f"{title or G.graph.get('name') or 'Interaction network'}"
                       f"<br><sup>{caption}; squares: organisations; hover for measures</sup>"},
        showlegend=membership is not None, legend={"title": {"text": "click to hide"}},
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
        hovermode="closest", height=700, margin={"l": 10, "r": 10, "t": 70, "b": 10},
        plot_bgcolor="white",
    )
    return fig


def _hover(H: nx.Graph, node: Hashable, measures: pd.DataFrame | None, membership: pd.Series | None) -> str:
    data = H.nodes[node]
    lines = [f"<b>{data.get('display', node)}</b>", f"role: {data.get('role', '')}"]
    if membership is not None and node in membership.index:
        lines.append(f"community: {int(membership[node])}")
    if measures is not None and node in measures.index:
        row = measures.loc[node]
        for column in ("in_degree", "out_degree", "in_strength", "out_strength"):
            if column in row:
                lines.append(f"{column.replace('_', ' ')}: {int(row[column])}")
        for column in ("pagerank", "betweenness"):
            if column in row:
                lines.append(f"{column}: {float(row[column]):.4f}")
    return "<br>".join(lines)


def topic_pairs(T: nx.Graph | None, n: int = 15) -> pd.DataFrame:
    """The ``n`` strongest ties of a topic projection (:func:`author_topic_projection`).

    Without a topic model (``T`` is None) a one-row table says so.
    """
    if T is None:
        return pd.DataFrame({"note": ["No topic model yet: run 03_topics.ipynb, then this notebook again."]})
    rows = [{"topic": T.nodes[a].get("label", a), "with topic": T.nodes[b].get("label", b),
             "shared authors": d["weight"]} for a, b, d in T.edges(data=True)]
    if not rows:
        return pd.DataFrame(columns=["topic", "with topic", "shared authors"])
    table = pd.DataFrame(rows).sort_values(["shared authors", "topic"], ascending=[False, True])
    return table.head(n).reset_index(drop=True)


def plot_growth(growth: pd.DataFrame | NotComputed, title: str = "How the network grows") -> Axes | None:
    """Accounts (active, new, cumulative) and reciprocity / public share per period."""
    growth = drawable(growth)
    if growth is None:
        return None
    _, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, layout="constrained")
    x = np.arange(len(growth))
    top.bar(x - 0.2, growth["active_accounts"], width=0.4, label="active accounts", color="#1f77b4")
    top.bar(x + 0.2, growth["new_accounts"], width=0.4, label="new accounts", color="#ff7f0e")
    top.plot(x, growth["cumulative_accounts"], color="black", marker="o", label="all accounts so far")
    top.set_ylabel("accounts")
    legend_outside(top)
    top.set_title(title)
    for column, colour in (("reciprocity", "#2ca02c"), ("public_share", "#9467bd"),
                           ("largest_component_share", "#7f7f7f")):
        bottom.plot(x, growth[column], marker="o", color=colour, label=column.replace("_", " "))
    bottom.set_ylim(0, 1.05)
    percent_axis(bottom.yaxis)
    bottom.set_ylabel("share")
    legend_outside(bottom)
    category_ticks(bottom, [str(period) for period in growth.index], width_inches=7.5)
    return top


# --------------------------------------------------------------------------- exports


def annotate_graph(G: nx.Graph, table: pd.DataFrame, columns: Sequence[str] | None = None) -> nx.Graph:
    """Copy the columns of a node table (measures, community, roles) onto the nodes of ``G``, in place."""
    columns = [c for c in (columns or table.columns) if c in table.columns]
    for column in columns:
        values = table[column].reindex(list(G))
        nx.set_node_attributes(G, {node: _plain(value) for node, value in values.items()}, column)
    return G


def export_graph(G: nx.Graph, folder: Path, name: str = "interactions") -> dict[str, Path]:
    """Write ``G`` for Gephi and spreadsheets: GEXF, GraphML, edge list and node list CSV.

    Node and edge attributes (role, community, measures, counts per kind) go
    into every format.  GEXF and GraphML are streamed to disk (networkx's
    writers build the whole XML tree in memory, minutes and gigabytes for a
    million edges) and read back identically by :func:`networkx.read_gexf`
    and :func:`networkx.read_graphml`.  Missing values (None, NaN) are left
    out of GEXF/GraphML and empty in CSV.  Files are written atomically.

    Returns
    -------
    dict
        ``{"gexf": path, "graphml": path, "edges": path, "nodes": path}``.

    References
    ----------
    .. [1] GEXF 1.2 format, https://gexf.net/ (Gephi).
    .. [2] Brandes, U., Eiglsperger, M., Herman, I., Himsolt, M., & Marshall,
       M. S. (2001). GraphML progress report. Graph Drawing 2001, LNCS 2265.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"gexf": folder / f"{name}.gexf", "graphml": folder / f"{name}.graphml",
             "edges": folder / f"{name}_edges.csv", "nodes": folder / f"{name}_nodes.csv"}
    layouts = G.graph.pop(LAYOUTS_KEY, None)  # drawing positions are not part of the network
    try:
        with atomic_path(paths["gexf"]) as tmp:
            write_gexf(G, tmp)
        with atomic_path(paths["graphml"]) as tmp:
            write_graphml(G, tmp)
    finally:
        if layouts is not None:
            G.graph[LAYOUTS_KEY] = layouts
    write_csv_atomic(paths["edges"], nx.to_pandas_edgelist(G, source="source", target="target"))
    nodes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    write_csv_atomic(paths["nodes"], nodes.reindex(list(G)).rename_axis("node"), index=True)
    return paths


def _attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The type of each attribute over all nodes (or edges): boolean, long, double or string."""
    seen: dict[str, set[str]] = {}
    for data in items:
        for key, value in data.items():
            value = _plain(value)
            if value is not None:
                seen.setdefault(key, set()).add(_xml_type(value))
    types = {}
    for key in sorted(seen):
        kinds = seen[key]
        types[key] = kinds.pop() if len(kinds) == 1 else "double" if kinds <= {"long", "double"} else "string"
    return types


def _xml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    return "double" if isinstance(value, float) else "string"


def _plain(value: Any) -> Any:
    """A plain Python scalar for export, or None for a missing value."""
    kind = type(value)
    if kind is int or kind is str or kind is bool:  # the common case, first
        return value
    if kind is float:
        return None if value != value else value  # NaN is the only float unequal to itself
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return ";".join(map(str, value))
    return str(value)


def _xml_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def write_gexf(G: nx.Graph, path: Path) -> None:
    """Stream ``G`` to a GEXF 1.2 file (nodes labelled by ``display``, edges weighted by ``weight``)."""
    node_types = _attribute_types(data for _, data in G.nodes(data=True))
    edge_types = _attribute_types(data for _, _, data in G.edges(data=True))
    edge_types.pop("weight", None)
    node_ids = {key: str(i) for i, key in enumerate(node_types)}
    edge_ids = {key: str(i) for i, key in enumerate(edge_types)}
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
                  'version="1.2">\n  <meta><creator>rarevoices (helpers.networks)</creator></meta>\n')
        kind = "directed" if G.is_directed() else "undirected"
        out.write(f'  <graph defaultedgetype="{kind}" mode="static" name={_attr(G.graph.get("name", ""))}>\n')
        for cls, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
            out.write(f'    <attributes class="{cls}" mode="static">\n')
            for key, xml_type in types.items():
                out.write(f'      <attribute id="{ids[key]}" title={_attr(key)} type="{xml_type}" />\n')
            out.write("    </attributes>\n")
        out.write("    <nodes>\n")
        for node, data in G.nodes(data=True):
            label = _plain(data.get("display", node))
            out.write(f"      <node id={_attr(node)} label={_attr(label if label is not None else node)}>")
            out.write(_gexf_values(data, node_types, node_ids))
            out.write("</node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for i, (u, v, data) in enumerate(G.edges(data=True)):
            weight = _plain(data.get("weight"))
            weight_attr = f" weight={_attr(weight)}" if weight is not None else ""
            out.write(f'      <edge id="{i}" source={_attr(u)} target={_attr(v)}{weight_attr}>')
            out.write(_gexf_values({k: x for k, x in data.items() if k != "weight"}, edge_types, edge_ids))
            out.write("</edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")


def _gexf_values(data: dict[str, Any], types: dict[str, str], ids: dict[str, str]) -> str:
    parts = []
    for key, value in data.items():
        value = _plain(value)
        if value is not None and key in types:
            parts.append(f'<attvalue for="{ids[key]}" value={_attr(_xml_value(value, types[key]))} />')
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def write_graphml(G: nx.Graph, path: Path) -> None:
    """Stream ``G`` to a GraphML file with typed node and edge attributes."""
    node_types = _attribute_types(data for _, data in G.nodes(data=True))
    edge_types = _attribute_types(data for _, _, data in G.edges(data=True))
    node_keys = {key: f"n{i}" for i, key in enumerate(node_types)}
    edge_keys = {key: f"e{i}" for i, key in enumerate(edge_types)}
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for cls, types, keys in (("node", node_types, node_keys), ("edge", edge_types, edge_keys)):
            for key, xml_type in types.items():
                out.write(f'  <key id="{keys[key]}" for="{cls}" attr.name={_attr(key)} '
                          f'attr.type="{xml_type}" />\n')
        kind = "directed" if G.is_directed() else "undirected"
        out.write(f'  <graph edgedefault="{kind}">\n')
        for node, data in G.nodes(data=True):
            out.write(f"    <node id={_attr(node)}>{_graphml_values(data, node_types, node_keys)}</node>\n")
        for u, v, data in G.edges(data=True):
            out.write(f"    <edge source={_attr(u)} target={_attr(v)}>"
                      f"{_graphml_values(data, edge_types, edge_keys)}</edge>\n")
        out.write("  </graph>\n</graphml>\n")


def _graphml_values(data: dict[str, Any], types: dict[str, str], keys: dict[str, str]) -> str:
    parts = []
    for key, value in data.items():
        value = _plain(value)
        if value is not None and key in types:
            text = _xml_value(value, types[key])
            if types[key] == "string":
                text = escape(_XML_INVALID.sub("", text))
            parts.append(f'<data key="{keys[key]}">{text}</data>')
    return "".join(parts)


def _attr(value: Any) -> str:
    """An XML attribute value, quoted and escaped."""
    text = str(value)
    if _XML_SPECIAL.search(text) is None:
        return f'"{text}"'
    return quoteattr(_XML_INVALID.sub("", text))


def networks_folder(config: StudyConfig, org_id: str | None = None) -> Path:
    """Where exports go: ``<processed>/networks/<org_id or "study">/``."""
    return config.processed_path / "networks" / (org_id or "study")


# --------------------------------------------------------------------------- modes and ground truth


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


# --------------------------------------------------------------------------- the whole analysis


@dataclass
class NetworkAnalysis:
    """Everything :func:`analyse_network` computed for one scope (an organisation or the study)."""

    scope: str
    graph: nx.DiGraph
    summary: pd.DataFrame
    nodes: pd.DataFrame
    communities: pd.DataFrame
    brokers: pd.DataFrame
    ego: pd.DataFrame
    bridging: pd.DataFrame
    growth: pd.DataFrame
    hashtags: nx.Graph
    topics: nx.Graph | None = None
    exports: dict[str, Path] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)

    def methods_table(self) -> pd.DataFrame:
        """How each result was computed (algorithm, parameters, seed), for the report."""
        return pd.DataFrame({"how": self.methods}).rename_axis("what")

    def exports_table(self, root: Path | None = None) -> pd.DataFrame:
        """The exported files, their folder (relative to ``root``, e.g. the project root) and sizes."""
        rows = []
        for path in self.exports.values():
            folder = path.parent
            folder = folder.relative_to(root) if root is not None and folder.is_relative_to(root) else folder
            size = round(path.stat().st_size / 1024, 1)
            rows.append({"file": path.name, "folder": str(folder), "KiB": size})
        return pd.DataFrame(rows, columns=["file", "folder", "KiB"])


SAVED_ANALYSES = "_saved"


def analyse_network(
    config: StudyConfig,
    org_id: str | None = None,
    *,
    topics: pd.DataFrame | None = None,
    export: bool = True,
    progress: bool = True,
    backend: Backend = "auto",
    reuse: bool = True,
) -> NetworkAnalysis:
    """The network analysis of one organisation (``org_id``) or the study, computed once.

    The result is saved under ``<processed>/networks/_saved/`` with a key over
    everything it depends on (the tables, the topic model, the settings, the
    package version), so the networks notebook, the organisation report and
    a rerun share one computation.  ``reuse=False`` always recomputes.  Only
    the latest result of a scope is kept, and ``rarevoices forget`` deletes
    them all.  See :func:`compute_network` for what is computed.
    """
    if topics is not None or not reuse:
        return compute_network(config, org_id, topics=topics, export=export, progress=progress,
                               backend=backend)
    path = _saved_path(config, org_id, _analysis_key(config, org_id, export, backend))
    saved = _load_saved(path)
    if saved is not None:
        return saved
    result = compute_network(config, org_id, export=export, progress=progress, backend=backend)
    _save_analysis(result, path)
    tighten(networks_folder(config, org_id))
    return result


def has_saved_analysis(config: StudyConfig, org_id: str | None = None, *, export: bool = True,
                       backend: Backend = "auto") -> bool:
    """Whether :func:`analyse_network` would reuse a saved result (without loading it)."""
    return _saved_path(config, org_id, _analysis_key(config, org_id, export, backend)).exists()


def _analysis_key(config: StudyConfig, org_id: str | None, export: bool, backend: str) -> str:
    """Hash of the inputs, topic model and settings a scope's analysis depends on."""
    from helpers import __version__

    digest = hashlib.sha256()
    for name in ("posts", "interactions", "accounts"):
        path = table_path(config.processed_path, name)
        digest.update(f"{name}:{path.stat().st_mtime_ns}:{path.stat().st_size}".encode())
    current = config.processed_path / "topics" / "current.json"
    digest.update(current.read_bytes() if current.exists() else b"no topics")
    settings = {
        "version": __version__, "org": org_id, "export": export, "backend": backend, "seed": config.seed,
        "analysis": config.analysis.model_dump(mode="json"), "privacy": config.privacy.min_group_size,
        "names": {org.id: org.name for org in config.organisations}, "study": config.name,
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:24]


def _saved_path(config: StudyConfig, org_id: str | None, key: str) -> Path:
    return config.processed_path / "networks" / SAVED_ANALYSES / f"{org_id or 'study'}-{key}.pkl"


def _load_saved(path: Path) -> NetworkAnalysis | None:
    """A saved analysis whose exports are all still there, else None."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            result = pickle.load(fh)  # our own file, written by _save_analysis
    except Exception as exc:  # a truncated or outdated file: recompute
        logger.info("Ignoring saved network analysis %s (%s)", path.name, exc)
        return None
    if not all(Path(export).exists() for export in result.exports.values()):
        return None
    logger.info("Network analysis of %s reused from %s", result.scope, path.name)
    return result


def _save_analysis(result: NetworkAnalysis, path: Path) -> None:
    """Write atomically, and drop the scope's older results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scope_prefix = path.name.rsplit("-", 1)[0] + "-"
    for older in path.parent.glob(f"{scope_prefix}*.pkl"):
        if older.name.rsplit("-", 1)[0] + "-" == scope_prefix and older != path:
            older.unlink(missing_ok=True)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)


def forget_saved_analyses(config: StudyConfig) -> None:
    """Erasure: delete every saved network analysis (they name the people in the graph)."""
    folder = config.processed_path / "networks" / SAVED_ANALYSES
    if folder.exists():
        shutil.rmtree(folder)


def compute_network(
    config: StudyConfig,
    org_id: str | None = None,
    *,
    topics: pd.DataFrame | None = None,
    export: bool = True,
    progress: bool = True,
    backend: Backend = "auto",
) -> NetworkAnalysis:
    """Run the whole network analysis for one organisation (``org_id``) or the study.

    Steps: build the graph (all kinds) and summarise it per kind; node measures
    (degrees, PageRank, betweenness exact up to
    ``EXACT_BETWEENNESS_MAX_NODES`` nodes, else from
    ``config.analysis.betweenness_k`` sampled sources); Louvain communities
    with the study seed and their hashtags (and topics, when ``topics`` or
    :func:`load_post_topics` has them); brokers; each organisation's ego
    network; accounts bridging organisations; growth per
    ``config.analysis.time_slice``; the hashtag network (hashtags of at least
    ``privacy.min_group_size`` authors); the author-topic projection; exports
    to :func:`networks_folder` (GEXF, GraphML, CSV, interactive HTML).
    """
    scope = org_id or "study"
    seed = config.seed
    steps = tqdm(total=9, desc=f"networks {scope}", unit="step", disable=not progress)
    methods: dict[str, str] = {}

    def step(label: str) -> None:
        steps.set_postfix_str(label)
        logger.info("%s: %s", scope, label)

    step("loading tables")
    interactions = load_interactions(config, org_id)
    all_interactions = load_interactions(config) if org_id is not None else interactions
    accounts = load_accounts(config)
    posts = read_table("posts", table_path(config.processed_path, "posts"))
    scoped_posts = posts if org_id is None else posts[posts["org_id"] == org_id]
    if topics is None:
        topics = load_post_topics(config)
    steps.update()

    step("building the graph")
    graph = build_graph(interactions, accounts, name=f"{_scope_title(config, org_id)}: all interactions")
    summary = kind_summary_table(interactions, accounts)
    steps.update()

    step("centralities")
    nodes = node_measures(graph, k=config.analysis.betweenness_k, seed=seed, backend=backend)
    methods["betweenness"] = nodes.attrs["betweenness_method"]
    methods["pagerank"] = "weighted PageRank, damping 0.85 (networkx)"
    steps.update()

    step("communities")
    membership = communities(graph, seed=seed, backend=backend)
    nodes["community"] = membership.reindex(nodes.index)
    modularity = membership.attrs.get("modularity", math.nan)
    methods["communities"] = (f"{membership.attrs.get('method', '')}; modularity "
                              + (f"{modularity:.3f}" if math.isfinite(modularity) else "not defined"))
    community_info = community_table(graph, membership, posts=scoped_posts, topics=topics,
                                     rank_by=nodes["pagerank"])
    steps.update()

    step("brokers")
    broker_table = brokers(graph, membership, nodes["betweenness"], top=None)
    nodes = nodes.join(broker_table[["gatekeeper", "representative", "liaison", "brokerage"]].astype(float))
    methods["brokers"] = ("Gould & Fernandez (1989) roles across Louvain communities, for the 300 accounts "
                          "with the highest betweenness")
    steps.update()

    step("organisations")
    ego = org_ego_table(graph)
    bridging = bridging_accounts(all_interactions, accounts, posts)
    if org_id is not None:
        bridging = bridging[[org_id in orgs.split(";") for orgs in bridging["orgs"]]]
    steps.update()

    step("growth")
    growth = growth_table(interactions, accounts, config.analysis.time_slice)
    methods["growth"] = f"per {config.analysis.time_slice} (config analysis.time_slice)"
    steps.update()

    step("hashtags and topics")
    hashtags = hashtag_graph(scoped_posts, min_authors=config.privacy.min_group_size)
    methods["hashtags"] = (f"co-occurrence in original posts; hashtags used by at least "
                           f"{config.privacy.min_group_size} authors (privacy.min_group_size)")
    topic_graph = author_topic_projection(scoped_posts, topics) if topics is not None else None
    if topic_graph is not None:
        methods["topics"] = "author-topic network projected onto topics, weight = shared authors"
    steps.update()

    exports: dict[str, Path] = {}
    if export:
        step("exports")
        folder = networks_folder(config, org_id)
        annotate_graph(graph, nodes, ["community", "in_degree", "out_degree", "in_strength", "out_strength",
                                      "pagerank", "betweenness", "gatekeeper", "representative", "liaison",
                                      "brokerage"])
        exports.update(export_graph(graph, folder, "interactions"))
        exports.update({f"hashtags_{k}": v for k, v in export_graph(hashtags, folder, "hashtags").items()})
        fig = interactive_network(graph, membership=membership, measures=nodes, seed=seed)
        if fig is not None:  # a network without ties has nothing to explore
            exports["html"] = folder / "interactions.html"
            figure_html(fig, exports["html"])
            # The static drawing's positions too, remembered with the saved analysis (see remembered_layout).
            remembered_layout(graph, drawable_subgraph(graph, 120, keep=org_nodes(graph)), seed=seed)
    steps.update()
    steps.close()
    return NetworkAnalysis(scope, graph, summary, nodes, community_info, broker_table, ego, bridging, growth,
                           hashtags, topic_graph, exports, methods)


def _scope_title(config: StudyConfig, org_id: str | None) -> str:
    return config.organisation(org_id).name if org_id else config.name
