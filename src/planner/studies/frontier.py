"""The efficiency-equity frontier by the epsilon-constraint method.

Two end points: the efficiency plan (the scenario's weighted sum) and the equity plan (the largest
per-million shortfall, or the longest travel, minimised first, then the weighted sum with it held).
Between them, each point minimises the weighted sum subject to "no region worse than epsilon", for
epsilon spread evenly from the equity plan's value to the efficiency plan's. One model is built and
re-solved: only the bound on the equity measure and the objective change between points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.api import Planner
from planner.planning.pipeline import run
from planner.studies.lexicographic import run_lexicographic, z_columns
from planner.errors import InputError
from planner.planning.model import PlanModel
from planner.planning.results import PlanResult
from planner.planning.solve import Solver

MEASURES = {"shortfall": ("largest_shortfall_per_million", "units per million"),
            "travel": ("longest_travel_minutes", "minutes")}


@dataclass
class Frontier:
    measure: str                      # 'shortfall' or 'travel'
    table: pd.DataFrame               # one row per point, efficiency end first
    results: list[PlanResult] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return MEASURES[self.measure][1]


def point_row(label: str, epsilon: float | None, r: PlanResult, measure: str) -> dict:
    """One frontier point as a row: the measure, the weighted sum, the money and the equity indices."""
    rep = r.report
    key = MEASURES[measure][0]
    row = {"point": label, "epsilon": epsilon, "status": rep.status, "gap": rep.gap,
           "weighted_sum_objective": r.measures.get("weighted_sum_objective"),
           "measure": r.measures.get(key) if rep.has_plan else None, "spend_wan_cny": r.spend_total_wan if rep.has_plan else None,
           "unmet_thousand_exams": float(r.flows["unmet_k"].sum()) if rep.has_plan else None,
           "verified": bool(r.verifier.ok) if r.verifier is not None else None}
    if len(r.equity):
        after = r.equity[r.equity["when"] == "after"]
        for e in after.itertuples(index=False):
            if e.target_per_million > 0:
                row[f"gini_{e.modality}"] = e.gini
                row[f"theil_{e.modality}"] = e.theil
    return row


def frontier(planner: Planner, measure: str = "shortfall", points: int = 5, time_limit: float | None = None,
             gap: float | None = None, progress: Callable[[int, int, str, PlanResult], None] | None = None) -> Frontier:
    """Solve ``points`` plans from most efficient to most equal (at least the two end points).
    ``progress(done, total, label, result)`` is called after each plan (the app's progress bar); ``total``
    is ``points`` until the equity end shows whether there is room for points between the ends."""
    def tell(done: int, total: int, label: str, r: PlanResult) -> None:
        if progress is not None:
            progress(done, total, label, r)

    if measure not in MEASURES:
        raise InputError("frontier", f"unknown equity measure '{measure}'", fix="use 'shortfall' or 'travel'")
    if not planner.checks.ok:
        raise InputError("frontier", "the scenario cannot be solved as it stands: " + " ".join(planner.checks.errors),
                         fix="fix the scenario (planner check) first")
    inp = planner.inputs
    pm = PlanModel(inp, equity=True)
    solver = Solver(pm)
    cols = z_columns(pm, measure)
    if not len(cols):
        raise InputError("frontier", f"no {measure} measure in this scenario",
                         fix="set a per-million target (shortfall) or access.exam_types (travel)")
    eps0 = pm.epsilon_bounds()[cols - pm.families["Z"].offset]
    key = MEASURES[measure][0]
    total = max(2, points)
    eff = run(inp, pm, solver, time_limit, gap, False)
    tell(1, total, "efficiency", eff)
    eq = run_lexicographic(inp, pm, solver, measure, time_limit, gap, False)
    rows = [point_row("efficiency", None, eff, measure)]
    results = [eff]
    lo, hi = eq.measures.get(key), eff.measures.get(key)
    if lo is not None and hi is not None and points > 2 and hi > lo + 1e-6:
        tell(2, total, "equity", eq)
        for i, eps in enumerate(np.linspace(lo, hi, points)[1:-1][::-1]):
            solver.set_upper(cols, np.minimum(eps0, eps))
            r = run(inp, pm, solver, time_limit, gap, False)
            rows.append(point_row(f"ε = {eps:.3g}", float(eps), r, measure))
            results.append(r)
            tell(3 + i, total, f"ε = {eps:.3g}", r)
        solver.set_upper(cols, eps0)
    else:
        tell(2, 2, "equity", eq)  # no room between the end points: the frontier is these two
    rows.append(point_row("equity", lo, eq, measure))
    results.append(eq)
    return Frontier(measure=measure, table=pd.DataFrame(rows), results=results)
