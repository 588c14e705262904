"""Tidy result tables from a solved PlanModel (money in CNY where other tools read it, 万元 for people)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.planning.access import access_measures, access_table
from planner.planning.equity import equity_table, largest_shortfall
from planner.planning.families import spend_from_plan
from planner.data.inputs import PlanInputs
from planner.planning.model import PlanModel
from planner.config.schema import CNY_PER_WAN
from planner.planning.solve import SolveReport
from planner.messages import Message, msg


@dataclass
class PlanResult:
    inputs: PlanInputs
    report: SolveReport
    plan: pd.DataFrame           # region, tier, modality, year, new_units, capex_cny
    units: pd.DataFrame          # region x tier x modality x year: surviving, new in service, in service
    flows: pd.DataFrame          # region x tier x exam type x year: demand, served, mobile, referred, unmet
    mobile: pd.DataFrame         # base, target, modality, year: thousand exams delivered
    regions: pd.DataFrame        # region x modality x year: units and densities before/after, demand
    spend: pd.DataFrame          # year: capex, running cost
    marginal: pd.DataFrame       # binding constraints and the value of budget, in plain words (messages)
    size: dict = field(default_factory=dict)
    verifier: object = None
    access: pd.DataFrame = field(default_factory=pd.DataFrame)   # region x exam type: minutes before/after
    equity: pd.DataFrame = field(default_factory=pd.DataFrame)   # modality: Gini, Theil before/after
    measures: dict = field(default_factory=dict)                 # headline numbers (see plan_measures)
    warnings: list[Message | str] = field(default_factory=list)  # legal but suspicious inputs (checks.py)

    @property
    def spend_total_wan(self) -> float:
        """Spend as the total budget counts it: the plan years', and what the families count after the plan
        (lease payments, when leasing.payments_after_plan_in_total: ConstraintFamily.plan_spend)."""
        years = list(self.inputs.years)
        after = spend_from_plan(self.inputs.scenario, years, self.plan, np.zeros(len(years))).after
        return float(self.spend["capex_wan_cny"].sum()) + after


def _names(inp: PlanInputs, r: np.ndarray) -> pd.DataFrame:
    reg = inp.regions
    return pd.DataFrame({"region_code": reg["code"].to_numpy()[r], "region_name": reg["name_zh"].to_numpy()[r],
                         "region_name_en": reg["name_en"].to_numpy()[r]})


def collect(pm: PlanModel, report: SolveReport) -> PlanResult:
    """The result tables of a solved model (all zeros when the solve found no plan)."""
    inp = pm.inp
    have = report.has_plan

    def val(name):
        v = pm.values(name) if have else np.zeros(len(pm.families[name]))
        return np.where(np.abs(v) < 1e-9, 0.0, v)

    units_new = _purchases_table(pm, val("x"))
    base = list(units_new.columns)
    for family in pm.specs:   # e.g. leased_units (leasing.py)
        if family.plan_columns is not None:
            units_new = units_new.assign(**family.plan_columns(pm, units_new, val))
    units_new = priced_rows(inp.scenario, list(inp.years), units_new)
    plan = units_new[units_new["new_units"] > 1e-6].reset_index(drop=True)
    plan = plan[["region_code", "region_name", "tier", "modality", "year", "new_units", "capex_cny",
                 "region_name_en", "unit_price_wan_cny", "capex_wan_cny"]
                + [col for col in units_new.columns if col not in base]]
    units = _units_table(pm, val("n"))
    flows = _flows_table(pm, val)
    for family in pm.specs:
        if family.flow_columns is not None:
            flows = flows.assign(**family.flow_columns(pm, flows, val))
    mobile = _mobile_table(pm, val("z"))
    regions = region_summary(inp, units, flows)
    for family in pm.specs:
        if family.region_columns is not None:
            regions = regions.assign(**family.region_columns(pm, regions))
    spend = spend_by_year(inp, units_new, units)
    marginal = marginal_table(pm, report)
    n = pm.families["n"].index
    last = np.zeros((len(inp.regions), len(inp.tiers), len(inp.modalities)))
    at_last = n["y"].to_numpy() == len(inp.years) - 1
    np.add.at(last, (n["r"].to_numpy()[at_last], n["t"].to_numpy()[at_last], n["m"].to_numpy()[at_last]),
              units["in_service"].to_numpy()[at_last])
    acc = access_table(inp, last, mobile) if have else pd.DataFrame()
    eq = equity_table(inp, last) if have else pd.DataFrame()
    measures = plan_measures(inp, last, acc, pm.objective_offset + float(pm.cost @ pm.solution) if have else None)
    return PlanResult(inputs=inp, report=report, plan=plan, units=units, flows=flows, mobile=mobile,
                      regions=regions, spend=spend, marginal=marginal, size=pm.size, access=acc, equity=eq,
                      measures=measures)


def _purchases_table(pm: PlanModel, xv: np.ndarray) -> pd.DataFrame:
    """Every unit slot and year with its new units and their capital cost (zeros included)."""
    inp = pm.inp
    price = inp.param("price_wan_cny")
    x = pm.families["x"].index
    out = pd.concat([_names(inp, x["r"].to_numpy()), pd.DataFrame({
        "tier": np.array(inp.tiers)[x["t"]], "modality": np.array(inp.modalities)[x["m"]],
        "year": np.array(inp.years)[x["y"]], "new_units": np.round(xv, 6)})], axis=1)
    out["unit_price_wan_cny"] = price[x["m"]]
    out["capex_wan_cny"] = out["new_units"] * out["unit_price_wan_cny"]
    out["capex_cny"] = out["capex_wan_cny"] * CNY_PER_WAN
    return out


def priced_rows(scn, years: list[int], table: pd.DataFrame) -> pd.DataFrame:
    """A purchases or plan table with each row's capital cost at what its units cost: new units x the
    modality's price, changed as the families count it (domestic and class prices, ConstraintFamily.
    plan_spend's rows), and the unit price as that cost per unit (the modality's where the row buys none)."""
    if not len(table):
        return table
    listed = table["modality"].map({m: v.price_wan_cny for m, v in scn.modalities.items()}).to_numpy(float)
    new = table["new_units"].to_numpy(float)
    capex = new * listed + spend_from_plan(scn, years, table, np.zeros(len(years))).rows
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(new > 1e-9, capex / np.where(new > 1e-9, new, 1.0), listed)
    return table.assign(unit_price_wan_cny=unit, capex_wan_cny=capex, capex_cny=capex * CNY_PER_WAN)


def _units_table(pm: PlanModel, nv: np.ndarray) -> pd.DataFrame:
    """Units in service per slot and year: survivors of the existing stock and new units."""
    inp = pm.inp
    n = pm.families["n"].index
    units = pd.concat([_names(inp, n["r"].to_numpy()), pd.DataFrame({
        "tier": np.array(inp.tiers)[n["t"]], "modality": np.array(inp.modalities)[n["m"]],
        "year": np.array(inp.years)[n["y"]], "surviving_existing": inp.surviving[n["r"], n["t"], n["m"], n["y"]],
        "in_service": np.round(nv, 6)})], axis=1)
    units["new_in_service"] = units["in_service"] - units["surviving_existing"]
    return units


def _flows_table(pm: PlanModel, val) -> pd.DataFrame:
    """Exams per region, tier, exam type and year (thousand exams): demand presenting at the tier, served
    there by fixed units (whatever their tier of origin, and at the top tier whatever their region) and by
    mobile units, referred in from the tier below and up to the tier above, sent to and received from other
    regions of the parent (catchment, top tier), and unmet: exams that presented at this tier and were
    served nowhere (demand keeps its tier and region of origin)."""
    inp = pm.inp
    u = pm.families["u"].index
    flows = pd.concat([_names(inp, u["r"].to_numpy()), pd.DataFrame({
        "tier": np.array(inp.tiers)[u["t"]], "exam_type": np.array(inp.exam_types)[u["k"]],
        "year": np.array(inp.years)[u["y"]], "demand_k": inp.demand[u["r"], u["t"], u["k"], u["y"]],
        "unmet_k": val("u")})], axis=1)
    pos = {k: i for i, k in enumerate(zip(u["r"], u["t"], u["k"], u["y"]))}
    served = np.zeros(len(u))
    ref_out, ref_in = np.zeros(len(u)), np.zeros(len(u))
    s = pm.families["s"].index
    if len(s):
        sv = val("s")
        np.add.at(served, [pos[k] for k in zip(s["r"], s["t"], s["k"], s["y"])], sv)
        # an exam from tier o served at tier t crosses each boundary o -> o+1 ... t-1 -> t once
        so, st = s["o"].to_numpy(), s["t"].to_numpy()
        for step in range(1, len(inp.tiers)):
            up = np.flatnonzero(st - so >= step)
            if not len(up):
                break
            frm = so[up] + step - 1
            np.add.at(ref_out, [pos[k] for k in zip(s["r"].to_numpy()[up], frm, s["k"].to_numpy()[up],
                                                    s["y"].to_numpy()[up])], sv[up])
            np.add.at(ref_in, [pos[k] for k in zip(s["r"].to_numpy()[up], frm + 1, s["k"].to_numpy()[up],
                                                   s["y"].to_numpy()[up])], sv[up])
    mob_in = np.zeros(len(u))
    z = pm.families["z"].index
    if len(z):
        zk = inp.serves[z["m"].to_numpy()]
        np.add.at(mob_in, [pos[k] for k in zip(z["target"], np.zeros(len(z), int), zk, z["y"])], val("z"))
    # catchment (top tier only): exams sent to another region of the parent, and served here for others
    sent, received = np.zeros(len(u)), np.zeros(len(u))
    top = len(inp.tiers) - 1
    for fam, arr in (("cq_out", sent), ("cq_in", received)):
        q = pm.families[fam].index
        if len(q):
            np.add.at(arr, [pos[k] for k in zip(q["r"], np.full(len(q), top), q["k"], q["y"])], val(fam))
    flows["served_fixed_k"] = served + received
    flows["served_mobile_k"] = mob_in
    flows["referred_in_k"] = ref_in
    flows["referred_up_k"] = ref_out
    flows["sent_in_catchment_k"] = sent
    flows["received_in_catchment_k"] = received
    return flows


def _mobile_table(pm: PlanModel, zv: np.ndarray) -> pd.DataFrame:
    """Mobile deliveries with exams: base, target, modality, year, travel and thousand exams."""
    inp = pm.inp
    z = pm.families["z"].index
    has = len(z) > 0
    codes = inp.regions["code"].to_numpy()
    mobile = pd.DataFrame({
        "base_code": codes[z["base"]] if has else [], "target_code": codes[z["target"]] if has else [],
        "modality": np.array(inp.modalities)[z["m"]] if has else [],
        "year": np.array(inp.years)[z["y"]] if has else [],
        "minutes": z["minutes"].to_numpy() if has else [], "efficiency": z["efficiency"].to_numpy() if has else [],
        "exams_k": zv})
    return mobile[mobile["exams_k"] > 1e-9].reset_index(drop=True)


def plan_measures(inp: PlanInputs, last_rtm: np.ndarray, access: pd.DataFrame, weighted_sum: float | None) -> dict:
    """Headline numbers recomputed from the plan: the weighted-sum objective (whatever HiGHS optimised),
    the largest per-million shortfall, and travel to the nearest unit."""
    out = {"weighted_sum_objective": weighted_sum,
           "largest_shortfall_per_million": largest_shortfall(inp, last_rtm, inp.scenario.equity_modalities)}
    acc = inp.scenario.access
    am = access_measures(access, acc.limit_minutes, acc.cap_minutes)
    for row in am[am["when"] == "after"].itertuples(index=False) if len(am) else []:
        out[f"mean_minutes_{row.exam_type}"] = row.mean_minutes
        out[f"people_beyond_limit_{row.exam_type}"] = row.people_beyond_limit
        out[f"longest_minutes_{row.exam_type}"] = row.longest_minutes
    if len(am):
        out["longest_travel_minutes"] = float(am[am["when"] == "after"]["longest_minutes"].max())
    return out


def region_summary(inp: PlanInputs, units: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Per region x modality x year: units and per-million density before (no purchases) and after."""
    g = units.groupby(["region_code", "modality", "year"], sort=False)[
        ["surviving_existing", "in_service"]].sum().reset_index()
    reg = inp.regions.set_index("code")
    yidx = {y: i for i, y in enumerate(inp.years)}
    ridx = {c: i for i, c in enumerate(inp.codes)}
    pop = inp.pop[g["region_code"].map(ridx).to_numpy(), g["year"].map(yidx).to_numpy()]
    base = inp.stock_base.sum(axis=1)  # (R, M)
    mi = {m: i for i, m in enumerate(inp.modalities)}
    out = pd.DataFrame({
        "region_code": g["region_code"], "region_name": reg.loc[g["region_code"], "name_zh"].to_numpy(),
        "region_name_en": reg.loc[g["region_code"], "name_en"].to_numpy(), "modality": g["modality"],
        "year": g["year"], "population": np.round(pop),
        "units_base_year": base[g["region_code"].map(ridx).to_numpy(), g["modality"].map(mi).to_numpy()],
        "units_before": g["surviving_existing"], "units_after": g["in_service"]})
    out["density_before_per_million"] = out["units_before"] / pop * 1e6
    out["density_after_per_million"] = out["units_after"] / pop * 1e6
    target = pd.Series({m: inp.scenario.modalities[m].target_per_million for m in inp.modalities})
    out["target_per_million"] = out["modality"].map(target).to_numpy()
    out["gap_before_per_million"] = np.maximum(0.0, out["target_per_million"] - out["density_before_per_million"])
    out["gap_after_per_million"] = np.maximum(0.0, out["target_per_million"] - out["density_after_per_million"])
    fl = flows.groupby(["region_code", "exam_type", "year"], sort=False)[
        ["demand_k", "served_fixed_k", "served_mobile_k", "unmet_k"]].sum().reset_index()
    fl = fl.rename(columns={"exam_type": "modality"})
    out = out.merge(fl, on=["region_code", "modality", "year"], how="left")
    out["served_k"] = out["served_fixed_k"] + out["served_mobile_k"]
    # "demand served" is on the region of the patients: mobile exams count where they are delivered.
    out = out.rename(columns={"demand_k": "demand_thousand_exams", "served_k": "served_thousand_exams",
                              "unmet_k": "unmet_thousand_exams", "served_fixed_k": "served_fixed_thousand_exams",
                              "served_mobile_k": "served_mobile_thousand_exams"})
    # unmet as a share of the region's own demand: Tibet's 171 thousand exams were 73 % of its MRI demand in
    # 2026, Anhui's 587 thousand 15 % of its. No demand: no share (NaN).
    demand = out["demand_thousand_exams"].where(out["demand_thousand_exams"] > 0)
    out["unmet_share_pct"] = 100.0 * out["unmet_thousand_exams"] / demand
    return out.sort_values(["region_code", "modality", "year"]).reset_index(drop=True)


def spend_by_year(inp: PlanInputs, units_new: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Spend per plan year as the budget counts it: capex_wan_cny is the price of units bought outright plus
    lease payments falling in the year (lease_payments_wan_cny, only when leasing is on; the price of leased
    units is not paid in their first year), domestic units at their own price (supply.py), and the running
    cost of new units."""
    listed = units_new["new_units"] * units_new["modality"].map(dict(zip(inp.modalities, inp.param("price_wan_cny"))))
    cap = listed.groupby(units_new["year"]).sum().reindex(inp.years, fill_value=0.0)
    # the families' changes, as the verifier counts them (ConstraintFamily.plan_spend)
    counted = spend_from_plan(inp.scenario, list(inp.years), units_new, cap.to_numpy())
    opex = pd.Series({m: inp.scenario.modalities[m].running_cost_wan_cny_per_year for m in inp.modalities})
    run = (units["new_in_service"] * units["modality"].map(opex)).groupby(units["year"]).sum().reindex(
        inp.years, fill_value=0.0)
    out = pd.DataFrame({"year": inp.years, "capex_wan_cny": counted.by_year,
                        "running_cost_new_units_wan_cny": run.to_numpy()})
    for column, values in counted.columns.items():   # e.g. lease_payments_wan_cny
        out[column] = values
    out["capex_cny"] = out["capex_wan_cny"] * CNY_PER_WAN
    if inp.budget_year_wan is not None:
        out["budget_wan_cny"] = inp.budget_year_wan
    return out


def marginal_table(pm: PlanModel, report: SolveReport, top: int = 25) -> pd.DataFrame:
    """The binding constraints with the largest marginal values, and the budget's value, in plain words."""
    inp = pm.inp
    w = inp.scenario.weights
    rows = []
    for key, val in report.budget_marginal.items():
        per100 = -val * 100.0
        thousand = per100 / max(w.unmet_wan_cny_per_thousand_exams * max(
            inp.scenario.tiers[t].unmet_weight for t in inp.tiers), 1e-12)   # exams in thousands, as everywhere
        words = (msg("marginal.budget_total", v=per100, exams=thousand) if key == "total" else
                 msg("marginal.budget_year", year=key, v=per100, exams=thousand))
        rows.append({"constraint": "budget", "where": key, "marginal_value": -val, "plain_words": words})
    names = inp.regions["name_zh"].to_numpy()
    for block in (r.name for fam in pm.specs for r in fam.rows if r.dual_words):
        d = report.duals.get(block)
        if d is None or not len(d):
            continue
        idx = pm.blocks[block].index
        order = np.argsort(-np.abs(d))[:top]
        for i in order:
            if abs(d[i]) < 1e-7:
                break
            words = _row_words(inp, idx.iloc[i], names)
            text = _dual_words(pm.row_spec(block).dual_words, abs(float(d[i])), words)
            rows.append({"constraint": block, "where": " ".join(str(w) for w in (words["code"], words["y"]) if w != ""),
                         "marginal_value": abs(float(d[i])), "plain_words": text})
    return pd.DataFrame(rows, columns=["constraint", "where", "marginal_value", "plain_words"])


def _dual_words(words: str | Message, v: float, row: dict) -> str | Message:
    """A family's dual words for one row: its message with the row's {region}, {quota} (the code a quota names), {year}, {tier}, {mod} (modality),
    {mod_exam} (exam type), {name} (what else the row names: a class) and {v}; a plain template (a family not in the catalogs) with {r}, {y}, {t}, {m}, {k}
    and {v}, in English."""
    if isinstance(words, Message):
        said = {"region": row["r"], "quota": row["code"], "year": row["y"], "tier": row["t"], "mod": row["m"],
                "mod_exam": row["k"], "name": row.get("name", "")}
        return Message(words.code, {**words.params, **{k: getattr(x, "item", lambda: x)() for k, x in said.items()},
                                    "v": v})   # numpy values as Python ones (summary.json keeps them)
    return words.format(v=v, **row)


def _row_words(inp: PlanInputs, row: pd.Series, names: np.ndarray) -> dict:
    """What a row of a block's index table names, for its family's dual words: region {r} (and its {code}),
    year {y}, tier {t}, modality {m}, exam type {k}; "" for what the row does not name."""
    def pick(key, values):
        return values[int(row[key])] if key in row.index and int(row[key]) >= 0 else ""

    # a quota's row names the code it was written for, which need not be a region of the table (a prefecture).
    # This reads a column of the row's index table, not the quotas family: no hook is needed for a name that
    # any family's row index may carry.
    code = row["quota_code"] if "quota_code" in row.index else pick("r", inp.codes)
    # likewise a row may carry the name of what it is for beyond these (supply.py: a class of units)
    return {"r": pick("r", names), "code": code, "y": pick("y", inp.years), "t": pick("t", inp.tiers),
            "m": pick("m", inp.modalities), "k": pick("k", inp.exam_types),
            "name": str(row["row_name"]) if "row_name" in row.index else ""}


# What a comparison of two runs reports per region x modality x year, with the label a planner reads.
COMPARED = {
    "units_after": "units in service",
    "density_after_per_million": "units per million",
    "unmet_thousand_exams": "unmet demand, thousand exams",
}


def compare_regions(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two runs' region tables side by side with B - A differences (``<column>_a``, ``_b``, ``_diff``).

    A region, modality or year present in one run only counts as 0 in the other, so the table also
    shows what one plan covers and the other does not.
    """
    keys = ["region_code", "modality", "year"]
    names = pd.concat([a, b])[keys[:1] + ["region_name", "region_name_en"]].drop_duplicates("region_code")
    cols = list(COMPARED)
    m = a[keys + cols].merge(b[keys + cols], on=keys, how="outer", suffixes=("_a", "_b"))
    for c in cols:
        m[f"{c}_a"] = m[f"{c}_a"].fillna(0.0)
        m[f"{c}_b"] = m[f"{c}_b"].fillna(0.0)
        m[f"{c}_diff"] = m[f"{c}_b"] - m[f"{c}_a"]
    return names.merge(m, on="region_code", how="right").sort_values(keys).reset_index(drop=True)


def target_gaps(result: PlanResult) -> dict[str, dict]:
    """Per modality with a target, in the last plan year: the density of the stock in service at the base
    year and after the plan (all regions together), the target, and the share of the gap to target that
    the plan closes. The one definition of "gap closed" (the summary, the Plan page, the sweep, the report):

      need_r = target x population_r / 10^6 (last plan year), the gap = sum over regions of the units
      missing against need_r (a region above its target offsets no other), with the base-year stock
      ("before") and with the plan ("after"); closed = 1 - after / before.

    Negative when the plan ends with a larger gap than the base year (retiring units not all replaced);
    None when the base-year stock already meets every region's target."""
    inp = result.inputs
    reg = result.regions[result.regions["year"] == inp.years[-1]]
    out = {}
    for m, g in reg.groupby("modality", sort=False):
        target = float(g["target_per_million"].iloc[0])
        if target <= 0:
            continue
        pop = float(g["population"].sum())
        need = g["target_per_million"] * g["population"] / 1e6
        before = float((need - g["units_base_year"]).clip(lower=0).sum())
        after = float((need - g["units_after"]).clip(lower=0).sum())
        out[m] = {"base_per_million": float(g["units_base_year"].sum()) / pop * 1e6, "target_per_million": target,
                  "after_per_million": float(g["units_after"].sum()) / pop * 1e6,
                  "closed_share": 1.0 - after / before if before > 1e-9 else None}
    return out
