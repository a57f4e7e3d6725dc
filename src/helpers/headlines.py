"""The figures a reader takes away, each with its 95% interval, its validation and what limits comparison.

These answer the research question of Vicari & Cappai (2016): how much of an
organisation's exchange is one-way, two-way or crowd-sourced; how much of
what the public shares is experiential knowledge (the patient's own story,
or one told by a carer or relative: *mediated* experience), beside medical,
practical and advocacy knowledge; which kind of knowledge travels in which
mode; and whether the organisation answers (reciprocity, response time).

Every share carries an interval (:mod:`helpers.uncertainty`): threads are
independent units (Wilson), posts are clustered in threads (cluster
bootstrap).  Every classifier-based figure says how it was validated
(:mod:`helpers.classify.validation`).  And a figure that cannot be compared
across organisations as it stands says why (:func:`caveats`): modes depend on
what a platform's export holds (a page export carries no comments, so its
threads cannot be two-way), and knowledge types on the method the language
allows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import MODES
from helpers.classify.report import missing_org_accounts, no_posts, response_summary, scope_name
from helpers.classify.study import UNSUPPORTED_METHODS, load_classified_posts, load_thread_modes
from helpers.classify.validation import knowledge_method, method_in_words, validation_state
from helpers.config import StudyConfig
from helpers.notice import NotComputed, Shown, WithNotes
from helpers.uncertainty import Share, clustered_share, clustered_shares, percent, wilson_share

MODE_LABELS = {"one_way": "one-way", "two_way": "two-way", "crowd_sourced": "crowd-sourced"}
KNOWLEDGE_LABELS = {
    "experiential": "experiential (own story)",
    "mediated_experiential": "mediated experiential (a carer's or relative's story)",
    "medical": "medical / scientific",
    "practical": "practical / support",
    "advocacy": "advocacy",
    "other": "other",
}
STORIES = ("experiential", "mediated_experiential")
WITHOUT_REPLIES_NOT_COMPARABLE = 0.2
"""Share of an organisation's threads from exports without replies above which its modes are marked
not comparable (a fifth of its threads could never be two-way)."""


@dataclass
class Shares:
    """Shares of the classes of one measure for a scope, and what could not be computed."""

    shares: dict[str, Share] = field(default_factory=dict)
    notes: list[NotComputed] = field(default_factory=list)

    def get(self, name: str) -> Share | None:
        """The share of a class; None when it was not computed."""
        return self.shares.get(name)


# --------------------------------------------------------------------------- modes


def mode_figures(config: StudyConfig, org_id: str | None) -> Shares:
    """Share of threads in each mode, with Wilson intervals (threads are the units).

    A scope without posts has no share; one with no organisation accounts in
    the data has only the crowd-sourced share (one-way and two-way need the
    organisation), with a note.
    """
    posts = load_classified_posts(config, org_id)
    if posts.empty:
        return Shares(notes=[no_posts(config, org_id, "Communication modes")])
    threads = load_thread_modes(config, org_id)
    counts = threads["mode"].value_counts()
    shares = {mode: wilson_share(int(counts.get(mode, 0)), len(threads), "threads") for mode in MODES}
    missing = missing_org_accounts(config, org_id, posts, "One-way and two-way communication")
    if missing is not None:
        return Shares({"crowd_sourced": shares["crowd_sourced"]}, [missing])
    return Shares(shares)


def platform_names(platforms: list[str]) -> str:
    """``["facebook", "twitter"] -> "Facebook and Twitter"``."""
    names = [str(platform).capitalize() for platform in platforms]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def platforms_without_replies(posts: pd.DataFrame) -> list[str]:
    """Platforms of these posts whose exports hold no reply at all (page exports, for one)."""
    replies = posts["parent_id"].notna().groupby(posts["platform"]).any()
    return sorted(str(platform) for platform, any_reply in replies.items() if not any_reply)


def modes_by_platform(config: StudyConfig, org_id: str | None) -> Shown:
    """Share of threads in each mode per organisation and platform (95% CI), with what each export holds.

    Modes depend on the data source: a platform export without replies (a
    Facebook page export, for one) cannot show two-way or crowd-sourced
    conversation, so an organisation's overall shares mix its platforms'.
    """
    posts = load_classified_posts(config, org_id)
    if posts.empty:
        return no_posts(config, org_id, "Communication modes per platform")
    threads = load_thread_modes(config, org_id)
    rows = []
    for (org, platform), group in threads.groupby(["org_id", "platform"], sort=True):
        mine = posts[(posts["org_id"] == org) & (posts["platform"] == platform)]
        row = {"organisation": config.organisation(str(org)).name, "platform": platform,
               "threads": len(group),
               "replies in the export": "yes" if mine["parent_id"].notna().any() else "none"}
        counts = group["mode"].value_counts()
        for mode in MODES:
            row[f"{MODE_LABELS[mode]} (95% CI)"] = wilson_share(int(counts.get(mode, 0)), len(group)).short()
        rows.append(row)
    table = pd.DataFrame(rows)
    missing = missing_org_accounts(config, org_id, posts, "One-way and two-way communication")
    return WithNotes(table, [missing]) if missing is not None else table


def modes_reading(config: StudyConfig, org_id: str | None) -> str:
    """One sentence on the modes: the largest, and how the platforms differ."""
    figures = mode_figures(config, org_id)
    if not figures.shares:
        return figures.notes[0].sentence()
    if figures.notes:
        share = figures.shares["crowd_sourced"]
        return ("Without accounts of the organisation in the data, one-way and two-way communication with "
                "the organisation are not defined; only crowd-sourced exchange among members is measured: "
                f"{share.text()} of {share.total:,} threads.")
    ranked = sorted(figures.shares.items(), key=lambda item: item[1].value or 0, reverse=True)
    text = "; ".join(f"{MODE_LABELS[mode]} {share.text()}" for mode, share in ranked)
    sentence = f"Of {ranked[0][1].total:,} conversation threads: {text}."
    silent = platforms_without_replies(load_classified_posts(config, org_id))
    if silent:
        sentence += (f" The {platform_names(silent)} export holds no replies, so its threads cannot be "
                     "two-way: read the modes per platform.")
    return sentence


# --------------------------------------------------------------------------- knowledge


def knowledge_posts(config: StudyConfig, org_id: str | None, role: str | None) -> pd.DataFrame:
    posts = load_classified_posts(config, org_id)
    posts = posts[posts["shared_id"].isna() & ~posts["knowledge_method"].isin(UNSUPPORTED_METHODS)]
    return posts if role is None else posts[posts["author_role"] == role]


def thread_of(posts: pd.DataFrame) -> pd.Series:
    column = "mode_thread_id" if "mode_thread_id" in posts.columns else "thread_id"
    return posts[column].fillna(posts["post_id"]).astype(str)


def knowledge_figures(config: StudyConfig, org_id: str | None, role: str | None = "public") -> Shares:
    """Share of each knowledge type among a role's original posts, with thread-cluster bootstrap intervals.

    Posts in a language no classifier covers are left out (the knowledge
    notes of :func:`helpers.classify.report.knowledge_overview` say so).
    """
    posts = knowledge_posts(config, org_id, role)
    who = "the public's" if role == "public" else "the organisation's" if role == "org" else "all"
    if posts.empty:
        return Shares(notes=[NotComputed("Knowledge types", f"{scope_name(config, org_id)} has none of "
                                         f"{who} posts in a language the knowledge classifier covers")])
    shares = clustered_shares(posts["knowledge_type"], thread_of(posts), KNOWLEDGE_TYPES, seed=config.seed)
    return Shares(shares)


def knowledge_table(config: StudyConfig, org_id: str | None) -> Shown:
    """Knowledge types of the public's and of the organisation's original posts, side by side (95% CI)."""
    table = pd.DataFrame({"knowledge type": [KNOWLEDGE_LABELS[kind] for kind in KNOWLEDGE_TYPES]})
    notes = []
    for role, who in (("public", "the public"), ("org", "the organisation")):
        figures = knowledge_figures(config, org_id, role)
        if not figures.shares:
            notes += figures.notes
            continue
        total = next(iter(figures.shares.values())).total
        table[f"{who} ({total:,} posts)"] = [figures.shares[kind].short() for kind in KNOWLEDGE_TYPES]
    if table.shape[1] == 1:
        return notes[0]
    return WithNotes(table, notes) if notes else table


def mediated_share(config: StudyConfig, org_id: str | None) -> Share | None:
    """Of the public's patient stories (experiential or mediated), the share told about someone else.

    Vicari & Cappai (2016) single out carers' and relatives' accounts as a
    form of experiential knowledge in rare diseases (a parent writing about
    a child).  None when the public told no story.
    """
    posts = knowledge_posts(config, org_id, "public")
    stories = posts[posts["knowledge_type"].isin(STORIES)]
    if stories.empty:
        return None
    return clustered_share(stories["knowledge_type"] == "mediated_experiential", thread_of(stories),
                           seed=config.seed, unit="stories")


def health_share(config: StudyConfig, org_id: str | None, role: str | None = "public") -> Share | None:
    """Of a role's original posts, the share about health (illness, symptoms, diagnosis, treatment,
    care, disability, the health system: :mod:`helpers.classify.health`), with its thread-cluster
    interval.  None when there is no such post or the posts were classified before health relevance
    was measured.
    """
    posts = knowledge_posts(config, org_id, role)
    if posts.empty or "health" not in posts.columns:
        return None
    return clustered_share(posts["health"].fillna(False).astype(bool), thread_of(posts), seed=config.seed)


def knowledge_reading(config: StudyConfig, org_id: str | None) -> str:
    """One sentence on the public's knowledge: stories (own and mediated), and the largest other type."""
    figures = knowledge_figures(config, org_id)
    if not figures.shares:
        return figures.notes[0].sentence()
    own, told = figures.shares["experiential"], figures.shares["mediated_experiential"]
    sentence = (f"Of {own.total:,} original posts by the public, {own.text()} told the author's own story "
                f"and {told.text()} a story about someone else (a child, a partner, a parent)")
    mediated = mediated_share(config, org_id)
    if mediated is not None:
        sentence += f"; so {mediated.text()} of the stories were told by carers or relatives"
    health = health_share(config, org_id)
    if health is not None:
        sentence += (f". Of all these posts, {health.text()} were about health (illness, care, treatment, "
                     "disability or the health system); stories and medical knowledge are counted among "
                     "them only")
    others = [(kind, share) for kind, share in figures.shares.items() if kind not in (*STORIES, "other")]
    kind, share = max(others, key=lambda item: item[1].value or 0)
    return (sentence + f". Among the other types of knowledge, {KNOWLEDGE_LABELS[kind]} is the largest: "
            f"{share.text()}.")


def knowledge_by_mode_table(config: StudyConfig, org_id: str | None) -> Shown:
    """Share of each knowledge type within each mode's original posts (95% CI, clustered by thread).

    Where do patient stories travel: in the organisation's broadcasts, in its
    conversations with the public, or among members?
    """
    posts = knowledge_posts(config, org_id, None)
    if posts.empty:
        return NotComputed("Knowledge types by mode", f"no post of {scope_name(config, org_id)} has a "
                           "knowledge type (see the knowledge types)")
    table = pd.DataFrame({"knowledge type": [KNOWLEDGE_LABELS[kind] for kind in KNOWLEDGE_TYPES]})
    for mode in MODES:
        mine = posts[posts["mode"] == mode]
        if mine.empty:
            continue
        shares = clustered_shares(mine["knowledge_type"], thread_of(mine), KNOWLEDGE_TYPES, seed=config.seed)
        column = f"{MODE_LABELS[mode]} ({len(mine):,} posts)"
        table[column] = [shares[kind].short() for kind in KNOWLEDGE_TYPES]
    return table


def knowledge_by_mode_reading(config: StudyConfig, org_id: str | None) -> str:
    """One sentence: in which mode patient stories (own or mediated) make up the largest share of posts."""
    posts = knowledge_posts(config, org_id, None)
    stories = {}
    for mode in MODES:
        mine = posts[posts["mode"] == mode]
        if not mine.empty:
            hits = mine["knowledge_type"].isin(STORIES)
            stories[mode] = clustered_share(hits, thread_of(mine), seed=config.seed)
    if len(stories) < 2:
        return ("Knowledge types cannot be compared across modes: fewer than two modes have classified posts "
                f"for {scope_name(config, org_id)}.")
    ranked = sorted(stories.items(), key=lambda item: item[1].value or 0, reverse=True)
    parts = "; ".join(f"{MODE_LABELS[mode]} threads {share.text()}" for mode, share in ranked)
    return (f"Patient stories (own or mediated) make up the largest share of posts in "
            f"{MODE_LABELS[ranked[0][0]]} threads: {parts}.")


# --------------------------------------------------------------------------- reciprocity


def answered_share(config: StudyConfig, org_id: str | None) -> Share | NotComputed:
    """Share of the public's posts addressed to the organisation that it answered (Wilson interval)."""
    summary = response_summary(config, org_id)
    if isinstance(summary, NotComputed):
        return summary
    return wilson_share(int(summary["answered"].sum()), int(summary["addressed"].sum()), "addressed posts")


def reciprocity_overview(config: StudyConfig, org_id: str | None) -> Shown:
    """Public posts addressed to the organisation, answered (95% CI), time to answer, reciprocated pairs.

    Reciprocity is measured on dyads (a public account and the
    organisation): the share of the dyads with a tie in each direction.
    """
    from helpers.classify.report import reciprocity_table

    summary = response_summary(config, org_id)
    if isinstance(summary, NotComputed):
        return summary
    pairs = reciprocity_table(config, org_id)
    rows = []
    for _, row in summary.iterrows():
        answered = wilson_share(int(row["answered"]), int(row["addressed"]), "addressed posts")
        record = {"public posts addressed to it": f"{int(row['addressed']):,}",
                  "answered (95% CI)": answered.short(),
                  "median hours to answer (95% CI)": hours_to_answer(row)}
        if isinstance(pairs, pd.DataFrame):
            mine = pairs[pairs["org_id"] == row["org_id"]]
            if not mine.empty and int(mine["dyads"].iloc[0]):
                dyads = wilson_share(int(mine["reciprocated_dyads"].iloc[0]), int(mine["dyads"].iloc[0]),
                                     "pairs")
                record["public accounts in exchange with it"] = f"{dyads.total:,}"
                record["reciprocated both ways (95% CI)"] = dyads.short()
        rows.append(record)
    return pd.DataFrame(rows)


def hours_to_answer(row: pd.Series) -> str:
    """Kaplan-Meier median hours to answer with its 95% CI, in words where a bound is not reached."""
    if pd.isna(row["km_median_hours"]):
        return "not reached (fewer than half answered)"
    high = f"{row['km_ci_high']:.1f}" if pd.notna(row["km_ci_high"]) else "not reached"
    low = f"{row['km_ci_low']:.1f}" if pd.notna(row["km_ci_low"]) else "0"
    return f"{row['km_median_hours']:.1f} ({low}–{high})"


def response_reading(config: StudyConfig, org_id: str | None) -> str:
    """One sentence on reciprocity: how many addressed posts the organisation answered, and how fast."""
    summary = response_summary(config, org_id)
    if isinstance(summary, NotComputed):
        return summary.sentence()
    share = wilson_share(int(summary["answered"].sum()), int(summary["addressed"].sum()), "addressed posts")
    sentence = (f"The organisation answered {share.count:,} of the {share.total:,} public posts that replied "
                f"to, mentioned or quoted it: {share.text()}")
    if len(summary) == 1 and pd.notna(summary["km_median_hours"].iloc[0]):
        row = summary.iloc[0]
        high = (f"{row['km_ci_high']:.1f}" if pd.notna(row["km_ci_high"])
                else "an upper bound the data do not reach")
        low = f"{row['km_ci_low']:.1f}" if pd.notna(row["km_ci_low"]) else "0"
        sentence += (f". Half of the posts were answered within {row['km_median_hours']:.1f} hours "
                     "(Kaplan-Meier median counting unanswered posts as still waiting; "
                     f"95% CI {low} to {high})")
    return sentence + "."


# --------------------------------------------------------------------------- comparability


CAVEAT_COLUMNS = ("org_id", "platform", "parent_id", "knowledge_method", "knowledge_lang")
"""What :func:`caveats` reads of every organisation's classified posts (not their texts)."""


def caveats(config: StudyConfig, org_id: str | None = None) -> dict[str, dict[str, str]]:
    """Per organisation, the figures that cannot be compared with the other organisations' as they stand.

    Parameters
    ----------
    org_id : str, optional
        Only this organisation's caveats (the study's posts are still read
        once: the usual knowledge method is that of most organisations).

    Returns
    -------
    dict
        ``{org_id: {"modes" or "knowledge": reason}}``; an organisation whose
        figures are comparable has no entry.  Modes: a fifth or more of the
        organisation's threads come from platform exports without replies
        (:data:`WITHOUT_REPLIES_NOT_COMPARABLE`).  Knowledge: its
        posts were classified by another method than most organisations'
        (the lexicon alone for a language the embedding model does not
        serve), with its validation figure.
    """
    posts = load_classified_posts(config, columns=CAVEAT_COLUMNS)
    threads = load_thread_modes(config)
    methods = {org.id: method_in_words(posts[posts["org_id"] == org.id]) for org in config.organisations}
    usual = Counter(method.split(" (")[0] for method in methods.values()).most_common(1)
    found: dict[str, dict[str, str]] = {}
    for org in config.organisations if org_id is None else [config.organisation(org_id)]:
        mine = posts[posts["org_id"] == org.id]
        if mine.empty:
            continue
        silent = platforms_without_replies(mine)
        org_threads = threads[threads["org_id"] == org.id]
        part = org_threads["platform"].isin(silent).mean() if silent and len(org_threads) else 0.0
        if part >= WITHOUT_REPLIES_NOT_COMPARABLE:
            found.setdefault(org.id, {})["modes"] = (
                f"{percent(part)} of its threads come from {platform_names(silent)} exports that hold no "
                "replies, where a thread cannot be two-way; compare the modes per platform")
        method = methods[org.id]
        if usual and len(config.organisations) > 1 and method.split(" (")[0] != usual[0][0]:
            validation = validation_state(config, org.id, "knowledge")
            found.setdefault(org.id, {})["knowledge"] = (
                f"classified by the {method}, most organisations' by the {usual[0][0]}; "
                f"{validation.sentence()}")
    return found


def validation_line(config: StudyConfig, org_id: str | None) -> str:
    """The validation state of the two classifiers, as one sentence for a report."""
    mode = validation_state(config, org_id, "mode")
    knowledge = validation_state(config, org_id, "knowledge")
    method = f" ({knowledge_method(config, org_id)})" if org_id else ""
    return (f"Communication mode: {mode.sentence()}. Knowledge type{method}: {knowledge.sentence()}.")
