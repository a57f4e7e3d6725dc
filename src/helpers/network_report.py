"""The sections of the networks notebook, each a table or, where the network cannot support it, a note.

:func:`helpers.networks.analyse_network` computes everything once; these
functions choose what a reader sees of it.  A page export has no replies or
shares, so its network has no ties; a community study has no organisation
accounts, so there is no organisation's ego network; a study of one
organisation has no account bridging two.  Each of these says so in a
sentence (:class:`helpers.notice.NotComputed`) instead of showing an empty table.
"""

from __future__ import annotations

import pandas as pd

from helpers.config import StudyConfig
from helpers.networks import NetworkAnalysis, org_nodes, top_accounts
from helpers.networks.measures import CENTRALITIES
from helpers.notice import NotComputed, Remark, Shown


def no_ties(net: NetworkAnalysis, measure: str) -> NotComputed | None:
    """The note of a network without ties (None when it has some)."""
    if net.graph.number_of_edges():
        return None
    return NotComputed(measure, "no account in this network replied to, mentioned, shared or quoted another "
                       "in the exports (page exports, for one, carry no replies)",
                       "exports that include replies, mentions or shares")


def network_summary(net: NetworkAnalysis) -> Shown:
    """Size, density and reciprocity per kind of interaction (a note without ties)."""
    return no_ties(net, "Interaction network") or net.summary


def growth_overview(net: NetworkAnalysis) -> Shown:
    """Accounts, reciprocity and public share per period (a note without ties)."""
    return no_ties(net, "Growth of the network") or net.growth


def central_accounts(net: NetworkAnalysis, by: str = "pagerank", n: int = 15,
                     measures: tuple[str, ...] = CENTRALITIES) -> Shown:
    """The most central accounts with ``measures`` (a note without ties)."""
    return no_ties(net, "Central accounts") or top_accounts(net.nodes, by=by, n=n, measures=measures)


def ego_overview(net: NetworkAnalysis, config: StudyConfig) -> Shown:
    """Each organisation's ego network; a note for a community study or an organisation not in the network."""
    measure = "The organisation's ego network"
    if not org_nodes(net.graph):
        scope = [config.organisation(net.scope)] if net.scope in {o.id for o in config.organisations} \
            else config.organisations
        if not any(org.accounts for org in scope):
            return NotComputed(measure, "the organisation has no accounts of its own in the study file (a "
                               "community study)", "its handles under accounts: in the study file, if it "
                               "has any")
        return NotComputed(measure, "none of the organisation's accounts replied to, mentioned, shared or "
                           "quoted anyone, or was addressed, in the exports")
    return net.ego


def community_overview(net: NetworkAnalysis, n: int = 12) -> Shown:
    """The largest communities (a note without ties or communities of two or more)."""
    if (note := no_ties(net, "Communities")) is not None:
        return note
    if net.communities.empty:
        return Remark("No community of two or more accounts: every account interacts alone.")
    return net.communities.head(n)


def broker_overview(net: NetworkAnalysis, n: int = 15) -> Shown:
    """The brokers between communities (a note without ties; a sentence when nobody brokers)."""
    if (note := no_ties(net, "Brokers")) is not None:
        return note
    if net.brokers.empty:
        return Remark("No account brokers between communities: no account sits on a path from one "
                      "community to another.")
    return net.brokers.head(n)


def bridging_overview(net: NetworkAnalysis, config: StudyConfig, n: int = 20) -> Shown:
    """Accounts active in the communities of several organisations (a note for a one-organisation study)."""
    if len(config.organisations) < 2:
        return NotComputed("Accounts bridging organisations", "the study has one organisation",
                           "two or more organisations in the study")
    if net.bridging.empty:
        return Remark("No account is active in the communities of two or more organisations of the study.")
    return net.bridging.head(n)


def draw_hashtags(net: NetworkAnalysis, config: StudyConfig) -> NotComputed | Remark | None:
    """Draw the hashtag co-occurrence network; a note instead when there is none to draw."""
    from helpers.networks import communities, draw_network

    tags = net.hashtags
    if tags.number_of_nodes() == 0:
        return NotComputed("Hashtags that go together", f"no hashtag is used by "
                           f"{config.privacy.min_group_size} or more authors (privacy.min_group_size)",
                           "more posts with hashtags")
    if tags.number_of_edges() == 0:
        return Remark("No two of the hashtags used by enough authors appear in the same post.")
    draw_network(tags, membership=communities(tags, seed=config.seed), max_nodes=60, label_top=40,
                 seed=config.seed, title="Hashtag co-occurrence", noun="hashtags")
    return None


def topic_overview(net: NetworkAnalysis) -> Shown:
    """The strongest ties between topics by shared authors (a note without topics)."""
    from helpers.networks import topic_pairs

    if net.topics is None:
        return NotComputed("Topics tied by their authors", "the study's topic model has no topics (see the "
                           "topics notebook)")
    pairs = topic_pairs(net.topics)
    if pairs.empty:
        return Remark("No author wrote about two topics, so no topics are tied.")
    return pairs


def exports_overview(net: NetworkAnalysis, config: StudyConfig) -> pd.DataFrame:
    """The exported files for Gephi and other tools, with their folder and size."""
    return net.exports_table(config.project_root)
