"""Topic modelling of posts with BERTopic: one shared model per study, per-organisation views.

What people talk about is the first thing a reader of a patient community
asks.  BERTopic [1]_ embeds each post with a sentence-transformers model
(:mod:`helpers.embeddings`, cached), reduces the vectors with UMAP [2]_,
clusters them with HDBSCAN [3]_ and describes every cluster by its class-based
TF-IDF words, re-ranked (KeyBERT-inspired) and made into short labels of
distinct words (:func:`readable_label`).

* **One shared model per study** (:func:`study_topics`): organisations are
  compared on the same topics.  It is fitted once, saved (assignments and
  topic tables as parquet, the model with safetensors) and reloaded by every
  later notebook, organisation and rerun; it is refitted only when the
  eligible posts, the parameters or the model change (their hash).
* **Views** (:func:`topic_view`): the whole study or one organisation, with
  the topic shares, topics over time (Rare Disease Day marked), topics per
  class (organisation vs public, knowledge type...), the hierarchy and
  privacy-safe example posts.  An organisation with too few posts gets a view
  that says so and shows post counts and frequent terms instead.
* **Quality** (:func:`topic_quality`, :func:`evaluate_topics`): NPMI coherence
  on the corpus [4]_ [5]_, topic diversity [6]_, outlier share, and, for the
  demo, agreement with the ground-truth themes (NMI, ARI).

Which posts: every post that is not a share (retweet, reblog, repost) and has
at least ``min_words`` words once mentions, links and placeholders are removed;
organisation posts stay in, with their role, so topics can be compared by class.

Determinism: the posts are ordered by id, UMAP takes the study seed
(``random_state``, which makes it single-threaded), HDBSCAN, c-TF-IDF and the
representation are deterministic, and the embeddings come from the cache, so
two runs on the same data give identical topics.

References
----------
.. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
   class-based TF-IDF procedure. arXiv:2203.05794.
.. [2] McInnes, L., Healy, J. and Melville, J. (2018). UMAP: Uniform Manifold
   Approximation and Projection for dimension reduction. arXiv:1802.03426.
.. [3] Campello, R. J. G. B., Moulavi, D. and Sander, J. (2013). Density-based
   clustering based on hierarchical density estimates. PAKDD 2013, LNCS 7819, 160-172.
.. [4] Bouma, G. (2009). Normalized (pointwise) mutual information in collocation
   extraction. Proceedings of GSCL, 31-40.
.. [5] Röder, M., Both, A. and Hinneburg, A. (2015). Exploring the space of topic
   coherence measures. Proceedings of WSDM '15, 399-408.
.. [6] Dieng, A. B., Ruiz, F. J. R. and Blei, D. M. (2020). Topic modeling in
   embedding spaces. Transactions of the ACL 8, 439-453.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import inspect
import json
import logging
import math
import re
import shutil
import textwrap
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from helpers import __version__
from helpers.embeddings import Encoder, embedding_text, is_multilingual, study_encoder
from helpers.locks import exclusive_lock
from helpers.notice import NotComputed, drawable, show_instead
from helpers.schema import table_path, write_parquet_atomic
from helpers.store import read_json_marker, tighten, write_json_atomic, write_text_atomic

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)

TOPIC_FOLDER = "topics"
OUTLIER = -1
STATUS_OK = "ok"
STATUS_TOO_FEW = "too_few_posts"
STATUS_NO_TOPICS = "no_topics"
# Tokens: words of at least two letters (digits and underscores may follow the first letter).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b"
# Tokens of social-media exports that carry no topic in any language.
SOCIAL_STOP_WORDS = frozenset({"rt", "amp", "via", "http", "https", "www", "com", "org", "html", "erased"})
_WORD = re.compile(r"\b\w*[^\W\d_]\w*\b")
_FIT_PACKAGES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy")
# Groups up to this many posts get exact neighbours and a spectral start for UMAP; larger ones
# pynndescent's neighbours and a PCA start (see GroupedUMAP._reduce).
EXACT_NEIGHBOURS_UP_TO = 60_000
_NUMBA_MODULES = (
    "umap.umap_", "umap.layouts", "umap.spectral", "umap.distances", "umap.sparse", "umap.utils",
    "pynndescent.pynndescent_", "pynndescent.distances", "pynndescent.sparse", "pynndescent.utils",
    "pynndescent.rp_trees", "pynndescent.graph_utils", "pynndescent.sparse_nndescent",
)
# The random vectors warm_numba_cache lays out: all-MiniLM-L6-v2's width.
_WARM_UP_POSTS, _WARM_UP_WIDTH = 400, 384
# Parameters through which UMAP's and pynndescent's numba functions receive other compiled functions.
_FUNCTION_ARGUMENTS = frozenset({"dist", "kernel", "deheap_sort_function", "distance_func", "metric"})


# --------------------------------------------------------------------------- parameters


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
    )


# --------------------------------------------------------------------------- documents


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


# --------------------------------------------------------------------------- stop words


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


# --------------------------------------------------------------------------- result types


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
        similarity`` (``topic_raw`` before outlier reduction; ``similarity``:
        cosine to the topic's centroid).
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

    @property
    def has_topics(self) -> bool:
        """Whether there is a model with at least one topic."""
        return self.status == STATUS_OK

    def labels(self) -> dict[int, str]:
        """Topic id to label."""
        return dict(zip(self.topics["topic"].astype(int), self.topics["label"], strict=True))

    def load_model(self, encoder: Encoder | None = None) -> Any:
        """The saved BERTopic model (safetensors), loaded once; None when there is no model.

        Loading needs no embedding model: the figures use the saved topic
        representations, c-TF-IDF and topic embeddings.  Pass ``encoder`` to
        make methods that embed new text (e.g. ``transform``) work.
        """
        if self.model is not None or self.folder is None or not self.has_topics:
            return self.model
        from bertopic import BERTopic

        with _quiet_bertopic():
            model = BERTopic.load(str(self.folder / "model"), embedding_model=_bertopic_backend(encoder))
            model.set_topic_labels(self.labels())  # the figures' custom labels are the tables' labels
        self.model = model
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
        for (0.8 s for an organisation of the 200k benchmark study), since a
        view with topics seldom needs them.
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


# --------------------------------------------------------------------------- fitting


def _bertopic_backend(encoder: Encoder | None) -> Any:
    """A BERTopic embedder around an :class:`~helpers.embeddings.Encoder`.

    Without an encoder (a model loaded for its figures only) embedding raises
    a clear error instead of silently downloading a model.
    """
    from bertopic.backend import BaseEmbedder

    class EncoderBackend(BaseEmbedder):
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            if encoder is None:
                raise RuntimeError("this topic model was loaded without an encoder: pass one to load_model()")
            return encoder.encode(list(documents))

    return EncoderBackend()


def fit_topics(
    documents: pd.DataFrame,
    encoder: Encoder,
    *,
    seed: int,
    params: TopicParams | None = None,
    languages: Sequence[str] = ("en",),
    groups: Sequence[str] | None = None,
    messages: Sequence[str] = (),
    beside: Callable[[], None] | None = None,
) -> TopicResult:
    """Fit a BERTopic model on prepared posts (no files are read or written).

    Parameters
    ----------
    documents : DataFrame
        From :func:`topic_documents` (needs ``post_id``, ``author_id`` and ``doc``).
    encoder : Encoder
        The embedding model, normally a :class:`~helpers.embeddings.CachedEncoder`.
    seed : int
        The study seed (UMAP ``random_state``; KeyBERT's sampling).
    params : TopicParams, optional
    languages : sequence of str
        Languages of the corpus, for the stop words.
    groups : sequence of str, optional
        One label per document: UMAP and HDBSCAN run within each group
        separately, and outliers are reassigned within their group (see
        :func:`language_groups`); one group by default.
    messages : sequence of str
        Notes carried into the result.
    beside : callable, optional
        Work to run on the CPU the largest group's UMAP leaves free (see
        :class:`GroupedUMAP`); not called when no UMAP runs.

    Returns
    -------
    TopicResult
        Without a model (status ``too_few_posts``) when there are fewer than
        ``params.min_posts`` posts, or ``no_topics`` when no cluster is found.
    """
    params = params or TopicParams()
    documents = documents.reset_index(drop=True)
    n_docs = len(documents)
    started = time.perf_counter()
    info: dict[str, Any] = {"n_documents": n_docs, "languages": sorted(set(languages)), "seed": seed,
                            "model_id": encoder.model_id, "versions": _versions()}
    if n_docs < params.min_posts:
        message = (f"Only {n_docs} posts are eligible for topic modelling (non-share posts of at least "
                   f"{params.min_words} words); a topic model needs at least {params.min_posts}. "
                   "Shown instead: post counts and the most frequent terms.")
        return _result_without_model(STATUS_TOO_FEW, [message, *messages], documents, params, info)

    params = params.resolved(n_docs)
    texts = documents["doc"].tolist()
    group_labels = np.asarray(groups if groups is not None else ["all"] * n_docs, dtype=object)
    sizes = _group_sizes(group_labels, params)
    info["groups"] = {
        g: {"posts": int((group_labels == g).sum()), "min_topic_size": size, "min_samples": samples}
        for g, (size, samples) in sizes.items()
    }
    presence, vocabulary = vocabulary_presence(texts, documents["author_id"].tolist(), languages, params)
    if not vocabulary:
        message = (f"No term is used by at least {params.min_term_authors} authors among {n_docs} posts: "
                   "no topic words can be shown.")
        return _result_without_model(STATUS_NO_TOPICS, [message, *messages], documents, params, info)
    embeddings = encoder.encode(texts)
    info["seconds_embedding"] = round(time.perf_counter() - started, 2)
    model = _build_model(encoder, params, languages, seed, group_labels, sizes, vocabulary, beside)
    enable_numba_cache()
    with _quiet_bertopic():
        raw_topics, _ = model.fit_transform(texts, embeddings)
    raw = np.asarray(raw_topics, dtype=int)
    if not (raw != OUTLIER).any():
        used = ", ".join(f"{g}: {size}" for g, (size, _) in sizes.items())
        message = (f"HDBSCAN found no topic among {n_docs} posts (all are outliers at min_topic_size "
                   f"{used}); try a smaller analysis.min_topic_size.")
        return _result_without_model(STATUS_NO_TOPICS, [message, *messages], documents, params, info)

    final = _reduce_outliers(raw, embeddings, group_labels, params)
    _describe(model, texts, raw, final, params, seed)
    _set_centroids(model, final, embeddings)
    labels = _labels(model)
    model.set_topic_labels(labels)
    hierarchy = _hierarchy(model, texts)
    info["seconds_fit"] = round(time.perf_counter() - started, 2)

    documents = documents.assign(topic=final, topic_raw=raw, similarity=_similarity(model, final, embeddings))
    topics = _topic_table(model, documents, labels)
    quality = topic_quality(model, texts, documents, languages, params, presence=(presence, vocabulary))
    result = TopicResult(STATUS_OK, list(messages), documents, topics, hierarchy, quality,
                         _params_record(params, info), model=model)
    logger.info("Topic model: %d topics over %d posts (%.1f s)", len(topics[topics["topic"] >= 0]), n_docs,
                info["seconds_fit"])
    return result


def language_groups(documents: pd.DataFrame, org_languages: dict[str, str], min_posts: int) -> np.ndarray:
    """The language each post is clustered within, when the embedding model is not multilingual.

    A post's own language (``lang``) when it is one of the study's languages,
    otherwise its organisation's language; a language with fewer than
    ``min_posts`` posts joins the largest group.

    Returns
    -------
    ndarray of str
        One language code per row of ``documents``.
    """
    study = set(org_languages.values())
    org_lang = documents["org_id"].map(org_languages).fillna("und")
    own = documents["lang"].where(documents["lang"].isin(study))
    groups = own.fillna(org_lang).astype(str)
    counts = groups.value_counts()
    if len(counts) > 1:
        largest = sorted(counts.index, key=lambda g: (-counts[g], g))[0]
        small = [g for g in counts.index if counts[g] < min_posts]
        groups = groups.where(~groups.isin(small), largest)
    return groups.to_numpy(dtype=object)


def _group_sizes(groups: np.ndarray, params: TopicParams) -> dict[str, tuple[int, int]]:
    """HDBSCAN ``(min_cluster_size, min_samples)`` per group: fixed when configured, else by group size."""
    sizes = {}
    for group in sorted(set(groups.tolist())):
        n = int((groups == group).sum())
        size = int(min(params.min_topic_size or auto_min_topic_size(n), max(2, n // 2)))
        samples = int(params.min_samples or max(2, size // 3))
        sizes[group] = (size, min(samples, size))
    return sizes


def exact_cosine_neighbours(vectors: np.ndarray, k: int, block: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Every point's ``k`` nearest neighbours by cosine distance, the point itself first.

    Parameters
    ----------
    vectors : ndarray
        ``(n, dim)`` vectors (need not be normalised).
    k : int
        Neighbours per point, itself included (UMAP's ``n_neighbors``).
    block : int
        Rows compared with all others at once (memory: about ``12 * block * n``
        bytes for the similarities and their order).  256 took 11.6 s and
        150 MB for 42,000 posts on 2 CPUs, 1024 12.6 s and 770 MB.

    Returns
    -------
    indices : ndarray
        ``(n, k)`` int32, nearest first; column 0 is the point itself.
    distances : ndarray
        ``(n, k)`` float32 cosine distances in ``[0, 2]``.
    """
    unit = np.asarray(vectors, dtype=np.float32)
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    n = len(unit)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        similarity = unit[start:stop] @ unit.T
        rows = np.arange(stop - start)
        similarity[rows, start + rows] = np.inf  # itself first, even beside an identical post
        candidates = np.argpartition(similarity, n - k, axis=1)[:, n - k:]
        top = np.take_along_axis(similarity, candidates, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(candidates, order, axis=1)
        nearest = 1.0 - np.take_along_axis(top, order, axis=1)
        nearest[:, 0] = 0.0
        distances[start:stop] = np.clip(nearest, 0.0, 2.0)
    return indices, distances


def approximate_cosine_neighbours(
    vectors: np.ndarray, k: int, random_state: np.random.RandomState
) -> tuple[np.ndarray, np.ndarray]:
    """Every point's ``k`` approximate nearest neighbours by cosine distance, as UMAP finds them.

    The same call to pynndescent, with the same settings, that ``UMAP.fit``
    makes for ``metric="cosine"`` (umap-learn 0.5), drawing from the same
    ``random_state``; its search index is dropped, since new posts are never
    projected.  Passing the result to UMAP as ``precomputed_knn``, with this
    ``random_state`` (which the search has advanced) as its seed, gives the
    layout UMAP gives on its own.

    Parameters
    ----------
    vectors : ndarray
        ``(n, dim)`` vectors.
    k : int
        Neighbours per point, itself included (UMAP's ``n_neighbors``).
    random_state : numpy.random.RandomState
        Drawn from by the search; hand the same object to UMAP afterwards.

    Returns
    -------
    indices, distances : ndarray
        ``(n, k)`` each, nearest first.
    """
    from umap.umap_ import nearest_neighbors

    indices, distances, _index = nearest_neighbors(vectors, k, "cosine", {}, True, random_state,
                                                   low_memory=True, use_pynndescent=True, n_jobs=1)
    return indices, distances


class GroupedUMAP:
    """UMAP (McInnes et al. 2018) fitted within each group of documents separately.

    With an English-only embedding model the posts of another language form
    one compact island; a joint UMAP squeezes it, and its inner structure is
    lost.  Reducing each language on its own keeps it.  One group = plain UMAP.

    Parameters
    ----------
    groups : ndarray
        Group label of each document, in the order given to ``fit_transform``.
    seed : int
        ``random_state`` of every UMAP (deterministic, single-threaded).
    n_neighbors, n_components : int
    beside : callable, optional
        Other work for the CPU that the largest group's UMAP leaves free: with
        more than one usable CPU it is called once, in the first of the pool's
        threads that is free once every group has started (with two CPUs and
        two groups: when the smaller group is done), and ``fit_transform``
        returns when it is done too.  It must not raise (the caller collects
        its outcome); with one CPU it is not called, and the caller runs it
        afterwards.
    """

    def __init__(self, groups: np.ndarray, seed: int, n_neighbors: int = 15, n_components: int = 5,
                 beside: Callable[[], None] | None = None) -> None:
        self.groups = np.asarray(groups, dtype=object)
        self.seed = seed
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.beside = beside
        self.embedding_: np.ndarray | None = None

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        """Reduce ``X`` group by group to ``n_components`` dimensions.

        With more than one group and more than one usable CPU, the groups are
        reduced side by side in threads, the largest first: each group's UMAP
        is seeded and single-threaded, and its layout, most of its time, then
        runs without Python's global interpreter lock (see
        :func:`release_gil_in_umap_layout`).  Each group's result is the same
        as when the groups are reduced one after another.
        """
        from helpers.processes import usable_cpus

        out = np.zeros((len(X), self.n_components), dtype=np.float32)
        parts = []
        for group in sorted(set(self.groups.tolist())):
            rows = np.flatnonzero(self.groups == group)
            if len(rows) > self.n_components + 1:  # fewer have no layout; HDBSCAN leaves them outliers
                parts.append(rows)
        parts.sort(key=len, reverse=True)
        cpus = usable_cpus()
        jobs = len(parts) + (1 if self.beside is not None else 0)
        threads = min(jobs, cpus)
        if threads > 1:
            release_gil_in_umap_layout()
        # One filter for every thread: catch_warnings() inside the threads would restore each
        # other's filters in the wrong order.
        with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            warnings.filterwarnings("ignore", message=".*knn_search_index.*")  # new posts are never projected
            layouts = pool.map(lambda rows: self._reduce(X[rows]), parts)
            if self.beside is not None and cpus > 1:
                pool.submit(self.beside)  # queued behind the groups: starts when a thread is free
            for rows, layout in zip(parts, layouts, strict=True):
                out[rows] = layout
        self.embedding_ = out
        return out

    def _reduce(self, vectors: np.ndarray) -> np.ndarray:
        """One group's UMAP layout, from its exact neighbours up to :data:`EXACT_NEIGHBOURS_UP_TO` posts.

        UMAP itself finds the neighbours of fewer than 4,096 points by calling
        its cosine function from Python once per pair (about 15 s for 1,500
        posts), and of more with pynndescent, which numba compiles anew in
        every process (about 20 s) and which finds about 91% of the true
        neighbours.  One matrix product per block of posts finds all of them
        faster (7.6 s for 31,000 posts on 2 cores); beyond the limit its
        quadratic cost would exceed pynndescent's.

        Above the limit the neighbours are pynndescent's, found exactly as UMAP
        finds them (:func:`approximate_cosine_neighbours`) but before UMAP starts,
        so that its search index (random-projection trees: hundreds of MB at
        130,000 posts) is freed before the layout, the longest part, instead of
        after it.  The layout is the same.

        Above the limit the layout also starts from the posts' first principal
        components instead of UMAP's spectral embedding.  The neighbour graph of
        a large group has several connected components, and UMAP then computes
        each one's spectral embedding with ARPACK (smallest eigenvalues, no
        shift); for the 128,000 English posts of the 200k benchmark study it
        had not finished after 10 minutes, where PCA takes seconds.
        """
        from umap import UMAP

        n_neighbors = max(2, min(self.n_neighbors, len(vectors) - 1))
        settings = {"n_neighbors": n_neighbors, "n_components": self.n_components, "min_dist": 0.0,
                    "metric": "cosine", "random_state": self.seed, "n_jobs": 1}
        if len(vectors) > EXACT_NEIGHBOURS_UP_TO:
            random_state = np.random.RandomState(self.seed)
            indices, distances = approximate_cosine_neighbours(vectors, n_neighbors, random_state)
            settings["random_state"] = random_state  # drawn from after the search, as inside UMAP
            return UMAP(init="pca", precomputed_knn=(indices, distances), **settings).fit_transform(vectors)
        indices, distances = exact_cosine_neighbours(vectors, n_neighbors)
        return UMAP(precomputed_knn=(indices, distances), **settings).fit_transform(vectors)

    def fit(self, X: np.ndarray, y: Any = None) -> GroupedUMAP:
        """Same as :meth:`fit_transform`."""
        self.fit_transform(X, y)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """The layout of the fitted documents (new documents are not projected)."""
        if self.embedding_ is not None and len(X) == len(self.embedding_):
            return self.embedding_
        raise NotImplementedError("GroupedUMAP does not project new posts; refit the study model")


class GroupedHDBSCAN:
    """HDBSCAN run within each group of documents separately (labels made unique across groups).

    With an English-only embedding model, posts in another language form one
    dense island in the embedding space, which HDBSCAN would return as a
    single "language" topic; clustering within each language finds the topics
    inside it.  With one group this is plain HDBSCAN (Campello et al. 2013).

    Parameters
    ----------
    groups : ndarray
        Group label of each document, in the order of the documents given to ``fit``.
    sizes : dict
        Group to ``(min_cluster_size, min_samples)``.
    """

    def __init__(self, groups: np.ndarray, sizes: dict[str, tuple[int, int]]) -> None:
        self.groups = np.asarray(groups, dtype=object)
        self.sizes = sizes
        self.labels_: np.ndarray | None = None
        self.probabilities_: np.ndarray | None = None

    def fit(self, X: np.ndarray, y: Any = None) -> GroupedHDBSCAN:
        """Cluster ``X`` group by group; outliers are -1."""
        from hdbscan import HDBSCAN

        labels = np.full(len(X), OUTLIER, dtype=int)
        probabilities = np.zeros(len(X), dtype=float)
        offset = 0
        for group in sorted(self.sizes):
            rows = np.flatnonzero(self.groups == group)
            size, samples = self.sizes[group]
            if len(rows) <= size:
                continue
            # core_dist_n_jobs=1: above 16,384 points hdbscan would start joblib (loky) worker
            # processes for a query of a second or two; they then idle for 300 s, and a process
            # that ends after the fit (the batch's study step) waits for them.
            model = HDBSCAN(min_cluster_size=size, min_samples=samples, metric="euclidean",
                            cluster_selection_method="eom", core_dist_n_jobs=1).fit(X[rows])
            found = model.labels_ >= 0
            labels[rows[found]] = model.labels_[found] + offset
            probabilities[rows] = model.probabilities_
            offset = int(labels.max()) + 1 if (labels >= 0).any() else offset
        self.labels_ = labels
        self.probabilities_ = probabilities
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """New documents are not assigned by the clusterer (use the topic embeddings instead)."""
        raise NotImplementedError("GroupedHDBSCAN does not predict; assign new posts by topic embeddings")


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


def _build_model(encoder: Encoder, params: TopicParams, languages: Sequence[str], seed: int,
                 groups: np.ndarray, sizes: dict[str, tuple[int, int]], vocabulary: list[str],
                 beside: Callable[[], None] | None = None) -> Any:
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer

    return BERTopic(
        embedding_model=_bertopic_backend(encoder),
        umap_model=GroupedUMAP(groups, seed, params.n_neighbors, params.n_components, beside),
        hdbscan_model=GroupedHDBSCAN(groups, sizes),
        vectorizer_model=make_vectorizer(languages, params.ngram_range, vocabulary=vocabulary),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=None,  # applied once, after outlier reduction (see _describe)
        top_n_words=params.top_n_words,
        calculate_probabilities=False,
    )


def _representation(params: TopicParams, seed: int) -> Any:
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if params.representation == "keybert":
        return {"KeyBERT": KeyBERTInspired(top_n_words=params.top_n_words, nr_candidate_words=50,
                                           random_state=seed)}
    if params.representation == "mmr":
        return {"MMR": MaximalMarginalRelevance(diversity=0.3, top_n_words=params.top_n_words)}
    return None


def _reduce_outliers(raw: np.ndarray, embeddings: np.ndarray, groups: np.ndarray,
                     params: TopicParams) -> np.ndarray:
    """Outliers to the topic whose centroid is most similar (cosine), within the post's own group.

    BERTopic's "embeddings" strategy for ``reduce_outliers``, restricted to
    the clustering group (a post is never moved into another language's
    topic) and to similarities of at least ``params.outlier_threshold``.
    """
    outliers = np.flatnonzero(raw == OUTLIER)
    if not params.reduce_outliers or len(outliers) == 0:
        return raw
    topics = np.array(sorted(set(raw.tolist()) - {OUTLIER}))
    centroids = np.vstack([embeddings[raw == t].mean(axis=0) for t in topics])
    topic_group = np.array([groups[np.flatnonzero(raw == t)[0]] for t in topics], dtype=object)
    unit = embeddings[outliers] / np.linalg.norm(embeddings[outliers], axis=1, keepdims=True).clip(1e-12)
    centre = centroids / np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    similarity = unit @ centre.T
    similarity[groups[outliers][:, None] != topic_group[None, :]] = -np.inf
    best = similarity.argmax(axis=1)
    close = similarity[np.arange(len(outliers)), best] >= params.outlier_threshold
    final = raw.copy()
    final[outliers[close]] = topics[best[close]]
    return final


def _describe(model: Any, texts: list[str], raw: np.ndarray, final: np.ndarray, params: TopicParams,
              seed: int) -> None:
    """Recompute c-TF-IDF for the final assignment and add the label representation (once)."""
    with _quiet_bertopic():
        model.update_topics(texts, topics=None if (final == raw).all() else list(final),
                            top_n_words=params.top_n_words, vectorizer_model=model.vectorizer_model,
                            ctfidf_model=model.ctfidf_model,
                            representation_model=_representation(params, seed))


def _set_centroids(model: Any, topics: np.ndarray, embeddings: np.ndarray) -> None:
    """Topic embeddings as the mean embedding of each topic's posts (outliers first, if any)."""
    ids = np.unique(topics)
    model.topic_embeddings_ = np.vstack([embeddings[topics == t].mean(axis=0) for t in ids])


def _similarity(model: Any, topics: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    ids = np.unique(topics)
    centroids = model.topic_embeddings_
    row = np.searchsorted(ids, topics)
    a = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True).clip(1e-12)
    b = centroids / np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    similarity = np.einsum("ij,ij->i", a, b[row]).astype(float)
    similarity[topics == OUTLIER] = np.nan
    return similarity


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

    Models saved before the labels changed get the current labels without a refit.
    """
    if topics.empty or not {"topic", "keybert", "words"} <= set(topics.columns):
        return topics
    labels = [topic_label(int(t), list(k) or list(w))
              for t, k, w in zip(topics["topic"], topics["keybert"], topics["words"], strict=True)]
    return topics.assign(label=labels)


def _hierarchy(model: Any, texts: list[str]) -> pd.DataFrame:
    n_topics = sum(1 for t in model.topic_representations_ if t != OUTLIER)
    if n_topics < 3:
        return _empty_hierarchy()
    with _quiet_bertopic(), _no_tqdm():
        frame = model.hierarchical_topics(texts)
    frame = frame.reset_index(drop=True)
    frame["Topics"] = frame["Topics"].map(lambda ts: [int(t) for t in ts])
    frame["Distance"] = frame["Distance"].astype(float)
    return frame


def _empty_hierarchy() -> pd.DataFrame:
    columns = ["Parent_ID", "Parent_Name", "Topics", "Child_Left_ID", "Child_Left_Name", "Child_Right_ID",
               "Child_Right_Name", "Distance"]
    return pd.DataFrame({c: pd.Series(dtype=float if c == "Distance" else object) for c in columns})


def _topic_table(model: Any, documents: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    aspects = getattr(model, "topic_aspects_", {}) or {}
    aspect = next(iter(aspects.values()), {})
    ctfidf = ctfidf_top_words(model, 25)
    grouped = documents.groupby("topic").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    rows = []
    for topic in sorted(model.topic_representations_):
        words = [(w, float(s)) for w, s in model.topic_representations_[topic] if w]
        rows.append({
            "topic": int(topic),
            "label": labels[topic],
            "posts": int(grouped["posts"].get(topic, 0)),
            "authors": int(grouped["authors"].get(topic, 0)),
            "words": [w for w, _ in words],
            "weights": [s for _, s in words],
            "keybert": [w for w, _ in aspect.get(topic, []) if w],
            "ctfidf": ctfidf.get(topic, []),
        })
    table = pd.DataFrame(rows)
    return table.sort_values(["posts", "topic"], ascending=[False, True], ignore_index=True)


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


def _result_without_model(status: str, messages: list[str], documents: pd.DataFrame, params: TopicParams,
                          info: dict[str, Any]) -> TopicResult:
    documents = documents.assign(topic=OUTLIER, topic_raw=OUTLIER, similarity=np.nan)
    topics = pd.DataFrame({"topic": pd.Series(dtype="int64"), "label": pd.Series(dtype=object),
                           "posts": pd.Series(dtype="int64"), "authors": pd.Series(dtype="int64"),
                           "words": pd.Series(dtype=object), "weights": pd.Series(dtype=object),
                           "keybert": pd.Series(dtype=object), "ctfidf": pd.Series(dtype=object)})
    quality = pd.DataFrame([{"metric": "n_posts", "value": float(len(documents)),
                             "description": "posts eligible for topic modelling"}])
    for message in messages[:1]:
        logger.warning(message)
    return TopicResult(status, messages, documents, topics, _empty_hierarchy(), quality,
                       _params_record(params, info))


def _params_record(params: TopicParams, info: dict[str, Any]) -> dict[str, Any]:
    record = asdict(params)
    record["ngram_range"] = list(params.ngram_range)
    return {**record, **info}


def _versions() -> dict[str, str]:
    out = {}
    for name in _FIT_PACKAGES:
        try:
            out[name] = package_version(name)
        except Exception:  # pragma: no cover - a package without metadata
            out[name] = "unknown"
    return out


# --------------------------------------------------------------------------- quality


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
    again for the NPMI coherence (two passes, 7 s at 200,000 posts).

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


# --------------------------------------------------------------------------- the study model (saved)


def topic_fingerprint(documents: pd.DataFrame, model_id: str, params: TopicParams, seed: int,
                      languages: Sequence[str], extra: dict[str, Any] | None = None) -> str:
    """Hash of everything the shared model depends on.

    Posts (ids, prepared texts, organisations, authors, roles, languages,
    times), parameters, stop words, embedding model, seed and the versions of
    rarevoices and of the fitting packages.
    """
    digest = hashlib.sha256(_fingerprint_header(model_id, params, seed, languages, extra))
    for column in ("post_id", "doc", "org_id", "author_id", "author_role", "lang"):
        digest.update(pd.util.hash_pandas_object(documents[column], index=False).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(documents["created_at"].astype("int64"), index=False)
                  .to_numpy().tobytes())
    return digest.hexdigest()


def _fingerprint_header(model_id: str, params: TopicParams, seed: int, languages: Sequence[str],
                        extra: dict[str, Any] | None) -> bytes:
    """Everything but the posts that a fit depends on, as bytes to hash."""
    words = hashlib.sha256("\n".join(stop_words(languages)).encode()).hexdigest()
    header = {"model_id": model_id, "params": _params_record(params, {}), "seed": seed,
              "languages": sorted(set(languages)), "stop_words": words, "versions": _versions(),
              "rarevoices": __version__, "extra": extra or {}, "format": 3}  # 3: PCA start above 60k
    return json.dumps(header, sort_keys=True, default=str).encode()


def topic_inputs_key(posts_file: Path, model_id: str, params: TopicParams, seed: int,
                     languages: Sequence[str], extra: dict[str, Any] | None = None) -> str:
    """A quick stand-in for :func:`topic_fingerprint`: the posts table's file bytes instead of its posts.

    The same posts file gives the same documents, so a saved model whose key
    matches is up to date without preparing every post's text again (about 5 s
    at 200,000 posts, in every notebook kernel that opens the topic model).  A
    key that does not match proves nothing: the fingerprint decides then.
    """
    header = _fingerprint_header(model_id, params, seed, languages, extra)
    with posts_file.open("rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.sha256(header)).hexdigest()


def topics_folder(config: StudyConfig) -> Path:
    """Where the study's shared topic model lives: ``<processed_dir>/topics``."""
    return config.processed_path / TOPIC_FOLDER


def study_topics(
    config: StudyConfig,
    *,
    force: bool = False,
    encoder: Encoder | None = None,
    params: TopicParams | None = None,
    progress: bool = True,
    beside: Callable[[], None] | None = None,
) -> TopicResult:
    """The study's shared topic model: loaded when up to date, otherwise fitted and saved.

    Parameters
    ----------
    config : StudyConfig
    force : bool
        Refit even when the saved model is up to date.
    encoder : Encoder, optional
        The embedding model (wrapped in the study's cache); default: the
        configured ``analysis.embedding_model``.
    params : TopicParams, optional
        Default: :func:`params_from_config`.
    progress : bool
        Progress bars while embedding.
    beside : callable, optional
        Other work to run on the CPU the topic model's largest UMAP leaves free
        (see :class:`GroupedUMAP`).  Called at most once, and not at all when
        the saved model is up to date or no UMAP runs: the caller then runs it.

    Returns
    -------
    TopicResult

    Notes
    -----
    Saved under ``<processed_dir>/topics/runs/<id>/`` (``documents.parquet``,
    ``topics.parquet``, ``hierarchy.parquet``, ``quality.parquet``,
    ``manifest.json``, ``model/`` in safetensors) and made current by an atomic
    rename of ``topics/current.json``.  A lock makes concurrent batch workers
    wait for one fit instead of fitting the same model each.
    """
    from helpers.ingest.report import load_posts

    params = params or params_from_config(config)
    languages = study_languages(config)
    org_languages = {org.id: org.language.lower() for org in config.organisations}
    cached = study_encoder(config, progress=progress, encoder=encoder)
    model_name = encoder.model_id if encoder is not None else config.analysis.embedding_model
    grouped = not is_multilingual(model_name)
    extra = {"org_languages": org_languages, "grouped": grouped}
    folder = topics_folder(config)
    inputs_key = topic_inputs_key(table_path(config.processed_path, "posts"), cached.model_id, params,
                                  config.seed, languages, extra)
    if not force and (saved := _load_current(folder, None, inputs_key=inputs_key)) is not None:
        logger.info("Topic model up to date (same posts table); loaded from %s", saved.folder)
        return saved
    documents = topic_documents(load_posts(config), params.min_words)
    fingerprint = topic_fingerprint(documents, cached.model_id, params, config.seed, languages, extra)
    if not force and (saved := _load_current(folder, fingerprint)) is not None:
        logger.info("Topic model up to date (%s); loaded from %s", fingerprint[:12], saved.folder)
        return saved
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / ".lock", "the topic model fit"):
        if not force and (saved := _load_current(folder, fingerprint)) is not None:
            return saved  # another worker fitted it while we waited
        notes = list(language_notes(config, model_name).values())
        if (note := precision_note(cached)) is not None:
            notes.append(note)
        groups = language_groups(documents, org_languages, params.min_posts) if grouped else None
        if groups is not None and len(set(groups.tolist())) > 1:
            counts = pd.Series(groups).value_counts().sort_index()
            notes.insert(0, (
                "Posts are clustered within their language ("
                + ", ".join(f"{lang}: {n} posts" for lang, n in counts.items())
                + f") because the embedding model '{model_name}' is not multilingual: a topic never "
                "spans two languages, so organisations writing in different languages are not compared "
                "on the same topics. Configure a multilingual model in analysis.embedding_model for "
                "cross-language topics."))
        result = fit_topics(documents, cached, seed=config.seed, params=params, languages=languages,
                            groups=groups, messages=notes, beside=beside)
        result.fingerprint = fingerprint
        result.params["org_languages"] = org_languages
        result.params["grouped_by_language"] = groups is not None and len(set(groups.tolist())) > 1
        _save(result, folder, inputs_key)
        tighten(folder)  # BERTopic writes its model files with the process's umask
    return result


def load_topics(config: StudyConfig) -> TopicResult:
    """The saved shared topic model of a study, whatever its fingerprint (no refit).

    Raises
    ------
    FileNotFoundError
        When no model has been saved yet (run :func:`study_topics`).
    """
    saved = _load_current(topics_folder(config), None)
    if saved is None:
        raise FileNotFoundError(f"no topic model in {topics_folder(config)}: run study_topics(config) first")
    return saved


def _save(result: TopicResult, folder: Path, inputs_key: str | None = None) -> None:
    run = folder / "runs" / f"{result.fingerprint[:16]}-{uuid.uuid4().hex[:6]}"
    run.mkdir(parents=True)
    write_parquet_atomic(result.documents, run / "documents.parquet")
    write_parquet_atomic(result.topics, run / "topics.parquet")
    write_parquet_atomic(result.hierarchy, run / "hierarchy.parquet")
    write_parquet_atomic(result.quality, run / "quality.parquet")
    if result.model is not None:
        with _quiet_bertopic():
            result.model.save(str(run / "model"), serialization="safetensors", save_ctfidf=True,
                              save_embedding_model=False)
    manifest = {"status": result.status, "messages": result.messages, "fingerprint": result.fingerprint,
                "params": result.params, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_json_atomic(run / "manifest.json", manifest, indent=2, sort_keys=True, default=str)
    write_json_atomic(folder / "current.json", {"run": run.name, "fingerprint": result.fingerprint,
                                                "inputs_key": inputs_key})
    result.folder = run
    for old in (folder / "runs").iterdir():
        if old != run and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    logger.info("Topic model saved to %s", run)


def _load_current(
    folder: Path, fingerprint: str | None, *, inputs_key: str | None = None
) -> TopicResult | None:
    """The current saved result if its fingerprint (or its :func:`topic_inputs_key`) matches.

    Any current result when neither is given.
    """
    pointer = folder / "current.json"
    for _ in range(3):  # a concurrent save may swap the run between reading the pointer and the files
        current = read_json_marker(pointer, "topic model pointer")
        if not isinstance(current, dict) or "run" not in current:
            return None
        if fingerprint is not None and current.get("fingerprint") != fingerprint:
            return None
        if inputs_key is not None and current.get("inputs_key") != inputs_key:
            return None
        run = folder / "runs" / current["run"]
        if not run.is_dir():  # swapped by a concurrent save: read the pointer again
            time.sleep(0.2)
            continue
        manifest = read_json_marker(run / "manifest.json", "topic model manifest")
        if not isinstance(manifest, dict):
            return None  # damaged: the model is fitted again
        try:
            return TopicResult(
                status=manifest["status"],
                messages=list(manifest["messages"]),
                documents=_read(run / "documents.parquet"),
                topics=_relabel(_read(run / "topics.parquet")),
                hierarchy=_read(run / "hierarchy.parquet"),
                quality=pd.read_parquet(run / "quality.parquet"),
                params=manifest["params"],
                fingerprint=manifest["fingerprint"],
                folder=run,
            )
        except FileNotFoundError:
            time.sleep(0.2)
        except (OSError, ValueError, KeyError) as exc:  # a damaged saved model is fitted again
            logger.warning("The saved topic model in %s cannot be read (%s); fitting it again", run, exc)
            return None
    return None


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for column in ("words", "weights", "keybert", "ctfidf", "Topics"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: [] if v is None else list(v))
    return frame


def forget_topic_inputs(config: StudyConfig, texts: Sequence[str]) -> int:
    """Erasure: drop the cached embeddings of these post texts and the saved topic models.

    Call it with the ``text`` of a person's posts (as in the posts table) when
    they ask to be forgotten.  The saved topic models are deleted because
    their vocabulary and topic vectors derive from every post; the next
    :func:`study_topics` refits without the person.

    Returns
    -------
    int
        Number of cached vectors removed.
    """
    from helpers.embeddings import forget_texts

    removed = forget_texts(config, [embedding_text(t) for t in texts])
    runs = topics_folder(config) / "runs"
    if runs.exists():
        shutil.rmtree(runs)
    (topics_folder(config) / "current.json").unlink(missing_ok=True)
    return removed


# --------------------------------------------------------------------------- views


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
    return [m for m in notes
            if org_id is None or f"({org_id})" in m or not any(f"({o})" in m for o in orgs)]


def _view_topics(result: TopicResult, docs: pd.DataFrame) -> pd.DataFrame:
    counts = docs.groupby("topic").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    table = result.topics[["topic", "label", "words"]].merge(counts, left_on="topic", right_index=True)
    table["share"] = table["posts"] / len(docs)
    table = table[["topic", "label", "posts", "share", "authors", "words"]]
    table = table.assign(_outlier=table["topic"] == OUTLIER)
    table = table.sort_values(["_outlier", "posts", "topic"], ascending=[True, False, True])
    return table.drop(columns="_outlier").reset_index(drop=True)


def _empty_view_topics() -> pd.DataFrame:
    return pd.DataFrame({"topic": pd.Series(dtype="int64"), "label": pd.Series(dtype=object),
                         "posts": pd.Series(dtype="int64"), "share": pd.Series(dtype=float),
                         "authors": pd.Series(dtype="int64"), "words": pd.Series(dtype=object)})


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


# --------------------------------------------------------------------------- evaluation


def evaluate_topics(
    config: StudyConfig, truth: pd.DataFrame | None = None, *, fit: bool = True
) -> pd.DataFrame:
    """Quality of the study's topic model, and agreement with ground-truth themes where known.

    Parameters
    ----------
    config : StudyConfig
    truth : DataFrame, optional
        ``post_id`` and ``theme`` of posts with a known theme; default: the
        demo's ground truth through :func:`helpers.truth.load_truth_posts`
        (no agreement rows when there is none).
    fit : bool
        Fit the model when it is not up to date (otherwise use the saved one).

    Returns
    -------
    DataFrame
        ``component, scope, metric, value, n_posts, description``: the
        quality measures of :func:`topic_quality` for the study, the outlier
        share per organisation, and NMI and ARI between topics and themes
        (study and per organisation; outliers count as one more cluster, and
        again without outliers).
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    result = study_topics(config, progress=False) if fit else load_topics(config)
    docs = result.documents
    rows = [("study", m, v, len(docs), d) for m, v, d in result.quality.itertuples(index=False)]
    for org_id, group in docs.groupby("org_id"):
        rows.append((org_id, "outliers", float((group["topic"] == OUTLIER).mean()), len(group),
                     "share of posts still outliers after outlier reduction"))
    if truth is None:
        truth = _load_truth(config)
    if truth is not None and result.has_topics:
        known = truth.loc[truth["theme"].fillna("").astype(str).str.len() > 0, ["post_id", "theme"]]
        merged = docs.merge(known, on="post_id", how="inner")
        scopes = [("study", merged), *merged.groupby("org_id")]
        for scope, group in scopes:
            for suffix, part in (("", group), ("_no_outliers", group[group["topic"] != OUTLIER])):
                if len(part) < 2:
                    continue
                nmi = normalized_mutual_info_score(part["theme"], part["topic"])
                ari = adjusted_rand_score(part["theme"], part["topic"])
                what = "all modelled posts" if not suffix else "posts in a topic"
                rows.append((scope, f"nmi_theme{suffix}", float(nmi), len(part),
                             f"NMI between topics and ground-truth themes ({what})"))
                rows.append((scope, f"ari_theme{suffix}", float(ari), len(part),
                             f"adjusted Rand index between topics and ground-truth themes ({what})"))
        if len(merged) > 1:
            n_topics = int((result.topics["topic"] != OUTLIER).sum())
            baseline = baseline_clusters(merged["doc"].tolist(), n_topics, config.seed,
                                         result.params.get("languages", ["en"]))
            nmi = normalized_mutual_info_score(merged["theme"], baseline)
            rows.append(("study", "nmi_theme_baseline", float(nmi), len(merged),
                         f"NMI of a TF-IDF + k-means baseline with {n_topics} clusters (reference)"))
    frame = pd.DataFrame(rows, columns=["scope", "metric", "value", "n_posts", "description"])
    frame.insert(0, "component", "topics")
    return frame


def baseline_clusters(
    texts: Sequence[str], n_clusters: int, seed: int, languages: Sequence[str]
) -> np.ndarray:
    """A reference clustering: k-means on TF-IDF vectors (same stop words), seeded.

    Gives the agreement measures a yardstick: a topic model should agree with
    known themes at least as well as this bag-of-words baseline.
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words=stop_words(languages), token_pattern=TOKEN_PATTERN,
                              sublinear_tf=True).fit_transform(texts)
    n_clusters = max(1, min(n_clusters, vectors.shape[0]))
    return KMeans(n_clusters=n_clusters, random_state=seed, n_init=3).fit_predict(vectors)


def _load_truth(config: StudyConfig) -> pd.DataFrame | None:
    try:
        truth_module = importlib.import_module("helpers.truth")
        return truth_module.load_truth_posts(config)
    except (ImportError, FileNotFoundError) as exc:
        logger.info("No ground truth for topic evaluation (%s)", exc)
        return None


# --------------------------------------------------------------------------- static figures


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


# Inches: the HTML reports show figures about 1000 px wide (matplotlib's 100 dpi, 0.1 in margins saved
# around them); a figure no wider is never shrunk there, so its 7-8 pt text stays readable.
FIGURE_WIDTH = 9.8
PANEL_COLUMNS = 4  # panels a row in plot_top_terms
PANEL_TITLE_CHARS = 26  # characters a line of a panel title: four 8 pt titles side by side never touch
HEATMAP_LABEL_CHARS = 45  # topic labels beside a heatmap or a dendrogram
HEATMAP_MIN_CELL = 0.4  # inches: narrower heatmap cells show their colour only, not their value
WEEKLY_BINS_UP_TO = pd.Timedelta(days=183)  # posts spanning longer are counted by month over time


def short_label(label: str, width: int = HEATMAP_LABEL_CHARS) -> str:
    """A topic label cut to ``width`` characters at a word, ending in an ellipsis when cut."""
    short = textwrap.shorten(label, width, placeholder=" …")
    return re.sub(rf"\s*{re.escape(LABEL_SEPARATOR.strip())}\s*…$", " …", short)


def wrap_label(label: str, width: int, lines: int = 2) -> str:
    """A topic label in lines of at most ``width`` characters, at most ``lines`` lines.

    Lines break between the label's terms (after :data:`LABEL_SEPARATOR`)
    where a term fits on a line, so that a term is not split; what does not
    fit in ``lines`` lines is cut with an ellipsis.
    """
    sep = LABEL_SEPARATOR.rstrip()
    pieces = label.split(LABEL_SEPARATOR)
    rows: list[str] = []
    for i, piece in enumerate(pieces):
        piece += sep if i < len(pieces) - 1 else ""
        if rows and len(rows[-1]) + 1 + len(piece) <= width:
            rows[-1] += " " + piece
        else:
            rows.extend(textwrap.wrap(piece, width) or [piece[:width]])
    if len(rows) > lines:
        last = rows[lines - 1].removesuffix(sep).rstrip()
        if len(last) + 2 > width:
            last = textwrap.shorten(last, width - 2, placeholder="") or last[:width - 2]
        rows = [*rows[:lines - 1], last + " …"]
    return "\n".join(rows)


def plot_top_terms(view: TopicView, n_topics: int = 12, n_words: int = 8) -> Figure | None:
    """Bars of the top c-TF-IDF words of the view's largest topics (frequent terms without topics).

    Four panels a row, :data:`FIGURE_WIDTH` inches in all; each panel's title
    is its topic label wrapped to :data:`PANEL_TITLE_CHARS` characters a line
    (two lines at most) above its number of posts, so that neighbouring
    titles never run into each other.
    """
    import matplotlib.pyplot as plt

    if not view.has_topics:
        if view.terms.empty:  # nothing to draw; topic_table(view) says why, in the same section
            return None
        fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        terms = view.terms.head(15).iloc[::-1]
        ax.barh(terms["term"], terms["count"], color="#7f7f7f")
        ax.set_xlabel("occurrences")
        ax.set_title(f"Most frequent terms ({view.scope}, {len(view.documents)} posts, no topic view)",
                     fontsize=10, wrap=True)
        return fig
    chosen = view.topics[view.topics["topic"] != OUTLIER].head(n_topics)
    full = view.result.topics.set_index("topic")
    cols = max(1, min(PANEL_COLUMNS, len(chosen)))
    rows = max(1, math.ceil(len(chosen) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(FIGURE_WIDTH, 2.5 * rows), squeeze=False,
                             layout="constrained")
    panels = chosen[["topic", "label", "posts"]].itertuples(index=False)
    for ax, (topic, label, posts) in zip(axes.flat, panels, strict=False):
        words = list(full.at[topic, "words"])[:n_words][::-1]
        weights = list(full.at[topic, "weights"])[:n_words][::-1]
        ax.barh(words, weights, color=plt.cm.tab20(int(topic) % 20))
        ax.set_title(f"{wrap_label(str(label), PANEL_TITLE_CHARS)}\n{posts} posts", fontsize=8)
        ax.tick_params(axis="y", labelsize=7, length=0)
        ax.set_xticks([])
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_visible(False)
    fig.suptitle(f"Top words per topic ({view.scope}; c-TF-IDF weight)", fontsize=10)
    return fig


def over_time_bins(documents: pd.DataFrame) -> str:
    """The period of :func:`plot_topics_over_time`: weeks over half a year of posts at most, else months.

    Weekly counts of a long span are mostly 0, 1 or 2 posts a topic: their
    lines cross every week and the figure shows noise.  Monthly counts keep
    the trend (and Rare Disease Day's February) readable.
    """
    if documents.empty:
        return "W"
    span = documents["created_at"].max() - documents["created_at"].min()
    return "W" if span <= WEEKLY_BINS_UP_TO else "M"


def plot_topics_over_time(view: TopicView, freq: str | None = None, top_n: int = 5) -> Axes | None:
    """Posts per week or month of the view's largest topics, with Rare Disease Day marked each year.

    Parameters
    ----------
    view : TopicView
    freq : str, optional
        pandas period alias (``"W"``, ``"M"``...); by default
        :func:`over_time_bins` (weeks up to half a year of posts, else months).
    top_n : int
        Lines drawn: the view's largest topics (few enough for their colours
        to stay apart).

    Returns
    -------
    Axes or None
        The legend is below the axes and the Rare Disease Day marks above
        them, so neither covers a line; dates are written concisely
        (:class:`matplotlib.dates.ConciseDateFormatter`).  None, with a note,
        when the scope has no posts.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    freq = freq or over_time_bins(view.documents)
    table = topics_over_time(view, freq=freq, top_n=top_n)
    if table.empty:
        show_instead(no_terms(view) if view.documents.empty else _no_topic_view(view, "Topics over time"))
        return None
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.2), layout="constrained")
    wide = table.pivot_table(index="Timestamp", columns="label", values="Frequency", aggfunc="sum",
                             sort=False)
    ends = wide.index.to_period(freq).end_time
    middle = wide.index + (ends - wide.index) / 2  # each count at the middle of its period
    for i, (label, counts) in enumerate(wide.items()):
        ax.plot(middle.to_numpy(), counts.to_numpy(), color=plt.cm.tab10(i % 10), linewidth=1.6,
                marker="o" if len(middle) <= 60 else None, markersize=3,
                label=short_label(str(label)))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    _mark_rare_disease_days(ax, wide.index.min(), ends.max())
    unit = {"W": "week", "M": "month", "Q": "quarter"}.get(freq, freq)
    ax.set_ylabel(f"posts per {unit}")
    title = "Topics over time" if view.has_topics else "Eligible posts over time (no topic view)"
    ax.set_title(f"{title} ({view.scope})", pad=18)
    if view.has_topics:
        fig.legend(loc="outside lower center", ncol=min(3, wide.shape[1]), fontsize=8, frameon=False)
    return ax


def _mark_rare_disease_days(ax: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """A dotted line at each Rare Disease Day from ``start`` to ``end``, named above the axes."""
    for year in range(start.year, end.year + 1):
        day = rare_disease_day(year).tz_localize(None)
        if start <= day <= end:
            ax.axvline(day.to_datetime64(), color="grey", linestyle=":", linewidth=1)
            ax.annotate("Rare Disease Day", (day.to_datetime64(), 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3), textcoords="offset points", fontsize=7, color="dimgrey",
                        ha="center", va="bottom")


def rare_disease_day(year: int) -> pd.Timestamp:
    """Rare Disease Day: the last day of February (the 29th in leap years), UTC."""
    return pd.Timestamp(year=year, month=3, day=1, tz="UTC") - pd.Timedelta(days=1)


def plot_topics_per_class(table: pd.DataFrame | NotComputed, value: str = "share_of_class",
                          top_n: int = 12) -> Axes | None:
    """Heatmap of a :func:`topics_per_class` table: topics (rows) by class (columns)."""
    if isinstance(table, pd.DataFrame) and table.empty:
        show_instead(NotComputed("Topics per class", "there are no posts with both a topic and a class "
                                 "in this scope"))
        return None
    table = drawable(table)
    if table is None:
        return None
    order = (table[table["Topic"] != OUTLIER].groupby("label")["Frequency"].sum()
             .sort_values(ascending=False).head(top_n).index)
    if len(order) == 0:
        order = table.groupby("label")["Frequency"].sum().index
    wide = table.pivot_table(index="label", columns="Class", values=value, aggfunc="sum")
    wide = wide.reindex(order).fillna(0)
    what = value.replace("_", " ")
    return _heatmap(wide, f"Topics per class ({what})", what, percent=value != "Frequency")


def plot_topic_shares_by_org(result: TopicResult, top_n: int = 15) -> Axes | None:
    """Heatmap of :func:`topic_shares_by_org`: how organisations spread over the shared topics."""
    shares = topic_shares_by_org(result, top_n)
    if shares.empty:
        why = result.messages[0] if result.messages and not result.has_topics else "the model has no topics"
        show_instead(NotComputed("Topics by organisation", f"the study's shared model has no topics: {why}"))
        return None
    return _heatmap(shares, "Share of each organisation's posts per topic",
                    "share of the organisation's posts")


def _heatmap(wide: pd.DataFrame, title: str, what: str, percent: bool = True) -> Axes:
    """Rows by columns, coloured by value; each cell's value written in it where the cell is wide enough.

    At most :data:`FIGURE_WIDTH` wide: with many columns the cells narrow,
    their names are turned (30 degrees, or upright beyond six columns) when
    they do not fit level, and below :data:`HEATMAP_MIN_CELL` inches only the
    colour (and the colour bar) tells a cell's value, so that no two texts run
    together.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n_rows, n_cols = wide.shape
    values = wide.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(min(FIGURE_WIDTH, 1.2 * n_cols + 4.5), 0.38 * n_rows + 1.6),
                           layout="constrained")
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    columns = [textwrap.shorten(str(c), 24, placeholder="…") for c in wide.columns]
    ax.set_xticks(range(n_cols), columns, fontsize=8)
    ax.set_yticks(range(n_rows), [short_label(str(i)) for i in wide.index], fontsize=8)
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    if percent:
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:g}%"))  # 5%, 0.5%
    bar.set_label(what, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10)
    fig.draw_without_rendering()  # lays the figure out: the cells' width is known only then
    cell = ax.get_window_extent().width / n_cols / fig.dpi
    if max(map(len, columns), default=0) * 8 * 0.6 / 72 > cell:  # 8 pt names, 0.6 em a character
        upright = n_cols > 6
        plt.setp(ax.get_xticklabels(), rotation=90 if upright else 30, ha="right",
                 va="center" if upright else "top", rotation_mode="anchor")
    if cell >= HEATMAP_MIN_CELL:
        top = float(np.nanmax(values)) if values.size else 0.0
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.0%}" if percent else f"{v:,.0f}", ha="center", va="center", fontsize=7,
                    color="white" if v > top * 0.6 else "black")
    return ax


def plot_topic_hierarchy(result: TopicResult, max_topics: int = 60) -> Axes | None:
    """Dendrogram of the shared topics (BERTopic's hierarchy: Ward on c-TF-IDF cosine distances).

    :data:`FIGURE_WIDTH` wide, topic labels shortened to
    :data:`HEATMAP_LABEL_CHARS` characters so that they fit beside the tree.
    """
    import matplotlib.pyplot as plt
    from scipy.cluster.hierarchy import dendrogram

    hierarchy = result.hierarchy
    if hierarchy.empty:
        show_instead(NotComputed("Hierarchy of topics", "the study's shared model has fewer than 3 topics"))
        return None
    linkage = hierarchy_linkage(hierarchy)
    n_leaves = linkage.shape[0] + 1
    known = result.labels()
    labels = [short_label(known.get(i, str(i))) for i in range(n_leaves)]
    _, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(3.0, 0.26 * min(n_leaves, max_topics) + 1.2)),
                         layout="constrained")
    dendrogram(linkage, labels=labels, orientation="left", ax=ax, color_threshold=None,
               truncate_mode="lastp" if n_leaves > max_topics else None, p=max_topics,
               leaf_font_size=8)
    ax.spines[["top", "left", "right"]].set_visible(False)
    ax.set_xlabel("distance (Ward, 1 - cosine similarity of c-TF-IDF)")
    ax.set_title("Hierarchy of topics")
    return ax


def hierarchy_linkage(hierarchy: pd.DataFrame) -> np.ndarray:
    """Rebuild the SciPy linkage matrix from BERTopic's ``hierarchical_topics`` table."""
    frame = hierarchy.assign(_parent=hierarchy["Parent_ID"].astype(int)).sort_values("_parent")
    return np.column_stack([
        frame["Child_Left_ID"].astype(float), frame["Child_Right_ID"].astype(float),
        frame["Distance"].astype(float), frame["Topics"].map(len).astype(float),
    ])


# --------------------------------------------------------------------------- interactive figures


def interactive_figures(view: TopicView, top_n: int = 10) -> dict[str, go.Figure]:
    """BERTopic's plotly figures for a view: barchart, hierarchy, topics over time, per class.

    Empty when the view has no topics.  Show them with
    :func:`helpers.interactive.show_figures` (plotly.js from the report's
    ``assets/`` folder, no CDN).  The figures
    are saved beside the model the first time (:func:`save_interactive_figures`
    does it for every organisation in the batch's study step), so a notebook
    needs neither BERTopic nor the model to show them.
    """
    if not view.has_topics:
        return {}
    saved = _figures_file(view.result, view.scope, top_n)
    stored = read_json_marker(saved, "saved figures") if saved is not None else None
    if isinstance(stored, dict):
        import plotly.io as pio

        return {name: pio.from_json(text) for name, text in stored.items()}
    figures = _bertopic_figures(view, top_n)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(saved, json.dumps({name: figure.to_json() for name, figure in figures.items()}))
    return figures


def save_interactive_figures(result: TopicResult, org_ids: Sequence[str | None], top_n: int = 10) -> int:
    """Compute and save the interactive figures of these scopes (None: the study); returns how many."""
    saved = 0
    for org_id in org_ids:
        path = _figures_file(result, org_id or "study", top_n)
        if path is None or path.exists():
            continue  # nowhere to save, or saved by an earlier run: no view to prepare (5 s at 200k)
        view = topic_view(result, org_id)
        if view.has_topics:
            interactive_figures(view, top_n)
            saved += 1
    return saved


def _figures_file(result: TopicResult, scope: str, top_n: int) -> Path | None:
    """Where a scope's interactive figures are saved; named by the labels too, which they show."""
    if result.folder is None:
        return None
    labels = sorted((int(t), str(label)) for t, label in result.labels().items())
    digest = hashlib.sha256(json.dumps(labels).encode()).hexdigest()[:8]
    return result.folder / "figures" / f"{scope}-top{top_n}-{digest}.json"


def _bertopic_figures(view: TopicView, top_n: int) -> dict[str, go.Figure]:
    model = view.result.load_model()
    chosen = view.topics.loc[view.topics["topic"] != OUTLIER, "topic"].head(top_n).astype(int).tolist()
    with _quiet_bertopic():
        figures = {}
        intertopic = _intertopic_map(model, chosen, view.scope)
        if intertopic is not None:
            figures["intertopic"] = intertopic
        figures["barchart"] = model.visualize_barchart(topics=chosen, n_words=8, custom_labels=True,
                                                         title=f"<b>Top words ({view.scope})</b>")
        if not view.result.hierarchy.empty:
            hierarchy = view.result.hierarchy.copy()
            figures["hierarchy"] = model.visualize_hierarchy(hierarchical_topics=hierarchy,
                                                             custom_labels=True)
        over_time = topics_over_time(view, freq="W", top_n=top_n)
        figures["over_time"] = model.visualize_topics_over_time(
            over_time, topics=chosen, custom_labels=True, title=f"<b>Topics over time ({view.scope})</b>")
        per_class = topics_per_class(view, "author_role")
        if isinstance(per_class, pd.DataFrame) and not per_class.empty:
            figures["per_class"] = model.visualize_topics_per_class(
                per_class, topics=chosen, custom_labels=True, title="<b>Topics: organisation vs public</b>")
    return figures


def _intertopic_map(model: Any, chosen: list[int], scope: str) -> go.Figure | None:
    """BERTopic's intertopic distance map (topics placed by their c-TF-IDF similarity), when it can be drawn.

    BERTopic reduces the topic vectors to two dimensions with UMAP, which
    needs a handful of topics; with fewer (or a degenerate layout) there is
    no map, and the other figures stand alone.
    """
    if len(chosen) < 4:
        return None
    try:
        return model.visualize_topics(topics=chosen, custom_labels=True,
                                      title=f"<b>Intertopic distance map ({scope})</b>")
    except (ValueError, TypeError, IndexError) as error:  # UMAP on very few points
        logger.info("no intertopic map for %s: %s", scope, error)
        return None


# --------------------------------------------------------------------------- numba, logging


_NUMBA_CACHE_ENABLED = False
_NOGIL_LAYOUTS: list[Any] = []  # the layout functions compiled by release_gil_in_umap_layout


def enable_numba_cache() -> int:
    """Let numba cache UMAP's and pynndescent's compiled functions on disk.

    UMAP compiles its numba functions in every new process (about 15-30 s);
    most are not marked ``cache=True``.  Enabling numba's on-disk cache for
    them (in ``NUMBA_CACHE_DIR`` when set, otherwise next to the package or in
    the user's cache folder) lets later processes skip most of that compilation.
    Functions that take another compiled function as an argument (a distance,
    a kernel; see ``_FUNCTION_ARGUMENTS``) are left alone: numba cannot find
    their cached code in a new process, so it would only add an entry to the
    cache on every run.
    Returns the number of functions switched to caching (0 after the first call).
    """
    global _NUMBA_CACHE_ENABLED
    if _NUMBA_CACHE_ENABLED:
        return 0
    _NUMBA_CACHE_ENABLED = True
    try:
        from numba.core.caching import NullCache
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # pragma: no cover
        return 0
    enabled = 0
    for name in _NUMBA_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            if not isinstance(value, Dispatcher) or not isinstance(value._cache, NullCache):
                continue
            if _FUNCTION_ARGUMENTS & set(inspect.signature(value.py_func).parameters):
                continue
            if any(value is ours for ours in _NOGIL_LAYOUTS):  # see release_gil_in_umap_layout
                continue
            try:
                value.enable_caching()
                enabled += 1
            except Exception:  # e.g. no writable cache location
                continue
    logger.debug("numba on-disk cache enabled for %d functions", enabled)
    return enabled


def warm_numba_cache(seed: int = 0) -> None:
    """Compile the numba functions of the topic step's UMAP into numba's on-disk cache.

    The first topic fit after an installation otherwise compiles them: 14 s of
    the topic step's 28 s on a 10,000-post study (2 CPUs).  ``make setup``
    calls this once (``rarevoices warm-up``), as pip compiles a package's
    bytecode when it installs it.  One group of random vectors of the default
    model's width is laid out as :class:`GroupedUMAP` lays out groups up to
    :data:`EXACT_NEIGHBOURS_UP_TO` posts (exact neighbours, spectral start),
    with UMAP's own layout function.  Groups laid out side by side use a copy
    of that function which is never cached (:func:`release_gil_in_umap_layout`;
    about half a second a process); larger groups (pynndescent's neighbours)
    are left out: warming them would take 21 s, to save 9 s of the first fit
    of such a group, most of whose compilation is of functions numba cannot
    cache (see :func:`enable_numba_cache`).

    Parameters
    ----------
    seed : int
        Seed of the random vectors and of the fit.
    """
    enable_numba_cache()
    vectors = np.random.default_rng(seed).normal(size=(_WARM_UP_POSTS, _WARM_UP_WIDTH)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        GroupedUMAP(np.array(["all"] * _WARM_UP_POSTS), seed).fit_transform(vectors)


def release_gil_in_umap_layout() -> bool:
    """Let UMAP's seeded layout run without Python's global interpreter lock, so threads overlap it.

    A seeded UMAP improves its layout one epoch at a time with a numba
    function compiled without ``nogil``: the lock is held for the whole
    epoch, and two UMAPs in two threads would take turns instead of using two
    CPUs.  This puts the same Python function, compiled with the same options
    plus ``nogil=True``, where UMAP looks it up.  The computation is unchanged
    (same code, same random states, one thread per layout), so a layout is the
    same to the bit.  The new function is not cached on disk: it would share
    its cache entry with UMAP's own compilation, which holds the lock
    (compiling it takes about half a second).

    Returns
    -------
    bool
        True when the layout runs without the lock (now or already), False when
        this version of UMAP has no such function (nothing is changed then).
    """
    import numba
    from numba.core.dispatcher import Dispatcher

    try:
        from umap import layouts
    except ImportError:  # pragma: no cover - umap is a dependency
        return False
    epoch = getattr(layouts, "_nb_optimize_layout_euclidean_single_epoch", None)
    if not isinstance(epoch, Dispatcher):
        return False
    if epoch.targetoptions.get("nogil"):
        return True
    options = {key: value for key, value in epoch.targetoptions.items() if key != "nopython"}
    without_lock = numba.njit(epoch.py_func, **options, nogil=True)
    _NOGIL_LAYOUTS.append(without_lock)
    layouts._nb_optimize_layout_euclidean_single_epoch = without_lock
    return True


class _BelowError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


@contextlib.contextmanager
def _quiet_bertopic() -> Iterator[None]:
    """Silence BERTopic's advisory log lines and UMAP/numba warnings during a call.

    A filter rather than a level: BERTopic resets its logger's level whenever
    a model is created or loaded.
    """
    bertopic_logger = logging.getLogger("BERTopic")
    quiet = _BelowError()
    bertopic_logger.addFilter(quiet)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*n_jobs value.*")
            warnings.filterwarnings("ignore", category=UserWarning, module="umap")
            warnings.filterwarnings("ignore", module="numba")
            warnings.filterwarnings("ignore", message=".*Cannot cache compiled function.*")
            yield
    finally:
        bertopic_logger.removeFilter(quiet)


@contextlib.contextmanager
def _no_tqdm() -> Iterator[None]:
    """Hide the progress bar BERTopic's ``hierarchical_topics`` draws (no option to turn it off)."""
    import bertopic._bertopic as core

    original = core.tqdm
    core.tqdm = lambda iterable, *args, **kwargs: iterable
    try:
        yield
    finally:
        core.tqdm = original
