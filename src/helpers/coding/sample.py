"""Draw the posts to hand-code and write one blind coding sheet per coder.

The sample is stratified by organisation, platform and month with
proportional allocation (Neuendorf 2017, ch. 5), so that no organisation or
period is missed by chance.  A seeded subset of it, the *overlap*, goes to
every coder so that their agreement can be measured; the rest is split evenly
among coders (Krippendorff 2018, ch. 12: reliability data are a sample of the
units, coded independently by every coder).  Sheets are *blind*: they hold the
post's text only, never a machine label, another coder's codes or whether a
unit is in the overlap.

References
----------
Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.
Neuendorf, K. A. (2017). *The Content Analysis Guidebook* (2nd ed.). Sage.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from helpers.coding.codebook import Codebook, CodingError
from helpers.errors import require_folder, storage_errors

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("post_id", "text", "org_id", "platform", "created_at")
DEFAULT_STRATA = ("org_id", "platform", "month")
KEY_FILE = "sample_key.csv"
"""The study lead's key to the sample: which coder has which unit, and which units are in the overlap."""

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
RESERVED_NAMES = frozenset({"sample_key", "unit_id", "text", "note", "coder", "variable", "code", "final",
                            "overlap", "post_id", "con", "prn", "aux", "nul",
                            *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
"""Coder names that would clash with a file of the coding folder, a column of a sheet, or a device name."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""

XLSX_LIST_LIMIT = 255
"""Excel's limit on the length of an inline dropdown list."""


def draw_sample(posts: pd.DataFrame, *, size: int, coders: list[str], overlap: int, seed: int,
                strata: tuple[str, ...] = DEFAULT_STRATA) -> pd.DataFrame:
    """Draw a stratified, seeded sample of posts and assign it to coders.

    Parameters
    ----------
    posts : DataFrame
        At least ``post_id``, ``text``, ``org_id``, ``platform`` and
        ``created_at`` (UTC timestamps); ``month`` (``YYYY-MM``) is derived
        from ``created_at``.  Posts with empty text are skipped.
    size : int
        Number of distinct posts to draw.  Allocated to strata in proportion
        to their size by largest remainders (Hamilton), with at least one post
        per stratum when ``size`` is at least the number of strata.
    coders : list of str
        Coder names (letters, digits, ``_`` and ``-``: they name files).
    overlap : int
        Number of sampled posts every coder codes, for reliability; the other
        ``size - overlap`` posts are split evenly among coders.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same posts, size, coders
        and seed give the same sample and assignment.
    strata : tuple of str
        Columns that define the strata.

    Returns
    -------
    DataFrame
        One row per coder and unit: ``coder``, ``unit_id`` (the ``post_id``),
        ``text``, ``overlap`` (bool) and the strata columns, ordered by coder
        (as given) and, within a coder, shuffled.

    Raises
    ------
    CodingError
        When ``size`` exceeds the posts with text, ``overlap`` exceeds
        ``size``, there is no coder, coder names repeat or are not safe as file
        names, or a column is missing.
    """
    check_coders(coders)
    pool = _eligible_posts(posts, strata)
    _check_sizes(size, overlap, available=len(pool), total=len(posts))
    rng = np.random.default_rng(seed)
    chosen = _stratified(pool, size, list(strata), rng)
    if overlap == 0 and len(coders) > 1:
        logger.warning("no overlap: agreement between the %d coders cannot be measured", len(coders))
    return _assign(chosen, coders, overlap, list(strata), rng)


def check_coders(coders: Sequence[str]) -> None:
    """Raise :class:`CodingError` unless ``coders`` are one or more distinct names safe as file names.

    Examples
    --------
    >>> check_coders(["anna", "ben-2"])
    >>> check_coders(["../anna"])
    Traceback (most recent call last):
    ...
    helpers.coding.codebook.CodingError: coder name '../anna' cannot name a file: use letters, digits, \
'_' and '-' (up to 64, starting with a letter or digit)
    """
    if len(coders) < 1:
        raise CodingError("at least one coder is needed; give their names")
    for coder in coders:
        if not isinstance(coder, str) or not SAFE_NAME.match(coder):
            raise CodingError(f"coder name {coder!r} cannot name a file: use letters, digits, '_' and '-' "
                              "(up to 64, starting with a letter or digit)")
        if coder.casefold() in RESERVED_NAMES:
            raise CodingError(f"coder name {coder!r} is reserved (a file or column of the coding sheets); "
                              "choose another")
    folded = [coder.casefold() for coder in coders]
    duplicates = sorted({coder for coder in coders if folded.count(coder.casefold()) > 1})
    if duplicates:
        raise CodingError(f"coder names repeat (ignoring case, as file names do): {duplicates}")


def allocate(counts: Sequence[int], size: int, rng: np.random.Generator) -> np.ndarray:
    """Proportional allocation of ``size`` draws to strata of ``counts`` units, by largest remainders.

    Ties between equal remainders are broken at random (``rng``).  When
    ``size`` is at least the number of strata, every stratum gets at least one
    draw, taken from the stratum furthest above its quota.

    Examples
    --------
    >>> allocate([50, 30, 20], 10, np.random.default_rng(0)).tolist()
    [5, 3, 2]
    >>> allocate([97, 2, 1], 10, np.random.default_rng(0)).tolist()
    [8, 1, 1]
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    alloc = size * counts // total
    remainders = size * counts % total
    left = size - int(alloc.sum())
    order = np.lexsort((rng.random(len(counts)), -remainders))
    alloc[order[:left]] += 1
    if size >= len(counts):
        while (alloc == 0).any():
            empty = np.flatnonzero(alloc == 0)
            taker = empty[np.argmax(counts[empty])]
            donors = np.flatnonzero(alloc > 1)
            surplus = alloc[donors] * total - size * counts[donors]
            alloc[donors[np.argmax(surplus)]] -= 1
            alloc[taker] += 1
    return alloc


def _eligible_posts(posts: pd.DataFrame, strata: tuple[str, ...]) -> pd.DataFrame:
    missing = [column for column in (*REQUIRED_COLUMNS, *strata)
               if column not in posts.columns and column != "month"]
    if missing:
        raise CodingError(f"the posts lack columns {missing}; a sample needs {list(REQUIRED_COLUMNS)} "
                          f"and the strata {list(strata)}")
    if posts["post_id"].duplicated().any():
        repeated = posts.loc[posts["post_id"].duplicated(), "post_id"].head(5).tolist()
        raise CodingError(f"post_id repeats in the posts (e.g. {repeated}); each post must appear once")
    text = posts["text"].fillna("").astype(str)
    pool = posts[text.str.strip() != ""].copy()
    try:
        created = pd.to_datetime(pool["created_at"], utc=True)
    except (ValueError, TypeError) as exc:
        raise CodingError(f"created_at cannot be read as timestamps ({exc})") from None
    pool["month"] = created.dt.strftime("%Y-%m")
    return pool.sort_values("post_id", kind="stable").reset_index(drop=True)


def _check_sizes(size: int, overlap: int, *, available: int, total: int) -> None:
    if size < 1:
        raise CodingError(f"sample size {size}: draw at least one post")
    if size > available:
        raise CodingError(f"sample size {size} exceeds the {available:,} posts with text available "
                          f"({total - available:,} of {total:,} have no text); draw at most {available:,}")
    if overlap < 0:
        raise CodingError(f"overlap {overlap}: give 0 or more units for every coder")
    if overlap > size:
        raise CodingError(f"overlap {overlap} exceeds the sample size {size}; the overlap is part of the "
                          "sample")


def _stratified(pool: pd.DataFrame, size: int, strata: list[str], rng: np.random.Generator) -> pd.DataFrame:
    groups = pool.groupby(strata, sort=True, dropna=False).ngroup().to_numpy()
    counts = np.bincount(groups)
    alloc = allocate(counts, size, rng)
    picked = [rng.choice(np.flatnonzero(groups == group), int(n), replace=False)
              for group, n in enumerate(alloc) if n > 0]
    logger.info("sample of %d posts from %d strata of %d posts (%d strata drawn)", size, len(counts),
                len(pool), int((alloc > 0).sum()))
    return pool.iloc[np.sort(np.concatenate(picked))].reset_index(drop=True)


def _assign(chosen: pd.DataFrame, coders: list[str], overlap: int, strata: list[str],
            rng: np.random.Generator) -> pd.DataFrame:
    order = rng.permutation(len(chosen))
    shared, rest = order[:overlap], order[overlap:]
    frames = []
    for number, coder in enumerate(coders):
        mine = rng.permutation(np.concatenate([shared, rest[number::len(coders)]]))
        rows = chosen.iloc[mine]
        frame = pd.DataFrame({"coder": coder, "unit_id": rows["post_id"].to_numpy(),
                              "text": rows["text"].to_numpy(), "overlap": np.isin(mine, shared)})
        for column in strata:
            frame[column] = rows[column].to_numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def write_coding_sheets(assignments: pd.DataFrame, folder: Path, codebook: Codebook, *,
                        overwrite: bool = False) -> list[Path]:
    """Write one blind coding sheet per coder (CSV and XLSX) and the study lead's sample key.

    Parameters
    ----------
    assignments : DataFrame
        :func:`draw_sample`'s frame (``coder``, ``unit_id``, ``text``,
        ``overlap`` and strata columns).
    folder : Path
        Where to write ``<coder>.csv``, ``<coder>.xlsx`` and ``sample_key.csv``
        (created, mode 0700, if needed).
    codebook : Codebook
        Its variables become the empty columns to fill, with a dropdown of
        their codes in the XLSX and a "codebook" sheet.
    overwrite : bool
        Replace existing sheets; by default an existing sheet, which may hold
        a coder's work, is an error.

    Returns
    -------
    list of Path
        The files written, each readable by its owner only (0600) where the
        file system allows.

    Notes
    -----
    A sheet holds ``unit_id``, ``text``, one empty column per variable and
    ``note``: no machine label, no other coder's codes, no overlap flag.
    In the CSV (UTF-8 with a byte-order mark, for Excel) a text cell that
    starts with ``= + - @`` (or a tab or carriage return) gets a leading
    ``'`` so that no spreadsheet runs it as a formula; in the XLSX such cells
    are stored as text.
    """
    coders = _assignment_coders(assignments)
    folder = Path(folder)
    targets = [folder / f"{coder}{suffix}" for coder in coders for suffix in (".csv", ".xlsx")]
    targets.append(folder / KEY_FILE)
    existing = [str(path) for path in targets if path.exists()]
    if existing and not overwrite:
        raise CodingError(f"coding sheets already exist and may hold coders' work: {existing}; "
                          "choose another folder, or move them away first")
    require_folder(folder, "coding folder")
    with storage_errors(folder):
        for coder in coders:
            sheet = _blank_sheet(assignments[assignments["coder"] == coder], codebook)
            sheet.map(safe_cell).to_csv(folder / f"{coder}.csv", index=False, encoding="utf-8-sig")
            _write_xlsx(sheet, folder / f"{coder}.xlsx", codebook)
        strata = [c for c in assignments.columns if c not in ("coder", "unit_id", "text", "overlap")]
        key = assignments[["coder", "unit_id", "overlap", *strata]]
        key.map(safe_cell).to_csv(folder / KEY_FILE, index=False, encoding="utf-8-sig")
    for path in targets:
        _owner_only(path)
    logger.info("coding sheets for %d coders (%d rows) in %s", len(coders), len(assignments), folder)
    return targets


def _assignment_coders(assignments: pd.DataFrame) -> list[str]:
    missing = [c for c in ("coder", "unit_id", "text") if c not in assignments.columns]
    if missing:
        raise CodingError(f"the assignments lack columns {missing}; use draw_sample's frame")
    coders = list(dict.fromkeys(assignments["coder"]))
    check_coders(coders)
    return coders


def _blank_sheet(rows: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    sheet = pd.DataFrame({"unit_id": rows["unit_id"].astype(str).to_numpy(),
                          "text": rows["text"].fillna("").astype(str).to_numpy()})
    for variable in codebook.variables:
        sheet[variable.name] = ""
    sheet["note"] = ""
    return sheet


def safe_cell(value: object) -> object:
    """A cell value no spreadsheet will run as a formula: text starting with ``= + - @`` gets a ``'``.

    Examples
    --------
    >>> safe_cell("=1+2"), safe_cell("-3 days"), safe_cell("fine"), safe_cell(3)
    ("'=1+2", "'-3 days", 'fine', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """Undo :func:`safe_cell` (for unit ids read back from a sheet).

    Examples
    --------
    >>> unsafe_cell("'-17"), unsafe_cell("'quoted'")
    ('-17', "'quoted'")
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _write_xlsx(sheet: pd.DataFrame, path: Path, codebook: Codebook) -> None:
    book = Workbook()
    coding = book.active
    assert isinstance(coding, Worksheet)
    coding.title = "coding"
    book.properties.title = f"{codebook.title} (version {codebook.version})"
    _fill(coding, list(sheet.columns), sheet.itertuples(index=False, name=None))
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in coding["B"][1:]:
        cell.alignment = wrap
    widths = {"unit_id": 24, "text": 80, "note": 30}
    for number, column in enumerate(sheet.columns, start=1):
        coding.column_dimensions[get_column_letter(number)].width = widths.get(column, 22)
    coding.freeze_panes = "A2"
    starts = _codebook_sheet(book, codebook)
    last_row = max(len(sheet) + 1, 2)
    for number, variable in enumerate(codebook.variables, start=3):
        letter = get_column_letter(number)
        validation = DataValidation(type="list", formula1=_dropdown(codebook, variable.name, starts),
                                    allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                    errorTitle="Not a code", promptTitle=variable.label[:32],
                                    error=f"Choose a code of {variable.name} (see the codebook sheet)"[:255],
                                    prompt=", ".join(codebook.codes(variable.name))[:255])
        validation.add(f"{letter}2:{letter}{last_row}")
        coding.add_data_validation(validation)
    book.save(path)


def _codebook_sheet(book: Workbook, codebook: Codebook) -> dict[str, int]:
    """Add the "codebook" sheet; return the first row of each variable's codes."""
    sheet = book.create_sheet("codebook")
    rows: list[tuple[str, ...]] = []
    starts: dict[str, int] = {}
    for variable in codebook.variables:
        starts[variable.name] = len(rows) + 2
        rows += [(variable.name, c.code, c.label, c.definition, "\n".join(c.include), "\n".join(c.exclude))
                 for c in variable.categories]
    _fill(sheet, ["variable", "code", "label", "definition", "include", "exclude"], rows)
    for letter, width in zip("ABCDEF", (18, 24, 28, 60, 50, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    return starts


def _dropdown(codebook: Codebook, name: str, starts: dict[str, int]) -> str:
    inline = '"' + ",".join(codebook.codes(name)) + '"'
    if len(inline) <= XLSX_LIST_LIMIT:
        return inline
    first = starts[name]
    return f"codebook!$B${first}:$B${first + len(codebook.codes(name)) - 1}"


def _fill(sheet: Worksheet, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    bold = Font(bold=True)
    for number, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=number)
        _set_text(cell, name)
        cell.font = bold
    for row_number, row in enumerate(rows, start=2):
        for number, value in enumerate(row, start=1):
            _set_text(sheet.cell(row=row_number, column=number), value)


def _set_text(cell: Cell, value: object) -> None:
    """Store ``value`` as text, never as a formula; drop the control characters XLSX cannot hold."""
    text = "" if _missing(value) else ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text:
        return
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def _owner_only(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError as exc:  # e.g. a file system without Unix permissions
        logger.debug("cannot make %s owner-only: %s", path, exc)
