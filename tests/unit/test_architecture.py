"""The package's structure (issue 27): layers import only downward, no import cycle, files that fit in a head.

The layers are declared in pyproject.toml (``[tool.importlinter]``) and
described in docs/architecture.md.  Imports inside functions count: an import
hidden in a function is still an arrow between two modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "helpers"
MAX_LINES = 600
STILL_TO_SPLIT: dict[str, int] = {}
"""Files allowed over the limit, with their length when it was set (may shrink, not grow); none is left."""


def test_each_layer_imports_only_from_the_layers_below() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


def test_no_import_cycle_between_modules() -> None:
    imports = grimp.build_graph("helpers", cache_dir=None)
    graph = nx.DiGraph()
    for module in imports.modules:
        for imported in imports.find_modules_directly_imported_by(module):
            if imported != "helpers":  # the root holds only __version__ and imports nothing of its own
                graph.add_edge(module, imported)
    cycles = list(nx.simple_cycles(graph, length_bound=6))
    assert not cycles, sorted(" -> ".join([*cycle, cycle[0]]) for cycle in cycles)[:10]


def test_no_module_grows_past_600_lines() -> None:
    too_long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > STILL_TO_SPLIT.get(name, MAX_LINES):
            too_long[name] = lines
    assert not too_long, too_long
