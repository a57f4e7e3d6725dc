"""Ground truth of a generated demo corpus, in the ids of the processed tables.

The demo generator writes what it planted (theme, communication mode,
knowledge type, narrative person of every post; every interaction) under
``_truth/`` beside the export files, keyed by platform ids.  Only evaluation
(``rarevoices evaluate``) and tests read it; the analysis never does.  This
module maps the platform ids to the keyed ids of the processed tables with
the study's key, exactly as ingestion does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.privacy import Pseudonymiser, key_fingerprint, load_or_create_secret, org_account_index
from helpers.store.memo import FileMemo, file_version

TRUTH_DIR = "_truth"


class NoGroundTruth(FileNotFoundError):
    """The study has no generated ground truth (it is not a demo corpus)."""


def truth_dir(config: StudyConfig) -> Path:
    """Find the ``_truth`` folder above the study's input files.

    Raises
    ------
    NoGroundTruth
        When no input file has a ``_truth`` folder above it inside ``raw_dir``.
    """
    raw_root = config.resolve(config.raw_dir).resolve()
    for org in config.organisations:
        for item in org.inputs:
            folder = config.input_path(item).resolve().parent
            while folder == raw_root or raw_root in folder.parents:
                if (folder / TRUTH_DIR).is_dir():
                    return folder / TRUTH_DIR
                if folder == raw_root:
                    break
                folder = folder.parent
    raise NoGroundTruth(f"no {TRUTH_DIR}/ folder under {raw_root}: ground truth exists only for demo corpora")


def _pseudonymiser(config: StudyConfig, folder: Path) -> Pseudonymiser:
    key = load_or_create_secret(config.secret_path)
    pseudonymiser = Pseudonymiser(key, org_account_index(config.organisations))
    accounts = folder / "accounts.csv"
    if accounts.exists():  # let page names identify organisation pages, as ingestion does
        table = pd.read_csv(accounts, dtype=str, keep_default_na=False)
        for row in table.itertuples(index=False):
            pseudonymiser.remember_org(
                row.platform, row.native_id or None, row.handle or None, row.display_name or None
            )
    return pseudonymiser


def load_truth_posts(config: StudyConfig) -> pd.DataFrame:
    """Ground truth per post, with the canonical ``post_id``, ``author_id`` and ``thread_id``.

    The last table read is kept in memory for as long as its files, the key
    and the organisations are unchanged (a copy is returned): the reports ask
    for it once per organisation and measure, and at a million posts each
    read keys three million ids (about 40 s).

    Returns
    -------
    DataFrame
        The generator's columns (theme, communication_mode, knowledge_type,
        narrative_person, scenario ...) plus the canonical ids.
    """
    folder = truth_dir(config)
    key = _truth_key(config, folder)  # the files' versions, the study's key, the organisations
    return _LAST_TRUTH.get([], key, lambda: _read_truth_posts(config, folder)).copy()


_LAST_TRUTH = FileMemo[pd.DataFrame](size=1)


def truth_key(config: StudyConfig) -> str | None:
    """What the study's keyed ground truth depends on (see :func:`load_truth_posts`); None without one."""
    try:
        return _truth_key(config, truth_dir(config))
    except NoGroundTruth:
        return None


def _truth_key(config: StudyConfig, folder: Path) -> str:
    """What the keyed truth depends on: its files, the study's key, the organisations' accounts."""
    stamps = [file_version(folder / name) for name in ("posts.csv", "accounts.csv")]
    organisations = [org.model_dump(mode="json") for org in config.organisations]
    key = key_fingerprint(load_or_create_secret(config.secret_path))
    return json.dumps([stamps, key, organisations], sort_keys=True)


def _read_truth_posts(config: StudyConfig, folder: Path) -> pd.DataFrame:
    truth = pd.read_csv(folder / "posts.csv", dtype=str, keep_default_na=False)
    p = _pseudonymiser(config, folder)
    platform, native_id = truth["platform"].tolist(), truth["native_id"].tolist()
    truth["post_id"] = [p.post_id(pl, nid) for pl, nid in zip(platform, native_id, strict=True)]
    truth["author_id"] = [
        p.author_id(pl, aid or None, handle or None)
        for pl, aid, handle in zip(
            platform, truth["author_native_id"].tolist(), truth["author_handle"].tolist(), strict=True
        )
    ]
    truth["thread_id"] = [
        p.post_id(pl, tid or nid)
        for pl, tid, nid in zip(platform, truth["thread_native_id"].tolist(), native_id, strict=True)
    ]
    return truth


def load_truth_interactions(config: StudyConfig) -> pd.DataFrame:
    """Ground-truth interactions with canonical ``source_author``, ``target_author``, ``post_id``."""
    folder = truth_dir(config)
    truth = pd.read_csv(folder / "interactions.csv", dtype=str, keep_default_na=False)
    p = _pseudonymiser(config, folder)
    columns = ["platform", "source_author_native_id", "source_author_handle", "target_author_native_id",
               "target_author_handle", "native_id"]
    rows = zip(*(truth[column].tolist() for column in columns), strict=True)
    canonical = [
        (
            p.author_id(pl, sid or None, sh or None),
            p.author_id(pl, tid or None, th or None),
            p.post_id(pl, nid),
        )
        for pl, sid, sh, tid, th, nid in rows
    ]
    truth[["source_author", "target_author", "post_id"]] = pd.DataFrame(canonical, index=truth.index)
    return truth


def load_truth_accounts(config: StudyConfig) -> pd.DataFrame:
    """Ground-truth accounts (``actor_type``, ``kind``...) with the canonical ``author_id``."""
    folder = truth_dir(config)
    truth = pd.read_csv(folder / "accounts.csv", dtype=str, keep_default_na=False)
    p = _pseudonymiser(config, folder)
    truth["author_id"] = [p.author_id(pl, nid or None, handle or None) for pl, nid, handle in
                          zip(truth["platform"], truth["native_id"], truth["handle"], strict=True)]
    return truth
