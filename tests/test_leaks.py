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

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.handles import name_variants
from tests.browser import check_page, find_chromium
from tests.shapes import ShapePost, display_name, file_name, synthetic_posts, write_export

RAREVOICES = Path(sys.executable).parent / "rarevoices"
PAYLOAD_TITLE = "PWNED"
PAYLOAD = f"<img src=x onerror=\"document.title='{PAYLOAD_TITLE}'\">"
WHEN = datetime(2024, 2, 20, 10, tzinfo=UTC)

# The planted private people (handle and the display name the writers give it) and what they write.
ROSA, IGNATIUS, QUENTIN = "rosa_delgado", "ignatius_fenwick", "quentin_marlowe"
BEATRIX = "beatrix_holloway@health.community"
EMAIL, PHONE, LINK_PATH = "ignatius.f@example.org", "+44 7700 900123", "ignatius.fenwick.42"
CHILD = "Cordelia Ashgrove"  # in the names file: a name no account carries
PLANTED = [ROSA, "Rosa Delgado", IGNATIUS, "Ignatius Fenwick", QUENTIN, "beatrix_holloway",
           "Beatrix Holloway", CHILD, EMAIL, "7700 900123", LINK_PATH]


def _planted_tweets() -> list[ShapePost]:
    return [
        ShapePost("1760000000000000001", ROSA, "9001", WHEN,
                  "Day three of the new diet went well. - rosa_delgado"),
        ShapePost("1760000000000000002", IGNATIUS, "9002", WHEN + timedelta(hours=1),
                  f"Thanks rosa_delgado and thanks@rosa_delgado for the recipe, Rosa Delgado is a star. "
                  f"Mail me at {EMAIL} or call {PHONE}, see facebook.com/{LINK_PATH} and ask "
                  f"u/{QUENTIN} too."),
        ShapePost("1760000000000000003", IGNATIUS, "9002", WHEN + timedelta(hours=2),
                  "Our daughter Cordelia Ashgrove starts the trial next week, wish us luck everyone."),
    ]


def _planted_comments() -> list[ShapePost]:
    return [
        ShapePost("t3_plant1", QUENTIN, "t2_plant1", WHEN,
                  "Low protein bread that works for us. - quentin_marlowe"),
        ShapePost("t1_plant2", "kestrel_vane9", "t2_plant2", WHEN + timedelta(hours=1),
                  "Has anyone heard from rosa\u200b_delgado lately? Ignatius Fenwick said she moved.",
                  parent_id="t3_plant1", parent_author_handle=QUENTIN, parent_author_native_id="t2_plant1",
                  thread_id="t3_plant1"),
    ]


def _planted_toots() -> list[ShapePost]:
    return [ShapePost("9900001", BEATRIX, "7701", WHEN,
                      "The physio tips from Rosa Delgado helped our family."),
            ShapePost("9900002", "other_user@mastodon.social", "7702", WHEN + timedelta(hours=1),
                      "Beatrix Holloway, thank you for sharing your diagnosis story with us.")]


ORGS = [
    # org id, format, platform posts, planted posts, org handle (None: a community)
    ("pay-load", "twarc2", "twitter", _planted_tweets, "PayloadOrg"),
    ("reddit-com", "pushshift", "reddit", _planted_comments, None),
    ("masto", "mastodon", "mastodon", _planted_toots, "MastoOrg"),
    ("blue", "bluesky", "bluesky", lambda: [], "BlueOrg"),
    ("forum", "table", "forum", lambda: [], None),
]


def _build(root: Path) -> tuple[Path, list[str]]:
    """The fixture study; returns its study file and every private identifier it holds."""
    assert subprocess.run([str(RAREVOICES), "init", str(root)], capture_output=True).returncode == 0
    study_file = root / "config" / "study.yml"
    data = yaml.safe_load(study_file.read_text())
    (root / "names.txt").write_text(f"# people named in posts, with no account\n{CHILD}\n")
    data["privacy"].update(secret_file=str(root.parent / "leak.key"),
                           person_names_file=str(root / "names.txt"), min_group_size=2)
    identifiers, organisations = set(PLANTED), []
    for index, (org_id, fmt, platform, planted, org_handle) in enumerate(ORGS):
        posts = synthetic_posts(40, platform=platform, seed=40 + index, org_handle=org_handle) + planted()
        if org_id == "forum":
            posts.append(replace(posts[0], native_id="999999", text=f"Our daughter {CHILD} loves the forum."))
        private = {post.author_handle for post in posts if org_handle is None
                   or not post.author_handle.lower().startswith(org_handle.lower())}
        identifiers |= {variant for handle in private for variant in name_variants(platform, handle)}
        identifiers |= {name for name in map(display_name, private)
                        if len(name.split()) > 1 and all(len(word) > 2 for word in name.split())}
        name = (f"{PAYLOAD.replace('/', '')}.{file_name(fmt).rsplit('.', 1)[1]}" if org_id == "pay-load"
                else file_name(fmt))
        written = write_export(fmt, root / "data" / "raw" / org_id / name, posts)
        entry = {"path": f"{org_id}/{name}", **written}
        handles = sorted({post.author_handle for post in posts if org_handle
                          and post.author_handle.lower().startswith(org_handle.lower())})
        organisations.append({
            "id": org_id, "name": PAYLOAD if org_id == "pay-load" else f"Org {org_id}",
            "disease": "[click](javascript:document.title='PWNED')" if org_id == "pay-load" else "A disease",
            "country": "GB", "language": "en",
            "accounts": {platform: handles} if handles else {}, "inputs": [entry]})
    data["organisations"] = organisations
    study_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return study_file, sorted(identifiers)


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RAREVOICES), *command], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})


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


@pytest.fixture(scope="module")
def leak_study(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("leak") / "study"
    study_file, identifiers = _build(root)
    first = _run("batch", "--config", str(study_file), "--workers", "2", "--no-progress")
    data = yaml.safe_load(study_file.read_text())
    return {"study": study_file, "identifiers": identifiers, "batch": first,
            "processed": root / data["processed_dir"], "reports": root / data["reports_dir"]}


def test_the_batch_of_the_fixture_study_runs(leak_study) -> None:
    assert leak_study["batch"].returncode == 0, leak_study["batch"].stderr[-3000:]
    assert len(leak_study["identifiers"]) > 40, "the fixture plants enough people"


def test_no_planted_identifier_reaches_processed_data_or_reports(leak_study) -> None:
    hits = _found([leak_study["processed"], leak_study["reports"]], leak_study["identifiers"])
    assert not hits, hits[:20]


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
    done = _run("forget", "twitter", ROSA, "--config", str(study))
    assert done.returncode == 0, done.stderr
    erased = before - set(pd.read_parquet(processed / "posts.parquet")["author_id"])
    assert len(erased) == 1
    pseudonym = erased.pop()
    assert not _found([processed, reports], [pseudonym]), "forget removed the pseudonym everywhere"
    again = _run("batch", "--config", str(study), "--workers", "2", "--no-progress")
    assert again.returncode == 0, again.stderr[-3000:]
    assert not _found([processed, reports], [pseudonym, *leak_study["identifiers"]])
    index = (reports / "index.html").read_text()
    assert 'id="erasure-pending"' not in index, "the next batch renders the reports again"


def test_the_reviewer_bundle_holds_only_reviewer_pages(leak_study) -> None:
    bundle = leak_study["reports"] / "reviewer"
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    assert "index.html" in files and any(name.endswith("/report.html") for name in files)
    assert all(name == "index.html" or name.endswith("/report.html") for name in files), files
    index = (bundle / "index.html").read_text()
    assert "report_full" not in index and ".ipynb" not in index and "run.log" not in index
