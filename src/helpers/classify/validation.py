"""How far each measure of a study has been validated, in one sentence a reviewer can read.

A classifier's figure is only as good as its validation on *this* study's
posts (Krippendorff 2018, ch. 12; Grimmer & Stewart 2013: "validate,
validate, validate").  Three states, from strongest to weakest:

* **hand-coded**: ``rarevoices evaluate --labels <file>`` scored the
  classifier against posts of this study coded by people, and saved the
  result (:func:`save_hand_coded_evaluation`);
* **demo**: the study is the generated demo corpus, and the classifier was
  checked against the generator's own labels, which says how the code
  behaves, not how it does on real posts;
* **none**: only the cross-validation on the seed examples the classifier was
  built from (optimistic: the lexicon's word lists were drafted with them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.store import read_json_marker, write_json_atomic

logger = logging.getLogger(__name__)

EVALUATION_FILE = Path("validation") / "hand_coded_evaluation.json"
"""Under the processed folder: the last evaluation against hand-coded labels."""

MEASURES = {"mode": "communication mode", "knowledge": "knowledge type", "health": "health relevance"}
LANGUAGE_NAMES = {"en": "English", "it": "Italian", "de": "German", "fr": "French", "es": "Spanish",
                  "nl": "Dutch", "pt": "Portuguese"}
METHOD_WORDS = {"combined": "lexicon and embedding model combined", "lexicon": "lexicon alone",
                "embedding": "embedding model alone"}


@dataclass(frozen=True)
class Validation:
    """The validation state of one measure for one scope."""

    measure: str
    state: str  # "hand-coded", "demo" or "none"
    posts: int
    macro_f1: float | None

    def short(self) -> str:
        """``"F1 0.81 on 312 hand-coded posts"``, ``"F1 0.85 on demo labels only"`` or ``"not validated"``."""
        if self.state == "hand-coded" and self.macro_f1 is not None:
            return f"F1 {self.macro_f1:.2f} on {self.posts:,} hand-coded posts"
        if self.state == "demo" and self.macro_f1 is not None:
            return f"F1 {self.macro_f1:.2f} on demo labels only"
        return "not validated on this study"

    def sentence(self) -> str:
        """``"validated on 312 hand-coded posts of this study: macro-F1 0.81"`` and the like."""
        f1 = f"{self.macro_f1:.2f}" if self.macro_f1 is not None else "n/a"
        if self.state == "hand-coded":
            return f"validated on {self.posts:,} hand-coded posts of this study: macro-F1 {f1}"
        if self.state == "demo":
            return (f"not validated on real posts: demo figures only (macro-F1 {f1} against the demo "
                    f"generator's own labels on {self.posts:,} posts)")
        return ("not validated on this study: no hand-coded posts (cross-validation on the seed examples "
                f"only{', macro-F1 ' + f1 if self.macro_f1 is not None else ''}, which is optimistic)")


def language_name(code: str) -> str:
    """``"it" -> "Italian"`` (the code itself when unknown)."""
    return LANGUAGE_NAMES.get(str(code), str(code))


def save_hand_coded_evaluation(config: StudyConfig, labels: pd.DataFrame, labels_file: Path) -> Path:
    """Score the classifiers against hand-coded labels, overall and per organisation, and save the figures.

    Only macro-F1 and the number of posts are saved (no post, no label),
    under the processed folder, so that every report can say how its
    measures were validated.  ``rarevoices evaluate --labels`` calls it.

    Parameters
    ----------
    labels : DataFrame
        Hand-coded labels (:func:`helpers.classify.evaluation.read_labels`).
    labels_file : Path
        Where they came from (its name is recorded).
    """
    from helpers.classify.evaluation import evaluate
    from helpers.classify.study import load_classified_posts, load_post_classes

    classes = load_post_classes(config, None)
    record: dict = evaluation_record(evaluate(classes, labels))
    organisation_of = load_classified_posts(config).set_index("post_id")["org_id"]
    per_org = {}
    for org_id, mine in labels.groupby(labels["post_id"].map(organisation_of), sort=True):
        per_org[str(org_id)] = evaluation_record(evaluate(classes, mine))
    record.update({"labels_file": labels_file.name, "per_org": per_org,
                   "written_at": datetime.now(UTC).isoformat(timespec="seconds")})
    return write_json_atomic(config.processed_path / EVALUATION_FILE, record, indent=2)


def evaluation_record(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, float | int]]:
    """``{measure: {"posts": n, "macro_f1": f}}`` from the tables of an evaluation."""
    record: dict[str, dict[str, float | int]] = {}
    for measure in MEASURES:
        table = tables.get(measure)
        if table is None or table.empty:
            continue
        macro = table[table["class"] == "macro avg"]
        if macro.empty:
            continue
        record[measure] = {"posts": int(macro["support"].iloc[0]),
                           "macro_f1": round(float(macro["f1"].iloc[0]), 3)}
    return record


def load_hand_coded_evaluation(config: StudyConfig) -> dict | None:
    """The saved hand-coded evaluation of the study, None when there is none (or it is damaged)."""
    stored = read_json_marker(config.processed_path / EVALUATION_FILE, "hand-coded evaluation")
    return stored if isinstance(stored, dict) else None


def validation_state(config: StudyConfig, org_id: str | None, measure: str) -> Validation:
    """How ``measure`` (``"mode"`` or ``"knowledge"``) was validated for a scope (see the module text)."""
    saved = load_hand_coded_evaluation(config)
    if saved is not None:
        scope = saved.get("per_org", {}).get(org_id, {}) if org_id else saved
        figures = scope.get(measure)  # an organisation none of whose posts were coded: not validated
        if figures:
            return Validation(MEASURES[measure], "hand-coded", int(figures["posts"]),
                              float(figures["macro_f1"]))
    demo = _demo_evaluation(config, org_id, measure)
    if demo is not None:
        return demo
    seed_f1 = _seed_f1(config, org_id) if measure == "knowledge" else None
    return Validation(MEASURES[measure], "none", 0, seed_f1)


def _demo_evaluation(config: StudyConfig, org_id: str | None, measure: str) -> Validation | None:
    from helpers.classify.report import validation_tables

    tables = validation_tables(config, org_id)
    figures = evaluation_record(tables).get(measure)
    if not figures:
        return None
    return Validation(MEASURES[measure], "demo", int(figures["posts"]), float(figures["macro_f1"]))


def _seed_f1(config: StudyConfig, org_id: str | None) -> float | None:
    """Seed-set cross-validation macro-F1 of the model used for the scope's language."""
    from helpers.classify.study import read_manifest

    organisations = [config.organisation(org_id)] if org_id else config.organisations
    languages = {org.language for org in organisations}
    rows = [row for row in (read_manifest(config).get("seed_cross_validation") or [])
            if row.get("lang") in languages and row.get("model") == "combined"]
    return min((float(row["macro_f1"]) for row in rows), default=None)


METHOD_SHORT = {"combined": "lexicon + embedding", "lexicon": "lexicon only", "embedding": "embedding only"}


def knowledge_method(config: StudyConfig, org_id: str, short: bool = False) -> str:
    """What the knowledge classifier relies on for an organisation's posts, in words.

    Read from the classification: the method that labelled most of the
    organisation's posts, with their language (``"lexicon alone (Italian)"``,
    with ``short`` ``"lexicon only (Italian)"``).
    """
    from helpers.classify.study import load_classified_posts

    posts = load_classified_posts(config, org_id, columns=["knowledge_method", "knowledge_lang"])
    return method_in_words(posts, short)


def method_in_words(posts: pd.DataFrame, short: bool = False) -> str:
    """:func:`knowledge_method` of classified posts already read (one organisation's)."""
    from helpers.classify.study import UNSUPPORTED_METHODS

    posts = posts[~posts["knowledge_method"].isin(UNSUPPORTED_METHODS)]
    if posts.empty:
        return "none (no post in a covered language)"
    method, language = posts.groupby(["knowledge_method", "knowledge_lang"]).size().idxmax()
    words = (METHOD_SHORT if short else METHOD_WORDS).get(method, method)
    return f"{words} ({language_name(language)})"
