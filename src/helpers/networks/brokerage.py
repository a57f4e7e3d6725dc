"""Brokers and organisations: brokerage roles, ego networks, accounts bridging organisations.

Gould & Fernandez (1989) roles say who mediates between which groups; an
organisation's ego network shows whether the public answers it (two-way) and
talks among itself (crowd-sourced), the modes of Vicari & Cappai (2016).

References
----------
.. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation:
   A formal approach to brokerage in transaction networks. Sociological
   Methodology, 19, 89-126.
.. [2] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
   connective action. Information, Communication & Society, 19(11), 1653-1671.
.. [3] Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 4 (ego networks).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import pandas as pd

#: Gould & Fernandez (1989) brokerage roles, in their order.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


# --------------------------------------------------------------------------- brokers


def brokerage_roles(
    G: nx.DiGraph,
    groups: Mapping[Hashable, Hashable],
    nodes: Iterable[Hashable] | None = None,
) -> pd.DataFrame:
    """Gould & Fernandez brokerage roles: how often each node mediates, between which groups.

    A node ``v`` brokers the open two-path ``a -> v -> b`` (``a != b``, no edge
    ``a -> b``).  The role depends on the groups of ``a``, ``v`` and ``b``:

    ==============  ===================  =======================================
    role            groups               reading
    ==============  ===================  =======================================
    coordinator     a = v = b            mediates inside its own group
    gatekeeper      a != v = b           lets outside content into its group
    representative  a = v != b           carries its group's content outside
    consultant      a = b != v           mediates a group it does not belong to
    liaison         a, v, b all differ   links two groups, belonging to neither
    ==============  ===================  =======================================

    Parameters
    ----------
    G : networkx.DiGraph
    groups : mapping
        Group of each node (a community from :func:`communities`, or the
        ``home_org``); a node without a group is a group of its own.
    nodes : iterable, optional
        Compute for these nodes only (e.g. the top nodes by betweenness on a
        large graph); all nodes by default.

    Returns
    -------
    DataFrame
        One column per role, ``brokerage`` (the four roles that span groups)
        and ``total``; indexed by node.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation:
       A formal approach to brokerage in transaction networks. Sociological
       Methodology, 19, 89-126.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "v"), ("v", "b")])
    >>> brokerage_roles(G, {"a": 1, "v": 2, "b": 2}).loc["v", "gatekeeper"]
    np.int64(1)
    """
    targets = list(G) if nodes is None else [node for node in nodes if node in G]

    def group(node: Hashable) -> Hashable:
        return groups.get(node, ("__own__", node))

    rows = {}
    for v in targets:
        gv = group(v)
        preds = [a for a in G.pred[v] if a != v]
        succs = set(G.succ[v]) - {v}
        counts = dict.fromkeys(BROKERAGE_ROLES, 0)
        if preds and succs:
            in_groups = Counter(group(a) for a in preds)
            out_groups = Counter(group(b) for b in succs)
            n_in, n_out = len(preds), len(succs)
            i_own, o_own = in_groups.get(gv, 0), out_groups.get(gv, 0)
            small, large = sorted((in_groups, out_groups), key=len)
            same_other = sum(c * large.get(g, 0) for g, c in small.items() if g != gv)
            counts["coordinator"] = i_own * o_own
            counts["gatekeeper"] = (n_in - i_own) * o_own
            counts["representative"] = i_own * (n_out - o_own)
            counts["consultant"] = same_other
            counts["liaison"] = (n_in - i_own) * (n_out - o_own) - same_other
            for a in preds:  # pairs that are not open two-paths: a == b, or a -> b exists
                ga = group(a)
                if a in succs:
                    counts[_role(ga, gv, ga)] -= 1
                for b in succs.intersection(G.succ[a]):
                    if b != a:
                        counts[_role(ga, gv, group(b))] -= 1
        rows[v] = counts
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(BROKERAGE_ROLES)).astype("int64")
    table.index = pd.Index(list(rows), dtype=object, name="node")
    table["brokerage"] = table[list(BROKERAGE_ROLES[1:])].sum(axis=1)
    table["total"] = table["brokerage"] + table["coordinator"]
    return table


def _role(ga: Hashable, gv: Hashable, gb: Hashable) -> str:
    if ga == gv == gb:
        return "coordinator"
    if ga != gv and gb == gv:
        return "gatekeeper"
    if ga == gv:
        return "representative"
    return "consultant" if ga == gb else "liaison"


def brokers(
    G: nx.DiGraph,
    membership: pd.Series,
    between: pd.Series,
    *,
    top: int | None = 15,
    candidates: int = 300,
) -> pd.DataFrame:
    """Accounts that broker between communities: high betweenness, open two-paths across groups.

    The ``candidates`` nodes with the highest betweenness get their
    Gould & Fernandez roles (:func:`brokerage_roles`) with the communities as
    groups; those that broker across communities are listed by betweenness,
    the first ``top`` of them (all with None).

    Returns
    -------
    DataFrame
        ``display``, ``role`` (org/public), ``community``,
        ``communities_reached`` (distinct communities among its neighbours),
        ``betweenness``, the five role counts, ``brokerage`` and ``main_role``
        (the most frequent of the four roles that span communities).
    """
    columns = ["display", "role", "community", "communities_reached", "betweenness",
               *BROKERAGE_ROLES, "brokerage", "main_role"]
    if G.number_of_nodes() == 0 or between.empty:
        return pd.DataFrame(columns=columns)
    ranked = between.sort_values(ascending=False, kind="stable")
    chosen = [node for node in ranked.index[:candidates] if ranked[node] > 0]
    roles = brokerage_roles(G, membership.to_dict(), chosen)
    roles = roles[roles["brokerage"] > 0]
    rows = []
    for node in roles.index:
        neighbours = set(G.pred[node]) | set(G.succ[node])
        counts = roles.loc[node]
        spanning = counts[list(BROKERAGE_ROLES[1:])]
        rows.append({
            "node": node,
            "display": G.nodes[node].get("display", str(node)),
            "role": G.nodes[node].get("role", ""),
            "community": int(membership[node]),
            "communities_reached": len({membership[m] for m in neighbours} - {membership[node]}),
            "betweenness": float(between[node]),
            **{role: int(counts[role]) for role in BROKERAGE_ROLES},
            "brokerage": int(counts["brokerage"]),
            "main_role": str(spanning.idxmax()),
        })
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows).set_index("node")
    table = table.sort_values(["betweenness", "brokerage"], ascending=False, kind="stable")
    return table if top is None else table.head(top)


# --------------------------------------------------------------------------- organisations


def ego_network(G: nx.DiGraph, centres: Iterable[Hashable], radius: int = 1) -> nx.DiGraph:
    """The organisation's ego network: its accounts, everyone within ``radius`` steps, and their ties.

    Steps follow edges in either direction (an account that replied to the
    organisation and one it replied to are both neighbours).
    """
    view = G.to_undirected(as_view=True)
    keep: set[Hashable] = set()
    for centre in centres:
        if centre in G:
            keep.update(nx.single_source_shortest_path_length(view, centre, cutoff=radius))
    return G.subgraph(keep).copy()


def org_ego_table(G: nx.DiGraph, weight: str = "weight") -> pd.DataFrame:
    """Each organisation's ego network and its share of all interaction in ``G``.

    For every organisation (the ``org_id`` of organisation-account nodes):

    * ``accounts``: its accounts in the graph; ``alters``: accounts it is tied to;
    * ``sent``, ``received``: interactions from / to its accounts;
    * ``share_of_all_interaction``: (sent + received) / all interactions in ``G``;
    * ``answered_share``: of the accounts that addressed the organisation, the
      share it addressed back (two-way communication);
    * ``alter_share``: interactions among its alters / all interactions in its
      ego network (conversation that goes on without the organisation: the
      crowd-sourced part);
    * ``alter_density``: density of the ties among its alters.

    References
    ----------
    .. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of
       connective action. Information, Communication & Society, 19(11).
    .. [2] Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 4 (ego networks).
    """
    total = G.size(weight=weight)
    by_org: dict[str, list[Hashable]] = {}
    for node, data in G.nodes(data=True):
        if data.get("is_org") and data.get("org_id"):
            by_org.setdefault(data["org_id"], []).append(node)
    rows = []
    for org_id in sorted(by_org):
        centres = set(by_org[org_id])
        ego = ego_network(G, centres)
        alters = set(ego) - centres
        ties = list(ego.edges(data=weight, default=1))
        sent = sum(w for u, v, w in ties if u in centres and v not in centres)
        received = sum(w for u, v, w in ties if v in centres and u not in centres)
        among = ego.subgraph(alters)
        addressed = {u for c in centres for u in G.pred[c] if u not in centres}
        answered = {u for u in addressed if any(G.has_edge(c, u) for c in centres)}
        n_alters = len(alters)
        ego_total = ego.size(weight=weight)
        rows.append({
            "org_id": org_id,
            "accounts": "; ".join(sorted(G.nodes[c].get("display", str(c)) for c in centres)),
            "alters": n_alters,
            "sent": sent,
            "received": received,
            "share_of_all_interaction": (sent + received) / total if total else math.nan,
            "answered_share": len(answered) / len(addressed) if addressed else math.nan,
            "alter_share": among.size(weight=weight) / ego_total if ego_total else math.nan,
            "alter_density": nx.density(among) if n_alters > 1 else math.nan,
        })
    columns = ["org_id", "accounts", "alters", "sent", "received", "share_of_all_interaction",
               "answered_share", "alter_share", "alter_density"]
    return pd.DataFrame(rows, columns=columns).set_index("org_id")


def bridging_accounts(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    *,
    min_orgs: int = 2,
) -> pd.DataFrame:
    """Accounts active in the communities of several study organisations.

    An account is active in an organisation's community when it writes a post
    in that organisation's exports, or sends or receives an interaction there.

    Parameters
    ----------
    interactions : DataFrame
        The study-wide ``interactions`` table.
    accounts : DataFrame, optional
        For ``display`` and ``role``.
    posts : DataFrame, optional
        The posts table; counts authorship as activity too.
    min_orgs : int
        List accounts active in at least this many organisations' communities.

    Returns
    -------
    DataFrame
        Indexed by account: ``display``, ``role``, ``n_orgs``, ``orgs`` and one
        column per organisation with the account's activity records there
        (posts written plus interactions sent or received); most organisations first.
    """
    parts = [
        interactions[["source_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
        interactions[["target_author", "org_id"]].set_axis(["author", "org_id"], axis=1),
    ]
    if posts is not None:
        parts.append(posts[["author_id", "org_id"]].set_axis(["author", "org_id"], axis=1))
    long = pd.concat(parts, ignore_index=True)
    activity = long.groupby(["author", "org_id"]).size().unstack("org_id", fill_value=0)
    n_orgs = (activity > 0).sum(axis=1)
    activity = activity[n_orgs >= min_orgs]
    if activity.empty:  # one organisation, or no account active in two: an empty table of the same shape
        return pd.DataFrame({"display": pd.Series(dtype=object), "role": pd.Series(dtype=object),
                             "n_orgs": pd.Series(dtype="int64"), "orgs": pd.Series(dtype=object)},
                            index=pd.Index([], dtype=object, name="account"))
    orgs = activity.columns.tolist()
    table = pd.DataFrame(index=pd.Index(activity.index, dtype=object, name="account"))
    labels, roles = _display_and_role(table.index, accounts)
    table["display"] = labels
    table["role"] = roles
    table["n_orgs"] = (activity > 0).sum(axis=1).astype("int64")
    table["orgs"] = [";".join(o for o in orgs if row[o] > 0) for _, row in activity.iterrows()]
    table = table.join(activity.astype("int64"))
    table["_total"] = activity.sum(axis=1)
    table = table.sort_values(["n_orgs", "_total"], ascending=False, kind="stable")
    return table.drop(columns="_total")


def _display_and_role(index: pd.Index, accounts: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    if accounts is None or accounts.empty:
        return [str(a) for a in index], ["unknown"] * len(index)
    known = accounts.drop_duplicates("author_id").set_index("author_id")
    labels = known["label"].where(known["is_org"] & known["label"].notna(), known.index.to_series())
    return ([str(labels.get(a, a)) for a in index], [str(known["role"].get(a, "unknown")) for a in index])
