"""Node-level measures: degree, strength, PageRank, betweenness, closeness, eigenvector, clustering, cores.

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
.. [6] Freeman, L. C. (1978/79). Centrality in social networks: conceptual
   clarification. Social Networks, 1(3), 215-239.
.. [7] Eppstein, D., & Wang, J. (2004). Fast approximation of centrality.
   Journal of Graph Algorithms and Applications, 8(1), 39-45.
.. [8] Bonacich, P. (1972). Factoring and weighting approaches to status scores
   and clique identification. Journal of Mathematical Sociology, 2(1), 113-120.
.. [9] Bonacich, P. (1987). Power and centrality: a family of measures.
   American Journal of Sociology, 92(5), 1170-1182.
.. [10] Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of
   'small-world' networks. Nature, 393, 440-442.
.. [11] Onnela, J.-P., Saramäki, J., Kertész, J., & Kaski, K. (2005). Intensity
   and coherence of motifs in weighted complex networks. Physical Review E, 71, 065103.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse import linalg as sparse_linalg

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


def _adjacency(G: nx.Graph, weight: str | None = None) -> sparse.csr_matrix:
    """Sparse adjacency matrix of ``G`` in node order (``weight`` or 1 per edge; self-loops dropped)."""
    index = {node: i for i, node in enumerate(G)}
    n = len(index)
    triples = [(index[u], index[v], 1.0 if weight is None else float(w))
               for u, v, w in G.edges(data=weight, default=1) if u != v]
    rows, cols, values = (list(t) for t in zip(*triples, strict=True)) if triples else ([], [], [])
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(n, n), dtype=float)
    return matrix if G.is_directed() else (matrix + matrix.T).tocsr()


def closeness(
    G: nx.Graph,
    k: int | None = 500,
    *,
    seed: int = 0,
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
) -> pd.Series:
    """Closeness centrality on incoming distances, corrected for unreachable accounts.

    How near an account is to the accounts that reach it: the inverse of the
    mean number of hops from the accounts with a path *to* it (on a directed
    graph, as :func:`networkx.closeness_centrality`), multiplied by the share
    of the other accounts that have such a path (Wasserman & Faust's
    correction, networkx's ``wf_improved=True``), so an account reached by
    three neighbours one hop away in a network of thousands does not score 1.
    Hops, not interaction counts: the counts are tie strengths, not distances.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    k : int or None
        Number of source accounts sampled (with ``seed``; the same sources
        :func:`betweenness` samples) when the graph has more than
        ``exact_max_nodes`` nodes.  None: always exact.
    seed : int
    exact_max_nodes : int
        Graphs up to this size get the exact value.

    Returns
    -------
    Series
        ``R**2 / ((n - 1) * S)`` per account, where ``R`` is the number of other
        accounts with a path to it and ``S`` the sum of their distances (0 when
        none reaches it): networkx's value exactly.  Estimated from ``k``
        sources (Eppstein & Wang 2004) as ``r**2 / (k_u * s)``, with ``r`` and
        ``s`` counted over the sampled sources and ``k_u`` the sources other
        than the account itself.  ``attrs["method"]`` says which.

    Notes
    -----
    One breadth-first search per source (scipy, in C): O(n·m) exact, O(k·m)
    estimated, about the cost of :func:`betweenness`.

    References
    ----------
    .. [1] Freeman, L. C. (1978/79). Centrality in social networks: conceptual
       clarification. Social Networks, 1(3), 215-239.
    .. [2] Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 5.
    .. [3] Eppstein, D., & Wang, J. (2004). Fast approximation of centrality.
       Journal of Graph Algorithms and Applications, 8(1), 39-45.

    Examples
    --------
    >>> closeness(nx.DiGraph([("a", "b"), ("b", "c")])).round(3).to_dict()
    {'a': 0.0, 'b': 0.5, 'c': 0.667}
    """
    nodes = list(G)
    n = len(nodes)
    sampled = k is not None and n > exact_max_nodes and k < n
    values = np.zeros(n)
    if n > 1:
        if sampled:
            position = {node: i for i, node in enumerate(nodes)}
            sources = np.array([position[s] for s in random.Random(seed).sample(nodes, k)], dtype=np.int64)
        else:
            sources = np.arange(n)
        adjacency = _adjacency(G)
        reached, total = np.zeros(n), np.zeros(n)
        chunk = max(1, 4_000_000 // n)  # at most 4 million distances (32 MB) at a time
        for start in range(0, len(sources), chunk):
            batch = sources[start:start + chunk]
            distances = csgraph.shortest_path(adjacency, method="D", directed=G.is_directed(),
                                              unweighted=True, indices=batch)
            found = np.isfinite(distances)
            found[np.arange(len(batch)), batch] = False  # an account's distance to itself does not count
            reached += found.sum(axis=0)
            total += np.where(found, distances, 0.0).sum(axis=0)
        others = np.full(n, float(len(sources)))
        others[sources] -= 1  # k_u: the sources other than the account itself (n - 1 when exact)
        positive = total > 0
        values[positive] = reached[positive] ** 2 / (others[positive] * total[positive])
    series = pd.Series(values, index=pd.Index(nodes, dtype=object), name="closeness", dtype=float)
    series.attrs["method"] = (
        f"incoming distance in hops, Wasserman-Faust correction; estimated from k={k} sampled sources of "
        f"{n} nodes (seed {seed}, the betweenness sources; Eppstein & Wang 2004)" if sampled else
        "incoming distance in hops, Wasserman-Faust correction (networkx wf_improved); exact"
    )
    return series


def eigenvector(
    G: nx.Graph,
    weight: str | None = "weight",
    *,
    max_iter: int = 1000,
    tol: float = 1e-10,
    dense_max_nodes: int = 1_000,
) -> pd.Series:
    """Eigenvector centrality of the undirected, weighted graph, per connected component.

    An account is central when it interacts often with accounts that are
    central themselves: the leading eigenvector of the symmetric adjacency
    matrix whose entry ``(u, v)`` is the interactions of both directions,
    scaled to unit length and positive, as :func:`networkx.eigenvector_centrality`.

    Why undirected: on the directed graph every account nobody addresses, and
    so every account it addresses only, scores 0 (the graph is not strongly
    connected).  Why per component: between components the leading
    eigenvector is not defined (networkx refuses disconnected graphs; in a
    study-wide network each platform's organisations form their own), so
    each connected component gets its own, of unit length, exactly what
    networkx gives for that component alone.  Values compare accounts within
    a component only: in a component of two both score 0.707.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    weight : str or None
        Edge attribute summed over both directions (None: 1 per tie).
    max_iter, tol : int, float
        For ARPACK (components above ``dense_max_nodes``) and, should ARPACK
        not converge, for networkx's power iteration.  Where neither
        converges the component's values are NaN and ``attrs["method"]`` says so.
    dense_max_nodes : int
        Components up to this size are solved exactly with a dense symmetric
        eigendecomposition (LAPACK).

    Returns
    -------
    Series
        NaN for an account without ties.  ``attrs["method"]`` names the
        components and how each size was solved.

    References
    ----------
    .. [1] Bonacich, P. (1972). Factoring and weighting approaches to status
       scores and clique identification. Journal of Mathematical Sociology, 2(1), 113-120.
    .. [2] Bonacich, P. (1987). Power and centrality: a family of measures.
       American Journal of Sociology, 92(5), 1170-1182.

    Examples
    --------
    >>> eigenvector(nx.DiGraph([("a", "b"), ("b", "c"), ("x", "y")])).round(3).to_dict()
    {'a': 0.5, 'b': 0.707, 'c': 0.5, 'x': 0.707, 'y': 0.707}
    """
    nodes = list(G)
    values = np.full(len(nodes), np.nan)
    adjacency = _adjacency(G, weight)
    if G.is_directed():
        adjacency = (adjacency + adjacency.T).tocsr()
    count, labels = csgraph.connected_components(adjacency, directed=False) if nodes else (0, np.array([]))
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    components = [order[bounds[c]:bounds[c + 1]] for c in range(count) if bounds[c + 1] - bounds[c] > 1]
    hows: dict[str, int] = {}
    for members in components:
        vector, how = _leading_eigenvector(adjacency[members][:, members], weight, max_iter, tol,
                                           dense_max_nodes)
        values[members] = vector
        hows[how] = hows.get(how, 0) + 1
    method = "undirected, weighted (both directions summed)"
    if components:
        largest = max(len(members) for members in components)
        method += (f", per connected component ({len(components)} with ties, the largest {largest} of "
                   f"{len(nodes)} accounts; compare accounts within a component only): "
                   + "; ".join(f"{how} for {n} component{'s' if n > 1 else ''}" for how, n in hows.items()))
    else:
        method += ": no tie, not computed"
    series = pd.Series(values, index=pd.Index(nodes, dtype=object), name="eigenvector", dtype=float)
    series.attrs["method"] = method
    return series


def _leading_eigenvector(matrix: sparse.csr_matrix, weight: str | None, max_iter: int, tol: float,
                         dense_max_nodes: int) -> tuple[np.ndarray, str]:
    """The positive unit leading eigenvector of a connected component's symmetric matrix, and how."""
    n = matrix.shape[0]
    if n <= dense_max_nodes:
        _, vectors = np.linalg.eigh(matrix.toarray())
        vector, how = vectors[:, -1], "dense eigendecomposition (LAPACK)"
    else:
        try:
            _, vectors = sparse_linalg.eigsh(matrix, k=1, which="LA", maxiter=max_iter, tol=tol,
                                             v0=np.ones(n))
            vector, how = vectors[:, 0], f"ARPACK (tolerance {tol:g})"
        except sparse_linalg.ArpackNoConvergence:
            H = nx.Graph()
            H.add_nodes_from(range(n))
            coo = sparse.triu(matrix).tocoo()
            H.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
            try:
                found = nx.eigenvector_centrality(H, max_iter=max_iter, tol=1e-8,
                                                  weight="weight" if weight else None)
            except nx.PowerIterationFailedConvergence:
                return np.full(n, np.nan), (f"did not converge in {max_iter} iterations (ARPACK, then power "
                                            f"iteration): NaN")
            vector = np.array([found[i] for i in range(n)])
            how = f"power iteration (networkx; ARPACK did not converge in {max_iter} iterations)"
    vector = vector / (np.sign(vector.sum()) * np.linalg.norm(vector))
    return np.clip(vector, 0.0, None), how


def clustering(G: nx.Graph, weight: str | None = None, *, backend: Backend = "auto") -> pd.Series:
    """Local clustering coefficient on the undirected graph: how many of an account's contacts are tied.

    The share of pairs of an account's contacts (accounts it addressed or was
    addressed by) that are tied themselves, in either direction (Watts &
    Strogatz 1998).  0 for an account with fewer than two contacts, as
    :func:`networkx.clustering`.  Unweighted by default: one interaction ties
    two accounts as much as a hundred.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    weight : str, optional
        Edge attribute (summed over both directions) for Onnela et al.'s
        weighted coefficient, the geometric mean of the triangle's weights
        over the largest weight (networkx, pure Python: small graphs only).
    backend : {"auto", "networkx", "igraph"}
        Unweighted: igraph (C, ``transitivity_local_undirected``) or
        networkx, the same values.

    References
    ----------
    .. [1] Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of
       'small-world' networks. Nature, 393, 440-442.
    .. [2] Onnela, J.-P., Saramäki, J., Kertész, J., & Kaski, K. (2005).
       Intensity and coherence of motifs in weighted complex networks.
       Physical Review E, 71, 065103.

    Examples
    --------
    >>> clustering(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])).round(3).to_dict()
    {'a': 1.0, 'b': 1.0, 'c': 0.333, 'd': 0.0}
    """
    nodes = list(G)
    if not nodes:
        values: list[float] = []
    elif weight is None and backend != "networkx":
        graph = to_igraph(G)
        graph = graph.as_undirected(mode="collapse") if graph.is_directed() else graph
        graph.simplify(loops=True, multiple=True)
        values = graph.transitivity_local_undirected(mode="zero")
    else:
        U = undirected_weighted(G, weight or "weight") if G.is_directed() else G
        found = nx.clustering(U, weight=weight)
        values = [found[node] for node in nodes]
    series = pd.Series(values, index=pd.Index(nodes, dtype=object), name="clustering", dtype=float)
    series.attrs["method"] = (
        f"undirected, weighted by {weight} (Onnela et al. 2005; networkx)" if weight else
        "undirected, unweighted (Watts & Strogatz 1998); 0 with fewer than two contacts; "
        + ("networkx" if backend == "networkx" else "igraph")
    )
    return series


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
    ``out_strength``, ``pagerank``, ``betweenness`` and ``closeness`` (see
    :func:`betweenness` and :func:`closeness` for ``k``: exact up to
    ``exact_max_nodes`` accounts, else from ``k`` sampled sources),
    ``eigenvector`` (:func:`eigenvector`) and ``clustering``
    (:func:`clustering`).  ``attrs["<measure>_method"]`` says how each of the
    last four was computed.
    """
    attributes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    attributes = attributes.reindex(index=list(G), columns=["display", "role", "is_org", "org_id",
                                                            "platform", "home_org", "orgs"])
    measures = [
        betweenness(G, k, seed=seed, exact_max_nodes=exact_max_nodes, backend=backend),
        closeness(G, k, seed=seed, exact_max_nodes=exact_max_nodes),
        eigenvector(G),
        clustering(G, backend=backend),
    ]
    table = attributes.join(degree_table(G)).join(pagerank(G))
    for series in measures:
        table = table.join(series)
    table.index.name = "node"
    for series in measures:
        table.attrs[f"{series.name}_method"] = series.attrs.get("method", "")
    return table


CENTRALITIES = ("in_degree", "out_degree", "pagerank", "betweenness")
"""The measures of the central accounts table."""
MORE_CENTRALITIES = ("closeness", "eigenvector", "clustering")
"""The measures of its second table (one table of all of them is too wide for an A4 page)."""


def top_accounts(nodes: pd.DataFrame, by: str = "pagerank", n: int = 15,
                 measures: tuple[str, ...] = CENTRALITIES) -> pd.DataFrame:
    """The ``n`` accounts ranking highest on ``by``, with their role and ``measures`` (rounded), named by
    their display name only."""
    columns = [c for c in ("display", "role", *measures) if c in nodes.columns]
    ranked = nodes.sort_values([by, "display"], ascending=[False, True], kind="stable")
    table = ranked[columns].head(n).reset_index(drop=True)
    centralities = [c for c in table.columns if c not in ("display", "role", "in_degree", "out_degree")]
    table[centralities] = table[centralities].round(3)
    return table.rename(columns={"display": "account", "in_degree": "in", "out_degree": "out"})


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
