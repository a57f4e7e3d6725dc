"""How organisations answer the public: reciprocity and response latency, per organisation.

:func:`org_reciprocity` is the dyadic reciprocity of Wasserman & Faust (1994,
ch. 13) on organisation-public replies, mentions and quotes;
:func:`response_times` finds the organisation's answer to each public post
addressed to it, and :func:`response_time_summary` summarises the latency with
the Kaplan-Meier estimator (Kaplan & Meier 1958), unanswered posts counting as
censored.  References in :mod:`.modes`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.classify.threads import classify_edges, mode_threads, role_lookup

ADDRESS_KINDS = ("reply", "mention", "quote")


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
