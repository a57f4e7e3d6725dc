"""The codebook: the variables coders assign, their categories and the rules that separate them.

A codebook makes coding reproducible: each category has a definition,
inclusion and exclusion rules and examples, so that another coder, given the
same instructions, would assign the same code (Krippendorff 2018, ch. 7;
Neuendorf 2017, ch. 6).  The packaged ``resources/codebook.yml`` codes each
post's knowledge type and health relevance as described in docs/methods.md.

References
----------
Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.
Neuendorf, K. A. (2017). *The Content Analysis Guidebook* (2nd ed.). Sage.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from helpers.classify.seed import RESOURCES
from helpers.errors import UserError

logger = logging.getLogger(__name__)

DEFAULT_CODEBOOK = Path(RESOURCES) / "codebook.yml"
"""The packaged codebook: ``knowledge_type`` and ``health``."""

FORBIDDEN_IN_CODES = (",", '"')
"""Characters a code may not contain (they would break a spreadsheet's dropdown list)."""


class CodebookError(UserError, ValueError):
    """A codebook that cannot be used; the message names the file and the field."""


class CodingError(UserError, ValueError):
    """A coding sample, sheet or set of codes that cannot be used; the message says where and why."""


class Category(BaseModel):
    """One category (value) of a variable, with the rules that decide it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1)
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    include: list[str] = []
    exclude: list[str] = []
    examples: list[str] = []

    @field_validator("code", "label", mode="before")
    @classmethod
    def _yaml_scalars(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("write yes/no (and on/off, true/false) in quotes: YAML reads them as true or "
                             "false")
        return str(value) if isinstance(value, int | float) else value

    @field_validator("code")
    @classmethod
    def _plain_code(cls, code: str) -> str:
        if code != code.strip():
            raise ValueError(f"code {code!r} starts or ends with a space")
        bad = [char for char in FORBIDDEN_IN_CODES if char in code]
        if bad:
            raise ValueError(f"code {code!r} contains {bad}, which spreadsheets' dropdowns cannot hold")
        return code


class Variable(BaseModel):
    """One variable coders assign to each unit, with its mutually exclusive categories."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    label: str = Field(min_length=1)
    unit: str = "post"
    instructions: str = ""
    categories: list[Category] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Variable:
        seen: dict[str, str] = {}
        for category in self.categories:
            key = category.code.casefold()
            if key in seen:
                raise ValueError(f"duplicate code {category.code!r} in variable {self.name!r} "
                                 f"(same as {seen[key]!r}; codes are compared ignoring case)")
            seen[key] = category.code
        return self


class Codebook(BaseModel):
    """A titled, versioned list of variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    variables: list[Variable] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, version: object) -> object:
        return str(version) if isinstance(version, int | float) else version

    @model_validator(mode="after")
    def _distinct_variables(self) -> Codebook:
        names = [variable.name for variable in self.variables]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate variable names {duplicates}")
        return self

    def variable(self, name: str) -> Variable:
        """The variable called ``name``.

        Raises
        ------
        CodebookError
            When the codebook has no such variable.
        """
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise CodebookError(f"codebook {self.title!r} has no variable {name!r}; "
                            f"it has {[v.name for v in self.variables]}")

    def codes(self, name: str) -> list[str]:
        """The codes of variable ``name``, in codebook order.

        Examples
        --------
        >>> book = Codebook(title="t", version="1", variables=[Variable(name="health", label="Health",
        ...     categories=[Category(code="yes", label="Yes", definition="d"),
        ...                 Category(code="no", label="No", definition="d")])])
        >>> book.codes("health")
        ['yes', 'no']
        """
        return [category.code for category in self.variable(name).categories]


def load_codebook(path: Path | None = None) -> Codebook:
    """Read and check a codebook YAML file (the packaged one by default).

    Parameters
    ----------
    path : Path, optional
        A codebook file; :data:`DEFAULT_CODEBOOK` when None.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        When the file is missing or is not valid YAML (with its line), or a
        field is missing or wrong (named by its place, e.g.
        ``variables[0] (knowledge_type) > categories[2] (medical) > definition``),
        or codes repeat within a variable.
    """
    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    raw = _read_yaml(path)
    try:
        codebook = Codebook.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(raw, error['loc'])}: {error['msg']}" for error in exc.errors())
        raise CodebookError(f"{path}: {problems}") from None
    logger.debug("codebook %s (%s, version %s): %s", path, codebook.title, codebook.version,
                 [variable.name for variable in codebook.variables])
    return codebook


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: codebook file cannot be read ({exc})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: a codebook is a mapping with title, version and variables; "
                            f"found {type(raw).__name__}")
    return raw


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """A pydantic error location in words: ``variables[1] (health) > categories[0] (yes) > label``."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            name = ""
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, dict):
                    name = str(node.get("name") or node.get("code") or "")
            else:
                node = None
            label = f"{parts.pop() if parts else ''}[{step}]"
            parts.append(f"{label} ({name})" if name else label)
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return " > ".join(parts) or "(top level)"


CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #999; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; table-layout: fixed; }
th:nth-child(1) { width: 15%; } th:nth-child(2) { width: 11%; } th:nth-child(3) { width: 20%; }
th:nth-child(4) { width: 19%; } th:nth-child(5) { width: 19%; } th:nth-child(6) { width: 16%; }
th, td { border: 1px solid #999; padding: 0.3rem 0.45rem; vertical-align: top; text-align: left; }
th { background: #eee; }
td.code { font-family: 'Courier New', monospace; font-size: 0.78rem; overflow-wrap: anywhere; }
td { overflow-wrap: break-word; hyphens: auto; }
ul { margin: 0; padding-left: 1.1rem; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid-page; }
               tr { break-inside: avoid; } }
"""


def render_codebook_html(codebook: Codebook) -> str:
    """The codebook as a standalone, printable HTML page (no script; every text escaped).

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    str
        A complete HTML document: one section per variable with a table of
        its categories (code, label, definition, include, exclude, examples).
    """
    esc = html.escape
    title = f"{esc(codebook.title)} (version {esc(codebook.version)})"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{title}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<h1>{esc(codebook.title)}</h1>", f'<p class="meta">Version {esc(codebook.version)}</p>']
    parts += _paragraphs(codebook.description)
    for variable in codebook.variables:
        parts += _variable_section(variable)
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _variable_section(variable: Variable) -> list[str]:
    esc = html.escape
    parts = [f'<section id="{esc(variable.name)}">',
             f"<h2>{esc(variable.label)} (<code>{esc(variable.name)}</code>)</h2>",
             f'<p class="meta">Unit: {esc(variable.unit)}. One code per unit.</p>']
    parts += _paragraphs(variable.instructions)
    parts += ["<table>", "<thead><tr><th>Code</th><th>Label</th><th>Definition</th><th>Include</th>"
              "<th>Exclude</th><th>Examples</th></tr></thead>", "<tbody>"]
    for category in variable.categories:
        parts.append(f'<tr><td class="code">{esc(category.code)}</td><td>{esc(category.label)}</td>'
                     f"<td>{esc(category.definition)}</td><td>{_items(category.include)}</td>"
                     f"<td>{_items(category.exclude)}</td><td>{_items(category.examples)}</td></tr>")
    parts += ["</tbody>", "</table>", "</section>"]
    return parts


def _items(texts: list[str]) -> str:
    if not texts:
        return ""
    return "<ul>" + "".join(f"<li>{html.escape(text)}</li>" for text in texts) + "</ul>"


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{html.escape(block.strip())}</p>" for block in text.split("\n\n") if block.strip()]
