"""Who speaks and which sources travel, as a notebook and a report show it.

:func:`analyse_pathways` reads a scope once (its accounts with their actor
types, its posts and their links, its gatekeepers); the section functions
turn it into tables with 95% intervals, or say in words what could not be
computed.  Vicari & Cappai (2016) ask whether experiential knowledge and
medical authority get equal weight; Vicari (2020) finds patient advocates
acting as gatekeepers of scientific information; Hanchard (2022) reads a
rare-disease network by actor type.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of connective action.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Vicari, S. (2020). Is it all about storytelling? Living and learning hereditary cancer on
   Twitter. New Media & Society. doi:10.1177/1461444820926632
.. [3] Hanchard, M. (2022). Issue-networks as omitted publics in the construction of
   #rarediseaseday discourse. Wellcome Open Research. doi:10.12688/wellcomeopenres.18433.1
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.actor_rules import ACTOR_LABELS, ACTOR_TYPES
from helpers.classify.modes import MODES
from helpers.classify.seed import KNOWLEDGE_TYPES
from helpers.config import StudyConfig
from helpers.link_sources import SOURCE_LABELS, unknown_domains
from helpers.networks.analysis import NetworkAnalysis
from helpers.networks.export import export_graph, networks_folder
from helpers.notice import NotComputed, Prose, Remark, Shown, WithNotes, paragraphs
from helpers.pathways.flow import MEDICAL_SOURCES, pass_pairs, source_mix, source_network, sources_over_time
from helpers.pathways.gatekeepers import gatekeeper_table, gatekeeper_types
from helpers.pathways.study import actor_types, org_labels, study_accounts, study_link_sources, study_links
from helpers.uncertainty import clustered_share, clustered_shares, percent, wilson_share

MEASURE = "Link sources"


@dataclass
class PathwayAnalysis:
    """One scope's accounts, posts, links and gatekeepers (see :func:`analyse_pathways`)."""

    scope: str | None
    accounts: pd.DataFrame
    posts: pd.DataFrame
    links: pd.DataFrame
    gatekeepers: pd.DataFrame
    min_group_size: int
    seed: int
    time_slice: str = "quarter"

    @property
    def types(self) -> pd.Series:
        """Actor type by ``author_id`` of the scope's accounts."""
        return actor_types(self.accounts)

    @property
    def introduced(self) -> pd.DataFrame:
        """The links of posts that are not shares or quotes (each source brought in, once per post)."""
        return self.links[~self.links["is_pass"]]


def analyse_pathways(config: StudyConfig, org_id: str | None, net: NetworkAnalysis) -> PathwayAnalysis:
    """Read the scope's actor types, links and gatekeepers once (``net``: its network analysis, whose
    interaction graph and betweenness the gatekeepers are measured on)."""
    accounts = study_accounts(config)
    posts, links = study_links(config, org_id, accounts)
    between = net.nodes["betweenness"].to_dict() if "betweenness" in net.nodes else None
    table = gatekeeper_table(posts, links, net.graph, actor_types(accounts), labels=org_labels(accounts),
                             n=None, betweenness=between)
    active = accounts[accounts["author_id"].isin(posts["author_id"])]
    return PathwayAnalysis(org_id, active, posts, links, table, config.privacy.min_group_size, config.seed,
                           config.analysis.time_slice)


def actor_overview(result: PathwayAnalysis) -> Shown:
    """Accounts and posts per actor type, with how the types were assigned and 95% intervals."""
    if result.posts.empty:
        return NotComputed("Actor types", "this scope has no posts")
    post_types = result.posts["author_id"].map(result.types).fillna("unknown")
    post_shares = clustered_shares(post_types, result.posts["author_id"], ACTOR_TYPES, seed=result.seed)
    rows = []
    accounts = result.accounts.drop_duplicates("author_id")
    for kind in ACTOR_TYPES:
        of_kind = accounts[accounts["actor_type"] == kind]
        if of_kind.empty:
            continue
        basis = of_kind["actor_basis"].map(_basis_kind).value_counts()
        rows.append({
            "actor type": ACTOR_LABELS[kind],
            "accounts": len(of_kind),
            "share of accounts (95% CI)": wilson_share(len(of_kind), len(accounts), unit="accounts").short(),
            "share of posts (95% CI)": post_shares[kind].short(),
            "assigned by": ", ".join(f"{name} {count}" for name, count in basis.items()),
        })
    return pd.DataFrame(rows)


def _basis_kind(basis: str) -> str:
    return "profile rule" if basis.startswith("profile rule") else basis


def by_actor(result: PathwayAnalysis, column: str) -> Shown:
    """Percent of each actor type's original posts per ``knowledge_type`` or per ``mode`` of their thread."""
    posts = result.posts
    what = column.replace("_", " ")
    if posts.empty or column not in posts:
        return NotComputed(f"{what.capitalize()} by actor type", "this scope has no classified posts")
    original = posts[posts["shared_id"].isna()]
    types = result.types
    kinds = original["author_id"].map(types).fillna("unknown")
    table = pd.crosstab(kinds, original[column], normalize="index")
    table = table[[value for value in ORDERS[column] if value in table.columns]]
    table = table.map(percent)
    table.columns = [str(value).replace("_", " ") for value in table.columns]
    table.insert(0, "accounts", original.groupby(kinds)["author_id"].nunique())
    table.insert(1, "posts", kinds.value_counts())
    table = table.loc[[kind for kind in ACTOR_TYPES if kind in table.index]]
    table.index = [ACTOR_LABELS[kind] for kind in table.index]
    return table.rename_axis("actor type").reset_index()


def network_by_actor(result: PathwayAnalysis, nodes: pd.DataFrame) -> Shown:
    """Mean network measures of each actor type (``nodes``: the network analysis's node table)."""
    if nodes.empty:
        return NotComputed("Network measures by actor type", "the network has no ties")
    types = result.types
    measures = [c for c in ("in_degree", "out_degree", "pagerank", "betweenness") if c in nodes.columns]
    frame = nodes[measures].copy()
    frame["actor type"] = [ACTOR_LABELS.get(types.get(node, "unknown"), "unknown") for node in nodes.index]
    table = frame.groupby("actor type")[measures].mean().round(4)
    table.insert(0, "accounts", frame["actor type"].value_counts())
    return table.reset_index()


def source_mix_overview(result: PathwayAnalysis) -> Shown:
    """The source types of the links each actor type brought in (not shares), 95% CIs by account."""
    return pathways_by(result, "actor_type")


def source_flow_overview(result: PathwayAnalysis) -> Shown:
    """How each source type moves: who brings its links in, how often others pass them on, and who.

    A link is passed on when another account shares or quotes the post that
    brought it in (or, in a study that keeps full links, posts the same link
    later): :func:`helpers.pathways.flow.pass_pairs`.
    """
    introduced = result.introduced
    if introduced.empty:
        return _no_links(result)
    pairs = pass_pairs(result.posts, result.links)
    types = result.types
    rows = []
    for kind, links in introduced.groupby("source_type", sort=False):
        passed = pairs[pairs["source_type"] == kind]
        rows.append({
            "source type": SOURCE_LABELS.get(kind, kind),
            "posts bringing it in": links["post_id"].nunique(),
            "by (most often)": _most_common(links["actor_type"]),
            "passed on": len(passed),
            "passed on by accounts": passed["passing_author"].nunique(),
            "passed on by (most often)": _most_common(passed["passing_author"].map(types).fillna("unknown")),
        })
    return pd.DataFrame(rows).sort_values("posts bringing it in", ascending=False, ignore_index=True)


def _most_common(kinds: pd.Series) -> str:
    if kinds.empty:
        return "none"
    counts = kinds.value_counts()
    return f"{ACTOR_LABELS.get(counts.index[0], counts.index[0])} ({percent(counts.iloc[0] / len(kinds))})"


def export_source_network(result: PathwayAnalysis, config: StudyConfig) -> pd.DataFrame:
    """Write the two-mode account-source network (GEXF, GraphML, CSV) beside the scope's other network
    files, for Gephi; returns the files' table.

    Accounts (pseudonyms, organisation accounts by handle) and source types,
    tied by the number of posts (Borgatti & Everett 1997).
    """
    if result.introduced.empty:
        return pd.DataFrame(columns=["file", "folder", "KiB"])
    folder = networks_folder(config, result.scope)
    paths = export_graph(source_network(result.introduced), folder, name="account_sources")
    root = config.project_root
    where = str(folder.relative_to(root) if folder.is_relative_to(root) else folder)
    return pd.DataFrame([{"file": path.name, "folder": where, "KiB": round(path.stat().st_size / 1024, 1)}
                         for path in paths.values()])


ORDERS = {"actor_type": ACTOR_TYPES, "mode": MODES, "knowledge_type": KNOWLEDGE_TYPES}
"""The order of the groups of each column, as every other table of the package shows them."""


def pathways_by(result: PathwayAnalysis, by: str) -> Shown:
    """The sources of the links brought in by each actor type, communication ``mode`` or ``knowledge_type``.

    One row per group: its links, the share pointing to medical authority
    (medical, scientific or regulatory sources) and its source types, most
    used first, each with a 95% interval that resamples whole accounts
    (:func:`helpers.pathways.flow.source_mix`).
    """
    links = result.introduced.dropna(subset=[by]) if by in result.introduced else result.introduced.iloc[:0]
    if links.empty:
        return _no_links(result)
    mix = source_mix(links, by, cluster="author_id", seed=result.seed)
    rows = []
    for group in [value for value in ORDERS[by] if value in set(links[by])]:
        mine = links[links[by] == group]
        shares = mix[(mix[by] == group) & (mix["links"] > 0)].sort_values("links", ascending=False)
        medical = clustered_share(mine["source_type"].isin(MEDICAL_SOURCES), mine["author_id"],
                                  seed=result.seed, unit="links")
        rows.append({
            by.replace("_", " "): ACTOR_LABELS.get(group, str(group).replace("_", " ")),
            "accounts": mine["author_id"].nunique(),
            "links": len(mine),
            "medical authority (95% CI)": medical.short(),
            "source types, most used first (95% CI)": "; ".join(
                f"{SOURCE_LABELS.get(r.source_type, r.source_type)} {percent(r.share)} "
                f"({100 * r.low:.0f}–{100 * r.high:.0f})" for r in shares.itertuples()),
        })
    return pd.DataFrame(rows)


def _no_links(result: PathwayAnalysis) -> NotComputed:
    return NotComputed(MEASURE, "no post of this scope carries a link", "exports that keep links (most do)")


def unknown_domain_overview(result: PathwayAnalysis, config: StudyConfig, n: int = 20) -> Shown:
    """Domains the source list does not know, ranked by use, for the researcher to classify."""
    table, withheld = unknown_domains(result.links[["author_id", "link", "post_id"]],
                                      study_link_sources(config), min_authors=result.min_group_size)
    note = (f" {withheld} more, each used by fewer than {result.min_group_size} accounts, are not listed "
            "(a domain used by one person can identify them).") if withheld else ""
    if table.empty:
        return Remark(f"Every linked domain used by at least {result.min_group_size} accounts has a source "
                      f"type.{note}")
    if note:
        return WithNotes(table.head(n), [NotComputed("Rarely used domains", note.strip())])
    return table.head(n)


def gatekeeper_overview(result: PathwayAnalysis, n: int = 15) -> Shown:
    """The gatekeepers of medical information, ranked, with the measures that put each there.

    The full table (:func:`helpers.pathways.gatekeeper_table`) also holds each
    account's betweenness and the reason in words.
    """
    if result.introduced.empty:
        return _no_links(result)
    if result.gatekeepers.empty:
        return Remark("No account both brought a medical or regulatory source in and brokered between "
                      "kinds of accounts in this network.")
    table = result.gatekeepers.head(n)
    roles = table[["gatekeeper", "representative", "liaison"]]
    return pd.DataFrame({
        "rank": table["rank"],
        "account": table["account"],
        "actor type": table["actor_type"].map(lambda kind: ACTOR_LABELS.get(kind, kind)),
        "medical posts in": table["medical_introduced"],
        "passed on": table["passed_on"],
        "paths brokered": table["brokerage"],
        "as gatekeeper / representative / liaison": [" / ".join(f"{v:,}" for v in row)
                                                    for row in roles.itertuples(index=False)],
    })


def gatekeeper_type_overview(result: PathwayAnalysis) -> Shown:
    """Each actor type's share of all gatekeepers, with Wilson 95% intervals (types with none left out)."""
    if result.gatekeepers.empty:
        return gatekeeper_overview(result)
    table = gatekeeper_types(result.gatekeepers)
    table = table[table["gatekeepers"] > 0]
    return pd.DataFrame({
        "actor type": table["actor_type"].map(lambda kind: ACTOR_LABELS.get(kind, kind)),
        "gatekeepers": table["gatekeepers"],
        "share of all gatekeepers (95% CI)": [f"{percent(r.share)} ({100 * r.low:.0f}–{100 * r.high:.0f})"
                                              for r in table.itertuples()],
    })


PERIOD_STARTS = {"month": "MS", "quarter": "QS", "year": "YS"}
"""The pandas frequency of each ``analysis.time_slice``."""


def sources_over_time_table(result: PathwayAnalysis) -> Shown:
    """Links brought in per period (``analysis.time_slice``) and source type."""
    if result.introduced.empty:
        return _no_links(result)
    return sources_over_time(result.introduced, freq=PERIOD_STARTS[result.time_slice])


def pathways_reading(result: PathwayAnalysis) -> Prose:
    """The reviewer's report's paragraph: the source-type mix and the gatekeepers' types, with intervals."""
    introduced = result.introduced
    if introduced.empty:
        return paragraphs(_no_links(result).sentence())
    mix = source_mix(introduced, "org_id", cluster="author_id", seed=result.seed)
    mix = mix[mix["links"] > 0].sort_values("links", ascending=False)
    parts = [f"{SOURCE_LABELS.get(row.source_type, row.source_type)} {percent(row.share)} "
             f"({100 * row.low:.0f}–{100 * row.high:.0f}%)" for row in mix.head(4).itertuples()]
    medical = introduced["source_type"].isin(MEDICAL_SOURCES)
    by_org = introduced["actor_type"] == "study_organisation"
    sentences = [
        f"{len(introduced):,} links were brought in by {introduced['author_id'].nunique():,} accounts "
        f"(not counting shares and quotes). Most common source types: {'; '.join(parts)} "
        "(95% intervals resample whole accounts).",
        _medical_sentence(medical, by_org, introduced["author_id"], result.seed),
    ]
    if result.gatekeepers.empty:
        sentences.append("No account both brought a medical or regulatory source in and brokered between "
                         "kinds of accounts (gatekeepers in the sense of Vicari 2020).")
    else:
        kinds = gatekeeper_types(result.gatekeepers).head(3)
        listed = "; ".join(f"{ACTOR_LABELS.get(r.actor_type, r.actor_type)} {r.gatekeepers} "
                           f"({percent(r.share)}, {100 * r.low:.0f}–{100 * r.high:.0f}%)"
                           for r in kinds.itertuples())
        sentences.append(f"{len(result.gatekeepers):,} accounts brought medical or regulatory sources in and "
                         f"brokered between kinds of accounts (gatekeepers, Vicari 2020); by type: {listed}.")
    return paragraphs(*sentences)


def _medical_sentence(medical: pd.Series, by_org: pd.Series, authors: pd.Series, seed: int) -> str:
    """How much of the organisation's and of the others' links point to medical authority."""
    parts = []
    for name, mask in (("the organisation's accounts", by_org), ("everybody else", ~by_org)):
        if mask.sum() == 0:
            parts.append(f"{name}: no links")
            continue
        labels = medical[mask].map({True: "medical", False: "other"})
        shares = clustered_shares(labels, authors[mask], ["medical", "other"], seed=seed, unit="links")
        share = shares["medical"]
        parts.append(f"{name} {share.text()}")
    return ("Share of links pointing to medical, scientific or regulatory sources (medical authority): "
            + "; ".join(parts) + ".")
