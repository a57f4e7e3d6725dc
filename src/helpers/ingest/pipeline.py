"""Ingestion: from export files to the canonical posts, accounts and interactions tables.

Two stages:

1. **Per file** (cached by content hash): stream the file through its reader,
   clean the text, apply the privacy rules (pseudonyms, scrubbing), drop
   duplicates of the same post within the file, detect the language of posts
   whose export gives none, and write a pseudonymised staging table plus the
   file's quarantine.  Nothing identifying is written,
   not even to the cache.  A file's staged rows depend on that file alone, so
   files that must be read again are read side by side, one helper process
   per CPU.
2. **Study-wide** (cheap, always recomputed when any input changed): name the
   organisations wherever a post refers to them by an account id learnt in
   any file, drop duplicates across files (same post id, or the same author
   repeating the same text within ``duplicate_window_hours``), resolve threads
   through reply chains, derive interactions and accounts, validate and write
   every table atomically, then reconcile: for every file, read = accepted +
   quarantined + duplicates.

The work is shared among modules that each import only those listed before them:
:mod:`~helpers.ingest.plan` (the inputs and the rules they are read under),
:mod:`~helpers.ingest.manifest` (the counts, the result, the manifest and summary),
:mod:`~helpers.ingest.tables` (duplicates across files, threads, interactions, accounts),
:mod:`~helpers.ingest.rows` (a post as a staged row), :mod:`~helpers.ingest.chunks` (staged
rows written, languages detected), :mod:`~helpers.ingest.stage` (stage 1),
:mod:`~helpers.ingest.known_names` and :mod:`~helpers.ingest.removal` (names scrubbed and
erased people taken out of the staged rows).  This module runs them
(:func:`ingest_study`, and the study-wide step) and hands their public names on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import __version__
from helpers.actor_rules import load_actor_rules
from helpers.config import StudyConfig
from helpers.errors import require_folder, storage_errors
from helpers.handles import KnownAccounts
from helpers.ingest.actor_hints import ActorHints
from helpers.ingest.chunks import fill_languages
from helpers.ingest.identities import (
    alias_table,
    handle_only_accounts,
    org_pseudonyms,
    recognise_org_ids,
    rename_accounts,
)
from helpers.ingest.known_names import _learn_file_names, _scrub_person_names, scrub_known_names
from helpers.ingest.manifest import (
    MANIFEST,
    SUMMARY,
    FileStats,
    IngestResult,
    _write_manifest,
    _write_summary,
    load_summary,
    read_manifest,
)
from helpers.ingest.plan import IngestError, InputPlan, RecordLimits, StagingRules, plan_inputs, plan_warnings
from helpers.ingest.removal import _leave_out_erased, remove_authors, remove_leftovers
from helpers.ingest.rows import _stage_arrow_schema, normalise_post
from helpers.ingest.stage import (
    CHUNK_ROWS,
    STAGE_VERSION,
    _file_key,
    _settings_key,
    _stage_files,
    _Staged,
    remove_stale_stages,
)
from helpers.ingest.stage import _stage_file as _stage_file  # for benchmarks/ingest_scale.py
from helpers.ingest.tables import (
    _drop_cross_file_duplicates,
    changed_duplicates,
    derive_accounts,
    derive_interactions,
    resolve_threads,
)
from helpers.locks import exclusive_lock
from helpers.privacy import (
    OrgAccount,
    Scrubber,
    key_fingerprint,
    load_or_create_secret,
    load_person_names,
    org_account_index,
)
from helpers.schema import SCHEMAS, table_path, write_parquet_atomic, write_table
from helpers.store import tighten
from helpers.store.keys import file_sha256
from helpers.store.register import ErasureRegister, load_register

logger = logging.getLogger(__name__)

ALIASES = "aliases.parquet"


# --------------------------------------------------------------------------- entry point


def ingest_study(
    config: StudyConfig,
    *,
    force: bool = False,
    progress: bool = True,
) -> IngestResult:
    """Ingest every input of the study into the canonical tables.

    Parameters
    ----------
    config : StudyConfig
    force : bool
        Re-read every file even when its content hash is unchanged.
    progress : bool
        Show tqdm progress bars.

    Returns
    -------
    IngestResult
        Per-file reconciliation and the paths of the tables written.
    """
    plans = plan_inputs(config)
    out_dir = require_folder(config.processed_path, "processed_dir")
    # Parallel batch workers may all start an ingestion: one runs, the others then find it done.
    with storage_errors(out_dir), exclusive_lock(out_dir / ".ingest.lock", "the ingestion"):
        result = _ingest_locked(config, plans, out_dir, force=force, progress=progress)
        if not result.skipped:
            tighten(out_dir)
        return result


def _ingest_locked(
    config: StudyConfig, plans: list[InputPlan], out_dir: Path, *, force: bool, progress: bool
) -> IngestResult:
    if config.privacy.scrub_person_names == "ner":  # a missing pipeline stops the run before anything is read
        from helpers.person_names import check_pipeline

        check_pipeline(config.privacy.ner_pipeline)
    manifest = read_manifest(out_dir)
    key = load_or_create_secret(config.secret_path, expected_fingerprint=manifest.get("key_fingerprint"))
    scrubber = Scrubber(
        keep_url_paths=config.privacy.keep_url_paths,
        person_names=load_person_names(config.resolve(config.privacy.person_names_file))
        if config.privacy.person_names_file
        else None,
    )
    rules_file = config.actors.rules_file
    actor_rules = load_actor_rules(config.resolve(rules_file) if rules_file else None)
    rules = StagingRules(key, org_account_index(config.organisations), scrubber,
                         RecordLimits.from_settings(config.ingestion),
                         ActorHints.from_config(config, actor_rules))
    settings_key = _settings_key(config, key, actor_rules)
    file_keys = [_file_key(plan, settings_key) for plan in plans]
    erasure = load_register(config)
    run_inputs = json.dumps([file_keys, erasure.fingerprint()], sort_keys=True)
    run_key = hashlib.sha256(run_inputs.encode()).hexdigest()
    tables = {name: table_path(out_dir, name) for name in SCHEMAS}
    if not force and manifest.get("run_key") == run_key and all(p.exists() for p in tables.values()):
        logger.info("Inputs unchanged since the last ingestion; nothing to do.")
        stats = [FileStats(**{**s, "from_cache": True}) for s in manifest["files"]]
        return IngestResult(stats, tables, skipped=True, summary_path=out_dir / SUMMARY,
                            counts=manifest.get("counts", {}), warnings=manifest.get("warnings", []))

    remove_leftovers(out_dir)
    stage_results = _stage_files(plans, file_keys, out_dir / "_stage", rules, force=force, progress=progress)
    result = _combine(config, plans, stage_results, tables, erasure, rules, warnings=plan_warnings(plans),
                      manifest_extra={
        "key_fingerprint": key_fingerprint(key),
        "run_key": run_key,
        "inputs": {plan.source_file: file_sha256(plan.path) for plan in plans},
    })
    remove_stale_stages(out_dir / "_stage", set(file_keys))
    return result


# --------------------------------------------------------------------------- stage 2: study-wide


def _combine(
    config: StudyConfig,
    plans: list[InputPlan],
    staged: list[_Staged],
    tables: dict[str, Path],
    erasure: ErasureRegister,
    rules: StagingRules,
    warnings: list[str],
    manifest_extra: dict[str, Any],
) -> IngestResult:
    stats = [item.stats for item in staged]
    frames = [item.rows() for item in staged]
    org_ids: dict[tuple[str, str], OrgAccount] = {}
    for item in staged:
        for account_id, account in item.org_ids.items():
            org_ids.setdefault(account_id, account)
    org_renamed = org_pseudonyms(org_ids, rules.pseudonymiser())
    aliases = pd.concat([frame[["aliases"]] for frame in frames]) if frames else pd.DataFrame({"aliases": []})
    handle_renamed = handle_only_accounts(alias_table(aliases))
    known = KnownAccounts()
    for plan, item in zip(plans, staged, strict=True):
        known.update(item.known if item.known is not None else _learn_file_names(plan, rules))
    known.drop(org_renamed)
    known.rename(handle_renamed)
    changed = scrub_known_names(frames, known)
    if config.privacy.scrub_person_names == "ner":
        changed |= _scrub_person_names(frames, staged, config.privacy.ner_pipeline)
    changed |= _leave_out_erased(frames, staged, erasure.author_ids(alias_table(aliases)))
    for index, item in enumerate(staged):
        if item.fresh:
            item.finish(frames[index])
        elif index in changed:  # a cached file holds a name another file taught: scrubbed in the cache too
            write_parquet_atomic(frames[index], item.posts)
    # A study without input files yet (as `rarevoices init` writes it) gives empty tables of the same shape.
    empty = _stage_arrow_schema().empty_table().to_pandas()
    posts = pd.concat(frames, ignore_index=True) if frames else empty
    posts["_file"] = [i for i, frame in enumerate(frames) for _ in range(len(frame))]
    posts, _ = recognise_org_ids(posts, org_ids, rules.pseudonymiser())
    in_text = {old: f"@{new}" for old, new in handle_renamed.items()}
    posts = rename_accounts(posts, handle_renamed, in_text=in_text)
    warnings = warnings + changed_duplicates(posts, stats)
    posts = _drop_cross_file_duplicates(posts, stats, config.analysis.duplicate_window_hours)
    aliases = alias_table(posts)
    erased = erasure.author_ids(aliases)
    posts, removed = remove_authors(posts, erased)
    for file_index, count in removed.items():
        stats[int(file_index)].accepted -= count
        stats[int(file_index)].erased += count
    posts = resolve_threads(posts)
    interactions = derive_interactions(posts)
    accounts = derive_accounts(posts, interactions, config)
    quarantine = pd.concat([pd.read_parquet(item.quarantine) for item in staged]
                           or [pd.DataFrame(columns=list(SCHEMAS["quarantine"].columns))], ignore_index=True)

    for file_stats in stats:
        if not file_stats.reconciles():
            raise AssertionError(f"reconciliation failed for {file_stats.source_file}: {file_stats}")
    canonical = posts[list(SCHEMAS["posts"].columns)].sort_values("post_id", ignore_index=True)
    written = {
        "posts": write_table(canonical, "posts", tables["posts"]),
        "accounts": write_table(accounts, "accounts", tables["accounts"]),
        "interactions": write_table(interactions, "interactions", tables["interactions"]),
        "quarantine": write_table(quarantine, "quarantine", tables["quarantine"]),
    }
    out_dir = tables["posts"].parent
    kept_aliases = aliases.loc[~aliases["author_id"].isin(erased), ["alias_key", "author_id"]]
    kept_aliases = kept_aliases.drop_duplicates().reset_index(drop=True)
    write_parquet_atomic(kept_aliases, out_dir / ALIASES)
    result = IngestResult(stats, tables, summary_path=out_dir / SUMMARY,
                          counts={name: len(frame) for name, frame in written.items()}, warnings=warnings)
    for warning in warnings:
        logger.warning("%s", warning)
    _write_summary(result)
    _write_manifest(out_dir, {
        **manifest_extra,
        "warnings": warnings,
        "package_version": __version__,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [asdict(s) | {"from_cache": False} for s in stats],
        "counts": result.counts,
    })
    return result


__all__ = [
    "ALIASES",
    "CHUNK_ROWS",
    "MANIFEST",
    "STAGE_VERSION",
    "SUMMARY",
    "FileStats",
    "IngestError",
    "IngestResult",
    "InputPlan",
    "RecordLimits",
    "StagingRules",
    "changed_duplicates",
    "derive_accounts",
    "derive_interactions",
    "fill_languages",
    "ingest_study",
    "load_summary",
    "normalise_post",
    "plan_inputs",
    "plan_warnings",
    "read_manifest",
    "remove_authors",
    "remove_leftovers",
    "remove_stale_stages",
    "resolve_threads",
    "scrub_known_names",
]
