"""The knowledge types and the hand-written seed set both knowledge models are trained on.

``resources/knowledge_seed.csv`` (or a study's own seed file): ``lang``,
``knowledge_type``, ``text``; :func:`load_seed` checks it, :func:`seed_digest`
names its content.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

KNOWLEDGE_TYPES = ("experiential", "mediated_experiential", "medical", "practical", "advocacy", "other")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_SEED = RESOURCES / "knowledge_seed.csv"
CV_FOLDS = 5


def load_seed(path: Path | str | None = None) -> pd.DataFrame:
    """Read the labelled seed set (``lang``, ``knowledge_type``, ``text``).

    Raises
    ------
    ValueError
        When a label is not a knowledge type, or a class has fewer than
        ``CV_FOLDS`` examples in a language (too few to cross-validate).
    """
    path = Path(path or DEFAULT_SEED)
    seed = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"lang", "knowledge_type", "text"} - set(seed.columns)
    if missing:
        raise ValueError(f"{path}: seed file lacks columns {sorted(missing)}")
    unknown = sorted(set(seed["knowledge_type"]) - set(KNOWLEDGE_TYPES))
    if unknown:
        raise ValueError(f"{path}: unknown knowledge types {unknown}; use {list(KNOWLEDGE_TYPES)}")
    counts = seed.groupby(["lang", "knowledge_type"]).size()
    small = counts[counts < CV_FOLDS]
    if not small.empty:
        raise ValueError(f"{path}: fewer than {CV_FOLDS} examples for {small.to_dict()}")
    seed = seed[seed["text"].str.strip() != ""].reset_index(drop=True)
    return seed


def seed_digest(path: Path | str | None = None) -> str:
    """SHA-256 of a seed file (the packaged one by default)."""
    return hashlib.sha256(Path(path or DEFAULT_SEED).read_bytes()).hexdigest()
