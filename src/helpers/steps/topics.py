"""The topics step: the study's BERTopic model, fitted once and saved (:mod:`helpers.topics`)."""

from __future__ import annotations

from helpers.config import StudyConfig
from helpers.steps.base import Erased, Forgotten, Step
from helpers.topics import forget_topic_models, save_interactive_figures, study_topics


def run(config: StudyConfig) -> None:
    """Fit (or load) the study's topic model and save its interactive figures.

    The figures are saved here, once, so that no notebook has to import
    BERTopic to show them.  While the largest language group's layout runs
    alone, the fit takes a job offered to an idle CPU
    (:func:`helpers.processes.offer_to_an_idle_cpu`).
    """
    result = study_topics(config, progress=False)
    save_interactive_figures(result, [None, *(org.id for org in config.organisations)])


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Delete the saved topic models: their vocabulary and topic vectors derive from every post.

    The next batch refits without the person (their cached vectors go with the embed step).
    """
    return dict.fromkeys(forget_topic_models(config), 0)


STEP = Step(
    name="topics",
    purpose="topics of the study's posts (BERTopic), per language group, saved with their figures",
    reads=("posts.parquet", "embeddings/**"),
    writes=("topics/**",),
    run=run,
    forget=forget,
)
