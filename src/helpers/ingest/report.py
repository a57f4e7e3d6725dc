"""Tables that show what ingestion read: reconciliation, quarantine reasons, volumes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from helpers.config import StudyConfig
from helpers.notice import NotComputed, Remark
from helpers.schema import read_table, table_path

if TYPE_CHECKING:
    from helpers.ingest.pipeline import IngestResult


def load_posts(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame:
    """Read the validated posts table, optionally of one organisation."""
    return read_table("posts", table_path(config.processed_path, "posts"), org_id=org_id)


def reconciliation(result: IngestResult) -> pd.DataFrame | Remark:
    """Per file: records read, accepted, quarantined, duplicates, erased (a sentence without files)."""
    summary = result.summary()
    if summary.empty:
        return Remark("No input file is listed in the study file yet: add each organisation's export files "
                      "under its inputs: and run again.")
    return summary


def ingest_warnings(result: IngestResult) -> Remark | None:
    """What was odd about the inputs though they could be read (a file listed twice, edited posts)."""
    if not result.warnings:
        return None
    return Remark("Warnings: " + " ".join(result.warnings))


def quarantine_reasons(config: StudyConfig) -> pd.DataFrame | Remark:
    """Quarantined records per file and reason, most frequent first.

    The reason text is shortened to its kind (the part before the first
    colon) so that, e.g., every ``malformed JSON`` line counts together.
    """
    quarantine = read_table("quarantine", table_path(config.processed_path, "quarantine"))
    if quarantine.empty:
        return Remark("No record was quarantined: every record read was accepted or a duplicate.")
    kind = quarantine["reason"].str.split(":", n=1).str[0]
    grouped = quarantine.assign(reason=kind).groupby(["source_file", "reason"], as_index=False)
    table = grouped.agg(records=("source_line", "size"), first_line=("source_line", "min"))
    return table.sort_values(["records", "source_file"], ascending=[False, True], ignore_index=True)


def posts_overview(config: StudyConfig, org_id: str | None = None) -> pd.DataFrame | NotComputed:
    """Posts, authors, share of organisation posts and date range per organisation and platform."""
    posts = load_posts(config, org_id)
    if posts.empty:
        who = config.organisation(org_id).name if org_id else config.name
        return NotComputed("Posts", f"no posts were ingested for {who}",
                           "export files listed under its inputs: in the study file")
    grouped = posts.groupby(["org_id", "platform"], as_index=False)
    table = grouped.agg(
        posts=("post_id", "size"),
        authors=("author_id", "nunique"),
        org_posts=("author_role", lambda roles: int((roles == "org").sum())),
        first=("created_at", "min"),
        last=("created_at", "max"),
    )
    table["first"] = table["first"].dt.date
    table["last"] = table["last"].dt.date
    return table
