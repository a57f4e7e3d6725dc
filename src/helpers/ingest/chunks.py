"""A file's staged rows written chunk by chunk, the languages of the posts whose export gives
none detected alongside (in a second process on larger files).
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import current_process, get_all_start_methods, get_context
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.processes import usable_cpus
from helpers.text import detect_languages

logger = logging.getLogger(__name__)


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
