"""The smallest topic of a model fitted on a sample is the study's, scaled to the sample (issue 29)."""

from __future__ import annotations

import numpy as np

from helpers.topics.grouped import _group_sizes
from helpers.topics.params import TopicParams, auto_min_topic_size


def test_a_sample_asks_for_topics_as_fine_as_the_study_would_get() -> None:
    study = np.array(["en"] * 40_000 + ["it"] * 8_000, dtype=object)
    sample = np.array(["en"] * 10_000 + ["it"] * 2_000, dtype=object)  # a quarter of each group
    sizes = _group_sizes(sample, TopicParams(), study)
    assert sizes["en"][0] == round(auto_min_topic_size(40_000) / 4) == 25
    assert sizes["it"][0] == round(auto_min_topic_size(8_000) / 4) == 11
    # chosen for the sample's own size, the smallest topic would be 50 posts of the sample (200 of the study)
    assert _group_sizes(sample, TopicParams())["en"][0] == auto_min_topic_size(10_000) == 50


def test_without_a_sample_and_with_a_configured_size_nothing_changes() -> None:
    groups = np.array(["en"] * 3_000, dtype=object)
    assert _group_sizes(groups, TopicParams()) == _group_sizes(groups, TopicParams(), groups)
    assert _group_sizes(groups, TopicParams())["en"][0] == auto_min_topic_size(3_000)
    fixed = TopicParams(min_topic_size=40)
    assert _group_sizes(groups[:1_000], fixed, groups)["en"][0] == 13  # 40 posts of the study, a third
