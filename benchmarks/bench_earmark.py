#!/usr/bin/env python3
"""The renewal earmark's formulations and solve paths side by side (families/renewal.py, planning/lazy.py):

  old    per slot and year (renewal.PER_YEAR, the first formulation: RN <= x, cumulative RN <= retired_by),
         the earmark's rows in the MIP throughout
  new    per slot (one RN per slot with the rows RN - sum_{y > k} x <= cap_k), rows in the MIP throughout
  lazy   per slot, the rows left out of the MIP when the LP relaxation gives them zero duals, and checked
         after it (the default)

on the two cases bench_speed.py measured the earmark in:

  earmark only   models/sichuan_medcommunity.toml with the other levers off (bench_speed's
                 "levers: renewal earmark only")
  medcommunity   models/sichuan_medcommunity.toml, every lever on

Each run is ``Planner.solve`` (rounded LP start, one HiGHS thread, requested gap 1 %), one after the other in
one process. Printed and written to benchmarks/results/bench_earmark.md: gap at 30/60/120 s, first plan,
final objective and bound, the start's objective when it is the rounded LP plan, seed and load.

    nice .venv/bin/python benchmarks/bench_earmark.py                     # 6 x 120 s
    nice .venv/bin/python benchmarks/bench_earmark.py --paths new,lazy --name bench_earmark_lazy
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment, write_results  # noqa: E402
from bench_speed import LEVERS, ONE_LEVER, _g, _s, planner_solve  # noqa: E402

CASES = {"earmark only": ONE_LEVER["renewal earmark"], "medcommunity (all levers)": ()}
PATHS = {"old": (True, False), "new": (False, False), "lazy": (False, True)}   # renewal.PER_YEAR, lazy.ENABLED


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--paths", default="old,new,lazy")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--name", default="bench_earmark")
    a = ap.parse_args()
    from planner.planning import lazy
    from planner.planning.families import renewal

    env = environment()
    rows = []
    for case, extra in CASES.items():
        for path in a.paths.split(","):
            renewal.PER_YEAR, lazy.ENABLED = PATHS[path]
            r, p = planner_solve(f"{case}, {path}", a.time_limit, a.seed, scenario=LEVERS, extra=extra)
            r.update(path=path, formulation="per slot and year" if PATHS[path][0] else "per slot",
                     lazy_rows=p._solver.lazy,
                     rn_columns=len(p._pm.families["RN"]), start=p._solver.start, seed=a.seed,
                     rows=int(sum(b.rows for b in p._pm.blocks.values())), cols=len(p._pm.cost))
            rows.append(r)
            print(json.dumps(r, default=str), flush=True)
    renewal.PER_YEAR, lazy.ENABLED = False, True
    write_results(a.out, a.name, env, rows, lambda: report(rows, env, a))


def _n(v) -> str:
    return "–" if v is None else f"{v:,.0f}"


def report(rows: list[dict], env: dict, a) -> str:
    out = ["# The renewal earmark: formulations, and its rows left out of the MIP (lazy)", "",
           f"{env['date']}, commit {env['commit']}, {env['cpu']} ({env['cores']} cores), load average at start "
           f"{env['load_start']}, at end {env['load_end']}; highspy {env['highspy']}; seed {a.seed}; one HiGHS "
           f"thread; {a.time_limit:g} s per run; requested gap 1 %. 'old' = renewal.PER_YEAR (RN per slot and "
           "year), 'new' = RN per slot, 'lazy' = per slot with the earmark's rows out of the MIP when the LP "
           "gives them zero duals (lazy rows: none = off, kept = the LP binds them, held = the plan kept them, "
           "broken = solved again with them).", "",
           "| case | formulation | lazy rows | model rows / cols | RN columns | start | first plan | gap at 30 s "
           "| gap at 60 s | gap at 120 s | final gap | objective | bound | verifier | load |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['case']} | {r['formulation']} | {r.get('lazy_rows', 'none')} | {r['rows']:,} / "
                   f"{r['cols']:,} | {r['rn_columns']:,} | "
                   f"{r['start']} | {_s(r['first_plan_s'])} | "
                   f"{_g(r['gap_at_30s'])} | {_g(r['gap_at_60s'])} | {_g(r['gap_at_120s'])} | {_g(r['gap'])} | "
                   f"{_n(r['objective'])} | {_n(r['bound'])} | {'ok' if r['verifier_ok'] else 'FAILED'} | "
                   f"{r['load']:.1f} |")
    out += ["", "Earlier (benchmarks/results/levers_speed_latest.md, per slot and year, 120 s, seed 0): earmark only "
            "12.44 %, sichuan_medcommunity 12.09 %, models/sichuan.toml 1.55 %."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
