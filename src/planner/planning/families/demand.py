"""Demand and what is left unmet: u[r,o,k,y] thousand exams of type k unmet at their tier of origin o.
The demand rows balance, at each tier of origin, what is served there or higher up (capacity.py), what
mobile units deliver (grassroots only, mobile.py), what goes to the parent's pool (top tier only,
catchment.py) and what is unmet, against the demand presenting there. Referred exams keep their origin,
so unmet exams are counted, and weighted, where they presented."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import ConstraintFamily, Rows, Variables, cross_years
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def unmet_index(pm: PlanModel) -> pd.DataFrame:
    inp = pm.inp
    R, T, K = len(inp.regions), len(inp.tiers), len(inp.exam_types)
    rtk = pd.DataFrame(np.array(np.meshgrid(np.arange(R), np.arange(T), np.arange(K), indexing="ij"))
                       .reshape(3, -1).T, columns=["r", "t", "k"])
    return cross_years(rtk, len(inp.years))


def _unmet_cost(pm: PlanModel, u: pd.DataFrame) -> np.ndarray:
    scn = pm.inp.scenario
    tier_w = np.array([scn.tiers[t].unmet_weight for t in pm.inp.tiers])
    # the weight of the origin tier
    return scn.weights.unmet_wan_cny_per_thousand_exams * tier_w[u["t"]] * year_weights(pm.inp)[u["y"]]


def define_demand(pm: PlanModel) -> None:
    """demand balance at each tier of origin o: sum over t >= o of s[r,o,t,k,y] + [o lowest] mobile inflow
    + [o top] sent to the parent's pool + u[r,o,k,y] = demand presenting at o."""
    inp = pm.inp
    s = pm.families["s"].index
    z = pm.families["z"].index
    u = pm.families["u"].index
    u_pos = pm.lookup("u", ["r", "t", "k", "y"])
    rows, cols, coefs = [np.arange(len(u))], [pm.col("u")], [np.ones(len(u))]
    if len(s):
        rows.append(np.array([u_pos[k] for k in zip(s["r"], s["o"], s["k"], s["y"])]))
        cols.append(pm.col("s")), coefs.append(np.ones(len(s)))
    if len(z):
        zk = inp.serves[z["m"].to_numpy()]
        rows.append(np.array([u_pos[k] for k in zip(z["target"], np.zeros(len(z), int), zk, z["y"])]))
        cols.append(pm.col("z")), coefs.append(np.ones(len(z)))
    cq = pm.families["cq_out"].index
    if len(cq):  # top-tier exams sent to the parent's pool
        top = len(inp.tiers) - 1
        rows.append(np.array([u_pos[k] for k in zip(cq["r"], np.full(len(cq), top), cq["k"], cq["y"])]))
        cols.append(pm.col("cq_out")), coefs.append(np.ones(len(cq)))
    rhs = inp.demand[u["r"], u["t"], u["k"], u["y"]]
    pm.add_rows("demand", rows, cols, coefs, rhs, rhs, u)


ORDER = 30   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="demand", label=msg("family.demand"),
    variables=(Variables("u", "thousand exams unmet at their tier of origin", unmet_index, cost=_unmet_cost),),
    rows=(Rows("demand", define_demand),),
)
