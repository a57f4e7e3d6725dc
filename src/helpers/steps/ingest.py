"""The ingest step: every raw export read, checked, pseudonymised and reconciled (:mod:`helpers.ingest`)."""

from __future__ import annotations

from helpers.config import StudyConfig
from helpers.ingest.manifest import MANIFEST, SUMMARY
from helpers.ingest.pipeline import ALIASES, ingest_study
from helpers.ingest.removal import (
    forget_in_stage_caches,
    record_erased_in_summary,
    remove_authors,
    remove_leftovers,
)
from helpers.schema import read_table, write_table
from helpers.steps.base import Erased, Forgotten, Step, drop_rows

TABLES = ("interactions.parquet", "accounts.parquet", ALIASES, "quarantine.parquet")
"""The ingestion's tables besides the posts."""


def run(config: StudyConfig) -> None:
    """Ingest the study's raw exports (skipped when files, settings and register are unchanged)."""
    ingest_study(config, progress=False)


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Remove the person from the cached reads, the posts and the other tables, and from the counts.

    Their posts go and count as erased in the reconciliation; other posts lose
    them from their mentions, and ``@pseudonym`` becomes ``@[erased]``.
    Temporary files an interrupted ingestion left go first (they may not be
    scrubbed).
    """
    out_dir = config.processed_path
    remove_leftovers(out_dir)
    authors = set(erased.author_ids)
    forgotten: Forgotten = dict.fromkeys(forget_in_stage_caches(out_dir / "_stage", authors), 0)
    posts_path = out_dir / "posts.parquet"
    if posts_path.exists():
        posts = read_table("posts", posts_path)
        posts, removed_per_file = remove_authors(posts, authors, count_by="source_file")
        write_table(posts, "posts", posts_path)
        forgotten[posts_path] = sum(removed_per_file.values())
        record_erased_in_summary(out_dir, removed_per_file)
    for name in TABLES:
        forgotten.update(drop_rows(out_dir / name, erased))
    return forgotten


STEP = Step(
    name="ingest",
    purpose="read every raw export; accept or quarantine each record; pseudonymise and scrub names",
    reads=("raw:", "register"),
    writes=("posts.parquet", *TABLES, MANIFEST, SUMMARY, "_stage/**", ".ingest.lock"),
    run=run,
    forget=forget,
)
