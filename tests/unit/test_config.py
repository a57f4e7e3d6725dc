"""The study configuration: the demo file loads, wrong files name file and field."""

from pathlib import Path

import pytest
import yaml

from helpers.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "config" / "study.yml"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "config" / "study.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


def _demo_data() -> dict:
    return yaml.safe_load(STUDY.read_text())


def test_demo_config_loads_with_four_organisations_and_a_non_english_one() -> None:
    config = load_config(STUDY)
    assert len(config.organisations) >= 4
    assert any(org.language != "en" for org in config.organisations)
    platforms = {p for org in config.organisations for p in org.accounts}
    assert {"twitter", "reddit", "mastodon", "facebook"} <= platforms


def test_paths_resolve_against_project_root() -> None:
    config = load_config(STUDY)
    assert config.project_root == ROOT
    assert config.processed_path == ROOT / "data" / "processed" / "demo"
    first_input = config.organisations[0].inputs[0]
    assert config.input_path(first_input) == ROOT / "data" / "raw" / first_input.path


def test_secret_lives_outside_the_repository() -> None:
    config = load_config(STUDY)
    assert ROOT not in config.secret_path.parents


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yml.*not found"):
        load_config(tmp_path / "nope.yml")


def test_not_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "study.yml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"study\.yml: not valid YAML"):
        load_config(path)


def test_wrong_field_names_file_field_and_organisation(tmp_path: Path) -> None:
    data = _demo_data()
    data["organisations"][1]["country"] = "Italy"
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "organisations.1.country" in message
    assert "dravet-it" in message


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    data = _demo_data()
    data["privacy"]["min_group_sise"] = 3
    with pytest.raises(ConfigError, match=r"privacy\.min_group_sise"):
        load_config(_write(tmp_path, data))


def test_unknown_format_and_platform_are_rejected(tmp_path: Path) -> None:
    data = _demo_data()
    data["organisations"][0]["inputs"][0]["format"] = "twarc9"
    data["organisations"][0]["accounts"]["myspace"] = ["x"]
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, data))
    assert "organisations.0.inputs.0.format" in str(info.value)
    assert "organisations.0.accounts.myspace" in str(info.value)


def test_duplicate_organisation_ids_are_rejected(tmp_path: Path) -> None:
    data = _demo_data()
    data["organisations"][1]["id"] = data["organisations"][0]["id"]
    with pytest.raises(ConfigError, match="used twice"):
        load_config(_write(tmp_path, data))


def test_table_format_needs_a_column_map(tmp_path: Path) -> None:
    data = _demo_data()
    data["organisations"][0]["inputs"] = [{"path": "forum.csv", "format": "table"}]
    with pytest.raises(ConfigError, match="needs 'platform' and a 'columns' map"):
        load_config(_write(tmp_path, data))


def test_organisation_lookup_lists_known_ids() -> None:
    config = load_config(STUDY)
    assert config.organisation("pku-us").disease == "Phenylketonuria"
    with pytest.raises(KeyError, match="sma-uk"):
        config.organisation("nope")
