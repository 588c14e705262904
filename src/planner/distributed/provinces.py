"""Province pieces of the national model for ``planner.decompose``: splitting the inputs, one province's
MIP on a persistent HiGHS object, and the task a Dask worker runs.

A province's model is PlanModel's own row blocks and costs for the province's regions (so it is exactly
the national model's block, nothing re-derived), handed to HiGHS as one sparse matrix without Pyomo.
The budget rows are kept out of HiGHS: they enter the objective through the multipliers λ.

Mobile arcs whose base and target lie in different provinces become *export* columns of the base's
province: load on the base's mobile capacity row, no demand row (the target is elsewhere), a credit of
π per thousand exams (π = the objective cost of a thousand unmet exams at the tier mobile units serve,
the most such an exam can be worth), and at most the target's demand at that tier. Exports are closed
(upper bound 0) except in a "full" solve, which bounds the full national model: any national plan splits
into province plans of the same total objective (the target books the delivered exams as unmet at cost
π, the base is credited exactly π), so the province problems with exports are a relaxation of it.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.data.inputs import PlanInputs
from planner.errors import PlannerError
from planner.messages import Message, msg
from planner.planning.families import blocks_by_decomposition, families
from planner.planning.model import PlanModel
from planner.distributed.blocks import LINKING_BLOCKS, ProvinceBlocks
from planner.planning.solve import mandated_purchases, relax_and_round, rounded_purchases
from planner.solver import HighsModel, SolveResult, Status, relative_gap

# Region codes are GB/T 2260: the first two digits name the province.
PROVINCE_DIGITS = 2
# Which row blocks tie the provinces together (priced by λ), and which involve one region each (mobile arcs
# apart, handled here): each family's spec says (planning/families, Rows.decomposition). Any other block
# (access to the nearest unit, equity's largest shortfall, ...) may link provinces: refused. Catchment pools
# a parent's regions, and a parent (prefecture) lies inside one province.


def coupling_blocks() -> tuple[str, ...]:
    return tuple(r.name for fam in families() for r in fam.rows if r.decomposition == "coupling")


def separable_blocks() -> set[str]:
    return blocks_by_decomposition("region")

# PlanInputs fields indexed by region on their first axis (or on both, for region x region ones).
MIN_MIP_SECONDS = 1.0  # a capped solve left less than this after rounding keeps the rounded plan
REGION_ARRAYS = ("pop", "stock_base", "surviving", "demand", "limit", "facilities", "staff_available",
                 "quota_members")
REGION_SQUARES = ("minutes",)
OTHER_FIELDS = {"scenario", "regions", "years", "tiers", "modalities", "exam_types", "serves", "mobile",
                "allowed", "arcs", "budget_total_wan", "budget_year_wan", "notes", "warnings", "source",
                "quotas"}   # quota rows: each part keeps those whose members (quota_members) it holds


# ------------------------------------------------------------------------------------------ splitting
@dataclass
class ProvincePart:
    """One province's share of the national inputs, plus its outgoing cross-border mobile arcs."""

    key: str
    inputs: PlanInputs
    exports: pd.DataFrame  # base (local index), m, y, efficiency, upper (target's demand at the mobile tier)
    region_codes: list[str]
    by_blocks: bool = False  # MIP solves by blocks (counties) with the linking rows priced (blocks.py)


def province_keys(regions: pd.DataFrame) -> np.ndarray:
    return regions["code"].astype(str).str[:PROVINCE_DIGITS].to_numpy()


def slice_inputs(inp: PlanInputs, idx: np.ndarray) -> PlanInputs:
    """The national inputs restricted to regions ``idx``, with only the mobile arcs inside them."""
    unknown = {f.name for f in dataclasses.fields(inp)} - set(REGION_ARRAYS) - set(REGION_SQUARES) - OTHER_FIELDS
    if unknown:  # a new per-region field would silently keep national values: refuse instead
        raise TypeError(f"decompose cannot yet slice the PlanInputs fields {sorted(unknown)} by province")
    local = np.full(len(inp.regions), -1)
    local[idx] = np.arange(len(idx))
    arcs = inp.arcs[(local[inp.arcs["base"]] >= 0) & (local[inp.arcs["target"]] >= 0)].copy()
    arcs["base"], arcs["target"] = local[arcs["base"]], local[arcs["target"]]
    arrays = {f: getattr(inp, f)[idx] for f in REGION_ARRAYS if getattr(inp, f) is not None}
    arrays |= {f: getattr(inp, f)[np.ix_(idx, idx)] for f in REGION_SQUARES if getattr(inp, f, None) is not None}
    return dataclasses.replace(inp, regions=inp.regions.iloc[idx].reset_index(drop=True),
                               arcs=arcs.reset_index(drop=True), notes=[], **arrays)


def _exports(inp: PlanInputs, idx: np.ndarray, in_part: np.ndarray) -> pd.DataFrame:
    """Outgoing cross-border arcs x mobile modalities x years, each capped at the target's demand for
    the exam type at the tier mobile units serve (the lowest), as the national demand row caps them."""
    local = np.full(len(inp.regions), -1)
    local[idx] = np.arange(len(idx))
    a = inp.arcs[in_part[inp.arcs["base"]] & ~in_part[inp.arcs["target"]]]
    mobile = np.flatnonzero(inp.mobile) if inp.scenario.constraints.mobile else np.zeros(0, int)
    Y = len(inp.years)
    rep = np.repeat(np.arange(len(a)), len(mobile) * Y)
    m = np.tile(np.repeat(mobile, Y), len(a))
    y = np.tile(np.arange(Y), len(a) * len(mobile))
    target = a["target"].to_numpy()[rep]
    return pd.DataFrame({"base": local[a["base"].to_numpy()[rep]], "m": m, "y": y,
                         "efficiency": a["efficiency"].to_numpy()[rep],
                         "upper": inp.demand[target, 0, inp.serves[m], y]})


class DecompositionRefused(PlannerError, NotImplementedError):
    """A scenario the province decomposition cannot split (a rule that may link provinces): said in the
    planner's language, with the fix (solve the national model)."""

    def __init__(self, problem: Message):
        self.problem = problem
        super().__init__(problem.render("en"))

    def render(self, lang: str | None = None) -> str:
        return self.problem.render(lang)


def split(inp: PlanInputs) -> list[ProvincePart]:
    keys = province_keys(inp.regions)
    codes = inp.regions["code"].astype(str).to_numpy()
    if inp.quota_members is not None:   # each part keeps its own quota rows: a quota across provinces would double
        spans = [sorted(set(keys[inp.quota_members[:, q]])) for q in range(inp.quota_members.shape[1])]
        wide = [inp.quotas["code"].iloc[q] for q, s in enumerate(spans) if len(s) > 1]
        if wide:
            raise DecompositionRefused(msg("decompose.quotas_span", quotas=", ".join(map(str, wide))))
    parts = []
    for key in sorted(set(keys)):
        in_part = keys == key
        idx = np.flatnonzero(in_part)
        parts.append(ProvincePart(key, slice_inputs(inp, idx), _exports(inp, idx, in_part), codes[idx].tolist()))
    return parts


def without_cross_border(inp: PlanInputs) -> PlanInputs:
    """The national inputs without mobile arcs between provinces: the model the decomposition bounds."""
    keys = province_keys(inp.regions)
    arcs = inp.arcs[keys[inp.arcs["base"]] == keys[inp.arcs["target"]]].reset_index(drop=True)
    return dataclasses.replace(inp, arcs=arcs)


# ------------------------------------------------------------------------------------ province model
class Subproblem:
    """A province's MIP on a persistent highspy object: a solve at λ changes only costs and bounds."""

    def __init__(self, part: ProvincePart, seed: int = 0):
        t0 = time.perf_counter()
        self.part = part
        self.pm = pm = PlanModel(part.inputs)
        coupled = set(pm.blocks) - separable_blocks() - set(coupling_blocks())
        if coupled:
            raise DecompositionRefused(msg("decompose.blocks_coupled", blocks=", ".join(sorted(coupled))))
        A, row_lo, row_hi, ex_cost = self._matrix()
        n_ex = len(ex_cost)
        self.cost = np.concatenate([pm.cost, ex_cost])
        self.true_cost = np.concatenate([pm.cost, np.zeros(n_ex)])  # a plan's cost, exports dropped
        self.integer = np.concatenate([pm.integer, np.zeros(n_ex, bool)])
        # One thread, no interrupt callback: highspy's callback is a Python call at every interrupt check,
        # which under Dask waits for the GIL held by the worker's event loop (root cuts 10-20x slower).
        self.highs = HighsModel(self.cost, np.concatenate([pm.lower, np.zeros(n_ex)]),
                                np.concatenate([pm.upper, np.zeros(n_ex)]), self.integer, A, row_lo, row_hi,
                                threads=1, seed=seed, interruptible=False)
        self.blocks: ProvinceBlocks | None = None  # built at the first MIP by blocks
        self.last: np.ndarray | None = None  # the last MIP plan: the next MIP's start
        self.plans: list[np.ndarray] = []     # every MIP plan found: starts for "cap" solves
        self.build_seconds = time.perf_counter() - t0

    def _matrix(self) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray, np.ndarray]:
        """PlanModel's row blocks as one matrix, the export columns appended and the budget rows last and
        free (they enter through λ, and bind only in a "cap" solve). Returns it with the row bounds and
        the export columns' costs; keeps the budget rows' coefficients and offsets."""
        pm = self.pm
        coupling_names = coupling_blocks()
        blocks = [b for n, b in pm.blocks.items() if n not in coupling_names]
        coupling = [pm.blocks[n] for n in coupling_names if n in pm.blocks]
        first = np.cumsum([0] + [b.rows for b in blocks + coupling])
        first_row = dict(zip([b.name for b in blocks + coupling], first))
        self.linking_rows = np.concatenate([first_row[n] + np.arange(pm.blocks[n].rows) for n in LINKING_BLOCKS
                                            if n in pm.blocks] + [np.zeros(0, np.int64)])
        ex_rows, ex_coef, ex_cost, self.export_cap = self._export_columns(first_row.get("mobile_capacity", 0))
        self.exports = len(pm.cost) + np.arange(len(ex_cost), dtype=np.int32)
        self.budget_rows = np.arange(first[len(blocks)], first[-1], dtype=np.int32)
        A = sp.csr_matrix((np.concatenate([b.coefs for b in blocks + coupling] + [ex_coef]),
                           (np.concatenate([b.row_of + f for b, f in zip(blocks + coupling, first)] + [ex_rows]),
                            np.concatenate([b.cols for b in blocks + coupling] + [self.exports]))),
                          shape=(int(first[-1]), len(pm.cost) + len(ex_cost)))
        self.coupling = A[self.budget_rows]  # budget-row coefficients, total first, then years
        self.offset = self._offsets(coupling)
        free = np.full(len(self.budget_rows), np.inf)
        row_lo = np.concatenate([b.lower for b in blocks] + [-free])
        row_hi = np.concatenate([b.upper for b in blocks] + [free])
        self._A = A  # kept for the blocks (a MIP by blocks splits it)
        return A.tocsc(), row_lo, row_hi, ex_cost

    def _export_columns(self, first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row, coefficient, cost and cap of each export column (see the module docstring)."""
        pm, ex = self.pm, self.part.exports
        if ex.empty or "mobile_capacity" not in pm.blocks:
            return np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0)
        bm = pm.blocks["mobile_capacity"].index
        row_of = {k: i for i, k in enumerate(zip(bm["base"], bm["m"], bm["y"]))}
        row = np.array([row_of.get(k, -1) for k in zip(ex["base"], ex["m"], ex["y"])], dtype=np.int64)
        ex, row = ex[row >= 0], row[row >= 0]  # only where the base may hold the mobile modality
        away = pm.inp.scenario.weights.mobile_away_wan_cny_per_thousand_exams
        u = pm.families["u"].index
        pi = float(pm.cost[pm.col("u", np.flatnonzero(u["t"].to_numpy() == 0))].max())
        return row + first_row, 1.0 / ex["efficiency"].to_numpy(), np.full(len(ex), away - pi), ex["upper"].to_numpy()

    def _offsets(self, coupling) -> np.ndarray:
        """Budget rows' right-hand sides minus the planner's budget: survivors' running costs, which the
        model keeps on both sides of the row (zero unless running costs count)."""
        inp = self.pm.inp
        base = [inp.budget_total_wan] + (list(inp.budget_year_wan) if inp.budget_year_wan is not None else [])
        rhs = np.concatenate([b.upper for b in coupling] + [np.zeros(0)])
        return rhs - np.asarray(base[:len(rhs)], dtype=float)

    def solve(self, lam: np.ndarray, kind: str, time_limit: float, gap: float, cap: np.ndarray | None = None) -> dict:
        """Solve at λ. ``kind``: "lp" (the LP relaxation), "mip", "full" (a MIP with exports open), "zero"
        (the plan buying only what presence rules and hard targets force: an LP, a fallback that keeps
        the national knapsack feasible) or "cap" (a MIP without λ whose budget rows may spend at most ``cap``:
        a province's best plan for a share of the budget, started from the LP rounded within it when no
        plan found so far fits) or "round" (that start alone, or the cheapest plan found that fits: seconds,
        where a MIP's root cuts may overrun its limit tenfold). MIPs start from a known plan with its
        exports dropped, feasible because only costs, export caps and budget caps change. Returns the
        status, the proven bound (-inf where it is no Lagrangian bound) and the solution."""
        h, relax = self.highs, kind in ("lp", "zero")
        ints = np.flatnonzero(self.integer).astype(np.int32)
        self._prepare(lam, kind, cap, ints)
        t0 = h.run_seconds  # cumulative over runs on one object: take differences
        start = None if relax else self._start(cap)
        rounded = None
        if start is None and kind in ("cap", "round"):
            # No plan fits the share yet: round one from the LP within it (half the limit), complete it
            # and keep it, so a capped solve returns a plan that fits however short its limit.
            t_warm = time.perf_counter()
            rounded = self._rounded(cap, max(1.0, 0.5 * time_limit), gap)
            time_limit -= time.perf_counter() - t_warm
            start = rounded
        if start is not None:
            h.set_start(start)
        elif not relax and not (kind == "mip" and self.part.by_blocks):
            # no plan yet: the planner's own rounding of the LP relaxation (its LPs count as HiGHS time, and
            # the MIP gets what they leave of the limit); a MIP by blocks starts from its own LP instead
            t_warm = time.perf_counter()
            relax_and_round(self.pm, h, time_limit)
            time_limit -= time.perf_counter() - t_warm
        by_blocks = kind == "mip" and self.part.by_blocks and len(self.linking_rows) > 0
        if by_blocks:
            r = self._by_blocks(time_limit, gap, ints)
        elif kind == "round" or (rounded is not None and time_limit < MIN_MIP_SECONDS):
            keep = rounded if rounded is not None else start
            r = (SolveResult(Status.NO_SOLUTION, None, None, None, 0.0) if keep is None else
                 SolveResult(Status.TIME_LIMIT, float(self.cost @ keep), None, keep, 0.0))
        else:
            # No wall-clock guard (it needs the interrupt callback): HiGHS's own time_limit is looser but free.
            r = h.solve(max(time_limit, 0.1), gap)
        if rounded is not None and (r.x is None or r.objective > self.cost @ rounded):
            r = SolveResult(Status.TIME_LIMIT, float(self.cost @ rounded), r.bound, rounded, r.seconds)
        if start is not None and start is not rounded and kind != "round" and (
                r.x is None or float(h.cost @ start) + h.offset < r.objective - 1e-9 * max(1.0, abs(r.objective))):
            # The plan HiGHS was handed looks better than its answer (re-valued in presolve, or never read):
            # value it properly, its integer columns fixed, and keep it if it is (HighsModel.better_of).
            r = h.better_of(r, ints, np.round(start[ints]), max(0.5, 0.1 * time_limit)) or r
        seconds, x = h.run_seconds - t0, r.x
        if by_blocks:  # the blocks ran on HiGHS objects of their own
            seconds = r.seconds
        status = str(r.status) if r.status != Status.INTERRUPTED else str(Status.TIME_LIMIT)
        # Undo only now: any model change clears HiGHS's solution.
        if kind == "zero":
            h.set_col_bounds(ints, self.pm.lower[ints], self.pm.upper[ints])
        if kind in ("cap", "round"):
            self._uncap()
        if relax:  # an LP solved to optimality: its objective bounds the province ("zero" is a plan)
            ok = r.status == Status.OPTIMAL and kind == "lp"
            bound = r.objective if ok else -np.inf
        else:      # a MIP: HiGHS's proven dual bound, never its incumbent
            ok = r.status in (Status.OPTIMAL, Status.TIME_LIMIT) and kind in ("mip", "full") and r.bound is not None
            bound = r.bound if ok else -np.inf
            if x is not None:
                self.last = x.copy()
                self.plans.append(self.last)
        return {"status": status, "bound": float(bound), "x": x, "seconds": seconds,
                "gap": r.extra.get("highs_mip_gap", r.gap) if x is not None and not relax else None}

    def _by_blocks(self, time_limit: float, gap: float, ints: np.ndarray) -> SolveResult:
        """The MIP at the costs HiGHS holds, by blocks (blocks.py): the LP's duals price the linking rows,
        each block is solved on its own, and their purchases are completed on the province model. The
        bound is the Lagrangian one; the plan is feasible for the province model."""
        h, t0 = self.highs, time.perf_counter()
        if self.blocks is None:
            self.blocks = ProvinceBlocks(self._A, h.row_lower, h.row_upper, h.lower, h.upper, self.integer,
                                         self.linking_rows, seed=int(h.option("random_seed")))
        with h.relaxed():
            lp = h.solve(time_limit, duals=True)
        if lp.row_dual is None:
            return SolveResult(Status.NO_SOLUTION, None, None, None, lp.seconds)
        # the block bounds use the export columns' bounds as they are now (closed unless "full")
        for cols, bh in self.blocks.blocks:
            bh.set_col_bounds(np.arange(len(cols)), h.lower[cols], h.upper[cols])
        left = max(time_limit - (time.perf_counter() - t0), 0.1)
        bs = self.blocks.solve(h.cost, self.blocks.prices(lp.row_dual), 0.8 * left, gap)
        bound = bs.bound + h.offset if np.isfinite(bs.bound) else None
        known = ~np.isnan(bs.values)  # blocks without a plan in time stay integer: completed as one MIP
        plan = h.complete(ints[known], np.round(bs.values[known]), max(left - bs.seconds, 1.0), gap)
        if plan.x is None or plan.status not in (Status.OPTIMAL, Status.TIME_LIMIT):
            return SolveResult(Status.NO_SOLUTION, None, bound, None, time.perf_counter() - t0)
        if bound is not None:
            bound = min(bound, plan.objective)
        g = relative_gap(plan.objective, bound)
        status = Status.OPTIMAL if g is not None and g <= gap else Status.TIME_LIMIT
        return SolveResult(status, plan.objective, bound, plan.x, time.perf_counter() - t0,
                           extra={"highs_mip_gap": g, "blocks": bs.blocks})

    @staticmethod
    def _share(cap: np.ndarray | None) -> tuple[float, np.ndarray | None] | None:
        """A cap as rounding takes a budget: (total, per-year or None), in purchase terms (the offsets are
        0 unless running costs count, and then rounding leaves the budget rows to HiGHS)."""
        return None if cap is None else (float(cap[0]), np.asarray(cap[1:]) if len(cap) > 1 else None)

    def _uncap(self) -> None:
        n = len(self.budget_rows)
        self.highs.set_row_bounds(self.budget_rows, np.full(n, -np.inf), np.full(n, np.inf))

    def _rounded(self, cap: np.ndarray, seconds: float, gap: float) -> np.ndarray | None:
        """A plan within ``cap`` (budget rows already capped): the province's LP rounded to whole purchases
        (solve.rounded_purchases, about ``seconds``), the rest re-optimised with the purchases fixed."""
        h, pm = self.highs, self.pm
        xcols = pm.col("x")
        sel = pm.integer[xcols]
        buy = rounded_purchases(pm, h, seconds, budget=self._share(cap))
        if buy is None:
            return None
        # presence binaries and the like stay integer (a small MIP); with none, an LP
        r = h.complete(xcols[sel], buy[sel], max(seconds, 0.5), gap)
        if r.x is None or r.status not in (Status.OPTIMAL, Status.TIME_LIMIT):
            return None
        x = r.x.copy()
        x[xcols[sel]] = np.round(x[xcols[sel]])
        return x

    def _prepare(self, lam: np.ndarray, kind: str, cap: np.ndarray | None, ints: np.ndarray) -> None:
        h = self.highs
        c = self.cost + (self.coupling.T @ lam if len(lam) and kind not in ("cap", "round") else 0.0)
        h.set_costs(np.arange(len(c)), c)
        export_cap = self.export_cap if kind == "full" else np.zeros(len(self.exports))
        h.set_col_bounds(self.exports, np.zeros(len(self.exports)), export_cap)
        h.set_integrality(ints, kind not in ("lp", "zero"))
        if kind == "zero":  # only what presence rules and hard targets force (rows, not column bounds)
            least = np.maximum(self.pm.lower[ints], mandated_purchases(self.pm)[ints])
            h.set_col_bounds(ints, least, least)
        if kind in ("cap", "round"):
            n = len(self.budget_rows)
            h.set_row_bounds(self.budget_rows, np.full(n, -np.inf), cap + self.offset)

    def _start(self, cap: np.ndarray | None) -> np.ndarray | None:
        """The last plan, or for a capped solve the cheapest plan found that fits the cap; exports dropped."""
        fits = [x for x in self.plans if cap is None or np.all(self.coupling @ x - self.offset <= cap + 1e-6)]
        pick = self.last if cap is None else min(fits, key=lambda x: self.true_cost @ x, default=None)
        if pick is None:
            return None
        start = pick.copy()
        start[self.exports] = 0.0
        return start

    def plan(self, x: np.ndarray) -> pd.DataFrame:
        """Purchases of a solution: one row per (region, tier, modality, year) with new units."""
        pm, inp = self.pm, self.pm.inp
        units = np.round(x[pm.col("x")], 6)
        buy = units > 1e-6
        sel = pm.families["x"].index[buy]
        extra = {}   # a family's plan columns (leased_units), on x's rows as in results.collect
        for fam in pm.specs:
            if fam.plan_columns is not None:
                extra.update(fam.plan_columns(pm, pm.families["x"].index, lambda name: x[pm.col(name)]))
        return pd.DataFrame({
            "province": self.part.key, "region_code": inp.regions["code"].astype(str).to_numpy()[sel["r"]],
            "region_name": inp.regions["name_zh"].to_numpy()[sel["r"]], "tier": np.array(inp.tiers)[sel["t"]],
            "modality": np.array(inp.modalities)[sel["m"]], "year": np.array(inp.years)[sel["y"]],
            "new_units": units[buy], "unit_price_wan_cny": inp.param("price_wan_cny")[sel["m"]],
            **{k: v[buy] for k, v in extra.items()}})


# ------------------------------------------------------------------------------------ worker side
@dataclass
class SubSolve:
    """One province solve at one λ. ``bound`` is proven for the Lagrangian objective; ``relaxed`` is the
    plan's objective without the λ term, ``value`` its cost in the national model (exports dropped) and
    ``spend`` its budget-row left-hand sides. ``bound`` and ``spend`` leave out the province's
    survivors' running-cost offsets, so the national row reads Σ spend <= the planner's budget."""

    key: str
    lam: np.ndarray
    kind: str
    status: str
    bound: float
    relaxed: float | None = None
    value: float | None = None
    spend: np.ndarray | None = None
    exported: float = 0.0           # thousand exams delivered across the border ("full" solves)
    gap: float | None = None
    highs_seconds: float = 0.0
    build_seconds: float = 0.0
    wall_seconds: float = 0.0
    cache_hit: bool = False
    worker: str = ""
    plan: pd.DataFrame | None = None  # purchases of a MIP plan

    @property
    def has_plan(self) -> bool:
        return self.value is not None


# Province models built in this process, by (run id, province): a Dask worker keeps them between rounds.
_MODELS: dict[tuple[str, str], Subproblem] = {}


def _province_model(part: ProvincePart, run_id: str, seed: int) -> tuple[Subproblem, bool]:
    key = (run_id, part.key)
    if key in _MODELS:
        return _MODELS[key], True
    for old in [k for k in _MODELS if k[0] != run_id]:  # an earlier run's models: free them
        del _MODELS[old]
    _MODELS[key] = Subproblem(part, seed)
    return _MODELS[key], False


def solve_part(part: ProvincePart, run_id: str, lam: np.ndarray, kind: str, time_limit: float, gap: float,
               deadline: float, seed: int = 0, cap: np.ndarray | None = None) -> SubSolve:
    """Solve one province at λ (on a worker). ``deadline`` is wall-clock (time.time()): a task starting
    after it returns at once without a bound, so a round never outlives the overall time limit."""
    t0 = time.perf_counter()
    sub, hit = _province_model(part, run_id, seed)
    out = SubSolve(part.key, lam, kind, "skipped", -np.inf, cache_hit=hit, worker=str(os.getpid()),
                   build_seconds=0.0 if hit else sub.build_seconds)
    left = deadline - time.time()
    if left > 0.5:
        r = sub.solve(lam, kind, min(time_limit, left), gap, cap)
        out.status, out.gap, out.highs_seconds = r["status"], r["gap"], r["seconds"]
        out.bound = r["bound"] - float(lam @ sub.offset)
        if r["x"] is not None:
            x = r["x"]
            out.relaxed, out.value = float(sub.cost @ x), float(sub.true_cost @ x)
            out.spend = sub.coupling @ x - sub.offset
            out.exported = float(x[sub.exports].sum())
            out.plan = None if kind == "lp" else sub.plan(x)
    out.wall_seconds = time.perf_counter() - t0
    return out
