"""One status vocabulary and one result type for every HiGHS solve in the project.

The words are the ones the CLI, summary.json, the app, batch rows and the location models print:

  optimal      HiGHS proved the solution is within the requested relative gap of the best possible
  time_limit   stopped by a limit (time, iterations, solutions, the wall-clock guard) with a solution:
               the best found, with its gap, NOT proven optimal
  interrupted  stopped on request (Ctrl-C, a Stop button) with a solution: the best so far, not proven
  quick        a plan made at once for a budget what-if from the previous plan (kept, or trimmed to the
               new budget), with flows re-optimised; not optimised over purchases, its gap says how far
               it may be from the best
  no_solution  stopped by a limit or on request before any solution was found
  infeasible   no solution satisfies the constraints (HiGHS proved it)
  unbounded    the objective can improve without end (a modelling error: some cost or bound is missing)
  error        anything else HiGHS reported (its own words are in ``SolveResult.detail``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class Status(StrEnum):
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INTERRUPTED = "interrupted"
    QUICK = "quick"
    NO_SOLUTION = "no_solution"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.TIME_LIMIT, Status.INTERRUPTED, Status.QUICK)

    @property
    def proven(self) -> bool:
        """The answer is a proof (optimal within the gap, or no solution exists), not a stop."""
        return self in (Status.OPTIMAL, Status.INFEASIBLE, Status.UNBOUNDED)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective - bound| / max(|objective|, 1). Objectives are in 万元-equivalents (or the location models'
    cost units), so a difference far below one unit on an objective near zero is not a 'gap' (HiGHS
    reports 0 there too). None when there is no objective or no finite bound."""
    if objective is None or bound is None or not np.isfinite(bound) or not np.isfinite(objective):
        return None
    diff = abs(objective - bound)
    return 0.0 if diff <= 1e-9 * max(1.0, abs(objective)) else diff / max(abs(objective), 1.0)


@dataclass(frozen=True)
class Progress:
    """Where a running MIP stands: HiGHS's seconds on this run, the best plan's objective and the proven
    bound so far (None while there is none), and their relative gap."""

    seconds: float
    incumbent: float | None
    bound: float | None

    @property
    def gap(self) -> float | None:
        return relative_gap(self.incumbent, self.bound)


@dataclass
class SolveResult:
    """What one run of a solver gave: honest status, objective, proven bound and the solution.

    ``objective`` is None without a solution. ``bound`` is HiGHS's proven dual bound for a MIP (for an LP
    solved to optimality, the objective itself); None where nothing was proven. ``x`` has one value per
    column; ``row_dual`` is filled for an LP solved to optimality (signs as HiGHS gives them: for a binding
    '<=' row of a minimisation the dual is <= 0). ``seconds`` is HiGHS's own run time for this solve."""

    status: Status
    objective: float | None
    bound: float | None
    x: np.ndarray | None
    seconds: float
    nodes: int | None = None
    row_dual: np.ndarray | None = None
    stopped_by_guard: bool = False
    detail: str = ""                   # HiGHS's own status words, for messages and logs
    extra: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)

    @property
    def has_solution(self) -> bool:
        return self.status.has_solution and self.x is not None
