"""The seed race (issue 24, item 3): a second HiGHS run with another seed in its own process; the two runs
are one answer, the better plan and the higher bound, and the first to prove the gap ends the race."""

from __future__ import annotations

import sys

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
    assert "raced by a second HiGHS run (seed 1)" in str(raced.report.message)
    assert "raced" not in str(plain.report.message)


def test_the_race_ending_reads_in_chinese():
    from planner.planning.solve import _message, _race_words, ended

    english = ("optimal: proven within the 1.00% gap tolerance (gap 0.01% of the objective); raced by a second "
               "HiGHS run (seed 1): the plan is the second run's, the bound the higher of the two")
    message = ended(_message("optimal", 0.0001, 0.01, 60.0),
                    _race_words({"seed": 1, "status": "optimal", "plan_from_rival": True}))
    assert str(message) == english
    chinese = message.render("zh")
    assert chinese.endswith("; 另一 HiGHS 进程 (随机种子 1) 同时求解: 方案取自第二个进程, 下界取两者中较高者"), chinese
    assert "raced" not in chinese and "optimal" not in chinese


def market_split(m: int = 4, n: int = 30, seed: int = 0) -> HighsModel:
    """min |a x - b| over binary x (Cornuéjols-Dawande): HiGHS proves nothing on it within seconds."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, (m, n)).astype(float)
    b = np.floor(a.sum(axis=1) / 2)
    A = sp.hstack([sp.csr_matrix(a), sp.eye(m), -sp.eye(m)]).tocsr()
    k = n + 2 * m
    return HighsModel(np.r_[np.zeros(n), np.ones(2 * m)], np.zeros(k), np.r_[np.ones(n), np.full(2 * m, np.inf)],
                      np.r_[np.ones(n, bool), np.zeros(2 * m, bool)], A, b, b, interruptible=True)


def test_a_stop_while_the_main_run_waits_for_the_rival_ends_the_wait(tmp_path, monkeypatch):
    """The main run ends at once (node limit, not proven); the rival has 30 s and proves nothing. A Stop
    asked while the main run waits for the rival's answer ends the wait and the rival at once; before, the
    app's Stop waited the rival's whole limit (here 32 s). No process or folder is left behind."""
    import threading
    import time

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    hm = market_split()
    hm.set_option("mip_max_nodes", 0)
    stop = threading.Timer(1.0, hm.cancel)
    stop.start()
    t0 = time.perf_counter()
    r = hm.solve(30, rival_seed=1)
    stop.cancel()
    assert time.perf_counter() - t0 < 10
    assert r.extra["race"]["status"] == "ended" and not r.extra["race"]["plan_from_rival"]
    assert not list(tmp_path.glob("planner-rival-*"))


def test_a_model_that_cannot_be_written_leaves_no_rival_folder(tmp_path, monkeypatch):
    import time

    from planner.solver import race

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def full_disk(path):
        raise OSError("No space left on device")

    with pytest.raises(OSError):
        race.Rival(full_disk, 1, time.time() + 10.0, 1e-4)
    assert not list(tmp_path.glob("planner-rival-*"))


def test_the_retry_after_a_race_gets_only_what_the_wait_left(monkeypatch):
    """A main run whose plan HiGHS valued wrongly (``highs_objective``) is run once more in the time left;
    the time spent waiting for the rival counts (HiGHS's clock does not see it). Before, a main run that
    ended early, waited for the rival, then retried with its whole limit again."""
    import dataclasses
    import time

    from planner.solver import race

    hm = cover()
    result, wait = HighsModel._result, race.Rival.wait
    calls = []

    def misvalued(self, seconds, guard_fired, duals):
        r = result(self, seconds, guard_fired, duals)
        return dataclasses.replace(r, status=Status.TIME_LIMIT, extra={**r.extra, "highs_objective": 0.0})

    def slow_wait(self, seconds, stop=None):
        time.sleep(2.0)
        self.stop()
        return None  # the rival ended without an answer

    solve = HighsModel.solve

    def recorded(self, time_limit=np.inf, *a, **k):
        calls.append(time_limit)
        return solve(self, time_limit, *a, **k)

    monkeypatch.setattr(HighsModel, "_result", misvalued)
    monkeypatch.setattr(race.Rival, "wait", slow_wait)
    monkeypatch.setattr(HighsModel, "solve", recorded)
    hm.solve(5.0, rival_seed=1)
    assert len(calls) == 2 and calls[1] <= 5.0 - 2.0, calls


def slow_start(tmp_path, monkeypatch, seconds: float) -> None:
    """Rival processes started from here take ``seconds`` to start (a sitecustomize that sleeps, standing in
    for a large model's MPS read)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import time\ntime.sleep({seconds})\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))


def test_a_rival_that_starts_late_still_answers_in_time(tmp_path, monkeypatch):
    """The main run ends at once (node limit, not proven) and waits for the rival. The rival takes 3 s to
    start; its HiGHS gets what is left of the shared end (4 s from the solve's start), so it answers before
    the main run stops waiting. Before, the rival got the whole 4 s after its slow start and answered after
    the main run's wait (limit + 2 s) had ended: its answer was thrown away ('ended')."""
    import time

    slow_start(tmp_path, monkeypatch, 3.0)
    hm = market_split()
    hm.set_option("mip_max_nodes", 0)
    t0 = time.perf_counter()
    r = hm.solve(4, rival_seed=1)
    assert r.extra["race"]["status"] in ("time_limit", "no_solution"), r.extra["race"]
    assert time.perf_counter() - t0 < 4 + 2 + 1


def test_a_rival_that_fails_says_why(tmp_path, monkeypatch):
    """A rival that cannot start HiGHS (a highspy that raises, first on its path) ends at once without an
    answer; the race info says so with the last line of its stderr, and the main run does not wait its
    limit out. Before, its stderr went to a pipe nobody read and the race said only 'ended'."""
    import time

    site = tmp_path / "site"
    site.mkdir()
    (site / "highspy.py").write_text("raise RuntimeError('no HiGHS here (test)')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))
    hm = market_split()
    hm.set_option("mip_max_nodes", 0)
    t0 = time.perf_counter()
    r = hm.solve(30, rival_seed=1)
    assert r.extra["race"] == {"seed": 1, "status": "failed: RuntimeError: no HiGHS here (test)",
                               "plan_from_rival": False}
    assert time.perf_counter() - t0 < 15


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie that nobody has reaped yet has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_rival_whose_main_process_dies_ends_and_removes_its_folder(tmp_path):
    """A short-lived process starts a rival with 60 s and exits at once, without Rival.stop (as a killed or
    crashed main process would). The rival sees its parent gone, stops HiGHS and removes its folder within
    a few seconds. Before, it ran its 60 s and left /tmp/planner-rival-* behind."""
    import os
    import signal
    import subprocess
    import time

    model = tmp_path / "model.mps"
    market_split().write(model)
    child = ("import os, shutil, sys, time\n"
             "from planner.solver import race\n"
             "r = race.Rival(lambda p: shutil.copy(sys.argv[1], p), 1, time.time() + 60, 1e-4)\n"
             "print(r.folder, r._proc.pid, flush=True)\n"
             "os._exit(0)\n")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", child, str(model)], capture_output=True, text=True, env=env,
                          timeout=60)
    folder, pid = done.stdout.split()
    pid = int(pid)
    try:
        t0 = time.monotonic()
        while (_running(pid) or os.path.exists(folder)) and time.monotonic() - t0 < 10:
            time.sleep(0.2)
        assert not _running(pid), "the orphaned rival still runs"
        assert not os.path.exists(folder), "the orphaned rival left its folder"
        assert time.monotonic() - t0 < 8
    finally:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


OPTIMAL_1 = "optimal: proven within the 1.00% gap tolerance (gap 0.01% of the objective)"
KEPT_QUICK = "; the plan kept is the quick plan, better than HiGHS's own best (1,234.5)"


@pytest.mark.parametrize("race, kept, english, chinese", [
    ({"seed": 1, "status": "optimal", "plan_from_rival": True}, None,
     ": the plan is the second run's, the bound the higher of the two", ": 方案取自第二个进程, 下界取两者中较高者"),
    ({"seed": 1, "status": "time_limit", "plan_from_rival": False}, None,
     ": the plan is the first run's, the bound the higher of the two", ": 方案取自第一个进程, 下界取两者中较高者"),
    ({"seed": 1, "status": "optimal", "plan_from_rival": True}, "quick plan",
     ": the bound the higher of the two", ": 下界取两者中较高者"),
    ({"seed": 1, "status": "stopped: the first run proved the gap", "plan_from_rival": False}, None,
     ": the first run proved the gap first", ": 第一个进程先证明了间隙要求"),
    ({"seed": 1, "status": "ended", "plan_from_rival": False}, None,
     ", which ended without an answer", ", 但它未给出结果便已结束"),
    ({"seed": 1, "status": "failed: MemoryError", "plan_from_rival": False}, None,
     ", which failed without an answer", ", 但它出错结束, 未给出结果"),
    ({"seed": 1, "status": "plan rejected: it breaks a row of the model", "plan_from_rival": False}, None,
     ", whose plan was rejected: it breaks a row of the model", ", 但它的方案违反模型的约束, 未被采用"),
])
def test_the_race_ending_says_how_the_race_ended_in_english_and_chinese(race, kept, english, chinese):
    """The race ending follows the race info: the rival answered (whose plan, the bound the higher of
    the two), the first run proved the gap first, the rival ended or failed without an answer, or its plan
    was rejected; 'the plan is the second run's' only when the final plan is the rival's, not when a known
    plan kept after the race beat both runs. Before, every race said 'the bound the higher of the two',
    and a kept quick plan was also called the second run's. Each wording reads in Chinese."""
    from planner.planning.solve import _kept_words, _message, _race_words, ended as with_ending

    words = _race_words(race, kept)
    assert str(words) == "; raced by a second HiGHS run (seed 1)" + english
    message = _message("optimal", 0.0001, 0.01, 60.0)
    assert str(message) == OPTIMAL_1
    if kept:
        assert str(_kept_words(kept, 1234.5)) == KEPT_QUICK
        message = with_ending(message, _kept_words(kept, 1234.5))
    message = with_ending(message, words)
    assert str(message) == OPTIMAL_1 + (KEPT_QUICK if kept else "") + str(words)
    ended = message.render("zh")
    assert ended.endswith("; 另一 HiGHS 进程 (随机种子 1) 同时求解" + chinese), ended
    assert "raced" not in ended and "optimal" not in ended and "plan kept" not in ended
    assert ("保留的方案是即时方案" in ended) == bool(kept)


def test_a_rival_ended_by_the_first_runs_proof_is_not_said_to_have_failed():
    """The main run proves the gap before the rival answers: the race info says the first run proved it."""
    r = cover().solve(60, rival_seed=1)
    assert r.status == Status.OPTIMAL
    assert r.extra["race"]["status"] in ("stopped: the first run proved the gap", "optimal"), r.extra["race"]
