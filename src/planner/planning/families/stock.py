"""Purchases and units in service: x[u,y] new units bought for unit slot u = (region, tier, modality) in
year y, n[u,y] units in service, tied by the stock rows n[u,y] - sum_{q<=y, y-q<life} x[u,q] =
surviving[u,y]. A slot's facility limit bounds both; presence rules are lower bounds on n (rows with a
slack in the elastic model, see presence.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.presence import SHORTFALL
from planner.planning.families.spec import ConstraintFamily, Rows, Variables
from planner.planning.weights import capital_weights, year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def slot_years(pm: PlanModel) -> pd.DataFrame:
    S, Y = len(pm.slots), len(pm.inp.years)
    out = pd.DataFrame({"slot": np.repeat(np.arange(S), Y), "y": np.tile(np.arange(Y), S)})
    return out.join(pm.slots, on="slot")


def _limit(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    return pm.inp.limit[idx["r"], idx["t"], idx["m"]]


def _whole(pm: PlanModel, x: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    return np.array([inp.scenario.modalities[inp.modalities[m]].integer for m in x["m"]], dtype=bool)


def _x_cost(pm: PlanModel, x: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    price = inp.param("price_wan_cny")
    return inp.scenario.weights.cost_weight * price[x["m"]] * capital_weights(inp)[x["m"], x["y"]]


def _n_lower(pm: PlanModel, n: pd.DataFrame) -> np.ndarray:
    # elastic: presence rules become rows with slack (presence.py)
    if pm.elastic:
        return np.zeros(len(n))
    return pm.inp.min_units()[n["r"], n["t"], n["m"], n["y"]]


def _n_cost(pm: PlanModel, n: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    if not inp.scenario.budget.include_running_cost:
        return np.zeros(len(n))
    opex = inp.param("running_cost_wan_cny_per_year")
    return inp.scenario.weights.cost_weight * opex[n["m"]] * year_weights(inp)[n["y"]]


def define_stock(pm: PlanModel) -> None:
    """stock: n[u,y] - sum_{q<=y, y-q<life} x[u,q] = surviving[u,y]."""
    inp = pm.inp
    Y = len(inp.years)
    life = inp.param("service_life_years").astype(int)
    n = pm.families["n"].index
    rows, cols, coefs = [np.arange(len(n))], [pm.col("n")], [np.ones(len(n))]
    for lag in range(Y):
        sel = np.flatnonzero((n["y"].to_numpy() >= lag) & (life[n["m"].to_numpy()] > lag))
        rows.append(sel)
        cols.append(pm.col("x", sel - lag))  # x rows share n's (slot, y) order
        coefs.append(-np.ones(len(sel)))
    rhs = inp.surviving[n["r"], n["t"], n["m"], n["y"]]
    pm.add_rows("stock", rows, cols, coefs, rhs, rhs, n[["r", "t", "m", "y"]])


def check_facility_limits(c) -> None:
    """Units in service within each slot's facility limit (the scenario's facilities and eligibility)."""
    inp, n = c.inp, c.n
    limit = c.ref.limit
    over = n > limit[..., None] + 1e-6
    for r, t, m, y in zip(*np.nonzero(over)):
        c.v.append(msg("verify.over_facility_limit", where=c.where(r, y), n=float(n[r, t, m, y]),
                       mod=inp.modalities[m], tier=inp.tiers[t], limit=float(limit[r, t, m])))
    c.checked["facility_limits"] = int(n.size)


ORDER = 10   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="stock", label=msg("family.stock"),
    variables=(
        Variables("x", "new units bought for a unit slot (region, tier, modality) in a year", slot_years,
                  upper=_limit, integer=_whole, cost=_x_cost),
        Variables("n", "units in service in a unit slot in a year", slot_years,
                  lower=_n_lower, upper=_limit, cost=_n_cost),
        SHORTFALL,
    ),
    rows=(Rows("stock", define_stock),),
    verify=check_facility_limits,
)
