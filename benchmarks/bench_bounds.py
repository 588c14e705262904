#!/usr/bin/env python3
"""Issue 12: is a 1 % gap on Sichuan by county out of reach because of the plan or because of the bound?

HiGHS's bound on Sichuan x 5 stays near 203.1k from 20 s to 250 s while its best plan is 205.4-205.9k
(benchmarks/results/sichuan_900s_trace.log). A stronger bound could come from solving the counties'
integer problems exactly: the model separates by county except for the budget rows, the catchment pools
(a prefecture's top-tier exams) and mobile arcs between counties. In one process, on one instance, this
script prints side by side:

  lp          the LP relaxation (HiGHS, one thread)
  highs       the monolithic MIP's bound and best plan after ``--checkpoints`` seconds (HiGHS's own bound)
  lagrangian  a county Lagrangian bound: the budget and catchment rows priced at the LP's row duals, each
              mobile arc between two counties split into a copy at its base and one at its target,
              priced so that both have the LP's reduced cost (a valid bound for any prices); then every
              county's MIP on its own for at most ``--county-seconds``. The bound is the sum of the
              county MIPs' proven bounds plus the prices' constant; the sum of their best plans says how
              far exact county solves could lift it at these prices.

If the Lagrangian bound at the LP prices is no higher than HiGHS's, the counties' integer problems are not
where HiGHS loses the bound, and faster county solves cannot prove 1 %. Not a test.

    .venv/bin/python benchmarks/bench_bounds.py          # ~3 min on 2 cores
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment  # noqa: E402


def row_regions(pm) -> np.ndarray:
    """The region of each row (-1: a row of no single region: budget, catchment pools)."""
    out, start = np.full(sum(b.rows for b in pm.blocks.values()), -1), 0
    for b in pm.blocks.values():
        col = "r" if "r" in b.index.columns else ("base" if "base" in b.index.columns else None)
        if col is not None:
            out[start:start + b.rows] = b.index[col].to_numpy()
        start += b.rows
    return out


def lagrangian(pm, A: sp.csr_matrix, lo, hi, y: np.ndarray, county_seconds: float, gap: float) -> dict:
    """The county Lagrangian bound at row prices ``y`` (HiGHS's LP row duals), see the module docstring."""
    from planner.solver import HighsModel

    cost, L, U, integer = pm.cost.copy(), pm.lower.copy(), pm.upper.copy(), pm.integer.copy()
    reg = row_regions(pm)
    const = pm.objective_offset
    for i in np.flatnonzero((reg < 0) & (np.abs(y) > 1e-12)):   # priced rows: budget, catchment
        row = A.getrow(i)
        cost[row.indices] -= y[i] * row.data
        const += y[i] * (hi[i] if y[i] < 0 else lo[i])
    keep = reg >= 0
    C = A[keep].tocsc()
    lo2, hi2, reg2, y2 = lo[keep], hi[keep], reg[keep], y[keep]
    # Columns in rows of two regions (mobile arcs between counties): the entries of the other region move
    # to a copy; the copy is priced at what those entries are worth at y, the original gets the rest.
    ri, ci, vals, copies = [], [], [], []
    rows_of = np.split(C.indices, C.indptr[1:-1])
    data_of = np.split(C.data, C.indptr[1:-1])
    keep_mask = np.ones(C.nnz, bool)
    for j, (rows, data) in enumerate(zip(rows_of, data_of)):
        regions = reg2[rows]
        if len(rows) < 2 or (regions == regions[0]).all():
            continue
        away = regions != regions[0]
        keep_mask[C.indptr[j] + np.flatnonzero(away)] = False
        price = float(data[away] @ y2[rows[away]])
        cost[j] -= price
        k = len(copies)
        copies.append((price, L[j], U[j]))
        ri.extend(rows[away]), ci.extend([k] * int(away.sum())), vals.extend(data[away])
    coo = C.tocoo()   # a CSC matrix's COO keeps its entry order, which keep_mask follows
    C = sp.csc_matrix((coo.data[keep_mask], (coo.row[keep_mask], coo.col[keep_mask])), shape=C.shape)
    if copies:
        C = sp.hstack([C, sp.csc_matrix((vals, (ri, ci)), shape=(C.shape[0], len(copies)))]).tocsc()
        p, cl, cu = map(np.array, zip(*copies))
        cost, L, U = np.concatenate([cost, p]), np.concatenate([L, cl]), np.concatenate([U, cu])
        integer = np.concatenate([integer, np.zeros(len(copies), bool)])
    first_row = C.indices[C.indptr[:-1]]
    col_region = np.where(np.diff(C.indptr) > 0, reg2[np.minimum(first_row, len(reg2) - 1)], -1)
    alone = col_region < 0   # in no row left: at whichever bound its cost prefers
    const += float(np.sum(np.where(cost[alone] >= 0, cost[alone] * L[alone], cost[alone] * U[alone])))
    R = C.tocsr()
    bound, best, worst, t0 = const, const, [], time.perf_counter()
    for r in np.unique(reg2):
        rows, cols = np.flatnonzero(reg2 == r), np.flatnonzero(col_region == r)
        h = HighsModel(cost[cols], L[cols], U[cols], integer[cols], R[rows][:, cols], lo2[rows], hi2[rows])
        res = h.solve(county_seconds, gap)
        b = res.bound if res.bound is not None else -np.inf
        bound += b
        best += res.objective if res.objective is not None else np.inf
        worst.append(((res.objective or np.inf) - b, int(r)))
    worst.sort(reverse=True)
    return {"bound": bound, "best": best, "seconds": time.perf_counter() - t0, "counties": len(np.unique(reg2)),
            "split_arcs": len(copies), "widest": worst[:3]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", type=Path, default=REPO / "models" / "sichuan.toml")
    ap.add_argument("--checkpoints", default="5,30,60")
    ap.add_argument("--county-seconds", type=float, default=1.0)
    ap.add_argument("--county-gap", type=float, default=1e-3)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "bounds_latest.md")
    args = ap.parse_args()
    from planner.config.scenario import load_scenario
    from planner.data.inputs import resolve
    from planner.planning.model import PlanModel
    from planner.solver import HighsModel

    env, load0 = environment(), os.getloadavg()
    seed = 0
    pm = PlanModel(resolve(load_scenario(args.scenario)))
    A, lo, hi = pm.matrix()
    A = A.tocsr()
    t0 = time.perf_counter()
    lp = HighsModel(pm.cost, pm.lower, pm.upper, np.zeros_like(pm.integer), A, lo, hi, offset=pm.objective_offset,
                    seed=seed).solve(600, duals=True)
    rows = [("lp", "LP relaxation", lp.objective, None, time.perf_counter() - t0)]
    print(f"LP {lp.objective:,.1f} in {rows[0][4]:.1f} s", flush=True)
    lag = lagrangian(pm, A, lo, hi, lp.row_dual, args.county_seconds, args.county_gap)
    rows.append(("lagrangian", f"{lag['counties']} county MIPs, <= {args.county_seconds:g} s each, "
                 f"{lag['split_arcs']:,} arc copies", lag["bound"], lag["best"], lag["seconds"]))
    print(f"Lagrangian bound {lag['bound']:,.1f} (county plans {lag['best']:,.1f}) in {lag['seconds']:.1f} s", flush=True)
    # One cold MIP run; its bound and best plan at each checkpoint come from HiGHS's progress stream.
    mip = HighsModel(pm.cost, pm.lower, pm.upper, pm.integer, A, lo, hi, offset=pm.objective_offset, seed=seed,
                     interruptible=True)
    seen: list = []
    checkpoints = [float(v) for v in args.checkpoints.split(",")]
    final = mip.solve(max(checkpoints), 0.0, progress=seen.append)
    for c in checkpoints:
        upto = [p for p in seen if p.seconds <= c]
        bound = max((p.bound for p in upto if p.bound is not None), default=None)
        plan = min((p.incumbent for p in upto if p.incumbent is not None), default=None)
        if c >= max(checkpoints):
            bound, plan = final.bound, final.objective
        rows.append(("highs", f"monolithic MIP after {c:g} s", bound if bound is not None else -np.inf, plan, c))
        print(f"HiGHS {c:g} s: bound {bound}, plan {plan}", flush=True)
    load1 = os.getloadavg()
    L = ["# Where the Sichuan bound comes from (issue 12)", "",
         f"{env['date']}, commit {env['commit']} (+{env['uncommitted_changes_in_src_models_data']} uncommitted in src/models/data), "
         f"{env['cpu']} ({env['cores']} cores), load {load0[0]:.2f} at start, {load1[0]:.2f} at end; highspy "
         f"{env['highspy']}; seed {seed}; one HiGHS thread; scenario {args.scenario.name}.", "",
         "| way | what | lower bound | plan | seconds |", "|---|---|---|---|---|"]
    for way, what, b, obj, s in rows:
        L.append(f"| {way} | {what} | {b:,.1f} | {'-' if obj is None else f'{obj:,.1f}'} | {s:.1f} |")
    best_highs = max(b for w, _, b, _, _ in rows if w == "highs")
    L += ["", f"Lagrangian bound minus HiGHS's best bound: {lag['bound'] - best_highs:+,.1f} "
          f"(county plans at these prices: {lag['best'] - best_highs:+,.1f}). Widest county gaps (objective units, "
          f"region index): {lag['widest']}.", "",
          "Gap: relative, (plan - bound) / plan, as issue 12's goals use it."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(L) + "\n", encoding="utf-8")
    os.replace(tmp, args.out)
    print("\n".join(L))


if __name__ == "__main__":
    main()
