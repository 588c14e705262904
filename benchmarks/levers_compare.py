#!/usr/bin/env python3
"""What the policy levers change (issue 27): models/sichuan.toml against models/sichuan_medcommunity.toml,
solved one after the other in one process with the same seed and time limit, and set side by side as a
planner reads them: units by modality and tier, exams read remotely, leased units and their payments,
domestic units (when [supply] is on), spend by year, and unmet exams by tier of origin.

    nice .venv/bin/python benchmarks/levers_compare.py --time-limit 120      # ~4 min; writes results/levers_compare.md

The README's worked example quotes the table this writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import environment, load_now  # noqa: E402  (one copy of the run-environment probe)

PAIR = {"sichuan.toml": REPO / "models" / "sichuan.toml",
        "sichuan_medcommunity.toml": REPO / "models" / "sichuan_medcommunity.toml"}


def figures(result) -> dict:
    """The numbers the comparison shows, from one plan's result tables."""
    plan, regions, flows, spend = result.plan, result.regions, result.flows, result.spend
    out: dict = {"status": str(result.report.status), "objective": result.report.objective,
                 "gap": result.report.gap, "verifier_ok": bool(result.verifier and result.verifier.ok)}
    units = plan.groupby(["modality", "tier"])["new_units"].sum()
    out["units"] = {f"{m} {t}": float(v) for (m, t), v in units.items() if v > 0}
    out["read_remotely_thousand"] = float(regions["exams_read_remotely_thousand"].sum()) \
        if "exams_read_remotely_thousand" in regions else 0.0
    # reading centres open in the last plan year: the flows table holds the column on the hub's rows, one per
    # exam type, so count the regions with one
    if "reading_centre_open" in flows:
        last = flows[(flows["year"] == flows["year"].max()) & (flows["reading_centre_open"] > 0.5)]
        out["reading_centres"] = int(last["region_code"].nunique())
    else:
        out["reading_centres"] = 0
    out["leased_units"] = float(plan["leased_units"].sum()) if "leased_units" in plan else 0.0
    out["domestic_units"] = float(plan["domestic_units"].sum()) if "domestic_units" in plan else None
    out["spend_by_year_wan"] = {int(y): float(v) for y, v in zip(spend["year"], spend["capex_wan_cny"])}
    out["spend_total_wan"] = result.spend_total_wan
    out["unmet_by_tier_thousand"] = {t: float(v) for t, v in flows.groupby("tier", sort=False)["unmet_k"].sum().items()}
    out["demand_thousand"] = float(flows["demand_k"].sum())
    return out


def table(rows: dict[str, dict]) -> list[str]:
    names = list(rows)
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]

    def line(label: str, get) -> None:
        lines.append(f"| {label} | " + " | ".join(get(rows[n]) for n in names) + " |")

    line("status (gap)", lambda r: f"{r['status']} ({r['gap']:.2%})" if r["gap"] is not None else r["status"])
    line("objective", lambda r: f"{r['objective']:,.1f}")
    keys = sorted({k for r in rows.values() for k in r["units"]})
    for k in keys:
        line(f"new units: {k}", lambda r, k=k: f"{r['units'].get(k, 0):,.0f}")
    line("exams read remotely at the county hospital (million)", lambda r: f"{r['read_remotely_thousand'] / 1e3:,.2f}")
    line("regional reading centres open in the last plan year", lambda r: f"{r.get('reading_centres', 0):,d}")
    line("leased units", lambda r: f"{r['leased_units']:,.0f}")
    line("domestic units", lambda r: "–" if r["domestic_units"] is None else f"{r['domestic_units']:,.0f}")
    years = sorted({y for r in rows.values() for y in r["spend_by_year_wan"]})
    for y in years:
        line(f"spend {y} (亿元)", lambda r, y=y: f"{r['spend_by_year_wan'].get(y, 0) / 1e4:,.2f}")
    line("spend as the total budget counts it (亿元)", lambda r: f"{r['spend_total_wan'] / 1e4:,.2f}")
    tiers = list(next(iter(rows.values()))["unmet_by_tier_thousand"])
    for t in tiers:
        line(f"unmet exams presenting at {t} (million)", lambda r, t=t: f"{r['unmet_by_tier_thousand'][t] / 1e3:,.2f}")
    line("verifier", lambda r: "ok" if r["verifier_ok"] else "FAILED")
    return lines


def main() -> None:
    from planner import Planner

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    a = ap.parse_args()
    env = environment()
    rows = {}
    for name, path in PAIR.items():
        p = Planner.from_file(path, [f"solver.random_seed={a.seed}", "solver.threads=1"])
        rows[name] = figures(p.solve(time_limit=a.time_limit))
        print(name, json.dumps(rows[name], default=str), flush=True)
    env["load_end"] = load_now()
    text = "\n".join([
        "# What the policy levers change: Sichuan by county (issue 27)", "",
        f"{env['date']}, commit {env['commit']}, {env['cpu']} ({env['cores']} cores), load {env['load_start']} → "
        f"{env['load_end']}; highspy {env['highspy']}; seed {a.seed}; {a.time_limit:g} s each, one HiGHS thread.",
        "Command: `nice .venv/bin/python benchmarks/levers_compare.py " f"--time-limit {a.time_limit:g}`.", "",
        *table(rows), ""])
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "levers_compare.md").write_text(text, encoding="utf-8")
    (a.out / "levers_compare.json").write_text(json.dumps({"env": env, "rows": rows}, indent=1, default=str),
                                               encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
