"""A study folder of its own, anywhere: ``rarevoices init DIR``, and the notebooks that come with the package.

Researchers keep one folder per project, outside any code repository.  The
notebooks and report templates ship inside the installed package (package
data), so a study folder needs only its study file and its data;
:func:`init_study` writes such a folder, ready for ``rarevoices batch``.
"""

from __future__ import annotations

import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

from helpers.errors import UserError

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "resources" / "study_template"


class StudyFolderError(UserError):
    """A study folder that cannot be written where it was asked for."""


def packaged_notebooks() -> Path:
    """The folder of the notebooks that come with the installed package.

    An installed package carries them as package data
    (``helpers/resources/notebooks``, put there by ``setup.py`` when the wheel
    is built); an editable install from a checkout uses the checkout's
    ``notebooks/`` folder, the same files.

    Raises
    ------
    UserError
        When neither exists (a broken installation).
    """
    for folder in (PACKAGE_DIR / "resources" / "notebooks", PACKAGE_DIR.parent.parent / "notebooks"):
        if (folder / "01_ingest.ipynb").is_file():
            return folder
    raise UserError(f"the rarevoices notebooks are missing from the installation ({PACKAGE_DIR}); "
                    "reinstall the package")


def study_notebooks(project_root: Path) -> Path:
    """The notebooks a study runs: its own ``notebooks/`` when it has copies, else the package's."""
    own = project_root / "notebooks"
    return own if (own / "01_ingest.ipynb").is_file() else packaged_notebooks()


def init_study(folder: Path, *, name: str | None = None, notebooks: bool = False,
               secret_dir: Path | None = None) -> Path:
    """Write a new study folder: a commented study file, ``data/raw/``, a README of next steps.

    Parameters
    ----------
    folder : Path
        Where the study lives; created when missing.  An existing study file
        is never overwritten (with ``notebooks=True`` only the notebooks are
        copied into an existing study).
    name : str, optional
        The study's name (default: from the folder's name).
    notebooks : bool
        Also copy the package's notebooks into ``notebooks/``, to open them in
        JupyterLab; the batch then runs these copies.
    secret_dir : Path, optional
        Where the pseudonymisation key will be created (default
        ``~/.config/rarevoices``: outside the study folder, as it must be).

    Returns
    -------
    Path
        The study file, ``folder/config/study.yml``.

    Raises
    ------
    StudyFolderError
        When ``folder`` is a file, or holds a study file already (and
        ``notebooks`` was not asked for).

    Examples
    --------
    >>> import tempfile
    >>> from helpers.config import load_config
    >>> folder = Path(tempfile.mkdtemp()) / "pku-2026"
    >>> config = load_config(init_study(folder, secret_dir=folder.parent / "keys"))
    >>> config.name, [org.id for org in config.organisations], config.raw_dir.as_posix()
    ('pku-2026', ['my-organisation'], 'data/raw')
    """
    folder = Path(folder).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise StudyFolderError(f"{folder}: is a file; give a folder for the new study")
    study_file = folder / "config" / "study.yml"
    if study_file.exists() and not notebooks:
        raise StudyFolderError(f"{study_file}: a study file exists already; edit it, or choose another "
                               "folder")
    if not study_file.exists():
        _write_template(folder, study_file, name or folder.name, secret_dir)
    if notebooks:
        copy_notebooks(folder / "notebooks")
    return study_file


def _write_template(folder: Path, study_file: Path, name: str, secret_dir: Path | None) -> None:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "study"
    key_folder = Path(secret_dir).expanduser().resolve() if secret_dir else Path("~/.config/rarevoices")
    secret = (key_folder / f"{slug}-{secrets.token_hex(4)}.key").as_posix()
    values = {"__NAME__": _yaml_text(name), "__SEED__": str(secrets.randbelow(10**8)), "__SECRET__": secret,
              "__DATE__": datetime.now(UTC).date().isoformat()}
    for part in ("data/raw", "data/processed", "reports", "config"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    study_file.write_text(_fill(TEMPLATE_DIR / "study.yml", values), encoding="utf-8")
    readme = folder / "README.md"
    if not readme.exists():
        readme.write_text(_fill(TEMPLATE_DIR / "README.md", {**values, "__NAME__": name}), encoding="utf-8")
    ignore = folder / ".gitignore"
    if not ignore.exists():
        shutil.copyfile(TEMPLATE_DIR / "gitignore", ignore)


def _fill(template: Path, values: dict[str, str]) -> str:
    text = template.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def _yaml_text(value: str) -> str:
    """``value`` as a YAML string scalar (quoted, so any name reads back as written)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def copy_notebooks(target: Path) -> list[Path]:
    """Copy the package's notebooks into ``target`` (existing copies are left as they are)."""
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for notebook in sorted(packaged_notebooks().glob("*.ipynb")):
        destination = target / notebook.name
        if not destination.exists():
            shutil.copyfile(notebook, destination)
            copied.append(destination)
    return copied
