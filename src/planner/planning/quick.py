"""A plan at once after a budget what-if, made from the previous plan's purchases.

A planner changing the budget should see a plan before HiGHS has found its own. The previous plan's
purchases are the starting point:

- **the budget grew** (the previous purchases still fit): purchases may only be added;
- **the budget fell**: purchases may only be removed, never below what the presence rules force.

The LP relaxation of that restricted model says what to buy. Its values are rounded down, and units are
added back in order of their fractional part while every budget row has room. Rounding down keeps every
row: fewer units than the LP never break a facility, staff or budget row, and at least the previous
plan's units never break a presence rule or a hard target. After a rise, a unit added back may break a
facility or staff row; then the rounded-down plan is used.

Exam flows are then re-optimised by one LP with the purchases fixed. The result is an ordinary plan that
the verifier checks; it is labelled ``quick``, and its gap is honest (see ``Solver.quick``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from planner.planning.model import PlanModel
from planner.solver import HighsModel, Status

# The restricted LP's limit after a rise: with the flows LP, collection and verification a quick plan then
# takes about a second on Sichuan by county, and an LP not done in time leaves the previous plan. After a
# cut there is no plan without the LP, so it gets the caller's limit.
LP_SECONDS = 0.5


@dataclass
class QuickPlan:
    x: np.ndarray                  # every PlanModel column
    objective: float
    changed_units: int             # units added (budget grew) or removed (budget fell) against the previous plan
    grew: bool
    seconds: float                 # HiGHS's time on the small solves


def quick_plan(pm: PlanModel, highs: HighsModel, A: sp.csr_matrix, previous: np.ndarray,
               budget_rows: np.ndarray, keep_at_least: np.ndarray, time_limit: float,
               previous_x: np.ndarray | None = None) -> QuickPlan | None:
    """``previous`` and ``keep_at_least`` are per integer column (the last plan's values and the purchases
    the presence rules force); ``previous_x``, if given, is the last plan's every column, from which the
    restricted LP after a budget cut gets its starting basis. None when no plan comes out in time."""
    ints = np.flatnonzero(pm.integer)
    t0 = highs.run_seconds
    prev = np.round(previous)
    B = A[budget_rows][:, ints].tocsc()
    room = highs.row_upper[budget_rows]
    grew = bool((B @ prev <= room + 1e-6 * np.maximum(1.0, np.abs(room))).all())
    lo0, hi0 = highs.lower[ints], highs.upper[ints]
    if grew:   # purchases may only be added
        low, high = np.maximum(prev, lo0), np.maximum(prev, hi0)
    else:      # purchases may only be removed, never below what the rules force
        low = np.maximum(np.minimum(keep_at_least, prev), lo0)
        high = np.minimum(prev, hi0)
    with highs.relaxed(), highs.bounded(ints, low, high):
        # After a cut the LP starts from a basis made at the previous plan: 0.36 s of crossover, then 0.32 s,
        # against 0.85 s cold (Sichuan by county). After a rise it did not finish within LP_SECONDS from
        # that basis either, so the crossover would only delay the fallback to the previous plan.
        if previous_x is not None and not grew:
            _basis_from_previous(highs, A, previous_x, ints, prev, budget_rows)
        r = highs.solve(min(time_limit, LP_SECONDS) if grew else time_limit)
    if r.status == Status.OPTIMAL and r.x is not None:
        lp = r.x[ints]
        tries = [_round_within_budget(lp, low, B, room)]
        if grew:
            # Units added back above the rounded-down LP may break a facility or staff row (removed ones
            # never do): then the rounded-down plan alone, which only adds what the LP bought whole.
            tries.append(np.maximum(np.floor(lp + 1e-6), low))
    elif not grew:
        return None
    else:
        tries = []
    if grew:
        tries.append(prev)   # the previous plan still fits the larger budget (and the LP may not be done)
    for vals in tries:
        with highs.relaxed(), highs.fixed(ints, vals):
            r = highs.solve(time_limit)
        if r.status == Status.OPTIMAL and r.x is not None:
            return QuickPlan(x=r.x, objective=float(r.objective), changed_units=int(np.abs(vals - prev).sum()),
                             grew=grew, seconds=highs.run_seconds - t0)
    return None


def _basis_from_previous(highs: HighsModel, A: sp.csr_matrix, x: np.ndarray, ints: np.ndarray, prev: np.ndarray,
                         budget_rows: np.ndarray) -> None:
    """A starting basis for the restricted LP from the previous plan. The plan is feasible for that LP
    but for the budget rows when the budget fell, so the basis is made with them open; the LP is then
    solved with them back, from that basis."""
    x = np.asarray(x, dtype=float).copy()
    x[ints] = prev                       # exactly on the restricted bounds
    lo, hi = highs.row_lower[budget_rows].copy(), highs.row_upper[budget_rows].copy()
    highs.set_row_bounds(budget_rows, lo, np.full(len(budget_rows), np.inf))
    try:
        highs.basis_from(x, A @ x)
    finally:
        highs.set_row_bounds(budget_rows, lo, hi)


def _round_within_budget(lp: np.ndarray, low: np.ndarray, B: sp.csc_matrix, room: np.ndarray) -> np.ndarray:
    """Round an LP's purchases down (never below ``low``), then add units back, largest fractional part
    first, while every budget row (``B @ x <= room``) has room for them."""
    vals = np.maximum(np.floor(lp + 1e-6), low)
    left = room - B @ vals
    frac = lp - vals
    for j in np.argsort(-frac, kind="stable"):
        if frac[j] <= 1e-6:
            break
        col = B[:, j]
        if (col.data <= left[col.indices] + 1e-9).all():
            vals[j] += 1
            left[col.indices] -= col.data
    return vals
