"""Ingestion end to end on the reader fixtures: errors, idempotence, privacy, keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import zstandard

from helpers.config import load_config
from helpers.ingest import stage
from helpers.ingest.pipeline import IngestError, ingest_study
from helpers.privacy import SecretError
from tests.builders import fixture_study, organisation, write_study

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRIVATE_HANDLES = ["carer_jo", "dr_lee_neuro", "PKU_Mum"]


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    return fixture_study(tmp_path)


def test_formats_are_detected_and_counts_reconcile(study: Path) -> None:
    result = ingest_study(load_config(study), progress=False)
    summary = result.summary().set_index("source_file")
    assert summary.loc["tweets.jsonl", "format"] == "twarc2"
    assert summary.loc["comments.ndjson", "format"] == "pushshift"
    assert summary.loc["statuses.json", "format"] == "mastodon"
    assert (summary["read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"]).all()
    posts = pd.read_parquet(result.tables["posts"])
    assert len(posts) == summary["accepted"].sum()
    assert set(posts["org_id"]) == {"sma-uk", "pku-us", "fop-au"}


def test_org_accounts_stay_named_and_private_people_do_not(study: Path) -> None:
    result = ingest_study(load_config(study), progress=False)
    posts = pd.read_parquet(result.tables["posts"])
    accounts = pd.read_parquet(result.tables["accounts"])
    org_rows = accounts[accounts["is_org"]]
    assert "twitter:SMATogetherUK" in set(org_rows["author_id"])
    assert "mastodon:fopfriends@health.community" in set(org_rows["author_id"])
    assert org_rows["label"].notna().all() and accounts.loc[~accounts["is_org"], "label"].isna().all()
    assert posts.loc[posts["author_role"] == "public", "author_id"].str.match(r"^P-[0-9a-f]{10}$").all()
    everything = "".join(
        path.read_bytes().decode("latin-1")
        for path in result.tables["posts"].parent.rglob("*")
        if path.is_file()
    )
    for handle in PRIVATE_HANDLES:
        assert handle not in everything, f"{handle} reached data/processed"


def test_second_run_is_skipped_and_tables_are_identical(study: Path) -> None:
    config = load_config(study)
    first = ingest_study(config, progress=False)
    before = {name: path.read_bytes() for name, path in first.tables.items()}
    second = ingest_study(config, progress=False)
    assert second.skipped
    assert {name: path.read_bytes() for name, path in second.tables.items()} == before


def test_only_changed_files_are_read_again(study: Path) -> None:
    config = load_config(study)
    ingest_study(config, progress=False)
    raw = study.parent.parent / "raw" / "comments.ndjson"
    raw.write_text(raw.read_text() + '{"broken": \n')
    result = ingest_study(config, progress=False)
    cached = {stats.source_file: stats.from_cache for stats in result.files}
    assert cached == {"tweets.jsonl": True, "comments.ndjson": False, "statuses.json": True}
    assert result.summary().set_index("source_file").loc["comments.ndjson", "quarantined"] >= 1


def test_force_rereads_and_gives_the_same_tables(study: Path) -> None:
    config = load_config(study)
    first = {
        name: pd.read_parquet(path) for name, path in ingest_study(config, progress=False).tables.items()
    }
    again = ingest_study(config, progress=False, force=True)
    assert not any(stats.from_cache for stats in again.files)
    for name, path in again.tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), first[name])


def test_missing_input_names_the_file_and_writes_nothing(tmp_path: Path) -> None:
    config = load_config(fixture_study(tmp_path, [{"path": "not-there.ndjson"}]))
    with pytest.raises(IngestError, match=r"not-there\.ndjson.*'pku-us'.*not found"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_unknown_format_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notes.txt").write_text("just some notes\nnot an export\n")
    config = load_config(fixture_study(tmp_path, [{"path": "notes.txt"}]))
    with pytest.raises(IngestError, match=r"notes\.txt: format not recognised"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


@pytest.mark.parametrize("processes", [1, 2], ids=["one after the other", "in helper processes"])
def test_file_of_nothing_but_garbage_is_an_error_not_a_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    # parallel_parts is looked up where _stage_files lives: helpers.ingest.stage
    monkeypatch.setattr(stage, "parallel_parts", lambda items: processes)  # also on a one-CPU machine
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "garbage.ndjson").write_text("{oops\n{also broken\nnope\n")
    config = load_config(fixture_study(tmp_path, [{"path": "garbage.ndjson", "format": "pushshift"}]))
    with pytest.raises(IngestError, match=r"garbage\.ndjson: none of its 3 records could be read"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_corrupt_compressed_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    data = zstandard.ZstdCompressor().compress((FIXTURES / "reddit" / "pku_comments.ndjson").read_bytes())
    (tmp_path / "raw" / "dump.ndjson.zst").write_bytes(data[: len(data) // 2] + b"\x00garbage")
    config = load_config(fixture_study(tmp_path, [{"path": "dump.ndjson.zst", "format": "pushshift"}]))
    with pytest.raises(IngestError, match=r"dump\.ndjson\.zst"):
        ingest_study(config, progress=False)
    assert not (tmp_path / "processed" / "posts.parquet").exists()


def test_lost_key_on_a_later_run_stops_the_ingestion(study: Path) -> None:
    config = load_config(study)
    ingest_study(config, progress=False)
    config.secret_path.unlink()
    with pytest.raises(SecretError, match="missing"):
        ingest_study(config, progress=False, force=True)


def test_pseudonyms_depend_on_the_key(tmp_path: Path) -> None:
    def public_authors(root: Path) -> set[str]:
        result = ingest_study(load_config(fixture_study(root)), progress=False)
        posts = pd.read_parquet(result.tables["posts"])
        return set(posts.loc[posts["author_role"] == "public", "author_id"])

    first, second = public_authors(tmp_path / "a"), public_authors(tmp_path / "b")
    assert first and second and not first & second


def _ingest_in_process(config_path: str) -> int:
    result = ingest_study(load_config(config_path), force=True, progress=False)
    return sum(stats.accepted for stats in result.files)


def test_parallel_ingestions_of_one_study_do_not_collide(study: Path) -> None:
    """Batch workers may start ingestion together: a lock lets one run at a time."""
    import multiprocessing

    load_or_create = ingest_study(load_config(study), progress=False)  # creates the key first
    expected = sum(stats.accepted for stats in load_or_create.files)
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        accepted = pool.map(_ingest_in_process, [str(study)] * 3)
    assert accepted == [expected] * 3
    posts = pd.read_parquet(study.parent.parent / "processed" / "posts.parquet")
    assert len(posts) == expected
    assert not list((study.parent.parent / "processed").rglob("*.tmp"))


# ------------------------------------------------------------ organisation ids, files side by side

ORG_ACCOUNT = {"id": "109312345678901234", "username": "fopfriends", "acct": "fopfriends",
               "display_name": "FOP Friends Australia", "url": "https://health.community/@fopfriends"}
PRIVATE_ACCOUNT = {"id": "109900000000000077", "username": "carer_jo", "acct": "carer_jo@mastodon.social",
                   "display_name": "Jo", "url": "https://mastodon.social/@carer_jo"}


def _status(status_id: str, account: dict, content: str, *, reply_to: tuple[str, str] | None = None) -> dict:
    """A minimal Mastodon status; ``reply_to`` is (status id, account id), with no mention of the account."""
    return {
        "id": status_id, "created_at": f"2024-06-0{status_id[-1]}T09:00:00.000Z",
        "in_reply_to_id": reply_to[0] if reply_to else None,
        "in_reply_to_account_id": reply_to[1] if reply_to else None,
        "visibility": "public", "language": "en", "spoiler_text": "",
        "url": f"{account['url']}/{status_id}", "replies_count": 0, "reblogs_count": 0,
        "favourites_count": 0, "content": f"<p>{content}</p>", "reblog": None, "account": account,
        "mentions": [], "tags": [], "media_attachments": [], "card": None,
    }


def _org_id_study(root: Path, files: dict[str, list[dict]]) -> Path:
    """One organisation (fopfriends on Mastodon) whose inputs are ``files`` (name -> statuses)."""
    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, statuses in files.items():
        (raw / name).write_text(json.dumps(statuses))
    return write_study(root, [organisation("fop-au", [{"path": name, "format": "mastodon"} for name in files],
                                           {"mastodon": ["fopfriends@health.community"]})])


ORG_POST = _status("112550000000000001", ORG_ACCOUNT, "Our new guide to living with FOP is out today.")
REPLY_TO_ORG = _status("112550000000000002", PRIVATE_ACCOUNT, "Thank you, this guide helped us a lot.",
                       reply_to=("112540000000000009", ORG_ACCOUNT["id"]))


def _reply_target(result) -> str:
    interactions = pd.read_parquet(result.tables["interactions"])
    return interactions.loc[interactions["kind"] == "reply", "target_author"].item()


def test_a_reply_to_an_organisation_by_id_names_it_even_before_its_own_post(tmp_path: Path) -> None:
    """The organisation's id is learnt from its own post, which here comes after the reply."""
    study = _org_id_study(tmp_path, {"statuses.json": [REPLY_TO_ORG, ORG_POST]})
    result = ingest_study(load_config(study), progress=False)
    assert _reply_target(result) == "mastodon:fopfriends@health.community"
    accounts = pd.read_parquet(result.tables["accounts"])
    assert accounts["author_id"].str.startswith("P-").sum() == 1, "only the private replier is a pseudonym"


def test_an_organisation_id_learnt_in_one_file_names_it_in_another(tmp_path: Path) -> None:
    study = _org_id_study(tmp_path, {"replies.json": [REPLY_TO_ORG], "own.json": [ORG_POST]})
    result = ingest_study(load_config(study), progress=False)
    assert _reply_target(result) == "mastodon:fopfriends@health.community"
    aliases = pd.read_parquet(result.tables["posts"].parent / "aliases.parquet")
    assert not aliases["author_id"].str.startswith("P-").all(), "the organisation's aliases name it"


def test_a_files_cached_read_does_not_depend_on_the_other_files(tmp_path: Path) -> None:
    """Without the file that taught the organisation's id, the reply's target is a pseudonym again."""
    study = _org_id_study(tmp_path, {"own.json": [ORG_POST], "replies.json": [REPLY_TO_ORG]})
    first = ingest_study(load_config(study), progress=False)
    assert _reply_target(first) == "mastodon:fopfriends@health.community"
    alone = load_config(_org_id_study(tmp_path, {"replies.json": [REPLY_TO_ORG]}))
    cached = ingest_study(alone, progress=False)
    assert cached.files[0].from_cache
    assert _reply_target(cached).startswith("P-")
    assert _reply_target(ingest_study(alone, progress=False, force=True)) == _reply_target(cached)


def test_files_read_side_by_side_give_the_tables_of_one_after_the_other(
    study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(study)
    calls = []
    in_processes = stage._stage_in_processes
    # _stage_files looks both up in helpers.ingest.stage, its own module
    monkeypatch.setattr(stage, "_stage_in_processes", lambda *args: calls.append(1) or in_processes(*args))
    monkeypatch.setattr(stage, "parallel_parts", lambda items: 2)  # also on a one-CPU machine
    side_by_side = ingest_study(config, progress=False, force=True)
    assert calls and not any(stats.from_cache for stats in side_by_side.files)
    tables = {name: pd.read_parquet(path) for name, path in side_by_side.tables.items()}
    monkeypatch.setattr(stage, "parallel_parts", lambda items: 1)
    one_by_one = ingest_study(config, progress=False, force=True)
    assert [s.source_file for s in one_by_one.files] == [s.source_file for s in side_by_side.files]
    for name, path in one_by_one.tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), tables[name])


def test_recognising_an_organisation_id_renames_every_reference_to_its_pseudonym() -> None:
    from helpers.ingest.identities import recognise_org_ids, text_key
    from helpers.privacy import OrgAccount, Pseudonymiser

    p = Pseudonymiser(b"k" * 32)
    org, person = p.pseudonym("twitter", "99"), p.pseudonym("twitter", "5")
    posts = pd.DataFrame({
        "author_id": [org, person], "author_role": ["public", "public"],
        "text": [f"Thanks @{person}!", f"@{org} and @{org}0 said so"],
        "parent_author": [None, org], "quoted_author": [person, None], "shared_author": [None, None],
        "mentions": [[person, org], [org, person, org]],
        "aliases": [[f"a={org}"], [f"b={person}", f"c={org}"]],
        "text_key": ["x", "y"],
    })
    out, _ = recognise_org_ids(posts, {("twitter", "99"): OrgAccount("sma-uk", "SMAUK")}, p)
    assert out["author_id"].tolist() == ["twitter:SMAUK", person]
    assert out["author_role"].tolist() == ["org", "public"]
    assert out["text"].tolist() == [f"Thanks @{person}!", f"@SMAUK and @{org}0 said so"]
    assert out["parent_author"].fillna("none").tolist() == ["none", "twitter:SMAUK"]
    assert out["quoted_author"].fillna("none").tolist() == [person, "none"]
    assert [list(m) for m in out["mentions"]] == [[person], ["twitter:SMAUK"]]  # never the author
    assert [list(a) for a in out["aliases"]] == [["a=twitter:SMAUK"], [f"b={person}", "c=twitter:SMAUK"]]
    assert out["text_key"].tolist() == [text_key("twitter:SMAUK", f"Thanks @{person}!"),
                                        text_key(person, f"@SMAUK and @{org}0 said so")]


_PARENT_PID = os.getpid()
_STAGE_FILE = stage._stage_file


def _dies_in_a_helper(plan, *args, **kwargs):  # module level: the pool sends it by name
    """``_stage_file``, except that a helper process reading statuses.json dies without a word."""
    if plan.source_file == "statuses.json" and os.getpid() != _PARENT_PID:
        os._exit(1)
    return _STAGE_FILE(plan, *args, **kwargs)


def test_files_a_dead_helper_process_left_are_read_here(
    study: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(study)
    tables = ingest_study(config, progress=False).tables
    expected = {name: pd.read_parquet(path) for name, path in tables.items()}
    # _stage_in_processes sends the helper processes _stage_file as helpers.ingest.stage holds it
    monkeypatch.setattr(stage, "_stage_file", _dies_in_a_helper)
    monkeypatch.setattr(stage, "parallel_parts", lambda items: 2)
    result = ingest_study(config, progress=False, force=True)
    assert "reading the rest here" in caplog.text
    for name, path in result.tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), expected[name])
