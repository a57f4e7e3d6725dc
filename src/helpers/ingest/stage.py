"""Stage 1 of ingestion, per file: one input read through its reader into staged rows, its
quarantine and the organisation ids it taught, cached under a key of its content and the
study's settings; the files to read are read side by side in helper processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

from helpers import __version__
from helpers.actor_rules import ActorRules
from helpers.config import StudyConfig
from helpers.handles import KnownAccounts
from helpers.ingest import READERS
from helpers.ingest.chunks import _ChunkWriter, _TableSink
from helpers.ingest.manifest import FileStats
from helpers.ingest.plan import IngestError, InputPlan, StagingRules
from helpers.ingest.record_types import BadRecord, ParsedPost
from helpers.ingest.rows import _quarantine_row, _stage_arrow_schema, normalise_post
from helpers.privacy import OrgAccount, key_fingerprint, org_account_index
from helpers.processes import cluster_pool, parallel_parts
from helpers.schema import SCHEMAS, write_parquet_atomic
from helpers.store import read_json_marker, write_json_atomic
from helpers.store.keys import file_sha256, json_sha256

logger = logging.getLogger(__name__)

# Bump when the per-file stage changes its output, so caches are rebuilt.
STAGE_VERSION = "6"  # 5: limits (ingestion:), handle-only accounts marked in the aliases; 6: actor hints
CHUNK_ROWS = 5_000


@dataclass
class _Staged:
    """One file's staged read: from the cache, or read now and not yet final.

    A file read now is final once the study-wide step has scrubbed every name
    the study knows from its rows (:func:`scrub_known_names`): until then its
    rows are in memory (``frame``, read in this process) or in a pending file
    (``pending``, read by a helper process), and its counts are not saved, so
    the cache never holds a name the study knows.
    """

    stats: FileStats
    posts: Path
    quarantine: Path
    org_ids: dict[tuple[str, str], OrgAccount] = field(default_factory=dict)
    known: KnownAccounts | None = None  # the file's private names, in memory only (None: from the cache)
    frame: pd.DataFrame | None = None
    pending: Path | None = None
    stats_path: Path | None = None  # where the counts go once the rows are final
    stage_stats: dict[str, Any] = field(default_factory=dict)  # the counts of the read itself

    @property
    def fresh(self) -> bool:
        """Read in this run (not taken from the cache)."""
        return self.known is not None

    def rows(self) -> pd.DataFrame:
        """The staged rows, from memory, the pending file or the cache."""
        if self.frame is not None:
            return self.frame
        return pd.read_parquet(self.pending if self.pending is not None else self.posts)

    def finish(self, rows: pd.DataFrame) -> None:
        """Write a fresh file's final rows to the cache, then its counts (which mark the read complete)."""
        write_parquet_atomic(rows, self.posts)
        if self.pending is not None:
            self.pending.unlink(missing_ok=True)
        write_json_atomic(self.stats_path, self.stage_stats)


def remove_stale_stages(stage_dir: Path, file_keys: set[str]) -> int:
    """Delete the cached reads of files that are no longer inputs of the study (or changed since)."""
    removed = 0
    if not stage_dir.is_dir():
        return 0
    for path in stage_dir.iterdir():
        if path.is_file() and path.name.split(".", 1)[0] not in file_keys:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _stage_paths(stage_dir: Path, file_key: str) -> dict[str, Path]:
    """Where the staged rows, quarantine, counts and learnt organisation ids of one file go."""
    return {part: stage_dir / f"{file_key}.{part}.{suffix}" for part, suffix in
            [("posts", "parquet"), ("quarantine", "parquet"), ("stats", "json"), ("orgs", "json")]}


def _stage_files(
    plans: list[InputPlan],
    file_keys: list[str],
    stage_dir: Path,
    rules: StagingRules,
    *,
    force: bool,
    progress: bool,
) -> list[_Staged]:
    """Stage every input file (see :func:`_stage_file`), in the order of ``plans``.

    Files whose staged read is cached are taken from the cache.  The others
    are read side by side in forked helper processes, one per usable CPU,
    largest file first (on a Dask cluster, by its workers:
    :func:`helpers.processes.cluster_pool`); on one CPU, in a daemonic process
    or without ``fork`` they are read here, one after the other.  Either way
    the result is the same: a file's staged rows depend on that file alone.
    """
    staged: list[_Staged | None] = [None] * len(plans)
    todo = []
    for index, plan in enumerate(plans):
        cached = None if force else _cached_stage(plan, _stage_paths(stage_dir, file_keys[index]))
        if cached is None:
            todo.append(index)
        staged[index] = cached
    workers = parallel_parts(len(todo)) if "fork" in get_all_start_methods() else 1
    cluster = cluster_pool()
    with tqdm(total=len(plans), initial=len(plans) - len(todo), desc="ingest files", unit="file",
              disable=not progress) as bar:
        if cluster is not None and todo:
            _stage_on(cluster.submit, plans, todo, file_keys, stage_dir, rules, staged, bar)
        elif workers > 1:
            _stage_in_processes(plans, todo, file_keys, stage_dir, rules, staged, bar, workers)
        for index in todo:
            if staged[index] is None:  # read here: one CPU, or a helper process failed
                plan = plans[index]
                staged[index] = _stage_file(plan, file_keys[index], stage_dir, rules, in_memory=True,
                                            progress=progress)
                bar.update(1)
    return [item for item in staged if item is not None]


def _stage_in_processes(
    plans: list[InputPlan],
    todo: list[int],
    file_keys: list[str],
    stage_dir: Path,
    rules: StagingRules,
    staged: list[_Staged | None],
    bar: tqdm,
    workers: int,
) -> None:
    """Stage the files at positions ``todo`` in ``workers`` forked processes, filling ``staged``.

    The largest files go first, so that no process is left with a large file
    at the end.  An error reading a file (:class:`IngestError`) stops the
    others and is raised here; when a helper process dies, the files it had
    not finished are left for the caller to read.
    """
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            try:
                _stage_on(pool.submit, plans, todo, file_keys, stage_dir, rules, staged, bar)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool as exc:
        logger.warning("a helper process reading input files failed (%s); reading the rest here", exc)
    except OSError as exc:  # no process could be started
        logger.info("input files are read in this process (%s)", exc)


def _stage_on(
    submit: Callable[..., Future],
    plans: list[InputPlan],
    todo: list[int],
    file_keys: list[str],
    stage_dir: Path,
    rules: StagingRules,
    staged: list[_Staged | None],
    bar: tqdm,
) -> None:
    """Stage the files at positions ``todo`` with ``submit`` (of helper processes or a Dask
    cluster's workers), largest first, filling ``staged``; a file's error is raised here."""
    largest_first = sorted(todo, key=lambda index: plans[index].path.stat().st_size, reverse=True)
    futures = {submit(_stage_file, plans[index], file_keys[index], stage_dir, rules,
                           progress=False): index for index in largest_first}
    for future in as_completed(futures):
        staged[futures[future]] = future.result()
        bar.update(1)


def _cached_stage(plan: InputPlan, paths: dict[str, Path]) -> _Staged | None:
    """The staged read of a file from an earlier run, or None when any part of it is missing or damaged."""
    if not all(path.exists() for path in paths.values()):
        return None
    stats = read_json_marker(paths["stats"], "cached read's counts")
    org_rows = read_json_marker(paths["orgs"], "cached read's organisation ids")
    try:
        file_stats = FileStats(**stats)
        org_ids = {(platform, native_id): OrgAccount(org_id, handle)
                   for platform, native_id, org_id, handle in org_rows}
    except (TypeError, ValueError):  # damaged or from another version: read the file again
        return None
    file_stats.from_cache = True
    logger.info("%s unchanged (content hash); using the cached read.", plan.source_file)
    return _Staged(file_stats, paths["posts"], paths["quarantine"], org_ids)


def _write_org_ids(path: Path, org_ids: dict[tuple[str, str], OrgAccount]) -> None:
    """Save the organisation account ids a file taught (organisations' public ids, no one else's)."""
    rows = sorted([platform, native_id, account.org_id, account.handle]
                  for (platform, native_id), account in org_ids.items())
    write_json_atomic(path, rows)


def _stage_file(
    plan: InputPlan,
    file_key: str,
    stage_dir: Path,
    rules: StagingRules,
    *,
    progress: bool,
    in_memory: bool = False,
) -> _Staged:
    """Read one file, apply the privacy rules, and stage its rows, quarantine and learnt organisation ids.

    The file gets a pseudonymiser of its own: the organisation account ids
    it learns (from posts that name an organisation by handle and id) apply
    within the file while it is read, and are saved beside its rows for the
    study-wide step, which applies them to every file
    (:func:`recognise_org_ids`).  The rows are kept in memory (``in_memory``,
    a file read in the process that combines) or in a pending file (a helper
    process); the study-wide step scrubs the names the study knows from them
    and writes them to the cache (:meth:`_Staged.finish`).
    """
    paths = _stage_paths(stage_dir, file_key)
    pseudonymiser = rules.pseudonymiser()
    known = KnownAccounts()
    stats = FileStats(plan.source_file, plan.org_id, plan.format)
    quarantine_rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    stage_dir.mkdir(parents=True, exist_ok=True)
    tmp_posts = paths["posts"].with_name(f".{paths['posts'].name}.{os.getpid()}.tmp")
    schema = _stage_arrow_schema()
    sink = _TableSink(schema) if in_memory else pq.ParquetWriter(tmp_posts, schema)
    writer = _ChunkWriter(sink)
    try:
        chunk: list[dict[str, Any]] = []
        for item in tqdm(_read_all(plan), desc=plan.source_file, unit=" rec", leave=False,
                         disable=not progress, mininterval=1.0):
            stats.read += 1
            if isinstance(item, BadRecord):
                quarantine_rows.append(_quarantine_row(plan, item.source_line, item.reason, item.raw_excerpt))
                stats.quarantined += 1
                continue
            beyond = rules.limits.problem(item)
            if beyond is not None:
                quarantine_rows.append(_quarantine_row(plan, item.source_line, beyond, ""))
                stats.quarantined += 1
                continue
            try:
                row = normalise_post(item, plan, pseudonymiser, rules.scrubber, known, rules.actor_hints)
            except (ValueError, TypeError) as exc:
                reason = f"cannot normalise: {exc}"
                quarantine_rows.append(_quarantine_row(plan, item.source_line, reason, ""))
                stats.quarantined += 1
                continue
            if row["post_id"] in seen_ids:
                stats.duplicates += 1
                continue
            seen_ids.add(row["post_id"])
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                writer.add(chunk)
                chunk = []
        writer.add(chunk)
        writer.close()
    except BaseException:
        writer.close(abandon=True)
        tmp_posts.unlink(missing_ok=True)
        raise
    stats.accepted = len(seen_ids)
    try:
        _refuse_unreadable(plan, stats, quarantine_rows)
    except IngestError:
        tmp_posts.unlink(missing_ok=True)
        raise
    pending = None
    if not in_memory:
        pending = paths["posts"].with_name(f".{paths['posts'].name}.pending")
        tmp_posts.replace(pending)
    write_parquet_atomic(pd.DataFrame(quarantine_rows, columns=list(SCHEMAS["quarantine"].columns)),
                         paths["quarantine"])
    org_ids = pseudonymiser.learnt_org_ids()
    _write_org_ids(paths["orgs"], org_ids)
    logger.info("%s: read %d, accepted %d, quarantined %d, duplicates %d", plan.source_file,
                stats.read, stats.accepted, stats.quarantined, stats.duplicates)
    return _Staged(stats, paths["posts"], paths["quarantine"], org_ids, known,
                   frame=sink.to_pandas() if in_memory else None, pending=pending, stats_path=paths["stats"],
                   stage_stats=asdict(stats))


def _read_all(plan: InputPlan) -> Iterator[ParsedPost | BadRecord]:
    try:
        yield from plan.reader.read(plan.path, plan.context)
    except (OSError, ValueError, EOFError) as exc:
        raise IngestError(f"{plan.path}: cannot be read as {plan.format}: {exc}") from exc


def _refuse_unreadable(plan: InputPlan, stats: FileStats, quarantine_rows: list[dict[str, Any]]) -> None:
    """A file none of whose records could be read is an error, not a quarantine of everything."""
    if stats.read == 0:
        logger.warning("%s: no records found (empty file?)", plan.path)
        return
    if stats.accepted == 0 and stats.duplicates == 0:
        reasons = pd.Series([row["reason"] for row in quarantine_rows]).value_counts().head(3)
        listed = "; ".join(f"{reason} ({count}x)" for reason, count in reasons.items())
        raise IngestError(
            f"{plan.path}: none of its {stats.read} records could be read as {plan.format} "
            f"(organisation {plan.org_id!r}): {listed}. Is the format right?"
        )


def _settings_key(config: StudyConfig, key: bytes, actor_rules: ActorRules) -> str:
    """Hash of everything besides the file content that changes a file's staged rows."""
    relevant = {
        "stage": STAGE_VERSION,
        "package": __version__,
        "ingestion": config.ingestion.model_dump(mode="json"),
        "key": key_fingerprint(key),
        "privacy": config.privacy.model_dump(mode="json", exclude={"min_group_size", "allow_verbatim",
                                                                   "quote_max_chars"}),
        "accounts": sorted(f"{p}:{a.handle}:{a.org_id}"
                           for (p, _), a in org_account_index(config.organisations).items()),
        "readers": sorted(READERS),
        "actors": [config.actors.model_dump(mode="json", include={"lists"}), actor_rules.digest],
    }
    if config.privacy.person_names_file:
        relevant["names"] = file_sha256(config.resolve(config.privacy.person_names_file))
    return json_sha256(relevant)


def _file_key(plan: InputPlan, settings_key: str) -> str:
    parts = [settings_key, file_sha256(plan.path), plan.format, plan.org_id, plan.source_file,
             json.dumps(asdict(plan.context), sort_keys=True)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
