"""The demo corpus plants actor types, bios that follow them, link source types and gatekeepers.

The files are read with the standard library only, as in tests/integration/test_demo.py, so that
the generator is checked against the export formats, not against the package's readers.  The truth
(``_truth/accounts.csv``: actor_type, bio_reveals, gatekeeper; ``_truth/posts.csv``: source_types,
links) is the generator's choice; the word lists below only check that the files agree with it.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zstandard

from helpers.demo import generate_demo
from helpers.demo_corpus.model import ACTOR_TYPES, SOURCE_TYPES

N_POSTS = 4000
PERSON_KINDS = {"patient", "parent", "carer", "sibling", "grandparent", "advocate"}
TWITTER_FILES = ("sma-uk/twitter_search.jsonl", "dravet-it/twitter_search.jsonl")
# Words by which a reader sees the actor type in a revealing bio (English and Italian).
REVEALING = {
    "patient": (
        "living with", "adult with", "diagnosed", "i have", "patient", "vivo con", "paziente", "ho la",
    ),
    "carer_family": (
        "mum", "dad", "parent", "carer", "sister", "brother", "sibling", "nana", "grandad", "mamma",
        "papà", "caregiver", "sorella", "fratello", "nonna", "nonno", "genitore", "family",
    ),
}  # fmt: skip
ROLE_WORDS = re.compile(
    r"neurolog|physio|endocrin|neuropsichiatra|medico|clinician|research|lab|laborator|ricerca|journalist|"
    r"giornalista|correspondent|reporter|news|quotidiano|official|ufficiale|agency|agenzia|biotech|charity|"
    r"alliance|associazione|rete",
    re.IGNORECASE,
)
OWN_SOURCE = {"media": "news", "public_body": "regulator_public_health", "industry": "commercial_pharma"}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _json_lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 30)
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(json.loads(line.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # the planted bad lines
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-sources") / "demo"
    generate_demo(out, n_posts=N_POSTS)
    return out


@pytest.fixture(scope="module")
def accounts(demo: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(row["platform"], row["native_id"]): row for row in _read_csv(demo / "_truth" / "accounts.csv")}


@pytest.fixture(scope="module")
def posts(demo: Path) -> list[dict[str, str]]:
    return _read_csv(demo / "_truth" / "posts.csv")


@pytest.fixture(scope="module")
def twitter(demo: Path) -> dict[str, dict]:
    """Users (id -> description, per file) and tweets (id -> tweet) of the twarc2 files."""
    users: dict[str, dict[str, str]] = {}
    tweets: dict[str, dict] = {}
    for name in TWITTER_FILES:
        for page in _json_lines(demo / name):
            for user in page["includes"]["users"]:
                if "description" in user:
                    users.setdefault(user["id"], {})[name] = user["description"]
            for tweet in [*page["data"], *page["includes"].get("tweets", [])]:
                if isinstance(tweet.get("id"), str):
                    tweets.setdefault(tweet["id"], tweet)
    return {"users": users, "tweets": tweets}


# --------------------------------------------------------------------------- actors


def test_every_actor_type_is_planted(accounts: dict) -> None:
    assert set(ACTOR_TYPES) - {"unknown"} <= {row["actor_type"] for row in accounts.values()}
    assert {row["actor_type"] for row in accounts.values()} <= set(ACTOR_TYPES)
    expected = {"patient": "patient", "parent": "carer_family", "carer": "carer_family",
                "sibling": "carer_family", "grandparent": "carer_family", "clinician": "clinician_researcher",
                "researcher": "clinician_researcher", "peer_org": "peer_organisation",
                "family_page": "carer_family", "media": "media", "public_body": "public_body",
                "industry": "industry", "org": "study_organisation"}  # fmt: skip
    for row in accounts.values():
        if row["kind"] == "advocate":
            assert row["actor_type"] in {"patient", "carer_family"}
        else:
            assert row["actor_type"] == expected[row["kind"]], row
    advocates = Counter(row["actor_type"] for row in accounts.values() if row["kind"] == "advocate")
    assert advocates["patient"] and advocates["carer_family"]
    # The new voices exist per organisation, on its platforms with public accounts.
    voices = {(row["org_ids"], row["platform"], row["kind"]) for row in accounts.values()
              if row["kind"] in OWN_SOURCE}  # fmt: skip
    for org, platform in (("sma-uk", "twitter"), ("dravet-it", "twitter"), ("fop-au", "mastodon"),
                          ("pku-us", "reddit"), ("pku-us", "bluesky")):  # fmt: skip
        assert {kind for o, p, kind in voices if (o, p) == (org, platform)} >= {"media", "industry"}, org


def test_twitter_bios_follow_the_planted_kind(accounts: dict, twitter: dict) -> None:
    people: Counter[str] = Counter()
    for user_id, by_file in twitter["users"].items():
        row = accounts[("twitter", user_id)]
        assert len(set(by_file.values())) == 1, row  # a bridging person has one bio in both files
        bio = next(iter(by_file.values())).lower()
        assert row["bio_reveals"] in {"true", "false", "misleading"}
        if row["kind"] not in PERSON_KINDS:
            assert row["bio_reveals"] == "true"
            if row["kind"] != "org":
                assert ROLE_WORDS.search(bio), (row["kind"], bio)
            continue
        people[row["bio_reveals"]] += 1
        own = REVEALING[row["actor_type"]]
        if row["bio_reveals"] == "true":
            assert any(word in bio for word in own), (row["kind"], row["actor_type"], bio)
        elif row["bio_reveals"] == "false":
            assert not any(word in bio for words in REVEALING.values() for word in words), bio
    total = sum(people.values())
    assert total > 150
    assert abs(people["true"] / total - 0.70) < 0.08, people
    assert abs(people["false"] / total - 0.20) < 0.07, people
    assert abs(people["misleading"] / total - 0.10) < 0.05, people


def test_mastodon_notes_and_reddit_flairs_carry_the_profile(demo: Path, accounts: dict) -> None:
    statuses = json.loads((demo / "fop-au/mastodon_statuses.json").read_bytes().decode("utf-8", "replace"))
    notes = {s["account"]["id"]: s["account"]["note"] for s in statuses if isinstance(s.get("account"), dict)}
    for account_id, note in notes.items():
        row = accounts.get(("mastodon", account_id))
        if row is None:
            continue  # the author of a planted bad record only
        assert row["bio_reveals"] in {"true", "false", "misleading"}
        if row["kind"] in OWN_SOURCE:
            assert ROLE_WORDS.search(html.unescape(note)), note
    flairs: dict[str, str | None] = {}
    for name in ("pku-us/r_pku_submissions.ndjson.zst", "pku-us/r_pku_comments.ndjson"):
        for record in _json_lines(demo / name):
            if "author_fullname" in record and "name" in record:
                flairs[record["author_fullname"]] = record.get("author_flair_text")
    known = [accounts[("reddit", a)] for a in flairs if ("reddit", a) in accounts]  # not bad records' authors
    people = [row for row in known if row["kind"] in PERSON_KINDS]
    with_flair = [row for row in people if flairs[row["native_id"]]]
    assert 0.15 < len(with_flair) / len(people) < 0.45
    for row in people:
        assert (row["bio_reveals"] == "") == (flairs[row["native_id"]] is None), row
        assert len(flairs[row["native_id"]] or "") <= 30
    experts = [row for row in accounts.values() if row["platform"] == "reddit" and row["kind"] in
               ("clinician", "researcher", "media", "industry") and row["native_id"] in flairs]  # fmt: skip
    assert experts and all(flairs[row["native_id"]] for row in experts)


# --------------------------------------------------------------------------- sources


def test_every_source_type_is_planted_with_its_domains(posts: list[dict[str, str]]) -> None:
    seen = Counter(kind for row in posts for kind in row["source_types"].split(";") if kind)
    assert set(seen) == set(SOURCE_TYPES), seen
    for row in posts:
        kinds = [k for k in row["source_types"].split(";") if k]
        domains = [d for d in row["links"].split(";") if d]
        assert len(kinds) == len(domains), row
        for kind, domain in zip(kinds, domains, strict=True):
            assert (kind == "shortened") == (domain == "bit.ly"), row
    links = sum(seen.values())
    assert 0.02 < seen["shortened"] / links < 0.09, seen
    # Invented sites of outlets and companies are planted with their type.
    typed = {(d, k) for row in posts for d, k in zip(row["links"].split(";"), row["source_types"].split(";"),
                                                      strict=True)}  # fmt: skip
    outlets = {"northernvoice-news.co.uk", "corrierevaldoria.it", "southerncrosshealthwire.com.au",
               "midwesthealthdesk.com"}  # fmt: skip
    assert {(domain, "news") for domain in outlets} & typed
    assert any(k == "commercial_pharma" and d.endswith((".com", ".it")) for d, k in typed)


def test_shortened_links_have_no_expansion_in_the_twitter_export(
    posts: list[dict[str, str]], twitter: dict
) -> None:
    rows = [row for row in posts if row["platform"] == "twitter" and not row["shared_native_id"]]
    shortened = 0
    for row in rows:
        tweet = twitter["tweets"][row["native_id"]]
        expanded = [
            item["expanded_url"]
            for item in tweet.get("entities", {}).get("urls", [])
            if "twitter.com/" not in item["expanded_url"]  # the permalink of a quoted tweet
        ]
        domains = [urlsplit(url).hostname.removeprefix("www.") for url in expanded]
        assert domains == [d for d in row["links"].split(";") if d], (row, expanded)
        for item in tweet.get("entities", {}).get("urls", []):
            if urlsplit(item["expanded_url"]).hostname == "bit.ly":
                shortened += 1
                assert item["display_url"].startswith("bit.ly/")
    assert shortened > 0


def test_outside_voices_post_mostly_their_own_kind_of_source(
    posts: list[dict[str, str]], accounts: dict
) -> None:
    per_kind: dict[str, Counter[str]] = {kind: Counter() for kind in OWN_SOURCE}
    for row in posts:
        account = accounts[(row["platform"], row["author_native_id"])]
        if account["kind"] in OWN_SOURCE and not row["shared_native_id"]:
            per_kind[account["kind"]].update(k for k in row["source_types"].split(";") if k)
    own = total = 0
    for kind, counts in per_kind.items():
        links = sum(counts.values()) - counts["shortened"]  # a shortened link hides its type
        assert links >= 3, (kind, counts)
        assert counts[OWN_SOURCE[kind]] / links >= 0.5, (kind, counts)
        own, total = own + counts[OWN_SOURCE[kind]], total + links
    assert own / total >= 0.75, per_kind
    clinicians: Counter[str] = Counter()
    for row in posts:
        account = accounts[(row["platform"], row["author_native_id"])]
        if account["actor_type"] == "clinician_researcher" and not row["shared_native_id"]:
            clinicians.update(k for k in row["source_types"].split(";") if k)
    assert clinicians["medical_scientific"] / sum(clinicians.values()) >= 0.6, clinicians


# --------------------------------------------------------------------------- gatekeeping


def test_gatekeepers_pass_experts_medical_posts_on_to_patients(
    demo: Path, posts: list[dict[str, str]], accounts: dict
) -> None:
    by_id = {(row["platform"], row["native_id"]): row for row in posts}
    interactions = _read_csv(demo / "_truth" / "interactions.csv")
    keepers = {key for key, row in accounts.items() if row["gatekeeper"] == "True"}
    for key in keepers:
        row = accounts[key]
        assert row["kind"] in {"advocate", "carer", "parent", "grandparent"}, row
        assert row["bridge"] == "False"
    passed: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for edge in interactions:
        source = (edge["platform"], edge["source_author_native_id"])
        target = (edge["platform"], edge["target_author_native_id"])
        post = by_id[(edge["platform"], edge["native_id"])]
        if source in keepers and edge["kind"] in ("share", "quote"):
            original_id = post["shared_native_id"] or post["quoted_native_id"]
            original = by_id.get((edge["platform"], original_id))
            if accounts[target]["actor_type"] in ("clinician_researcher", "public_body") and original and \
                    original["knowledge_type"] == "medical":  # fmt: skip
                passed[post["org_id"]] += 1
        answer = target in keepers and edge["kind"] == "reply" and post["scenario"] == "gatekeeping"
        if answer and accounts[source]["actor_type"] in ("patient", "carer_family") and source not in keepers:
            answered[post["org_id"]] += 1
    for org in ("sma-uk", "dravet-it"):
        assert passed[org] > 0, passed
        assert answered[org] > 0, answered
    organisation_shares = [
        row for row in posts if row["scenario"] == "gatekeeping" and row["author_role"] == "org"
    ]
    assert organisation_shares
    planted = {r["communication_mode"] for r in posts if r["scenario"] in ("gatekeeping", "source_post")}
    assert planted == {"crowd_sourced"}


def test_the_source_material_is_a_few_per_cent(posts: list[dict[str, str]]) -> None:
    added = sum(row["scenario"] in ("gatekeeping", "source_post") for row in posts)
    assert 0.01 < added / len(posts) < 0.08, added


# --------------------------------------------------------------------------- determinism


def test_new_truth_columns_are_deterministic(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_demo(again, n_posts=N_POSTS)
    for name in ("posts.csv", "accounts.csv"):
        assert (demo / "_truth" / name).read_bytes() == (again / "_truth" / name).read_bytes(), name
    other = tmp_path / "other"
    generate_demo(other, seed=11, n_posts=N_POSTS)
    first = [row["source_types"] for row in _read_csv(demo / "_truth" / "posts.csv")]
    second = [row["source_types"] for row in _read_csv(other / "_truth" / "posts.csv")]
    assert first != second
