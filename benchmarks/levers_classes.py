#!/usr/bin/env python3
"""Classes of new units on Sichuan (issue 27 lever 2): models/sichuan_medcommunity.toml as shipped, against the
same scenario with CT and MRI split into the classes seed 001 l.87 names, solved one after the other in one
process with the same seed and time limit. It shows what the classes change in the plan (units by class and
tier, spend, unmet exams) and what they cost the solve (columns, rows, gap at the time limit): the speed
work must survive the levers.

    nice .venv/bin/python benchmarks/levers_classes.py --time-limit 120     # ~5 min; writes results/levers_classes.md

The classes are ASSUMPTIONS for this study (no award price by class was found, notes/facilities.md §3):
- CT below 64 rows at grassroots and secondary hospitals: the modality's figures (137 万元, the 2025 Henan
  集采 average over 16-, 32- and 64-row units, all domestic);
- CT 64 rows and above at tertiary hospitals only (seed 003 l.94-101 puts high-end classes at the top tier):
  300 万元 imported, 220 万元 domestic, the modality's capacity;
- MRI 1.5T at secondary hospitals: the modality's figures (600 万元);
- MRI 3T at tertiary hospitals only: 1,000 万元 imported, 800 万元 domestic, at least 19 % domestic (the
  seed's later domestic share of 3T, used here as a policy floor).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment, load_now  # noqa: E402  (one copy of the run-environment probe)
from levers_compare import figures, table  # noqa: E402  (the worked example's figures and table)

SCENARIO = REPO / "models" / "sichuan_medcommunity.toml"
CLASSES = [
    {"modality": "CT", "name": "<64 rows", "tiers": ["grassroots", "secondary"]},
    {"modality": "CT", "name": ">=64 rows", "tiers": ["tertiary"], "price_wan_cny": 300.0,
     "domestic_price_wan_cny": 220.0},
    {"modality": "MRI", "name": "1.5T", "tiers": ["secondary"]},
    {"modality": "MRI", "name": "3T", "tiers": ["tertiary"], "price_wan_cny": 1000.0,
     "domestic_price_wan_cny": 800.0, "min_domestic_share": 0.19},
]


def planners(seed: int):
    """The shipped scenario and the same with CLASSES, each a Planner (built from the TOML's own folder)."""
    from planner import Planner
    from planner.config.scenario import apply_overrides, read_toml, scenario_from_dict

    raw = apply_overrides(read_toml(SCENARIO), [f"solver.random_seed={seed}", "solver.threads=1"])
    classed = copy.deepcopy(raw)
    classed.setdefault("supply", {})["classes"] = CLASSES
    return {"sichuan_medcommunity.toml": Planner(scenario_from_dict(raw, SCENARIO.parent, str(SCENARIO))),
            "+ classes (assumed)": Planner(scenario_from_dict(classed, SCENARIO.parent, str(SCENARIO)))}


def main() -> None:
    from planner.planning.model import PlanModel

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    a = ap.parse_args()
    env = environment()
    rows, sizes = {}, {}
    for name, p in planners(a.seed).items():
        pm = PlanModel(p.inputs)
        sizes[name] = {"columns": int(len(pm.cost)), "integer columns": int(pm.integer.sum()),
                       "rows": int(sum(b.rows for b in pm.blocks.values()))}
        t0 = time.perf_counter()
        result = p.solve(time_limit=a.time_limit)
        rows[name] = figures(result) | {"seconds": time.perf_counter() - t0, **sizes[name]}
        rows[name]["classes"] = {c.removeprefix("class_units_"): float(result.plan[c].sum())
                                 for c in result.plan.columns if c.startswith("class_units_")}
        rows[name]["class_domestic"] = {c.removeprefix("class_domestic_"): float(result.plan[c].sum())
                                        for c in result.plan.columns if c.startswith("class_domestic_")}
        print(name, json.dumps(rows[name], default=str), flush=True)
    env["load_end"] = load_now()
    names = list(rows)
    extra = [f"| {what} | " + " | ".join(f"{rows[n][what]:,}" for n in names) + " |"
             for what in ("columns", "integer columns", "rows")]
    extra.append("| solve (s, wall) | " + " | ".join(f"{rows[n]['seconds']:,.0f}" for n in names) + " |")
    for c in sorted({c for n in names for c in rows[n]["classes"]}):
        extra.append(f"| new units of class {c} (domestic) | " + " | ".join(
            f"{rows[n]['classes'].get(c, 0):,.0f} ({rows[n]['class_domestic'].get(c, 0):,.0f})"
            if c in rows[n]["classes"] else "–" for n in names) + " |")
    text = "\n".join([
        "# Classes of new units on Sichuan by county (issue 27 lever 2)", "",
        f"{env['date']}, commit {env['commit']}, {env['cpu']} ({env['cores']} cores), load {env['load_start']} → "
        f"{env['load_end']}; highspy {env['highspy']}; seed {a.seed}; {a.time_limit:g} s each, one HiGHS thread.",
        "Command: `nice .venv/bin/python benchmarks/levers_classes.py " f"--time-limit {a.time_limit:g}`. "
        "The classes are the script's assumptions (its docstring).", "",
        *table(rows), *extra, ""])
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "levers_classes.md").write_text(text, encoding="utf-8")
    (a.out / "levers_classes.json").write_text(json.dumps({"env": env, "rows": rows, "classes": CLASSES},
                                                          indent=1, default=str), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
