#!/usr/bin/env python3
"""Benchmark the budget-coordinated province decomposition (planner.decompose) on the national county model.

Cases (2,974 counties, benchmarks/scenarios/counties.toml, 2 Dask workers x 1 HiGHS thread, 1 % gap):

  y1          1 plan year (2026), 120 s: time to a 1 % proven gap
  y1-full     the same with full_bound=True: also a bound on the model *with* cross-border mobile arcs
  y5          5 plan years with constraints.min_presence=false (with the rule the pre-solve checks refuse
              the scenario: a Tibetan county cannot staff its CT), 120 s: the issue's goal
  y5-long     the same with the overall cap (--cap, default 600 s): the gap the method reaches
  y5-blocks   y5 with each province MIP solved by its counties, the mobile rows between them priced at
              the province LP's duals (solve_by_province(by_blocks=True), distributed/blocks.py)
  y5-blocks-long  the same with the overall cap

Each case runs in its own child process on a snapshot of src/, models/, data/ and benchmarks/scenarios/
taken at the start (others edit the working tree), and writes one JSON row with the decomposition's round
log. The monolithic HiGHS numbers are NOT re-run (2.5 + 5 minutes): they are read from
benchmarks/results/latest.json (bench_model.py) and quoted with that run's date and commit.

    nice .venv/bin/python benchmarks/bench_decompose.py                 # all cases, ~16 min
    nice .venv/bin/python benchmarks/bench_decompose.py --cases y1 --cap 300
    nice .venv/bin/python benchmarks/bench_decompose.py --cases y1,y5 --workers 1,2,4   # scaling, ~15 min

With several worker counts every case runs once per count (one after the other, never at the same time)
and a "Scaling with Dask workers" section compares them. On a 2-core machine 4 workers oversubscribe the
cores: that row shows what the extra coordination costs, not a speed-up.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCENARIO = Path("benchmarks/scenarios/counties.toml")
GOAL_GAP, GOAL_SECONDS = 0.01, 120.0
CASES = {  # name: (plan years, extra overrides, time limit ("cap" = --cap), full_bound, province MIPs by county)
    "y1": (1, [], GOAL_SECONDS, False, False),
    "y1-full": (1, [], GOAL_SECONDS, True, False),
    "y5": (5, ["constraints.min_presence=false"], GOAL_SECONDS, False, False),
    "y5-long": (5, ["constraints.min_presence=false"], "cap", False, False),
    "y5-blocks": (5, ["constraints.min_presence=false"], GOAL_SECONDS, False, True),
    "y5-blocks-long": (5, ["constraints.min_presence=false"], "cap", False, True),
}
MONO = {"y1": "counties-y1-s0", "y1-full": "counties-y1-s0", "y5": "counties-norule-y5-s0",
        "y5-long": "counties-norule-y5-s0", "y5-blocks": "counties-norule-y5-s0",
        "y5-blocks-long": "counties-norule-y5-s0"}


# ------------------------------------------------------------------------------------------------ child
def child(spec: dict, result_file: Path) -> int:
    """One case in this process: solve, and write the result row (never raises)."""
    t0 = time.perf_counter()
    row = dict(spec, error=None)
    try:
        import planner
        from planner.distributed.decomposition import solve_by_province

        row["planner_file"] = planner.__file__
        r = solve_by_province(spec["scenario"], spec["overrides"], workers=spec["workers"],
                              time_limit=spec["time_limit_s"], gap=GOAL_GAP, full_bound=spec["full_bound"],
                              by_blocks=spec.get("by_blocks", False), progress=lambda x: print(json.dumps(x, default=float), flush=True))
        row.update(status=r.status, objective=r.objective, bound=r.bound, gap=r.gap, full_bound=r.full_bound,
                   full_gap=r.full_gap, lam=r.lam.tolist(), budget=r.budget.tolist(),
                   spend=None if r.spend is None else r.spend.tolist(), seconds=r.seconds,
                   setup_seconds=r.setup_seconds, message=r.message, plan_rows=len(r.plan),
                   iterations=json.loads(r.iterations.to_json(orient="records")),  # NaN -> null
                   provinces=json.loads(r.provinces.to_json(orient="records")))
    except BaseException as e:  # noqa: BLE001 - a benchmark records every failure
        row.update(status="crash", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        print(row["traceback"], file=sys.stderr, flush=True)
    row["child_wall_s"] = time.perf_counter() - t0
    row["peak_rss_mb_coordinator"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    result_file.write_text(json.dumps(row, default=float), encoding="utf-8")
    return 0 if row["error"] is None else 1


# ----------------------------------------------------------------------------------------------- parent
def snapshot(dest: Path) -> None:
    for part in ("src", "models", "data", "benchmarks/scenarios"):
        shutil.copytree(REPO / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))


def run_case(name: str, cap: float, workers: int, root: Path, logs: Path) -> dict:
    years, extra, limit, full, blocks = CASES[name]
    spec = dict(case=name, years=years, time_limit_s=cap if limit == "cap" else limit, full_bound=full, by_blocks=blocks,
                workers=workers, scenario=str(root / SCENARIO),
                overrides=[f"years.last_plan_year={2025 + years}", *extra])
    result, log = logs / f"decompose-{name}-w{workers}.result.json", logs / f"decompose-{name}-w{workers}.log"
    result.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(root / "src"))  # Dask's spawned workers inherit it
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec),
                        "--result-file", str(result)], stdout=out, stderr=subprocess.STDOUT, cwd=str(root),
                       env=env, timeout=spec["time_limit_s"] * 2 + 300)
    row = json.loads(result.read_text(encoding="utf-8")) if result.exists() else dict(spec, status="crash",
                                                                                        error="no result file")
    row.update(process_wall_s=time.perf_counter() - t0, loadavg_1min_before=load, log=os.path.relpath(log, REPO))
    return row


def environment() -> dict:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], capture_output=True, text=True, cwd=str(REPO)).stdout.strip()

    from importlib.metadata import version
    return dict(date=_dt.datetime.now().isoformat(timespec="seconds"), commit=git("rev-parse", "--short", "HEAD"),
                uncommitted=len(git("status", "--porcelain", "--", "src", "models", "data").splitlines()),
                python=platform.python_version(), cores=os.cpu_count(),
                **{m: version(m) for m in ("highspy", "dask", "distributed", "numpy", "pandas")})


# ---------------------------------------------------------------------------------------------- summary
def _f(v, fmt: str = "{:.2f}", none: str = "–") -> str:
    return none if v is None else fmt.format(v)


def first_within(row: dict, gap: float) -> float | None:
    """Seconds from the call until the proven gap was first <= gap (from the round log)."""
    return next((it["elapsed_s"] for it in row.get("iterations", []) if it.get("gap") is not None
                 and it["gap"] <= gap), None)


def gap_at(row: dict, seconds: float) -> float | None:
    """The proven gap as it stood at ``seconds`` after the call (the last round finished by then)."""
    done = [it for it in row.get("iterations", []) if it["elapsed_s"] <= seconds and it.get("gap") is not None]
    return done[-1]["gap"] if done else None


def label(row: dict) -> str:
    """The case name, with its worker count when a run compares several."""
    return f"{row['case']} (w={row['workers']})" if row.get("several_worker_counts") else row["case"]


def scaling(rows: list[dict]) -> list[str]:
    """Per case: time to 1 %, gap at 120 s and the end, and HiGHS time by worker count (ratios to 1 worker)."""
    out = ["", "## Scaling with Dask workers", "",
           "Same case, same code, one run per worker count, one after the other. `speed-up` is the 1-worker "
           "row's time to a proven 1 % gap over this row's (– when either never reached it). `Σ HiGHS s` is the "
           "HiGHS time of all province solves: more workers with the same Σ means the rounds ran in parallel.", "",
           "| case | workers | first <= 1 % at s | speed-up | gap at 120 s | final gap | wall s | Σ HiGHS s | "
           "wall x workers / Σ HiGHS | load before |", "|" + "---|" * 10]
    for name in dict.fromkeys(r["case"] for r in rows):
        same = sorted((r for r in rows if r["case"] == name), key=lambda r: r["workers"])
        one = next((first_within(r, GOAL_GAP) for r in same if r["workers"] == 1), None)
        for r in same:
            t = first_within(r, GOAL_GAP)
            hs = sum(it["highs_sum_s"] for it in r.get("iterations", []))
            out.append(f"| {name} | {r['workers']} | {_f(t, '{:.0f}')} | "
                       f"{_f(one / t if one and t else None, '{:.2f}x')} | "
                       f"{_f(gap_at(r, GOAL_SECONDS), '{:.2%}', 'no plan yet')} | {_f(r.get('gap'), '{:.2%}')} | "
                       f"{_f(r.get('seconds'), '{:.0f}')} | {hs:.0f} | "
                       f"{_f(r['seconds'] * r['workers'] / hs if hs and r.get('seconds') else None)} | "
                       f"{r['loadavg_1min_before']:.1f} |")
    return out


def rounds_table(row: dict) -> list[str]:
    lines = ["| round | phase | λ | solved (skipped) | sub limit s | LB at λ | best LB | UB | gap | round wall s | "
             "Σ HiGHS s | max HiGHS s | wall x workers / Σ HiGHS | (Σ task − Σ HiGHS) / Σ HiGHS | "
             "(wall − busiest worker) s | builds s | cache hits | overruns | Σ province gaps | elapsed s |",
             "|" + "---|" * 20]
    w = row["workers"]
    for it in row.get("iterations", []):
        hs = it["highs_sum_s"]
        lines.append(
            f"| {it['round']} | {it['phase']} | {', '.join(f'{x:.4f}' for x in it['lam']) or '–'} | "
            f"{it['solved']} ({it['skipped']}) | {it['sub_time_limit_s']:.1f} | {_f(it['lb_at_lam'], '{:,.0f}')} | "
            f"{_f(it['lb'], '{:,.0f}')} | {_f(it['ub'], '{:,.0f}')} | {_f(it['gap'], '{:.2%}')} | {it['wall_s']:.1f} | "
            f"{hs:.1f} | {it['highs_max_s']:.1f} | {_f(it['wall_s'] * w / hs if hs else None)} | "
            f"{_f((it['task_wall_sum_s'] - hs) / hs if hs else None, '{:.0%}')} | "
            f"{it['wall_s'] - it['busy_max_s']:.2f} | {it['build_sum_s']:.2f} | {it['cache_hits']} | "
            f"{it['overruns']} | {_f(it.get('sub_gap_sum'), '{:,.0f}')} | {it['elapsed_s']:.1f} |")
    return lines


def why(row: dict) -> str:
    """Where the final gap comes from, from the round log: the provinces' own MIP gaps at the λ of the best
    bound, and province solves that were skipped or overran."""
    its = [it for it in row["iterations"] if it["phase"] == "MIP"]
    best = max(its, key=lambda it: it["lb_at_lam"] or -float("inf"), default=None)
    obj = row.get("objective")
    if best is None or not obj:
        return f"- `{label(row)}`: no MIP round finished with a plan."
    skipped = sum(it["skipped"] for it in its)
    overruns = sum(it["overruns"] for it in its)
    lost = best.get("sub_gap_sum")
    share = None if lost is None else lost / abs(obj)
    return (f"- `{label(row)}`: gap {_f(row.get('gap'), '{:.2%}')}. At the λ of the best bound (round "
            f"{best['round']}, province limit {best['sub_time_limit_s']:.1f} s) the province MIPs' own gaps add up "
            f"to {_f(lost, '{:,.0f}')} ({_f(share, '{:.2%}')} of the plan's objective), the worst province at "
            f"{_f(best['sub_gap_max'], '{:.1%}')}; the rest is λ and how whole province plans combine under the "
            f"budget. {len(its)} MIP round(s), {skipped} province solve(s) skipped at the deadline, {overruns} "
            "overran their limit.")


def write_markdown(rows: list[dict], mono: dict, env: dict, command: str, total: float) -> str:
    out = ["# Province decomposition of the national county model: time to a proven 1 % gap", "",
           f"Command: `{command}`  ",
           f"Date {env['date']}, commit {env['commit']}"
           + (f" **plus {env['uncommitted']} uncommitted change(s) in src/, models/ or data/**"
              if env["uncommitted"] else "")
           + f"; Python {env['python']}, highspy {env['highspy']}, dask/distributed {env['distributed']}; "
           f"{env['cores']} cores shared with other engineers' runs; total benchmark time {total / 60:.1f} min.", "",
           "Every case: `planner.distributed.decomposition.solve_by_province` on `benchmarks/scenarios/counties.toml` (2,974 counties, "
           "31 provinces), a local Dask cluster of "
           + (f"{rows[0]['workers']} workers" if len({r['workers'] for r in rows}) == 1 else "the row's number of workers")
           + " x 1 thread, one HiGHS thread per province MIP, requested "
           "gap 1 %, province MIP gap 0.5 %. Times are wall-clock from the call, reading the inputs and starting Dask "
           "included. The bound is on the national model **without the 2,184 mobile arcs that cross a province "
           "border** (of 21,335 off-home arcs); the plan uses none of them, so it is feasible for the full model too "
           "and its objective bounds the full model's optimum from above. `y1-full` adds a bound on the full model.",
           "", "## Summary", "",
           "| case | years | limit s | status | plan objective | bound | gap | full-model bound (gap) | "
           "first <= 1 % at s | gap at 120 s | wall s | setup s | λ | spend / budget | load before |",
           "|" + "---|" * 15]
    for r in rows:
        fb = (f"{r['full_bound']:,.0f} ({r['full_gap']:.2%})" if r.get("full_bound") is not None else "–")
        sp = (f"{r['spend'][0]:,.0f} / {r['budget'][0]:,.0f}" if r.get("spend") else "–")
        out.append(f"| {label(r)} | {r['years']} | {r['time_limit_s']:g} | {r.get('status')} | "
                   f"{_f(r.get('objective'), '{:,.0f}')} | {_f(r.get('bound'), '{:,.0f}')} | "
                   f"{_f(r.get('gap'), '{:.2%}')} | "
                   f"{fb} | {_f(first_within(r, GOAL_GAP), '{:.0f}')} | "
                   f"{_f(gap_at(r, GOAL_SECONDS), '{:.2%}', 'no plan yet')} | "
                   f"{_f(r.get('seconds'), '{:.0f}')} | {_f(r.get('setup_seconds'), '{:.1f}')} | "
                   f"{', '.join(f'{x:.4f}' for x in r.get('lam') or []) or '–'} | {sp} | "
                   f"{r['loadavg_1min_before']:.1f} |")
        if r.get("error"):
            out.append(f"\n`{label(r)}` failed: `{r['error']}` (log {r['log']})\n")
    out += ["", "## Monolithic HiGHS (not re-run: from `benchmarks/results/latest.json`)", "",
            "| case | bench_model case | date, commit | status | objective | bound | gap | HiGHS s | process wall s |",
            "|" + "---|" * 9]
    for name in dict.fromkeys(r["case"].removesuffix("-full").removesuffix("-long") for r in rows):
        m = mono.get(MONO.get(name, ""))
        if m:
            out.append(f"| {name} | {m['case']} | {m.get('date', '?')}, {m.get('commit', '?')} | {m['status']} | "
                       f"{_f(m.get('objective'), '{:,.0f}')} | {_f(m.get('bound'), '{:,.0f}')} | "
                       f"{_f(m.get('gap'), '{:.2%}')} | {_f(m.get('highs_s'), '{:.0f}')} | "
                       f"{_f(m.get('wall_s'), '{:.0f}')} |")
    out += ["", "Monolithic rows bound the **full** model (with cross-border arcs): their bound may sit below the "
            "decomposition's, which bounds the model without those arcs.", "", "## Goal", ""]
    for r in rows:
        t = first_within(r, GOAL_GAP)
        verdict = "MET" if t is not None and t <= GOAL_SECONDS else "**NOT MET**"
        out.append(f"- `{label(r)}` ({r['years']} year{'s' if r['years'] > 1 else ''}): 1 % proven gap within "
                   f"{GOAL_SECONDS:g} s on 2 cores: {verdict}"
                   + (f" (reached at {t:.0f} s)" if t is not None else
                      f" (gap at {GOAL_SECONDS:g} s: {_f(gap_at(r, GOAL_SECONDS), '{:.2%}', 'no plan yet')}; "
                      f"at the end, "
                      f"{r.get('seconds', 0):.0f} s: {_f(r.get('gap'), '{:.2%}')})"))
    if len({r["workers"] for r in rows}) > 1:
        out += scaling(rows)
    out += ["", "## Why", ""] + [why(r) for r in rows if r.get("iterations")]
    out += ["", "## Rounds", "",
            "Ratios against HiGHS's own time: `wall x workers / Σ HiGHS` is 1.0 when both workers run HiGHS the "
            "whole round (above 1: idle workers, stragglers, Dask and coordinator time); `(Σ task − Σ HiGHS) / "
            "Σ HiGHS` is the Python time inside the worker tasks (objective update, reading the solution, the plan "
            "table, building a province model on a cache miss); `wall − busiest worker` is Dask scheduling plus "
            "the coordinator's masters. `builds s` is province model building (no Pyomo: PlanModel's row blocks "
            "straight into highspy). `overruns`: province solves that ran past 1.5 x their time limit + 1 s (HiGHS's "
            "root cut loop does not check the clock). `Σ province gaps`: Σ (incumbent − proven bound) of the "
            "province MIPs at that λ, 万元: what their own gaps take off the bound."]
    for r in rows:
        if r.get("iterations"):
            out += ["", f"### {label(r)}", ""] + rounds_table(r)
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--cap", type=float, default=600.0, help="time limit of the *-long cases, seconds")
    ap.add_argument("--workers", default="2", help="Dask worker count, or several: 1,2,4")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--result-file", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(json.loads(a.child), Path(a.result_file))
    t0 = time.perf_counter()
    out = Path(a.out)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = environment()
    mono_file = out / "latest.json"
    mono = ({r["case"]: dict(r, date=json.loads(mono_file.read_text())["env"].get("date"))
             for r in json.loads(mono_file.read_text())["rows"]} if mono_file.exists() else {})
    rows = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-decompose-") as tmp:
        snapshot(Path(tmp))
        counts = [int(w) for w in str(a.workers).split(",")]
        for name, w in ((name, w) for name in a.cases.split(",") for w in counts):
            row = run_case(name, a.cap, w, Path(tmp), logs)
            row["several_worker_counts"] = len(counts) > 1
            rows.append(row)
            print(f"{name} w={w}: {row.get('status')} objective {row.get('objective')} bound {row.get('bound')} "
                  f"gap {row.get('gap')} in {row.get('seconds')} s {row.get('error') or ''}", flush=True)
    command = "benchmarks/bench_decompose.py " + " ".join(sys.argv[1:])
    md = write_markdown(rows, mono, env, command.strip(), time.perf_counter() - t0)
    (out / "decompose_latest.md").write_text(md, encoding="utf-8")
    (out / "decompose_latest.json").write_text(json.dumps(dict(env=env, command=command, rows=rows), default=float,
                                                          indent=1), encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
