"""The pre-solve errors, the explanation of an infeasible scenario, the marginal values and the solve status
messages are message codes (issue 26, item 2): each reads in English exactly as the library wrote it before
(summary.json, the CLI and the tests compare the text), and in Chinese from the catalog with no English word
left and no number dropped (tests/test_chinese_messages.py's check)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from planner.messages import Message, as_data, from_data, msg
from planner.planning import checks, solve
from planner.planning.families import capacity, density, staffing
from planner.planning.results import _dual_words
from planner.reporting.summary import marginal_digest
from tests.conftest import one_tier_ct
from tests.test_chinese_messages import check

A, B = "成都市 (510100)", "自贡市 (510300)"

PRESOLVE_ERRORS = [  # planner.planning.checks.run_checks
    ("the scenario has no regions: check regions.table and regions.include_parent", msg("checks.no_regions")),
    ("policy.min_units counts facilities, but the scenario has no facilities table: add regions.facilities (e.g. "
     "data/regions/facilities_provinces.csv), or remove the presence rules",
     msg("checks.presence_no_facilities", example="data/regions/facilities_provinces.csv")),
    (f"hard CT target in {A} needs 20 units in 2027, but facilities there can hold at most 12: make the target soft "
     "(modalities.CT.target_hard = false) or raise eligibility limits",
     msg("checks.target_over_room", mod="CT", where=A, n=20.0, year=2027, cap=12.0, key="modalities.CT.target_hard")),
    (f"the minimum-presence rule needs 2 DR at grassroots in {B}, but that tier may hold at most 1 there: check "
     "policy.min_units and eligibility",
     msg("checks.presence_over_room", n=2.0, mod="DR", tier="grassroots", where=B, cap=1.0)),
    ("hard targets and minimum-presence rules need at least 2,200 万元 of new units, but the budget allows 300 万元 "
     "(largest needs: 乙 needs 19 CT, 2 MRI; 甲 needs 3 CT). Raise budget.total_wan_cny, make targets soft, or relax "
     "policy.min_units",
     msg("checks.budget_short", need=2200.0, budget=300.0, needs=checks.joined(
         [msg("checks.region_needs", region="乙", shown="19 CT, 2 MRI"),
          msg("checks.region_needs", region="甲", shown="3 CT")], "; "))),
    ("by 2027 hard rules need 1,500 万元 of new units, but the yearly budgets up to then add up to 1,000 万元: raise "
     "the early years' budget.per_year_wan_cny",
     msg("checks.yearly_budget_short", year=2027, need=1500.0, budget=1000.0)),
    (f"in {A} in 2026 hard targets need 12.0 imaging staff, 9.5 are available: add staff (staffing or a staff table) "
     "or relax the rules", msg("checks.staff_short", where=A, year=2026, need=12.0, avail=9.5)),
    (f"access.require_within_limit: 7 region(s) have no place within 60 minutes that may hold a CT unit, fixed or "
     f"mobile ({A}, {B}, ...): raise access.limit_minutes, allow CT at more tiers (eligibility), or turn the rule off",
     msg("checks.access_unreachable", n=7, limit=60.0, mod="CT", shown=f"{A}, {B}, ...")),
]

RELAX = [  # checks.elastic_explanation, largest first
    (f"the hard CT target in {A} in 2027 is 3.0 unit(s) out of reach",
     msg("checks.target_out_of_reach", mod="CT", where=A, year=2027, v=3.0)),
    (f"the presence rule for DR at grassroots in {B} in 2026 is 1.0 unit(s) out of reach",
     msg("checks.presence_out_of_reach", mod="DR", tier="grassroots", where=B, year=2026, v=1.0)),
    ("the total budget would need 1,370 万元 more", msg("checks.total_budget_more", v=1370.0)),
    ("the 2028 budget would need 250 万元 more", msg("checks.year_budget_more", year=2028, v=250.0)),
    (f"{A} in 2027 would need 4.5 more imaging staff", msg("checks.staff_more", where=A, year=2027, v=4.5)),
]
INFEASIBLE = msg("status.infeasible")
EXPLAINED = [  # pipeline.run: the infeasible status and checks.explain_infeasible
    ("no plan satisfies the hard constraints. The hard rules conflict with each other. The smallest relaxation that "
     "makes a plan possible: " + "; ".join(e for e, _ in RELAX) + ". Relax one of these (or make the targets soft) "
     "and solve again.",
     msg("status.infeasible_why", status=INFEASIBLE,
         why=msg("checks.relax_one", relax=checks.joined([m for _, m in RELAX], "; ")))),
    ("no plan satisfies the hard constraints. HiGHS proved that no plan satisfies all hard constraints together, "
     "although each passes its own check. Try: make the hard targets of CT, MRI soft; relax policy.min_units; remove "
     "or raise budget.per_year_wan_cny",
     msg("status.infeasible_why", status=INFEASIBLE, why=msg("checks.no_plan_try", hints=checks.joined(
         [msg("checks.hint_soft_targets", shown="CT, MRI"), msg("checks.hint_relax_min_units"),
          msg("checks.hint_year_budget")], "; ")))),
    ("no plan satisfies the hard constraints. HiGHS proved that no plan satisfies all hard constraints together, "
     "although each passes its own check. Try: turning constraint families off in [constraints] one at a time to "
     "find the conflict",
     msg("status.infeasible_why", status=INFEASIBLE,
         why=msg("checks.no_plan_try", hints=msg("checks.hint_families_off")))),
    # the pre-solve errors, joined by spaces
    ("no plan satisfies the hard constraints. " + " ".join(e for e, _ in PRESOLVE_ERRORS[:2]),
     msg("status.infeasible_why", status=INFEASIBLE, why=checks.joined([m for _, m in PRESOLVE_ERRORS[:2]], " "))),
]

ROW = {"r": "成都市", "code": "510100", "y": 2027, "t": "grassroots", "m": "CT", "k": "CT"}
MARGINAL = [  # planner.planning.results.marginal_table: the budget's value and the families' dual_words
    ("one more 100万元 in the total budget would lower the objective by 12.35 万元-equivalent (as much as about 1.23 "
     "thousand exams of the most heavily weighted unmet demand); LP-relaxation estimate",
     msg("marginal.budget_total", v=12.345, exams=1.2345)),
    ("one more 100万元 in the 2027 budget would lower the objective by 1,234.50 万元-equivalent (as much as about "
     "0.50 thousand exams of the most heavily weighted unmet demand); LP-relaxation estimate",
     msg("marginal.budget_year", year="2027", v=1234.5, exams=0.5)),
    ("one more thousand exams of capacity for CT at grassroots tier in 成都市 in 2027 would lower the objective by "
     "3.25 万元-equivalent", _dual_words(capacity.FAMILY.rows[0].dual_words, 3.25, ROW)),
    ("the CT density target in 成都市 in 2027 costs 101.00 万元-equivalent per unit of target",
     _dual_words(density.FAMILY.rows[0].dual_words, 101.0, ROW)),
    ("one more imaging staff member in 成都市 in 2027 would lower the objective by 0.75 万元-equivalent",
     _dual_words(staffing.FAMILY.rows[0].dual_words, 0.75, ROW)),
]

GAP = solve._gap_words(0.0123)
STATUSES = [  # planner.planning.solve: _message, its endings, Solver.quick; planner.planning.lexicographic
    ("optimal: proven within the 0.50% gap tolerance (gap 1.23% of the objective)",
     solve._message("optimal", 0.0123, 0.005, 60.0)),
    ("optimal: proven within the 0.50% gap tolerance (gap unknown: no bound proven yet)",
     solve._message("optimal", None, 0.005, 60.0)),
    ("best plan found within the 60 s time limit, NOT proven optimal (gap 1.23% of the objective)",
     solve._message("time_limit", 0.0123, 0.005, 60.0)),
    ("best plan found within the 7.5 s time limit, NOT proven optimal (gap unknown: no bound proven yet)",
     solve._message("time_limit", None, 0.005, 7.5)),
    ("no plan found within the 60 s time limit: raise solver.time_limit_s or relax targets",
     solve._message("no_solution", None, 0.005, 60.0)),
    ("no plan satisfies the hard constraints", solve._message("infeasible", None, 0.005, 60.0)),
    ("stopped on request: the best plan found so far, NOT proven optimal (gap 1.23% of the objective)",
     solve._message("interrupted", 0.0123, 0.005, 60.0)),
    ("the objective can improve without end: a cost or a bound is missing (please report this)",
     solve._message("unbounded", None, 0.005, 60.0)),
    ("HiGHS stopped with an error", solve._message("error", None, 0.005, 60.0)),
    ("HiGHS stopped with an error (kHighsModelStatusSolveError)",
     solve.ended(solve._message("error", None, 0.005, 60.0), msg("status.error_detail",
                                                                detail="kHighsModelStatusSolveError"))),
    ("stopped on request before any plan was found", msg("status.stopped_before_plan")),
    ("best plan found within the 60 s time limit, NOT proven optimal (gap 1.23% of the objective) (HiGHS overran the "
     "limit and was stopped by the wall-clock guard); the plan kept is the rounded LP plan, better than HiGHS's own "
     "best (none); raced by a second HiGHS run (seed 2): the bound the higher of the two; no time was left for the "
     "marginal values (raise the time limit to get them); that is less than 0.1% of what purchases can change "
     "(objective 1,234.5 down to the floor 812.4 that no budget goes below)",
     solve.ended(solve.ended(solve.ended(solve.ended(solve.ended(
         solve._message("time_limit", 0.0123, 0.005, 60.0), msg("status.guard")),
         solve._kept_words("rounded LP plan", None)),
         solve._race_words({"seed": 2, "status": "optimal", "plan_from_rival": True}, "rounded LP plan")),
         solve.NO_TIME_FOR_DUALS),
         solve._changeable_words(SimpleNamespace(changeable_gap=0.0001, floor=812.4, objective=1234.5)))),
    ("stopped on request: the best plan found so far, NOT proven optimal (gap unknown: no bound proven yet); the "
     "plan kept is the previous plan, better than HiGHS's own best (205,835.7); the floor no budget goes below was "
     "not found in time",
     solve.ended(solve.ended(solve._message("interrupted", None, 0.005, 60.0),
                             solve._kept_words("previous plan", 205835.7)),
                 solve._changeable_words(SimpleNamespace(changeable_gap=None, floor=None, objective=1.0)))),
    ("optimal: proven within the 0.50% gap tolerance (gap 1.23% of the objective); that is 3.4% of what purchases "
     "can change (objective 1,234.5 down to the floor 812.4 that no budget goes below)",
     solve.ended(solve._message("optimal", 0.0123, 0.005, 60.0),
                 solve._changeable_words(SimpleNamespace(changeable_gap=0.034, floor=812.4, objective=1234.5)))),
    ("first plan, made at once from the previous plan (3 unit(s) added with the larger budget), not yet optimised for "
     "the new budget (gap 1.23% of the objective, against the floor no budget goes below)",
     msg("status.quick", how=msg("status.quick_added", n=3), gap=GAP, against=msg("status.against_floor"))),
    ("first plan, made at once from the previous plan (1,204 purchase(s) dropped to fit the smaller budget), not yet "
     "optimised for the new budget (gap unknown, against the previous proven bound)",
     msg("status.quick", how=msg("status.quick_dropped", n=1204), gap=msg("status.gap_unknown_short"),
         against=msg("status.against_bound"))),
    ("Equity first: largest shortfall minimised to 12.500 per million (optimal, gap 0.00 %); then the weighted sum "
     "with it held: optimal: proven within the 0.50% gap tolerance (gap 1.23% of the objective)",
     msg("status.equity_first", what=msg("status.equity_shortfall"), measure=12.5, unit=msg("status.per_million"),
         stage=msg("status.word_optimal"), gap=0.0, status=solve._message("optimal", 0.0123, 0.005, 60.0))),
    ("Equity first: longest travel minimised to 95.000 minutes (time_limit, gap 3.10 %); then the weighted sum with "
     "it held: best plan found within the 60 s time limit, NOT proven optimal (gap 1.23% of the objective)",
     msg("status.equity_first", what=msg("status.equity_travel"), measure=95.0, unit=msg("status.minutes"),
         stage=msg("status.word_time_limit"), gap=3.1, status=solve._message("time_limit", 0.0123, 0.005, 60.0))),
]


@pytest.mark.parametrize("english, message", PRESOLVE_ERRORS + RELAX + EXPLAINED + MARGINAL + STATUSES)
def test_each_message_reads_as_before_in_english_and_wholly_in_chinese(english, message):
    assert isinstance(message, Message)
    assert str(message) == english
    chinese = check(english, message.render("zh"))
    assert "基层" in chinese or "grassroots" not in english   # tier codes by their Chinese labels
    assert from_data(json.loads(json.dumps(as_data(message)))) == message   # summary.json keeps it whole


def test_the_race_endings_and_the_kept_plans_each_have_their_own_words():
    ends = {str(solve._race_words({"seed": 1, "status": s, "plan_from_rival": rival}, kept))
            for s in ("optimal", "ended", "failed: x", "plan rejected: it breaks a row of the model",
                      "stopped: the first run proved the gap") for rival in (True, False) for kept in (None, "x")}
    assert len(ends) == 7
    kept = {solve._kept_words(k, 1.0).render("zh") for k in ("quick plan", "previous plan", "rounded LP plan")}
    assert len(kept) == 3 and all("即时方案" in k or "上一方案" in k or "线性松弛" in k for k in kept)
    assert solve._changeable_words(SimpleNamespace(changeable_gap=None, floor=812.4, objective=1.0)) is None


def test_the_marginal_digest_names_the_family_in_the_language_of_the_table():
    import pandas as pd

    cap = _dual_words(capacity.FAMILY.rows[0].dual_words, 20.0, ROW)
    m = pd.DataFrame({"constraint": ["budget", "capacity", "capacity"], "where": ["total", "a", "b"],
                      "marginal_value": [0.2, 20.0, 8.0],
                      "plain_words": [MARGINAL[0][1], cap, _dual_words(capacity.FAMILY.rows[0].dual_words, 8.0, ROW)]})
    first, second = marginal_digest(m)
    assert first == MARGINAL[0][1]
    assert str(second) == f"Capacity: 2 binding place(s) listed; the largest: {cap}"
    chinese = check(str(second), second.render("zh"))
    assert chinese.startswith("产能: 列出 2 处") and "基层" in chinese
    # a table read back from marginal_values.csv holds English: the digest keeps it as it is
    read_back = m.assign(plain_words=m["plain_words"].map(str))
    assert [str(x) for x in marginal_digest(read_back)] == [str(x) for x in (first, second)]


def test_a_scenario_the_checks_refuse_says_its_errors_from_the_catalog(case):
    from planner import Planner
    from tests.test_hand_instances import REGIONS_AB, STOCK_AB

    toml = one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 10\ntarget_hard = true")
    p = Planner.from_file(case(toml, regions=REGIONS_AB, stock=STOCK_AB))
    (error,) = p.checks.errors
    assert isinstance(error, Message) and error.code == "checks.budget_short"
    assert str(error).startswith("hard targets and minimum-presence rules need at least 2,200 万元")
    check(str(error), error.render("zh"))
    why = checks.explain_infeasible(p.inputs)
    assert why == error   # one error: the explanation is the error itself


def test_a_solve_says_its_status_and_marginal_values_in_both_languages(case, tmp_path):
    from typer.testing import CliRunner

    from planner import Planner
    from planner.cli import app
    from tests.test_hand_instances import REGIONS_AB, STOCK_AB

    path = case(one_tier_ct(budget=300), regions=REGIONS_AB, stock=STOCK_AB)
    r = Planner.from_file(path).solve()
    assert isinstance(r.report.message, Message)
    assert str(r.report.message).startswith("optimal: proven within the 0.00% gap tolerance")
    assert r.report.message.render("zh").startswith("最优: 已在 0.00% 的间隙容差内证明")
    words = list(r.marginal["plain_words"])
    assert words and all(isinstance(w, Message) for w in words)
    out = tmp_path / "zh"
    res = CliRunner().invoke(app, ["--lang", "zh", "solve", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "求解: 最优: 已在 0.00% 的间隙容差内证明" in res.output   # the summary's own words in Chinese too
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status_message"] == str(r.report.message)   # summary.json keeps the English
    status = from_data(summary["status_message_data"])
    assert status == r.report.message
    while status.code == "status.with_ending":   # the endings after the status (the floor's gap, ...)
        status = status.params["status"]
    assert status.code == "status.optimal"
    assert [str(from_data(m)) for m in summary["marginal_messages"]] == [str(w) for w in words]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_app_shows_the_marginal_values_and_a_stored_runs_in_its_language(lang, monkeypatch):
    import pandas as pd
    import streamlit as st

    from planner_app import labels, state

    monkeypatch.setattr(st, "session_state", {"lang": lang})
    words = [m for _, m in MARGINAL]
    table = pd.DataFrame({"constraint": ["budget", "budget", "capacity", "density", "staffing"],
                          "where": ["total", "2027", "510100 2027", "510100 2027", "510100 2027"],
                          "marginal_value": [0.1, 0.2, 3.25, 101.0, 0.75], "plain_words": words})
    said = [w.render("zh") if lang == "zh" else str(w) for w in words]
    assert list(labels.to_screen(table)["plain_words"]) == said
    # a stored run: marginal_values.csv holds the English, its summary the codes row by row
    stored = table.assign(plain_words=[str(w) for w in words])
    coded = json.loads(json.dumps([as_data(w) for w in words]))
    assert list(labels.to_screen(state._marginal_said(stored, {"marginal_messages": coded}))["plain_words"]) == said
    assert state._marginal_said(stored, {}) is stored   # an older run keeps its English
