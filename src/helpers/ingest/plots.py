"""The ingestion's figure: posts over time per organisation, with Rare Disease Day marked."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from helpers.config import StudyConfig
from helpers.ingest.report import load_posts, posts_overview
from helpers.notice import show_instead
from helpers.periods import rare_disease_day
from helpers.plots import date_axis, legend_outside


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
    _, ax = plt.subplots(figsize=(10, 3.5), layout="constrained")
    for org in counts.columns:
        ax.plot(counts.index, counts[org], linewidth=1.2, label=str(org))
    marked = False
    for year in sorted({ts.year for ts in counts.index}):
        rdd = rare_disease_day(year)
        if counts.index.min() <= rdd <= counts.index.max():
            ax.axvline(rdd, color="grey", linestyle=":", linewidth=1,
                       label="_nolegend_" if marked else "Rare Disease Day")
            marked = True
    date_axis(ax.xaxis)
    ax.set_xlabel("")
    ax.set_ylabel(f"posts per {'week' if freq == 'W' else freq}")
    ax.set_title("Posts over time")
    legend_outside(ax, title="organisation")
    return ax
