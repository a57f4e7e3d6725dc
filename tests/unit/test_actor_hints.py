"""Actor types at ingestion (issue 30): readers carry the profile, rows carry a hint, accounts get a type."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from helpers.actor_rules import load_actor_rules
from helpers.config import load_config
from helpers.ingest import ParsedPost, ReadContext, get_reader
from helpers.ingest.actor_hints import ActorHints, account_actor_types
from helpers.ingest.pipeline import ingest_study
from helpers.pathways.study import ActorCodesError, read_actor_codes, study_accounts
from tests.builders import organisation, write_study
from tests.shapes import FORMATS, file_name, synthetic_posts, write_export

WHEN = datetime(2024, 2, 29, 10, tzinfo=UTC)
PROFILE = "Paediatric neurologist. Views my own. Zebrafinch Street clinic"
#: Formats whose exports carry a profile description (bio, note or flair) the shape writers fill.
PROFILE_FORMATS = ["twarc2", "twitter_v1", "twarc_csv", "pushshift", "reddit_api", "mastodon"]


@pytest.mark.parametrize("fmt", PROFILE_FORMATS)
def test_readers_carry_the_authors_profile(fmt: str, tmp_path: Path) -> None:
    posts = synthetic_posts(12, platform=FORMATS[fmt], share_share=0.0)
    posts[0] = replace(posts[0], author_profile=PROFILE)
    path = tmp_path / file_name(fmt)
    write_export(fmt, path, posts)
    read = [item for item in get_reader(fmt).read(path, ReadContext("x", FORMATS[fmt]))
            if isinstance(item, ParsedPost)]
    by_author = {item.author_native_id or item.author_handle: item.author_profile for item in read}
    profiles = [profile for profile in by_author.values() if profile]
    assert profiles and all("Zebrafinch" in profile for profile in profiles), by_author


def _post(handle: str, profile: str | None, platform: str = "twitter", lang: str = "en") -> ParsedPost:
    return ParsedPost(platform, "1", WHEN, "text", 1, author_handle=handle, author_profile=profile, lang=lang)


def test_a_listed_handle_wins_over_the_profile_and_the_hint_holds_no_profile_text() -> None:
    hints = ActorHints({("twitter", "dr_known"): "media", ("mastodon", "newsdesk@news.example"): "media"},
                       load_actor_rules())
    listed = hints.hint(_post("@Dr_Known", PROFILE))
    assert listed == "media\tstudy list\t1.00"
    ruled = hints.hint(_post("someone", PROFILE))
    kind, basis, confidence = ruled.split("\t")
    assert (kind, basis) == ("clinician_researcher", "profile rule: clinician_title")
    assert 0 < float(confidence) <= 1 and "Zebrafinch" not in ruled and "neurologist" not in ruled
    # a Mastodon account local to its instance is exported without "@instance"
    assert hints.hint(_post("newsdesk", None, platform="mastodon")).startswith("media\t")
    assert hints.hint(_post("someone", None)) is None
    assert hints.hint(_post("someone", "Tea, dogs and gardening")) is None


def test_accounts_take_the_list_then_the_most_frequent_rule_and_organisations_are_the_study_s() -> None:
    posts = pd.DataFrame({
        "author_id": ["a", "a", "a", "b", "b", "c", "o", "d"],
        "platform": "twitter",
        "actor_hint": ["carer_family\tprofile rule: carer_family\t0.75",
                       "carer_family\tprofile rule: carer_family\t0.75",
                       "patient\tprofile rule: patient_self\t0.70",
                       "patient\tprofile rule: patient_self\t0.70",
                       "media\tstudy list\t1.00",
                       None, "peer_organisation\tprofile rule: peer_organisation\t0.80", None],
    })
    accounts = pd.DataFrame({"author_id": ["a", "b", "c", "o", "e"], "platform": "twitter",
                             "is_org": [False, False, False, True, False]})
    typed = account_actor_types(posts, accounts).set_index("author_id")
    assert typed.loc["a", "actor_type"] == "carer_family" and typed.loc["a", "actor_confidence"] == 0.75
    assert typed.loc["b", ["actor_type", "actor_basis"]].tolist() == ["media", "study list"]
    assert typed.loc["c", ["actor_type", "actor_basis", "actor_confidence"]].tolist() == [
        "unknown", "none", 0.0]
    assert typed.loc["o", ["actor_type", "actor_basis"]].tolist() == [
        "study_organisation", "study organisation"]
    assert typed.loc["e", "actor_type"] == "unknown"
    assert list(typed.index) == ["a", "b", "c", "o", "e"], "the accounts keep their order"


def _study(tmp_path: Path, lists: dict | None = None) -> Path:
    posts = synthetic_posts(30, platform="twitter", org_handle="HelpOrg", share_share=0.0)
    profiles = {post.author_handle: "Mum of two, tea and biscuits" for post in posts[:20]
                if not post.author_handle.startswith("HelpOrg")}
    posts = [replace(post, author_profile=profiles.get(post.author_handle)) for post in posts]
    write_export("twarc2", tmp_path / "raw" / "org" / "tweets.jsonl", posts)
    org = organisation("org", [{"path": "org/tweets.jsonl"}], accounts={"twitter": ["HelpOrg"]})
    return write_study(tmp_path, [org], **({"actors": {"lists": lists}} if lists else {}))


def test_ingestion_types_accounts_and_a_changed_list_reads_the_files_again(tmp_path: Path) -> None:
    config = load_config(_study(tmp_path))
    ingest_study(config, progress=False)
    accounts = pd.read_parquet(config.processed_path / "accounts.parquet")
    assert (accounts.loc[accounts["is_org"], "actor_type"] == "study_organisation").all()
    assert "carer_family" in set(accounts["actor_type"]) and "unknown" in set(accounts["actor_type"])
    public = synthetic_posts(30, platform="twitter", org_handle="HelpOrg", share_share=0.0)
    handle = next(p.author_handle for p in public if not p.author_handle.startswith("HelpOrg"))
    listed = load_config(_study(tmp_path, {"media": {"twitter": [handle]}}))
    result = ingest_study(listed, progress=False)
    assert not any(stats.from_cache for stats in result.files), "a changed list is read anew"
    again = pd.read_parquet(listed.processed_path / "accounts.parquet")
    assert (again["actor_basis"] == "study list").sum() == 1
    assert set(again.loc[again["actor_basis"] == "study list", "actor_type"]) == {"media"}


def test_hand_codes_win_and_bad_codes_name_file_row_and_field(tmp_path: Path) -> None:
    config = load_config(_study(tmp_path))
    ingest_study(config, progress=False)
    accounts = pd.read_parquet(config.processed_path / "accounts.parquet")
    person = accounts.loc[~accounts["is_org"], "author_id"].iloc[0]
    org = accounts.loc[accounts["is_org"], "author_id"].iloc[0]
    codes = tmp_path / "codes.csv"
    codes.write_text(f"author_id,actor_type,note\n{person},industry,seen on their site\n{org},media,\n")
    coded = study_accounts(config.model_copy(update={"actors": config.actors.model_copy(
        update={"codes_file": codes})})).set_index("author_id")
    assert coded.loc[person, ["actor_type", "actor_basis"]].tolist() == ["industry", "hand code"]
    assert coded.loc[org, "actor_type"] == "study_organisation", "the study's organisations stay theirs"
    codes.write_text(f"author_id,actor_type\n{person},doctor\n")
    with pytest.raises(ActorCodesError, match=r"codes.csv, row 2: actor_type 'doctor'"):
        read_actor_codes(codes)
    codes.write_text("author,actor_type\nx,media\n")
    with pytest.raises(ActorCodesError, match="no column author_id"):
        read_actor_codes(codes)
    with pytest.raises(ActorCodesError, match="does not exist"):
        read_actor_codes(tmp_path / "missing.csv")
