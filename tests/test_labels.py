"""The labels catalog (planner.messages.labels, issue 26 item 2): every column the result and input tables
have, and every tier and modality code of the shipped scenarios, has a label in English and in Chinese, in
one place that the app, the report and the downloads read."""

from __future__ import annotations

import pandas as pd
import pytest

from planner import Planner
from planner.config.scenario import load_scenario
from planner.messages import catalog, labels
from planner.messages.extract import LABELS, fields
from planner.reporting.report.labels import language, mod_label
from tests.conftest import REPO
from tests.test_access_equity import ACCESS, SMALL

RESULT_TABLES = ("plan", "units", "flows", "mobile", "regions", "spend", "marginal", "access", "equity")


@pytest.fixture(scope="module")
def results():
    return [Planner.from_file(SMALL).solve(), Planner.from_file(ACCESS).solve()]


def test_every_result_column_has_a_label_in_both_languages(results):
    missing = {(name, c) for r in results for name in RESULT_TABLES for c in getattr(r, name).columns
               if labels.column(c, "en") is None or labels.column(c, "zh") is None}
    assert not missing, sorted(missing)
    checked = {c for r in results for name in RESULT_TABLES for c in getattr(r, name).columns}
    assert len(checked) >= 50   # the tables really were read (57 columns)


def test_every_input_table_column_of_the_shipped_data_has_a_label():
    missing = []
    for path in sorted((REPO / "data" / "regions").glob("*.csv")):
        for c in pd.read_csv(path, nrows=0).columns:
            if labels.column(c, "en") is None or labels.column(c, "zh") is None:
                missing.append((path.name, c))
    assert not missing, missing


def test_every_tier_and_modality_of_the_shipped_scenarios_has_a_chinese_label():
    for path in sorted((REPO / "models").glob("*.toml")):
        scn = load_scenario(path).scenario
        for code in scn.tiers:
            assert labels.tier(code, "zh") != code, (path.name, code)
        for code in scn.modalities:   # CT, MRI and DR are written so in Chinese too
            assert labels.modality(code, "zh") != code or code in ("CT", "MRI", "DR"), (path.name, code)


def test_labels_by_hand():
    assert labels.column("unmet_thousand_exams", "zh") == "未满足需求 (千人次)"
    assert labels.column("gap_closed_MOBILE_CT", "en") == "share of the mobile CT density gap closed"
    assert labels.column("gap_closed_MOBILE_CT", "zh") == "移动CT 密度缺口弥合比例"
    assert labels.column("spend_wan_cny_diff", "en") == "spend (万元) (B − A)"
    assert labels.column("a_planners_own_column", "zh") is None
    assert labels.header("a_planners_own_column", "zh") == "a_planners_own_column"
    assert labels.tier("secondary", "zh") == "二级医院" and labels.tier("my_tier", "zh") == "my_tier"
    assert labels.value("level", "county", "zh") == "县级"
    assert labels.labels_of("tier", "zh") == {"grassroots": "基层", "secondary": "二级医院", "tertiary": "三级医院"}


def test_the_report_and_the_app_say_a_tier_the_same_way(monkeypatch):
    """'secondary' was 二级 in the report and 二级医院 in the app (issue 26): both read the catalog now."""
    import streamlit as st

    from planner_app import labels as app_labels

    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    with language("zh"):
        for code in ("grassroots", "secondary", "tertiary"):
            assert mod_label(code) == app_labels.tier(code) == labels.tier(code, "zh")
        assert mod_label("MOBILE_CT") == app_labels.modality("MOBILE_CT") == "移动CT"
    with language("en"):
        assert mod_label("secondary") == "secondary"


def test_the_labels_catalog_has_the_same_codes_and_fields_in_both_languages():
    en, zh = catalog("en"), catalog("zh")
    for code in en:
        if code.split(".")[0] in LABELS:
            assert code in zh, code
            assert fields(en[code]) == fields(zh[code]), code


def test_a_code_in_two_catalogs_is_refused(tmp_path, monkeypatch):
    from planner import messages

    for lang in messages.LANGUAGES:
        d = tmp_path / lang / "LC_MESSAGES"
        d.mkdir(parents=True)
        for domain in messages.DOMAINS:
            (d / f"{domain}.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "column.x"\nmsgstr "x"\n', encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    messages.catalog.cache_clear()
    try:
        with pytest.raises(ValueError, match="column.x are in two catalogs"):
            messages.catalog("en")
    finally:
        monkeypatch.undo()
        messages.catalog.cache_clear()


def test_every_field_label_and_help_names_a_field_of_the_schema():
    """No label outlives its field: each field.<path> and field_help.<path> of the catalog is a path of the
    scenario schema, and each label has both languages."""
    from tests.test_app_schema_coverage import schema_paths

    paths = schema_paths() | {p.rsplit(".", 1)[0] for p in schema_paths()}   # sections too ('eligibility')
    paths |= {p.split("[]")[0] for p in paths}                                 # a list of rows: policy.min_units
    en, zh = catalog("en"), catalog("zh")
    fields_ = {c.removeprefix("field.") for c in en if c.startswith("field.")}
    helps = {c.removeprefix("field_help.") for c in zh if c.startswith("field_help.")}
    assert len(fields_) > 60 and len(helps) > 60
    assert not fields_ - paths, sorted(fields_ - paths)
    assert not helps - paths, sorted(helps - paths)
    assert all(f"field.{p}" in zh for p in fields_)


def test_field_labels_and_help_by_hand():
    assert labels.field("budget.total_wan_cny", "en") == "Total capital budget (万元)"
    assert labels.field("budget.total_wan_cny", "zh") == "总资本预算 (万元)"
    assert labels.field("modalities.*.price_wan_cny", "zh") == "价格 (万元)"
    assert labels.field("no.such.field", "zh") is None
    assert labels.field_help("budget.total_wan_cny", "the schema's words", "en") == "the schema's words"
    assert labels.field_help("budget.total_wan_cny", "the schema's words", "zh") == "全部规划年的资本预算, 万元"
    assert labels.field_help("no.such.field", "the schema's words", "zh") == "the schema's words"
