"""The per-process memo of results computed from the study's files (helpers.store.memo)."""

from __future__ import annotations

import os
from pathlib import Path

from helpers.store.memo import FileMemo


def test_a_result_is_computed_once_per_version_of_its_files_and_key(tmp_path: Path) -> None:
    table = tmp_path / "classes.parquet"
    table.write_text("first")
    memo: FileMemo[str] = FileMemo(size=2)
    computed = []

    def compute() -> str:
        computed.append(table.read_text())
        return table.read_text()

    assert memo.get([table], "org-a", compute) == memo.get([table], "org-a", compute) == "first"
    assert computed == ["first"]
    memo.get([table], "org-b", compute)  # another key
    assert len(computed) == 2
    table.write_text("second, written again")
    assert memo.get([table], "org-a", compute) == "second, written again"
    stat = table.stat()  # the same size and another modification time is another version too
    table.write_text("second, WRITTEN AGAIN")
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert memo.get([table], "org-a", compute) == "second, WRITTEN AGAIN"


def test_only_the_last_results_are_kept(tmp_path: Path) -> None:
    memo: FileMemo[int] = FileMemo(size=2)
    computed = []
    for key in ("a", "b", "c", "a"):
        memo.get([tmp_path / "missing.parquet"], key, lambda k=key: computed.append(k) or len(computed))
    assert computed == ["a", "b", "c", "a"]  # "a" was dropped when "c" came
    memo.clear()
    memo.get([tmp_path / "missing.parquet"], "c", lambda: computed.append("c") or 0)
    assert computed[-1] == "c"


def test_a_batch_worker_forgets_the_tables_it_read_once_an_organisation_is_finished(tmp_path: Path) -> None:
    """At a million posts each notebook worker kept the tables its key figures had read (4 GiB each)
    while the next organisation's kernel ran beside it: the batch's notebooks peaked at 17.6 GiB."""
    from helpers.batch.chains import _finish_reports
    from helpers.store.memo import forget_kept_results
    from helpers.store.runs import OrgRun

    memo: FileMemo[str] = FileMemo(size=2)
    computed = []
    memo.get([tmp_path / "posts.parquet"], "org", lambda: computed.append(1) or "kept")
    forget_kept_results()
    memo.get([tmp_path / "posts.parquet"], "org", lambda: computed.append(1) or "kept")
    assert len(computed) == 2
    run = OrgRun(org_id="org", status="ok", fingerprint="f")
    _finish_reports(str(tmp_path / "no-such-study.yml"), run, "org")  # fails, logged: still forgets
    memo.get([tmp_path / "posts.parquet"], "org", lambda: computed.append(1) or "kept")
    assert len(computed) == 3
