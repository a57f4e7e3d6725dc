"""Study-level tables for the classification notebook and the reports.

Each function takes the study config and an optional organisation id (None:
the whole study), reads the classification written by
:func:`helpers.classify.study.classify_study`, and returns a small table.
They are what ``02_classify.ipynb`` calls, one or two per cell.

Real studies are not all shaped like the demo, so a measure that a scope
cannot support comes back as a :class:`helpers.notice.NotComputed` saying
why (a community with no accounts of its own has no one-way or two-way
communication; posts in a language neither classifier covers get no
knowledge type), and one computed in part as a :class:`helpers.notice.WithNotes`.
"""

from __future__ import annotations

import pandas as pd

from helpers.classify.engagement import (
    METRICS,
    MODEL_COLUMNS,
    engagement_data,
    engagement_means,
    engagement_models,
)
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
    UNSUPPORTED_METHODS,
    classified_files,
    knowledge_classifier,
    load_classified_posts,
    load_post_classes,
    load_thread_modes,
    read_manifest,
)
from helpers.config import StudyConfig
from helpers.notice import NotComputed, Shown, WithNotes, with_notes
from helpers.schema import read_table, table_path
from helpers.store.memo import FileMemo
from helpers.tables import PERCENT

MIN_ENGAGEMENT_POSTS = 20


def _tables(config: StudyConfig, org_id: str | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    out = config.processed_path
    posts = read_table("posts", table_path(out, "posts"), org_id=org_id)
    interactions = read_table("interactions", table_path(out, "interactions"), org_id=org_id)
    accounts = read_table("accounts", table_path(out, "accounts"))
    return posts, interactions, accounts


# --------------------------------------------------------------------------- what a scope supports


def scope_name(config: StudyConfig, org_id: str | None) -> str:
    """The organisation's name, or the study's."""
    return config.organisation(org_id).name if org_id else config.name


def no_posts(config: StudyConfig, org_id: str | None, measure: str) -> NotComputed:
    """The note of a scope without any post."""
    return NotComputed(measure, f"no posts were ingested for {scope_name(config, org_id)}",
                       "export files listed under its inputs: in the study file")


def missing_org_accounts(config: StudyConfig, org_id: str | None, posts: pd.DataFrame,
                         measure: str) -> NotComputed | None:
    """Why ``measure`` (which needs the organisation's own accounts) cannot be computed; None when it can.

    A community study (a subreddit, a hashtag, a forum) lists no accounts of
    its own; a study may also list accounts that never post in the exports.
    """
    who = scope_name(config, org_id)
    organisations = [config.organisation(org_id)] if org_id else config.organisations
    if not any(org.accounts for org in organisations):
        return NotComputed(measure, f"{who} has no accounts of its own in the study file (a community "
                           "study), and this measure is about the organisation's own accounts",
                           "the organisation's handles under accounts: in the study file, if it has any")
    if not (posts["author_role"] == "org").any():
        return NotComputed(measure, f"none of the accounts listed for {who} under accounts: wrote any of "
                           "its posts in the exports", "exports that hold the organisation's own posts, or "
                           "its handles written as the platform writes them")
    return None


def _posts_or_note(config: StudyConfig, org_id: str | None, measure: str) -> pd.DataFrame | NotComputed:
    posts = load_classified_posts(config, org_id)
    return no_posts(config, org_id, measure) if posts.empty else posts


def _knowledge_posts(config: StudyConfig, org_id: str | None,
                     measure: str) -> tuple[pd.DataFrame | NotComputed, list[NotComputed]]:
    """Original posts (not shares) whose knowledge type means something, and what was left out."""
    posts = _posts_or_note(config, org_id, measure)
    if isinstance(posts, NotComputed):
        return posts, []
    posts = posts[posts["shared_id"].isna()]
    unsupported = posts[posts["knowledge_method"].isin(UNSUPPORTED_METHODS)]
    kept = posts[~posts["knowledge_method"].isin(UNSUPPORTED_METHODS)]
    if unsupported.empty:
        return kept, []
    languages = ", ".join(sorted(set(unsupported.loc[unsupported["knowledge_method"] == "unsupported",
                                                     "knowledge_lang"].dropna().astype(str))))
    why = (f"{len(unsupported):,} of {len(posts):,} posts of {scope_name(config, org_id)} are "
           + (f"in a language ({languages}) that neither the lexicon (English, Italian) nor the embedding "
              "model covers, or have no text" if languages else "without text"))
    note = NotComputed(f"{measure} of those posts", why,
                       "a lexicon and seed set for the language (analysis.knowledge_lexicon_file, "
                       "knowledge_seed_file) or a multilingual embedding model")
    if kept.empty:
        return NotComputed(measure, why, note.needs), []
    return kept, [note]


# --------------------------------------------------------------------------- modes


def mode_overview(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Threads and posts of each mode per organisation, with their shares.

    Returns
    -------
    DataFrame, WithNotes or NotComputed
        ``org_id``, ``mode``, ``threads``, ``thread_share``, ``posts``,
        ``post_share``.  Without posts, a note; for a scope with no
        organisation accounts in the data, the table (every thread
        crowd-sourced) with a note that one-way and two-way cannot occur.
    """
    threads = load_thread_modes(config, org_id)
    posts = load_classified_posts(config, org_id)
    if posts.empty:
        return no_posts(config, org_id, "Communication modes")
    missing = missing_org_accounts(config, org_id, posts, "One-way and two-way communication")
    table = mode_table(threads, posts)
    if missing is None:
        return table
    return WithNotes(table[table["mode"] == "crowd_sourced"].reset_index(drop=True), [missing])


def mode_table(threads: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Threads and posts of each mode per organisation, with their shares (see :func:`mode_overview`)."""
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


def _org_public_tables(config: StudyConfig, org_id: str | None, measure: str
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | NotComputed:
    """Posts, interactions and accounts of a scope for a measure of organisation-public exchange,
    or why there is none (no posts, no organisation accounts in the data)."""
    posts, interactions, accounts = _tables(config, org_id)
    if posts.empty:
        return no_posts(config, org_id, measure)
    return missing_org_accounts(config, org_id, posts, measure) or (posts, interactions, accounts)


def reciprocity_table(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Reciprocity of organisation-public exchange (:func:`helpers.classify.modes.org_reciprocity`).

    A note instead when the scope has no posts, no organisation accounts in
    the data, or no exchange at all between them and the public.
    """
    measure = "Reciprocity between organisation and public"
    tables = _org_public_tables(config, org_id, measure)
    if isinstance(tables, NotComputed):
        return tables
    table = org_reciprocity(*tables)
    if not (table["dyads"] > 0).any():
        who = scope_name(config, org_id)
        return NotComputed(measure, f"no reply, mention or quote passed between {who}'s accounts and the "
                           "public in the exports (page exports, for one, carry no replies)",
                           "exports that include the replies and mentions")
    return table


def response_time_table(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Per public post addressed to the organisation: answered or not, and after how long."""
    measure = "Response time"
    tables = _org_public_tables(config, org_id, measure)
    if isinstance(tables, NotComputed):
        return tables
    table = response_times(*tables)
    if table.empty:
        who = scope_name(config, org_id)
        return NotComputed(measure, f"no public post replied to, mentioned or quoted {who}'s accounts",
                           "public posts addressed to the organisation in the exports")
    return table


def response_summary(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Share answered and time to answer per organisation (Kaplan-Meier median with 95% CI)."""
    table = response_time_table(config, org_id)
    return table if isinstance(table, NotComputed) else response_time_summary(table)


# --------------------------------------------------------------------------- knowledge


def knowledge_overview(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Posts of each knowledge type per organisation and author role, with shares.

    Posts in a language no classifier covers are left out (with a note).

    Returns
    -------
    DataFrame, WithNotes or NotComputed
        ``org_id``, ``author_role``, ``knowledge_type``, ``posts``, ``share``
        (of the organisation's posts by that role), ``mean_score`` (mean
        score of the class among the posts labelled with it: how clear-cut
        they are).
    """
    posts, notes = _knowledge_posts(config, org_id, "Knowledge types")
    if isinstance(posts, NotComputed):
        return posts
    return with_notes(knowledge_table(posts), notes)


def knowledge_table(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts of each knowledge type per organisation and author role (see :func:`knowledge_overview`)."""
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


def knowledge_by_mode(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Share of each knowledge type within each mode (columns sum to 1): where do patient stories travel?

    Modes with no post get no column (a share of nothing is not 0).
    """
    posts, notes = _knowledge_posts(config, org_id, "Knowledge types by mode")
    if isinstance(posts, NotComputed):
        return posts
    table = pd.crosstab(posts["knowledge_type"], posts["mode"], normalize="columns")
    modes = [mode for mode in MODES if mode in table.columns]
    table = table.reindex(index=list(KNOWLEDGE_TYPES), columns=modes, fill_value=0.0)
    table.attrs[PERCENT] = modes
    return with_notes(table, notes)


def narrative_overview(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Stories told in the first and third person, per organisation and author role."""
    posts, notes = _knowledge_posts(config, org_id, "Narrative person")
    if isinstance(posts, NotComputed):
        return posts
    table = pd.crosstab([posts["org_id"], posts["author_role"]], posts["narrative_person"])
    return with_notes(table.reindex(columns=["first", "third", "none"], fill_value=0).reset_index(), notes)


def coverage_table(config: StudyConfig, org_id: str | None = None) -> Shown:
    """Posts per language and method of the knowledge classifier: what each language relies on."""
    posts = load_classified_posts(config, org_id)
    if posts.empty:
        return no_posts(config, org_id, "Languages and classifier methods")
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


EXAMPLE_COLUMNS = ["org_id", "knowledge_type", "score", "author_role", "month", "words", "signals"]


def example_posts(config: StudyConfig, org_id: str | None = None, per_class: int = 2) -> Shown:
    """The most clear-cut posts of each knowledge type, described, or quoted only when the study allows it.

    A class contributes examples only when at least ``privacy.min_group_size``
    distinct authors have posts in it (per organisation); no author id is
    shown.  Without ``privacy.allow_verbatim`` (the default) no text is shown,
    not even in part: a post is described by its class score, its author's
    role, its month, its length and the signals of the classifier that it
    holds, which is what a reviewer needs to judge the class.  With it, an
    excerpt cut to ``privacy.quote_max_chars`` is added.  Shares are left out
    (their text is someone else's).

    Returns
    -------
    DataFrame or NotComputed
        ``org_id``, ``knowledge_type``, ``score``, ``author_role``, ``month``,
        ``words``, ``signals`` (and ``excerpt`` with verbatim quoting).
    """
    privacy = config.privacy
    posts, _ = _knowledge_posts(config, org_id, "Example posts")
    if isinstance(posts, NotComputed):
        return posts
    posts = posts[posts["text"].str.strip() != ""]
    signal_columns = [c for c in posts.columns if c.startswith("sig_") and c != "sig_words"]
    rows = []
    for (org, kind), group in posts.groupby(["org_id", "knowledge_type"], sort=True):
        if group["author_id"].nunique() < privacy.min_group_size:
            continue
        top = group.sort_values([f"knowledge_{kind}", "post_id"], ascending=[False, True]).head(per_class)
        for _, row in top.iterrows():
            fired = [f"{name.removeprefix('sig_').replace('_', ' ')} ({int(row[name])})"
                     for name in signal_columns if row[name] > 0]
            example = {"org_id": org, "knowledge_type": kind, "score": round(row[f"knowledge_{kind}"], 2),
                       "author_role": row["author_role"], "month": row["created_at"].strftime("%Y-%m"),
                       "words": len(row["text"].split()), "signals": ", ".join(fired) or "none"}
            if privacy.allow_verbatim:
                example["excerpt"] = _excerpt(row["text"], privacy.quote_max_chars)
            rows.append(example)
    if not rows:
        return NotComputed("Example posts", f"no knowledge type of {scope_name(config, org_id)} has posts by "
                           f"{privacy.min_group_size} or more authors (privacy.min_group_size)")
    return pd.DataFrame(rows, columns=EXAMPLE_COLUMNS + (["excerpt"] if privacy.allow_verbatim else []))


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


# --------------------------------------------------------------------------- engagement


def engagement_problem(config: StudyConfig, org_id: str | None, data: pd.DataFrame,
                       metric: str) -> NotComputed | None:
    """Why engagement by ``metric`` cannot be analysed for a scope (``data`` from
    :func:`helpers.classify.engagement.engagement_data`); None when it can."""
    who = scope_name(config, org_id)
    measure = f"Engagement by {metric}"
    if data.empty:
        return NotComputed(measure, f"the exports of {who} carry no {metric} counts (or only for shares)",
                           f"an export that records {metric}")
    if len(data) < MIN_ENGAGEMENT_POSTS:
        return NotComputed(measure, f"only {len(data):,} original posts of {who} have a {metric} count",
                           f"at least {MIN_ENGAGEMENT_POSTS} such posts")
    if not (data[metric] > 0).any():
        return NotComputed(measure, f"every post of {who} has 0 {metric} (no engagement recorded; the "
                           "export may not count them)", f"posts with {metric}")
    return None


def engagement_summary(
    config: StudyConfig,
    org_id: str | None = None,
    metric: str = "likes",
    by: tuple[str, ...] = ("knowledge_type",),
    author_role: str | None = None,
) -> Shown:
    """Mean ``metric`` per group with a bootstrap 95% CI (seeded with the study seed)."""
    data = engagement_data(load_classified_posts(config, org_id), metric, author_role)
    problem = engagement_problem(config, org_id, data, metric)
    if problem:
        return problem
    if "knowledge_type" in by:
        data = data[~data["knowledge_method"].isin(UNSUPPORTED_METHODS)]
        if data.empty:
            return NotComputed(f"Engagement by {metric} and knowledge type",
                               f"no post of {scope_name(config, org_id)} has a knowledge type (see above)")
    return engagement_means(data, metric, by, seed=config.seed)


def engagement_model_table(
    config: StudyConfig,
    org_id: str | None = None,
    metrics: tuple[str, ...] = METRICS,
    author_role: str | None = None,
) -> Shown:
    """Incidence rate ratios by knowledge type and mode for each engagement metric that can be modelled.

    A metric whose counts are missing, all zero, or on too few posts gets a
    note instead of a model.
    """
    classified = load_classified_posts(config, org_id)
    classified = classified[~classified["knowledge_method"].isin(UNSUPPORTED_METHODS)]
    notes, usable = [], []
    for metric in metrics:
        problem = engagement_problem(config, org_id, engagement_data(classified, metric, author_role), metric)
        if problem:
            notes.append(NotComputed(f"Engagement model of {metric}", problem.why, problem.needs))
        else:
            usable.append(metric)
    table = engagement_models(classified, usable, author_role=author_role) if usable else pd.DataFrame()
    for metric in usable:
        if table.empty or metric not in set(table["metric"]):
            notes.append(NotComputed(f"Engagement model of {metric}", "knowledge type and mode do not vary "
                                     "enough among the posts (each needs two classes of at least 10 posts)"))
    if table.empty:
        table = pd.DataFrame(columns=MODEL_COLUMNS)
    return WithNotes(table, notes) if notes else table


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
    from helpers.truth import truth_key

    if labels is not None:
        return _evaluate_against(config, org_id, labels)
    # Against the demo's ground truth the reports ask once per headline figure: once per process.
    key = (org_id, truth_key(config))
    tables = _DEMO_EVALUATIONS.get(classified_files(config), key, lambda: _evaluate_against(config, org_id))
    return {name: table.copy() for name, table in tables.items()}


_DEMO_EVALUATIONS = FileMemo[dict[str, pd.DataFrame]](size=6)


def _evaluate_against(config: StudyConfig, org_id: str | None,
                      labels: pd.DataFrame | str | None = None) -> dict[str, pd.DataFrame]:
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
        tables[task].assign(task=task) for task in ("mode", "knowledge", "health", "narrative_person")
        if task in tables
    ]
    if not parts:
        return pd.DataFrame(
            [
                {
                    "note": "No gold labels: this study has no demo ground truth. Hand-code a "
                    "sample (rarevoices code-sample, docs/coding.md) to validate the classifiers."
                }
            ]
        )
    table = pd.concat(parts, ignore_index=True)
    return table[["task", "class", "precision", "recall", "f1", "support"]]
