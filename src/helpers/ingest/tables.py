"""The study-wide tables derived from the staged rows of every file: duplicates across files
dropped, threads resolved through reply chains, interactions and accounts derived.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.config import StudyConfig
from helpers.ingest.actor_hints import account_actor_types
from helpers.ingest.manifest import FileStats
from helpers.privacy import normalise_handle, org_account_index
from helpers.schema import SCHEMAS


def changed_duplicates(posts: pd.DataFrame, stats: list[FileStats]) -> list[str]:
    """Warnings for post ids that come back with other content in a later file (an edited post,
    or an export that reused ids); they name the files and the count, never the content.

    ``posts`` are the staged rows of every file in the order of the study
    file; the first copy is the one kept (:func:`_drop_cross_file_duplicates`),
    and the warning says so, so that a researcher can list the newer export first.
    """
    if posts.empty:
        return []
    later = posts[posts.duplicated("post_id", keep="first")]
    first = posts.drop_duplicates("post_id").set_index("post_id")
    kept_file = later["post_id"].map(first["_file"])
    changed = later[(later["text_key"] != later["post_id"].map(first["text_key"]))
                    & (later["_file"] != kept_file)]
    warnings = []
    for (earlier, file_index), group in changed.groupby([kept_file[changed.index], changed["_file"]]):
        kept_name = stats[int(earlier)].source_file
        warnings.append(
            f"{len(group):,} post id(s) of {stats[int(file_index)].source_file} appear in {kept_name} "
            f"with different content (an edited post or a reused id); the copy in {kept_name}, read "
            "first, is kept.")
    return warnings


def _drop_cross_file_duplicates(
    posts: pd.DataFrame, stats: list[FileStats], window_hours: float
) -> pd.DataFrame:
    """Keep the first copy of each post id, and drop repeats of the same text.

    A repeat is the same author posting the same text (case-insensitive,
    after scrubbing), as a reply to the same post (or to none), within
    ``window_hours`` of the copy that was kept: what a double submission or an
    export that lists a post twice under two ids looks like.  Shares are never
    repeats (their text is the shared post's).  Each dropped row is counted as
    a duplicate of the file it came from, in config order.
    """
    if posts.empty:
        return posts
    posts = posts.sort_values(["_file", "source_line"], kind="stable", ignore_index=True)
    duplicate = posts.duplicated("post_id", keep="first").to_numpy(copy=True)
    duplicate |= _repeated_text(posts, window_hours, exclude=duplicate)
    for file_index, count in posts.loc[duplicate, "_file"].value_counts().items():
        stats[int(file_index)].accepted -= int(count)
        stats[int(file_index)].duplicates += int(count)
    return posts[~duplicate].reset_index(drop=True)


def _repeated_text(posts: pd.DataFrame, window_hours: float, exclude: np.ndarray) -> np.ndarray:
    repeat = np.zeros(len(posts), dtype=bool)
    if window_hours <= 0:
        return repeat
    key = posts["text_key"] + "\x1f" + posts["parent_id"].fillna("")
    eligible = posts["shared_id"].isna() & (posts["text"].str.len() > 0) & ~exclude
    candidates = pd.DataFrame({"key": key, "created_at": posts["created_at"]})[eligible]
    candidates = candidates[candidates.duplicated("key", keep=False)]
    candidates = candidates.sort_values(["key", "created_at"], kind="stable")
    window = pd.Timedelta(hours=window_hours)
    kept_key, kept_time = None, None
    for index, row_key, created in zip(candidates.index, candidates["key"], candidates["created_at"],
                                       strict=True):
        if row_key == kept_key and created - kept_time <= window:
            repeat[index] = True
        else:
            kept_key, kept_time = row_key, created
    return repeat


def resolve_threads(posts: pd.DataFrame) -> pd.DataFrame:
    """Give every post the thread id of the oldest ancestor found in the corpus.

    Exports that carry a conversation id (twarc2, Reddit's link_id, Bluesky's
    reply root) already agree with this; formats without one (Twitter v1.1,
    Mastodon) get their threads from the reply chains.  A chain stops at a
    parent that is not in the corpus (deleted or not collected).
    """
    post_ids = posts["post_id"].tolist()
    parent = dict(zip(post_ids, _values(posts["parent_id"]), strict=True))
    thread = dict(zip(post_ids, _values(posts["thread_id"]), strict=True))
    roots: dict[str, str] = {}

    def root_of(post_id: str) -> str:
        chain = []
        current = post_id
        while current not in roots:
            chain.append(current)
            up = parent.get(current)
            if up is None or up not in parent or up in chain:
                roots[current] = current
                break
            current = up
        found = roots[current]
        for item in chain:
            roots[item] = found
        return found

    posts["thread_id"] = [thread[root_of(post_id)] for post_id in post_ids]
    return posts


def derive_interactions(posts: pd.DataFrame) -> pd.DataFrame:
    """Derive reply, mention, share and quote interactions between accounts.

    Rules (docs/data-model.md): a reply links its author to the parent's
    author, a share to the shared post's author, a quote to the quoted
    post's author; a mention links the author to each account named, except
    the account it replies to or shares (platforms add those automatically)
    and except in shares (the mentions there are the original author's).
    Targets come from the corpus where the referenced post is in it, else
    from the export's own reference.  Interactions with oneself are dropped.
    """
    author_of = dict(zip(posts["post_id"].tolist(), posts["author_id"].tolist(), strict=True))
    rows = []
    names = ["post_id", "author_id", "created_at", "org_id", "platform", "parent_id", "parent_author",
             "shared_id", "shared_author", "quoted_id", "quoted_author", "mentions"]
    columns = zip(*(_values(posts[name]) for name in names), strict=True)
    for (post_id, author, created, org_id, platform, parent_id, parent_author, shared_id,
         shared_author, quoted_id, quoted_author, mentions) in columns:
        targets = []
        reply_to = author_of.get(parent_id, parent_author) if parent_id else None
        share_of = author_of.get(shared_id, shared_author) if shared_id else None
        quote_of = author_of.get(quoted_id, quoted_author) if quoted_id else None
        targets += [("reply", reply_to), ("share", share_of), ("quote", quote_of)]
        if shared_id is None:
            targets += [("mention", m) for m in mentions if m not in (reply_to, share_of)]
        for kind, target in targets:
            if target is not None and target != author:
                rows.append((author, target, kind, post_id, created, org_id, platform))
    frame = pd.DataFrame(rows, columns=list(SCHEMAS["interactions"].columns))
    return frame.sort_values(["created_at", "post_id", "kind", "target_author"], ignore_index=True)


def _values(series: pd.Series) -> list[Any]:
    """The column's values as a list, with every missing value as None (not NaN)."""
    return series.astype(object).where(series.notna(), None).tolist()


def derive_accounts(posts: pd.DataFrame, interactions: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """One row per account seen as author or interaction target.

    Organisation accounts carry a label (organisation name and handle) and
    their org_id; private accounts carry only their pseudonym.
    """
    authored = posts.groupby(["author_id", "platform"], sort=False).agg(
        first_seen=("created_at", "min"), last_seen=("created_at", "max"), post_count=("post_id", "size")
    )
    targeted = interactions.groupby(["target_author", "platform"], sort=False).agg(
        first_seen=("created_at", "min"), last_seen=("created_at", "max")
    )
    targeted.index = targeted.index.set_names(["author_id", "platform"])
    targeted = targeted[~targeted.index.isin(authored.index)]
    targeted["post_count"] = 0
    accounts = pd.concat([authored, targeted]).reset_index()
    names = {org.id: org.name for org in config.organisations}
    org_index = org_account_index(config.organisations)
    org_ids, labels = [], []
    pairs = zip(accounts["author_id"].tolist(), accounts["platform"].tolist(), strict=True)
    for author_id, platform in pairs:
        org_id = None
        if author_id.startswith(f"{platform}:"):
            handle = author_id.split(":", 1)[1]
            account = org_index.get((platform, normalise_handle(platform, handle)))
            org_id = account.org_id if account else None
        org_ids.append(org_id)
        labels.append(f"{names[org_id]} ({author_id.split(':', 1)[1]})" if org_id else None)
    accounts["org_id"] = org_ids
    accounts["label"] = labels
    accounts["is_org"] = accounts["org_id"].notna()
    accounts["role"] = np.where(accounts["is_org"], "org", "public")
    accounts = account_actor_types(posts, accounts)[list(SCHEMAS["accounts"].columns)]
    return accounts.sort_values(["platform", "author_id"], ignore_index=True)
