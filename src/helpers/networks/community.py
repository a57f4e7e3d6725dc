"""Communities: Louvain on the undirected weighted graph, and what each community is about.

:func:`communities` finds the groups of accounts that interact with each other
more than chance; :func:`community_table` describes them (size, organisations,
cohesion, central accounts, distinctive hashtags and topics by class-based TF-IDF).

The literature each function implements is cited in its docstring.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from helpers.networks.build import graph_edges
from helpers.networks.measures import Backend, _igraph_seed, to_igraph, undirected_weighted

#: Louvain with networkx up to this many edges, igraph's multilevel above ("auto").
NETWORKX_LOUVAIN_MAX_EDGES = 200_000


def communities(
    G: nx.Graph,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    weight: str = "weight",
    backend: Backend = "auto",
) -> pd.Series:
    """Louvain communities of the undirected, weighted interaction graph.

    Directions are ignored and the weights of ``u -> v`` and ``v -> u`` added:
    a community is a group of accounts that interact with each other more than
    chance, whoever starts.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    seed : int
        Random seed (the study seed): the same graph gives the same communities.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.
    backend : {"auto", "networkx", "igraph"}
        :func:`networkx.community.louvain_communities`, or igraph's
        ``community_multilevel`` (the same algorithm in C); "auto" uses igraph
        above ``NETWORKX_LOUVAIN_MAX_EDGES`` edges.

    Returns
    -------
    Series
        Community number per node, 0 for the largest community, then by size.
        ``attrs`` holds ``modularity``, ``resolution`` and ``method``.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E.
       (2008). Fast unfolding of communities in large networks. Journal of
       Statistical Mechanics, P10008.
    .. [2] Newman, M. E. J. (2006). Modularity and community structure in
       networks. PNAS, 103(23), 8577-8582.
    """
    if G.number_of_nodes() == 0:
        empty = pd.Series(dtype="int64", name="community")
        empty.attrs.update(modularity=math.nan, resolution=resolution, method="none: the network is empty")
        return empty
    if G.number_of_edges() == 0:  # no ties: each node its own community, modularity undefined
        alone = pd.Series(range(G.number_of_nodes()), index=pd.Index(sorted(G, key=str), dtype=object),
                          name="community", dtype="int64").reindex(list(G))
        alone.attrs.update(modularity=math.nan, resolution=resolution,
                           method="none: the network has no ties, so every account is a community of its own")
        return alone
    large = G.number_of_edges() > NETWORKX_LOUVAIN_MAX_EDGES
    use_igraph = backend == "igraph" or (backend == "auto" and large)
    if use_igraph:
        graph = to_igraph(G, weight=weight)
        if graph.is_directed():
            graph = graph.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
        with _igraph_seed(seed):
            clustering = graph.community_multilevel(weights="weight", resolution=resolution)
        names = graph.vs["name"]
        parts = [{names[i] for i in members} for members in clustering]
        modularity = graph.modularity(clustering.membership, weights="weight", resolution=resolution)
        method = "Louvain (igraph community_multilevel)"
    else:
        U = undirected_weighted(G, weight) if G.is_directed() else G
        parts = nx.community.louvain_communities(U, weight=weight, resolution=resolution, seed=seed)
        modularity = nx.community.modularity(U, parts, weight=weight, resolution=resolution)
        method = "Louvain (networkx louvain_communities)"
    ranked = sorted(parts, key=lambda part: (-len(part), min(map(str, part))))
    membership = {node: number for number, part in enumerate(ranked) for node in part}
    series = pd.Series([membership[node] for node in G], index=pd.Index(list(G), dtype=object),
                       name="community", dtype="int64")
    series.attrs.update(modularity=float(modularity), resolution=resolution,
                        method=f"{method}, seed {seed}, resolution {resolution}")
    return series


def community_table(
    G: nx.DiGraph,
    membership: pd.Series,
    *,
    posts: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    rank_by: pd.Series | None = None,
    top: int = 5,
    min_size: int = 2,
    limit: int | None = 50,
    distinctive: bool = True,
) -> pd.DataFrame:
    """Describe each community: size, organisations, cohesion, central accounts, hashtags, topics.

    Parameters
    ----------
    G : networkx.DiGraph
    membership : Series
        Community per node, from :func:`communities`.
    posts : DataFrame, optional
        The posts table: hashtags of the posts written by members (shares
        excluded, they repeat someone else's text).
    topics : DataFrame, optional
        ``post_id`` and ``topic`` (and optionally ``label``), e.g. from
        ``helpers.topics``; topic -1 (outliers) is left out.
    rank_by : Series, optional
        Centrality used to list a community's top accounts; in-strength by default.
    top : int
        How many accounts, hashtags and topics to list.
    min_size : int
        Leave out communities with fewer accounts.
    limit : int, optional
        Describe only the ``limit`` largest communities (None: all).
    distinctive : bool
        Rank hashtags and topics by class-based TF-IDF (frequent in this
        community, rare elsewhere) instead of plain frequency.

    Returns
    -------
    DataFrame
        One row per community: ``accounts``, ``share_of_accounts``,
        ``organisations`` (organisation accounts in it), ``interactions_within``,
        ``cohesion`` (interactions within / interactions touching the
        community), ``top_accounts``, ``top_hashtags`` and ``top_topics``.

    References
    ----------
    .. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
       class-based TF-IDF procedure. arXiv:2203.05794.
    """
    columns = ["community", "accounts", "share_of_accounts", "organisations", "interactions_within",
               "cohesion", "top_accounts", "top_hashtags", "top_topics"]
    if membership.empty:
        return pd.DataFrame(columns=columns).set_index("community")
    edges = graph_edges(G)
    source_c = edges["source"].map(membership)
    target_c = edges["target"].map(membership)
    within = edges["weight"].where(source_c == target_c, 0).groupby(source_c).sum()
    touching = pd.concat([edges["weight"].groupby(source_c).sum(),
                          edges["weight"].where(source_c != target_c, 0).groupby(target_c).sum()],
                         axis=1).fillna(0).sum(axis=1)
    sizes = membership.value_counts()
    shown = sorted(number for number, size in sizes.items() if size >= min_size)[:limit]
    nodes = pd.DataFrame({"community": membership})
    nodes = nodes[nodes["community"].isin(shown)]
    rank = rank_by if rank_by is not None else pd.Series(dict(G.in_degree(weight="weight")))
    nodes["rank"] = rank.reindex(nodes.index).fillna(0).to_numpy()
    nodes["display"] = [G.nodes[n].get("display", str(n)) for n in nodes.index]
    nodes["is_org"] = [bool(G.nodes[n].get("is_org", False)) for n in nodes.index]
    nodes = nodes.sort_values(["community", "rank", "display"], ascending=[True, False, True], kind="stable")
    members = {number: part for number, part in nodes.groupby("community", sort=True)}
    selected = membership[membership.isin(shown)]
    hashtags = _community_hashtags(selected, posts, top, distinctive) if posts is not None else {}
    topic_terms = _community_topics(selected, posts, topics, top, distinctive) \
        if posts is not None and topics is not None else {}
    rows = []
    for number in shown:
        part = members[number]
        rows.append({
            "community": int(number),
            "accounts": int(sizes[number]),
            "share_of_accounts": sizes[number] / len(membership),
            "organisations": "; ".join(sorted(part.loc[part["is_org"], "display"])),
            "interactions_within": int(within.get(number, 0)),
            "cohesion": float(within.get(number, 0) / touching[number]) if touching.get(number) else math.nan,
            "top_accounts": ", ".join(part["display"].head(top)),
            "top_hashtags": ", ".join(hashtags.get(number, [])),
            "top_topics": ", ".join(topic_terms.get(number, [])),
        })
    return pd.DataFrame(rows, columns=columns).set_index("community")


def _community_hashtags(membership: pd.Series, posts: pd.DataFrame, top: int,
                        distinctive: bool) -> dict[int, list[str]]:
    own = posts[posts["shared_id"].isna()] if "shared_id" in posts.columns else posts
    own = own[own["author_id"].isin(membership.index)]
    tags = own[["author_id", "hashtags"]].explode("hashtags").dropna(subset=["hashtags"])
    if tags.empty:
        return {}
    counts = tags.assign(group=tags["author_id"].map(membership)).groupby(["group", "hashtags"]).size()
    return top_terms(counts, top=top, distinctive=distinctive, prefix="#")


def _community_topics(membership: pd.Series, posts: pd.DataFrame, topics: pd.DataFrame, top: int,
                      distinctive: bool) -> dict[int, list[str]]:
    assigned = posts[["post_id", "author_id"]].merge(topics, on="post_id")
    keep = assigned["author_id"].isin(membership.index) & (assigned["topic"].astype(str) != "-1")
    assigned = assigned[keep]
    if assigned.empty:
        return {}
    name = assigned["label"].astype(str) if "label" in assigned.columns else assigned["topic"].astype(str)
    counts = assigned.assign(group=assigned["author_id"].map(membership), term=name).groupby(
        ["group", "term"]).size()
    return top_terms(counts, top=top, distinctive=distinctive)


def top_terms(counts: pd.Series, *, top: int = 5, distinctive: bool = True,
              prefix: str = "") -> dict[Any, list[str]]:
    """Top terms per group from counts indexed by (group, term), as ``"term (n)"`` strings.

    With ``distinctive``, terms are ranked by class-based TF-IDF,
    ``n(t, g) * log(1 + A / n(t))`` with ``A`` the mean number of term
    occurrences per group (Grootendorst 2022), so that a hashtag every
    community uses does not top every list.
    """
    counts = counts[counts > 0]
    if counts.empty:
        return {}
    frame = counts.rename("n").reset_index()
    frame.columns = ["group", "term", "n"]
    if distinctive:
        average = frame.groupby("group")["n"].sum().mean()
        overall = frame.groupby("term")["n"].transform("sum")
        frame["score"] = frame["n"] * np.log1p(average / overall)
    else:
        frame["score"] = frame["n"].astype(float)
    frame = frame.sort_values(["group", "score", "n", "term"], ascending=[True, False, False, True])
    return {group: [f"{prefix}{term} ({n})" for term, n in zip(part["term"], part["n"], strict=True)][:top]
            for group, part in frame.groupby("group", sort=True)}
