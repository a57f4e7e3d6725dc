"""Tests of the fictional demo corpus generator (:mod:`helpers.demo`).

The files are parsed here with the standard library only (json, csv,
zstandard), independently of the package's readers, so that these tests check
the generator against the export formats rather than against our own readers.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import statistics
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import zstandard

from helpers.config import load_config
from helpers.demo import DemoSummary, generate_demo

ROOT = Path(__file__).resolve().parents[2]
N_POSTS = 600
JSON_LINES = (".jsonl", ".ndjson", ".zst")
KNOWLEDGE_TYPES = {"experiential", "mediated_experiential", "medical", "practical", "advocacy", "other"}
MODES = {"one_way", "two_way", "crowd_sourced"}
BAD_KINDS = {"truncated_json", "missing_id", "bad_date", "invalid_utf8", "wrong_type"}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    out = tmp_path_factory.mktemp("demo") / "demo"
    start = time.process_time()
    summary = generate_demo(out, n_posts=N_POSTS)
    summary_seconds = time.process_time() - start
    assert summary_seconds < 10, f"600 posts took {summary_seconds:.1f} s of CPU"
    return out, summary


@pytest.fixture(scope="session")
def truth(demo: tuple[Path, DemoSummary]) -> list[dict[str, str]]:
    return _read_csv(demo[0] / "_truth" / "posts.csv")


@pytest.fixture(scope="session")
def parsed(demo: tuple[Path, DemoSummary]) -> dict[str, dict]:
    """Every export file parsed: record count, ids and texts of readable records."""
    out, summary = demo
    return {name: _parse(out / name) for name in summary.posts_per_file}


# --------------------------------------------------------------------------- parsing helpers


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 30)
    return data


def _parse(path: Path) -> dict:
    """Parse a demo export like a careful reader: one entry per physical record."""
    result: dict = {"records": 0, "unreadable": 0, "ids": [], "texts": {}}
    data = _raw_bytes(path)
    if path.suffix in JSON_LINES:
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                value = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                result["records"] += 1
                result["unreadable"] += 1
                continue
            if "data" in value:  # a twarc2 response page
                for tweet in value["data"]:
                    _add(result, tweet.get("id"), tweet.get("text", ""))
            else:  # one Reddit object
                text = value.get("body", "") or f"{value.get('title', '')}\n\n{value.get('selftext', '')}"
                _add(result, value.get("name"), text)
        return result
    text = data.decode("utf-8", errors="surrogateescape")
    if path.suffix == ".csv":
        for row in csv.DictReader(io.StringIO(text, newline="")):
            url = row["URL"]
            native = f"{row['Facebook Id']}_{url.rsplit('/', 1)[1]}" if url else None
            _add(result, native, row["Message"])
        return result
    document = json.loads(text)
    if document and isinstance(document[0], dict) and "feed" in document[0]:  # Bluesky pages
        for page in document:
            for item in page["feed"]:
                post = item["post"]
                uri = post.get("uri")
                if "reason" in item and uri:
                    _add(result, f"repost:{item['reason']['by']['did']}:{uri}", post["record"]["text"])
                else:
                    _add(result, uri, post["record"]["text"])
        return result
    for status in document:  # Mastodon statuses
        content = status["reblog"]["content"] if status.get("reblog") else status.get("content", "")
        _add(result, status.get("id"), content)
    return result


def _add(result: dict, native_id: str | None, text: str) -> None:
    result["records"] += 1
    if native_id:
        result["ids"].append(native_id)
        result["texts"].setdefault(native_id, text)


def _decoded_content(path: Path) -> str:
    """The file's text with JSON escapes decoded, so planted values can be searched."""
    text = _raw_bytes(path).decode("utf-8", errors="replace")
    if path.suffix in JSON_LINES:
        lines = []
        for line in text.split("\n"):
            try:
                lines.append(json.dumps(json.loads(line), ensure_ascii=False))
            except json.JSONDecodeError:
                lines.append(line)
        return "\n".join(lines)
    return text


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


# --------------------------------------------------------------------------- determinism


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(demo: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    out, _ = demo
    generate_demo(tmp_path / "again", n_posts=N_POSTS)
    first, second = _tree(out), _tree(tmp_path / "again")
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_other_files(demo: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    out, summary = demo
    generate_demo(tmp_path / "other", seed=7, n_posts=N_POSTS)
    first, second = _tree(out), _tree(tmp_path / "other")
    for name in [*summary.posts_per_file, "_truth/posts.csv"]:
        assert first[name] != second[name], name


# --------------------------------------------------------------------------- files and formats


def test_every_input_of_the_study_file_is_written(demo: tuple[Path, DemoSummary]) -> None:
    out, summary = demo
    config = load_config(ROOT / "config" / "study.yml")
    expected = set()
    for org in config.organisations:
        for item in org.inputs:
            relative = Path(item.path).relative_to("demo")
            assert (out / relative).is_file(), relative
            expected.add(str(relative))
    assert set(summary.posts_per_file) == expected
    assert (out / "README.md").read_text(encoding="utf-8").count("fictional") >= 1


def test_every_file_parses_as_its_format(demo: tuple[Path, DemoSummary], parsed: dict[str, dict]) -> None:
    out, summary = demo
    crowdtangle_header = "Page Name,User Name,Facebook Id"
    for name in summary.posts_per_file:
        path = out / name
        if name.endswith(".csv"):
            assert path.read_bytes().startswith(crowdtangle_header.encode())
        if name.endswith(".zst"):
            assert path.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"  # zstandard frame magic
        assert parsed[name]["records"] > 0
    twarc_page = json.loads((out / "sma-uk/twitter_search.jsonl").read_bytes().split(b"\n")[0])
    assert {"data", "includes", "meta", "__twarc"} <= twarc_page.keys()
    tweet = twarc_page["data"][0]
    assert {
        "id",
        "text",
        "author_id",
        "created_at",
        "conversation_id",
        "public_metrics",
        "edit_history_tweet_ids",
    } <= tweet.keys()


def test_records_reconcile_with_ground_truth(
    demo: tuple[Path, DemoSummary], parsed: dict[str, dict], truth: list[dict[str, str]]
) -> None:
    out, summary = demo
    bad = Counter(row["file"] for row in _read_csv(out / "_truth" / "bad_records.csv"))
    duplicate_rows = _read_csv(out / "_truth" / "duplicates.csv")
    dups = Counter(row["file"] for row in duplicate_rows)
    per_file = Counter(row["file"] for row in truth)
    assert len({(row["platform"], row["native_id"]) for row in truth}) == len(truth)
    for name, result in parsed.items():
        assert per_file[name] == summary.posts_per_file[name]
        assert result["records"] == per_file[name] + bad[name] + dups[name], name
        truth_ids = {row["native_id"] for row in truth if row["file"] == name}
        assert truth_ids <= set(result["ids"]), name
        duplicated = {native for native, n in Counter(result["ids"]).items() if n > 1}
        listed = {row["native_id"] for row in duplicate_rows if row["file"] == name}
        assert duplicated == listed, name
    assert abs(sum(per_file.values()) - N_POSTS) < 0.05 * N_POSTS


def test_bad_records_are_really_bad(demo: tuple[Path, DemoSummary]) -> None:
    out, summary = demo
    rows = _read_csv(out / "_truth" / "bad_records.csv")
    assert {row["kind"] for row in rows} == BAD_KINDS
    for name in summary.posts_per_file:
        kinds = {row["kind"] for row in rows if row["file"] == name}
        assert len(kinds) >= 3, name
        if name.endswith(JSON_LINES):
            lines = _raw_bytes(out / name).split(b"\n")
            for row in rows:
                if row["file"] != name:
                    continue
                line = lines[int(row["line"]) - 1]
                if row["kind"] == "truncated_json":
                    with pytest.raises(json.JSONDecodeError):
                        json.loads(line)
                elif row["kind"] == "invalid_utf8":
                    with pytest.raises(UnicodeDecodeError):
                        line.decode("utf-8")


def test_times_are_within_the_study_years(truth: list[dict[str, str]]) -> None:
    times = sorted(row["created_at"] for row in truth)
    assert times[0] >= "2024-01-01T00:00:00Z"
    assert times[-1] <= "2025-12-31T23:59:59Z"


# --------------------------------------------------------------------------- content


def test_rare_disease_day_peak(tmp_path: Path) -> None:
    summary = generate_demo(tmp_path / "peak", n_posts=4000)
    rows = _read_csv(summary.out_dir / "_truth" / "posts.csv")
    per_day = Counter(row["created_at"][:10] for row in rows)
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(731)]
    median = statistics.median(per_day.get(day.isoformat(), 0) for day in days)
    for rdd in (date(2024, 2, 29), date(2025, 2, 28)):
        week = [per_day.get((rdd + timedelta(days=k)).isoformat(), 0) for k in range(-3, 4)]
        assert sum(week) / 7 >= 2 * median, (rdd, week, median)
        assert per_day.get(rdd.isoformat(), 0) >= 3 * median, (rdd, week, median)


def test_dravet_posts_are_in_italian(parsed: dict[str, dict], truth: list[dict[str, str]]) -> None:
    italian = re.compile(r"\b(il|la|di|che|è|per|non|con|una|sono|della|nostra)\b", re.IGNORECASE)
    english = re.compile(r"\b(the|and|with|this|you|our)\b", re.IGNORECASE)
    for org, lang in (("dravet-it", "it"), ("sma-uk", "en"), ("pku-us", "en"), ("fop-au", "en")):
        rows = [row for row in truth if row["org_id"] == org]
        assert {row["lang"] for row in rows} == {lang}
        texts = [_plain(parsed[row["file"]]["texts"][row["native_id"]]) for row in rows]
        texts = [text for text in texts if len(text.split()) >= 6]
        in_italian = sum(bool(italian.search(text)) for text in texts) / len(texts)
        in_english = sum(bool(english.search(text)) for text in texts) / len(texts)
        if lang == "it":
            assert in_italian > 0.9 and in_english < 0.1, (in_italian, in_english)
        else:
            assert in_english > 0.8 and in_italian < 0.3, (org, in_italian, in_english)


def test_all_modes_and_knowledge_types_are_present(truth: list[dict[str, str]]) -> None:
    assert {row["communication_mode"] for row in truth} == MODES
    assert {row["knowledge_type"] for row in truth} == KNOWLEDGE_TYPES
    for org in ("sma-uk", "dravet-it", "pku-us", "fop-au"):
        assert {row["communication_mode"] for row in truth if row["org_id"] == org} == MODES, org
    person = {row["knowledge_type"]: row["narrative_person"] for row in truth}
    assert person["experiential"] == "first"
    assert person["mediated_experiential"] == "third"
    assert person["medical"] == "none"


def test_modes_follow_the_interaction_structure(truth: list[dict[str, str]]) -> None:
    by_scenario: dict[str, list[dict[str, str]]] = {}
    for row in truth:
        by_scenario.setdefault(row["scenario_id"], []).append(row)
    for rows in by_scenario.values():
        roles = {row["author_role"] for row in rows}
        mode = rows[0]["communication_mode"]
        assert {row["communication_mode"] for row in rows} == {mode}
        if mode == "one_way" and "org" in roles:
            assert not any(row["parent_native_id"] for row in rows)  # nobody replies to a broadcast
        if rows[0]["scenario"] == "peer_exchange":
            assert roles == {"public"}


def test_texts_are_varied(parsed: dict[str, dict], truth: list[dict[str, str]]) -> None:
    texts = [parsed[row["file"]]["texts"][row["native_id"]] for row in truth if not row["shared_native_id"]]
    assert len(set(texts)) >= 0.9 * len(texts)
    trigrams: list[tuple[str, ...]] = []
    for text in texts:
        words = re.findall(r"\w+", _plain(text).lower())
        trigrams.extend(zip(words, words[1:], words[2:], strict=False))
    assert len(set(trigrams)) >= 0.5 * len(trigrams)


def test_planted_pii_is_in_the_raw_files(demo: tuple[Path, DemoSummary]) -> None:
    out, summary = demo
    pii = json.loads((out / "_truth" / "planted_pii.json").read_text(encoding="utf-8"))
    # HTML (Mastodon) and Reddit's markdown escape "&" in links: search the unescaped text.
    content = html.unescape("\n".join(_decoded_content(out / name) for name in summary.posts_per_file))
    for key in ("emails", "phones", "person_names", "handles", "display_names", "tracking_urls"):
        assert pii[key], key
    for key in ("emails", "phones", "person_names", "display_names", "tracking_urls"):
        missing = [value for value in pii[key] if value not in content]
        assert missing == [], key
    for account in pii["private_accounts"]:
        handle = account["handle"]
        if account["platform"] == "mastodon":
            handle = handle.split("@")[0]
        assert handle in content, account
    assert any("@" in text and "." in text for text in pii["emails"])


def test_organisation_accounts_match_the_study_file(truth: list[dict[str, str]]) -> None:
    config = load_config(ROOT / "config" / "study.yml")
    org_handles = {
        (row["org_id"], row["platform"], row["author_handle"]) for row in truth if row["author_role"] == "org"
    }
    for org in config.organisations:
        for platform, handles in org.accounts.items():
            if platform == "facebook":
                continue  # CrowdTangle's handle is the page's user name; its name is checked below
            for handle in handles:
                assert (org.id, platform, handle) in org_handles, (org.id, platform, handle)


def test_facebook_pages_carry_the_configured_page_name(demo: tuple[Path, DemoSummary]) -> None:
    out, _ = demo
    config = load_config(ROOT / "config" / "study.yml")
    for org in config.organisations:
        for item in org.inputs:
            if item.path.suffix == ".csv":
                text = (out / Path(item.path).relative_to("demo")).read_bytes().decode("utf-8", "replace")
                rows = list(csv.DictReader(io.StringIO(text, newline="")))
                assert org.accounts["facebook"][0] in {row["Page Name"] for row in rows}


def test_interactions_and_bridges(demo: tuple[Path, DemoSummary], truth: list[dict[str, str]]) -> None:
    out, _ = demo
    interactions = _read_csv(out / "_truth" / "interactions.csv")
    post_ids = {(row["platform"], row["native_id"]) for row in truth}
    assert {row["kind"] for row in interactions} == {"reply", "mention", "share", "quote"}
    for row in interactions:
        assert (row["platform"], row["native_id"]) in post_ids
        assert row["source_author_native_id"] != row["target_author_native_id"]
    accounts = _read_csv(out / "_truth" / "accounts.csv")
    bridges = {row["native_id"] for row in accounts if row["bridge"] == "True"}
    assert bridges
    for native in bridges:
        orgs = {row["org_id"] for row in truth if row["author_native_id"] == native}
        assert orgs == {"sma-uk", "dravet-it"}


def test_replies_whose_parent_is_missing(truth: list[dict[str, str]]) -> None:
    ids = {row["native_id"] for row in truth}
    orphans = [row for row in truth if row["parent_native_id"] and row["parent_native_id"] not in ids]
    platforms = {row["platform"] for row in orphans}
    assert orphans
    assert platforms & {"twitter", "mastodon", "reddit"}


def test_handles_stay_unique_when_every_two_digit_suffix_of_a_name_is_taken() -> None:
    import random

    from helpers.demo_corpus.actors import ActorFactory

    factory = ActorFactory(random.Random(1), ids=None)
    handles = [factory._unique_handle("reddit", "maria_rossi", 20) for _ in range(300)]
    assert len({handle.lower() for handle in handles}) == 300  # 97 random suffixes, then a counter
    assert any(handle.endswith("100") for handle in handles)
