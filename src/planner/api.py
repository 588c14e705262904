"""The library's front door: load a scenario, check it, build, solve, verify, collect results.

The CLI and the app are thin layers over ``Planner``::

    from planner import Planner
    p = Planner.from_file("models/baseline.toml", overrides=["budget.total_wan_cny=5000000"])
    result = p.solve()
    result.plan, result.regions, result.verifier.ok
    result = p.resolve_with_budget(6_000_000)   # what-if: same model, new budget
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from planner.planning.checks import CheckReport, explain_infeasible, run_checks
from planner.errors import InputError, PlannerError
from planner.data.inputs import PlanInputs, resolve
from planner.planning.model import PlanModel
from planner.planning.results import PlanResult, collect
from planner.config.scenario import LoadedScenario, load_scenario
from planner.planning.solve import SolveReport, Solver
from planner.planning.verify import verify


class InfeasibleError(PlannerError):
    pass


class Planner:
    def __init__(self, loaded: LoadedScenario):
        self.loaded = loaded
        self.inputs: PlanInputs = resolve(loaded)
        self.checks: CheckReport = run_checks(self.inputs)
        self._pm: PlanModel | None = None
        self._solver: Solver | None = None
        self.build_seconds = 0.0

    @classmethod
    def from_file(cls, path: str | Path | None = None, overrides: list[str] | None = None) -> "Planner":
        return cls(load_scenario(path, overrides))

    @property
    def scenario(self):
        return self.inputs.scenario

    def build(self) -> PlanModel:
        if self._pm is None:
            t0 = time.perf_counter()
            self._pm = PlanModel(self.inputs)
            self.build_seconds = time.perf_counter() - t0
            self._solver = Solver(self._pm)
        return self._pm

    def solve(self, time_limit: float | None = None, gap: float | None = None,
              duals: bool | None = None) -> PlanResult:
        """Solve (or re-solve after a budget change) and verify. Raises PlannerError on failed checks."""
        if not self.checks.ok:
            raise InfeasibleError("The scenario cannot be solved as it stands: " + " ".join(self.checks.errors))
        first = self._pm is None
        pm = self.build()
        assert self._solver is not None
        build_s = self.build_seconds if first else 0.0
        kind = self.scenario.equity.objective
        if kind == "efficiency":
            return run(self.inputs, pm, self._solver, time_limit, gap, duals, build_s)
        return run_lexicographic(self.inputs, pm, self._solver, kind.removeprefix("min_max_"), time_limit, gap,
                                 duals, build_s)

    def set_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None) -> None:
        """Change the budget (after committed spend) everywhere it lives: the inputs, the scenario, the
        built model if there is one, and the pre-solve checks. Nothing is rebuilt."""
        budget = self.inputs.scenario.budget
        if total_wan is not None:
            self.inputs.budget_total_wan = float(total_wan)
            budget.total_wan_cny = float(total_wan) + budget.committed_wan_cny
        if per_year_wan is not None:
            self.inputs.budget_year_wan = np.asarray(per_year_wan, dtype=float)
            budget.per_year_wan_cny = [float(b) for b in per_year_wan]
        if self._pm is not None:
            self._pm.set_budget(total_wan, per_year_wan)
        self.checks = run_checks(self.inputs)

    def set_targets(self, per_million: dict[str, float]) -> bool:
        """Change soft or hard per-million targets in place (no rebuild). Returns False when the built
        model has no density rows for a modality that now gets a target: build a new Planner then."""
        for name in per_million:
            if name not in self.inputs.modalities:
                raise InputError("set_targets", f"unknown modality '{name}'", fix=f"use one of {self.inputs.modalities}")
        if self._pm is not None and not self._pm.set_targets(per_million):
            return False
        for name, value in per_million.items():
            self.inputs.scenario.modalities[name].target_per_million = float(value)
        self.checks = run_checks(self.inputs)
        return True

    def resolve_with_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None,
                            **kw) -> PlanResult:
        """What-if: change only the budget and solve the same model (built once, never rebuilt)."""
        self.set_budget(total_wan, per_year_wan)
        return self.solve(**kw)


def run(inp: PlanInputs, pm: PlanModel, solver: Solver, time_limit: float | None = None, gap: float | None = None,
        duals: bool | None = None, build_seconds: float = 0.0) -> PlanResult:
    """One HiGHS solve of a built model with whatever objective it holds, then collect and verify."""
    rep: SolveReport = solver.solve(time_limit, gap, duals, build_seconds=build_seconds)
    if rep.status == "infeasible":
        rep.message += ". " + explain_infeasible(inp)
    result = collect(pm, rep)
    result.verifier = verify(inp, result.plan, result.flows, result.mobile, result.units, result.regions,
                             result.measures.get("weighted_sum_objective")) if rep.has_plan else None
    return result


def z_columns(pm: PlanModel, what: str) -> np.ndarray:
    """PlanModel columns of the equity measure ``what`` ('shortfall' or 'travel')."""
    Z = pm.families["Z"].index
    return pm.col("Z", np.flatnonzero(Z["what"].to_numpy() == what))


def run_lexicographic(inp: PlanInputs, pm: PlanModel, solver: Solver, what: str, time_limit: float | None = None,
                      gap: float | None = None, duals: bool | None = None, build_seconds: float = 0.0,
                      stage_one_only: bool = False) -> PlanResult:
    """Equity first: minimise the largest shortfall (or longest travel), then the weighted sum without
    letting that measure get worse. Each stage gets half the time limit. The model keeps its weighted-sum
    objective and epsilon bounds afterwards, so the next solve starts from the scenario again."""
    cols = z_columns(pm, what)
    if not len(cols):
        raise InputError("equity", f"nothing to equalise: no {what} measure in this scenario",
                         fix="set a per-million target (shortfall) or access.exam_types (travel)")
    eps = pm.epsilon_bounds()[cols - pm.families["Z"].offset]
    limit = float(time_limit if time_limit is not None else inp.scenario.solver.time_limit_s)
    cost = np.zeros(len(pm.cost))
    cost[cols] = 1.0
    solver.set_costs(cost)
    try:
        first = run(inp, pm, solver, limit / 2, gap, False, build_seconds)
        rep1 = first.report
        if not rep1.has_plan or stage_one_only:
            return first
        best = pm.solution[cols].copy()
        solver.use_weighted_sum()
        # the stage-one plan satisfies this bound, so stage two is never infeasible
        solver.set_upper(cols, np.minimum(eps, best + 1e-6 * np.maximum(1, best)))
        second = run(inp, pm, solver, limit / 2, gap, duals, 0.0)
    finally:
        solver.use_weighted_sum()
        if len(cols):
            solver.set_upper(cols, eps)
    rep2 = second.report
    label = "largest shortfall" if what == "shortfall" else "longest travel"
    unit = "per million" if what == "shortfall" else "minutes"
    rep2.message = (f"Equity first: {label} minimised to {rep1.objective:,.3f} {unit} ({rep1.status}, gap "
                    f"{(rep1.gap or 0) * 100:.2f} %); then the weighted sum with it held: " + rep2.message)
    rep2.solve_seconds += rep1.solve_seconds
    rep2.build_seconds = rep1.build_seconds
    rep2.handoff_seconds += rep1.handoff_seconds
    if rep1.status != "optimal" and rep2.status == "optimal":
        rep2.status = "time_limit"  # the equity stage was not proven, so neither is the whole
    second.measures["equity_stage"] = {"objective": rep1.objective, "bound": rep1.bound, "gap": rep1.gap,
                                       "status": rep1.status, "seconds": rep1.solve_seconds}
    return second


def solve_file(path: str | Path | None = None, overrides: list[str] | None = None,
               time_limit: float | None = None, gap: float | None = None) -> PlanResult:
    return Planner.from_file(path, overrides).solve(time_limit, gap)


__all__ = ["Planner", "solve_file", "InfeasibleError"]
