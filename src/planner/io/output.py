"""Writing results: every file atomically (temporary file, then rename), summary.json last.

The file set is a contract other tools rely on:
  plan.csv      region_code, region_name, tier, modality, year, new_units, capex_cny (+ more columns)
  regions.csv   per region x modality x year: units and per-million density before/after, target, demand,
                served, unmet
  summary.json  status, objective, bound, gap, build_seconds, solve_seconds, budget_total, spend_by_year
                (capital), running_cost_by_year (new units), budget_spend_by_year (what counts against the
                budget: capital, + running cost with budget.include_running_cost), verifier = {ok, violations}
  access.csv    per region x exam type: travel to the nearest unit before/after (only when [access] is on)
  equity.csv    per modality: Gini and Theil of units per million, largest shortfall, before/after
  scenario.toml the fully resolved inputs; `planner solve DIR/scenario.toml` replays to the same plan
  inputs/       copies of every table the scenario read, so the folder is self-contained
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from planner.planning.access import access_measures
from planner.planning.results import PlanResult, target_gaps
from planner.config.scenario import TABLE_KEYS, LoadedScenario, dump_scenario
from planner.config.schema import CNY_PER_WAN
from planner.io.files import atomic_write_bytes, atomic_write_csv, atomic_write_text
from planner.messages import as_data


def summary_dict(result: PlanResult) -> dict:
    rep, inp = result.report, result.inputs
    spend = result.spend
    budget_spend = spend["capex_wan_cny"] + (spend["running_cost_new_units_wan_cny"]
                                             if inp.scenario.budget.include_running_cost else 0.0)
    ver = result.verifier
    return {
        "scenario": inp.scenario.name,
        "status": rep.status,
        "status_message": str(rep.message),
        # the status as a message code with its values, for a reader in another language (the app)
        "status_message_data": as_data(rep.message),
        "termination": rep.termination,
        "objective": rep.objective,
        "bound": rep.bound,
        "gap": rep.gap,
        "gap_tolerance": inp.scenario.solver.mip_rel_gap,
        # the second gap measure (README, "Two gaps"): against what purchases can change
        "floor": rep.floor,
        "changeable_gap": rep.changeable_gap,
        "floor_seconds": round(rep.floor_seconds, 4),
        "time_limit_s": inp.scenario.solver.time_limit_s,
        "build_seconds": round(rep.build_seconds, 4),
        "handoff_seconds": round(rep.handoff_seconds, 4),
        "solve_seconds": round(rep.solve_seconds, 4),
        "duals_seconds": round(rep.duals_seconds, 4),
        "mip_nodes": rep.mip_nodes,
        "model_size": result.size,
        "budget_total": inp.budget_total_wan * CNY_PER_WAN,
        "budget_total_wan_cny": inp.budget_total_wan,
        # capital only; with budget.include_running_cost the budget also counts the new units' running
        # cost, so what counts against it is budget_spend_* (capital + running), said beside it
        "spend_total_cny": float(spend["capex_wan_cny"].sum() * CNY_PER_WAN),
        "spend_by_year": {str(y): float(c) for y, c in zip(spend["year"], spend["capex_cny"])},
        "running_cost_by_year": {str(y): float(c) * CNY_PER_WAN
                                 for y, c in zip(spend["year"], spend["running_cost_new_units_wan_cny"])},
        "budget_includes_running_cost": bool(inp.scenario.budget.include_running_cost),
        "budget_spend_total_cny": float(budget_spend.sum() * CNY_PER_WAN),
        "budget_spend_by_year": {str(y): float(c) * CNY_PER_WAN for y, c in zip(spend["year"], budget_spend)},
        "units_bought_by_modality": result.plan.groupby("modality")["new_units"].sum().round(6).to_dict(),
        "unmet_thousand_exams": float(result.flows["unmet_k"].sum()),
        "demand_thousand_exams": float(result.flows["demand_k"].sum()),
        "budget_marginal_value_per_wan_cny": rep.budget_marginal,
        "verifier": {"ok": bool(ver.ok), "violations": ver.violations} if ver is not None
        else {"ok": False, "violations": ["no plan to verify: " + str(rep.message)]},
        # the violations as message codes with their values, for a reader in another language (the app)
        "verifier_messages": [as_data(v) for v in ver.messages] if ver is not None else [],
        # marginal_values.csv's plain_words as message codes, row by row (the same reader)
        "marginal_messages": [as_data(w) for w in result.marginal["plain_words"]] if len(result.marginal) else [],
        "measures": _plain(result.measures),
        "equity": _plain(result.equity.to_dict("records")) if len(result.equity) else [],
        "access": _plain(access_measures(result.access, inp.scenario.access.limit_minutes,
                                         inp.scenario.access.cap_minutes).to_dict("records"))
        if len(result.access) else [],
        "notes": inp.notes,
        "warnings": [str(w) for w in result.warnings],   # message codes say themselves in English here
        # per modality: base-year density, target, density after, and the share of that gap the plan closes
        "target_gap": target_gaps(result) if result.report.has_plan else {},
        "units": {"money": "CNY unless the key says wan_cny (1 万元 = 10,000 CNY)",
                  "exams": "thousand exams per year where a key ends in thousand_exams or _k"},
    }


def _plain(obj):
    """JSON-safe copy: numpy numbers as floats, inf/NaN as null (JSON has neither)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, float, np.integer, np.floating)):
        v = float(obj) if not isinstance(obj, (int, np.integer)) else int(obj)
        return None if isinstance(v, float) and not np.isfinite(v) else v
    return obj


def save_scenario(loaded: LoadedScenario, folder: str | Path, name: str = "scenario.toml") -> Path:
    """Write the scenario and every table it uses into ``folder`` (tables under ``inputs/``), so that
    ``planner solve folder/scenario.toml`` replays it. Tables edited in memory are written as CSV;
    the others are copied byte for byte. Nothing outside ``folder`` is touched."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scn = loaded.scenario.model_copy(deep=True)
    for key in (*TABLE_KEYS, "boundaries"):
        dest_name = None
        if key in loaded.tables:
            dest_name = f"{key if key != 'table' else 'regions'}.csv"
            atomic_write_csv(folder / "inputs" / dest_name, loaded.tables[key])
        else:
            src = loaded.path(getattr(scn.regions, key))
            if src is None:
                continue
            dest_name = src.name
            dest = folder / "inputs" / dest_name
            if src.resolve() != dest.resolve():
                atomic_write_bytes(dest, src.read_bytes())
        setattr(scn.regions, key, f"inputs/{dest_name}")
    path = folder / name
    atomic_write_text(path, f"# Resolved inputs of scenario '{scn.name}'. Replay with:\n"
                      f"#   planner solve {path}\n" + dump_scenario(scn))
    return path


def write_results(result: PlanResult, loaded: LoadedScenario, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # Remove a previous summary first, so a crash mid-write never leaves an old summary beside new files.
    (out / "summary.json").unlink(missing_ok=True)
    save_scenario(loaded, out)
    atomic_write_csv(out / "plan.csv", result.plan)
    atomic_write_csv(out / "regions.csv", result.regions)
    atomic_write_csv(out / "units.csv", result.units)
    atomic_write_csv(out / "flows.csv", result.flows)
    atomic_write_csv(out / "mobile.csv", result.mobile)
    atomic_write_csv(out / "spend.csv", result.spend)
    atomic_write_csv(out / "marginal_values.csv", result.marginal)
    if len(result.access):
        atomic_write_csv(out / "access.csv", result.access)
    if len(result.equity):
        atomic_write_csv(out / "equity.csv", result.equity)
    atomic_write_text(out / "summary.json", json.dumps(summary_dict(result), ensure_ascii=False, indent=2))
    return out
