"""The study's shared topic model: fitted once, saved, and loaded while it is up to date.

:func:`study_topics` loads the saved model when its inputs
(:func:`topic_inputs_key`) or its fingerprint (:func:`topic_fingerprint`)
match, and otherwise fits and saves it; :func:`load_topics` loads it whatever
its fingerprint; :func:`forget_topic_models` deletes it (erasure).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers import __version__
from helpers.embeddings import Encoder, is_multilingual, study_encoder
from helpers.locks import exclusive_lock
from helpers.schema import table_path, write_parquet_atomic
from helpers.store import read_json_marker, tighten, write_json_atomic
from helpers.topics._bertopic_runtime import _quiet_bertopic
from helpers.topics.documents import (
    language_notes,
    precision_note,
    stop_words,
    study_languages,
    topic_documents,
)
from helpers.topics.fit import _params_record, _versions, fit_topics
from helpers.topics.grouped import language_groups
from helpers.topics.labels import _relabel
from helpers.topics.params import TopicParams, params_from_config
from helpers.topics.results import TopicResult
from helpers.topics.stability import read_stability, refit_seeds, stability_key

if TYPE_CHECKING:
    from helpers.config import StudyConfig

logger = logging.getLogger(__name__)


TOPIC_FOLDER = "topics"


def topic_fingerprint(documents: pd.DataFrame, model_id: str, params: TopicParams, seed: int,
                      languages: Sequence[str], extra: dict[str, Any] | None = None) -> str:
    """Hash of everything the shared model depends on.

    Posts (ids, prepared texts, organisations, authors, roles, languages,
    times), parameters, stop words, embedding model, seed and the versions of
    rarevoices and of the fitting packages.
    """
    digest = hashlib.sha256(_fingerprint_header(model_id, params, seed, languages, extra))
    for column in ("post_id", "doc", "org_id", "author_id", "author_role", "lang"):
        digest.update(pd.util.hash_pandas_object(documents[column], index=False).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(documents["created_at"].astype("int64"), index=False)
                  .to_numpy().tobytes())
    return digest.hexdigest()


def _fingerprint_header(model_id: str, params: TopicParams, seed: int, languages: Sequence[str],
                        extra: dict[str, Any] | None) -> bytes:
    """Everything but the posts that a fit depends on, as bytes to hash."""
    words = hashlib.sha256("\n".join(stop_words(languages)).encode()).hexdigest()
    header = {"model_id": model_id, "params": _params_record(params, {}), "seed": seed,
              "languages": sorted(set(languages)), "stop_words": words, "versions": _versions(),
              "rarevoices": __version__, "extra": extra or {}, "format": 3}  # 3: PCA start above 60k
    return json.dumps(header, sort_keys=True, default=str).encode()


def topic_inputs_key(posts_file: Path, model_id: str, params: TopicParams, seed: int,
                     languages: Sequence[str], extra: dict[str, Any] | None = None) -> str:
    """A quick stand-in for :func:`topic_fingerprint`: the posts table's file bytes instead of its posts.

    The same posts file gives the same documents, so a saved model whose key
    matches is up to date without preparing every post's text again (work that
    grows with the posts, done in every notebook kernel that opens the topic model).  A
    key that does not match proves nothing: the fingerprint decides then.
    """
    header = _fingerprint_header(model_id, params, seed, languages, extra)
    with posts_file.open("rb") as fh:
        return hashlib.file_digest(fh, lambda: hashlib.sha256(header)).hexdigest()


def topics_folder(config: StudyConfig) -> Path:
    """Where the study's shared topic model lives: ``<processed_dir>/topics``."""
    return config.processed_path / TOPIC_FOLDER


def study_topics(
    config: StudyConfig,
    *,
    force: bool = False,
    encoder: Encoder | None = None,
    params: TopicParams | None = None,
    progress: bool = True,
) -> TopicResult:
    """The study's shared topic model: loaded when up to date, otherwise fitted and saved.

    Parameters
    ----------
    config : StudyConfig
    force : bool
        Refit even when the saved model is up to date.
    encoder : Encoder, optional
        The embedding model (wrapped in the study's cache); default: the
        configured ``analysis.embedding_model``.
    params : TopicParams, optional
        Default: :func:`params_from_config`.
    progress : bool
        Progress bars while embedding.

    Returns
    -------
    TopicResult

    Notes
    -----
    Saved under ``<processed_dir>/topics/runs/<id>/`` (``documents.parquet``,
    ``topics.parquet``, ``hierarchy.parquet``, ``quality.parquet``,
    ``manifest.json``, ``model/`` in safetensors) and made current by an atomic
    rename of ``topics/current.json``.  A lock makes concurrent batch workers
    wait for one fit instead of fitting the same model each.
    """
    from helpers.ingest.report import load_posts

    params = params or params_from_config(config)
    languages = study_languages(config)
    org_languages = {org.id: org.language.lower() for org in config.organisations}
    cached = study_encoder(config, progress=progress, encoder=encoder)
    model_name = encoder.model_id if encoder is not None else config.analysis.embedding_model
    grouped = not is_multilingual(model_name)
    extra = {"org_languages": org_languages, "grouped": grouped}
    folder = topics_folder(config)
    inputs_key = topic_inputs_key(table_path(config.processed_path, "posts"), cached.model_id, params,
                                  config.seed, languages, extra)
    if not force and (saved := _load_current(folder, None, inputs_key=inputs_key)) is not None:
        logger.info("Topic model up to date (same posts table); loaded from %s", saved.folder)
        return _with_stability(saved, config)
    documents = topic_documents(load_posts(config), params.min_words)
    fingerprint = topic_fingerprint(documents, cached.model_id, params, config.seed, languages, extra)
    if not force and (saved := _load_current(folder, fingerprint)) is not None:
        logger.info("Topic model up to date (%s); loaded from %s", fingerprint[:12], saved.folder)
        return _with_stability(saved, config)
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / ".lock", "the topic model fit"):
        if not force and (saved := _load_current(folder, fingerprint)) is not None:
            return _with_stability(saved, config)  # another worker fitted it while we waited
        notes = list(language_notes(config, model_name).values())
        if (note := precision_note(cached)) is not None:
            notes.append(note)
        groups = language_groups(documents, org_languages, params.min_posts) if grouped else None
        if groups is not None and len(set(groups.tolist())) > 1:
            counts = pd.Series(groups).value_counts().sort_index()
            notes.insert(0, (
                "Posts are clustered within their language ("
                + ", ".join(f"{lang}: {n} posts" for lang, n in counts.items())
                + f") because the embedding model '{model_name}' is not multilingual: a topic never "
                "spans two languages, so organisations writing in different languages are not compared "
                "on the same topics. Configure a multilingual model in analysis.embedding_model for "
                "cross-language topics."))
        result = fit_topics(documents, cached, seed=config.seed, params=params, languages=languages,
                            groups=groups, messages=notes)
        result.fingerprint = fingerprint
        result.params["org_languages"] = org_languages
        result.params["grouped_by_language"] = groups is not None and len(set(groups.tolist())) > 1
        _save(result, folder, inputs_key)
        tighten(folder)  # BERTopic writes its model files with the process's umask
    return result


def _with_stability(result: TopicResult, config: StudyConfig) -> TopicResult:
    """The result with its saved stability table, when one was computed for the current setting."""
    if result.folder is not None and result.has_topics:
        seeds = refit_seeds(config.seed, int(config.analysis.topic_stability_seeds))
        key = stability_key(result.fingerprint, seeds)
        result.stability = read_stability(result.folder, key) if seeds else None
    return result


def load_topics(config: StudyConfig) -> TopicResult:
    """The saved shared topic model of a study, whatever its fingerprint (no refit).

    Raises
    ------
    FileNotFoundError
        When no model has been saved yet (run :func:`study_topics`).
    """
    saved = _load_current(topics_folder(config), None)
    if saved is None:
        raise FileNotFoundError(f"no topic model in {topics_folder(config)}: run study_topics(config) first")
    return _with_stability(saved, config)


def _save(result: TopicResult, folder: Path, inputs_key: str | None = None) -> None:
    run = folder / "runs" / f"{result.fingerprint[:16]}-{uuid.uuid4().hex[:6]}"
    run.mkdir(parents=True)
    write_parquet_atomic(result.documents, run / "documents.parquet")
    write_parquet_atomic(result.topics, run / "topics.parquet")
    write_parquet_atomic(result.hierarchy, run / "hierarchy.parquet")
    write_parquet_atomic(result.quality, run / "quality.parquet")
    if result.model is not None:
        with _quiet_bertopic():
            result.model.save(str(run / "model"), serialization="safetensors", save_ctfidf=True,
                              save_embedding_model=False)
    manifest = {"status": result.status, "messages": result.messages, "fingerprint": result.fingerprint,
                "params": result.params, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_json_atomic(run / "manifest.json", manifest, indent=2, sort_keys=True, default=str)
    write_json_atomic(folder / "current.json", {"run": run.name, "fingerprint": result.fingerprint,
                                                "inputs_key": inputs_key})
    result.folder = run
    for old in (folder / "runs").iterdir():
        if old != run and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    logger.info("Topic model saved to %s", run)


def _load_current(
    folder: Path, fingerprint: str | None, *, inputs_key: str | None = None
) -> TopicResult | None:
    """The current saved result if its fingerprint (or its :func:`topic_inputs_key`) matches.

    Any current result when neither is given.
    """
    pointer = folder / "current.json"
    for _ in range(3):  # a concurrent save may swap the run between reading the pointer and the files
        current = read_json_marker(pointer, "topic model pointer")
        if not isinstance(current, dict) or "run" not in current:
            return None
        if fingerprint is not None and current.get("fingerprint") != fingerprint:
            return None
        if inputs_key is not None and current.get("inputs_key") != inputs_key:
            return None
        run = folder / "runs" / current["run"]
        if not run.is_dir():  # swapped by a concurrent save: read the pointer again
            time.sleep(0.2)
            continue
        manifest = read_json_marker(run / "manifest.json", "topic model manifest")
        if not isinstance(manifest, dict):
            return None  # damaged: the model is fitted again
        try:
            return TopicResult(
                status=manifest["status"],
                messages=list(manifest["messages"]),
                documents=_read(run / "documents.parquet"),
                topics=_relabel(_read(run / "topics.parquet")),
                hierarchy=_read(run / "hierarchy.parquet"),
                quality=pd.read_parquet(run / "quality.parquet"),
                params=manifest["params"],
                fingerprint=manifest["fingerprint"],
                folder=run,
            )
        except FileNotFoundError:
            time.sleep(0.2)
        except (OSError, ValueError, KeyError) as exc:  # a damaged saved model is fitted again
            logger.warning("The saved topic model in %s cannot be read (%s); fitting it again", run, exc)
            return None
    return None


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for column in ("words", "weights", "keybert", "ctfidf", "Topics"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: [] if v is None else list(v))
    return frame


def forget_topic_models(config: StudyConfig) -> list[Path]:
    """Erasure: delete the saved topic models, whose vocabulary and topic vectors derive from every post.

    The next :func:`study_topics` refits without the person; the cached
    vectors of their posts are the embed step's to forget
    (:mod:`helpers.steps.embed`).  Returns the files deleted.
    """
    folder = topics_folder(config)
    runs, current = folder / "runs", folder / "current.json"
    deleted = sorted(path for path in runs.rglob("*") if path.is_file()) if runs.exists() else []
    if current.exists():
        deleted.append(current)
    shutil.rmtree(runs, ignore_errors=True)
    current.unlink(missing_ok=True)
    return deleted
