"""Stand-ins shared by the tests: one fake embedding model.

The sentence model takes seconds to load and minutes to encode; the tests
need vectors with some structure (posts that share words are similar), not
the model's meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from helpers.embeddings import Encoder


class HashingEncoder(Encoder):
    """A fast, deterministic stand-in for the sentence model: hashed word n-grams, normalised.

    Posts that share words get similar vectors, which is enough structure for
    the classifier and the topic model; every call is counted
    (``texts_encoded``), so a test can check what came from the cache.
    """

    model_id = "test/hashing-256"

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.vectorizer = HashingVectorizer(n_features=255, ngram_range=(1, 2), alternate_sign=False,
                                            stop_words="english", norm="l2")
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        hashed = self.vectorizer.transform(list(texts)).toarray()
        bias = np.full((len(texts), 1), 0.05)  # no all-zero vector for texts of stop words only
        return np.hstack([hashed, bias]).astype(np.float32)
