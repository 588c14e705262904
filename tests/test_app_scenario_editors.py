"""Issue 25, part 3: the scenario's other inputs (plan years, constraint switches, staffing, mobile units,
catchment, presence rules, more settings) are edited in the app, saved the way the app saves a scenario,
and read back by the library to the same plan."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from planner import Planner
from planner.config.scenario import load_scenario
from tests.conftest import REPO, started_app, wkey

NO_EDIT = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}


@pytest.fixture
def at(tmp_path, monkeypatch):
    return started_app(tmp_path, monkeypatch)


def test_untouched_editors_leave_the_scenario_as_loaded(at):
    assert at.session_state["edited"].scenario == at.session_state["loaded"].scenario


def test_each_new_editor_reaches_the_saved_scenario_and_the_same_plan(at, tmp_path):
    at.number_input(key=wkey(at, "edit_years_last_plan_year")).set_value(2026)          # one plan year: fast
    at.checkbox(key=wkey(at, "edit_constraints_mobile")).uncheck()
    at.number_input(key=wkey(at, "edit_staffing_headroom_pct")).set_value(25.0)
    at.number_input(key=wkey(at, "edit_mobile_max_neighbours")).set_value(4)
    at.radio(key=wkey(at, "edit_catchment_top_tier") + "_en").set_value(
        "also those of regions with the same parent (at the referral weight)")
    at.session_state[wkey(at, "edit_min_units")] = {**NO_EDIT, "added_rows": [
        {"tier": "tertiary", "modality": "CT", "per_facility": 1.0, "from_year": 2026}]}
    at.session_state[wkey(at, "edit_modality_more")] = {**NO_EDIT, "edited_rows": {0: {"demand_year": 2024}}}
    at.number_input(key=wkey(at, "edit_weights_discount_rate_pct")).set_value(8.0)
    at.number_input(key=wkey(at, "edit_gap")).set_value(0.0)          # proven optimal on both sides
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]

    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    in_app = at.session_state["view"]["summary"]
    assert in_app["status"] == "optimal", in_app["status"]

    with zipfile.ZipFile(io.BytesIO(at.session_state["zip"])) as z:   # the app's "save inputs" download
        z.extractall(tmp_path / "saved")
    scn = load_scenario(tmp_path / "saved" / "scenario.toml").scenario
    assert scn.years.last_plan_year == 2026 and scn.constraints.mobile is False
    assert scn.staffing.headroom_pct == 25.0 and scn.mobile.max_neighbours == 4
    assert scn.catchment.top_tier == "parent" and scn.weights.discount_rate_pct == 8.0
    assert [r.model_dump() for r in scn.policy.min_units] == [
        {"tier": "tertiary", "modality": "CT", "per_facility": 1.0, "from_year": 2026}]
    assert scn.modalities["CT"].demand_year == 2024 and scn.modalities["MRI"].demand_year is None

    result = Planner.from_file(tmp_path / "saved" / "scenario.toml").solve(time_limit=30)
    assert result.report.status == "optimal"
    assert result.report.objective == pytest.approx(in_app["objective"], rel=1e-6)


def test_a_bad_value_is_reported_in_words_beside_its_editor(at):
    at.number_input(key=wkey(at, "edit_years_last_plan_year")).set_value(2025).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    # beside the plan-years editor, and again above the Solve button, which is off
    assert any(e.startswith("scenario (edited): “Plan years”: “Last plan year” 2025 is before “First plan year”")
               for e in errors), errors
    assert any(e.startswith("Fix these inputs before solving") for e in errors)
    assert at.button(key="solve_button").disabled
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception and any("“规划年份”: “最后规划年” 2025 早于 “首个规划年”" in e.value for e in at.error), \
        [e.value for e in at.error]


@pytest.mark.parametrize("lang, headroom, rule", [
    ("en", "“Headroom over the staff existing units need (%)”: Input should be greater than or equal to 0",
     "“Presence rules: a minimum of units per facility, row 1: units per facility”: Input should be greater"),
    ("zh", "“现有设备所需人员之上的余量 (%)”: 不得小于 0", "“最低配置规则: 每机构最少台数 第 1 行: 每机构台数”: 不得小于 0")])
def test_errors_of_the_new_editors_name_the_field_as_the_screen_does(lang, headroom, rule, at):
    """Issue 25, part 4: an error named the schema key ('staffing.headroom_pct'), not the field's label."""
    at.radio(key="lang").set_value(lang).run()
    at.number_input(key=wkey(at, "edit_staffing_headroom_pct")).set_value(-5.0)
    at.session_state[wkey(at, "edit_min_units")] = {**NO_EDIT, "added_rows": [
        {"tier": "tertiary", "modality": "CT", "per_facility": -1.0, "from_year": 2026}]}
    at.run()
    errors = [e.value for e in at.error]
    assert not at.exception and errors
    assert any(headroom in e for e in errors) and any(rule in e for e in errors), errors
    assert not any("headroom_pct" in e or "min_units" in e or "per_facility" in e for e in errors), errors


def test_the_staff_and_travel_tables_are_edited_like_the_other_tables(tmp_path, monkeypatch):
    """A scenario with a staff and a travel table gets an editor for each; an edited cell reaches the
    scenario the page solves, as an edited table (the file stays as it is)."""
    models = tmp_path / "models"
    shutil.copytree(REPO / "tests" / "data" / "access", models)
    toml = models / "access.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('travel = "roads.csv"',
                                                             'travel = "roads.csv"\nstaff = "staff.csv"'),
                    encoding="utf-8")
    (models / "staff.csv").write_text("code,staff\n100001,50\n100002,50\n100003,20\n100004,10\n", encoding="utf-8")
    at = started_app(tmp_path, monkeypatch)
    monkeypatch.setenv("PLANNER_MODELS", str(models))   # the only scenario in the list: the page loads it
    at.run()
    assert {"Imaging staff available", "Travel times between regions"} <= {e.label for e in at.expander}
    at.session_state[wkey(at, "edit_table_travel")] = {**NO_EDIT, "edited_rows": {0: {"minutes": 40}}}
    at.session_state[wkey(at, "edit_table_staff")] = {**NO_EDIT, "edited_rows": {3: {"staff": 12}}}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    tables = at.session_state["edited"].tables
    # the editor keeps the cells as read (text), the engine validates them as numbers
    assert float(tables["travel"]["minutes"].iloc[0]) == 40 and float(tables["staff"]["staff"].iloc[3]) == 12


def test_a_quota_is_written_in_the_empty_quota_table_in_both_languages(at):
    """No shipped scenario has quotas: the page still offers the quota table (empty, with a note saying what a
    row means and that CT and MRI are no longer licensed) and the cap scale; a row typed there reaches the
    scenario the page solves, and the engine reads it as a quota on the region's new units."""
    from planner.data.inputs import resolve

    labels = {e.label for e in at.expander}
    assert {"Configuration quotas (配置许可)"} <= labels, labels
    assert any("no longer" in c.value or "need no configuration licence" in c.value for c in at.caption)
    scale = at.number_input(key=wkey(at, "edit_quotas_cap_scale"))
    assert scale.value == 1.0
    code = at.session_state["edited"].scenario.regions.table and resolve(at.session_state["edited"]).codes[0]
    at.session_state[wkey(at, "edit_table_quotas")] = {**NO_EDIT, "added_rows": [
        {"code": code, "modality": "CT", "max_new_units": 2}]}
    scale.set_value(0.5)
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    edited = at.session_state["edited"]
    assert edited.scenario.quotas.cap_scale == 0.5
    inp = resolve(edited)
    assert inp.quotas[["code", "cap"]].values.tolist() == [[code, 1.0]] and inp.quota_members[0, 0]
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {"配置许可限额"} <= {e.label for e in at.expander}


def test_domestic_supply_is_edited_in_both_languages(at):
    """[supply] (issue 27 lever 2): the switch and the least share as inputs, the per-modality price factor and
    stock share as a table; edits reach the scenario the page solves, in English and in 中文."""
    assert "Domestic supply (国产)" in {e.label for e in at.expander}
    at.checkbox(key=wkey(at, "edit_supply_enabled")).check()
    at.number_input(key=wkey(at, "edit_supply_min_domestic_share")).set_value(0.3)
    at.session_state[wkey(at, "edit_supply")] = {**NO_EDIT, "edited_rows": {0: {"domestic_price_factor": 0.8}}}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    supply = at.session_state["edited"].scenario.supply
    first = next(iter(at.session_state["edited"].scenario.modalities))
    assert supply.enabled and supply.min_domestic_share == 0.3
    assert supply.domestic_price_factor == {first: 0.8}
    assert supply.stock_domestic_share["CT"] == 0.65        # the seed's default, kept
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "国产设备" in {e.label for e in at.expander}
    at.session_state[wkey(at, "edit_supply")] = {**NO_EDIT, "edited_rows": {0: {"stock_domestic_share": 0.5}}}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.session_state["edited"].scenario.supply.stock_domestic_share[first] == 0.5


def test_classes_of_new_units_are_edited_in_both_languages(at):
    """supply.classes (issue 27 lever 2): a table of classes, a row each; a class added in English and its
    price edited in 中文 reach the scenario the page solves."""
    at.checkbox(key=wkey(at, "edit_supply_enabled")).check()
    at.session_state[wkey(at, "edit_classes")] = {**NO_EDIT, "added_rows": [
        {"modality": "MRI", "name": "3T", "price_wan_cny": 900.0, "min_domestic_share": 0.2}]}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    classes = at.session_state["edited"].scenario.supply.classes
    assert [(c.modality, c.name, c.price_wan_cny, c.min_domestic_share, c.capacity_exams_per_unit_per_year)
            for c in classes] == [("MRI", "3T", 900.0, 0.2, None)]
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state[wkey(at, "edit_classes")] = {**NO_EDIT, "edited_rows": {0: {"price_wan_cny": 950.0}}}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.session_state["edited"].scenario.supply.classes[0].price_wan_cny == 950.0
    tertiary = next(s for s in at.session_state["edited"].scenario.tiers if "tertiary" in s)
    at.session_state[wkey(at, "edit_classes")] = {**NO_EDIT, "edited_rows": {0: {"tiers": "三级医院, secondary"}}}
    at.run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.session_state["edited"].scenario.supply.classes[0].tiers == [tertiary, "secondary"]
