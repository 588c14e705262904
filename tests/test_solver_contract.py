"""Contract tests of the solver boundary (planner.solver): every adapter method on tiny models whose
answers are worked out by hand. They run on the lock's highspy in `make test` and on the newest release
in `make test-latest`, so an upstream change shows here first."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.sparse as sp

from planner.solver import HighsModel, SolveResult, Status, relative_gap
from planner.solver import compat

INF = np.inf


def knapsack(**kw) -> HighsModel:
    """max 5a + 4b + 3c  s.t.  2a + 3b + c <= 5,  4a + b + 2c <= 11,  3a + 4b + 2c <= 8, a,b,c >= 0 integer
    (Chvatal's LP example as a MIP: the LP optimum is 13 at (2, 0, 1), which is integral)."""
    A = sp.csr_matrix(np.array([[2.0, 3, 1], [4, 1, 2], [3, 4, 2]]))
    return HighsModel([5.0, 4, 3], np.zeros(3), np.full(3, INF), np.ones(3, bool), A, np.full(3, -INF),
                      [5.0, 11, 8], maximize=True, **kw)


def two_items(**kw) -> HighsModel:
    """min -x - y  s.t.  x + y <= 4.5, 0 <= x, y <= 3 integer: optimum -4 (4 whole units fit)."""
    return HighsModel([-1.0, -1.0], [0, 0], [3, 3], [True, True], sp.csr_matrix([[1.0, 1.0]]), [-INF], [4.5], **kw)


def market_split(seed: int = 1, **kw) -> HighsModel:
    """A 4 x 30 market-split feasibility problem (Cornuejols & Dawande 1999): tiny, and far beyond what
    branch and bound settles in seconds on any machine, so stopping it is the only way out."""
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 100, size=(4, 30)).astype(float)
    b = np.floor(A.sum(axis=1) / 2)
    return HighsModel(np.zeros(30), np.zeros(30), np.ones(30), np.ones(30, bool), sp.csr_matrix(A), b, b, **kw)


def test_build_and_solve_a_mip_and_its_relaxation():
    m = two_items()
    r = m.solve(60, 0.0)
    assert isinstance(r, SolveResult) and r.status is Status.OPTIMAL
    assert r.objective == pytest.approx(-4.0) and r.bound == pytest.approx(-4.0) and r.gap == 0.0
    assert r.x.sum() == pytest.approx(4.0) and np.allclose(r.x, np.round(r.x)) and r.nodes is not None
    with m.relaxed():
        lp = m.solve(60, duals=True)
    assert lp.status is Status.OPTIMAL and lp.objective == pytest.approx(-4.5) and lp.bound == lp.objective
    assert lp.row_dual == pytest.approx([-1.0])  # HiGHS's sign: a binding <= row of a minimisation
    assert m.integer.all() and m.solve(60, 0.0).objective == pytest.approx(-4.0)  # integrality restored


def test_a_basis_from_a_point_starts_the_lp_at_the_same_optimum():
    """Chvatal's LP from a basis made by crossover at the feasible point (1, 0, 1) (objective 8): the LP
    ends at its optimum 13 at (2, 0, 1), as from a cold start, and the integrality is restored after."""
    m = knapsack()
    m.solve(60, 0.0)                      # a MIP first: HiGHS then holds no LP basis worth keeping
    with m.relaxed():
        x = np.array([1.0, 0.0, 1.0])
        A = sp.csr_matrix(np.array([[2.0, 3, 1], [4, 1, 2], [3, 4, 2]]))
        assert m.basis_from(x, A @ x) is True
        lp = m.solve(60)
    assert lp.status is Status.OPTIMAL and lp.objective == pytest.approx(13.0) and lp.x == pytest.approx([2.0, 0.0, 1.0])
    assert m.integer.all()


def test_a_basis_from_a_point_in_a_thread_that_has_not_run_highs():
    """The app makes its quick plan in a solve thread of its own, where crossover came before any run and
    crashed the process (HiGHS's scheduler was not started there). Now it is started first."""
    m = knapsack()
    m.solve(60, 0.0)
    A = sp.csr_matrix(np.array([[2.0, 3, 1], [4, 1, 2], [3, 4, 2]]))
    out = {}

    def quick() -> None:
        with m.relaxed():
            x = np.array([1.0, 0.0, 1.0])
            out["basis"] = m.basis_from(x, A @ x)
            out["lp"] = m.solve(60).objective

    t = threading.Thread(target=quick)
    t.start()
    t.join()
    assert out == {"basis": True, "lp": pytest.approx(13.0)}


def test_maximise_with_offset():
    m = knapsack(offset=2.0)
    r = m.solve(60, 0.0)
    assert r.status is Status.OPTIMAL and r.objective == pytest.approx(15.0)
    assert r.x == pytest.approx([2.0, 0.0, 1.0])


def test_change_costs_column_bounds_and_row_bounds_in_place():
    m = two_items()
    m.set_row_bounds([0], [-INF], [1.5])
    assert m.solve(60, 0.0).objective == pytest.approx(-1.0)
    m.set_row_bounds([0], [-INF], [4.5])
    m.set_costs([0, 1], [-1.0, -3.0], offset=10.0)
    r = m.solve(60, 0.0)
    assert r.objective == pytest.approx(10 - 1 - 9) and r.x == pytest.approx([1.0, 3.0])
    m.set_col_bounds([1], [0.0], [2.0])
    assert m.solve(60, 0.0).x == pytest.approx([2.0, 2.0])
    with m.fixed([0], [0.0]):
        assert m.solve(60, 0.0).x == pytest.approx([0.0, 2.0])
    assert m.lower[0] == 0 and m.upper[0] == 3  # restored
    m.set_integrality([0, 1], [False, False])
    assert m.solve(60, 0.0).objective == pytest.approx(10 - 2.5 - 6)


def test_infeasible_and_unbounded_are_named():
    m = two_items()
    m.set_row_bounds([0], [7.0], [INF])  # x + y >= 7 with x, y <= 3
    r = m.solve(60, 0.0)
    assert r.status is Status.INFEASIBLE and r.x is None and r.objective is None and not r.status.has_solution
    lp = HighsModel([-1.0], [0.0], [INF], [False], sp.csr_matrix(np.zeros((1, 1))), [-INF], [1.0])
    assert lp.solve(60).status in (Status.UNBOUNDED, Status.INFEASIBLE)
    assert lp.solve(60).status is not Status.OPTIMAL


def test_a_start_is_used_full_or_sparse():
    m = knapsack()
    m.set_start(np.array([2.0, 0.0, 1.0]))
    assert m.solve(60, 0.0).objective == pytest.approx(13.0)
    m.set_start(cols=[0], values=[1.0])  # HiGHS completes the rest (or ignores what does not fit)
    assert m.solve(60, 0.0).objective == pytest.approx(13.0)


def test_time_limit_without_a_plan_is_not_called_optimal():
    r = market_split().solve(1.0, 0.0)
    assert r.status in (Status.NO_SOLUTION, Status.TIME_LIMIT) and not r.status.proven
    assert "Time limit" in r.detail


def test_an_lp_after_a_long_mip_gets_its_own_time():
    """HiGHS times an LP against the object's cumulative run time: after a MIP that used its 1 s, an LP
    with a 0.5 s limit stopped at once (time_limit, no solution). Each run now gets its own limit."""
    m = market_split()
    assert m.solve(1.0, 0.0).status in (Status.NO_SOLUTION, Status.TIME_LIMIT)
    assert m.run_seconds >= 1.0
    with m.relaxed():
        assert m.solve(0.5).status is Status.OPTIMAL  # the LP is feasible: x = 1/2 everywhere
    assert m.solve(0.5, 0.0).status in (Status.NO_SOLUTION, Status.TIME_LIMIT)  # and the MIP its own 0.5 s


def test_progress_reports_incumbent_and_bound_then_stop_keeps_the_best_plan():
    """A MIP with an easy first plan and a hard proof: progress sees a plan and a bound, and a stop asked
    from the progress callback itself (as a signal handler would) ends the run as 'interrupted' with it."""
    rng = np.random.default_rng(3)
    A = rng.integers(0, 100, size=(4, 30)).astype(float)
    b = np.floor(A.sum(axis=1) / 2)
    # market split with priced slack: any x is a plan, the best is hard to prove
    M = sp.hstack([sp.csr_matrix(A), sp.eye(4), -sp.eye(4)])
    m = HighsModel(np.r_[np.zeros(30), np.ones(8)], np.zeros(38), np.r_[np.ones(30), np.full(8, INF)],
                   np.r_[np.ones(30, bool), np.zeros(8, bool)], M, b, b, interruptible=True)
    seen = []
    stop = {"now": False}
    m.stop_when = lambda: stop["now"]

    def progress(p):
        seen.append(p)
        if p.incumbent is not None and p.seconds > 0.3:
            stop["now"] = True

    r = m.solve(600, 0.0, progress=progress)
    assert r.status is Status.INTERRUPTED and r.x is not None and "Interrupted by user" in r.detail
    assert any(p.incumbent is not None for p in seen) and any(p.bound is not None for p in seen)
    assert r.objective <= min(p.incumbent for p in seen if p.incumbent is not None) + 1e-9
    assert all(p.gap is None or p.gap >= 0 for p in seen)


def test_cancel_from_another_thread_then_the_model_solves_again():
    m = market_split(interruptible=True)
    threading.Timer(0.3, m.cancel).start()
    r = m.solve(600, 0.0)
    assert r.status in (Status.INTERRUPTED, Status.NO_SOLUTION) and "Interrupted by user" in r.detail


def test_a_cancelled_model_solves_again():
    """After one cancel, the next solve runs to its own end (HiGHS keeps its interrupt flag otherwise)."""
    m = two_items(interruptible=True)
    m.cancel()  # before any run: the flag is set, then cleared by the next solve
    assert m.solve(60, 0.0).status is Status.OPTIMAL
    hard = market_split(interruptible=True)
    threading.Timer(0.2, hard.cancel).start()
    hard.solve(600, 0.0)
    r = hard.solve(1.0, 0.0)
    assert "Time limit" in r.detail  # not "Interrupted by user" at once


def test_wall_clock_guard_is_reported(monkeypatch):
    from planner.solver import highs

    monkeypatch.setattr(highs, "guard_seconds", lambda limit: 0.3)
    r = market_split(interruptible=True).solve(600, 0.0, guard=True)
    assert r.stopped_by_guard and r.status in (Status.TIME_LIMIT, Status.NO_SOLUTION)


def test_first_solution_stops_at_a_feasible_plan():
    r = knapsack().solve(60, 0.0, first_solution=True)
    assert r.status.has_solution and r.x is not None


def test_thread_counts_can_change_between_models_in_one_thread():
    for threads in (2, 1, 2, 1):
        assert two_items(threads=threads).solve(60, 0.0).status is Status.OPTIMAL


def test_shapes_and_nan_are_refused():
    with pytest.raises(ValueError, match="cost has shape"):
        HighsModel([1.0], [0, 0], [1, 1], [False, False], sp.csr_matrix((1, 2)), [0], [1])
    with pytest.raises(ValueError, match="NaN"):
        HighsModel([np.nan, 1.0], [0, 0], [1, 1], [False, False], sp.csr_matrix((1, 2)), [0], [1])


def test_status_words_and_gap():
    assert [str(s) for s in Status] == ["optimal", "time_limit", "interrupted", "quick", "no_solution",
                                        "infeasible", "unbounded", "error"]
    assert Status.QUICK.has_solution and not Status.QUICK.proven
    assert f"{Status.TIME_LIMIT}" == "time_limit" and Status.OPTIMAL == "optimal"
    assert relative_gap(100.0, 99.0) == pytest.approx(0.01) and relative_gap(0.5, 0.0) == pytest.approx(0.5)
    assert relative_gap(None, 1.0) is None and relative_gap(1.0, -np.inf) is None


def test_compat_probes():
    assert len(compat.VERSION) == 3 and compat.VERSION >= (1, 15, 1)
    m = two_items()
    assert m.option("threads") == 1 and m.option("output_flag") is False
