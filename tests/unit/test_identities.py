"""One person, one pseudonym: accounts named by handle only are the accounts named by id with that handle.

twarc-csv writes mentions as ``@handle`` without the account id its authors
carry; before, a person mentioned in a twarc-csv file got a pseudonym of the
handle and, for their own posts, one of the id: two nodes in the network.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.config import load_config
from helpers.ingest.pipeline import ingest_study
from tests.builders import organisation, write_study
from tests.shapes import file_name, synthetic_posts, write_export


def _interactions(root: Path, fmt: str, posts, secret: Path) -> pd.DataFrame:
    entry = {"path": file_name(fmt), **write_export(fmt, root / "raw" / file_name(fmt), posts)}
    config = load_config(write_study(root, [organisation("org-a", [entry], {"twitter": ["OrgAccount"]})],
                                     secret=secret))
    result = ingest_study(config, progress=False)
    table = pd.read_parquet(result.tables["interactions"])
    return table[["source_author", "target_author", "kind", "post_id"]].sort_values(
        ["post_id", "kind", "target_author"], ignore_index=True)


def test_handle_only_mentions_get_the_pseudonym_of_the_account_with_that_handle(tmp_path: Path) -> None:
    posts = synthetic_posts(80, platform="twitter", seed=3, mention_share=0.5)
    secret = tmp_path / "study.key"
    with_ids = _interactions(tmp_path / "twarc2", "twarc2", posts, secret)
    handles_only = _interactions(tmp_path / "csv", "twarc_csv", posts, secret)
    mentions = with_ids[with_ids["kind"] == "mention"]
    assert len(mentions) > 10, "the study has mentions to compare"
    pd.testing.assert_frame_equal(handles_only, with_ids)


def test_a_handle_of_two_accounts_stays_apart(tmp_path: Path) -> None:
    """Two accounts that used one handle (a renamed account) cannot be told apart: nothing is merged."""
    from helpers.ingest.identities import handle_only_accounts

    aliases = pd.DataFrame({"alias_key": ["h1", "h1", "i1", "h1", "i2", "h2", "h2", "i3"],
                            "author_id": ["P-a", "P-id1", "P-id1", "P-id2", "P-id2", "P-b", "P-id3", "P-id3"],
                            "by_handle": [True, False, False, False, False, True, False, False]})
    assert handle_only_accounts(aliases) == {"P-b": "P-id3"}
