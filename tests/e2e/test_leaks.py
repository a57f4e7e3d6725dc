"""One leak test to rule them (issue 25): plant private identifiers everywhere, run, look everywhere.

A study of five organisations in five export formats plants, in real export
shapes, what real posts hold: handles written bare, in a signature, after
``@`` (also glued to a word), as ``u/name`` in a tweet and through a
zero-width space; display names; e-mail addresses; phone numbers; links
without a scheme; a child's name from the study's names file; and script
payloads in an organisation's name and disease and in an input file's name.
After a full batch, after ``rarevoices forget`` and after the next batch,
every file under the processed folder and the reports (parquet read as
tables, HTML, notebooks, JSON, CSV, GEXF, GraphML, logs, everything else as
bytes) is searched for each of them, and headless Chromium opens every HTML
page and must not run the payloads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.browser import check_page, find_chromium
from tests.studies import PAYLOAD_TITLE, ROSA, run_command


def _searchable(path: Path) -> str:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_string()
    return path.read_bytes().decode("utf-8", "replace")


def _found(folders: list[Path], identifiers: list[str]) -> list[tuple[str, str]]:
    """``(identifier, file)`` for every identifier written as a whole word in any file under ``folders``."""
    names = sorted({name.lower() for name in identifiers}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.@])(" + "|".join(map(re.escape, names)) + r")(?![\w@])")
    hits = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            found = set(pattern.findall(_searchable(path).lower()))
            hits += [(name, str(path)) for name in sorted(found)]
    return hits


def test_the_batch_of_the_fixture_study_runs(leak_study) -> None:
    assert leak_study["batch"].returncode == 0, leak_study["batch"].stderr[-3000:]
    assert len(leak_study["identifiers"]) > 40, "the fixture plants enough people"


def test_no_planted_identifier_reaches_processed_data_or_reports(leak_study) -> None:
    hits = _found([leak_study["processed"], leak_study["reports"]], leak_study["identifiers"])
    assert not hits, hits[:20]


def test_profiles_give_actor_types_and_leave_no_text(leak_study) -> None:
    """Profile descriptions (planted with a word found nowhere else) type their authors by a named
    rule; the word is in no output (the test above), and only type, rule and confidence are kept."""
    accounts = pd.read_parquet(leak_study["processed"] / "accounts.parquet")
    by_rule = accounts[accounts["actor_basis"].str.startswith("profile rule: ")]
    assert set(by_rule["platform"]) >= {"twitter", "reddit", "mastodon"}, by_rule
    assert set(by_rule["actor_type"]) >= {"carer_family", "clinician_researcher"}, by_rule
    assert (by_rule["actor_confidence"] > 0).all()
    orgs = accounts[accounts["is_org"]]
    assert (orgs["actor_type"] == "study_organisation").all() and len(orgs) > 0
    assert set(accounts.columns) >= {"actor_type", "actor_basis", "actor_confidence"}


def test_no_private_persons_post_is_quoted_in_any_report(leak_study) -> None:
    posts = pd.read_parquet(leak_study["processed"] / "posts.parquet")
    windows = {text[i:i + 40] for text in posts.loc[posts["author_role"] == "public", "text"]
               for i in range(0, max(len(text) - 40, 0), 20) if len(text) >= 60}
    for path in leak_study["reports"].rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".log", ".json"):
            text = path.read_text(errors="replace")
            quoted = [window for window in windows if window in text]
            assert not quoted, (path, quoted[:3])


def test_no_payload_runs_in_any_page(leak_study) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (make setup installs Debian's package where it can)")
    pages = sorted(leak_study["reports"].rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        check = check_page(chromium, page)
        assert check.title != PAYLOAD_TITLE, f"a payload ran in {page}"
        assert not check.broken_images, (page, check.broken_images)


def test_after_forget_and_the_next_batch_the_person_is_nowhere(leak_study) -> None:
    study, processed, reports = leak_study["study"], leak_study["processed"], leak_study["reports"]
    posts = pd.read_parquet(processed / "posts.parquet")
    before = set(posts["author_id"])
    done = run_command("forget", "twitter", ROSA, "--config", str(study))
    assert done.returncode == 0, done.stderr
    erased = before - set(pd.read_parquet(processed / "posts.parquet")["author_id"])
    assert len(erased) == 1
    pseudonym = erased.pop()
    assert not _found([processed, reports], [pseudonym]), "forget removed the pseudonym everywhere"
    again = run_command("batch", "--config", str(study), "--workers", "2", "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    assert not _found([processed, reports], [pseudonym, *leak_study["identifiers"]])
    index = (reports / "index.html").read_text()
    assert 'id="erasure-pending"' not in index, "the next batch renders the reports again"


def test_the_reviewer_bundle_holds_only_reviewer_pages(leak_study) -> None:
    bundle = leak_study["reports"] / "reviewer"
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    assert "index.html" in files and any(name.endswith("/report.html") for name in files)
    def reviewer_file(name: str) -> bool:
        parts = name.split("/")
        return (name == "index.html" or name.endswith("/report.html")
                or (parts[0] == "methods" and name.endswith(".html"))  # the methods the reports link to
                or (parts[-2:-1] == ["assets"] and parts[-1] == "plotly.min.js"))

    assert all(reviewer_file(name) for name in files), [name for name in files if not reviewer_file(name)]
    assert not any(name.endswith((".ipynb", ".log", ".json", ".parquet")) for name in files)
    index = (bundle / "index.html").read_text()
    assert "report_full" not in index and ".ipynb" not in index and "run.log" not in index
