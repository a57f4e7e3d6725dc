"""Validation of the classifiers: per-class precision, recall, F1 and confusion matrices.

Two sources of gold labels:

* the **demo corpus ground truth** (``data/raw/demo/_truth/posts.csv``, read
  through :mod:`helpers.truth`); analysis code never reads it, only this
  module and the tests;
* a **hand-coded sample** of a real study: :func:`validation_sample` draws a
  stratified sample of posts to code (by predicted class, so rare classes are
  represented), coders fill in ``communication_mode``, ``knowledge_type``
  and ``narrative_person``, and :func:`evaluate_classifiers` reads the file
  back (``labels=``).  This is how the classifiers should be validated on any
  new corpus: the demo truth says only how well they recover a generator's
  intentions.

Per-class precision, recall and F1 follow the usual definitions (e.g.
Sokolova & Lapalme [1]_); macro averages weigh every class equally, weighted
averages by support.

References
----------
.. [1] Sokolova, M. and Lapalme, G. (2009). A systematic analysis of
   performance measures for classification tasks. Information Processing &
   Management, 45(4), 427-437.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.classify.health import HEALTH_CODES, health_codes
from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import MODES
from helpers.config import StudyConfig
from helpers.errors import UserError
from helpers.store import write_csv_atomic

logger = logging.getLogger(__name__)

PERSONS = ("first", "third", "none")
# Languages with fewer gold posts get no table of their own (their averages would be noise).
MIN_LANGUAGE_POSTS = 20
GOLD_COLUMNS = {
    "communication_mode": "mode",
    "knowledge_type": "knowledge_type",
    "narrative_person": "narrative_person",
    "health": "health_code",
}
TASKS = (
    ("mode", "communication_mode", MODES),
    ("knowledge", "knowledge_type", KNOWLEDGE_TYPES),
    ("narrative_person", "narrative_person", PERSONS),
    ("health", "health", HEALTH_CODES),
)
_HEALTH_WORDS = {"yes": "yes", "y": "yes", "1": "yes", "true": "yes", "no": "no", "n": "no", "0": "no",
                 "false": "no"}


def classification_table(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> pd.DataFrame:
    """Per-class precision, recall, F1 and support, with accuracy, macro and weighted averages.

    Examples
    --------
    >>> table = classification_table(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    >>> table.set_index("class").loc["a", ["precision", "recall"]].tolist()
    [1.0, 0.5]
    """
    from sklearn.metrics import precision_recall_fscore_support

    gold, predicted = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    table = pd.DataFrame(
        {"class": labels, "precision": precision, "recall": recall, "f1": f1, "support": support.astype(int)}
    )
    total = int(support.sum())
    weights = support / total if total else np.zeros(len(labels))
    accuracy = float((gold == predicted).mean()) if len(gold) else np.nan
    extra = pd.DataFrame(
        [
            {"class": "accuracy", "precision": np.nan, "recall": np.nan, "f1": accuracy, "support": total},
            {
                "class": "macro avg",
                "precision": precision.mean(),
                "recall": recall.mean(),
                "f1": f1.mean(),
                "support": total,
            },
            {
                "class": "weighted avg",
                "precision": float(weights @ precision),
                "recall": float(weights @ recall),
                "f1": float(weights @ f1),
                "support": total,
            },
        ]
    )
    return pd.concat([table, extra], ignore_index=True)


def confusion_table(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Confusion matrix: rows are the true classes, columns the predicted ones (counts)."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(
        np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object), labels=list(labels)
    )
    return pd.DataFrame(
        matrix, index=pd.Index(list(labels), name="true"), columns=pd.Index(list(labels), name="predicted")
    )


def evaluate(predictions: pd.DataFrame, gold: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Compare predictions with gold labels, joined on ``post_id``.

    Parameters
    ----------
    predictions : DataFrame
        The per-post classification (``post_id``, ``mode``, ``knowledge_type``,
        ``narrative_person``, ``knowledge_lang``).
    gold : DataFrame
        ``post_id`` and any of ``communication_mode``, ``knowledge_type``,
        ``narrative_person`` and ``health`` (``yes``/``no``, or 1/0); blank
        labels are skipped.

    Returns
    -------
    dict of DataFrame
        ``mode``, ``mode_confusion``, ``knowledge``, ``knowledge_confusion``,
        ``health``, ``health_confusion``,
        ``knowledge_by_language`` (the knowledge table per language with at
        least :data:`MIN_LANGUAGE_POSTS` gold posts, with a ``lang``
        column), ``narrative_person``, ``narrative_person_confusion`` and
        ``coverage`` (gold posts, posts matched), for the tasks the gold
        labels cover.
    """
    if "health" in gold.columns:
        codes = gold["health"].astype("string").str.strip().str.lower()
        gold = gold.assign(health=codes.map(_HEALTH_WORDS).where(codes.notna()))
    if "health" in predictions.columns:
        predictions = predictions.assign(health_code=health_codes(predictions["health"]))
    gold = gold.rename(columns={c: f"gold_{c}" for c in GOLD_COLUMNS})
    joined = predictions.merge(gold, on="post_id", how="inner", validate="one_to_one")
    tables: dict[str, pd.DataFrame] = {
        "coverage": pd.DataFrame(
            [{"gold_posts": len(gold), "matched": len(joined), "unmatched": len(gold) - len(joined)}]
        ),
    }
    for name, gold_column, labels in TASKS:
        column = f"gold_{gold_column}"
        if column not in joined.columns:
            continue
        rows = joined[joined[column].notna() & (joined[column].astype(str).str.strip() != "")]
        if rows.empty:
            continue
        truth, predicted = rows[column].astype(str), rows[GOLD_COLUMNS[gold_column]].astype(str)
        tables[name] = classification_table(truth, predicted, labels)
        tables[f"{name}_confusion"] = confusion_table(truth, predicted, labels)
        if name == "knowledge" and "knowledge_lang" in rows.columns:
            counts = rows["knowledge_lang"].value_counts()
            per_lang = [
                classification_table(
                    truth[rows["knowledge_lang"] == lang], predicted[rows["knowledge_lang"] == lang], labels
                ).assign(lang=lang)
                for lang in sorted(counts[counts >= MIN_LANGUAGE_POSTS].index)
            ]
            if per_lang:
                table = pd.concat(per_lang, ignore_index=True)
                tables["knowledge_by_language"] = table[["lang", *table.columns.drop("lang")]]
    return tables


def evaluate_classifiers(
    config: StudyConfig,
    labels: pd.DataFrame | Path | str | None = None,
    *,
    classify: bool = True,
) -> dict[str, pd.DataFrame]:
    """Per-class precision, recall, F1 and confusion matrices for mode and knowledge type.

    Parameters
    ----------
    config : StudyConfig
    labels : DataFrame or path, optional
        Hand-coded gold labels (a CSV with ``post_id`` and any of
        ``communication_mode``, ``knowledge_type``, ``narrative_person``).
        Without it, the demo corpus ground truth (:mod:`helpers.truth`).
    classify : bool
        Classify the study first when its classification is missing or stale.

    Returns
    -------
    dict of DataFrame
        See :func:`evaluate`.

    Raises
    ------
    helpers.truth.NoGroundTruth
        (a ``FileNotFoundError``) when no labels are given and the study has
        no demo ground truth.
    """
    from helpers.classify.study import POST_CLASSES_FILE, classify_study, load_post_classes

    if classify:
        classify_study(config)
    elif not (config.processed_path / POST_CLASSES_FILE).exists():
        raise FileNotFoundError(
            f"{config.processed_path / POST_CLASSES_FILE}: run `rarevoices classify` first"
        )
    gold = _gold_labels(config, labels)
    return evaluate(load_post_classes(config), gold)


class LabelsError(UserError, ValueError):
    """A file of hand-coded labels that cannot be used; the message names it and says why."""


def read_labels(path: Path) -> pd.DataFrame:
    """Read a CSV of hand-coded labels (``post_id`` and any of :data:`GOLD_COLUMNS`).

    Raises
    ------
    LabelsError
        When the file is missing, empty, not UTF-8 text (e.g. an Excel
        workbook), not a CSV, or lacks the ``post_id`` column or every label
        column; the message names the file.
    """
    path = Path(path)
    expected = f"a CSV with a post_id column and at least one of {', '.join(GOLD_COLUMNS)}"
    if not path.is_file():
        raise LabelsError(f"{path}: labels file not found (expected {expected})")
    data = path.read_bytes()
    if not data.strip():
        raise LabelsError(f"{path}: the labels file is empty (expected {expected})")
    try:
        text = data.decode("utf-8-sig")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", data, text.index("\x00"), text.index("\x00") + 1, "NUL byte")
        gold = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise LabelsError(f"{path}: not a CSV text file (binary, or not UTF-8; save a spreadsheet as "
                          f"'CSV UTF-8'); expected {expected}") from None
    gold.columns = [str(column).strip() for column in gold.columns]
    if "post_id" not in gold.columns:
        raise LabelsError(f"{path}: no post_id column (columns found: {', '.join(gold.columns[:10])}); "
                          f"expected {expected}")
    if not any(column in gold.columns for column in GOLD_COLUMNS):
        raise LabelsError(f"{path}: no label column; expected {expected}")
    return gold.replace({"": None})


def _gold_labels(config: StudyConfig, labels: pd.DataFrame | Path | str | None) -> pd.DataFrame:
    if isinstance(labels, pd.DataFrame):
        gold = labels
    elif labels is not None:
        gold = read_labels(config.resolve(Path(labels)))
    else:
        from helpers.truth import load_truth_posts

        gold = load_truth_posts(config)
    if "post_id" not in gold.columns:
        raise LabelsError("gold labels need a post_id column")
    keep = ["post_id", *[c for c in GOLD_COLUMNS if c in gold.columns]]
    if len(keep) == 1:
        raise LabelsError(f"gold labels need at least one of {list(GOLD_COLUMNS)}")
    return gold[keep].drop_duplicates("post_id")


def format_evaluation(tables: dict[str, pd.DataFrame]) -> str:
    """The evaluation tables as plain text, for the command line."""
    parts = []
    titles = {
        "coverage": "Posts with gold labels",
        "mode": "Communication mode (per post)",
        "mode_confusion": "Communication mode: confusion matrix (rows true, columns predicted)",
        "knowledge": "Knowledge type (per post)",
        "knowledge_confusion": "Knowledge type: confusion matrix (rows true, columns predicted)",
        "knowledge_by_language": "Knowledge type per language",
        "narrative_person": "Narrative person",
        "narrative_person_confusion": "Narrative person: confusion matrix",
    }
    for key, title in titles.items():
        if key not in tables:
            continue
        table = tables[key]
        text = table.to_string(float_format=lambda v: f"{v:.3f}", index=key.endswith("confusion"))
        parts.append(f"{title}\n{'-' * len(title)}\n{text}")
    return "\n\n".join(parts)


def validation_sample(
    config: StudyConfig,
    n_per_class: int = 20,
    path: Path | str | None = None,
    *,
    org_id: str | None = None,
) -> pd.DataFrame:
    """A stratified sample of posts for hand-coding, with empty label columns.

    Draws up to ``n_per_class`` posts per predicted knowledge type and per
    predicted mode (seeded with the study seed), so that every class is
    represented however rare.  The file holds the scrubbed text (coders need
    it) and no author ids; store it as your ethics approval says and delete
    it after coding.

    Parameters
    ----------
    config : StudyConfig
    n_per_class : int
    path : Path or str, optional
        Where to write the CSV (relative paths against the project root);
        default ``<processed_dir>/validation_sample.csv``.
    org_id : str, optional
        Only this organisation's posts.

    Returns
    -------
    DataFrame
        ``post_id``, ``platform``, ``org_id``, ``created_at``, ``text``, the
        predictions (for reference; hide them from coders for a blind
        coding) and empty ``communication_mode``, ``knowledge_type``,
        ``narrative_person``, ``coder``, ``note``.
    """
    from helpers.classify.study import load_classified_posts

    posts = load_classified_posts(config, org_id)
    posts = posts[posts["text"].str.strip() != ""]
    picked = []
    for column in ("knowledge_type", "mode"):
        for _, group in posts.groupby(column, sort=True):
            picked.append(group.sample(min(n_per_class, len(group)), random_state=config.seed))
    sample = pd.concat(picked).drop_duplicates("post_id").sample(frac=1.0, random_state=config.seed)
    sample = sample[
        ["post_id", "platform", "org_id", "created_at", "text", "mode", "knowledge_type", "narrative_person"]
    ].rename(
        columns={
            "mode": "predicted_mode",
            "knowledge_type": "predicted_knowledge_type",
            "narrative_person": "predicted_narrative_person",
        }
    )
    for column in ("communication_mode", "knowledge_type", "narrative_person", "coder", "note"):
        sample[column] = ""
    target = config.resolve(Path(path)) if path else config.processed_path / "validation_sample.csv"
    write_csv_atomic(target, sample)
    logger.info("Wrote %d posts to code to %s", len(sample), target)
    return sample.reset_index(drop=True)
