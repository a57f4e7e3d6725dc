"""Who is who, which thread a post belongs to, and what kind of exchange each interaction is.

The structure the communication modes (:mod:`.modes`) and the organisations'
responsiveness (:mod:`.responsiveness`) are read from: the role of every
account (:func:`role_lookup`), the mode thread of every post, shares joining
the thread they share (:func:`mode_threads`), and each interaction's kind of
exchange between organisation and public (:func:`classify_edges`, one of
:data:`EDGE_COUNTS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

EDGE_COUNTS = (
    "org_to_public",
    "public_to_org",
    "public_to_public",
    "org_amplifies",
    "public_shares_org",
    "public_shares_public",
    "org_to_org",
)


# --------------------------------------------------------------------------- roles and threads


def role_lookup(posts: pd.DataFrame, accounts: pd.DataFrame | None = None) -> dict[tuple[str, str], str]:
    """``(platform, author_id) -> role`` from the accounts table, completed from the posts.

    Accounts seen only as targets of interactions are in the accounts table;
    without it, an author id of the form ``platform:Handle`` (how named
    organisation accounts are written) counts as ``org`` and every other as
    ``public`` (see :func:`role_of`).
    """
    roles = dict(
        zip(zip(posts["platform"], posts["author_id"], strict=True), posts["author_role"], strict=True)
    )
    if accounts is not None and not accounts.empty:
        roles.update(
            zip(zip(accounts["platform"], accounts["author_id"], strict=True), accounts["role"], strict=True)
        )
    return roles


def role_of(roles: Mapping[tuple[str, str], str], platform: str, author_id: str) -> str:
    """Role of an account; unknown accounts are ``org`` only when named like ``platform:Handle``."""
    found = roles.get((platform, author_id))
    if found is not None:
        return found
    return "org" if author_id.startswith(f"{platform}:") else "public"


def mode_threads(posts: pd.DataFrame) -> pd.Series:
    """The thread each post's mode belongs to.

    A post's own ``thread_id``, except shares: they join the thread of the
    post they share, following a chain of shares (a share of a share) back to
    the original as far as the corpus holds it, on the same platform only.

    Returns
    -------
    Series
        Thread ids aligned with ``posts``.

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": ["t:1", "t:2", "t:3"], "platform": ["twitter"] * 3,
    ...                       "thread_id": ["t:1", "t:2", "t:3"], "shared_id": [None, "t:1", "t:2"]})
    >>> mode_threads(posts).tolist()
    ['t:1', 't:1', 't:1']
    """
    key = list(zip(posts["platform"], posts["post_id"], strict=True))
    shared = dict(zip(key, _values(posts["shared_id"]), strict=True))
    thread = dict(zip(key, posts["thread_id"], strict=True))
    result = []
    for platform, post_id in key:
        current, seen = (platform, post_id), {(platform, post_id)}
        while True:
            target = shared.get(current)
            nxt = (platform, target) if target is not None else None
            if nxt is None or nxt not in thread or nxt in seen:
                break
            seen.add(nxt)
            current = nxt
        result.append(thread[current])
    return pd.Series(result, index=posts.index, name="thread_id")


# --------------------------------------------------------------------------- edges


def classify_edges(
    interactions: pd.DataFrame,
    roles: Mapping[tuple[str, str], str],
) -> pd.DataFrame:
    """Each interaction with the roles of its ends and its kind of exchange.

    Returns
    -------
    DataFrame
        ``interactions`` without self-interactions, plus ``source_role``,
        ``target_role`` and ``exchange``, one of :data:`EDGE_COUNTS`:
        ``org_to_public`` / ``public_to_org`` (replies, mentions; quotes of the
        organisation by the public), ``public_to_public``, ``org_amplifies``
        (the organisation shares or quotes a public post),
        ``public_shares_org``, ``public_shares_public``, ``org_to_org`` (two
        organisation accounts).
    """
    edges = interactions[interactions["source_author"] != interactions["target_author"]].copy()
    edges["source_role"] = [
        role_of(roles, p, a) for p, a in zip(edges["platform"], edges["source_author"], strict=True)
    ]
    edges["target_role"] = [
        role_of(roles, p, a) for p, a in zip(edges["platform"], edges["target_author"], strict=True)
    ]
    edges["exchange"] = [
        _exchange(kind, s, t)
        for kind, s, t in zip(edges["kind"], edges["source_role"], edges["target_role"], strict=True)
    ]
    return edges.reset_index(drop=True)


def _exchange(kind: str, source_role: str, target_role: str) -> str:
    pair = (source_role == "org", target_role == "org")
    if pair == (True, True):
        return "org_to_org"
    if kind == "share":
        return {(True, False): "org_amplifies", (False, True): "public_shares_org"}.get(
            pair, "public_shares_public"
        )
    if kind == "quote" and pair == (True, False):
        return "org_amplifies"
    return {(True, False): "org_to_public", (False, True): "public_to_org"}.get(pair, "public_to_public")


def _values(series: pd.Series) -> list:
    """The column's values as a list, with every missing value as None (not NaN)."""
    return series.astype(object).where(series.notna(), None).tolist()
