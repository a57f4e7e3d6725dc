"""pyproject.toml and environment.yml must install the same pinned set."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONDA_TO_PYPI = {"pytorch": "torch"}


def _pins(requirements: list[str], separator: str) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition(separator)
        pins[CONDA_TO_PYPI.get(name.strip().lower(), name.strip().lower())] = version.strip()
    return pins


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return _pins(requirements, "==")


def environment_pins() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = [], []
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            pip += [line for line in item["pip"] if not line.startswith(("-", "--"))]
        elif not item.startswith(("python=", "pip")):
            conda.append(item)
    return _pins(conda, "=") | _pins(pip, "==")


def test_every_dependency_is_pinned_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.+-]*", requirement), requirement


def test_conda_environment_matches_pyproject() -> None:
    assert environment_pins() == pyproject_pins()


def test_torch_is_the_pinned_cpu_release() -> None:
    assert pyproject_pins()["torch"] == "2.13.0"


def test_environment_installs_the_package_itself() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert "-e ." in pip_section
