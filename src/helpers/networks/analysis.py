"""The whole network analysis of one scope (an organisation or the study), computed once and saved.

:func:`compute_network` runs every measure; :func:`analyse_network` saves its
result under ``<processed>/networks/_saved/`` and reuses it while the inputs
and settings are unchanged; :func:`forget_saved_analyses` deletes them (erasure).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd
from tqdm import tqdm

from helpers.config import StudyConfig
from helpers.interactive import figure_html
from helpers.networks.brokerage import bridging_accounts, brokers, org_ego_table
from helpers.networks.build import (
    build_graph,
    kind_summary_table,
    load_accounts,
    load_interactions,
    load_post_topics,
    org_nodes,
)
from helpers.networks.community import communities, community_table
from helpers.networks.export import (
    annotate_graph,
    export_dynamic_gexf,
    export_graph,
    export_pajek,
    networks_folder,
)
from helpers.networks.growth import growth_table
from helpers.networks.interactive import interactive_network
from helpers.networks.layout import drawable_subgraph, remembered_layout
from helpers.networks.measures import Backend, node_measures
from helpers.networks.projections import author_topic_projection, hashtag_graph
from helpers.schema import read_table, table_path
from helpers.store import atomic_path, tighten

logger = logging.getLogger(__name__)


@dataclass
class NetworkAnalysis:
    """Everything :func:`analyse_network` computed for one scope (an organisation or the study)."""

    scope: str
    graph: nx.DiGraph
    summary: pd.DataFrame
    nodes: pd.DataFrame
    communities: pd.DataFrame
    brokers: pd.DataFrame
    ego: pd.DataFrame
    bridging: pd.DataFrame
    growth: pd.DataFrame
    hashtags: nx.Graph
    topics: nx.Graph | None = None
    exports: dict[str, Path] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)

    def methods_table(self) -> pd.DataFrame:
        """How each result was computed (algorithm, parameters, seed), for the report."""
        return pd.DataFrame({"how": self.methods}).rename_axis("what")

    def exports_table(self, root: Path | None = None) -> pd.DataFrame:
        """The exported files, their folder (relative to ``root``, e.g. the project root) and sizes."""
        rows = []
        for path in self.exports.values():
            folder = path.parent
            folder = folder.relative_to(root) if root is not None and folder.is_relative_to(root) else folder
            size = round(path.stat().st_size / 1024, 1)
            rows.append({"file": path.name, "folder": str(folder), "KiB": size})
        return pd.DataFrame(rows, columns=["file", "folder", "KiB"])


SAVED_ANALYSES = "_saved"
RESULT_FORMAT = 2
"""Increased when :class:`NetworkAnalysis` gains results (2: closeness, eigenvector, clustering, dynamic GEXF,
Pajek), so results saved before are recomputed, not reused without them."""


def analyse_network(
    config: StudyConfig,
    org_id: str | None = None,
    *,
    topics: pd.DataFrame | None = None,
    export: bool = True,
    progress: bool = True,
    backend: Backend = "auto",
    reuse: bool = True,
) -> NetworkAnalysis:
    """The network analysis of one organisation (``org_id``) or the study, computed once.

    The result is saved under ``<processed>/networks/_saved/`` with a key over
    everything it depends on (the tables, the topic model, the settings, the
    package version), so the networks notebook, the organisation report and
    a rerun share one computation.  ``reuse=False`` always recomputes.  Only
    the latest result of a scope is kept, and ``rarevoices forget`` deletes
    them all.  See :func:`compute_network` for what is computed.
    """
    if topics is not None or not reuse:
        return compute_network(config, org_id, topics=topics, export=export, progress=progress,
                               backend=backend)
    path = _saved_path(config, org_id, _analysis_key(config, org_id, export, backend))
    saved = _load_saved(path)
    if saved is not None:
        return saved
    result = compute_network(config, org_id, export=export, progress=progress, backend=backend)
    _save_analysis(result, path)
    tighten(networks_folder(config, org_id))
    return result


def has_saved_analysis(config: StudyConfig, org_id: str | None = None, *, export: bool = True,
                       backend: Backend = "auto") -> bool:
    """Whether :func:`analyse_network` would reuse a saved result (without loading it)."""
    return _saved_path(config, org_id, _analysis_key(config, org_id, export, backend)).exists()


def _analysis_key(config: StudyConfig, org_id: str | None, export: bool, backend: str) -> str:
    """Hash of the inputs, topic model and settings a scope's analysis depends on."""
    from helpers import __version__

    digest = hashlib.sha256()
    for name in ("posts", "interactions", "accounts"):
        path = table_path(config.processed_path, name)
        digest.update(f"{name}:{path.stat().st_mtime_ns}:{path.stat().st_size}".encode())
    current = config.processed_path / "topics" / "current.json"
    digest.update(current.read_bytes() if current.exists() else b"no topics")
    settings = {
        "version": __version__, "format": RESULT_FORMAT, "org": org_id, "export": export, "backend": backend,
        "seed": config.seed,
        "analysis": config.analysis.model_dump(mode="json"), "privacy": config.privacy.min_group_size,
        "names": {org.id: org.name for org in config.organisations}, "study": config.name,
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:24]


def _saved_path(config: StudyConfig, org_id: str | None, key: str) -> Path:
    return config.processed_path / "networks" / SAVED_ANALYSES / f"{org_id or 'study'}-{key}.pkl"


def _load_saved(path: Path) -> NetworkAnalysis | None:
    """A saved analysis whose exports are all still there, else None."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            result = pickle.load(fh)  # our own file, written by _save_analysis
    except Exception as exc:  # a truncated or outdated file: recompute
        logger.info("Ignoring saved network analysis %s (%s)", path.name, exc)
        return None
    if not all(Path(export).exists() for export in result.exports.values()):
        return None
    logger.info("Network analysis of %s reused from %s", result.scope, path.name)
    return result


def _save_analysis(result: NetworkAnalysis, path: Path) -> None:
    """Write atomically, and drop the scope's older results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scope_prefix = path.name.rsplit("-", 1)[0] + "-"
    for older in path.parent.glob(f"{scope_prefix}*.pkl"):
        if older.name.rsplit("-", 1)[0] + "-" == scope_prefix and older != path:
            older.unlink(missing_ok=True)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)


def forget_saved_analyses(config: StudyConfig) -> None:
    """Erasure: delete every saved network analysis (they name the people in the graph)."""
    folder = config.processed_path / "networks" / SAVED_ANALYSES
    if folder.exists():
        shutil.rmtree(folder)


def compute_network(
    config: StudyConfig,
    org_id: str | None = None,
    *,
    topics: pd.DataFrame | None = None,
    export: bool = True,
    progress: bool = True,
    backend: Backend = "auto",
) -> NetworkAnalysis:
    """Run the whole network analysis for one organisation (``org_id``) or the study.

    Steps: build the graph (all kinds) and summarise it per kind; node measures
    (degrees, PageRank, betweenness and closeness exact up to
    ``EXACT_BETWEENNESS_MAX_NODES`` nodes, else from
    ``config.analysis.betweenness_k`` sampled sources; eigenvector centrality
    and clustering coefficient on the undirected graph); Louvain communities
    with the study seed and their hashtags (and topics, when ``topics`` or
    :func:`load_post_topics` has them); brokers; each organisation's ego
    network; accounts bridging organisations; growth per
    ``config.analysis.time_slice``; the hashtag network (hashtags of at least
    ``privacy.min_group_size`` authors); the author-topic projection; exports
    to :func:`networks_folder` (GEXF, GraphML, Pajek, CSV, interactive HTML, and
    the network over time per ``config.analysis.time_slice`` as dynamic GEXF).
    """
    scope = org_id or "study"
    seed = config.seed
    steps = tqdm(total=9, desc=f"networks {scope}", unit="step", disable=not progress)
    methods: dict[str, str] = {}

    def step(label: str) -> None:
        steps.set_postfix_str(label)
        logger.info("%s: %s", scope, label)

    step("loading tables")
    interactions = load_interactions(config, org_id)
    all_interactions = load_interactions(config) if org_id is not None else interactions
    accounts = load_accounts(config)
    posts = read_table("posts", table_path(config.processed_path, "posts"))
    scoped_posts = posts if org_id is None else posts[posts["org_id"] == org_id]
    if topics is None:
        topics = load_post_topics(config)
    steps.update()

    step("building the graph")
    graph = build_graph(interactions, accounts, name=f"{_scope_title(config, org_id)}: all interactions")
    summary = kind_summary_table(interactions, accounts)
    steps.update()

    step("centralities")
    nodes = node_measures(graph, k=config.analysis.betweenness_k, seed=seed, backend=backend)
    methods["betweenness"] = nodes.attrs["betweenness_method"]
    methods["pagerank"] = "weighted PageRank, damping 0.85 (networkx)"
    for measure in ("closeness", "eigenvector", "clustering"):
        methods[measure] = nodes.attrs[f"{measure}_method"]
    steps.update()

    step("communities")
    membership = communities(graph, seed=seed, backend=backend)
    nodes["community"] = membership.reindex(nodes.index)
    modularity = membership.attrs.get("modularity", math.nan)
    methods["communities"] = (f"{membership.attrs.get('method', '')}; modularity "
                              + (f"{modularity:.3f}" if math.isfinite(modularity) else "not defined"))
    community_info = community_table(graph, membership, posts=scoped_posts, topics=topics,
                                     rank_by=nodes["pagerank"])
    steps.update()

    step("brokers")
    broker_table = brokers(graph, membership, nodes["betweenness"], top=None)
    nodes = nodes.join(broker_table[["gatekeeper", "representative", "liaison", "brokerage"]].astype(float))
    methods["brokers"] = ("Gould & Fernandez (1989) roles across Louvain communities, for the 300 accounts "
                          "with the highest betweenness")
    steps.update()

    step("organisations")
    ego = org_ego_table(graph)
    bridging = bridging_accounts(all_interactions, accounts, posts)
    if org_id is not None:
        bridging = bridging[[org_id in orgs.split(";") for orgs in bridging["orgs"]]]
    steps.update()

    step("growth")
    growth = growth_table(interactions, accounts, config.analysis.time_slice)
    methods["growth"] = f"per {config.analysis.time_slice} (config analysis.time_slice)"
    steps.update()

    step("hashtags and topics")
    hashtags = hashtag_graph(scoped_posts, min_authors=config.privacy.min_group_size)
    methods["hashtags"] = (f"co-occurrence in original posts; hashtags used by at least "
                           f"{config.privacy.min_group_size} authors (privacy.min_group_size)")
    topic_graph = author_topic_projection(scoped_posts, topics) if topics is not None else None
    if topic_graph is not None:
        methods["topics"] = "author-topic network projected onto topics, weight = shared authors"
    steps.update()

    exports: dict[str, Path] = {}
    if export:
        step("exports")
        folder = networks_folder(config, org_id)
        annotate_graph(graph, nodes, ["community", "in_degree", "out_degree", "in_strength", "out_strength",
                                      "pagerank", "betweenness", "closeness", "eigenvector", "clustering",
                                      "gatekeeper", "representative", "liaison", "brokerage"])
        exports.update(export_graph(graph, folder, "interactions"))
        exports["pajek"] = export_pajek(graph, folder, "interactions")
        period = config.analysis.time_slice
        exports["dynamic_gexf"] = export_dynamic_gexf(interactions, folder, "interactions", freq=period,
                                                      node_attributes=graph, title=graph.graph["name"])
        methods["dynamic_gexf"] = (f"interactions_dynamic.gexf: accounts and ties present in the {period}s "
                                   f"they interact, tie weight per {period} (GEXF 1.3, for Gephi's timeline)")
        exports.update({f"hashtags_{k}": v for k, v in export_graph(hashtags, folder, "hashtags").items()})
        fig = interactive_network(graph, membership=membership, measures=nodes, seed=seed)
        if fig is not None:  # a network without ties has nothing to explore
            exports["html"] = folder / "interactions.html"
            figure_html(fig, exports["html"])
            # The static drawing's positions too, remembered with the saved analysis (see remembered_layout).
            remembered_layout(graph, drawable_subgraph(graph, 120, keep=org_nodes(graph)), seed=seed)
    steps.update()
    steps.close()
    return NetworkAnalysis(scope, graph, summary, nodes, community_info, broker_table, ego, bridging, growth,
                           hashtags, topic_graph, exports, methods)


def _scope_title(config: StudyConfig, org_id: str | None) -> str:
    return config.organisation(org_id).name if org_id else config.name
