"""How topics are described: their representation words and readable labels.

:func:`readable_label` and :func:`topic_label` make short labels of distinct
words from a topic's ranked terms; :func:`_representation` and
:func:`_describe` give a fitted model its label representation (KeyBERT-inspired,
MMR or plain c-TF-IDF); :func:`ctfidf_top_words` lists its c-TF-IDF terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.topics._bertopic_runtime import _quiet_bertopic
from helpers.topics.params import OUTLIER, TopicParams

LABEL_SEPARATOR = " · "  # between the terms of a topic label: "3: little sister · school"
LABEL_TERMS = 3  # terms in a label
LABEL_WORDS = 4  # words in a label, all its terms together


def readable_label(terms: Sequence[str | tuple[str, float]], n_terms: int = LABEL_TERMS,
                   max_words: int = LABEL_WORDS) -> str:
    """A short label from a topic's ranked terms: distinct words, no term repeating another.

    BERTopic describes a topic by its class-based TF-IDF terms [1]_ (here
    re-ranked by the representation model), and with a word n-gram
    vocabulary these overlap: ``"sister amazing, little sister, sister"``
    repeats one idea three times.  Following the idea of labelling topics
    with their most representative n-grams [2]_, the terms are taken in rank
    order and a term sharing a word with a term already chosen is left out;
    only when it contains a chosen term (``"little sister"`` after
    ``"sister"``) does it replace that term, since the n-gram says the same
    more precisely.  Terms are added until ``n_terms`` terms or ``max_words``
    words are reached.

    Parameters
    ----------
    terms : sequence of str or (str, float)
        The topic's terms, most representative first (BERTopic's
        ``(word, weight)`` pairs are accepted; only their order is used).
    n_terms : int
        Most terms in the label.
    max_words : int
        Most words in the label, all terms together.

    Returns
    -------
    str
        The chosen terms joined by :data:`LABEL_SEPARATOR` (``""`` when there
        is no term).  The same terms always give the same label.

    References
    ----------
    .. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
       class-based TF-IDF procedure. arXiv:2203.05794.
    .. [2] Lau, J. H., Grieser, K., Newman, D. and Baldwin, T. (2011).
       Automatic labelling of topic models. Proceedings of ACL-HLT 2011, 1536-1545.

    Examples
    --------
    >>> readable_label(["sister", "little sister", "school", "little"])
    'little sister · school'
    """
    chosen: list[tuple[str, ...]] = []
    for term in terms:
        words = tuple((term[0] if isinstance(term, tuple) else term).split())
        if not words:
            continue
        used = {w for c in chosen for w in c}
        if not used & set(words):
            if len(chosen) < n_terms and sum(map(len, chosen)) + len(words) <= max_words:
                chosen.append(words)
            continue
        part = next((i for i, c in enumerate(chosen) if c != words and _contains(words, c)), None)
        others = {w for i, c in enumerate(chosen) if i != part for w in c}
        if (part is not None and not others & set(words)
                and sum(map(len, chosen)) - len(chosen[part]) + len(words) <= max_words):
            chosen[part] = words
    return LABEL_SEPARATOR.join(" ".join(c) for c in chosen)


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` is a run of consecutive words of ``words``."""
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def topic_label(topic: int, terms: Sequence[str | tuple[str, float]]) -> str:
    """The label of a topic: ``"3: little sister · school"`` (``"outliers"`` for topic -1).

    The ``"N: "`` prefix is kept (reports strip it with ``label.split(": ", 1)``).
    """
    if topic == OUTLIER:
        return "outliers"
    return f"{topic}: {readable_label(terms) or 'no words shown'}"


def _labels(model: Any) -> dict[int, str]:
    """Readable labels (:func:`topic_label`) from the re-ranked representation, else the c-TF-IDF words."""
    aspects = getattr(model, "topic_aspects_", {}) or {}
    aspect = next(iter(aspects.values()), None) or {}
    labels = {}
    for topic in sorted(model.topic_representations_):
        keybert = [w for w, _ in aspect.get(topic, []) if w]
        words = [w for w, _ in model.topic_representations_[topic] if w]
        labels[topic] = topic_label(topic, keybert or words)
    return labels


def _relabel(topics: pd.DataFrame) -> pd.DataFrame:
    """A saved topic table with its labels made again (:func:`_labels`' rule on its ``keybert``/``words``).

    Models saved before the labels changed get the current labels without a refit; a topic named
    by a seed list or a zero-shot label (column ``name``) keeps that name.
    """
    if topics.empty or not {"topic", "keybert", "words"} <= set(topics.columns):
        return topics
    names = topics["name"] if "name" in topics.columns else pd.Series([""] * len(topics), index=topics.index)
    labels = [f"{int(t)}: {n}" if isinstance(n, str) and n else topic_label(int(t), list(k) or list(w))
              for t, k, w, n in zip(topics["topic"], topics["keybert"], topics["words"], names, strict=True)]
    return topics.assign(label=labels)


def ctfidf_top_words(model: Any, k: int = 10) -> dict[int, list[str]]:
    """The ``k`` highest c-TF-IDF terms of every topic (outliers excluded)."""
    matrix = model.c_tf_idf_
    names = model.vectorizer_model.get_feature_names_out()
    topics = sorted(set(model.topics_))
    if matrix is None or matrix.shape[0] != len(topics):
        return {}
    out = {}
    for row, topic in enumerate(topics):
        if topic == OUTLIER:
            continue
        values = matrix[row].toarray().ravel()
        order = np.argsort(-values, kind="stable")[:k]
        out[int(topic)] = [str(names[i]) for i in order if values[i] > 0]
    return out


def _representation(params: TopicParams, seed: int) -> Any:
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if params.representation == "keybert":
        return {"KeyBERT": KeyBERTInspired(top_n_words=params.top_n_words, nr_candidate_words=50,
                                           random_state=seed)}
    if params.representation == "mmr":
        return {"MMR": MaximalMarginalRelevance(diversity=0.3, top_n_words=params.top_n_words)}
    return None


def _describe(model: Any, texts: list[str], final: np.ndarray, params: TopicParams, seed: int) -> None:
    """Recompute c-TF-IDF for the final assignment of every post and add the label representation (once)."""
    fitted = np.asarray(model.topics_)
    unchanged = len(fitted) == len(final) and bool((fitted == final).all())
    with _quiet_bertopic():
        model.update_topics(texts, topics=None if unchanged else list(final),
                            top_n_words=params.top_n_words, vectorizer_model=model.vectorizer_model,
                            ctfidf_model=model.ctfidf_model,
                            representation_model=_representation(params, seed))
