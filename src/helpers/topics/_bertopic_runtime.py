"""How the package talks to BERTopic: its embedder, its log lines, its progress bar.

:func:`_bertopic_backend` wraps an :class:`~helpers.embeddings.Encoder` as a
BERTopic embedder; :func:`_quiet_bertopic` silences BERTopic's advisory log
lines and UMAP's and numba's warnings during a call; :func:`_no_tqdm` hides
the progress bar of ``hierarchical_topics`` by replacing BERTopic's ``tqdm``
for the call.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from helpers.embeddings import Encoder


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
            # importing BERTopic in a kernel without ipywidgets: tqdm's notebook bar is not used anyway
            warnings.filterwarnings("ignore", message=".*IProgress not found.*")
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
