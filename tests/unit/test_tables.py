"""Tables as people read them (helpers.tables.for_people, issue 26)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.tables import PERCENT, for_people


def _html(table: pd.DataFrame) -> str:
    return for_people(table).to_html()


def test_numbers_are_formatted_for_reading() -> None:
    table = pd.DataFrame({"org_id": ["sma-uk", "dravet-it"], "thread_share": [0.541, 0.0625],
                          "posts": [1204.0, 127.0], "mean_score": [0.123456, 12.3456],
                          "km_median_hours": [np.nan, 3.5]})
    page = _html(table)
    for debug in ("0.541000", "1204.000000", "127.000000", "nan", "NaN", "thread_share", "org_id",
                  "0.123456"):
        assert debug not in page, debug
    for shown in ("54.1%", "6.2%", "1,204", "127", "0.123", "12.35", "share of threads", "organisation",
                  "Kaplan-Meier median (hours)", "–"):
        assert shown in page, shown


def test_row_numbers_are_hidden_and_a_meaningful_index_is_kept() -> None:
    numbered = _html(pd.DataFrame({"posts": [5, 6]}, index=[10, 11]))
    assert ">10<" not in numbered and ">11<" not in numbered
    named = _html(pd.DataFrame({"posts": [5, 6]}, index=pd.Index(["twitter", "reddit"], name="platform")))
    assert "platform" in named and "twitter" in named


def test_lists_codes_and_crosstab_shares_read_as_words() -> None:
    table = pd.DataFrame({"mode": ["one_way", "crowd_sourced"], "terms": [["rare", "care"], ["sma"]],
                          "experiential": [0.25, 0.5]})
    table.attrs[PERCENT] = ["experiential"]
    page = _html(table)
    assert "one-way" in page and "crowd-sourced" in page and "one_way" not in page
    assert "rare; care" in page and "[" not in page
    assert "25.0%" in page and "50.0%" in page


def test_cells_and_headers_are_escaped() -> None:
    """An organisation's name is a column header in the comparison's tables (shared topics)."""
    table = pd.DataFrame({"name": ["<img src=x onerror=alert(1)>"], "<img src=y onerror=alert(2)>": [1]})
    page = _html(table)
    assert "<img" not in page and "&lt;img src=x" in page and "&lt;img src=y" in page
