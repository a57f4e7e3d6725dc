"""Readers for platform exports, and the registry that picks one per file.

Each format lives in its own module exposing::

    FORMAT: str                      # registry name, e.g. "twarc2"
    PLATFORM: str | None             # platform it reads (None: from the config)
    def sniff(path: Path) -> bool    # does this file look like this format?
    def read(path: Path, ctx: ReadContext) -> Iterator[ParsedPost | BadRecord]

The registry is a plain dict (as papermill does for its engines): a format
named in the config is looked up by name, otherwise the first reader whose
``sniff`` accepts the file is used.  Sniffing goes from the most specific
format to the most general.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from helpers.ingest import (
    bluesky,
    crowdtangle,
    generic_table,
    mastodon,
    meta_content_library,
    pushshift,
    reddit_api,
    twarc2,
    twarc_csv,
    twitter_v1,
)
from helpers.ingest.records import BadRecord, Mention, ParsedPost, ReadContext

READERS: dict[str, ModuleType] = {
    module.FORMAT: module
    for module in (
        twarc2,
        twitter_v1,
        twarc_csv,
        pushshift,
        reddit_api,
        mastodon,
        bluesky,
        crowdtangle,
        meta_content_library,
        generic_table,
    )
}


class UnknownFormatError(ValueError):
    """No reader recognises a file and the config names no format."""


def detect_format(path: Path) -> str:
    """Return the registry name of the first reader whose ``sniff`` accepts ``path``.

    Raises
    ------
    UnknownFormatError
        Naming the file and the formats that were tried.
    """
    for name, module in READERS.items():
        if module.sniff(path):
            return name
    tried = ", ".join(READERS)
    raise UnknownFormatError(
        f"{path}: format not recognised (tried {tried}); set 'format:' for this input in the study config"
    )


def get_reader(name: str) -> ModuleType:
    """Return the reader module registered as ``name``."""
    try:
        return READERS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown input format {name!r}; known: {', '.join(READERS)}") from None


__all__ = [
    "READERS",
    "BadRecord",
    "Mention",
    "ParsedPost",
    "ReadContext",
    "UnknownFormatError",
    "detect_format",
    "get_reader",
]
