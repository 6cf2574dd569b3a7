"""ocr_pipeline.export.profile / check / registry: the profile format, checking a profile
against its form, and finding profiles in folders."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import yaml

from form_schemas.registry import FormRegistry
from form_schemas.spec import FormSpec
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.export import (
    BUILTIN_PROFILES_DIR,
    Column,
    DateFormat,
    ExportProfile,
    Meta,
    ProfileInvalidError,
    ProfileRegistry,
    UnknownProfileError,
    bind_columns,
    check_profile,
    load_profile,
    parse_profile,
)

BUILTIN_IDS = [p.stem for p in sorted(BUILTIN_PROFILES_DIR.glob("*.yaml"))]


def test_the_required_profiles_are_built_in() -> None:
    assert set(BUILTIN_IDS) >= {
        "water_service_utf8",
        "water_service_cp932",
        "furusato_onestop_cp932",
        "resident_move_persons",
    }


@pytest.mark.parametrize("pid", BUILTIN_IDS)
def test_every_builtin_profile_fits_its_form(
    pid: str, profiles: ProfileRegistry, forms: dict[str, FormSpec]
) -> None:
    profile = profiles.get(pid)
    assert profile.id == pid  # file name and id agree
    assert check_profile(profile, forms[profile.form]) == []


def test_registry_problems_are_empty_for_the_builtins(
    profiles: ProfileRegistry, registry: FormRegistry
) -> None:
    assert profiles.problems(registry) == {}
    assert [p.id for p in profiles.for_form("water_service")] == [
        "water_service_cp932",
        "water_service_utf8",
    ]


def _data(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "test",
        "title": "テスト",
        "form": "water_service",
        "columns": [{"name": "区分", "field": "notice_type"}],
    }
    return {**base, **overrides}


def _problems(forms: dict[str, FormSpec], **overrides: Any) -> list[str]:
    profile = ExportProfile.model_validate(_data(**overrides))
    return check_profile(profile, forms[profile.form])


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([{"field": "nope"}], "has no field 'nope'"),
        ([{"field": "notice_type", "choices": {"start": "1"}}], "missing ['stop']"),
        ([{"field": "notice_type", "choices": {"start": "1", "stop": "2", "x": "3"}}], "['x']"),
        ([{"field": "user_name", "choices": "label"}], "choice fields only"),
        ([{"field": "user_name", "date_format": "iso"}], "'date_format' applies"),
        ([{"name": "t", "meta": "tenant", "date_format": "iso"}], "'date_format' applies"),
        ([{"field": "remarks", "digits_only": True}], "postal_code and phone"),
        ([{"field": "remarks", "booleans": {True: "1", False: "0"}}], "checkbox and presence"),
        ([{"name": "x", "value": "12345", "width": 3}], "more than 'width' 3"),
        ([{"name": "n", "meta": "table_row"}], "needs 'rows'"),
        ([{"name": "外字", "value": "𠮷"}], "U+20BB7"),
    ],
)
def test_check_lists_what_does_not_fit(
    forms: dict[str, FormSpec], columns: list[dict[str, Any]], message: str
) -> None:
    problems = _problems(forms, encoding="cp932", columns=columns)
    assert len(problems) == 1 and message in problems[0], problems


def test_check_of_table_references(forms: dict[str, FormSpec]) -> None:
    move = {"form": "resident_move"}
    assert _problems(forms, **move, columns=[{"field": "members.3.name"}]) == []
    assert "rows 0 to 3" in _problems(forms, **move, columns=[{"field": "members.4.name"}])[0]
    assert "is a table" in _problems(forms, **move, columns=[{"field": "members"}])[0]
    assert "no column 'age'" in _problems(forms, **move, columns=[{"field": "members.0.age"}])[0]
    assert "no table 'people'" in _problems(forms, **move, columns=[{"field": "people.0.name"}])[0]
    assert (
        "needs 'rows: members'"
        in _problems(forms, **move, columns=[{"field": "members.*.name"}])[0]
    )
    assert (
        "no column names members.*"
        in _problems(forms, **move, rows="members", columns=[{"field": "head_name"}])[0]
    )
    assert (
        "no table 'people'"
        in _problems(forms, **move, rows="people", columns=[{"field": "head_name"}])[0]
    )
    assert _problems(forms, form="resident_move", columns=[{"field": "head_name"}]) == []


def test_check_names_another_form(forms: dict[str, FormSpec]) -> None:
    profile = ExportProfile.model_validate(_data())
    assert "not 'furusato_onestop'" in check_profile(profile, forms["furusato_onestop"])[0]


def test_header_names_must_be_encodable_only_when_written(forms: dict[str, FormSpec]) -> None:
    columns = [{"name": "𠮷", "field": "notice_type"}]
    assert _problems(forms, encoding="cp932", columns=columns)
    assert _problems(forms, encoding="cp932", header=False, columns=columns) == []
    assert _problems(forms, encoding="utf-8", columns=columns) == []


def test_name_defaults_to_the_forms_export_column(forms: dict[str, FormSpec]) -> None:
    profile = ExportProfile.model_validate(
        _data(columns=[{"field": "user_name"}, {"field": "notice_type"}])
    )
    assert [b.name for b in bind_columns(profile, forms["water_service"])] == [
        "使用者名",
        "届出区分",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"columns": [{"name": "x"}]}, "exactly one of"),
        ({"columns": [{"name": "x", "field": "a", "value": "1"}]}, "names field and value"),
        ({"columns": [{"meta": "tenant"}]}, "needs a 'name'"),
        ({"columns": [{"name": "x", "value": 1}]}, "write it in quotes"),
        ({"columns": [{"name": "x", "value": False}]}, "write it in quotes"),
        ({"columns": []}, "at least 1"),
        ({"encoding": "shift_jis"}, "encoding"),
        ({"booleans": {True: "1"}}, "both true and false"),
        ({"delimiter": '"'}, "delimiter"),
        ({"columns": [{"field": "Bad.Ref"}]}, "columns.0.field"),
        ({"colums": []}, "colums"),
    ],
)
def test_format_errors_are_listed(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileInvalidError) as info:
        parse_profile(_data(**overrides), "test.yaml")
    assert message in str(info.value)
    assert info.value.exit_code is ExitCode.CONFIG_INVALID


def test_fingerprint_follows_content() -> None:
    a = ExportProfile.model_validate(_data())
    assert a.fingerprint == ExportProfile.model_validate(_data()).fingerprint
    assert a.fingerprint != ExportProfile.model_validate(_data(header=False)).fingerprint
    assert '"booleans":{"false":"0","true":"1"}' in a.canonical_json()


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PROFILE_YAML = """\
id: {id}
title: {title}
form: water_service
encoding: cp932
header: false
booleans: {{true: "1", false: "0"}}
columns:
  - {{name: 区分, field: notice_type, choices: {{start: "1", stop: "2"}}}}
  - {{name: 固定, value: "01"}}
"""


def test_a_later_folder_replaces_a_profile_by_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(tmp_path / "town", "mine.yml", PROFILE_YAML.format(id="water_service_cp932", title="町"))
    _write(tmp_path / "town", "extra.yaml", PROFILE_YAML.format(id="extra", title="追加"))
    _write(tmp_path / "town", "notes.txt", "not a profile")
    with caplog.at_level(logging.INFO, logger="ocr_pipeline.export.registry"):
        reg = ProfileRegistry.from_dirs([tmp_path / "town"])
    assert reg.get("water_service_cp932").title == "町"
    assert reg.definition("water_service_cp932").path == tmp_path / "town" / "mine.yml"
    assert "extra" in reg and "water_service_utf8" in reg
    assert "replaces" in caplog.text
    only = ProfileRegistry.from_dirs([tmp_path / "town"], include_builtin=False)
    assert only.ids == ["extra", "water_service_cp932"]
    assert only.get("extra").columns[1].value == "01"


def test_two_files_with_one_id_in_a_folder_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", PROFILE_YAML.format(id="same", title="a"))
    _write(tmp_path, "b.yaml", PROFILE_YAML.format(id="same", title="b"))
    with pytest.raises(ProfileInvalidError, match=r"also used by a\.yaml"):
        ProfileRegistry.from_dirs([tmp_path])


def test_unknown_profile_and_broken_files(tmp_path: Path, profiles: ProfileRegistry) -> None:
    with pytest.raises(UnknownProfileError) as info:
        profiles.get("nope")
    assert "water_service_utf8" in info.value.remedy
    assert info.value.exit_code is ExitCode.BAD_ARGS
    with pytest.raises(ProfileInvalidError, match="not valid UTF-8 YAML"):
        load_profile(_write(tmp_path, "bad.yaml", "id: [unclosed"))
    with pytest.raises(ProfileInvalidError, match="cannot be read"):
        load_profile(tmp_path / "missing.yaml")
    bad_bytes = tmp_path / "sjis.yaml"
    bad_bytes.write_bytes("title: 水道".encode("cp932"))
    with pytest.raises(ProfileInvalidError, match="not valid UTF-8 YAML"):
        load_profile(bad_bytes)


def test_registry_reports_profiles_for_unknown_forms(
    tmp_path: Path, registry: FormRegistry
) -> None:
    _write(
        tmp_path, "p.yaml", PROFILE_YAML.replace("water_service", "kaigo").format(id="k", title="k")
    )
    reg = ProfileRegistry.from_dirs([tmp_path], include_builtin=False)
    assert "unknown form 'kaigo'" in reg.problems(registry)["k"][0]


README = (BUILTIN_PROFILES_DIR.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(ExportProfile.model_fields))
def test_every_profile_key_is_documented(key: str) -> None:
    assert f"| `{key}`" in README or f", `{key}` |" in README


@pytest.mark.parametrize(
    "word",
    sorted({*Column.model_fields, *(m.value for m in Meta), *(d.value for d in DateFormat)}),
)
def test_every_column_option_and_meta_key_is_documented(word: str) -> None:
    assert f"`{word}`" in README


def test_the_readme_example_is_a_valid_profile(forms: dict[str, FormSpec]) -> None:
    block = README.split("```yaml\n", 1)[1].split("```", 1)[0]
    profile = parse_profile(yaml.safe_load(block), "README.md")
    assert check_profile(profile, forms[profile.form]) == []
