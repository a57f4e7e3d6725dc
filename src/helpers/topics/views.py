"""Views of the shared model: the whole study or one organisation, as tables for reports.

:func:`topic_view` cuts a :class:`~helpers.topics.results.TopicView` from the
shared model; :func:`topics_over_time`, :func:`topics_per_class`,
:func:`topic_shares_by_org`, :func:`example_posts` and :func:`topic_table`
are its tables, with a note (:class:`~helpers.notice.NotComputed`) where a
scope has no topics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.notice import NotComputed
from helpers.topics.params import OUTLIER, STATUS_OK, STATUS_TOO_FEW, TopicParams
from helpers.topics.results import UNSTABLE_MARK, TopicResult, TopicView, mark_unstable

if TYPE_CHECKING:
    from helpers.config import StudyConfig


def topic_view(result: TopicResult, org_id: str | None = None, *, min_posts: int | None = None) -> TopicView:
    """The topics of the whole study (``org_id=None``) or of one organisation.

    Parameters
    ----------
    result : TopicResult
        The shared model (:func:`study_topics`).
    org_id : str, optional
    min_posts : int, optional
        Fewest eligible posts for a topic view (default: the model's ``min_posts``).

    Returns
    -------
    TopicView
        With status ``too_few_posts`` (and frequent terms instead of topics)
        when the scope has fewer posts than ``min_posts``.
    """
    if min_posts is None:
        min_posts = int(result.params.get("min_posts", TopicParams.min_posts))
    scope = org_id or "study"
    docs = result.documents if org_id is None else result.documents[result.documents["org_id"] == org_id]
    docs = docs.reset_index(drop=True)
    notes = _scope_notes(result, org_id)
    where = "the study" if org_id is None else f"organisation {org_id}"
    if not result.has_topics:
        message = result.messages[0] if result.messages else "No topic model."
        return TopicView(scope, result.status, message, docs, _empty_view_topics(), result, notes)
    if len(docs) < min_posts:
        min_words = result.params.get("min_words", TopicParams.min_words)
        message = (f"{where.capitalize()} has {len(docs)} posts eligible for topic modelling (non-share "
                   f"posts of at least {min_words} words); a topic view needs at least {min_posts}. "
                   "Shown instead: post counts and the most frequent terms.")
        return TopicView(scope, STATUS_TOO_FEW, message, docs, _empty_view_topics(), result, notes)
    table = _view_topics(result, docs)
    n_topics = int((table["topic"] != OUTLIER).sum())
    outliers = float((docs["topic"] == OUTLIER).mean())
    message = (f"Topics of {where}: {len(docs)} posts in {n_topics} topics of the study's shared model "
               f"({outliers:.0%} outliers).")
    return TopicView(scope, STATUS_OK, message, docs, table, result, notes)


def _scope_notes(result: TopicResult, org_id: str | None) -> list[str]:
    """The result's notes for a scope: study-wide notes, and those naming this organisation."""
    notes = result.messages if result.has_topics else result.messages[1:]
    orgs = result.params.get("org_languages", {})
    notes = [m for m in notes if org_id is None or f"({org_id})" in m or not any(f"({o})" in m for o in orgs)]
    if result.has_topics and result.stable():
        notes.append(f"Topics marked{UNSTABLE_MARK} are unstable: they reappear in fewer than half of the "
                     "refits of the model with other seeds (topic stability), so read them with care.")
    return notes


def _view_topics(result: TopicResult, docs: pd.DataFrame) -> pd.DataFrame:
    counts = docs.groupby("topic").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    table = result.topics[["topic", "label", "words"]].merge(counts, left_on="topic", right_index=True)
    table["share"] = table["posts"] / len(docs)
    table = table[["topic", "label", "posts", "share", "authors", "words"]]
    if stable := result.stable():  # known once topic_stability has run: marked in the label and a column
        flags = table["topic"].map(lambda t: stable.get(int(t)))
        table = table.assign(label=[mark_unstable(str(label), flag)
                                    for label, flag in zip(table["label"], flags, strict=True)],
                             stable=flags.astype("boolean"))
    table = table.assign(_outlier=table["topic"] == OUTLIER)
    table = table.sort_values(["_outlier", "posts", "topic"], ascending=[True, False, True])
    return table.drop(columns="_outlier").reset_index(drop=True)


def _empty_view_topics() -> pd.DataFrame:
    return pd.DataFrame({"topic": pd.Series(dtype="int64"), "label": pd.Series(dtype=object),
                         "posts": pd.Series(dtype="int64"), "share": pd.Series(dtype=float),
                         "authors": pd.Series(dtype="int64"), "words": pd.Series(dtype=object)})


def topics_over_time(view: TopicView, freq: str = "W", top_n: int = 8) -> pd.DataFrame:
    """Posts per topic and period, for the view's largest topics.

    Parameters
    ----------
    view : TopicView
    freq : str
        pandas period alias: ``"W"`` (weeks, default: Rare Disease Day stands
        out), ``"M"``, ``"Q"``...
    top_n : int
        How many of the view's largest topics (outliers excluded).

    Returns
    -------
    DataFrame
        ``Timestamp, Topic, label, Words, Frequency, share`` (BERTopic's
        column names, so ``visualize_topics_over_time`` can draw it); share is
        the topic's part of all the view's posts in that period.  Without
        topics, one row per period with ``Topic = -1`` and all posts.
    """
    docs = view.documents
    if docs.empty:
        return pd.DataFrame(columns=["Timestamp", "Topic", "label", "Words", "Frequency", "share"])
    periods = docs["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq)
    period = periods.dt.start_time
    every = pd.period_range(periods.min(), periods.max(), freq=freq).start_time  # weeks without posts too
    totals = docs.groupby(period).size().reindex(every, fill_value=0)
    if not view.has_topics:
        frame = totals.rename("Frequency").rename_axis("Timestamp").reset_index()
        frame = frame.assign(Topic=OUTLIER, label="all posts", Words="",
                             share=(frame["Frequency"] > 0).astype(float))
        return frame[["Timestamp", "Topic", "label", "Words", "Frequency", "share"]]
    chosen = view.topics.loc[view.topics["topic"] != OUTLIER, "topic"].head(top_n).tolist()
    subset = docs[docs["topic"].isin(chosen)]
    counts = subset.groupby([period[subset.index], subset["topic"]]).size()
    full = pd.MultiIndex.from_product([totals.index, chosen], names=["Timestamp", "Topic"])
    counts = counts.reindex(full, fill_value=0).rename("Frequency").reset_index()
    labels = view.result.labels()
    words = dict(zip(view.result.topics["topic"], view.result.topics["words"], strict=True))
    counts["label"] = counts["Topic"].map(labels)
    counts["Words"] = counts["Topic"].map(lambda t: ", ".join(words.get(t, [])[:5]))
    counts["share"] = (counts["Frequency"] / counts["Timestamp"].map(totals).replace(0, np.nan)).fillna(0.0)
    return counts[["Timestamp", "Topic", "label", "Words", "Frequency", "share"]]


def topics_per_class(view: TopicView, classes: str | pd.Series = "author_role") -> pd.DataFrame | NotComputed:
    """How each class of posts spreads over the topics.

    Parameters
    ----------
    view : TopicView
    classes : str or Series
        A column of ``view.documents`` (``"author_role"``: organisation vs
        public, ``"platform"``, ``"org_id"``, ``"lang"``) or a Series indexed
        by ``post_id`` (e.g. the knowledge type from :mod:`helpers.classify`);
        posts without a class are left out.

    Returns
    -------
    DataFrame
        ``Topic, label, Words, Class, Frequency, share_of_class,
        share_of_topic`` (BERTopic's column names for
        ``visualize_topics_per_class``): share_of_class is the part of the
        class's posts in the topic, share_of_topic the part of the topic's
        posts in the class.  A note when the view has no topics.
    """
    if not view.has_topics:
        return _no_topic_view(view, "Topics per class")
    docs = view.documents
    cls = docs[classes] if isinstance(classes, str) else docs["post_id"].map(classes)
    docs = docs.assign(_class=cls.to_numpy()).dropna(subset=["_class"])
    counts = docs.groupby(["topic", "_class"]).size().rename("Frequency").reset_index()
    counts = counts.rename(columns={"topic": "Topic", "_class": "Class"})
    counts["share_of_class"] = counts["Frequency"] / counts.groupby("Class")["Frequency"].transform("sum")
    counts["share_of_topic"] = counts["Frequency"] / counts.groupby("Topic")["Frequency"].transform("sum")
    labels = view.result.labels()
    words = dict(zip(view.result.topics["topic"], view.result.topics["words"], strict=True))
    counts["label"] = counts["Topic"].map(lambda t: labels.get(t, str(t)))
    counts["Words"] = counts["Topic"].map(lambda t: ", ".join(words.get(t, [])[:5]))
    return counts[["Topic", "label", "Words", "Class", "Frequency", "share_of_class", "share_of_topic"]]


def topic_shares_by_org(result: TopicResult, top_n: int = 15) -> pd.DataFrame:
    """Share of each organisation's posts in each of the study's largest topics.

    Returns
    -------
    DataFrame
        Index: topic labels (largest first); columns: organisation ids; values:
        share of the organisation's eligible posts (columns sum to at most 1).
    """
    if not result.has_topics:
        return pd.DataFrame()
    docs = result.documents
    shares = pd.crosstab(docs["topic"], docs["org_id"], normalize="columns")
    chosen = result.topics.loc[result.topics["topic"] != OUTLIER, "topic"].head(top_n).tolist()
    shares = shares.reindex(chosen).fillna(0.0)
    shares.index = [result.labels()[t] for t in shares.index]
    shares.index.name = "topic"
    return shares


def example_posts(
    view: TopicView, config: StudyConfig, *, per_topic: int = 2, top_n: int = 8
) -> pd.DataFrame | NotComputed:
    """Example posts of the view's largest topics, described, or quoted only when the study allows it.

    Only topics with at least ``privacy.min_group_size`` distinct authors in
    the view give examples; each example is the post closest to the topic's
    centroid from a different author.  Without ``privacy.allow_verbatim`` (the
    default) no text is shown: the post's closeness to the topic, its
    author's role, its month and its length, beside the topic's own words
    (used by enough authors to be shown).  With it, an excerpt cut to
    ``privacy.quote_max_chars`` is added.

    Returns
    -------
    DataFrame or NotComputed
        ``topic, label, authors, author_role, month, words, similarity`` (and
        ``excerpt`` with verbatim quoting).
    """
    if not view.has_topics:
        return _no_topic_view(view, "Example posts")
    privacy = config.privacy
    rows = []
    large = view.topics["authors"] >= privacy.min_group_size
    topics = view.topics[(view.topics["topic"] != OUTLIER) & large]
    for topic, label, authors in topics[["topic", "label", "authors"]].head(top_n).itertuples(index=False):
        members = view.documents[view.documents["topic"] == topic]
        members = members.sort_values(["similarity", "post_id"], ascending=[False, True])
        for post in members.drop_duplicates("author_id").head(per_topic).itertuples(index=False):
            row = {"topic": int(topic), "label": label, "authors": int(authors),
                   "author_role": post.author_role, "month": post.created_at.strftime("%Y-%m"),
                   "words": len(post.doc.split()), "similarity": round(float(post.similarity), 2)}
            if privacy.allow_verbatim:
                row["excerpt"] = _truncate(post.doc, privacy.quote_max_chars)
            rows.append(row)
    if not rows:
        return NotComputed("Example posts", f"no topic of {_scope_label(view)} has posts by "
                           f"{privacy.min_group_size} or more authors (privacy.min_group_size)")
    return pd.DataFrame(rows)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def topic_table(view: TopicView, n: int = 25) -> pd.DataFrame | NotComputed:
    """The view's ``n`` largest topics; without topics its most frequent terms; a note when neither."""
    if view.has_topics:
        return view.topics.head(n)
    if view.terms.empty:
        return no_terms(view)
    return view.terms.head(n)


def no_terms(view: TopicView) -> NotComputed:
    """The note of a scope whose posts yield no topic and no term to show."""
    min_authors = int(view.result.params.get("min_term_authors", TopicParams.min_term_authors))
    min_words = view.result.params.get("min_words", TopicParams.min_words)
    if view.documents.empty:
        why = (f"{_scope_label(view)} has no post eligible for topic modelling (posts that are not shares "
               f"and have at least {min_words} words)")
        return NotComputed("Topics and frequent terms", why,
                           "longer posts, or a lower analysis.topic_min_words")
    return NotComputed("Topics and frequent terms", f"no word of the {len(view.documents):,} eligible posts "
                       f"of {_scope_label(view)} is used by {min_authors} or more authors (words of fewer "
                       "authors are not shown, to protect them)", "more posts by more authors")


def _scope_label(view: TopicView) -> str:
    return "the study" if view.scope == "study" else f"organisation {view.scope}"


def _no_topic_view(view: TopicView, measure: str) -> NotComputed:
    return NotComputed(measure, f"there is no topic view of {_scope_label(view)} (the first section says "
                       "why)")
