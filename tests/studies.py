"""Small studies of real shapes, built with ``rarevoices init`` outside the repository and batched once
per test session: the study-shape tests (tests/e2e/test_study_shapes.py), the leak test
(tests/e2e/test_leaks.py) and the all-pages browser test (tests/e2e/test_report_pages.py) share them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from helpers.cli import main
from helpers.handles import name_variants
from tests.shapes import FORMATS, ShapePost, display_name, file_name, synthetic_posts, write_export

RAREVOICES = Path(sys.executable).parent / "rarevoices"


@dataclass
class OrgShape:
    """One organisation of a shape study: what its exports look like."""

    org_id: str
    fmt: str
    posts: int = 50
    seed: int = 7
    accounts: bool = True
    language: str = "en"
    options: dict = field(default_factory=dict)
    short_texts: bool = False  # every post under the topic model's 5 words


@dataclass
class StudyShape:
    """A whole study: its organisations, and what its reports must say."""

    name: str
    orgs: list[OrgShape]


FORMAT_ALONE = [
    StudyShape(f"only-{fmt}", [OrgShape("solo", fmt, accounts=fmt not in ("pushshift", "table"),
                                        language="fi" if fmt == "table" else "en")])
    for fmt in FORMATS
]
"""Each of the ten input formats as the only input of a one-organisation study; the Pushshift and
forum studies are community studies (no accounts of their own), and the forum writes Finnish (a
whole study in a language with no lexicon)."""

DEGENERATE = StudyShape("degenerate-orgs", [
    OrgShape("no-engagement", "twarc2", posts=60, seed=11,
             options={"zero_engagement": ("likes", "shares", "replies"), "reply_share": 0.0,
                      "share_share": 0.0, "mention_share": 0.0}),
    OrgShape("tiny", "mastodon", posts=12, seed=12),
    OrgShape("short-posts", "bluesky", posts=40, seed=13, short_texts=True),
    OrgShape("finnish", "pushshift", posts=40, seed=14, accounts=False, language="fi"),
])
"""Several organisations, no account in two of them: no engagement and no replies at all, fewer than
30 posts, every post filtered out of the topic model, and posts in a language with no lexicon."""

SHAPES = {shape.name: shape for shape in [*FORMAT_ALONE, DEGENERATE]}


def build_study(root: Path, shape: StudyShape) -> Path:
    """Write a study folder for ``shape`` with ``rarevoices init`` and exports in real formats."""
    assert main(["init", str(root), "--name", f"Shape {shape.name}"]) == 0
    study_file = root / "config" / "study.yml"
    data = yaml.safe_load(study_file.read_text())
    data["privacy"]["secret_file"] = str(root.parent / f"{root.name}.key")
    data["organisations"] = [_write_org(root, org) for org in shape.orgs]
    study_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return study_file


def _write_org(root: Path, org: OrgShape) -> dict:
    platform = FORMATS[org.fmt]
    options = {"org_handle": f"{org.org_id.replace('-', '')}Org" if org.accounts else None, **org.options}
    posts = synthetic_posts(org.posts, platform=platform, seed=org.seed, language=org.language, **options)
    if org.short_texts:
        posts = [replace(post, text=" ".join(post.text.split()[:3]), hashtags=[], urls=[], mentions=[])
                 for post in posts]
    relative = Path(org.org_id) / file_name(org.fmt)
    entry = {"path": relative.as_posix(), **write_export(org.fmt, root / "data" / "raw" / relative, posts)}
    accounts = {}
    if org.accounts:
        handles = {post.author_handle for post in posts if post.author_handle.lower().startswith(
            org.org_id.replace("-", "").lower())}
        accounts = {platform if platform != "forum" else "forum": sorted(handles)}
    return {"id": org.org_id, "name": f"Org {org.org_id}", "disease": "Test disease", "country": "GB",
            "language": org.language, "accounts": accounts, "inputs": [entry]}


def run_batch_cli(study_file: Path) -> int:
    """``rarevoices batch`` on a study, as a user runs it (its own process); the exit code."""
    done = subprocess.run([str(RAREVOICES), "batch", "--config", str(study_file), "--workers", "2",
                           "--no-progress"], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    (study_file.parent.parent / "batch.log").write_text(done.stdout + done.stderr)
    return done.returncode


@pytest.fixture(scope="session")
def shape_batches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    """Every shape built and batched once: name -> (study file, exit code).

    Two batches run at a time: much of a tiny batch is one process starting up
    (imports, the embedding model), which leaves the second CPU idle.
    """
    studies = {name: build_study(tmp_path_factory.mktemp("shapes") / name, shape)
               for name, shape in SHAPES.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = dict(zip(studies, pool.map(run_batch_cli, studies.values()), strict=True))
    return {name: (studies[name], codes[name]) for name in studies}


@pytest.fixture(scope="session")
def empty_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A study folder straight from ``rarevoices init``, batched as it is (no exports yet)."""
    root = tmp_path_factory.mktemp("shapes") / "fresh"
    assert main(["init", str(root)]) == 0
    study_file = root / "config" / "study.yml"
    data = yaml.safe_load(study_file.read_text())
    data["privacy"]["secret_file"] = str(root.parent / "fresh.key")
    study_file.write_text(yaml.safe_dump(data, sort_keys=False))
    return study_file, run_batch_cli(study_file)


# --------------------------------------------------------------------------- the leak study (issue 25)

PAYLOAD_TITLE = "PWNED"
PAYLOAD = f"<img src=x onerror=\"document.title='{PAYLOAD_TITLE}'\">"
WHEN = datetime(2024, 2, 20, 10, tzinfo=UTC)

# The planted private people (handle and the display name the writers give it) and what they write.
ROSA, IGNATIUS, QUENTIN = "rosa_delgado", "ignatius_fenwick", "quentin_marlowe"
BEATRIX = "beatrix_holloway@health.community"
EMAIL, PHONE, LINK_PATH = "ignatius.f@example.org", "+44 7700 900123", "ignatius.fenwick.42"
CHILD = "Cordelia Ashgrove"  # in the names file: a name no account carries
PROFILE_WORD = "Quokkafield"  # only in profile descriptions, which are read for actor types and never written
PLANTED = [ROSA, "Rosa Delgado", IGNATIUS, "Ignatius Fenwick", QUENTIN, "beatrix_holloway",
           "Beatrix Holloway", CHILD, EMAIL, "7700 900123", LINK_PATH, PROFILE_WORD]
PROFILES = {ROSA: f"Mum of two from {PROFILE_WORD}, tea and low-protein baking",
            QUENTIN: f"PKU dad ({PROFILE_WORD})",
            BEATRIX: f"Paediatric nurse at {PROFILE_WORD} General. Views my own."}


def _planted_tweets() -> list[ShapePost]:
    return [
        ShapePost("1760000000000000001", ROSA, "9001", WHEN,
                  "Day three of the new diet went well. - rosa_delgado", author_profile=PROFILES[ROSA]),
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
                  "Low protein bread that works for us. - quentin_marlowe", author_profile=PROFILES[QUENTIN]),
        ShapePost("t1_plant2", "kestrel_vane9", "t2_plant2", WHEN + timedelta(hours=1),
                  "Has anyone heard from rosa\u200b_delgado lately? Ignatius Fenwick said she moved.",
                  parent_id="t3_plant1", parent_author_handle=QUENTIN, parent_author_native_id="t2_plant1",
                  thread_id="t3_plant1"),
    ]


def _planted_toots() -> list[ShapePost]:
    return [ShapePost("9900001", BEATRIX, "7701", WHEN,
                      "The physio tips from Rosa Delgado helped our family.",
                      author_profile=PROFILES[BEATRIX]),
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


def run_command(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RAREVOICES), *command], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})


@pytest.fixture(scope="session")
def leak_study(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("leak") / "study"
    study_file, identifiers = _build(root)
    first = run_command("batch", "--config", str(study_file), "--workers", "2", "--no-progress")
    data = yaml.safe_load(study_file.read_text())
    return {"study": study_file, "identifiers": identifiers, "batch": first,
            "processed": root / data["processed_dir"], "reports": root / data["reports_dir"]}
