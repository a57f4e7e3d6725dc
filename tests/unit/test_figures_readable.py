"""Figures a reviewer can read: no legend over data or axis labels, no overlapping labels, nothing cut off.

Each figure is drawn from a small synthetic table of the shape its caller
passes, the figure is laid out and drawn (``fig.canvas.draw()``), and the
bounding boxes of its artists in pixels are compared: a legend must lie
outside every data area, no two tick labels, subplot titles or node labels
may overlap, and labels must lie inside the figure (a report shows the
figure as saved, at its own size).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxBase

from helpers import networks as nw
from helpers.classify import plots
from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import MODES

ORGS = ("dravet-it", "fop-au", "pku-us", "sma-uk")


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def drawn(fig: Figure) -> Figure:
    """``fig`` laid out and drawn, so that every artist's extent in pixels is final."""
    fig.canvas.draw()
    return fig


def _name(artist: Artist) -> str:
    return repr(artist.get_text()) if isinstance(artist, Text) else type(artist).__name__


def _box(artist: Artist | BboxBase, fig: Figure) -> Bbox:
    """The artist's drawn extent, shrunk by half a pixel so that boxes that only touch do not count."""
    box = artist if isinstance(artist, BboxBase) else artist.get_window_extent(fig.canvas.get_renderer())
    return Bbox.from_extents(box.x0 + 0.5, box.y0 + 0.5, box.x1 - 0.5, box.y1 - 0.5)


def shown(artists: Iterable[Artist | None]) -> list[Artist]:
    """The visible artists, leaving out empty texts (tick labels without a tick, blank titles)."""
    return [a for a in artists if a is not None and a.get_visible()
            and not (isinstance(a, Text) and not a.get_text().strip())]


def overlapping(fig: Figure, first: Iterable[Artist | BboxBase],
                second: Iterable[Artist | BboxBase] | None = None) -> list[tuple[str, str]]:
    """Pairs whose drawn boxes overlap: two of ``first``, or one of ``first`` and one of ``second``."""
    one = [(a, _box(a, fig)) for a in first]
    pairs = itertools.combinations(one, 2) if second is None else itertools.product(
        one, [(b, _box(b, fig)) for b in second])
    return [(_name(a), _name(b) if isinstance(b, Artist) else "data area")
            for (a, box_a), (b, box_b) in pairs if box_a.overlaps(box_b)]


def outside_figure(fig: Figure, artists: Iterable[Artist]) -> list[str]:
    """The artists that are not wholly inside the figure (cut off when saved)."""
    frame = fig.bbox
    return [_name(a) for a in artists
            if not (frame.x0 <= (box := _box(a, fig)).x0 and box.x1 <= frame.x1
                    and frame.y0 <= box.y0 and box.y1 <= frame.y1)]


def tick_labels(ax: Axes, which: str = "both", minor: bool = False) -> list[Text]:
    """The drawn tick labels of an axes: of ticks inside the view limits, visible and not empty."""
    labels: list[Text] = []
    for axis in {"x": [ax.xaxis], "y": [ax.yaxis], "both": [ax.xaxis, ax.yaxis]}[which]:
        low, high = sorted(axis.get_view_interval())
        slack = 1e-9 * (high - low)
        locations = axis.get_minorticklocs() if minor else axis.get_majorticklocs()
        ticks = axis.get_minor_ticks(len(locations)) if minor else axis.get_major_ticks(len(locations))
        labels += [label for location, tick in zip(locations, ticks, strict=True)
                   if low - slack <= location <= high + slack for label in (tick.label1, tick.label2)]
    return shown(labels)


def legends(fig: Figure) -> list[Legend]:
    return shown([*fig.legends, *(ax.get_legend() for ax in fig.axes)])


def data_areas(fig: Figure) -> list[BboxBase]:
    """The data area of each visible axes that draws data (not colour bars)."""
    return [ax.bbox for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def axis_labels(fig: Figure) -> list[Artist]:
    """Every tick label, axis label and title of the figure's visible axes."""
    texts: list[Artist] = []
    for ax in fig.axes:
        if ax.get_visible():
            texts += tick_labels(ax) + shown([ax.xaxis.label, ax.yaxis.label, ax.title])
    return texts


def assert_legends_clear(fig: Figure) -> None:
    """Legends exist, lie inside the figure, outside every data area, and cover no axis text."""
    found = legends(fig)
    assert found, "the figure has a legend"
    assert not overlapping(fig, found, data_areas(fig)), "a legend covers the data"
    assert not overlapping(fig, found, axis_labels(fig)), "a legend covers tick or axis labels"
    assert not outside_figure(fig, found), "a legend is cut off"


def assert_ticks_apart(fig: Figure) -> None:
    """No two tick labels (major or minor) of one axis overlap, and every tick label is inside the figure."""
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for which in ("x", "y"):
            labels = tick_labels(ax, which) + tick_labels(ax, which, minor=True)
            assert not overlapping(fig, labels), f"{which} tick labels overlap in {ax.get_title()!r}"
            assert not outside_figure(fig, labels), f"{which} tick labels cut off in {ax.get_title()!r}"


# --------------------------------------------------------------------------- inputs


def mode_shares(periods: int, freq: str = "QS") -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for org in ORGS:
        for period in pd.date_range("2023-01-01", periods=periods, freq=freq):
            shares = rng.dirichlet(np.ones(len(MODES)))
            rows += [{"org_id": org, "period": period, "mode": mode, "share": share}
                     for mode, share in zip(MODES, shares, strict=True)]
    return pd.DataFrame(rows)


def knowledge_overview(orgs: Sequence[str]) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = []
    for org, role in itertools.product(orgs, ("org", "public")):
        shares = rng.dirichlet(np.ones(len(KNOWLEDGE_TYPES)))
        rows += [{"org_id": org, "author_role": role, "knowledge_type": kind, "share": share}
                 for kind, share in zip(KNOWLEDGE_TYPES, shares, strict=True)]
    return pd.DataFrame(rows)


def engagement_models(low: float, high: float) -> pd.DataFrame:
    """Three metrics, knowledge types and modes, with ratios and intervals spread between low and high."""
    levels = [(k, "medical") for k in KNOWLEDGE_TYPES if k != "medical"] + [("two_way", "one_way"),
                                                                            ("crowd_sourced", "one_way")]
    rows = []
    for metric in ("likes", "shares", "replies"):
        ratios = np.geomspace(low * 1.3, high / 1.3, len(levels))
        for (level, reference), irr in zip(levels, ratios, strict=True):
            rows.append({"metric": metric, "level": level, "reference": reference, "irr": irr,
                         "ci_low": max(irr / 1.3, low), "ci_high": min(irr * 1.3, high),
                         "model": "negative binomial (NB2), robust errors"})
    return pd.DataFrame(rows)


def confusion(classes: Sequence[str]) -> pd.DataFrame:
    counts = np.full((len(classes), len(classes)), 3) + np.diag(np.full(len(classes), 90))
    return pd.DataFrame(counts, index=pd.Index(classes, name="true"),
                        columns=pd.Index(classes, name="predicted"))


def growth(periods: int) -> pd.DataFrame:
    index = pd.period_range("2022-01", periods=periods, freq="M").astype(str)
    rng = np.random.default_rng(3)
    active = rng.integers(20, 60, periods)
    new = (active * 0.4).astype(int)
    return pd.DataFrame({"active_accounts": active, "new_accounts": new, "cumulative_accounts": new.cumsum(),
                         "reciprocity": rng.uniform(0.7, 1.0, periods),
                         "public_share": rng.uniform(0, 0.3, periods),
                         "largest_component_share": rng.uniform(0.8, 1.0, periods)},
                        index=pd.Index(index, name="period"))


# --------------------------------------------------------------------------- classification figures


@pytest.mark.parametrize("periods", [8, 36])
def test_mode_shares_legend_is_below_the_panels_and_dates_do_not_collide(periods: int) -> None:
    fig = drawn(plots.plot_mode_shares(mode_shares(periods, "QS" if periods < 10 else "MS")))
    assert_legends_clear(fig)
    assert_ticks_apart(fig)
    assert all(label.get_text().endswith("%") for label in tick_labels(fig.axes[0], "y"))


def test_knowledge_shares_legend_clears_the_axis_labels() -> None:
    # one organisation: a short axes, where a legend anchored below it in axes units covered the x label
    fig = drawn(plots.plot_knowledge_shares(knowledge_overview(["sma-uk"])).figure)
    assert_legends_clear(fig)
    assert_ticks_apart(fig)
    assert not outside_figure(fig, axis_labels(fig)), "organisation labels are cut off"


def test_knowledge_by_mode_labels_are_inside_the_figure() -> None:
    table = pd.DataFrame(np.full((len(KNOWLEDGE_TYPES), len(MODES)), 1 / len(KNOWLEDGE_TYPES)),
                         index=list(KNOWLEDGE_TYPES), columns=list(MODES))
    fig = drawn(plots.plot_knowledge_by_mode(table).figure)
    assert not outside_figure(fig, axis_labels(fig)), "class labels are cut off"
    assert_ticks_apart(fig)


def test_response_time_legend_is_outside_the_curves() -> None:
    rng = np.random.default_rng(4)
    rows = [{"org_id": org, "observed_hours": hours, "answered": bool(rng.random() < 0.3)}
            for org in ORGS for hours in rng.uniform(0, 160, 40)]
    fig = drawn(plots.plot_response_times(pd.DataFrame(rows)).figure)
    assert_legends_clear(fig)
    assert_ticks_apart(fig)
    assert not outside_figure(fig, axis_labels(fig)), "the axis label is cut off"


@pytest.mark.parametrize(("low", "high"), [(0.78, 1.24), (0.35, 3.2), (0.05, 20.0)])
def test_incidence_rate_ratio_axes_are_plain_and_apart(low: float, high: float) -> None:
    fig = drawn(plots.plot_irr(engagement_models(low, high)))
    assert_ticks_apart(fig)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    titles = shown(ax.title for ax in panels)
    assert len(titles) == 3 and not overlapping(fig, titles), "panel titles collide"
    assert not outside_figure(fig, titles)
    for ax in panels:
        majors = [label.get_text() for label in tick_labels(ax, "x")]
        assert len(majors) >= 2, f"a ratio axis needs two labelled ticks, got {majors}"
        assert all(re.fullmatch(r"\d+(\.\d+)?", text) for text in majors), f"not plain numbers: {majors}"
        assert tick_labels(ax, "x", minor=True) == [], "minor ticks of a log axis carry no labels"
    assert fig.get_figwidth() * 100 <= 1000, "the figure fits the report's width at 100 dpi"


def test_confusion_matrices_fit_their_figure() -> None:
    labels = list(KNOWLEDGE_TYPES)
    fig = drawn(plots.plot_confusion(confusion(labels)).figure)
    assert not outside_figure(fig, axis_labels(fig)), "class labels are cut off"
    both = drawn(plots.plot_validation({"mode_confusion": confusion(list(MODES)),
                                        "knowledge_confusion": confusion(labels)}))
    assert not outside_figure(both, axis_labels(both))
    assert not overlapping(both, shown(ax.title for ax in both.axes))
    for ax in both.axes:
        assert not overlapping(both, tick_labels(ax, "y"))


# --------------------------------------------------------------------------- posts over time


def test_posts_over_time_legend_is_outside_and_names_rare_disease_day(monkeypatch) -> None:
    rng = np.random.default_rng(5)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    posts = pd.DataFrame({"org_id": rng.choice(ORGS, 3000),
                          "created_at": start + pd.to_timedelta(rng.uniform(0, 730, 3000), unit="D")})
    import helpers.ingest.plots as ingest_plots

    monkeypatch.setattr(ingest_plots, "load_posts", lambda config, org_id=None: posts)
    ax = ingest_plots.plot_posts_over_time(config=None)  # type: ignore[arg-type]
    fig = drawn(ax.figure)
    assert_legends_clear(fig)
    assert_ticks_apart(fig)
    assert "Rare Disease Day" in [text.get_text() for text in ax.get_legend().get_texts()]
    assert not [text for text in ax.texts if text.get_text() == "Rare Disease Day"], "no label over the lines"


# --------------------------------------------------------------------------- networks


@pytest.mark.parametrize("periods", [8, 36])
def test_growth_legends_are_outside_and_periods_apart(periods: int) -> None:
    fig = drawn(nw.plot_growth(growth(periods)).figure)
    assert len(legends(fig)) == 2
    assert_legends_clear(fig)
    assert_ticks_apart(fig)


def crowded_graph() -> nx.DiGraph:
    """Two organisation accounts side by side in one dense crowd of 70 pseudonymous accounts."""
    G = nx.gnp_random_graph(70, 0.15, seed=6, directed=True)
    G = nx.relabel_nodes(G, {i: f"P-{i:010x}" for i in G})
    for node in G:
        G.nodes[node]["display"] = node
    for org, platform in (("twitter:HelpOrg", "twitter"), ("facebook:HelpOrg", "facebook")):
        G.add_node(org, is_org=True, display="Help Org (@HelpOrg)", platform=platform)
        G.add_edges_from(((org, node) for node in list(G)[:40] if node != org), weight=2)
        G.add_edges_from(((node, org) for node in list(G)[20:60] if node != org), weight=1)
    nx.set_edge_attributes(G, {edge: G.edges[edge].get("weight", 1) for edge in G.edges}, "weight")
    return G


def test_network_labels_do_not_overlap() -> None:
    G = crowded_graph()
    membership = nw.communities(G, seed=1)
    ax = nw.draw_network(G, membership=membership, size=nw.pagerank(G), label_top=30, seed=1)
    fig = drawn(ax.figure)
    caption = [t for t in ax.texts if t.get_text().startswith("Shown")]
    labels = [t for t in shown(ax.texts) if t not in caption]
    assert len(labels) >= 8, "organisations and a handful of central accounts stay labelled"
    assert {"Help Org · twitter", "Help Org · facebook"} <= {t.get_text() for t in labels}
    names = [t.get_text() for t in labels]
    assert all(re.fullmatch(r"Help Org · \w+|P-[0-9a-f]{10}", name) for name in names), "pseudonyms only"
    assert not overlapping(fig, labels), "node labels overlap"
    assert not overlapping(fig, labels, shown([ax.title, ax.get_legend(), *caption]))
    assert not outside_figure(fig, labels)
    assert_legends_clear(fig)
