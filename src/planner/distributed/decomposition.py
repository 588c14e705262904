"""Budget-coordinated province decomposition of the national plan, with a proven gap.

The national model separates by province except for two couplings:

* **Budget rows** (the total, and one per year when the scenario has yearly caps): relaxed with
  Lagrange multipliers λ >= 0 (objective 万元 per 万元 spent). Province p is solved with its budget rows
  dropped and λ·(its budget-row coefficients) added to its objective. For every λ >= 0,
  LB(λ) = Σ_p (HiGHS's proven dual bound of province p at λ) - λ·b is a lower bound (b: the budget).
  Province p's bound at λ also holds at any λ' >= λ (its budget rows' activity is >= 0 in every plan:
  a lease's -price in its start year is never more than its unit's +price there, leasing.py), which keeps
  a bound valid when the time limit cuts a round short.
* **Mobile arcs between provinces** (2,184 of the 21,335 off-home arcs of the county model): left out.
  The bound is therefore on the national model *without* them; the plan uses none, so it is feasible for
  the full model as well and its objective bounds the full model's optimum from above. With
  ``full_bound=True`` one more round bounds the full model too (see decompose_parts: exports credited
  at the value of an unmet exam), usually much more weakly.

Plans: every province MIP gives a province plan with a known cost and spend (Everett: each is optimal
for its own spend, up to the province's MIP gap). One plan per province, total spend within every
budget row, cheapest in total, is a multiple-choice knapsack (the Dantzig-Wolfe restricted master with
integer choices): a small MIP whose solution is a feasible national plan (the upper bound). The master's
LP relaxation prices the budget: its duals are the next λ (column generation, i.e. Kelley's cutting plane
on the Lagrangian dual), kept in a box around the best λ so far. Where that LP mixes two plans of one
province, the province is re-solved for its share of the budget (a "cap" solve: its budget rows bound
its spend), which recovers most of what picking whole plans loses. The first λ comes from Kelley's
method on the provinces' LP relaxations, which are cheap warm re-solves. Provinces whose MIP has no plan
in time fall back to buying nothing (an LP), so the knapsack always has a feasible choice.

The MIP phase starts with a *share round*: the LP
master's spend split into shares that fill the budget (proportional_shares), and each province's LP
rounded within its share in seconds (a "round" solve, no MIP). Those plans fit the budget together, so
the knapsack has a national plan within about 20 % before any MIP runs, and each is the next MIP's start.
When λ has converged and the gap is still open, the chosen provinces are re-solved for 0.9 and 1.1 x
their spend (spread), which gives the knapsack neighbouring plans to trade budget between.

Provinces are solved in parallel on Dask (a LocalCluster of ``workers`` x 1 thread unless a scheduler
address is given), each with one HiGHS thread. A worker keeps each province's HiGHS model between rounds
and changes only its objective; a MIP starts from the province's last plan (still feasible), or the
first time from the planner's rounding of the LP relaxation (solve.relax_and_round).
"""

from __future__ import annotations

import dataclasses

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.distributed.provinces import ProvincePart, SubSolve, solve_part, split, without_cross_border
from planner.data.inputs import PlanInputs
from planner.planning.results import priced_rows
from planner.solver import HighsModel, Status

__all__ = ["solve_by_province", "DecompositionResult", "without_cross_border"]

LAMBDA0 = 0.1          # first cap on λ (objective per 万元); doubled while the master's λ sits on it
LP_ROUNDS = 15         # Kelley iterations on the LP relaxations, at most ...
LP_SHARE = 0.2         # ... and at most this share of the time limit
BOX_FACTOR = 1.5       # MIP rounds keep λ within [center / f, center x f] (see _Search.mip_phase)
FULL_SHARE = 0.3       # with full_bound, the time kept for the full-model round
MIN_SUB_SECONDS = 2.0  # a MIP round gives each province at least this long
ROUND_FILL = 0.85      # share of the time left a round may plan to use (stragglers, Dask, the masters)
SHARE_ROUND = 0.4      # share of the time left that the first capped round (see share_round) may use,
SHARE_ROUND_CAP_S = 40.0  # and at most this long (its plans are roundings: more time improves them little)
SPREAD = (0.9, 1.1)    # after convergence: provinces re-solved for these multiples of their spend
TRIM_SPREAD = 10.0     # budget overspent by d: the largest spenders, >= this x d together, give it back
SUB_CAP_SECONDS = 300.0


# ------------------------------------------------------------------------------------------ workers
class _Pool:
    """Runs province solves on Dask (a LocalCluster of ``workers`` x 1 thread, or the scheduler at
    ``scheduler``), or in this process when ``scheduler == "inline"``. Parts are scattered once; a task
    tends to run where its part lives, so a worker usually finds the province's model already built."""

    def __init__(self, parts: list[ProvincePart], scheduler: str | None, workers: int):
        self.cluster = self.client = None
        if scheduler == "inline":
            self.handles: list = parts
            self.workers = 1
            return
        from dask.distributed import Client, LocalCluster

        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self.workers = sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values())
        self.handles = self.client.scatter(parts)

    def run(self, calls: list[tuple[int, tuple, float]]) -> list[SubSolve]:
        """``calls``: (part index, arguments after the part, priority: larger starts first)."""
        if self.client is None:
            order = sorted(range(len(calls)), key=lambda j: -calls[j][2])
            done = {j: solve_part(self.handles[calls[j][0]], *calls[j][1]) for j in order}
            return [done[j] for j in range(len(calls))]
        futures = [self.client.submit(solve_part, self.handles[i], *args, pure=False, priority=prio)
                   for i, args, prio in calls]
        return self.client.gather(futures)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def budget_shares(spend: dict[int, np.ndarray], mixed: set[int], b: np.ndarray) -> dict[int, np.ndarray]:
    """Budget rows for "cap" solves, from the LP master's mix: ``spend[p]`` is province p's spend in the
    mix (one entry per budget row), ``mixed`` the provinces the mix splits between plans, ``b`` the budget.

    * Some row overspent (the master paid for going over at the box's price): the largest spenders in the
      most overspent row, until they hold TRIM_SPREAD x the excess of every overspent row, each give back
      the same share of their spend in each overspent row. Every row counts: with yearly tranches a year
      can be over while the total fits, and unrepaired the knapsack buys nothing in whole provinces.
    * Otherwise the mixed provinces share what the others leave, row by row, in proportion to their spend
      there (equally where none of them spends)."""
    if not spend:
        return {}
    excess = np.maximum(sum(spend.values()) - b, 0.0)
    over = excess > 1e-6 * np.maximum(b, 1.0)
    if over.any():
        worst = int(np.argmax(np.where(over, excess / np.maximum(b, 1.0), -np.inf)))
        pick: list[int] = []
        for p in sorted(spend, key=lambda q: -spend[q][worst]):
            pick.append(p)
            if np.all(sum(spend[q] for q in pick)[over] >= TRIM_SPREAD * excess[over]):
                break
        held = sum(spend[q] for q in pick)
        keep = np.clip(1.0 - np.where(over, excess / np.maximum(held, 1e-9), 0.0), 0.0, 1.0)
        return {p: spend[p] * keep for p in pick}
    if not mixed:
        return {}
    left = np.maximum(b - sum((spend[p] for p in spend if p not in mixed), np.zeros(len(b))), 0.0)
    return proportional_shares({p: spend[p] for p in mixed}, left)


def proportional_shares(spend: dict[int, np.ndarray], b: np.ndarray) -> dict[int, np.ndarray]:
    """``b`` split row by row in proportion to ``spend`` (equally in a row where nobody spends): the
    shares add up to ``b`` exactly, so plans that keep within their shares together keep within ``b``."""
    if not spend:
        return {}
    total = sum(spend.values())
    some = total > 0
    return {p: np.where(some, spend[p] * b / np.where(some, total, 1.0), b / len(spend)) for p in sorted(spend)}


# ------------------------------------------------------------------------------------------ masters
@dataclass
class Column:
    """A province plan: its national-model cost and its spend (budget-row left-hand sides)."""

    part: int
    value: float
    spend: np.ndarray
    solve: SubSolve


def _master(columns: list[Column], n_parts: int, b: np.ndarray, integer: bool,
            box: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray | None, float | None, np.ndarray]:
    """One plan per province (``integer``: the multiple-choice knapsack, a feasible national plan) or a
    convex combination (the LP master, whose budget duals price the next round). The LP master keeps λ
    inside ``box`` = (lo, hi): budget over the limit at price hi keeps it feasible, and unused budget
    earning lo stops λ from dropping to 0 when every plan found so far fits the budget.
    Returns (weights, or None if infeasible; objective; λ)."""
    n, R = len(columns), len(b)
    lo_box, hi_box = box if box is not None else (np.zeros(0), np.zeros(0))
    slacks = len(lo_box) + len(hi_box)
    cost = np.concatenate([[c.value for c in columns], hi_box, -lo_box])
    rows, cols, vals = [], [], []
    for j, c in enumerate(columns):
        rows += [c.part] + [n_parts + r for r in range(R)]
        cols += [j] * (R + 1)
        vals += [1.0] + list(c.spend)
    for s in range(slacks):  # over-budget (-1) then unused budget (+1), one of each per row
        rows.append(n_parts + s % R), cols.append(n + s), vals.append(-1.0 if s < R else 1.0)
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n_parts + R, n + slacks))
    inf = np.inf
    h = HighsModel(cost, np.zeros(n + slacks), np.r_[np.ones(n), np.full(slacks, inf)],
                   np.r_[np.full(n, bool(integer)), np.zeros(slacks, bool)], A,
                   np.r_[np.ones(n_parts), np.full(R, -inf)], np.r_[np.ones(n_parts), b], threads=1)
    # a knapsack over a few hundred plans: normally milliseconds
    r = h.solve(time_limit=30.0, mip_rel_gap=1e-9, duals=not integer)
    if r.x is None or not (integer or r.status == Status.OPTIMAL):  # the LP needs its duals
        return None, None, np.zeros(R)
    lam = np.zeros(R) if integer else np.clip(-r.row_dual[n_parts:], lo_box, hi_box)
    return r.x[:n], float(r.objective), lam


# ------------------------------------------------------------------------------------------- search
def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


class _Search:
    """One decomposition's state: each province's proven bounds by λ, the plans found, the round log."""

    def __init__(self, parts: list[ProvincePart], pool: _Pool, budget: np.ndarray, gap: float, sub_gap: float,
                 seed: int, deadline: float, started: float, progress: Callable[[dict], None] | None):
        self.parts, self.pool, self.b = parts, pool, budget
        self.gap, self.sub_gap, self.seed, self.deadline, self.progress = gap, sub_gap, seed, deadline, progress
        self.run_id = uuid.uuid4().hex
        self.bounds: list[list[tuple[np.ndarray, float]]] = [[] for _ in parts]
        self.lp_columns: list[Column] = []
        self.columns: list[Column] = []
        # plans for the first budget shares: for the knapsack only, never the LP master that prices λ
        # (rounded plans, far from optimal for their spend, would pull λ away from the dual optimum)
        self.share_columns: list[Column] = []
        self.solves: list[SubSolve] = []
        self.expected = np.array([len(p.region_codes) for p in parts], dtype=float)  # longest first
        self.log: list[dict] = []
        self.t0 = started  # the call's start: elapsed_s in the log counts the setup too
        self.ub: float | None = None
        self.choice: list[Column] = []
        self.infeasible: str | None = None
        self.converged = False  # λ stopped moving with the provinces solved to gap / 16
        self.full_bound: float | None = None
        self.capped: set[tuple] = set()  # (province, its budget share) already solved
        self.lp_hi = np.full(len(budget), LAMBDA0)  # the LP phase's final box on λ

    # -- bounds ---------------------------------------------------------------------------------------
    def province_bound(self, p: int, lam: np.ndarray) -> float:
        """Best proven bound of province p at λ: one proven at any λ' <= λ (componentwise) holds."""
        return max((bd for at, bd in self.bounds[p] if np.all(at <= lam + 1e-12)), default=-np.inf)

    def lower_bound(self, lam: np.ndarray) -> float:
        return float(sum(self.province_bound(p, lam) for p in range(len(self.parts))) - lam @ self.b)

    def best_bound(self) -> tuple[float, np.ndarray]:
        tried = list({tuple(lam): lam for per in self.bounds for lam, _ in per}.values())
        if not tried:
            return -np.inf, np.zeros(len(self.b))
        lb = [self.lower_bound(lam) for lam in tried]
        return lb[int(np.argmax(lb))], tried[int(np.argmax(lb))]

    def current_gap(self) -> float | None:
        lb, _ = self.best_bound()
        if self.ub is None or not np.isfinite(lb):
            return None
        return max(self.ub - lb, 0.0) / max(abs(self.ub), 1.0)

    def left(self) -> float:
        return self.deadline - time.time()

    # -- rounds ---------------------------------------------------------------------------------------
    def round(self, lam: np.ndarray, kind: str, sub_seconds: float | dict[int, float], todo: list[int],
              deadline: float, caps: dict[int, np.ndarray] | None = None, gap: float | None = None) -> list[SubSolve]:
        """Solve provinces ``todo`` at λ, each for ``sub_seconds`` (or its own entry there), to the province
        gap (or ``gap``)."""
        limit = sub_seconds if isinstance(sub_seconds, dict) else dict.fromkeys(todo, sub_seconds)
        gap = self.sub_gap if gap is None else gap
        calls = [(p, (self.run_id, lam, kind, limit[p], gap, deadline, self.seed, (caps or {}).get(p)),
                  self.expected[p]) for p in todo]
        t0 = time.perf_counter()
        out = self.pool.run(calls)
        wall = time.perf_counter() - t0
        for p, s in zip(todo, out):
            if s.status == "infeasible" and kind != "cap":
                self.infeasible = f"province {s.key} has no feasible plan even without the budget"
            if kind in ("lp", "mip"):  # what the next MIP round expects: longest first
                self.expected[p] = max(s.highs_seconds, self.expected[p]) if kind == "lp" else s.highs_seconds
            if kind == "full":
                continue
            if np.isfinite(s.bound):
                self.bounds[p].append((lam.copy(), s.bound))
            if s.has_plan:
                {"lp": self.lp_columns, "round": self.share_columns}.get(kind, self.columns).append(
                    Column(p, s.value, s.spend, s))
        self.solves += out if kind == "mip" else []
        if kind in ("mip", "cap", "round"):
            self._primal()
        self._record(lam, kind, max(limit.values(), default=0.0), out, wall)
        return out

    def repair(self, weights: np.ndarray, sub_seconds: float, deadline: float) -> None:
        """Plans for a share of the budget ("cap" solves) where whole Lagrangian plans combine badly. Each
        Lagrangian plan is optimal for its own spend (Everett), so the knapsack loses where the LP master
        mixes two plans of a province: those provinces are solved for what the others leave, split in
        proportion to the mix's spend. When the master instead overspends (all plans so far spend too
        much), the largest spenders are solved for their spend less a share of the excess."""
        mix: dict[int, list[tuple[float, Column]]] = {}
        for w, c in zip(weights, self.columns):
            if w > 1e-6:
                mix.setdefault(c.part, []).append((w, c))
        spend = {p: sum(w * c.spend for w, c in m) for p, m in mix.items()}
        caps = budget_shares(spend, {p for p, m in mix.items() if len(m) > 1}, self.b)
        todo = [p for p in caps if (p, *np.round(caps[p], 3)) not in self.capped]   # shares are never negative
        self.capped |= {(p, *np.round(caps[p], 3)) for p in todo}  # each share once
        if todo:
            self.round(np.zeros(len(self.b)), "cap", sub_seconds, todo, deadline, caps)

    def spread(self, sub_seconds: float, deadline: float) -> bool:
        """Once λ has converged with the gap still open: each province of the best plan re-solved for a bit
        less and a bit more than it spends (SPREAD), so the knapsack can trade budget between provinces
        where the repair's shares keep every province but the mixed ones at their whole plans. Returns
        whether anything new was solved (False: every such share was tried, or no plan yet)."""
        g = self.current_gap()
        if g is None or g <= self.gap:
            return False
        made = False
        for f in SPREAD:
            caps = {c.part: c.spend * f for c in self.choice}
            todo = [p for p in caps if (p, *np.round(caps[p], 3)) not in self.capped]
            self.capped |= {(p, *np.round(caps[p], 3)) for p in todo}
            if todo and deadline - time.time() > MIN_SUB_SECONDS:
                # to a quarter of the gap asked: the converged province gap (gap / 16) costs a capped
                # MIP ten times as long for a plan the knapsack can use as well
                self.round(np.zeros(len(self.b)), "cap", sub_seconds, todo, deadline, caps, gap=self.gap / 4)
                made = True
        return made

    def _primal(self) -> None:
        """The best national plan from the province plans found so far: the multiple-choice knapsack."""
        n = len(self.parts)
        plans = self.columns + self.share_columns
        if {c.part for c in plans} != set(range(n)):
            return
        w, obj, _ = _master(plans, n, self.b, integer=True)
        if w is not None and (self.ub is None or obj < self.ub - 1e-9):
            self.ub, self.choice = obj, [c for c, x in zip(plans, w) if x > 0.5]

    def _record(self, lam: np.ndarray, kind: str, sub_seconds: float, out: list[SubSolve], wall: float) -> None:
        hs = [s.highs_seconds for s in out]
        busy: dict[str, float] = {}
        for s in out:
            busy[s.worker] = busy.get(s.worker, 0.0) + s.wall_seconds
        lb_here = {"zero": None, "full": float(sum(s.bound for s in out) - lam @ self.b)}.get(
            kind, self.lower_bound(lam))
        row = {"round": len(self.log) + 1, "phase": kind.upper(), "lam": np.round(lam, 6).tolist(),
               "solved": sum(s.status != "skipped" for s in out), "skipped": sum(s.status == "skipped" for s in out),
               "sub_time_limit_s": round(sub_seconds, 2), "sub_gap": self.sub_gap, "lb_at_lam": lb_here,
               "lb": self.best_bound()[0], "ub": self.ub, "gap": self.current_gap(),
               "spend_at_lam": float(sum(s.spend[0] for s in out if s.spend is not None and len(s.spend))),
               "sub_gap_max": max((s.gap for s in out if s.gap is not None), default=None),
               # what the provinces' own MIP gaps cost the bound at this λ (incumbent - proven bound)
               "sub_gap_sum": float(sum(s.relaxed + lam @ s.spend - s.bound for s in out
                                        if s.has_plan and np.isfinite(s.bound))) if kind != "zero" else None,
               "exported_k": float(sum(s.exported for s in out)),
               # HiGHS's root cut loop does not check its clock: count the solves that overran badly
               "overruns": sum(h > 1.5 * sub_seconds + 1.0 for h in hs),
               "wall_s": wall, "highs_sum_s": float(sum(hs)), "highs_max_s": float(max(hs, default=0.0)),
               "task_wall_sum_s": float(sum(s.wall_seconds for s in out)),
               "busy_max_s": max(busy.values(), default=0.0),
               "build_sum_s": float(sum(s.build_seconds for s in out)),
               "cache_hits": sum(s.cache_hit for s in out), "elapsed_s": time.perf_counter() - self.t0}
        self.log.append(row)
        if self.progress:
            self.progress(row)

    # -- phases ---------------------------------------------------------------------------------------
    def lp_phase(self, time_limit: float) -> np.ndarray:
        """Kelley's cutting plane on the Lagrangian dual with LP-relaxed provinces (cheap warm re-solves):
        the first λ for the MIP rounds, and a first (weak but valid) bound."""
        n, R = len(self.parts), len(self.b)
        lam, hi = np.zeros(R), np.full(R, LAMBDA0)
        if R == 0:
            return lam
        stop = time.perf_counter() + LP_SHARE * time_limit
        seen = []
        for _ in range(LP_ROUNDS):
            self.round(lam, "lp", max(self.left(), 0.0), list(range(n)), self.deadline)
            seen.append(lam)
            if self.infeasible or {c.part for c in self.lp_columns} != set(range(n)):
                break
            _, value, nxt = _master(self.lp_columns, n, self.b, integer=False, box=(np.zeros(R), hi))
            at_box = nxt >= hi * (1 - 1e-9)
            hi[at_box] *= 2
            lb = max(self.lower_bound(x) for x in seen)
            converged = not at_box.any() and value - lb <= 1e-5 * max(abs(value), 1.0)
            if converged or any(_same(nxt, x) for x in seen) or time.perf_counter() > stop:
                break
            lam = nxt
        self.lp_hi = hi
        return max(seen, key=self.lower_bound)

    def share_round(self, deadline: float) -> None:
        """Every province's LP rounded within its share of the budget (a "round" solve, no MIP), the
        shares from the LP master over the LP relaxations' plans, scaled row by row to add up to the
        budget: together the plans fit every budget row, so the first national plan spends the budget
        instead of leaving whole provinces with nothing (whole Lagrangian plans at one λ overspend the
        yearly rows together). Always, whatever the time left: national counties x 5 with 300 s and no
        share round ended at 20.7 M (82 % gap; its first MIP round's plans combined to 41 M), against
        4.40 M in 120 s with it."""
        n, R = len(self.parts), len(self.b)
        if not R or {c.part for c in self.lp_columns} != set(range(n)):
            return
        weights, _, _ = _master(self.lp_columns, n, self.b, integer=False, box=(np.zeros(R), self.lp_hi))
        if weights is None:
            return
        spend = {p: np.zeros(R) for p in range(n)}
        for w, c in zip(weights, self.lp_columns):
            spend[c.part] += w * c.spend
        caps = proportional_shares(spend, self.b)
        self.capped |= {(p, *np.round(caps[p], 3)) for p in caps}
        # time in proportion to the number of regions (the rounding's LPs and HiGHS's root grow with it)
        size = np.array([len(p.region_codes) for p in self.parts], dtype=float)
        per = min(SHARE_ROUND * (deadline - time.time()), SHARE_ROUND_CAP_S) * self.pool.workers * size / size.sum()
        limits = {p: float(np.clip(per[p], MIN_SUB_SECONDS, SUB_CAP_SECONDS)) for p in range(n)}
        self.round(np.zeros(R), "round", limits, list(range(n)), deadline, caps)

    def mip_phase(self, lam: np.ndarray, deadline: float) -> None:
        """MIP rounds at λ from the LP master over the plans found, kept in a box around the λ of the best
        bound so far, (center / f, center x f), f squaring whenever λ lands on the box. Re-visiting a λ
        re-solves only the provinces that did not reach the province gap there; when every province has,
        the province gap is quartered (down to gap / 16) to tighten the bound further, and then the
        chosen plans are spread (re-solved at 0.9 and 1.1 x their spend) before it stops. A share round
        (see share_round) comes first when there is time for only one MIP round."""
        n, f = len(self.parts), BOX_FACTOR
        # First (while the provinces' LPs are still warm from the LP phase: a capped LP re-solves in a
        # fraction of the time it takes after the zero round) plans for shares of the budget.
        self.share_round(deadline)
        # Plans that buy nothing: cheap LPs that keep the knapsack feasible whatever the MIPs find in time.
        self.round(np.zeros(len(self.b)), "zero", MIN_SUB_SECONDS * 5, list(range(n)), deadline)
        while deadline - time.time() > MIN_SUB_SECONDS and not self.infeasible:
            done = {i for i, s in enumerate(self.parts) if any(
                x.key == s.key and _same(x.lam, lam) and x.status == "optimal" and (x.gap or 0.0) <= self.sub_gap
                for x in self.solves)}
            todo = [p for p in range(n) if p not in done]
            if not todo:
                if self.sub_gap <= self.gap / 16:
                    if self.spread(MIN_SUB_SECONDS, deadline):
                        continue
                    self.converged = True
                    break
                self.sub_gap /= 4
                continue
            per = ROUND_FILL * (deadline - time.time()) * self.pool.workers / len(todo)
            share = 0.5 if per >= 4 * MIN_SUB_SECONDS else 1.0  # leave room for a second round
            self.round(lam, "mip", float(np.clip(share * per, MIN_SUB_SECONDS, SUB_CAP_SECONDS)), todo, deadline)
            g = self.current_gap()
            if g is not None and g <= self.gap:
                break
            if len(self.b) and {c.part for c in self.columns} == set(range(n)):
                center = self.best_bound()[1]
                lo, hi = center / f, np.maximum(center * f, LAMBDA0)
                weights, _, lam = _master(self.columns, n, self.b, integer=False, box=(lo, hi))
                if np.any(lam <= lo * (1 + 1e-9)) or np.any(lam >= hi * (1 - 1e-9)):
                    f *= f
                if weights is not None and deadline - time.time() > MIN_SUB_SECONDS:
                    self.repair(weights, self.log[-1]["sub_time_limit_s"], deadline)
                    g = self.current_gap()
                    if g is not None and g <= self.gap:
                        break

    def full_round(self) -> None:
        """One round with the cross-border exports open, at the best λ: a bound on the full model."""
        lam = self.best_bound()[1]
        n = len(self.parts)
        per = max(self.left(), 0.0) * self.pool.workers / n
        out = self.round(lam, "full", float(np.clip(per, MIN_SUB_SECONDS, SUB_CAP_SECONDS)), list(range(n)),
                         self.deadline)
        if all(np.isfinite(s.bound) for s in out):
            self.full_bound = float(sum(s.bound for s in out) - lam @ self.b)


# ------------------------------------------------------------------------------------------- result
@dataclass
class DecompositionResult:
    status: str                 # optimal (proven gap <= requested) | time_limit | no_plan | infeasible
    objective: float | None     # the national plan's objective: an upper bound on both models
    bound: float                # proven lower bound on the model without mobile arcs between provinces
    gap: float | None           # (objective - bound) / max(|objective|, 1)
    full_bound: float | None    # proven lower bound on the full model (full_bound=True), else None
    lam: np.ndarray             # budget multipliers where the bound was proven (total, then years)
    budget: np.ndarray          # the budget rows' right-hand sides, 万元 (total, then years)
    spend: np.ndarray | None    # the plan's budget-row left-hand sides, 万元
    iterations: pd.DataFrame    # one row per round (see _Search._record)
    plan: pd.DataFrame          # purchases with their province, unit price and capex
    provinces: pd.DataFrame     # per province: the chosen plan's cost and spend, its bound, timings
    seconds: float
    setup_seconds: float        # reading the inputs, splitting, starting Dask, scattering
    message: str = ""

    @property
    def full_gap(self) -> float | None:
        if self.objective is None or self.full_bound is None:
            return None
        return max(self.objective - self.full_bound, 0.0) / max(abs(self.objective), 1.0)


def _budget_rows(inp: PlanInputs) -> np.ndarray:
    """The planner's budget, total then per year, as the model has its rows (none if budgets are off)."""
    if not inp.scenario.constraints.budget:
        return np.zeros(0)
    years = list(inp.budget_year_wan) if inp.budget_year_wan is not None else []
    return np.array([inp.budget_total_wan, *years], dtype=float)


def solve_by_province(scenario_path: str | Path | None, overrides: list[str] | None = None,
                      scheduler: str | None = None, workers: int = 2, time_limit: float = 120.0,
                      gap: float = 0.01, sub_gap: float | None = None, full_bound: bool = False,
                      progress: Callable[[dict], None] | None = None, by_blocks: bool = False) -> DecompositionResult:
    """Solve a national scenario by province with a proven gap (see the module docstring).

    ``scheduler``: None starts a local Dask cluster of ``workers`` processes x 1 thread; an address uses
    that cluster; "inline" solves in this process, one province after another. ``time_limit`` covers
    everything from the call on, reading the inputs included. ``sub_gap`` (default gap / 2) is each
    province MIP's relative gap: the national gap adds up the provinces' gaps on objectives that include
    λ x spend. ``full_bound`` keeps FULL_SHARE of the time for a bound on the full model (with mobile arcs
    between provinces). ``progress`` receives each round's log row. ``by_blocks``: each province MIP is
    solved by its counties with the mobile rows between them priced (distributed/blocks.py).
    """
    from planner.api import InfeasibleError
    from planner.planning.checks import run_checks
    from planner.data.inputs import resolve
    from planner.config.scenario import load_scenario

    t0 = time.perf_counter()
    deadline = time.time() + time_limit
    inp = resolve(load_scenario(scenario_path, overrides))
    checks = run_checks(inp)
    if not checks.ok:
        raise InfeasibleError("The scenario cannot be solved as it stands: " + " ".join(map(str, checks.errors)))
    parts = split(inp)
    if by_blocks:
        parts = [dataclasses.replace(p, by_blocks=True) for p in parts]
    pool = _Pool(parts, scheduler, workers)
    try:
        search = _Search(parts, pool, _budget_rows(inp), gap, gap / 2 if sub_gap is None else sub_gap,
                         inp.scenario.solver.random_seed, deadline, t0, progress)
        setup = time.perf_counter() - t0
        lam = search.lp_phase(time_limit)
        search.mip_phase(lam, deadline - (FULL_SHARE * time_limit if full_bound else 0.0))
        if full_bound and not search.infeasible:
            search.full_round()
    finally:
        pool.close()
    return _result(search, inp, setup, time.perf_counter() - t0)


def _result(search: _Search, inp: PlanInputs, setup: float, seconds: float) -> DecompositionResult:
    lb, lam = search.best_bound()
    g = search.current_gap()
    if search.infeasible:
        status, msg = "infeasible", search.infeasible
    elif not search.choice:
        status, msg = "no_plan", "no combination of province plans within the budget was found in the time limit"
    elif g is not None and g <= search.gap:
        status, msg = "optimal", f"proven within the {search.gap:.2%} gap tolerance (gap {g:.2%})"
    elif search.converged:
        status, msg = "time_limit", (f"NOT proven within {search.gap:.2%} (gap {g:.2%}): the multipliers "
                                     "converged and the province plans found combine no closer")
    else:
        status, msg = "time_limit", f"time limit reached, NOT proven within {search.gap:.2%} (gap {g:.2%})"
    msg += "; the bound is on the national model without mobile arcs between provinces"
    plan = pd.concat([c.solve.plan for c in search.choice], ignore_index=True) if search.choice else pd.DataFrame()
    if len(plan):
        plan = priced_rows(inp.scenario, list(inp.years), plan)   # at what each row's units cost
    chosen = {c.part: c for c in search.choice}
    rows = []
    for p, part in enumerate(search.parts):
        c = chosen.get(p)
        mine = [s for s in search.solves if s.key == part.key]
        rows.append({"province": part.key, "regions": len(part.region_codes),
                     "value": c.value if c else None,
                     "spend_wan_cny": float(c.spend[0]) if c and len(c.spend) else None,
                     "bound_at_lam": search.province_bound(p, lam),
                     "plan_lam": c.solve.lam.tolist() if c else None, "plan_mip_gap": c.solve.gap if c else None,
                     "mip_solves": len(mine), "highs_s": float(sum(s.highs_seconds for s in mine)),
                     "build_s": float(sum(s.build_seconds for s in mine))})
    spend = np.sum([c.spend for c in search.choice], axis=0) if search.choice else None
    return DecompositionResult(status, search.ub, lb, g, search.full_bound, lam, search.b, spend,
                               pd.DataFrame(search.log), plan, pd.DataFrame(rows), seconds, setup, msg)
