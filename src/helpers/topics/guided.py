"""Guided and zero-shot topics: topics the researcher names in advance.

* **Guided** (``analysis.topic_seeds``, BERTopic's ``seed_topic_list``;
  Grootendorst 2022): each post is compared with the embedding of each seed
  list (its words joined) and with the mean post; a post closest to a seed
  list is pulled towards it (BERTopic averages its vector with the seed's,
  3 to 1) before UMAP.  BERTopic also hands these seed labels to UMAP as
  semi-supervised targets; the package's :class:`GroupedUMAP` does not use
  them, so only the pull steers the clusters.  The topic most of whose posts
  were pulled by a seed list takes its name (:func:`seed_topic_names`).
* **Zero-shot** (``analysis.zero_shot_topics``, BERTopic's
  ``zeroshot_topic_list``): a post whose cosine similarity to a label's
  embedding is at least ``zero_shot_min_similarity`` joins that label's topic
  before clustering, and the other posts are clustered as usual
  (:func:`zero_shot_assignment`).  BERTopic's own implementation projects the
  other posts again with ``umap_model.transform``, which the grouped UMAP
  cannot do; the package does the same assignment itself before UMAP.  A
  zero-shot topic may hold posts of every language group.
"""

from __future__ import annotations

import numpy as np

from helpers.embeddings import Encoder
from helpers.topics.params import OUTLIER, TopicParams

NOT_ASSIGNED = -1


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)


def zero_shot_assignment(embeddings: np.ndarray, encoder: Encoder, params: TopicParams) -> np.ndarray:
    """The zero-shot label (its index) of each post, or -1: the most similar label, when similar enough."""
    if not params.zero_shot_topics:
        return np.full(len(embeddings), NOT_ASSIGNED, dtype=int)
    labels = _unit(encoder.encode(list(params.zero_shot_topics)))
    similarity = _unit(embeddings) @ labels.T
    best = similarity.argmax(axis=1)
    close = similarity[np.arange(len(embeddings)), best] >= params.zero_shot_min_similarity
    return np.where(close, best, NOT_ASSIGNED)


def seed_steering(embeddings: np.ndarray, encoder: Encoder, params: TopicParams) -> np.ndarray:
    """Which seed list BERTopic's guided step pulls each post towards (its index), or -1 (none).

    The rule of ``BERTopic._guided_topic_modeling``: the most similar of the
    seed lists' embeddings and the mean post; -1 when the mean post is closest.
    """
    if not params.seed_topics:
        return np.full(len(embeddings), NOT_ASSIGNED, dtype=int)
    seeds = encoder.encode([" ".join(words) for _, words in params.seed_topics])
    targets = _unit(np.vstack([seeds, np.asarray(embeddings).mean(axis=0)]))
    best = (_unit(embeddings) @ targets.T).argmax(axis=1)
    return np.where(best == len(params.seed_topics), NOT_ASSIGNED, best)


def seed_topic_names(topics: np.ndarray, steering: np.ndarray, params: TopicParams,
                     exclude: set[int] | None = None) -> dict[int, str]:
    """Topic id to seed name: for each seed list, the topic holding most of its pulled posts.

    The topic takes the name only when more than half of its posts were pulled
    by that seed list; a topic claimed by two seed lists takes the one that
    pulled more of its posts.
    """
    claims: dict[int, tuple[int, str]] = {}
    for index, (name, _) in enumerate(params.seed_topics):
        pulled = topics[(steering == index) & (topics != OUTLIER)]
        pulled = pulled[~np.isin(pulled, list(exclude or ()))]
        if not len(pulled):
            continue
        ids, counts = np.unique(pulled, return_counts=True)
        topic, count = int(ids[counts.argmax()]), int(counts.max())
        if count * 2 > int((topics == topic).sum()) and count > claims.get(topic, (0, ""))[0]:
            claims[topic] = (count, name)
    return {topic: name for topic, (_, name) in claims.items()}
