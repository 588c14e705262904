#!/usr/bin/env python3
"""Where the levers scenario's start plan loses: the LP objective at each step of the relax-and-round dive
(solve.rounded_purchases), the start handed to HiGHS, and the plan at the time limit, for
models/sichuan_medcommunity.toml and the same with benchmarks/levers_classes.py's assumed classes.

    nice .venv/bin/python benchmarks/bench_rounding.py --time-limit 40    # ~2 min; writes results/bench_rounding.md
    nice .venv/bin/python benchmarks/bench_rounding.py --time-limit 40 --batches 0.25:12,0.1:20   # + smaller batches

Every HiGHS call of the solve is recorded (status, objective, seconds), in order: the LP that decides the
lazy rows, the dive's LPs, the completions of the rounded plan, the MIP, and what follows it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment, write_results  # noqa: E402
from levers_classes import planners  # noqa: E402  (the shipped scenario and the same with classes)


def traced(planner, time_limit: float) -> dict:
    """Solve with every HighsModel.solve and .complete call recorded."""
    from planner.solver.highs import HighsModel

    calls, solve, complete = [], HighsModel.solve, HighsModel.complete

    def record(kind, fn):
        def wrapper(self, *a, **k):
            t0 = time.perf_counter()
            r = fn(self, *a, **k)
            calls.append({"call": kind, "status": str(r.status), "objective": r.objective,
                          "seconds": round(time.perf_counter() - t0, 2)})
            return r
        return wrapper

    HighsModel.solve, HighsModel.complete = record("solve", solve), record("complete", complete)
    try:
        result = planner.solve(time_limit=time_limit)
    finally:
        HighsModel.solve, HighsModel.complete = solve, complete
    return {"calls": calls, "start": planner._solver.start, "objective": result.report.objective,
            "bound": result.report.bound, "gap": result.report.gap}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=40.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--batches", default="", help="share:rounds,... (e.g. 0.25:12,0.1:20): the levers scenario "
                    "again with the dive fixing that share of the fractional slots a round, for that many rounds")
    a = ap.parse_args()
    env = environment()
    rows = []
    for name, p in planners(a.seed).items():
        rows.append({"scenario": name, **traced(p, a.time_limit)})
        print(name, rows[-1]["start"], rows[-1]["objective"], flush=True)
    import planner.planning.solve as solve

    defaults = (solve.BATCH, solve.relax_and_round.__defaults__)
    try:
        for spec in filter(None, a.batches.split(",")):
            share, rounds = spec.split(":")
            solve.BATCH, solve.relax_and_round.__defaults__ = float(share), (int(rounds), None)
            name = f"sichuan_medcommunity.toml, dive fixing {float(share):g} of the slots a round, {rounds} rounds"
            rows.append({"scenario": name, **traced(planners(a.seed)["sichuan_medcommunity.toml"], a.time_limit)})
            print(name, rows[-1]["objective"], flush=True)
    finally:
        solve.BATCH, solve.relax_and_round.__defaults__ = defaults

    def report() -> str:
        out = ["# The relax-and-round dive on the levers scenario", "",
               f"{env['date']}, commit {env['commit']}, {env['cpu']} ({env['cores']} cores), load "
               f"{env['load_start']} → {env['load_end']}; seed {a.seed}; {a.time_limit:g} s each.",
               f"Command: `nice .venv/bin/python benchmarks/bench_rounding.py --time-limit {a.time_limit:g}"
               + (f" --batches {a.batches}" if a.batches else "") + "`.", ""]
        for r in rows:
            gap = "–" if r["gap"] is None else f"{r['gap']:.2%}"
            start = next((c["objective"] for c in r["calls"] if c["call"] == "complete" and c["objective"]), None)
            out += [f"## {r['scenario']}", "", f"completed start: {'–' if start is None else format(start, ',.0f')}; "
                    f"start: {r['start']}; plan {r['objective']:,.0f}, bound {r['bound'] or 0:,.0f}, gap {gap}", "",
                    "| # | call | status | objective | s |", "|---|---|---|---|---|"]
            out += [f"| {i} | {c['call']} | {c['status']} | "
                    f"{'–' if c['objective'] is None else format(c['objective'], ',.0f')} | {c['seconds']} |"
                    for i, c in enumerate(r["calls"], 1)]
            out.append("")
        return "\n".join(out)

    write_results(a.out, "bench_rounding", env, rows, report)


if __name__ == "__main__":
    main()
