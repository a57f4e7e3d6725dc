"""What enters the topic model: the eligible posts, their words and their languages.

:func:`topic_documents` chooses and prepares the posts; :func:`stop_words`
and :func:`make_vectorizer` tokenise them; :func:`author_vocabulary`,
:func:`vocabulary_presence` and :func:`frequent_terms` keep only terms used by
enough authors (the privacy rule of topic words); :func:`language_notes` and
:func:`precision_note` tell the reader when the languages or the embeddings'
precision limit the topics.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.embeddings import Encoder, embedding_text, is_multilingual
from helpers.topics.params import TopicParams

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)


# Tokens: words of at least two letters (digits and underscores may follow the first letter).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b"
# Tokens of social-media exports that carry no topic in any language.
SOCIAL_STOP_WORDS = frozenset({"rt", "amp", "via", "http", "https", "www", "com", "org", "html", "erased"})
_WORD = re.compile(r"\b\w*[^\W\d_]\w*\b")


def count_words(text: str) -> int:
    """Number of words (tokens with at least one letter)."""
    return len(_WORD.findall(text))


def topic_documents(posts: pd.DataFrame, min_words: int = TopicParams.min_words) -> pd.DataFrame:
    """The posts that enter topic modelling, with their prepared text.

    Parameters
    ----------
    posts : DataFrame
        The canonical posts table (or a subset of it).
    min_words : int
        Fewest words a post needs (counted on the prepared text).

    Returns
    -------
    DataFrame
        ``post_id, org_id, platform, author_id, author_role, created_at, lang,
        doc, n_words``, ordered by ``post_id`` (the order makes fits deterministic).
    """
    columns = ["post_id", "org_id", "platform", "author_id", "author_role", "created_at", "lang"]
    if "shared_id" in posts.columns:
        posts = posts[posts["shared_id"].isna()]
    docs = posts[columns].copy()
    docs["doc"] = posts["text"].fillna("").map(embedding_text)
    docs["n_words"] = docs["doc"].map(count_words).astype("int64")
    docs = docs[docs["n_words"] >= min_words]
    return docs.sort_values("post_id", kind="stable").reset_index(drop=True)


def stop_words(languages: Sequence[str]) -> list[str]:
    """Stop words for the given ISO 639-1 languages (English always included), sorted.

    English comes from scikit-learn; other languages from
    ``helpers/resources/stopwords_<lang>.txt`` (Italian is shipped; add a file
    for another language).  A language without a list is logged.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = set(ENGLISH_STOP_WORDS) | SOCIAL_STOP_WORDS
    for lang in sorted(set(languages) - {"en"}):
        listed = _stop_word_file(lang)
        if listed is None:
            logger.info("No stop-word list for language %r: add helpers/resources/stopwords_%s.txt",
                           lang, lang)
            continue
        words |= listed
    return sorted(words)


@lru_cache(maxsize=16)
def _stop_word_file(lang: str) -> frozenset[str] | None:
    resource = resources.files("helpers") / "resources" / f"stopwords_{lang}.txt"
    if not resource.is_file():
        return None
    lines = resource.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def make_vectorizer(languages: Sequence[str], ngram_range: tuple[int, int] = (1, 2), **kwargs: Any) -> Any:
    """The ``CountVectorizer`` of the topic model: stop words per language, words of 2+ letters."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=stop_words(languages), ngram_range=tuple(ngram_range),
                           token_pattern=TOKEN_PATTERN, lowercase=True, **kwargs)


def study_languages(config: StudyConfig) -> list[str]:
    """The languages of the study's organisations (ISO 639-1), sorted."""
    return sorted({org.language.lower() for org in config.organisations})


def language_notes(config: StudyConfig, model_name: str | None = None) -> dict[str, str]:
    """Per organisation, a warning when its language does not suit the embedding model.

    Returns
    -------
    dict
        Organisation id to message, only for organisations whose language is
        not English while the model does not look multilingual.
    """
    model_name = model_name or config.analysis.embedding_model
    notes = {}
    for org in config.organisations:
        lang = org.language.lower()
        parts = []
        if lang != "en" and not is_multilingual(model_name):
            parts.append(
                f"{org.name} ({org.id}) posts in '{org.language}', but the embedding model "
                f"'{model_name}' is trained on English: it reads these posts poorly, so their topics "
                "are coarser and their labels less reliable, and they cannot share topics with English "
                "posts. Configure a multilingual model in analysis.embedding_model (e.g. a local copy "
                "of paraphrase-multilingual-MiniLM-L12-v2) for a cross-language comparison.")
        if lang != "en" and _stop_word_file(lang) is None:
            parts.append(
                f"There is no stop-word list for '{org.language}' ({org.id}): common function words of the "
                f"language may appear among its topic words. Add helpers/resources/stopwords_{lang}.txt "
                "(one word per line) to remove them.")
        if parts:
            notes[org.id] = " ".join(parts)
    return notes


def precision_note(encoder: Encoder) -> str | None:
    """A note for the reader when the embeddings were not computed in float32.

    ``analysis.embedding_precision: bfloat16`` gives topics of the same
    quality, but not the same post for post as float32 (docs/topics.md).
    """
    if encoder.precision == "float32":
        return None
    return (
        f"The posts' embeddings were computed in {encoder.precision} (analysis.embedding_precision), which "
        "is faster than float32. The topics are as good, but posts fall into other topics than in a "
        "float32 run, as they do with another seed: compare organisations only within one precision."
    )


def author_vocabulary(texts: Sequence[str], authors: Sequence[str], languages: Sequence[str],
                      params: TopicParams) -> list[str]:
    """Terms (stop words removed) used by at least ``params.min_term_authors`` distinct authors.

    Topic words come only from this vocabulary: a word that few people use
    (a child's name, a town, a rare drug combination) can point to a person,
    so it never reaches a figure or table, the same rule as for example
    posts (docs/privacy.md).  It also keeps typos and one-off tokens out.
    """
    return vocabulary_presence(texts, authors, languages, params)[1]


def vocabulary_presence(texts: Sequence[str], authors: Sequence[str], languages: Sequence[str],
                        params: TopicParams) -> tuple[Any, list[str]]:
    """Which of the :func:`author_vocabulary` terms each text contains, with the terms.

    Returns
    -------
    presence : scipy.sparse.csc_matrix or None
        ``(len(texts), len(terms))``, 1 where the text contains the term (None
        when there are no terms); the same counts as tokenising the texts
        again with the topic model's vectorizer restricted to these terms, so
        :func:`npmi_coherence` can use it instead.
    terms : list of str
        The author vocabulary, sorted (the matrix's columns).
    """
    counter = make_vectorizer(languages, params.ngram_range, binary=True)
    try:
        presence = counter.fit_transform(texts)
    except ValueError:  # no token at all
        return None, []
    authors_per_term = _authors_per_term(presence, authors)
    names = counter.get_feature_names_out()  # sorted, like the vocabulary
    kept = np.flatnonzero(authors_per_term >= params.min_term_authors)
    if not len(kept):
        return None, []
    return presence.tocsc()[:, kept], [str(names[i]) for i in kept]


def _authors_per_term(matrix: Any, authors: Sequence[str]) -> np.ndarray:
    """Distinct authors per column of a document-term matrix (rows in the order of ``authors``)."""
    from scipy import sparse

    codes, uniques = pd.factorize(pd.Series(list(authors)))
    by_author = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                  shape=(len(uniques), len(codes)))
    return np.asarray(((by_author @ sparse.csr_matrix(matrix)) > 0).sum(axis=0)).ravel()


def frequent_terms(texts: Sequence[str], languages: Sequence[str], n: int = 20, *,
                   authors: Sequence[str] | None = None, min_authors: int = 1) -> pd.DataFrame:
    """The ``n`` most frequent words of ``texts`` (stop words removed): ``term, count, authors``.

    With ``authors`` (one per text), only words used by at least
    ``min_authors`` distinct authors are listed (the privacy rule of topic words).
    """
    empty = pd.DataFrame({"term": pd.Series(dtype=object), "count": pd.Series(dtype="int64"),
                          "authors": pd.Series(dtype="int64")})
    keep = [i for i, t in enumerate(texts) if t]
    if not keep:
        return empty
    vectorizer = make_vectorizer(languages, (1, 1))
    try:
        matrix = vectorizer.fit_transform([texts[i] for i in keep]).tocsc()
    except ValueError:  # only stop words
        return empty
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    if authors is None:
        n_authors = np.ones_like(counts)
    else:
        n_authors = _authors_per_term(matrix, [authors[i] for i in keep])
    names = vectorizer.get_feature_names_out()
    ranked = sorted(range(len(names)), key=lambda i: (-counts[i], names[i]))
    order = [i for i in ranked if n_authors[i] >= min_authors][:n]
    return pd.DataFrame({"term": [str(names[i]) for i in order], "count": [int(counts[i]) for i in order],
                         "authors": [int(n_authors[i]) for i in order]})
