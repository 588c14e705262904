"""Validated, resolved inputs: the scenario's tables turned into arrays over regions x tiers x modalities x years.

Both the optimisation model and the independent verifier read these arrays, so the rules that turn raw
tables into numbers (population projection, demand, stock carry-forward and retirement, facility limits,
staff available, mobile reach) live here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.data import tables
from planner.errors import InputError, InputErrors, nearest
from planner.messages import Message, msg
from planner.config.scenario import LoadedScenario
from planner.config.schema import Scenario
from planner.data.travel import mobile_arcs, travel_minutes


@dataclass
class PlanInputs:
    scenario: Scenario
    regions: pd.DataFrame          # one row per region, in model order
    years: list[int]
    tiers: list[str]               # low rank (grassroots) to high
    modalities: list[str]
    exam_types: list[str]          # the fixed modalities; each mobile modality serves one of them
    serves: np.ndarray             # (M,) index into exam_types
    mobile: np.ndarray             # (M,) bool
    pop: np.ndarray                # (R, Y) residents
    stock_base: np.ndarray         # (R, T, M) units in service at the end of base_year
    surviving: np.ndarray          # (R, T, M, Y) of stock_base still in service in year y
    demand: np.ndarray             # (R, T, K, Y) thousand exams presenting at tier t
    allowed: np.ndarray            # (T, M) bool: may this tier hold this modality?
    limit: np.ndarray              # (R, T, M) max units in service (facility limit); inf = none
    facilities: np.ndarray | None  # (R, T)
    staff_available: np.ndarray    # (R, Y) imaging staff
    arcs: pd.DataFrame             # mobile reach: base, target (region indexes), minutes, efficiency
    budget_total_wan: float
    budget_year_wan: np.ndarray | None  # (Y,)
    minutes: np.ndarray | None = None   # (R, R) travel minutes between regions
    # configuration quotas (regions.quotas): one row per quota (code, m, t: -1 = every tier, cap over the
    # plan, row: its row in the file) and which regions each covers, (R, Q); None = no quota table
    quotas: pd.DataFrame | None = None
    quota_members: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    # legal but suspicious inputs, shown everywhere: message codes (str() is the English; JSON takes str())
    warnings: list[str | Message] = field(default_factory=list)
    source: LoadedScenario | None = None  # what these arrays were resolved from (the verifier re-reads it)

    # --- parameters per modality as arrays (M,) -------------------------------------------------
    def param(self, name: str) -> np.ndarray:
        return np.array([getattr(self.scenario.modalities[m], name) for m in self.modalities], dtype=float)

    @property
    def codes(self) -> list[str]:
        return self.regions["code"].tolist()

    def staff_limit(self) -> np.ndarray:
        """(R, Y) imaging staff the plan may use: the staff available, never below what the existing units
        and the units the presence rules require need. Existing units are never made infeasible by a short
        staff table, and a unit a policy mandates comes with its staff (hiring for it is part of the
        mandate); staff only limit the units beyond those."""
        spu = self.param("staff_per_unit")[None, None, :, None]
        floor = (np.maximum(self.surviving, self.min_units()) * spu).sum(axis=(1, 2))
        return np.maximum(self.staff_available, floor)

    def protected_units(self, target: np.ndarray | None = None) -> np.ndarray:
        """(R, M, Y) the units the base-year density (units at the end of the base year per resident) gives
        each plan year's residents, capped at the per-million target (``target``, default the scenario's):
        below this a region has lost capacity it had. 0 where a modality has no target."""
        target = self.param("target_per_million") if target is None else np.asarray(target, dtype=float)
        growth = 1.0 + self.scenario.years.population_growth_pct_per_year / 100.0
        pop_base = self.pop[:, 0] * growth ** (self.scenario.years.base_year - self.years[0])       # (R,)
        base_density = self.stock_base.sum(axis=1) * 1e6 / np.maximum(pop_base, 1.0)[:, None]      # (R, M)
        level = np.minimum(target[None, :], base_density)                                          # (R, M)
        return level[:, :, None] * self.pop[:, None, :] / 1e6

    def min_units(self) -> np.ndarray:
        """(R, T, M, Y) minimum units in service from the scenario's presence rules (0 = no rule)."""
        scn = self.scenario
        out = np.zeros((len(self.regions), len(self.tiers), len(self.modalities), len(self.years)))
        if not scn.constraints.min_presence or self.facilities is None:
            return out
        for rule in scn.policy.min_units:
            t, m = self.tiers.index(rule.tier), self.modalities.index(rule.modality)
            yrs = np.array(self.years) >= rule.from_year
            need = np.ceil(rule.per_facility * self.facilities[:, t] - 1e-9)
            out[:, t, m, yrs] = np.maximum(out[:, t, m, yrs], need[:, None])
        return out


def even_tranches(total_wan: float, years: int) -> np.ndarray:
    """Equal yearly caps that add up to the total (budget.even_yearly_tranches)."""
    return np.full(years, float(total_wan) / years)


def _regions(ls: LoadedScenario) -> pd.DataFrame:
    scn = ls.scenario
    path = ls.label("table")
    df = ls.read("table", tables.REGIONS)
    if scn.regions.include_parent:
        keep = df["code"].isin(scn.regions.include_parent)
        if "parent_code" in df.columns:
            keep |= df["parent_code"].isin(scn.regions.include_parent)
        if not keep.any():
            raise InputError(path, msg("inputs.no_region_in_parent", parents=list(scn.regions.include_parent)),
                             column="parent_code", fix=msg("inputs.fix_include_parent"))
        df = df[keep].reset_index(drop=True)
    df = df.reset_index(drop=True)  # region order is model order; file positions are not needed here
    if "name_en" not in df.columns:
        df["name_en"] = df["name_zh"]
    if "population_year" not in df.columns:
        df["population_year"] = float(scn.years.population_year)
    df["population_year"] = df["population_year"].fillna(scn.years.population_year)
    return df


# what _check_known looks up: the problem's code, and the fix's when no valid value is near
KNOWN = {"tier": ("inputs.unknown_tier", "inputs.fix_listed_tiers"),
         "modality": ("inputs.unknown_modality", "inputs.fix_listed_modalities"),
         "region": ("inputs.unknown_region_code", "inputs.fix_listed_region_codes")}  # a code not in the region table


def _check_known(df: pd.DataFrame, col: str, known, file: str, what: str) -> list[InputError]:
    """One error per row whose value in ``col`` is not among ``known`` (``what``: a key of KNOWN), with the
    nearest valid value."""
    valid = set(known)
    problem, listed = KNOWN[what]
    errs = []
    for i, value in enumerate(df[col]):
        if value not in valid:
            guess = nearest(value, valid)
            errs.append(InputError(file, msg(problem), row=int(df.index[i]) + 2, column=col, value=value,
                                   fix=msg("inputs.fix_did_you_mean", value=guess) if guess else
                                   msg(listed, examples=sorted(valid)[:5])))
    return errs


@dataclass
class _Dims:
    """The index sets every resolved array is laid out on."""

    codes: list[str]
    pos: dict[str, int]
    years: list[int]
    yrs: np.ndarray        # plan years as floats, for growth exponents
    tiers: list[str]
    mods: list[str]
    exam_types: list[str]
    base: int

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.codes), len(self.tiers), len(self.mods)


def resolve(ls: LoadedScenario) -> PlanInputs:
    """Read every table the scenario names and compute the arrays the model and verifier use."""
    scn = ls.scenario
    regions = _regions(ls)
    codes = regions["code"].tolist()
    years = scn.years.plan_years
    d = _Dims(codes, {c: i for i, c in enumerate(codes)}, years, np.array(years, dtype=float),
              scn.tiers_low_to_high, list(scn.modalities), scn.exam_types, scn.years.base_year)
    mobile = np.array([scn.modalities[m].mobile for m in d.mods])
    serves = np.array([d.exam_types.index(scn.serves(m)) for m in d.mods])
    notes: list[str] = []
    warnings: list[str | Message] = []
    pop = _population(scn, regions, d)
    # Eligibility: units per facility > 0 means the tier may hold the modality.
    allowed = np.array([[scn.units_per_facility(t, m) > 0 for m in d.mods] for t in d.tiers])
    if not scn.constraints.eligibility:
        allowed[:] = True
    stock_base, surviving = _stock_at_base_year(ls, d, allowed, warnings)
    if not stock_base.any():
        warnings.append(msg("inputs.no_existing_stock", file=ls.label("stock")))
    demand = _demand(scn, d, pop)
    _plausibility(scn, regions, d, warnings)
    facilities, limit = _facility_limits(ls, d, allowed, stock_base, mobile, warnings)
    staff_available = _staff_available(ls, d, regions, stock_base, notes, warnings)
    # Travel times (mobile reach and access).
    minutes = _travel(ls, regions, codes)
    mob = scn.mobile
    arcs = mobile_arcs(minutes, mob.max_travel_minutes, mob.max_neighbours, mob.working_minutes_per_day)
    quotas, quota_members = _quotas(ls, d, regions)
    budget_year = None
    if scn.budget.per_year_wan_cny is not None:
        budget_year = np.array(scn.budget.per_year_wan_cny, dtype=float)
    elif scn.budget.even_yearly_tranches:
        budget_year = even_tranches(scn.budget.net_wan_cny, len(years))
    return PlanInputs(
        scenario=scn, regions=regions, years=years, tiers=d.tiers, modalities=d.mods, exam_types=d.exam_types,
        serves=serves, mobile=mobile, pop=pop, stock_base=stock_base, surviving=surviving, demand=demand,
        allowed=allowed, limit=limit, facilities=facilities, staff_available=staff_available, arcs=arcs,
        budget_total_wan=scn.budget.net_wan_cny,
        budget_year_wan=budget_year, minutes=minutes, quotas=quotas, quota_members=quota_members, notes=notes,
        warnings=warnings, source=ls,
    )


def _population(scn, regions: pd.DataFrame, d: _Dims) -> np.ndarray:
    """(R, Y) residents: the census figure projected at a constant rate (same rate everywhere)."""
    g = scn.years.population_growth_pct_per_year / 100.0
    return regions["population"].to_numpy(float)[:, None] * (1 + g) ** (
        d.yrs[None, :] - regions["population_year"].to_numpy(float)[:, None])


def _stock_at_base_year(ls: LoadedScenario, d: _Dims, allowed: np.ndarray,
                        warnings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(R, T, M) existing units at the end of base_year, and (R, T, M, Y) how many of them are still in
    service in each plan year. Rows with an installation year retire after their service life; rows
    without one are carried from their reference year to base_year at the modality's growth rate,
    rounded to whole units and spread evenly in age (``_even_age_survivors``). A unit at a tier that may
    not hold its modality is refused."""
    scn = ls.scenario
    stock_path = ls.label("stock")
    st = ls.read("stock", tables.STOCK)
    errs = _check_known(st, "tier", d.tiers, str(stock_path), "tier")
    errs += _check_known(st, "modality", d.mods, str(stock_path), "modality")
    if errs:
        raise InputErrors(errs)
    in_scope = st["code"].isin(d.pos) if scn.regions.include_parent else pd.Series(True, index=st.index)
    errs = _check_known(st[in_scope], "code", d.codes, str(stock_path), "region")
    if errs:
        raise InputErrors(errs)
    st = st[in_scope].copy()
    shape_y = (*d.shape, len(d.years))
    if not len(st):  # no existing unit at all: legal (resolve warns), and nothing to carry forward
        return np.zeros(d.shape), np.zeros(shape_y)
    for col, default in (("reference_year", float(d.base)), ("installed_year", np.nan)):
        if col not in st.columns:
            st[col] = default
    st["reference_year"] = st["reference_year"].fillna(d.base)
    late = (st["installed_year"] > d.base).to_numpy()
    if late.any():
        i = int(np.flatnonzero(late)[0])
        year = int(st["installed_year"].iloc[i])
        raise InputError(str(stock_path), msg("inputs.installed_after_base", year=year, base=d.base),
                         row=int(st.index[i]) + 2, column="installed_year", value=year,
                         fix=msg("inputs.fix_installed_after_base"))
    dated = st["installed_year"].notna().to_numpy()
    growth = st["modality"].map(lambda m: scn.modalities[m].stock_growth_pct_per_year / 100.0).to_numpy(float)
    units = st["units"].to_numpy(float)
    factor = np.where(dated, 1.0, (1 + growth) ** (d.base - st["reference_year"].to_numpy(float)))
    carried = units * factor
    far = ~dated & (np.abs(d.base - st["reference_year"].to_numpy(float)) > 10) & (np.abs(factor - 1) > 1e-9)
    if far.any():
        i = int(np.flatnonzero(far)[0])
        warnings.append(msg("inputs.stock_far_from_base", file=str(stock_path), n=int(far.sum()), base=d.base,
                            row=int(st.index[i]) + 2, year=int(st["reference_year"].iloc[i]),
                            factor=float(factor[i])))
    whole = np.floor(carried + 0.5)
    ri = st["code"].map(d.pos).to_numpy()
    ti = st["tier"].map(d.tiers.index).to_numpy()
    mi = st["modality"].map(d.mods.index).to_numpy()
    life = np.array([scn.modalities[m].service_life_years for m in d.mods], dtype=float)
    undated = np.zeros(d.shape)
    np.add.at(undated, (ri[~dated], ti[~dated], mi[~dated]), whole[~dated])
    dated_base, cohorts = np.zeros(d.shape), np.zeros(shape_y)
    if dated.any():
        ends = st["installed_year"].to_numpy(float)[dated] + life[mi[dated]]   # first year out of service
        at = (ri[dated], ti[dated], mi[dated])
        np.add.at(dated_base, at, whole[dated] * (d.base < ends))
        np.add.at(cohorts, at, whole[dated][:, None] * (d.yrs[None, :] < ends[:, None]))
    stock_base = undated + dated_base
    bad = (stock_base > 0) & ~allowed[None, :, :]
    if bad.any() and scn.constraints.eligibility:
        r, t, m = (int(a[0]) for a in np.nonzero(bad))
        tier, mod = d.tiers[t], d.mods[m]
        hit = (st["code"] == d.codes[r]) & (st["tier"] == tier) & (st["modality"] == mod)
        row = int(st.index[hit.to_numpy()][0]) + 2  # the index keeps file positions (tables.validate_table)
        raise InputError(str(stock_path), msg("inputs.stock_at_ineligible_tier", modality=mod, tier=tier),
                         row=row, column="tier", value=tier,
                         fix=msg("inputs.fix_ineligible_tier", tier=tier, modality=mod))
    return stock_base, cohorts + _even_age_survivors(d, undated, life)


GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0  # 0.618...: phases from it are spread evenly (a low-discrepancy sequence)


def _even_age_survivors(d: _Dims, units: np.ndarray, life: np.ndarray) -> np.ndarray:
    """(R, T, M, Y) survivors of units whose installation years are unknown, taken to be spread evenly in
    age over their service life L.

    The N units of a cell have ages (j + phi) L / N, j = 0..N-1, so h years after base_year
    ceil(N (1 - h / L) - phi) of them are still in service. With one shared phase every region holding
    one unit would keep it (or lose it) in the same year; instead each modality's cells get phases
    phi_c = frac(c x 0.618...), c = 0, 1, ... over the cells holding units in the order of region code,
    then tier rank, which spreads single units' ages across regions: ten regions with one 10-year CT each
    keep 9, 8, 7, 6, 5 over five years, as an even age profile says, and each region's own count falls
    one whole unit at a time. The order is the codes', not the region table's rows, so reordering the
    table leaves every retirement (and the plan) as it was."""
    h = d.yrs - d.base                                                   # (Y,)
    phase = np.zeros(units.shape)
    by_code = np.argsort(np.array(d.codes, dtype=str), kind="stable")   # model rows in the order of their codes
    for m in range(units.shape[2]):
        held = units[by_code, :, m] > 0                                  # (R, T) in code order, then tier
        plane = np.zeros(held.shape)
        plane[held] = (np.arange(int(held.sum())) * GOLDEN) % 1.0       # row-major: code, then tier
        phase[by_code, :, m] = plane
    keep = np.ceil(units[..., None] * (1.0 - h[None, None, None, :] / life[None, None, :, None])
                   - phase[..., None] - 1e-9)
    return np.clip(keep, 0.0, units[..., None])


def _plausibility(scn, regions: pd.DataFrame, d: _Dims, warnings: list[str | Message]) -> None:
    """Legal values a planner should look at twice."""
    total = float(regions["population"].sum())
    if total > 1.5e9:
        # billions for the English, 亿 (10^8) for the Chinese
        warnings.append(msg("inputs.too_many_people", billions=total / 1e9, yi=total / 1e8))
    for m in d.exam_types:
        rate = scn.modalities[m].exam_rate_per_1000_per_year or 0.0
        if rate > 1000:
            warnings.append(msg("inputs.exam_rate_implausible", modality=m, rate=rate))


def _demand(scn, d: _Dims, pop: np.ndarray) -> np.ndarray:
    """(R, T, K, Y) thousand exams: residents x exam rate, grown from the rate's year, split by the tier
    where they present (the referral shares)."""
    demand = np.zeros((len(d.codes), len(d.tiers), len(d.exam_types), len(d.years)))
    if not scn.constraints.demand:
        return demand
    for k, m in enumerate(d.exam_types):
        mod = scn.modalities[m]
        dy = mod.demand_year or d.base
        per_capita = (mod.exam_rate_per_1000_per_year or 0.0) / 1000.0 * (
            1 + mod.demand_growth_pct_per_year / 100.0) ** (d.yrs - dy)
        exams_k = pop * per_capita[None, :] / 1000.0
        for t, tier in enumerate(d.tiers):
            demand[:, t, k, :] = exams_k * scn.referral[m].get(tier, 0.0)
    return demand


def _facility_limits(ls: LoadedScenario, d: _Dims, allowed: np.ndarray, stock_base: np.ndarray,
                     mobile: np.ndarray, warnings: list[str | Message]) -> tuple[np.ndarray | None, np.ndarray]:
    """Facilities by (region, tier), when a table is given, and (R, T, M) the most units a cell may hold:
    units per facility x facilities, never below what is already installed; 0 where not allowed. Mobile
    units count too: each is based at a facility of an eligible tier."""
    scn = ls.scenario
    facilities = None
    limit = np.full(d.shape, np.inf)
    if scn.regions.facilities or "facilities" in ls.tables:
        fpath = ls.label("facilities")
        fac = ls.read("facilities", tables.FACILITIES)
        errs = _check_known(fac, "tier", d.tiers, str(fpath), "tier")
        scope = fac["code"].isin(d.pos) if scn.regions.include_parent else pd.Series(True, index=fac.index)
        errs += _check_known(fac[scope], "code", d.codes, str(fpath), "region")
        if errs:
            raise InputErrors(errs)
        fac = fac[scope]
        listed = set(zip(fac["code"], fac["tier"]))
        gaps = [(c, t) for c in d.codes for t in d.tiers if (c, t) not in listed]
        if gaps and len(gaps) < len(d.codes) * len(d.tiers):
            shown = ", ".join(f"{c} {t}" for c, t in gaps[:5]) + (", ..." if len(gaps) > 5 else "")
            warnings.append(msg("inputs.facility_gaps", file=str(fpath), n=len(gaps), shown=shown))
        facilities = np.zeros(d.shape[:2])
        np.add.at(facilities, (fac["code"].map(d.pos).to_numpy(), fac["tier"].map(d.tiers.index).to_numpy()),
                  fac["facilities"].to_numpy(float))
        if scn.constraints.facility_limits:
            per = np.array([[scn.units_per_facility(t, m) for m in d.mods] for t in d.tiers])
            # Fixed and mobile units alike: a mobile unit is based at a facility of a tier that may hold
            # it (eligibility gives how many per facility), so a region without one cannot base it.
            limit = np.maximum(facilities[:, :, None] * per[None, :, :], stock_base)
    return facilities, np.where(allowed[None, :, :], limit, 0.0)


def _staff_available(ls: LoadedScenario, d: _Dims, regions: pd.DataFrame, stock_base: np.ndarray,
                     notes: list[str], warnings: list[str | Message]) -> np.ndarray:
    """(R, Y) staff: a planner's table, or the staff the existing units need plus headroom (never below a
    per-million floor), growing each year."""
    scn = ls.scenario
    spu = np.array([scn.modalities[m].staff_per_unit for m in d.mods])
    need_base = (stock_base * spu[None, None, :]).sum(axis=(1, 2))
    sf = scn.staffing
    staff0 = np.maximum(need_base * (1 + sf.headroom_pct / 100.0),
                        sf.min_staff_per_million * regions["population"].to_numpy(float) / 1e6)
    staff_available = staff0[:, None] * (1 + sf.growth_pct_per_year / 100.0) ** (d.yrs[None, :] - d.base)
    if scn.regions.staff or "staff" in ls.tables:
        spath = ls.label("staff")
        stf = ls.read("staff", tables.STAFF)
        errs = _check_known(stf, "code", d.codes, str(spath), "region")
        if errs:
            raise InputErrors(errs)
        outside = []
        for i, row in stf.iterrows():
            r = d.pos[row["code"]]
            if "year" in stf.columns and not np.isnan(row.get("year", np.nan)):
                if int(row["year"]) in d.years:
                    staff_available[r, d.years.index(int(row["year"]))] = row["staff"]
                else:
                    outside.append((int(i) + 2, int(row["year"])))
            else:
                staff_available[r, :] = row["staff"] * (1 + sf.growth_pct_per_year / 100.0) ** (d.yrs - d.base)
        notes.append(f"staff available read from {spath}")
        if outside:
            rows = [msg("inputs.staff_row", row=r, year=y) for r, y in outside[:5]] + (["..."] if len(outside) > 5 else [])
            warnings.append(msg("inputs.staff_outside_plan", file=str(spath), n=len(outside), first=d.years[0],
                                last=d.years[-1], rows=rows))
    return staff_available


def admin_ancestors(code: str) -> set[str]:
    """The prefecture and province a six-digit administrative code (GB/T 2260) lies in: 510104 is in
    510100 and 510000. Other codes have none (a planner's own codes say their parent in parent_code)."""
    if len(code) != 6 or not code.isdigit():
        return set()
    return {code[:4] + "00", code[:2] + "0000"} - {code}


def _quotas(ls: LoadedScenario, d: _Dims, regions: pd.DataFrame) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    """The quota table: each row's modality, tier and cap (times quotas.cap_scale), and the regions it covers:
    the region with its code, those whose parent_code it is, and those its administrative code contains. A
    row that covers no region is refused, unless the scenario keeps only some regions (include_parent):
    then a quota elsewhere does not apply."""
    scn = ls.scenario
    if not (scn.regions.quotas or "quotas" in ls.tables):
        return None, None
    path = str(ls.label("quotas"))
    q = ls.read("quotas", tables.QUOTAS)
    if "tier" not in q.columns:
        q["tier"] = None
    errs = _check_known(q, "modality", d.mods, path, "modality")
    tiered = q["tier"].notna() & (q["tier"].astype(str) != "")
    errs += _check_known(q[tiered], "tier", d.tiers, path, "tier")
    if errs:
        raise InputErrors(errs)
    parents = regions["parent_code"].astype(str).to_numpy() if "parent_code" in regions.columns else \
        np.full(len(regions), "")
    covers = [{c, p, *admin_ancestors(c)} for c, p in zip(d.codes, parents)]
    members, kept = [], []
    for i, row in q.iterrows():
        code = str(row["code"])
        inside = np.array([code in cov for cov in covers], dtype=bool)
        if not inside.any():
            if scn.regions.include_parent:
                continue
            raise InputError(path, msg("inputs.quota_no_region", quota=code), row=int(i) + 2, column="code",
                             value=code, fix=msg("inputs.fix_quota_code"))
        members.append(inside)
        kept.append(i)
    q = q.loc[kept]
    table = pd.DataFrame({
        "code": q["code"].astype(str).to_numpy(),
        "m": [d.mods.index(m) for m in q["modality"]],
        "t": [d.tiers.index(t) if isinstance(t, str) and t else -1 for t in q["tier"]],
        "cap": q["max_new_units"].to_numpy(float) * scn.quotas.cap_scale,
        "row": np.asarray(kept, dtype=int) + 2,
    })
    return table, (np.column_stack(members) if members else np.zeros((len(d.codes), 0), dtype=bool))


def _travel(ls: LoadedScenario, regions: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """(R, R) travel minutes: the planner's table (minutes, or road km at mobile.speed_km_per_h; pairs or
    a road graph's edges), else centroid great-circle distance x detour factor at that speed."""
    scn, mob = ls.scenario, ls.scenario.mobile
    if not (scn.regions.travel or "travel" in ls.tables):
        return travel_minutes(regions, mob.detour_factor, mob.speed_km_per_h)
    tpath = str(ls.label("travel"))
    matrix = ls.read("travel", tables.TRAVEL)
    if "minutes" not in matrix.columns and "km" not in matrix.columns:
        raise InputError(tpath, msg("inputs.travel_no_minutes_or_km"), fix=msg("inputs.fix_travel_column"))
    if "minutes" not in matrix.columns or matrix["minutes"].isna().all():
        # Road km at the scenario's speed; the detour factor is for straight lines, not roads.
        matrix["minutes"] = matrix["km"] / mob.speed_km_per_h * 60.0
    errs = _check_known(matrix, "from_code", codes, tpath, "region")
    errs += _check_known(matrix, "to_code", codes, tpath, "region")
    if errs and not scn.regions.include_parent:
        raise InputErrors(errs)
    if not scn.regions.travel_is_road_graph:
        return travel_minutes(regions, mob.detour_factor, mob.speed_km_per_h, matrix)
    from planner.data.travel import shortest_path_matrix

    known = matrix["from_code"].isin(codes) & matrix["to_code"].isin(codes)
    graph = shortest_path_matrix(codes, matrix[known], "minutes")
    # Regions the road graph does not connect keep the centroid estimate rather than 'unreachable'.
    centroid = travel_minutes(regions, mob.detour_factor, mob.speed_km_per_h)
    return np.where(np.isfinite(graph), graph, centroid)
