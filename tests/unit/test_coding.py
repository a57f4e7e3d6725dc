"""The hand-coding workflow (helpers.coding): codebook, sample, blind sheets, agreement, consensus."""

from __future__ import annotations

import csv
import math
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.coding import (
    DEFAULT_CODEBOOK,
    Codebook,
    CodebookError,
    CodingError,
    adjudication_sheet,
    agreement,
    consensus_labels,
    draw_sample,
    load_codebook,
    read_coded_sheets,
    render_codebook_html,
    write_coding_sheets,
)

KNOWLEDGE_TYPES = ["experiential", "mediated_experiential", "medical", "practical", "advocacy", "other"]

KRIPPENDORFF_2011 = {  # "Computing Krippendorff's Alpha-Reliability" (2011), nominal example; "*" = missing
    "A": "1 2 3 3 2 1 4 1 2 * * *",
    "B": "1 2 3 3 2 2 4 1 2 5 * 3",
    "C": "* 3 3 3 2 3 4 2 2 5 1 *",
    "D": "1 2 3 3 2 4 4 1 2 5 1 *",
}


def long_codes(matrix: dict[str, str], variable: str = "knowledge_type") -> pd.DataFrame:
    rows = [{"coder": coder, "unit_id": f"u{unit:02d}", "variable": variable, "code": f"c{value}"}
            for coder, line in matrix.items() for unit, value in enumerate(line.split(), start=1)
            if value != "*"]
    return pd.DataFrame(rows)


def posts_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    orgs = rng.choice(["org_a", "org_b", "org_c"], size=n, p=[0.6, 0.3, 0.1])
    platforms = rng.choice(["twitter", "facebook"], size=n, p=[0.7, 0.3])
    days = rng.integers(0, 90, size=n)
    created = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(days, unit="D")
    texts = [f"post number {i} about care" for i in range(n)]
    texts[3] = "   "
    texts[5] = ""
    return pd.DataFrame({"post_id": [f"twitter:{i}" for i in range(n)], "text": texts, "org_id": orgs,
                         "platform": platforms, "created_at": created})


# --- codebook ---------------------------------------------------------------------------------------


def test_the_default_codebook_has_knowledge_type_with_six_types_and_health() -> None:
    book = load_codebook()
    assert DEFAULT_CODEBOOK.is_file()
    assert [variable.name for variable in book.variables] == ["knowledge_type", "health"]
    assert book.codes("knowledge_type") == KNOWLEDGE_TYPES
    assert book.codes("health") == ["yes", "no"]
    for variable in book.variables:
        for category in variable.categories:
            assert category.definition and category.include and category.exclude
            assert 1 <= len(category.examples) <= 2
    assert "require health = yes" in book.description
    with pytest.raises(CodebookError, match="no variable"):
        book.variable("mode")


def write_yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


VALID = """
title: t
version: 1
variables:
  - name: health
    label: Health
    categories:
      - {code: "yes", label: About health, definition: about health}
      - {code: "no", label: Not about health, definition: not about health}
"""


def test_a_codebook_missing_a_definition_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "book.yml", VALID.replace(", definition: not about health", ""))
    with pytest.raises(CodebookError) as error:
        load_codebook(path)
    message = str(error.value)
    assert str(path) in message
    assert "variables[0] (health) > categories[1] (no) > definition" in message


def test_broken_yaml_repeated_codes_and_unknown_fields_are_codebook_errors(tmp_path: Path) -> None:
    broken = write_yaml(tmp_path / "broken.yml", "title: t\nvariables: [\n  - name: x\n")
    with pytest.raises(CodebookError, match=r"broken\.yml: not valid YAML \(line"):
        load_codebook(broken)
    twice = write_yaml(tmp_path / "twice.yml", VALID.replace('code: "no"', 'code: "YES"'))
    with pytest.raises(CodebookError, match="duplicate code 'YES'"):
        load_codebook(twice)
    typo = write_yaml(tmp_path / "typo.yml", VALID.replace("label: Health", "label: Health\n    lable: x"))
    with pytest.raises(CodebookError, match=r"variables\[0\] \(health\) > lable"):
        load_codebook(typo)
    unquoted = write_yaml(tmp_path / "unquoted.yml", VALID.replace('code: "no"', "code: no"))
    with pytest.raises(CodebookError, match=r"categories\[1\] > code: .*write yes/no .* in quotes"):
        load_codebook(unquoted)
    assert isinstance(load_codebook(write_yaml(tmp_path / "ok.yml", VALID)), Codebook)
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "absent.yml")


def test_the_html_codebook_escapes_a_planted_script() -> None:
    book = load_codebook()
    data = book.model_dump()
    data["variables"][0]["categories"][0]["definition"] = "<script>alert('x')</script> & more"
    page = render_codebook_html(Codebook.model_validate(data))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert page.startswith("<!DOCTYPE html>") and page.count("<section") == 2
    assert "mediated_experiential" in page and "<table>" in page


# --- sample -----------------------------------------------------------------------------------------


def test_every_coder_gets_the_overlap_and_the_rest_is_split_without_sharing() -> None:
    posts = posts_frame()
    sample = draw_sample(posts, size=60, coders=["anna", "ben", "chen"], overlap=15, seed=3)
    assert list(sample.columns) == ["coder", "unit_id", "text", "overlap", "org_id", "platform", "month"]
    assert sample["unit_id"].nunique() == 60
    shared = set(sample.loc[sample["overlap"], "unit_id"])
    assert len(shared) == 15
    own = {}
    for coder, rows in sample.groupby("coder"):
        assert shared <= set(rows["unit_id"])
        own[coder] = set(rows.loc[~rows["overlap"], "unit_id"])
        assert len(own[coder]) == 15  # 45 split evenly
    assert not own["anna"] & own["ben"] and not own["ben"] & own["chen"] and not own["anna"] & own["chen"]
    assert list(dict.fromkeys(sample["coder"])) == ["anna", "ben", "chen"]
    assert not set(sample["unit_id"]) & {"twitter:3", "twitter:5"}  # empty texts are skipped


def test_the_same_seed_gives_the_same_sample_and_another_seed_another() -> None:
    posts = posts_frame()
    first = draw_sample(posts, size=40, coders=["anna", "ben"], overlap=10, seed=11)
    again = draw_sample(posts.sample(frac=1, random_state=1), size=40, coders=["anna", "ben"], overlap=10,
                        seed=11)
    other = draw_sample(posts, size=40, coders=["anna", "ben"], overlap=10, seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert set(first["unit_id"]) != set(other["unit_id"])


def test_strata_are_sampled_in_proportion_with_one_post_at_least() -> None:
    posts = posts_frame(1000)
    sample = draw_sample(posts, size=100, coders=["anna"], overlap=0, seed=0, strata=("org_id",))
    pool = posts[posts["text"].str.strip() != ""]
    expected = pool["org_id"].value_counts() * 100 / len(pool)
    drawn = sample["org_id"].value_counts()
    for org, share in expected.items():
        assert abs(drawn[org] - share) < 1
    small = pd.concat([posts.head(200).assign(org_id="big"), posts.iloc[[200]].assign(org_id="tiny")])
    few = draw_sample(small, size=5, coders=["anna"], overlap=0, seed=0, strata=("org_id",))
    assert (few["org_id"] == "tiny").sum() == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"size": 999}, "exceeds the 398 posts with text"),
    ({"overlap": 30}, "overlap 30 exceeds the sample size 20"),
    ({"coders": []}, "at least one coder"),
    ({"coders": ["anna", "Anna"]}, "coder names repeat"),
    ({"coders": ["../anna"]}, "cannot name a file"),
    ({"coders": ["sample_key"]}, "reserved"),
])
def test_impossible_samples_are_refused_with_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"size": 20, "coders": ["anna", "ben"], "overlap": 5, "seed": 0, **kwargs}
    with pytest.raises(CodingError, match=message):
        draw_sample(posts_frame(), **arguments)  # type: ignore[arg-type]


# --- sheets -----------------------------------------------------------------------------------------


def small_assignments() -> pd.DataFrame:
    posts = posts_frame(14)  # 12 with text
    posts.loc[0, "text"] = "=HYPERLINK(\"http://evil\")"
    posts.loc[1, "text"] = "@someone thanks"
    return draw_sample(posts, size=12, coders=["anna", "ben"], overlap=12, seed=1)


def test_sheets_are_blind_formula_safe_and_owner_only(tmp_path: Path) -> None:
    book = load_codebook()
    written = write_coding_sheets(small_assignments(), tmp_path / "sheets", book)
    names = sorted(path.name for path in written)
    assert names == ["anna.csv", "anna.xlsx", "ben.csv", "ben.xlsx", "sample_key.csv"]
    raw = (tmp_path / "sheets" / "anna.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    sheet = pd.read_csv(tmp_path / "sheets" / "anna.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    assert list(sheet.columns) == ["unit_id", "text", "knowledge_type", "health", "note"]
    assert (sheet[["knowledge_type", "health", "note"]] == "").all().all()
    assert "'=HYPERLINK(\"http://evil\")" in set(sheet["text"])
    assert "'@someone thanks" in set(sheet["text"])
    assert not sheet["text"].str.startswith(("=", "+", "-", "@")).any()
    key = pd.read_csv(tmp_path / "sheets" / "sample_key.csv", encoding="utf-8-sig")
    assert list(key.columns) == ["coder", "unit_id", "overlap", "org_id", "platform", "month"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(CodingError, match="already exist"):
        write_coding_sheets(small_assignments(), tmp_path / "sheets", book)


def test_the_xlsx_has_a_dropdown_of_codes_a_frozen_header_and_the_codebook(tmp_path: Path) -> None:
    book = load_codebook()
    write_coding_sheets(small_assignments(), tmp_path, book)
    workbook = load_workbook(tmp_path / "ben.xlsx")
    coding = workbook["coding"]
    assert [cell.value for cell in coding[1]] == ["unit_id", "text", "knowledge_type", "health", "note"]
    assert coding.freeze_panes == "A2"
    assert coding["B2"].alignment.wrap_text
    formulas = {str(v.sqref): v.formula1 for v in coding.data_validations.dataValidation}
    assert formulas["C2:C13"] == '"' + ",".join(KNOWLEDGE_TYPES) + '"'
    assert formulas["D2:D13"] == '"yes,no"'
    evil = [cell for cell in coding["B"] if str(cell.value).startswith("=")]
    assert evil and all(cell.data_type == "s" for cell in evil)
    listing = list(workbook["codebook"].iter_rows(values_only=True))
    assert listing[0][:4] == ("variable", "code", "label", "definition")
    assert [row[1] for row in listing[1:]] == [*KNOWLEDGE_TYPES, "yes", "no"]


def fill(path: Path, codes: dict[str, tuple[str, str]]) -> None:
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for index, unit in sheet["unit_id"].items():
        if unit in codes:
            sheet.loc[index, ["knowledge_type", "health"]] = codes[unit]
    sheet.to_csv(path, index=False, encoding="utf-8-sig")


def test_filled_sheets_are_read_back_with_codes_normalised(tmp_path: Path) -> None:
    book = load_codebook()
    write_coding_sheets(small_assignments(), tmp_path, book)
    units = pd.read_csv(tmp_path / "anna.csv", dtype=str, encoding="utf-8-sig")["unit_id"].tolist()
    fill(tmp_path / "anna.csv", {units[0]: (" Medical ", "YES"), units[1]: ("other", "")})
    workbook = load_workbook(tmp_path / "ben.xlsx")
    row = next(r for r in workbook["coding"].iter_rows(min_row=2) if r[0].value == units[0])
    row[2].value, row[3].value = "medical", "yes"
    workbook.save(tmp_path / "ben.xlsx")
    codes = read_coded_sheets([tmp_path / "anna.csv", tmp_path / "ben.xlsx"], book)
    assert list(codes.columns) == ["coder", "unit_id", "variable", "code"]
    anna = codes[codes["coder"] == "anna"].set_index(["unit_id", "variable"])["code"]
    assert anna[(units[0], "knowledge_type")] == "medical" and anna[(units[0], "health")] == "yes"
    assert (units[1], "health") not in anna.index
    assert len(codes[codes["coder"] == "ben"]) == 2


def test_an_unknown_code_is_reported_with_file_row_and_column(tmp_path: Path) -> None:
    book = load_codebook()
    write_coding_sheets(small_assignments(), tmp_path, book)
    units = pd.read_csv(tmp_path / "anna.csv", dtype=str, encoding="utf-8-sig")["unit_id"].tolist()
    fill(tmp_path / "anna.csv", {units[0]: ("medical", "yes"), units[3]: ("medicall", "yes")})
    with pytest.raises(CodingError) as error:
        read_coded_sheets([tmp_path / "anna.csv"], book)
    message = str(error.value)
    assert str(tmp_path / "anna.csv") in message
    assert "row 5, column C (knowledge_type): 'medicall' is not a code" in message


def test_sheets_without_unit_id_or_with_repeated_units_are_refused(tmp_path: Path) -> None:
    book = load_codebook()
    no_id = tmp_path / "anna.csv"
    pd.DataFrame({"id": ["a"], "knowledge_type": ["medical"]}).to_csv(no_id, index=False)
    with pytest.raises(CodingError, match="no unit_id column"):
        read_coded_sheets([no_id], book)
    twice = tmp_path / "ben.csv"
    pd.DataFrame({"unit_id": ["a", "b", "a"], "knowledge_type": ["medical", "", "other"]}).to_csv(twice,
                                                                                                  index=False)
    with pytest.raises(CodingError, match=r"unit_id 'a' appears in rows \[2, 4\]"):
        read_coded_sheets([twice], book)


# --- agreement --------------------------------------------------------------------------------------


def test_alpha_matches_krippendorffs_published_example() -> None:
    result = agreement(long_codes(KRIPPENDORFF_2011), "knowledge_type", bootstrap=200)
    assert round(result.alpha, 3) == 0.743
    assert result.n_units == 11  # unit 12 has one value only
    assert result.n_coders == 4
    assert result.ci_low <= result.alpha <= result.ci_high
    assert set(result.disagreements["unit_id"]) == {"u02", "u06", "u08"}
    assert list(result.disagreements.columns) == ["unit_id", "A", "B", "C", "D"]
    assert "Krippendorff's alpha for knowledge_type 0.74" in result.in_words()
    assert "0.667 for tentative conclusions" in result.in_words()
    row = result.per_category.set_index("code").loc["c1"]
    assert (row["units"], row["agreed"]) == (4, 2)  # units 1, 6, 8, 11; agreed on 1 and 11


def test_perfect_agreement_gives_alpha_one_and_no_disagreement() -> None:
    codes = long_codes({"A": "1 2 1 2 3", "B": "1 2 1 2 3"})
    result = agreement(codes, "knowledge_type", bootstrap=100)
    assert result.alpha == 1.0
    assert result.disagreements.empty
    assert (result.per_category["share_agreed"] == 1).all()
    assert "on 5 units coded by 2 coders" in result.in_words()


def test_too_few_shared_units_give_nan_and_say_what_is_missing() -> None:
    lonely = agreement(long_codes({"A": "1 2 3", "B": "* * 3"}), "knowledge_type")
    assert math.isnan(lonely.alpha)
    assert "only 1 unit(s) coded by two or more coders" in lonely.in_words()
    single = agreement(long_codes({"A": "1 2 3"}), "knowledge_type")
    assert math.isnan(single.alpha) and "only one coder (A)" in single.in_words()


# --- consensus and adjudication ---------------------------------------------------------------------


def test_consensus_keeps_agreed_codes_and_adjudication_settles_the_rest() -> None:
    codes = pd.concat([long_codes({"A": "1 2 3 4", "B": "1 5 3 *"}),
                       long_codes({"A": "1 1 * *", "B": "1 2 * *"}, variable="health")], ignore_index=True)
    book = Codebook.model_validate({"title": "t", "version": "1", "variables": [
        {"name": "knowledge_type", "label": "K", "categories": [
            {"code": f"c{i}", "label": str(i), "definition": "d"} for i in range(1, 6)]},
        {"name": "health", "label": "H", "categories": [
            {"code": f"c{i}", "label": str(i), "definition": "d"} for i in (1, 2)]}]})
    sheet = adjudication_sheet(codes, book)
    assert list(sheet.columns) == ["unit_id", "variable", "A", "B", "final"]
    assert sheet[["unit_id", "variable", "A", "B"]].values.tolist() == [
        ["u02", "knowledge_type", "c2", "c5"], ["u02", "health", "c1", "c2"]]
    labels = consensus_labels(codes)
    assert list(labels.columns) == ["post_id", "knowledge_type", "health"]
    by_unit = labels.set_index("post_id")
    assert by_unit.loc["u01", "knowledge_type"] == "c1" and by_unit.loc["u04", "knowledge_type"] == "c4"
    assert pd.isna(by_unit.loc["u02", "knowledge_type"]) and pd.isna(by_unit.loc["u03", "health"])
    sheet.loc[0, "final"] = "c5"
    settled = consensus_labels(codes, sheet).set_index("post_id")
    assert settled.loc["u02", "knowledge_type"] == "c5" and pd.isna(settled.loc["u02", "health"])
    adjudicated = pd.DataFrame({"unit_id": ["u02"], "variable": ["health"], "code": ["c2"]})
    assert consensus_labels(codes, adjudicated).set_index("post_id").loc["u02", "health"] == "c2"


def test_the_consensus_file_is_a_labels_csv(tmp_path: Path) -> None:
    labels = consensus_labels(long_codes({"A": "1 2", "B": "1 2"}))
    path = tmp_path / "labels.csv"
    labels.to_csv(path, index=False)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"post_id": "u01", "knowledge_type": "c1"}, {"post_id": "u02", "knowledge_type": "c2"}]
