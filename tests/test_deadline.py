"""One deadline per request (issue 26, item 3): every phase of a solve draws from the planner's time limit."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from planner import Planner
from planner.paths import MODELS_DIR
from planner.solver.deadline import Deadline


class Clock:
    """A clock the test moves by hand: the arithmetic is exact, whatever the machine's load."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_phases_of_a_deadline_never_add_up_to_more_than_it():
    clock = Clock()
    d = Deadline(20.0, clock)
    assert d.left() == 20.0
    after = min(0.1 * d.left(), 15.0)                 # what the solve holds back for after the MIP: 2 s
    assert d.part(reserve=after) == 18.0              # the warm start may use all but the reserve ...
    clock.now += 3.0                                  # ... and took 3 s
    assert d.part(reserve=after) == 15.0              # the MIP gets the rest of the 18 s
    clock.now += 15.0
    assert d.left() == 2.0
    assert d.part(0.5, at_least=1.0) == 1.0           # judging known plans: half of what is left
    clock.now += 1.0
    assert d.part(0.5) == 0.5                         # the duals
    clock.now += 0.5
    assert d.left() == 0.5                            # the floor gets the rest
    clock.now += 0.5
    assert d.left() == 0.0 and d.part(at_least=5.0) == 0.0   # nothing past the deadline, even when asked
    clock.now += 7.0
    assert d.left() == 0.0


def test_a_split_deadline_gives_its_share_and_leaves_the_rest():
    clock = Clock()
    d = Deadline(60.0, clock)
    first = d.split(0.5)
    assert first.seconds == 30.0 and first.left() == 30.0
    clock.now += 12.0                                 # the first stage ended early
    assert first.left() == 18.0 and d.left() == 48.0  # the second stage gets all that is left
    assert Deadline.of(d) is d and Deadline.of(7).seconds == 7.0


def test_a_solve_draws_every_phase_from_its_limit():
    """Sichuan by county with 8 s: the warm start and the MIP leave the reserve (0.8 s) for judging known
    plans, the duals and the floor; the whole Solver.solve ends near the limit. The wall-clock check has
    a generous margin (HiGHS checks its clock loosely in its root cut loop), the arithmetic none."""
    p = Planner.from_file(MODELS_DIR / "sichuan.toml")
    p.build()
    t0 = time.perf_counter()
    rep = p._solver.solve(time_limit=8)
    wall = time.perf_counter() - t0
    assert rep.has_plan
    s = p._solver
    assert s.warm_seconds + s.mip_time_limit <= 8.0 - 0.8 + 1e-6
    assert wall <= 30.0, wall  # generous: HiGHS may overrun in its root cut loop on a loaded machine


@pytest.mark.slow
def test_planner_solve_with_a_time_limit_returns_within_it_plus_a_stated_margin(tmp_path):
    """`planner solve --time-limit 20` on Sichuan by county returns within 20 s plus 25 s for what the
    limit does not cover (starting Python, reading and building the model, verifying, writing results)
    and HiGHS's loose clock. Before one deadline, the duals could take up to 2 x the limit and the floor
    max(5 s, limit / 2) on top of it."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "planner.cli", "solve", str(MODELS_DIR / "sichuan.toml"),
                           "--time-limit", "20", "--out", str(tmp_path / "out")], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    assert done.returncode in (0, 3), done.stderr[-2000:]
    assert wall <= 20 + 25, wall


def test_the_no_time_for_duals_ending_reads_in_chinese():
    from planner.planning.solve import NO_TIME_FOR_DUALS, _message, ended
    message = ended(_message("time_limit", 0.043, 0.005, 20.0), NO_TIME_FOR_DUALS)
    assert str(message) == ("best plan found within the 20 s time limit, NOT proven optimal (gap 4.30% of the "
                            "objective); no time was left for the marginal values (raise the time limit to get them)")
    chinese = message.render("zh")
    assert chinese.endswith("; 时间已用完, 未计算边际价值 (提高时间上限即可得到)"), chinese


@pytest.mark.slow
def test_a_floor_found_before_the_mip_reports_its_time():
    """With at least 10 s the floor LP runs before the MIP; its time is the report's floor_seconds (the
    summary said 'floor 178,969.9 (0.00 s)', the time of the phase after the MIP only)."""
    p = Planner.from_file(MODELS_DIR / "sichuan.toml", ["solver.compute_duals=false"])
    p.build()
    rep = p._solver.solve(time_limit=12)
    assert rep.floor is not None and rep.floor_seconds > 0.01
