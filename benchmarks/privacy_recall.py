"""What each name-scrubbing setting removes, on a hand-labelled fixture of fictional posts.

Run: .venv/bin/python benchmarks/privacy_recall.py [--ner-pipeline en_core_web_sm]

The fixture (tests/fixtures/privacy/named_posts.json) holds posts whose every
name of a private person is labelled: handles written with and without ``@``,
in signatures and through a zero-width space; display names of the study's
accounts; first names alone; names of people without an account (a child, a
doctor, a spouse). The posts are ingested as a Mastodon export (whose accounts
carry handles and display names) under each setting, and for each labelled
name we check whether it is still written in the processed text (whole word,
any case). A false alarm is a replacement in a post with no labelled name.

Settings: ``mentions``: only ``@name`` and ``u/name`` (the scrubbing before
known names); ``known names`` (the default): every handle and display name the
study saw; ``+ names file``: and ``privacy.person_names_file``; ``+ ner``: and
a spaCy pipeline (only when ``--ner-pipeline`` names an installed one).
Results go to benchmarks/results/privacy_recall.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "fixtures" / "privacy" / "named_posts.json"


def write_statuses(path: Path, fixture: dict) -> None:
    """The fixture's posts as Mastodon API statuses (accounts with their display names)."""
    accounts = {a["handle"]: {"id": str(100 + i), "username": a["handle"], "acct": a["handle"],
                              "display_name": a["display_name"],
                              "url": f"https://health.community/@{a['handle']}"}
                for i, a in enumerate(fixture["accounts"])}
    statuses = []
    for i, post in enumerate(fixture["posts"]):
        statuses.append({"id": str(5000 + i), "created_at": f"2024-03-{1 + i % 28:02d}T10:00:00.000Z",
                         "content": f"<p>{post['text']}</p>", "account": accounts[post["author"]],
                         "in_reply_to_id": None, "in_reply_to_account_id": None, "reblog": None,
                         "mentions": [], "tags": [], "language": "en", "favourites_count": 0,
                         "reblogs_count": 0, "replies_count": 0, "visibility": "public",
                         "uri": f"https://health.community/users/x/statuses/{5000 + i}",
                         "url": f"https://health.community/@x/{5000 + i}", "spoiler_text": "",
                         "sensitive": False})
    path.write_text(json.dumps(statuses))


def measure(fixture: dict, setting: str, ner_pipeline: str | None) -> dict:
    """Ingest the fixture under one setting; recall of the labelled names and false alarms."""
    from helpers.config import load_config
    from helpers.ingest import pipeline

    root = Path(tempfile.mkdtemp())
    (root / "raw").mkdir()
    write_statuses(root / "raw" / "statuses.json", fixture)
    (root / "names.txt").write_text("\n".join(fixture["names_file"]) + "\n")
    privacy = {"secret_file": str(root / "key"), "min_group_size": 2}
    if setting in ("+ names file", "+ ner"):
        privacy["person_names_file"] = str(root / "names.txt")
    if setting == "+ ner":
        privacy.update(scrub_person_names="ner", ner_pipeline=ner_pipeline)
    (root / "config").mkdir()
    (root / "config" / "study.yml").write_text(yaml.safe_dump({
        "name": "recall", "raw_dir": "raw", "processed_dir": "processed", "privacy": privacy,
        "organisations": [{"id": "org", "name": "Org", "disease": "PKU", "country": "GB", "language": "en",
                           "inputs": [{"path": "statuses.json", "format": "mastodon"}]}]}))
    config = load_config(root / "config" / "study.yml")
    real = pipeline.scrub_known_names
    if setting == "mentions":  # the scrubbing before this round: @name and u/name only
        pipeline.scrub_known_names = lambda frames, known: set()
    try:
        started = time.perf_counter()
        posts = pd.read_parquet(pipeline.ingest_study(config, progress=False).tables["posts"])
        seconds = time.perf_counter() - started
    finally:
        pipeline.scrub_known_names = real
    texts = posts.sort_values("source_line")["text"].tolist()
    labelled = kept = false_alarms = 0
    missed = []
    for post, text in zip(fixture["posts"], texts, strict=True):
        for name in post["names"]:
            labelled += 1
            visible = name.replace("\u200b", "")
            if re.search(r"(?<!\w)" + re.escape(visible.lower()) + r"(?!\w)", text.lower()):
                kept += 1
                missed.append(name)
        if not post["names"] and text != post["text"]:
            false_alarms += 1
    without_names = sum(not post["names"] for post in fixture["posts"])
    return {"setting": setting, "labelled_names": labelled, "removed": labelled - kept,
            "recall": round((labelled - kept) / labelled, 3), "posts_without_names": without_names,
            "false_alarms": false_alarms, "missed": missed, "seconds": round(seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner-pipeline", help="an installed spaCy pipeline, e.g. en_core_web_sm")
    args = parser.parse_args()
    fixture = json.loads(FIXTURE.read_text())
    settings = ["mentions", "known names", "+ names file"] + (["+ ner"] if args.ner_pipeline else [])
    rows = [measure(fixture, setting, args.ner_pipeline) for setting in settings]
    for row in rows:
        print(json.dumps({k: v for k, v in row.items() if k != "missed"}), "missed:", row["missed"])
    if not args.ner_pipeline:
        print("+ ner: not measured (no --ner-pipeline: no spaCy pipeline ships with rarevoices)",
              file=sys.stderr)
    out = HERE / "results" / "privacy_recall.json"
    fixture_name = str(FIXTURE.relative_to(HERE.parent))
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%d"), "fixture": fixture_name,
                               "ner_pipeline": args.ner_pipeline, "rows": rows}, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
