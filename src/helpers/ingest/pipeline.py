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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import current_process, get_all_start_methods, get_context
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from helpers import __version__
from helpers.config import IngestionSettings, InputFile, Organisation, StudyConfig
from helpers.errors import UserError, require_folder, storage_errors
from helpers.handles import KnownAccounts
from helpers.ingest import READERS, detect_format, get_reader
from helpers.ingest.identities import (
    account_aliases,
    alias_table,
    handle_only_accounts,
    org_pseudonyms,
    recognise_org_ids,
    rename_accounts,
    text_key,
    text_mention_aliases,
)
from helpers.ingest.records import BadRecord, ParsedPost, ReadContext, encoding_problem
from helpers.locks import exclusive_lock
from helpers.privacy import (
    OrgAccount,
    Pseudonymiser,
    Scrubber,
    key_fingerprint,
    load_or_create_secret,
    load_person_names,
    mask_excerpt,
    mask_reason,
    normalise_handle,
    org_account_index,
    url_domain,
)
from helpers.processes import parallel_parts, usable_cpus
from helpers.schema import SCHEMAS, table_path, write_parquet_atomic, write_table
from helpers.store import read_json_marker, tighten, write_csv_atomic, write_json_atomic
from helpers.store.register import ERASED_MENTION, ErasureRegister, load_register
from helpers.text import clean_text, detect_languages, extract_hashtags, normalise_hashtags, normalise_lang

logger = logging.getLogger(__name__)

# Bump when the per-file stage changes its output, so caches are rebuilt.
STAGE_VERSION = "5"  # 5: limits (ingestion:), handle-only accounts marked in the aliases
CHUNK_ROWS = 5_000
MANIFEST = "ingest_manifest.json"
SUMMARY = "ingest_summary.csv"
_STAGE_EXTRA = ["parent_author", "quoted_author", "shared_author", "text_key"]
ALIASES = "aliases.parquet"


class IngestError(UserError, RuntimeError):
    """An input that cannot be ingested at all; the message names the file."""


@dataclass
class InputPlan:
    """One input file, resolved: where it is, what reads it, whose it is."""

    org_id: str
    path: Path
    source_file: str
    format: str
    context: ReadContext

    @property
    def reader(self) -> ModuleType:
        """The reader module of :attr:`format` (looked up, so that a plan can go to a helper process)."""
        return get_reader(self.format)


@dataclass(frozen=True)
class RecordLimits:
    """What a post may hold before it is quarantined (``ingestion`` in the study file).

    Attributes
    ----------
    first, last : datetime
        The plausible window of creation times: ``first <= created_at < last``.
    max_text_chars : int
        The longest text accepted.
    """

    first: datetime
    last: datetime
    max_text_chars: int

    @classmethod
    def from_settings(cls, settings: IngestionSettings) -> RecordLimits:
        """The limits of a study's ``ingestion`` settings, the window ending the day after today."""
        first, last = settings.date_window()
        return cls(first, last, settings.max_text_chars)

    def problem(self, post: ParsedPost) -> str | None:
        """Why ``post`` breaks a limit (a quarantine reason naming the setting), or None.

        Examples
        --------
        >>> limits = RecordLimits(datetime(2004, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), 1_000)
        >>> post = ParsedPost("forum", "1", datetime(9999, 12, 31, tzinfo=UTC), "hello", 2, author_handle="a")
        >>> limits.problem(post).split(" (")[0]
        'created in year 9999, outside the plausible window 2004-01-01 to 2026-12-31'
        """
        if not self.first <= post.created_at < self.last:
            last_day = (self.last - timedelta(days=1)).date()
            return (f"created in year {post.created_at.year}, outside the plausible window "
                    f"{self.first.date()} to {last_day} (ingestion.earliest_date, ingestion.latest_date)")
        if len(post.text) > self.max_text_chars:
            return (f"text of {len(post.text):,} characters, over the limit of {self.max_text_chars:,} "
                    "(ingestion.max_text_chars)")
        return None


@dataclass(frozen=True)
class StagingRules:
    """The study's privacy rules and record limits, as each file's staging needs them (sent to
    helper processes).

    Each file gets a :class:`Pseudonymiser` of its own, so that its staged rows
    do not depend on the files read before it.
    """

    key: bytes
    org_accounts: dict[tuple[str, str], OrgAccount]
    scrubber: Scrubber
    limits: RecordLimits

    def pseudonymiser(self) -> Pseudonymiser:
        """A new pseudonymiser with the study key that has learnt no organisation ids yet."""
        return Pseudonymiser(self.key, self.org_accounts)


@dataclass
class FileStats:
    """Reconciliation counts of one input file."""

    source_file: str
    org_id: str
    format: str
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    erased: int = 0
    from_cache: bool = False

    def reconciles(self) -> bool:
        """True when every record read is accounted for."""
        return self.read == self.accepted + self.quarantined + self.duplicates + self.erased


@dataclass
class IngestResult:
    """What an ingestion run produced.

    ``warnings`` are what is odd about the inputs though they could be read
    (a file listed twice, one post id with two contents); they are logged,
    kept in the manifest, and shown by ``01_ingest``.
    """

    files: list[FileStats]
    tables: dict[str, Path]
    skipped: bool = False
    summary_path: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per-file table of read / accepted / quarantined / duplicates."""
        frame = pd.DataFrame([asdict(stats) for stats in self.files])
        return frame.drop(columns=["from_cache"]) if not frame.empty else frame


# --------------------------------------------------------------------------- planning


def plan_inputs(config: StudyConfig, org_ids: list[str] | None = None) -> list[InputPlan]:
    """Resolve every input file of the study (or of ``org_ids``) to a reader.

    Raises
    ------
    IngestError
        When a file is missing or its format cannot be recognised; raised
        before anything is read or written.
    """
    organisations = config.organisations if org_ids is None else [config.organisation(o) for o in org_ids]
    raw_root = config.resolve(config.raw_dir)
    plans = []
    for org in organisations:
        for item in org.inputs:
            plans.append(_plan_one(config, org, item, raw_root))
    return plans


def plan_warnings(plans: list[InputPlan]) -> list[str]:
    """What is odd about the inputs as listed, though they can be read: one file listed twice."""
    owners: dict[Path, list[str]] = {}
    for plan in plans:
        owners.setdefault(plan.path.resolve(), []).append(plan.org_id)
    warnings = []
    for path, org_ids in owners.items():
        if len(org_ids) > 1:
            listed = " and ".join(repr(org_id) for org_id in org_ids)
            warnings.append(
                f"{path} is listed {len(org_ids)} times, under {listed}: its posts are counted once, under "
                f"{org_ids[0]!r} (the first), and are duplicates everywhere else. List each file under one "
                "organisation.")
    return warnings


def _plan_one(config: StudyConfig, org: Organisation, item: InputFile, raw_root: Path) -> InputPlan:
    path = config.input_path(item)
    if path.is_dir():
        raise IngestError(f"{path}: input of organisation {org.id!r} is a folder; list each export file "
                          f"under 'inputs:' (from {config.source or 'config'})")
    if not path.is_file():
        raise IngestError(
            f"{path}: input file of organisation {org.id!r} not found (from {config.source or 'config'})"
        )
    problem = encoding_problem(path)
    if problem is not None:
        raise IngestError(f"{path}: {problem} (organisation {org.id!r}). Save it as UTF-8 (in Excel: "
                          "'CSV UTF-8'; in a text editor: encoding UTF-8) and run again.")
    try:
        format_name = item.format or detect_format(path)
        get_reader(format_name)
    except ValueError as exc:
        raise IngestError(f"{exc} (organisation {org.id!r})") from None
    try:
        source_file = path.resolve().relative_to(raw_root.resolve()).as_posix()
    except ValueError:  # outside raw_dir: the full path, so that two files of one name stay apart
        source_file = path.resolve().as_posix()
    context = ReadContext(org_id=org.id, platform=item.platform, column_map=dict(item.columns))
    return InputPlan(org.id, path, source_file, format_name, context)


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
    rules = StagingRules(key, org_account_index(config.organisations), scrubber,
                         RecordLimits.from_settings(config.ingestion))
    settings_key = _settings_key(config, key)
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
        "inputs": {plan.source_file: _sha256(plan.path) for plan in plans},
    })
    remove_stale_stages(out_dir / "_stage", set(file_keys))
    return result


# --------------------------------------------------------------------------- stage 1: per file


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
    largest file first; on one CPU, in a daemonic process or without ``fork``
    they are read here, one after the other.  Either way the result is the
    same: a file's staged rows depend on that file alone.
    """
    staged: list[_Staged | None] = [None] * len(plans)
    todo = []
    for index, plan in enumerate(plans):
        cached = None if force else _cached_stage(plan, _stage_paths(stage_dir, file_keys[index]))
        if cached is None:
            todo.append(index)
        staged[index] = cached
    workers = parallel_parts(len(todo)) if "fork" in get_all_start_methods() else 1
    with tqdm(total=len(plans), initial=len(plans) - len(todo), desc="ingest files", unit="file",
              disable=not progress) as bar:
        if workers > 1:
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
    largest_first = sorted(todo, key=lambda index: plans[index].path.stat().st_size, reverse=True)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            futures = {pool.submit(_stage_file, plans[index], file_keys[index],
                                   stage_dir, rules, progress=False): index for index in largest_first}
            try:
                for future in as_completed(futures):
                    staged[futures[future]] = future.result()
                    bar.update(1)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool as exc:
        logger.warning("a helper process reading input files failed (%s); reading the rest here", exc)
    except OSError as exc:  # no process could be started
        logger.info("input files are read in this process (%s)", exc)


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
                row = normalise_post(item, plan, pseudonymiser, rules.scrubber, known)
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


@dataclass
class _Chunk:
    """Staged rows waiting for their languages: those that need one, their distinct texts."""

    rows: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    texts: list[str]
    languages: Future[list[str | None]] | None = None


class _TableSink:
    """Collects staged chunks in memory, with the interface of the parquet writer it stands in for."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.tables: list[pa.Table] = []

    def write_table(self, table: pa.Table) -> None:
        self.tables.append(table)

    def close(self) -> None:
        pass

    def to_pandas(self) -> pd.DataFrame:
        return pa.concat_tables(self.tables or [self.schema.empty_table()]).to_pandas()


class _ChunkWriter:
    """Writes staged chunks in order, detecting languages in a second process on larger files.

    Language detection is CPU-bound and holds the GIL; from the second chunk of
    a file on (and when this process may use more than one CPU) it runs in one
    forked worker process, on the next chunk while this process reads and
    pseudonymises. Small files never start the worker; where no worker can be
    started (a daemonic batch worker, no ``fork``) detection runs here. Only
    the scrubbed, pseudonymised texts are sent to it, through a pipe; nothing
    is written. The result is the same either way.
    """

    def __init__(self, writer: pq.ParquetWriter | _TableSink) -> None:
        self._writer = writer
        self._queue: deque[_Chunk] = deque()
        self._executor: ProcessPoolExecutor | None = None
        self._parallel = _may_fork_worker()

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Queue a chunk of rows; write the chunks whose languages are known."""
        if not rows:
            return
        pending = [row for row in rows if row["lang"] is None and row["shared_id"] is None]
        self._queue.append(_Chunk(rows, pending, list(dict.fromkeys(row["text"] for row in pending))))
        if self._parallel and len(self._queue) > 1:
            self._submit_queued()
        while len(self._queue) > 2:
            self._write_oldest()

    def _submit_queued(self) -> None:
        try:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
            for chunk in self._queue:
                if chunk.languages is None and chunk.texts:
                    chunk.languages = self._executor.submit(detect_languages, chunk.texts)
        except (OSError, RuntimeError, AssertionError) as exc:
            logger.info("language detection stays in this process (%s)", exc)
            self._parallel = False

    def close(self, abandon: bool = False) -> None:
        """Write what is queued (unless ``abandon``), close the file and stop the worker."""
        try:
            while self._queue and not abandon:
                self._write_oldest()
        finally:
            self._writer.close()
            if self._executor is not None:
                self._executor.shutdown(cancel_futures=True)

    def _write_oldest(self) -> None:
        chunk = self._queue.popleft()
        languages = None
        if chunk.languages is not None:
            try:
                languages = chunk.languages.result()
            except BrokenProcessPool as exc:
                logger.warning("language detection worker failed (%s); detecting here", exc)
                self._parallel = False
        if languages is None:
            languages = detect_languages(chunk.texts)
        fill_languages(chunk.pending, dict(zip(chunk.texts, languages, strict=True)))
        self._writer.write_table(pa.Table.from_pylist(chunk.rows, schema=self._writer.schema))


def _may_fork_worker() -> bool:
    """Whether a language worker may be forked: more than one CPU, fork available, not daemonic."""
    return (usable_cpus() > 1 and "fork" in get_all_start_methods()
            and not current_process().daemon)


def fill_languages(rows: list[dict[str, Any]], language_of: dict[str, str | None]) -> None:
    """Set ``lang`` of staged rows whose export gave none from their detected text, in place.

    Shares carry the shared post's text, so they keep no language of their
    own and are never passed here.
    """
    for row in rows:
        row["lang"] = language_of[row["text"]]


def _stage_arrow_schema() -> pa.Schema:
    text = pa.string()
    fields = [
        ("post_id", text), ("platform", text), ("org_id", text), ("author_id", text),
        ("author_role", text), ("created_at", pa.timestamp("us", tz="UTC")), ("text", text),
        ("lang", text), ("parent_id", text), ("thread_id", text), ("quoted_id", text),
        ("shared_id", text), ("mentions", pa.list_(text)), ("hashtags", pa.list_(text)),
        ("urls", pa.list_(text)), ("likes", pa.int64()), ("shares", pa.int64()),
        ("replies", pa.int64()), ("source_file", text), ("source_line", pa.int64()),
    ] + [(name, text) for name in _STAGE_EXTRA] + [("aliases", pa.list_(text))]
    return pa.schema(fields)


def normalise_post(
    post: ParsedPost, plan: InputPlan, pseudonymiser: Pseudonymiser, scrubber: Scrubber,
    known: KnownAccounts | None = None,
) -> dict[str, Any]:
    """Turn a reader's post into a pseudonymised, scrubbed row of the posts table.

    With ``known``, the handles and display names of the private accounts the
    post names are learnt (in memory) for the study-wide scrubbing of names.

    Parameters
    ----------
    post : ParsedPost
    plan : InputPlan
        The file it came from.
    pseudonymiser, scrubber
        The study's privacy rules.

    Returns
    -------
    dict
        A posts-table row plus staging columns (authors of the parent,
        quoted and shared posts; a key for repeated-text duplicates).
    """
    platform = post.platform
    if post.author_native_id is None and post.author_handle is None:
        raise ValueError("post has neither author id nor handle")
    p = pseudonymiser
    p.remember_org(platform, post.author_native_id, post.author_handle, post.author_display_name)
    author_id = p.author_id(platform, post.author_native_id, post.author_handle)
    role = "org" if p.org_of(platform, post.author_native_id, post.author_handle) else "public"
    known_ids = _mention_index(post)
    named_in_text: list[str] = []  # handles written in the text with no id in the post's entities

    def resolve(handle: str) -> str:
        native = known_ids.get(normalise_handle(platform, handle))
        org_handle = p.org_handle(platform, native, handle)
        if org_handle is not None:
            return "@" + org_handle
        if native is None:
            named_in_text.append(handle)
        return "@" + p.author_id(platform, native, handle)

    def resolve_reddit(handle: str) -> str:
        org_handle = p.org_handle("reddit", None, handle)
        return "@" + (org_handle if org_handle is not None else p.author_id("reddit", None, handle))

    text = scrubber.scrub(clean_text(post.text, post.text_is_html), platform, resolve, resolve_reddit)
    mentions = []
    for mention in post.mentions:
        if mention.native_id is None and mention.handle is None:
            continue
        target = p.author_id(platform, mention.native_id, mention.handle)
        if target != author_id and target not in mentions:
            mentions.append(target)
    urls = _url_column(post.urls, scrubber.keep_url_paths)
    return {
        "post_id": p.post_id(platform, post.native_id),
        "platform": platform,
        "org_id": plan.org_id,
        "author_id": author_id,
        "author_role": role,
        "created_at": post.created_at.astimezone(UTC),
        "text": text,
        "lang": normalise_lang(post.lang),
        "parent_id": _post_ref(p, platform, post.parent_native_id),
        "thread_id": p.post_id(platform, post.thread_native_id or post.native_id),
        "quoted_id": _post_ref(p, platform, post.quoted_native_id),
        "shared_id": _post_ref(p, platform, post.shared_native_id),
        "mentions": mentions,
        "hashtags": normalise_hashtags(post.hashtags) if post.hashtags else extract_hashtags(text),
        "urls": urls,
        "likes": post.likes,
        "shares": post.shares,
        "replies": post.replies,
        "source_file": plan.source_file,
        "source_line": post.source_line,
        "parent_author": _author_ref(p, platform, post.parent_author_native_id, post.parent_author_handle),
        "quoted_author": _author_ref(p, platform, post.quoted_author_native_id, post.quoted_author_handle),
        "shared_author": _author_ref(p, platform, post.shared_author_native_id, post.shared_author_handle),
        "text_key": text_key(author_id, text),
        "aliases": account_aliases(p, post, known) + text_mention_aliases(p, platform, named_in_text),
    }


def _mention_index(post: ParsedPost) -> dict[str, str]:
    """``normalised handle -> native id`` for the accounts a post's entities name."""
    index: dict[str, str] = {}
    for mention in post.mentions:
        if mention.handle and mention.native_id:
            handle = normalise_handle(post.platform, mention.handle)
            index[handle] = mention.native_id
            index.setdefault(handle.split("@", 1)[0], mention.native_id)  # Mastodon shows @user
    return index


def _post_ref(p: Pseudonymiser, platform: str, native_id: str | None) -> str | None:
    return p.post_id(platform, native_id) if native_id else None


def _author_ref(p: Pseudonymiser, platform: str, native_id: str | None, handle: str | None) -> str | None:
    if native_id is None and handle is None:
        return None
    return p.author_id(platform, native_id, handle)


def _url_column(urls: list[str], keep_paths: bool) -> list[str]:
    result: list[str] = []
    for url in urls:
        value = url.strip() if keep_paths else url_domain(url)
        if value and value not in result:
            result.append(value)
    return result


def _quarantine_row(plan: InputPlan, line: int, reason: str, raw: str) -> dict[str, Any]:
    return {
        "source_file": plan.source_file,
        "source_line": line,
        "org_id": plan.org_id,
        "format": plan.format,
        "reason": mask_reason(reason),
        "raw_excerpt": mask_excerpt(raw),
    }


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


def _learn_file_names(plan: InputPlan, rules: StagingRules) -> KnownAccounts:
    """The private names of a file whose staged rows come from the cache (read again, kept in memory)."""
    known = KnownAccounts()
    pseudonymiser = rules.pseudonymiser()
    for item in _read_all(plan):
        if isinstance(item, ParsedPost) and rules.limits.problem(item) is None:
            pseudonymiser.remember_org(item.platform, item.author_native_id, item.author_handle,
                                       item.author_display_name)
            account_aliases(pseudonymiser, item, known)
    return known


def _scrub_person_names(frames: list[pd.DataFrame], staged: list[_Staged], pipeline: str) -> set[int]:
    """Replace the person names a spaCy pipeline finds in the rows of the files read now (in place).

    Cached rows were scrubbed when they were read (the setting is part of
    their cache key).  See :mod:`helpers.person_names`.
    """
    from helpers.person_names import scrub_person_names

    changed = set()
    for index, item in enumerate(staged):
        if not item.fresh or frames[index].empty:
            continue
        texts = frames[index]["text"].tolist()
        scrubbed = scrub_person_names(texts, pipeline)
        if any(new is not old for new, old in zip(scrubbed, texts, strict=True)):
            frames[index]["text"] = scrubbed
            changed.add(index)
    return changed


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


def scrub_known_names(frames: list[pd.DataFrame], known: KnownAccounts) -> set[int]:
    """Replace every known handle and display name in the staged rows' text by its pseudonym (in place).

    ``frames`` are the staged rows of each file; what is scrubbed here reaches
    both the tables and the cache, so that no known name is written.  The
    rows keep their ``text_key`` (the key of repeated texts, a hash of the text
    as read). See :mod:`helpers.handles`.

    Returns
    -------
    set of int
        The positions of the files whose rows changed.
    """
    if not frames or not known.names:
        return set()
    texts_of = [frame["text"].tolist() for frame in frames]
    texts = [text for file_texts in texts_of for text in file_texts]
    scrubbed = known.compile().scrub_all(texts)  # the same object where nothing changed
    changed, start = set(), 0
    for index, file_texts in enumerate(texts_of):
        new = scrubbed[start:start + len(file_texts)]
        if any(after is not before for after, before in zip(new, file_texts, strict=True)):
            frames[index]["text"] = new
            changed.add(index)
        start += len(file_texts)
    return changed


def changed_duplicates(posts: pd.DataFrame, stats: list[FileStats]) -> list[str]:
    """Warnings for post ids that come back with other content in a later file (an edited post,
    or an export that reused ids); they name the files and the count, never the content.

    ``posts`` are the staged rows of every file in the order of the study
    file; the first copy is the one kept (:func:`_drop_cross_file_duplicates`),
    and the warning says so, so that a researcher can list the newer export first.
    """
    if posts.empty:
        return []
    later = posts[posts.duplicated("post_id", keep="first")]
    first = posts.drop_duplicates("post_id").set_index("post_id")
    kept_file = later["post_id"].map(first["_file"])
    changed = later[(later["text_key"] != later["post_id"].map(first["text_key"]))
                    & (later["_file"] != kept_file)]
    warnings = []
    for (earlier, file_index), group in changed.groupby([kept_file[changed.index], changed["_file"]]):
        kept_name = stats[int(earlier)].source_file
        warnings.append(
            f"{len(group):,} post id(s) of {stats[int(file_index)].source_file} appear in {kept_name} "
            f"with different content (an edited post or a reused id); the copy in {kept_name}, read "
            "first, is kept.")
    return warnings


def _drop_cross_file_duplicates(
    posts: pd.DataFrame, stats: list[FileStats], window_hours: float
) -> pd.DataFrame:
    """Keep the first copy of each post id, and drop repeats of the same text.

    A repeat is the same author posting the same text (case-insensitive,
    after scrubbing), as a reply to the same post (or to none), within
    ``window_hours`` of the copy that was kept: what a double submission or an
    export that lists a post twice under two ids looks like.  Shares are never
    repeats (their text is the shared post's).  Each dropped row is counted as
    a duplicate of the file it came from, in config order.
    """
    if posts.empty:
        return posts
    posts = posts.sort_values(["_file", "source_line"], kind="stable", ignore_index=True)
    duplicate = posts.duplicated("post_id", keep="first").to_numpy(copy=True)
    duplicate |= _repeated_text(posts, window_hours, exclude=duplicate)
    for file_index, count in posts.loc[duplicate, "_file"].value_counts().items():
        stats[int(file_index)].accepted -= int(count)
        stats[int(file_index)].duplicates += int(count)
    return posts[~duplicate].reset_index(drop=True)


def _repeated_text(posts: pd.DataFrame, window_hours: float, exclude: np.ndarray) -> np.ndarray:
    repeat = np.zeros(len(posts), dtype=bool)
    if window_hours <= 0:
        return repeat
    key = posts["text_key"] + "\x1f" + posts["parent_id"].fillna("")
    eligible = posts["shared_id"].isna() & (posts["text"].str.len() > 0) & ~exclude
    candidates = pd.DataFrame({"key": key, "created_at": posts["created_at"]})[eligible]
    candidates = candidates[candidates.duplicated("key", keep=False)]
    candidates = candidates.sort_values(["key", "created_at"], kind="stable")
    window = pd.Timedelta(hours=window_hours)
    kept_key, kept_time = None, None
    for index, row_key, created in zip(candidates.index, candidates["key"], candidates["created_at"],
                                       strict=True):
        if row_key == kept_key and created - kept_time <= window:
            repeat[index] = True
        else:
            kept_key, kept_time = row_key, created
    return repeat


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


def resolve_threads(posts: pd.DataFrame) -> pd.DataFrame:
    """Give every post the thread id of the oldest ancestor found in the corpus.

    Exports that carry a conversation id (twarc2, Reddit's link_id, Bluesky's
    reply root) already agree with this; formats without one (Twitter v1.1,
    Mastodon) get their threads from the reply chains.  A chain stops at a
    parent that is not in the corpus (deleted or not collected).
    """
    post_ids = posts["post_id"].tolist()
    parent = dict(zip(post_ids, _values(posts["parent_id"]), strict=True))
    thread = dict(zip(post_ids, _values(posts["thread_id"]), strict=True))
    roots: dict[str, str] = {}

    def root_of(post_id: str) -> str:
        chain = []
        current = post_id
        while current not in roots:
            chain.append(current)
            up = parent.get(current)
            if up is None or up not in parent or up in chain:
                roots[current] = current
                break
            current = up
        found = roots[current]
        for item in chain:
            roots[item] = found
        return found

    posts["thread_id"] = [thread[root_of(post_id)] for post_id in post_ids]
    return posts


def derive_interactions(posts: pd.DataFrame) -> pd.DataFrame:
    """Derive reply, mention, share and quote interactions between accounts.

    Rules (docs/data-model.md): a reply links its author to the parent's
    author, a share to the shared post's author, a quote to the quoted
    post's author; a mention links the author to each account named, except
    the account it replies to or shares (platforms add those automatically)
    and except in shares (the mentions there are the original author's).
    Targets come from the corpus where the referenced post is in it, else
    from the export's own reference.  Interactions with oneself are dropped.
    """
    author_of = dict(zip(posts["post_id"].tolist(), posts["author_id"].tolist(), strict=True))
    rows = []
    names = ["post_id", "author_id", "created_at", "org_id", "platform", "parent_id", "parent_author",
             "shared_id", "shared_author", "quoted_id", "quoted_author", "mentions"]
    columns = zip(*(_values(posts[name]) for name in names), strict=True)
    for (post_id, author, created, org_id, platform, parent_id, parent_author, shared_id,
         shared_author, quoted_id, quoted_author, mentions) in columns:
        targets = []
        reply_to = author_of.get(parent_id, parent_author) if parent_id else None
        share_of = author_of.get(shared_id, shared_author) if shared_id else None
        quote_of = author_of.get(quoted_id, quoted_author) if quoted_id else None
        targets += [("reply", reply_to), ("share", share_of), ("quote", quote_of)]
        if shared_id is None:
            targets += [("mention", m) for m in mentions if m not in (reply_to, share_of)]
        for kind, target in targets:
            if target is not None and target != author:
                rows.append((author, target, kind, post_id, created, org_id, platform))
    frame = pd.DataFrame(rows, columns=list(SCHEMAS["interactions"].columns))
    return frame.sort_values(["created_at", "post_id", "kind", "target_author"], ignore_index=True)


def _values(series: pd.Series) -> list[Any]:
    """The column's values as a list, with every missing value as None (not NaN)."""
    return series.astype(object).where(series.notna(), None).tolist()


def derive_accounts(posts: pd.DataFrame, interactions: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """One row per account seen as author or interaction target.

    Organisation accounts carry a label (organisation name and handle) and
    their org_id; private accounts carry only their pseudonym.
    """
    authored = posts.groupby(["author_id", "platform"], sort=False).agg(
        first_seen=("created_at", "min"), last_seen=("created_at", "max"), post_count=("post_id", "size")
    )
    targeted = interactions.groupby(["target_author", "platform"], sort=False).agg(
        first_seen=("created_at", "min"), last_seen=("created_at", "max")
    )
    targeted.index = targeted.index.set_names(["author_id", "platform"])
    targeted = targeted[~targeted.index.isin(authored.index)]
    targeted["post_count"] = 0
    accounts = pd.concat([authored, targeted]).reset_index()
    names = {org.id: org.name for org in config.organisations}
    org_index = org_account_index(config.organisations)
    org_ids, labels = [], []
    pairs = zip(accounts["author_id"].tolist(), accounts["platform"].tolist(), strict=True)
    for author_id, platform in pairs:
        org_id = None
        if author_id.startswith(f"{platform}:"):
            handle = author_id.split(":", 1)[1]
            account = org_index.get((platform, normalise_handle(platform, handle)))
            org_id = account.org_id if account else None
        org_ids.append(org_id)
        labels.append(f"{names[org_id]} ({author_id.split(':', 1)[1]})" if org_id else None)
    accounts["org_id"] = org_ids
    accounts["label"] = labels
    accounts["is_org"] = accounts["org_id"].notna()
    accounts["role"] = np.where(accounts["is_org"], "org", "public")
    accounts = accounts[list(SCHEMAS["accounts"].columns)]
    return accounts.sort_values(["platform", "author_id"], ignore_index=True)


# --------------------------------------------------------------------------- bookkeeping


def _settings_key(config: StudyConfig, key: bytes) -> str:
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
    }
    if config.privacy.person_names_file:
        relevant["names"] = _sha256(config.resolve(config.privacy.person_names_file))
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def _file_key(plan: InputPlan, settings_key: str) -> str:
    parts = [settings_key, _sha256(plan.path), plan.format, plan.org_id, plan.source_file,
             json.dumps(asdict(plan.context), sort_keys=True)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, memoised on (path, size, mtime) within one process."""
    stat = path.stat()
    memo_key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if memo_key not in _HASH_CACHE:
        with path.open("rb") as fh:
            _HASH_CACHE[memo_key] = hashlib.file_digest(fh, "sha256").hexdigest()
    return _HASH_CACHE[memo_key]


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The ingestion's manifest of a processed folder; empty when missing or damaged."""
    manifest = read_json_marker(out_dir / MANIFEST, "ingestion manifest")
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    write_json_atomic(out_dir / MANIFEST, manifest, indent=2, sort_keys=True)


def _write_summary(result: IngestResult) -> None:
    if result.summary_path is not None:
        write_csv_atomic(result.summary_path, result.summary())


def load_summary(config: StudyConfig) -> pd.DataFrame:
    """Read the per-file reconciliation table of the last ingestion."""
    return pd.read_csv(config.processed_path / SUMMARY)
