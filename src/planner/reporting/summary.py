"""A short plain-text summary of a plan for the terminal: what, where, how much, how sure."""

from __future__ import annotations

import pandas as pd

from planner.planning.access import access_measures
from planner.planning.families import label_of
from planner.messages import Message, msg, text
from planner.planning.results import PlanResult, target_gaps


def _fmt_wan(v: float) -> str:
    return f"{v / 1e4:,.2f} 亿元" if abs(v) >= 1e4 else f"{v:,.0f} 万元"


# The labels of the families with dual words (families.spec.Rows.dual_words), as the digest says them
_FAMILY_WORDS = {"Capacity": msg("marginal.family_capacity"), "Density targets": msg("marginal.family_density"),
                 "Staff": msg("marginal.family_staff")}


def marginal_digest(marginal: pd.DataFrame, top: int = 3) -> list[str | Message]:
    """The marginal values a planner should read first, in sentences: the total budget's, then one line per
    other constraint family (how many places bind, and the largest), families ordered by their largest
    value; at most ``top`` lines, messages where the table holds them (a table read back from marginal_values.csv
    holds English). The full table stays in marginal_values.csv."""
    if marginal is None or not len(marginal):
        return []
    out = []
    budget = marginal[(marginal["constraint"] == "budget") & (marginal["where"].astype(str) == "total")]
    if len(budget):
        out.append(_said(budget["plain_words"].iloc[0]))
    rest = marginal[marginal["constraint"] != "budget"]
    rest = rest[rest["marginal_value"].astype(float).abs() > 1e-9]
    groups = sorted(rest.groupby("constraint"), key=lambda kv: -kv[1]["marginal_value"].abs().max())
    for family, g in groups:
        best = g.loc[g["marginal_value"].abs().idxmax()]
        # the table keeps each family's largest values only (results.marginal_table's top), so the
        # count is of the places listed, not of every binding row
        label = label_of(family)
        out.append(msg("marginal.digest", family=_FAMILY_WORDS.get(label, label), n=len(g),
                       largest=_said(best["plain_words"])))
    return out[:top]


def _said(words) -> str | Message:
    return words if isinstance(words, Message) else str(words)


def _gap_words(gap: dict) -> str:
    base, share = gap["base_per_million"], gap["closed_share"]
    if share is None:
        return f"base year {base:.2f} is already at or above the target: the plan replaces retiring units"
    if share < 0:
        return f"base year {base:.2f}: the plan ends below it, not every retiring unit is replaced"
    return f"base year {base:.2f}, the plan closes {share:.0%} of the gap"


def text_summary(result: PlanResult, top: int = 8, lang: str = "en") -> str:
    """The summary; the solver's status, the warnings and the value of budget (message codes) in ``lang``."""
    rep, inp = result.report, result.inputs
    scn = inp.scenario
    lines = [f"Scenario '{scn.name}': {scn.title or ''}".rstrip(": "),
             f"  {len(inp.regions)} regions x {len(inp.tiers)} tiers x {len(inp.modalities)} modalities x "
             f"{len(inp.years)} years ({inp.years[0]}-{inp.years[-1]})",
             f"Solver: {text(rep.message, lang)}",
             f"  objective {rep.objective if rep.objective is None else f'{rep.objective:,.1f}'}, best bound "
             f"{'none proven yet' if rep.bound is None else f'{rep.bound:,.1f}'}; build {rep.build_seconds:.2f} s, "
             f"hand-off {rep.handoff_seconds:.2f} s, HiGHS {rep.solve_seconds:.2f} s"
             + (f", floor {rep.floor:,.1f} ({rep.floor_seconds:.2f} s)" if rep.floor is not None else "")]
    lines += [f"Warning: {text(w, lang)}" for w in result.warnings]
    if not rep.has_plan:
        return "\n".join(lines)
    ver = result.verifier
    lines.append("Verifier: " + ("all checks passed (budget, capacity, demand balance, density, eligibility, "
                                 "staffing)" if ver.ok else f"{len(ver.violations)} VIOLATIONS: "
                                 + "; ".join(ver.violations[:5])))
    spend = result.spend_total_wan
    lines.append(f"Spend: {_fmt_wan(spend)} of {_fmt_wan(inp.budget_total_wan)} budget "
                 f"({spend / max(inp.budget_total_wan, 1e-9):.0%}); by year: " +
                 ", ".join(f"{y} {_fmt_wan(c)}" for y, c in zip(result.spend["year"], result.spend["capex_wan_cny"])))
    plan = result.plan
    if len(plan):
        by_mod = plan.pivot_table(index="modality", columns="tier", values="new_units", aggfunc="sum",
                                  fill_value=0)
        lines.append("New units by modality and tier:")
        for m, row in by_mod.iterrows():
            lines.append(f"  {m:<10} " + ", ".join(f"{t} {v:,.0f}" for t, v in row.items() if v > 0) +
                         f"  (total {row.sum():,.0f})")
        top_r = plan.groupby(["region_code", "region_name", "region_name_en"])[["new_units", "capex_wan_cny"]].sum()
        top_r = top_r.sort_values("capex_wan_cny", ascending=False).head(top)
        lines.append(f"Where the money goes (top {len(top_r)} regions):")
        for (code, zh, en), row in top_r.iterrows():
            lines.append(f"  {zh} {en} ({code}): {row['new_units']:,.0f} units, {_fmt_wan(row['capex_wan_cny'])}")
    else:
        lines.append("No units bought.")
    last = inp.years[-1]
    reg = result.regions[result.regions["year"] == last]
    lines.append(f"Per-million density in {last} (all regions together; before = no purchases; gap = target "
                 f"against the stock in service at the end of {inp.scenario.years.base_year}):")
    gaps = target_gaps(result)
    for m, g in reg.groupby("modality", sort=False):
        pop = g["population"].sum()
        before, after = g["units_before"].sum() / pop * 1e6, g["units_after"].sum() / pop * 1e6
        target = g["target_per_million"].iloc[0]
        if before == 0 and after == 0 and not target > 0:
            continue   # a modality with no units and no target (mobile units none were bought of): no line
        # Count regions a whole unit or more short: a fraction of a unit cannot be bought, so a region
        # at 29.97 against 30 per million is as close as whole units allow, not "below target".
        short = target * g["population"] / 1e6 - g["units_after"]
        below = int((short >= 1 - 1e-9).sum()) if target > 0 else 0
        gap = gaps.get(m)
        closed = "" if gap is None else "; " + _gap_words(gap)
        lines.append(f"  {m:<10} {before:6.2f} -> {after:6.2f} per million" +
                     (f" (target {target:g}{closed}; {below} of {len(g)} regions a whole unit or more short)"
                      if target > 0 else ""))
    fl = result.flows
    d, u = fl["demand_k"].sum(), fl["unmet_k"].sum()
    lines.append(f"Demand: {d / 1e3:,.1f} million exams over the plan years; unmet {u / 1e3:,.2f} million "
                 f"({u / max(d, 1e-9):.1%})")
    g = fl[fl["tier"] == inp.tiers[0]]
    gd = g["demand_k"].sum()
    if gd > 0:
        lines.append(f"  {inp.tiers[0]} demand {gd / 1e3:,.1f} million: served there {g['served_fixed_k'].sum() / 1e3:,.1f}, "
                     f"by mobile units {g['served_mobile_k'].sum() / 1e3:,.2f}, referred up "
                     f"{g['referred_up_k'].sum() / 1e3:,.1f}, unmet {g['unmet_k'].sum() / 1e3:,.2f}")
    if "sent_in_catchment_k" in fl and fl["sent_in_catchment_k"].sum() > 0:
        top = fl[fl["tier"] == inp.tiers[-1]]
        sent = top["sent_in_catchment_k"].sum()
        regions = int(top.groupby("region_code")["sent_in_catchment_k"].sum().gt(1e-6).sum())
        lines.append(f"  {inp.tiers[-1]} demand {top['demand_k'].sum() / 1e3:,.1f} million: {sent / 1e3:,.2f} million "
                     f"served in another region of the same parent (catchment.top_tier), from {regions} region(s); "
                     f"unmet {top['unmet_k'].sum() / 1e3:,.2f}")
    lines += _equity_access_lines(result)
    if len(result.marginal):
        b = result.marginal[result.marginal["constraint"] == "budget"]
        for said in b["plain_words"].head(1):
            lines.append("Value of budget: " + text(said, lang))
    return "\n".join(lines)


def _equity_access_lines(result: PlanResult) -> list[str]:
    """Gini/Theil of units per million and travel to the nearest unit, before -> after."""
    lines = []
    eq = result.equity
    if len(eq):
        piv = eq.set_index(["modality", "when"])
        parts = []
        for m in eq.loc[eq["target_per_million"] > 0, "modality"].unique():
            b, a = piv.loc[(m, "before")], piv.loc[(m, "after")]
            parts.append(f"{m} Gini {b['gini']:.3f} -> {a['gini']:.3f}, Theil {b['theil']:.4f} -> {a['theil']:.4f}, "
                         f"largest shortfall {b['largest_shortfall_per_million']:.2f} -> "
                         f"{a['largest_shortfall_per_million']:.2f} per million")
        if parts:
            lines.append("Equity across regions (units per million, population-weighted):")
            lines += ["  " + p for p in parts]
    stage = result.measures.get("equity_stage")
    if stage:
        lines.append(f"Equity objective first stage: {stage['status']}, value {stage['objective']:,.3f}, "
                     f"gap {(stage['gap'] or 0) * 100:.2f} %")
    acc = result.inputs.scenario.access
    if len(result.access):
        am = access_measures(result.access, acc.limit_minutes, acc.cap_minutes)
        lines.append(f"Travel to the nearest unit (limit {acc.limit_minutes:g} min; beyond {acc.cap_minutes:g} "
                     "counted as that):")
        for k, g in am.groupby("exam_type", sort=False):
            b, a = g[g["when"] == "before"].iloc[0], g[g["when"] == "after"].iloc[0]
            lines.append(f"  {k:<6} mean {b['mean_minutes']:.0f} -> {a['mean_minutes']:.0f} min, longest "
                         f"{b['longest_minutes']:.0f} -> {a['longest_minutes']:.0f} min; residents beyond the "
                         f"limit {b['people_beyond_limit'] / 1e4:,.1f} -> {a['people_beyond_limit'] / 1e4:,.1f} 万 "
                         f"({int(b['regions_beyond_limit'])} -> {int(a['regions_beyond_limit'])} regions)")
    return lines


__all__ = ["text_summary"]
