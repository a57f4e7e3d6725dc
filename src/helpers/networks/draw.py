"""Static figures (matplotlib): the network drawing with non-overlapping labels, and its growth."""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from helpers.networks.build import org_nodes
from helpers.networks.layout import drawable_subgraph, remembered_layout
from helpers.networks.style import COMMUNITY_COLOURS, _labels, _node_colours, _node_sizes
from helpers.notice import NotComputed, drawable, show_instead
from helpers.plots import category_ticks, legend_outside, percent_axis, wrapped

logger = logging.getLogger(__name__)


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
