"""The packaged link source types, the domain matcher and the study's own file."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.errors import UserError
from helpers.link_sources import (
    SHORTENED,
    SOURCE_LABELS,
    SOURCE_TYPES,
    UNKNOWN,
    LinkSources,
    LinkSourcesError,
    load_link_sources,
    unknown_domains,
)

PACKAGED = Path(str(files("helpers") / "resources" / "link_sources.yml"))


@pytest.fixture(scope="module")
def sources() -> LinkSources:
    return load_link_sources()


def _study_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my_sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_keys_are_the_source_types_in_order_and_no_domain_twice() -> None:
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    types = [key for key in data if key != "shorteners"]
    assert types == list(SOURCE_TYPES)
    listed = [entry.lower() for entries in data.values() for entry in entries]
    assert sorted({entry for entry in listed if listed.count(entry) > 1}) == []
    assert "youtu.be" not in data["shorteners"]
    assert set(SOURCE_LABELS) == {*SOURCE_TYPES, UNKNOWN, SHORTENED}


@pytest.mark.parametrize(("link", "expected"), [
    ("ncbi.nlm.nih.gov", "medical_scientific"),
    ("https://pubmed.ncbi.nlm.nih.gov/12345/", "medical_scientific"),
    ("www.nih.gov", "regulator_public_health"),
    ("rarediseases.info.nih.gov", "regulator_public_health"),
    ("nih.gov.evil.com", UNKNOWN),
    ("notnih.gov", UNKNOWN),
    ("ema.europa.eu", "regulator_public_health"),
    ("scholar.google.com", "medical_scientific"),
    ("docs.google.com/forms/d/1", "other"),
    ("podcasts.apple.com/podcast/1", "social_video"),
])
def test_longest_listed_suffix_on_label_boundaries(sources: LinkSources, link: str, expected: str) -> None:
    assert sources.source_type(link) == expected


@pytest.mark.parametrize(("link", "expected"), [
    ("bit.ly/abc", SHORTENED),
    ("t.co", SHORTENED),
    ("https://t.co/AbC123", SHORTENED),
    ("youtu.be/dQw4w9WgXcQ", "social_video"),
    ("gofund.me/abc", "fundraising"),
])
def test_shorteners(sources: LinkSources, link: str, expected: str) -> None:
    assert sources.source_type(link) == expected


@pytest.mark.parametrize(("link", "domain", "expected"), [
    ("https://www.ClinicalTrials.gov/study/NCT01?utm=x", "clinicaltrials.gov", "medical_scientific"),
    ("bbc.co.uk/news/health-1", "bbc.co.uk", "news"),
    ("theguardian.com/society/2016/rare?x=1#top", "theguardian.com", "news"),
    ("www.nih.gov", "nih.gov", "regulator_public_health"),
    ("NIH.GOV.", "nih.gov", "regulator_public_health"),
    ("http://user:secret@www.NIH.gov:8080/research", "nih.gov", "regulator_public_health"),
    ("  https://m.youtube.com/watch?v=1  ", "youtube.com", "social_video"),
    ("https://amp.theguardian.com/x", "theguardian.com", "news"),
    ("//www2.cdc.gov/x", "cdc.gov", "regulator_public_health"),
    ("https://xn--bcher-kva.ch/x", "bücher.ch", UNKNOWN),
    ("https://BÜCHER.ch", "bücher.ch", UNKNOWN),
    ("https://a-small-charity.org.uk/about", "a-small-charity.org.uk", UNKNOWN),
])
def test_forms_of_links(sources: LinkSources, link: str, domain: str, expected: str) -> None:
    assert sources.domain_of(link) == domain
    assert sources.source_type(link) == expected


@pytest.mark.parametrize("link", ["", "   ", "[link]", "someone@example.com", "mailto:someone@example.com",
                                  "localhost", "192.168.0.1", "not a link.com", "https://", "https://[::1]/"])
def test_non_links(sources: LinkSources, link: str) -> None:
    assert sources.domain_of(link) is None
    assert sources.source_type(link) == UNKNOWN


def test_path_entries_beat_the_bare_domain(sources: LinkSources) -> None:
    assert sources.types_of(["facebook.com/donate/123", "https://m.facebook.com/donate?id=9",
                             "facebook.com/somepage", "facebook.com", "facebook.com/donations",
                             "https://www.paypal.com/donate/?hosted_button_id=1"]) == [
        "fundraising", "fundraising", "social_video", "social_video", "social_video", "fundraising"]


def test_study_file_adds_and_moves_domains(tmp_path: Path, sources: LinkSources) -> None:
    study = _study_file(tmp_path, "patient_organisation:\n  - www.a-small-charity.org.uk\n"
                                  "commercial_pharma:\n  - bbc.co.uk\nnews:\n  - example.org/press\n"
                                  "shorteners:\n  - lnk.example.org\n")
    own = load_link_sources(study)
    assert own.source_type("https://a-small-charity.org.uk/about") == "patient_organisation"
    assert own.source_type("bbc.co.uk/news") == "commercial_pharma"
    assert list(own.domains).count("bbc.co.uk") == 1
    assert own.source_type("example.org/press/1") == "news"
    assert own.source_type("example.org/blog") == UNKNOWN
    assert own.source_type("lnk.example.org/x") == SHORTENED
    assert own.digest != sources.digest
    assert load_link_sources().source_type("bbc.co.uk") == "news"
    assert load_link_sources().digest == sources.digest


def test_study_file_moves_a_shortener_to_a_type(tmp_path: Path) -> None:
    own = load_link_sources(_study_file(tmp_path, "social_video:\n  - lnkd.in\n"))
    assert own.source_type("lnkd.in/abc") == "social_video"
    assert "lnkd.in" not in own.shorteners


def test_study_file_edited_is_read_again(tmp_path: Path) -> None:
    study = _study_file(tmp_path, "news:\n  - example.org\n")
    assert load_link_sources(study).source_type("example.org") == "news"
    before = study.stat().st_mtime_ns
    study.write_text("other:\n  - example.org\n", encoding="utf-8")
    os.utime(study, ns=(before + 1_000_000_000, before + 1_000_000_000))
    assert load_link_sources(study).source_type("example.org") == "other"


@pytest.mark.parametrize(("text", "named"), [
    ("news: [example.org\n", "not valid YAML"),
    ("newspapers:\n  - example.org\n", "newspapers"),
    ("news: example.org\n", "'news' must be a list"),
    ("news:\n  - example\n", "'example'"),
    ("news:\n  - https://example.org/x\n", "'https://example.org/x'"),
    ("news:\n  - 42\n", "42"),
    ("news:\n  - someone@example.org\n", "someone@example.org"),
    ("- news\n", "source types as keys"),
    ("news:\n  - example.org\nother:\n  - www.example.org\n", "both 'news' and 'other'"),
    ("news:\n  - lnk.example.org\nshorteners:\n  - lnk.example.org\n", "both 'news' and 'shorteners'"),
    ("shorteners:\n  - lnk.example.org/x\n", "without a path"),
])
def test_loader_errors_name_the_file_and_the_key(tmp_path: Path, text: str, named: str) -> None:
    study = _study_file(tmp_path, text)
    with pytest.raises(LinkSourcesError) as caught:
        load_link_sources(study)
    message = str(caught.value)
    assert isinstance(caught.value, UserError)
    assert str(study) in message
    assert named in message
    assert "\n" not in message


def test_missing_study_file(tmp_path: Path) -> None:
    with pytest.raises(LinkSourcesError, match="does not exist") as caught:
        load_link_sources(tmp_path / "nowhere.yml")
    assert "nowhere.yml" in str(caught.value)


def test_empty_study_file_adds_nothing(tmp_path: Path, sources: LinkSources) -> None:
    assert load_link_sources(_study_file(tmp_path, "# nothing yet\n")).digest == sources.digest


def test_unknown_domains_ranked_and_withheld(sources: LinkSources) -> None:
    rows = [
        ("a1", "https://www.small-org.example.org/x"), ("a2", "small-org.example.org/y"),
        ("a3", "small-org.example.org"), ("a1", "https://other-org.example.net/1"),
        ("a2", "other-org.example.net/2"), ("a1", "third.example.com"), ("a2", "third.example.com"),
        ("a3", "third.example.com/p"),
        ("a9", "my-personal-blog.example.com"), ("a9", "my-personal-blog.example.com/2"),
        ("a8", "lonely.example.com"),
        ("a1", "bbc.co.uk/news"), ("a2", "bbc.co.uk/news"), ("a3", "bit.ly/x"), ("a4", "bit.ly/y"),
        ("a1", "[link]"), ("a2", "[link]"), ("a3", ""),
    ]
    links = pd.DataFrame(rows, columns=["author_id", "link"])
    table, withheld = unknown_domains(links, sources, min_authors=2)
    assert list(table.columns) == ["domain", "posts", "authors"]
    assert table.to_dict("records") == [
        {"domain": "small-org.example.org", "posts": 3, "authors": 3},
        {"domain": "third.example.com", "posts": 3, "authors": 3},
        {"domain": "other-org.example.net", "posts": 2, "authors": 2},
    ]
    assert withheld == 2
    _, none_withheld = unknown_domains(links, sources, min_authors=1)
    assert none_withheld == 0


def test_unknown_domains_ranks_posts_then_authors_then_domain(sources: LinkSources) -> None:
    rows = [("a1", "b.example.org"), ("a1", "b.example.org"), ("a2", "b.example.org"),
            ("a1", "c.example.org"), ("a2", "c.example.org"), ("a3", "c.example.org"),
            ("a1", "a.example.org"), ("a2", "a.example.org"), ("a3", "a.example.org")]
    table, _ = unknown_domains(pd.DataFrame(rows, columns=["author_id", "link"]), sources, min_authors=1)
    assert table["domain"].tolist() == ["a.example.org", "c.example.org", "b.example.org"]


def test_unknown_domains_counts_a_post_once_per_domain(sources: LinkSources) -> None:
    links = pd.DataFrame({"post_id": ["p1", "p1", "p2"], "author_id": ["a1", "a1", "a2"],
                          "link": ["x.example.org/1", "x.example.org/2", "x.example.org"]})
    table, _ = unknown_domains(links, sources, min_authors=1)
    assert table.to_dict("records") == [{"domain": "x.example.org", "posts": 2, "authors": 2}]


def test_unknown_domains_empty(sources: LinkSources) -> None:
    table, withheld = unknown_domains(pd.DataFrame({"author_id": [], "link": []}), sources, min_authors=2)
    assert list(table.columns) == ["domain", "posts", "authors"]
    assert table.empty and withheld == 0
    known = pd.DataFrame({"author_id": ["a1"], "link": ["nih.gov"]})
    table, withheld = unknown_domains(known, sources, min_authors=2)
    assert table.empty and withheld == 0
