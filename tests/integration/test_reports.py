"""Rendering executed notebooks to HTML (helpers.reports)."""

from __future__ import annotations

import threading
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.report_pages import REPORT_CSS, add_contents, prepare
from helpers.reports import html_exporter, render_notebook, shared_html_exporter

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _notebook(path: Path, heading: str, code: str, language: str = "python") -> Path:
    notebook = new_notebook(
        cells=[
            new_markdown_cell(f"# {heading}\n\nSome *narrative*."),
            new_code_cell(code, execution_count=1, outputs=[
                new_output("stream", name="stdout", text=f"{heading} printed\n"),
                new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
            ]),
        ],
        metadata={"language_info": {"name": language, "pygments_lexer": language}},
    )
    nbformat.write(notebook, path)
    return path


def _fresh_page(path: Path, with_code: bool, title: str) -> str:
    notebook = prepare(nbformat.read(path, as_version=4))
    notebook.metadata["title"] = title
    return add_contents(html_exporter(with_code).from_notebook_node(notebook,
                                                                   resources={"report_css": REPORT_CSS})[0])


def test_a_reused_exporter_renders_each_notebook_as_a_fresh_one_does(tmp_path: Path) -> None:
    first = _notebook(tmp_path / "first.ipynb", "First", "first_variable = 1", language="ipython3")
    second = _notebook(tmp_path / "second.ipynb", "Second", "y = [2]\nprint(y)")
    for with_code in (True, False):
        for path in (second, first):  # the first page is rendered after another notebook
            page = render_notebook(path, path.with_suffix(f".{with_code}.html"), with_code=with_code,
                                   title=path.stem)
            assert page.read_text(encoding="utf-8") == _fresh_page(path, with_code, path.stem)
    with_code_page = (tmp_path / "first.True.html").read_text(encoding="utf-8")
    reviewer_page = (tmp_path / "first.False.html").read_text(encoding="utf-8")
    assert "first_variable" in with_code_page
    assert "first_variable" not in reviewer_page, "the reviewer page shows no code"
    assert "First printed" in reviewer_page


def test_each_thread_and_version_has_its_own_exporter() -> None:
    mine = shared_html_exporter(True)
    assert shared_html_exporter(True) is mine
    assert shared_html_exporter(False) is not mine
    other: list = []
    thread = threading.Thread(target=lambda: other.append(shared_html_exporter(True)))
    thread.start()
    thread.join()
    assert other[0] is not mine
