"""Study-level tables for the classification notebook and the reports.

Each function takes the study config and an optional organisation id (None:
the whole study), reads the classification written by
:func:`helpers.classify.study.classify_study`, and returns a small table.
They are what ``02_classify.ipynb`` calls, one or two per cell.
"""

from __future__ import annotations

import pandas as pd

from helpers.classify.engagement import METRICS, engagement_data, engagement_means, engagement_models
from helpers.classify.evaluation import evaluate
from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import (
    MODE_RULES,
    MODES,
    mode_shares,
    org_reciprocity,
    response_time_summary,
    response_times,
)
from helpers.classify.study import (
    knowledge_classifier,
    load_classified_posts,
    load_post_classes,
    load_thread_modes,
    read_manifest,
)
from helpers.config import StudyConfig
from helpers.schema import read_table, table_path


def _tables(config: StudyConfig, org_id: str | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    out = config.processed_path
    posts = read_table("posts", table_path(out, "posts"))
    interactions = read_table("interactions", table_path(out, "interactions"))
    accounts = read_table("accounts", table_path(out, "accounts"))
    if org_id is not None:
        posts = posts[posts["org_id"] == org_id].reset_index(drop=True)
        interactions = interactions[interactions["org_id"] == org_id].reset_index(drop=True)
    return posts, interactions, accounts


# --------------------------------------------------------------------------- modes


def mode_overview(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Threads and posts of each mode per organisation, with their shares.

    Returns
    -------
    DataFrame
        ``org_id``, ``mode``, ``threads``, ``thread_share``, ``posts``, ``post_share``.
    """
    threads = load_thread_modes(config, org_id)
    posts = load_classified_posts(config, org_id)
    by_thread = threads.groupby(["org_id", "mode"]).size().rename("threads")
    by_post = posts.groupby(["org_id", "mode"]).size().rename("posts")
    table = pd.concat([by_thread, by_post], axis=1).fillna(0).astype(int)
    table = table.reindex(
        pd.MultiIndex.from_product([sorted(set(threads["org_id"])), MODES], names=["org_id", "mode"]),
        fill_value=0,
    )
    table["thread_share"] = table["threads"] / table.groupby(level="org_id")["threads"].transform("sum")
    table["post_share"] = table["posts"] / table.groupby(level="org_id")["posts"].transform("sum")
    return table.reset_index()[["org_id", "mode", "threads", "thread_share", "posts", "post_share"]]


def mode_rules_table(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """How many threads each rule of the decision table decided, per organisation."""
    threads = load_thread_modes(config, org_id)
    counts = threads.groupby(["org_id", "rule"]).size().unstack("org_id", fill_value=0)
    order = [name for name, _, _ in MODE_RULES]
    counts = counts.reindex(order, fill_value=0)
    counts.columns.name = None
    counts.insert(0, "mode", [mode for _, mode, _ in MODE_RULES])
    counts.insert(1, "when", [text for _, _, text in MODE_RULES])
    return counts.reset_index()


def mode_shares_over_time(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Share of threads of each mode per organisation and ``analysis.time_slice``."""
    return mode_shares(load_thread_modes(config, org_id), config.analysis.time_slice)


def reciprocity_table(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Reciprocity of organisation-public exchange (:func:`helpers.classify.modes.org_reciprocity`)."""
    posts, interactions, accounts = _tables(config, org_id)
    return org_reciprocity(posts, interactions, accounts)


def response_time_table(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Per public post addressed to the organisation: answered or not, and after how long."""
    posts, interactions, accounts = _tables(config, org_id)
    return response_times(posts, interactions, accounts)


def response_summary(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Share answered and time to answer per organisation (Kaplan-Meier median with 95% CI)."""
    return response_time_summary(response_time_table(config, org_id))


# --------------------------------------------------------------------------- knowledge


def knowledge_overview(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Posts of each knowledge type per organisation and author role, with shares.

    Returns
    -------
    DataFrame
        ``org_id``, ``author_role``, ``knowledge_type``, ``posts``, ``share``
        (of the organisation's posts by that role), ``mean_score`` (mean
        score of the class among the posts labelled with it: how clear-cut
        they are).
    """
    posts = load_classified_posts(config, org_id)
    posts = posts[posts["shared_id"].isna()]
    rows = []
    for (org, role), group in posts.groupby(["org_id", "author_role"], sort=True):
        for kind in KNOWLEDGE_TYPES:
            mine = group[group["knowledge_type"] == kind]
            rows.append(
                {
                    "org_id": org,
                    "author_role": role,
                    "knowledge_type": kind,
                    "posts": len(mine),
                    "share": len(mine) / len(group) if len(group) else 0.0,
                    "mean_score": mine[f"knowledge_{kind}"].mean() if len(mine) else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def knowledge_by_mode(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Share of each knowledge type within each mode (columns sum to 1): where do patient stories travel?"""
    posts = load_classified_posts(config, org_id)
    posts = posts[posts["shared_id"].isna()]
    table = pd.crosstab(posts["knowledge_type"], posts["mode"], normalize="columns")
    return table.reindex(index=list(KNOWLEDGE_TYPES), columns=list(MODES), fill_value=0.0)


def narrative_overview(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Stories told in the first and third person, per organisation and author role."""
    posts = load_classified_posts(config, org_id)
    posts = posts[posts["shared_id"].isna()]
    table = pd.crosstab([posts["org_id"], posts["author_role"]], posts["narrative_person"])
    return table.reindex(columns=["first", "third", "none"], fill_value=0).reset_index()


def coverage_table(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Posts per language and method of the knowledge classifier: what each language relies on."""
    posts = load_classified_posts(config, org_id)
    table = posts.groupby(["knowledge_lang", "knowledge_method"], dropna=False).size().rename("posts")
    return table.reset_index()


def classifier_card(config: StudyConfig) -> dict[str, pd.DataFrame]:
    """What the knowledge classifier learnt and how well it did on its own seed set.

    Returns
    -------
    dict of DataFrame
        ``signal_weights`` (coefficient of each signal for each class in the
        lexicon model), ``seed_cross_validation`` (macro-F1 and log-loss of
        the lexicon, embedding and combined models per language, 5-fold
        cross-validation on the seed set; optimistic for the lexicon model,
        whose word lists were drafted with the seed examples) and ``weights``
        (embedding weight per language).
    """
    manifest = read_manifest(config)
    classifier = knowledge_classifier(config, progress=False)
    weights = pd.DataFrame([{"lang": lang, "embedding_weight": w} for lang, w in classifier.weights.items()])
    cv = pd.DataFrame(manifest.get("seed_cross_validation") or classifier.cv.to_dict("records"))
    return {"signal_weights": classifier.signal_weights(), "seed_cross_validation": cv, "weights": weights}


def example_posts(config: StudyConfig, org_id: str | None = None, per_class: int = 2) -> pd.DataFrame:
    """The most clear-cut posts of each knowledge type, under the study's privacy rules.

    A class contributes examples only when at least ``privacy.min_group_size``
    distinct authors have posts in it (per organisation); texts are cut to
    ``privacy.quote_max_chars`` unless ``privacy.allow_verbatim``; no author
    id is shown.  Shares are left out (their text is someone else's).

    Returns
    -------
    DataFrame
        ``org_id``, ``knowledge_type``, ``score``, ``author_role``, ``excerpt``.
    """
    privacy = config.privacy
    posts = load_classified_posts(config, org_id)
    posts = posts[posts["shared_id"].isna() & (posts["text"].str.strip() != "")]
    rows = []
    for (org, kind), group in posts.groupby(["org_id", "knowledge_type"], sort=True):
        if group["author_id"].nunique() < privacy.min_group_size:
            continue
        top = group.sort_values([f"knowledge_{kind}", "post_id"], ascending=[False, True]).head(per_class)
        limit = None if privacy.allow_verbatim else privacy.quote_max_chars
        for row in top.itertuples(index=False):
            rows.append(
                {
                    "org_id": org,
                    "knowledge_type": kind,
                    "score": round(getattr(row, f"knowledge_{kind}"), 2),
                    "author_role": row.author_role,
                    "excerpt": _excerpt(row.text, limit),
                }
            )
    return pd.DataFrame(rows, columns=["org_id", "knowledge_type", "score", "author_role", "excerpt"])


def _excerpt(text: str, limit: int | None) -> str:
    flat = " ".join(text.split())
    if limit is None or len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


# --------------------------------------------------------------------------- engagement


def engagement_summary(
    config: StudyConfig,
    org_id: str | None = None,
    metric: str = "likes",
    by: tuple[str, ...] = ("knowledge_type",),
    author_role: str | None = None,
) -> pd.DataFrame:
    """Mean ``metric`` per group with a bootstrap 95% CI (seeded with the study seed)."""
    data = engagement_data(load_classified_posts(config, org_id), metric, author_role)
    return engagement_means(data, metric, by, seed=config.seed)


def engagement_model_table(
    config: StudyConfig,
    org_id: str | None = None,
    metrics: tuple[str, ...] = METRICS,
    author_role: str | None = None,
) -> pd.DataFrame:
    """Incidence rate ratios by knowledge type and mode for each engagement metric."""
    return engagement_models(load_classified_posts(config, org_id), metrics, author_role=author_role)


# --------------------------------------------------------------------------- validation


def validation_tables(
    config: StudyConfig, org_id: str | None = None, labels: pd.DataFrame | str | None = None
) -> dict[str, pd.DataFrame]:
    """Evaluation tables against the demo ground truth or hand-coded labels; empty without gold labels.

    Parameters
    ----------
    config : StudyConfig
    org_id : str, optional
        Evaluate this organisation's posts only.
    labels : DataFrame or path, optional
        Hand-coded labels (see :func:`helpers.classify.evaluation.validation_sample`).
    """
    from helpers.classify.evaluation import _gold_labels
    from helpers.truth import NoGroundTruth

    try:
        gold = _gold_labels(config, labels)
    except NoGroundTruth:
        return {}
    return evaluate(load_post_classes(config, org_id), gold)


def validation_summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per-class precision, recall and F1 of mode and knowledge type in one table (or a note)."""
    parts = [
        tables[task].assign(task=task) for task in ("mode", "knowledge", "narrative_person") if task in tables
    ]
    if not parts:
        return pd.DataFrame(
            [
                {
                    "note": "No gold labels: this study has no demo ground truth. Hand-code a "
                    "sample (helpers.classify.validation_sample) to validate the classifiers."
                }
            ]
        )
    table = pd.concat(parts, ignore_index=True)
    return table[["task", "class", "precision", "recall", "f1", "support"]]
