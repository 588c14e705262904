"""The seed race (issue 24, item 3): a second HiGHS run with another seed in its own process; the two runs
are one answer, the better plan and the higher bound, and the first to prove the gap ends the race."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from planner import Planner
from planner.solver import Status
from planner.solver.highs import HighsModel
from tests.conftest import REPO

SMALL = REPO / "tests" / "data" / "app_models" / "small.toml"


def cover(seed: int = 3, n: int = 40, m: int = 30) -> HighsModel:
    """min cost·x over whole x in [0, 3] with every row of A x >= 4: a covering problem HiGHS proves in
    well under a second."""
    rng = np.random.default_rng(seed)
    A = (rng.random((m, n)) < 0.15).astype(float) * rng.integers(1, 5, (m, n))
    A[np.arange(m), rng.integers(0, n, m)] += 1
    cost = rng.integers(5, 40, n).astype(float)
    return HighsModel(cost, np.zeros(n), np.full(n, 3.0), np.ones(n, bool), sp.csr_matrix(A), np.full(m, 4.0),
                      np.full(m, np.inf), interruptible=True)


def stopped_at_once(start: bool) -> HighsModel:
    """The cover model told to stop before its first node (presolve off, so it cannot solve it there):
    it ends with the plan it is handed, or with none."""
    hm = cover()
    hm.set_option("presolve", "off")
    hm.set_option("mip_max_nodes", 0)
    if start:
        hm.set_start(np.full(hm.n_cols, 3.0))  # the worst plan: every unit bought
    return hm


@pytest.mark.parametrize("start", [True, False])
def test_the_rivals_proven_plan_wins_over_a_main_run_that_stopped_early(start):
    """The main run stops at once, with the worst plan or none; the rival, free, proves the optimum. The
    answer is the rival's plan, proven optimal by its bound."""
    optimum = cover().solve(60)
    assert optimum.status == Status.OPTIMAL
    alone = stopped_at_once(start).solve(60)
    assert (alone.objective > optimum.objective + 1) if start else alone.x is None  # without the race
    main = stopped_at_once(start)
    raced = main.solve(60, rival_seed=1)
    assert raced.status == Status.OPTIMAL
    assert raced.objective == pytest.approx(optimum.objective, rel=1e-9)
    assert raced.extra["race"] == {"seed": 1, "status": "optimal", "plan_from_rival": True}
    assert main._fits(raced.x)


def test_a_rival_plan_that_breaks_a_row_is_not_taken():
    hm = cover()
    x = hm.solve(60).x
    assert hm._fits(x)
    short = x.copy()
    short[np.argmax(x)] -= 1  # one unit fewer where most were bought: some row drops below 4
    assert not hm._fits(short)
    assert not hm._fits(x + 0.5)  # not whole


def test_a_raced_planner_solve_gives_the_same_optimum_and_says_so():
    plain = Planner.from_file(SMALL).solve()
    raced = Planner.from_file(SMALL, ["solver.race=true"]).solve()
    assert plain.report.status == raced.report.status == "optimal"
    assert raced.report.objective == pytest.approx(plain.report.objective, rel=1e-6)
    assert raced.verifier.ok, raced.verifier.violations
    assert "raced by a second HiGHS run (seed 1)" in raced.report.message
    assert "raced" not in plain.report.message


def test_the_race_ending_reads_in_chinese():
    from planner_app import engine_zh

    english = ("optimal: proven within the 1.00% gap tolerance (gap 0.01% of the objective); raced by a second "
               "HiGHS run (seed 1): the plan is the second run's, the bound the higher of the two")
    chinese = engine_zh.zh(english)
    assert chinese.endswith("; 另一 HiGHS 进程 (随机种子 1) 同时求解: 方案取自第二个进程, 下界取两者中较高者"), chinese
    assert "raced" not in chinese and "optimal" not in chinese
