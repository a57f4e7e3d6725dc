"""What every export writer needs: its context, the defects it plants, JSON and bytes, bios, paging and files.

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


BIOS = {
    "en": [
        "Tea, dogs and too many hospital letters.",
        "Living with {d}. Views my own.",
        "Parent carer. Tired but hopeful.",
        "Rare disease advocate. Runner (slowly).",
        "Sharing our {d} journey one day at a time.",
        "Nurse by day, mum by night.",
        "Books, gardening and {d} awareness.",
        "",
    ],
    "it": [
        "Mamma, caregiver, inguaribile ottimista.",
        "La nostra vita con la {d}, un giorno alla volta.",
        "Papà a tempo pieno. Caffè e pazienza.",
        "Sostegno alle famiglie rare.",
        "Insegnante e mamma rara.",
        "",
    ],
}
DISEASE_LABEL = {"sma": "SMA", "pku": "PKU", "fop": "FOP", "dravet": "Dravet"}


def _bio(account: Account, org: OrgSpec) -> str:
    rng = _account_rng(account)
    if account.role == "org":
        return {
            "en": f"{org.name}: support, information and a voice for people affected by "
            f"{DISEASE_LABEL[org.disease]}.",
            "it": f"{org.name}: sostegno, informazione e voce alle famiglie con sindrome di Dravet.",
        }[org.lang]
    if account.kind in ("peer_org", "clinician", "researcher"):
        return {
            "en": "Research, care and community for rare conditions.",
            "it": "Ricerca, cura e comunità per le malattie rare.",
        }[org.lang]
    return rng.choice(BIOS[org.lang]).replace("{d}", DISEASE_LABEL[org.disease])


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
