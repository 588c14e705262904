"""Access, equity and alternatives in the full planner: hand-checked instances and invariants."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner import Planner
from planner.studies.alternatives import alternatives
from planner.planning.equity import gini, theil
from planner.errors import PlannerError
from planner.solver import Status
from planner.studies.frontier import conclusion, frontier

DATA = Path(__file__).parent / "data"
ACCESS = DATA / "access" / "access.toml"
TINY = DATA / "tiny" / "tiny.toml"
SMALL = DATA / "app_models" / "small.toml"   # 31 provinces: a frontier with a trade-off in a few seconds


def after(result, code: str) -> float:
    a = result.access
    return float(a.loc[a["region_code"] == code, "minutes_after"].iloc[0])


# ------------------------------------------------------------------------------ travel inputs
def test_road_graph_gives_shortest_paths():
    # edges A-B 30, B-C 50, C-D 50: A->D is 130 along the road, D->B 100
    p = Planner.from_file(ACCESS)
    m = p.inputs.minutes
    assert m[0, 3] == pytest.approx(130) and m[3, 1] == pytest.approx(100) and m[2, 0] == pytest.approx(80)
    assert np.allclose(m, m.T) and np.allclose(np.diag(m), 0)


def test_road_km_become_minutes_at_the_scenario_speed():
    p = Planner.from_file(ACCESS, ["regions.travel='roads_km.csv'", "mobile.speed_km_per_h=30"])
    assert p.inputs.minutes[0, 3] == pytest.approx(130 * 2)  # 130 km at 30 km/h = 260 minutes


def test_travel_pairs_without_graph_override_the_centroid_estimate():
    p = Planner.from_file(ACCESS, ["regions.travel_is_road_graph=false"])
    m = p.inputs.minutes
    assert m[0, 1] == pytest.approx(30) and m[2, 3] == pytest.approx(50)
    assert np.isinf(m[0, 3])  # no pair given and no centroids: unreachable


# ------------------------------------------------------------------------------ access in the model
def test_one_unit_goes_where_it_cuts_travel_most():
    r = Planner.from_file(ACCESS).solve()
    assert r.report.status == "optimal" and r.verifier.ok
    assert r.plan[["region_code", "new_units"]].values.tolist() == [["100003", 1.0]]
    # before: C 50 (to B), D 100; after: C 0, D 50 -> objective 0.2 M people x 50 min x 1 万元 = 10
    before = r.access.set_index("region_code")["minutes_before"]
    assert before.to_dict() == pytest.approx({"100001": 0, "100002": 0, "100003": 50, "100004": 100})
    assert after(r, "100003") == 0 and after(r, "100004") == pytest.approx(50)
    assert r.report.objective == pytest.approx(10.0, abs=1e-6)
    assert r.measures["mean_minutes_CT"] == pytest.approx(0.2 * 50 / 2.7)
    assert r.measures["people_beyond_limit_CT"] == 0  # D at 50 minutes is within the 60-minute limit


def test_every_region_within_limit_as_a_hard_rule():
    # limit 40: C and D both need their own unit -> two units (budget 200)
    r = Planner.from_file(ACCESS, ["access.limit_minutes=40", "access.require_within_limit=true",
                                   "budget.total_wan_cny=200"]).solve()
    assert r.report.status == "optimal" and r.verifier.ok
    assert sorted(r.plan["region_code"]) == ["100003", "100004"]
    assert r.access["within_limit_after"].all()


def test_within_limit_rule_with_too_little_money_is_infeasible_and_says_so():
    p = Planner.from_file(ACCESS, ["access.limit_minutes=40", "access.require_within_limit=true"])
    r = p.solve()
    assert r.report.status == "infeasible" and not r.report.has_plan


def test_beyond_limit_weight_counts_people_not_minutes():
    # Only residents beyond 60 minutes count: before, D (0.2 M, 100 min) is beyond; any unit at C or D
    # brings D within 60. Weight 1 万元 per thousand people -> objective 0 after the purchase.
    r = Planner.from_file(ACCESS, ["access.travel_wan_cny_per_million_person_minutes=0",
                                   "access.beyond_limit_wan_cny_per_thousand_people=1"]).solve()
    assert r.report.objective == pytest.approx(0.0, abs=1e-6)
    assert r.plan["region_code"].iloc[0] in ("100003", "100004")
    assert r.measures["people_beyond_limit_CT"] == 0


def test_min_max_travel_equity_never_worse_than_efficiency_on_travel():
    eff = Planner.from_file(ACCESS).solve()
    eq = Planner.from_file(ACCESS, ["equity.objective='min_max_travel'"]).solve()
    assert eq.verifier.ok
    assert eq.measures["longest_travel_minutes"] <= eff.measures["longest_travel_minutes"] + 1e-6
    # one unit: C or D leaves the other 50 minutes away, so the longest travel is 50 either way; the
    # weighted-sum stage then picks C (travel objective 10, as the efficiency plan)
    assert eq.measures["longest_travel_minutes"] == pytest.approx(50)
    assert eq.measures["weighted_sum_objective"] == pytest.approx(10.0, abs=1e-6)


# ------------------------------------------------------------------------------ shortfall equity
TARGET = ["modalities.CT.target_per_million=2", "budget.total_wan_cny=300"]


def test_min_max_shortfall_by_hand():
    # tiny: A 1 M people 2 CT, B 2 M 1 CT, C 0.5 M 0 CT; target 2 per million, 3 units to buy.
    # Shortfalls per million with b units to B and c to C (b + c = 3): B (3 - b)/2, C (1 - c)/0.5.
    # The best worst case is c = 1, b = 2: max(0.5, 0) = 0.5 per million.
    r = Planner.from_file(TINY, TARGET + ["equity.objective='min_max_shortfall'"]).solve()
    assert r.verifier.ok and r.report.has_plan
    assert r.measures["largest_shortfall_per_million"] == pytest.approx(0.5, abs=1e-6)
    eff = Planner.from_file(TINY, TARGET).solve()
    assert r.measures["largest_shortfall_per_million"] <= eff.measures["largest_shortfall_per_million"] + 1e-9


def test_epsilon_bound_on_shortfall_holds_and_is_verified():
    r = Planner.from_file(TINY, TARGET + ["equity.max_shortfall_per_million=0.5"]).solve()
    assert r.verifier.ok
    assert r.measures["largest_shortfall_per_million"] <= 0.5 + 1e-6
    tight = Planner.from_file(TINY, TARGET + ["equity.max_shortfall_per_million=0.4"]).solve()
    assert tight.report.status == "infeasible"  # 0.5 is the best any 3 units can do


def test_frontier_runs_from_efficiency_to_equity():
    calls = []
    fr = frontier(Planner.from_file(TINY, TARGET + ["budget.total_wan_cny=500"]), "shortfall", points=4,
                  progress=lambda done, total, label, r: calls.append((done, total, label)))
    t = fr.table
    # one progress call per plan, in the order solved: the two ends first, then the points between
    assert [c[0] for c in calls] == list(range(1, len(t) + 1)) and calls[-1][1] == len(t)
    assert calls[0][2] == "efficiency" and calls[1][2] == "equity"
    assert t["point"].iloc[0] == "efficiency" and t["point"].iloc[-1] == "equity"
    ok = t[t["status"].isin(["optimal", "time_limit"])]
    # equity never worse on its own measure; efficiency never worse on the weighted sum
    assert (np.diff(ok["measure"].to_numpy()) <= 1e-6).all()
    assert (np.diff(ok["weighted_sum_objective"].to_numpy()) >= -1e-6).all()
    assert all(r.verifier.ok for r in fr.results if r.report.has_plan)


def test_frontier_every_point_has_a_plan_each_started_from_the_plan_before():
    """Issue 25, item 2: the points between the ends are solved from the most equal to the most efficient, so
    each starts from a plan within its bound; on this small instance every point has a plan at once."""
    fr = frontier(Planner.from_file(SMALL), "shortfall", points=4, time_limit=20)
    t = fr.table
    assert len(t) == 4 and t["measure"].notna().all() and t["why_no_plan"].isna().all(), t
    assert (t["tries"] == 1).all() and all(r is not None and r.report.has_plan for r in fr.results)
    assert (t["start"].iloc[1:-1] == "previous plan").all(), t["start"]
    assert conclusion(t) == ("trade_off", 4, 4)
    assert fr.conclusion().startswith("4 of 4 points have a plan: ")


def no_plan_at_first(monkeypatch, tries_without: int) -> list[float]:
    """The equity end's first ``tries_without`` solves end as if their limit ran out before any plan."""
    import planner.studies.frontier as module

    real, limits = module.run_lexicographic, []

    def lexicographic(inp, pm, solver, what, time_limit, gap, duals):
        limits.append(time_limit)
        r = real(inp, pm, solver, what, time_limit, gap, duals)
        if len(limits) <= tries_without:
            r.report.status = Status.NO_SOLUTION
        return r

    monkeypatch.setattr(module, "run_lexicographic", lexicographic)
    return limits


def test_a_point_without_a_plan_is_tried_again_with_more_time(monkeypatch):
    limits = no_plan_at_first(monkeypatch, 1)
    fr = frontier(Planner.from_file(SMALL), "shortfall", points=4, time_limit=10)
    # the second try gets what the study's 4 x 10 s has left after the other solves, at least 10 s
    assert len(limits) == 2 and limits[0] == 10 and limits[1] >= 10
    end = fr.table.iloc[-1]
    assert end["tries"] == 2 and end["time_limit_s"] == limits[1] and end["measure"] is not None
    assert conclusion(fr.table) == ("trade_off", 4, 4)


def test_a_point_still_without_a_plan_says_why_and_concludes_nothing(monkeypatch):
    no_plan_at_first(monkeypatch, 2)
    fr = frontier(Planner.from_file(SMALL), "shortfall", points=4, time_limit=10)
    t = fr.table
    assert t["status"].tolist() == ["optimal", "not_solved", "not_solved", "no_solution"]
    # messages (study_words.*): the English as before, the CLI says them in --lang
    assert str(t["why_no_plan"].iloc[-1]).startswith("no plan found within the time limit, tried 2 time(s) (10 s then ")
    assert str(t["why_no_plan"].iloc[1]) == ("not solved: the most equal end has no plan, so the bounds ε between "
                                        "the ends are unknown")
    assert fr.results[1] is None and fr.results[2] is None and fr.results[0].report.has_plan
    assert conclusion(t) == ("ends_missing", 1, 4)
    assert "no trade-off" not in fr.conclusion() and fr.conclusion().startswith("1 of 4 points have a plan")


@pytest.mark.slow
def test_baseline_frontier_whose_most_equal_end_has_no_plan_at_first(monkeypatch):
    """The shipped baseline as issue 25 found it (the most equal end without a plan, then 'no trade-off'
    from 2 of 5 points): the end is tried again and has a plan, every point has one, and the trade-off is
    drawn from all 5. At 6 s a solve (about 20 s in all): at issue 25's 3 s the ends are cut off by their
    time limit on a loaded machine (two xdist workers and another job on 2 cores, or half a core), the
    efficiency end without its optimum and the equity end no better, and the frontier is these two."""
    limits = no_plan_at_first(monkeypatch, 1)
    fr = frontier(Planner.from_file(DATA.parents[1] / "models" / "baseline.toml"), "shortfall", points=5,
                  time_limit=6)
    t = fr.table
    assert len(limits) == 2 and limits[1] >= 6 and t["tries"].iloc[-1] == 2
    assert len(t) == 5 and t["measure"].notna().all() and t["why_no_plan"].isna().all(), t
    assert conclusion(t) == ("trade_off", 5, 5)
    assert t["measure"].iloc[-1] < t["measure"].iloc[0] - 1


def test_the_conclusion_is_drawn_only_from_points_with_a_plan():
    """The bug of issue 25, item 2: the most equal end had no plan, and 'no trade-off' was concluded."""
    def kind(*measures):
        return conclusion(pd.DataFrame({"measure": list(measures)}, dtype=object))

    assert kind(6.96, None, None, None, None) == ("ends_missing", 1, 5)
    assert kind(5.0, 5.0, None) == ("ends_missing", 2, 3)      # equal so far, but the equal end is missing
    assert kind(None, 4.0, 3.0) == ("ends_missing", 2, 3)
    assert kind(5.0, None, 5.0) == ("no_trade_off", 2, 3)
    assert kind(6.0, None, 3.0) == ("trade_off", 2, 3)
    assert kind(6.0, 3.0) == ("trade_off", 2, 2)


def test_gini_and_theil_by_hand():
    assert gini(np.array([1.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    assert theil(np.array([1.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.0)
    assert theil(np.array([0.0, 2.0]), np.array([1.0, 1.0])) == pytest.approx(np.log(2))
    # population weights count people: (x=1, 3 people) and (x=5, 1 person): mean 2
    # Gini = sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean) = 2 * 3 * 1 * 4 / (2 * 16 * 2) = 0.375
    assert gini(np.array([1.0, 5.0]), np.array([3.0, 1.0])) == pytest.approx(0.375)


def test_weighted_gini_matches_the_pairwise_definition():
    rng = np.random.default_rng(3)
    for _ in range(20):
        x, w = rng.uniform(0, 10, 7), rng.uniform(0.1, 5, 7)
        mean = np.average(x, weights=w)
        pair = sum(w[i] * w[j] * abs(x[i] - x[j]) for i, j in itertools.product(range(7), repeat=2))
        assert gini(x, w) == pytest.approx(pair / (2 * w.sum() ** 2 * mean))


# ------------------------------------------------------------------------------ alternatives
def test_alternatives_are_within_the_percentage_and_differ():
    p = Planner.from_file(TINY, TARGET)
    calls = []
    alt = alternatives(p, k=2, within_pct=10.0, progress=lambda done, total, label, r: calls.append((done, total, label)))
    best = alt.table["weighted_sum_objective"].iloc[0]
    assert calls == [(i + 1, 3, "best" if i == 0 else f"alternative {i}") for i in range(len(alt.results))]
    assert len(alt.results) >= 2
    for i, r in enumerate(alt.results[1:], start=1):
        assert r.verifier.ok
        # the weighted sum recomputed by the verifier from the plan's tables, not HiGHS's (MGA) objective
        assert r.verifier.recomputed["weighted_sum_objective"] <= best + 0.10 * max(abs(best), 1) + 1e-6
        assert r.measures["weighted_sum_objective"] <= best + 0.10 * max(abs(best), 1) + 1e-6
        assert alt.table["units_moved_pct"].iloc[i] > 0
    assert set(alt.by_region.columns) >= {"region_code", "modality", "best", "alternative_1"}


def test_bad_requests_are_plain_errors():
    p = Planner.from_file(TINY)
    with pytest.raises(PlannerError, match="shortfall"):
        frontier(p, "shortfall")  # tiny has no target
    with pytest.raises(PlannerError, match="alternatives"):
        alternatives(p, k=0)


def test_scenario_errors_name_the_key():
    with pytest.raises(PlannerError, match="access.exam_types"):
        Planner.from_file(TINY, ["access.exam_types=['XR']"])
    with pytest.raises(PlannerError, match="cap_minutes"):
        Planner.from_file(ACCESS, ["access.cap_minutes=30"])


def test_cli_writes_access_equity_files(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["solve", str(ACCESS), "--out", str(tmp_path / "s"), "--quiet"])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert s["measures"]["mean_minutes_CT"] == pytest.approx(0.2 * 50 / 2.7)
    assert (tmp_path / "s" / "access.csv").exists() and (tmp_path / "s" / "equity.csv").exists()
    res = CliRunner().invoke(app, ["alternatives", str(TINY), "--out", str(tmp_path / "a"), "-k", "1",
                                   "--within", "10", *sum((["--set", o] for o in TARGET), [])])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a" / "alternatives.csv").exists() and (tmp_path / "a" / "best" / "plan.csv").exists()
    res = CliRunner().invoke(app, ["frontier", str(TINY), "--out", str(tmp_path / "f"), "--points", "3",
                                   *sum((["--set", o] for o in TARGET), [])])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "f" / "frontier.csv").exists()


def test_unreachable_access_rule_is_refused_before_solving():
    # no hospital in C or D, so CT only in A and B: C is 50 and D 100 minutes from them; limit 40
    p = Planner.from_file(ACCESS, ["access.limit_minutes=40", "access.require_within_limit=true",
                                   "regions.facilities='facilities_ab.csv'"])
    assert not p.checks.ok
    assert "丙 (100003)" in str(p.checks.errors[0]) and "丁 (100004)" in str(p.checks.errors[0])


def test_sweep_over_equity_objective_and_access_weight_reports_the_measures(tmp_path):
    from planner.distributed.batch import BatchRunner, grid

    cases = grid(TINY, ["equity.objective=efficiency,min_max_shortfall"], TARGET)
    df = BatchRunner(cases, tmp_path / "eq", workers=1).run().set_index("equity.objective")
    assert set(df["status"]) == {"optimal"}
    assert df.loc["min_max_shortfall", "largest_shortfall_per_million"] == pytest.approx(0.5, abs=1e-6)
    assert df.loc["min_max_shortfall", "largest_shortfall_per_million"] <= \
        df.loc["efficiency", "largest_shortfall_per_million"] + 1e-9
    assert {"gini_CT", "theil_CT"} <= set(df.columns)
    cases = grid(ACCESS, ["budget.total_wan_cny=0,100,200"])
    df = BatchRunner(cases, tmp_path / "acc", workers=1).run().set_index("budget.total_wan_cny")
    # more money never lengthens travel: 0 -> D 100 min mean 0.5*50+0.2*100 over 2.7 M; 100 -> C bought; 200 -> both
    assert df["mean_minutes_CT"].to_list() == pytest.approx([45 / 2.7, 10 / 2.7, 0.0])


def test_objective_counts_travel_no_purchase_can_change_and_the_verifier_agrees():
    # No hospital in C or D: nothing bought changes their travel (C 50, D 100 minutes), so the whole
    # objective is the constant 0.5 M x 50 + 0.2 M x 100 = 45 (万元 at 1 per million person-minutes).
    r = Planner.from_file(ACCESS, ["regions.facilities='facilities_ab.csv'"]).solve()
    assert r.report.objective == pytest.approx(45.0, abs=1e-6)
    assert r.measures["weighted_sum_objective"] == pytest.approx(45.0, abs=1e-6)
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(45.0, abs=1e-6)


def test_verifier_recomputes_the_objective_of_an_optimal_plan():
    r = Planner.from_file(TINY, TARGET).solve()
    assert r.report.status == "optimal"
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(r.report.objective, rel=1e-6)


def test_alternatives_say_how_they_differ():
    alt = alternatives(Planner.from_file(TINY, TARGET), k=1, within_pct=10.0)
    text = alt.differences()
    assert len(text) == 1 and text[0].startswith("alternative 1: ")
    # every move named is a real difference of the side-by-side table
    br = alt.by_region.set_index("region_code")
    for code in br.index[(br["alternative_1"] - br["best"]).abs() > 0]:
        assert f"({code}) CT" in text[0]


def test_an_unproven_equity_stage_leaves_a_status_the_app_can_read(monkeypatch):
    """The equity-first solve whose first stage ends at its time limit: the whole is not proven, and its
    status is the Status the app asks .has_solution of (bbb6581: it was the string 'time_limit', and the
    frontier page crashed with AttributeError at the most-equal end)."""
    import planner.planning.lexicographic as module

    real, calls = module.run, []

    def run(*args, **kw):
        r = real(*args, **kw)
        calls.append(r)
        if len(calls) == 1:  # stage one as if its time ran out before the proof
            r.report.status = Status.TIME_LIMIT
        return r

    monkeypatch.setattr(module, "run", run)
    r = Planner.from_file(SMALL, ["equity.objective=min_max_shortfall"]).solve()
    assert len(calls) == 2
    assert r.report.status is Status.TIME_LIMIT and r.report.status.has_solution and r.report.has_plan
    assert r.verifier.ok, r.verifier.violations


def test_held_bound_is_the_stage_one_value_plus_the_gap_tolerance():
    from planner.planning.lexicographic import held_bound

    np.testing.assert_allclose(held_bound(np.array([0.5, 2.0, 0.0]), 0.2), [0.6, 2.4, 1e-6])
    np.testing.assert_allclose(held_bound(np.array([1.7174]), 0.0), [1.7174 + 1.7174e-6])


def test_stage_two_holds_the_measure_within_the_gap_tolerance_not_to_the_last_digit(monkeypatch):
    """Issue 25, item 2: held to stage one's value + 1e-6, the baseline's most equal end kept a plan 13x worse
    than needed at 10 s (benchmarks/results/equity_end_hold_latest.md). Tiny: the largest shortfall is at best
    0.5 per million; with a 20 % gap tolerance stage two may let it reach 0.6, and the plan still keeps it."""
    from planner.planning.solve import Solver

    real, uppers = Solver.set_upper, []

    def set_upper(self, columns, upper):
        uppers.append(np.array(upper, dtype=float))
        return real(self, columns, upper)

    monkeypatch.setattr(Solver, "set_upper", set_upper)
    r = Planner.from_file(TINY, TARGET + ["equity.objective='min_max_shortfall'", "solver.mip_rel_gap=0.2"]).solve()
    assert r.report.has_plan and r.verifier.ok, r.verifier.violations
    assert uppers[0] == pytest.approx([0.6])          # stage two's hold, then the scenario's own bound back
    assert r.measures["largest_shortfall_per_million"] <= 0.6 + 1e-9
