"""The parameters of the topic model and the statuses of a result.

:class:`TopicParams` (with :func:`auto_min_topic_size` for the sizes left to
the corpus) and :func:`params_from_config`, which reads them from a study's
``analysis`` settings; ``OUTLIER`` and the ``STATUS_*`` values every other
module of the package shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from helpers.config import StudyConfig


OUTLIER = -1
STATUS_OK = "ok"
STATUS_TOO_FEW = "too_few_posts"
STATUS_NO_TOPICS = "no_topics"


@dataclass(frozen=True)
class TopicParams:
    """Parameters of the topic model; ``None`` means "chosen from the corpus size".

    Attributes
    ----------
    min_words : int
        Posts with fewer words (after removing mentions and links) are left out.
    min_posts : int
        Fewest eligible posts for a model (study) or a topic view (organisation).
    min_topic_size : int, optional
        HDBSCAN ``min_cluster_size``; auto: see :func:`auto_min_topic_size`.
    min_samples : int, optional
        HDBSCAN ``min_samples``; auto: a third of ``min_topic_size`` (fewer outliers
        than HDBSCAN's default, which suits short posts).
    n_neighbors, n_components : int
        UMAP neighbourhood size and output dimensions.
    reduce_outliers : bool
        Reassign outlier posts to the topic whose centroid is most similar.
    outlier_threshold : float
        Minimum cosine similarity to a topic centroid for that reassignment.
    top_n_words : int
        Words per topic representation.
    ngram_range : tuple of int
        Word n-grams of the c-TF-IDF vocabulary.
    representation : {"keybert", "mmr", "ctfidf"}
        How topic words are re-ranked into labels: KeyBERT-inspired (words
        closest to the topic's representative posts), maximal marginal
        relevance, or plain c-TF-IDF.
    fit_sample : int
        Above this many posts the model is fitted on a stratified sample of
        this size and the other posts are assigned by the fitted topics
        (:mod:`helpers.topics.sample`).
    seed_topics : tuple of (str, tuple of str)
        Guided topics: a name and its seed words (BERTopic's ``seed_topic_list``);
        the topic most of whose posts were steered by a seed is labelled with its name.
    zero_shot_topics : tuple of str
        Zero-shot labels: a post at least ``zero_shot_min_similarity`` similar
        (cosine) to a label's embedding joins that label's topic before clustering.
    zero_shot_min_similarity : float
    """

    min_words: int = 5
    min_posts: int = 50
    min_topic_size: int | None = None
    min_samples: int | None = None
    n_neighbors: int = 15
    n_components: int = 5
    reduce_outliers: bool = True
    outlier_threshold: float = 0.3
    top_n_words: int = 10
    ngram_range: tuple[int, int] = (1, 2)
    representation: Literal["keybert", "mmr", "ctfidf"] = "keybert"
    min_term_authors: int = 5
    fit_sample: int = 200_000
    seed_topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    zero_shot_topics: tuple[str, ...] = ()
    zero_shot_min_similarity: float = 0.7

    def resolved(self, n_docs: int) -> TopicParams:
        """These parameters fitted to a corpus of ``n_docs`` posts (UMAP needs fewer neighbours than posts).

        ``min_topic_size`` and ``min_samples`` stay as given: when None they
        are chosen per clustering group (see :func:`auto_min_topic_size`).
        """
        return replace(self, n_neighbors=max(2, min(self.n_neighbors, n_docs - 1)))


def auto_min_topic_size(n_docs: int) -> int:
    """Smallest topic for a corpus of ``n_docs`` posts: ``sqrt(n) / 2``, between 10 and 150.

    Short posts need topics large enough to be more than a few near-duplicates,
    and a large corpus should not fall apart into hundreds of micro-topics.

    Examples
    --------
    >>> auto_min_topic_size(300), auto_min_topic_size(12_000), auto_min_topic_size(10**6)
    (10, 55, 150)
    """
    return int(min(150, max(10, round(math.sqrt(max(n_docs, 0)) / 2))))


def params_from_config(config: StudyConfig) -> TopicParams:
    """Topic parameters from the study's ``analysis`` settings (defaults for the rest)."""
    analysis = config.analysis
    size = getattr(analysis, "min_topic_size", "auto")
    return TopicParams(
        min_topic_size=None if size in (None, "auto") else int(size),
        min_words=int(getattr(analysis, "topic_min_words", TopicParams.min_words)),
        min_posts=int(getattr(analysis, "topic_min_posts", TopicParams.min_posts)),
        outlier_threshold=float(getattr(analysis, "topic_outlier_threshold", TopicParams.outlier_threshold)),
        min_term_authors=int(config.privacy.min_group_size),
        fit_sample=int(analysis.topic_fit_sample),
        seed_topics=tuple((str(name), tuple(str(w) for w in words))
                          for name, words in getattr(analysis, "topic_seeds", {}).items()),
        zero_shot_topics=tuple(str(label) for label in getattr(analysis, "zero_shot_topics", [])),
        zero_shot_min_similarity=float(getattr(analysis, "zero_shot_min_similarity", 0.7)),
    )
