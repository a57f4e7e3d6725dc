"""Node-level measures: degree, strength, PageRank, betweenness, core numbers, reciprocity.

Betweenness and core numbers of large graphs are computed with igraph's C
implementation, which gives the same numbers as networkx (see
``tests/integration/test_networks.py``) in a fraction of the time; :func:`to_igraph` and
:func:`_igraph_seed` are the igraph helpers the community detection uses too.

References
----------
.. [1] Wasserman, S., & Faust, K. (1994). Social Network Analysis: Methods and
   Applications. Cambridge University Press.
.. [2] Brin, S., & Page, L. (1998). The anatomy of a large-scale hypertextual
   Web search engine. Computer Networks and ISDN Systems, 30, 107-117.
.. [3] Brandes, U. (2001). A faster algorithm for betweenness centrality.
   Journal of Mathematical Sociology, 25(2), 163-177.
.. [4] Brandes, U., & Pich, C. (2007). Centrality estimation in large
   networks. International Journal of Bifurcation and Chaos, 17(7), 2303-2318.
.. [5] Batagelj, V., & Zaversnik, M. (2003). An O(m) algorithm for cores
   decomposition of networks. arXiv:cs/0310049.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

import networkx as nx
import pandas as pd

if TYPE_CHECKING:  # imported lazily: igraph is only needed by some functions
    import igraph as ig

#: Exact betweenness up to this many nodes; above it, k sampled sources.
EXACT_BETWEENNESS_MAX_NODES = 5_000
Backend = Literal["auto", "networkx", "igraph"]


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
