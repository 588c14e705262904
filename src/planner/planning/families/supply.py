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

Classes (supply.classes: 1.5T/3T MRI, CT below/at-or-above 64 rows, seed 001 l.87). When a modality has
classes, V[u, y, c, o] (integer where x is) counts its new units of class c and origin o (imported 0,
domestic 1): row supply_classes sum_{c,o} V = x, and row supply_class_domestic sum_c V[.,.,c,1] = D, so
every new unit is of one class and D stays the domestic count the rules above read. The class carries the
whole price: D's own price difference is 0 on such a modality, and V adds (p_co - p_m) to the purchase
year's budget row and the total, and to the objective p_co x the class life's capital weight - p_m x the
modality's (weights.life_capital_weights). A class's capacity and staff differ from the modality's by
(cap_c - cap_m) and (staff_c - staff_m) per unit in service (unit_terms: the capacity and staffing rows
add them for every year the unit serves; schema.py refuses a class life that differs from its modality's
unless both outlast the plan, so the in-plan years a unit serves are its modality's). With a class's
min_domestic_share s_c, row supply_class_share: sum V[c,1] - s_c sum V[c,.] >= 0 (all regions and years,
refused by the decomposition like the modality's rule).

A leased unit may be domestic too (L and D are independent counts among x): its lease payments stay those of
p_m (leasing.py) and the price difference falls in its start year, a simplification of this version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import (INF, ConstraintFamily, PlanSpend, Rows, UnitDifferences, UnitTerms,
                                             Variables, among_purchases, empty_index, per_purchase, tolerance)
from planner.planning.weights import capital_weights, life_capital_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

SHARE = "supply_min_share"
CLASS_SHARE = "supply_class_share"


def active(scn) -> bool:
    return scn.supply.enabled and scn.constraints.supply


@dataclass(frozen=True)
class UnitClass:
    """A class of a modality's new units with the scenario's empty fields filled by the modality's figures."""

    modality: str
    name: str
    price: tuple[float, float]    # 万元 a unit: (imported, domestic)
    capacity: float               # exams a unit-year
    staff: float                  # staff a unit
    life: int                     # service years
    share: float | None           # least domestic share of its new units
    tiers: tuple[str, ...]        # the tiers that may buy it (empty: every tier)

    @property
    def units_column(self) -> str:
        return f"{CLASS_UNITS}{self.modality} {self.name}"

    @property
    def domestic_column(self) -> str:
        return f"{CLASS_DOMESTIC}{self.modality} {self.name}"


CLASS_UNITS, CLASS_DOMESTIC = "class_units_", "class_domestic_"   # the plan table's columns of a class


def unit_classes(scn) -> list[UnitClass]:
    """The scenario's classes, each field the class's or its modality's (none when supply is off)."""
    if not active(scn):
        return []
    out = []
    for c in scn.supply.classes:
        mod = scn.modalities[c.modality]
        price = c.price_wan_cny if c.price_wan_cny is not None else mod.price_wan_cny
        domestic = c.domestic_price_wan_cny if c.domestic_price_wan_cny is not None else \
            price * scn.supply.domestic_price_factor.get(c.modality, 1.0)
        out.append(UnitClass(
            c.modality, c.name, (float(price), float(domestic)),
            float(c.capacity_exams_per_unit_per_year if c.capacity_exams_per_unit_per_year is not None
                  else mod.capacity_exams_per_unit_per_year),
            float(c.staff_per_unit if c.staff_per_unit is not None else mod.staff_per_unit),
            int(c.service_life_years if c.service_life_years is not None else mod.service_life_years),
            c.min_domestic_share, tuple(c.tiers)))
    return out


def factors(scn, modalities: list[str]) -> np.ndarray:
    """(M,) what D's domestic unit costs / the modality's price: the scenario's factor (1 when not listed), or
    1 for a modality with classes, whose classes carry its prices (V)."""
    classed = {c.modality for c in scn.supply.classes}
    return np.array([1.0 if m in classed else scn.supply.domestic_price_factor.get(m, 1.0) for m in modalities],
                    dtype=float)


def least_price(scn, modalities: list[str], price: np.ndarray) -> np.ndarray:
    """(M,) the least a new unit can count in the budget rows: the dearer origin (or class) is never forced on
    all of them, so the cheapest bounds what hard rules need (checks.py)."""
    if not active(scn):
        return price
    out = price * np.minimum(1.0, factors(scn, modalities))
    cheapest: dict[str, float] = {}
    for c in unit_classes(scn):
        cheapest[c.modality] = min(cheapest.get(c.modality, INF), *c.price)
    for mod, least in cheapest.items():
        if mod in modalities:
            out[modalities.index(mod)] = least
    return out


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
    """The budget rows' D and V terms: the price difference in the purchase year's row, or the total's."""
    idx = pm.families["D"].index
    if not len(idx):
        return []
    rows = idx["y"].to_numpy() if by_year else np.zeros(len(idx), int)
    return [(rows, pm.col("D"), _difference(pm, idx["m"].to_numpy())), *_class_spend_terms(pm, by_year)]


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


# -------------------------------------------------------------------------------------- classes: model
def _class_index(pm: PlanModel) -> pd.DataFrame:
    """One V column per x column of a modality with classes, class c (its position in unit_classes) and
    origin o (0 imported, 1 domestic); x_row: its x."""
    inp = pm.inp
    classes = unit_classes(inp.scenario)
    if not classes:
        return empty_index("x_row", "r", "t", "m", "y", "c", "o")
    x = pm.families["x"].index
    parts = []
    for k, c in enumerate(classes):
        at = [inp.tiers.index(t) for t in c.tiers] if c.tiers else range(len(inp.tiers))
        rows = np.flatnonzero((x["m"].to_numpy() == inp.modalities.index(c.modality)) & np.isin(x["t"].to_numpy(), at))
        for o in (0, 1):
            parts.append(pd.DataFrame({"x_row": rows, **{v: x[v].to_numpy()[rows] for v in ("r", "t", "m", "y")},
                                       "c": k, "o": o}))
    return pd.concat(parts, ignore_index=True).sort_values(["x_row", "c", "o"], kind="stable").reset_index(drop=True)


def _class_price(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    """p_co - p_m: what a unit of class c and origin o costs beyond its modality's price."""
    classes, price = unit_classes(pm.inp.scenario), pm.inp.param("price_wan_cny")
    own = np.array([classes[c].price[o] for c, o in zip(idx["c"], idx["o"])])
    return own - price[idx["m"].to_numpy()]


def _class_cost(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    """cost_weight x (p_co x the class life's capital weight - p_m x the modality's), so x + V value the unit
    at its class's price and life."""
    inp = pm.inp
    classes, price = unit_classes(inp.scenario), inp.param("price_wan_cny")
    m, y = idx["m"].to_numpy(), idx["y"].to_numpy()
    weights = {c.life: life_capital_weights(inp, c.life) for c in classes}
    own = np.array([classes[c].price[o] * weights[classes[c].life][q] for c, o, q in zip(idx["c"], idx["o"], y)])
    return inp.scenario.weights.cost_weight * (own - price[m] * capital_weights(inp)[m, y])


def _class_spend_terms(pm: PlanModel, by_year: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    idx = pm.families["V"].index
    if not len(idx):
        return []
    rows = idx["y"].to_numpy() if by_year else np.zeros(len(idx), int)
    return [(rows, pm.col("V"), _class_price(pm, idx))]


def _classed_purchases(pm: PlanModel) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The x columns of modalities with classes (sorted), each V column's position among them, and their
    index (r, t, m, y): one row of supply_classes and of supply_class_domestic each."""
    idx = pm.families["V"].index
    xs = np.unique(idx["x_row"].to_numpy())
    return xs, np.searchsorted(xs, idx["x_row"].to_numpy()), \
        pm.families["x"].index.iloc[xs][["r", "t", "m", "y"]].reset_index(drop=True)


def define_classes(pm: PlanModel) -> None:
    """supply_classes: sum_{c,o} V - x = 0 (each new unit is of one class), one row per x column of a
    modality with classes."""
    idx = pm.families["V"].index
    if not len(idx):
        return
    xs, row, where = _classed_purchases(pm)
    pm.add_rows("supply_classes", [row, np.arange(len(xs))], [pm.col("V"), pm.col("x", xs)],
                [np.ones(len(idx)), -np.ones(len(xs))], np.zeros(len(xs)), np.zeros(len(xs)), where)


def define_class_domestic(pm: PlanModel) -> None:
    """supply_class_domestic: sum_c V[., 1] - D = 0 (D counts the domestic units of every class)."""
    idx = pm.families["V"].index
    if not len(idx):
        return
    xs, row, where = _classed_purchases(pm)
    dom = np.flatnonzero(idx["o"].to_numpy() == 1)
    d_of = {r: j for j, r in enumerate(pm.families["D"].index["x_row"].to_numpy())}
    pm.add_rows("supply_class_domestic", [row[dom], np.arange(len(xs))],
                [pm.col("V", dom), pm.col("D", np.array([d_of[r] for r in xs]))],
                [np.ones(len(dom)), -np.ones(len(xs))], np.zeros(len(xs)), np.zeros(len(xs)), where)


def define_class_share(pm: PlanModel) -> None:
    """supply_class_share: for each class with a least share s_c, sum V[c, 1] - s_c sum V[c, .] >= 0."""
    idx, classes = pm.families["V"].index, unit_classes(pm.inp.scenario)
    ruled = [k for k, c in enumerate(classes) if c.share]
    if not len(idx) or not ruled:
        return
    rows, cols, coefs = [], [], []
    for i, k in enumerate(ruled):
        sel = np.flatnonzero(idx["c"].to_numpy() == k)
        rows.append(np.full(len(sel), i)), cols.append(pm.col("V", sel))
        coefs.append(idx["o"].to_numpy()[sel] - classes[k].share)
    m = np.array([pm.inp.modalities.index(classes[k].modality) for k in ruled])
    pm.add_rows(CLASS_SHARE, rows, cols, coefs, np.zeros(len(ruled)), np.full(len(ruled), INF),
                pd.DataFrame({"m": m, "c": ruled, "row_name": [classes[k].name for k in ruled]}))


def unit_terms(pm: PlanModel) -> UnitTerms | None:
    """A class unit bought in year q serves from q to the plan's end (its modality's life permitting, as n
    counts it): (cap_c - cap_m) exams and (staff_c - staff_m) staff in each of those years."""
    idx = pm.families["V"].index
    if not len(idx):
        return None
    inp = pm.inp
    classes = unit_classes(inp.scenario)
    cap, staff, life = (inp.param(p) for p in ("capacity_exams_per_unit_per_year", "staff_per_unit",
                                               "service_life_years"))
    m, q = idx["m"].to_numpy(), idx["y"].to_numpy()
    dcap = np.array([classes[c].capacity for c in idx["c"]]) - cap[m]
    dstaff = np.array([classes[c].staff for c in idx["c"]]) - staff[m]
    keep = (dcap != 0) | (dstaff != 0)
    j, y = [], []
    for lag in range(len(inp.years)):
        sel = np.flatnonzero(keep & (q + lag < len(inp.years)) & (life[m] > lag))
        j.append(sel), y.append(q[sel] + lag)
    j, y = np.concatenate(j), np.concatenate(y)
    return UnitTerms(idx["r"].to_numpy()[j], idx["t"].to_numpy()[j], m[j], y, pm.col("V", j), dcap[j], dstaff[j])


# ------------------------------------------------------------------ completion (rounding, room.py)
def _cheapest(pm: PlanModel) -> tuple[np.ndarray, np.ndarray]:
    """Per x column: the origin (0/1) and, on a modality with classes, the V column of the cheapest way to buy
    a unit there that keeps every share rule unit by unit (domestic where the modality's or the class's least
    share asks for any; -1 where the modality has no classes)."""
    inp, scn = pm.inp, pm.inp.scenario
    x = pm.families["x"].index
    ruled = bool(scn.supply.min_domestic_share)
    f = factors(scn, inp.modalities)[x["m"].to_numpy()]
    origin = ((f < 1.0) | ruled).astype(float)           # no classes: domestic when cheaper or asked for
    pick = np.full(len(x), -1, np.int64)
    idx = pm.families["V"].index
    if len(idx):
        classes = unit_classes(scn)
        forced = np.array([ruled or bool(classes[c].share) for c in idx["c"]])
        o = idx["o"].to_numpy()
        price = np.array([classes[c].price[k] for c, k in zip(idx["c"], o)])
        price = np.where(forced & (o == 0), INF, price)   # an origin the rules cannot take unit by unit
        xr = idx["x_row"].to_numpy()
        order = np.lexsort((price, xr))                     # by purchase, the cheapest first
        first = order[np.r_[True, xr[order][1:] != xr[order][:-1]]]
        first = first[price[first] < INF]
        pick[xr[first]] = first
        has = pick >= 0
        origin[has] = o[pick[has]]
    return origin, pick


def _complete_domestic(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    return _cheapest(pm)[0][idx["x_row"].to_numpy()]


def _complete_classes(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    pick = _cheapest(pm)[1]
    out = np.zeros(len(idx))
    out[pick[pick >= 0]] = 1.0
    return out


def plan_columns(pm: PlanModel, purchases: pd.DataFrame, val) -> dict[str, np.ndarray]:
    """domestic_units in the purchases table (one row per x column), and each class's units and domestic
    units."""
    if not active(pm.inp.scenario):
        return {}
    out = {"domestic_units": per_purchase(pm, purchases, "D", val)}
    idx = pm.families["V"].index
    if len(idx):
        v = np.round(val("V"), 6)
        for k, c in enumerate(unit_classes(pm.inp.scenario)):
            for column, origins in ((c.units_column, (0, 1)), (c.domestic_column, (1,))):
                sel = np.flatnonzero((idx["c"].to_numpy() == k) & np.isin(idx["o"].to_numpy(), origins))
                out[column] = np.zeros(len(purchases))
                np.add.at(out[column], idx["x_row"].to_numpy()[sel], v[sel])
    return out


# ------------------------------------------------------------------------------- from the plan table
def _domestic(plan: pd.DataFrame) -> np.ndarray:
    return plan["domestic_units"].to_numpy(float) if "domestic_units" in plan else np.zeros(len(plan))


def _class_columns(plan: pd.DataFrame, c: UnitClass) -> tuple[np.ndarray, np.ndarray]:
    """A class's units and domestic units per plan row (0 where the plan table has no such column)."""
    def column(name):
        return plan[name].to_numpy(float) if name in plan else np.zeros(len(plan))
    return column(c.units_column), column(c.domestic_column)


def _priced_units(scn, plan: pd.DataFrame):
    """Each plan row's units priced apart from its modality's price, as (row, units, own price, own life):
    D's domestic units at the modality's factor (not on a modality with classes, whose classes carry its
    prices), and each class's imported and domestic units at the class's prices."""
    mods = plan["modality"].to_numpy()
    dom = _domestic(plan)
    for i in np.flatnonzero(dom != 0):
        mod = scn.modalities[mods[i]]
        yield i, float(dom[i]), factors(scn, [mods[i]])[0] * mod.price_wan_cny, mod.service_life_years
    for c in unit_classes(scn):
        units, domestic = _class_columns(plan, c)
        for i in np.flatnonzero(units != 0):
            yield i, float(units[i] - domestic[i]), c.price[0], c.life
            yield i, float(domestic[i]), c.price[1], c.life


def price_difference(scn, plan: pd.DataFrame) -> np.ndarray:
    """(rows,) what each plan-table row's domestic units and class units cost more (less, below 0) than at the
    modality's price, from the scenario's prices and factors (the verifier's and the results' arithmetic)."""
    out = np.zeros(len(plan))
    mods = plan["modality"].to_numpy() if len(plan) else ()
    for i, units, price, _ in _priced_units(scn, plan) if len(plan) else ():
        out[i] += units * (price - scn.modalities[mods[i]].price_wan_cny)
    return out


def plan_spend(scn, years: list[int], plan: pd.DataFrame, spend: np.ndarray) -> PlanSpend:
    """Domestic units cost price x domestic_price_factor, class units their class's prices: the difference in
    their purchase year (and in their row's capital cost), counted whatever supply.enabled says (check_supply
    flags domestic units a scenario does not allow)."""
    rows = price_difference(scn, plan)
    by_year = np.zeros(len(years))
    if len(plan):
        np.add.at(by_year, plan["year"].map({y: k for k, y in enumerate(years)}).to_numpy(int), rows)
    return PlanSpend(spend + by_year, rows=rows)


def objective_from_tables(inp, plan: pd.DataFrame | None, flows, mobile, ref, n, disc) -> float:
    """The domestic and class units' objective term from the plan table (verify.objective_from_tables): each
    unit's own price valued as a purchase is (full price discounted, or annualised over its in-plan service
    at its own life), less its modality's price valued so (the plan's x counts that)."""
    scn, years = inp.scenario, list(inp.years)
    if plan is None or not active(scn) or not len(plan):
        return 0.0
    w, Y = scn.weights, len(years)
    d = w.discount_rate_pct / 100.0

    def value(life: int, q: int) -> float:
        if w.capital_valuation == "full_price":
            return (1 + d) ** -q
        annuity = 1.0 / life if d == 0 else d / (1.0 - (1.0 + d) ** -life)
        return annuity * sum((1 + d) ** -k for k in range(q, min(q + life, Y)))

    total = 0.0
    for i, units, price, life in _priced_units(scn, plan):
        mod, q = scn.modalities[plan["modality"].iloc[i]], years.index(plan["year"].iloc[i])
        total += units * (price * value(life, q) - mod.price_wan_cny * value(mod.service_life_years, q))
    return w.cost_weight * total


def unit_differences(c) -> UnitDifferences | None:
    """What the plan table's class units in service do beyond their modality's capacity and staff, from the
    scenario's classes: a unit bought in year q serves in every later plan year its modality's life allows."""
    classes, plan = unit_classes(c.scn), c.plan
    if not classes or not len(plan):
        return None
    inp = c.inp
    cap, staff = np.zeros(c.n.shape), np.zeros(c.n.shape)
    at = tuple(c.index_of(plan, col) for col in ("region_code", "tier", "modality", "year"))
    for k in classes:
        mod = c.scn.modalities[k.modality]
        units = _class_columns(plan, k)[0]
        for r, t, m, q, u in zip(*at, units):
            if u:
                for y in range(q, min(q + mod.service_life_years, len(inp.years))):
                    cap[r, t, m, y] += u * (k.capacity - mod.capacity_exams_per_unit_per_year)
                    staff[r, t, m, y] += u * (k.staff - mod.staff_per_unit)
    return UnitDifferences(cap, staff)


def _check_classes(c, dom: np.ndarray, new: np.ndarray, whole: np.ndarray) -> None:
    """Each new unit of a modality with classes is of one of them: the classes' units sum to the row's new
    units and their domestic units to its domestic units, each class's domestic units are whole and between
    0 and its units, a class of another modality has none, and each class keeps its least domestic share."""
    plan, classes = c.plan, unit_classes(c.scn)
    mods = plan["modality"].to_numpy()
    total, total_dom = np.zeros(len(plan)), np.zeros(len(plan))
    for k in classes:
        units, domestic = _class_columns(plan, k)
        other = (mods != k.modality) | (~plan["tier"].isin(k.tiers).to_numpy() if k.tiers else False)
        bad = (domestic < -1e-9) | (domestic > units + 1e-6) | (units < -1e-9) | (other & (units != 0)) | \
            (whole & ((np.abs(units - np.round(units)) > 1e-6) | (np.abs(domestic - np.round(domestic)) > 1e-6)))
        for i in np.flatnonzero(bad):
            c.v.append(msg("verify.class_units", i=int(i), mod=str(mods[i]), name=k.name, units=float(units[i]),
                           dom=float(domestic[i])))
        total, total_dom = total + units, total_dom + domestic
        if k.share:
            got, of = float(domestic[~other].sum()), float(units[~other].sum())
            if got < k.share * of - float(tolerance(of)):
                c.v.append(msg("verify.class_share", mod=k.modality, name=k.name, dom=got, new=of,
                               share=float(k.share)))
    classed = np.isin(mods, [k.modality for k in classes])
    for i in np.flatnonzero(classed & ((np.abs(total - new) > 1e-6) | (np.abs(total_dom - dom) > 1e-6))):
        c.v.append(msg("verify.class_sum", i=int(i), mod=str(mods[i]), units=float(total[i]), new=float(new[i]),
                       dom=float(total_dom[i]), domestic=float(dom[i])))


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
    if unit_classes(scn):
        _check_classes(c, dom, new, whole)
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
        lines += _class_lines(result, mod, grp)
    return lines


def _class_lines(result, mod: str, plan: pd.DataFrame) -> list:
    """Per class of ``mod`` with new units: how many, how many domestic, and its least-share rule's marginal
    value when it binds."""
    marginal, said = getattr(result, "marginal", None), {}
    if marginal is not None and len(marginal):
        for row in marginal[marginal["constraint"] == CLASS_SHARE].itertuples(index=False):
            said[(row.plain_words.params.get("mod"), row.plain_words.params.get("name"))] = row.plain_words
    lines = []
    for c in unit_classes(result.inputs.scenario):
        units, domestic = _class_columns(plan, c)
        if c.modality == mod and units.sum() > 0:
            lines.append(msg("text_summary.class_units", mod=mod, name=c.name, units=float(units.sum()),
                             dom=float(domestic.sum()), new=float(plan["new_units"].sum())))
        if c.modality == mod and (mod, c.name) in said:
            lines.append(said[(mod, c.name)])
    return lines


ORDER = 73   # after leasing (72), before the renewal earmark (75): families/__init__.py
FAMILY = ConstraintFamily(
    name="supply", label=msg("family.supply"),
    variables=(Variables("D", "new units bought domestic (国产), by slot and year", _index, integer=_integer,
                         cost=_cost, completion=_complete_domestic),
               Variables("V", "new units by class and origin, by slot and year", _class_index, integer=_integer,
                         cost=_class_cost, completion=_complete_classes)),
    rows=(Rows("supply_link", define_link),
          Rows(SHARE, define_min_share, decomposition=None, dual_words=msg("marginal.supply_share"),
               relaxed_dual=True),
          Rows("supply_classes", define_classes),
          Rows("supply_class_domestic", define_class_domestic),
          Rows(CLASS_SHARE, define_class_share, decomposition=None, dual_words=msg("marginal.class_share"),
               relaxed_dual=True)),
    verify=check_supply, summary=summary_lines, spend_terms=spend_terms, plan_columns=plan_columns,
    plan_spend=plan_spend, objective_from_tables=objective_from_tables, least_price=least_price,
    unit_terms=unit_terms, unit_differences=unit_differences,
)
