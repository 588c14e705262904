"""Streamlit AppTest tests for each page: edits change the solve, bad input is shown, results appear."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, SMALL_MODELS, regions_layer, started_app, wkey



@pytest.fixture
def at(tmp_path, monkeypatch):
    app = started_app(tmp_path, monkeypatch)
    return app


def spend_text(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label in ("Spend", "支出"))


def spend_yi(at: AppTest) -> float:
    """The Spend metric in 亿元 (whole units rarely use a budget to the last yuan)."""
    return float(spend_text(at).split()[0].replace(",", ""))


def solve(at: AppTest) -> None:
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_plan_page_solves_and_shows_status_verifier_map_and_tables(at):
    assert any("Small test" in c.value for c in at.caption)
    solve(at)
    texts = [s.value for s in at.success]
    assert any(t.startswith("Solver status: optimal") for t in texts)
    assert any("Independent check passed" in t for t in texts)
    assert 399.0 <= spend_yi(at) <= 400.0
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    features = regions_layer(deck)["data"]["features"]
    assert len(features) == 31 and all("tooltip" in f["properties"] for f in features)
    assert any("per million" in f["properties"]["tooltip"] for f in features)
    # names and units, not machine keys or decimals on a head count (issue 13, item 6)
    tip = features[0]["properties"]["tooltip"]
    assert "target_per_million" not in tip and "target (units per million)" in tip, tip
    assert re.search(r"population: [\d,]+$", tip, re.M) and ".00\n" not in tip, tip
    # plan and region tables are shown (after the editors' frames), money in 万元 only (downloads keep 元)
    plan = next(d.value for d in at.dataframe if "new_units" in d.value.columns)
    assert "capex_wan_cny" in plan.columns and "capex_cny" not in plan.columns


def test_editing_the_budget_changes_the_solve(at):
    solve(at)
    first = spend_yi(at)
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(1_000_000).run()
    solve(at)
    assert 399.0 <= first <= 400.0 and 99.0 <= spend_yi(at) <= 100.0


def test_editing_a_price_in_the_modality_table_changes_the_plan(at):
    solve(at)
    units_before = next(m.value for m in at.metric if m.label == "Units bought")
    # CT three times dearer: the same budget buys fewer units
    at.session_state[wkey(at, "edit_modalities")] = {"edited_rows": {0: {"price (万元)": 411.0}}, "added_rows": [],
                                           "deleted_rows": []}
    at.run()
    solve(at)
    units_after = next(m.value for m in at.metric if m.label == "Units bought")
    assert int(units_after.replace(",", "")) < int(units_before.replace(",", ""))


def test_invalid_input_is_shown_and_blocks_solving(at):
    # referral shares of CT no longer sum to 1
    at.session_state[wkey(at, "edit_referral")] = {"edited_rows": {0: {"grassroots": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    errors = [e.value for e in at.error]
    # shown beside the referral editor (its own error box) and again above the Solve button
    assert any(e.startswith("scenario (edited): referral.CT shares add up to 1.3500, not 1") for e in errors)
    assert any(e.startswith("Fix these inputs before solving") and "referral.CT" in e for e in errors)
    assert at.button(key="solve_button").disabled


def test_a_bad_cell_in_the_regions_table_names_row_and_column(at):
    at.session_state[wkey(at, "edit_table_table")] = {"edited_rows": {2: {"population": "-1"}}, "added_rows": [],
                                            "deleted_rows": []}
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "region table (edited), row 4, column 'population': must be greater than 0" in errors


def stale_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "earlier inputs" in w.value or "之前的输入" in w.value]


def test_a_plan_for_other_inputs_says_so_naming_the_inputs_changed(at):
    """Issue 25, item 3: a changed budget leaves the shown plan (and its downloads) out of date; the Plan page
    says so and names the budget by its label, in English and in 中文, until the next solve."""
    solve(at)
    assert not stale_notices(at)
    at.radio(key="lang").set_value("zh").run()            # a language switch changes no input
    assert not stale_notices(at), stale_notices(at)
    at.radio(key="lang").set_value("en").run()
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(1_000_000).run()
    [notice] = stale_notices(at)
    assert "“Total capital budget (万元)”" in notice and "Already committed" not in notice, notice
    at.radio(key="lang").set_value("zh").run()
    [notice] = stale_notices(at)
    assert "“总资本预算 (万元)”" in notice, notice
    solve(at)
    assert not stale_notices(at) and 99.0 <= spend_yi(at) <= 100.0


def test_chinese_interface(at):
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "医学影像设备配置规划"
    solve(at)
    assert any(s.value.startswith("求解状态: 最优: 已在 1.00% 的间隙容差内证明") for s in at.success)


def test_compare_two_runs(at):
    solve(at)
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(1_000_000).run()
    solve(at)
    at.radio(key="page_en").set_value("Compare runs").run()
    assert not at.exception
    spends = sorted(float(m.value.split()[0]) for m in at.metric if m.label == "Spend")
    assert 99.0 <= spends[0] <= 100.0 and 399.0 <= spends[1] <= 400.0
    bought = [int(m.value.replace(",", "")) for m in at.metric if m.label == "Units bought"]
    assert len(bought) == 2 and min(bought) > 0 and bought[0] != bought[1]  # different budgets, different plans
    diff = at.dataframe[-1].value
    assert {"units_after_diff", "density_after_per_million_diff"} <= set(diff.columns)
    assert len(regions_layer(json.loads(at.get("deck_gl_json_chart")[0].proto.json))["data"]["features"]) == 31


def test_budget_sweep_reuses_the_model_and_draws(at):
    at.radio(key="page_en").set_value("Budget sweep").run()
    at.number_input(key=wkey(at, "sw_lo")).set_value(1_000_000)
    at.number_input(key=wkey(at, "sw_hi")).set_value(4_000_000)
    at.number_input(key="sw_n").set_value(3).run()
    at.button(key="sw_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "budget_wan_cny" in d.value.columns)
    assert table["budget_wan_cny"].tolist() == [1_000_000, 2_500_000, 4_000_000]
    assert table["unmet_thousand_exams"].is_monotonic_decreasing
    assert (table["status"] == "optimal").all() and table["verifier_ok"].all()
    # picking a point shows that plan
    at.selectbox(key="sw_pick").set_value(1_000_000.0).run()
    assert 99.0 <= spend_yi(at) <= 100.0
    # every point is a saved run, named by its budget
    at.radio(key="page_en").set_value("Saved runs").run()
    names = at.dataframe[0].value["name"].tolist()
    assert sum("sweep · 100.00 亿元" in n or "sweep · 250.00 亿元" in n or "sweep · 400.00 亿元" in n
               for n in names) == 3, names


def test_saved_runs_can_be_renamed_and_deleted(at):
    solve(at)
    at.radio(key="page_en").set_value("Saved runs").run()
    runs = at.dataframe[0].value
    assert len(runs) == 1 and re.match(r"small · 400\.00 亿元", runs["name"][0]), runs["name"][0]
    rid = int(runs["id"][0])
    at.text_input(key=f"runs_name_{rid}").set_value("my plan").run()
    at.button(key="runs_rename").click().run()
    assert at.dataframe[0].value["name"].tolist() == ["my plan"]
    at.button(key="runs_delete").click().run()               # asks first: nothing is deleted yet
    assert len(at.dataframe[0].value) == 1 and any("cannot be recovered" in w.value for w in at.warning)
    at.button(key="runs_delete_cancel").click().run()
    assert len(at.dataframe[0].value) == 1 and not any("cannot be recovered" in w.value for w in at.warning)
    at.button(key="runs_delete").click().run()
    at.button(key="runs_delete_confirm").click().run()
    assert any("No saved runs" in i.value for i in at.info)


def test_budget_changed_before_the_first_solve_is_used(at):
    """Regression: the Planner is built (for the pre-solve checks) before Solve is pressed; a budget typed
    in before the first solve must reach it. The browser test found the old budget being solved."""
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(1_000_000).run()
    solve(at)
    assert 99.0 <= spend_yi(at) <= 100.0


def test_two_browser_sessions_do_not_see_each_others_inputs_or_results(tmp_path, monkeypatch):
    """Each session keeps its own scenario, edits and result (st.session_state); only the run store,
    which exists to share runs across restarts, is common to both."""
    monkeypatch.setenv("PLANNER_RUNS", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("PLANNER_MODELS", SMALL_MODELS)
    a = AppTest.from_file(APP, default_timeout=120).run()
    b = AppTest.from_file(APP, default_timeout=120).run()
    a.number_input(key=wkey(a, "edit_budget_total")).set_value(1_000_000).run()
    solve(a)
    b.run()
    assert b.number_input(key=wkey(b, "edit_budget_total")).value == 4_000_000   # a's edit did not leak
    assert not [m for m in b.metric if m.label == "Spend"]               # nor a's result
    solve(b)
    a.run()
    assert 99.0 <= spend_yi(a) <= 100.0 and 399.0 <= spend_yi(b) <= 400.0


def test_problems_name_fields_as_the_screen_labels_them(at):
    """Issue 13, item 9: 'committed_wan_cny 5,000,000 exceeds total_wan_cny' named TOML keys the planner
    never sees; the message now names the inputs by their labels. The budget field shows 亿元 beside 万元."""
    at.number_input(key=wkey(at, "edit_budget_committed")).set_value(5_000_000).run()
    errors = " ".join(e.value for e in at.error)
    assert "“Already committed (万元)” 5,000,000 exceeds “Total capital budget (万元)” 4,000,000" in errors, errors
    assert "committed_wan_cny" not in errors
    assert any(c.value == "= 400.00 亿元" for c in at.caption)


def test_map_offers_only_modalities_the_layer_has_data_for(at):
    """Issue 13, item 6: 'unmet demand' for MOBILE_CT (no data: unmet belongs to the CT exam type) and the
    gap to a target for modalities without one were offered and drew an all-grey map."""
    solve(at)
    layer = next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_layer"))
    mods = next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_mod"))
    # units per million: every modality, mobile ones by their English names, not codes (issue 25, part 4)
    assert "mobile CT" in mods.options and "MOBILE_CT" not in mods.options
    layer.set_value(next(o for o in layer.options if o.startswith("Unmet"))).run()
    mods = next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_mod"))
    assert set(mods.options) == {"CT", "MRI", "DR"}, mods.options


def test_the_modalities_editor_shows_targets_first(at):
    """Issue 13, item 8: the editor is wider than the page; the targets, what a planner changes most, come
    first instead of last behind a scroll bar."""
    mods = next(d.value for d in at.dataframe if "price (万元)" in d.value.columns)
    cols = [c for c in mods.columns if c != "name"]
    assert cols[:3] == ["target (units/M)", "hard target", "price (万元)"], cols


def test_the_map_offers_unmet_demand_as_a_share_in_both_languages(at):
    """Issue 25, item 8: unmet demand as a share of the region's demand (%) beside the thousand exams, its
    unit in the colour bar and the tooltips, in English and 中文."""
    solve(at)
    for lang, name, unit in (("en", "Unmet demand as a share of demand (%)", "% of demand"),
                             ("zh", "未满足需求占需求的比例 (%)", "%")):
        at.radio(key="lang").set_value(lang).run()
        layer = next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_layer"))
        assert name in layer.options, layer.options
        layer.set_value(name).run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(m.value.startswith(f"**{name}**, {unit} · ") for m in at.markdown), lang
        features = regions_layer(json.loads(at.get("deck_gl_json_chart")[0].proto.json))["data"]["features"]
        assert any(re.search(rf"{re.escape(name)}: [\d.,]+ {re.escape(unit)}$", f["properties"]["tooltip"], re.M)
                   for f in features), features[0]["properties"]["tooltip"]
