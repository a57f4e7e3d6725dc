"""Erasure: removing a person from processed data on request, and keeping them out.

``rarevoices forget <platform> <account>`` (GDPR Art. 17; AoIR 2020 on
participants' requests) removes the person's posts and every interaction
with them from the processed tables and caches, and records the request in
the study's erasure register so that a later ingestion keeps them out.  The
register holds keyed hashes and pseudonyms only, never the handle or id that
was asked for, so it can be kept with the project.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers.config import StudyConfig
from helpers.ingest.pipeline import ALIASES, read_manifest
from helpers.locks import exclusive_lock
from helpers.privacy import Pseudonymiser, SecretError, load_or_create_secret, org_account_index
from helpers.schema import read_table
from helpers.steps import STEPS, Erased, Forgotten, drop_rows
from helpers.store import tighten, write_text_atomic
from helpers.store.register import ErasureError, load_register

logger = logging.getLogger(__name__)


@dataclass
class ErasureResult:
    """What ``forget`` removed."""

    author_ids: set[str]
    posts_removed: int
    interactions_removed: int
    files_rewritten: list[Path]
    """Files rewritten or deleted (a folder for a cache whose entries went)."""
    reports_removed: int = 0


def forget(config: StudyConfig, platform: str, account: str) -> ErasureResult:
    """Remove a person from the study's processed data and reports, and record the request.

    Parameters
    ----------
    config : StudyConfig
    platform : str
        The platform the account is on (``twitter``, ``reddit``...).
    account : str
        The person's handle (with or without ``@`` / ``u/``) or account id.

    Returns
    -------
    ErasureResult

    Raises
    ------
    ErasureError
        For an unknown platform, an empty account, or an account never seen in
        the study (a typo): nothing is recorded or changed then.

    Notes
    -----
    Holding the study's lock (an ingestion waits for it, and it for an
    ingestion), each study step, last to first, forgets the person in its own
    files (:attr:`helpers.steps.Step.forget`): the saved network analyses and
    exports, the topic models, the classes of their posts, the cached vectors
    of their posts, and ingestion's tables and cached reads (their posts go
    and count as erased; mentions of them in other posts become
    ``@[erased]``).  A last sweep removes their rows from any table under the
    processed folder that no step declared, with a warning (a test keeps the
    declarations complete).  The reports of the organisations they took part
    in are deleted and the index says they are out of date until the next
    batch.  Later ingestions leave them out of every file they read, before
    its rows reach the cache.
    """
    platform, account = _checked_request(platform, account)
    out_dir = config.processed_path
    with exclusive_lock(out_dir / ".ingest.lock", "an ingestion"):
        manifest = read_manifest(out_dir)
        if not config.secret_path.exists():
            raise SecretError(f"{config.secret_path}: the study's key is needed to find the person's "
                              "pseudonym")
        key = load_or_create_secret(config.secret_path,
                                    expected_fingerprint=manifest.get("key_fingerprint"))
        p = Pseudonymiser(key, org_account_index(config.organisations))
        alias_keys = sorted({p.alias_key(platform, account)})
        aliases_path = out_dir / ALIASES
        aliases = pd.read_parquet(aliases_path) if aliases_path.exists() else pd.DataFrame(
            columns=["alias_key", "author_id"])
        candidates = set(aliases.loc[aliases["alias_key"].isin(alias_keys), "author_id"])
        if not candidates:
            raise ErasureError(
                f"no account {account!r} on {platform} was seen in {out_dir} (by handle or id): nothing was "
                "recorded. Check the spelling and the platform; run the ingestion first if the study is new.")
        candidates |= {p.author_id(platform, account, None), p.author_id(platform, None, account)}
        register = load_register(config)
        register.requests.append({
            "recorded_at": datetime.now(UTC).date().isoformat(),
            "platform": platform,
            "alias_keys": alias_keys,
            "author_ids": sorted(candidates),
        })
        register.save()
        logger.info("Erasure request recorded in %s (no identity stored).", register.path)
        posts_path = out_dir / "posts.parquet"
        posts = read_table("posts", posts_path) if posts_path.exists() else None
        orgs = _organisations_of(out_dir, posts, candidates)
        erased = Erased.in_posts(posts, candidates) if posts is not None else Erased(frozenset(candidates))
        forgotten: Forgotten = {}
        for step in reversed(STEPS):
            forgotten.update(step.forget(config, erased))
        forgotten.update(_sweep_undeclared_tables(out_dir, erased))
        tighten(out_dir)
    result = ErasureResult(set(candidates), forgotten.get(out_dir / "posts.parquet", 0),
                           forgotten.get(out_dir / "interactions.parquet", 0),
                           sorted(forgotten))
    logger.info("Erased %d posts and %d interactions; rewrote or deleted %d files.", result.posts_removed,
                result.interactions_removed, len(result.files_rewritten))
    result.reports_removed = retract_reports(config, orgs)
    return result


def _sweep_undeclared_tables(out_dir: Path, erased: Erased) -> Forgotten:
    """Remove the person from any table no step declared (none should be): a safety net that warns."""
    forgotten: Forgotten = {}
    for path in sorted(out_dir.rglob("*.parquet")):
        relative = path.relative_to(out_dir).as_posix()
        if any(step.owns(relative) for step in STEPS):
            continue
        removed = drop_rows(path, erased)
        if removed:
            logger.warning("%s is written by no declared study step; the erased person's rows were removed "
                           "from it all the same.", path)
        forgotten.update(removed)
    return forgotten


PLATFORM_NAMES = ("twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum")


def _checked_request(platform: str, account: str) -> tuple[str, str]:
    """The platform and account of an erasure request, or an :class:`ErasureError` saying what is wrong."""
    platform = platform.strip().lower()
    if platform not in PLATFORM_NAMES:
        raise ErasureError(f"unknown platform {platform!r}; one of {', '.join(PLATFORM_NAMES)}")
    account = account.strip().removeprefix("/").removeprefix("u/").lstrip("@").strip()
    if not account:
        raise ErasureError("the account to erase is empty: give the person's handle or account id")
    return platform, account


def _organisations_of(out_dir: Path, posts: pd.DataFrame | None, erased: set[str]) -> set[str]:
    """The organisations in whose data the erased accounts wrote, were addressed or were named."""
    orgs = set() if posts is None else set(posts.loc[posts["author_id"].isin(erased), "org_id"])
    path = out_dir / "interactions.parquet"
    if path.exists():
        frame = pd.read_parquet(path, columns=["source_author", "target_author", "org_id"])
        orgs |= set(frame.loc[frame["source_author"].isin(erased) | frame["target_author"].isin(erased),
                              "org_id"])
    if posts is not None and erased:  # posts that name them (a mention, or a name replaced by the pseudonym)
        pattern = "|".join(re.escape(author) for author in sorted(erased))
        orgs |= set(posts.loc[posts["text"].str.contains(pattern, regex=True), "org_id"])
    return orgs


def retract_reports(config: StudyConfig, orgs: set[str]) -> int:
    """Delete the rendered reports that may show an erased person, and say so in the index.

    The reports of ``orgs`` (the organisations the person took part in), the
    comparison and the reviewer bundle go: their tables, figures, executed
    notebooks and logs may hold the person's pseudonym.  ``index.html`` keeps
    its links but says at the top which reports are out of date until the
    next batch renders them again (their fingerprint covers the register).
    Returns how many files went.
    """
    reports = config.reports_path
    removed = 0
    for folder in [*(reports / org for org in sorted(orgs)), reports / "compare", reports / "reviewer"]:
        if folder.is_dir():
            removed += sum(1 for path in folder.rglob("*") if path.is_file())
            shutil.rmtree(folder)
    index = reports / "index.html"
    if index.exists():
        names = ", ".join(sorted(orgs)) or "none"
        banner = (f'<p class="error" id="erasure-pending">An erasure request was recorded on '
                  f"{datetime.now(UTC).date().isoformat()}: the reports of {html.escape(names)} and the "
                  "comparison were deleted, and this index is out of date until the next batch renders them "
                  "again (rarevoices batch).</p>")
        page = index.read_text(encoding="utf-8")
        if 'id="erasure-pending"' not in page:
            page = page.replace("<body>", "<body>\n" + banner, 1)
        write_text_atomic(index, page)
    return removed
