"""Financing leases (融资租赁, issue 27 lever 3): a new unit may be leased instead of bought (seed 000 l.683
names the instrument; no rate or term is given, so leasing.rate_pct and leasing.term_years are assumptions).

L[u, y] (integer where the modality's units are) counts the new units x[u, y] that are leased: 0 <= L <= x
(row leasing_link), so stock, capacity and every other family see leased units as new units. A leased unit
does not pay its price p_m in year y; it pays a_m = p_m x CRF(r, T) (CRF = r(1+r)^T / ((1+r)^T - 1), 1/T at
r = 0) in each year y .. y+T-1. The budget rows count the payments inside the plan (spend_terms: -p_m in
year y's row, +a_m in each in-plan payment year's row; the total row -p_m + a_m x T, every payment, since a
lease is a debt the plan commits: leasing.payments_after_plan_in_total, true by default). Payments after the
last plan year count against no plan year's cap; with the switch off they fall outside the plan's budget
altogether (borrowing against the next plan), and the summary says how much they are either way.

Objective: x already carries p_m x capital_weight[m, y] (stock.py); L adds what its payments are worth
less that. With weights.capital_valuation = 'full_price' every payment counts, discounted (those after the
plan too: a lease is a debt); with 'annualised' only those in plan years (annualised capital counts only
in-plan service). At a financing rate above the discount rate a lease costs more than buying, so the
model leases only when a yearly budget binds.

The renewal earmark (renewal.py) keeps counting x at its full price, leases included: it limits which
units the plan may add, not when they are paid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import (ConstraintFamily, PlanSpend, Rows, Variables, among_purchases,
                                             empty_index, per_purchase)
from planner.planning.weights import capital_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def active(scn) -> bool:
    return scn.leasing.enabled and scn.constraints.leasing


def crf(rate_pct: float, term: int) -> float:
    """Share of the price paid each year of a lease of ``term`` years at ``rate_pct`` % a year."""
    r = rate_pct / 100.0
    return 1.0 / term if r == 0 else r * (1 + r) ** term / ((1 + r) ** term - 1)


def leasable(scn, modalities: list[str]) -> np.ndarray:
    """(M,) the modalities a scenario lets be leased (leasing.modalities; empty = all)."""
    names = scn.leasing.modalities
    return np.array([not names or m in names for m in modalities], dtype=bool)


# ------------------------------------------------------------------------------------------------ model
def _index(pm: PlanModel) -> pd.DataFrame:
    """One L column per x column of a leasable modality (none when leasing is off); x_row: its x."""
    if not active(pm.inp.scenario):
        return empty_index("x_row", "r", "t", "m", "y")
    x = pm.families["x"].index
    keep = np.flatnonzero(leasable(pm.inp.scenario, pm.inp.modalities)[x["m"].to_numpy()])
    return pd.DataFrame({"x_row": keep, **{k: x[k].to_numpy()[keep] for k in ("r", "t", "m", "y")}})


def _payment(pm: PlanModel, m: np.ndarray) -> np.ndarray:
    lease = pm.inp.scenario.leasing
    return pm.inp.param("price_wan_cny")[m] * crf(lease.rate_pct, lease.term_years)


def _integer(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    return np.array([inp.scenario.modalities[inp.modalities[m]].integer for m in idx["m"]], dtype=bool)


def _cost(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    """cost_weight x (payments valued as the scenario values capital - p_m x capital_weight[m, y])."""
    inp = pm.inp
    scn, Y, T = inp.scenario, len(inp.years), inp.scenario.leasing.term_years
    rate = scn.weights.discount_rate_pct / 100.0
    m, y = idx["m"].to_numpy(), idx["y"].to_numpy()
    paid = y[:, None] + np.arange(T)[None, :]               # payment years, plan-year index, past the plan too
    disc = (1.0 + rate) ** -paid.astype(float)
    if scn.weights.capital_valuation == "annualised":
        disc = np.where(paid < Y, disc, 0.0)
    price = inp.param("price_wan_cny")[m]
    return scn.weights.cost_weight * (_payment(pm, m) * disc.sum(axis=1) - price * capital_weights(inp)[m, y])


def spend_terms(pm: PlanModel, by_year: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The budget rows' L terms: -p_m in the start year's row, +a_m in each in-plan payment year's row."""
    idx = pm.families["L"].index
    if not len(idx):
        return []
    Y, T = len(pm.inp.years), pm.inp.scenario.leasing.term_years
    m, y, cols = idx["m"].to_numpy(), idx["y"].to_numpy(), pm.col("L")
    price, pay = pm.inp.param("price_wan_cny")[m], _payment(pm, m)
    if not by_year:   # the total: the payments in the plan, and those after it when they count there too
        paid = T if pm.inp.scenario.leasing.payments_after_plan_in_total else np.minimum(T, Y - y)
        return [(np.zeros(len(idx), int), cols, -price + pay * paid)]
    out = [(y, cols, -price)]
    for lag in range(T):
        sel = np.flatnonzero(y + lag < Y)
        out.append((y[sel] + lag, cols[sel], pay[sel]))
    return out


def define_link(pm: PlanModel) -> None:
    """leasing_link: L <= x (leased units are among the slot's new units that year)."""
    among_purchases(pm, "leasing_link", "L")


def plan_columns(pm: PlanModel, purchases: pd.DataFrame, val) -> dict[str, np.ndarray]:
    """leased_units in the purchases table (one row per x column), 0 where nothing is leased."""
    return {"leased_units": per_purchase(pm, purchases, "L", val)} if active(pm.inp.scenario) else {}


# ------------------------------------------------------------------------------- from the plan table
def payments(scn, years: list[int], plan: pd.DataFrame) -> dict[str, np.ndarray | float]:
    """What the plan table's leased units pay, from the scenario's prices, rate and term (the verifier's
    and the results' arithmetic, not the model's): per plan year the payments and the price not paid
    (both (Y,)), the payments after the last plan year, per modality."""
    Y, T = len(years), scn.leasing.term_years
    share = crf(scn.leasing.rate_pct, T)
    out = {"in_plan": np.zeros(Y), "price_saved": np.zeros(Y), "after": 0.0, "by_modality": {}}
    if "leased_units" not in plan or not len(plan):
        return out
    for row in plan[plan["leased_units"] > 0].itertuples(index=False):
        units, price = float(row.leased_units), scn.modalities[row.modality].price_wan_cny
        q = years.index(row.year)
        inside = min(T, Y - q)
        out["price_saved"][q] += units * price
        out["in_plan"][q: q + inside] += units * price * share
        out["after"] += units * price * share * (T - inside)
        mod = out["by_modality"].setdefault(row.modality, {"units": 0.0, "in_plan": 0.0, "after": 0.0, "price": 0.0})
        mod["units"] += units
        mod["in_plan"] += units * price * share * inside
        mod["after"] += units * price * share * (T - inside)
        mod["price"] += units * price
    return out


def plan_spend(scn, years: list[int], plan: pd.DataFrame, spend: np.ndarray) -> PlanSpend:
    """Leased units pay their payments in the plan years of their term, not their price in the first year
    (recomputed from the plan table's leased_units and the scenario's price, rate and term); payments after
    the plan count against the total when the scenario says so (payments_after_plan_in_total). The spend
    table shows the payments inside the plan (lease_payments_wan_cny) when the plan has leased_units."""
    lease = payments(scn, years, plan)
    after = lease["after"] if scn.leasing.payments_after_plan_in_total else 0.0
    columns = {"lease_payments_wan_cny": lease["in_plan"]} if "leased_units" in plan else {}
    return PlanSpend(spend - lease["price_saved"] + lease["in_plan"], after, columns)


def least_spend(scn, modalities: list[str], price: np.ndarray, per: np.ndarray, total: bool) -> np.ndarray | None:
    """The pre-solve checks' bound (checks.py): a unit leased from the year it is first needed (the cheapest
    start) counts its payments so far by each year, when that is less than its price. In the total row a
    lease's every payment counts when payments_after_plan_in_total says so, never less than the price
    (rate >= 0): None, the buy-price bound."""
    if (total and scn.leasing.payments_after_plan_in_total) or not active(scn):
        return None
    Y, T = per.shape[-1], scn.leasing.term_years
    paid = np.clip(np.arange(Y)[None, :] - np.arange(Y)[:, None] + 1, 0, T)   # (q, y') payments by y'
    lease = price[:, None, None] * crf(scn.leasing.rate_pct, T) * paid[None]
    return np.where(leasable(scn, modalities)[:, None, None], np.minimum(per, lease), per)


def objective_from_tables(inp, plan: pd.DataFrame | None, flows, mobile, ref, n, disc) -> float:
    """The leases' objective term from the plan table (verify.objective_from_tables): each leased unit's
    payments valued as the scenario values capital, less its price as x counts it (instead of its price)."""
    scn, years = inp.scenario, list(inp.years)
    if plan is None or "leased_units" not in plan or not len(plan) or not active(scn):
        return 0.0
    w, T, Y = scn.weights, scn.leasing.term_years, len(years)
    d = w.discount_rate_pct / 100.0
    share = crf(scn.leasing.rate_pct, T)
    total = 0.0
    for row in plan[plan["leased_units"] > 0].itertuples(index=False):
        mod = scn.modalities[row.modality]
        q = years.index(row.year)
        pay = [q + j for j in range(T) if w.capital_valuation == "full_price" or q + j < Y]
        value = mod.price_wan_cny * share * sum((1 + d) ** -k for k in pay)
        if w.capital_valuation == "full_price":
            bought = (1 + d) ** -q
        else:
            life = mod.service_life_years
            annuity = 1.0 / life if d == 0 else d / (1.0 - (1.0 + d) ** -life)
            bought = annuity * sum((1 + d) ** -k for k in range(q, min(q + life, Y)))
        total += float(row.leased_units) * (value - mod.price_wan_cny * bought)
    return w.cost_weight * total


def check_leasing(c) -> None:
    """Leased units: none when leasing is off or for a modality it leaves out; otherwise whole where units
    are whole, and between 0 and the row's new units. (Their payments are in verify's budget check.)"""
    plan = c.plan
    if "leased_units" not in plan or not len(plan):
        return
    scn = c.scn
    leased, new = plan["leased_units"].to_numpy(float), plan["new_units"].to_numpy(float)
    ok = leasable(scn, list(plan["modality"])) if active(scn) else np.zeros(len(plan), bool)
    whole = np.array([scn.modalities[m].integer for m in plan["modality"]], dtype=bool)
    for i in np.flatnonzero((leased > 1e-9) & ~ok):
        c.v.append(msg("verify.lease_not_allowed", i=int(i), mod=str(plan["modality"].iloc[i])))
    bad = (leased < -1e-9) | (leased > new + 1e-6) | (whole & (np.abs(leased - np.round(leased)) > 1e-6))
    for i in np.flatnonzero(bad):
        c.v.append(msg("verify.lease_units", i=int(i), leased=float(leased[i]), new=float(new[i])))
    c.checked["leasing"] = len(plan)


def summary_lines(result) -> list:
    """Per modality: units leased, payments inside the plan and after it, and what buying would have cost."""
    scn = result.inputs.scenario
    if not active(scn):
        return []
    paid = payments(scn, list(result.inputs.years), result.plan)
    return [msg("text_summary.leased", mod=mod, units=v["units"], inside=v["in_plan"], after=v["after"],
                price=v["price"], term=scn.leasing.term_years, rate=float(scn.leasing.rate_pct))
            for mod, v in paid["by_modality"].items()] or [msg("text_summary.leased_none")]


ORDER = 72   # after the budget (70), before the renewal earmark (75): families/__init__.py
FAMILY = ConstraintFamily(
    name="leasing", label=msg("family.leasing"),
    variables=(Variables("L", "new units leased (融资租赁) rather than bought, by slot and start year", _index,
                         integer=_integer, cost=_cost),),
    rows=(Rows("leasing_link", define_link),),
    verify=check_leasing, summary=summary_lines, spend_terms=spend_terms, plan_columns=plan_columns,
    plan_spend=plan_spend, objective_from_tables=objective_from_tables, least_spend=least_spend,
)
