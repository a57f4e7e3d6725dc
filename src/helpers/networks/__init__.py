"""Interaction networks: who talks to whom, who brokers, which communities form.

The ``interactions`` table (one row per reply, mention, share or quote) becomes
a directed, weighted graph whose nodes are accounts (organisation accounts by
name, everybody else by pseudonym) and whose edge ``u -> v`` counts how often
``u`` addressed ``v``, in total (``weight``) and per kind.  On it this package
measures what Vicari & Cappai (2016) describe in words:

* **one-way** knowledge sharing shows as a star around the organisation with
  low reciprocity and high in/out-degree centralisation;
* **two-way** sharing as reciprocated ties between organisation and public
  (:func:`org_ego_table`, ``answered_share``);
* **crowd-sourced** sharing as public-to-public interaction, dense ego
  networks and communities that do not revolve around the organisation.

Every measure is one plain function (DataFrame or graph in, DataFrame, Series
or graph out), as in networkx; :func:`analyse_network` runs them all for one
organisation or the whole study, and :func:`export_graph` writes GEXF,
GraphML and CSV files for Gephi.  Large graphs (a million interactions) are
handled by computing betweenness and, above a size threshold, Louvain with
igraph's C implementation, which gives the same numbers as networkx (see
``tests/integration/test_networks.py``) in a fraction of the time; ``docs/networks.md``
lists the measured times.

Modules, each importing only from those above it:

* :mod:`~helpers.networks.build`: loading the tables, edge lists, graphs, graph-level summaries;
* :mod:`~helpers.networks.measures`: degree, PageRank, betweenness, core numbers (igraph helpers);
* :mod:`~helpers.networks.community`: Louvain communities and what each is about;
* :mod:`~helpers.networks.brokerage`: brokerage roles, brokers, ego networks, bridging accounts;
* :mod:`~helpers.networks.growth`: time slices and how the network grows;
* :mod:`~helpers.networks.projections`: hashtag co-occurrence and author-topic networks;
* :mod:`~helpers.networks.layout`: the drawable part of a graph and its remembered positions;
* :mod:`~helpers.networks.style`: node colours, sizes and labels of drawings;
* :mod:`~helpers.networks.draw`: static figures (matplotlib);
* :mod:`~helpers.networks.interactive`: the interactive view (plotly);
* :mod:`~helpers.networks.export`: GEXF, GraphML and CSV exports;
* :mod:`~helpers.networks.evaluation`: measures per communication mode, checks against ground truth;
* :mod:`~helpers.networks.analysis`: the whole analysis of a scope, computed once and saved.

Everything public is importable from ``helpers.networks`` itself.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Wasserman, S., & Faust, K. (1994). Social Network Analysis: Methods and
   Applications. Cambridge University Press.
"""

from __future__ import annotations

from helpers.networks.analysis import (
    SAVED_ANALYSES,
    NetworkAnalysis,
    analyse_network,
    compute_network,
    forget_saved_analyses,
    has_saved_analysis,
)
from helpers.networks.brokerage import (
    BROKERAGE_ROLES,
    bridging_accounts,
    brokerage_roles,
    brokers,
    ego_network,
    org_ego_table,
)
from helpers.networks.build import (
    KINDS,
    build_graph,
    edge_table,
    graph_edges,
    graph_summary,
    graphs_by_kind,
    kind_summary_table,
    load_accounts,
    load_interactions,
    load_post_topics,
    node_attributes,
    org_nodes,
    summarise_edges,
    summary_table,
)
from helpers.networks.community import NETWORKX_LOUVAIN_MAX_EDGES, communities, community_table, top_terms
from helpers.networks.draw import draw_network, plot_growth
from helpers.networks.evaluation import evaluate_against_truth, mode_profile
from helpers.networks.export import annotate_graph, export_graph, networks_folder, write_gexf, write_graphml
from helpers.networks.growth import growth_table, time_periods, time_slices
from helpers.networks.interactive import interactive_network
from helpers.networks.layout import LAYOUTS_KEY, drawable_subgraph, network_layout, remembered_layout
from helpers.networks.measures import (
    EXACT_BETWEENNESS_MAX_NODES,
    Backend,
    betweenness,
    core_numbers,
    degree_table,
    node_measures,
    pagerank,
    reciprocity,
    to_igraph,
    top_accounts,
    undirected_weighted,
)
from helpers.networks.projections import (
    author_topic_graph,
    author_topic_projection,
    hashtag_graph,
    hashtag_table,
    topic_pairs,
)
from helpers.networks.style import COMMUNITY_COLOURS, OTHER_COLOUR

__all__ = [
    # brokerage
    "BROKERAGE_ROLES",
    "COMMUNITY_COLOURS",
    # measures
    "EXACT_BETWEENNESS_MAX_NODES",
    # build
    "KINDS",
    # layout and style
    "LAYOUTS_KEY",
    # community
    "NETWORKX_LOUVAIN_MAX_EDGES",
    "OTHER_COLOUR",
    # analysis
    "SAVED_ANALYSES",
    "Backend",
    "NetworkAnalysis",
    "analyse_network",
    # export
    "annotate_graph",
    # projections
    "author_topic_graph",
    "author_topic_projection",
    "betweenness",
    "bridging_accounts",
    "brokerage_roles",
    "brokers",
    "build_graph",
    "communities",
    "community_table",
    "compute_network",
    "core_numbers",
    "degree_table",
    # draw and interactive
    "draw_network",
    "drawable_subgraph",
    "edge_table",
    "ego_network",
    # evaluation
    "evaluate_against_truth",
    "export_graph",
    "forget_saved_analyses",
    "graph_edges",
    "graph_summary",
    "graphs_by_kind",
    # growth
    "growth_table",
    "has_saved_analysis",
    "hashtag_graph",
    "hashtag_table",
    "interactive_network",
    "kind_summary_table",
    "load_accounts",
    "load_interactions",
    "load_post_topics",
    "mode_profile",
    "network_layout",
    "networks_folder",
    "node_attributes",
    "node_measures",
    "org_ego_table",
    "org_nodes",
    "pagerank",
    "plot_growth",
    "reciprocity",
    "remembered_layout",
    "summarise_edges",
    "summary_table",
    "time_periods",
    "time_slices",
    "to_igraph",
    "top_accounts",
    "top_terms",
    "topic_pairs",
    "undirected_weighted",
    "write_gexf",
    "write_graphml",
]
