"""Communication modes: one-way, two-way and crowd-sourced knowledge sharing.

Vicari & Cappai [1]_ found that digital media let rare-disease patient
organisations share health knowledge in three ways: **one-way** (the
organisation broadcasts), **two-way** (organisation and public address each
other) and **crowd-sourced** (the public produces the knowledge: patients talk
to each other, or the organisation gathers and amplifies what they post).
This module derives the mode from the interaction structure alone (who
replies to, mentions, quotes and shares whom), never from the text.

The unit is the **thread** (a conversation on one platform): the posts
sharing a ``thread_id``; a share (retweet, reblog, repost) joins the thread of
the post it shares, following chains of shares back to the original, because
amplifying a post is an act on that conversation.  Threads on different
platforms are never merged (thread ids are platform-prefixed, and the
platform is part of the key).

Each post's own act counts as one vote (:func:`post_act`): an organisation
post addressed to nobody votes one-way, a reply or mention between the
organisation and the public votes two-way, a public post or a public exchange
votes crowd-sourced, an organisation sharing or quoting a public post votes
crowd-sourced, a public share of an organisation's post votes one-way
(diffusion of a broadcast).  The thread's scores ``mode_*`` are the shares of
these votes.  The thread's label follows a decision table in which one act
can change the character of a conversation (:data:`MODE_RULES`, first match
wins):

1. the organisation amplifies public content (shares or quotes a public
   post of the thread): **crowd-sourced**;
2. the organisation's top-level post calls for the public's stories or
   presents a story a member contributed ("tell us your story", "thanks to
   Anna's family for letting us share it"): **crowd-sourced**; this is the
   only rule that reads text (the ``story_call`` signal of the lexicon, see
   :mod:`.knowledge`), because on page platforms the answers to a call are
   not in the export;
3. the organisation and the public reply to, mention or quote each other
   (either direction): **two-way**;
4. members of the public reply to, mention, quote or share each other:
   **crowd-sourced**;
5. on a page platform (:data:`PAGE_PLATFORMS`: exports of Facebook hold page
   posts, not private people's), a page's post that nobody answers: a peer
   organisation or clinician broadcasting, **one-way**;
6. public content in which the organisation takes no part: **crowd-sourced**;
7. otherwise (organisation posts, its own follow-ups, public shares of
   them): **one-way**.

Replies of an organisation to itself (continuing its own thread) are not
interactions (the ingestion drops them) and never make a thread two-way.
Roles come from the accounts table: ``org`` for the study organisations'
own accounts, ``public`` for everybody else (peer organisations and
clinicians included); :mod:`.threads` reads them, the mode threads and each
interaction's kind of exchange from the tables.

Per organisation :mod:`.responsiveness` measures the **reciprocity** of
organisation-public exchange (:func:`org_reciprocity`, the dyadic reciprocity
of Wasserman & Faust [2]_) and the **response latency** of the organisation
to the public (:func:`response_times`, summarised with the Kaplan-Meier
estimator [3]_ so that unanswered posts count as censored, not as missing).

References
----------
.. [1] Vicari, S. and Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Wasserman, S. and Faust, K. (1994). Social Network Analysis: Methods
   and Applications. Cambridge University Press, ch. 13 (dyads, reciprocity).
.. [3] Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from
   incomplete observations. Journal of the American Statistical Association,
   53(282), 457-481.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.classify.responsiveness import (  # noqa: F401 (importable from here as before the split)
    org_reciprocity,
    response_time_summary,
    response_times,
)
from helpers.classify.threads import EDGE_COUNTS, classify_edges, mode_threads, role_lookup

logger = logging.getLogger(__name__)

MODES = ("one_way", "two_way", "crowd_sourced")
MODE_RULES = (
    ("amplification", "crowd_sourced", "the organisation shares or quotes public content"),
    (
        "collected stories",
        "crowd_sourced",
        "an organisation's top-level post calls for the public's stories or presents one they contributed",
    ),
    ("org-public exchange", "two_way", "organisation and public reply to, mention or quote each other"),
    (
        "public exchange",
        "crowd_sourced",
        "members of the public reply to, mention, quote or share each other",
    ),
    (
        "page broadcast",
        "one_way",
        "a page (peer organisation, clinician) posts on a page platform, unanswered",
    ),
    ("public content", "crowd_sourced", "public posts in which the organisation takes no part"),
    ("broadcast", "one_way", "organisation posts, its own follow-ups and public shares of them"),
)
# Platforms whose exports hold posts of pages (organisations, public figures, groups), not of
# private people: CrowdTangle and the Meta Content Library export Facebook page posts without comments.
PAGE_PLATFORMS = ("facebook",)
TIME_SLICES = {"month": "M", "quarter": "Q", "year": "Y"}


# --------------------------------------------------------------------------- votes and rules


def post_act(is_org: bool, exchanges: set[str], *, story_call: bool = False, page: bool = False) -> str:
    """The mode a single post's own act stands for (its vote).

    Parameters
    ----------
    is_org : bool
        Whether the author is an organisation account.
    exchanges : set of str
        The kinds of exchange (:func:`classify_edges`) of the post's interactions.
    story_call : bool
        An organisation's top-level post that calls for or presents the public's stories.
    page : bool
        A public post on a page platform (:data:`PAGE_PLATFORMS`).

    Examples
    --------
    >>> post_act(True, set()), post_act(False, {"public_to_org"}), post_act(True, {"org_amplifies"})
    ('one_way', 'two_way', 'crowd_sourced')
    """
    if "org_amplifies" in exchanges or (is_org and story_call):
        return "crowd_sourced"
    if exchanges & {"org_to_public", "public_to_org"}:
        return "two_way"
    if exchanges & {"public_to_public", "public_shares_public"}:
        return "crowd_sourced"
    if "public_shares_org" in exchanges:
        return "one_way"
    return "one_way" if is_org or page else "crowd_sourced"


def thread_rule(counts: Mapping[str, float]) -> tuple[str, str]:
    """Apply the decision table (:data:`MODE_RULES`) to a thread's counts.

    Parameters
    ----------
    counts : mapping
        ``org_amplifies``, ``story_calls`` (organisation top-level posts
        calling for or presenting the public's stories), ``org_to_public``,
        ``public_to_org``, ``public_to_public``, ``public_shares_public``,
        ``n_org_posts``, ``org_content`` (posts whose content is the
        organisation's: its own posts and public shares of them) and
        ``page`` (the thread is on a page platform).

    Returns
    -------
    (rule, mode)

    Examples
    --------
    >>> counts = dict.fromkeys(["org_amplifies", "story_calls", "org_to_public", "public_to_org",
    ...                         "public_to_public", "public_shares_public", "org_content"], 0)
    >>> thread_rule({**counts, "n_org_posts": 0, "page": False})
    ('public content', 'crowd_sourced')
    >>> thread_rule({**counts, "n_org_posts": 0, "page": True})
    ('page broadcast', 'one_way')
    """
    if counts["org_amplifies"] > 0:
        rule = "amplification"
    elif counts["story_calls"] > 0:
        rule = "collected stories"
    elif counts["org_to_public"] + counts["public_to_org"] > 0:
        rule = "org-public exchange"
    elif counts["public_to_public"] + counts["public_shares_public"] > 0:
        rule = "public exchange"
    elif counts["n_org_posts"] == 0 and counts["org_content"] == 0:
        rule = "page broadcast" if counts["page"] else "public content"
    else:
        rule = "broadcast"
    return rule, dict((name, mode) for name, mode, _ in MODE_RULES)[rule]


# --------------------------------------------------------------------------- modes


def classify_modes(
    posts: pd.DataFrame,
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    story_calls: pd.Series | None = None,
    page_platforms: tuple[str, ...] = PAGE_PLATFORMS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Communication mode of every thread and post.

    Parameters
    ----------
    posts : DataFrame
        The posts table (``post_id``, ``platform``, ``org_id``, ``author_id``,
        ``author_role``, ``created_at``, ``parent_id``, ``thread_id``,
        ``quoted_id``, ``shared_id``).
    interactions : DataFrame
        The interactions table of the same posts.
    accounts : DataFrame, optional
        The accounts table (roles of accounts seen only as targets).
    story_calls : Series of bool, optional
        Aligned with ``posts``: whether the text calls for or presents the
        public's stories (``sig_story_call > 0``); only organisation
        top-level posts use it.  Without it rule 2 never applies.
    page_platforms : tuple of str
        Platforms whose exports hold page posts only (rule 5).

    Returns
    -------
    post_modes : DataFrame
        ``post_id``, ``platform``, ``thread_id`` (the mode thread),
        ``mode`` (the thread's), ``mode_act`` (the post's own vote) and the
        thread's scores ``mode_one_way``, ``mode_two_way``,
        ``mode_crowd_sourced``.
    thread_modes : DataFrame
        One row per thread: ``platform``, ``thread_id``, ``org_id``,
        ``started_at``, ``ended_at``, counts of posts, authors and exchanges
        (:data:`EDGE_COUNTS`), ``missing_parent`` (a reply whose parent is
        not in the corpus: deleted or not collected), ``rule``, ``mode`` and
        the scores.

    Examples
    --------
    An organisation post with a reply from a patient and the organisation's
    answer is a two-way thread:

    >>> t = pd.Timestamp("2024-02-29", tz="UTC")
    >>> posts = pd.DataFrame({
    ...     "post_id": ["x:1", "x:2", "x:3"], "platform": "twitter", "org_id": "o",
    ...     "author_id": ["twitter:Org", "P-1", "twitter:Org"], "author_role": ["org", "public", "org"],
    ...     "created_at": [t, t + pd.Timedelta("1h"), t + pd.Timedelta("2h")],
    ...     "parent_id": [None, "x:1", "x:2"], "thread_id": "x:1", "quoted_id": None, "shared_id": None})
    >>> interactions = pd.DataFrame({
    ...     "source_author": ["P-1", "twitter:Org"], "target_author": ["twitter:Org", "P-1"],
    ...     "kind": "reply", "post_id": ["x:2", "x:3"], "created_at": t, "org_id": "o",
    ...     "platform": "twitter"})
    >>> post_modes, threads = classify_modes(posts, interactions)
    >>> threads.loc[0, ["rule", "mode"]].tolist()
    ['org-public exchange', 'two_way']
    """
    posts = posts.reset_index(drop=True)
    roles = role_lookup(posts, accounts)
    frame = posts[
        [
            "post_id",
            "platform",
            "org_id",
            "author_id",
            "author_role",
            "created_at",
            "parent_id",
            "shared_id",
            "quoted_id",
        ]
    ].copy()
    frame["thread_id"] = mode_threads(posts)
    edges = classify_edges(interactions, roles)
    where = frame.set_index("post_id")[["platform", "thread_id"]]
    edges = edges[edges["post_id"].isin(where.index)]
    edges = edges.join(where.rename(columns={"platform": "post_platform"}), on="post_id")

    exchanges: dict[str, set[str]] = {}
    for post_id, exchange in zip(edges["post_id"], edges["exchange"], strict=True):
        exchanges.setdefault(post_id, set()).add(exchange)
    calls = np.zeros(len(posts), dtype=bool) if story_calls is None else np.asarray(story_calls, dtype=bool)
    top_level = frame["parent_id"].isna() & frame["shared_id"].isna()
    frame["story_call"] = calls & frame["author_role"].eq("org").to_numpy() & top_level.to_numpy()
    frame["page"] = frame["platform"].isin(page_platforms) & frame["author_role"].ne("org")
    frame["mode_act"] = [
        post_act(role == "org", exchanges.get(pid, set()), story_call=call, page=page)
        for pid, role, call, page in zip(
            frame["post_id"], frame["author_role"], frame["story_call"], frame["page"], strict=True
        )
    ]

    threads = _thread_table(frame, edges, posts, page_platforms)
    post_modes = frame[["post_id", "platform", "thread_id", "mode_act"]].merge(
        threads[["platform", "thread_id", "mode", *_score_columns()]],
        on=["platform", "thread_id"],
        how="left",
        validate="many_to_one",
    )
    post_modes = post_modes[["post_id", "platform", "thread_id", "mode", "mode_act", *_score_columns()]]
    return post_modes, threads


def _score_columns() -> list[str]:
    return [f"mode_{m}" for m in MODES]


def _thread_table(
    frame: pd.DataFrame, edges: pd.DataFrame, posts: pd.DataFrame, page_platforms: tuple[str, ...]
) -> pd.DataFrame:
    key = ["platform", "thread_id"]
    in_corpus = set(posts["post_id"])
    frame = frame.assign(
        is_org=frame["author_role"].eq("org"),
        is_share=frame["shared_id"].notna(),
        missing_parent=frame["parent_id"].notna() & ~frame["parent_id"].isin(in_corpus),
        public_author=frame["author_id"].where(frame["author_role"].ne("org")),
    )
    shares_of_org = set(edges.loc[edges["exchange"].eq("public_shares_org"), "post_id"])
    frame["org_content"] = (frame["is_org"] & ~frame["is_share"]) | frame["post_id"].isin(shares_of_org)
    first = frame.sort_values(["created_at", "post_id"]).drop_duplicates(key)[[*key, "org_id"]]
    grouped = frame.groupby(key, sort=True)
    threads = grouped.agg(
        started_at=("created_at", "min"),
        ended_at=("created_at", "max"),
        n_posts=("post_id", "size"),
        n_org_posts=("is_org", "sum"),
        n_shares=("is_share", "sum"),
        n_public_authors=("public_author", "nunique"),
        org_content=("org_content", "sum"),
        story_calls=("story_call", "sum"),
        missing_parent=("missing_parent", "any"),
    ).reset_index()
    threads["page"] = threads["platform"].isin(page_platforms)
    threads["n_public_posts"] = threads["n_posts"] - threads["n_org_posts"]
    threads = threads.merge(first, on=key, how="left")

    counts = edges.groupby([*key, "exchange"]).size().unstack("exchange", fill_value=0)
    counts = counts.reindex(columns=list(EDGE_COUNTS), fill_value=0).reset_index()
    threads = threads.merge(counts, on=key, how="left")
    quoted = _amplified_by_quote(frame, edges)
    if not quoted.empty:
        threads = threads.merge(quoted, on=key, how="left")
        threads["org_amplifies"] = threads["org_amplifies"].fillna(0) + threads.pop("quoted_by_org").fillna(0)
    threads[list(EDGE_COUNTS)] = threads[list(EDGE_COUNTS)].fillna(0).astype("int64")

    votes = frame.groupby(key)["mode_act"].value_counts(normalize=True).unstack(fill_value=0.0)
    votes = votes.reindex(columns=list(MODES), fill_value=0.0).add_prefix("mode_").reset_index()
    threads = threads.merge(votes, on=key, how="left")
    decided = [
        thread_rule(row)
        for row in threads[[*EDGE_COUNTS, "n_org_posts", "org_content", "story_calls", "page"]].to_dict(
            "records"
        )
    ]
    threads["rule"] = [rule for rule, _ in decided]
    threads["mode"] = [mode for _, mode in decided]
    columns = [
        *key,
        "org_id",
        "started_at",
        "ended_at",
        "n_posts",
        "n_org_posts",
        "n_public_posts",
        "n_public_authors",
        "n_shares",
        *EDGE_COUNTS,
        "story_calls",
        "missing_parent",
        "rule",
        "mode",
        *_score_columns(),
    ]
    return threads[columns].sort_values(["started_at", *key], ignore_index=True)


def _amplified_by_quote(frame: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Threads whose posts the organisation quotes (the quote itself sits in its own thread)."""
    amp = edges[edges["exchange"].eq("org_amplifies") & edges["kind"].eq("quote")]
    if amp.empty:
        return pd.DataFrame()
    quoted = frame.set_index("post_id").loc[amp["post_id"], ["platform", "quoted_id"]]
    where = frame.set_index(["platform", "post_id"])["thread_id"]
    rows = [
        (platform, where[(platform, qid)])
        for platform, qid in zip(quoted["platform"], quoted["quoted_id"], strict=True)
        if qid is not None and (platform, qid) in where.index
    ]
    own = set(zip(amp["post_platform"], amp["thread_id"], strict=True))
    rows = [row for row in rows if row not in own]
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows, columns=["platform", "thread_id"])
    return table.groupby(["platform", "thread_id"]).size().rename("quoted_by_org").reset_index()


# --------------------------------------------------------------------------- over time


def period_start(times: pd.Series, time_slice: str = "quarter") -> pd.Series:
    """First day (UTC, midnight) of the month, quarter or year of each timestamp."""
    freq = TIME_SLICES[time_slice]
    naive = pd.to_datetime(times, utc=True).dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(freq).dt.start_time


def mode_shares(
    threads: pd.DataFrame,
    time_slice: str = "quarter",
    by: str = "org_id",
) -> pd.DataFrame:
    """Share of threads of each mode per organisation and period.

    Parameters
    ----------
    threads : DataFrame
        From :func:`classify_modes` (a thread counts in the period it started).
    time_slice : {"month", "quarter", "year"}
    by : str
        Grouping column, ``org_id`` by default.

    Returns
    -------
    DataFrame
        ``by``, ``period`` (start date), ``mode``, ``threads``, ``share`` (of
        the group's threads in that period; the three modes sum to 1) and
        ``total``.
    """
    if threads.empty:
        return pd.DataFrame(columns=[by, "period", "mode", "threads", "share", "total"])
    frame = threads.assign(period=period_start(threads["started_at"], time_slice))
    counts = frame.groupby([by, "period", "mode"]).size().unstack("mode", fill_value=0)
    counts = counts.reindex(columns=list(MODES), fill_value=0)
    long = counts.stack().rename("threads").reset_index()
    long["total"] = long.groupby([by, "period"])["threads"].transform("sum")
    long["share"] = long["threads"] / long["total"]
    return long[[by, "period", "mode", "threads", "share", "total"]]
