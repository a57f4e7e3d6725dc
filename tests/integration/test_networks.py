"""Tests for helpers.networks: known answers on small graphs, igraph cross-checks, exports, demo corpus."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from helpers import networks as nw
from helpers.interactive import figure_html
from helpers.networks.brokerage import _role
from helpers.truth import truth_dir

ORG = "twitter:HelpOrg"


def interactions(rows: list[tuple], org_id: str = "org-a") -> pd.DataFrame:
    """An interactions table from ``(source, target, kind[, org_id[, date]])`` tuples."""
    records = []
    for i, row in enumerate(rows):
        source, target, kind = row[:3]
        org = row[3] if len(row) > 3 else org_id
        date = row[4] if len(row) > 4 else "2024-02-01"
        records.append({"source_author": source, "target_author": target, "kind": kind,
                        "post_id": f"twitter:{i:016x}", "created_at": pd.Timestamp(date, tz="UTC"),
                        "org_id": org, "platform": "twitter"})
    return pd.DataFrame(records)


def accounts_for(nodes: list[str], orgs: dict[str, str] | None = None) -> pd.DataFrame:
    """An accounts table: ``orgs`` maps organisation accounts to their org_id."""
    orgs = orgs or {}
    return pd.DataFrame({
        "author_id": nodes, "platform": "twitter",
        "role": ["org" if n in orgs else "public" for n in nodes],
        "is_org": [n in orgs for n in nodes],
        "org_id": [orgs.get(n) for n in nodes],
        "label": [f"Help Org ({n.split(':', 1)[1]})" if n in orgs else None for n in nodes],
        "first_seen": pd.Timestamp("2024-01-01", tz="UTC"), "last_seen": pd.Timestamp("2024-12-31", tz="UTC"),
        "post_count": 1,
    })


def planted_cliques(size: int = 6) -> nx.DiGraph:
    """Two directed cliques ``a*`` and ``b*`` joined only through the bridge node ``x``."""
    G = nx.DiGraph()
    for group in "ab":
        members = [f"{group}{i}" for i in range(size)]
        G.add_edges_from(itertools.permutations(members, 2), weight=1)
    G.add_edges_from([("a0", "x"), ("x", "a0"), ("b0", "x"), ("x", "b0")], weight=1)
    return G


def random_digraph(n: int = 120, p: float = 0.05, seed: int = 3) -> nx.DiGraph:
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    rng = random.Random(seed)
    G = nx.relabel_nodes(G, {i: f"P-{i:04d}" for i in G})
    for _, _, data in G.edges(data=True):
        data["weight"] = rng.randint(1, 5)
    return G


class ScriptTags(HTMLParser):
    """Collects the ``src`` of every ``<script>`` tag of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.inline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            source = dict(attrs).get("src")
            if source:
                self.sources.append(source)
            else:
                self.inline += 1


# --------------------------------------------------------------------------- building


def test_edge_table_counts_each_kind_and_drops_self_interactions() -> None:
    rows = interactions([("a", "b", "reply"), ("a", "b", "reply"), ("a", "b", "mention"),
                         ("b", "a", "share"), ("a", "a", "reply")])
    edges = nw.edge_table(rows).set_index(["source", "target"])
    assert edges.loc[("a", "b"), ["weight", "reply", "mention", "share", "quote"]].tolist() == [3, 2, 1, 0, 0]
    assert edges.loc[("b", "a"), "share"] == 1
    assert ("a", "a") not in edges.index
    replies = nw.edge_table(rows, kinds=["reply"])
    assert replies[["source", "target", "weight"]].values.tolist() == [["a", "b", 2]]
    with pytest.raises(ValueError, match="unknown interaction kind"):
        nw.edge_table(rows, kinds=["like"])


def test_build_graph_takes_names_and_roles_from_accounts() -> None:
    rows = interactions([("P-1", ORG, "reply"), (ORG, "P-1", "reply", "org-b"), ("P-2", "P-1", "mention")])
    G = nw.build_graph(rows, accounts_for(["P-1", "P-2", ORG], {ORG: "org-a"}), name="demo")
    assert G.graph["interactions"] == 3 and G.graph["name"] == "demo"
    assert G.nodes[ORG].items() >= {"display": "Help Org (HelpOrg)", "role": "org", "is_org": True,
                                    "org_id": "org-a"}.items()
    assert G.nodes["P-2"]["display"] == "P-2" and G.nodes["P-2"]["role"] == "public"
    assert G.nodes["P-1"]["orgs"] == "org-a;org-b"
    assert G.nodes["P-1"]["home_org"] == "org-a"  # two of its three interactions
    only_mentions = nw.build_graph(rows, kinds=["mention"])
    assert list(only_mentions.edges) == [("P-2", "P-1")]
    assert only_mentions.nodes["P-1"]["role"] == "unknown"


def test_graphs_by_kind_has_every_kind_even_when_empty() -> None:
    graphs = nw.graphs_by_kind(interactions([("a", "b", "reply"), ("b", "c", "share")]))
    assert list(graphs) == ["all", "reply", "mention", "share", "quote"]
    assert graphs["all"].number_of_edges() == 2 and graphs["quote"].number_of_edges() == 0
    table = nw.summary_table(graphs)
    assert table.loc["share", "edges"] == 1 and math.isnan(table.loc["quote", "reciprocity"])


def test_kind_summary_from_edge_lists_equals_summary_of_graphs() -> None:
    rows = interactions([("P-1", ORG, "reply"), (ORG, "P-1", "reply"), ("P-2", "P-1", "mention"),
                         ("P-1", "P-2", "share"), ("P-3", ORG, "quote"), ("P-3", ORG, "reply")])
    people = accounts_for(["P-1", "P-2", "P-3", ORG], {ORG: "org-a"})
    expected = nw.summary_table(nw.graphs_by_kind(rows, people))
    pd.testing.assert_frame_equal(nw.kind_summary_table(rows, people), expected)
    assert expected.loc["all", "org_share"] == pytest.approx(4 / 6)


# --------------------------------------------------------------------------- graph-level measures


def test_reciprocity_known_answers() -> None:
    G = nx.DiGraph()
    G.add_weighted_edges_from([("a", "b", 3), ("b", "a", 1), ("a", "c", 2), ("c", "d", 2)])
    assert nw.reciprocity(G) == pytest.approx(0.5)
    summary = nw.graph_summary(G)
    assert summary["reciprocity"] == pytest.approx(0.5)
    # Squartini et al. 2013: sum of min(w_ij, w_ji) over all weight = (1 + 1) / 8
    assert summary["weighted_reciprocity"] == pytest.approx(2 / 8)
    assert nw.reciprocity(nx.DiGraph([("a", "b")])) == 0.0


def test_size_density_components_and_centralisation() -> None:
    star = nx.DiGraph([(f"P-{i}", "hub") for i in range(5)])
    star.add_node("alone")
    star.nodes["hub"]["is_org"] = True
    summary = nw.graph_summary(star)
    assert (summary["nodes"], summary["edges"], summary["components"]) == (7, 5, 2)
    assert summary["density"] == pytest.approx(5 / (7 * 6))
    assert summary["largest_component_share"] == pytest.approx(6 / 7)
    assert summary["org_share"] == 1.0 and summary["public_share"] == 0.0
    pure_star = nx.DiGraph([(f"P-{i}", "hub") for i in range(5)])
    assert nw.graph_summary(pure_star)["in_centralisation"] == pytest.approx(1.0)
    assert nw.graph_summary(nx.DiGraph([(0, 1), (1, 2), (2, 0)]))["in_centralisation"] == 0.0


def test_measures_agree_with_igraph() -> None:
    G = random_digraph()
    g = nw.to_igraph(G)
    assert nw.reciprocity(G) == pytest.approx(g.reciprocity())
    assert nw.reciprocity(G) == pytest.approx(nx.overall_reciprocity(G))
    assert nw.graph_summary(G)["density"] == pytest.approx(g.density())
    degrees = nw.degree_table(G)
    assert degrees["in_degree"].tolist() == g.indegree()
    assert degrees["out_strength"].tolist() == g.strength(mode="out", weights="weight")
    assert nw.pagerank(G).to_numpy() == pytest.approx(np.array(g.pagerank(weights="weight")), abs=1e-8)
    assert nw.betweenness(G, None, backend="networkx").to_numpy() == pytest.approx(
        np.array(g.betweenness()) / ((len(G) - 1) * (len(G) - 2)))
    components = nw.graph_summary(G)["components"]
    assert components == len(g.connected_components(mode="weak"))


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("k", [None, 30])
def test_betweenness_backends_agree_with_networkx(directed: bool, k: int | None) -> None:
    G = random_digraph(150, 0.04) if directed else random_digraph(150, 0.04).to_undirected()
    reference = nx.betweenness_centrality(G, k=k, seed=11)
    for backend in ("networkx", "igraph"):
        values = nw.betweenness(G, k, seed=11, exact_max_nodes=100, backend=backend)
        assert values.to_numpy() == pytest.approx(np.array([reference[n] for n in G]), abs=1e-12)
        assert ("k=30 sampled sources" in values.attrs["method"]) == (k is not None)


def test_weighted_betweenness_uses_weights_as_distances() -> None:
    G = nx.DiGraph()
    G.add_weighted_edges_from([("a", "c", 10), ("a", "b", 1), ("b", "c", 1)])
    assert nw.betweenness(G)["b"] == 0.0  # hops: a -> c directly
    assert nw.betweenness(G, weight="weight")["b"] > 0  # distances: a -> b -> c is shorter
    by_networkx = nw.betweenness(G, weight="weight", backend="networkx")
    assert by_networkx["b"] == nw.betweenness(G, weight="weight")["b"]


def test_betweenness_is_exact_on_small_graphs_and_sampled_on_large_ones() -> None:
    G = random_digraph(60, 0.1)
    assert nw.betweenness(G, 10, exact_max_nodes=100).attrs["method"].startswith("exact")
    sampled = nw.betweenness(G, 10, exact_max_nodes=50, seed=1)
    assert "k=10" in sampled.attrs["method"] and "seed 1" in sampled.attrs["method"]
    assert sampled.equals(nw.betweenness(G, 10, exact_max_nodes=50, seed=1))


# --------------------------------------------------------------------------- communities and brokers


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_louvain_finds_two_planted_cliques(backend: str) -> None:
    G = planted_cliques()
    membership = nw.communities(G, seed=7, backend=backend)
    a = {membership[f"a{i}"] for i in range(6)}
    b = {membership[f"b{i}"] for i in range(6)}
    assert len(a) == 1 and len(b) == 1 and a != b
    assert set(membership) == {0, 1}
    assert membership.attrs["modularity"] > 0.4
    assert membership.equals(nw.communities(G, seed=7, backend=backend))


def test_louvain_backends_reach_similar_modularity() -> None:
    G = nx.DiGraph(nx.relabel_nodes(nx.planted_partition_graph(6, 25, 0.4, 0.01, seed=2, directed=True), str))
    nx_q = nw.communities(G, seed=1, backend="networkx").attrs["modularity"]
    ig_q = nw.communities(G, seed=1, backend="igraph").attrs["modularity"]
    assert nx_q == pytest.approx(ig_q, abs=0.03)
    assert nx_q > 0.6


def test_bridge_node_has_top_betweenness_and_is_the_broker() -> None:
    G = planted_cliques()
    between = nw.betweenness(G)
    assert between.idxmax() == "x"
    membership = nw.communities(G, seed=1)
    table = nw.brokers(G, membership, between)
    assert table.index[0] == "x"
    assert table.loc["x", "communities_reached"] == 1
    assert table.loc["x", "brokerage"] == 2  # a0 -> x -> b0 and b0 -> x -> a0, across communities
    assert table.loc["x", "main_role"] in ("gatekeeper", "representative")


@pytest.mark.parametrize(("groups", "role"), [
    ({"a": 1, "v": 1, "b": 1}, "coordinator"),
    ({"a": 2, "v": 1, "b": 1}, "gatekeeper"),
    ({"a": 1, "v": 1, "b": 2}, "representative"),
    ({"a": 2, "v": 1, "b": 2}, "consultant"),
    ({"a": 2, "v": 1, "b": 3}, "liaison"),
])
def test_brokerage_role_of_one_two_path(groups: dict[str, int], role: str) -> None:
    roles = nw.brokerage_roles(nx.DiGraph([("a", "v"), ("v", "b")]), groups, ["v"])
    assert roles.loc["v", role] == 1
    assert roles.loc["v", "total"] == 1


def test_brokerage_counts_only_open_two_paths() -> None:
    closed = nx.DiGraph([("a", "v"), ("v", "b"), ("a", "b")])
    assert nw.brokerage_roles(closed, {"a": 1, "v": 2, "b": 3}).loc["v", "total"] == 0
    mutual = nx.DiGraph([("a", "v"), ("v", "a")])  # a -> v -> a is not brokerage
    assert nw.brokerage_roles(mutual, {"a": 1, "v": 2}).loc["v", "total"] == 0


def test_brokerage_matches_brute_force_enumeration() -> None:
    G = random_digraph(40, 0.15, seed=5)
    rng = random.Random(2)
    groups = {node: rng.randint(0, 3) for node in G}
    fast = nw.brokerage_roles(G, groups)
    for v in G:
        expected = dict.fromkeys(nw.BROKERAGE_ROLES, 0)
        for a in G.pred[v]:
            for b in G.succ[v]:
                if len({a, v, b}) == 3 and not G.has_edge(a, b):
                    expected[_role(groups[a], groups[v], groups[b])] += 1
        assert fast.loc[v, list(nw.BROKERAGE_ROLES)].tolist() == list(expected.values()), v


def test_community_table_lists_distinctive_hashtags_and_topics() -> None:
    G = planted_cliques(4)
    membership = nw.communities(G, seed=1)
    posts = pd.DataFrame({
        "post_id": [f"p{i}" for i in range(9)],
        "author_id": ["a0", "a1", "a2", "b0", "b1", "b2", "b3", "a3", "b1"],
        "hashtags": [["sma", "raredisease"], ["sma"], ["sma", "raredisease"], ["pku", "raredisease"], ["pku"],
                     ["pku", "raredisease"], ["lowprotein"], ["raredisease"], ["sma"]],
        "shared_id": [None] * 8 + ["p0"],  # a share: not counted
    })
    topics = pd.DataFrame({"post_id": ["p0", "p1", "p3", "p4", "p5"], "topic": [0, 0, 1, 1, -1],
                           "label": ["motor", "motor", "diet", "diet", "outliers"]})
    table = nw.community_table(G, membership, posts=posts, topics=topics, top=2)
    side_a = table.loc[membership["a0"]]
    side_b = table.loc[membership["b0"]]
    assert side_a["top_hashtags"].startswith("#sma (3)")
    assert side_b["top_hashtags"].startswith("#pku (3)")
    assert side_a["top_topics"] == "motor (2)" and side_b["top_topics"] == "diet (2)"
    assert side_a["accounts"] + side_b["accounts"] == 9
    # 12 ties inside each 4-clique, 2 between the bridge x and its clique, 2 across
    assert side_a["interactions_within"] + side_b["interactions_within"] == 26
    assert {side_a["cohesion"], side_b["cohesion"]} == {14 / 16, 12 / 14}


# --------------------------------------------------------------------------- organisations


def test_org_ego_table_shares_and_answers() -> None:
    rows = interactions([
        ("P-1", ORG, "reply"), (ORG, "P-1", "reply"),   # P-1 addressed the org and got an answer
        ("P-2", ORG, "mention"),                         # P-2 did not
        ("P-1", "P-2", "reply"), ("P-1", "P-2", "reply"),  # the crowd talks among itself
        ("P-8", "P-9", "reply"),                         # outside the org's ego network
    ])
    G = nw.build_graph(rows, accounts_for(["P-1", "P-2", "P-8", "P-9", ORG], {ORG: "org-a"}))
    row = nw.org_ego_table(G).loc["org-a"]
    assert (row["alters"], row["sent"], row["received"]) == (2, 1, 2)
    assert row["share_of_all_interaction"] == pytest.approx(3 / 6)
    assert row["answered_share"] == pytest.approx(1 / 2)
    assert row["alter_share"] == pytest.approx(2 / 5)
    assert row["alter_density"] == pytest.approx(1 / 2)
    assert set(nw.ego_network(G, [ORG])) == {ORG, "P-1", "P-2"}


def test_bridging_accounts_are_active_in_several_organisations() -> None:
    rows = interactions([("P-1", "P-2", "reply", "org-a"), ("P-1", "P-3", "reply", "org-b"),
                         ("P-4", "P-2", "reply", "org-a")])
    posts = pd.DataFrame({"author_id": ["P-4", "P-4"], "org_id": ["org-a", "org-c"]})
    table = nw.bridging_accounts(rows, accounts_for(["P-1", "P-2", "P-3", "P-4"]), posts)
    assert set(table.index) == {"P-1", "P-4"}
    assert table.loc["P-1", "orgs"] == "org-a;org-b" and table.loc["P-4", "n_orgs"] == 2
    assert table.loc["P-4", "org-a"] == 2 and table.loc["P-4", "org-c"] == 1
    assert table.loc["P-1", "role"] == "public"
    assert nw.bridging_accounts(rows, min_orgs=3).empty


# --------------------------------------------------------------------------- time


def test_time_slices_and_growth() -> None:
    rows = interactions([
        ("P-1", ORG, "reply", "org-a", "2024-01-10"), (ORG, "P-1", "reply", "org-a", "2024-02-10"),
        ("P-2", "P-3", "reply", "org-a", "2024-04-02"), ("P-3", "P-1", "mention", "org-a", "2024-05-01"),
        ("P-4", "P-3", "reply", "org-a", "2024-11-30"),
    ])
    slices = nw.time_slices(rows, "quarter")
    assert list(slices) == ["2024Q1", "2024Q2", "2024Q4"]
    assert len(nw.time_slices(rows, "quarter", cumulative=True)["2024Q4"]) == 5
    assert list(nw.time_slices(rows, "month")) == ["2024-01", "2024-02", "2024-04", "2024-05", "2024-11"]
    growth = nw.growth_table(rows, accounts_for(["P-1", "P-2", "P-3", "P-4", ORG], {ORG: "org-a"}))
    assert growth["new_accounts"].tolist() == [2, 2, 1]
    assert growth["cumulative_accounts"].tolist() == [2, 4, 5]
    assert growth.loc["2024Q1", "reciprocity"] == 1.0 and growth.loc["2024Q1", "org_share"] == 1.0
    assert growth.loc["2024Q2", "public_share"] == 1.0
    assert growth["largest_component_share"].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="unknown time slice"):
        nw.time_slices(rows, "week")


# --------------------------------------------------------------------------- hashtags and topics


def test_hashtag_cooccurrence_network() -> None:
    posts = pd.DataFrame({
        "post_id": ["p1", "p2", "p3", "p4", "p5"],
        "author_id": ["A", "B", "C", "A", "D"],
        "hashtags": [["sma", "raredisease"], ["sma", "raredisease", "sma"], ["sma"], ["rare1"],
                     ["sma", "rare1"]],
        "shared_id": [None, None, None, None, "p1"],
    })
    H = nw.hashtag_graph(posts, min_posts=1)
    assert H["sma"]["raredisease"]["weight"] == 2  # p5 is a share, the repeated tag in p2 counts once
    assert H.nodes["sma"] == {"posts": 3, "authors": 3}
    assert H["sma"]["raredisease"]["association"] == pytest.approx(2 * 4 / (3 * 2))
    assert "rare1" in H and H.degree("rare1") == 0
    private = nw.hashtag_graph(posts, min_posts=1, min_authors=2)
    assert set(private) == {"sma", "raredisease"}
    table = nw.hashtag_table(H)
    assert table.index[0] == "sma" and table.loc["sma", "often_with"] == "#raredisease (2)"


def test_author_topic_projection() -> None:
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(7)],
                          "author_id": ["A", "A", "B", "B", "C", "C", "D"]})
    topics = pd.DataFrame({"post_id": [f"p{i}" for i in range(7)], "topic": [0, 1, 0, 1, 1, 2, -1],
                           "label": ["diet", "school", "diet", "school", "school", "trials", "noise"]})
    B = nw.author_topic_graph(posts, topics)
    assert nx.is_bipartite(B) and B["A"]["topic:0"]["weight"] == 1 and "topic:-1" not in B
    assert B.nodes["topic:1"]["label"] == "school"
    T = nw.author_topic_projection(posts, topics)
    assert T[0][1]["weight"] == 2 and T[1][2]["weight"] == 1 and not T.has_edge(0, 2)
    assert T.nodes[1] == {"posts": 3, "authors": 3, "label": "school"}
    A = nw.author_topic_projection(posts, topics, onto="author")
    assert A["A"]["B"]["weight"] == 2 and A["B"]["C"]["weight"] == 1 and "D" not in A
    newman = nw.author_topic_projection(posts, topics, onto="author", method="newman")
    assert newman["A"]["B"]["weight"] == pytest.approx(1 / 1 + 1 / 2)  # topic 0: 2 authors, topic 1: 3
    assert nw.author_topic_projection(posts, topics, min_weight=2).number_of_edges() == 1


# --------------------------------------------------------------------------- figures and exports


def test_drawable_subgraph_keeps_the_core_and_the_organisations() -> None:
    G = planted_cliques(8)
    G.add_edges_from((f"leaf{i}", "a1") for i in range(30))
    G.add_node("twitter:Org", is_org=True)
    G.add_edge("leaf0", "twitter:Org")
    sub = nw.drawable_subgraph(G, max_nodes=20, keep=["twitter:Org"])
    # the organisation is outside the core: it comes with its tie to leaf0, so that it is not drawn alone
    expected = {f"a{i}" for i in range(8)} | {f"b{i}" for i in range(8)} | {"x", "twitter:Org", "leaf0"}
    assert set(sub) == expected
    assert sub.graph["filter"] == "2-core: 19 of 48 accounts"
    star = nx.DiGraph([(f"P-{i}", "hub") for i in range(50)])
    top = nw.drawable_subgraph(star, max_nodes=10)
    assert "hub" in top and len(top) == 10
    assert top.graph["filter"] == "top 10 accounts by weighted degree: 10 of 51 accounts"


def test_core_numbers_agree_with_networkx() -> None:
    G = random_digraph(200, 0.03, seed=4)
    G.add_edge("P-0001", "P-0001")
    simple = nx.Graph(G.to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    assert nw.core_numbers(G) == nx.core_number(simple)


def test_static_drawing_labels_only_organisations_and_pseudonyms() -> None:
    rows = interactions([(f"P-{i:02d}", ORG, "reply") for i in range(40)]
                        + [(ORG, f"P-{i:02d}", "reply") for i in range(0, 40, 3)]
                        + [(f"P-{i:02d}", f"P-{(i + 1) % 40:02d}", "mention") for i in range(40)])
    G = nw.build_graph(rows, accounts_for([f"P-{i:02d}" for i in range(40)] + [ORG], {ORG: "org-a"}))
    membership = nw.communities(G, seed=1)
    ax = nw.draw_network(G, membership=membership, size=nw.pagerank(G), max_nodes=25, label_top=5, seed=1)
    labels = [t.get_text() for t in ax.texts if t.get_text() and not t.get_text().startswith("Shown")]
    assert "Help Org · twitter" in labels
    assert len(labels) == 6
    assert all(label == "Help Org · twitter" or re.fullmatch(r"P-\d\d", label) for label in labels)
    plt.close(ax.figure)
    figures = plt.get_fignums()
    assert nw.draw_network(nx.DiGraph()) is None, "a network without ties is not drawn (a note says so)"
    assert plt.get_fignums() == figures, "no empty frame is left behind"


def test_interactive_view_is_self_contained(tmp_path: Path) -> None:
    G = planted_cliques()
    measures = nw.node_measures(G)
    fig = nw.interactive_network(G, membership=nw.communities(G, seed=1), measures=measures, seed=1)
    assert {trace.name for trace in fig.data[1:]} == {"community 0", "community 1"}
    html = figure_html(fig, tmp_path / "view.html")
    assert (tmp_path / "view.html").read_text(encoding="utf-8") == html
    scripts = ScriptTags()
    scripts.feed(html)
    assert scripts.sources == [] and scripts.inline >= 1  # nothing loaded from a CDN
    assert len(html) > 1_000_000  # plotly.js is inline


def test_exports_round_trip_with_attributes(tmp_path: Path) -> None:
    rows = interactions([("P-1", ORG, "reply"), (ORG, "P-1", "reply"), ("P-2", "P-1", "mention"),
                         ("P-2", "P-1", "quote"), ("P-3", ORG, "share")])
    people = accounts_for(["P-1", "P-2", "P-3", ORG], {ORG: "org-a"})
    G = nw.build_graph(rows, people, name='a "quoted" <name>')
    measures = nw.node_measures(G)
    measures["community"] = nw.communities(G, seed=1)
    measures.loc["P-3", "pagerank"] = math.nan  # a missing value is left out, not written as "nan"
    nw.annotate_graph(G, measures, ["community", "pagerank", "betweenness"])
    paths = nw.export_graph(G, tmp_path, "net")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.gexf", "net.graphml", "net_edges.csv",
                                                          "net_nodes.csv"]
    for reader in (nx.read_gexf, nx.read_graphml):
        R = reader(paths["gexf" if reader is nx.read_gexf else "graphml"])
        assert R.is_directed() and set(R.edges) == set(G.edges)
        assert R[ORG]["P-1"]["weight"] == 1 and R["P-2"]["P-1"]["quote"] == 1
        assert R.nodes[ORG]["role"] == "org" and R.nodes[ORG]["is_org"] is True
        assert R.nodes["P-1"]["community"] == G.nodes["P-1"]["community"]
        assert R.nodes["P-1"]["pagerank"] == pytest.approx(G.nodes["P-1"]["pagerank"])
        assert "pagerank" not in R.nodes["P-3"]
    assert nx.read_gexf(paths["gexf"]).nodes[ORG]["label"] == "Help Org (HelpOrg)"
    edges = pd.read_csv(paths["edges"])
    assert edges["weight"].sum() == 5 and set(edges.columns) >= {"source", "target", "reply", "quote"}
    nodes = pd.read_csv(paths["nodes"], index_col="node")
    assert nodes.loc[ORG, "display"] == "Help Org (HelpOrg)" and set(nodes.index) == set(G)


def test_empty_graph_is_handled() -> None:
    G = nw.build_graph(interactions([("a", "a", "reply")]))
    assert G.number_of_nodes() == 0
    assert nw.node_measures(G).empty and nw.communities(G).empty
    assert nw.org_ego_table(G).empty and nw.community_table(G, nw.communities(G)).empty
    assert math.isnan(nw.graph_summary(G)["reciprocity"])
    assert nw.growth_table(interactions([("a", "b", "reply")]).iloc[:0]).empty


def test_louvain_seed_makes_large_graphs_deterministic() -> None:
    G = random_digraph(400, 0.01, seed=9)
    first = nw.communities(G, seed=5, backend="igraph")
    assert first.equals(nw.communities(G, seed=5, backend="igraph"))
    # afterwards igraph draws from the global `random` module again, as by default
    g = nw.to_igraph(G).as_undirected(mode="collapse")
    random.seed(42)
    one = g.community_multilevel().membership
    random.seed(42)
    assert g.community_multilevel().membership == one


# --------------------------------------------------------------------------- the demo corpus


@pytest.fixture(scope="session")
def demo_config(tiny_demo: Path):
    from helpers.config import load_config
    from helpers.ingest.pipeline import ingest_study

    config = load_config(tiny_demo / "config" / "study.yml")
    ingest_study(config, progress=False)
    return config


@pytest.fixture(scope="session")
def demo_network(demo_config):
    return nw.analyse_network(demo_config, progress=False)


def test_a_saved_analysis_is_reused_until_its_inputs_change(demo_config, demo_network, monkeypatch) -> None:
    import os

    from helpers.networks import analysis as network_analysis
    from helpers.schema import table_path

    calls = []
    compute = nw.compute_network

    def counting(*args, **kwargs):
        calls.append(args)
        return compute(*args, **kwargs)

    # analyse_network looks compute_network up in its own module, not in the package
    monkeypatch.setattr(network_analysis, "compute_network", counting)
    again = nw.analyse_network(demo_config, progress=False)
    assert calls == []  # loaded from what the fixture's run saved
    assert list(again.graph.edges(data=True)) == list(demo_network.graph.edges(data=True))
    pd.testing.assert_frame_equal(again.nodes, demo_network.nodes)

    interactions = table_path(demo_config.processed_path, "interactions")
    stat = interactions.stat()
    os.utime(interactions, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # "rewritten"
    nw.analyse_network(demo_config, progress=False)
    assert len(calls) == 1
    saved = list((demo_config.processed_path / "networks" / nw.SAVED_ANALYSES).glob("study-*.pkl"))
    assert len(saved) == 1  # only the latest result of a scope is kept

    nw.forget_saved_analyses(demo_config)
    assert not (demo_config.processed_path / "networks" / nw.SAVED_ANALYSES).exists()


def test_drawing_positions_are_remembered_and_never_exported(demo_network, tmp_path: Path) -> None:
    G = demo_network.graph
    H = nw.drawable_subgraph(G, 120, keep=nw.org_nodes(G))
    first = nw.remembered_layout(G, H, seed=3)
    assert nw.remembered_layout(G, H, seed=3) is first  # computed once
    assert set(first) == set(H)
    assert nw.remembered_layout(G, H, seed=4) is not first
    paths = nw.export_graph(G, tmp_path, "g")
    assert nw.LAYOUTS_KEY not in paths["graphml"].read_text()
    assert nw.LAYOUTS_KEY in G.graph  # still there for the next drawing


def test_demo_network_holds_every_interaction(demo_config, demo_network) -> None:
    interactions = nw.load_interactions(demo_config)
    G = demo_network.graph
    assert G.graph["interactions"] == len(interactions) == demo_network.summary.loc["all", "interactions"]
    assert G.number_of_edges() == demo_network.summary.loc["all", "edges"]
    assert demo_network.summary.loc[list(nw.KINDS), "interactions"].sum() == len(interactions)
    assert set(demo_network.nodes.index) == set(G) and demo_network.nodes["community"].notna().all()
    assert {"betweenness", "communities", "hashtags"} <= set(demo_network.methods)
    orgs = {n for n, data in G.nodes(data=True) if data["is_org"]}
    assert {G.nodes[n]["org_id"] for n in orgs} == {"sma-uk", "dravet-it", "pku-us", "fop-au"}
    assert set(demo_network.ego.index) == {"sma-uk", "dravet-it", "pku-us", "fop-au"}
    assert demo_network.ego["share_of_all_interaction"].between(0, 1).all()
    assert len(demo_network.growth) >= 8 and demo_network.growth["interactions"].sum() == len(interactions)


def test_demo_shows_only_organisation_names_and_pseudonyms(demo_config, demo_network) -> None:
    for node, data in demo_network.graph.nodes(data=True):
        if data["is_org"]:
            assert data["display"].startswith(demo_config.organisation(data["org_id"]).name)
        else:
            assert re.fullmatch(r"P-[0-9a-f]{10}", node) and data["display"] == node
    pii = json.loads((truth_dir(demo_config) / "planted_pii.json").read_text())
    names = {a["display_name"] for a in pii["private_accounts"]} | set(pii["person_names"])
    handles = {h.lower() for h in pii["handles"]}
    for path in demo_network.exports.values():
        text = path.read_text(encoding="utf-8")
        tokens = {token.strip(".-@").lower() for token in re.split(r"[^\w@.-]+", text)}
        assert not handles & tokens, (path.name, sorted(handles & tokens)[:3])
        assert not [name for name in names if len(name) > 6 and name in text], path.name


def test_demo_exports_open_in_networkx(demo_config, demo_network) -> None:
    folder = demo_config.processed_path / "networks" / "study"
    assert demo_network.exports["gexf"] == folder / "interactions.gexf"
    for reader, key in ((nx.read_gexf, "gexf"), (nx.read_graphml, "graphml")):
        R = reader(demo_network.exports[key])
        assert R.number_of_edges() == demo_network.graph.number_of_edges()
        node = demo_network.nodes["pagerank"].idxmax()
        assert R.nodes[node]["community"] == demo_network.nodes.loc[node, "community"]
        assert R.nodes[node]["pagerank"] == pytest.approx(demo_network.nodes.loc[node, "pagerank"])
    table = demo_network.exports_table(demo_config.project_root)
    assert (table["folder"] == "data/processed/demo/networks/study").all()
    assert "interactions.gexf" in set(table["file"]) and (table["KiB"] > 0).all()


def test_demo_exports_the_network_over_time_and_for_pajek(demo_network) -> None:
    exports, G = demo_network.exports, demo_network.graph
    names = {key: path.name for key, path in exports.items()}
    assert names["dynamic_gexf"] == "interactions_dynamic.gexf" and names["pajek"] == "interactions.net"
    D = nx.read_gexf(exports["dynamic_gexf"])
    assert D.graph["mode"] == "dynamic" and set(D) == set(G) and set(D.edges) == set(G.edges)
    assert all(data["spells"] for _, _, data in D.edges(data=True))
    P = nx.read_pajek(exports["pajek"])
    assert P.number_of_nodes() == G.number_of_nodes() and set(P.edges()) == set(G.edges)
    assert {"closeness", "eigenvector", "clustering", "dynamic_gexf"} <= set(demo_network.methods)
    assert demo_network.nodes[["closeness", "eigenvector", "clustering"]].notna().all().all()


def test_demo_networks_match_the_ground_truth(demo_config) -> None:
    evaluation = nw.evaluate_against_truth(demo_config)
    edges = evaluation["edges"]
    assert (edges["edge_precision"] == 1.0).all() and (edges["edge_recall"] == 1.0).all()
    assert (edges["interaction_recall"] == 1.0).all()
    assert edges.loc["all", "found_reciprocity"] == pytest.approx(edges.loc["all", "true_reciprocity"])
    bridging = evaluation["bridging"].iloc[0]
    assert bridging["true"] >= 2 and bridging["precision"] == 1.0 and bridging["recall"] == 1.0
    modes = evaluation["modes"]
    # Vicari & Cappai's modes, as the network sees them
    assert modes.loc["one_way", "reciprocity"] == 0.0 and modes.loc["one_way", "org_share"] == 1.0
    assert modes.loc["two_way", "reciprocity"] > 0.5 > modes.loc["crowd_sourced", "reciprocity"]
    assert modes.loc["two_way", "org_share"] > 0.8
    assert modes.loc["crowd_sourced", "public_share"] > 0.5 > modes.loc["two_way", "public_share"]
    assert modes.loc["one_way", "in_centralisation"] > modes.loc["crowd_sourced", "in_centralisation"]


def test_demo_organisation_scope(demo_config, demo_network) -> None:
    net = nw.analyse_network(demo_config, "sma-uk", export=False, progress=False)
    interactions = nw.load_interactions(demo_config, "sma-uk")
    assert net.graph.graph["interactions"] == len(interactions) > 0
    assert net.graph.graph["name"].startswith("SMA Together UK")
    assert list(net.ego.index) == ["sma-uk"]
    assert net.ego.loc["sma-uk", "share_of_all_interaction"] > demo_network.ego.loc["sma-uk",
                                                                                    "share_of_all_interaction"]
    assert net.bridging["orgs"].str.contains("sma-uk").all()
    assert net.exports == {}
    with pytest.raises(KeyError, match="no organisation"):
        nw.load_interactions(demo_config, "nope")


def test_demo_communities_are_deterministic(demo_network, demo_config) -> None:
    again = nw.communities(demo_network.graph, seed=demo_config.seed)
    assert again.equals(demo_network.nodes["community"].astype("int64").rename("community"))
    G, seed = demo_network.graph, demo_config.seed
    sampled = [nw.betweenness(G, 20, exact_max_nodes=50, seed=seed) for _ in range(2)]
    assert sampled[0].equals(sampled[1]) and "k=20" in sampled[0].attrs["method"]


def test_a_study_without_interactions_still_gets_its_tables(demo_config, tmp_path: Path) -> None:
    from helpers.schema import empty_table, write_table

    config = demo_config.model_copy(update={"processed_dir": tmp_path / "processed"})
    config.source = demo_config.source
    config.processed_path.mkdir(parents=True)
    for name in ("posts", "accounts"):
        shutil.copy(demo_config.processed_path / f"{name}.parquet", config.processed_path / f"{name}.parquet")
    write_table(empty_table("interactions"), "interactions", config.processed_path / "interactions.parquet")
    net = nw.analyse_network(config, "fop-au", progress=False)
    assert net.graph.number_of_nodes() == 0 and net.nodes.empty and net.growth.empty
    assert net.summary.loc["all", "interactions"] == 0 and net.brokers.empty and net.ego.empty
    assert net.exports["gexf"].exists() and nx.read_gexf(net.exports["gexf"]).number_of_nodes() == 0


def test_the_batch_shares_the_organisations_analyses_with_a_helper_process(
    demo_config, tmp_path: Path, monkeypatch
) -> None:
    from helpers import processes
    from helpers.batch import run_in_parts
    from helpers.steps import networks as networks_step

    config = demo_config.model_copy(update={"processed_dir": tmp_path / "processed"})
    config.source = demo_config.source
    config.processed_path.mkdir(parents=True)
    for name in ("posts", "accounts", "interactions"):
        shutil.copy(demo_config.processed_path / f"{name}.parquet", config.processed_path / f"{name}.parquet")
    here = []
    analyse = nw.analyse_network

    def analysed_here(config, org_id, **kwargs):
        here.append(org_id)
        return analyse(config, org_id, **kwargs)

    monkeypatch.setattr(networks_step, "analyse_network", analysed_here)
    monkeypatch.setattr(processes, "usable_cpus", lambda: 2)
    run_in_parts(config, networks_step.STEP)
    orgs = [org.id for org in config.organisations]
    assert here == orgs[::2], "this process takes every second organisation, a helper process the others"
    for org_id in orgs:
        assert nw.has_saved_analysis(config, org_id)
        saved = analyse(config, org_id, progress=False)
        fresh = analyse(config, org_id, progress=False, reuse=False)
        for table in ("summary", "nodes", "communities", "brokers", "growth"):
            pd.testing.assert_frame_equal(getattr(saved, table), getattr(fresh, table))


LAYOUT_IN_A_FRESH_PROCESS = """
import json, networkx as nx
from helpers.networks import network_layout
G = nx.Graph()
G.add_edges_from((f"acct-{i}", f"acct-{(i * 7 + 3) % 40}") for i in range(40))  # a large component
G.add_edges_from([("pt-a", "pt-b"), ("pt-b", "pt-c"), ("pt-c", "pt-a"), ("pt-c", "pt-d")])  # a small one
print(json.dumps({str(node): [round(float(v), 9) for v in xy] for node, xy in network_layout(G).items()}))
"""


def test_a_network_is_laid_out_the_same_in_every_process() -> None:
    import os
    import subprocess
    import sys

    layouts = []
    for hash_seed in ("1", "2", "3"):  # string hashing, and so the order of sets, differs per process
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", LAYOUT_IN_A_FRESH_PROCESS], env=env, check=True,
                             capture_output=True, text=True).stdout
        layouts.append(json.loads(out))
    assert len(layouts[0]) == 44
    assert layouts[0] == layouts[1] == layouts[2]
