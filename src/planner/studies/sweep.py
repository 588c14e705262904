"""Budget sweeps that reuse one built model: only the budget row changes between solves."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from planner.api import Planner
from planner.planning.results import PlanResult, target_gaps


def gap_closed(result: PlanResult) -> dict[str, float | None]:
    """Share of the density gap to target closed in the last plan year, per modality with a target: the
    summary's definition (planning.results.target_gaps), so the sweep and the Plan page agree."""
    return {m: g["closed_share"] for m, g in target_gaps(result).items()}


def row(budget_wan: float, r: PlanResult) -> dict:
    rep = r.report
    d = {"budget_wan_cny": budget_wan, "status": rep.status, "objective": rep.objective, "bound": rep.bound,
         "gap": rep.gap, "spend_wan_cny": r.spend_total_wan,
         "unmet_thousand_exams": float(r.flows["unmet_k"].sum()),
         "grassroots_unmet_thousand_exams": float(r.flows.loc[r.flows["tier"] == r.inputs.tiers[0], "unmet_k"].sum()),
         "units_bought": float(r.plan["new_units"].sum()), "solve_seconds": rep.solve_seconds,
         "verifier_ok": bool(r.verifier.ok) if r.verifier is not None else False}
    for m, v in gap_closed(r).items():
        d[f"gap_closed_{m}"] = v
    if rep.has_plan:
        d.update(measure_columns(r))
    return d


def measure_columns(r: PlanResult) -> dict:
    """Equity and access numbers of a plan as flat result-table columns."""
    d = {k: v for k, v in r.measures.items() if isinstance(v, (int, float)) or v is None}
    after = r.equity[r.equity["when"] == "after"] if len(r.equity) else r.equity
    for e in after.itertuples(index=False) if len(after) else []:
        if e.target_per_million > 0:
            d[f"gini_{e.modality}"], d[f"theil_{e.modality}"] = e.gini, e.theil
    return d


def budget_sweep(planner: Planner, budgets_wan: list[float], time_limit: float | None = None,
                 gap: float | None = None, progress: Callable[[int, int, dict], None] | None = None
                 ) -> tuple[pd.DataFrame, dict[float, PlanResult]]:
    """Solve the planner's scenario at each budget (ascending), re-using the built model and solver.

    Returns one row per budget and the results by budget (for drawing any point's plan).
    """
    rows, results = [], {}
    for i, b in enumerate(sorted(budgets_wan)):
        r = planner.resolve_with_budget(float(b), time_limit=time_limit, gap=gap, duals=False)
        rows.append(row(float(b), r))
        results[float(b)] = r
        if progress:
            progress(i + 1, len(budgets_wan), rows[-1])
    return pd.DataFrame(rows), results
