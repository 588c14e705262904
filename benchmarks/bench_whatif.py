#!/usr/bin/env python3
"""Issue 12's what-if benchmark: a cold monolithic solve against a budget change on the built model.

For each scenario (default: models/sichuan.toml, the baseline and the prefecture benchmark scenario), in
one process and on the same instance:

  cold     ``Planner.from_file(...).solve()`` at the scenario's budget (load, build, hand-off, HiGHS)
  what-if  for each budget factor (default 0.95, 1.05, 0.8, 1.2): ``resolve_with_budget`` on the built
           model (warm: the previous plan as HiGHS's start), against a cold solve at the same budget

Every solve runs to the scenario's 1 % relative gap or the time limit, with duals off and one HiGHS
thread. From the progress stream (HiGHS's MIP callbacks) it records the time to the first plan and to a
plan within 1 % (relative gap; HiGHS's own clock), and for every final plan both gap measures: the
relative gap and the gap as a share of what purchases can change (README, "Two gaps"). The verifier
runs on every final plan. It prints the ratios, seeds, load average and versions, and the issue's goals
as MET / NOT MET (goals on the relative gap, as the issue states them). It is not a test.

    .venv/bin/python benchmarks/bench_whatif.py                          # ~15-25 min on 2 cores
    .venv/bin/python benchmarks/bench_whatif.py --scenarios sichuan --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment, load_now  # noqa: E402  (one copy of the run-environment probe)

SCENARIOS = {"sichuan": REPO / "models" / "sichuan.toml", "baseline": REPO / "models" / "baseline.toml",
             "prefecture": REPO / "benchmarks" / "scenarios" / "prefectures.toml"}
GOAL_COLD_S, GOAL_FIRST_S, GOAL_WHATIF_S = 5.0, 1.0, 5.0


class Watch:
    """Times of the first plan and of the first plan within ``gap`` (HiGHS seconds), from Progress."""

    def __init__(self, gap: float):
        self.gap, self.first, self.within = gap, None, None

    def __call__(self, p) -> None:
        if p.incumbent is not None and self.first is None:
            self.first = p.seconds
        if p.gap is not None and p.gap <= self.gap + 1e-12 and self.within is None:
            self.within = p.seconds


def measured(planner, watch: Watch, wall: float, result, floor: float | None) -> dict:
    from planner.planning.solve import changeable_gap

    rep = result.report
    within = watch.within
    if within is None and rep.status == "optimal":
        within = rep.solve_seconds  # proven at the end (no progress event came after the last bound)
    return {"status": str(rep.status), "objective": rep.objective, "bound": rep.bound, "gap": rep.gap,
            "changeable_gap": changeable_gap(rep.objective, rep.bound, floor), "floor": floor,
            "first_plan_s": watch.first, "within_gap_s": within, "highs_s": rep.solve_seconds,
            "wall_s": wall, "verifier_ok": bool(result.verifier and result.verifier.ok),
            "budget_wan_cny": planner.scenario.budget.total_wan_cny}


def solve(planner, limit: float, gap: float, resolve_budget: float | None = None) -> tuple[dict, object]:
    watch = Watch(gap)
    quick = {"quick_s": None, "quick_gap": None, "quick_objective": None, "quick_verifier_ok": False}
    t0 = time.perf_counter()
    if resolve_budget is None:
        result = planner.solve(time_limit=limit, gap=gap, duals=False, progress=watch)
    else:
        def first_plan(q) -> None:  # the quick plan: verified before HiGHS starts (planning/quick.py)
            quick.update(quick_s=time.perf_counter() - t0, quick_gap=q.report.gap,
                         quick_objective=q.report.objective, quick_verifier_ok=bool(q.verifier and q.verifier.ok))
        result = planner.resolve_with_budget(resolve_budget, time_limit=limit, gap=gap, duals=False,
                                             progress=watch, first_plan=first_plan)
    wall = time.perf_counter() - t0
    return {**measured(planner, watch, wall, result, result.report.floor), **quick}, result


def run_scenario(name: str, path: Path, factors: list[float], limit: float, seed: int) -> dict:
    from planner import Planner

    over = ["solver.compute_duals=false", f"solver.random_seed={seed}", "solver.threads=1"]
    base = Planner.from_file(path, over)
    gap = base.scenario.solver.mip_rel_gap
    b0 = base.scenario.budget.total_wan_cny  # the planner's figure: set_budget nets committed spend
    cold0, _ = solve(base, limit, gap)
    rows = {"cold": cold0, "whatif": []}
    print(f"[{name}] cold: {_fmt(cold0)}", flush=True)
    for f in factors:
        warm, _ = solve(base, limit, gap, resolve_budget=b0 * f)
        cold, _ = solve(Planner.from_file(path, over + [f"budget.total_wan_cny={b0 * f}"]),
                        limit, gap)
        rows["whatif"].append({"factor": f, "warm": warm, "cold": cold})
        print(f"[{name}] budget x{f}: warm {_fmt(warm)}\n{'':>{len(name) + 17}}cold {_fmt(cold)}", flush=True)
        base.set_budget(b0)  # the next factor starts from the scenario's budget again
    return rows


def _s(v) -> str:
    return "-" if v is None else f"{v:.1f} s"


def _s2(v) -> str:
    return "-" if v is None else f"{v:.2f} s"


def _g(v) -> str:
    return "-" if v is None else f"{v:.2%}"


def _fmt(d: dict) -> str:
    quick = (f"quick plan {_s2(d['quick_s'])} (gap {_g(d['quick_gap'])}, verifier "
             f"{'ok' if d['quick_verifier_ok'] else 'FAILED'}), " if d.get("quick_s") is not None else "")
    return (f"{quick}{d['status']}, first plan {_s(d['first_plan_s'])}, within gap {_s(d['within_gap_s'])}, HiGHS "
            f"{_s(d['highs_s'])}, wall {_s(d['wall_s'])}, gap {_g(d['gap'])}, changeable {_g(d['changeable_gap'])}, "
            f"verifier {'ok' if d['verifier_ok'] else 'FAILED'}")


def report(all_rows: dict, env: dict, args) -> str:
    out = ["# What-if benchmark (issue 12)", "",
           f"{env['date']}, commit {env['commit']}, {env['cpu']} ({env['cores']} cores), load average at start "
           f"{env['load_start']}, at end {env['load_end']}; highspy {env['highspy']}; seed {args.seed}; time limit "
           f"{args.time_limit:g} s per solve; goals on the relative gap.", "",
           "| scenario | case | status | first plan | within 1 % | HiGHS | relative gap | gap of what purchases can change | verifier |",
           "|---|---|---|---|---|---|---|---|---|"]

    def line(scn, case, d):
        out.append(f"| {scn} | {case} | {d['status']} | {_s(d['first_plan_s'])} | {_s(d['within_gap_s'])} | "
                   f"{_s(d['highs_s'])} | {_g(d['gap'])} | {_g(d['changeable_gap'])} | "
                   f"{'ok' if d['verifier_ok'] else 'FAILED'} |")

    goals = []
    for scn, rows in all_rows.items():
        line(scn, "cold", rows["cold"])
        for w in rows["whatif"]:
            line(scn, f"budget x{w['factor']} warm", w["warm"])
            line(scn, f"budget x{w['factor']} cold", w["cold"])
        if scn == "sichuan":
            c = rows["cold"]["within_gap_s"]
            goals.append(("Sichuan x 5 cold: <= 1 % within 5 s", c is not None and c <= GOAL_COLD_S,
                          f"{_s(c)}"))
            for w in rows["whatif"]:
                first, within = w["warm"]["first_plan_s"], w["warm"]["within_gap_s"]
                cold_w = w["cold"]["within_gap_s"]
                ratio = (f", {cold_w / within:.1f}x faster than cold" if within and cold_w else "")
                # The goal is a *verified* plan with its gap within 1 s: the quick plan (wall clock from the
                # call, verification included). HiGHS's first incumbent is shown beside it, unverified.
                q = w["warm"]
                goals.append((f"budget x{w['factor']}: first verified plan <= 1 s (quick plan; HiGHS's own "
                              f"first incumbent came at {_s(first)}, unverified)",
                              q["quick_s"] is not None and q["quick_s"] <= GOAL_FIRST_S and q["quick_verifier_ok"],
                              f"{_s2(q['quick_s'])}, gap {_g(q['quick_gap'])}, verifier "
                              f"{'ok' if q['quick_verifier_ok'] else 'FAILED'}"))
                goals.append((f"budget x{w['factor']}: <= 1 % within 5 s", within is not None and within <= GOAL_WHATIF_S,
                              _s(within) + ratio))
    out += ["", "## Goals", ""]
    out += [f"- {name}: {got} - {'met' if ok else '**NOT MET**'}" for name, ok, got in goals]
    out += ["", "'first plan' is HiGHS's first incumbent (for a warm what-if, the previous plan when HiGHS accepts "
            "it). Every final plan is checked by the verifier; the time to a verified plan is the HiGHS time plus "
            "result collection and verification (the wall column of the JSON)."]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", default="sichuan,baseline,prefecture")
    ap.add_argument("--factors", default="0.95,1.05,0.8,1.2")
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--name", default="whatif_latest")
    ap.add_argument("--summary-only", action="store_true", help="run nothing: rewrite <name>.md from <name>.json")
    args = ap.parse_args()
    if args.summary_only:
        saved = json.loads((args.out / f"{args.name}.json").read_text(encoding="utf-8"))
        text = report(saved["rows"], saved["env"], args)
        (args.out / f"{args.name}.md").write_text(text, encoding="utf-8")
        print(text)
        return
    env = environment()
    rows = {s: run_scenario(s, SCENARIOS[s], [float(f) for f in args.factors.split(",")], args.time_limit, args.seed)
            for s in args.scenarios.split(",")}
    env["load_end"] = load_now()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps({"env": env, "rows": rows}, indent=1), encoding="utf-8")
    text = report(rows, env, args)
    (args.out / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
