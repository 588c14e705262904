"""Rows a solve may leave out of the MIP and check after it: the families that declare ``lazy``
(families/spec.py; renewal.py's earmark).

Why: with the renewal earmark (one row over every purchase, with the replacement columns RN) HiGHS stayed in
its root cut loop on Sichuan by county, about 10 s a round, never ran its sub-MIP heuristics, and ended
12-13 % from its bound at 120 s, against 1.55 % without the earmark. Yet the earmark did not bind: the LP
relaxation's objective was the same with it and without it up to a share of 0.6
(benchmarks/results/bench_earmark.md). So when the LP relaxation gives every lazy row a zero dual, the MIP
runs without them: their rows are opened (no bounds), and their columns, in no other row, are removed by
HiGHS's presolve.

Why it is exact: a lazy family's columns are continuous and cost nothing (test_family_spec holds every
lazy family to that), so the model without the family is a relaxation of the whole model, and its proven
bound holds for the whole model. After the MIP the rows are put back and the plan is completed on the whole
model with its whole columns fixed (HighsModel.complete, an LP): when that keeps every row at the same
objective, the plan and the bound are the whole model's. When it does not, the plan broke a lazy row, and
the solve goes on with the whole model for the time left, keeping the bound found so far (it still holds).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from planner.solver import HighsModel, SolveResult, Status

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

DUAL_TOL = 1e-9   # relative to the largest cost: a lazy row's LP dual this small counts as zero
# Whether solves may leave lazy rows out (benchmarks/bench_earmark.py sets it False to compare with the MIP
# that keeps them)
ENABLED = True


class LazyRows:
    """The rows and columns of a PlanModel's lazy families, and the bounds to open and restore them by."""

    def __init__(self, pm: PlanModel):
        rows, cols = [], []
        self.labels = []   # the lazy families' words (the status says which rules a plan broke)
        for family in pm.specs:
            if not family.lazy:
                continue
            self.labels.append(family.label)
            for block in family.rows:
                b = pm.blocks.get(block.name)
                if b is not None and b.rows:
                    rows.append(pm.row_start[block.name] + np.arange(b.rows))
            for var in family.variables:
                if var.name in pm.families and len(pm.families[var.name].index):
                    cols.append(pm.col(var.name))
        self.rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        self.cols = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        if pm.integer[self.cols].any() or np.any(pm.cost[self.cols] != 0):
            # an elastic model's slack (renewal's RE) has a cost: there the rows stay in the MIP
            self.rows, self.cols = self.rows[:0], self.cols[:0]
        self.opened = False

    def __bool__(self) -> bool:
        return bool(len(self.rows))

    def free_in_lp(self, highs: HighsModel, time_limit: float) -> bool:
        """Whether the whole model's LP relaxation (solved here, within ``time_limit``) gives every lazy row
        a zero dual: then the relaxation's optimum is the same without them (its KKT point stays one), so
        the MIP without the rows starts from the same relaxation. A row can be tight and still free: with
        money to spare, an LP may spend it all at a vertex where the earmark is met exactly."""
        with highs.relaxed():
            r = highs.solve(time_limit, duals=True)
        if r.status != Status.OPTIMAL or r.row_dual is None:
            return False
        scale = max(1.0, float(np.abs(highs.cost).max(initial=0.0)))
        return bool(np.all(np.abs(r.row_dual[self.rows]) <= DUAL_TOL * scale))

    def open(self, highs: HighsModel) -> None:
        """The MIP without the lazy rows: their bounds opened. Their columns, costless and in no other row,
        are left free, so HiGHS's presolve removes them, and rounding (room.PurchaseRows, which reads the
        model's row sides but HiGHS's column bounds) sees rows with free columns, not purchase rows: fixed at
        0 instead, the earmark would read to it as 'every new unit within (1 - share) of the budget'."""
        self._rows = (highs.row_lower[self.rows].copy(), highs.row_upper[self.rows].copy())
        highs.set_row_bounds(self.rows, np.full(len(self.rows), -np.inf), np.full(len(self.rows), np.inf))
        self.opened = True

    def close(self, highs: HighsModel) -> None:
        """The lazy rows back as they were."""
        if self.opened:
            highs.set_row_bounds(self.rows, *self._rows)
            self.opened = False

    def completed(self, highs: HighsModel, res: SolveResult, time_limit: float) -> SolveResult | None:
        """``res`` (a plan of the MIP without the lazy rows) as a plan of the whole model: its whole columns
        fixed, the rest chosen by an LP on the whole model (the rows closed again). None when that LP finds
        no completion at the plan's objective: the plan broke a lazy row."""
        ints = np.flatnonzero(highs.integer)
        done = highs.complete(ints, np.round(res.x[ints]), time_limit)
        if done.x is None or done.status != Status.OPTIMAL:
            return None
        if abs(done.objective - res.objective) > 1e-7 * max(1.0, abs(res.objective)):
            return None   # a completion dearer than the plan (cannot happen for costless columns; never kept)
        return dataclasses.replace(res, x=done.x)
