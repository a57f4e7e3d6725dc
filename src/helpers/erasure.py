"""Erasure: removing a person from processed data on request, and keeping them out.

``rarevoices forget <platform> <account>`` (GDPR Art. 17; AoIR 2020 on
participants' requests) removes the person's posts and every interaction
with them from the processed tables and caches, and records the request in
the study's erasure register so that a later ingestion keeps them out.  The
register holds keyed hashes and pseudonyms only, never the handle or id that
was asked for, so it can be kept with the project.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.errors import UserError
from helpers.store import read_json_marker, write_json_atomic, write_text_atomic

logger = logging.getLogger(__name__)

ERASED_MENTION = "@[erased]"
_AUTHOR_COLUMNS = ("author_id", "source_author", "target_author")


class ErasureError(UserError, ValueError):
    """An erasure request or register that cannot be used; the message says what to do."""


@dataclass
class ErasureRegister:
    """The recorded erasure requests of a study."""

    path: Path
    requests: list[dict] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Changes whenever a request is added (part of the ingestion's cache key)."""
        return hashlib.sha256(json.dumps(self.requests, sort_keys=True).encode()).hexdigest()

    def author_ids(self, aliases: pd.DataFrame | None = None) -> set[str]:
        """Pseudonyms to remove: those recorded, and those the aliases table maps the keys to."""
        ids = {author for request in self.requests for author in request.get("author_ids", [])}
        keys = {key for request in self.requests for key in request.get("alias_keys", [])}
        if aliases is not None and keys:
            ids |= set(aliases.loc[aliases["alias_key"].isin(keys), "author_id"])
        return ids

    def save(self) -> None:
        """Write the register atomically."""
        write_text_atomic(self.path, json.dumps({"requests": self.requests}, indent=2, sort_keys=True) + "\n")


def load_register(config: StudyConfig) -> ErasureRegister:
    """Read the study's erasure register (empty when there is none yet)."""
    path = config.erasure_register_path
    if path.is_dir():
        raise ErasureError(f"{path}: privacy.erasure_register is a folder; give the path of a file")
    if not path.exists():
        return ErasureRegister(path)
    try:
        return ErasureRegister(path, json.loads(path.read_bytes().decode("utf-8"))["requests"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        # Never treated as empty: that would bring erased people back into the data.
        raise ErasureError(
            f"{path}: the erasure register is damaged and cannot be read. Restore it from your backup "
            "before running anything else: without it, people who asked to be erased would come back."
        ) from None


@dataclass
class ErasureResult:
    """What ``forget`` removed."""

    author_ids: set[str]
    posts_removed: int
    interactions_removed: int
    files_rewritten: list[Path]


def forget(config: StudyConfig, platform: str, account: str) -> ErasureResult:
    """Remove a person from the study's processed data and record the request.

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

    Notes
    -----
    Every parquet file under the processed folder loses the rows of the
    person's posts (by ``post_id``) and the rows naming them (``author_id``,
    ``source_author``, ``target_author``); the per-file ingestion cache is
    deleted (the next ingestion rebuilds it from the raw files, without the
    person); mentions of them in other posts become ``@[erased]``.  Analyses
    that derive from the tables (classification, topics, networks) must be
    re-run; the batch sees the changed inputs and does so.
    """
    from helpers.ingest.pipeline import ALIASES, read_manifest
    from helpers.privacy import Pseudonymiser, load_or_create_secret, org_account_index

    out_dir = config.processed_path
    manifest = read_manifest(out_dir)
    if not config.secret_path.exists():
        from helpers.privacy import SecretError

        raise SecretError(f"{config.secret_path}: the study's key is needed to find the person's pseudonym")
    key = load_or_create_secret(config.secret_path, expected_fingerprint=manifest.get("key_fingerprint"))
    p = Pseudonymiser(key, org_account_index(config.organisations))
    alias_keys = sorted({p.alias_key(platform, account)})
    candidates = {p.author_id(platform, account, None), p.author_id(platform, None, account)}
    aliases_path = out_dir / ALIASES
    aliases = pd.read_parquet(aliases_path) if aliases_path.exists() else None
    if aliases is not None:
        candidates |= set(aliases.loc[aliases["alias_key"].isin(alias_keys), "author_id"])

    register = load_register(config)
    register.requests.append({
        "recorded_at": datetime.now(UTC).date().isoformat(),
        "platform": platform,
        "alias_keys": alias_keys,
        "author_ids": sorted(candidates),
    })
    register.save()
    logger.info("Erasure request recorded in %s (no identity stored).", register.path)

    stage = out_dir / "_stage"
    if stage.exists():
        shutil.rmtree(stage)
    from helpers.networks import forget_saved_analyses

    forget_saved_analyses(config)
    return _purge_processed(config, out_dir, candidates)


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
        write_text_atomic(summary_path, summary.to_csv(index=False))
    manifest_path = out_dir / MANIFEST
    manifest = read_json_marker(manifest_path, "ingestion manifest")
    if isinstance(manifest, dict):
        for stats in manifest.get("files", []):
            count = removed_per_file.get(stats["source_file"], 0)
            stats["accepted"] -= count
            stats["erased"] = stats.get("erased", 0) + count
        manifest["run_key"] = None  # the next ingestion recomputes the tables with the register
        write_json_atomic(manifest_path, manifest, indent=2, sort_keys=True)
