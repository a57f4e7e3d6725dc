"""Tables for people: what a report shows of a DataFrame.

A reviewer reads ``24.1%`` and ``1,204``, not ``0.241000`` and
``1204.000000``; "knowledge type", not ``knowledge_type``; "one-way", not
``one_way``; a list as words, not its Python repr; a dash where there is no
value, not ``NaN``; and no row numbers.  Every cell is escaped (names from
the data must not run in a browser).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

MISSING = "–"

HEADERS = {
    "org_id": "organisation",
    "author_role": "author",
    "knowledge_type": "knowledge type",
    "knowledge_lang": "language",
    "knowledge_method": "classifier method",
    "thread_share": "share of threads",
    "post_share": "share of posts",
    "mean_score": "mean score",
    "narrative_person": "narrative person",
    "public_to_org": "public to organisation",
    "org_to_public": "organisation to public",
    "dyad_reciprocity": "reciprocated pairs",
    "edge_reciprocity": "reciprocated ties",
    "reciprocated_dyads": "reciprocated pairs (n)",
    "answered_share": "share answered",
    "median_hours": "median hours",
    "q25_hours": "first quartile (hours)",
    "q75_hours": "third quartile (hours)",
    "km_median_hours": "Kaplan-Meier median (hours)",
    "km_ci_low": "95% CI low (hours)",
    "km_ci_high": "95% CI high (hours)",
    "f1": "F1",
    "irr": "incidence rate ratio",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_value": "p",
}
"""Column names of the package's tables as a reader says them (others: underscores become spaces)."""

VALUE_WORDS = {
    "one_way": "one-way",
    "two_way": "two-way",
    "crowd_sourced": "crowd-sourced",
    "mediated_experiential": "mediated experiential",
    "org": "organisation",
}
"""Category values as a reader says them."""

SHARE_WORDS = ("share", "proportion", "reciprocity", "rate_of")
PERCENT = "percent_columns"
"""``table.attrs[PERCENT]``: share columns whose names do not say so (a crosstab's), shown in percent."""


def human_header(name: object) -> str:
    """``"thread_share" -> "share of threads"``; ``"n_posts" -> "n posts"``."""
    text = str(name)
    return HEADERS.get(text) or VALUE_WORDS.get(text) or text.replace("_", " ")


def for_people(table: pd.DataFrame) -> Styler:
    """The table as a report shows it: formatted numbers, human headers and values, escaped, no index.

    A meaningful index (named, or not of integers) becomes the first columns
    instead of being dropped.  Share columns (named ``*share*`` and within
    0-1, or listed in ``table.attrs["percent_columns"]``) become percentages
    with one decimal; whole numbers get
    thousands separators; other numbers three significant digits; missing
    values a dash; lists and sets their items joined by "; ".
    """
    frame = _with_index_as_columns(table)
    percent_columns = {human_header(column) for column in table.attrs.get(PERCENT, ())}
    frame.columns = _unique([human_header(column) for column in _flat_columns(frame.columns)])
    formats = {column: _percent if column in percent_columns else _formatter(frame[column], column)
               for column in frame.columns}
    for column in frame.columns:
        if frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype):
            frame[column] = frame[column].map(_words)
    styler = (frame.style.hide(axis="index").format(formats, na_rep=MISSING, escape="html")
              .format_index(escape="html", axis="columns"))  # headers hold names from the data too
    return styler.set_table_attributes('class="people"')


def _with_index_as_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Row numbers (an unnamed integer index) are dropped; any other index becomes columns."""
    row_numbers = table.index.nlevels == 1 and table.index.name is None and (
        pd.api.types.is_integer_dtype(table.index) or len(table.index) == 0)
    if row_numbers:
        return table.reset_index(drop=True)
    frame = table.copy()
    frame.index = frame.index.set_names([name if name is not None else f"level_{i}"
                                         for i, name in enumerate(frame.index.names)])
    return frame.reset_index()


def _flat_columns(columns: pd.Index) -> list[str]:
    if isinstance(columns, pd.MultiIndex):
        return [" ".join(str(part) for part in column if str(part)) for column in columns]
    return [str(column) for column in columns]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _formatter(values: pd.Series, header: str) -> Callable[[Any], str] | None:
    if pd.api.types.is_bool_dtype(values):
        return lambda value: "yes" if value else "no"
    if not pd.api.types.is_numeric_dtype(values):
        return None
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if any(word in header.replace(" ", "_") for word in SHARE_WORDS) and numbers.between(0, 1).all():
        return _percent
    if numbers.empty or np.all(np.isclose(numbers, np.round(numbers))):
        return _whole
    return _significant


def _percent(value: Any) -> str:
    return MISSING if _missing(value) else f"{100 * float(value):.1f}%"


def _whole(value: Any) -> str:
    return MISSING if _missing(value) else f"{float(value):,.0f}"


def _significant(value: Any) -> str:
    if _missing(value):
        return MISSING
    number = float(value)
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 1:
        return f"{number:.2f}"
    if number == 0:
        return "0"
    return f"{number:.3g}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _words(value: Any) -> Any:
    """Lists and sets as items joined by "; ", category codes as words, missing values as a dash."""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return "; ".join(str(_words(item)) for item in items)
    if _missing(value):
        return MISSING
    if isinstance(value, str):
        return VALUE_WORDS.get(value, value)
    return value
