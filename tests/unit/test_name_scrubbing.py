"""Every handle and display name the study knows is scrubbed wherever a post writes it (issue 25).

Real users sign with their own user name, thank others by name without ``@``,
write ``u/name`` in a tweet, hide a name with a zero-width space, and post
links without a scheme; each of these kept a person's identity in the
processed tables before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from tests.builders import organisation, write_study

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COMMENTS = FIXTURES / "reddit" / "pku_comments.ndjson"
STATUSES = FIXTURES / "mastodon" / "account_statuses.json"
PRIVATE = ["jane_doe77", "tom_r1985", "Jane Doe", "Marta Rossi", "some.person.42"]


def _comment(index: int, author: str, body: str) -> dict:
    record = json.loads(COMMENTS.read_text().splitlines()[0])
    record.update(id=f"c{index:04d}", name=f"t1_c{index:04d}", author=author, body=body,
                  author_fullname=f"t2_{author}", created_utc=1716984000 + 60 * index)
    return record


def _status(index: int, acct: str, display_name: str, text: str) -> dict:
    status = json.loads(STATUSES.read_text())[0]
    status = {**status, "id": f"9{index:05d}", "content": f"<p>{text}</p>", "mentions": [], "tags": [],
              "in_reply_to_id": None, "in_reply_to_account_id": None, "reblog": None,
              "uri": f"https://health.community/users/x/statuses/9{index:05d}",
              "url": f"https://health.community/@x/9{index:05d}",
              "created_at": f"2024-05-0{1 + index % 9}T10:00:00.000Z"}
    status["account"] = {**status["account"], "id": f"8{index:03d}", "acct": acct, "username": acct,
                         "display_name": display_name, "url": f"https://health.community/@{acct}"}
    return status


def _study(root: Path) -> Path:
    raw = root / "raw"
    raw.mkdir(parents=True)
    comments = [
        _comment(1, "jane_doe77", "Our first clinic visit went well, thank you all for the advice."),
        _comment(2, "tom_r1985", "Thanks jane_doe77 for the tip about the formula! - tom_r1985"),
        _comment(3, "tom_r1985", "This poem was written by me, tom_r1985, after a long night."),
        _comment(4, "PKUVoicesNetwork", "Reminder from PKUVoicesNetwork: the swap is on Saturday."),
        _comment(5, "tom_r1985", "JANE_DOE77 and jane\u200b_doe77 both wrote about low-protein bread."),
        _comment(6, "tom_r1985", "My profile is at facebook.com/some.person.42 if you want to talk."),
    ]
    (raw / "comments.ndjson").write_text("".join(json.dumps(c) + "\n" for c in comments))
    statuses = [
        _status(1, "marta", "Marta Rossi", "Day three of the new diet plan and it is going fine."),
        _status(2, "lukas_b", "Lukas", "Marta Rossi told me u/tom_r1985 on Reddit has the recipe."),
        _status(3, "lukas_b", "Lukas", "Did jane_doe77 ever post the bread recipe? thanks@marta for asking"),
    ]
    (raw / "statuses.json").write_text(json.dumps(statuses))
    return write_study(root, [
        organisation("pku-us", [{"path": "comments.ndjson"}], {"reddit": ["PKUVoicesNetwork"]}),
        organisation("fop-au", [{"path": "statuses.json"}], {"mastodon": ["fopfriends@health.community"]}),
    ])


def _everything_written(folder: Path) -> str:
    """Every file under a folder as text: parquet files read as tables, the others as bytes."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).to_string())
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts).lower()


@pytest.fixture()
def ingested(tmp_path: Path):
    config = load_config(_study(tmp_path))
    result = ingest_study(config, progress=False)
    posts = pd.read_parquet(result.tables["posts"]).set_index("source_line")
    return config, posts


def test_handles_and_display_names_are_scrubbed_wherever_they_are_written(ingested) -> None:
    config, _ = ingested
    written = _everything_written(config.processed_path)
    for name in PRIVATE:
        assert name.lower() not in written, f"{name} reached the processed folder"
    assert "pkuvoicesnetwork" in written, "organisations keep their names"


def test_a_signature_becomes_the_authors_own_pseudonym(ingested) -> None:
    _, posts = ingested
    comments = posts[posts["platform"] == "reddit"]
    tom = comments.loc[2, "author_id"]
    assert comments.loc[2, "text"].endswith(f"- {tom}")
    assert f"by me, {tom}," in comments.loc[3, "text"]
    jane = comments.loc[1, "author_id"]
    assert comments.loc[5, "text"].count(jane) == 2, "any case, and through a zero-width space"


def test_links_without_a_scheme_keep_only_their_domain(ingested) -> None:
    _, posts = ingested
    text = posts[posts["platform"] == "reddit"].loc[6, "text"]
    assert "facebook.com if you want" in text


def test_names_are_scrubbed_across_files_and_platforms(ingested) -> None:
    _, posts = ingested
    statuses = posts[posts["platform"] == "mastodon"].sort_values("created_at")
    reddit_tom = posts[(posts["platform"] == "reddit")].loc[2, "author_id"]
    marta = statuses.iloc[0]["author_id"]
    assert statuses.iloc[1]["text"].startswith(f"{marta} told me @{reddit_tom}")
    assert f"thanks@{marta}" in statuses.iloc[2]["text"], "a mention glued to a word"


def test_a_name_from_a_cached_file_is_scrubbed_in_a_new_one(tmp_path: Path) -> None:
    config = load_config(_study(tmp_path))
    ingest_study(config, progress=False)
    (tmp_path / "raw" / "more.ndjson").write_text(json.dumps(
        _comment(7, "newcomer_x", "Is Marta Rossi still posting? Say hi to jane_doe77.")) + "\n")
    data = json.loads(json.dumps(config.model_dump(mode="json", exclude={"source"})))
    data["organisations"][0]["inputs"].append({"path": "more.ndjson"})
    config.source.write_text(json.dumps(data))
    result = ingest_study(load_config(config.source), progress=False)
    assert not result.skipped
    written = _everything_written(config.processed_path)
    for name in ("marta rossi", "jane_doe77", "newcomer_x"):
        assert name not in written


def test_a_handle_that_is_a_common_word_stays_a_word(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    comments = [_comment(i, f"member_{i:02d}", f"We keep hope for the trial, message {i}.")
                for i in range(30)]
    comments.append(_comment(99, "hope", "Thanks @hope and everyone."))
    (raw / "comments.ndjson").write_text("".join(json.dumps(c) + "\n" for c in comments))
    config = load_config(write_study(tmp_path, [organisation("org-a", [{"path": "comments.ndjson"}])]))
    posts = pd.read_parquet(ingest_study(config, progress=False).tables["posts"])
    assert posts["text"].str.contains("keep hope for").sum() == 30
    marked = posts.loc[posts["text"].str.startswith("Thanks"), "text"].iloc[0]
    assert "@hope" not in marked and "@P-" in marked
