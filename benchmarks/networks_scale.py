"""Network analysis at study scale: wall time and peak memory per measure on a synthetic table.

Run: .venv/bin/python benchmarks/networks_scale.py [--interactions 1000000] [--compare-networkx]

It generates a synthetic study-wide ``interactions`` table (and its accounts)
with heavy-tailed activity and popularity (a few accounts send or receive
most interactions, most accounts appear once or twice), organisation accounts
as hubs that answer part of their public, reciprocated public replies and a
few accounts bridging organisations, then times each step of
:mod:`helpers.networks` in one process.  Peak RSS per step is the highest
resident set size sampled every 10 ms while the step runs (Linux
``/proc/self/statm``), so it includes what earlier steps left in memory (the
graph itself).  ``--compare-networkx`` also times networkx's pure-Python
betweenness with a few sampled sources (extrapolated to k) and networkx's
Louvain, to show why the large-graph path uses igraph.

Results go to ``benchmarks/results/networks_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from helpers import networks as nw

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "networks_scale.json"
KIND_SHARES = {"reply": 0.50, "mention": 0.25, "share": 0.18, "quote": 0.07}
START = pd.Timestamp("2024-01-01", tz="UTC")
DAYS = 731


def synthetic_study(n: int, *, n_orgs: int = 20, seed: int = 20160229) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic ``interactions`` table of about ``n`` rows and its ``accounts`` table.

    Parameters
    ----------
    n : int
        Interactions to generate.
    n_orgs : int
        Organisations; their community sizes follow a Zipf law.
    seed : int

    Returns
    -------
    interactions, accounts : DataFrame
        With the columns of the canonical tables.
    """
    rng = np.random.default_rng(seed)
    n_public = max(n // 5, 50)
    org_weight = 1 / np.arange(1, n_orgs + 1)
    home = rng.choice(n_orgs, n_public, p=org_weight / org_weight.sum())
    activity = rng.pareto(1.3, n_public) + 1
    popularity = rng.pareto(1.1, n_public) + 1
    members = [np.flatnonzero(home == org) for org in range(n_orgs)]

    def pick_in(org_of_row: np.ndarray, weights: np.ndarray) -> np.ndarray:
        chosen = np.empty(len(org_of_row), dtype=np.int64)
        for org in range(n_orgs):
            rows = np.flatnonzero(org_of_row == org)
            if len(rows) and len(members[org]):
                w = weights[members[org]]
                chosen[rows] = rng.choice(members[org], len(rows), p=w / w.sum())
        return chosen

    n_public_rows = int(n * 0.72)
    source = rng.choice(n_public, n_public_rows, p=activity / activity.sum())
    source_org = home[source]
    to_org = rng.random(n_public_rows) < 0.30
    elsewhere = rng.random(n_public_rows) < 0.04  # addresses another organisation's community
    target_org = np.where(elsewhere, rng.integers(0, n_orgs, n_public_rows), source_org)
    target = pick_in(target_org, popularity)
    public_rows = pd.DataFrame({
        "source": source, "target": np.where(to_org, n_public + target_org, target), "org": source_org,
    })
    n_org_rows = int(n * 0.13)  # organisations answer and amplify their public
    answered = public_rows.sample(n_org_rows, replace=True, random_state=seed)
    org_rows = pd.DataFrame({"source": n_public + answered["org"].to_numpy(),
                             "target": answered["source"].to_numpy(), "org": answered["org"].to_numpy()})
    peer = public_rows[public_rows["target"] < n_public]
    back = peer.sample(min(len(peer), n - len(public_rows) - len(org_rows)), random_state=seed + 1)
    reply_back = pd.DataFrame({"source": back["target"].to_numpy(), "target": back["source"].to_numpy(),
                               "org": back["org"].to_numpy()})
    rows = pd.concat([public_rows, org_rows, reply_back], ignore_index=True)
    rows = rows[rows["source"] != rows["target"]].reset_index(drop=True)
    names = np.array([f"P-{i:010x}" for i in range(n_public)]
                     + [f"twitter:Org{o:02d}" for o in range(n_orgs)], dtype=object)
    org_ids = np.array([f"org-{o:02d}" for o in range(n_orgs)], dtype=object)
    days = np.sort(rng.power(1.6, len(rows)) * DAYS)  # the community grows over time
    interactions = pd.DataFrame({
        "source_author": names[rows["source"].to_numpy()],
        "target_author": names[rows["target"].to_numpy()],
        "kind": rng.choice(list(KIND_SHARES), len(rows), p=list(KIND_SHARES.values())),
        "post_id": [f"twitter:{i:016x}" for i in range(len(rows))],
        "created_at": START + pd.to_timedelta(rng.permutation(days), unit="D"),
        "org_id": org_ids[rows["org"].to_numpy()],
        "platform": "twitter",
    })
    is_org = np.arange(len(names)) >= n_public
    accounts = pd.DataFrame({
        "author_id": names, "platform": "twitter", "role": np.where(is_org, "org", "public"),
        "is_org": is_org,
        "org_id": [org_ids[i - n_public] if org else None for i, org in enumerate(is_org)],
        "label": [f"Organisation {i - n_public:02d} (Org{i - n_public:02d})" if org else None
                  for i, org in enumerate(is_org)],
    })
    return interactions, accounts


class PeakRSS:
    """Highest resident set size seen while the ``with`` block runs (sampled every 10 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> int:
        try:
            with open("/proc/self/statm") as fh:
                return int(fh.read().split()[1]) * self._page
        except OSError:  # not Linux: the process's peak so far
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.01)

    def __enter__(self) -> PeakRSS:
        self.peak = self._rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def timed(stages: list[dict[str, Any]], name: str, func: Callable[[], Any], note: str = "") -> Any:
    """Run ``func``, record its wall time and peak RSS under ``name``, print a line, return its result."""
    with PeakRSS() as memory:
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
    stages.append({"measure": name, "seconds": round(seconds, 2), "peak_rss_mib": round(memory.peak / 2**20),
                   **({"note": note} if note else {})})
    print(f"{name:<34} {seconds:8.1f} s  {memory.peak / 2**20:8.0f} MiB  {note}", flush=True)
    return result


def run(n: int, k: int, seed: int, compare_networkx: bool) -> dict[str, Any]:
    """Time every step of the network analysis on ``n`` synthetic interactions."""
    stages: list[dict[str, Any]] = []
    interactions, accounts = timed(stages, "generate synthetic table", lambda: synthetic_study(n, seed=seed))
    timed(stages, "edge_table", lambda: nw.edge_table(interactions))
    G = timed(stages, "build_graph (all kinds)", lambda: nw.build_graph(interactions, accounts))
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges", flush=True)
    summary = timed(stages, "graph_summary", lambda: nw.graph_summary(G))
    timed(stages, "kind_summary_table (edge lists)",
          lambda: nw.kind_summary_table(interactions, accounts))
    timed(stages, "graphs_by_kind (5 graphs)", lambda: nw.graphs_by_kind(interactions, accounts))
    timed(stages, "degree_table", lambda: nw.degree_table(G))
    rank = timed(stages, "pagerank (networkx, scipy)", lambda: nw.pagerank(G))
    between = timed(stages, f"betweenness k={k} (igraph)", lambda: nw.betweenness(G, k, seed=seed),
                    note=f"k={k} sampled sources")
    membership = timed(stages, "communities (Louvain, auto)", lambda: nw.communities(G, seed=seed))
    stages[-1]["note"] = (f"{membership.nunique():,} communities, modularity "
                          f"{membership.attrs['modularity']:.3f}")
    timed(stages, "community_table", lambda: nw.community_table(G, membership, rank_by=rank))
    timed(stages, "brokers (300 candidates)", lambda: nw.brokers(G, membership, between))
    timed(stages, "org_ego_table", lambda: nw.org_ego_table(G))
    timed(stages, "bridging_accounts", lambda: nw.bridging_accounts(interactions, accounts))
    timed(stages, "growth_table (quarters)", lambda: nw.growth_table(interactions, accounts, "quarter"))

    def draw() -> None:
        ax = nw.draw_network(G, membership=membership, size=rank, seed=seed)
        plt.close(ax.figure)

    timed(stages, "draw_network (k-core / top 120)", draw)
    timed(stages, "interactive_network (400 nodes)",
          lambda: nw.interactive_network(G, membership=membership, seed=seed))
    with tempfile.TemporaryDirectory() as folder:
        measures = pd.DataFrame({"community": membership, "pagerank": rank, "betweenness": between})
        nw.annotate_graph(G, measures)
        paths = timed(stages, "export_graph (GEXF, GraphML, CSV)", lambda: nw.export_graph(G, Path(folder)))
        sizes = {kind: round(path.stat().st_size / 2**20, 1) for kind, path in paths.items()}
        stages[-1]["note"] = "MiB: " + ", ".join(f"{kind} {size}" for kind, size in sizes.items())
    if compare_networkx:
        sample = 5
        timed(stages, f"networkx betweenness k={sample}",
              lambda: nw.betweenness(G, sample, seed=seed, backend="networkx"),
              note=f"pure Python; k={k} would take about {k // sample} times as long")
        timed(stages, "networkx louvain_communities",
              lambda: nw.communities(G, seed=seed, backend="networkx"))
    return {
        "interactions": len(interactions),
        "nodes": int(summary["nodes"]),
        "edges": int(summary["edges"]),
        "reciprocity": round(summary["reciprocity"], 4),
        "betweenness_k": k,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
                    "networkx": nx.__version__},
        "total_seconds": round(sum(s["seconds"] for s in stages), 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stages": stages,
    }


def main() -> None:
    """Parse arguments, run, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=500, help="sampled sources for betweenness (default 500)")
    parser.add_argument("--seed", type=int, default=20160229)
    parser.add_argument("--compare-networkx", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.interactions, args.k, args.seed, args.compare_networkx)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    tmp.replace(args.out)
    print(f"total {result['total_seconds']} s, peak {result['max_rss_mib']} MiB -> {args.out}")


if __name__ == "__main__":
    main()
