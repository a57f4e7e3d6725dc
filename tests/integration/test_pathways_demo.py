"""Actor types, link sources and gatekeepers on the tiny demo, against what its generator planted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import networks as nw
from helpers import pathways as pw
from helpers.notice import NotComputed, Remark, table_of
from helpers.pathways.evaluation import actor_type_pairs, evaluate_pathways, source_type_pairs
from helpers.truth import load_truth_accounts
from tests.builders import classified_tiny_demo


@pytest.fixture(scope="module")
def demo(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    return classified_tiny_demo(tiny_demo, tmp_path_factory.mktemp("pathways"))


def test_listed_accounts_are_typed_as_listed_and_rules_beat_chance(demo) -> None:
    pairs = actor_type_pairs(demo)
    listed = pairs[pairs["actor_basis"] == "study list"]
    assert len(listed) >= 2 and (listed["true_type"] == listed["actor_type"]).all()
    ruled = pairs[pairs["actor_basis"].str.startswith("profile rule")]
    assert len(ruled) >= 20
    accuracy = (ruled["true_type"] == ruled["actor_type"]).mean()
    base_rate = ruled["true_type"].value_counts(normalize=True).max()
    assert accuracy > max(0.6, base_rate), (accuracy, base_rate)
    orgs = pairs[pairs["true_type"] == "study_organisation"]
    assert len(orgs) >= 4 and (orgs["actor_type"] == "study_organisation").all()


def test_source_types_recover_the_planted_links(demo) -> None:
    links = source_type_pairs(demo)
    for kind in ("medical_scientific", "fundraising", "shortened"):
        planted = links[links["true_type"] == kind]
        assert len(planted) > 0, kind
        assert (planted["source_type"] == kind).mean() > 0.9, (kind, planted["source_type"].value_counts())
    # the demo's invented agencies, outlets and companies have sites no list knows: unknown, never mistyped
    wrong = links[links["true_type"] != links["source_type"]]
    assert set(wrong["source_type"]) <= {"unknown"}, wrong.groupby(["true_type", "source_type"]).size()
    regulators = links[links["true_type"] == "regulator_public_health"]
    assert (regulators["source_type"] == "regulator_public_health").mean() > 0.5
    # the organisations' own sites are in the study file (websites:), the peers' invented ones are not
    own = links[links["link"].str.contains("smatogether|dravetinsieme|pkuvoices|fopfriends")]
    assert len(own) > 0 and (own["source_type"] == "patient_organisation").all()
    tables = evaluate_pathways(demo)
    assert set(tables) == {"actor_types", "actor_types_by_basis", "source_types"}
    assert "study list" in set(tables["actor_types_by_basis"]["basis"])


def test_the_planted_gatekeepers_are_found(demo) -> None:
    truth = load_truth_accounts(demo)
    planted = set(truth.loc[truth["gatekeeper"].astype(str).str.lower() == "true", "author_id"])
    assert planted, "the demo plants gatekeepers"
    found = set()
    for org in demo.organisations:
        net = nw.analyse_network(demo, org.id, export=False, progress=False)
        result = pw.analyse_pathways(demo, org.id, net)
        found |= set(result.gatekeepers["author_id"])
        table = result.gatekeepers
        if not table.empty:
            assert (table["medical_introduced"] >= 1).all() and (table["brokerage"] >= 1).all()
            assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert found & planted, (sorted(found)[:10], sorted(planted)[:10])


def test_every_section_shows_a_table_or_says_why(demo) -> None:
    net = nw.analyse_network(demo, "sma-uk", export=False, progress=False)
    result = pw.analyse_pathways(demo, "sma-uk", net)
    sections = [
        pw.actor_overview(result),
        pw.by_actor(result, "knowledge_type"),
        pw.by_actor(result, "mode"),
        pw.source_flow_overview(result),
        pw.network_by_actor(result, net.nodes),
        pw.source_mix_overview(result),
        pw.pathways_by(result, "mode"),
        pw.pathways_by(result, "knowledge_type"),
        pw.gatekeeper_overview(result),
        pw.gatekeeper_type_overview(result),
        pw.unknown_domain_overview(result, demo),
        pw.sources_over_time_table(result),
    ]
    for section in sections:
        assert isinstance(section, pd.DataFrame | NotComputed | Remark) or table_of(section) is not None
    mix = table_of(pw.source_mix_overview(result))
    assert "clinician or researcher" in set(mix["actor type"])
    reading = str(pw.pathways_reading(result))
    assert "links were brought in" in reading and "–" in reading and "medical authority" in reading
    # no profile text: the accounts table holds types, rules and confidences only
    accounts = pd.read_parquet(demo.processed_path / "accounts.parquet")
    assert set(accounts["actor_basis"].str.split(":").str[0]) <= {
        "study list", "profile rule", "study organisation", "none"}


def test_a_scope_without_links_says_so_in_words(demo) -> None:
    net = nw.analyse_network(demo, "fop-au", export=False, progress=False)
    result = pw.analyse_pathways(demo, "fop-au", net)
    empty = pw.PathwayAnalysis("fop-au", result.accounts, result.posts, result.links.iloc[:0],
                               result.gatekeepers.iloc[:0], 5, 1)
    for section in (pw.source_mix_overview(empty), pw.gatekeeper_overview(empty),
                    pw.sources_over_time_table(empty)):
        assert isinstance(section, NotComputed)
        assert "no post of this scope carries a link" in section.sentence().lower()
    assert "no post of this scope carries a link" in str(pw.pathways_reading(empty)).lower()
