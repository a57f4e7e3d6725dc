"""What every export writer needs: its context, the defects it plants, JSON and bytes, bios, paging and files.

Profile texts (bios, page descriptions, Reddit flairs) come from
:mod:`helpers.demo_corpus.profiles`, which also gives their ground truth.

The invalid-bytes placeholder (``_PLACEHOLDER``) is written into a record's
text and turned into bytes that are not UTF-8 when the file is written
(``_encode``).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from helpers.demo_corpus.ids import IdFactory
from helpers.demo_corpus.model import Account, OrgSpec, Post
from helpers.demo_corpus.profiles import bio

BAD_BYTES = b"caf\xe9 \xff\xfe"
_PLACEHOLDER = "@@INVALID_UTF8@@"
RETRIEVED = datetime.fromisoformat("2026-01-14T10:22:31+00:00")
_HASHTAG = re.compile(r"(?<![\w#/&])#(\w*[^\W\d_]\w*)")


@dataclass
class Defect:
    """A bad or duplicate record planted in a file."""

    file: str
    line: int
    kind: str
    native_id: str = ""


@dataclass
class Context:
    """What every writer needs: randomness, ids and a supply of spare posts."""

    rng: random.Random
    ids: IdFactory
    spare: Callable[..., Post]
    n_bad: int = 1
    n_dup: int = 2


def _iso(when: datetime, millis: int = 0) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def _dumps(value: object, ascii_only: bool = False) -> str:
    return json.dumps(
        value, ensure_ascii=ascii_only, separators=(",", ":") if not ascii_only else (", ", ": ")
    )


def _encode(text: str) -> bytes:
    """UTF-8 bytes, with the invalid-bytes placeholder turned into real invalid bytes."""
    return text.encode("utf-8").replace(_PLACEHOLDER.encode(), BAD_BYTES)


def mark_written(post: Post) -> None:
    """Record that a post's content is in a file (for the privacy ground truth)."""
    post.extra["written"] = True


def _account_rng(account: Account) -> random.Random:
    return random.Random(f"account:{account.platform}:{account.native_id}")


def _bio(account: Account, org: OrgSpec) -> str:
    """The profile description of an account (see :mod:`helpers.demo_corpus.profiles`)."""
    return bio(account, org)[0]


def _page_sizes(rng: random.Random, total: int, low_high: tuple[int, int]) -> list[int]:
    sizes, left = [], total
    while left > 0:
        size = min(left, rng.randint(*low_high))
        sizes.append(size)
        left -= size
    return sizes


def _write_lines(path: Path, lines: list[tuple[str, list[tuple[str, str]]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for text, _ in lines:
            fh.write(_encode(text) + b"\n")


def _line_defects(file: str, lines: list[tuple[str, list[tuple[str, str]]]]) -> list[Defect]:
    out = []
    for number, (_, kinds) in enumerate(lines, start=1):
        for kind, native_id in kinds:
            out.append(Defect(file, number, kind, native_id))
    return out


def _write_json_array(path: Path, items: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode("[\n" + ",\n".join(items) + "\n]\n"))
