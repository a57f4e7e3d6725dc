"""Read coders' sheets back, measure their agreement, and settle the labels.

Agreement is Krippendorff's alpha for nominal data, which corrects for the
agreement expected by chance, allows any number of coders and missing
values (Krippendorff 2018, ch. 12; Hayes & Krippendorff 2007), with a
percentile bootstrap interval over units (Efron & Tibshirani 1993).  Units
coded by a single coder do not enter it.  The labels of the sample are the
codes coders agree on, or those a study lead settled in adjudication
(Neuendorf 2017, ch. 6).

References
----------
Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
Hayes, A. F. and Krippendorff, K. (2007). Answering the call for a standard reliability measure for
coding data. *Communication Methods and Measures*, 1(1), 77-89.
Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.
Neuendorf, K. A. (2017). *The Content Analysis Guidebook* (2nd ed.). Sage.
"""

from __future__ import annotations

import logging
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from helpers.coding.codebook import Codebook, CodingError, Variable
from helpers.coding.sample import RESERVED_NAMES, unsafe_cell

logger = logging.getLogger(__name__)

CODE_COLUMNS = ("coder", "unit_id", "variable", "code")
RELIABLE, TENTATIVE = 0.8, 0.667
"""Krippendorff's (2018, ch. 12) thresholds: rely on codes at 0.8; tentative conclusions from 0.667."""


@dataclass(frozen=True, eq=False)
class Agreement:
    """Krippendorff's alpha of one variable, with its interval and where coders differ.

    Attributes
    ----------
    alpha, ci_low, ci_high : float
        Nominal alpha and its percentile bootstrap 95% interval (NaN when
        they cannot be computed).
    n_units : int
        Units coded by two or more coders (the ones alpha is computed on).
    n_coders : int
        Coders who coded the variable.
    per_category : DataFrame
        ``code``, ``units`` (units where any coder used it), ``agreed``
        (units where every coder who coded the unit used it) and
        ``share_agreed``.
    disagreements : DataFrame
        ``unit_id`` and one column per coder with their code.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n_units: int
    n_coders: int
    per_category: pd.DataFrame
    disagreements: pd.DataFrame
    variable: str = ""
    missing: str = ""
    """Why alpha is NaN, in words; empty when it was computed."""
    bootstrap: int = 0
    """Bootstrap resamples behind the interval."""

    def in_words(self) -> str:
        """The result as a sentence for a methods section."""
        name = f" for {self.variable}" if self.variable else ""
        if math.isnan(self.alpha):
            return f"Krippendorff's alpha{name} cannot be computed: {self.missing}."
        interval = (f" (95% CI {_fmt(self.ci_low)}–{_fmt(self.ci_high)}, {self.bootstrap:,} bootstrap "
                     "samples of units)" if not math.isnan(self.ci_low) else " (no bootstrap interval)")
        coders = f"{self.n_coders} coders" if self.n_coders == 2 else f"two or more of {self.n_coders} coders"
        if self.alpha >= RELIABLE:
            verdict = "reliable enough to rely on the codes"
        elif self.alpha >= TENTATIVE:
            verdict = "enough for tentative conclusions only"
        else:
            verdict = "too low to rely on the codes: revise the codebook, retrain the coders and code anew"
        return (f"Krippendorff's alpha{name} {_fmt(self.alpha)}{interval} on {self.n_units:,} units coded "
                f"by {coders}; they disagreed on {len(self.disagreements):,} units; {verdict} "
                f"(Krippendorff 2018 recommends at least {RELIABLE}, and {TENTATIVE} for tentative "
                "conclusions).")


def _fmt(value: float) -> str:
    """Two decimals, three when two would cross a threshold (0.7995 is not 0.80)."""
    two = f"{value:.2f}"
    crossed = any((value >= limit) != (round(value, 2) >= limit) for limit in (RELIABLE, TENTATIVE))
    return f"{value:.3f}" if crossed else two


def read_coded_sheets(paths: list[Path], codebook: Codebook) -> pd.DataFrame:
    """Read coders' filled-in sheets (CSV or XLSX) into one long frame of codes.

    Parameters
    ----------
    paths : list of Path
        One sheet per coder; the coder's name is the file's stem
        (``anna.xlsx`` -> ``anna``).
    codebook : Codebook
        The variables to read (columns of the sheets) and their codes.

    Returns
    -------
    DataFrame
        ``coder``, ``unit_id``, ``variable``, ``code``; empty cells (not
        coded) are left out.  Codes are matched ignoring case and surrounding
        spaces, and written as in the codebook.

    Raises
    ------
    CodingError
        Naming the file, the row (numbered as in the spreadsheet, header =
        row 1) and the column, for a code not in the codebook; or the file,
        for a missing ``unit_id`` column, unit ids that repeat, a code
        without a unit id, or two sheets of one coder.
    """
    frames: list[pd.DataFrame] = []
    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        coder = path.stem
        if coder in seen:
            raise CodingError(f"{path}: a second sheet of coder {coder!r} (the first is {seen[coder]}); "
                              "give one sheet per coder")
        if coder.casefold() in RESERVED_NAMES:
            raise CodingError(f"{path}: the file's name {coder!r} is reserved; "
                              "name the sheet after its coder")
        seen[coder] = path
        frames.append(_sheet_codes(_read_sheet(path), path, coder, codebook))
    if not frames:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in CODE_COLUMNS})
    codes = pd.concat(frames, ignore_index=True)
    logger.info("%d codes from %d sheets", len(codes), len(frames))
    return codes


def _read_sheet(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise CodingError(f"{path}: a coded sheet is a .csv or .xlsx file")
    try:
        if suffix == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                skip_blank_lines=False)
        else:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
            table = sheets.get("coding", next(iter(sheets.values())))
    except FileNotFoundError:
        raise CodingError(f"{path}: coded sheet not found") from None
    except UnicodeDecodeError:
        raise CodingError(f"{path}: not UTF-8 text; save the sheet as 'CSV UTF-8' (or as XLSX)") from None
    except (OSError, ValueError, zipfile.BadZipFile, pd.errors.ParserError,
            pd.errors.EmptyDataError, StopIteration) as exc:
        raise CodingError(f"{path}: cannot be read as a {suffix[1:].upper()} sheet ({exc})") from None
    table.columns = [str(column).strip() for column in table.columns]
    return table.fillna("").astype(str)


def _sheet_codes(table: pd.DataFrame, path: Path, coder: str, codebook: Codebook) -> pd.DataFrame:
    if "unit_id" not in table.columns:
        raise CodingError(f"{path}: no unit_id column (found {list(table.columns)}); "
                          "use the sheet as written")
    variables = [variable for variable in codebook.variables if variable.name in table.columns]
    if not variables:
        raise CodingError(f"{path}: none of the codebook's variables {[v.name for v in codebook.variables]} "
                          "is a column of the sheet")
    units = table["unit_id"].str.strip().map(unsafe_cell)
    codes = {variable.name: _column_codes(table, path, variable) for variable in variables}
    coded = pd.DataFrame(codes).ne("").any(axis=1)
    orphan = coded & units.eq("")
    if orphan.any():
        raise CodingError(f"{path}: row {_row(orphan.idxmax())}: codes without a unit_id; "
                          "restore the unit_id")
    repeated = units.ne("") & units.duplicated(keep=False)
    if repeated.any():
        unit = units[repeated].iloc[0]
        rows = [_row(index) for index in units.index[units.eq(unit)]]
        raise CodingError(f"{path}: unit_id {unit!r} appears in rows {rows}; each unit once per sheet")
    frames = [pd.DataFrame({"coder": coder, "unit_id": units, "variable": name, "code": column})
              for name, column in codes.items()]
    long = pd.concat(frames, ignore_index=True)
    return long[long["code"].ne("") & long["unit_id"].ne("")].reset_index(drop=True)


def _column_codes(table: pd.DataFrame, path: Path, variable: Variable) -> pd.Series:
    """The column's codes as written in the codebook ("" where not coded); an error for any other value."""
    lookup = {category.code.casefold(): category.code for category in variable.categories}
    values = table[variable.name].str.strip()
    normalised = values.str.casefold().map(lookup)
    bad = values.ne("") & normalised.isna()
    if bad.any():
        index = bad.idxmax()
        letter = get_column_letter(table.columns.get_loc(variable.name) + 1)
        raise CodingError(f"{path}: row {_row(index)}, column {letter} ({variable.name}): "
                          f"{values[index]!r} is not a code of {variable.name}; use one of "
                          f"{[category.code for category in variable.categories]} "
                          f"({int(bad.sum())} such cell(s) in the column)")
    return normalised.fillna("").astype(str)


def _row(index: object) -> int:
    """The spreadsheet row of a data row (the header is row 1)."""
    return int(index) + 2  # type: ignore[call-overload]


def _clean_codes(codes: pd.DataFrame) -> pd.DataFrame:
    """Check a long frame of codes and drop the empty ones."""
    missing = [column for column in CODE_COLUMNS if column not in codes.columns]
    if missing:
        raise CodingError(f"the codes lack columns {missing}; use read_coded_sheets' frame")
    frame = codes[list(CODE_COLUMNS)].dropna()
    frame = frame.astype(str)
    frame = frame[frame["code"].str.strip().ne("")]
    repeated = frame.duplicated(["coder", "unit_id", "variable"])
    if repeated.any():
        first = frame[repeated].iloc[0]
        raise CodingError(f"coder {first['coder']!r} has two codes for unit {first['unit_id']!r}, variable "
                          f"{first['variable']!r}; keep one")
    return frame.reset_index(drop=True)


def _wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Units by coders (coders in order of appearance); NaN where a coder did not code a unit."""
    coders = list(dict.fromkeys(frame["coder"]))
    wide = frame.pivot(index="unit_id", columns="coder", values="code").reindex(columns=coders)
    wide.columns.name = None
    return wide


def agreement(codes: pd.DataFrame, variable: str, *, bootstrap: int = 1000, seed: int = 0) -> Agreement:
    """Krippendorff's alpha (nominal) of one variable, with a bootstrap interval over units.

    Parameters
    ----------
    codes : DataFrame
        ``coder``, ``unit_id``, ``variable``, ``code`` (:func:`read_coded_sheets`).
    variable : str
        The variable to measure.
    bootstrap : int
        Resamples of the units (with replacement) for the percentile 95%
        interval; 0 for none.  Resamples without variation (alpha undefined)
        are left out.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    Agreement
        With alpha NaN, and ``in_words()`` saying what is missing, when fewer
        than two units are coded by two or more coders or coders used a
        single code throughout (alpha is then undefined).
    """
    frame = _clean_codes(codes)
    frame = frame[frame["variable"] == variable]
    n_coders = frame["coder"].nunique()
    wide = _wide(frame)
    pairable = wide[wide.notna().sum(axis=1) >= 2]
    result = {"n_units": len(pairable), "n_coders": n_coders, "per_category": _per_category(pairable),
              "disagreements": _disagreements(pairable), "variable": variable}
    missing = _why_missing(frame, pairable, variable)
    if missing:
        return Agreement(alpha=math.nan, ci_low=math.nan, ci_high=math.nan, missing=missing, **result)
    values = sorted(_values(pairable))
    matrix = pairable.apply(lambda column: column.map({v: i for i, v in enumerate(values)})).to_numpy(float).T
    alpha = _alpha(matrix, len(values))
    low, high = _bootstrap_interval(matrix, len(values), bootstrap, seed)
    logger.info("%s: alpha %.3f on %d units, %d coders", variable, alpha, len(pairable), n_coders)
    return Agreement(alpha=alpha, ci_low=low, ci_high=high, bootstrap=bootstrap, **result)


def _why_missing(frame: pd.DataFrame, pairable: pd.DataFrame, variable: str) -> str:
    if frame.empty:
        return f"no unit has a code for {variable}"
    coders = frame["coder"].unique()
    if len(coders) < 2:
        return (f"only one coder ({coders[0]}) coded {variable}; give the overlap units to a second coder "
                "and have them code it independently")
    if len(pairable) < 2:
        return (f"only {len(pairable)} unit(s) coded by two or more coders; at least 2 are needed, and "
                "many more (e.g. 50 or more) for a useful estimate")
    values = _values(pairable)
    if len(values) < 2:
        return (f"every coder used the code {values.pop()!r} on all {len(pairable)} units coded twice or "
                "more: alpha is undefined without variation; code more varied units")
    return ""


def _values(wide: pd.DataFrame) -> set[str]:
    """The codes used in a units-by-coders frame."""
    return set(wide.stack().dropna())


def _alpha(matrix: np.ndarray, n_values: int) -> float:
    """Nominal alpha of a coders-by-units matrix of value indices (NaN = missing); NaN if undefined."""
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = krippendorff.alpha(reliability_data=matrix, value_domain=np.arange(n_values),
                                       level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        return math.nan
    return float(value)


def _bootstrap_interval(matrix: np.ndarray, n_values: int, samples: int, seed: int) -> tuple[float, float]:
    if samples <= 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    n_units = matrix.shape[1]
    alphas = np.array([_alpha(matrix[:, rng.integers(0, n_units, n_units)], n_values)
                       for _ in range(samples)])
    finite = alphas[np.isfinite(alphas)]
    if finite.size == 0:
        return math.nan, math.nan
    if finite.size < samples:
        logger.debug("%d of %d bootstrap samples had no variation", samples - finite.size, samples)
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def _per_category(pairable: pd.DataFrame) -> pd.DataFrame:
    columns = {"code": pd.Series(dtype=object), "units": pd.Series(dtype=int), "agreed": pd.Series(dtype=int),
               "share_agreed": pd.Series(dtype=float)}
    if pairable.empty:
        return pd.DataFrame(columns)
    unanimous = pairable.nunique(axis=1) == 1
    rows = []
    for code in sorted(_values(pairable)):
        used = pairable.eq(code).any(axis=1)
        agreed = int((used & unanimous).sum())
        rows.append({"code": code, "units": int(used.sum()), "agreed": agreed,
                     "share_agreed": agreed / int(used.sum())})
    table = pd.DataFrame(rows)
    return table.sort_values(["units", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _disagreements(pairable: pd.DataFrame) -> pd.DataFrame:
    differ = pairable[pairable.nunique(axis=1) > 1]
    return differ.rename_axis("unit_id").reset_index()


def consensus_labels(codes: pd.DataFrame, adjudicated: pd.DataFrame | None = None) -> pd.DataFrame:
    """One label per unit and variable: the adjudicated code, else the code all its coders agree on.

    Parameters
    ----------
    codes : DataFrame
        ``coder``, ``unit_id``, ``variable``, ``code`` (:func:`read_coded_sheets`).
    adjudicated : DataFrame, optional
        ``unit_id``, ``variable`` and ``code`` (or the ``final`` column of a
        filled-in :func:`adjudication_sheet`); blank codes are ignored.

    Returns
    -------
    DataFrame
        ``post_id`` and one column per variable; missing (NaN) where coders
        disagree and no adjudication settles it.  Saved as CSV, it is what
        ``rarevoices evaluate --labels`` reads.
    """
    frame = _clean_codes(codes)
    grouped = frame.groupby(["unit_id", "variable"], sort=False)["code"]
    labels = grouped.first().where(grouped.nunique() == 1)
    settled = _adjudicated(adjudicated)
    if not settled.empty:
        labels = settled.combine_first(labels)
    variables = list(dict.fromkeys([*frame["variable"], *settled.index.get_level_values("variable")]))
    units = list(dict.fromkeys([*frame["unit_id"], *settled.index.get_level_values("unit_id")]))
    table = labels.unstack("variable").reindex(index=units, columns=variables)
    table.columns.name = None
    disputed = int(table.isna().sum().sum())
    if disputed:
        logger.info("%d labels left missing (coders disagree, not adjudicated)", disputed)
    return table.rename_axis("post_id").reset_index()


def _adjudicated(adjudicated: pd.DataFrame | None) -> pd.Series:
    empty = pd.Series(dtype=object, index=pd.MultiIndex.from_arrays([[], []], names=["unit_id", "variable"]))
    if adjudicated is None or adjudicated.empty:
        return empty
    column = "code" if "code" in adjudicated.columns else "final"
    missing = [c for c in ("unit_id", "variable", column) if c not in adjudicated.columns]
    if missing:
        raise CodingError(f"the adjudicated codes lack columns {missing}; give unit_id, variable and code")
    frame = adjudicated[["unit_id", "variable", column]].dropna().astype(str)
    frame[column] = frame[column].str.strip()
    frame = frame[frame[column].ne("")].drop_duplicates()
    repeated = frame.duplicated(["unit_id", "variable"])
    if repeated.any():
        first = frame[repeated].iloc[0]
        raise CodingError(f"two different adjudicated codes for unit {first['unit_id']!r}, variable "
                          f"{first['variable']!r}; keep one")
    if frame.empty:
        return empty
    return frame.set_index(["unit_id", "variable"])[column]


def adjudication_sheet(codes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Every disagreement, of every variable, for the study lead to settle in the ``final`` column.

    Parameters
    ----------
    codes : DataFrame
        ``coder``, ``unit_id``, ``variable``, ``code`` (:func:`read_coded_sheets`).
    codebook : Codebook
        Gives the variables and their order.

    Returns
    -------
    DataFrame
        ``unit_id``, ``variable``, one column per coder with their code, and
        an empty ``final``; units coded by two or more coders with different
        codes only.  Pass it back, filled in, as ``adjudicated`` to
        :func:`consensus_labels`.
    """
    frame = _clean_codes(codes)
    coders = list(dict.fromkeys(frame["coder"]))
    parts = []
    for variable in codebook.variables:
        wide = _wide(frame[frame["variable"] == variable.name])
        pairable = wide[wide.notna().sum(axis=1) >= 2]
        differ = _disagreements(pairable).reindex(columns=["unit_id", *coders])
        differ.insert(1, "variable", variable.name)
        parts.append(differ)
    sheet = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    sheet = sheet.reindex(columns=["unit_id", "variable", *coders])
    sheet["final"] = ""
    return sheet
