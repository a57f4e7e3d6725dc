"""Networks of what is talked about: hashtag co-occurrence and author-topic projections.

The literature each function implements is cited in its docstring.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse


def hashtag_graph(
    posts: pd.DataFrame,
    *,
    min_posts: int = 2,
    min_authors: int = 1,
    min_weight: int = 1,
    include_shares: bool = False,
) -> nx.Graph:
    """Hashtag co-occurrence network: two hashtags are tied when a post uses both.

    Parameters
    ----------
    posts : DataFrame
        The posts table (``post_id``, ``author_id``, ``hashtags``, ``shared_id``).
    min_posts : int
        Keep hashtags used in at least this many posts.
    min_authors : int
        Keep hashtags used by at least this many distinct authors (pass
        ``config.privacy.min_group_size``: a hashtag only one family uses can
        point to that family).
    min_weight : int
        Keep ties of at least this many co-occurrences.
    include_shares : bool
        Shares repeat the shared post's hashtags; they are left out by default.

    Returns
    -------
    networkx.Graph
        Node attributes ``posts`` and ``authors``; edge attributes ``weight``
        (posts using both) and ``association`` (observed / expected
        co-occurrences, ``c_ij N / (n_i n_j)``: above 1 the two go together more
        than chance).

    References
    ----------
    .. [1] Callon, M., Courtial, J.-P., Turner, W. A., & Bauin, S. (1983). From
       translations to problematic networks: An introduction to co-word
       analysis. Social Science Information, 22(2), 191-235.
    .. [2] van Eck, N. J., & Waltman, L. (2009). How to normalize
       co-occurrence data? JASIST, 60(8), 1635-1651.
    """
    own = posts if include_shares or "shared_id" not in posts.columns else posts[posts["shared_id"].isna()]
    tags = own[["post_id", "author_id", "hashtags"]].explode("hashtags").dropna(subset=["hashtags"])
    tags = tags.drop_duplicates(["post_id", "hashtags"])
    graph = nx.Graph(n_posts=len(own))
    if tags.empty:
        return graph
    usage = tags.groupby("hashtags").agg(posts=("post_id", "size"), authors=("author_id", "nunique"))
    usage = usage[(usage["posts"] >= min_posts) & (usage["authors"] >= min_authors)].sort_index()
    graph.add_nodes_from((tag, {"posts": int(row.posts), "authors": int(row.authors)})
                         for tag, row in zip(usage.index, usage.itertuples(index=False), strict=True))
    tags = tags[tags["hashtags"].isin(usage.index)][["post_id", "hashtags"]]
    pairs = tags.merge(tags, on="post_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["hashtags_a"] < pairs["hashtags_b"]]
    counts = pairs.groupby(["hashtags_a", "hashtags_b"]).size()
    counts = counts[counts >= min_weight]
    n = max(len(own), 1)
    for (a, b), count in counts.items():
        expected = usage.at[a, "posts"] * usage.at[b, "posts"] / n
        graph.add_edge(a, b, weight=int(count), association=float(count / expected))
    return graph


def hashtag_table(H: nx.Graph, n: int = 20) -> pd.DataFrame:
    """The ``n`` most used hashtags of a co-occurrence network with their strongest partners."""
    rows = []
    for tag, data in H.nodes(data=True):
        partners = sorted(H[tag].items(), key=lambda item: (-item[1]["weight"], item[0]))[:5]
        rows.append({"hashtag": tag, "posts": data.get("posts", 0), "authors": data.get("authors", 0),
                     "partners": H.degree(tag),
                     "often_with": ", ".join(f"#{p} ({d['weight']})" for p, d in partners)})
    if not rows:
        return pd.DataFrame(columns=["posts", "authors", "partners", "often_with"])
    table = pd.DataFrame(rows).sort_values(["posts", "hashtag"], ascending=[False, True])
    return table.set_index("hashtag").head(n)


def author_topic_graph(
    posts: pd.DataFrame, topics: pd.DataFrame, *, drop_outliers: bool = True
) -> nx.Graph:
    """Bipartite graph of authors and the topics they write about.

    Parameters
    ----------
    posts : DataFrame
        ``post_id`` and ``author_id`` (the posts table).
    topics : DataFrame
        ``post_id`` -> ``topic`` (any hashable), optionally ``label``; a plain
        frame, so that any topic model's output can be used.
    drop_outliers : bool
        Leave out topic ``-1`` (BERTopic's outliers).

    Returns
    -------
    networkx.Graph
        Author nodes (``bipartite=0``, named by pseudonym) and topic nodes
        (``bipartite=1``, named ``"topic:<id>"``, attributes ``topic`` and
        ``label``); edge ``weight`` = the author's posts in the topic.
    """
    counts = _author_topic_counts(posts, topics, drop_outliers)
    graph = nx.Graph()
    labels = _topic_labels(topics)
    for author in sorted(counts["author_id"].unique()):
        graph.add_node(author, bipartite=0, kind="author")
    for topic in _sorted_topics(counts["topic"].unique()):
        graph.add_node(f"topic:{topic}", bipartite=1, kind="topic", topic=str(topic),
                       label=labels.get(topic, str(topic)))
    graph.add_edges_from((a, f"topic:{t}", {"weight": int(n)})
                         for a, t, n in counts.itertuples(index=False, name=None))
    return graph


def author_topic_projection(
    posts: pd.DataFrame,
    topics: pd.DataFrame,
    *,
    onto: Literal["topic", "author"] = "topic",
    method: Literal["count", "newman"] = "count",
    min_weight: float = 1,
    drop_outliers: bool = True,
) -> nx.Graph:
    """One-mode projection of the author-topic network.

    ``onto="topic"``: topics tied by the authors who write about both (which
    concerns go together in people's lives).  ``onto="author"``: authors tied by
    the topics they share (who shares concerns), which can be large; raise
    ``min_weight`` for big corpora.

    Parameters
    ----------
    method : {"count", "newman"}
        ``count``: the number of shared authors (topics).  ``newman``: each shared
        element ``e`` adds ``1 / (n_e - 1)``, ``n_e`` its degree, so that one
        generic topic everybody writes about does not tie everybody (Newman 2001).
    min_weight : float
        Keep ties at least this strong.

    Returns
    -------
    networkx.Graph
        Nodes with ``posts`` and ``authors``/``topics`` counts (topics also
        ``label``); edge ``weight``.

    References
    ----------
    .. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II.
       Shortest paths, weighted networks, and centrality. Physical Review E, 64, 016132.
    .. [2] Borgatti, S. P., & Everett, M. G. (1997). Network analysis of 2-mode
       data. Social Networks, 19(3), 243-269.
    """
    if onto not in ("topic", "author") or method not in ("count", "newman"):
        raise ValueError("onto must be 'topic' or 'author', method 'count' or 'newman'")
    counts = _author_topic_counts(posts, topics, drop_outliers)
    authors = pd.Index(sorted(counts["author_id"].unique()), dtype=object)
    topic_ids = pd.Index(_sorted_topics(counts["topic"].unique()), dtype=object)
    rows = authors.get_indexer(counts["author_id"])
    cols = topic_ids.get_indexer(counts["topic"])
    incidence = sparse.csr_matrix((np.ones(len(counts)), (rows, cols)),
                                  shape=(len(authors), len(topic_ids)))
    # Rows of the incidence matrix: what the nodes share; columns: the nodes projected onto.
    if onto == "author":
        incidence, names = incidence.T.tocsr(), authors
    else:
        names = topic_ids
    shared_degree = np.asarray(incidence.sum(axis=1)).ravel()
    if method == "newman":
        factor = np.divide(1.0, shared_degree - 1, out=np.zeros_like(shared_degree),
                           where=shared_degree > 1)
        projected = (incidence.T @ sparse.diags(factor) @ incidence).tocoo()
    else:
        projected = (incidence.T @ incidence).tocoo()
    graph = nx.Graph(onto=onto, method=method)
    per_node = counts.groupby("topic" if onto == "topic" else "author_id")
    posts_per = per_node["n"].sum()
    others_per = per_node.size()
    labels = _topic_labels(topics)
    for name in names:
        attributes = {"posts": int(posts_per.get(name, 0)),
                      ("authors" if onto == "topic" else "topics"): int(others_per.get(name, 0))}
        if onto == "topic":
            attributes["label"] = labels.get(name, str(name))
        graph.add_node(name, **attributes)
    for i, j, value in zip(projected.row, projected.col, projected.data, strict=True):
        if i < j and value >= min_weight:
            graph.add_edge(names[i], names[j], weight=float(value) if method == "newman" else round(value))
    return graph


def _author_topic_counts(posts: pd.DataFrame, topics: pd.DataFrame, drop_outliers: bool) -> pd.DataFrame:
    merged = posts[["post_id", "author_id"]].merge(topics[["post_id", "topic"]], on="post_id")
    if drop_outliers:
        merged = merged[merged["topic"].astype(str) != "-1"]
    counts = merged.groupby(["author_id", "topic"]).size().rename("n").reset_index()
    return counts.sort_values(["author_id", "topic"], ignore_index=True)


def _topic_labels(topics: pd.DataFrame) -> dict[Any, str]:
    if "label" not in topics.columns:
        return {}
    return dict(topics.drop_duplicates("topic")[["topic", "label"]].astype({"label": str}).itertuples(
        index=False, name=None))


def _sorted_topics(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda t: (not isinstance(t, int | np.integer), t if isinstance(
        t, int | np.integer) else str(t)))


def topic_pairs(T: nx.Graph | None, n: int = 15) -> pd.DataFrame:
    """The ``n`` strongest ties of a topic projection (:func:`author_topic_projection`).

    Without a topic model (``T`` is None) a one-row table says so.
    """
    if T is None:
        return pd.DataFrame({"note": ["No topic model yet: run 03_topics.ipynb, then this notebook again."]})
    rows = [{"topic": T.nodes[a].get("label", a), "with topic": T.nodes[b].get("label", b),
             "shared authors": d["weight"]} for a, b, d in T.edges(data=True)]
    if not rows:
        return pd.DataFrame(columns=["topic", "with topic", "shared authors"])
    table = pd.DataFrame(rows).sort_values(["shared authors", "topic"], ascending=[False, True])
    return table.head(n).reset_index(drop=True)
