"""Domestic and imported units (国产/进口, issue 27 lever 2), a first version.

Domestic makers' shares of the Chinese market rose (seed 001 l.87: 1.5T MRI 27 -> 47 %, CT below 64 rows
26 -> 65 %, X-ray 64 -> 72 %...), and procurement is asked to prefer domestic products (seed 000 l.105, l.643,
l.677-679). D[u, y] (integer where x is) counts the new units x[u, y] bought domestic: 0 <= D <= x (row
supply_link, one region's), so every other family sees them as new units of the modality: same capacity,
life and staff (the classes and those by origin are left for later: README). A domestic unit costs
p_m x f_m (supply.domestic_price_factor, 1 when not listed; no award prices by origin were found, so f is
the scenario's assumption): the budget rows add (f_m - 1) x p_m x D in the purchase year's row and the total
(spend_terms), and the objective the same difference valued as x values its price (capital_weights).

With supply.min_domestic_share = s, row supply_min_share for each modality: sum D_m - s x sum x_m >= 0 over
every region and plan year. It ties the regions together, so the province decomposition refuses a scenario
with it (decomposition None, as renewal.py's earmark). Its dual with purchases fixed is 0 (every column in it
is an integer fixed at the plan), so its marginal value comes from the LP relaxation (Rows.relaxed_dual).

A leased unit may be domestic too (L and D are independent counts among x): its lease payments stay those of
p_m (leasing.py) and the price difference falls in its start year, a simplification of this version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import (INF, ConstraintFamily, PlanSpend, Rows, Variables, among_purchases,
                                             empty_index, per_purchase, tolerance)
from planner.planning.weights import capital_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

SHARE = "supply_min_share"


def active(scn) -> bool:
    return scn.supply.enabled and scn.constraints.supply


def factors(scn, modalities: list[str]) -> np.ndarray:
    """(M,) a domestic unit's price / the modality's price (1 for a modality the scenario does not list)."""
    return np.array([scn.supply.domestic_price_factor.get(m, 1.0) for m in modalities], dtype=float)


def least_price(scn, modalities: list[str], price: np.ndarray) -> np.ndarray:
    """(M,) the least a new unit can count in the budget rows: the dearer origin is never forced on all of
    them, so the cheaper of the two prices bounds what hard rules need (checks.py)."""
    return price * np.minimum(1.0, factors(scn, modalities)) if active(scn) else price


# ------------------------------------------------------------------------------------------------ model
def _index(pm: PlanModel) -> pd.DataFrame:
    """One D column per x column (none when supply is off); x_row: its x."""
    if not active(pm.inp.scenario):
        return empty_index("x_row", "r", "t", "m", "y")
    x = pm.families["x"].index
    return pd.DataFrame({"x_row": np.arange(len(x)), **{k: x[k].to_numpy() for k in ("r", "t", "m", "y")}})


def _integer(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    return np.array([inp.scenario.modalities[inp.modalities[m]].integer for m in idx["m"]], dtype=bool)


def _difference(pm: PlanModel, m: np.ndarray) -> np.ndarray:
    """(f_m - 1) x p_m: what a domestic unit costs more (less, below 0) than the modality's price."""
    inp = pm.inp
    return (factors(inp.scenario, inp.modalities)[m] - 1.0) * inp.param("price_wan_cny")[m]


def _cost(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    """cost_weight x the price difference, valued as x's price is (stock.py: capital_weights)."""
    m, y = idx["m"].to_numpy(), idx["y"].to_numpy()
    return pm.inp.scenario.weights.cost_weight * _difference(pm, m) * capital_weights(pm.inp)[m, y]


def spend_terms(pm: PlanModel, by_year: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The budget rows' D terms: the price difference in the purchase year's row, or the total's."""
    idx = pm.families["D"].index
    if not len(idx):
        return []
    rows = idx["y"].to_numpy() if by_year else np.zeros(len(idx), int)
    return [(rows, pm.col("D"), _difference(pm, idx["m"].to_numpy()))]


def define_link(pm: PlanModel) -> None:
    """supply_link: D + L <= x (domestic units are among the slot's new units that year, and not leased: a
    lease pays the list price's payments (leasing.py), so a leased unit at a domestic price would count its
    price difference in its first year and its lease on the list price; in this version a unit is one or
    the other)."""
    idx = pm.families["D"].index
    leased = pm.families["L"].index if "L" in pm.families else idx.iloc[:0]
    row_of = {x: i for i, x in enumerate(idx["x_row"].to_numpy())}
    both = [(row_of[x], j) for j, x in enumerate(leased["x_row"].to_numpy()) if x in row_of]
    at, j = (np.array(v, dtype=np.int64) for v in zip(*both)) if both else (np.zeros(0, np.int64),) * 2
    among_purchases(pm, "supply_link", "D", ((at, pm.col("L", j)),) if len(at) else ())


def define_min_share(pm: PlanModel) -> None:
    """supply_min_share: for each modality, sum D_m - share x sum x_m >= 0 (all regions and years)."""
    idx, share = pm.families["D"].index, pm.inp.scenario.supply.min_domestic_share
    if not len(idx) or not share:
        return
    mods = np.unique(idx["m"].to_numpy())
    row_of = {m: k for k, m in enumerate(mods)}
    rows = np.array([row_of[m] for m in idx["m"]])
    pm.add_rows(SHARE, [rows, rows], [pm.col("D"), pm.col("x", idx["x_row"].to_numpy())],
                [np.ones(len(idx)), -share * np.ones(len(idx))], np.zeros(len(mods)), np.full(len(mods), INF),
                pd.DataFrame({"m": mods}))


def plan_columns(pm: PlanModel, purchases: pd.DataFrame, val) -> dict[str, np.ndarray]:
    """domestic_units in the purchases table (one row per x column)."""
    return {"domestic_units": per_purchase(pm, purchases, "D", val)} if active(pm.inp.scenario) else {}


# ------------------------------------------------------------------------------- from the plan table
def _domestic(plan: pd.DataFrame) -> np.ndarray:
    return plan["domestic_units"].to_numpy(float) if "domestic_units" in plan else np.zeros(len(plan))


def price_difference(scn, years: list[int], plan: pd.DataFrame) -> np.ndarray:
    """(Y,) what the plan table's domestic units cost more (less, below 0) than at the modalities' prices,
    by purchase year, from the scenario's prices and factors (the verifier's and the results' arithmetic)."""
    out = np.zeros(len(years))
    if not len(plan) or "domestic_units" not in plan:
        return out
    for row in plan[plan["domestic_units"] != 0].itertuples(index=False):
        f = scn.supply.domestic_price_factor.get(row.modality, 1.0)
        out[years.index(row.year)] += float(row.domestic_units) * (f - 1.0) * scn.modalities[row.modality].price_wan_cny
    return out


def plan_spend(scn, years: list[int], plan: pd.DataFrame, spend: np.ndarray) -> PlanSpend:
    """Domestic units cost price x domestic_price_factor: the difference in their purchase year, counted
    whatever supply.enabled says (check_supply flags domestic units a scenario does not allow)."""
    return PlanSpend(spend + price_difference(scn, years, plan))


def objective_from_tables(inp, plan: pd.DataFrame | None, flows, mobile, ref, n, disc) -> float:
    """The domestic units' objective term from the plan table (verify.objective_from_tables): the price
    difference valued as a purchase is (full price discounted, or annualised over its in-plan service)."""
    scn, years = inp.scenario, list(inp.years)
    if plan is None or not active(scn) or not len(plan) or "domestic_units" not in plan:
        return 0.0
    w, Y = scn.weights, len(years)
    d = w.discount_rate_pct / 100.0
    total = 0.0
    for row in plan[plan["domestic_units"] != 0].itertuples(index=False):
        mod = scn.modalities[row.modality]
        q = years.index(row.year)
        if w.capital_valuation == "full_price":
            value = (1 + d) ** -q
        else:
            life = mod.service_life_years
            annuity = 1.0 / life if d == 0 else d / (1.0 - (1.0 + d) ** -life)
            value = annuity * sum((1 + d) ** -k for k in range(q, min(q + life, Y)))
        f = scn.supply.domestic_price_factor.get(row.modality, 1.0)
        total += float(row.domestic_units) * (f - 1.0) * mod.price_wan_cny * value
    return w.cost_weight * total


def check_supply(c) -> None:
    """Domestic units: none when supply is off; whole where units are, between 0 and the row's new units;
    and at least the least share of each modality's new units. (Their prices are in verify's budget check.)"""
    plan, scn = c.plan, c.scn
    if not len(plan) or ("domestic_units" not in plan and not (active(scn) and scn.supply.min_domestic_share)):
        return
    dom, new = _domestic(plan), plan["new_units"].to_numpy(float)
    if not active(scn):
        for i in np.flatnonzero(dom > 1e-9):
            c.v.append(msg("verify.domestic_off", i=int(i), mod=str(plan["modality"].iloc[i])))
    whole = np.array([scn.modalities[m].integer for m in plan["modality"]], dtype=bool)
    bad = (dom < -1e-9) | (dom > new + 1e-6) | (whole & (np.abs(dom - np.round(dom)) > 1e-6))
    for i in np.flatnonzero(bad):
        c.v.append(msg("verify.domestic_units", i=int(i), dom=float(dom[i]), new=float(new[i])))
    leased = plan["leased_units"].to_numpy(float) if "leased_units" in plan else np.zeros(len(plan))
    for i in np.flatnonzero(~bad & (dom + leased > new + 1e-6)):   # a unit is domestic or leased (define_link)
        c.v.append(msg("verify.domestic_and_leased", i=int(i), dom=float(dom[i]), leased=float(leased[i]),
                       new=float(new[i])))
    share = scn.supply.min_domestic_share
    if active(scn) and share:
        for mod, grp in plan.assign(_dom=dom).groupby("modality", sort=False):
            got, need = float(grp["_dom"].sum()), share * float(grp["new_units"].sum())
            if got < need - float(tolerance(need)):
                c.v.append(msg("verify.domestic_share", mod=str(mod), dom=got, new=float(grp["new_units"].sum()),
                               share=float(share)))
    c.checked["supply"] = len(plan)


def summary_lines(result) -> list:
    """Per modality with new units: how many are domestic, the stock's domestic share before (the scenario's
    stock_domestic_share) and after (that share of the surviving existing units plus the domestic new units
    still in service, over all units in service in the last plan year), and the least-share rule's marginal
    value when it binds."""
    inp, plan, units = result.inputs, result.plan, result.units
    scn = inp.scenario
    if not active(scn) or not len(plan):
        return []
    last = inp.years[-1]
    at_last = units[units["year"] == last].groupby("modality")[["surviving_existing", "in_service"]].sum()
    rule = {}
    marginal = getattr(result, "marginal", None)
    if marginal is not None and len(marginal):
        for row in marginal[marginal["constraint"] == SHARE].itertuples(index=False):
            rule[row.plain_words.params.get("mod")] = row.plain_words
    lines = []
    for mod, grp in plan.groupby("modality", sort=False):
        life = scn.modalities[mod].service_life_years
        dom = _domestic(grp)
        serving = float(dom[(grp["year"].to_numpy() + life > last)].sum())
        new, bought = float(grp["new_units"].sum()), float(dom.sum())
        stock = scn.supply.stock_domestic_share.get(mod)
        if stock is None or mod not in at_last.index or at_last.loc[mod, "in_service"] <= 0:
            lines.append(msg("text_summary.domestic_new", mod=mod, dom=bought, new=new))
        else:
            after = (stock * float(at_last.loc[mod, "surviving_existing"]) + serving) / float(at_last.loc[mod, "in_service"])
            lines.append(msg("text_summary.domestic", mod=mod, dom=bought, new=new, before=float(stock),
                             after=after, year=int(last)))
        if mod in rule:
            lines.append(rule[mod])
    return lines


ORDER = 73   # after leasing (72), before the renewal earmark (75): families/__init__.py
FAMILY = ConstraintFamily(
    name="supply", label=msg("family.supply"),
    variables=(Variables("D", "new units bought domestic (国产), by slot and year", _index, integer=_integer,
                         cost=_cost),),
    rows=(Rows("supply_link", define_link),
          Rows(SHARE, define_min_share, decomposition=None, dual_words=msg("marginal.supply_share"),
               relaxed_dual=True)),
    verify=check_supply, summary=summary_lines, spend_terms=spend_terms, plan_columns=plan_columns,
    plan_spend=plan_spend, objective_from_tables=objective_from_tables, least_price=least_price,
)
