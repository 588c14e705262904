"""Solving a PlanModel with HiGHS through Pyomo's persistent interface, and reporting honestly.

Status words used everywhere (CLI, summary.json, app):
  optimal          HiGHS proved the plan is within the scenario's relative gap of the best possible
  time_limit       stopped by the time limit with a plan: the best found, with its gap (not optimal)
  no_solution      stopped by the time limit before any plan was found
  infeasible       no plan satisfies the hard constraints (an explanation comes from checks.py)
  error            anything else HiGHS reported
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition as TC
from pyomo.contrib.solver.solvers.highs import Highs

from .model import PlanModel


@dataclass
class SolveReport:
    status: str
    termination: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    handoff_seconds: float
    solve_seconds: float
    mip_nodes: int | None
    message: str
    duals: dict[str, np.ndarray] = field(default_factory=dict)
    budget_marginal: dict[str, float] = field(default_factory=dict)
    duals_seconds: float = 0.0

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "time_limit")


def _status(res) -> str:
    tc, ss = res.termination_condition, res.solution_status
    has = ss in (SolutionStatus.optimal, SolutionStatus.feasible)
    if tc == TC.convergenceCriteriaSatisfied and has:
        return "optimal"
    if tc in (TC.maxTimeLimit, TC.iterationLimit, TC.interrupted):
        return "time_limit" if has else "no_solution"
    if tc in (TC.provenInfeasible, TC.locallyInfeasible, TC.infeasibleOrUnbounded):
        return "infeasible"
    return "error"


def _gap(obj: float | None, bound: float | None) -> float | None:
    """Relative gap |objective - bound| / max(|objective|, 1): objectives are in 万元-equivalents, so a
    difference far below one 万元 on an objective near zero is not a 'gap' (HiGHS reports 0 there too)."""
    if obj is None or bound is None or not np.isfinite(bound):
        return None
    diff = abs(obj - bound)
    return 0.0 if diff <= 1e-9 * max(1.0, abs(obj)) else diff / max(abs(obj), 1.0)


class PlannerHighs(Highs):
    """Pyomo's persistent HiGHS interface, declaring every column in one call before the rows.

    Pyomo's ``add_block`` adds the columns each constraint introduces one constraint at a time: an
    ``addVars`` and a ``changeColsIntegrality`` call per row (28,752 pairs for Sichuan by county, about
    40 % of the hand-off). Declaring them first, in the model's own order (purchases, units in service,
    flows), makes that one call and hands HiGHS its columns in block order.
    """

    def add_block(self, block):
        self.add_variables(list(block.component_data_objects(pyo.Var, descend_into=True)))
        return super().add_block(block)

    def add_variables(self, variables):
        if variables:
            super().add_variables(variables)


class Solver:
    """A persistent HiGHS solver bound to one PlanModel: re-solves after budget changes reuse the model."""

    def __init__(self, pm: PlanModel):
        self.pm = pm
        self.opt = PlannerHighs()
        self._cols: np.ndarray | None = None   # HiGHS column of each PlanModel column
        self._last: np.ndarray | None = None   # integer values of the last plan, for warm starts
        self.start = "none"
        self.warm_seconds = 0.0                # time the warm start took from the limit
        self.mip_time_limit = 0.0              # what HiGHS's MIP was given

    def _options(self, time_limit: float | None, gap: float | None) -> dict:
        s = self.pm.inp.scenario.solver
        g = float(gap if gap is not None else s.mip_rel_gap)
        return dict(
            time_limit=float(time_limit if time_limit is not None else s.time_limit_s),
            rel_gap=g, threads=s.threads,
            solver_options={"random_seed": s.random_seed, "mip_rel_gap": g},
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
        )

    def _warm_start(self, highs, time_limit: float) -> str:
        """The previous plan when there is one (after a budget rise it is feasible and near-optimal;
        HiGHS checks it and ignores it if a smaller budget makes it infeasible), else relax-and-round."""
        if self._last is not None:
            icol = self._cols[np.flatnonzero(self.pm.integer)]
            highs.setSolution(len(icol), icol, self._last)
            return "previous plan"
        return "relax-and-round" if relax_and_round(self.pm, highs, self._cols, time_limit) else "none"

    def _handoff(self) -> float:
        """Hand the model to HiGHS once; later solves only push changed parameters (the budget)."""
        t0 = time.perf_counter()
        if self._cols is None:
            self.opt.set_instance(self.pm.model)
            # The warm start's LPs run on this HiGHS object before Pyomo sets the scenario's options:
            # give it the scenario's thread count from its first run on (HiGHS 1.16 refuses a run whose
            # 'threads' differs from the scheduler already started in this OS thread).
            use_threads(self.opt._solver_model, self.pm.inp.scenario.solver.threads)
            vmap = self.opt._pyomo_var_to_solver_var_map
            self._cols = np.array([vmap[id(v)] for v in self.pm.vars], dtype=np.int32)
            # Only parameters change between what-if solves: skip Pyomo's costly change scans.
            au = self.opt.config.auto_updates
            for k in ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                      "check_for_new_or_removed_params", "check_for_new_objective", "update_constraints",
                      "update_vars", "update_named_expressions", "update_objective", "update_parameters"):
                setattr(au, k, False)
        else:
            # Push changed parameters now, before the warm start: HiGHS drops a user solution on any
            # model change, and solve() itself runs update() with every check switched off.
            self.opt.config.auto_updates.update_parameters = True
            try:
                self.opt.update()
            finally:
                self.opt.config.auto_updates.update_parameters = False
        return time.perf_counter() - t0

    def set_costs(self, cost: np.ndarray, offset: float = 0.0) -> None:
        """Replace the objective's coefficients (one per PlanModel column) and constant without a rebuild:
        used to switch between the weighted sum, an equity measure and an alternatives objective. Pyomo's
        own objective stays the weighted sum; only HiGHS's copy changes (Pyomo's objective updates are off).
        The last plan stays as the next warm start: HiGHS checks it against the rows, whatever the costs."""
        self._handoff()
        highs = self.opt._solver_model
        highs.changeColsCost(len(self._cols), self._cols, np.asarray(cost, dtype=float))
        highs.changeObjectiveOffset(float(offset))

    def use_weighted_sum(self) -> None:
        """Back to the model's own objective (after an equity stage or alternatives)."""
        self.set_costs(self.pm.cost, self.pm.objective_offset)

    def set_upper(self, columns: np.ndarray, upper: np.ndarray) -> None:
        """New upper bounds for some PlanModel columns (epsilon constraints), in Pyomo and in HiGHS."""
        self._handoff()
        for j, ub in zip(columns, upper):
            self.pm.vars[int(j)].setub(None if not np.isfinite(ub) else float(ub))
        highs = self.opt._solver_model
        cols = self._cols[np.asarray(columns, dtype=np.int64)]
        lower = np.array([self.pm.vars[int(j)].lb or 0.0 for j in columns], dtype=float)
        highs.changeColsBounds(len(cols), cols, lower, np.where(np.isfinite(upper), upper, highspy.kHighsInf))

    def solve(self, time_limit: float | None = None, gap: float | None = None,
              duals: bool | None = None, build_seconds: float = 0.0) -> SolveReport:
        handoff = self._handoff()
        highs = self.opt._solver_model  # the highspy.Highs object Pyomo drives
        opts = self._options(time_limit, gap)
        use_threads(highs, self.pm.inp.scenario.solver.threads)  # another model may have run in between
        t_run0 = float(highs.getRunTime())  # HiGHS's clock is cumulative over runs: take differences
        t_start = time.perf_counter()
        if self.pm.inp.scenario.solver.warm_start:
            self.start = self._warm_start(highs, opts["time_limit"])
        # The time limit covers the whole solve: the MIP gets what the warm start left of it.
        self.warm_seconds = time.perf_counter() - t_start
        opts["time_limit"] = max(0.5, opts["time_limit"] - self.warm_seconds)
        self.mip_time_limit = opts["time_limit"]
        # HiGHS checks its clock loosely in some phases (presolve, a long LP): a wall-clock guard
        # cancels the run if it overruns the limit by more than guard_seconds allows.
        fired = threading.Event()
        highs.HandleUserInterrupt = True
        timer = threading.Timer(guard_seconds(opts["time_limit"]), lambda: (fired.set(), highs.cancelSolve()))
        timer.daemon = True
        timer.start()
        try:
            res = self.opt.solve(self.pm.model, **opts)
        finally:
            timer.cancel()
        solve_s = float(highs.getRunTime()) - t_run0
        status = _status(res)
        if fired.is_set() and status not in ("optimal", "infeasible"):
            has = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
            status = "time_limit" if has else "no_solution"
        obj = res.incumbent_objective if status in ("optimal", "time_limit") else None
        bound = res.objective_bound
        if status in ("optimal", "time_limit"):
            res.solution_loader.load_vars()
            ints = np.flatnonzero(self.pm.integer)
            self._last = np.round([self.pm.vars[i].value or 0.0 for i in ints])
        nodes = getattr(res.extra_info, "mip_node_count", None)
        gap_v = _gap(obj, bound)
        msg = _message(status, gap_v, opts["rel_gap"], self._options(time_limit, gap)["time_limit"])
        if fired.is_set():
            msg += " (HiGHS overran the limit and was stopped by the wall-clock guard)"
        rep = SolveReport(status=status, termination=str(res.termination_condition.name), objective=obj,
                          bound=bound, gap=gap_v, build_seconds=build_seconds, handoff_seconds=handoff,
                          solve_seconds=solve_s, mip_nodes=nodes, message=msg)
        want_duals = self.pm.inp.scenario.solver.compute_duals if duals is None else duals
        if want_duals and rep.has_plan:
            t1 = time.perf_counter()
            rep.duals, rep.budget_marginal = marginal_values(self.pm, self.opt, self._cols)
            rep.duals_seconds = time.perf_counter() - t1
        return rep


def relax_and_round(pm: PlanModel, highs, cols: np.ndarray, time_limit: float, rounds: int = 6) -> bool:
    """Give HiGHS a starting plan built from the LP relaxation, so a time-limited run always has one.

    A short fix-and-resolve dive on cumulative purchases per unit slot: solve the LP, fix every slot whose
    cumulative purchases are (nearly) whole and half of the rest at their nearest whole numbers, re-solve
    the LP (warm, on the same HiGHS object), and repeat; the slots still free at the end are rounded down,
    then topped up by the largest fractions while every budget, staff and facility limit has room. A slot
    that rounding would push below a presence rule or hard target is never rounded below it. HiGHS
    completes the continuous variables itself and ignores a start that breaks a rule. Every bound and
    integrality change is undone before returning. Returns whether a start was handed over.
    """
    S, Y = len(pm.slots), len(pm.inp.years)
    if not S or not pm.integer.any():
        return False
    xcols = cols[pm.col("x")].astype(np.int32)
    ints = np.flatnonzero(pm.integer)
    icol = cols[ints].astype(np.int32)
    lp0 = highs.getLp()
    lo0, hi0 = np.asarray(lp0.col_lower_)[xcols].copy(), np.asarray(lp0.col_upper_)[xcols].copy()
    is_int = pm.integer[pm.col("x")].reshape(S, Y)[:, 0]
    cont, integ = highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger
    old_limit, old_out = _option(highs, "time_limit"), _option(highs, "output_flag")
    deadline = time.perf_counter() + max(1.0, 0.25 * time_limit)

    def solve_lp() -> np.ndarray | None:
        highs.setOptionValue("time_limit", float(max(0.5, deadline - time.perf_counter())))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.cumsum(np.asarray(highs.getSolution().col_value)[xcols].reshape(S, Y), axis=1)

    def fix(slots: np.ndarray, cum_values: np.ndarray) -> None:
        buy = np.diff(cum_values, axis=1, prepend=0.0).ravel()
        idx = (slots[:, None] * Y + np.arange(Y)[None, :]).ravel()
        highs.changeColsBounds(len(idx), xcols[idx], buy, buy)

    highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), cont))
    highs.setOptionValue("output_flag", False)
    rc = None
    try:
        cum = solve_lp()
        if cum is None:
            return False
        free = np.flatnonzero(is_int)
        fixed = np.zeros((S, Y))
        room = _Room(pm)
        for _ in range(rounds):
            if not len(free) or time.perf_counter() > deadline:
                break
            near = np.round(cum[free])
            dist = np.abs(cum[free] - near).max(axis=1)
            order = np.argsort(dist, kind="stable")
            take = order[: max(int((dist < 1e-6).sum()), len(order) // 2, 1)]
            chosen = free[take]
            values = room.round(chosen, cum[chosen])
            fix(chosen, values)
            nxt = solve_lp()
            if nxt is None:  # rounding to nearest broke a limit: round this batch down instead
                values = np.maximum.accumulate(np.floor(cum[chosen] + 1e-6), axis=1)
                fix(chosen, values)
                nxt = solve_lp()
                if nxt is None:
                    break
            fixed[chosen] = values
            room.commit(chosen, values)
            free = np.setdiff1d(free, chosen)
            cum = nxt
        rc = np.where(is_int[:, None], fixed, cum)
        rc[free] = np.maximum.accumulate(np.floor(cum[free] + 1e-6), axis=1)
    finally:
        highs.changeColsBounds(len(xcols), xcols, lo0, hi0)
        highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), integ))
        highs.setOptionValue("time_limit", float(old_limit))
        highs.setOptionValue("output_flag", bool(old_out))
    if rc is None:
        return False
    rc = _respect_lower_limits(pm, rc)
    rc = _top_up(pm, rc, cum, is_int)
    buy = np.diff(rc, axis=1, prepend=0.0).ravel()
    sel = pm.integer[pm.col("x")]
    highs.setSolution(int(sel.sum()), xcols[sel], buy[sel])
    return True


class _Room:
    """Budget and staff left for rounding up, counting slots already fixed at their values and free
    slots at their lowest possible purchases (what presence rules force)."""

    def __init__(self, pm: PlanModel):
        inp, sl = pm.inp, pm.slots
        self.r, t, m = sl["r"].to_numpy(), sl["t"].to_numpy(), sl["m"].to_numpy()
        Y = len(inp.years)
        self.price = inp.param("price_wan_cny")[m]
        self.spu = inp.param("staff_per_unit")[m]
        self.surv = inp.surviving[self.r, t, m, :]
        self.floor = np.maximum.accumulate(np.maximum(np.ceil(inp.min_units()[self.r, t, m, :] - self.surv - 1e-9), 0),
                                           axis=1)
        self.cum = self.floor.copy()
        scn = inp.scenario
        self.check_budget = scn.constraints.budget and not scn.budget.include_running_cost
        self.budget_year = inp.budget_year_wan
        self.budget_total = inp.budget_total_wan
        self.check_staff = scn.constraints.staffing and scn.staffing.enabled
        existing = np.zeros((len(inp.regions), Y))
        np.add.at(existing, self.r, self.spu[:, None] * self.surv)
        self.staff = np.maximum(inp.staff_available, existing)
        self.Y = Y

    def _spend(self, cum: np.ndarray) -> tuple[float, np.ndarray]:
        buy = np.diff(cum, axis=1, prepend=0.0) * self.price[:, None]
        return float(buy.sum()), buy.sum(axis=0)

    def round(self, slots: np.ndarray, lp_cum: np.ndarray) -> np.ndarray:
        """Nearest whole numbers for ``slots``, rounding up only where budget and staff still have room."""
        down = np.maximum.accumulate(np.maximum(np.floor(lp_cum + 1e-6), self.floor[slots]), axis=1)
        near = np.maximum.accumulate(np.maximum(np.round(lp_cum), down), axis=1)
        trial = self.cum.copy()
        trial[slots] = down
        total, by_year = self._spend(trial)
        used = np.zeros_like(self.staff)
        np.add.at(used, self.r, self.spu[:, None] * (self.surv + trial))
        out = down.copy()
        frac = (lp_cum - down)[:, -1]
        for i in np.argsort(-frac):
            extra = near[i] - down[i]
            if not extra.any():
                continue
            s = slots[i]
            cost = float(extra[-1] * self.price[s])
            cost_y = np.diff(extra, prepend=0.0) * self.price[s]
            if self.check_budget and (total + cost > self.budget_total + 1e-6 or (
                    self.budget_year is not None and (by_year + cost_y > self.budget_year + 1e-6).any())):
                continue
            if self.check_staff and (used[self.r[s]] + self.spu[s] * extra > self.staff[self.r[s]] + 1e-9).any():
                continue
            out[i] = near[i]
            total += cost
            by_year += cost_y
            used[self.r[s]] += self.spu[s] * extra
        return out

    def commit(self, slots: np.ndarray, values: np.ndarray) -> None:
        self.cum[slots] = values


def _respect_lower_limits(pm: PlanModel, rc: np.ndarray) -> np.ndarray:
    """Raise cumulative purchases so presence rules and hard targets hold after rounding."""
    inp, slots = pm.inp, pm.slots
    r, t, m = slots["r"].to_numpy(), slots["t"].to_numpy(), slots["m"].to_numpy()
    need = inp.min_units()[r, t, m, :] - inp.surviving[r, t, m, :]
    rc = np.maximum.accumulate(np.maximum(rc, np.ceil(need - 1e-9)), axis=1)
    target = inp.param("target_per_million")
    hard = np.array([inp.scenario.modalities[x].target_hard for x in inp.modalities]) & (target > 0)
    if hard.any() and inp.scenario.constraints.density_targets:
        for key, idx in pd.DataFrame({"r": r, "m": m}).groupby(["r", "m"]).groups.items():
            rr, mm = key
            if not hard[mm]:
                continue
            idx = np.asarray(idx)
            have = (inp.surviving[rr, t[idx], mm, :] + rc[idx]).sum(axis=0)
            short = np.ceil(target[mm] * inp.pop[rr] / 1e6 - 1e-9) - have
            if (short > 0).any():
                room = pm.upper[pm.col("n", idx * len(inp.years))] - inp.surviving[rr, t[idx], mm, 0]
                best = idx[int(np.argmax(room))]
                rc[best] += np.maximum.accumulate(np.maximum(short, 0.0))
    return rc


def _top_up(pm: PlanModel, rc: np.ndarray, cum: np.ndarray, is_int: np.ndarray) -> np.ndarray:
    """Add one unit to the slots the LP wanted most, largest fraction first, while limits have room."""
    inp, slots = pm.inp, pm.slots
    Y = len(inp.years)
    if inp.scenario.budget.include_running_cost or not inp.scenario.constraints.budget:
        return rc
    r, t, m = slots["r"].to_numpy(), slots["t"].to_numpy(), slots["m"].to_numpy()
    price = inp.param("price_wan_cny")[m]
    spu = inp.param("staff_per_unit")[m]
    buy = np.diff(rc, axis=1, prepend=0.0)
    room_total = inp.budget_total_wan - float((buy * price[:, None]).sum())
    room_year = (inp.budget_year_wan - (buy * price[:, None]).sum(axis=0)
                 if inp.budget_year_wan is not None else np.full(Y, np.inf))
    n_now = inp.surviving[r, t, m, :] + rc
    limit = inp.limit[r, t, m]
    staffed = inp.scenario.constraints.staffing and inp.scenario.staffing.enabled
    staff_room = np.full((len(inp.regions), Y), np.inf)
    if staffed:
        used = np.zeros((len(inp.regions), Y))
        np.add.at(used, r, spu[:, None] * n_now)
        existing = np.zeros((len(inp.regions), Y))
        np.add.at(existing, r, spu[:, None] * inp.surviving[r, t, m, :])
        staff_room = np.maximum(inp.staff_available, existing) - used
    frac = np.where(is_int, cum[:, -1] - rc[:, -1], 0.0)
    for s in np.argsort(-frac):
        if frac[s] < 1e-6 or room_total < price.min():
            break
        if price[s] > room_total:
            continue
        first = int(np.argmax(cum[s] > rc[s, -1] + 1e-9))
        for y in range(first, Y):
            if (room_year[y] >= price[s] and (n_now[s, y:] + 1 <= limit[s] + 1e-9).all()
                    and (staff_room[r[s], y:] >= spu[s] - 1e-9).all()):
                rc[s, y:] = np.maximum(rc[s, y:], rc[s, -1] + 1)
                n_now[s, y:] += 1
                staff_room[r[s], y:] -= spu[s]
                room_total -= price[s]
                room_year[y] -= price[s]
                break
    return rc


_scheduler = threading.local()  # the thread count HiGHS's task scheduler was started with, per OS thread


def use_threads(highs, threads: int) -> None:
    """Set ``threads`` on a HiGHS object, restarting this OS thread's HiGHS scheduler if it was started
    with another count. HiGHS >= 1.16 keeps one task scheduler per OS thread and refuses a run whose
    ``threads`` option differs from it; the restart is safe because runs in one OS thread are
    sequential (``run`` blocks), so no run is using the scheduler when it is restarted."""
    threads = int(threads)
    highs.setOptionValue("threads", threads)
    if getattr(_scheduler, "threads", threads) != threads:
        highspy.Highs.resetGlobalScheduler(True)
    _scheduler.threads = threads


def guard_seconds(time_limit: float) -> float:
    """When the wall-clock guard stops HiGHS: 20 % past its own limit, plus 5 s."""
    return 1.2 * time_limit + 5.0


def _option(highs, name: str):
    """highspy returns (status, value) from getOptionValue in some versions and the value in others."""
    v = highs.getOptionValue(name)
    return v[1] if isinstance(v, tuple) else v


def _message(status: str, gap: float | None, tol: float, limit: float) -> str:
    g = "n/a" if gap is None else f"{gap:.2%}"
    return {
        "optimal": f"optimal: proven within the {tol:.2%} gap tolerance (gap {g})",
        "time_limit": f"best plan found within the {limit:g} s time limit, NOT proven optimal (gap {g})",
        "no_solution": f"no plan found within the {limit:g} s time limit: raise solver.time_limit_s or "
                       "relax targets",
        "infeasible": "no plan satisfies the hard constraints",
        "error": "HiGHS stopped with an error",
    }[status]


def marginal_values(pm: PlanModel, opt: Highs, cols: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Duals of the LP with the integer purchases fixed at the plan, and the budget's LP-relaxation dual.

    Both LPs are solved on the HiGHS object Pyomo already holds (no second hand-off), and every change
    is undone afterwards. With purchases fixed, the budget row has nothing left to move, so its
    marginal value comes from the LP relaxation instead (integers relaxed, not fixed), labelled as such.
    Signs are HiGHS's: for a binding "<=" row of this minimisation the dual is <= 0.
    """
    highs = opt._solver_model
    ints = np.flatnonzero(pm.integer)
    icol = cols[ints]
    lp = highs.getLp()
    lo0, hi0 = np.asarray(lp.col_lower_)[icol].copy(), np.asarray(lp.col_upper_)[icol].copy()
    plan = np.round([pm.vars[i].value or 0.0 for i in ints])
    row_of = opt._pyomo_con_to_solver_con_map
    cont, integ = highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger
    duals: dict[str, np.ndarray] = {}
    budget: dict[str, float] = {}
    old_out = _option(highs, "output_flag")
    highs.setOptionValue("output_flag", False)
    highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), cont))
    try:
        highs.changeColsBounds(len(icol), icol, plan, plan)
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            d = np.asarray(highs.getSolution().row_dual)
            for name, blk in pm.blocks.items():
                comp = getattr(pm.model, name)
                duals[name] = d[[row_of[comp[i]] for i in range(blk.rows)]]
        highs.changeColsBounds(len(icol), icol, lo0, hi0)
        if "budget_total" in pm.blocks:
            highs.run()
            if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                d = np.asarray(highs.getSolution().row_dual)
                budget["total"] = float(d[row_of[pm.model.budget_total[0]]])
                if "budget_year" in pm.blocks:
                    for i in range(pm.blocks["budget_year"].rows):
                        budget[str(pm.inp.years[i])] = float(d[row_of[pm.model.budget_year[i]]])
    finally:
        highs.changeColsBounds(len(icol), icol, lo0, hi0)
        highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), integ))
        highs.setOptionValue("output_flag", bool(old_out))
    return duals, budget
