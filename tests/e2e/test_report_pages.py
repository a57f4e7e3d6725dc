"""Every page of every batch works in a browser (issue 26): no console error, no empty figure, no broken
image, no request that leaves the page's folder.

The pages are those of the small real-shape studies, the fresh ``init`` study and
the leak study (tests/studies.py), opened one after the other in one headless
Chromium.  A figure left blank on every page of a batch (plotly.js written into
one notebook of a chain and not the next) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.browser import Browser, find_chromium
from helpers.config import load_config


def _pages(*study_files: Path) -> list[Path]:
    """Every page of every study; the methods pages (the same documentation in every reports folder)
    of the first study only."""
    pages = []
    for number, study_file in enumerate(study_files):
        found = sorted(load_config(study_file).reports_path.rglob("*.html"))
        pages += [page for page in found if number == 0 or "methods" not in page.parent.parts]
    return pages


def test_every_page_of_every_batch_works_in_a_browser(shape_batches, empty_study, leak_study) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (make setup installs Debian's package where it can)")
    studies = [study for study, _ in shape_batches.values()] + [empty_study[0], leak_study["study"]]
    pages = _pages(*studies)
    assert len(pages) > 100
    problems = []
    with Browser(chromium) as browser:
        for page in pages:
            check = browser.check(page)
            for kind, found in (("console errors", check.console_errors),
                                ("broken images", check.broken_images),
                                ("requests outside its folder", check.outside_requests)):
                if found:
                    problems.append((str(page), kind, found[:3]))
            if check.empty_figures:
                problems.append((str(page), "empty figures", check.empty_figures))
    assert not problems, problems[:15]


def test_screenshots_of_the_first_screens_at_1400_px_and_a4(shape_batches) -> None:
    """``make demo`` runs ``rarevoices screenshots``: index, comparison and each report, two widths."""
    import struct

    from helpers.cli import main

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (make setup installs Debian's package where it can)")
    study_file, _ = shape_batches["degenerate-orgs"]
    assert main(["screenshots", "--config", str(study_file)]) == 0
    config = load_config(study_file)
    folder = config.reports_path / "screenshots"
    expected = {"index", "compare", *(org.id for org in config.organisations)}
    for name in expected:
        for label, width in (("1400", 1400), ("a4", 794)):
            png = (folder / f"{name}_{label}.png").read_bytes()
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            assert struct.unpack(">I", png[16:20])[0] == width, (name, label)
