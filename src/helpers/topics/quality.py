"""Quality measures of a fitted topic model on its own corpus.

NPMI coherence (:func:`npmi_coherence`), topic diversity
(:func:`topic_diversity`) and the outlier shares, gathered by
:func:`topic_quality` when a model is fitted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.topics.documents import make_vectorizer
from helpers.topics.labels import ctfidf_top_words
from helpers.topics.params import OUTLIER, TopicParams


def npmi_coherence(topic_words: dict[int, list[str]], texts: Sequence[str], vectorizer: Any, *,
                   presence: tuple[Any, Sequence[str]] | None = None) -> pd.Series:
    """NPMI coherence of each topic's words, with documents as co-occurrence windows.

    For every pair of a topic's words, ``NPMI = log(p(a,b) / (p(a) p(b))) / -log p(a,b)``
    with probabilities estimated from the share of documents that contain the
    words (Bouma 2009; the C_NPMI of Röder et al. 2015 with the whole post as
    the window, which suits short posts).  A pair that never co-occurs counts
    -1; the topic's coherence is the mean over its pairs.  Range -1 to 1;
    higher is more coherent.

    Parameters
    ----------
    topic_words : dict
        Topic id to its top words (as produced by the vectorizer: n-grams allowed).
    texts : sequence of str
        The reference corpus (the modelled posts).
    vectorizer : CountVectorizer
        Tokenises the texts like the topic model did (its vocabulary is replaced).
    presence : (matrix, terms), optional
        The texts' binary document-term matrix, already counted with the same
        tokenisation (:func:`vocabulary_presence`), and its column terms.
        Used instead of tokenising the texts again when it has every topic word.

    Returns
    -------
    Series
        NPMI per topic id.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> docs = ["red apple", "red apple pie", "blue sky", "blue sky sea"]
    >>> npmi_coherence({0: ["red", "apple"], 1: ["red", "sky"]}, docs, CountVectorizer()).round(2).tolist()
    [1.0, -1.0]
    """
    from sklearn.base import clone

    vocabulary = sorted({w for words in topic_words.values() for w in words})
    if not vocabulary or len(texts) == 0:
        return pd.Series(dtype=float)
    matrix, terms = presence if presence is not None else (None, [])
    column = {term: i for i, term in enumerate(terms)}
    if matrix is not None and all(word in column for word in vocabulary):
        matrix = matrix[:, [column[word] for word in vocabulary]]
    else:
        counter = clone(vectorizer).set_params(vocabulary=vocabulary, binary=True, min_df=1, max_df=1.0)
        matrix = counter.fit_transform(texts)
    matrix = matrix.astype(np.float64).tocsc()
    n_docs = matrix.shape[0]
    joint = (matrix.T @ matrix).toarray() / n_docs
    single = np.diag(joint).copy()
    index = {w: i for i, w in enumerate(vocabulary)}
    eps = 1e-12
    scores = {}
    for topic, words in topic_words.items():
        ids = [index[w] for w in words if w in index]
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        if not pairs:
            scores[topic] = np.nan
            continue
        values = []
        for a, b in pairs:
            p_ab = joint[a, b]
            if p_ab <= 0:
                values.append(-1.0)
            elif p_ab >= 1:
                values.append(1.0)
            else:
                values.append(math.log((p_ab + eps) / (single[a] * single[b])) / -math.log(p_ab + eps))
        scores[topic] = float(np.mean(values))
    return pd.Series(scores, dtype=float).sort_index()


def topic_diversity(topic_words: dict[int, list[str]], k: int = 25) -> float:
    """Share of unique words among the top ``k`` words of all topics (Dieng et al. 2020).

    1 means no two topics share a top word; close to 0, topics repeat each other.

    Examples
    --------
    >>> topic_diversity({0: ["a", "b"], 1: ["b", "c"]}, k=2)
    0.75
    """
    tops = [list(words)[:k] for words in topic_words.values() if words]
    total = sum(len(words) for words in tops)
    return float(len({w for words in tops for w in words}) / total) if total else float("nan")


def topic_quality(model: Any, texts: Sequence[str], documents: pd.DataFrame, languages: Sequence[str],
                  params: TopicParams, *, presence: tuple[Any, Sequence[str]] | None = None) -> pd.DataFrame:
    """Quality measures of a fitted model on its corpus.

    ``presence`` (from :func:`vocabulary_presence`) spares tokenising the texts
    again for the NPMI coherence (two more passes over every post).

    Returns
    -------
    DataFrame
        ``metric, value, description``: number of topics and posts, NPMI
        coherence of the top-10 c-TF-IDF words and of the label words, topic
        diversity of the top-25 c-TF-IDF words, and outlier shares before and
        after outlier reduction.
    """
    ctfidf_10 = {t: words[:10] for t, words in ctfidf_top_words(model, 10).items()}
    shown = next(iter((model.topic_aspects_ or {}).values()), None) or model.topic_representations_
    label_words = {t: [w for w, _ in pairs if w][:10] for t, pairs in shown.items() if t != OUTLIER}
    vectorizer = make_vectorizer(languages, params.ngram_range)
    npmi = npmi_coherence(ctfidf_10, texts, vectorizer, presence=presence)
    npmi_labels = npmi_coherence(label_words, texts, vectorizer, presence=presence)
    rows = [
        ("n_topics", float(len(ctfidf_10)), "topics found (outliers excluded)"),
        ("n_posts", float(len(documents)), "posts modelled"),
        ("npmi", float(npmi.mean()), "NPMI coherence of the top-10 c-TF-IDF words, mean over topics (-1..1)"),
        ("npmi_labels", float(npmi_labels.mean()), "NPMI coherence of the top-10 label words (-1..1)"),
        ("diversity", topic_diversity(ctfidf_top_words(model, 25), 25),
         "topic diversity: unique share of the top-25 c-TF-IDF words (0..1)"),
        ("outliers_raw", float((documents["topic_raw"] == OUTLIER).mean()),
         "share of posts HDBSCAN left as outliers"),
        ("outliers", float((documents["topic"] == OUTLIER).mean()),
         "share of posts still outliers after outlier reduction"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "description"])
