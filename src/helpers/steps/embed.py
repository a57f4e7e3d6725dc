"""The embed step: every text the classification and the topic model of a study need, encoded once.

It sits above the encoder library (:mod:`helpers.embeddings`) and the two
steps whose texts it gathers (:mod:`helpers.classify.study`,
:mod:`helpers.topics`), so that the library never reaches up to its users.
"""

from __future__ import annotations

import logging
import time

from helpers.classify.study import texts_to_embed
from helpers.config import StudyConfig
from helpers.embeddings import Encoder, cache_root, embedding_text, forget_texts, study_encoder
from helpers.schema import read_table, table_path
from helpers.steps.base import Erased, Forgotten, Step
from helpers.topics import params_from_config, topic_documents

logger = logging.getLogger(__name__)

BFLOAT16_HINT_FROM = 5_000
"""New texts from which :func:`embed_study` mentions bfloat16 where the device has its instructions."""


def embed_study(config: StudyConfig, *, progress: bool = True, encoder: Encoder | None = None) -> int:
    """Embed, once, every text the classification and the topic model of a study need.

    Both steps then find their vectors in the cache.  Doing it as one step
    gives one progress bar, one batch stream through the model, and a stage
    that benchmarks can time on its own.

    Parameters
    ----------
    config : StudyConfig
    progress : bool
    encoder : Encoder, optional
        Instead of the configured model (tests, other backends).

    Returns
    -------
    int
        Number of distinct texts the study needs (cached or new).
    """
    texts = study_texts(config, encoder=encoder)
    cached = study_encoder(config, progress=progress, encoder=encoder)
    started = time.perf_counter()
    encoded = cached.fill(texts)  # no vectors kept in memory
    if encoded >= BFLOAT16_HINT_FROM and cached.encoder.could_use_bfloat16():
        logger.info(
            "Embedded %d texts in %.0f s in float32. This machine has bfloat16 instructions: with "
            "analysis.embedding_precision: bfloat16 a first run embeds about twice as fast (topics as "
            "good, but not the same post for post; see docs/topics.md).",
            encoded, time.perf_counter() - started,
        )
    return len(texts)


def study_texts(config: StudyConfig, *, encoder: Encoder | None = None) -> list[str]:
    """The distinct embedding texts the classifier and the topic model of a study need, sorted."""
    posts = read_table("posts", table_path(config.processed_path, "posts"))
    texts = set(texts_to_embed(config, posts, encoder=encoder))
    texts.update(topic_documents(posts, params_from_config(config).min_words)["doc"])
    return sorted(texts)


def run(config: StudyConfig) -> None:
    """Embed the texts the study needs that the cache does not hold yet."""
    embed_study(config, progress=False)


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Drop the cached vectors of the person's posts, from every model's cache of the study.

    The cache holds no text, but a vector derives from a post and goes with it.
    Both the posts' texts and their embedding texts (what the classifier and
    the topic model encode) are looked up.
    """
    texts = {*erased.texts, *(embedding_text(text) for text in erased.texts)}
    removed = forget_texts(config, sorted(texts))
    return {cache_root(config): removed} if removed else {}


STEP = Step(
    name="embed",
    purpose="every text the classifier and the topic model need, encoded once into the study's cache",
    reads=("posts.parquet",),
    writes=("embeddings/**",),
    run=run,
    forget=forget,
)
