"""Classify a whole study: modes and knowledge types of every post, written as validated parquet.

:func:`classify_study` reads the canonical tables, derives the communication
mode of every thread and post (:mod:`.modes`), the knowledge type of every
post (:mod:`.knowledge`), validates both tables against the schemas below and
writes them atomically into the study's processed folder:

``post_classes.parquet``
    One row per post: ``post_id``, ``platform``, ``thread_id`` (the mode
    thread), ``mode``, ``mode_act``, ``mode_one_way``, ``mode_two_way``,
    ``mode_crowd_sourced``, ``knowledge_lang``, ``knowledge_type``, one
    ``knowledge_<class>`` score per class, ``knowledge_method``,
    ``narrative_person`` and one ``sig_<signal>`` count per signal.
``thread_modes.parquet``
    One row per thread (see :func:`helpers.classify.modes.classify_modes`).
``classify_manifest.json``
    Input hashes, the embedding model, the weights and the seed-set
    cross-validation, for provenance.

The run is skipped when nothing it depends on changed (the tables, the seed
set, the lexicon, the model, the study seed); a lock file makes parallel batch
workers wait for the first one instead of classifying the same study at once.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.parquet as pq

from helpers import __version__
from helpers.classify.health import health_seed_digest, load_health_seed, training_posts
from helpers.classify.knowledge import (
    DEFAULT_EMBEDDING_WEIGHT,
    KNOWLEDGE_TYPES,
    KnowledgeClassifier,
    Lexicon,
    load_lexicon,
    load_seed,
    text_signals,
    train_knowledge_classifier,
)
from helpers.classify.modes import EDGE_COUNTS, MODE_RULES, MODES, PAGE_PLATFORMS, classify_modes
from helpers.classify.seed import seed_digest
from helpers.config import StudyConfig
from helpers.embeddings import CachedEncoder, embedding_text, study_encoder
from helpers.locks import exclusive_lock
from helpers.processes import cluster_pool, parallel_parts
from helpers.schema import (
    PLATFORMS,
    POSTS,
    UTC_TIME,
    read_table,
    require_ingested,
    schema_part,
    table_path,
    write_parquet_atomic,
)
from helpers.store import read_json_marker, write_json_atomic
from helpers.store.keys import file_sha256, json_sha256
from helpers.store.memo import FileMemo

logger = logging.getLogger(__name__)

# Bump when the outputs change for the same inputs, so cached results are rebuilt.
CLASSIFY_VERSION = "3"  # 2: embeds embedding_text(), the form topics use; 3: health relevance
POST_CLASSES_FILE = "post_classes.parquet"
THREAD_MODES_FILE = "thread_modes.parquet"
MANIFEST = "classify_manifest.json"
LOCK = ".classify.lock"
KNOWLEDGE_METHODS = ("combined", "lexicon", "embedding", "unsupported", "empty")
UNSUPPORTED_METHODS = ("unsupported", "empty")
"""Knowledge methods whose labels mean nothing: no classifier covers the language, or no text."""
PERSONS = ("first", "third", "none")
KNOWLEDGE_CHUNK = 20_000  # posts whose embeddings are in memory at once (about 29 MiB at 384 dimensions)
SIGNALS_PART = 5_000  # fewest posts worth a helper process (fewer count faster than one starts)


def _score(name: str) -> pa.Column:
    return pa.Column(float, checks=[pa.Check.ge(0), pa.Check.le(1)], name=name)


def _sums_to_one(columns: list[str]):
    return pa.Check(
        lambda df: np.allclose(df[columns].sum(axis=1), 1.0, atol=1e-6),
        error=f"{', '.join(columns)} must sum to 1",
    )


_MODE_SCORES = [f"mode_{m}" for m in MODES]
_KNOWLEDGE_SCORES = [f"knowledge_{k}" for k in KNOWLEDGE_TYPES]

POST_CLASSES = pa.DataFrameSchema(
    {
        "post_id": pa.Column(str, unique=True),
        "platform": pa.Column(str, checks=pa.Check.isin(PLATFORMS)),
        "thread_id": pa.Column(str),
        "mode": pa.Column(str, checks=pa.Check.isin(MODES)),
        "mode_act": pa.Column(str, checks=pa.Check.isin(MODES)),
        **{name: _score(name) for name in _MODE_SCORES},
        "knowledge_lang": pa.Column(str, nullable=True),
        "knowledge_type": pa.Column(str, checks=pa.Check.isin(KNOWLEDGE_TYPES)),
        **{name: _score(name) for name in _KNOWLEDGE_SCORES},
        "knowledge_method": pa.Column(str, checks=pa.Check.isin(KNOWLEDGE_METHODS)),
        "health_score": pa.Column(float, checks=[pa.Check.ge(0), pa.Check.le(1)]),
        "health": pa.Column(bool),
        "narrative_person": pa.Column(str, checks=pa.Check.isin(PERSONS)),
        r"^sig_\w+$": pa.Column("int64", checks=pa.Check.ge(0), regex=True),
    },
    checks=[_sums_to_one(_MODE_SCORES), _sums_to_one(_KNOWLEDGE_SCORES)],
    strict=True,
    name="post_classes",
)

THREAD_MODES = pa.DataFrameSchema(
    {
        "platform": pa.Column(str, checks=pa.Check.isin(PLATFORMS)),
        "thread_id": pa.Column(str),
        "org_id": pa.Column(str),
        "started_at": pa.Column(UTC_TIME, coerce=True),
        "ended_at": pa.Column(UTC_TIME, coerce=True),
        **{
            name: pa.Column("int64", checks=pa.Check.ge(0), coerce=True)
            for name in (
                "n_posts",
                "n_org_posts",
                "n_public_posts",
                "n_public_authors",
                "n_shares",
                *EDGE_COUNTS,
                "story_calls",
            )
        },
        "missing_parent": pa.Column(bool),
        "rule": pa.Column(str, checks=pa.Check.isin([name for name, _, _ in MODE_RULES])),
        "mode": pa.Column(str, checks=pa.Check.isin(MODES)),
        **{name: _score(name) for name in _MODE_SCORES},
    },
    checks=[
        _sums_to_one(_MODE_SCORES),
        pa.Check(lambda df: (df["n_posts"] >= 1).all(), error="a thread has at least one post"),
    ],
    strict=True,
    ordered=True,
    unique=["platform", "thread_id"],
    name="thread_modes",
)


@dataclass
class ClassifyResult:
    """What :func:`classify_study` produced."""

    post_classes: Path
    thread_modes: Path
    counts: dict[str, int]
    from_cache: bool
    seconds: float
    manifest: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Rows written per output, as a small table."""
        return pd.DataFrame([{"output": k, "rows": v} for k, v in self.counts.items()])


# --------------------------------------------------------------------------- settings


def seed_path(config: StudyConfig) -> Path | None:
    """The seed set of the study: ``analysis.knowledge_seed_file`` or the packaged one."""
    value = getattr(config.analysis, "knowledge_seed_file", None)
    return config.resolve(Path(value)) if value else None


def health_seed_path(config: StudyConfig) -> Path | None:
    """The health seed set of the study: ``analysis.health_seed_file`` or the packaged one."""
    value = getattr(config.analysis, "health_seed_file", None)
    return config.resolve(Path(value)) if value else None


def lexicon_path(config: StudyConfig) -> Path | None:
    """The lexicon of the study: ``analysis.knowledge_lexicon_file`` or the packaged one."""
    value = getattr(config.analysis, "knowledge_lexicon_file", None)
    return config.resolve(Path(value)) if value else None


def embedding_weight(config: StudyConfig) -> float:
    """``analysis.knowledge_embedding_weight`` (default 0.5)."""
    return float(getattr(config.analysis, "knowledge_embedding_weight", DEFAULT_EMBEDDING_WEIGHT))


def page_platforms(config: StudyConfig) -> tuple[str, ...]:
    """``analysis.page_platforms``: platforms whose exports hold page posts only (default Facebook)."""
    return tuple(getattr(config.analysis, "page_platforms", PAGE_PLATFORMS))


def post_languages(posts: pd.DataFrame, config: StudyConfig) -> pd.Series:
    """Language of each post: its own, else its organisation's (from the study config)."""
    org_lang = {org.id: org.language for org in config.organisations}
    fallback = posts["org_id"].map(org_lang)
    return posts["lang"].where(posts["lang"].notna(), fallback).rename("knowledge_lang")


# --------------------------------------------------------------------------- classifier


_CLASSIFIERS: dict[tuple, KnowledgeClassifier] = {}


def knowledge_classifier(config: StudyConfig, *, encoder=None, progress: bool = True) -> KnowledgeClassifier:
    """The study's trained knowledge-type classifier (trained once per process and settings).

    Parameters
    ----------
    config : StudyConfig
    encoder : helpers.embeddings.Encoder, optional
        Instead of the configured embedding model (tests, other backends).
    progress : bool
    """
    cached_encoder = study_encoder(config, progress=progress, encoder=encoder)
    seed_file, lexicon_file, health_file = seed_path(config), lexicon_path(config), health_seed_path(config)
    key = (
        cached_encoder.model_id,
        seed_digest(seed_file) + health_seed_digest(health_file),
        load_lexicon(lexicon_file).digest,
        config.seed,
        embedding_weight(config),
    )
    if key not in _CLASSIFIERS:
        seed = training_posts(load_seed(seed_file), load_health_seed(health_file))
        vectors = cached_encoder.encode([embedding_text(text) for text in seed["text"]])
        _CLASSIFIERS[key] = train_knowledge_classifier(
            seed,
            vectors,
            model_id=cached_encoder.model_id,
            lexicon=load_lexicon(lexicon_file),
            random_state=config.seed,
            seed_digest=key[1],
            embedding_weight=key[4],
        )
    return _CLASSIFIERS[key]


def texts_to_embed(config: StudyConfig, posts: pd.DataFrame, *, encoder=None) -> list[str]:
    """The embedding texts (:func:`~helpers.embeddings.embedding_text`) the classifier needs of ``posts``.

    Only posts in a language the embedding part of the classifier takes part in.
    """
    classifier = knowledge_classifier(config, encoder=encoder, progress=False)
    need = classifier.needs_embedding(post_languages(posts, config).tolist())
    return [embedding_text(text) for text, used in zip(posts["text"].tolist(), need, strict=True) if used]


# --------------------------------------------------------------------------- the study


def classify_study(
    config: StudyConfig,
    *,
    force: bool = False,
    progress: bool = True,
    encoder=None,
    processes: int | None = None,
) -> ClassifyResult:
    """Classify every post and thread of the study and write the results.

    Parameters
    ----------
    config : StudyConfig
    force : bool
        Classify again even when nothing changed.
    progress : bool
        Show progress bars (embedding).
    encoder : helpers.embeddings.Encoder, optional
        Instead of the configured embedding model.
    processes : int, optional
        At most this many processes count the lexicon's signals (default: one
        per usable CPU; 1: this process alone, e.g. beside other work).

    Returns
    -------
    ClassifyResult

    Raises
    ------
    NotIngestedError
        When the study has not been ingested yet (a ``FileNotFoundError``).
    """
    started = time.perf_counter()
    out_dir = config.processed_path
    require_ingested(out_dir)
    inputs = {name: table_path(out_dir, name) for name in ("posts", "interactions", "accounts")}
    paths = {"post_classes": out_dir / POST_CLASSES_FILE, "thread_modes": out_dir / THREAD_MODES_FILE}
    with exclusive_lock(out_dir / LOCK, "the classification"):
        model_id = study_encoder(config, progress=False, encoder=encoder).model_id
        run_key = _run_key(config, inputs, model_id)
        manifest = _read_manifest(out_dir)
        if not force and manifest.get("run_key") == run_key and all(p.exists() for p in paths.values()):
            logger.info("Classification is up to date (inputs unchanged).")
            return ClassifyResult(
                paths["post_classes"],
                paths["thread_modes"],
                manifest.get("counts", {}),
                True,
                time.perf_counter() - started,
                manifest,
            )

        posts = read_table("posts", inputs["posts"])
        interactions = read_table("interactions", inputs["interactions"])
        accounts = read_table("accounts", inputs["accounts"])
        classifier = knowledge_classifier(config, encoder=encoder, progress=progress)
        langs = post_languages(posts, config)
        logger.info("Knowledge types of %d posts", len(posts))
        knowledge = _predict_knowledge(
            classifier,
            posts["text"].tolist(),
            langs.tolist(),
            posts["urls"].tolist(),
            study_encoder(config, progress=progress, encoder=encoder),
            processes=processes,
        )
        logger.info("Communication modes of %d posts", len(posts))
        story_calls = knowledge["sig_story_call"] > 0 if "sig_story_call" in knowledge else None
        post_modes, threads = classify_modes(
            posts, interactions, accounts, story_calls=story_calls, page_platforms=page_platforms(config)
        )
        classes = pd.concat(
            [
                post_modes.reset_index(drop=True),
                langs.reset_index(drop=True),
                knowledge.reset_index(drop=True),
            ],
            axis=1,
        )
        classes = POST_CLASSES.validate(_typed(classes, POST_CLASSES), lazy=True).sort_values(
            "post_id", ignore_index=True)
        threads = THREAD_MODES.validate(_typed(threads, THREAD_MODES), lazy=True)
        write_parquet_atomic(classes, paths["post_classes"])
        write_parquet_atomic(threads, paths["thread_modes"])
        counts = {"posts": len(classes), "threads": len(threads)}
        manifest = {
            "run_key": run_key,
            "version": CLASSIFY_VERSION,
            "package_version": __version__,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "embedding_model": model_id,
            "embedding_weights": classifier.weights,
            "seed_sha256": classifier.seed_digest,
            "lexicon_sha256": classifier.lexicon.digest,
            "seed_cross_validation": json.loads(classifier.cv.to_json(orient="records")),
            "knowledge_methods": classes["knowledge_method"].value_counts().to_dict(),
            "counts": counts,
        }
        _write_manifest(out_dir, manifest)
    seconds = time.perf_counter() - started
    logger.info("Classified %d posts in %d threads in %.1f s", counts["posts"], counts["threads"], seconds)
    return ClassifyResult(paths["post_classes"], paths["thread_modes"], counts, False, seconds, manifest)


def _predict_knowledge(
    classifier: KnowledgeClassifier,
    texts: list[str],
    langs: list[str | None],
    urls: list,
    encoder: CachedEncoder,
    processes: int | None = None,
) -> pd.DataFrame:
    """The knowledge classifier's output for every post, :data:`KNOWLEDGE_CHUNK` posts at a time.

    The signals are counted first, for all posts: that is most of the work, and
    the embeddings, the largest data of the step, are not in memory meanwhile.
    Texts the embedding cache lacks are then encoded in one pass, and the
    vectors are read back a chunk at a time, so that the step's memory does not
    grow with the study.  Every score depends on its own post only, so the
    chunks give the same result as one pass.
    """
    signals = count_signals(texts, langs, urls, classifier.lexicon, processes=processes)
    need = classifier.needs_embedding(langs)
    to_embed = [embedding_text(text) if used else "" for text, used in zip(texts, need, strict=True)]
    encoder.fill([text for text, used in zip(to_embed, need, strict=True) if used])
    parts = []
    for start in range(0, max(len(texts), 1), KNOWLEDGE_CHUNK):
        rows = slice(start, start + KNOWLEDGE_CHUNK)
        chunk_need = need[rows]
        vectors = np.zeros((len(chunk_need), classifier.dimension), dtype=np.float32)
        if chunk_need.any():
            vectors[chunk_need] = encoder.encode(
                [text for text, used in zip(to_embed[rows], chunk_need, strict=True) if used]
            )
        parts.append(classifier.predict(texts[rows], langs[rows], vectors, urls[rows],
                                        signals=signals.iloc[rows].reset_index(drop=True)))
    return pd.concat(parts, ignore_index=True)


def count_signals(
    texts: list[str], langs: list[str | None], urls: list, lexicon: Lexicon, *,
    smallest_part: int = SIGNALS_PART, processes: int | None = None,
) -> pd.DataFrame:
    """:func:`~helpers.classify.knowledge.text_signals` of every post, counted on every CPU.

    Counting the lexicon's patterns is most of the classification.  A post's signals
    depend on that post alone, so the posts are split into consecutive parts
    of at least ``smallest_part`` posts, one per CPU: this process counts the
    first, helper processes the others, and the parts are joined in order,
    which gives the same table as one pass.  ``processes`` caps the parts.
    On a Dask cluster (:func:`helpers.processes.cluster_pool`) the workers
    count every part, one per worker thread, whatever the number of posts
    (``smallest_part`` and ``processes`` do not apply).
    """
    cluster = cluster_pool()
    if cluster is not None:
        parts = max(1, min(cluster.slots, len(texts)))
    else:
        parts = parallel_parts(len(texts), smallest_part)
        if processes is not None:
            parts = min(parts, max(1, processes))
    if parts <= 1 and cluster is None:
        return text_signals(texts, langs, urls, lexicon)
    bounds = np.linspace(0, len(texts), parts + 1).astype(int)
    spans = [slice(start, end) for start, end in itertools.pairwise(bounds)]
    if cluster is not None:
        counted = [cluster.submit(text_signals, texts[span], langs[span], urls[span], lexicon)
                   for span in spans]
        return pd.concat([future.result() for future in counted], ignore_index=True)
    with ProcessPoolExecutor(max_workers=parts - 1, mp_context=get_context("spawn")) as pool:
        theirs = [pool.submit(text_signals, texts[span], langs[span], urls[span], lexicon)
                  for span in spans[1:]]
        mine = text_signals(texts[spans[0]], langs[spans[0]], urls[spans[0]], lexicon)
        return pd.concat([mine, *(future.result() for future in theirs)], ignore_index=True)


def ensure_classified(config: StudyConfig, *, progress: bool = True) -> ClassifyResult:
    """Classify the study unless its classification is up to date (what notebooks call)."""
    return classify_study(config, progress=progress)


# --------------------------------------------------------------------------- reading


# One of each: the reports ask for the same scope many times in a row, and at a million posts one
# organisation's classified posts take more than a GiB.  A few column selections are small.
_POST_CLASSES = FileMemo[pd.DataFrame](size=1)
_CLASSIFIED_POSTS = FileMemo[pd.DataFrame](size=1)
_CLASSIFIED_COLUMNS = FileMemo[pd.DataFrame](size=3)


def load_post_classes(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """The validated per-post classification, optionally of one organisation's posts.

    Read once per process, scope and version of the tables (a copy is returned).
    """
    files = classified_files(config)
    return _POST_CLASSES.get(files, org_id, lambda: _read_post_classes(config, org_id)).copy()


def _read_post_classes(config: StudyConfig, org_id: str | None,
                       columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The classes of the scope's posts (an organisation's read with a parquet filter on its post ids)."""
    filters = None
    if org_id is not None:
        mine = read_table("posts", table_path(config.processed_path, "posts"), org_id=org_id,
                          columns=["post_id"])
        filters = [("post_id", "in", mine["post_id"].tolist())] if len(mine) else None
    classes = pd.read_parquet(config.processed_path / POST_CLASSES_FILE,
                              columns=None if columns is None else list(columns), filters=filters)
    if org_id is not None and filters is None:
        classes = classes.iloc[:0]
    schema = POST_CLASSES if columns is None else schema_part(POST_CLASSES, columns)
    return schema.validate(classes.reset_index(drop=True))


def classified_files(config: StudyConfig) -> list[Path]:
    """The two tables a post's classification is read from: the posts and their classes."""
    return [table_path(config.processed_path, "posts"), config.processed_path / POST_CLASSES_FILE]


def known_knowledge_types(classes: pd.DataFrame) -> pd.Series:
    """The knowledge type of each post whose language a classifier covers (indexed like ``classes``).

    Posts in a language neither the lexicon nor the embedding model covers
    (``knowledge_method`` ``unsupported``), and posts without text, get a
    label from the classifier that means nothing; here they are missing.
    """
    return classes["knowledge_type"].where(~classes["knowledge_method"].isin(UNSUPPORTED_METHODS))


def load_thread_modes(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """The validated per-thread modes, optionally of one organisation."""
    threads = THREAD_MODES.validate(pd.read_parquet(config.processed_path / THREAD_MODES_FILE))
    return threads if org_id is None else threads[threads["org_id"] == org_id].reset_index(drop=True)


def load_classified_posts(config: StudyConfig, org_id: str | None = None,
                          columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Posts with their classification (posts columns, then the classification's).

    The reports ask for them once per headline figure: they are merged once
    per process, scope and version of the two tables (a copy is returned).
    An organisation's posts are read with a parquet filter, so that its
    report does not hold the other organisations' posts.

    Parameters
    ----------
    org_id : str, optional
        Only this organisation's posts.
    columns : sequence of str, optional
        Only these columns (with ``post_id``; the classification's
        ``thread_id`` is ``mode_thread_id``); one the classification does not
        hold (``health`` before it was added) is left out.  What reads every
        organisation's posts for a few figures asks for these, not for
        a million posts' texts.
    """
    files = classified_files(config)
    if columns is None:
        return _CLASSIFIED_POSTS.get(files, org_id, lambda: _merge_classified_posts(config, org_id)).copy()
    wanted = tuple(dict.fromkeys(["post_id", *columns]))
    return _CLASSIFIED_COLUMNS.get(files, (org_id, wanted),
                                   lambda: _merge_classified_posts(config, org_id, wanted)).copy()


def _merge_classified_posts(config: StudyConfig, org_id: str | None,
                            columns: Sequence[str] | None = None) -> pd.DataFrame:
    posts_columns = class_columns = None
    if columns is not None:
        posts_columns = [name for name in columns if name in POSTS.columns]
        held = set(pq.read_schema(config.processed_path / POST_CLASSES_FILE).names)
        class_columns = ["post_id", *(["thread_id"] if "mode_thread_id" in columns else []),
                         *(name for name in columns if name in held and name not in POSTS.columns)]
    posts = read_table("posts", table_path(config.processed_path, "posts"), org_id=org_id,
                       columns=posts_columns)
    classes = _read_post_classes(config, org_id, class_columns).drop(columns=["platform"], errors="ignore")
    classes = classes.rename(columns={"thread_id": "mode_thread_id"})
    return posts.merge(classes, on="post_id", how="inner", validate="one_to_one")


def read_manifest(config: StudyConfig) -> dict:
    """The classification manifest of the study (empty when not classified yet)."""
    return _read_manifest(config.processed_path)


# --------------------------------------------------------------------------- bookkeeping


def _run_key(config: StudyConfig, inputs: dict[str, Path], model_id: str) -> str:
    parts = {
        "version": CLASSIFY_VERSION,
        "package": __version__,
        "inputs": {name: file_sha256(path) for name, path in sorted(inputs.items())},
        "seed": seed_digest(seed_path(config)),
        "health_seed": health_seed_digest(health_seed_path(config)),
        "lexicon": load_lexicon(lexicon_path(config)).digest,
        "model": model_id,
        "study_seed": config.seed,
        "weight": embedding_weight(config),
        "pages": page_platforms(config),
        "languages": {org.id: org.language for org in config.organisations},
    }
    return json_sha256(parts)


def _typed(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """An empty table's columns in the types its schema asks for (a study without posts).

    pandas builds the columns of an empty frame as ``object`` or ``float64``;
    with rows they have their types already.
    """
    if len(frame):
        return frame
    wanted = {name: column.dtype.type for name, column in schema.columns.items()
              if name in frame.columns and column.dtype is not None}
    return frame.astype(wanted)


def _read_manifest(out_dir: Path) -> dict:
    manifest = read_json_marker(out_dir / MANIFEST, "classification manifest")
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    write_json_atomic(out_dir / MANIFEST, manifest, indent=2, sort_keys=True, default=_json_default)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

