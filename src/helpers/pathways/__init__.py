"""Health-information pathways: which sources travel through organisations' networks, and through whom.

:mod:`helpers.pathways.flow` turns posts into link rows (post x link, with the
source type and the author's actor type), finds who introduced each link and
who passed it on, the mix of source types by kind of account, mode or kind of
knowledge, the two-mode account-source network and the sources over time
(Vicari & Cappai 2016).  :mod:`helpers.pathways.gatekeepers` lists the
accounts that bring medical sources in and broker between kinds of accounts:
the gatekeepers of scientific information (Vicari 2020).  Plain data in and
out.  :mod:`helpers.pathways.study` reads a study's accounts (with its hand
codes), posts and link sources; :mod:`helpers.pathways.report` holds what the
notebooks and reports show (tables with 95% intervals, or in words what could
not be computed), :mod:`helpers.pathways.plots` the figure, and
:mod:`helpers.pathways.evaluation` the accuracy on the demo's ground truth.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. Information, Communication & Society, 19(11), 1653-1671.
.. [2] Vicari, S. (2020). Is it all about storytelling? Living and learning
   hereditary cancer on Twitter. New Media & Society. doi:10.1177/1461444820926632
"""

from helpers.pathways.flow import (
    MEDICAL_SOURCES,
    account_projection,
    introductions,
    is_full_link,
    is_pass,
    link_rows,
    onward_passes,
    pass_pairs,
    source_mix,
    source_network,
    sources_over_time,
)
from helpers.pathways.gatekeepers import gatekeeper_table, gatekeeper_types
from helpers.pathways.plots import plot_sources_over_time
from helpers.pathways.report import (
    PathwayAnalysis,
    actor_overview,
    analyse_pathways,
    by_actor,
    export_source_network,
    gatekeeper_overview,
    gatekeeper_type_overview,
    network_by_actor,
    pathways_by,
    pathways_reading,
    source_flow_overview,
    source_mix_overview,
    sources_over_time_table,
    unknown_domain_overview,
)
from helpers.pathways.study import read_actor_codes, study_accounts, study_link_sources

__all__ = [
    "MEDICAL_SOURCES",
    "PathwayAnalysis",
    "account_projection",
    "actor_overview",
    "analyse_pathways",
    "by_actor",
    "export_source_network",
    "gatekeeper_overview",
    "gatekeeper_table",
    "gatekeeper_type_overview",
    "gatekeeper_types",
    "introductions",
    "is_full_link",
    "is_pass",
    "link_rows",
    "network_by_actor",
    "onward_passes",
    "pass_pairs",
    "pathways_by",
    "pathways_reading",
    "plot_sources_over_time",
    "read_actor_codes",
    "source_flow_overview",
    "source_mix",
    "source_mix_overview",
    "source_network",
    "sources_over_time",
    "sources_over_time_table",
    "study_accounts",
    "study_link_sources",
    "unknown_domain_overview",
]
