"""The study DAG: one module per step, each declaring what it reads and writes, how it runs and how
it forgets a person.

=========  ===========================================  =====================================
step       reads (under the processed folder)           writes
=========  ===========================================  =====================================
ingest     the raw exports, the erasure register        posts, interactions, accounts, aliases,
                                                        quarantine, manifest, summary, ``_stage/``
embed      posts                                        ``embeddings/``
classify   posts, interactions, accounts, embeddings    post_classes, thread_modes, manifest
topics     posts, embeddings                            ``topics/``
networks   posts, interactions, accounts, topics        ``networks/``
=========  ===========================================  =====================================

Each step needs only what the steps before it wrote.  :mod:`helpers.batch.study_steps` runs them
(and decides where: helper processes, the classify job beside the topic fit);
:mod:`helpers.erasure` asks each, last to first, to forget a person.
"""

from helpers.steps import classify, embed, ingest, networks, topics
from helpers.steps.base import Erased, Forgotten, Step, drop_rows

STEPS: tuple[Step, ...] = (ingest.STEP, embed.STEP, classify.STEP, topics.STEP, networks.STEP)
"""Every study step, in the order they run."""


def step_named(name: str) -> Step:
    """The step of that name (``KeyError`` for none)."""
    for step in STEPS:
        if step.name == name:
            return step
    raise KeyError(name)


__all__ = ["STEPS", "Erased", "Forgotten", "Step", "drop_rows", "step_named"]
