"""Erasure: removing a person from processed data on request, and keeping them out.

``rarevoices forget <platform> <account>`` (GDPR Art. 17; AoIR 2020 on
participants' requests) removes the person's posts and every interaction
with them from the processed tables and caches, and records the request in
the study's erasure register so that a later ingestion keeps them out.  The
register holds keyed hashes and pseudonyms only, never the handle or id that
was asked for, so it can be kept with the project.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.store import read_json_marker, tighten, write_csv_atomic, write_json_atomic, write_text_atomic
from helpers.store.register import ErasureError, load_register

logger = logging.getLogger(__name__)

_AUTHOR_COLUMNS = ("author_id", "source_author", "target_author")


@dataclass
class ErasureResult:
    """What ``forget`` removed."""

    author_ids: set[str]
    posts_removed: int
    interactions_removed: int
    files_rewritten: list[Path]
    reports_removed: int = 0


def forget(config: StudyConfig, platform: str, account: str) -> ErasureResult:
    """Remove a person from the study's processed data and reports, and record the request.

    Parameters
    ----------
    config : StudyConfig
    platform : str
        The platform the account is on (``twitter``, ``reddit``...).
    account : str
        The person's handle (with or without ``@`` / ``u/``) or account id.

    Returns
    -------
    ErasureResult

    Raises
    ------
    ErasureError
        For an unknown platform, an empty account, or an account never seen in
        the study (a typo): nothing is recorded or changed then.

    Notes
    -----
    Holding the study's lock (an ingestion waits for it, and it for an
    ingestion): every parquet file under the processed folder loses the rows
    of the person's posts (by ``post_id``) and the rows naming them
    (``author_id``, ``source_author``, ``target_author``), the cached reads of
    the input files included (their counts move the posts from accepted to
    erased); mentions of them in other posts become ``@[erased]``; leftover
    temporary files, the network exports and saved analyses, the cached
    embeddings of their posts and the saved topic models are deleted; the
    reports of the organisations they took part in are deleted and the index
    says they are out of date until the next batch.  Later ingestions leave
    them out of every file they read, before its rows reach the cache.
    """
    from helpers.ingest.pipeline import ALIASES, read_manifest, remove_leftovers
    from helpers.locks import exclusive_lock
    from helpers.privacy import Pseudonymiser, load_or_create_secret, org_account_index

    platform, account = _checked_request(platform, account)
    out_dir = config.processed_path
    with exclusive_lock(out_dir / ".ingest.lock", "an ingestion"):
        manifest = read_manifest(out_dir)
        if not config.secret_path.exists():
            from helpers.privacy import SecretError

            raise SecretError(f"{config.secret_path}: the study's key is needed to find the person's "
                              "pseudonym")
        key = load_or_create_secret(config.secret_path,
                                    expected_fingerprint=manifest.get("key_fingerprint"))
        p = Pseudonymiser(key, org_account_index(config.organisations))
        alias_keys = sorted({p.alias_key(platform, account)})
        aliases_path = out_dir / ALIASES
        aliases = pd.read_parquet(aliases_path) if aliases_path.exists() else pd.DataFrame(
            columns=["alias_key", "author_id"])
        candidates = set(aliases.loc[aliases["alias_key"].isin(alias_keys), "author_id"])
        if not candidates:
            raise ErasureError(
                f"no account {account!r} on {platform} was seen in {out_dir} (by handle or id): nothing was "
                "recorded. Check the spelling and the platform; run the ingestion first if the study is new.")
        candidates |= {p.author_id(platform, account, None), p.author_id(platform, None, account)}
        register = load_register(config)
        register.requests.append({
            "recorded_at": datetime.now(UTC).date().isoformat(),
            "platform": platform,
            "alias_keys": alias_keys,
            "author_ids": sorted(candidates),
        })
        register.save()
        logger.info("Erasure request recorded in %s (no identity stored).", register.path)
        remove_leftovers(out_dir)
        orgs = _organisations_of(out_dir, candidates)
        _purge_stage_caches(out_dir / "_stage", candidates)
        from helpers.networks import forget_saved_analyses

        forget_saved_analyses(config)
        shutil.rmtree(out_dir / "networks", ignore_errors=True)  # exports name the person's pseudonym
        result = _purge_processed(config, out_dir, candidates)
        tighten(out_dir)
    result.reports_removed = retract_reports(config, orgs)
    return result


PLATFORM_NAMES = ("twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum")


def _checked_request(platform: str, account: str) -> tuple[str, str]:
    """The platform and account of an erasure request, or an :class:`ErasureError` saying what is wrong."""
    platform = platform.strip().lower()
    if platform not in PLATFORM_NAMES:
        raise ErasureError(f"unknown platform {platform!r}; one of {', '.join(PLATFORM_NAMES)}")
    account = account.strip().removeprefix("/").removeprefix("u/").lstrip("@").strip()
    if not account:
        raise ErasureError("the account to erase is empty: give the person's handle or account id")
    return platform, account


def _organisations_of(out_dir: Path, erased: set[str]) -> set[str]:
    """The organisations in whose data the erased accounts wrote or were addressed."""
    orgs: set[str] = set()
    for name, columns in (("posts", ["author_id"]), ("interactions", ["source_author", "target_author"])):
        path = out_dir / f"{name}.parquet"
        if path.exists():
            frame = pd.read_parquet(path, columns=[*columns, "org_id"])
            hit = pd.Series(False, index=frame.index)
            for column in columns:
                hit |= frame[column].isin(erased)
            orgs |= set(frame.loc[hit, "org_id"])
    posts = out_dir / "posts.parquet"
    if posts.exists() and erased:  # posts that name them (a mention, or a name replaced by the pseudonym)
        frame = pd.read_parquet(posts, columns=["text", "org_id"])
        pattern = "|".join(re.escape(author) for author in sorted(erased))
        orgs |= set(frame.loc[frame["text"].str.contains(pattern, regex=True), "org_id"])
    return orgs


def _purge_stage_caches(stage_dir: Path, erased: set[str]) -> None:
    """Remove the erased accounts from every cached read, moving their posts from accepted to erased."""
    from helpers.ingest.pipeline import remove_authors
    from helpers.schema import write_parquet_atomic

    if not stage_dir.is_dir():
        return
    for path in sorted(stage_dir.glob("*.posts.parquet")):
        rows = pd.read_parquet(path)
        kept, removed = remove_authors(rows, erased, count_by="source_file")
        if not removed and len(kept) == len(rows) and kept["text"].equals(rows["text"]):
            continue
        write_parquet_atomic(kept, path)
        stats_path = path.with_name(path.name.replace(".posts.parquet", ".stats.json"))
        stats = read_json_marker(stats_path, "cached read's counts")
        if isinstance(stats, dict):
            count = sum(removed.values())
            stats["accepted"] -= count
            stats["erased"] = stats.get("erased", 0) + count
            write_json_atomic(stats_path, stats)


def retract_reports(config: StudyConfig, orgs: set[str]) -> int:
    """Delete the rendered reports that may show an erased person, and say so in the index.

    The reports of ``orgs`` (the organisations the person took part in), the
    comparison and the reviewer bundle go: their tables, figures, executed
    notebooks and logs may hold the person's pseudonym.  ``index.html`` keeps
    its links but says at the top which reports are out of date until the
    next batch renders them again (their fingerprint covers the register).
    Returns how many files went.
    """
    reports = config.reports_path
    removed = 0
    for folder in [*(reports / org for org in sorted(orgs)), reports / "compare", reports / "reviewer"]:
        if folder.is_dir():
            removed += sum(1 for path in folder.rglob("*") if path.is_file())
            shutil.rmtree(folder)
    index = reports / "index.html"
    if index.exists():
        names = ", ".join(sorted(orgs)) or "none"
        banner = (f'<p class="error" id="erasure-pending">An erasure request was recorded on '
                  f"{datetime.now(UTC).date().isoformat()}: the reports of {html.escape(names)} and the "
                  "comparison were deleted, and this index is out of date until the next batch renders them "
                  "again (rarevoices batch).</p>")
        page = index.read_text(encoding="utf-8")
        if 'id="erasure-pending"' not in page:
            page = page.replace("<body>", "<body>\n" + banner, 1)
        write_text_atomic(index, page)
    return removed


def _forget_embeddings(config: StudyConfig, texts: list[str]) -> None:
    """Drop the cached vectors of the person's posts (as classified and as topic-modelled).

    The saved topic models go too (their vocabulary derives from every post);
    the next batch refits without the person.
    """
    from helpers.embeddings import forget_texts
    from helpers.topics import forget_topic_inputs

    forget_texts(config, texts)
    forget_topic_inputs(config, texts)


def _purge_processed(config: StudyConfig, out_dir: Path, erased: set[str]) -> ErasureResult:
    """Rewrite every parquet table under ``out_dir`` without the erased authors."""
    from helpers.ingest.pipeline import remove_authors
    from helpers.schema import read_table, write_parquet_atomic, write_table

    result = ErasureResult(erased, 0, 0, [])
    posts_path = out_dir / "posts.parquet"
    erased_posts: set[str] = set()
    removed_per_file: dict[str, int] = {}
    if posts_path.exists():
        posts = read_table("posts", posts_path)
        erased_posts = set(posts.loc[posts["author_id"].isin(erased), "post_id"])
        _forget_embeddings(config, posts.loc[posts["author_id"].isin(erased), "text"].tolist())
        posts, removed_per_file = remove_authors(posts, erased, count_by="source_file")
        write_table(posts, "posts", posts_path)
        result.posts_removed = sum(removed_per_file.values())
        result.files_rewritten.append(posts_path)
    for path in sorted(out_dir.rglob("*.parquet")):
        if path == posts_path:
            continue
        frame = pd.read_parquet(path)
        keep = pd.Series(True, index=frame.index)
        for column in _AUTHOR_COLUMNS:
            if column in frame.columns:
                keep &= ~frame[column].isin(erased)
        if "post_id" in frame.columns:
            keep &= ~frame["post_id"].isin(erased_posts)
        if keep.all():
            continue
        if path.name == "interactions.parquet":
            result.interactions_removed += int((~keep).sum())
        write_parquet_atomic(frame[keep].reset_index(drop=True), path)
        result.files_rewritten.append(path)
    _record_in_summary(out_dir, removed_per_file)
    logger.info("Erased %d posts and %d interactions; rewrote %d files.", result.posts_removed,
                result.interactions_removed, len(result.files_rewritten))
    return result


def _record_in_summary(out_dir: Path, removed_per_file: dict[str, int]) -> None:
    """Move erased posts from 'accepted' to 'erased' in the reconciliation table and manifest."""
    from helpers.ingest.pipeline import MANIFEST, SUMMARY

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
        manifest["run_key"] = None  # the next ingestion recomputes the tables with the register
        write_json_atomic(manifest_path, manifest, indent=2, sort_keys=True)
