"""Export files opened for reading: decompressed (.gz, .bz2, .zst) and decoded as UTF-8, bytes
that are not UTF-8 kept for the quarantine, files in another encoding recognised, lines
streamed.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

CSV_FIELD_LIMIT = 2**31 - 1
"""Python's csv module refuses fields over 128 KiB with a parse error; the study's own limit on a
post's length (``ingestion.max_text_chars``) decides instead, with a clear quarantine reason."""
csv.field_size_limit(CSV_FIELD_LIMIT)


def open_text(path: Path) -> IO[str]:
    """Open a possibly compressed text file (.gz, .bz2, .zst) as UTF-8 text.

    A UTF-8 byte-order mark (which Excel and some Windows tools write) is
    skipped.  Undecodable bytes are kept as surrogate escapes so that a line
    with a wrong encoding can be quarantined rather than crash the read;
    :func:`iter_lines` reports such lines.  Files in another encoding
    altogether (UTF-16) are refused by :func:`encoding_problem` before they
    are read.
    """
    return io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", errors="surrogateescape", newline="")


def open_bytes(path: Path) -> IO[bytes]:
    """Open a possibly compressed file (.gz, .bz2, .zst) for reading its (decompressed) bytes."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix == ".zst":
        return io.BufferedReader(_ZstdFrames(path.open("rb")), buffer_size=1 << 16)
    return path.open("rb")


_UTF16_MARKS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


def encoding_problem(path: Path) -> str | None:
    r"""Why a file cannot be read as UTF-8 text at all, or None when it can.

    Recognises UTF-16 (with or without a byte-order mark: every other byte of
    its Latin text is zero), which Excel's "Unicode text" and some Windows
    tools write.  Single bad bytes are not a problem of the file: the records
    holding them are quarantined.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "posts.csv"
    >>> _ = path.write_bytes("id,text\n1,hello\n".encode("utf-16"))
    >>> encoding_problem(path)
    'the file is encoded as UTF-16 (little-endian), not UTF-8'
    """
    try:
        with open_bytes(path) as fh:
            head = fh.read(4096)
    except (OSError, EOFError, ValueError):
        return None  # the reader says what is wrong with it
    for mark, name in _UTF16_MARKS.items():
        if head.startswith(mark):
            return f"the file is encoded as {name}, not UTF-8"
    if len(head) >= 16:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "the file is encoded as UTF-16 (little-endian), not UTF-8"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "the file is encoded as UTF-16 (big-endian), not UTF-8"
    return None


class _ZstdFrames(io.RawIOBase):
    """Stream-decompress one or more zstd frames, raising on a truncated or corrupt file.

    ``zstandard``'s own ``stream_reader`` ends quietly at a truncated frame,
    which would make a damaged dump look like a short one; this reader checks
    that the last frame was complete.  Pushshift/Arctic-Shift dumps use a long
    window, which is allowed.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._raw = raw
        self._context = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._context.decompressobj()
        self._pending = b""
        self._offset = 0
        self._saw_input = False
        self._finished = False
        self._error = zstandard.ZstdError

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._pending) and not self._finished:
            self._fill()
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset:self._offset + size]
        self._offset += size
        return size

    def _fill(self) -> None:
        chunk = self._raw.read(1 << 20)
        if not chunk:
            if self._saw_input and not self._frame.eof:
                raise ValueError("truncated zstd stream (the file ends inside a frame)")
            self._finished = True
            return
        self._saw_input = True
        try:
            output = self._frame.decompress(chunk)
            while self._frame.eof and self._frame.unused_data:
                rest = self._frame.unused_data
                self._frame = self._context.decompressobj()
                output += self._frame.decompress(rest)
        except self._error as exc:
            raise ValueError(f"corrupt zstd data: {exc}") from exc
        self._pending, self._offset = output, 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` for each non-blank line, 1-based, streaming."""
    with open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line


_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")


def has_bad_encoding(line: str) -> bool:
    """True when a line read with ``surrogateescape`` held bytes that are not UTF-8."""
    return _ESCAPED_BYTES.search(line) is not None


def read_head(path: Path, n_bytes: int = 65536) -> str:
    """Return the first bytes of a (possibly compressed) file as text, for sniffing."""
    try:
        with open_text(path) as fh:
            return fh.read(n_bytes)
    except (OSError, EOFError, UnicodeError, ValueError):
        return ""
