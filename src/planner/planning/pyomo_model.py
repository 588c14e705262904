"""The planning model as a Pyomo ConcreteModel: the canonical, solver-independent form.

It is built from PlanModel's arrays (the same rows, bounds, costs and integrality the HiGHS adapter is
given), so a planner with another solver can solve it through Pyomo, or write it as an LP or MPS file
(``planner export``). The what-if right-hand sides (budget rows' upper bounds, density rows' lower bounds,
the alternatives' objective cap) are mutable Params, kept in step by ``sync_rhs``.
tests/test_pyomo_model.py asserts that this model and the adapter's matrices are the same model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

INF = float("inf")
FORMATS = {".mps": "mps", ".lp": "lp"}  # file suffix -> format, for both writers (planner export)


def _mutable_side(pm: "PlanModel", name: str) -> str | None:
    """The side of row block ``name`` a what-if may move (its family's spec says), or None."""
    spec = pm.row_spec(name)
    return None if spec is None else spec.what_if


def to_pyomo(pm: "PlanModel") -> pyo.ConcreteModel:
    lo, hi, integer, c = pm.lower, pm.upper, pm.integer, pm.cost
    m = pyo.ConcreteModel(name=pm.inp.scenario.name)
    ncol = len(c)
    # Most columns are continuous with bounds [0, inf): declare that once and touch only the rest
    # (per-variable domain and bound calls were most of the build time at county scale).
    m.v = pyo.Var(range(ncol), domain=pyo.NonNegativeReals)
    v = [m.v[i] for i in range(ncol)]
    for i in np.flatnonzero(integer):
        v[i].domain = pyo.Integers
    for i in np.flatnonzero((lo != 0) | integer):
        v[i].setlb(float(lo[i]))
    for i in np.flatnonzero(hi != INF):
        v[i].setub(float(hi[i]))
    for name, blk in pm.blocks.items():
        order = np.argsort(blk.row_of, kind="stable")
        rows_sorted, cols_sorted, coef_sorted = blk.row_of[order], blk.cols[order], blk.coefs[order]
        bounds = np.searchsorted(rows_sorted, np.arange(blk.rows + 1))
        side = _mutable_side(pm, name)
        if side:
            rhs = pyo.Param(range(blk.rows), initialize=dict(enumerate(getattr(blk, side).tolist())), mutable=True)
            m.add_component(f"{name}_rhs", rhs)
        exprs = []
        for i in range(blk.rows):
            a, b = bounds[i], bounds[i + 1]
            exprs.append(LinearExpression(constant=0.0, linear_coefs=coef_sorted[a:b].tolist(),
                                          linear_vars=[v[j] for j in cols_sorted[a:b]]))
        lower, upper = blk.lower, blk.upper

        def rule(_m, i, exprs=exprs, lower=lower, upper=upper, side=side, name=name):
            lo_i = None if lower[i] == -INF else float(lower[i])
            up_i = None if upper[i] == INF else float(upper[i])
            if side == "upper":
                return exprs[i] <= getattr(_m, f"{name}_rhs")[i] if lo_i is None else \
                    pyo.inequality(lo_i, exprs[i], getattr(_m, f"{name}_rhs")[i])
            if side == "lower":
                return exprs[i] >= getattr(_m, f"{name}_rhs")[i]
            return (lo_i, exprs[i], up_i)

        m.add_component(name, pyo.Constraint(range(blk.rows), rule=rule))
    nz = np.flatnonzero(c)
    m.obj = pyo.Objective(expr=LinearExpression(constant=pm.objective_offset, linear_coefs=c[nz].tolist(),
                                                 linear_vars=[v[j] for j in nz]), sense=pyo.minimize)
    return m


def sync_rhs(pm: "PlanModel", m: pyo.ConcreteModel) -> None:
    """Copy the what-if right-hand sides from PlanModel's blocks into the Pyomo model's Params."""
    for name, blk in pm.blocks.items():
        side = _mutable_side(pm, name)
        if side:
            param = getattr(m, f"{name}_rhs")
            for i, value in enumerate(getattr(blk, side)):
                param[i] = float(value)


def write(pm: "PlanModel", path: str) -> str:
    """Write the model as an LP (``.lp``) or MPS (``.mps``) file with Pyomo's writers, with symbolic names
    (v(j) for column j, c_<sense>_<block>(i)_ for a block's row i). Pyomo writes the objective's constant
    as a column ONE_VAR_CONSTANT fixed at 1 (in an MPS file also held by one more row)."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: give a file name ending in .lp or .mps")
    pm.model.write(str(path), io_options={"symbolic_solver_labels": True})  # Pyomo picks the writer from the suffix
    return fmt
