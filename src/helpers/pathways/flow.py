"""Which sources travel: links in posts, who brings them in, who passes them on.

Vicari & Cappai (2016) follow the pathways of health information through
patient organisations' networks: which sources (journals, regulators, news,
patient organisations, fundraising pages) are posted, by which kinds of
accounts, and whether experiential knowledge and medical authority get equal
weight.  Plain data in (posts, a :class:`~helpers.link_sources.LinkSources`,
actor types), DataFrames and networkx graphs out.  A *link* is what the study
keeps of a URL: its domain by default, the full URL in studies that keep paths.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of connective action. A case
   study of rare disease patient organisations. Information, Communication & Society, 19(11), 1653-1671.
.. [2] Borgatti, S. P., & Everett, M. G. (1997). Network analysis of 2-mode
   data. Social Networks, 19(3), 243-269.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from networkx.algorithms import bipartite

from helpers.link_sources import SHORTENED, SOURCE_TYPES, UNKNOWN, LinkSources
from helpers.uncertainty import clustered_shares, wilson_interval

#: The sources of medical authority (Vicari 2020's "scientific information").
MEDICAL_SOURCES = ("medical_scientific", "regulator_public_health")
#: Columns of :func:`link_rows`, before the optional ``mode`` and ``knowledge_type``.
LINK_COLUMNS = ("post_id", "org_id", "author_id", "actor_type", "created_at", "link", "domain",
                "source_type", "is_pass")
OPTIONAL_COLUMNS = ("mode", "knowledge_type")
INTRODUCTION_COLUMNS = ("link", "source_type", "introduced_by", "actor_type", "post_id", "created_at")
PASS_COLUMNS = ("post_id", "author_id", "source_type", "passes", "passed_by")
#: Actor type of authors missing from ``actor_types`` (the last of ``helpers.actor_rules.ACTOR_TYPES``).
UNKNOWN_ACTOR = "unknown"
_TYPE_ORDER = (*SOURCE_TYPES, SHORTENED, UNKNOWN)


def link_rows(posts: pd.DataFrame, sources: LinkSources, actor_types: pd.Series) -> pd.DataFrame:
    """One row per post and distinct link it carries, with the link's source type and the author's type.

    Only a post's own ``urls`` count: a share with empty ``urls`` inherits
    nothing from the post it shares (that travel is :func:`onward_passes`).

    Parameters
    ----------
    posts : DataFrame
        ``post_id``, ``org_id``, ``author_id``, ``created_at``, ``urls``,
        ``shared_id``, ``quoted_id``; ``mode`` and ``knowledge_type`` if present.
    sources : LinkSources
    actor_types : Series
        Actor type by ``author_id``; authors missing from it are ``"unknown"``.

    Returns
    -------
    DataFrame
        :data:`LINK_COLUMNS`: ``link`` as stored, ``domain`` (the link itself when
        it has none), ``is_pass`` (the post shares or quotes); then the optional ones.
    """
    optional = [column for column in OPTIONAL_COLUMNS if column in posts.columns]
    frame = posts[["post_id", "org_id", "author_id", "created_at", *optional]].copy()
    frame["link"] = [_distinct_links(value) for value in posts["urls"]]
    frame["is_pass"] = is_pass(posts).to_numpy()
    frame = frame.explode("link", ignore_index=True)
    frame = frame[frame["link"].notna()].reset_index(drop=True)
    if frame.empty:
        return _empty([*LINK_COLUMNS, *optional])
    types = actor_types.dropna().to_dict()
    frame["actor_type"] = [types.get(author, UNKNOWN_ACTOR) for author in frame["author_id"]]
    distinct = frame["link"].unique()
    domains = {link: sources.domain_of(link) or link for link in distinct}
    kinds = {link: sources.source_type(link) for link in distinct}
    frame["domain"] = frame["link"].map(domains)
    frame["source_type"] = frame["link"].map(kinds)
    frame["is_pass"] = frame["is_pass"].astype(bool)
    return frame[[*LINK_COLUMNS, *optional]]


def is_pass(posts: pd.DataFrame) -> pd.Series:
    """True for posts that share or quote another post (``shared_id`` or ``quoted_id`` set)."""
    passing = pd.Series(False, index=posts.index)
    for column in ("shared_id", "quoted_id"):
        if column in posts.columns:
            passing |= posts[column].map(_present).astype(bool)
    return passing


def introductions(links: pd.DataFrame) -> pd.DataFrame:
    """Who brought each link into the conversation: its first post that is not a share or quote.

    The first post is the earliest by ``created_at``, ties broken by
    ``post_id``; a link seen only in shares and quotes has no introduction.

    Returns
    -------
    DataFrame
        ``link``, ``source_type``, ``introduced_by`` (author_id), ``actor_type``,
        ``post_id``, ``created_at``; in order of introduction.
    """
    own = links[~links["is_pass"].astype(bool)]
    if own.empty:
        return _empty(INTRODUCTION_COLUMNS)
    first = own.sort_values(["created_at", "post_id"], kind="stable").drop_duplicates("link")
    first = first.rename(columns={"author_id": "introduced_by"})
    return first[list(INTRODUCTION_COLUMNS)].reset_index(drop=True)


def onward_passes(posts: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """How often other accounts passed on each post that brought links in.

    The passes of a post that carries links and is not a share or quote are
    the posts by *other* authors that share or quote it (``shared_id`` or
    ``quoted_id`` is its ``post_id``; a share of a share passes on the share).
    Where the study keeps full links (:func:`is_full_link`: a path after the
    host), a later non-pass post by another author with the same link is a
    pass too; a domain is not one document, so with domains only it is not.

    Returns
    -------
    DataFrame
        One row per (post, source type of its links): ``post_id``, ``author_id``,
        ``source_type``, ``passes`` (passing posts) and ``passed_by`` (distinct
        other authors among them); most passed first, then by ``post_id``.
    """
    origins = _origins(links)
    if origins.empty:
        return _empty(PASS_COLUMNS)
    pairs = pass_pairs(posts, links)
    counts = pairs.groupby(["post_id", "source_type"]).agg(
        passes=("passing_id", "nunique"), passed_by=("passing_author", "nunique"))
    table = origins.merge(counts, left_on=["post_id", "source_type"], right_index=True, how="left")
    table[["passes", "passed_by"]] = table[["passes", "passed_by"]].fillna(0).astype("int64")
    table = table.sort_values(["passes", "post_id", "source_type"], ascending=[False, True, True],
                              kind="stable")
    return table[list(PASS_COLUMNS)].reset_index(drop=True)


def pass_pairs(posts: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Each (origin post, source type, passing post) of :func:`onward_passes`: ``post_id``, ``author_id``
    (of the origin), ``source_type``, ``passing_id``, ``passing_author``."""
    columns = ["post_id", "author_id", "source_type", "passing_id", "passing_author"]
    origins = _origins(links)
    parts, targets = [], []
    for column in ("shared_id", "quoted_id"):
        if column in posts.columns:
            part = posts.loc[posts[column].map(_present).astype(bool), ["post_id", "author_id", column]]
            targets.append(part.set_axis(["passing_id", "passing_author", "target"], axis=1))
    if targets and not origins.empty:
        shares = pd.concat(targets, ignore_index=True)
        shared = origins.merge(shares, left_on="post_id", right_on="target")
        parts.append(shared[shared["passing_author"] != shared["author_id"]][columns])
    full = links[~links["is_pass"].astype(bool) & links["link"].map(is_full_link).astype(bool)]
    if not full.empty:
        keep = ["post_id", "author_id", "source_type", "link", "created_at"]
        left = full[keep].drop_duplicates(["post_id", "link"])
        right = left.set_axis(["passing_id", "passing_author", "_type", "link", "_at"], axis=1)
        same = left.merge(right, on="link")
        after = same["passing_id"].astype(str) > same["post_id"].astype(str)  # same time: post_id order
        later = (same["_at"] > same["created_at"]) | ((same["_at"] == same["created_at"]) & after)
        parts.append(same[later & (same["passing_author"] != same["author_id"])][columns])
    parts = [part for part in parts if not part.empty]
    if not parts:
        return _empty(columns)
    pairs = pd.concat(parts, ignore_index=True)
    return pairs.drop_duplicates(["post_id", "source_type", "passing_id"]).reset_index(drop=True)


def is_full_link(link: str) -> bool:
    """Whether a stored link names a document (a path after the host), not just a domain.

    >>> [is_full_link(link) for link in ("ema.europa.eu", "https://ema.europa.eu/", "doi.org/10.1/x")]
    [False, False, True]
    """
    text = str(link)
    rest = text.split("://", 1)[1] if "://" in text else text
    return "/" in rest and rest.split("/", 1)[1].strip("/") != ""


def source_mix(links: pd.DataFrame, by: str | list[str], *, cluster: str | None = None,
               seed: int = 0) -> pd.DataFrame:
    """The share of each source type among the links of each group, with a 95% interval.

    Every source type seen anywhere in ``links`` gets a row in every group (0
    links where the group has none), so that groups can be compared.

    Parameters
    ----------
    links : DataFrame
        :func:`link_rows` (its ``~is_pass`` rows for the links brought in only).
    by : str or list of str
        Grouping columns, e.g. ``"actor_type"``, ``"mode"``, ``"knowledge_type"``,
        ``["org_id", "actor_type"]``.  Missing group values form their own group.
    cluster : str, optional
        Without it the interval is the Wilson interval on link counts, which
        takes links as independent; links by one author are not (an account
        returns to its favourite sources), so it is narrower than it should be.
        ``cluster="author_id"`` gives a cluster bootstrap resampling whole
        authors (:func:`helpers.uncertainty.clustered_shares`, seeded with
        ``seed``; Wilson when a group has a single author).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``source_type``, ``links``, ``share``, ``low``, ``high``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    columns = [*keys, "source_type", "links", "share", "low", "high"]
    if links.empty:
        return _empty(columns)
    kinds = ordered_source_types(links["source_type"])
    rows = []
    for key, group in links.groupby(keys, dropna=False, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        counts = group["source_type"].value_counts()
        total = len(group)
        clustered = (clustered_shares(group["source_type"], group[cluster], kinds, seed=seed,
                                      unit="links") if cluster else None)
        for kind in kinds:
            count = int(counts.get(kind, 0))
            if clustered is None:
                low, high = wilson_bounds(count, total)
            else:
                low, high = clustered[kind].low, clustered[kind].high
            rows.append({**dict(zip(keys, values, strict=True)), "source_type": kind, "links": count,
                         "share": count / total, "low": low, "high": high})
    return pd.DataFrame(rows, columns=columns)


def wilson_bounds(count: int, total: int) -> tuple[float, float]:
    """Wilson 95% interval of ``count / total``, made to contain the share (statsmodels gives 0 of 3
    a lower end of 5.6e-17); NaN without units.

    >>> wilson_bounds(0, 3)[0], wilson_bounds(0, 0)
    (0.0, (nan, nan))
    """
    interval = wilson_interval(count, total)
    if interval is None:
        return np.nan, np.nan
    share = count / total
    return min(interval[0], share), max(interval[1], share)


def ordered_source_types(values: Iterable[Any]) -> list[str]:
    """The source types among ``values``, in the order of ``SOURCE_TYPES`` (then any others, sorted)."""
    seen = {str(value) for value in values if _present(value)}
    return [kind for kind in _TYPE_ORDER if kind in seen] + sorted(seen - set(_TYPE_ORDER))


def source_network(links: pd.DataFrame, level: str = "source_type") -> nx.Graph:
    """The two-mode network of accounts and the sources they link to.

    Account nodes (``author_id``) have ``bipartite=0`` and ``actor_type``;
    source nodes have ``bipartite=1``, ``source_type`` and are named
    ``source:<type>`` (``level="source_type"``) or ``domain:<domain>``
    (``level="domain"``; its ``source_type`` is the most frequent one of its
    links).  An edge's ``weight`` is the number of posts by the account that
    carry the source (shares and quotes with links of their own included).
    Two-mode data in the sense of Borgatti & Everett (1997).
    """
    if level not in ("source_type", "domain"):
        raise ValueError(f"level must be 'source_type' or 'domain', not {level!r}")
    prefix = "source:" if level == "source_type" else "domain:"
    G = nx.Graph()
    if links.empty:
        return G
    accounts = links.drop_duplicates("author_id")
    G.add_nodes_from((author, {"bipartite": 0, "actor_type": kind})
                     for author, kind in zip(accounts["author_id"], accounts["actor_type"], strict=True))
    kinds = links.groupby(level)["source_type"].agg(lambda values: values.value_counts().index[0])
    G.add_nodes_from((f"{prefix}{source}", {"bipartite": 1, "source_type": kind})
                     for source, kind in kinds.items())
    weights = links.groupby(["author_id", level])["post_id"].nunique()
    G.add_weighted_edges_from((author, f"{prefix}{source}", int(weight))
                              for (author, source), weight in weights.items())
    return G


def account_projection(G: nx.Graph) -> nx.Graph:
    """Accounts tied by the sources they share: the one-mode projection of :func:`source_network`.

    By :func:`networkx.algorithms.bipartite.weighted_projected_graph`: a tie's ``weight`` is the
    number of sources (types or domains) both accounts link to, whatever the number of posts (the
    co-membership count of Borgatti & Everett 1997).  Accounts keep their attributes and stay
    when they share no source.

    References
    ----------
    .. [1] Borgatti, S. P., & Everett, M. G. (1997). Network analysis of 2-mode
       data. Social Networks, 19(3), 243-269.
    """
    accounts = [node for node, side in G.nodes(data="bipartite") if side == 0]
    return bipartite.weighted_projected_graph(G, accounts)


def sources_over_time(links: pd.DataFrame, freq: str = "MS") -> pd.DataFrame:
    """Links of each source type per period, every period from the first to the last, zero-filled.

    ``freq`` is a pandas resampling frequency (``"MS"``, ``"W-MON"``, ``"QS"``);
    periods are labelled as resampling labels them (their start for ``*S``).

    Returns
    -------
    DataFrame
        Indexed by ``period`` (timestamps in the time zone of ``created_at``), one
        column per source type (in ``SOURCE_TYPES`` order), link counts.
    """
    if links.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="period"),
                            columns=pd.Index([], name="source_type"), dtype="int64")
    counts = (links.groupby([pd.Grouper(key="created_at", freq=freq), "source_type"]).size()
              .unstack("source_type", fill_value=0))
    periods = pd.date_range(counts.index.min(), counts.index.max(), freq=freq, name="period")
    kinds = pd.Index(ordered_source_types(links["source_type"]), name="source_type")
    return counts.reindex(periods, fill_value=0).reindex(columns=kinds, fill_value=0).astype("int64")



def _origins(links: pd.DataFrame) -> pd.DataFrame:
    """Posts that brought links in (not shares or quotes), one row per (post, source type)."""
    own = links.loc[~links["is_pass"].astype(bool), ["post_id", "author_id", "source_type"]]
    return own.drop_duplicates().reset_index(drop=True)


def _distinct_links(value: Any) -> list[str]:
    """The distinct links of one ``urls`` cell, in order (a list, array, a single string or nothing)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, Iterable) else []
    return list(dict.fromkeys(str(item) for item in items if _present(item)))


def _present(value: Any) -> bool:
    """Neither None, NaN, an empty string nor an empty list."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return len(value) > 0
    return value is not None and bool(pd.notna(value)) and value != ""


_DTYPES = {"links": "int64", "passes": "int64", "passed_by": "int64", "share": "float64", "low": "float64",
           "high": "float64", "is_pass": "bool", "created_at": "datetime64[ns, UTC]"}


def _empty(columns: Iterable[Hashable]) -> pd.DataFrame:
    """An empty frame with ``columns``, counts int64, shares float64, times UTC, the rest object."""
    return pd.DataFrame({column: pd.Series(dtype=_DTYPES.get(str(column), "object")) for column in columns})
