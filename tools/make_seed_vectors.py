"""Write the default model's vectors of the packaged seed posts as a cache shard of the package.

A study's embedding cache starts with this shard (``helpers.embeddings.PACKAGED_SHARDS``),
so a first run does not encode the knowledge classifier's seed posts again.  Run it after
changing ``src/helpers/resources/knowledge_seed.csv`` or ``health_seed.csv`` (a test fails until
then):

    .venv/bin/python tools/make_seed_vectors.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from helpers.classify.health import load_health_seed
from helpers.classify.knowledge import load_seed
from helpers.embeddings import (
    DEFAULT_MODEL,
    PACKAGED_SHARDS,
    SHARD_SUFFIX,
    EmbeddingCache,
    SentenceTransformerEncoder,
    embedding_text,
    model_folder_name,
    text_keys,
)

SHARD_NAME = f"knowledge-seed{SHARD_SUFFIX}"


def main() -> Path:
    """Encode the packaged seed posts with the default model and save them as one shard."""
    encoder = SentenceTransformerEncoder(DEFAULT_MODEL)
    posts = [*load_seed()["text"], *load_health_seed()["text"]]
    texts = sorted({embedding_text(text) for text in posts})
    vectors = encoder.encode(texts)
    with tempfile.TemporaryDirectory() as scratch:
        cache = EmbeddingCache(Path(scratch), encoder.model_id)
        written = cache.add(text_keys(encoder.model_id, texts), vectors)
        assert written is not None
        shard = np.load(written, allow_pickle=False)
    folder = PACKAGED_SHARDS / model_folder_name(encoder.model_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SHARD_NAME
    np.save(target, shard, allow_pickle=False)
    print(f"{len(shard)} seed vectors of {encoder.model_id} written to {target}")
    return target


if __name__ == "__main__":
    main()
