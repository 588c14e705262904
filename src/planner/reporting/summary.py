"""A short plain-text summary of a plan for the terminal: what, where, how much, how sure."""

from __future__ import annotations

import pandas as pd

from planner.planning.access import access_measures
from planner.planning.checks import joined
from planner.planning.families import families, label_of
from planner.messages import Message, catalog, msg, text
from planner.planning.results import PlanResult, target_gaps


def _fmt_wan(v: float) -> str:
    return f"{v / 1e4:,.2f} 亿元" if abs(v) >= 1e4 else f"{v:,.0f} 万元"


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
        out.append(msg("marginal.digest", family=label_of(family), n=len(g),
                       largest=_said(best["plain_words"])))
    return out[:top]


def _said(words) -> str | Message:
    return words if isinstance(words, Message) else str(words)


def _gap_words(gap: dict) -> Message:
    base, share = gap["base_per_million"], gap["closed_share"]
    if share is None:
        return msg("text_summary.gap_met", base=base)
    if share < 0:
        return msg("text_summary.gap_below", base=base)
    return msg("text_summary.gap_closed", base=base, share=share)


def text_summary(result: PlanResult, top: int = 8, lang: str = "en") -> str:
    """The summary in ``lang``: every line a message code (text_summary.*), tiers and modalities said by their
    labels outside English; money in 万元 / 亿元 in either language."""
    return "\n".join(text(line, lang) for line in summary_lines(result, top))


def summary_lines(result: PlanResult, top: int = 8) -> list[str | Message]:
    """The summary's lines as messages (an indented line is text_summary.indented around one)."""
    rep, inp = result.report, result.inputs
    scn = inp.scenario
    title = (scn.title or "").rstrip(": ")
    lines: list = [msg("text_summary.scenario_titled", name=scn.name, title=title, title_zh=scn.title_zh or title)
                   if title else msg("text_summary.scenario", name=scn.name),
                   _indented(msg("text_summary.dimensions", regions=len(inp.regions), tiers=len(inp.tiers),
                                 modalities=len(inp.modalities), years=len(inp.years), first=inp.years[0],
                                 last=inp.years[-1])),
                   msg("text_summary.solver", text=rep.message)]
    figures = dict(objective=msg("text_summary.no_objective") if rep.objective is None else f"{rep.objective:,.1f}",
                   bound=msg("text_summary.no_bound") if rep.bound is None else f"{rep.bound:,.1f}",
                   build=rep.build_seconds, handoff=rep.handoff_seconds, highs=rep.solve_seconds)
    lines.append(_indented(msg("text_summary.figures", **figures) if rep.floor is None else
                           msg("text_summary.figures_floor", **figures, floor=rep.floor, floor_s=rep.floor_seconds)))
    lines += [msg("cli.warning", text=w) for w in result.warnings]
    if not rep.has_plan:
        return lines
    ver = result.verifier
    lines.append(msg("text_summary.verifier_ok") if ver.ok else
                 msg("text_summary.verifier_violations", n=len(ver.violations), violations=joined(
                     list(ver.messages or ver.violations)[:5], "; ")))
    spend = result.spend_total_wan
    lines.append(msg("text_summary.spend", spend=_fmt_wan(spend), budget=_fmt_wan(inp.budget_total_wan),
                     share=spend / max(inp.budget_total_wan, 1e-9),
                     years=[msg("text_summary.spend_year", year=y, spend=_fmt_wan(c))
                            for y, c in zip(result.spend["year"], result.spend["capex_wan_cny"])]))
    plan = result.plan
    if len(plan):
        by_mod = plan.pivot_table(index="modality", columns="tier", values="new_units", aggfunc="sum",
                                  fill_value=0)
        lines.append(msg("text_summary.units_heading"))
        for m, row in by_mod.iterrows():
            lines.append(_indented(msg("text_summary.units_row", mod=m, total=row.sum(), units=[
                msg("text_summary.units_tier", tier=t, n=v) for t, v in row.items() if v > 0])))
        top_r = plan.groupby(["region_code", "region_name", "region_name_en"])[["new_units", "capex_wan_cny"]].sum()
        top_r = top_r.sort_values("capex_wan_cny", ascending=False).head(top)
        lines.append(msg("text_summary.where_heading", n=len(top_r)))
        for (code, zh, en), row in top_r.iterrows():
            lines.append(_indented(msg("text_summary.where_region", name=zh, name_en=en, region_code=code,
                                       units=row["new_units"], spend=_fmt_wan(row["capex_wan_cny"]))))
    else:
        lines.append(msg("text_summary.no_units"))
    for fam in families():   # what a family has to say about the plan (a policy lever's effect)
        said = fam.summary(result) if fam.summary is not None else []
        if said:
            lines.append(msg("text_summary.family_heading", family=fam.label))
            lines += [_indented(line) for line in said]
    last = inp.years[-1]
    reg = result.regions[result.regions["year"] == last]
    lines.append(msg("text_summary.density_heading", year=last, base=inp.scenario.years.base_year))
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
        row = dict(mod=m, before=before, after=after)
        if not target > 0:
            line = msg("text_summary.density_row", **row)
        elif gap is None:
            line = msg("text_summary.density_row_target", **row, target=target, below=below, regions=len(g))
        else:
            line = msg("text_summary.density_row_gap", **row, target=target, gap=_gap_words(gap), below=below,
                       regions=len(g))
        lines.append(_indented(line))
    fl = result.flows
    d, u = fl["demand_k"].sum(), fl["unmet_k"].sum()
    lines.append(msg("text_summary.demand", demand=d / 1e3, unmet=u / 1e3, share=u / max(d, 1e-9)))
    g = fl[fl["tier"] == inp.tiers[0]]
    gd = g["demand_k"].sum()
    if gd > 0:
        lines.append(_indented(msg("text_summary.first_tier", tier=inp.tiers[0], demand=gd / 1e3,
                                   served=g["served_fixed_k"].sum() / 1e3, mobile=g["served_mobile_k"].sum() / 1e3,
                                   up=g["referred_up_k"].sum() / 1e3, unmet=g["unmet_k"].sum() / 1e3)))
    if "sent_in_catchment_k" in fl and fl["sent_in_catchment_k"].sum() > 0:
        top = fl[fl["tier"] == inp.tiers[-1]]
        sent = top["sent_in_catchment_k"].sum()
        regions = int(top.groupby("region_code")["sent_in_catchment_k"].sum().gt(1e-6).sum())
        lines.append(_indented(msg("text_summary.catchment", tier=inp.tiers[-1], demand=top["demand_k"].sum() / 1e3,
                                   sent=sent / 1e3, regions=regions, unmet=top["unmet_k"].sum() / 1e3)))
    lines += _equity_access_lines(result)
    if len(result.marginal):
        b = result.marginal[result.marginal["constraint"] == "budget"]
        for said in b["plain_words"].head(1):
            lines.append(msg("text_summary.value_of_budget", text=said))
    return lines


def _indented(line: Message) -> Message:
    return msg("text_summary.indented", line=line)


def _equity_access_lines(result: PlanResult) -> list[Message]:
    """Gini/Theil of units per million and travel to the nearest unit, before -> after."""
    lines: list = []
    eq = result.equity
    if len(eq):
        piv = eq.set_index(["modality", "when"])
        parts = []
        for m in eq.loc[eq["target_per_million"] > 0, "modality"].unique():
            b, a = piv.loc[(m, "before")], piv.loc[(m, "after")]
            parts.append(msg("text_summary.equity_row", mod=m, gini_before=b["gini"], gini_after=a["gini"],
                             theil_before=b["theil"], theil_after=a["theil"],
                             short_before=b["largest_shortfall_per_million"],
                             short_after=a["largest_shortfall_per_million"]))
        if parts:
            lines.append(msg("text_summary.equity_heading"))
            lines += [_indented(p) for p in parts]
    stage = result.measures.get("equity_stage")
    if stage:
        lines.append(msg("text_summary.equity_stage", status=msg(f"value.status.{stage['status']}")
                         if f"value.status.{stage['status']}" in catalog("en") else stage["status"],
                         status_code=stage["status"], objective=stage["objective"], gap=(stage["gap"] or 0) * 100))
    acc = result.inputs.scenario.access
    if len(result.access):
        am = access_measures(result.access, acc.limit_minutes, acc.cap_minutes)
        lines.append(msg("text_summary.travel_heading", limit=acc.limit_minutes, cap=acc.cap_minutes))
        for k, g in am.groupby("exam_type", sort=False):
            b, a = g[g["when"] == "before"].iloc[0], g[g["when"] == "after"].iloc[0]
            lines.append(_indented(msg(
                "text_summary.travel_row", mod=k, mean_before=b["mean_minutes"], mean_after=a["mean_minutes"],
                longest_before=b["longest_minutes"], longest_after=a["longest_minutes"],
                beyond_before=b["people_beyond_limit"] / 1e4, beyond_after=a["people_beyond_limit"] / 1e4,
                regions_before=int(b["regions_beyond_limit"]), regions_after=int(a["regions_beyond_limit"]))))
    return lines


__all__ = ["text_summary"]
