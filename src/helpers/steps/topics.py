"""The topics step: the study's BERTopic model, fitted once and saved (:mod:`helpers.topics`)."""

from __future__ import annotations

from helpers.config import StudyConfig
from helpers.steps.base import Erased, Forgotten, Step
from helpers.topics import (
    forget_topic_models,
    prepare_topic_words,
    save_interactive_figures,
    study_topics,
    topic_stability,
)


def run(config: StudyConfig) -> None:
    """Fit (or load) the study's topic model, refit it for its stability, and save its interactive figures.

    The stability refits (``analysis.topic_stability_seeds``) run here, side
    by side on the machine's CPUs, rather than in the first notebook that
    needs them while the other organisations' notebooks wait for them; the
    figures are saved after them, so they mark the unstable topics, and
    once, so that no notebook has to import BERTopic to show them; so are
    the study-wide word counts behind the topic words per period.  While the
    largest language group's layout runs alone, the fit takes a job offered
    to an idle CPU (:func:`helpers.processes.offer_to_an_idle_cpu`).
    """
    result = study_topics(config, progress=False)
    topic_stability(config, result)  # a note instead when turned off or without topics: nothing to do
    save_interactive_figures(result, [None, *(org.id for org in config.organisations)])
    prepare_topic_words(result)


def forget(config: StudyConfig, erased: Erased) -> Forgotten:
    """Delete the saved topic models: their vocabulary and topic vectors derive from every post.

    The next batch refits without the person (their cached vectors go with the embed step).
    """
    return dict.fromkeys(forget_topic_models(config), 0)


STEP = Step(
    name="topics",
    purpose="topics of the study's posts (BERTopic), per language group, with their stability across "
            "seeds, saved with their figures",
    reads=("posts.parquet", "embeddings/**"),
    writes=("topics/**",),
    run=run,
    forget=forget,
)
