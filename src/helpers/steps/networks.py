"""The networks step: each organisation's interaction network analysed and exported
(:mod:`helpers.networks`)."""

from __future__ import annotations

import shutil

from helpers.config import StudyConfig
from helpers.networks import analyse_network, has_saved_analysis
from helpers.steps.base import Erased, Forgotten, Step


def organisations_to_analyse(config: StudyConfig) -> list[str]:
    """The organisations whose saved analysis is missing or out of date (independent of each other)."""
    return [org.id for org in config.organisations if not has_saved_analysis(config, org.id)]


def analyse_organisation(config: StudyConfig, org_id: str) -> None:
    """Analyse and save one organisation's network (single-threaded)."""
    analyse_network(config, org_id, progress=False)


def run(config: StudyConfig) -> None:
    """Analyse every organisation whose network is not saved yet, one after another."""
    for org_id in organisations_to_analyse(config):
        analyse_organisation(config, org_id)


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Delete the saved analyses and the exports (``networks/``): they name the person's pseudonym."""
    folder = config.processed_path / "networks"
    forgotten: Forgotten = dict.fromkeys((path for path in folder.rglob("*") if path.is_file()), 0) \
        if folder.is_dir() else {}
    shutil.rmtree(folder, ignore_errors=True)
    return forgotten


STEP = Step(
    name="networks",
    purpose="interaction and hashtag networks per organisation: measures, communities, brokers, exports",
    reads=("posts.parquet", "interactions.parquet", "accounts.parquet", "topics/**"),
    writes=("networks/**",),
    run=run,
    forget=forget,
    parts=organisations_to_analyse,
    run_part=analyse_organisation,
)
