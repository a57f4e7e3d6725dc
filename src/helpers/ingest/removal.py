"""Erased people and unscrubbed leftovers taken out: the posts of erased authors and every trace
of them in staged or canonical rows, the cached reads and the counts, and the temporary files an
interrupted run left.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.ingest.manifest import MANIFEST, SUMMARY
from helpers.ingest.stage import _Staged
from helpers.schema import write_parquet_atomic
from helpers.store import read_json_marker, write_csv_atomic, write_json_atomic
from helpers.store.register import ERASED_MENTION

logger = logging.getLogger(__name__)


def remove_leftovers(out_dir: Path) -> int:
    """Delete what an interrupted ingestion left: temporary and pending files of its tables and cache.

    They may hold rows not yet scrubbed of every known name, or of a person
    erased since (the caller holds the study's lock).  Returns how many went.
    """
    removed = 0
    for folder in (out_dir, out_dir / "_stage"):  # the ingestion's own files; other steps have their own
        for pattern in (".*.tmp", ".*.pending"):
            for path in folder.glob(pattern):
                if path.is_file():
                    path.unlink(missing_ok=True)
                    removed += 1
    if removed:
        logger.info("Removed %d temporary file(s) an interrupted run left in %s", removed, out_dir)
    return removed


def _leave_out_erased(frames: list[pd.DataFrame], staged: list[_Staged], erased: set[str]) -> set[int]:
    """Remove erased people from each file's staged rows, before they reach the cache (in place).

    Their posts count as erased in the file's counts; returns the positions of the files that changed.
    """
    changed = set()
    for index, item in enumerate(staged):
        frames[index], removed = remove_authors(frames[index], erased, count_by="source_file")
        count = sum(removed.values())
        if not count:
            continue
        changed.add(index)
        if item.fresh:
            item.stage_stats["accepted"] -= count
            item.stage_stats["erased"] = item.stage_stats.get("erased", 0) + count
        item.stats.accepted -= count
        item.stats.erased += count
    return changed


def remove_authors(
    posts: pd.DataFrame, erased: set[str], count_by: str = "_file"
) -> tuple[pd.DataFrame, dict[Any, int]]:
    """Drop the posts of erased authors and every trace of them in other posts.

    Their posts go; other posts lose them from ``mentions`` (and, in staged
    rows, from the replied-to, quoted and shared authors), and
    ``@pseudonym`` in text becomes ``@[erased]``.

    Parameters
    ----------
    posts : DataFrame
        Staged or canonical posts.
    erased : set of str
        Author ids to remove.
    count_by : str
        Column by which removed posts are counted (the file).

    Returns
    -------
    posts : DataFrame
        The remaining posts.
    removed : dict
        Number of posts removed per value of ``count_by``.
    """
    if not erased:
        return posts, {}
    gone = posts["author_id"].isin(erased)
    removed = {key: int(count) for key, count in posts.loc[gone, count_by].value_counts().items()}
    posts = posts[~gone].reset_index(drop=True)
    posts["mentions"] = posts["mentions"].map(lambda ids: [i for i in ids if i not in erased])
    for column in ("parent_author", "quoted_author", "shared_author"):
        if column in posts.columns:
            posts[column] = posts[column].where(~posts[column].isin(erased), None)
    if "aliases" in posts.columns:  # staged rows: the keyed aliases of the accounts a post names
        posts["aliases"] = posts["aliases"].map(
            lambda entries: [entry for entry in entries if entry.split("=")[1] not in erased])
    # "@pseudonym" of a mention, or the bare pseudonym a known name was replaced by (helpers.handles)
    pattern = "|".join("@?" + re.escape(author) + r"\b" for author in sorted(erased))
    posts["text"] = posts["text"].str.replace(pattern, ERASED_MENTION, regex=True)
    return posts, removed


def forget_in_stage_caches(stage_dir: Path, erased: set[str]) -> list[Path]:
    """Remove erased accounts from every cached read, moving their posts from accepted to erased.

    Returns the cached reads rewritten.
    """
    rewritten: list[Path] = []
    if not stage_dir.is_dir():
        return rewritten
    for path in sorted(stage_dir.glob("*.posts.parquet")):
        rows = pd.read_parquet(path)
        kept, removed = remove_authors(rows, erased, count_by="source_file")
        if not removed and len(kept) == len(rows) and kept["text"].equals(rows["text"]):
            continue
        write_parquet_atomic(kept, path)
        rewritten.append(path)
        stats_path = path.with_name(path.name.replace(".posts.parquet", ".stats.json"))
        stats = read_json_marker(stats_path, "cached read's counts")
        if isinstance(stats, dict):
            count = sum(removed.values())
            stats["accepted"] -= count
            stats["erased"] = stats.get("erased", 0) + count
            write_json_atomic(stats_path, stats)
    return rewritten


def record_erased_in_summary(out_dir: Path, removed_per_file: dict[str, int]) -> None:
    """Move erased posts from 'accepted' to 'erased' in the reconciliation table and the manifest.

    The manifest also loses its run key, so that the next ingestion recomputes
    the tables with the erasure register.
    """
    if not removed_per_file:
        return
    summary_path = out_dir / SUMMARY
    if summary_path.exists():
        summary = pd.read_csv(summary_path)
        for source_file, count in removed_per_file.items():
            row = summary["source_file"] == source_file
            summary.loc[row, "accepted"] -= count
            summary.loc[row, "erased"] += count
        write_csv_atomic(summary_path, summary)
    manifest_path = out_dir / MANIFEST
    manifest = read_json_marker(manifest_path, "ingestion manifest")
    if isinstance(manifest, dict):
        for stats in manifest.get("files", []):
            count = removed_per_file.get(stats["source_file"], 0)
            stats["accepted"] -= count
            stats["erased"] = stats.get("erased", 0) + count
        manifest["run_key"] = None
        write_json_atomic(manifest_path, manifest, indent=2, sort_keys=True)
