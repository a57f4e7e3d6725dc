"""What a drawing shows and where: the drawable part of a large graph and its positions.

Both the static (:mod:`helpers.networks.draw`) and the interactive
(:mod:`helpers.networks.interactive`) drawings reduce a large graph with
:func:`drawable_subgraph` and place it with :func:`remembered_layout`, so a saved
analysis carries the positions and the two drawings agree.

References
----------
.. [1] Seidman, S. B. (1983). Network structure and minimum degree. Social
   Networks, 5(3), 269-287.
.. [2] Jacomy, M., Venturini, T., Heymann, S., & Bastian, M. (2014).
   ForceAtlas2, a continuous graph layout algorithm for handy network
   visualization designed for the Gephi software. PLoS ONE, 9(6), e98679.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Iterable
from typing import Literal

import networkx as nx
import numpy as np

from helpers.networks.measures import core_numbers, undirected_weighted


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
