"""A study's encoder and cache: the configured model behind ``<processed_dir>/embeddings``.

:func:`study_encoder` is what the steps call; :func:`forget_texts` removes a
person's vectors on an erasure request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from helpers.embeddings.base import _DEFAULT_ALIASES, Encoder, resolve_model_path
from helpers.embeddings.cache import CachedEncoder, EmbeddingCache, text_keys
from helpers.embeddings.sentence_transformer import SentenceTransformerEncoder
from helpers.store import read_json_marker

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)

CACHE_FOLDER = "embeddings"


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
    local = local_model_folder(config)
    model = encoder or SentenceTransformerEncoder(
        analysis.embedding_model,
        batch_size=int(analysis.embedding_batch_size),
        device=getattr(analysis, "embedding_device", None),
        path=str(local) if local is not None else None,
        precision=analysis.embedding_precision,
    )
    return CachedEncoder(model, cache_root(config), progress=progress)


def local_model_folder(config: StudyConfig) -> Path | None:
    """The folder ``analysis.embedding_model`` names, resolved against the project root, if it exists.

    None for the default model (shipped by a package) and for a name that is no
    folder of the project (a model in the Hugging Face cache).
    """
    name = config.analysis.embedding_model
    if name in _DEFAULT_ALIASES:
        return None
    local = config.resolve(Path(name))
    return local if local.exists() else None


def model_location(config: StudyConfig) -> str:
    """Where the study's embedding model is loaded from: a folder, or a name in the Hugging Face cache."""
    local = local_model_folder(config)
    return str(local) if local is not None else resolve_model_path(config.analysis.embedding_model)


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
