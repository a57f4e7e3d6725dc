"""Build hook: ship the notebooks and the docs inside the package, so a study folder can live anywhere.

Everything else is declared in pyproject.toml.  The notebooks' one source is
``notebooks/`` at the top of the repository (where researchers open them);
building a wheel copies them to ``helpers/resources/notebooks`` in it
(``helpers.scaffold.packaged_notebooks`` finds either).  The documentation
(``docs/*.md``) goes to ``helpers/resources/docs``: the reports link to the
methods, rendered into each reports folder (``helpers.report_pages``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` and ``docs/*.md`` into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "helpers" / "resources" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copyfile(notebook, target / notebook.name)
        docs = Path(self.build_lib) / "helpers" / "resources" / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        for page in sorted((ROOT / "docs").glob("*.md")):
            shutil.copyfile(page, docs / page.name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
