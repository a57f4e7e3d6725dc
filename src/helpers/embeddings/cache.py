"""The embedding cache: content-addressed vectors in append-only shards, and an encoder behind it.

:class:`EmbeddingCache` stores the vectors of one model by
``sha256(model_id + text)`` (:func:`text_keys`) in ``.npy`` shards written
atomically; :class:`CachedEncoder` puts one in front of any encoder, so only
texts not yet cached reach the model.  The cache stores hashes and vectors,
never the texts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import as_completed
from pathlib import Path

import numpy as np
from tqdm import tqdm

from helpers.embeddings.base import Encoder
from helpers.processes import ClusterPool, cluster_pool
from helpers.store import atomic_path, write_text_atomic

logger = logging.getLogger(__name__)

KEY_BYTES = 32
SHARD_SUFFIX = ".npy"
PACKAGED_SHARDS = Path(__file__).resolve().parent.parent / "resources" / "embeddings"
"""Cache shards shipped with the package, in one folder per model named as in a cache.

The default model's vectors of the knowledge classifier's packaged seed posts
are there, so that a study's first run does not encode those 360 posts again.
Written by ``tools/make_seed_vectors.py``; posts of a seed set of one's own
are not in it and are encoded as usual.
"""
COMPACT_AFTER_SHARDS = 32
CLUSTER_PIECE_TEXTS = 512
"""About how many new texts a cluster's worker encodes per task (whole batches of the model)."""


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
        them would hold a large study's vectors in memory) and None is returned.
        """
        self.misses += len(texts)
        logger.info("Embedding %d new texts with %s (%d cached)", len(texts), self.model_id, self.hits)
        order = np.argsort(self.encoder.text_lengths(texts), kind="stable")  # no padding in a batch
        out: np.ndarray | None = None
        chunks = range(0, len(texts), self.chunk_size)
        bar = tqdm(total=len(texts), desc=f"embedding ({self.model_id})", unit="text",
                   disable=not self.progress or len(texts) < 2)
        cluster = cluster_pool()
        if cluster is not None:
            pieces = [piece for start in chunks
                      for piece in self._pieces(order[start:start + self.chunk_size])]
            with bar:
                self._encode_on_cluster(cluster, pieces, texts, keys, bar)
            return self.cache.lookup(keys)[1] if keep else None
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

    def _pieces(self, chunk: np.ndarray) -> list[np.ndarray]:
        """A chunk's rows in pieces of whole batches of the model, for the workers of a cluster.

        Smaller than a chunk, so that every worker has work until the end; cut
        only where the model's batches end (``batch_size``), so that each batch
        holds the texts it holds in one process.  An encoder without a batch
        size gets the chunk whole.
        """
        batch = getattr(self.encoder, "batch_size", None)
        if not batch:
            return [chunk]
        piece = max(1, CLUSTER_PIECE_TEXTS // batch) * batch
        return [chunk[start:start + piece] for start in range(0, len(chunk), piece)]

    def _encode_on_cluster(self, cluster: ClusterPool, pieces: list[np.ndarray], texts: list[str],
                           keys: np.ndarray, bar: tqdm) -> None:
        """Send each piece (rows of ``texts``) to a worker, which encodes it and writes its shard.

        The model's batches are those of one process, so each holds the same
        texts.  Each worker loads the model once (:func:`encode_into_cache`).
        The pieces of the longest texts go first, so that no worker is left
        with a long piece at the end while the others wait.
        """
        futures = {cluster.submit(encode_into_cache, self.encoder, self.cache.folder, self.model_id,
                                  [texts[i] for i in rows], keys[rows]): len(rows)
                   for rows in reversed(pieces)}
        for future in as_completed(futures):
            future.result()
            bar.update(futures[future])


def encode_into_cache(encoder: Encoder, folder: Path, model_id: str, texts: list[str],
                      keys: np.ndarray) -> int:
    """Encode texts (ordered by length) and write their vectors as one shard of the cache at ``folder``.

    What a Dask worker runs for each piece of new texts; the model is loaded
    once per worker process (the encoder keeps its model per process).
    Returns the number of texts encoded.
    """
    vectors = np.asarray(encoder.encode_sorted(texts), dtype=np.float32)
    EmbeddingCache(folder, model_id).add(keys, vectors)
    return len(texts)


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
