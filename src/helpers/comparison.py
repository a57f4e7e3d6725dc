"""The organisations side by side: each answer to the research question, with intervals and caveats.

What ``10_compare_orgs.ipynb`` shows.  Each table has one row per
organisation and the same measures as the organisation reports
(:mod:`helpers.headlines`), so that a reader can compare organisations on
modes (per platform), knowledge types (own and mediated stories), knowledge
by mode, reciprocity and response time, the topics they share, and their
place in the study's interaction network.  What cannot be compared as it
stands is said first (:func:`reading_guide`).
"""

from __future__ import annotations

import pandas as pd

from helpers import headlines
from helpers.classify.knowledge import KNOWLEDGE_TYPES
from helpers.classify.modes import MODES
from helpers.classify.report import response_summary
from helpers.classify.validation import knowledge_method, validation_state
from helpers.config import StudyConfig
from helpers.notice import NA, NotComputed, Prose, Shown
from helpers.summaries import esc
from helpers.uncertainty import clustered_share, wilson_share


def _single_organisation(config: StudyConfig, measure: str) -> NotComputed | None:
    if len(config.organisations) > 1:
        return None
    return NotComputed(measure, "the study has one organisation; its figures are in its own report",
                       "two or more organisations in the study")


def reading_guide(config: StudyConfig) -> Prose:
    """What limits the comparison, first: platforms, classifier methods, validation (one sentence each)."""
    items = ["Communication modes depend on what each platform's export holds: a page export carries no "
             "replies, so its threads can only be one-way or crowd-sourced by sharing. Compare modes within "
             "a platform (the table of modes per platform)."]
    for org_id, reasons in headlines.caveats(config).items():
        name = config.organisation(org_id).name
        items += [f"{name}, {what}: {reason}." for what, reason in reasons.items()]
    items += validation_items(config)
    body = "".join(f"<li>{esc(item)}</li>" for item in items)
    return Prose(f'<ul class="reading-guide">{body}</ul>')


def validation_items(config: StudyConfig) -> list[str]:
    """How each organisation's measures were validated: one sentence for all when none was hand-coded."""
    states = {org.id: {measure: validation_state(config, org.id, measure)
                       for measure in ("mode", "knowledge")} for org in config.organisations}
    kinds = {state.state for measures in states.values() for state in measures.values()}
    if len(config.organisations) > 1 and kinds <= {"demo"}:
        ranges = []
        for measure, words in (("knowledge", "knowledge types"), ("mode", "communication modes")):
            scores = [measures[measure].macro_f1 for measures in states.values()
                      if measures[measure].macro_f1 is not None]
            if scores:
                ranges.append(f"{words} {min(scores):.2f} to {max(scores):.2f}")
        return ["Validation: no organisation's measures are validated on real posts, only against the demo "
                f"generator's own labels (macro-F1 of {' and of '.join(ranges)}); the key figures give each "
                "organisation's knowledge classifier and its F1."]
    return [f"{org.name}: {headlines.validation_line(config, org.id)}" for org in config.organisations]


def knowledge_comparison(config: StudyConfig) -> Shown:
    """Per organisation: the public's knowledge types (95% CI), the classifier behind them, its validation."""
    single = _single_organisation(config, "Knowledge types side by side")
    if single:
        return single
    rows = []
    for org in config.organisations:
        figures = headlines.knowledge_figures(config, org.id)
        row = {"organisation": org.name, "classifier": knowledge_method(config, org.id, short=True),
               "validation": validation_state(config, org.id, "knowledge").short()}
        any_share = next(iter(figures.shares.values()), None)
        row["public posts"] = f"{any_share.total:,}" if any_share else "0"
        for kind in KNOWLEDGE_TYPES:
            share = figures.get(kind)
            row[headlines.KNOWLEDGE_LABELS[kind]] = share.short() if share else NA
        mediated = headlines.mediated_share(config, org.id)
        row["stories told by carers"] = mediated.short() if mediated else NA
        health = headlines.health_share(config, org.id)
        row["about health"] = health.short() if health else NA
        rows.append(row)
    return pd.DataFrame(rows)


def stories_by_mode_comparison(config: StudyConfig) -> Shown:
    """Per organisation and mode: the share of posts that tell a patient story (own or mediated), 95% CI."""
    single = _single_organisation(config, "Patient stories by mode side by side")
    if single:
        return single
    rows = []
    for org in config.organisations:
        posts = headlines.knowledge_posts(config, org.id, None)
        row = {"organisation": org.name}
        for mode in MODES:
            mine = posts[posts["mode"] == mode]
            label = f"{headlines.MODE_LABELS[mode]} threads"
            if mine.empty:
                row[label] = NA
                continue
            stories = mine["knowledge_type"].isin(headlines.STORIES)
            row[label] = clustered_share(stories, headlines.thread_of(mine), seed=config.seed).short()
        rows.append(row)
    return pd.DataFrame(rows)


def reciprocity_comparison(config: StudyConfig) -> Shown:
    """Per organisation: public posts addressed to it, the share answered (95% CI) and the time to answer."""
    single = _single_organisation(config, "Reciprocity side by side")
    if single:
        return single
    rows = []
    for org in config.organisations:
        summary = response_summary(config, org.id)
        if isinstance(summary, NotComputed):
            rows.append({"organisation": org.name, "addressed to it": NA, "answered (95% CI)": NA,
                         "median hours to answer (95% CI)": NA, "why not": summary.why})
            continue
        row = summary.iloc[0]
        share = wilson_share(int(row["answered"]), int(row["addressed"]), "addressed posts")
        rows.append({"organisation": org.name, "addressed to it": f"{int(row['addressed']):,}",
                     "answered (95% CI)": share.short(),
                     "median hours to answer (95% CI)": headlines.hours_to_answer(row), "why not": ""})
    table = pd.DataFrame(rows)
    return table if table["why not"].astype(bool).any() else table.drop(columns="why not")


def shared_topics(config: StudyConfig, n: int = 15) -> Shown:
    """Topics of the study's model present in two or more organisations, with each one's share of its posts.

    A topic is present in an organisation when at least
    ``privacy.min_group_size`` of its authors wrote in it (so that no topic
    stands for one person) and it holds at least 1% of the organisation's
    posts.
    """
    from helpers.topics import OUTLIER, load_topics

    single = _single_organisation(config, "Topics shared across organisations")
    if single:
        return single
    try:
        result = load_topics(config)
    except FileNotFoundError:
        return NotComputed("Topics shared across organisations", "there is no topic model yet",
                           "the topics step of the batch (03_topics.ipynb)")
    documents = result.documents[result.documents["topic"] != OUTLIER]
    if documents.empty:
        return NotComputed("Topics shared across organisations", "the topic model found no topic")
    posts = result.documents.groupby("org_id").size()
    counts = documents.groupby(["topic", "org_id"]).agg(posts=("post_id", "size"),
                                                         authors=("author_id", "nunique"))
    counts["share"] = counts["posts"] / counts.index.get_level_values("org_id").map(posts).to_numpy()
    present = counts[(counts["authors"] >= config.privacy.min_group_size) & (counts["share"] >= 0.01)]
    spread = present.groupby(level="topic").size()
    topics = spread[spread >= 2].index
    if len(topics) == 0:
        return NotComputed("Topics shared across organisations", "no topic holds 1% or more of the posts of "
                           "two organisations (with enough authors in each)")
    labels = result.topics.set_index("topic")["label"]
    rows = []
    for topic in topics:
        row = {"topic": str(labels.get(topic, topic)).split(": ", 1)[-1], "organisations": int(spread[topic])}
        for org in config.organisations:
            share = counts["share"].get((topic, org.id))
            row[org.name] = f"{100 * share:.1f}%" if share is not None and pd.notna(share) else "–"
        row["_total"] = int(present.loc[topic, "posts"].sum())
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["organisations", "_total"], ascending=False).head(n)
    return table.drop(columns="_total").reset_index(drop=True)


def network_places(config: StudyConfig) -> Shown:
    """Each organisation's place in the study's interaction network.

    Per organisation (all its accounts together): the accounts that address
    it, the best PageRank rank of its accounts among all accounts (1 is the
    most central), the public accounts it shares with another organisation
    (active in both communities), and the share of its ties that reach
    another organisation's community.
    """
    from helpers.networks import analyse_network

    single = _single_organisation(config, "Places in the study network")
    if single:
        return single
    net = analyse_network(config, None, export=False, progress=False)
    nodes = net.nodes
    if nodes.empty:
        return NotComputed("Places in the study network", "no account replied to, mentioned, shared or "
                           "quoted another in the exports")
    ranks = nodes["pagerank"].rank(ascending=False, method="min")
    rows = []
    for org in config.organisations:
        mine = nodes[nodes["is_org"] & (nodes["org_id"] == org.id)]
        bridging = net.bridging
        shared = bridging[bridging[org.id] > 0] if org.id in bridging.columns else bridging.iloc[:0]
        active = nodes["orgs"].astype(str).str.split(";").apply(lambda orgs, org_id=org.id: org_id in orgs)
        rows.append({
            "organisation": org.name,
            "accounts in the network": f"{int(active.sum()):,}",
            "accounts addressing it": f"{int(mine['in_degree'].sum()):,}" if not mine.empty else NA,
            "best PageRank rank": (f"{int(ranks[mine.index].min()):,} of {len(nodes):,}"
                                   if not mine.empty else NA),
            "public accounts shared with another organisation": f"{len(shared):,}",
        })
    return pd.DataFrame(rows)


def pathways_comparison(config: StudyConfig) -> Shown:
    """Each organisation's health-information pathways: which sources its community brings in, who gatekeeps.

    Per organisation: the links brought in (not shares or quotes), the share
    pointing to medical authority (medical, scientific or regulatory sources;
    95% interval resampling whole accounts), the most common source type, and
    the gatekeepers of medical information (Vicari 2020) with the most common
    actor type among them (Wilson 95% interval).
    """
    from helpers.actor_rules import ACTOR_LABELS
    from helpers.link_sources import SOURCE_LABELS
    from helpers.networks import analyse_network
    from helpers.pathways import MEDICAL_SOURCES, analyse_pathways, gatekeeper_types, source_mix

    single = _single_organisation(config, "Sources and gatekeepers")
    if single:
        return single
    rows = []
    for org in config.organisations:
        result = analyse_pathways(config, org.id, analyse_network(config, org.id, progress=False))
        links = result.introduced
        row = {"organisation": org.name, "links brought in": f"{len(links):,}"}
        if links.empty:
            rows.append(row | {"medical authority (95% CI)": NA, "most common source (95% CI)": NA,
                               "gatekeepers": NA, "most common gatekeeper type (95% CI)": NA})
            continue
        medical = links["source_type"].isin(MEDICAL_SOURCES)
        row["medical authority (95% CI)"] = clustered_share(medical, links["author_id"], seed=config.seed,
                                                            unit="links").short()
        mix = source_mix(links, "org_id", cluster="author_id", seed=config.seed).sort_values("links").iloc[-1]
        row["most common source (95% CI)"] = (
            f"{SOURCE_LABELS.get(mix.source_type, mix.source_type)} "
            f"{100 * mix.share:.0f}% ({100 * mix.low:.0f}–{100 * mix.high:.0f})")
        row["gatekeepers"] = f"{len(result.gatekeepers):,}"
        if result.gatekeepers.empty:
            row["most common gatekeeper type (95% CI)"] = "none"
        else:
            top = gatekeeper_types(result.gatekeepers).iloc[0]
            row["most common gatekeeper type (95% CI)"] = (
                f"{ACTOR_LABELS.get(top.actor_type, top.actor_type)} {top.gatekeepers} of "
                f"{len(result.gatekeepers)}, "
                f"{100 * top.share:.0f}% ({100 * top.low:.0f}–{100 * top.high:.0f})")
        rows.append(row)
    return pd.DataFrame(rows)
