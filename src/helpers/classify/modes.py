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
clinicians included).

Per organisation the module also measures the **reciprocity** of
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
ADDRESS_KINDS = ("reply", "mention", "quote")
EDGE_COUNTS = (
    "org_to_public",
    "public_to_org",
    "public_to_public",
    "org_amplifies",
    "public_shares_org",
    "public_shares_public",
    "org_to_org",
)
TIME_SLICES = {"month": "M", "quarter": "Q", "year": "Y"}


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


# --------------------------------------------------------------------------- reciprocity


def org_reciprocity(
    posts: pd.DataFrame,
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Reciprocity of organisation-public exchange, per organisation.

    Counts replies, mentions and quotes between the organisation's accounts
    and members of the public (shares are diffusion, not address).

    Returns
    -------
    DataFrame
        Per ``org_id``: ``public_to_org`` and ``org_to_public`` (interactions),
        ``public_accounts`` in exchange with the organisation, ``dyads``
        (organisation account, public account pairs with any exchange),
        ``reciprocated_dyads`` (exchange in both directions),
        ``dyad_reciprocity`` (their share) and ``edge_reciprocity`` (share
        of directed pairs whose reverse also exists, as
        ``networkx.overall_reciprocity`` on the org-public graph).

    Notes
    -----
    Dyadic reciprocity follows Wasserman & Faust (1994, ch. 13).  A low
    value with many ``public_to_org`` interactions means the organisation is
    addressed but rarely answers; see :func:`response_times` for how fast it
    answers when it does.
    """
    roles = role_lookup(posts, accounts)
    edges = classify_edges(interactions[interactions["kind"].isin(ADDRESS_KINDS)], roles)
    edges = edges[edges["exchange"].isin(["org_to_public", "public_to_org"])]
    orgs = sorted(set(posts["org_id"]))
    rows = []
    for org_id in orgs:
        mine = edges[edges["org_id"] == org_id]
        org_side = np.where(mine["exchange"] == "public_to_org", mine["target_author"], mine["source_author"])
        public_side = np.where(
            mine["exchange"] == "public_to_org", mine["source_author"], mine["target_author"]
        )
        pairs = pd.DataFrame(
            {
                "platform": mine["platform"].to_numpy(),
                "org": org_side,
                "public": public_side,
                "direction": mine["exchange"].to_numpy(),
            }
        ).drop_duplicates()
        per_dyad = pairs.groupby(["platform", "org", "public"])["direction"].nunique()
        dyads, reciprocated = len(per_dyad), int((per_dyad == 2).sum())
        directed = dyads + reciprocated
        rows.append(
            {
                "org_id": org_id,
                "public_to_org": int((mine["exchange"] == "public_to_org").sum()),
                "org_to_public": int((mine["exchange"] == "org_to_public").sum()),
                "public_accounts": int(pairs[["platform", "public"]].drop_duplicates().shape[0]),
                "dyads": dyads,
                "reciprocated_dyads": reciprocated,
                "dyad_reciprocity": reciprocated / dyads if dyads else np.nan,
                "edge_reciprocity": 2 * reciprocated / directed if directed else np.nan,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- response latency


def response_times(
    posts: pd.DataFrame,
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How long the organisation takes to answer the public, per public post addressed to it.

    A public post *addresses* the organisation when it replies to, mentions
    or quotes one of its accounts.  Its *answer* is the first later post by an
    organisation account in the same thread that replies to it, or replies to
    or mentions its author.

    Returns
    -------
    DataFrame
        One row per addressing post: ``post_id``, ``org_id``, ``platform``,
        ``thread_id``, ``created_at``, ``answered``, ``answer_post_id``,
        ``latency_hours`` (NaN when unanswered) and ``observed_hours`` (time
        to the answer, or to the end of the organisation's data for an
        unanswered post: the censoring time used by
        :func:`response_time_summary`).
    """
    columns = [
        "post_id",
        "org_id",
        "platform",
        "thread_id",
        "created_at",
        "answered",
        "answer_post_id",
        "latency_hours",
        "observed_hours",
    ]
    posts = posts.reset_index(drop=True)
    roles = role_lookup(posts, accounts)
    frame = posts[
        ["post_id", "platform", "org_id", "author_id", "author_role", "created_at", "parent_id"]
    ].copy()
    frame["thread_id"] = mode_threads(posts)
    edges = classify_edges(interactions[interactions["kind"].isin(ADDRESS_KINDS)], roles)
    addressing = set(edges.loc[edges["exchange"] == "public_to_org", "post_id"])
    addresses = frame[frame["post_id"].isin(addressing)]
    if addresses.empty:
        return pd.DataFrame(columns=columns)
    answers = frame[frame["author_role"] == "org"]
    targets = edges[edges["exchange"] == "org_to_public"].groupby("post_id")["target_author"].agg(set)
    answers = answers.assign(targets=answers["post_id"].map(targets))
    pairs = addresses.merge(answers, on=["platform", "thread_id"], suffixes=("", "_answer"))
    later = pairs["created_at_answer"] > pairs["created_at"]
    direct = pairs["parent_id_answer"] == pairs["post_id"]
    to_author = [
        isinstance(t, set) and a in t for t, a in zip(pairs["targets"], pairs["author_id"], strict=True)
    ]
    pairs = pairs[later & (direct | np.array(to_author, dtype=bool))]
    first = pairs.sort_values("created_at_answer").drop_duplicates("post_id")
    first = first.set_index("post_id")[["post_id_answer", "created_at_answer"]]
    out = addresses.join(first, on="post_id")
    end = frame.groupby("org_id")["created_at"].max()
    out["answered"] = out["post_id_answer"].notna()
    out["answer_post_id"] = out["post_id_answer"]
    out["latency_hours"] = (out["created_at_answer"] - out["created_at"]).dt.total_seconds() / 3600
    censor = (out["org_id"].map(end) - out["created_at"]).dt.total_seconds() / 3600
    out["observed_hours"] = out["latency_hours"].fillna(censor)
    return out[columns].sort_values(["org_id", "created_at", "post_id"], ignore_index=True)


def response_time_summary(times: pd.DataFrame) -> pd.DataFrame:
    """Per organisation: share of public posts answered and the time to answer.

    Parameters
    ----------
    times : DataFrame
        From :func:`response_times`.

    Returns
    -------
    DataFrame
        Per ``org_id``: ``addressed`` (public posts addressing the
        organisation), ``answered``, ``answered_share``, the median and
        quartiles of the latency of answered posts (hours), and the
        Kaplan-Meier median time to answer with its 95% confidence interval
        (``km_median_hours``, ``km_ci_low``, ``km_ci_high``), which counts
        unanswered posts as censored at the end of the data.  The
        Kaplan-Meier median is NaN when fewer than half of the posts are ever
        answered.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    rows = []
    for org_id, group in times.groupby("org_id", sort=True):
        answered = group.loc[group["answered"], "latency_hours"]
        row = {
            "org_id": org_id,
            "addressed": len(group),
            "answered": int(group["answered"].sum()),
            "answered_share": float(group["answered"].mean()),
            "median_hours": answered.median(),
            "q25_hours": answered.quantile(0.25),
            "q75_hours": answered.quantile(0.75),
            "km_median_hours": np.nan,
            "km_ci_low": np.nan,
            "km_ci_high": np.nan,
        }
        observed = group["observed_hours"].clip(lower=0).to_numpy(dtype=float)
        if group["answered"].any() and len(group) >= 2:
            fit = SurvfuncRight(observed, group["answered"].to_numpy(dtype=int))
            median = fit.quantile(0.5)
            low, high = fit.quantile_ci(0.5)
            row.update(km_median_hours=_finite(median), km_ci_low=_finite(low), km_ci_high=_finite(high))
        rows.append(row)
    return pd.DataFrame(rows)


def _finite(value: float | None) -> float:
    return float(value) if value is not None and np.isfinite(value) else np.nan


def _values(series: pd.Series) -> list:
    """The column's values as a list, with every missing value as None (not NaN)."""
    return series.astype(object).where(series.notna(), None).tolist()
