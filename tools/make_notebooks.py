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
                   "org_id = None  # set by the batch; None = whole study"),
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
        cell["id"] = f"cell-{index:02d}"
    return notebook


def main() -> None:
    """Write every notebook under notebooks/."""
    folder = Path(__file__).resolve().parent.parent / "notebooks"
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), folder / name)


if __name__ == "__main__":
    main()
