"""What a study step is: what it reads and writes, how it runs, and how it forgets a person.

Every step of the study DAG (:data:`helpers.steps.STEPS`) is one :class:`Step`.
The batch runs them in order (:mod:`helpers.batch.study_steps`, which also
decides where each runs); ``rarevoices forget`` asks each, in reverse order,
to forget a person (:mod:`helpers.erasure`), so that only the step knows its
own files.  Their ``writes`` are checked against a real study folder by a test,
so the declarations stay true.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.schema import write_parquet_atomic

AUTHOR_COLUMNS = ("author_id", "source_author", "target_author")
"""Columns that name an account in the study's tables."""


@dataclass(frozen=True)
class Erased:
    """The person an erasure request is about, as the steps' files know them.

    Attributes
    ----------
    author_ids : frozenset of str
        Their pseudonymous author ids (every alias the register resolved).
    post_ids : frozenset of str
        The ids of their posts.
    texts : tuple of str
        The texts of their posts, as the posts table holds them (caches keyed by text need them).
    """

    author_ids: frozenset[str]
    post_ids: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()

    @classmethod
    def in_posts(cls, posts: pd.DataFrame, author_ids: Iterable[str]) -> Erased:
        """The erased accounts, with their posts found in ``posts`` (the study's posts table)."""
        authors = frozenset(author_ids)
        theirs = posts.loc[posts["author_id"].isin(authors)]
        return cls(authors, frozenset(theirs["post_id"]), tuple(theirs["text"].tolist()))


Forgotten = dict[Path, int]
"""What a step's ``forget`` rewrote or deleted: each file and the rows it lost (0 for a file
whose rows stayed but were changed, or that was deleted whole)."""


@dataclass(frozen=True)
class Step:
    """One step of the study DAG.

    Attributes
    ----------
    name : str
        As in the batch's phases and run records (``ingest``, ``embed``...).
    purpose : str
        One line for people (docs, logs).
    reads, writes : tuple of str
        Paths under the study's processed folder, as glob patterns (``**`` for
        a folder's contents); ``reads`` may name the raw inputs and the erasure
        register too, written ``raw:`` and ``register``.
    run : callable
        ``run(config)``: brings the step's files up to date (skips itself when
        its inputs are unchanged).
    forget : callable
        ``forget(config, erased)``: removes the person from the step's files
        and caches; returns :data:`Forgotten`.
    parts : callable, optional
        ``parts(config)``: the independent pieces of work left (e.g.
        organisations), which a scheduler may spread over processes...
    run_part : callable, optional
        ...each run by ``run_part(config, part)``.
    beside_of : str, optional
        The step this one may run beside, on a CPU that step leaves idle: it
        is offered to that step (:func:`helpers.processes.offer_to_an_idle_cpu`)
        and runs with ``run_on_one_cpu`` when taken, after that step (with
        ``run``) when not.
    run_on_one_cpu : callable, optional
        ``run_on_one_cpu(config)``: the step without helper processes.
    """

    name: str
    purpose: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[StudyConfig], None]
    forget: Callable[[StudyConfig, Erased], Forgotten]
    parts: Callable[[StudyConfig], list[str]] | None = None
    run_part: Callable[[StudyConfig, str], None] | None = None
    beside_of: str | None = None
    run_on_one_cpu: Callable[[StudyConfig], None] | None = None

    def owns(self, relative: str) -> bool:
        """Whether a file (its path under the processed folder, ``/``-separated) is one this step writes.

        >>> step = Step("x", "", (), ("posts.parquet", "_stage/**"), print, lambda c, e: {})
        >>> step.owns("_stage/ab12.posts.parquet"), step.owns("post_classes.parquet")
        (True, False)
        """
        return any(fnmatch.fnmatch(relative, pattern.replace("**", "*")) for pattern in self.writes)


def drop_rows(path: Path, erased: Erased) -> Forgotten:
    """Rewrite a table without the rows of the erased person's posts and of rows naming them.

    Rows go whose ``author_id``, ``source_author`` or ``target_author`` is the
    person, or whose ``post_id`` is one of their posts.  A missing file, or one
    with none of their rows, is left as it is.
    """
    if not path.exists():
        return {}
    frame = pd.read_parquet(path)
    keep = pd.Series(True, index=frame.index)
    for column in AUTHOR_COLUMNS:
        if column in frame.columns:
            keep &= ~frame[column].isin(erased.author_ids)
    if "post_id" in frame.columns:
        keep &= ~frame["post_id"].isin(erased.post_ids)
    if keep.all():
        return {}
    write_parquet_atomic(frame[keep].reset_index(drop=True), path)
    return {path: int((~keep).sum())}
