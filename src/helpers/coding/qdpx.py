"""REFI-QDA exchange: a scrubbed coding sample out to NVivo, ATLAS.ti or MAXQDA, and the human codes back.

The REFI-QDA standard (https://www.qdasoftware.org) defines two files:

* a *project* (``.qdpx``): a zip holding ``project.qde`` (XML in the namespace
  ``urn:QDA-XML:project:1.0``) and a ``sources/`` folder with the documents;
* a *codebook* (``.qdc``): the code tree alone (``urn:QDA-XML:codebook:1.0``).

:func:`export_qdpx` writes one plain-text source per coding unit, named by its
``unit_id``, and the codebook as a code tree: one parent code per variable
(not codable itself) holding one child code per category, named by the
category's code with its label as description.  The classifier's suggestions
(``machine_codes``) become codings of the whole text by a separate user,
:data:`MACHINE_USER`, so that coders see them apart from their own.  Every
GUID is derived from names (:func:`uuid.uuid5`): exporting the same sample
again gives the same project, byte for byte.

:func:`import_qdpx` reads such a project back once coders have worked on it:
every coding of a text becomes one row ``coder, unit_id, variable, code``.  The
code is found by walking the code tree (a category's code under its
variable's parent code), matching names without regard to case, blanks,
``_`` or ``-``, and accepting a category's label as well as its code.  The
archive is not trusted: only ``project.qde`` is read, by name, never more than
:data:`MAX_QDE_BYTES` of it, nothing is extracted, and the XML parser resolves
no entity and fetches nothing.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from helpers.errors import UserError, storage_error, storage_errors
from helpers.store.atomic import atomic_path

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
QDE_NAME = "project.qde"
MACHINE_USER = "rarevoices (machine)"
"""The REFI-QDA user whose codings are the classifier's suggestions."""
MAX_QDE_BYTES = 1 << 30
"""The most of ``project.qde`` that :func:`import_qdpx` decompresses (1 GiB)."""
IMPORT_COLUMNS = ["coder", "unit_id", "variable", "code"]

_GUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://rarevoices.invalid/refi-qda")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SOURCE_TAGS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")

Variables = dict[str, list[tuple[str, str]]]


class QdpxError(UserError, ValueError):
    """A REFI-QDA file that cannot be written or read back; the message names the file and what is wrong."""


@dataclass(frozen=True)
class _Coding:
    """One coding found in a project: who coded which source with which code."""

    user_guid: str
    source_name: str
    code_guid: str


# ---------------------------------------------------------------- names and GUIDs


def _guid(*parts: str) -> str:
    """A GUID derived from ``parts`` only: the same names always give the same GUID."""
    return str(uuid.uuid5(_GUID_ROOT, "\x1f".join(parts)))


def _variable_guid(variable: str) -> str:
    return _guid("code", variable)


def _category_guid(variable: str, code: str) -> str:
    return _guid("code", variable, code)


def _user_guid(name: str) -> str:
    return _guid("user", name)


def _source_guid(unit_id: str) -> str:
    return _guid("source", unit_id)


def _normal(name: str) -> str:
    """A name for matching: case, blanks, ``_`` and ``-`` aside ("Knowledge type" = "knowledge_type")."""
    return re.sub(r"[\s_\-]+", "", str(name)).casefold()


def _xml_text(value: object, what: str, path: Path) -> str:
    """``value`` as a string that XML can hold, else a :class:`QdpxError` naming it."""
    text = str(value)
    try:
        etree.Element("probe", probe=text)
    except ValueError as exc:
        raise QdpxError(f"{path}: {what} {text!r} holds characters XML cannot carry ({exc}); "
                        "rename it") from None
    return text


# ---------------------------------------------------------------- checking the input


def _check_variables(variables: Variables, path: Path) -> None:
    """Refuse an empty codebook, and names that clash once case and blanks are ignored."""
    if not variables:
        raise QdpxError(f"{path}: the codebook has no variable; give at least one with its categories")
    seen: dict[str, str] = {}
    for variable, categories in variables.items():
        _xml_text(variable, "variable", path)
        if _normal(variable) in seen:
            raise QdpxError(f"{path}: variables {seen[_normal(variable)]!r} and {variable!r} differ only "
                            "in case or blanks; coding tools cannot tell them apart")
        seen[_normal(variable)] = variable
        if not categories:
            raise QdpxError(f"{path}: variable {variable!r} has no category")
        codes: dict[str, str] = {}
        for code, label in categories:
            _xml_text(code, f"code of {variable!r}", path)
            _xml_text(label, f"label of {variable!r}", path)
            if _normal(code) in codes:
                raise QdpxError(f"{path}: codes {codes[_normal(code)]!r} and {code!r} of {variable!r} "
                                "differ only in case or blanks")
            codes[_normal(code)] = code


def _unit_texts(units: pd.DataFrame, path: Path) -> list[tuple[str, str]]:
    """``(unit_id, text)`` pairs of ``units``, refusing missing columns, empty or repeated ids."""
    missing = {"unit_id", "text"} - set(units.columns)
    if missing:
        raise QdpxError(f"{path}: the units lack the column(s) {sorted(missing)}")
    pairs = []
    for unit_id, text in zip(units["unit_id"], units["text"], strict=True):
        if pd.isna(unit_id) or not str(unit_id).strip():
            raise QdpxError(f"{path}: a unit has no unit_id; every unit needs one to be read back")
        pairs.append((_xml_text(unit_id, "unit_id", path), _plain_text(text, unit_id, path)))
    if not pairs:
        raise QdpxError(f"{path}: there is no unit to export; the coding sample is empty")
    repeated = sorted(uid for uid, count in Counter(uid for uid, _ in pairs).items() if count > 1)
    if repeated:
        raise QdpxError(f"{path}: unit_id(s) {repeated[:5]} appear more than once")
    return pairs


def _plain_text(text: object, unit_id: object, path: Path) -> str:
    """The text of a unit as a string that UTF-8 can encode (a missing text is empty)."""
    value = "" if pd.isna(text) else str(text)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QdpxError(f"{path}: the text of unit {unit_id!r} is not valid Unicode ({exc}); "
                        "repair its encoding before export") from None
    return value


def _machine_rows(machine_codes: pd.DataFrame | None, variables: Variables, unit_ids: set[str],
                  path: Path) -> list[tuple[str, str, str]]:
    """``(unit_id, variable, code)`` of the machine's suggestions, each checked against units and codebook."""
    if machine_codes is None or machine_codes.empty:
        return []
    missing = {"unit_id", "variable", "code"} - set(machine_codes.columns)
    if missing:
        raise QdpxError(f"{path}: machine_codes lack the column(s) {sorted(missing)}")
    rows = []
    for unit_id, variable, code in machine_codes[["unit_id", "variable", "code"]].itertuples(index=False):
        if pd.isna(code):
            continue  # no suggestion for this unit
        unit_id, variable, code = str(unit_id), str(variable), str(code)
        if unit_id not in unit_ids:
            raise QdpxError(f"{path}: machine code for unit {unit_id!r}, which is not among the units")
        if code not in {c for c, _ in variables.get(variable, [])}:
            raise QdpxError(f"{path}: machine code {variable}={code!r} is not in the codebook")
        rows.append((unit_id, variable, code))
    return sorted(set(rows))


# ---------------------------------------------------------------- writing


def _code_tree(parent: etree._Element, variables: Variables, namespace: str) -> None:
    """Append one non-codable ``<Code>`` per variable, holding one codable ``<Code>`` per category."""
    for variable, categories in variables.items():
        node = etree.SubElement(parent, f"{{{namespace}}}Code", guid=_variable_guid(variable),
                                name=variable, isCodable="false")
        for code, label in categories:
            child = etree.SubElement(node, f"{{{namespace}}}Code", guid=_category_guid(variable, code),
                                     name=code, isCodable="true")
            if label:
                etree.SubElement(child, f"{{{namespace}}}Description").text = label


def _text_source(sources: etree._Element, unit_id: str, text: str, suggestions: Iterable[tuple[str, str]],
                 machine: str) -> str:
    """Append the ``<TextSource>`` of one unit with the machine's codings of its whole text; its file name."""
    guid = _source_guid(unit_id)
    file_name = f"{guid}.txt"
    source = etree.SubElement(sources, f"{{{PROJECT_NS}}}TextSource", guid=guid, name=unit_id,
                              plainTextPath=f"internal://{file_name}", creatingUser=machine)
    for variable, code in suggestions:
        selection = etree.SubElement(
            source, f"{{{PROJECT_NS}}}PlainTextSelection", guid=_guid("selection", unit_id, variable, code),
            name=f"{variable}: {code}", startPosition="0", endPosition=str(len(text)), creatingUser=machine)
        coding = etree.SubElement(selection, f"{{{PROJECT_NS}}}Coding",
                                  guid=_guid("coding", unit_id, variable, code), creatingUser=machine)
        etree.SubElement(coding, f"{{{PROJECT_NS}}}CodeRef", targetGUID=_category_guid(variable, code))
    return file_name


def _project_xml(pairs: list[tuple[str, str]], variables: Variables, machine_rows: list[tuple[str, str, str]],
                 project_name: str, origin: str) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` document and the source files (name -> text) it points to."""
    machine = _user_guid(MACHINE_USER)
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name=project_name,
                         origin=origin, creatingUserGUID=machine)
    users = etree.SubElement(root, f"{{{PROJECT_NS}}}Users")
    etree.SubElement(users, f"{{{PROJECT_NS}}}User", guid=machine, name=MACHINE_USER)
    codebook = etree.SubElement(root, f"{{{PROJECT_NS}}}CodeBook")
    _code_tree(etree.SubElement(codebook, f"{{{PROJECT_NS}}}Codes"), variables, PROJECT_NS)
    sources = etree.SubElement(root, f"{{{PROJECT_NS}}}Sources")
    files = {}
    for unit_id, text in pairs:
        suggestions = [(variable, code) for uid, variable, code in machine_rows if uid == unit_id]
        files[_text_source(sources, unit_id, text, suggestions, machine)] = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True), files


def _target(path: Path) -> Path:
    """``path`` as a file to write: a :class:`QdpxError` when a file stands where its folder should be."""
    path = Path(path)
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise QdpxError(f"{path}: {folder} is a file, not a folder; choose another place to write")
            break
    return path


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    """Write ``members`` (name -> bytes) as a zip, atomically and owner-only, with fixed time stamps."""
    with storage_errors(path.parent), atomic_path(path) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)


def export_qdpx(units: pd.DataFrame, variables: Variables, path: Path, *, project_name: str,
                machine_codes: pd.DataFrame | None = None, origin: str = "rarevoices") -> Path:
    """Write a REFI-QDA project (``.qdpx``) of coding units, the codebook and the machine's suggestions.

    Parameters
    ----------
    units : pandas.DataFrame
        Columns ``unit_id`` (unique) and ``text``, already scrubbed (pseudonyms only);
        each unit becomes one plain-text source named by its ``unit_id``.
    variables : dict of str to list of (str, str)
        Each variable (e.g. ``"knowledge_type"``) with its ``(code, label)`` categories.
    path : Path
        The ``.qdpx`` file to write (replaced atomically, owner-only).
    project_name : str
        The project's name, as the coding tools show it.
    machine_codes : pandas.DataFrame, optional
        Columns ``unit_id, variable, code``: the classifier's suggestions, written as
        codings of the whole text by the user :data:`MACHINE_USER`; a missing code is skipped.
    origin : str
        The ``origin`` attribute of the project (the software that wrote it).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    QdpxError
        Missing columns, a unit without or with a repeated ``unit_id``, a machine code
        outside the codebook or the units, names that clash or that XML cannot hold.
    """
    path = _target(path)
    _check_variables(variables, path)
    pairs = _unit_texts(units, path)
    machine_rows = _machine_rows(machine_codes, variables, {uid for uid, _ in pairs}, path)
    qde, files = _project_xml(pairs, variables, machine_rows, _xml_text(project_name, "project name", path),
                              _xml_text(origin, "origin", path))
    members = {QDE_NAME: qde} | {f"sources/{name}": text.encode("utf-8") for name, text in files.items()}
    _write_zip(path, members)
    return path


def export_qdc(variables: Variables, path: Path, *, origin: str = "rarevoices") -> Path:
    """Write the codebook alone as a REFI-QDA codebook (``.qdc``), with the same GUIDs as :func:`export_qdpx`.

    Parameters
    ----------
    variables : dict of str to list of (str, str)
        Each variable with its ``(code, label)`` categories.
    path : Path
        The ``.qdc`` file to write (replaced atomically, owner-only).
    origin : str
        The ``origin`` attribute of the codebook.

    Returns
    -------
    Path
        ``path``.
    """
    path = _target(path)
    _check_variables(variables, path)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS},
                         origin=_xml_text(origin, "origin", path))
    _code_tree(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), variables, CODEBOOK_NS)
    with storage_errors(path.parent), atomic_path(path) as tmp:
        tmp.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return path


# ---------------------------------------------------------------- reading


def _read_qde(path: Path) -> bytes:
    """The bytes of ``project.qde`` in the archive ``path``, read by name and bounded in size."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise QdpxError(f"{path}: no such file; give the path of the .qdpx project exported by the "
                        "coding tool") from None
    except zipfile.BadZipFile as exc:
        raise QdpxError(f"{path}: not a REFI-QDA project (.qdpx): it is not a zip archive ({exc}); "
                        "export the project again as REFI-QDA") from None
    except OSError as exc:
        raise storage_error(exc, "reading", path) or QdpxError(f"{path}: cannot be read ({exc})") from None
    with archive:
        try:
            info = archive.getinfo(QDE_NAME)
        except KeyError:
            found = sorted(name for name in archive.namelist() if name.lower().endswith(".qde"))
            raise QdpxError(f"{path}: not a REFI-QDA project: the archive holds no {QDE_NAME}"
                            + (f" (only {found[:3]})" if found else "")) from None
        if info.file_size > MAX_QDE_BYTES:
            raise QdpxError(f"{path}: {QDE_NAME} would unpack to {info.file_size} bytes, more than the "
                            f"{MAX_QDE_BYTES} allowed")
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_QDE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise QdpxError(f"{path}: {QDE_NAME} cannot be unpacked ({exc})") from None
    if len(data) > MAX_QDE_BYTES:
        raise QdpxError(f"{path}: {QDE_NAME} unpacks to more than the {MAX_QDE_BYTES} bytes allowed")
    return data


def _parse(data: bytes, path: Path) -> etree._Element:
    """The root ``<Project>`` of ``project.qde``, parsed without entities, DTDs or network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise QdpxError(f"{path}: {QDE_NAME} is not well-formed XML ({exc})") from None
    if _local(root) != "Project":
        raise QdpxError(f"{path}: {QDE_NAME} has the root element <{_local(root)}>, not a REFI-QDA <Project>")
    return root


def _local(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace (tools disagree on namespaces, not on names)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, *names: str) -> Iterator[etree._Element]:
    """The child elements of ``element`` whose local name is one of ``names``."""
    if element is None:
        return
    for child in element:
        if _local(child) in names:
            yield child


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(element, name), None)


def _users(root: etree._Element) -> dict[str, str]:
    """User GUID (lower case, no braces) -> the user's name (or id, or GUID when it has neither)."""
    users = {}
    for user in _children(_child(root, "Users"), "User"):
        guid = _bare(user.get("guid", ""))
        users[guid] = user.get("name") or user.get("id") or guid
    return users


def _bare(guid: str) -> str:
    """A GUID as compared here: lower case, without the braces some tools write."""
    return guid.strip().strip("{}").lower()


def _code_index(root: etree._Element,
                variables: Variables) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Map each code GUID of the project's tree to ``(variable, code)``, and every code GUID to its name.

    A code whose name matches a variable is that variable's parent; its children are
    matched to the variable's categories by code or by label.
    """
    wanted = {_normal(variable): variable for variable in variables}
    index: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}

    def walk(node: etree._Element, variable: str | None, below_variable: bool) -> None:
        for code in _children(node, "Code"):
            guid, name = _bare(code.get("guid", "")), code.get("name", "")
            names[guid] = name
            category = _category(variables[variable], name) if variable is not None else None
            if variable is not None and category is not None:
                index[guid] = (variable, category)
            if below_variable:  # a sub-code of a category is no category: it stays out of the index
                walk(code, None, True)
            else:
                inner = wanted.get(_normal(name))
                walk(code, inner, inner is not None)

    walk(_child(_child(root, "CodeBook"), "Codes"), None, False)
    return index, names


def _category(categories: list[tuple[str, str]], name: str) -> str | None:
    """The code of the category that ``name`` names (by code first, then by label), or None."""
    key = _normal(name)
    for code, _ in categories:
        if _normal(code) == key:
            return code
    for code, label in categories:
        if label and _normal(label) == key:
            return code
    return None


def _codings(root: etree._Element, path: Path) -> Iterator[_Coding]:
    """Every coding of every source, with its user (from the coding, else its selection, else its source)."""
    for source in _children(_child(root, "Sources"), *_SOURCE_TAGS):
        name = (source.get("name") or "").strip()
        for coding in source.iter("{*}Coding"):
            if not name:
                raise QdpxError(f"{path}: source {source.get('guid')!r} is coded but has no name, so no "
                                "unit_id; keep the source names as exported")
            ref = _child(coding, "CodeRef")
            user = coding.get("creatingUser") or _owner(coding, source)
            if ref is None or not user:
                raise QdpxError(f"{path}: a coding of source {name!r} names no code or no coder "
                                "(CodeRef / creatingUser)")
            yield _Coding(_bare(user), name, _bare(ref.get("targetGUID", "")))


def _owner(coding: etree._Element, source: etree._Element) -> str:
    """The creatingUser of the selection holding ``coding``, else of the source."""
    parent = coding.getparent()
    while parent is not None and parent is not source:
        if parent.get("creatingUser"):
            return parent.get("creatingUser", "")
        parent = parent.getparent()
    return source.get("creatingUser", "")


def _resolve(coding: _Coding, users: dict[str, str], index: dict[str, tuple[str, str]],
             names: dict[str, str], path: Path) -> tuple[str, str, str, str]:
    """One row ``coder, unit_id, variable, code`` for ``coding``; a :class:`QdpxError` names what fails."""
    if coding.user_guid not in users:
        raise QdpxError(f"{path}: a coding of source {coding.source_name!r} was made by user "
                        f"{coding.user_guid!r}, who is not among the project's users")
    if coding.code_guid not in index:
        name = names.get(coding.code_guid)
        what = f"code {name!r}" if name is not None else f"code GUID {coding.code_guid!r} (not in the tree)"
        raise QdpxError(f"{path}: source {coding.source_name!r} is coded with {what}, which is not a "
                        "category of the codebook under its variable; recode it with a codebook category "
                        "or add the category to the codebook")
    variable, code = index[coding.code_guid]
    return users[coding.user_guid], coding.source_name, variable, code


def import_qdpx(path: Path, variables: Variables, *, include_machine: bool = False) -> pd.DataFrame:
    """Read the codings of a REFI-QDA project (e.g. coded by people in NVivo, ATLAS.ti or MAXQDA).

    Parameters
    ----------
    path : Path
        The ``.qdpx`` file.
    variables : dict of str to list of (str, str)
        The codebook: each variable with its ``(code, label)`` categories; codes in the
        project are matched to it by name (case and blanks aside; a label counts too).
    include_machine : bool
        Keep the codings of :data:`MACHINE_USER` (the classifier's suggestions); left out by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``coder, unit_id, variable, code``, one row per coder, unit and category
        (a code applied twice to the same unit counts once), sorted; ``unit_id`` is the
        source's name, as a string.

    Raises
    ------
    QdpxError
        The file is missing, not a zip, lacks ``project.qde``, is too large or not XML; a
        coded source has no name; a coding uses a code outside the codebook or an unknown user.
    """
    path = Path(path)
    _check_variables(variables, path)
    root = _parse(_read_qde(path), path)
    users = _users(root)
    index, names = _code_index(root, variables)
    machine = {guid for guid, name in users.items() if name == MACHINE_USER} | {_user_guid(MACHINE_USER)}
    rows = [_resolve(coding, users, index, names, path) for coding in _codings(root, path)
            if include_machine or coding.user_guid not in machine]
    frame = pd.DataFrame(rows, columns=IMPORT_COLUMNS).drop_duplicates()
    return frame.sort_values(IMPORT_COLUMNS, ignore_index=True)
