#!/usr/bin/env python3
"""Issue 25, item 2: the most equal end of the frontier (equity first, then the weighted sum with the
equity measure held). Stage two held the measure to stage one's value + 1e-6 (old) or within the gap
tolerance (new, lexicographic.held_bound), started from the same stage-one plan, each with the same time.

One process: the efficiency plan (the frontier's first point), stage one (half the limit), then stage two
the old way and the new way from the same stage-one plan and the same HiGHS seed. Prints and writes
benchmarks/results/equity_end_hold_latest.md with the load average. Not a test.

    .venv/bin/python benchmarks/bench_equity_end.py                     # baseline, 20 s a point (~1 min)
    .venv/bin/python benchmarks/bench_equity_end.py --limit 60 --measure shortfall
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from planner.api import Planner
from planner.config.scenario import load_scenario
from planner.planning.lexicographic import held_bound, z_columns
from planner.planning.model import PlanModel
from planner.planning.pipeline import run
from planner.planning.solve import Solver

REPO = Path(__file__).resolve().parents[1]
OLD_SLACK = 1e-6   # lexicographic.py before this change: best + 1e-6 * max(1, best)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(REPO / "models" / "baseline.toml"))
    ap.add_argument("--measure", default="shortfall", choices=["shortfall", "travel"])
    ap.add_argument("--limit", type=float, default=20.0, help="seconds per frontier point (stage one gets half)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "equity_end_hold_latest.md"))
    a = ap.parse_args(argv)
    load0 = os.getloadavg()
    p = Planner(load_scenario(a.scenario))
    inp = p.inputs
    gap = float(inp.scenario.solver.mip_rel_gap)
    pm = PlanModel(inp, equity=True)
    solver = Solver(pm)
    eff = run(inp, pm, solver, a.limit, None, False)
    cols = z_columns(pm, a.measure)
    eps = pm.epsilon_bounds()[cols - pm.families["Z"].offset]
    cost = np.zeros(len(pm.cost))
    cost[cols] = 1.0
    solver.set_costs(cost)
    t = time.perf_counter()
    one = run(inp, pm, solver, a.limit / 2, None, False)
    one_s = time.perf_counter() - t
    best, start = pm.solution[cols].copy(), solver._last_x.copy()
    solver.use_weighted_sum()
    rows = []
    for name, bound in (("old: held to +1e-6", best + OLD_SLACK * np.maximum(1, best)),
                        (f"new: held within the gap tolerance ({gap:g})", held_bound(best, gap))):
        solver._last_x = start.copy()   # both from the stage-one plan, as the frontier does
        solver.set_upper(cols, np.minimum(eps, bound))
        t = time.perf_counter()
        two = run(inp, pm, solver, a.limit / 2, None, False)
        rep = two.report
        rows.append((name, rep.status, rep.objective, rep.bound, rep.gap, float(pm.solution[cols].max()),
                     float(two.flows["unmet_k"].sum()), time.perf_counter() - t))
    solver.set_upper(cols, eps)
    load1 = os.getloadavg()
    out = [f"# The most equal end of the frontier: stage two's hold on the {a.measure} measure",
           "",
           f"`{' '.join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])])}` on "
           f"`{Path(a.scenario).name}`, {a.limit:g} s a point (stage one and stage two {a.limit / 2:g} s each), "
           f"HiGHS seed {inp.scenario.solver.random_seed}, {inp.scenario.solver.threads} thread(s), "
           f"gap tolerance {gap:g}. Load average before {load0[0]:.2f}, after {load1[0]:.2f} (2 cores).",
           "",
           f"- Efficiency plan: {eff.report.status}, weighted sum {eff.report.objective:,.0f}, "
           f"measure {eff.measures.get('largest_shortfall_per_million' if a.measure == 'shortfall' else 'longest_travel_minutes'):,.4f}.",
           f"- Stage one: {one.report.status}, measure minimised to {one.report.objective:,.4f} "
           f"(gap {(one.report.gap or 0) * 100:.2f} %), {one_s:.1f} s.",
           "",
           "| stage two | status | weighted sum | bound | gap | measure | unmet (thousand exams) | seconds |",
           "|---|---|---|---|---|---|---|---|"]
    for name, status, obj, bound, g, meas, unmet, s in rows:
        out.append(f"| {name} | {status} | {obj:,.0f} | {bound:,.0f} | {g * 100:.2f} % | {meas:,.4f} | "
                   f"{unmet:,.0f} | {s:.1f} |")
    ratio = rows[0][2] / rows[1][2]
    out += ["", f"Old weighted sum / new: **{ratio:,.2f}**. The new hold lets the measure rise by at most the gap "
            "tolerance over stage one's value, which stage one only proved that close."]
    text = "\n".join(out) + "\n"
    print(text)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(a.out).with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
