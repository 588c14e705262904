"""The efficiency-equity frontier by the epsilon-constraint method.

Two end points: the efficiency plan (the scenario's weighted sum) and the equity plan (the largest
per-million shortfall, or the longest travel, minimised first, then the weighted sum with it held).
Between them, each point minimises the weighted sum subject to "no region worse than epsilon", for
epsilon spread evenly from the equity plan's value to the efficiency plan's. One model is built and
re-solved: only the bound on the equity measure and the objective change between points.

Each solve starts from the plan solved before it (Solver's warm start from its last plan). The points
between the ends are solved from the most equal to the most efficient, so that plan always fits: a plan
within a tighter bound is within every looser one (solved the other way, each start breaks the new bound
and HiGHS drops it). A point without a plan at its time limit is tried once more, with the time the
other solves left unused or at least the limit again, before it is reported as not found; every point
without a plan says why (``why_no_plan``), and ``conclusion`` judges the trade-off only from points
that have one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.api import Planner
from planner.planning.pipeline import run
from planner.planning.lexicographic import run_lexicographic, z_columns
from planner.errors import InputError
from planner.messages import Message, msg
from planner.studies import cannot_solve
from planner.planning.model import PlanModel
from planner.planning.results import PlanResult
from planner.planning.solve import Solver

MEASURES = {"shortfall": ("largest_shortfall_per_million", "units per million"),
            "travel": ("longest_travel_minutes", "minutes")}
MEASURE_WORDS = {"shortfall": "study.measure_shortfall", "travel": "study.measure_travel"}  # the measure named in a sentence
# MEASURES' units in a sentence
UNIT_WORDS = {"shortfall": "study_words.unit_per_million", "travel": "study_words.unit_minutes"}
NOT_SOLVED = "not_solved"   # the status of a point between the ends when an end has no plan


@dataclass
class Frontier:
    measure: str                      # 'shortfall' or 'travel'
    table: pd.DataFrame               # one row per point, efficiency end first
    results: list[PlanResult | None] = field(default_factory=list)   # one per row; None: not solved

    @property
    def unit(self) -> str:
        return MEASURES[self.measure][1]

    @property
    def unit_words(self) -> Message:
        """The measure's unit as a message (units per million / minutes)."""
        return msg(UNIT_WORDS[self.measure])

    def conclusion(self) -> str:
        """What the points with a plan show, in words, with how many of the points have one."""
        return str(self.conclusion_words())

    def conclusion_words(self) -> Message:
        """:meth:`conclusion` as a message (study_words.conclusion_* codes), for the CLI's --lang."""
        kind, k, n = conclusion(self.table)
        m = self.table["measure"]
        said = dict(k=k, n=n, measure=msg(MEASURE_WORDS[self.measure]), unit=self.unit_words)
        if kind == "no_trade_off":
            return msg("study_words.conclusion_no_trade_off", **said, level=m.iloc[0])
        if kind == "trade_off":
            o = self.table["weighted_sum_objective"]
            return msg("study_words.conclusion_trade_off", **said, first=m.iloc[0], last=m.iloc[-1],
                       objective_first=o.iloc[0], objective_last=o.iloc[-1])
        return msg("study_words.conclusion_ends_missing", k=k, n=n)


def conclusion(table: pd.DataFrame) -> tuple[str, int, int]:
    """(kind, points with a plan, points): 'no_trade_off' when both ends have a plan with the same value of
    the measure, 'trade_off' when both have one and the most equal is better on it, 'ends_missing' when an
    end has no plan (then nothing is concluded: a missing point proves neither). Only rows with a plan (a
    measure) are read."""
    has = table["measure"].notna().to_numpy()
    n, k = len(table), int(has.sum())
    if n < 2 or not (has[0] and has[-1]):
        return "ends_missing", k, n
    hi, lo = float(table["measure"].iloc[0]), float(table["measure"].iloc[-1])
    return ("trade_off" if hi > lo + 1e-6 else "no_trade_off"), k, n


def why_no_plan(r: PlanResult, limits: list[float]) -> str | Message | None:
    """Why a solved point has no plan, in words (None when it has one; the status message, a message code, for
    a status other than no_solution or infeasible)."""
    rep = r.report
    if rep.has_plan:
        return None
    if rep.status == "no_solution":
        tries = msg("study_words.seconds", s=limits[-1])
        for s in reversed(limits[:-1]):
            tries = msg("study_words.then", first=msg("study_words.seconds", s=s), rest=tries)
        return msg("study_words.why_no_solution", n=len(limits), tries=tries)
    if rep.status == "infeasible":
        return msg("study_words.why_infeasible")
    return rep.message


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


def unsolved_row(label: str, why: str | Message) -> dict:
    return {"point": label, "epsilon": None, "status": NOT_SOLVED, "gap": None, "weighted_sum_objective": None,
            "measure": None, "spend_wan_cny": None, "unmet_thousand_exams": None, "verified": None,
            "start": None, "tries": 0, "time_limit_s": None, "why_no_plan": why}


def frontier(planner: Planner, measure: str = "shortfall", points: int = 5, time_limit: float | None = None,
             gap: float | None = None, progress: Callable[[int, int, str, PlanResult], None] | None = None) -> Frontier:
    """Solve ``points`` plans from most efficient to most equal (at least the two end points).
    ``progress(done, total, label, result)`` is called after each plan (the app's progress bar); ``total``
    is ``points`` until the equity end shows whether there is room for points between the ends."""
    def tell(done: int, total: int, label: str, r: PlanResult) -> None:
        if progress is not None:
            progress(done, total, label, r)

    if measure not in MEASURES:
        raise InputError("frontier", msg("study.unknown_measure", measure=measure), fix=msg("study.fix_measure"))
    if not planner.checks.ok:
        raise InputError("frontier", cannot_solve(planner.checks.errors), fix=msg("study.fix_check_first"))
    inp = planner.inputs
    pm = PlanModel(inp, equity=True)
    solver = Solver(pm)
    cols = z_columns(pm, measure)
    if not len(cols):
        raise InputError("frontier", msg("study.no_measure", measure=msg(MEASURE_WORDS[measure])),
                         fix=msg("study.fix_no_measure"))
    eps0 = pm.epsilon_bounds()[cols - pm.families["Z"].offset]
    key = MEASURES[measure][0]
    total = max(2, points)
    limit = float(time_limit if time_limit is not None else inp.scenario.solver.time_limit_s)
    t0 = time.perf_counter()

    def solved(solve: Callable[[float], PlanResult], still_to_come: int) -> tuple[PlanResult, list[float]]:
        """One point, tried again once if it has no plan at its limit: with what the whole study's time
        (``total`` limits) has left after the solves still to come, or the limit again if that is more."""
        r = solve(limit)
        limits = [limit]
        if r.report.status == "no_solution":
            left = total * limit - (time.perf_counter() - t0) - still_to_come * limit
            limits.append(max(limit, left))
            r = solve(limits[-1])
        return r, limits

    def row(label: str, epsilon: float | None, r: PlanResult, limits: list[float]) -> dict:
        return point_row(label, epsilon, r, measure) | {"start": solver.start, "tries": len(limits),
                                                         "time_limit_s": limits[-1], "why_no_plan": why_no_plan(r, limits)}

    eff, tries = solved(lambda s: run(inp, pm, solver, s, gap, False), total - 1)
    tell(1, total, "efficiency", eff)
    first = row("efficiency", None, eff, tries)
    # the equity end starts from the efficiency plan (it fits: stage one bounds nothing but the scenario's own)
    eq, tries = solved(lambda s: run_lexicographic(inp, pm, solver, measure, s, gap, False), total - 2)
    last = row("equity", None, eq, tries)
    lo, hi = eq.measures.get(key) if eq.report.has_plan else None, eff.measures.get(key) if eff.report.has_plan else None
    last["epsilon"] = lo
    between: list[tuple[dict, PlanResult | None]] = []
    if lo is None or hi is None:
        tell(2, total, "equity", eq)
        why = msg("study_words.why_not_solved", end=msg("study_words.end_efficient") if hi is None
                  else msg("study_words.end_equal"))
        between = [(unsolved_row("ε = ?", why), None) for _ in range(points - 2)]
    elif points > 2 and hi > lo + 1e-6:
        tell(2, total, "equity", eq)
        # most equal first: each start is the plan just solved, which keeps within every looser bound
        epsilons = np.linspace(lo, hi, points)[1:-1]
        for i, eps in enumerate(epsilons):
            solver.set_upper(cols, np.minimum(eps0, eps))
            r, tries = solved(lambda s: run(inp, pm, solver, s, gap, False), len(epsilons) - 1 - i)
            between.append((row(f"ε = {eps:.3g}", float(eps), r, tries), r))
            tell(3 + i, total, f"ε = {eps:.3g}", r)
        solver.set_upper(cols, eps0)
        between.reverse()   # the table runs from the most efficient to the most equal
    else:
        tell(2, 2, "equity", eq)  # no room between the end points: the frontier is these two
    rows = [first, *(b[0] for b in between), last]
    results = [eff, *(b[1] for b in between), eq]
    return Frontier(measure=measure, table=pd.DataFrame(rows), results=results)
