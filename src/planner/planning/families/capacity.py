"""Exams served by fixed units, and the capacity of fixed and mobile units.

s[r,o,t,k,y] thousand exams of type k that presented at tier o, served at tier t >= o of region r (o < t:
referred up t - o steps, each step priced), where some fixed slot of a modality serving k exists at
(r, t). The capacity rows: what a (r, t, k, y) cell serves is at most its units' capacity; a mobile
modality's deliveries (mobile.py) are at most its units' capacity at their base."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, cross_years, empty_index
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def served_index(pm: PlanModel) -> pd.DataFrame:
    """Sets pm.cap_cells, the (r, t, k, y) cells with fixed units: one capacity row each."""
    inp, slots = pm.inp, pm.slots
    T, Y = len(inp.tiers), len(inp.years)
    fixed = slots[~inp.mobile[slots["m"].to_numpy()]].copy()
    fixed["k"] = inp.serves[fixed["m"].to_numpy()]
    cells = fixed[["r", "t", "k"]].drop_duplicates().sort_values(["r", "t", "k"]).reset_index(drop=True)
    pm.cap_cells = cross_years(cells, Y)
    origins = [cells[cells["t"] >= o].assign(o=o) for o in range(T)]
    served = pd.concat(origins, ignore_index=True)[["r", "o", "t", "k"]] if len(cells) else \
        empty_index("r", "o", "t", "k")
    return cross_years(served.sort_values(["r", "o", "t", "k"]), Y)


def _referral_cost(pm: PlanModel, s: pd.DataFrame) -> np.ndarray:
    w = pm.inp.scenario.weights
    return w.referral_wan_cny_per_thousand_exams * (s["t"] - s["o"]).to_numpy(float) * year_weights(pm.inp)[s["y"]]


def define_capacity(pm: PlanModel) -> None:
    """capacity of fixed units: sum over origins o <= t of s[r,o,t,k,y] (+ exams taken from the parent's
    pool, catchment.py) - sum_m cap_m n[(r,t,m),y] (- what units of a class do beyond cap_m) <= 0."""
    from planner.planning.families import unit_terms   # the package imports this module

    inp = pm.inp
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0  # thousand exams per unit-year
    n = pm.families["n"].index
    s = pm.families["s"].index
    cells = pm.cap_cells
    if len(s) and inp.scenario.constraints.capacity:
        pos = {k: i for i, k in enumerate(zip(cells["r"], cells["t"], cells["k"], cells["y"]))}
        nf = n[~inp.mobile[n["m"].to_numpy()]]
        nrow = np.array([pos[k] for k in zip(nf["r"], nf["t"], inp.serves[nf["m"].to_numpy()], nf["y"])])
        srow = np.array([pos[k] for k in zip(s["r"], s["t"], s["k"], s["y"])])
        rows = [srow, nrow]
        cols = [pm.col("s"), pm.col("n", nf.index.to_numpy())]
        coefs = [np.ones(len(s)), -cap[nf["m"].to_numpy()]]
        for part in unit_terms(pm):   # units doing more (or fewer) exams than their modality's (supply.py's classes)
            rows.append(np.array([pos[k] for k in zip(part.r, part.t, inp.serves[part.m], part.y)], dtype=np.int64))
            cols.append(part.cols), coefs.append(-part.capacity / 1000.0)
        cq = pm.families["cq_in"].index
        if len(cq):  # top-tier exams of other regions of the parent, served here
            top = len(inp.tiers) - 1
            rows.append(np.array([pos[k] for k in zip(cq["r"], np.full(len(cq), top), cq["k"], cq["y"])]))
            cols.append(pm.col("cq_in")), coefs.append(np.ones(len(cq)))
        pm.add_rows("capacity", rows, cols, coefs, np.full(len(cells), -INF), np.zeros(len(cells)), cells)


def define_mobile_capacity(pm: PlanModel) -> None:
    """capacity of mobile units: sum_arcs z / efficiency - cap_m sum_t n[(b,t,m),y] <= 0."""
    inp = pm.inp
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0  # thousand exams per unit-year
    n = pm.families["n"].index
    z = pm.families["z"].index
    if len(z):
        bm = z[["base", "m", "y"]].drop_duplicates().reset_index(drop=True)
        bm_pos = {k: i for i, k in enumerate(zip(bm["base"], bm["m"], bm["y"]))}
        zr = np.array([bm_pos[k] for k in zip(z["base"], z["m"], z["y"])])
        nm = n[inp.mobile[n["m"].to_numpy()]]
        nr = np.array([bm_pos.get(k, -1) for k in zip(nm["r"], nm["m"], nm["y"])])
        ok = nr >= 0
        rows = [zr, nr[ok]]
        cols = [pm.col("z"), pm.col("n", nm.index.to_numpy()[ok])]
        coefs = [1.0 / z["efficiency"].to_numpy(), -cap[nm["m"].to_numpy()[ok]]]
        pm.add_rows("mobile_capacity", rows, cols, coefs, np.full(len(bm), -INF), np.zeros(len(bm)), bm)


ORDER = 20   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="capacity", label=msg("family.capacity"),
    variables=(Variables("s", "thousand exams presenting at a tier, served at the same or a higher tier",
                         served_index, cost=_referral_cost),),
    rows=(Rows("capacity", define_capacity,
               dual_words=msg("marginal.capacity")),
          Rows("mobile_capacity", define_mobile_capacity)),
)
