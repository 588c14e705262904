"""The one adapter between the project and HiGHS: a model built from matrices, solved and changed in place.

linopy's solvers.py is the model: the caller hands over costs, bounds, integrality and a sparse row matrix;
the adapter passes them to HiGHS in one call, and every later change (costs, column or row bounds,
integrality, a starting solution) goes through a method here. Every solve returns a ``SolveResult`` with
one ``Status``. Nothing else in the project imports highspy.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time

import highspy
import numpy as np
import scipy.sparse as sp

from . import compat, race
from .status import Progress, SolveResult, Status, relative_gap

_LIMITS = {highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kIterationLimit,
           highspy.HighsModelStatus.kSolutionLimit, highspy.HighsModelStatus.kObjectiveBound,
           highspy.HighsModelStatus.kObjectiveTarget}


PROGRESS_EVERY_S = 2.0  # a progress report at least this often while nothing changes


def guard_seconds(time_limit: float) -> float:
    """When the wall-clock guard stops HiGHS: 20 % past its own limit, plus 5 s (HiGHS checks its clock
    loosely in some phases, such as presolve, a long LP or the root cut loop)."""
    return 1.2 * time_limit + 5.0


class HighsModel:
    """A linear or mixed-integer model held by one HiGHS object.

    ``matrix`` has one row per constraint and one column per variable (any scipy sparse format);
    ``row_lower <= matrix @ x <= row_upper``, ``lower <= x <= upper``, ``integer`` marks integer columns.
    ``threads`` is fixed for the object's life; ``interruptible`` installs an interrupt callback once
    (needed by ``cancel`` and the wall-clock guard; it costs a Python call at every interrupt check, which
    under Dask waits for the worker's GIL, so the decomposition's workers leave it off)."""

    def __init__(self, cost, lower, upper, integer, matrix, row_lower, row_upper, *, offset: float = 0.0,
                 maximize: bool = False, threads: int = 1, seed: int = 0, interruptible: bool = False,
                 log: bool = False):
        A = sp.csc_matrix(matrix)
        self.n_cols, self.n_rows = A.shape[1], A.shape[0]
        self.cost = np.asarray(cost, dtype=float).copy()
        self.offset = float(offset)
        self.lower = np.asarray(lower, dtype=float).copy()
        self.upper = np.asarray(upper, dtype=float).copy()
        self.integer = np.asarray(integer, dtype=bool).copy()
        self.row_lower = np.asarray(row_lower, dtype=float).copy()
        self.row_upper = np.asarray(row_upper, dtype=float).copy()
        self.threads = int(threads)
        self.maximize = maximize
        self._check_shapes()
        self._A = A                          # to check a rival's plan against the rows (race.py)
        self._rival: race.Rival | None = None
        self._h = h = compat.new_highs()
        h.setOptionValue("output_flag", bool(log))
        h.setOptionValue("random_seed", int(seed))
        compat.prepare_threads(h, self.threads)
        compat.pass_model(h, cost=self.cost, lower=_inf(self.lower), upper=_inf(self.upper),
                          row_lower=_inf(self.row_lower), row_upper=_inf(self.row_upper),
                          start=A.indptr.astype(np.int32), index=A.indices.astype(np.int32),
                          value=A.data.astype(float), integrality=self.integer.astype(np.int32),
                          maximize=maximize, offset=self.offset)
        self.interruptible = interruptible
        self._cancelled = threading.Event()
        # A caller's own stop condition (a Ctrl-C or Stop button that must also stop the runs that follow,
        # such as the MIP after a warm start's LPs), checked beside cancel()'s flag.
        self.stop_when = None
        self._holding = False                # inside complete(): stops are held off
        self._progress = None                # set for one solve() by its ``progress`` argument
        self._progress_t = -np.inf
        self._progress_last: tuple | None = None
        if interruptible:
            compat.on_interrupt_checks(h, self._should_stop)  # once per object
            compat.on_mip_progress(h, self._on_progress)

    def _should_stop(self) -> bool:
        if self._holding:  # valuing a plan a Stop must keep (complete): a Stop does not interrupt it
            return False
        if self._rival is not None and self._rival.proved():
            return True  # the rival proved the gap first: its answer ends the race
        return self._stop_asked()

    def _stop_asked(self) -> bool:
        """A Stop: cancel(), the wall-clock guard, or the caller's own condition (stop_when)."""
        return self._cancelled.is_set() or (self.stop_when is not None and bool(self.stop_when()))

    def _on_progress(self, seconds: float, incumbent: float, bound: float) -> None:
        """Pass news on: a new plan at once; a moved bound at most once a second (it creeps at every
        check); and a heartbeat every ``PROGRESS_EVERY_S`` while nothing changes."""
        if self._progress is None:
            return
        state = (incumbent if np.isfinite(incumbent) else None, bound if np.isfinite(bound) else None)
        last = self._progress_last or (None, None)
        waited = seconds - self._progress_t
        if state[0] != last[0] or (state[1] != last[1] and waited >= 1.0) or waited >= PROGRESS_EVERY_S:
            self._progress_t, self._progress_last = seconds, state
            self._progress(Progress(seconds, *state))

    def _check_shapes(self) -> None:
        n, m = self.n_cols, self.n_rows
        for name, arr, size in (("cost", self.cost, n), ("lower", self.lower, n), ("upper", self.upper, n),
                                ("integer", self.integer, n), ("row_lower", self.row_lower, m),
                                ("row_upper", self.row_upper, m)):
            if arr.shape != (size,):
                raise ValueError(f"HighsModel: {name} has shape {arr.shape}, expected ({size},)")
        if np.isnan(self.cost).any() or np.isnan(self.lower).any() or np.isnan(self.upper).any():
            raise ValueError("HighsModel: NaN in costs or column bounds")

    # ------------------------------------------------------------------ changes in place
    def set_costs(self, cols, cost, offset: float | None = None) -> None:
        cols = _cols(cols)
        self.cost[cols] = cost
        self._h.changeColsCost(len(cols), cols, self.cost[cols])
        if offset is not None:
            self.offset = float(offset)
            self._h.changeObjectiveOffset(self.offset)

    def set_col_bounds(self, cols, lower, upper) -> None:
        cols = _cols(cols)
        self.lower[cols], self.upper[cols] = lower, upper
        self._h.changeColsBounds(len(cols), cols, _inf(self.lower[cols]), _inf(self.upper[cols]))

    def set_row_bounds(self, rows, lower, upper) -> None:
        rows = _cols(rows)
        self.row_lower[rows], self.row_upper[rows] = lower, upper
        self._h.changeRowsBounds(len(rows), rows, _inf(self.row_lower[rows]), _inf(self.row_upper[rows]))

    def set_integrality(self, cols, integer) -> None:
        cols = _cols(cols)
        self.integer[cols] = integer
        kinds = np.where(self.integer[cols], compat.INTEGER, compat.CONTINUOUS)
        self._h.changeColsIntegrality(len(cols), cols, kinds)

    def set_start(self, x=None, *, cols=None, values=None) -> None:
        """A starting solution for the next MIP solve: a full vector ``x``, or ``values`` for ``cols`` only
        (HiGHS completes the rest). HiGHS checks it and ignores a start that breaks a row; any model
        change after this call drops it, so make changes first."""
        if x is not None:
            compat.set_full_start(self._h, np.asarray(x, dtype=float))
        elif cols is not None and len(cols):
            compat.set_sparse_start(self._h, _cols(cols), np.asarray(values, dtype=float))

    @contextlib.contextmanager
    def relaxed(self):
        """The LP relaxation inside the block (integer columns continuous); integrality restored after."""
        ints = np.flatnonzero(self.integer)
        self.set_integrality(ints, False)
        try:
            yield self
        finally:
            self.set_integrality(ints, True)

    @contextlib.contextmanager
    def bounded(self, cols, lower, upper):
        """Columns ``cols`` held in [``lower``, ``upper``] inside the block; their bounds restored after."""
        cols = _cols(cols)
        lo, hi = self.lower[cols].copy(), self.upper[cols].copy()
        self.set_col_bounds(cols, lower, upper)
        try:
            yield self
        finally:
            self.set_col_bounds(cols, lo, hi)

    def fixed(self, cols, values):
        """Columns ``cols`` fixed at ``values`` inside the block; their bounds restored after."""
        return self.bounded(cols, values, values)

    def complete(self, cols, values, time_limit: float, mip_rel_gap: float = 1e-4) -> SolveResult:
        """The best solution with columns ``cols`` fixed at ``values``, valued on the whole model as it is
        now (its rows, bounds and costs): an LP when every integer column is among ``cols``, else a MIP over
        the integer columns left. This is how a starting plan is judged on its own terms: HiGHS may value a
        start differently in its presolved model, or never reach it. A Stop asked of the search does not
        stop this (it is the plan the Stop keeps); every change is undone."""
        cols = _cols(cols)
        rest = self.integer.copy()
        rest[cols] = False
        self._holding = True
        try:
            with self.fixed(cols, values):
                if rest.any():
                    return self.solve(time_limit, mip_rel_gap)
                with self.relaxed():
                    return self.solve(time_limit)
        finally:
            self._holding = False

    def better_of(self, res: SolveResult, cols, values, time_limit: float, *, stopped: bool = False,
                  mip_rel_gap: float = 1e-4) -> SolveResult | None:
        """The plan with ``cols`` fixed at ``values`` (``complete``) if it is better than ``res`` on the model
        as it is now, else None (``res`` stands, or the plan breaks a row). HiGHS can lose a better start: it
        may re-value it worse in its presolved model, or be stopped before it reads it. The plan returned
        keeps ``res``'s status and proven bound (never above the plan); a run that had found nothing
        becomes 'interrupted' (``stopped``) or 'time_limit'."""
        if self.maximize or (res.x is not None and np.array_equal(np.round(res.x[_cols(cols)]), values)):
            return None  # HiGHS's own plan (or a maximising model, which the comparisons here do not handle)
        r = self.complete(cols, values, time_limit, mip_rel_gap)
        if r.x is None or r.status not in (Status.OPTIMAL, Status.TIME_LIMIT):
            return None
        if res.objective is not None and r.objective >= res.objective - 1e-9 * max(1.0, abs(res.objective)):
            return None
        status = res.status if res.status.has_solution else (Status.INTERRUPTED if stopped else Status.TIME_LIMIT)
        bound = None if res.bound is None else min(res.bound, r.objective)
        return SolveResult(status=status, objective=r.objective, bound=bound, x=r.x, seconds=res.seconds,
                           nodes=res.nodes, stopped_by_guard=res.stopped_by_guard, detail=res.detail,
                           extra={k: v for k, v in res.extra.items() if k != "highs_mip_gap"})  # HiGHS's gap was its plan's

    def basis_from(self, x, row_activity) -> bool:
        """Give the next LP solve a basis made from the primal point ``x`` (crossover; ``row_activity`` =
        matrix @ x). After a MIP (and the floor LP, whose basis is far from its plan) the quick plan's LP
        took 0.85 s on Sichuan by county; 0.36 s of crossover plus 0.32 s from this basis. The basis of
        an earlier LP near ``x`` is better still (0.1 s): then do not call this. Call it inside
        ``relaxed()`` with the LP's rows and bounds set, ``x`` feasible for them."""
        return compat.basis_from_point(self._h, x, row_activity)

    # ------------------------------------------------------------------ solving
    def solve(self, time_limit: float = np.inf, mip_rel_gap: float = 1e-4, *, guard: bool = False,
              first_solution: bool = False, duals: bool = False, progress=None, retry: bool = True,
              rival_seed: int | None = None) -> SolveResult:
        """Run HiGHS. ``guard``: a wall-clock timer cancels the run if it overruns ``time_limit`` by more
        than ``guard_seconds`` (needs ``interruptible``). ``first_solution``: stop at the first feasible
        solution (a feasibility probe). ``duals``: return row duals when an LP is solved to optimality.
        ``progress``: called with a ``Progress`` as a MIP's incumbent or bound improves (needs
        ``interruptible``); it runs inside HiGHS's callback, so keep it short. ``retry``: run once more
        from no start when HiGHS's objective is not what its plan is worth (see ``_result``). ``rival_seed``:
        race a second HiGHS with this seed in its own process (``race.Rival``) and return both runs as one
        answer; a MIP only."""
        h = self._h
        h.setOptionValue("time_limit", compat.time_limit_option(h, time_limit, bool(self.integer.any())))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.setOptionValue("mip_max_improving_sols", 1 if first_solution else highspy.kHighsIInf)
        compat.prepare_threads(h, self.threads)  # another model may have run in this thread in between
        self._cancelled.clear()
        fired = threading.Event()
        timer = None
        if guard and self.interruptible and np.isfinite(time_limit):
            timer = threading.Timer(guard_seconds(time_limit), lambda: (fired.set(), self._cancelled.set()))
            timer.daemon = True
            timer.start()
        t0 = float(h.getRunTime())  # HiGHS's clock is cumulative over runs on one object
        wall0 = time.perf_counter()
        self._progress, self._progress_t, self._progress_last = progress, -np.inf, None
        racing = (retry and rival_seed is not None and self.integer.any() and not first_solution
                  and not self.maximize and np.isfinite(time_limit) and not self._holding)
        if racing:
            # both runs end by the same wall-clock time: the rival's clock starts later (a new Python, the MPS read)
            self._rival = race.Rival(lambda path: compat.write_model(h, path), rival_seed, time.time() + time_limit,
                                     float(mip_rel_gap))
        try:
            h.run()
        except BaseException:
            if self._rival is not None:  # no orphan run left behind a failed or interrupted process
                self._rival.stop()
                self._rival = None
            raise
        finally:
            self._progress = None
            if timer is not None:
                timer.cancel()
        res = self._result(float(h.getRunTime()) - t0, fired.is_set(), duals)
        if racing:
            res = self._with_rival(res, float(mip_rel_gap))
        # the wall clock too: waiting for a rival's answer takes time HiGHS's own clock does not count
        left = time_limit - max(res.seconds, time.perf_counter() - wall0)
        if ("highs_objective" in res.extra and res.status != Status.OPTIMAL and retry and not first_solution
                and not self.maximize and not self._should_stop() and left > 0.5):
            # HiGHS valued its plan below what it is worth (a MIP start re-valued in presolve) and pruned its
            # search by that value. Run again from no start and keep the better of the two runs.
            compat.clear_start(h)
            again = self.solve(left, mip_rel_gap, guard=guard, duals=duals, progress=progress, retry=False)
            res = best_of_runs(res, again, float(mip_rel_gap))
        return res

    def _with_rival(self, res: SolveResult, mip_rel_gap: float) -> SolveResult:
        """The main run and the rival's as one answer (``best_of_runs``). A main run that proved the gap,
        or a Stop, ends the rival at once; a main run that ran out of time waits for the rival's answer
        until the rival's end (a wall-clock time both runs share) plus ``race.GRACE_S``. A rival plan that
        breaks a row, a bound or integrality is not taken."""
        rival, self._rival = self._rival, None
        proved_by_main = res.status == Status.OPTIMAL
        if proved_by_main or self._stop_asked():
            answer = rival.answer() if not proved_by_main else None  # a Stop takes a finished rival's answer
            rival.stop()
        else:
            answer = rival.wait(rival.until_end(), stop=self._stop_asked)
        x = None if answer is None else answer["x"]
        if answer is None or (x is not None and not self._fits(x)):
            ended = (race.REJECTED if answer is not None else race.FIRST_RUN_PROVED if proved_by_main else
                     race.ENDED if rival.failure is None else f"{race.FAILED}: {rival.failure}")
            return dataclasses.replace(res, extra={**res.extra, "race": {"seed": rival.seed, "status": ended,
                                                                         "plan_from_rival": False}})
        other = SolveResult(status=Status.OPTIMAL if answer["status"] == "optimal" else (
                                Status.TIME_LIMIT if x is not None else Status.NO_SOLUTION),
                            objective=None if x is None else float(self.cost @ x) + self.offset,
                            bound=answer["bound"], x=x, seconds=0.0, nodes=answer["nodes"],
                            detail=f"rival run, seed {answer['seed']}: {answer['detail']}")
        both = best_of_runs(res, other, mip_rel_gap)
        extra = {**both.extra, "race": {"seed": answer["seed"], "status": answer["status"],
                                        "plan_from_rival": both.x is other.x and x is not None}}
        return dataclasses.replace(both, seconds=res.seconds, extra=extra)

    def _fits(self, x: np.ndarray, tol: float = 1e-6) -> bool:
        """``x`` keeps every column bound, integrality and row of the model as it is now."""
        if x.shape != (self.n_cols,):
            return False
        slack = tol * (1.0 + np.abs(x))
        if np.any(x < self.lower - slack) or np.any(x > self.upper + slack):
            return False
        xi = x[self.integer]
        if np.any(np.abs(xi - np.round(xi)) > 1e-5):
            return False
        ax = self._A @ x
        room = tol * (1.0 + np.abs(ax))
        return bool(np.all(ax >= self.row_lower - room) and np.all(ax <= self.row_upper + room))

    def cancel(self) -> None:
        """Ask a running solve to stop (from another thread); it returns its best solution as
        ``interrupted`` (or ``no_solution``). Needs ``interruptible``."""
        self._cancelled.set()

    def _result(self, seconds: float, guard_fired: bool, duals: bool) -> SolveResult:
        h = self._h
        ms, info = h.getModelStatus(), h.getInfo()
        is_mip = bool(self.integer.any())
        has_x = compat.primal_feasible(info)
        x = np.asarray(h.getSolution().col_value, dtype=float).copy() if has_x else None
        if ms == highspy.HighsModelStatus.kOptimal:
            status = Status.OPTIMAL if has_x else Status.ERROR
        elif ms in _LIMITS or (ms == highspy.HighsModelStatus.kInterrupt and guard_fired):
            status = Status.TIME_LIMIT if has_x else Status.NO_SOLUTION
        elif ms == highspy.HighsModelStatus.kInterrupt:
            status = Status.INTERRUPTED if has_x else Status.NO_SOLUTION
        elif ms == highspy.HighsModelStatus.kInfeasible:
            status = Status.INFEASIBLE
        elif ms in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            # presolve says "unbounded or infeasible" for an infeasible model too: the planner's models are
            # bounded (every cost is >= 0 on bounded-below columns), so an infeasible reading is the usual one
            status = Status.INFEASIBLE if ms == highspy.HighsModelStatus.kUnboundedOrInfeasible else Status.UNBOUNDED
        else:
            status = Status.ERROR
        objective = float(info.objective_function_value) if x is not None and status.has_solution else None
        extra = {}
        if objective is not None:
            # HiGHS's objective is that of its incumbent in the presolved space; after a partial MIP start
            # that value can lie below what its returned plan is worth (seen with highspy 1.16: a start worth
            # 30,508 counted 29,545 in the reduced space, and "optimal" returned with the plan worth 30,508
            # while the optimum is 30,053). The plan's own value is what a planner gets.
            worth = float(self.cost @ x) + self.offset
            if abs(worth - objective) > 1e-6 * max(1.0, abs(objective)):
                extra["highs_objective"] = objective
                objective = worth
        if is_mip:
            bound = float(info.mip_dual_bound) if status.has_solution or status == Status.NO_SOLUTION else None
            if bound is not None and not np.isfinite(bound):
                bound = None
        else:
            bound = objective if status == Status.OPTIMAL else None
        row_dual = None
        if duals and not is_mip and status == Status.OPTIMAL:
            row_dual = np.asarray(h.getSolution().row_dual, dtype=float).copy()
        nodes = int(info.mip_node_count) if is_mip else None
        if "highs_objective" in extra and status == Status.OPTIMAL and bound is not None and (
                relative_gap(objective, bound) or 0.0) > float(compat.option_value(h, "mip_rel_gap")) + 1e-9:
            status = Status.TIME_LIMIT  # the proof was about a value the plan does not have: not proven
        return SolveResult(status=status, objective=objective, bound=bound, x=x, seconds=seconds, nodes=nodes,
                           row_dual=row_dual, stopped_by_guard=guard_fired,
                           detail=h.modelStatusToString(ms),
                           extra={"highs_mip_gap": (relative_gap(objective, bound) if "highs_objective" in extra
                                                    else float(info.mip_gap)) if is_mip and x is not None else None,
                                  **extra})

    @property
    def run_seconds(self) -> float:
        """HiGHS's cumulative run time on this object."""
        return float(self._h.getRunTime())

    def set_option(self, name: str, value) -> None:
        """Set one HiGHS option for this object's later solves (e.g. mip_heuristic_effort, for benchmarks)."""
        self._h.setOptionValue(name, value)

    def option(self, name: str):
        return compat.option_value(self._h, name)

    def write(self, path, col_names=None, row_names=None) -> None:
        """Write the model as HiGHS holds it now (what-if changes included) to an MPS (``.mps``) or LP
        (``.lp``) file: HiGHS picks the format from the suffix. The objective's constant is in the file (MPS:
        the objective row's right-hand side, negated). ``col_names``/``row_names``: one name per column or
        row (without them HiGHS writes c0, c1, ... and r0, r1, ...)."""
        compat.write_model(self._h, str(path), col_names, row_names)


def best_of_runs(a: SolveResult, b: SolveResult, mip_rel_gap: float) -> SolveResult:
    """Two runs on the same minimising model as one: the better plan, the higher proven bound (each is a
    bound on the same optimum), the run times added, and 'optimal' when that plan is within ``mip_rel_gap``
    of that bound."""
    plan = a if b.x is None or (a.x is not None and a.objective <= b.objective) else b
    bounds = [r.bound for r in (a, b) if r.bound is not None]
    bound = max(bounds) if bounds else None
    if bound is not None and plan.objective is not None:
        bound = min(bound, plan.objective)
    status = plan.status
    if plan.x is not None:
        g = relative_gap(plan.objective, bound)
        status = Status.OPTIMAL if g is not None and g <= mip_rel_gap + 1e-12 else (
            plan.status if plan.status != Status.OPTIMAL else Status.TIME_LIMIT)
    extra = {**plan.extra, "highs_mip_gap": relative_gap(plan.objective, bound)}
    return SolveResult(status=status, objective=plan.objective, bound=bound, x=plan.x, seconds=a.seconds + b.seconds,
                       row_dual=plan.row_dual,
                       nodes=(a.nodes or 0) + (b.nodes or 0) if a.nodes is not None or b.nodes is not None else None,
                       stopped_by_guard=plan.stopped_by_guard, detail=plan.detail, extra=extra)


def _cols(idx) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(idx, dtype=np.int32).ravel())


def _inf(a: np.ndarray) -> np.ndarray:
    """numpy's inf as HiGHS's infinity (the same value today; kept explicit for HiGHS builds that differ)."""
    return np.where(np.isposinf(a), compat.INF, np.where(np.isneginf(a), -compat.INF, a)).astype(float)


def version() -> str:
    return compat.version_string()
