"""How nodes look in drawings: community colours, sizes and labels (static and interactive)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

#: Colours of the ten largest communities in figures; smaller ones are grey.
COMMUNITY_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
OTHER_COLOUR = "#c8c8c8"


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
