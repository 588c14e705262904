"""Equity: Z[what] >= the largest per-million shortfall of an equity modality over the regions (last plan
year), or the longest travel over regions and access exam types. Built when the scenario's equity section
asks for it (or a caller does, for the efficiency-equity frontier); the scenario's epsilon constraints
bound Z (epsilon_bounds), and lexicographic objectives minimise it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def measure_index(pm: PlanModel) -> pd.DataFrame:
    """One Z per measure: the largest shortfall over regions and equity modalities, the longest travel over
    regions and access exam types."""
    inp = pm.inp
    rows = []
    if pm.with_equity:
        built = set(pm.families["G"].index["m"].tolist())
        if any(inp.modalities.index(name) in built for name in inp.scenario.equity_modalities):
            rows.append({"what": "shortfall"})
        if pm.levels:
            rows.append({"what": "travel"})
    return pd.DataFrame(rows, columns=["what"])


def epsilon_bounds(pm: PlanModel, Z: pd.DataFrame | None = None) -> np.ndarray:
    """Upper bounds of the Z columns from the scenario's epsilon constraints (inf = none)."""
    eq = pm.inp.scenario.equity
    Z = pm.families["Z"].index if Z is None else Z
    ub = np.full(len(Z), INF)
    if eq.max_shortfall_per_million is not None:
        ub[Z["what"].to_numpy() == "shortfall"] = eq.max_shortfall_per_million
    if eq.max_travel_minutes is not None:
        ub[Z["what"].to_numpy() == "travel"] = eq.max_travel_minutes
    return ub


def define_equity(pm: PlanModel) -> None:
    """Z >= largest shortfall per million (last year) / longest travel."""
    inp = pm.inp
    Y = len(inp.years)
    w = pm.families["w"].index
    Z = pm.families["Z"].index
    if len(Z):
        rows, cols, coefs, lower, index = [], [], [], [], []
        G = pm.families["G"].index
        gm, gy, gr = G["m"].to_numpy(), G["y"].to_numpy(), G["r"].to_numpy()
        row = 0
        equity_m = [inp.modalities.index(name) for name in inp.scenario.equity_modalities]
        for zi, what in enumerate(Z["what"]):
            zc = pm.col("Z", [zi])[0]
            if what == "shortfall":
                sel = np.flatnonzero(np.isin(gm, equity_m) & (gy == Y - 1))
                n_rows, lo = len(sel), np.zeros(len(sel))
                rows += [np.arange(row, row + n_rows), np.arange(row, row + n_rows)]
                cols += [np.full(n_rows, zc), pm.col("G", sel)]
                coefs += [np.ones(n_rows), -1e6 / np.maximum(inp.pop[gr[sel], Y - 1], 1.0)]
                index.append(pd.DataFrame({"z": zi, "r": gr[sel], "m": gm[sel], "k": -1}))
            else:
                R = len(inp.regions)
                parts_lo = []
                for j, (k, lv) in enumerate(pm.levels.items()):
                    at = row + j * R
                    wrows = np.flatnonzero(w["k"].to_numpy() == k)
                    rows += [np.arange(at, at + R), at + lv.region]
                    cols += [np.full(R, zc), pm.col("w", wrows)]
                    coefs += [np.ones(R), -lv.step]
                    parts_lo.append(lv.base)
                    index.append(pd.DataFrame({"z": zi, "r": np.arange(R), "m": -1, "k": k}))
                lo = np.concatenate(parts_lo)
                n_rows = len(lo)
            lower.append(lo)
            row += n_rows
        pm.add_rows("equity", rows, cols, coefs, np.concatenate(lower), np.full(row, INF),
                    pd.concat(index, ignore_index=True))


ORDER = 110   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="equity", label=msg("family.equity"),
    variables=(Variables("Z", "the largest per-million shortfall, or the longest travel", measure_index,
                         upper=epsilon_bounds),),
    rows=(Rows("equity", define_equity, decomposition=None),),
)
