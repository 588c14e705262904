"""Modelling to generate alternatives (MGA): plans almost as good as the best, but materially different.

Solve for the best plan and cap the weighted-sum objective at (1 + p %) of it. The first alternative
is Hop-Skip-Jump's (Brill, Chang & Hopkins 1982): minimise the units bought in the (region, modality)
cells the best plan uses. When the best plan uses nearly every cell (a national plan by province buys
something everywhere) that direction says little, so further alternatives follow random directions
(minimise sum_c u_c X_c with u_c uniform in [-1, 1], seeded; Berntsen & Trutnevyte 2017): some cells are
pushed up, others down. A candidate that places less than ``min_moved_pct`` of its units differently
from some plan already kept is dropped and another direction tried (at most 3k tries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.api import Planner
from planner.planning.pipeline import run
from planner.errors import InputError
from planner.messages import Message, msg
from planner.studies import cannot_solve
from planner.planning.model import PlanModel
from planner.planning.results import PlanResult
from planner.planning.solve import Solver



@dataclass
class Alternatives:
    within_pct: float
    results: list[PlanResult]           # the best plan first
    table: pd.DataFrame                 # one row per plan: objective, % above best, spend, units moved
    by_region: pd.DataFrame = field(default_factory=pd.DataFrame)  # new units per region x modality, per plan

    def differences(self, top: int = 5) -> list[str]:
        """Per alternative, in words: the largest moves of new units against the best plan."""
        return [str(m) for m in self.difference_words(top)]

    def difference_words(self, top: int = 5) -> list[Message]:
        """:meth:`differences` as messages (study_words.difference* codes), for the CLI's --lang."""
        out = []
        br = self.by_region
        for col in [c for c in br.columns if c.startswith("alternative_")]:
            d = br.assign(change=br[col] - br["best"])
            d = d[d["change"].abs() > 1e-9].sort_values("change", key=abs, ascending=False)
            moves = [msg("study_words.difference_move", region=r.region_name, region_code=r.region_code, mod=r.modality,
                         change=r.change) for r in d.head(top).itertuples(index=False)]
            n = int(col.removeprefix("alternative_"))
            out.append(msg("study_words.difference", n=n, moves=moves) if moves
                       else msg("study_words.difference_none", n=n))
        return out


def units_by_cell(r: PlanResult) -> pd.Series:
    """New units over the whole plan per (region code, modality)."""
    p = r.plan
    if not len(p):
        return pd.Series(dtype=float)
    return p.groupby(["region_code", "modality"])["new_units"].sum()


def moved_share(a: pd.Series, b: pd.Series) -> float:
    """Share of units placed differently: sum |a - b| / (sum a + sum b), 0 = same plan, 1 = disjoint."""
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).fillna(0.0)
    total = both["a"].sum() + both["b"].sum()
    return float((both["a"] - both["b"]).abs().sum() / total) if total > 0 else 0.0


def alternatives(planner: Planner, k: int = 3, within_pct: float = 5.0, time_limit: float | None = None,
                 gap: float | None = None, min_moved_pct: float = 0.5,
                 progress: Callable[[int, int, str, PlanResult], None] | None = None) -> Alternatives:
    """The best plan and up to ``k`` others within ``within_pct`` of its objective that buy elsewhere.
    ``progress(done, total, label, result)`` is called after the best plan and each alternative kept."""
    if k < 1 or not 0 < within_pct <= 100:
        raise InputError("alternatives", msg("study.bad_alternatives", k=k, within=within_pct),
                         fix=msg("study.fix_alternatives"))
    if not planner.checks.ok:
        raise InputError("alternatives", cannot_solve(planner.checks.errors), fix=msg("study.fix_check_first"))
    inp = planner.inputs
    pm = PlanModel(inp, objective_cap=True)
    solver = Solver(pm)
    best = run(inp, pm, solver, time_limit, gap, False)
    if progress is not None:
        progress(1, k + 1, "best", best)
    if not best.report.has_plan:
        raise InputError("alternatives", msg("study.no_best_plan", status=best.report.status,
                                             message=best.report.message), fix=msg("study.fix_more_time"))
    z = float(best.measures["weighted_sum_objective"])
    cap = z + within_pct / 100.0 * max(abs(z), 1.0)
    pm.set_objective_cap(cap)
    x = pm.families["x"].index
    cell = list(zip(inp.regions["code"].to_numpy()[x["r"]], np.array(inp.modalities)[x["m"]]))
    cells = sorted(set(cell))
    where = np.array([cells.index(c) for c in cell]) if cells else np.zeros(0, int)
    rng = np.random.default_rng(inp.scenario.solver.random_seed)
    used = set(units_by_cell(best).index)
    results = [best]
    tries = 0
    while len(results) <= k and tries < 3 * k:
        tries += 1
        cost = np.zeros(len(pm.cost))
        if tries == 1:
            cost[pm.col("x")] = [1.0 if c in used else 0.0 for c in cell]
        else:
            cost[pm.col("x")] = rng.uniform(-1.0, 1.0, len(cells))[where]
        solver.set_costs(cost)
        r = run(inp, pm, solver, time_limit, gap, False)
        if not r.report.has_plan:
            continue
        new = units_by_cell(r)
        if min(moved_share(units_by_cell(q), new) for q in results) < min_moved_pct / 100.0:
            continue
        results.append(r)
        used |= set(new.index)
        if progress is not None:
            progress(len(results), k + 1, f"alternative {len(results) - 1}", r)
    solver.use_weighted_sum()
    return Alternatives(within_pct=within_pct, results=results, table=summary_table(results, z),
                        by_region=side_by_side(results))


def summary_table(results: list[PlanResult], best_objective: float) -> pd.DataFrame:
    base = units_by_cell(results[0])
    rows = []
    for i, r in enumerate(results):
        obj = float(r.measures["weighted_sum_objective"])
        row = {"plan": "best" if i == 0 else f"alternative {i}", "status": r.report.status,
               "weighted_sum_objective": obj,
               "above_best_pct": (obj - best_objective) / max(abs(best_objective), 1.0) * 100.0,
               "spend_wan_cny": r.spend_total_wan, "units_bought": float(r.plan["new_units"].sum()),
               "units_moved_pct": moved_share(base, units_by_cell(r)) * 100.0,
               "regions_with_new_units": int(r.plan["region_code"].nunique()),
               "verified": bool(r.verifier.ok) if r.verifier is not None else None}
        for m, v in r.plan.groupby("modality")["new_units"].sum().items():
            row[f"units_{m}"] = float(v)
        rows.append(row)
    return pd.DataFrame(rows)


def side_by_side(results: list[PlanResult]) -> pd.DataFrame:
    """New units per region and modality in every plan, with the regions' names."""
    cols = {("best" if i == 0 else f"alternative_{i}"): units_by_cell(r) for i, r in enumerate(results)}
    out = pd.DataFrame(cols).fillna(0.0)
    if not len(out):
        return out
    out.index.names = ["region_code", "modality"]
    out = out.reset_index()
    names = results[0].inputs.regions.set_index("code")["name_zh"]
    out.insert(1, "region_name", out["region_code"].map(names))
    return out.sort_values(["region_code", "modality"]).reset_index(drop=True)
