#!/usr/bin/env python3
"""Issue 26, item 1: relax-and-round with room from the model's rows (planning.room) beside the old rounding
with re-coded rules (solve.py at 5305c7d, loaded from git into this process), on the same instance.

For each way: a fresh HighsModel of PlanModel's rows (one thread, the same seed), the time of
relax_and_round (LPs + rounding), the time of building the purchase rows alone (new way), the start's
objective (its purchases fixed, the rest an LP: HighsModel.complete), whether it keeps every row and bound
(that LP feasible: what HiGHS checks before accepting a start) and the largest row violation of the
purchases alone (room.PurchaseRows.violation). Writes benchmarks/results/room_latest.md. Not a test.

    .venv/bin/python benchmarks/bench_room.py                       # Sichuan by county, ~2 min on 2 cores
    .venv/bin/python benchmarks/bench_room.py --scenario models/baseline.toml --limit 30
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OLD_COMMIT = "5305c7d"


def old_solve_module():
    """solve.py as it was before room.py, imported against today's package (its imports still exist)."""
    src = subprocess.run(["git", "-C", str(REPO), "show", f"{OLD_COMMIT}:src/planner/planning/solve.py"],
                         check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("planner_old_solve", loader=None)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    exec(compile(src, f"{OLD_COMMIT}:solve.py", "exec"), mod.__dict__)
    return mod


def run(way: str, module, pm, limit: float) -> dict:
    from planner.planning.room import PurchaseRows
    from planner.solver import HighsModel, Status

    A, lo, hi = pm.matrix()
    h = HighsModel(pm.cost, pm.lower, pm.upper, pm.integer, A, lo, hi, offset=pm.objective_offset, threads=1, seed=0)
    t0 = time.perf_counter()
    start = module.relax_and_round(pm, h, limit)
    seconds = time.perf_counter() - t0
    lp0 = h.run_seconds
    out = {"way": way, "seconds": seconds, "lp_seconds": lp0, "objective": None, "accepted": False, "violation": None}
    if start is None:
        return out
    cols, values = start
    t1 = time.perf_counter()
    rows = PurchaseRows(pm)
    out["rows_seconds"] = time.perf_counter() - t1
    S, Y = len(pm.slots), len(pm.inp.years)
    x = np.zeros(S * Y)
    x[np.searchsorted(pm.col("x"), cols)] = values
    out["violation"] = rows.violation(np.cumsum(x.reshape(S, Y), axis=1))
    out["units"] = float(values.sum())
    r = h.complete(cols, values, 120)
    out["accepted"] = r.status == Status.OPTIMAL and r.x is not None
    out["objective"] = r.objective if out["accepted"] else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default=str(REPO / "models" / "sichuan.toml"))
    ap.add_argument("--limit", type=float, default=60.0, help="the solve's limit relax_and_round gets a quarter of")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "room_latest.md"))
    args = ap.parse_args()
    from planner import Planner
    from planner.planning import solve as new
    from planner.solver.highs import version

    pm = Planner.from_file(args.scenario, ["solver.threads=1", "solver.random_seed=0"]).build()
    load = os.getloadavg()
    rows = [run("old (re-coded rules, 5305c7d)", old_solve_module(), pm, args.limit),
            run("new (purchase rows, room.py)", new, pm, args.limit)]
    lines = [f"# Relax-and-round: room from the model's rows vs re-coded rules ({Path(args.scenario).name})", "",
             f"- model: {pm.size}", f"- slots x years: {len(pm.slots)} x {len(pm.inp.years)}",
             f"- highspy {version()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores, one HiGHS thread",
             f"- load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; at end: "
             + " ".join(f"{v:.2f}" for v in os.getloadavg()),
             f"- relax_and_round given a quarter of a {args.limit:g} s limit (its LP dive stops then)", "",
             "| way | relax_and_round s | of which HiGHS LPs s | PurchaseRows built (for the check) s | units bought | "
             "start objective | HiGHS accepts (LP with purchases fixed feasible) | max purchase-row violation |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        obj = "-" if r["objective"] is None else f"{r['objective']:,.1f}"
        viol = "-" if r["violation"] is None else f"{r['violation']:.3g}"
        lines.append(f"| {r['way']} | {r['seconds']:.2f} | {r['lp_seconds']:.2f} | {r.get('rows_seconds', 0):.2f} | "
                     f"{r.get('units', 0):,.0f} | {obj} | {'yes' if r['accepted'] else 'no'} | {viol} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
