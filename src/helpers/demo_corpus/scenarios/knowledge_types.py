"""Which knowledge type a post has: weights by role and by step of a scenario, and near Rare Disease Day."""

from __future__ import annotations

import random
from datetime import datetime

from helpers.demo_corpus.calendar import near, rare_disease_day
from helpers.demo_corpus.model import Account
from helpers.demo_corpus.scenarios.community import Community

ORG_KT = {"medical": 0.26, "practical": 0.22, "advocacy": 0.30, "mediated_experiential": 0.10, "other": 0.12}
PUBLIC_ROOT_KT = {
    "experiential": 0.40,
    "mediated_experiential": 0.25,
    "practical": 0.10,
    "medical": 0.08,
    "advocacy": 0.09,
    "other": 0.08,
}
PARENT_ROOT_KT = {
    "experiential": 0.30,
    "mediated_experiential": 0.38,
    "practical": 0.10,
    "medical": 0.06,
    "advocacy": 0.09,
    "other": 0.07,
}
PEER_REPLY_KT = {
    "other": 0.33,
    "experiential": 0.27,
    "practical": 0.22,
    "mediated_experiential": 0.12,
    "medical": 0.06,
}
QUESTION_KT = {"practical": 0.55, "medical": 0.30, "experiential": 0.15}
FOLLOW_UP_KT = {"other": 0.6, "experiential": 0.25, "practical": 0.15}
STORY_KT = {"experiential": 0.55, "mediated_experiential": 0.45}
AMPLIFY_KT = {"other": 0.6, "advocacy": 0.4}
PARENT_KINDS = ("parent", "grandparent", "carer")


def _choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


class KnowledgeTypesMixin:
    """Part of :class:`~helpers.demo_corpus.scenarios.world.World`: the knowledge type of a new post."""

    def org_kt(self, c: Community, when: datetime) -> str:
        weights = dict(ORG_KT)
        if near(when.date(), rare_disease_day(when.year), 3):
            weights["advocacy"] *= 3
            weights["mediated_experiential"] *= 1.5
        return _choice(c.rng, weights)

    def public_kt(self, c: Community, author: Account, when: datetime) -> str:
        weights = dict(PARENT_ROOT_KT if author.kind in PARENT_KINDS else PUBLIC_ROOT_KT)
        if author.kind not in PARENT_KINDS:
            weights["mediated_experiential"] *= 0.3
        if near(when.date(), rare_disease_day(when.year), 3):
            weights["advocacy"] *= 2.5
        return _choice(c.rng, weights)
