"""The embedding cache: content-addressed, reused across runs, safe for concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers.embeddings import (
    DEFAULT_MODEL_ID,
    PACKAGED_SHARDS,
    CachedEncoder,
    EmbeddingCache,
    EmbeddingModelError,
    Encoder,
    SentenceTransformerEncoder,
    embedding_text,
    forget_texts,
    is_multilingual,
    model_folder_name,
    resolve_model_path,
    study_encoder,
    text_keys,
)

ROOT = Path(__file__).resolve().parents[2]


def fake_vector(text: str, dim: int = 8) -> np.ndarray:
    """A deterministic vector derived from the text alone."""
    seed = int.from_bytes(text.encode("utf-8")[:8].ljust(8, b"\0"), "little") ^ len(text)
    return np.random.default_rng(seed).normal(size=dim).astype(np.float32)


class CountingEncoder(Encoder):
    """Counts every text it is asked to encode (a stub standing in for the model)."""

    model_id = "test/counting"

    def __init__(self, fail_after_calls: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_after_calls = fail_after_calls

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after_calls is not None and len(self.calls) >= self.fail_after_calls:
            raise RuntimeError("simulated crash")
        self.calls.append(list(texts))
        return np.vstack([fake_vector(t) for t in texts]) if texts else np.zeros((0, 8), np.float32)

    @property
    def encoded(self) -> list[str]:
        return [t for call in self.calls for t in call]


def texts(n: int, prefix: str = "post") -> list[str]:
    return [f"{prefix} number {i} about fatigue and school" for i in range(n)]


def test_keys_depend_on_model_and_text() -> None:
    a, b = text_keys("model-a", ["x", "y"]), text_keys("model-b", ["x"])
    assert a.dtype == np.dtype("S32")
    assert a[0] != a[1]
    assert a[0] != b[0]
    assert text_keys("model-a", ["x"])[0] == a[0]


def test_rerun_is_served_from_the_cache_without_calling_the_model(tmp_path: Path) -> None:
    corpus = [*texts(30), "post number 3 about fatigue and school"]  # one duplicate
    first = CountingEncoder()
    vectors = CachedEncoder(first, tmp_path, progress=False).encode(corpus)
    assert sorted(first.encoded) == sorted(set(corpus))  # each distinct text once
    assert vectors.shape == (31, 8)
    np.testing.assert_array_equal(vectors[3], vectors[30])
    np.testing.assert_array_equal(vectors[5], fake_vector(corpus[5]))

    rerun = CountingEncoder()
    again = CachedEncoder(rerun, tmp_path, progress=False).encode(corpus)
    assert rerun.calls == []
    np.testing.assert_array_equal(again, vectors)


def test_only_texts_not_yet_cached_reach_the_model(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path, progress=False).encode(texts(10))
    second = CountingEncoder()
    corpus = [*texts(10), "a new post", "another new one"]
    out = CachedEncoder(second, tmp_path, progress=False).encode(corpus)
    assert sorted(second.encoded) == ["a new post", "another new one"]
    np.testing.assert_array_equal(out[10], fake_vector("a new post"))


def test_fill_encodes_only_what_is_missing_in_one_stream(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path, progress=False).encode(texts(10))
    model = CountingEncoder()
    encoder = CachedEncoder(model, tmp_path, chunk_size=100, progress=False)
    corpus = [*texts(10), "a new post", "another new one", "a new post"]
    assert encoder.fill(corpus) == 2
    assert model.calls == [["a new post", "another new one"]]  # one call, each new text once
    assert encoder.fill(corpus) == 0 and len(model.calls) == 1
    # Read back in parts afterwards, every part comes from the cache.
    parts = [encoder.encode(corpus[:6]), encoder.encode(corpus[6:])]
    assert len(model.calls) == 1
    np.testing.assert_array_equal(np.vstack(parts)[10], fake_vector("a new post"))
    found, vectors = encoder.cache.lookup(text_keys(model.model_id, corpus), with_vectors=False)
    assert found.all() and vectors is None


def test_an_interrupted_run_keeps_every_finished_chunk(tmp_path: Path) -> None:
    corpus = texts(20)
    crashing = CachedEncoder(CountingEncoder(fail_after_calls=3), tmp_path, chunk_size=4, progress=False)
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashing.encode(corpus)
    resumed = CountingEncoder()
    vectors = CachedEncoder(resumed, tmp_path, chunk_size=4, progress=False).encode(corpus)
    assert len(resumed.encoded) == 20 - 3 * 4  # three chunks of four were saved before the crash
    np.testing.assert_array_equal(vectors, np.vstack([fake_vector(t) for t in corpus]))


def test_the_model_sees_texts_in_the_order_of_the_encoders_lengths(tmp_path: Path) -> None:
    class LengthByLastWord(CountingEncoder):
        def text_lengths(self, texts: Sequence[str]) -> np.ndarray:
            return np.array([int(text.split()[-1]) for text in texts])

    posts = ["a 3", "bb 1", "ccc 4", "dddd 0", "e 2"]
    cached = CachedEncoder(LengthByLastWord(), tmp_path, chunk_size=2, progress=False)
    vectors = cached.encode(posts)
    assert cached.encoder.calls == [["dddd 0", "bb 1"], ["e 2", "a 3"], ["ccc 4"]]
    assert np.array_equal(vectors, np.vstack([fake_vector(post) for post in posts]))


def test_on_a_cluster_each_chunk_is_encoded_and_cached_by_a_worker_as_in_one_process(tmp_path: Path) -> None:
    """The workers get the chunks one process would encode (same batches, so the same vectors)."""
    from concurrent.futures import ThreadPoolExecutor

    from helpers.processes import ClusterPool, on_cluster

    class LengthByLastWord(CountingEncoder):
        def text_lengths(self, texts: Sequence[str]) -> np.ndarray:
            return np.array([int(text.split()[-1]) for text in texts])

    posts = ["a 3", "bb 1", "ccc 4", "dddd 0", "e 2"]
    alone = CachedEncoder(LengthByLastWord(), tmp_path / "alone", chunk_size=2, progress=False)
    expected = alone.encode(posts)
    workers = CachedEncoder(LengthByLastWord(), tmp_path / "workers", chunk_size=2, progress=False)
    with ThreadPoolExecutor(2) as threads, on_cluster(ClusterPool(threads, slots=2)):
        vectors = workers.encode(posts)
        assert workers.fill([*posts, "f 5"]) == 1
    assert sorted(workers.encoder.calls) == sorted([*alone.encoder.calls, ["f 5"]])
    np.testing.assert_array_equal(vectors, expected)
    assert len(workers.cache._shard_paths()) == 4, "each worker wrote its chunk's shard"


def test_the_default_length_of_a_text_is_its_characters() -> None:
    assert CountingEncoder().text_lengths(["abc", "", "a b"]).tolist() == [3, 0, 3]


def test_a_sentence_transformer_counts_the_tokens_its_model_reads() -> None:
    encoder = SentenceTransformerEncoder()
    tokenizer = encoder.model.tokenizer
    link = "https://t.co/x9Zq7Wb2Lk"
    word = "understanding everything"
    long_post = "fatigue " * 400
    lengths = encoder.text_lengths([link, word, long_post, ""])
    assert lengths[0] > lengths[1] and len(link) < len(word), "more tokens in fewer characters"
    assert lengths[:2].tolist() == [len(tokenizer(text)["input_ids"]) for text in (link, word)]
    assert lengths[2] == encoder.model.max_seq_length, "a long post counts as far as the model reads"
    assert lengths[3] == 2, "an empty post is its two special tokens"


class RecordingModel:
    """Stands in for a loaded sentence-transformers model and records each call of ``encode``."""

    device = SimpleNamespace(type="cpu")

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        self.calls.append(list(texts))
        return np.vstack([fake_vector(text) for text in texts])


def test_sorted_texts_reach_the_model_in_their_order_one_batch_per_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model = RecordingModel()
    monkeypatch.setattr(SentenceTransformerEncoder, "model", property(lambda self: model))
    encoder = SentenceTransformerEncoder(batch_size=2)
    posts = ["e", "dd", "a", "ccc", "b"]
    vectors = encoder.encode_sorted(posts)
    assert model.calls == [["e", "dd"], ["a", "ccc"], ["b"]]
    assert np.array_equal(vectors, np.vstack([fake_vector(post) for post in posts]))
    model.calls.clear()
    assert np.array_equal(encoder.encode(posts), vectors)
    assert model.calls == [posts], "unsorted texts go to the model in one call, which orders them"


def test_sorted_encoding_gives_the_models_vectors() -> None:
    encoder = SentenceTransformerEncoder(batch_size=4)
    posts = ["a post about SMA", "https://t.co/x9Zq7Wb2Lk", "fatigue " * 40, "", "school and fatigue"] * 2
    order = np.argsort(encoder.text_lengths(posts), kind="stable")
    ordered = [posts[i] for i in order]
    assert np.allclose(encoder.encode_sorted(ordered), encoder.encode(ordered), atol=1e-5)
    assert encoder.encode_sorted([]).shape == (0, 384)


def test_the_model_id_separates_caches(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path, progress=False).encode(texts(3))

    class OtherModel(CountingEncoder):
        model_id = "test/other"

    other = OtherModel()
    CachedEncoder(other, tmp_path, progress=False).encode(texts(3))
    assert len(other.encoded) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [model_folder_name("test/counting"), model_folder_name("test/other")]
    )


def test_the_cache_stores_no_text(tmp_path: Path) -> None:
    secret = "my daughter Sofia had her first seizure today"
    CachedEncoder(CountingEncoder(), tmp_path, progress=False).encode([secret])
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"Sofia" not in path.read_bytes()


def test_compaction_merges_shards_and_keeps_every_vector(tmp_path: Path) -> None:
    encoder = CachedEncoder(CountingEncoder(), tmp_path, chunk_size=5, progress=False)
    vectors = encoder.encode(texts(23))
    assert len(encoder.cache._shard_paths()) == 5
    assert encoder.cache.compact() == 5
    assert len(encoder.cache._shard_paths()) == 1
    assert len(encoder.cache) == 23
    again = CountingEncoder()
    np.testing.assert_array_equal(CachedEncoder(again, tmp_path, progress=False).encode(texts(23)), vectors)
    assert again.calls == []


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.integration.test_embeddings import CountingEncoder, texts
    from helpers.embeddings import CachedEncoder

    class SlowEncoder(CountingEncoder):
        def encode(self, batch):
            time.sleep(0.003)  # long enough for the two writers to interleave
            return super().encode(batch)

    root, start = Path(sys.argv[1]), int(sys.argv[2])
    (root.parent / f"ready-{{start}}").touch()
    while not (root.parent / "go").exists():  # both workers start writing together
        time.sleep(0.01)
    corpus = [t for i, t in enumerate(texts(400)) if i >= start]
    encoder = CachedEncoder(SlowEncoder(), root, chunk_size=7, progress=False)
    for step in range(0, len(corpus), 50):
        encoder.encode(corpus[step:step + 50])
        if step % 100 == 0:
            encoder.cache.compact()
    """
)


def test_two_processes_writing_at_once_never_corrupt_the_cache(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    root = tmp_path / "cache"
    workers = [subprocess.Popen([sys.executable, str(script), str(root), str(start)]) for start in (0, 150)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{start}").exists() for start in (0, 150)):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.02)
    (tmp_path / "go").touch()
    assert [w.wait(timeout=120) for w in workers] == [0, 0]

    folder = root / model_folder_name(CountingEncoder.model_id)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left
    check = CountingEncoder(fail_after_calls=0)  # any model call would raise
    vectors = CachedEncoder(check, root, progress=False).encode(texts(400))
    np.testing.assert_array_equal(vectors, np.vstack([fake_vector(t) for t in texts(400)]))
    assert len(EmbeddingCache(folder, CountingEncoder.model_id)) == 400


def test_forget_texts_removes_their_vectors(tmp_path: Path, write_study_config: Path) -> None:
    from helpers.config import load_config

    config = load_config(write_study_config)
    corpus = texts(6)
    study_encoder(config, encoder=CountingEncoder(), progress=False).encode(corpus)
    assert forget_texts(config, corpus[:2]) == 2
    rerun = CountingEncoder()
    study_encoder(config, encoder=rerun, progress=False).encode(corpus)
    assert sorted(rerun.encoded) == sorted(corpus[:2])


@pytest.fixture
def write_study_config(tmp_path: Path) -> Path:
    from tests.builders import organisation, write_study

    return write_study(tmp_path, [organisation("org-a", [])])


def test_default_model_comes_from_the_installed_package() -> None:
    path = Path(resolve_model_path("all-MiniLM-L6-v2"))
    assert path.is_dir() and (path / "config.json").exists()
    assert resolve_model_path("sentence-transformers/all-MiniLM-L6-v2") == str(path)
    assert SentenceTransformerEncoder().model_id == DEFAULT_MODEL_ID
    assert resolve_model_path("some-org/some-model") == "some-org/some-model"


class NoModel(Encoder):
    """The default model's id, but never a model: any encoding fails the test."""

    model_id = DEFAULT_MODEL_ID

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise AssertionError(f"{len(texts)} texts reached the model")


def _seed_texts() -> list[str]:
    """The packaged seed posts of both classifiers (knowledge types and health relevance)."""
    from helpers.classify.health import load_health_seed
    from helpers.classify.knowledge import load_seed

    return sorted({embedding_text(text) for text in [*load_seed()["text"], *load_health_seed()["text"]]})


def test_a_new_cache_of_the_default_model_already_holds_every_packaged_seed_post(tmp_path: Path) -> None:
    seeds = _seed_texts()
    vectors = CachedEncoder(NoModel(), tmp_path, progress=False).encode(seeds)
    assert vectors.shape == (len(seeds), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    counting = CachedEncoder(CountingEncoder(), tmp_path, progress=False)
    counting.encode(seeds[:3])
    assert counting.encoder.encoded == seeds[:3], "another model's cache starts empty"


def test_a_cache_that_exists_gets_no_packaged_shards_again(tmp_path: Path) -> None:
    cache = EmbeddingCache.for_model(tmp_path, DEFAULT_MODEL_ID)
    assert len(cache) >= 465
    cache.remove(text_keys(DEFAULT_MODEL_ID, _seed_texts()))  # e.g. emptied by hand
    assert len(EmbeddingCache.for_model(tmp_path, DEFAULT_MODEL_ID)) == 0


def test_the_packaged_seed_vectors_are_the_default_models_own() -> None:
    seeds = _seed_texts()[::9]
    shard = np.load(next((PACKAGED_SHARDS / model_folder_name(DEFAULT_MODEL_ID)).glob("*.npy")))
    rows = np.searchsorted(shard["key"], text_keys(DEFAULT_MODEL_ID, seeds))
    packaged = shard["vector"][rows]
    computed = SentenceTransformerEncoder().encode(seeds)
    computed /= np.linalg.norm(computed, axis=1, keepdims=True)
    packaged = packaged / np.linalg.norm(packaged, axis=1, keepdims=True)
    assert np.min(np.sum(packaged * computed, axis=1)) > 0.9999


def test_a_model_that_is_not_available_offline_gives_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    with pytest.raises(EmbeddingModelError, match=r"analysis\.embedding_model"):
        SentenceTransformerEncoder(str(empty)).encode(["a post about SMA"])


def test_multilingual_model_names_are_recognised() -> None:
    assert not is_multilingual("all-MiniLM-L6-v2")
    assert is_multilingual("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
    assert is_multilingual("/models/LaBSE")


def test_a_local_model_folder_is_found_from_the_project_root(tmp_path: Path) -> None:
    from helpers.config import load_config
    from tests.builders import organisation, write_study

    path = write_study(tmp_path, [organisation("org-a", [])],
                       analysis={"embedding_model": "models/multilingual-minilm"})
    (tmp_path / "models" / "multilingual-minilm").mkdir(parents=True)
    encoder = study_encoder(load_config(path), progress=False)
    assert encoder.model_id == "models/multilingual-minilm"  # cache keys do not depend on the location
    assert encoder.encoder.path == str(tmp_path / "models" / "multilingual-minilm")


def test_bfloat16_precision_gives_vectors_close_to_float32_under_their_own_model_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")  # restored afterwards (encode sets it)
    texts = _seed_texts()[::12]
    full = SentenceTransformerEncoder().encode(texts)
    half = SentenceTransformerEncoder(precision="bfloat16")
    reduced = half.encode(texts)
    assert reduced.dtype == np.float32 and reduced.shape == full.shape
    assert not np.array_equal(reduced, full), "the products did not run in bfloat16"
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    assert np.min(np.sum(full * reduced, axis=1)) > 0.999
    assert half.model_id == f"{DEFAULT_MODEL_ID}@bfloat16"
    packaged = EmbeddingCache.for_model(tmp_path, half.model_id)
    assert len(packaged) == 0, "the packaged float32 vectors stay out"


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="precision"):
        SentenceTransformerEncoder(precision="int8")


def test_the_study_file_sets_the_precision(tmp_path: Path) -> None:
    from helpers.config import ConfigError, load_config
    from tests.builders import organisation, write_study

    path = write_study(tmp_path, [organisation("org-a", [])], analysis={"embedding_precision": "bfloat16"})
    encoder = study_encoder(load_config(path), progress=False)
    assert encoder.encoder.precision == "bfloat16"
    assert encoder.model_id == f"{DEFAULT_MODEL_ID}@bfloat16"
    default = write_study(tmp_path / "default", [organisation("org-a", [])])
    assert study_encoder(load_config(default), progress=False).model_id == DEFAULT_MODEL_ID
    wrong = write_study(tmp_path / "wrong", [organisation("org-a", [])],
                        analysis={"embedding_precision": "fp8"})
    with pytest.raises(ConfigError, match=r"embedding_precision: Input should be 'float32' or 'bfloat16'"):
        load_config(wrong)


def test_bfloat16_on_a_device_without_its_instructions_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from helpers.embeddings import sentence_transformer

    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")
    monkeypatch.setattr(sentence_transformer, "has_native_bfloat16", lambda device_type: False)
    sentence_transformer._warn_once_without_native_bfloat16.cache_clear()
    try:
        encoder = SentenceTransformerEncoder(precision="bfloat16")
        with caplog.at_level("WARNING", logger="helpers.embeddings"):
            encoder.encode(["a post about SMA"])
            encoder.encode(["another post"])
        warnings = [r for r in caplog.records if "bfloat16 instructions" in r.getMessage()]
        assert len(warnings) == 1
    finally:
        sentence_transformer._warn_once_without_native_bfloat16.cache_clear()


def test_bfloat16_limits_onednns_kernel_cache_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.embeddings import ONEDNN_PRIMITIVE_CACHE_CAPACITY

    encoder = SentenceTransformerEncoder(precision="bfloat16")
    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")
    encoder.encode(["a post about SMA"])
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "64"
    monkeypatch.delenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY")
    SentenceTransformerEncoder().encode(["a post about SMA"])
    assert "ONEDNN_PRIMITIVE_CACHE_CAPACITY" not in os.environ, "float32 leaves oneDNN alone"
    encoder.encode(["a post about SMA"])
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == str(ONEDNN_PRIMITIVE_CACHE_CAPACITY)


def test_only_float32_on_a_bfloat16_device_could_use_bfloat16(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.embeddings import sentence_transformer

    monkeypatch.setattr(sentence_transformer, "has_native_bfloat16", lambda device_type: device_type == "cpu")
    assert SentenceTransformerEncoder(device="cpu").could_use_bfloat16()
    assert not SentenceTransformerEncoder(device="cpu", precision="bfloat16").could_use_bfloat16()
    monkeypatch.setattr(sentence_transformer, "has_native_bfloat16", lambda device_type: False)
    assert not SentenceTransformerEncoder(device="cpu").could_use_bfloat16()
