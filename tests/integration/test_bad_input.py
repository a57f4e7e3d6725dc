"""Bad input from the adversarial pass: each case is quarantined or refused with one clear message.

Every test here reproduces one finding (issue 24) on a real export shape:
what a crash, a wrong tool setting or a careless edit leaves in a file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from helpers.cli import main
from helpers.config import load_config
from helpers.ingest import detect_format
from helpers.ingest.pipeline import IngestError, ingest_study
from tests.builders import copy_tiny_demo, organisation, write_study
from tests.mounts import can_mount_read_only, read_only_run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COMMENTS = FIXTURES / "reddit" / "pku_comments.ndjson"
TWARC2 = FIXTURES / "twitter" / "twarc2_search.jsonl"
CROWDTANGLE = FIXTURES / "facebook" / "crowdtangle_facebook.csv"
DEEP = '{"a":' * 1_500 + "1" + "}" * 1_500


def _comment(**changes: object) -> dict:
    """The first comment of the Pushshift fixture, changed; its text names its id (no repeated texts)."""
    record = json.loads(COMMENTS.read_text().splitlines()[0])
    record.update(changes)
    record.setdefault("body", "")
    if "body" not in changes:
        record["body"] = f"Comment {record['id']}: {record['body']}"
    return record


def _write_lines(path: Path, records: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def _one_file_study(root: Path, name: str, accounts: dict | None = None, **overrides: object) -> Path:
    return write_study(root, [organisation("org-a", [{"path": name}], accounts)], **overrides)


def _ingest(config_path: Path):
    config = load_config(config_path)
    return config, ingest_study(config, progress=False)


def _quarantine(config) -> pd.DataFrame:
    return pd.read_parquet(config.processed_path / "quarantine.parquet")


def _reconciles(result) -> None:
    summary = result.summary()
    assert (summary["read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]
            + summary["erased"]).all(), summary


# --------------------------------------------------------------------------- deep nesting


@pytest.mark.parametrize("first", [False, True], ids=["later-line", "first-line"])
def test_a_record_nested_a_thousand_levels_deep_is_quarantined(tmp_path: Path, first: bool) -> None:
    records = [_comment(id=f"c{i}") for i in range(3)]
    records.insert(0 if first else 2, DEEP)
    _write_lines(tmp_path / "raw" / "comments.ndjson", records)
    config, result = _ingest(_one_file_study(tmp_path, "comments.ndjson"))
    _reconciles(result)
    assert result.summary()["accepted"].sum() == 3
    reasons = _quarantine(config)["reason"].tolist()
    assert any("nested" in reason for reason in reasons), reasons


def test_format_detection_survives_a_deep_first_line(tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "comments.ndjson", [DEEP, _comment(), _comment(id="c2")])
    assert detect_format(path) == "pushshift"


def test_a_json_document_nested_too_deep_is_one_clear_error(tmp_path: Path) -> None:
    statuses = json.loads((FIXTURES / "mastodon" / "account_statuses.json").read_text())
    text = json.dumps(statuses)[:-1] + "," + DEEP + "]"
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "statuses.json").write_text(text)
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": "statuses.json",
                                                                  "format": "mastodon"}])])
    with pytest.raises(IngestError, match=r"statuses\.json.*nested"):
        _ingest(config_path)


# --------------------------------------------------------------------------- encodings


def test_a_byte_order_mark_is_read_and_detected(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "tweets.jsonl").write_bytes(b"\xef\xbb\xbf" + TWARC2.read_bytes())
    (raw / "tweets_plain.jsonl").write_bytes(TWARC2.read_bytes())
    assert detect_format(raw / "tweets.jsonl") == "twarc2"
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": "tweets.jsonl"}]),
                                         organisation("org-b", [{"path": "tweets_plain.jsonl"}])])
    _config, result = _ingest(config_path)
    summary = result.summary().set_index("source_file")
    assert summary.loc["tweets.jsonl", "quarantined"] == summary.loc["tweets_plain.jsonl", "quarantined"]
    assert summary.loc["tweets.jsonl", "read"] == summary.loc["tweets_plain.jsonl", "read"]


def test_a_byte_order_mark_in_a_csv_is_read(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "page.csv").write_bytes(b"\xef\xbb\xbf" + CROWDTANGLE.read_bytes())
    assert detect_format(tmp_path / "raw" / "page.csv") == "crowdtangle"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_refused_naming_the_encoding(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "raw").mkdir()
    text = CROWDTANGLE.read_text(encoding="utf-8")
    (tmp_path / "raw" / "page.csv").write_bytes(text.encode(encoding))
    with pytest.raises(IngestError, match="UTF-16"):
        _ingest(_one_file_study(tmp_path, "page.csv"))


# --------------------------------------------------------------------------- file identity


def test_two_inputs_with_the_same_name_in_different_folders_keep_their_own_posts(tmp_path: Path) -> None:
    first = _write_lines(tmp_path / "exports-a" / "comments.ndjson", [_comment(id=f"a{i}") for i in range(3)])
    second = _write_lines(tmp_path / "exports-b" / "comments.ndjson",
                          [_comment(id=f"b{i}") for i in range(4)])
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": str(first)}]),
                                         organisation("org-b", [{"path": str(second)}])])
    config, result = _ingest(config_path)
    posts = pd.read_parquet(config.processed_path / "posts.parquet")
    assert posts.groupby("org_id").size().to_dict() == {"org-a": 3, "org-b": 4}
    assert result.summary()["source_file"].nunique() == 2


def test_one_file_under_two_organisations_is_a_warning_naming_both(tmp_path: Path, caplog) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment(id=f"c{i}") for i in range(3)])
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": "comments.ndjson"}]),
                                         organisation("org-b", [{"path": "comments.ndjson"}])])
    with caplog.at_level(logging.WARNING):
        _ingest(config_path)
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "comments.ndjson" in warning and "org-a" in warning and "org-b" in warning


def test_the_same_post_id_with_other_content_in_a_later_file_is_a_warning(tmp_path: Path, caplog) -> None:
    _write_lines(tmp_path / "raw" / "first.ndjson", [_comment(id="same", body="The first text of it.")])
    _write_lines(tmp_path / "raw" / "second.ndjson", [_comment(id="same", body="Edited: another text.")])
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": "first.ndjson"},
                                                                {"path": "second.ndjson"}])])
    with caplog.at_level(logging.WARNING):
        _config, result = _ingest(config_path)
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "first.ndjson" in warning and "second.ndjson" in warning and "different content" in warning
    assert "The first text" not in warning, "the warning names files, not content"
    assert any("different content" in w for w in result.warnings)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("created", [
    "0001-01-01T00:00:00Z", "1500-06-01T12:00:00Z", "2200-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    -62135596800, 253402300799, "253402300799", 7258118400,
])
def test_timestamps_outside_the_plausible_window_are_quarantined(tmp_path: Path, created: object) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson",
                 [_comment(id="good"), _comment(id="odd", created_utc=created)])
    config, result = _ingest(_one_file_study(tmp_path, "comments.ndjson"))
    _reconciles(result)
    assert result.summary()["accepted"].sum() == 1
    reason = _quarantine(config)["reason"].iloc[0]
    assert "window" in reason and "2004-01-01" in reason, reason


def test_epoch_milliseconds_are_read_and_the_window_is_configurable(tmp_path: Path) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson",
                 [_comment(id="ms", created_utc=1709290800000), _comment(id="old", created_utc=978307200)])
    config_path = _one_file_study(tmp_path, "comments.ndjson",
                                  ingestion={"earliest_date": "2001-01-01", "latest_date": "2030-12-31"})
    config, _result = _ingest(config_path)
    posts = pd.read_parquet(config.processed_path / "posts.parquet")
    assert sorted(posts["created_at"].dt.year) == [2001, 2024]


# --------------------------------------------------------------------------- size limits


def test_a_huge_post_is_quarantined_with_the_limit_named(tmp_path: Path) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson",
                 [_comment(id="small"), _comment(id="huge", body="pku " * 40_000)])
    config, result = _ingest(_one_file_study(tmp_path, "comments.ndjson"))
    _reconciles(result)
    reason = _quarantine(config)["reason"].iloc[0]
    assert "100,000" in reason and "max_text_chars" in reason, reason


def test_a_huge_csv_field_is_quarantined_not_a_parse_error(tmp_path: Path) -> None:
    rows = CROWDTANGLE.read_text().splitlines(keepends=True)
    (tmp_path / "raw").mkdir()
    header, first = rows[0], rows[1]
    huge = first.replace("Physio tips for winter", "Physio " + "x" * 200_000)
    (tmp_path / "raw" / "page.csv").write_text(header + huge + "".join(rows[2:]))
    config, result = _ingest(_one_file_study(tmp_path, "page.csv"))
    _reconciles(result)
    reasons = _quarantine(config)["reason"].tolist()
    assert any("max_text_chars" in reason for reason in reasons), reasons


# --------------------------------------------------------------------------- CSV quoting


def test_an_unclosed_quote_that_swallows_rows_is_flagged(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    lines = ["post_id,member,posted,body"]
    lines += [f"p{i},member{i},2024-03-0{1 + i % 5}T10:00:00Z,Row number {i} is fine" for i in range(3)]
    lines += ['p3,member3,2024-03-02T10:00:00Z,"This quote is never closed']
    lines += [f"p{i},member{i},2024-03-03T10:00:00Z,Swallowed row {i}" for i in range(4, 9)]
    (tmp_path / "raw" / "forum.csv").write_text("\n".join(lines) + "\n")
    columns = {"native_id": "post_id", "author_handle": "member", "created_at": "posted", "text": "body"}
    config_path = write_study(tmp_path, [organisation("org-a", [
        {"path": "forum.csv", "format": "table", "platform": "forum", "columns": columns}])])
    config, result = _ingest(config_path)
    _reconciles(result)
    quarantine = _quarantine(config)
    assert len(quarantine) == 1
    reason = quarantine["reason"].iloc[0]
    assert "quote" in reason and "5" in reason and "row 5" in reason, reason
    assert result.summary()["accepted"].sum() == 3


def test_garbage_in_a_csv_header_is_shown_escaped_and_short(tmp_path: Path, capsys) -> None:
    (tmp_path / "raw").mkdir()
    garbage = bytes(range(0, 32)) + b"\x1b[31mRED\x1b[0m" + bytes(range(128, 256)) * 40
    (tmp_path / "raw" / "page.csv").write_bytes(garbage + b"\n1,2,3\n")
    config_path = write_study(tmp_path, [organisation("org-a", [{"path": "page.csv",
                                                                  "format": "crowdtangle"}])])
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x00" not in err, "control characters reach the terminal"
    assert "page.csv" in err and len(err) < 1_500, err


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("org_id, expected", [("pku-us\n", "slug"), ("x" * 300, "at most 64"),
                                              ("PKU-US", "slug"), ("pku us", "slug")])
def test_a_wrong_organisation_id_is_one_clear_message(tmp_path: Path, capsys, org_id: str,
                                                      expected: str) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    config_path = write_study(tmp_path, [organisation(org_id, [{"path": "comments.ndjson"}])])
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "organisations.0.id" in err and expected in err and "Traceback" not in err


def test_a_key_path_that_is_a_folder_is_one_clear_message(tmp_path: Path, capsys) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    (tmp_path / "keys").mkdir()
    config_path = _one_file_study(tmp_path, "comments.ndjson", secret=tmp_path / "keys")
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "secret_file is a folder" in err and "Traceback" not in err


def test_a_processed_dir_that_is_a_file_is_one_clear_message(tmp_path: Path, capsys) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    (tmp_path / "processed").write_text("not a folder")
    config_path = _one_file_study(tmp_path, "comments.ndjson")
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "processed_dir is a file" in err and "Traceback" not in err


def test_a_config_that_is_not_utf8_is_one_clear_message(tmp_path: Path, capsys) -> None:
    config_path = _one_file_study(tmp_path, "comments.ndjson")
    config_path.write_bytes(config_path.read_bytes().replace(b"test study", b"\xe9tude \xff"))
    assert main(["ingest", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and str(config_path) in err and "Traceback" not in err


def test_a_full_disk_is_one_clear_message(tmp_path: Path, capsys, monkeypatch) -> None:
    import errno

    import pyarrow.parquet as pq

    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    config_path = _one_file_study(tmp_path, "comments.ndjson")

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "processed" / "x.parquet"))

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "disk is full" in err and "x.parquet" in err and "Traceback" not in err
    assert not list((tmp_path / "processed").rglob("*.tmp")), "no temporary file is left behind"


# --------------------------------------------------------------------------- markers a crash leaves


@pytest.mark.parametrize("marker", ["ingest_manifest.json", "classify_manifest.json", "stats"])
@pytest.mark.parametrize("damage", [b"", b'{"run_key": "ab'], ids=["empty", "truncated"])
def test_an_empty_or_truncated_marker_is_treated_as_missing(tmp_path: Path, marker: str,
                                                            damage: bytes) -> None:
    from helpers.classify import classify_study

    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment(id=f"c{i}") for i in range(3)])
    config, first = _ingest(_one_file_study(tmp_path, "comments.ndjson"))
    if marker == "classify_manifest.json":
        classify_study(config, progress=False)
    paths = (list((config.processed_path / "_stage").glob("*.stats.json")) if marker == "stats"
             else list(config.processed_path.rglob(marker)))
    assert paths, f"no {marker} written"
    for path in paths:
        path.write_bytes(damage)
    if marker == "stats":  # so that the cached reads are consulted
        (config.processed_path / "ingest_manifest.json").unlink()
    again = ingest_study(config, progress=False)
    assert again.counts == first.counts
    if marker == "classify_manifest.json":
        classify_study(config, progress=False)


def test_a_damaged_run_record_makes_the_batch_run_again(tmp_path: Path) -> None:
    from helpers.batch import RUN_RECORD, previous_run

    (tmp_path / RUN_RECORD).write_bytes(b"")
    assert previous_run(tmp_path) is None
    (tmp_path / RUN_RECORD).write_text('{"org_id": "x"')
    assert previous_run(tmp_path) is None


def test_a_damaged_erasure_register_stops_the_run_instead_of_forgetting_the_erasures(
    tmp_path: Path, capsys
) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    config_path = _one_file_study(tmp_path, "comments.ndjson")
    config = load_config(config_path)
    config.erasure_register_path.parent.mkdir(parents=True, exist_ok=True)
    config.erasure_register_path.write_bytes(b"")
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 2
    assert "erasure register is damaged" in capsys.readouterr().err


# --------------------------------------------------------------------------- evaluate --labels


@pytest.mark.parametrize("labels, expected", [
    (None, "not found"),
    (b"\x00\x01\x02\xff\xfe binary", "not a CSV"),
    (b"id,label\n1,experiential\n", "post_id"),
    (b"", "empty"),
])
def test_evaluate_with_a_wrong_labels_file_is_one_clear_message(
    tiny_demo_copy: Path, capsys, labels: bytes | None, expected: str
) -> None:
    path = tiny_demo_copy / "labels.csv"
    if labels is not None:
        path.write_bytes(labels)
    code = main(["evaluate", "--config", str(tiny_demo_copy / "config" / "study.yml"), "--labels", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "labels.csv" in err and expected in err and "Traceback" not in err


@pytest.fixture(scope="module")
def tiny_demo_copy(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("labels")
    copy_tiny_demo(tiny_demo, root, organisations=1, processed=True)
    return root


# --------------------------------------------------------------------------- a bug is not a user error


def test_a_bug_exits_1_with_the_traceback_in_a_log_not_on_the_terminal(tmp_path: Path, capsys,
                                                                         monkeypatch) -> None:
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    config_path = _one_file_study(tmp_path, "comments.ndjson")

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr("helpers.ingest.pipeline.ingest_study", broken)
    assert main(["ingest", "--config", str(config_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bug" in err
    logs = list((tmp_path / "processed" / "logs").glob("error-*.log"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text() and str(logs[0]) in err
    assert main(["ingest", "--config", str(config_path), "--no-progress", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


# --------------------------------------------------------------------------- a read-only processed folder


def test_a_read_only_processed_folder_is_read_when_nothing_changed_and_refused_clearly_otherwise(
    tmp_path: Path,
) -> None:
    if not can_mount_read_only(tmp_path):
        pytest.skip("this machine cannot make a private read-only mount (unshare)")
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment(id=f"c{i}") for i in range(3)])
    config_path = _one_file_study(tmp_path, "comments.ndjson")
    config, _ = _ingest(config_path)
    before = {path: path.stat().st_mtime_ns for path in config.processed_path.rglob("*")}

    unchanged = read_only_run(config.processed_path, "ingest", "--config", str(config_path), "--no-progress")
    assert unchanged.returncode == 0, unchanged.stderr
    assert {path: path.stat().st_mtime_ns for path in config.processed_path.rglob("*")} == before

    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment(id=f"c{i}") for i in range(4)])
    changed = read_only_run(config.processed_path, "ingest", "--config", str(config_path), "--no-progress")
    assert changed.returncode == 2, changed.stderr
    assert "read-only" in changed.stderr and str(config.processed_path) in changed.stderr
    assert "Traceback" not in changed.stderr


@pytest.mark.parametrize("command", [["classify", "--no-progress"], ["evaluate"], ["networks"],
                                     ["code-sample", "--coders", "a,b", "--size", "10", "--overlap", "2"],
                                     ["code-export", "out.qdpx"]])
def test_a_command_that_needs_the_tables_before_ingestion_is_one_clear_message(
        tmp_path: Path, capsys, command: list[str]) -> None:
    """Seen on a fresh demo: classify, evaluate and networks before `rarevoices ingest` were reported
    as internal errors (a traceback in a log, 'this is a bug')."""
    _write_lines(tmp_path / "raw" / "comments.ndjson", [_comment()])
    config_path = _one_file_study(tmp_path, "comments.ndjson")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        assert main([command[0], "--config", str(config_path), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert "posts.parquet: not found" in err and "rarevoices ingest" in err
    assert "internal error" not in err and "Traceback" not in err

