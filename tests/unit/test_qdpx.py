"""REFI-QDA round trip (helpers.coding.qdpx): export a coding sample, validate it, read it back."""

from __future__ import annotations

import stat
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from helpers.coding import qdpx
from helpers.coding.qdpx import MACHINE_USER, QdpxError, export_qdc, export_qdpx, import_qdpx
from helpers.errors import UserError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "refi_qda"
NS = {"q": qdpx.PROJECT_NS}
Q = f"{{{qdpx.PROJECT_NS}}}"

VARIABLES = {
    "knowledge_type": [("experiential", "Lived experience"), ("scientific", "Scientific knowledge"),
                       ("practical", "Practical advice")],
    "stance": [("positive", "Positive"), ("negative", "Negative")],
}
TEXTS = {
    "u1": "Fish & chips & <b>bold</b> claims",
    "u2": "<script>alert('x')</script> is not code here",
    "u3": "Our kids 💙🧬 are stronger together 👨‍👩‍👧",
    "u4": "first line\nsecond line\r\nthird line\n\n",
    "u5": 'Plain "quotes" and \'apostrophes\' ; ]]> cdata end',
}
MACHINE = pd.DataFrame({
    "unit_id": ["u1", "u1", "u2", "u3", "u4", "u5"],
    "variable": ["knowledge_type", "stance", "knowledge_type", "stance", "knowledge_type", "stance"],
    "code": ["scientific", "negative", "practical", "positive", "experiential", "negative"],
})


@pytest.fixture
def units() -> pd.DataFrame:
    return pd.DataFrame({"unit_id": list(TEXTS), "text": list(TEXTS.values())})


@pytest.fixture
def project(tmp_path: Path, units: pd.DataFrame) -> Path:
    return export_qdpx(units, VARIABLES, tmp_path / "sample.qdpx", project_name="Rare voices sample",
                       machine_codes=MACHINE)


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / name)))


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _rezip(source: Path, target: Path, root: etree._Element) -> Path:
    """Copy ``source`` to ``target`` with ``project.qde`` replaced by ``root``, as a coding tool would."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8") if name == "project.qde" \
                else old.read(name)
            new.writestr(name, data)
    return target


def _code_guid(root: etree._Element, variable: str, name: str) -> str:
    parent = root.xpath("//q:Code[@name=$v]", namespaces=NS, v=variable)[0]
    return parent.xpath("q:Code[@name=$n]/@guid", namespaces=NS, n=name)[0]


def _add_coding(root: etree._Element, unit_id: str, code_guid: str, user_guid: str,
                start: int = 0, end: int = 3) -> None:
    """Code characters ``start:end`` of a unit, as a person would in a coding tool."""
    source = root.xpath("//q:TextSource[@name=$u]", namespaces=NS, u=unit_id)[0]
    selection = etree.SubElement(source, f"{Q}PlainTextSelection", guid=str(uuid.uuid4()),
                                 startPosition=str(start), endPosition=str(end), creatingUser=user_guid)
    coding = etree.SubElement(selection, f"{Q}Coding", guid=str(uuid.uuid4()), creatingUser=user_guid)
    etree.SubElement(coding, f"{Q}CodeRef", targetGUID=code_guid)


def _add_user(root: etree._Element, name: str) -> str:
    guid = "{" + str(uuid.uuid4()).upper() + "}"  # braces and upper case, as NVivo writes them
    etree.SubElement(root.find(f"{Q}Users"), f"{Q}User", guid=guid, name=name)
    return guid


def _human_coded(project: Path, tmp_path: Path) -> Path:
    root = _qde(project)
    coder_a, coder_b = _add_user(root, "coder_a"), _add_user(root, "coder_b")
    _add_coding(root, "u1", _code_guid(root, "knowledge_type", "scientific"), coder_a)
    _add_coding(root, "u1", _code_guid(root, "stance", "negative"), coder_a, 4, 9)
    _add_coding(root, "u1", _code_guid(root, "stance", "negative"), coder_a, 10, 12)  # same code twice
    _add_coding(root, "u3", _code_guid(root, "stance", "positive"), coder_a)
    _add_coding(root, "u3", _code_guid(root, "stance", "negative"), coder_b)
    return _rezip(project, tmp_path / "coded.qdpx", root)


# ---------------------------------------------------------------- export against the standard


def test_project_validates_against_the_refi_qda_schema(project: Path) -> None:
    schema = _schema("Project.xsd")
    assert schema.validate(etree.ElementTree(_qde(project))), schema.error_log


def test_project_is_read_by_an_independent_parser(project: Path, tmp_path: Path) -> None:
    from pyrefiqda import RefiProject

    parsed = RefiProject.load(project, extract_dir=str(tmp_path / "extracted"))
    sources = parsed.sources.text_source
    assert sorted(source.name for source in sources) == sorted(TEXTS)
    parents = parsed.code_book.codes.code
    assert [code.name for code in parents] == list(VARIABLES)
    assert not any(code.is_codable for code in parents)
    assert [len(code.code) for code in parents] == [len(c) for c in VARIABLES.values()]
    codings = [coding for source in sources for selection in source.plain_text_selection
               for coding in selection.coding]
    assert len(codings) == len(MACHINE)
    assert [user.name for user in parsed.users.user] == [MACHINE_USER]
    for source in sources:  # the texts come back exactly, byte for byte
        text_path = RefiProject.resolve_source_path(source.plain_text_path, tmp_path / "extracted")
        assert text_path.read_bytes().decode("utf-8") == TEXTS[source.name]
        for selection in source.plain_text_selection:
            assert (selection.start_position, selection.end_position) == (0, len(TEXTS[source.name]))


def test_export_is_deterministic_and_private(units: pd.DataFrame, project: Path, tmp_path: Path) -> None:
    again = export_qdpx(units, VARIABLES, tmp_path / "again.qdpx", project_name="Rare voices sample",
                        machine_codes=MACHINE)
    assert again.read_bytes() == project.read_bytes()
    assert stat.S_IMODE(project.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.qdpx", "sample.qdpx"]  # no temp file left


def test_codebook_alone_validates_and_parses(tmp_path: Path, project: Path) -> None:
    from pyrefiqda import RefiCodebook

    path = export_qdc(VARIABLES, tmp_path / "codebook.qdc")
    schema = _schema("Codebook.xsd")
    assert schema.validate(etree.parse(str(path))), schema.error_log
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    codebook = RefiCodebook.load(path)
    assert {code.name: [child.name for child in code.code] for code in codebook.codes.code} == {
        variable: [code for code, _ in categories] for variable, categories in VARIABLES.items()}
    in_project = _qde(project).xpath("//q:Code/@guid", namespaces=NS)
    in_codebook = etree.parse(str(path)).xpath("//c:Code/@guid", namespaces={"c": qdpx.CODEBOOK_NS})
    assert in_codebook == in_project  # the same GUIDs: a tool can merge the codebook into the project


# ---------------------------------------------------------------- import


def test_import_gives_back_exactly_the_machine_codes(project: Path) -> None:
    back = import_qdpx(project, VARIABLES, include_machine=True)
    expected = MACHINE.assign(coder=MACHINE_USER)[qdpx.IMPORT_COLUMNS]
    assert back.to_dict("records") == expected.sort_values(qdpx.IMPORT_COLUMNS).to_dict("records")
    assert import_qdpx(project, VARIABLES).empty  # the machine is no coder


def test_import_reads_what_human_coders_added(project: Path, tmp_path: Path) -> None:
    coded = _human_coded(project, tmp_path)
    schema = _schema("Project.xsd")
    assert schema.validate(etree.ElementTree(_qde(coded))), schema.error_log
    back = import_qdpx(coded, VARIABLES)
    assert back.to_dict("records") == [
        {"coder": "coder_a", "unit_id": "u1", "variable": "knowledge_type", "code": "scientific"},
        {"coder": "coder_a", "unit_id": "u1", "variable": "stance", "code": "negative"},
        {"coder": "coder_a", "unit_id": "u3", "variable": "stance", "code": "positive"},
        {"coder": "coder_b", "unit_id": "u3", "variable": "stance", "code": "negative"},
    ]
    assert len(import_qdpx(coded, VARIABLES, include_machine=True)) == len(back) + len(MACHINE)


def test_codes_match_by_name_whatever_their_case_blanks_or_guid(project: Path, tmp_path: Path) -> None:
    root = _qde(project)
    coder = _add_user(root, "coder_a")
    variable = root.xpath("//q:Code[@name='knowledge_type']", namespaces=NS)[0]
    variable.set("name", "Knowledge Type")
    # a category the coder re-created in the tool: a new GUID, named by its label
    fresh = etree.SubElement(variable, f"{Q}Code", guid=str(uuid.uuid4()), name="lived  EXPERIENCE",
                             isCodable="true")
    _add_coding(root, "u2", fresh.get("guid"), coder)
    back = import_qdpx(_rezip(project, tmp_path / "renamed.qdpx", root), VARIABLES)
    assert back.to_dict("records") == [
        {"coder": "coder_a", "unit_id": "u2", "variable": "knowledge_type", "code": "experiential"}]


# ---------------------------------------------------------------- errors


def test_a_code_outside_the_codebook_is_named(project: Path, tmp_path: Path) -> None:
    root = _qde(project)
    coder = _add_user(root, "coder_a")
    stance = root.xpath("//q:Code[@name='stance']", namespaces=NS)[0]
    made_up = etree.SubElement(stance, f"{Q}Code", guid=str(uuid.uuid4()), name="ambivalent",
                               isCodable="true")
    _add_coding(root, "u5", made_up.get("guid"), coder)
    path = _rezip(project, tmp_path / "unknown.qdpx", root)
    with pytest.raises(QdpxError, match=r"unknown\.qdpx.*'u5'.*'ambivalent'") as caught:
        import_qdpx(path, VARIABLES)
    assert isinstance(caught.value, UserError) and isinstance(caught.value, ValueError)


def test_a_coded_source_without_name_is_refused(project: Path, tmp_path: Path) -> None:
    root = _qde(project)
    del root.xpath("//q:TextSource[@name='u2']", namespaces=NS)[0].attrib["name"]
    with pytest.raises(QdpxError, match=r"noname\.qdpx.*no name, so no unit_id"):
        import_qdpx(_rezip(project, tmp_path / "noname.qdpx", root), VARIABLES, include_machine=True)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.qdpx"
    path.write_text("<Project/>")
    with pytest.raises(QdpxError, match=r"fake\.qdpx.*not a zip archive"):
        import_qdpx(path, VARIABLES)
    with pytest.raises(QdpxError, match="no such file"):
        import_qdpx(tmp_path / "missing.qdpx", VARIABLES)


def test_a_zip_without_project_qde(tmp_path: Path) -> None:
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("other.qde", "<Project/>")
    with pytest.raises(QdpxError, match=r"empty\.qdpx.*holds no project\.qde.*other\.qde"):
        import_qdpx(path, VARIABLES)


def test_broken_xml_and_a_foreign_root(tmp_path: Path) -> None:
    for name, body in [("broken.qdpx", "<Project"), ("foreign.qdpx", "<html/>")]:
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("project.qde", body)
        with pytest.raises(QdpxError, match=name.replace(".", r"\.")):
            import_qdpx(tmp_path / name, VARIABLES)


def test_members_outside_the_archive_are_never_extracted(project: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    evil = work / "evil.qdpx"
    with zipfile.ZipFile(project) as old, zipfile.ZipFile(evil, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("../evil", "pwned")
        new.writestr("../../evil2", "pwned")
        new.writestr("/tmp/evil3", "pwned")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert len(import_qdpx(evil, VARIABLES, include_machine=True)) == len(MACHINE)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "deep" / "evil").exists() and not (tmp_path / "evil2").exists()


def test_an_oversized_project_qde_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qdpx, "MAX_QDE_BYTES", 100)
    with pytest.raises(QdpxError, match="more than the 100"):
        import_qdpx(project, VARIABLES)


def test_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            f'<Project xmlns="{qdpx.PROJECT_NS}" name="x"><Description>&xxe;</Description></Project>')
    path = tmp_path / "xxe.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", body)
    assert import_qdpx(path, VARIABLES).empty
    root = qdpx._parse(body.encode(), path)
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_export_refuses_bad_input(tmp_path: Path, units: pd.DataFrame) -> None:
    path = tmp_path / "bad.qdpx"
    doubled = pd.concat([units, units.head(1)])
    with pytest.raises(QdpxError, match=r"'u1'.*more than once"):
        export_qdpx(doubled, VARIABLES, path, project_name="p")
    stray = pd.DataFrame({"unit_id": ["u1"], "variable": ["stance"], "code": ["furious"]})
    with pytest.raises(QdpxError, match="'furious' is not in the codebook"):
        export_qdpx(units, VARIABLES, path, project_name="p", machine_codes=stray)
    with pytest.raises(QdpxError, match="lack the column"):
        export_qdpx(units.drop(columns="text"), VARIABLES, path, project_name="p")
    with pytest.raises(QdpxError, match="no unit to export"):
        export_qdpx(units.head(0), VARIABLES, path, project_name="p")
    with pytest.raises(QdpxError, match="has no category"):
        export_qdc({"stance": []}, tmp_path / "bad.qdc")
    with pytest.raises(QdpxError, match="differ only in case"):
        export_qdc({"stance": [("pos", "Positive"), ("POS", "Also positive")]}, tmp_path / "bad.qdc")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_export_into_a_file_that_stands_where_a_folder_should(tmp_path: Path, units: pd.DataFrame) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(QdpxError, match="blocker is a file, not a folder"):
        export_qdpx(units, VARIABLES, blocker / "sub" / "sample.qdpx", project_name="p")
    assert export_qdc(VARIABLES, tmp_path / "new" / "folder" / "codebook.qdc").is_file()
