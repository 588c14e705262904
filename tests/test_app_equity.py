"""AppTest tests for access and equity in the app: the plan page's section and editors, the equity
frontier page (clickable chart and selectbox), the alternatives page. Small scenario, 20 s time limits."""

from __future__ import annotations

import json
import re
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, SMALL_MODELS, regions_layer, started_app, wkey

SHORTFALL = "Largest shortfall against the per-million target (units per million)"


@pytest.fixture
def at(tmp_path, monkeypatch):
    app = started_app(tmp_path, monkeypatch)
    app.number_input(key=wkey(app, "edit_time_limit")).set_value(20.0).run()
    return app


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def go(at: AppTest, page: str) -> None:
    at.radio(key="page_en").set_value(page).run()
    ok(at)


def table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_frontier_runs_draws_a_clickable_chart_and_shows_the_chosen_plan(at, monkeypatch):
    go(at, "Equity frontier")
    assert any("No frontier yet" in i.value for i in at.info)
    at.number_input(key="fr_points").set_value(3).run()
    at.button(key="fr_run").click().run()
    ok(at)
    table = table_with(at, SHORTFALL)
    assert len(table) == 3
    assert table["Plan"].iloc[0] == "most efficient" and table["Plan"].iloc[-1] == "most equal"
    assert "Weighted-sum objective (万元-equivalents)" in table.columns and "Spend (万元)" in table.columns
    # the Gini and Theil indices in a table of their own, so that neither is wider than the page
    assert not any(c.startswith(("Gini", "Theil")) for c in table.columns) and len(table.columns) <= 9
    indices = table_with(at, "Gini CT (0 = equal)")
    assert indices["Plan"].tolist() == table["Plan"].tolist() and len(indices.columns) == 7
    measure = table[SHORTFALL].tolist()
    assert all(b <= a + 1e-6 for a, b in zip(measure, measure[1:])), measure
    assert measure[-1] < measure[0]
    objective = table["Weighted-sum objective (万元-equivalents)"].tolist()
    assert objective[-1] >= objective[0] - 1e-6

    # the chart is an Altair chart with a point selection; a rerun does not solve again
    from planner_app import equity_pages

    calls = []
    monkeypatch.setattr(equity_pages, "frontier", lambda *a, **k: calls.append(1))
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert any(p["name"] == "pick" and p["select"]["type"] == "point" for p in spec["params"])
    assert not [s for s in at.subheader if s.value.startswith("The chosen plan")]

    # clicking a point in the chart (its selection state) shows that plan
    at.session_state["fr_chart"] = {"selection": {"pick": [{"i": 2}]}}
    at.run()
    ok(at)
    assert any(s.value.startswith("The chosen plan: most equal") for s in at.subheader)
    assert at.selectbox(key="fr_pick").value == 2
    labels = [m.label for m in at.metric]
    assert "Spend" in labels and "CT units bought" in labels
    assert "Largest shortfall (units per million)" in labels
    gini = table_with(at, "Gini after")
    assert set(gini["Modality"]) >= {"CT", "MRI", "DR"}
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert len(regions_layer(deck)["data"]["features"]) == 31
    assert "units" in regions_layer(deck)["data"]["features"][0]["properties"]["tooltip"]

    # the selectbox fallback picks another point
    at.selectbox(key="fr_pick").set_value(0).run()
    ok(at)
    assert any(s.value.startswith("The chosen plan: most efficient") for s in at.subheader)

    # away to the Plan page and back: the points, the settings and the chosen plan are kept, not re-solved
    go(at, "Plan")
    go(at, "Equity frontier")
    assert not at.warning, [w.value for w in at.warning]  # "computed for other inputs" would show here
    assert at.number_input(key="fr_points").value == 3
    assert any(s.value.startswith("The chosen plan: most efficient") for s in at.subheader)
    assert not calls


def test_a_frontier_end_without_a_plan_is_never_read_as_no_trade_off(at, monkeypatch):
    """Issue 25, item 2: the most equal end found no plan (twice); the page used to conclude that the most
    efficient plan was already as equal as any. Now it says how many points have a plan and why the others
    have none, in English and in 中文."""
    import planner.studies.frontier as module
    from planner.solver import Status

    real = module.run_lexicographic

    def no_plan(*args, **kwargs):
        r = real(*args, **kwargs)
        r.report.status = Status.NO_SOLUTION        # as if the time limit ran out before any plan
        return r

    monkeypatch.setattr(module, "run_lexicographic", no_plan)
    go(at, "Equity frontier")
    at.number_input(key="fr_points").set_value(3).run()
    at.button(key="fr_run").click().run()
    ok(at)
    texts = [x.value for x in [*at.info, *at.warning, *at.caption, *at.markdown]]
    assert not [x for x in texts if "as equal as any" in x], texts
    assert any(w.value.startswith("Only 1 of 3 points have a plan.") for w in at.warning), texts
    why = next(m.value for m in at.markdown if "most equal: no plan found" in m.value)
    assert "in 2 tries" in why and "ε = ?: not solved: the “most equal” end has no plan" in why, why
    table = table_with(at, SHORTFALL)
    assert table["Solver status"].tolist() == ["proven optimal", "not solved", "no plan found in the time limit"]
    at.selectbox(key="fr_pick").set_value(1).run()
    ok(at)
    assert any(i.value.startswith("not solved: the “most equal” end") for i in at.info)
    at.radio(key="lang").set_value("zh").run()
    ok(at)
    assert any(w.value.startswith("3 个点中只有 1 个有方案。") for w in at.warning)
    assert any("未求解: “最公平” 一端没有方案" in i.value for i in at.info)


def test_alternatives_with_k1_show_two_plans_within_the_percentage(at):
    go(at, "Alternative plans")
    at.number_input(key="alt_k").set_value(1)
    at.number_input(key="alt_within").set_value(5.0).run()
    at.button(key="alt_run").click().run()
    ok(at)
    table = table_with(at, "Above the best (%)")
    assert table["Plan"].tolist() == ["Best", "Alternative 1"]
    assert table["Above the best (%)"].iloc[0] == 0.0
    assert (table["Above the best (%)"] <= 5.0 + 1e-6).all()
    assert "Units placed differently from the best (%)" in table.columns
    regions = table_with(at, "Best: new units")
    assert {"Region", "Modality", "Alternative 1: new units"} <= set(regions.columns)
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 2  # best and the alternative, side by side
    assert all(len(regions_layer(json.loads(d.proto.json))["data"]["features"]) == 31 for d in decks)


def test_plan_page_with_access_on_shows_travel_in_minutes_and_equity(at):
    at.multiselect(key=wkey(at, "edit_access_types")).set_value(["CT"]).run()
    ok(at)
    at.button(key="solve_button").click().run()
    ok(at)
    assert any(s.value == "Access and equity" for s in at.subheader)
    beyond = next(m for m in at.metric if m.label == "Beyond 60 minutes (million people)")
    assert re.fullmatch(r"[\d,.]+ → [\d,.]+", beyond.value), beyond.value
    assert any(m.label == "Average travel (population-weighted) (minutes)" and "→" in m.value for m in at.metric)
    far = table_with(at, "Travel after (minutes)")
    assert {"Region", "Travel before (minutes)", "Within the limit after"} <= set(far.columns)
    assert len(far) == 10
    travel = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]
    tips = [f["properties"]["tooltip"] for d in travel for f in regions_layer(d)["data"]["features"]]
    assert any("Travel to the nearest unit" in s and "minutes" in s for s in tips)
    assert table_with(at, "Gini after")["Modality"].tolist() == ["CT", "MRI", "DR"]
    # before -> after, in the Chinese interface too
    at.radio(key="lang").set_value("zh").run()
    ok(at)
    assert any(s.value == "可及性与公平性" for s in at.subheader)
    assert table_with(at, "规划后出行时间 (分钟)") is not None


def test_access_off_says_how_to_turn_it_on_and_equity_editor_checks_its_needs(at):
    at.radio(key=wkey(at, "edit_eq_objective") + "_en").set_value(
        "Equity on travel: first lower the longest travel to the nearest unit (needs access)").run()
    errors = [e.value for e in at.error]
    assert any("equity on travel needs access" in e for e in errors)
    assert at.button(key="solve_button").disabled
    at.radio(key=wkey(at, "edit_eq_objective") + "_en").set_value("Efficiency: the weighted sum of costs and unmet demand").run()
    ok(at)
    at.button(key="solve_button").click().run()
    ok(at)
    assert any("Access: travel to the nearest unit" in i.value and "[access] exam_types" in i.value for i in at.info)
    assert table_with(at, "Gini before") is not None
    # frontier on travel without access: blocked with the fix named
    go(at, "Equity frontier")
    at.radio(key="fr_measure_en").set_value("Longest travel to the nearest unit").run()
    assert any("access.exam_types" in i.value for i in at.info)
    assert at.button(key="fr_run").disabled


def test_equity_pages_in_chinese_without_solving(at):
    at.radio(key="lang").set_value("zh").run()
    at.radio(key="page_zh").set_value("效率—公平前沿").run()
    ok(at)
    assert any("尚无前沿" in i.value for i in at.info)
    at.radio(key="page_zh").set_value("备选方案").run()
    ok(at)
    assert any("尚无备选方案" in i.value for i in at.info)
    assert sys.modules.get("planner_app.equity_pages") is not None


def test_plan_page_edits_survive_a_visit_to_another_page(at):
    """Streamlit drops the state of widgets it does not draw: the edits are kept as the loaded scenario."""
    at.multiselect(key=wkey(at, "edit_access_types")).set_value(["CT"]).run()
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(1_000_000).run()
    go(at, "Alternative plans")
    go(at, "Plan")
    assert at.number_input(key=wkey(at, "edit_budget_total")).value == 1_000_000
    assert at.number_input(key=wkey(at, "edit_time_limit")).value == 20.0
    assert at.multiselect(key=wkey(at, "edit_access_types")).value == ["CT"]
    assert at.session_state["edited"].scenario.access.exam_types == ["CT"]


def test_equity_objective_and_bound_reach_the_solve(at):
    at.radio(key=wkey(at, "edit_eq_objective") + "_en").set_value(
        "Equity on shortfall: first lower the largest shortfall against the per-million target").run()
    at.number_input(key=wkey(at, "edit_eq_max_shortfall")).set_value(5.0).run()
    ok(at)
    scn = at.session_state["edited"].scenario
    assert scn.equity.objective == "min_max_shortfall" and scn.equity.max_shortfall_per_million == 5.0
    at.button(key="solve_button").click().run()
    ok(at)
    assert any("Equity first: largest shortfall minimised" in s.value for s in [*at.success, *at.warning])
    short = next(m for m in at.metric if m.label == "Largest shortfall (units per million)")
    assert float(short.value.split("→")[1]) <= 5.0


def test_frontier_table_shows_a_dash_where_an_end_has_no_bound():
    """The two ends of a frontier have no epsilon bound: the table says '—', not 'None' (issue 13)."""
    import pandas as pd

    from planner_app.equity_pages import frontier_table

    table = pd.DataFrame({"point": ["efficiency", "ε = 4", "equity"], "epsilon": [None, 4.0, 3.5],
                          "measure": [4.5, 4.0, 3.5], "status": ["optimal"] * 3, "gap": [0.0] * 3})
    shown = frontier_table(table, "shortfall")
    bound = next(c for c in shown.columns if c not in ("measure",) and shown[c].astype(str).str.contains("—").any())
    assert shown[bound].tolist() == ["—", "4", "3.5"]
