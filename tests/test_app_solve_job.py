"""The app's solve job (app/solve_job.py): a budget what-if's quick plan and solve share one deadline, as
Planner.resolve_with_budget's do."""

from __future__ import annotations

import time

import pytest

from planner import Planner
from planner.api import QUICK_PLAN_MAX_S
from planner.solver.deadline import Deadline
from tests.test_race import SMALL


def _recorded(planner: Planner, monkeypatch, quick_takes: float = 0.0) -> dict:
    """Planner.quick_plan and Planner.solve of ``planner``, recording what they are given (the quick plan
    taking ``quick_takes`` seconds more)."""
    seen: dict = {}
    quick_plan, solve = planner.quick_plan, planner.solve

    def slow_quick(time_limit=QUICK_PLAN_MAX_S):
        seen["quick_limit"] = time_limit
        time.sleep(quick_takes)
        return quick_plan(time_limit)

    def solve_seen(time_limit=None, **kw):
        seen["solve_limit"] = time_limit
        seen["left"] = time_limit.left() if isinstance(time_limit, Deadline) else None
        return solve(time_limit=time_limit, **kw)

    monkeypatch.setattr(planner, "quick_plan", slow_quick)
    monkeypatch.setattr(planner, "solve", solve_seen)
    return seen


def test_an_app_what_if_draws_the_quick_plan_and_the_solve_from_one_deadline(monkeypatch):
    """A what-if with an 8 s limit: the quick plan may take a quarter (2 s), and the solve gets what the
    quick plan (here 1 s) left of the same 8 s. Before, the quick plan had its own 5 s and the solve the
    whole limit after it: a what-if could take its limit plus 5 s. The quick plan still comes first."""
    from planner_app.solve_job import SolveJob

    p = Planner.from_file(SMALL, ["solver.time_limit_s=8"])
    assert p.solve().report.has_plan
    p.set_budget(p.scenario.budget.total_wan_cny * 0.8)
    seen = _recorded(p, monkeypatch, quick_takes=1.0)
    job = SolveJob(p, p.loaded, p.scenario.budget.total_wan_cny)
    job._run()
    assert job.error is None, job.error
    assert job.quick is not None and job.quick.report.status == "quick"
    assert job.result is not None and job.result.verifier.ok
    assert 0 < seen["quick_limit"] <= min(QUICK_PLAN_MAX_S, 0.25 * 8) + 1e-9
    assert isinstance(seen["solve_limit"], Deadline) and seen["solve_limit"].seconds == pytest.approx(8.0)
    assert seen["left"] <= 8.0 - 1.0


def test_an_app_first_solve_keeps_its_whole_limit_after_the_build(monkeypatch):
    """A first solve has no quick plan; the model is built inside solve(), whose limit starts after it."""
    from planner_app.solve_job import SolveJob

    p = Planner.from_file(SMALL)
    seen = _recorded(p, monkeypatch)
    job = SolveJob(p, p.loaded, p.scenario.budget.total_wan_cny)
    job._run()
    assert job.error is None and job.result is not None and job.quick is None
    assert seen["solve_limit"] is None and "quick_limit" not in seen
