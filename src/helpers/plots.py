"""Static figures (matplotlib) used by notebooks and reports, and the layout helpers they share.

Figures never carry handles of private people: only organisation names and
pseudonyms reach them, because they are drawn from the processed tables.

Reports show figures about 1000 px wide and reviewers print them at A4
width, so every figure here keeps its legend out of the data area, writes
its tick labels plainly ("0.5", "2", "40%", "Apr") and never lets two labels
overlap; the helpers below do this the same way in every figure.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.legend import Legend
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter, PercentFormatter

#: Nice multiples for ratio axes, coarsest first: a log axis gets the coarsest ladder with enough ticks.
_RATIO_LADDERS: tuple[tuple[float, ...], ...] = (
    (1.0,), (1.0, 3.0), (1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0),
    (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0),
    (1.0, 1.1, 1.2, 1.3, 1.5, 1.7, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0),
)
#: Average width of a character relative to the font size (DejaVu Sans, digits and lower case).
_CHAR_WIDTH = 0.62


# --------------------------------------------------------------------------- layout helpers


def legend_outside(ax: Axes, *, title: str | None = None, fontsize: float = 8,
                   handles: Sequence[Artist] | None = None) -> Legend | None:
    """The axes' legend to its right, outside the data area (None without labelled artists).

    ``handles`` are the legend's entries (default: the axes' labelled
    artists).  Use it on a figure with constrained layout, which makes room
    for it.
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [str(handle.get_label()) for handle in handles]
    if not handles:
        return None
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                     fontsize=fontsize, title=title, title_fontsize=fontsize, frameon=False)


def percent_axis(axis: Axis) -> None:
    """Label an axis of shares (0 to 1) as percentages: ``0%``, ``20%``, ... ``100%``."""
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def date_axis(axis: Axis) -> None:
    """Concise date ticks (``2024``, ``Apr``, ``Jul``, ...) that stay horizontal without overlapping."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    locator.intervald[mdates.MONTHLY] = [1, 3, 6]  # months, quarters, half years: ticks fall on quarters
    axis.set_major_locator(locator)
    axis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def ratio_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round tick values between ``low`` and ``high`` (> 0) for a log axis of ratios.

    The coarsest ladder of nice multiples (1; 1, 3; 1, 2, 5; ... down to
    steps of 0.1) that gives at least three ticks and at most ``most``; whole
    decades thinned to ``most`` on a very wide range; plain linear steps on a
    range too narrow for two of them (0.95 to 1.05).
    """
    low, high = max(min(low, high), 1e-12), max(low, high)
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    chosen: list[float] = []
    for ladder in _RATIO_LADDERS:
        ticks = [round(step * 10.0**decade, 12) for decade in decades for step in ladder]
        ticks = [tick for tick in ticks if low <= tick <= high]
        if len(ticks) > most:
            break
        chosen = ticks
        if len(ticks) >= 3:
            break
    if not chosen:  # more decades than ticks: every k-th decade
        ticks = [10.0**decade for decade in decades if low <= 10.0**decade <= high]
        chosen = ticks[:: math.ceil(len(ticks) / most)]
    if len(chosen) < 2:
        linear = MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
        chosen = [round(float(tick), 12) for tick in linear if low <= tick <= high]
    return chosen


def plain_number(value: float, _position: int | None = None) -> str:
    """``0.5``, ``1``, ``2.5``, ``100``: a tick label without scientific notation."""
    return f"{value:g}" if 1e-4 <= abs(value) < 1e6 else f"{value:.0e}"


def log_ratio_axis(ax: Axes) -> None:
    """Log-scaled x axis of ratios with a few plainly written ticks (``0.8``, ``1``, ``1.5``).

    Call it after the data are drawn: the ticks are chosen within the
    current limits.  Minor ticks stay as marks, without labels, so the
    ``8x10^-1 9x10^-1`` labels of a narrow log axis cannot collide.
    """
    ax.set_xscale("log")
    low, high = ax.get_xlim()
    ax.xaxis.set_major_locator(FixedLocator(ratio_ticks(low, high)))
    ax.xaxis.set_major_formatter(FuncFormatter(plain_number))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(low, high)


def wrapped(text: str, width_inches: float, fontsize: float) -> str:
    """``text`` broken into lines that fit ``width_inches`` at ``fontsize`` points."""
    characters = max(10, int(width_inches * 72 / (_CHAR_WIDTH * fontsize)))
    return textwrap.fill(text, width=characters, break_long_words=False)


def category_ticks(ax: Axes, labels: Sequence[str], width_inches: float, fontsize: float = 9) -> None:
    """Horizontal x tick labels at 0, 1, ... n-1, thinned to every k-th so that neighbours never touch.

    ``width_inches`` is about the axes' width; a label is given its text's
    width and a gap of two characters.
    """
    if not labels:
        return
    longest = max(len(str(label)) for label in labels) + 2
    fits = max(1, int(width_inches * 72 / (_CHAR_WIDTH * fontsize * longest)))
    step = math.ceil(len(labels) / fits)
    positions = list(range(0, len(labels), step))
    ax.set_xticks(positions, [str(labels[i]) for i in positions], fontsize=fontsize)


# --------------------------------------------------------------------------- figures
