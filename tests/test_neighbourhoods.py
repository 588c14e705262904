"""Neighbourhood search after the MIP (planning/neighbourhoods.py): its groups of regions, and what it finds
from given plans on a hand-worked instance, with the verifier on the plan it returns."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from planner import Planner
from planner.planning import neighbourhoods as nb
from planner.planning.pipeline import _finish
from planner.planning.solve import SolveReport, _neighbourhood_words
from planner.solver import Progress, Status
from planner.solver.deadline import Deadline
from tests.conftest import REPO, one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    100001,甲,Alpha,1000000
    100002,乙,Beta,2000000
    100003,丙,Gamma,500000
"""
STOCK = """
    code,tier,modality,units
    100001,hospital,CT,2
    100002,hospital,CT,1
"""


def _frame(codes, parents=None) -> pd.DataFrame:
    df = pd.DataFrame({"code": codes})
    if parents is not None:
        df["parent_code"] = parents
    return df


def test_groups_are_parents_then_prefectures_then_runs():
    by_parent = nb.region_groups(_frame(["1", "2", "3", "4"], ["a", "b", "a", "b"]))
    assert [g.tolist() for g in by_parent] == [[0, 2], [1, 3]]
    counties = nb.region_groups(_frame(["510104", "510105", "510302", "510104"]))
    assert [g.tolist() for g in counties] == [[0, 1, 3], [2]]   # by the prefecture 5101xx / 5103xx
    provinces = nb.region_groups(_frame([f"{i:02d}0000" for i in range(11, 42)]))   # no parent, 31 regions
    assert [len(g) for g in provinces] == [12, 12, 7]
    one_parent = nb.region_groups(_frame([str(i) for i in range(20)], ["x"] * 20))
    assert [len(g) for g in one_parent] == [10, 10]   # one group of everything would be the whole MIP again
    big = nb.region_groups(_frame([str(i) for i in range(60)], ["x"] * 50 + ["y"] * 10))
    assert [len(g) for g in big] == [17, 17, 16, 10] and max(len(g) for g in big) <= nb.MAX_GROUP
    assert nb.merged([np.array([0]), np.array([1]), np.array([2])])[0].tolist() == [0, 1]


@pytest.fixture
def tiny(case):
    """Alpha: 1 M people x 50/1,000 = 50 thousand exams, 2 units = 20, 30 unmet. Beta: 100, 1 unit, 90 unmet.
    Gamma: 25, no unit, 25 unmet. 300 万元 buys 3 units of 10 thousand exams; unmet is priced 10 a thousand.
    Nothing bought: 145 unmet, 1,450. Any three units that each close a full 10: 115 unmet, 1,150 (the
    optimum). Three units in Gamma close 10 + 10 + 5: 120 unmet, 1,200. The search is on (the default)."""
    p = Planner.from_file(case(one_tier_ct(budget=300), regions=REGIONS, stock=STOCK))
    pm = p.build()
    p._solver._handoff()
    return p, pm, p._solver.highs


def _plan(pm, highs, units_by_region: dict[int, float]):
    """The whole model's best completion of a plan that buys ``units_by_region`` in 2026 (nothing else)."""
    x = pm.col("x")
    values = np.zeros(len(x))
    r = pm.families["x"].index["r"].to_numpy()
    for region, units in units_by_region.items():
        values[np.flatnonzero(r == region)[0]] = units
    done = highs.complete(x, values, 30)
    assert done.status == Status.OPTIMAL
    return done


def test_one_region_at_a_time_reaches_the_optimum_from_nothing(tiny):
    """From the plan that buys nothing (1,450), Alpha's group alone buys three units (the whole budget):
    1,150, the optimum; Beta and Gamma then find nothing better."""
    p, pm, highs = tiny
    start = _plan(pm, highs, {})
    assert start.objective == pytest.approx(1450.0)
    bounds = (highs.lower.copy(), highs.upper.copy())
    found = nb.search(highs, nb.region_of_integers(pm), [np.array([0]), np.array([1]), np.array([2])],
                      start.x, start.objective, 60.0)
    assert found.objective == pytest.approx(1150.0) and found.improved >= 1 and found.start_objective == 1450.0
    assert np.round(found.x[pm.col("x")]).sum() == 3
    # nothing left fixed, in the adapter's copy and in HiGHS's own model
    assert np.array_equal(highs.lower, bounds[0]) and np.array_equal(highs.upper, bounds[1])
    lp = highs._h.getLp()
    assert np.allclose(np.minimum(lp.col_upper_, 1e30), np.minimum(bounds[1], 1e30))


def test_a_group_alone_cannot_move_money_out_of_it_but_a_larger_one_can(tiny):
    """Three units in Gamma (1,200) spend the budget: Alpha or Beta alone has no money, and Gamma alone can
    only drop its third unit (5 thousand exams unserved more, no unit elsewhere): each group alone is at its
    best, and so are the merged groups of the next pass (Alpha with Beta, Gamma): 5 group solves, nothing
    found. Beta and Gamma together move Gamma's third unit (at least) to Beta: 1,150."""
    p, pm, highs = tiny
    start = _plan(pm, highs, {2: 3})
    assert start.objective == pytest.approx(1200.0)
    region_of = nb.region_of_integers(pm)
    alone = nb.search(highs, region_of, [np.array([0]), np.array([1]), np.array([2])], start.x, start.objective, 60.0)
    assert alone.x is None and alone.objective == pytest.approx(1200.0) and alone.tried == 5 and alone.improved == 0
    together = nb.search(highs, region_of, [np.array([1, 2])], start.x, start.objective, 60.0)
    assert together.objective == pytest.approx(1150.0)
    x = np.round(together.x[pm.col("x")])
    r = pm.families["x"].index["r"].to_numpy()
    # Alpha was held at nothing; Beta and Gamma hold three units that each close a full 10 (Gamma at most 2)
    assert x[r == 0].sum() == 0 and x.sum() == 3 and x[r == 2].sum() <= 2


def test_the_solver_reports_the_search_and_the_verifier_checks_its_plan(tiny):
    """A time-limited result at Gamma's three units (1,200, bound 1,150: 4.2 %) goes through the solver's
    search step: its plan is 1,150, proven within the gap (status optimal), its status names both objectives
    in both languages, and the verifier, from the scenario's tables, passes the plan and its objective."""
    p, pm, highs = tiny
    start = _plan(pm, highs, {2: 3})
    late = dataclasses.replace(start, status=Status.TIME_LIMIT, bound=1150.0)
    solver = p._solver
    # the tiny regions' codes are of one prefecture (1000xx) and 3 (below GROUP_SIZE): one group of every region
    res = solver._search_neighbourhoods(late, Deadline(60.0), 0.0, 0.001)
    assert res.objective == pytest.approx(1150.0) and res.status == Status.OPTIMAL and res.bound == 1150.0
    assert solver.neighbourhood is not None and solver.neighbourhood.improved == 1
    words = _neighbourhood_words(solver.neighbourhood, 1200.0)
    assert "1,200.0" in str(words) and "1,150.0" in str(words) and "1,150.0" in words.render("zh")
    pm.solution = res.x
    rep = SolveReport(status=res.status, termination="test", objective=res.objective, bound=res.bound,
                      gap=0.0, build_seconds=0.0, handoff_seconds=0.0, solve_seconds=0.0, mip_nodes=None,
                      message=words)
    result = _finish(pm.inp, pm, rep)
    assert result.verifier.ok, result.verifier.violations
    assert result.plan["new_units"].sum() == 3


def test_on_by_default_skipped_when_the_plan_is_proven_and_off_when_asked(tiny, case):
    p, pm, highs = tiny
    assert p.scenario.solver.neighbourhood_search
    r = p.solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(1150.0)
    assert p._solver.neighbourhood is None   # proven by HiGHS: nothing to search
    assert r.verifier.ok, r.verifier.violations
    off = Planner.from_file(case(one_tier_ct(budget=300), regions=REGIONS, stock=STOCK),
                            ["solver.neighbourhood_search=false"])
    late = dataclasses.replace(_plan(pm, highs, {2: 3}), status=Status.TIME_LIMIT, bound=1150.0)
    off.build()
    off._solver._handoff()
    assert off._solver._search_neighbourhoods(late, Deadline(60.0), 0.0, 0.001) is late


def test_the_stall_fires_after_half_the_limit_once_the_plan_stalled_for_a_tenth_of_it():
    """Limit 120 s: not before 60 s, and 12 s after the last better plan. Plans at 3, 39 and 49 s: at 60 s the
    plan is 11 s old, no; a report of the same plan does not restart the clock; at 61 s it is 12 s old: fired.
    A plan found at 5 s and nothing after: not before 60 s. Every report is passed on."""
    seen = []
    st = nb.Stall(120.0, 0.01, seen.append)
    for t, inc in ((3.0, 221_000.0), (39.0, 209_000.0), (49.0, 202_746.0), (55.0, 202_746.0), (60.0, 202_746.0)):
        st(Progress(t, inc, 196_000.0))
        assert not st.fired, t
    st(Progress(61.0, 202_746.0, 196_000.0))
    assert st.fired and len(seen) == 6
    early = nb.Stall(120.0, 0.01)
    early(Progress(5.0, 10.0, None))
    early(Progress(59.9, 10.0, 5.0))
    assert not early.fired
    early(Progress(60.0, 10.0, 5.0))
    assert early.fired
    nothing = nb.Stall(10.0, 0.01)   # no plan: never (at least 5 s of stall otherwise)
    nothing(Progress(9.0, None, 5.0))
    assert not nothing.fired


def test_the_stall_leaves_a_mip_whose_bound_would_prove_the_gap_in_time():
    """Limit 100 s, gap 1 %, plan 1,000 from 1 s: the bound that proves it is 990. A bound rising from 900 at 40 s
    to 950 at 50 s (5 a second) reaches 990 in 8 s, well within the 50 s left: no stall at 50 s. A bound at 951
    at 60 s (0.1 a second over the window, 4 in the 40 s left): fired."""
    st = nb.Stall(100.0, 0.01)
    st(Progress(1.0, 1000.0, 800.0))
    st(Progress(40.0, 1000.0, 900.0))
    st(Progress(50.0, 1000.0, 950.0))
    assert not st.fired
    st(Progress(60.0, 1000.0, 951.0))
    assert st.fired


def test_a_stop_ends_the_search_between_groups_with_its_best_plan(tiny):
    """From nothing (1,450) with singleton groups, a Stop asked after the first group's solve: Alpha's three
    units (1,150) are kept, no other group is tried."""
    p, pm, highs = tiny
    start = _plan(pm, highs, {})
    asked = iter([False, False, True])   # checked before the loop, before group 1, then before group 2
    found = nb.search(highs, nb.region_of_integers(pm), [np.array([0]), np.array([1]), np.array([2])],
                      start.x, start.objective, 60.0, stop=lambda: next(asked, True))
    assert found.tried == 1 and found.objective == pytest.approx(1150.0)


def test_a_stalled_mip_is_searched_and_verified(monkeypatch):
    """small.toml (31 provinces, 2 years) at a 0 gap, which HiGHS does not prove at once, with the stall set to
    fire at the first report after a plan (no wait, no share of the limit): the MIP stops, the search runs over
    the province groups and the result is verified from the scenario's tables. Its status is time-limited or
    proven; never 'interrupted' (no Stop was asked), and the stall is not left behind."""
    monkeypatch.setattr(nb, "EARLIEST_SHARE", 0.0)
    monkeypatch.setattr(nb, "STALL_SHARE", 0.0)
    monkeypatch.setattr(nb, "STALL_MIN_S", 0.0)
    p = Planner.from_file(REPO / "tests" / "data" / "app_models" / "small.toml", ["solver.compute_duals=false"])
    seen = []
    r = p.solve(time_limit=20.0, gap=0.0, progress=seen.append)
    assert p._solver._stalled and p._solver._stall is None
    # one clock through the MIP, the search and any HiGHS run after it: a display never counts back
    assert all(b.seconds >= a.seconds - 1e-6 for a, b in zip(seen, seen[1:])), [q.seconds for q in seen]
    assert p._solver.neighbourhood is not None and p._solver.neighbourhood.tried >= 1
    assert r.report.status in ("time_limit", "optimal")
    assert r.verifier.ok, r.verifier.violations
    assert "group" in str(r.report.message)
