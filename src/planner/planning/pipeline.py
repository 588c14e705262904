"""One solve of a built model, end to end: HiGHS, the explanation of an infeasible scenario, the result
tables and the independent verifier. The Planner, the studies and batch all go through ``run``."""

from __future__ import annotations

from planner.data.inputs import PlanInputs
from planner.messages import msg
from planner.planning.checks import explain_infeasible, run_checks
from planner.planning.model import PlanModel
from planner.planning.results import PlanResult, collect
from planner.planning.solve import SolveReport, Solver
from planner.planning.verify import verify
from planner.solver.deadline import Deadline


def run_quick(inp: PlanInputs, pm: PlanModel, solver: Solver, time_limit: float = 5.0) -> PlanResult | None:
    """The quick plan after a budget what-if (Solver.quick), collected and verified like any plan; None
    when there is none to make."""
    rep = solver.quick(time_limit)
    return None if rep is None else _finish(inp, pm, rep)


def run(inp: PlanInputs, pm: PlanModel, solver: Solver, time_limit: float | Deadline | None = None,
        gap: float | None = None,
        duals: bool | None = None, build_seconds: float = 0.0) -> PlanResult:
    """One HiGHS solve of a built model with whatever objective it holds, then collect and verify."""
    deadline = Deadline.of(time_limit if time_limit is not None else inp.scenario.solver.time_limit_s)
    rep: SolveReport = solver.solve(deadline, gap, duals, build_seconds=build_seconds)
    if rep.status == "infeasible":
        rep.message = msg("status.infeasible_why", status=rep.message, why=explain_infeasible(inp, deadline.left()))
    return _finish(inp, pm, rep)


def _finish(inp: PlanInputs, pm: PlanModel, rep: SolveReport) -> PlanResult:
    result = collect(pm, rep)
    result.warnings = run_checks(inp).warnings
    result.verifier = verify(inp, result.plan, result.flows, result.mobile, result.units, result.regions,
                             result.measures.get("weighted_sum_objective")) if rep.has_plan else None
    return result
