"""The best plan is never lost (issue 24, item 1): a plan HiGHS was handed or shown, and that it did not beat,
is valued on the full model with its purchases fixed and kept, with HiGHS's status and proven bound."""

from __future__ import annotations

import numpy as np
import pytest

from planner import Planner
from planner.paths import MODELS_DIR

BASELINE = MODELS_DIR / "baseline.toml"


@pytest.fixture(scope="module")
def solved():
    """The shipped national scenario by province, solved to its gap (about 2 s)."""
    p = Planner.from_file(BASELINE)
    r = p.solve(time_limit=60)
    assert r.report.status == "optimal"
    return p, r


def test_stop_at_once_after_a_budget_whatif_keeps_the_quick_plan():
    """A budget cut of 5 %: the quick plan is on screen, then Stop before HiGHS finds anything (the app's
    Stop and Ctrl-C). Before, the solve said 'stopped before any plan was found' and the quick plan was
    lost; now the stop keeps it, verified, labelled interrupted."""
    p = Planner.from_file(BASELINE)
    p.solve(time_limit=60)
    p.set_budget(p.scenario.budget.total_wan_cny * 0.95)
    quick = p.quick_plan()
    assert quick is not None and quick.verifier.ok
    p.cancel()
    r = p.solve()
    assert r.report.status == "interrupted"
    assert r.report.objective == pytest.approx(quick.report.objective, rel=1e-9)
    assert "quick plan" in str(r.report.message)
    assert r.verifier.ok, r.verifier.violations
    bought = r.plan.groupby(["region_code", "tier", "modality"])["new_units"].sum()
    shown = quick.plan.groupby(["region_code", "tier", "modality"])["new_units"].sum()
    assert bought.to_dict() == shown.to_dict()


def test_a_known_plan_better_than_highs_first_answer_is_kept(solved):
    """HiGHS stopped at its first plan of its own (no start handed over) returns something worse than the
    optimum found before; keep_best values the known plan on the full model and returns it, with HiGHS's
    bound (never above the plan kept)."""
    p, best = solved
    solver = p._solver
    ints = np.flatnonzero(p._pm.integer)
    first = solver.highs.solve(60, first_solution=True)
    assert first.objective > best.report.objective + 1.0  # HiGHS's first plan is worse (a real run)
    solver._known.append(("previous plan", ints, solver._last))
    kept, label = solver.keep_best(first, 30)
    assert label == "previous plan"
    assert kept.objective == pytest.approx(best.report.objective, rel=1e-9)
    assert kept.status == first.status
    assert kept.bound is None or kept.bound <= kept.objective + 1e-6
    assert solver._known == []  # judged once


def test_a_known_plan_that_breaks_the_new_budget_is_not_kept(solved):
    """The previous optimum spends more than a budget cut of 20 % allows: valued on the cut model it is
    infeasible, so HiGHS's own plan stays, however much worse its objective looks."""
    p, best = solved
    solver = p._solver
    ints = np.flatnonzero(p._pm.integer)
    previous = solver._last.copy()
    p.set_budget(p.scenario.budget.total_wan_cny * 0.8)
    try:
        solver._handoff()
        first = solver.highs.solve(60, first_solution=True)
        assert first.objective is not None
        solver._known.append(("previous plan", ints, previous))
        kept, label = solver.keep_best(first, 30)
        assert label is None and kept is first
    finally:
        p.set_budget(p.scenario.budget.total_wan_cny / 0.8)


def test_a_start_highs_values_wrongly_in_presolve_does_not_end_the_search():
    """Beijing's 16 districts (county benchmark, budget price 0.5): the LP rounded and handed over as a
    partial start is worth 30,508, but HiGHS 1.16 counts it 29,545 in its presolved space, below the true
    optimum, stops at once as 'optimal' and returns the plan worth 30,508. The adapter values the plan
    itself, sees the mismatch and runs again from no start: the optimum, 30,052.9, proven."""
    from planner.distributed.provinces import Subproblem, split
    from planner.planning.solve import relax_and_round
    from tests.test_decompose import SCENARIO, THREE

    part = split(Planner.from_file(SCENARIO, THREE).inputs)[0]
    sub = Subproblem(part)
    sub._prepare(np.array([0.5]), "mip", None, np.flatnonzero(sub.integer))
    h = sub.highs
    cold = h.solve(120, 1e-6)
    assert cold.status == "optimal"
    assert relax_and_round(sub.pm, h, 120) is not None
    warm = h.solve(120, 1e-6)
    assert warm.objective == pytest.approx(float(h.cost @ warm.x) + h.offset, rel=1e-12)  # what the plan is worth
    assert warm.status == "optimal" and warm.objective == pytest.approx(cold.objective, rel=1e-6)
    assert warm.bound <= warm.objective + 1e-6


def test_a_stopped_whatif_states_both_gaps_when_the_floor_is_known():
    """The floor no budget goes below is found once per model and kept across budget what-ifs; a Stop after
    a what-if runs no LP, but states the gap against what purchases can change from the floor it has."""
    p = Planner.from_file(BASELINE)
    first = p.solve(time_limit=60)
    assert first.report.floor is not None
    p.set_budget(p.scenario.budget.total_wan_cny * 0.95)
    p.quick_plan()
    p.cancel()
    r = p.solve()
    assert r.report.status == "interrupted"
    assert r.report.floor == pytest.approx(first.report.floor)
    assert "of what purchases can change" in str(r.report.message)


def test_a_second_stop_while_the_quick_plan_is_valued_still_keeps_it(monkeypatch):
    """The planner presses Stop again while the stopped solve is valuing the quick plan (HighsModel.complete):
    the valuation is not interrupted, and the quick plan is kept."""
    from planner.planning.solve import Solver

    p = Planner.from_file(BASELINE)
    p.solve(time_limit=60)
    p.set_budget(p.scenario.budget.total_wan_cny * 0.95)
    quick = p.quick_plan()
    pressed = []
    judge = Solver.keep_best

    def keep_best(self, res, limit, rel_gap=None):
        def again(event):  # HiGHS's own interrupt check during the valuation LP: the second Stop
            if not pressed:
                pressed.append(True)
                self.cancel()
        self.highs._h.cbSimplexInterrupt += again
        try:
            return judge(self, res, limit, rel_gap)
        finally:
            self.highs._h.cbSimplexInterrupt -= again

    monkeypatch.setattr(Solver, "keep_best", keep_best)
    p.cancel()
    r = p.solve()
    assert pressed  # the second Stop came while the plan was being valued
    assert r.report.status == "interrupted"
    assert r.report.objective == pytest.approx(quick.report.objective, rel=1e-9)


def test_without_warm_starts_a_stop_still_keeps_the_quick_plan():
    """solver.warm_start = false: the quick plan is not HiGHS's start, but it was on screen, so a Stop keeps it."""
    p = Planner.from_file(BASELINE, ["solver.warm_start=false"])
    p.solve(time_limit=60)
    p.set_budget(p.scenario.budget.total_wan_cny * 0.95)
    quick = p.quick_plan()
    assert quick is not None
    p.cancel()
    r = p.solve()
    assert r.report.status == "interrupted"
    assert r.report.objective == pytest.approx(quick.report.objective, rel=1e-9)


def test_a_kept_plan_within_the_gap_of_the_proven_bound_is_called_optimal(solved):
    """HiGHS stopped at its first plan (time-limited); the previous optimum, handed over and kept, lies
    within the requested gap of HiGHS's proven bound: that is a proof, and the status says 'optimal'.
    With a requested gap below the kept plan's, it stays 'time_limit'."""
    from planner.solver import relative_gap

    p, best = solved
    solver = p._solver
    ints = np.flatnonzero(p._pm.integer)
    solver._handoff()
    for tighter in (False, True):
        first = solver.highs.solve(60, first_solution=True)
        assert first.status == "time_limit" and first.objective > best.report.objective + 1e-6
        solver._known.append(("previous plan", ints, solver._last.copy()))
        g = relative_gap(best.report.objective, min(first.bound, best.report.objective))
        kept, label = solver.keep_best(first, 30, g / 2 if tighter else g + 1e-9)
        assert label == "previous plan"
        assert kept.objective == pytest.approx(best.report.objective, rel=1e-9)
        assert kept.status == ("time_limit" if tighter else "optimal")
