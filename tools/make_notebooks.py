"""Write the thin notebooks from cell lists (keeps them reviewable as code and output-free).

Run: .venv/bin/python tools/make_notebooks.py
"""

from pathlib import Path

import nbformat

NOTEBOOKS = {
    "01_ingest.ipynb": [
        ("md", "# 1. Ingestion\n\nReads every export file of the study (twarc2, Pushshift, Mastodon, "
               "Bluesky, CrowdTangle ...) into the canonical `posts`, `accounts` and `interactions` "
               "tables. Private people are pseudonymised and the text scrubbed *before* anything is "
               "written (docs/privacy.md). Every record read is either accepted, quarantined with a "
               "reason, or counted as a duplicate: the counts reconcile per file."),
        ("params", 'config_path = "../config/study.yml"\n'
                   "org_id = None  # set by the batch (None: the whole study)"),
        ("code", "from helpers.config import load_config\n"
                 "from helpers.ingest.pipeline import ingest_study\n\n"
                 "config = load_config(config_path)\nresult = ingest_study(config)"),
        ("md", "## Reconciliation per file\n\nread = accepted + quarantined + duplicates, for every file."),
        ("code", "result.summary()"),
        ("md", "## Why records were quarantined\n\nExcerpts are shape-masked (letters → a, digits → 9): "
               "enough to see what is malformed, nothing of the content."),
        ("code", "from helpers.ingest.report import quarantine_reasons\n\nquarantine_reasons(config)"),
        ("md", "## What was read\n\nPosts per organisation and platform, and their rhythm over time."),
        ("code", "from helpers.ingest.report import posts_overview\n"
                 "from helpers.plots import plot_posts_over_time\n\n"
                 "posts_overview(config)"),
        ("code", "plot_posts_over_time(config, org_id=org_id);"),
    ],
    "05_org_report.ipynb": [
        ("md", "*The reviewer's report of one organisation: a summary written from the results, then "
               "each analysis, then the ethics and provenance statements. `rarevoices batch` renders it "
               "to HTML with and without code.*"),
        ("params", 'config_path = "../config/study.yml"\n'
                   "org_id = None  # set by the batch (None: the whole study)"),
        ("code", "from datetime import UTC, datetime\n\nfrom IPython.display import Markdown\n\n"
                 "from helpers import summaries\nfrom helpers.config import load_config\n\n"
                 "started_at = datetime.now(UTC)\nconfig = load_config(config_path)\n"
                 "Markdown(summaries.report_header(config, org_id))"),
        ("md", "## Summary"),
        ("code", "Markdown(summaries.org_summary(config, org_id))"),
        ("md", "## The data\n\nPosts per platform and over time. Rare Disease Day (the last day of "
               "February) is marked."),
        ("code", "from helpers.ingest.report import posts_overview\n"
                 "from helpers.plots import plot_posts_over_time\n\n"
                 "plot_posts_over_time(config, org_id=org_id);"),
        ("code", "posts_overview(config, org_id).style.hide(axis='index')"),
        ("md", "## Communication modes\n\nOne-way (the organisation broadcasts), two-way (organisation "
               "and public reply to each other), crowd-sourced (the public exchange among themselves, or "
               "the organisation amplifies their posts), per thread (method: docs/methods.md)."),
        ("code", "from helpers.classify import plots, report\n\n"
                 "plots.plot_mode_shares(report.mode_shares_over_time(config, org_id));"),
        ("code", "report.mode_overview(config, org_id).round(3).style.hide(axis='index')"),
        ("md", "## Knowledge types\n\nExperiential (first-person story), mediated experiential (told "
               "about someone else), medical/scientific, practical/support, advocacy, other; by who "
               "posted. Validation against labelled data is in the classification notebook."),
        ("code", "plots.plot_knowledge_shares(report.knowledge_overview(config, org_id));"),
        ("code", "report.example_posts(config, org_id)"),
        ("md", "## Topics\n\nTopics of the study's shared BERTopic model, as they occur in this "
               "organisation's posts, and over time."),
        ("code", "from helpers.topics import load_topics, plot_top_terms, plot_topics_over_time, "
                 "topic_view\n\nview = topic_view(load_topics(config), org_id)\nplot_top_terms(view);"),
        ("code", "plot_topics_over_time(view);"),
        ("md", "## Network\n\nWho interacts with whom (replies, mentions, shares, quotes); the "
               "organisation's accounts by name, everybody else by pseudonym."),
        ("code", "from helpers import networks as nw\n\nnet = nw.analyse_network(config, org_id)\n"
                 "net.summary.round(3)"),
        ("code", "nw.draw_network(net.graph, membership=net.nodes['community'], size=net.nodes['pagerank'],\n"
                 "                seed=config.seed);"),
        ("code", "Markdown(summaries.ethics_statement(config))"),
        ("md", "## Provenance\n\nWhat produced this report: versions, commit, parameters and the "
               "hashes of the input files."),
        ("code", "summaries.provenance(config, org_id, started_at).style.hide(axis='index')"),
    ],
    "10_compare_orgs.ipynb": [
        ("md", "# Comparing organisations\n\nThe same measures side by side for every organisation "
               "of the study."),
        ("params", 'config_path = "../config/study.yml"\n'
                   "org_id = None  # unused here: this notebook covers the whole study"),
        ("code", "from IPython.display import Markdown\n\nfrom helpers import summaries\n"
                 "from helpers.config import load_config\n\nconfig = load_config(config_path)\n"
                 "Markdown(summaries.report_header(config, None))"),
        ("md", "## Key figures"),
        ("code", "summaries.key_figures_table(config)"),
        ("md", "## Volume over time"),
        ("code", "from helpers.plots import plot_posts_over_time\n\nplot_posts_over_time(config);"),
        ("code", "Markdown(summaries.ethics_statement(config))"),
        ("code", "summaries.provenance(config, None).style.hide(axis='index')"),
    ],
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Return a notebook whose cell tagged `parameters` papermill can inject into."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        if kind == "md":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
            notebook.cells.append(cell)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = str(index)  # the ids nbstripout gives, so `nbstripout --verify` passes
    return notebook


def main() -> None:
    """Write every notebook under notebooks/."""
    folder = Path(__file__).resolve().parent.parent / "notebooks"
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), folder / name)


if __name__ == "__main__":
    main()
