"""The result types: the study's shared model as tables, and a view of it.

:class:`TopicResult` is what :func:`~helpers.topics.fit.fit_topics` returns
and :mod:`helpers.topics.saved` saves and loads; :class:`TopicView` is the
part of it that one scope (the study or an organisation) shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.embeddings import Encoder
from helpers.topics._bertopic_runtime import _bertopic_backend, _quiet_bertopic
from helpers.topics.documents import frequent_terms
from helpers.topics.params import STATUS_OK, TopicParams

UNSTABLE_MARK = " †"
"""Appended to the label of a topic that reappears in fewer than half the refits (:mod:`.stability`)."""


def mark_unstable(label: str, stable: bool | None) -> str:
    """``label`` with :data:`UNSTABLE_MARK` when the topic is known to be unstable (``stable`` is False)."""
    return f"{label}{UNSTABLE_MARK}" if stable is False else label


@dataclass
class TopicResult:
    """The shared topic model of a study, as plain tables.

    Attributes
    ----------
    status : str
        ``"ok"``, ``"too_few_posts"`` (no model: fewer than ``min_posts``
        eligible posts) or ``"no_topics"`` (HDBSCAN found no cluster).
    messages : list of str
        What a reader needs to know (why there is no model, language warnings).
    documents : DataFrame
        One row per eligible post: ``post_id, org_id, platform, author_id,
        author_role, created_at, lang, doc, n_words, topic, topic_raw,
        similarity, in_fit`` (``topic_raw`` before outlier reduction; ``similarity``:
        cosine to the topic's centroid; ``in_fit``: in the sample the model
        was fitted on, all posts below ``analysis.topic_fit_sample``).
    topics : DataFrame
        One row per topic: ``topic, label, posts, authors, words, weights,
        keybert, ctfidf``; topic -1 holds the outliers left.
    hierarchy : DataFrame
        BERTopic's hierarchical topics (merges of topics by c-TF-IDF distance).
    quality : DataFrame
        ``metric, value, description`` (see :func:`topic_quality`).
    params : dict
        Parameters used, languages, embedding model, seed, versions, timings.
    fingerprint : str
        Hash of posts, parameters and model: a changed fingerprint means refit.
    folder : Path, optional
        Where the result is saved.
    stability : DataFrame, optional
        One row per topic from :func:`~helpers.topics.refits.topic_stability`
        (``topic, ..., stable``), once computed; unstable topics' labels then
        carry :data:`UNSTABLE_MARK` in :meth:`labels` and in every view.
    """

    status: str
    messages: list[str]
    documents: pd.DataFrame
    topics: pd.DataFrame
    hierarchy: pd.DataFrame
    quality: pd.DataFrame
    params: dict[str, Any]
    fingerprint: str = ""
    folder: Path | None = None
    model: Any = field(default=None, repr=False)
    stability: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def has_topics(self) -> bool:
        """Whether there is a model with at least one topic."""
        return self.status == STATUS_OK

    def stable(self) -> dict[int, bool]:
        """Topic id to whether it reappears in at least half the refits (empty before stability is known)."""
        if self.stability is None or self.stability.empty:
            return {}
        table = self.stability
        return dict(zip(table["topic"].astype(int), table["stable"].astype(bool), strict=True))

    def labels(self) -> dict[int, str]:
        """Topic id to label; an unstable topic's label ends in :data:`UNSTABLE_MARK`."""
        stable = self.stable()
        return {int(t): mark_unstable(str(label), stable.get(int(t)))
                for t, label in zip(self.topics["topic"], self.topics["label"], strict=True)}

    def load_model(self, encoder: Encoder | None = None) -> Any:
        """The saved BERTopic model (safetensors), loaded once; None when there is no model.

        Loading needs no embedding model: the figures use the saved topic
        representations, c-TF-IDF and topic embeddings.  Pass ``encoder`` to
        make methods that embed new text (e.g. ``transform``) work.  The
        model's custom labels, which the figures show, are set to the tables'
        labels on every call, so that a model fitted or loaded before the
        stability was known marks the unstable topics too.
        """
        if self.model is None and self.folder is not None and self.has_topics:
            from bertopic import BERTopic

            with _quiet_bertopic():
                self.model = BERTopic.load(str(self.folder / "model"),
                                           embedding_model=_bertopic_backend(encoder))
        if self.model is not None:
            self.model.set_topic_labels(self.labels())  # the figures' custom labels are the tables' labels
        return self.model


@dataclass
class TopicView:
    """The topics of the whole study (``scope="study"``) or of one organisation.

    Attributes
    ----------
    scope : str
        ``"study"`` or an organisation id.
    status : str
        ``"ok"``, ``"too_few_posts"`` or ``"no_topics"``.
    message : str
        What the view shows and, when it shows no topics, why.
    documents : DataFrame
        The result's ``documents`` rows of this scope.
    topics : DataFrame
        ``topic, label, posts, share, authors, words``: the topics present in
        this scope, largest first (outliers last).
    terms : DataFrame
        ``term, count, authors``: the most frequent terms of the scope's posts
        (stop words removed, each used by at least ``min_term_authors``
        authors), shown when there are no topics.  Counted when first asked
        for, since counting reads every post of the scope and a view with
        topics seldom needs them.
    result : TopicResult
        The shared model the view is cut from.
    notes : list of str
        Warnings for this scope (e.g. language and embedding model).
    """

    scope: str
    status: str
    message: str
    documents: pd.DataFrame
    topics: pd.DataFrame
    result: TopicResult
    notes: list[str] = field(default_factory=list)
    _terms: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def terms(self) -> pd.DataFrame:
        """The scope's most frequent terms (see the class docstring), counted once."""
        if self._terms is None:
            params = self.result.params
            self._terms = frequent_terms(
                self.documents["doc"].tolist(), params.get("languages", ["en"]),
                authors=self.documents["author_id"].tolist(),
                min_authors=int(params.get("min_term_authors", TopicParams.min_term_authors)),
            )
        return self._terms

    @property
    def has_topics(self) -> bool:
        """Whether the view shows topics (enough posts and a model)."""
        return self.status == STATUS_OK

    def summary(self) -> str:
        """The message and notes as Markdown, for the top of a report."""
        lines = [self.message, *[f"**Note.** {note}" for note in self.notes]]
        return "\n\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.summary()

    def __repr__(self) -> str:  # the documents hold post texts: a notebook's plain-text output must not
        return f"TopicView(scope={self.scope!r}, status={self.status!r}): {self.message}"
