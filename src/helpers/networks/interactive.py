"""The interactive network view (plotly): zoom, pan, hover for an account's measures."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from helpers.networks.build import org_nodes
from helpers.networks.layout import drawable_subgraph, remembered_layout
from helpers.networks.style import COMMUNITY_COLOURS, OTHER_COLOUR, _node_sizes, _org_label

if TYPE_CHECKING:  # imported lazily: plotly is only needed here
    import plotly.graph_objects as go


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
