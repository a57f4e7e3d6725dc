"""Canonical tables (posts, accounts, interactions, quarantine) and their pandera schemas.

Every table the package writes goes through :func:`write_table`, which
validates it against its schema and writes parquet atomically (a temporary
file in the same folder, then a rename), so a crash never leaves a partial
table behind.  See ``docs/data-model.md`` for the column meanings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.actor_rules import ACTOR_TYPES
from helpers.errors import UserError
from helpers.store import atomic_path
from helpers.store.memo import FileMemo

PLATFORMS = ["twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum"]
AUTHOR_ROLES = ["org", "public"]
INTERACTION_KINDS = ["reply", "mention", "share", "quote"]
UTC_TIME = "datetime64[us, UTC]"


def _list_of_str(series: pd.Series) -> bool:
    return bool(series.map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).all())


def _list_column(**kwargs: object) -> pa.Column:
    return pa.Column(object, checks=pa.Check(_list_of_str, error="must hold lists"), **kwargs)


def _count_column() -> pa.Column:
    return pa.Column("Int64", checks=pa.Check.ge(0), nullable=True, coerce=True)


POSTS = pa.DataFrameSchema(
    {
        "post_id": pa.Column(str, unique=True, checks=pa.Check.str_matches(r"^[a-z]+:.+")),
        "platform": pa.Column(str, checks=pa.Check.isin(PLATFORMS)),
        "org_id": pa.Column(str),
        "author_id": pa.Column(str),
        "author_role": pa.Column(str, checks=pa.Check.isin(AUTHOR_ROLES)),
        "created_at": pa.Column(UTC_TIME, coerce=True),
        "text": pa.Column(str),
        "lang": pa.Column(str, nullable=True),
        "parent_id": pa.Column(str, nullable=True),
        "thread_id": pa.Column(str),
        "quoted_id": pa.Column(str, nullable=True),
        "shared_id": pa.Column(str, nullable=True),
        "mentions": _list_column(),
        "hashtags": _list_column(),
        "urls": _list_column(),
        "likes": _count_column(),
        "shares": _count_column(),
        "replies": _count_column(),
        "source_file": pa.Column(str),
        "source_line": pa.Column("int64", checks=pa.Check.ge(1), coerce=True),
    },
    strict=True,
    ordered=True,
    name="posts",
)

ACCOUNTS = pa.DataFrameSchema(
    {
        "author_id": pa.Column(str),
        "platform": pa.Column(str, checks=pa.Check.isin(PLATFORMS)),
        "role": pa.Column(str, checks=pa.Check.isin(AUTHOR_ROLES)),
        "is_org": pa.Column(bool),
        "org_id": pa.Column(str, nullable=True),
        "label": pa.Column(str, nullable=True),
        "first_seen": pa.Column(UTC_TIME, coerce=True),
        "last_seen": pa.Column(UTC_TIME, coerce=True),
        "post_count": pa.Column("int64", checks=pa.Check.ge(0), coerce=True),
        "actor_type": pa.Column(str, checks=pa.Check.isin(ACTOR_TYPES)),
        "actor_basis": pa.Column(str),
        "actor_confidence": pa.Column(float, checks=pa.Check.in_range(0.0, 1.0), coerce=True),
    },
    strict=True,
    ordered=True,
    unique=["author_id", "platform"],
    checks=[
        pa.Check(
            lambda df: (df["label"].isna() | df["is_org"]).all(), error="only org accounts have a label"
        ),
        pa.Check(lambda df: (df["is_org"] == (df["role"] == "org")).all(), error="is_org must match role"),
    ],
    name="accounts",
)

INTERACTIONS = pa.DataFrameSchema(
    {
        "source_author": pa.Column(str),
        "target_author": pa.Column(str),
        "kind": pa.Column(str, checks=pa.Check.isin(INTERACTION_KINDS)),
        "post_id": pa.Column(str),
        "created_at": pa.Column(UTC_TIME, coerce=True),
        "org_id": pa.Column(str),
        "platform": pa.Column(str, checks=pa.Check.isin(PLATFORMS)),
    },
    strict=True,
    ordered=True,
    name="interactions",
)

QUARANTINE = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_line": pa.Column("int64", checks=pa.Check.ge(0), coerce=True),
        "org_id": pa.Column(str),
        "format": pa.Column(str),
        "reason": pa.Column(str, checks=pa.Check.str_length(min_value=1)),
        "raw_excerpt": pa.Column(str),
    },
    strict=True,
    ordered=True,
    name="quarantine",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "posts": POSTS,
    "accounts": ACCOUNTS,
    "interactions": INTERACTIONS,
    "quarantine": QUARANTINE,
}


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty DataFrame with the columns and dtypes of table ``name``."""
    schema = SCHEMAS[name]
    frame = pd.DataFrame({col: pd.Series(dtype=_dtype_for(c)) for col, c in schema.columns.items()})
    return schema.validate(frame)


def _dtype_for(column: pa.Column) -> str:
    return str(column.dtype)


def schema_part(schema: pa.DataFrameSchema, columns: Sequence[str]) -> pa.DataFrameSchema:
    """The checks of these columns of ``schema``, for a table read with only them.

    The table-wide checks (unique pairs, rows whose scores sum to one) need
    columns that are not read; they held when the whole table was written.
    """
    return pa.DataFrameSchema({name: schema.columns[name] for name in columns}, name=schema.name)


def validate(df: pd.DataFrame, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Validate ``df`` against the schema of table ``name`` and return the coerced frame.

    With ``columns``, ``df`` holds only those columns of the table and is
    validated against their part of the schema.

    Raises
    ------
    pandera.errors.SchemaErrors
        With every failing check listed (lazy validation).
    """
    schema = SCHEMAS[name] if columns is None else schema_part(SCHEMAS[name], columns)
    if df.empty:  # an empty frame has no values to infer dtypes from: give it the schema's
        df = df.astype({col: _dtype_for(c) for col, c in schema.columns.items() if col in df.columns})
    return schema.validate(df, lazy=True)


def write_table(df: pd.DataFrame, name: str, path: Path) -> pd.DataFrame:
    """Validate and atomically write a canonical table as parquet.

    Parameters
    ----------
    df : DataFrame
        The table.
    name : str
        ``posts``, ``accounts``, ``interactions`` or ``quarantine``.
    path : Path
        Destination ``.parquet`` file; its folder is created.

    Returns
    -------
    DataFrame
        The validated frame that was written.
    """
    validated = validate(df, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(validated, path)
    return validated


def write_parquet_atomic(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` through a temporary file and an atomic rename."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


_READ_TABLES = FileMemo[pd.DataFrame](size=6)


def read_table(name: str, path: Path, *, org_id: str | None = None,
               columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a canonical table written by :func:`write_table`, validating it again.

    A notebook reads the same tables many times (every report helper starts
    from them): a table is read and validated once per process, file
    version (its size and modification time) and request, and each call
    gets its own copy.

    Parameters
    ----------
    name, path : str, Path
        The table and its file.
    org_id : str, optional
        Only this organisation's rows (a table with an ``org_id`` column),
        read with a parquet filter: a report of one organisation of a
        million-post study never holds the other organisations' rows.
    columns : sequence of str, optional
        Only these columns (validated against their part of the schema).
    """
    path = Path(path)
    path.stat()  # a missing table is FileNotFoundError here, as before it was kept
    key = (name, org_id, None if columns is None else tuple(columns))
    return _READ_TABLES.get([path], key, lambda: _read_and_validate(name, path, org_id, columns)).copy()


def _read_and_validate(name: str, path: Path, org_id: str | None = None,
                       columns: Sequence[str] | None = None) -> pd.DataFrame:
    filters = None if org_id is None else [("org_id", "==", org_id)]
    df = pd.read_parquet(path, columns=None if columns is None else list(columns), filters=filters)
    for column in ("mentions", "hashtags", "urls"):
        if column in df.columns:
            df[column] = df[column].map(lambda v: [] if v is None else list(v))
    return validate(df, name, columns)


class NotIngestedError(UserError, FileNotFoundError):
    """A command that reads the study's tables was run before ingestion wrote them."""


INGESTED_TABLES = ("posts", "accounts", "interactions")
"""The tables ingestion writes and every later step reads."""


def require_ingested(processed_dir: Path) -> None:
    """Stop with one message a user can act on when the study has not been ingested yet.

    Without it, a command that reads the tables (``classify``, ``evaluate``,
    ``networks``, the coding commands) failed deep inside on a missing file
    and was reported as a bug.

    Raises
    ------
    NotIngestedError
        Naming the first missing table's file and the command to run.
    """
    for name in INGESTED_TABLES:
        path = table_path(processed_dir, name)
        if not path.exists():
            raise NotIngestedError(f"{path}: not found: the study has not been ingested yet (no {name} "
                                   "table); run `rarevoices ingest --config <study file>` (or "
                                   "`rarevoices batch`) first")


def table_path(processed_dir: Path, name: str) -> Path:
    """Where table ``name`` lives in a study's processed folder."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(SCHEMAS)}")
    return processed_dir / f"{name}.parquet"
