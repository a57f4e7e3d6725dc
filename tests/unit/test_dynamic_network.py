"""The network over time (dynamic GEXF 1.3), closeness, eigenvector and clustering, and the Pajek export."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from lxml import etree
from scipy.sparse import linalg as sparse_linalg
from scipy.stats import spearmanr

from helpers.networks import measures
from helpers.networks.build import build_graph
from helpers.networks.export import export_dynamic_gexf, export_pajek, write_dynamic_gexf, write_pajek
from helpers.networks.measures import closeness, clustering, eigenvector, node_measures, undirected_weighted

NS = "http://gexf.net/1.3"
G13 = f"{{{NS}}}"
ORG = "twitter:HelpOrg"

# Three months of interactions.  P-1 -> ORG in January and March (two spells), ORG -> P-1 in January
# and February (one spell), P-2 -> P-1 only in February, P-3 -> ORG in March; one self-interaction.
ROWS = [
    ("P-1", ORG, "reply", "2024-01-03T10:00"), ("P-1", ORG, "mention", "2024-01-31T23:59"),
    ("P-1", ORG, "reply", "2024-03-15T08:00"),
    (ORG, "P-1", "reply", "2024-01-04T09:00"), (ORG, "P-1", "reply", "2024-02-29T12:00"),
    ("P-2", "P-1", "quote", "2024-02-10T00:00"),
    ("P-3", ORG, "share", "2024-03-01T00:00"), ("P-3", ORG, "share", "2024-03-31T23:00"),
    ("P-3", "P-3", "reply", "2024-02-02T00:00"),
]


def interaction_table(rows: list[tuple[str, str, str, str]] = ROWS) -> pd.DataFrame:
    return pd.DataFrame([
        {"source_author": source, "target_author": target, "kind": kind, "post_id": f"twitter:{i:04x}",
         "created_at": pd.Timestamp(when, tz="UTC"), "org_id": "org-a", "platform": "twitter"}
        for i, (source, target, kind, when) in enumerate(rows)
    ])


def static_graph(table: pd.DataFrame) -> nx.DiGraph:
    G = build_graph(table)
    G.nodes[ORG]["display"] = "Help Org"
    G.nodes[ORG]["pagerank"] = 0.5
    return G


@pytest.fixture
def dynamic_file(tmp_path: Path) -> tuple[Path, nx.DiGraph]:
    table = interaction_table()
    G = static_graph(table)
    path = tmp_path / "net_dynamic.gexf"
    write_dynamic_gexf(table, path, G, freq="month", title="Help Org: all interactions")
    return path, G


def spells(element: etree._Element) -> list[tuple[str, str]]:
    return [(s.get("start"), s.get("end")) for s in element.iterfind(f"{G13}spells/{G13}spell")]


# --------------------------------------------------------------------------- the dynamic GEXF


def test_dynamic_gexf_declares_gexf_13_and_a_dynamic_graph(dynamic_file) -> None:
    path, _ = dynamic_file
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{G13}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{G13}graph")
    assert graph.get("mode") == "dynamic" and graph.get("defaultedgetype") == "directed"
    assert graph.get("timeformat") == "date" and graph.get("timerepresentation") == "interval"
    assert (graph.get("start"), graph.get("end")) == ("2024-01-01", "2024-03-31")
    modes = {(a.get("class"), a.get("mode")) for a in graph.iterfind(f"{G13}attributes")}
    assert modes == {("node", "static"), ("edge", "static"), ("edge", "dynamic")}
    weight = graph.find(f"{G13}attributes[@mode='dynamic']/{G13}attribute")
    assert weight.get("id") == "weight" and weight.get("type") == "double"


def test_spells_follow_the_months_in_which_accounts_interact(dynamic_file) -> None:
    path, _ = dynamic_file
    graph = etree.parse(str(path)).getroot().find(f"{G13}graph")
    nodes = {node.get("id"): node for node in graph.iterfind(f"{G13}nodes/{G13}node")}
    assert spells(nodes["P-2"]) == [("2024-02-01", "2024-02-29")]
    assert spells(nodes["P-3"]) == [("2024-03-01", "2024-03-31")]  # a self-interaction in February: no tie
    assert spells(nodes[ORG]) == [("2024-01-01", "2024-03-31")]  # three consecutive months, one spell
    assert nodes[ORG].get("label") == "Help Org" and nodes["P-1"].get("label") == "P-1"
    edges = {(e.get("source"), e.get("target")): e for e in graph.iterfind(f"{G13}edges/{G13}edge")}
    assert spells(edges[("P-1", ORG)]) == [("2024-01-01", "2024-01-31"), ("2024-03-01", "2024-03-31")]
    assert spells(edges[(ORG, "P-1")]) == [("2024-01-01", "2024-02-29")]
    assert spells(edges[("P-3", ORG)]) == [("2024-03-01", "2024-03-31")]
    weights = [(a.get("value"), a.get("start"), a.get("end"))
               for a in edges[("P-1", ORG)].iterfind(f"{G13}attvalues/{G13}attvalue[@for='weight']")]
    assert weights == [("2.0", "2024-01-01", "2024-01-31"), ("1.0", "2024-03-01", "2024-03-31")]
    assert edges[("P-1", ORG)].get("weight") is None  # the weight is dynamic, not static


def test_spells_never_touch_so_gephi_accepts_them(dynamic_file) -> None:
    path, _ = dynamic_file
    for element in etree.parse(str(path)).getroot().iter(f"{G13}node", f"{G13}edge"):
        runs = spells(element)
        assert runs, element.get("id")
        for (_, end), (start, _) in itertools.pairwise(runs):
            assert pd.Timestamp(end) < pd.Timestamp(start) - pd.Timedelta(days=1)  # a gap: not adjacent


def test_dynamic_gexf_reads_back_as_the_static_graph(dynamic_file) -> None:
    path, G = dynamic_file
    R = nx.read_gexf(path)
    assert R.is_directed() and R.graph["mode"] == "dynamic"
    assert R.number_of_nodes() == G.number_of_nodes() == 4
    assert R.number_of_edges() == G.number_of_edges() == 4
    assert set(R.edges) == set(G.edges)
    assert R.nodes[ORG]["pagerank"] == 0.5 and R.nodes[ORG]["label"] == "Help Org"
    tie = R["P-1"][ORG]
    assert tie["interactions"] == 3 and tie["reply"] == 2 and tie["mention"] == 1
    assert tie["spells"] == [("2024-01-01", "2024-01-31"), ("2024-03-01", "2024-03-31")]


def test_quarters_join_the_three_months(tmp_path: Path) -> None:
    table = interaction_table()
    path = export_dynamic_gexf(table, tmp_path, "net", freq="quarter")
    assert path == tmp_path / "net_dynamic.gexf" and [p.name for p in tmp_path.iterdir()] == [path.name]
    graph = etree.parse(str(path)).getroot().find(f"{G13}graph")
    for edge in graph.iterfind(f"{G13}edges/{G13}edge"):
        assert spells(edge) == [("2024-01-01", "2024-03-31")]
    nodes = {node.get("id"): node for node in graph.iterfind(f"{G13}nodes/{G13}node")}
    assert nodes[ORG].get("label") == ORG  # without node attributes the label is the node id


def test_a_network_without_interactions_gives_an_empty_dynamic_file(tmp_path: Path) -> None:
    table = interaction_table().iloc[:0]
    write_dynamic_gexf(table, tmp_path / "empty.gexf")
    R = nx.read_gexf(tmp_path / "empty.gexf")
    assert R.number_of_nodes() == 0 and R.number_of_edges() == 0


@pytest.mark.skipif(not os.environ.get("GEXF13_XSD"), reason="set GEXF13_XSD to a local gexf.xsd of GEXF 1.3 "
                    "(with dynamics.xsd and viz.xsd beside it): no installed package ships the schema")
def test_dynamic_gexf_is_valid_against_the_gexf_13_schema(dynamic_file) -> None:
    path, _ = dynamic_file
    schema = etree.XMLSchema(etree.parse(os.environ["GEXF13_XSD"]))
    assert schema.validate(etree.parse(str(path))), schema.error_log


# --------------------------------------------------------------------------- closeness, eigenvector, clusters


def weighted_digraph(n: int = 80, p: float = 0.05, seed: int = 4) -> nx.DiGraph:
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    rng = random.Random(seed)
    for _, _, data in G.edges(data=True):
        data["weight"] = rng.randint(1, 6)
    return nx.relabel_nodes(G, {i: f"P-{i:03d}" for i in G})


@pytest.mark.parametrize("directed", [True, False])
def test_closeness_equals_networkx_with_the_wasserman_faust_correction(directed: bool) -> None:
    G = weighted_digraph()
    G = G if directed else G.to_undirected()
    G.add_node("isolate")
    found = closeness(G)
    expected = nx.closeness_centrality(G, wf_improved=True)
    assert found.to_dict() == pytest.approx(expected, abs=1e-12)
    assert found["isolate"] == 0.0 and "exact" in found.attrs["method"]


def test_closeness_uses_incoming_distances() -> None:
    star = nx.DiGraph([("hub", leaf) for leaf in "abcd"])  # the hub addresses everyone, nobody addresses it
    values = closeness(star)
    assert values["hub"] == 0.0 and values["a"] == pytest.approx(1 / 4)  # reached by one of four others


def test_closeness_estimated_from_sampled_sources_ranks_like_the_exact_value() -> None:
    G = weighted_digraph(600, 0.01, seed=7)
    exact = closeness(G)
    estimate = closeness(G, 200, exact_max_nodes=100, seed=3)
    assert "k=200" in estimate.attrs["method"] and "seed 3" in estimate.attrs["method"]
    assert spearmanr(exact, estimate).statistic > 0.9
    assert estimate.equals(closeness(G, 200, exact_max_nodes=100, seed=3))  # the same sources for a seed
    assert closeness(G, 599, exact_max_nodes=100).to_dict() == pytest.approx(exact.to_dict(), rel=0.1)


def test_eigenvector_equals_networkx_on_the_undirected_weighted_graph() -> None:
    G = weighted_digraph()
    U = undirected_weighted(G)
    assert nx.is_connected(U)
    expected = nx.eigenvector_centrality(U, weight="weight", max_iter=10_000, tol=1e-13)
    dense = eigenvector(G)
    assert dense.to_dict() == pytest.approx(expected, abs=1e-8)
    sparse = eigenvector(G, dense_max_nodes=10)  # ARPACK
    assert sparse.to_dict() == pytest.approx(expected, abs=1e-8) and "ARPACK" in sparse.attrs["method"]


def test_eigenvector_on_a_disconnected_graph_is_networkx_per_component() -> None:
    G = nx.DiGraph()
    nx.add_path(G, ["x", "y", "z"], weight=5)  # a smaller component, first in node order
    nx.add_path(G, ["a", "b", "c", "d"], weight=1)
    G.add_edge("b", "a", weight=2)
    G.add_node("alone")
    values = eigenvector(G)
    U = undirected_weighted(G)
    for component in (["a", "b", "c", "d"], ["x", "y", "z"]):
        expected = nx.eigenvector_centrality(U.subgraph(component), weight="weight", max_iter=10_000,
                                             tol=1e-13)
        assert values[component].to_dict() == pytest.approx(expected, abs=1e-8)
    assert np.isnan(values["alone"])
    assert "2 with ties, the largest 4 of 8 accounts" in values.attrs["method"]
    with pytest.raises(nx.AmbiguousSolution):  # what networkx itself does with it
        nx.eigenvector_centrality_numpy(U)
    assert eigenvector(nx.DiGraph()).empty
    assert eigenvector(nx.empty_graph(3, create_using=nx.DiGraph)).isna().all()


def test_eigenvector_falls_back_to_power_iteration_then_nan(monkeypatch) -> None:
    def no_convergence(*args, **kwargs):
        raise sparse_linalg.ArpackNoConvergence("no convergence", np.array([]), np.array([]))

    monkeypatch.setattr(measures.sparse_linalg, "eigsh", no_convergence)
    G = weighted_digraph()
    U = undirected_weighted(G)
    expected = nx.eigenvector_centrality(U, weight="weight", max_iter=10_000, tol=1e-13)
    power = eigenvector(G, dense_max_nodes=10)
    assert power.to_dict() == pytest.approx(expected, abs=1e-5) and "power iteration" in power.attrs["method"]
    failed = eigenvector(G, dense_max_nodes=10, max_iter=2)
    assert failed.isna().all() and "did not converge" in failed.attrs["method"]


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_clustering_equals_networkx_on_the_undirected_graph(backend: str) -> None:
    G = weighted_digraph(120, 0.06)
    G.add_edge("P-000", "P-000", weight=1)  # a self-loop closes no triangle
    found = clustering(G, backend=backend)
    assert found.to_dict() == pytest.approx(nx.clustering(G.to_undirected()), abs=1e-12)
    assert "unweighted" in found.attrs["method"]
    weighted = clustering(G, "weight")
    onnela = nx.clustering(undirected_weighted(G), weight="weight")
    assert weighted.to_dict() == pytest.approx(onnela, abs=1e-12)
    assert "Onnela" in weighted.attrs["method"]


def test_node_measures_has_the_new_columns_and_says_how() -> None:
    G = weighted_digraph()
    table = node_measures(G)
    assert {"closeness", "eigenvector", "clustering"} <= set(table.columns)
    for measure in ("closeness", "eigenvector", "clustering"):
        assert table.attrs[f"{measure}_method"]
    assert table["clustering"].between(0, 1).all() and table["closeness"].between(0, 1).all()
    assert node_measures(nx.DiGraph()).empty


# --------------------------------------------------------------------------- Pajek


def test_pajek_reads_back_with_the_same_weighted_edges(tmp_path: Path) -> None:
    G = static_graph(interaction_table())
    G.add_edge("P-2", "facebook:A Page's \"Name\"", weight=4)  # spaces stay, quotes cannot
    path = export_pajek(G, tmp_path, "net")
    assert path == tmp_path / "net.net" and [p.name for p in tmp_path.iterdir()] == ["net.net"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"*vertices {G.number_of_nodes()}\n") and "*arcs" in text
    R = nx.read_pajek(path)
    assert R.is_directed() and R.number_of_nodes() == G.number_of_nodes()
    expected = {(u, v.replace('"', "_")): float(w) for u, v, w in G.edges(data="weight")}
    assert {(u, v): w for u, v, w in R.edges(data="weight")} == expected
    assert "Help Org" not in text  # labels are the node ids, not display names


def test_pajek_refuses_labels_that_would_merge(tmp_path: Path) -> None:
    G = nx.DiGraph([('a"b', "a_b")])
    with pytest.raises(ValueError, match="same Pajek label"):
        write_pajek(G, tmp_path / "g.net")


def test_the_central_accounts_table_fits_a_page() -> None:
    from helpers.networks.measures import MORE_CENTRALITIES, top_accounts

    nodes = pd.DataFrame({
        "display": ["Org (OrgX)", "P-1", "P-2"], "role": ["organisation", "public", "public"],
        "community": [0, 1, 1], "in_degree": [5, 2, 1], "out_degree": [3, 1, 0],
        "in_strength": [9, 2, 1], "out_strength": [4, 1, 0], "pagerank": [0.51234, 0.3, 0.18766],
        "betweenness": [0.4, 0.0, 0.0], "closeness": [0.7777, 0.5, 0.25], "eigenvector": [0.6, 0.5, 0.4],
        "clustering": [0.0, 1.0, 0.0],
    }, index=pd.Index(["twitter:OrgX", "P-1", "P-2"], name="node"))
    table = top_accounts(nodes, n=2)
    assert list(table.columns) == ["account", "role", "in", "out", "pagerank", "betweenness"]
    assert table["account"].tolist() == ["Org (OrgX)", "P-1"] and list(table.index) == [0, 1]
    assert table.loc[0, "pagerank"] == 0.512
    more = top_accounts(nodes, n=2, measures=MORE_CENTRALITIES)
    assert list(more.columns) == ["account", "role", "closeness", "eigenvector", "clustering"]
    assert more.loc[0, "closeness"] == 0.778
