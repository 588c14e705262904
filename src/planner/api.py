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

from planner.planning.checks import CheckReport, run_checks
from planner.errors import InputError, PlannerError
from planner.messages import msg
from planner.data.inputs import PlanInputs, even_tranches, resolve
from planner.planning.model import PlanModel
from planner.planning.pipeline import run, run_quick
from planner.planning.results import PlanResult
from planner.config.scenario import LoadedScenario, load_scenario
from planner.planning.solve import Solver
from planner.solver.deadline import Deadline
from planner.planning.lexicographic import run_lexicographic


QUICK_PLAN_MAX_S = 5.0  # a what-if's quick plan: at most this, and a quarter of the what-if's time limit


def quick_plan_seconds(deadline: Deadline) -> float:
    """The quick plan's part of a what-if's deadline (the library's and the app's what-ifs alike)."""
    return min(QUICK_PLAN_MAX_S, deadline.part(0.25))


class InfeasibleError(PlannerError):
    pass


class Planner:
    def __init__(self, loaded: LoadedScenario):
        self.loaded = loaded
        self.inputs: PlanInputs = resolve(loaded)
        self.checks: CheckReport = run_checks(self.inputs)
        self._pm: PlanModel | None = None
        self._solver: Solver | None = None
        self._cancel_pending = False
        self.build_seconds = 0.0

    @classmethod
    def from_file(cls, path: str | Path | None = None, overrides: list[str] | None = None) -> "Planner":
        return cls(load_scenario(path, overrides))

    @property
    def scenario(self):
        return self.inputs.scenario

    @property
    def built(self) -> bool:
        """Whether the model is built: the next solve is a what-if on it (no build inside its time)."""
        return self._pm is not None

    def build(self) -> PlanModel:
        if self._pm is None:
            t0 = time.perf_counter()
            self._pm = PlanModel(self.inputs)
            self.build_seconds = time.perf_counter() - t0
            self._solver = Solver(self._pm)
        return self._pm

    def solve(self, time_limit: float | Deadline | None = None, gap: float | None = None,
              duals: bool | None = None, progress=None) -> PlanResult:
        """Solve (or re-solve after a budget change) and verify. Raises PlannerError on failed checks.
        ``progress`` is called with a ``planner.solver.Progress`` (incumbent, bound, gap) as HiGHS improves
        them; ``cancel()`` from a signal handler or another thread stops the solve with its best plan."""
        if not self.checks.ok:
            raise InfeasibleError("The scenario cannot be solved as it stands: " + " ".join(map(str, self.checks.errors)))
        first = self._pm is None
        pm = self.build()
        assert self._solver is not None
        self._solver.progress = progress
        if self._cancel_pending:  # Ctrl-C while the model was being built
            self._solver.stopped, self._cancel_pending = True, False
        build_s = self.build_seconds if first else 0.0
        kind = self.scenario.equity.objective
        if kind == "efficiency":
            return run(self.inputs, pm, self._solver, time_limit, gap, duals, build_s)
        return run_lexicographic(self.inputs, pm, self._solver, kind.removeprefix("min_max_"), time_limit, gap,
                                 duals, build_s)

    def cancel(self) -> None:
        """Stop a solve under way; it returns the best plan so far, verified and labelled 'interrupted'."""
        if self._solver is not None:
            self._solver.cancel()
        else:
            self._cancel_pending = True

    def set_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None) -> None:
        """Change the budget everywhere it lives: the scenario, the inputs, the built model if there is
        one, and the pre-solve checks. Nothing is rebuilt.

        ``total_wan`` is the planner's figure, as the scenario's ``budget.total_wan_cny`` and the CLI's
        ``--set`` state it: before committed spend. The model spends the net (``Budget.net_wan_cny``).
        ``per_year_wan`` states the yearly caps: they replace even tranches (``even_yearly_tranches`` off)."""
        budget = self.inputs.scenario.budget
        if total_wan is not None and float(total_wan) < budget.committed_wan_cny:
            # the schema's own check, said as the planner's error (not pydantic's, which the app and a
            # sweep do not catch), before anything moves
            raise InputError("budget.total_wan_cny", msg("schema.committed_over_total",
                                                         committed=budget.committed_wan_cny, total=float(total_wan)))
        if total_wan is not None:
            budget.total_wan_cny = float(total_wan)
            self.inputs.budget_total_wan = budget.net_wan_cny
            if per_year_wan is None and budget.even_yearly_tranches:
                # the tranches follow the total; the scenario keeps saying 'even tranches', not the numbers
                self.inputs.budget_year_wan = even_tranches(budget.net_wan_cny, len(self.inputs.years))
                if self._pm is not None:
                    self._pm.set_budget(per_year_wan=list(self.inputs.budget_year_wan))
        if per_year_wan is not None:
            self.inputs.budget_year_wan = np.asarray(per_year_wan, dtype=float)
            budget.per_year_wan_cny = [float(b) for b in per_year_wan]
            # stated caps replace even tranches (the schema allows one or the other): a later total must not
            # recompute tranches in the model while the scenario, which the verifier reads, keeps these caps
            budget.even_yearly_tranches = False
        if self._pm is not None:
            self._pm.set_budget(None if total_wan is None else budget.net_wan_cny, per_year_wan)
        self.checks = run_checks(self.inputs)

    def set_targets(self, per_million: dict[str, float]) -> bool:
        """Change soft or hard per-million targets in place (no rebuild). Returns False when the built
        model has no density rows for a modality that now gets a target: build a new Planner then."""
        for name in per_million:
            if name not in self.inputs.modalities:
                raise InputError("set_targets", msg("api.unknown_modality", name=name),
                                 fix=msg("api.fix_use_one_of", modalities=self.inputs.modalities))
        if self._pm is not None and not self._pm.set_targets(per_million):
            return False
        for name, value in per_million.items():
            self.inputs.scenario.modalities[name].target_per_million = float(value)
        self.checks = run_checks(self.inputs)
        return True

    def quick_plan(self, time_limit: float = QUICK_PLAN_MAX_S) -> PlanResult | None:
        """After a budget change on a solved model: a verified plan at once (status ``quick``), the previous
        purchases kept or trimmed to the new budget, with its honest gap. ``solve()`` then improves on it
        (it starts from it). None when there is no previous plan of this model, the model changed in
        anything but the budget, the objective is not the weighted sum, or the budget is below what the
        rules require."""
        if self._pm is None or self._solver is None or self.scenario.equity.objective != "efficiency":
            return None
        return run_quick(self.inputs, self._pm, self._solver, time_limit)

    def resolve_with_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None,
                            first_plan=None, **kw) -> PlanResult:
        """What-if: change only the budget (``total_wan`` before committed spend, as in the scenario) and
        solve the same model (built once, never rebuilt).
        ``first_plan``, if given, is called with the quick plan (``quick_plan()``) before HiGHS starts, so a
        caller can show a verified plan at once while the solve improves it."""
        self.set_budget(total_wan, per_year_wan)
        # one deadline for the what-if: the quick plan draws from it, the solve gets what it leaves
        deadline = Deadline.of(kw.pop("time_limit", None) or self.scenario.solver.time_limit_s)
        if self.checks.ok:
            # also the MIP's start: unlike the previous plan, it fits the new budget
            quick = self.quick_plan(quick_plan_seconds(deadline))
            if quick is not None and first_plan is not None:
                first_plan(quick)
        return self.solve(time_limit=deadline, **kw)


def solve_file(path: str | Path | None = None, overrides: list[str] | None = None,
               time_limit: float | None = None, gap: float | None = None) -> PlanResult:
    return Planner.from_file(path, overrides).solve(time_limit, gap)


__all__ = ["Planner", "solve_file", "InfeasibleError"]
