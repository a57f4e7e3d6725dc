"""Communication modes and knowledge types of posts (issue 5).

Makes Vicari & Cappai's (2016) findings measurable for every organisation:
digital media ease **one-way, two-way and crowd-sourced** knowledge sharing,
and the **patient story** (experiential knowledge) stands beside medical
authority.

Modules
-------
modes
    Communication mode of every thread and post from the interaction
    structure; reciprocity and response latency of organisations.
knowledge
    Knowledge type of every post: documented lexicon signals plus an
    embedding classifier, both trained on a small hand-written seed set.
engagement
    Likes, shares and replies by knowledge type and mode: bootstrap means and
    negative binomial regression.
evaluation
    Per-class precision, recall, F1 and confusion matrices against the demo
    ground truth or a hand-coded sample.
study
    :func:`classify_study`: the whole study, written as validated parquet.
report, plots
    Tables and figures of ``notebooks/02_classify.ipynb``.

Method and limits: ``docs/methods.md``.
"""

from helpers.classify.engagement import engagement_data, engagement_means, engagement_model, engagement_models
from helpers.classify.evaluation import (
    classification_table,
    confusion_table,
    evaluate,
    evaluate_classifiers,
    format_evaluation,
    validation_sample,
)
from helpers.classify.knowledge import (
    KNOWLEDGE_TYPES,
    KnowledgeClassifier,
    load_lexicon,
    load_seed,
    text_signals,
    train_knowledge_classifier,
)
from helpers.classify.modes import (
    MODE_RULES,
    MODES,
    classify_modes,
    mode_shares,
    mode_threads,
    org_reciprocity,
    response_time_summary,
    response_times,
)
from helpers.classify.study import (
    POST_CLASSES,
    THREAD_MODES,
    ClassifyResult,
    classify_study,
    ensure_classified,
    knowledge_classifier,
    known_knowledge_types,
    load_classified_posts,
    load_post_classes,
    load_thread_modes,
)

__all__ = [
    "KNOWLEDGE_TYPES",
    "MODES",
    "MODE_RULES",
    "POST_CLASSES",
    "THREAD_MODES",
    "ClassifyResult",
    "KnowledgeClassifier",
    "classification_table",
    "classify_modes",
    "classify_study",
    "confusion_table",
    "engagement_data",
    "engagement_means",
    "engagement_model",
    "engagement_models",
    "ensure_classified",
    "evaluate",
    "evaluate_classifiers",
    "format_evaluation",
    "knowledge_classifier",
    "known_knowledge_types",
    "load_classified_posts",
    "load_lexicon",
    "load_post_classes",
    "load_seed",
    "load_thread_modes",
    "mode_shares",
    "mode_threads",
    "org_reciprocity",
    "response_time_summary",
    "response_times",
    "text_signals",
    "train_knowledge_classifier",
    "validation_sample",
]
