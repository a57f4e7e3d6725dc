"""Health-information pathways (helpers.pathways): hand-built posts and graphs whose answers are known.

The story of the main fixture, a study that keeps domains only:

* clinician ``c1`` posts two pubmed links (``a1``; ``a2`` with a BBC link too);
  patient ``p1``, carer ``f1`` and journalist ``j1`` share ``a1``, ``c1``
  shares it himself; ``p1`` shares ``a2`` and quotes it with a pubmed link;
* clinician ``c2`` posted pubmed earlier (``c2a``), and an unknown account
  ``x`` quoted a post with a pubmed link earlier still (a pass, not an
  introduction);
* the patient organisation ``o1`` posts an ema.europa.eu link nobody shares;
  researcher ``r1`` posts pubmed and ema links; patient ``p2`` a gofundme
  page (April); carer ``f1`` a pubmed link (April).

The interaction graph and its Gould & Fernandez roles, with actor types as groups
(CR clinician_researcher, P patient, F carer_family, M media, O study_organisation, U unknown)::

    p1 -> c1, f1 -> c1, j1 -> c1, r1 -> c1, c1 -> p2, c1 -> r1, c1 -> r2,
    p1 -> p2, r1 -> f1, x -> o1, o1 -> p1

    c1: in {p1 P, f1 F, j1 M, r1 CR}, out {p2 P, r1 CR, r2 CR}
        p1->p2 closed; {p1,f1,j1} -> {r1,r2}: 6 gatekeeper; f1,j1 -> p2: 2 liaison;
        r1 -> p2: 1 representative; r1 -> r2: 1 coordinator; r1 -> r1 not a path.  10 in all.
    r1: c1 -> r1 -> f1: 1 representative.     o1: x -> o1 -> p1: 1 liaison.
    f1: r1 -> f1 -> c1 is closed by r1 -> c1: 0.   c2: not in the graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from helpers.link_sources import load_link_sources
from helpers.networks.brokerage import brokerage_roles
from helpers.pathways import (
    MEDICAL_SOURCES,
    account_projection,
    gatekeeper_table,
    gatekeeper_types,
    introductions,
    is_full_link,
    link_rows,
    onward_passes,
    source_mix,
    source_network,
    sources_over_time,
)
from helpers.pathways.flow import INTRODUCTION_COLUMNS, LINK_COLUMNS, PASS_COLUMNS
from helpers.pathways.gatekeepers import GATEKEEPER_COLUMNS, TYPE_COLUMNS
from helpers.uncertainty import wilson_interval

PUBMED, BBC, EMA, GOFUNDME = "pubmed.ncbi.nlm.nih.gov", "bbc.co.uk", "ema.europa.eu", "gofundme.com"
SOURCES = load_link_sources()
ACTORS = pd.Series({"c1": "clinician_researcher", "c2": "clinician_researcher", "r1": "clinician_researcher",
                    "r2": "clinician_researcher", "p1": "patient", "p2": "patient", "f1": "carer_family",
                    "j1": "media", "o1": "study_organisation"})
EDGES = [("p1", "c1"), ("f1", "c1"), ("j1", "c1"), ("r1", "c1"), ("c1", "p2"), ("c1", "r1"), ("c1", "r2"),
         ("p1", "p2"), ("r1", "f1"), ("x", "o1"), ("o1", "p1")]


def _posts(rows: list[tuple], **extra: list) -> pd.DataFrame:
    columns = ["post_id", "author_id", "created_at", "urls", "shared_id", "quoted_id"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    frame["org_id"] = "org1"
    frame["parent_id"] = None
    for column, values in extra.items():
        frame[column] = values
    return frame


def _story() -> pd.DataFrame:
    return _posts([
        ("q0", "x", "2024-01-01 09:00", [PUBMED, BBC], None, "zz"),
        ("c2a", "c2", "2024-01-05", [PUBMED], None, None),
        ("a1", "c1", "2024-01-10", [PUBMED, PUBMED], None, None),
        ("s1", "p1", "2024-01-11", [], "a1", None),
        ("s2", "f1", "2024-01-12", [], "a1", None),
        ("s3", "j1", "2024-01-13", [], "a1", None),
        ("s5", "c1", "2024-01-14", [], "a1", None),
        ("e1", "o1", "2024-01-20", [EMA], None, None),
        ("r1a", "r1", "2024-01-25", [PUBMED], None, None),
        ("r1b", "r1", "2024-01-26", np.array([EMA]), None, None),
        ("a2", "c1", "2024-02-05", [PUBMED, BBC], None, None),
        ("s4", "p1", "2024-02-06", [], "a2", None),
        ("q1", "p1", "2024-02-07", [PUBMED], None, "a2"),
        ("g1", "p2", "2024-04-01", [GOFUNDME], None, None),
        ("m1", "f1", "2024-04-02", [PUBMED], None, None),
    ])


@pytest.fixture
def posts() -> pd.DataFrame:
    return _story()


@pytest.fixture
def links(posts: pd.DataFrame) -> pd.DataFrame:
    return link_rows(posts, SOURCES, ACTORS)


@pytest.fixture
def graph() -> nx.DiGraph:
    return nx.DiGraph(EDGES)


# --------------------------------------------------------------------------- link rows


def test_link_rows_are_post_by_distinct_link_with_source_and_actor_type(links: pd.DataFrame) -> None:
    assert list(links.columns) == list(LINK_COLUMNS)
    assert len(links) == 12  # a1's repeated link once, shares without links of their own nothing
    assert not links["post_id"].isin(["s1", "s2", "s3", "s4", "s5"]).any()
    a2 = links[links["post_id"] == "a2"].set_index("link")
    assert a2["source_type"].to_dict() == {PUBMED: "medical_scientific", BBC: "news"}
    by_post = links.drop_duplicates("post_id").set_index("post_id")
    assert by_post.loc[by_post["author_id"] == "x", "actor_type"].tolist() == ["unknown"]
    assert by_post["is_pass"].to_dict() == {"q0": True, "c2a": False, "a1": False, "e1": False, "r1a": False,
                                            "r1b": False, "a2": False, "q1": True, "g1": False, "m1": False}
    assert by_post.loc["r1b", "source_type"] == "regulator_public_health"  # urls as a numpy array
    assert by_post.loc["g1", "source_type"] == "fundraising"
    assert (links["domain"] == links["link"]).all()


def test_link_rows_carry_mode_and_knowledge_type_and_full_links_keep_their_domain() -> None:
    posts = _posts([("u1", "A", "2024-01-01", ["https://www.bbc.co.uk/news/health-1"], None, None)],
                   mode=["two_way"], knowledge_type=["medical"])
    rows = link_rows(posts, SOURCES, pd.Series(dtype=object))
    assert list(rows.columns) == [*LINK_COLUMNS, "mode", "knowledge_type"]
    row = rows.iloc[0]
    assert (row["domain"], row["source_type"], row["actor_type"]) == ("bbc.co.uk", "news", "unknown")
    assert (row["mode"], row["knowledge_type"]) == ("two_way", "medical")


# --------------------------------------------------------------------------- introductions and passes


def test_introductions_pick_the_earliest_post_that_is_not_a_pass(links: pd.DataFrame) -> None:
    table = introductions(links).set_index("link")
    assert table.loc[PUBMED, "introduced_by"] == "c2"  # not x, whose earlier post was a quote
    assert table.loc[PUBMED, "post_id"] == "c2a"
    assert table.loc[BBC, ["introduced_by", "post_id"]].tolist() == ["c1", "a2"]
    assert table.loc[EMA, ["introduced_by", "actor_type", "source_type"]].tolist() == [
        "o1", "study_organisation", "regulator_public_health"]
    assert sorted(table.index) == sorted([PUBMED, BBC, EMA, GOFUNDME])


def test_introductions_break_ties_by_post_id() -> None:
    posts = _posts([("b", "B", "2024-01-01", [PUBMED], None, None),
                    ("a", "A", "2024-01-01", [PUBMED], None, None)])
    assert introductions(link_rows(posts, SOURCES, ACTORS))["introduced_by"].tolist() == ["A"]


def test_onward_passes_count_other_authors_and_exclude_self_shares(posts: pd.DataFrame,
                                                                   links: pd.DataFrame) -> None:
    table = onward_passes(posts, links)
    assert list(table.columns) == list(PASS_COLUMNS)
    counts = table.set_index(["post_id", "source_type"])[["passes", "passed_by"]]
    assert counts.loc[("a1", "medical_scientific")].tolist() == [3, 3]  # s1, s2, s3; not c1's own s5
    assert counts.loc[("a2", "medical_scientific")].tolist() == [2, 1]  # p1 shared and quoted it
    assert counts.loc[("a2", "news")].tolist() == [2, 1]
    # domains only: later pubmed / ema posts by others are not passes of the first
    assert counts.loc[("c2a", "medical_scientific")].tolist() == [0, 0]
    assert counts.loc[("e1", "regulator_public_health")].tolist() == [0, 0]
    assert not table["post_id"].isin(["q0", "q1"]).any()  # passes are not origins
    assert table.iloc[0]["post_id"] == "a1"


def _reposts(link: str) -> pd.DataFrame:
    other = link.replace("111", "222")
    return _posts([("u1", "A", "2024-01-01", [link], None, None),
                   ("u2", "B", "2024-01-02", [link], None, None),
                   ("u3", "A", "2024-01-03", [link], None, None),
                   ("u4", "C", "2024-01-04", [other], None, None),
                   ("u5", "D", "2024-01-05", [], "u1", None)])


def test_full_links_count_later_posts_of_the_same_link_as_passes_domains_do_not() -> None:
    full = _reposts("https://pubmed.ncbi.nlm.nih.gov/111/")
    counts = onward_passes(full, link_rows(full, SOURCES, ACTORS)).set_index("post_id")
    assert counts["passes"].to_dict() == {"u1": 2, "u2": 1, "u3": 0, "u4": 0}  # u1: B's u2 and D's share
    assert counts.loc["u1", "passed_by"] == 2
    domains = _reposts(PUBMED)
    counts = onward_passes(domains, link_rows(domains, SOURCES, ACTORS)).set_index("post_id")
    assert counts["passes"].to_dict() == {"u1": 1, "u2": 0, "u3": 0, "u4": 0}  # D's share only


def test_a_link_is_full_when_it_has_a_path() -> None:
    assert is_full_link("https://pubmed.ncbi.nlm.nih.gov/111")
    assert is_full_link("bbc.co.uk/news/health-1")
    assert not is_full_link(PUBMED)
    assert not is_full_link("https://ema.europa.eu/")


# --------------------------------------------------------------------------- source mix, network, time


def test_source_mix_shares_sum_to_one_with_wilson_intervals(links: pd.DataFrame) -> None:
    mix = source_mix(links, "actor_type")
    assert list(mix.columns) == ["actor_type", "source_type", "links", "share", "low", "high"]
    assert mix.groupby("actor_type")["share"].sum().round(12).eq(1).all()
    assert ((mix["low"] <= mix["share"]) & (mix["share"] <= mix["high"])).all()
    assert mix.groupby("actor_type").size().eq(4).all()  # every type seen in the study, zero-filled
    clinicians = mix[mix["actor_type"] == "clinician_researcher"].set_index("source_type")
    assert clinicians["links"].to_dict() == {"medical_scientific": 4, "regulator_public_health": 1, "news": 1,
                                             "fundraising": 0}
    wilson = wilson_interval(4, 6)
    assert tuple(clinicians.loc["medical_scientific", ["low", "high"]]) == pytest.approx(wilson)
    assert mix["links"].sum() == len(links)


def test_source_mix_by_several_columns_and_clustered_by_author(links: pd.DataFrame) -> None:
    mix = source_mix(links, ["org_id", "actor_type"], cluster="author_id")
    assert list(mix.columns[:3]) == ["org_id", "actor_type", "source_type"]
    assert mix.groupby(["org_id", "actor_type"])["share"].sum().round(12).eq(1).all()
    assert mix[["low", "high"]].ge(0).all().all() and mix[["low", "high"]].le(1).all().all()
    clinicians = mix[mix["actor_type"] == "clinician_researcher"].set_index("source_type")
    wilson = wilson_interval(4, 6)
    assert tuple(clinicians.loc["medical_scientific", ["low", "high"]]) != pytest.approx(wilson)


def test_the_two_mode_network_and_its_projection(links: pd.DataFrame) -> None:
    G = source_network(links)
    accounts = {node for node, side in G.nodes(data="bipartite") if side == 0}
    sources = {node for node, side in G.nodes(data="bipartite") if side == 1}
    assert accounts == {"x", "c2", "c1", "o1", "r1", "p1", "p2", "f1"}
    assert sources == {"source:medical_scientific", "source:news", "source:regulator_public_health",
                       "source:fundraising"}
    assert G.nodes["c1"]["actor_type"] == "clinician_researcher"
    assert G["c1"]["source:medical_scientific"]["weight"] == 2  # a1 and a2
    assert G["c1"]["source:news"]["weight"] == 1
    assert G["r1"]["source:regulator_public_health"]["weight"] == 1
    projection = account_projection(G)
    assert set(projection) == accounts
    assert projection["c1"]["x"]["weight"] == 2  # both link to medical and news sources
    assert projection["c1"]["r1"]["weight"] == 1
    assert projection["r1"]["o1"]["weight"] == 1
    assert projection.degree("p2") == 0  # the only one linking to a fundraiser
    domains = source_network(links, level="domain")
    assert domains.nodes[f"domain:{EMA}"]["source_type"] == "regulator_public_health"
    assert domains["c1"][f"domain:{PUBMED}"]["weight"] == 2
    with pytest.raises(ValueError, match="level"):
        source_network(links, level="url")


def test_sources_over_time_fill_empty_months_with_zeros(links: pd.DataFrame) -> None:
    table = sources_over_time(links)
    assert list(table.index) == list(pd.date_range("2024-01-01", "2024-04-01", freq="MS", tz="UTC"))
    assert list(table.columns) == ["medical_scientific", "regulator_public_health", "news", "fundraising"]
    assert table.loc["2024-01-01"].tolist() == [4, 2, 1, 0]
    assert table.loc["2024-02-01"].tolist() == [2, 0, 1, 0]
    assert table.loc["2024-03-01"].tolist() == [0, 0, 0, 0]
    assert table.loc["2024-04-01"].tolist() == [1, 0, 0, 1]


# --------------------------------------------------------------------------- gatekeepers


def test_the_hand_computed_roles_hold(graph: nx.DiGraph) -> None:
    roles = brokerage_roles(graph, ACTORS.reindex(list(graph)).fillna("unknown").to_dict())
    assert roles.loc["c1"].to_dict() == {"coordinator": 1, "gatekeeper": 6, "representative": 1,
                                         "consultant": 0, "liaison": 2, "brokerage": 9, "total": 10}
    assert roles.loc["f1", "total"] == 0


def test_gatekeepers_bring_medical_sources_in_and_broker(posts: pd.DataFrame, links: pd.DataFrame,
                                                         graph: nx.DiGraph) -> None:
    table = gatekeeper_table(posts, links, graph, ACTORS, labels={"o1": "Rare Org"}, n=None)
    assert list(table.columns) == list(GATEKEEPER_COLUMNS)
    assert table["author_id"].tolist() == ["c1", "r1", "o1"]  # passed on, then medical posts, then ...
    assert table["rank"].tolist() == [1, 2, 3]
    counts = table.set_index("author_id")[["medical_introduced", "passed_on", "brokerage", "gatekeeper",
                                           "representative", "liaison"]]
    assert counts.loc["c1"].tolist() == [2, 5, 10, 6, 1, 2]  # brokerage sums all five roles
    assert counts.loc["r1"].tolist() == [2, 0, 1, 0, 1, 0]
    assert counts.loc["o1"].tolist() == [1, 0, 1, 0, 0, 1]
    assert table["account"].tolist() == ["c1", "r1", "Rare Org"]
    assert table.loc[0, "why"] == ("brought 2 medical posts in, passed on 5 times; "
                                   "brokers 10 paths (gatekeeper 6)")
    assert table.loc[0, "betweenness"] == pytest.approx(nx.betweenness_centrality(graph)["c1"])
    given = gatekeeper_table(posts, links, graph, ACTORS, n=None, betweenness={"c1": 0.25})
    assert given.set_index("author_id")["betweenness"].to_dict() == {"c1": 0.25, "r1": 0.0, "o1": 0.0}
    # f1 introduced pubmed but brokers nothing; c2 is not in the graph; p1 brokers but only passes
    assert not table["author_id"].isin(["f1", "c2", "p1", "x", "j1"]).any()
    top = gatekeeper_table(posts, links, graph, ACTORS, n=2)
    assert top["author_id"].tolist() == ["c1", "r1"]
    assert set(MEDICAL_SOURCES) == {"medical_scientific", "regulator_public_health"}


def test_gatekeepers_rank_by_passes_then_medical_posts_then_author_id() -> None:
    posts = _posts([("b1", "b", "2024-01-01", [PUBMED], None, None),
                    ("a1", "a", "2024-01-02", [EMA], None, None),
                    ("d1", "d", "2024-01-03", [PUBMED], None, None),
                    ("d2", "d", "2024-01-04", [EMA, GOFUNDME], None, None),
                    ("e1", "e", "2024-01-05", [PUBMED], None, None),
                    ("g1", "a", "2024-01-06", [GOFUNDME], None, None),
                    ("s1", "u", "2024-01-07", [], "e1", None),
                    ("s2", "u", "2024-01-08", [], "g1", None)])  # a share of a's fundraiser: not medical
    graph = nx.DiGraph([("u", broker) for broker in "abde"] + [(broker, "v") for broker in "abde"])
    table = gatekeeper_table(posts, link_rows(posts, SOURCES, ACTORS), graph, pd.Series(dtype=object))
    assert table["author_id"].tolist() == ["e", "d", "a", "b"]
    assert table["passed_on"].tolist() == [1, 0, 0, 0]
    assert table["medical_introduced"].tolist() == [1, 2, 1, 1]
    assert table["brokerage"].tolist() == [1, 1, 1, 1]  # all unknown: one group, a coordinator each


def test_gatekeeper_types_share_the_qualifying_accounts(posts: pd.DataFrame, links: pd.DataFrame,
                                                        graph: nx.DiGraph) -> None:
    table = gatekeeper_table(posts, links, graph, ACTORS, n=None)
    types = gatekeeper_types(table)
    assert list(types.columns) == list(TYPE_COLUMNS)
    assert len(types) == 9 and types["gatekeepers"].sum() == 3
    assert types.iloc[0][["actor_type", "gatekeepers"]].tolist() == ["clinician_researcher", 2]
    assert types.iloc[0]["share"] == pytest.approx(2 / 3)
    assert types.iloc[1]["actor_type"] == "study_organisation"
    assert ((types["low"] <= types["share"]) & (types["share"] <= types["high"])).all()
    assert types.iloc[1][["low", "high"]].tolist() == pytest.approx(list(wilson_interval(1, 3)))
    assert gatekeeper_types(table, all_candidates=False)["actor_type"].tolist() == [
        "clinician_researcher", "study_organisation"]


# --------------------------------------------------------------------------- empty inputs


def test_empty_inputs_give_empty_frames_with_the_columns(posts: pd.DataFrame, graph: nx.DiGraph) -> None:
    none = link_rows(posts.iloc[:0], SOURCES, ACTORS)
    assert none.empty and list(none.columns) == list(LINK_COLUMNS)
    no_links = link_rows(posts[posts["post_id"].str.startswith("s")], SOURCES, ACTORS)
    assert no_links.empty and list(no_links.columns) == list(LINK_COLUMNS)
    assert list(introductions(none).columns) == list(INTRODUCTION_COLUMNS)
    assert list(onward_passes(posts, none).columns) == list(PASS_COLUMNS)
    mix = source_mix(none, "actor_type")
    assert mix.empty and list(mix.columns) == ["actor_type", "source_type", "links", "share", "low", "high"]
    assert sources_over_time(none).empty
    assert source_network(none).number_of_nodes() == 0
    table = gatekeeper_table(posts, none, graph, ACTORS)
    assert table.empty and list(table.columns) == list(GATEKEEPER_COLUMNS)
    assert gatekeeper_table(posts, link_rows(posts, SOURCES, ACTORS), nx.DiGraph(), ACTORS).empty
    types = gatekeeper_types(table)
    assert types.empty and list(types.columns) == list(TYPE_COLUMNS)
