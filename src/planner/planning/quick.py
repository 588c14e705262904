"""A plan at once after a budget what-if, made from the previous plan's purchases.

A planner changing the budget should see a plan before HiGHS has found its own. The previous plan's
purchases are the starting point:

- **the budget grew** (the previous purchases still keep every budget row): purchases may only be added;
- **the budget fell**: purchases may only be removed, never below what the presence rules force.

The LP relaxation of that restricted model says what to buy. Its purchases are rounded down, and units
are added back in order of their fractional part while every purchase row has room for them. The room is
read from the model's own rows (room.PurchaseRows: budget, staffing, hard density targets, facility
limits, presence rules and any other row over purchases alone), with the budget rows at the bounds HiGHS
holds for them now (the what-if's budget), so a new rule that limits purchases is kept without a change
here, and running costs counted in the budget are counted here too (n read from the purchases). Rounding
down keeps every purchase row: fewer units than the LP never break an upper limit, and at least the
previous plan's units (after a rise) or what the presence rules force (after a cut) never break a lower one.

Other whole columns (access: a region holds a unit, a mobile unit visits) are not purchases: their rows
also hold flows or travel. They are rounded up where the LP wants part of one; if that breaks a row, the
plan is tried with them rounded down. After a rise, if neither plan is feasible (or the LP is not done in
time), the previous plan is used: it still fits the larger budget.

Exam flows are then re-optimised by one LP with the purchases fixed. The result is an ordinary plan that
the verifier checks; it is labelled ``quick``, and its gap is honest (see ``Solver.quick``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from planner.planning.model import PlanModel
from planner.planning.room import PurchaseRows
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
    the presence rules force); ``budget_rows`` are the budget rows of ``A`` and ``highs`` (PlanModel's rows,
    in its order), whose bounds in ``highs`` are the what-if's budget; ``previous_x``, if given, is the last
    plan's every column, from which the restricted LP after a budget cut gets its starting basis. None when
    no plan comes out in time."""
    ints = np.flatnonzero(pm.integer)
    t0 = highs.run_seconds
    prev = np.round(previous)
    budget_rows = np.asarray(budget_rows, np.int64)
    rows = _purchase_rows(pm, highs, budget_rows)   # read before the restricted bounds below
    grew = _keeps_budget(pm, rows, A, highs, budget_rows, ints, prev, previous_x)
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
    tries = []
    if r.status == Status.OPTIMAL and r.x is not None:
        up = _round_in_room(pm, rows, r.x, ints, low, high)
        tries.append(up)
        down = np.where(_is_x_int(pm, ints), up, np.maximum(np.floor(r.x[ints] + 1e-6), low))
        if not np.array_equal(down, up):
            tries.append(down)   # the non-purchase whole columns rounded down instead
    elif not grew:
        return None
    if grew:
        tries.append(prev)   # the previous plan still fits the larger budget (and the LP may not be done)
    for vals in tries:
        with highs.relaxed(), highs.fixed(ints, vals):
            r = highs.solve(time_limit)
        if r.status == Status.OPTIMAL and r.x is not None:
            return QuickPlan(x=r.x, objective=float(r.objective), changed_units=int(np.abs(vals - prev).sum()),
                             grew=grew, seconds=highs.run_seconds - t0)
    return None


def _purchase_rows(pm: PlanModel, highs: HighsModel, budget_rows: np.ndarray) -> PurchaseRows:
    """PlanModel's purchase rows with the budget rows at the bounds ``highs`` holds (the what-if's budget)
    and the column bounds it holds (PlanModel's columns first)."""
    lo, hi = pm.row_bounds()
    lo, hi = lo.copy(), hi.copy()
    lo[budget_rows], hi[budget_rows] = highs.row_lower[budget_rows], highs.row_upper[budget_rows]
    return PurchaseRows(pm, lo, hi, np.asarray(highs.lower), np.asarray(highs.upper))


def _is_x_int(pm: PlanModel, ints: np.ndarray) -> np.ndarray:
    """Which of the integer columns ``ints`` are purchases x."""
    is_x = np.zeros(len(pm.cost), bool)
    is_x[pm.col("x")] = True
    return is_x[ints]


def _keeps_budget(pm: PlanModel, rows: PurchaseRows, A: sp.csr_matrix, highs: HighsModel, budget_rows: np.ndarray,
                  ints: np.ndarray, prev: np.ndarray, previous_x: np.ndarray | None) -> bool:
    """Whether the previous purchases keep every budget row at its bound now: on the purchase rows, with n
    (and its running cost, when the budget counts it) read from them; a budget row that is not a purchase
    row (the elastic model's, with its priced slack) over the integer columns alone, as it is written."""
    xp = _x_values(pm, ints, prev, previous_x)
    at = np.flatnonzero(np.isin(rows.rows, budget_rows))
    act = rows.K[at] @ xp
    ok = bool((act <= rows.hi[at] + rows.tol_hi[at]).all())
    other = np.setdiff1d(budget_rows, rows.rows)
    if len(other):
        room = highs.row_upper[other]
        ok &= bool((A[other][:, ints] @ prev <= room + 1e-6 * np.maximum(1.0, np.abs(room))).all())
    return ok


def _x_values(pm: PlanModel, ints: np.ndarray, vals: np.ndarray, x_all: np.ndarray | None) -> np.ndarray:
    """Purchases x (PlanModel's order): the integer ones from ``vals`` (per integer column), the others
    (modalities bought in fractions) from ``x_all`` (every column), 0 without it."""
    xcols = pm.col("x")
    out = np.zeros(len(xcols)) if x_all is None else np.asarray(x_all, float)[xcols].copy()
    pos = np.full(len(pm.cost), -1, np.int64)
    pos[ints] = np.arange(len(ints))
    at = pos[xcols]
    out[at >= 0] = vals[at[at >= 0]]
    return out


def _round_in_room(pm: PlanModel, rows: PurchaseRows, lp_x: np.ndarray, ints: np.ndarray, low: np.ndarray,
                   high: np.ndarray) -> np.ndarray:
    """Round the LP's integer columns down (never below ``low``), then add units back, largest fractional
    part first: a purchase while every purchase row has room for it (and ``high`` allows it); any other
    whole column whenever it is fractional (its rows are not purchase rows). Per integer column."""
    lp = lp_x[ints]
    vals = np.maximum(np.floor(lp + 1e-6), low)
    xcols = pm.col("x")
    pos = np.full(len(pm.cost), -1, np.int64)
    pos[xcols] = np.arange(len(xcols))
    xpos = pos[ints]                        # each integer column's place among the x columns, or -1
    on_x = xpos >= 0
    rows.x_lo, rows.x_hi = rows.x_lo.copy(), rows.x_hi.copy()
    rows.x_lo[xpos[on_x]], rows.x_hi[xpos[on_x]] = low[on_x], high[on_x]
    rc = np.cumsum(_x_values(pm, ints, vals, lp_x).reshape(rows.S, rows.Y), axis=1)
    room = rows.room(rc)
    frac = lp - vals
    for j in np.argsort(-frac, kind="stable").tolist():
        if frac[j] <= 1e-6:
            break
        if on_x[j]:
            if room.try_apply([xpos[j]], [1.0]):
                vals[j] += 1
        elif vals[j] + 1 <= high[j] + 1e-9:
            vals[j] += 1
    return vals


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
