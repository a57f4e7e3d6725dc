"""Everything that touches disk: the one atomic writer and readers of the study's marker files."""

from helpers.store.atomic import (
    PRIVATE_FILE_MODE,
    PRIVATE_FOLDER_MODE,
    atomic_path,
    read_json_marker,
    spreadsheet_safe,
    tighten,
    write_bytes_atomic,
    write_csv_atomic,
    write_json_atomic,
    write_text_atomic,
)

__all__ = [
    "PRIVATE_FILE_MODE",
    "PRIVATE_FOLDER_MODE",
    "atomic_path",
    "read_json_marker",
    "spreadsheet_safe",
    "tighten",
    "write_bytes_atomic",
    "write_csv_atomic",
    "write_json_atomic",
    "write_text_atomic",
]
