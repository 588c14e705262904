"""The verifier's own reading of the scenario: the arrays a plan is checked against, derived again from the
scenario and its tables with code of their own, so a mistake in data/inputs.py (or a corrupted array) is not
shared by the check.

Derived here: residents by year, exams by tier of origin, existing stock still in service (installation
years, else an even age profile), the most units each region x tier may hold (eligibility x facilities,
never below the stock), the fewest the presence rules require, and the budget (``budget_caps``). The rules
are the README's ("The model"); the tables are read through the same validated readers, since reading a
CSV is not where a plan goes wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.data import tables

GOLDEN_PHASE = (math.sqrt(5.0) - 1.0) / 2.0


@dataclass
class Reference:
    pop: np.ndarray         # (R, Y) residents
    demand: np.ndarray      # (R, T, K, Y) thousand exams presenting at each tier (tier of origin)
    stock_base: np.ndarray  # (R, T, M) units in service at the end of the base year
    surviving: np.ndarray   # (R, T, M, Y) of those, still in service
    limit: np.ndarray       # (R, T, M) most units in service; inf = no limit
    presence: np.ndarray    # (R, T, M, Y) fewest units the presence rules require
    staff: np.ndarray | None = None  # (R, Y) imaging staff the plan may use (None: staffing is off)
    pop_base: np.ndarray | None = None  # (R,) residents at the end of the base year


def rederive(loaded, codes: list[str], regions, years: list[int], tiers: list[str], modalities: list[str],
             exam_types: list[str]) -> Reference:
    scn = loaded.scenario
    base = scn.years.base_year
    R, T, M, K, Y = len(codes), len(tiers), len(modalities), len(exam_types), len(years)
    at = {c: i for i, c in enumerate(codes)}
    g = scn.years.population_growth_pct_per_year / 100.0
    pop = np.array([[float(p) * (1.0 + g) ** (y - float(py)) for y in years]
                    for p, py in zip(regions["population"], regions["population_year"])])

    demand = np.zeros((R, T, K, Y))
    if scn.constraints.demand:
        for k, name in enumerate(exam_types):
            mod = scn.modalities[name]
            since = mod.demand_year or base
            for j, y in enumerate(years):
                per_person = (mod.exam_rate_per_1000_per_year or 0.0) / 1000.0 * \
                    (1.0 + mod.demand_growth_pct_per_year / 100.0) ** (y - since)
                for t, tier in enumerate(tiers):
                    demand[:, t, k, j] = pop[:, j] * per_person / 1000.0 * scn.referral[name].get(tier, 0.0)

    stock_base, surviving = _stock(loaded, at, years, tiers, modalities, base)
    allowed = np.array([[scn.units_per_facility(t, m) > 0 or not scn.constraints.eligibility for m in modalities]
                        for t in tiers])
    facilities = _facilities(loaded, at, tiers)
    limit = np.full((R, T, M), np.inf)
    if facilities is not None and scn.constraints.facility_limits:
        for t, tier in enumerate(tiers):
            for m, mod in enumerate(modalities):
                limit[:, t, m] = np.maximum(facilities[:, t] * scn.units_per_facility(tier, mod), stock_base[:, t, m])
    limit[:, ~allowed] = 0.0
    presence = np.zeros((R, T, M, Y))
    if scn.constraints.min_presence and facilities is not None:
        for rule in scn.policy.min_units:
            t, m = tiers.index(rule.tier), modalities.index(rule.modality)
            for j, y in enumerate(years):
                if y >= rule.from_year:
                    need = np.ceil(rule.per_facility * facilities[:, t] - 1e-9)
                    presence[:, t, m, j] = np.maximum(presence[:, t, m, j], need)
    pop_base = np.array([float(p) * (1.0 + g) ** (base - float(py))
                         for p, py in zip(regions["population"], regions["population_year"])])
    return Reference(pop, demand, stock_base, surviving, limit, presence,
                     _staff(loaded, at, regions, years, tiers, modalities, stock_base, surviving, presence),
                     pop_base)


def budget_caps(budget, years: int) -> tuple[float, np.ndarray | None]:
    """What the plan may spend, from the scenario's ``budget`` section alone: over all plan years, and per
    plan year (None: no yearly cap). The scenario states the total gross, before committed spend; the plan
    spends the rest. Stated yearly caps are taken as given; even tranches share what is left equally.
    Written here again, not taken from data/inputs.py, so the check does not share its mistakes."""
    total = float(budget.total_wan_cny) - float(budget.committed_wan_cny or 0.0)
    if budget.per_year_wan_cny is not None:
        return total, np.array([float(b) for b in budget.per_year_wan_cny])
    if budget.even_yearly_tranches:
        return total, np.array([total / years] * years)
    return total, None


def _staff(loaded, at: dict, regions, years, tiers, modalities, stock_base, surviving, presence):
    """Staff available: what the base-year units need plus headroom, never below a per-million floor, growing
    each year, or the staff table's numbers; never below what surviving and mandated units need."""
    scn = loaded.scenario
    sf = scn.staffing
    if not (scn.constraints.staffing and sf.enabled):
        return None
    spu = np.array([scn.modalities[m].staff_per_unit for m in modalities])
    base = scn.years.base_year
    grow = [(1.0 + sf.growth_pct_per_year / 100.0) ** (y - base) for y in years]
    staff = np.zeros((len(at), len(years)))
    for r, people in enumerate(regions["population"]):
        need = float((stock_base[r] * spu[None, :]).sum())
        start = max(need * (1.0 + sf.headroom_pct / 100.0), sf.min_staff_per_million * float(people) / 1e6)
        staff[r] = [start * g for g in grow]
    if scn.regions.staff or "staff" in loaded.tables:
        for row in loaded.read("staff", tables.STAFF).itertuples(index=False):
            if row.code not in at:
                continue
            year = getattr(row, "year", float("nan"))
            if year == year:
                if int(year) in years:
                    staff[at[row.code], years.index(int(year))] = row.staff
            else:
                staff[at[row.code]] = [row.staff * g for g in grow]
    floor = (np.maximum(surviving, presence) * spu[None, None, :, None]).sum(axis=(1, 2))
    return np.maximum(staff, floor)


def _stock(loaded, at: dict, years: list[int], tiers: list[str], modalities: list[str], base: int):
    scn = loaded.scenario
    R, T, M, Y = len(at), len(tiers), len(modalities), len(years)
    stock_base, surviving = np.zeros((R, T, M)), np.zeros((R, T, M, Y))
    undated = np.zeros((R, T, M))
    for row in loaded.read("stock", tables.STOCK).itertuples(index=False):
        if row.code not in at:
            continue
        r, t, m = at[row.code], tiers.index(row.tier), modalities.index(row.modality)
        life = scn.modalities[row.modality].service_life_years
        installed = getattr(row, "installed_year", float("nan"))
        if installed == installed:  # a year is given: the cohort retires after its service life
            n = math.floor(row.units + 0.5)
            if base < installed + life:
                stock_base[r, t, m] += n
            for j, y in enumerate(years):
                if y < installed + life:
                    surviving[r, t, m, j] += n
            continue
        ref = getattr(row, "reference_year", float("nan"))
        ref = base if ref != ref else ref
        growth = scn.modalities[row.modality].stock_growth_pct_per_year / 100.0
        undated[r, t, m] += math.floor(row.units * (1.0 + growth) ** (base - ref) + 0.5)
    stock_base += undated
    # even ages: the c-th cell of a modality holding undated units (regions in the order of their codes,
    # not the table's rows, then tiers) gets phase frac(c x 0.618...); N units keep
    # ceil(N (1 - h / life) - phase) h years after the base year
    for m, mod in enumerate(modalities):
        life = scn.modalities[mod].service_life_years
        c = 0
        for r in (at[code] for code in sorted(at)):
            for t in range(T):
                n = undated[r, t, m]
                if n <= 0:
                    continue
                phase = (c * GOLDEN_PHASE) % 1.0
                c += 1
                for j, y in enumerate(years):
                    keep = math.ceil(n * (1.0 - (y - base) / life) - phase - 1e-9)
                    surviving[r, t, m, j] += min(max(keep, 0), n)
    return stock_base, surviving


def _facilities(loaded, at: dict, tiers: list[str]) -> np.ndarray | None:
    scn = loaded.scenario
    if not (scn.regions.facilities or "facilities" in loaded.tables):
        return None
    out = np.zeros((len(at), len(tiers)))
    for row in loaded.read("facilities", tables.FACILITIES).itertuples(index=False):
        if row.code in at:
            out[at[row.code], tiers.index(row.tier)] += row.facilities
    return out
