"""The classify step: each post's communication mode and knowledge type, each thread's mode
(:mod:`helpers.classify`)."""

from __future__ import annotations

from helpers.classify import classify_study
from helpers.classify.study import LOCK, MANIFEST, POST_CLASSES_FILE, THREAD_MODES_FILE
from helpers.config import StudyConfig
from helpers.steps.base import Erased, Forgotten, Step, drop_rows


def run(config: StudyConfig) -> None:
    """Classify the study on every CPU it may use (skipped when posts and settings are unchanged)."""
    classify_study(config, progress=False)


def run_on_one_cpu(config: StudyConfig) -> None:
    """Classify without helper processes (beside the topic step, which keeps the other CPU busy)."""
    classify_study(config, progress=False, processes=1)


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Drop the classes of the person's posts (thread modes hold counts, no account or post)."""
    return drop_rows(config.processed_path / POST_CLASSES_FILE, erased)


STEP = Step(
    name="classify",
    purpose="communication mode of each post and thread, knowledge type of each post",
    reads=("posts.parquet", "interactions.parquet", "accounts.parquet", "embeddings/**"),
    writes=(POST_CLASSES_FILE, THREAD_MODES_FILE, MANIFEST, LOCK),
    run=run,
    forget=forget,
    beside_of="topics",
    run_on_one_cpu=run_on_one_cpu,
)
