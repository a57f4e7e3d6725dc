"""Time slices: the interactions per calendar period, and how the network grows over them."""

from __future__ import annotations

import pandas as pd

from helpers.networks.build import edge_table, summarise_edges

_FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}


def time_periods(created_at: pd.Series, freq: str = "quarter") -> pd.Series:
    """Calendar period (``2024Q1``, ``2024-03``, ``2024``) of each UTC timestamp."""
    if freq not in _FREQUENCIES:
        raise ValueError(f"unknown time slice {freq!r}; known: {', '.join(_FREQUENCIES)}")
    stamps = pd.to_datetime(created_at, utc=True).dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.dt.to_period(_FREQUENCIES[freq])


def time_slices(
    interactions: pd.DataFrame, freq: str = "quarter", *, cumulative: bool = False
) -> dict[str, pd.DataFrame]:
    """Split the interactions by calendar period (``config.analysis.time_slice``).

    Parameters
    ----------
    interactions : DataFrame
    freq : {"month", "quarter", "year"}
    cumulative : bool
        Each slice holds everything up to the end of its period (how the
        network grew) instead of that period only (who was active then).

    Returns
    -------
    dict
        Period label (``"2024Q1"``) to the interactions of that slice, in time order.
    """
    periods = time_periods(interactions["created_at"], freq)
    slices = {}
    for period in sorted(periods.unique()):
        mask = periods <= period if cumulative else periods == period
        slices[str(period)] = interactions[mask.to_numpy()]
    return slices


def growth_table(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    freq: str = "quarter",
) -> pd.DataFrame:
    """How the interaction network grows, one row per period.

    Returns
    -------
    DataFrame
        Indexed by period: ``interactions``, ``active_accounts``,
        ``new_accounts`` (first seen in this period), ``cumulative_accounts``,
        and for the period's own network ``edges``, ``density``,
        ``reciprocity``, ``org_share`` and ``public_share`` (see
        :func:`summarise_edges`), plus ``largest_component_share`` of the
        cumulative network (does the community knit together over time?).
    """
    columns = ["interactions", "active_accounts", "new_accounts", "cumulative_accounts", "edges",
               "density", "reciprocity", "org_share", "public_share", "largest_component_share"]
    if interactions.empty:
        return pd.DataFrame(columns=columns).rename_axis("period")
    orgs = set(accounts.loc[accounts["is_org"], "author_id"]) if accounts is not None else set()
    periods = time_periods(interactions["created_at"], freq)
    seen: set[str] = set()
    rows = []
    for period in sorted(periods.unique()):
        now = interactions[(periods == period).to_numpy()]
        upto = interactions[(periods <= period).to_numpy()]
        active = set(now["source_author"]).union(now["target_author"])
        new = active - seen
        seen |= active
        snapshot = summarise_edges(edge_table(now), org_accounts=orgs)
        grown = summarise_edges(edge_table(upto))
        rows.append({
            "period": str(period),
            "interactions": len(now),
            "active_accounts": len(active),
            "new_accounts": len(new),
            "cumulative_accounts": len(seen),
            "edges": int(snapshot["edges"]),
            "density": snapshot["density"],
            "reciprocity": snapshot["reciprocity"],
            "org_share": snapshot["org_share"],
            "public_share": snapshot["public_share"],
            "largest_component_share": grown["largest_component_share"],
        })
    return pd.DataFrame(rows, columns=["period", *columns]).set_index("period")
