"""Static figures (matplotlib) used by notebooks and reports.

Figures never carry handles of private people: only organisation names and
pseudonyms reach them, because they are drawn from the processed tables.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from helpers.config import StudyConfig
from helpers.ingest.report import load_posts, posts_overview
from helpers.notice import show_instead


def plot_posts_over_time(config: StudyConfig, org_id: str | None = None, freq: str = "W") -> Axes | None:
    """Posts per week (``freq``) and organisation, with Rare Disease Day marked.

    Parameters
    ----------
    config : StudyConfig
    org_id : str, optional
        Only this organisation; all by default.
    freq : str
        pandas offset alias for the bins, weekly by default.
    """
    posts = load_posts(config, org_id)
    if posts.empty:
        show_instead(posts_overview(config, org_id))
        return None
    counts = (
        posts.set_index("created_at").groupby("org_id").resample(freq).size().unstack(0, fill_value=0)
    )
    _, ax = plt.subplots(figsize=(10, 3.5))
    counts.plot(ax=ax, linewidth=1.2)
    for year in sorted({ts.year for ts in counts.index}):
        rdd = _rare_disease_day(year)
        if counts.index.min() <= rdd <= counts.index.max():
            ax.axvline(rdd, color="grey", linestyle=":", linewidth=1)
            ax.annotate("Rare Disease Day", (rdd, ax.get_ylim()[1]), fontsize=8, ha="left", va="top")
    ax.set_xlabel("")
    ax.set_ylabel(f"posts per {'week' if freq == 'W' else freq}")
    ax.set_title("Posts over time")
    ax.legend(title="organisation", fontsize=8)
    return ax


def _rare_disease_day(year: int) -> pd.Timestamp:
    """The last day of February (29th in leap years), in UTC."""
    return pd.Timestamp(year=year, month=3, day=1, tz="UTC") - pd.Timedelta(days=1)
