"""Solving a PlanModel with HiGHS through Pyomo's persistent interface, and reporting honestly.

Status words used everywhere (CLI, summary.json, app):
  optimal          HiGHS proved the plan is within the scenario's relative gap of the best possible
  time_limit       stopped by the time limit with a plan: the best found, with its gap (not optimal)
  no_solution      stopped by the time limit before any plan was found
  infeasible       no plan satisfies the hard constraints (an explanation comes from checks.py)
  error            anything else HiGHS reported
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
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
    if obj is None or bound is None or not np.isfinite(bound):
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


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

    def _handoff(self) -> float:
        """Hand the model to HiGHS once; later solves only push changed parameters (the budget)."""
        t0 = time.perf_counter()
        if self._cols is None:
            self.opt.set_instance(self.pm.model)
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

    def solve(self, time_limit: float | None = None, gap: float | None = None,
              duals: bool | None = None, build_seconds: float = 0.0) -> SolveReport:
        handoff = self._handoff()
        highs = self.opt._solver_model  # the highspy.Highs object Pyomo drives
        opts = self._options(time_limit, gap)
        t_run0 = float(highs.getRunTime())  # HiGHS's clock is cumulative over runs: take differences
        if self.pm.inp.scenario.solver.warm_start:
            relax_and_round(self.pm, highs, self._cols, opts["time_limit"])
        res = self.opt.solve(self.pm.model, **opts)
        solve_s = float(highs.getRunTime()) - t_run0
        status = _status(res)
        obj = res.incumbent_objective if status in ("optimal", "time_limit") else None
        bound = res.objective_bound
        if status in ("optimal", "time_limit"):
            res.solution_loader.load_vars()
        nodes = getattr(res.extra_info, "mip_node_count", None)
        gap_v = _gap(obj, bound)
        msg = _message(status, gap_v, opts["rel_gap"], opts["time_limit"])
        rep = SolveReport(status=status, termination=str(res.termination_condition.name), objective=obj,
                          bound=bound, gap=gap_v, build_seconds=build_seconds, handoff_seconds=handoff,
                          solve_seconds=solve_s, mip_nodes=nodes, message=msg)
        want_duals = self.pm.inp.scenario.solver.compute_duals if duals is None else duals
        if want_duals and rep.has_plan:
            t1 = time.perf_counter()
            rep.duals, rep.budget_marginal = marginal_values(self.pm, self.opt, self._cols)
            rep.duals_seconds = time.perf_counter() - t1
        return rep


def relax_and_round(pm: PlanModel, highs, cols: np.ndarray, time_limit: float) -> bool:
    """Give HiGHS a starting plan built from the LP relaxation, so a time-limited run always has one.

    Rounding each year's purchases separately loses thin fractions spread over years, so the rounding
    is done on cumulative purchases per unit slot: round the LP's cumulative count down, then, largest
    fraction first, add one unit from the first year the LP wanted it, while the total and yearly budget
    rows still have room. Rounding down keeps every upper-limit rule satisfied; HiGHS completes the
    continuous variables and ignores the start if a lower-limit rule (hard target, presence) is broken.
    Returns whether a start was handed over.
    """
    fam = pm.families["x"]
    S, Y = len(pm.slots), len(pm.inp.years)
    if not S or not pm.integer.any():
        return False
    xcols = cols[pm.col("x")]
    ints = np.flatnonzero(pm.integer)
    icol = cols[ints]
    cont, integ = highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger
    highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), cont))
    old_limit, old_out = _option(highs, "time_limit"), _option(highs, "output_flag")
    try:
        highs.setOptionValue("time_limit", float(max(1.0, 0.2 * time_limit)))
        highs.setOptionValue("output_flag", False)
        highs.run()
        ok = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        lp = np.asarray(highs.getSolution().col_value) if ok else None
    finally:
        highs.changeColsIntegrality(len(icol), icol, np.full(len(icol), integ))
        highs.setOptionValue("time_limit", float(old_limit))
        highs.setOptionValue("output_flag", bool(old_out))
    if lp is None:
        return False
    cum = np.cumsum(lp[xcols].reshape(S, Y), axis=1)   # x columns are slot-major, year fastest
    is_int = pm.integer[pm.col("x")].reshape(S, Y)[:, 0]
    lower_cum = np.cumsum(pm.lower[pm.col("x")].reshape(S, Y), axis=1)
    rc = np.where(is_int[:, None], np.maximum(np.floor(cum + 1e-9), lower_cum), cum)
    rc = np.maximum.accumulate(rc, axis=1)
    price = pm.inp.param("price_wan_cny")[fam.index["m"].to_numpy().reshape(S, Y)[:, 0]]
    inp = pm.inp
    if not inp.scenario.budget.include_running_cost and inp.scenario.constraints.budget:
        buy = np.diff(rc, axis=1, prepend=0.0)
        room_total = inp.budget_total_wan - float((buy * price[:, None]).sum())
        room_year = (inp.budget_year_wan - (buy * price[:, None]).sum(axis=0)
                     if inp.budget_year_wan is not None else np.full(Y, np.inf))
        frac = np.where(is_int, cum[:, -1] - rc[:, -1], 0.0)
        for s in np.argsort(-frac):
            if frac[s] < 1e-6 or room_total < price.min():
                break
            if price[s] > room_total:
                continue
            first = int(np.argmax(cum[s] > rc[s, -1] + 1e-9))
            for y in range(first, Y):
                if room_year[y] >= price[s]:
                    rc[s, y:] = np.maximum(rc[s, y:], rc[s, -1] + 1)
                    room_total -= price[s]
                    room_year[y] -= price[s]
                    break
    buy = np.diff(rc, axis=1, prepend=0.0).ravel()
    sel = pm.integer[pm.col("x")]
    highs.setSolution(int(sel.sum()), xcols[sel].astype(np.int32), buy[sel])
    return True


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
