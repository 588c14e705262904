"""An independent check of a returned plan, written without Pyomo.

It starts from the inputs and the result tables only (the purchases in ``plan`` and the exam flows in
``flows`` and ``mobile``), recomputes units in service, spend, staff, capacity, demand balance and
densities with its own arithmetic, and lists every violation in words a planner can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.planning.access import access_table
from planner.planning.families import families, spend_from_plan, unit_differences
from planner.planning.families.spec import TOL, tolerance as _tol
from planner.planning.reference import Reference, budget_caps, rederive
from planner.data.inputs import PlanInputs
from planner.config.schema import CNY_PER_WAN
from planner.messages import Message, msg

@dataclass
class VerifierReport:
    ok: bool
    violations: list[str]               # in English
    checked: dict[str, int] = field(default_factory=dict)
    recomputed: dict[str, float] = field(default_factory=dict)
    messages: list[Message | str] = field(default_factory=list)   # the same as message codes (any language)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "violations": self.violations, "checked": self.checked,
                "recomputed": self.recomputed}


def purchases(inp: PlanInputs, plan: pd.DataFrame) -> np.ndarray:
    """(R, T, M, Y) new units from the plan table."""
    R, T, M, Y = len(inp.regions), len(inp.tiers), len(inp.modalities), len(inp.years)
    x = np.zeros((R, T, M, Y))
    if len(plan):
        ri = plan["region_code"].astype(str).map({c: i for i, c in enumerate(inp.codes)})
        ti = plan["tier"].map({t: i for i, t in enumerate(inp.tiers)})
        mi = plan["modality"].map({m: i for i, m in enumerate(inp.modalities)})
        yi = plan["year"].map({y: i for i, y in enumerate(inp.years)})
        if ri.isna().any() or ti.isna().any() or mi.isna().any() or yi.isna().any():
            raise ValueError("the plan names a region, tier, modality or year not in the inputs")
        np.add.at(x, (ri.to_numpy(int), ti.to_numpy(int), mi.to_numpy(int), yi.to_numpy(int)),
                  plan["new_units"].to_numpy(float))
    return x


def in_service(inp: PlanInputs, x: np.ndarray, surviving: np.ndarray | None = None) -> np.ndarray:
    """Units in service: survivors of the existing stock plus new units still within their service life."""
    life = np.array([inp.scenario.modalities[m].service_life_years for m in inp.modalities])
    Y = len(inp.years)
    out = (inp.surviving if surviving is None else surviving).copy()
    for y in range(Y):
        for q in range(y + 1):
            alive = (y - q) < life  # (M,)
            out[:, :, :, y] += x[:, :, :, q] * alive[None, None, :]
    return out


class _Check:
    """What every check reads (inputs, purchases, units in service) and where it writes (violations, counts)."""

    def __init__(self, inp: PlanInputs, plan: pd.DataFrame):
        self.inp, self.scn, self.plan = inp, inp.scenario, plan
        self.v: list[Message | str] = []
        self.flows: pd.DataFrame | None = None   # the plan's flows table, set by verify() before the checks
        self.checked: dict[str, int] = {}
        # the arrays the plan is checked against: derived again from the scenario and its tables
        # (planning/reference.py), or, for inputs built in memory without a scenario, the resolved ones
        if inp.source is not None:
            self.ref = rederive(inp.source, inp.codes, inp.regions, inp.years, inp.tiers, inp.modalities,
                                inp.exam_types)
        else:
            growth = 1.0 + inp.scenario.years.population_growth_pct_per_year / 100.0
            self.ref = Reference(inp.pop, inp.demand, inp.stock_base, inp.surviving, inp.limit, inp.min_units(),
                                 inp.staff_limit(), inp.pop[:, 0] * growth ** (inp.scenario.years.base_year - inp.years[0]))
        self.x = purchases(inp, plan)
        self.n = in_service(inp, self.x, self.ref.surviving)
        self.ridx = {c: i for i, c in enumerate(inp.codes)}
        self._names = inp.regions["name_zh"].to_numpy()
        # what units in service do beyond their modality's capacity and staff (supply.py's classes)
        self.beyond = unit_differences(self, self.n.shape)

    def where(self, r, y=None) -> str | Message:
        """'成都市 (510100)', or with a year the message '成都市 (510100) in 2027' (str() of it)."""
        place = f"{self._names[r]} ({self.inp.codes[r]})"
        return place if y is None else msg("verify.place_year", place=place, year=int(self.inp.years[y]))

    def index_of(self, table: pd.DataFrame, column: str) -> np.ndarray:
        """Positions of a result table's region, tier, modality, exam type or year column in the inputs."""
        inp = self.inp
        if column == "region_code":
            return table[column].astype(str).map(self.ridx).to_numpy(int)
        order = {"tier": inp.tiers, "modality": inp.modalities, "exam_type": inp.exam_types, "year": inp.years}[column]
        return table[column].map({k: i for i, k in enumerate(order)}).to_numpy(int)


def verify(inp: PlanInputs, plan: pd.DataFrame, flows: pd.DataFrame, mobile: pd.DataFrame,
           units_table: pd.DataFrame | None = None, regions_table: pd.DataFrame | None = None,
           weighted_sum: float | None = None) -> VerifierReport:
    """``weighted_sum``: the objective the model reports for this plan (its scenario weights); it is
    recomputed here from the tables, and a plan that costs more than the model reports is a violation."""
    c = _Check(inp, plan)
    c.flows, c.mobile = flows, mobile   # what the families' checks read for exam flows and mobile deliveries
    _check_inputs_agree(c)
    _check_purchases(c)
    _check_eligibility(c)
    for family in families():   # each family's own check (facility limits, presence rules, staff, ...)
        if family.verify is not None:
            family.verify(c)
    spend_y, capex_y = _check_budget(c)
    dens = _check_density(c)
    served, mob_in, unmet = _check_flows(c, flows)
    _check_mobile(c, mobile)
    _check_reported_tables(c, units_table, regions_table, dens)
    extra = _access_equity(inp, c.n, dens, mobile, c.v, c.checked)
    extra["weighted_sum_objective"] = objective_from_tables(inp, c.x, c.n, flows, mobile, c.ref, plan)
    # The model's value can only be higher (an unproven incumbent may carry more target shortfall than its
    # units leave); a plan that truly costs more than the model says is wrong.
    if weighted_sum is not None and extra["weighted_sum_objective"] > weighted_sum + \
            1e-6 * max(1.0, abs(weighted_sum)) + 1e-3:
        c.v.append(msg("verify.objective_above", got=float(extra["weighted_sum_objective"]), model=float(weighted_sum)))
    recomputed = {
        **extra,
        "spend_total_wan_cny": float(spend_y.sum()),
        "capex_total_wan_cny": float(capex_y.sum()),
        "units_bought": float(c.x.sum()),
        "unmet_thousand_exams": float(unmet.sum()),
        "demand_thousand_exams": float(c.ref.demand.sum()),
        "served_thousand_exams": float((served + mob_in).sum()),
    }
    return VerifierReport(ok=not c.v, violations=[str(v) for v in c.v], checked=c.checked, recomputed=recomputed,
                          messages=list(c.v))


def _check_inputs_agree(c: _Check) -> None:
    """The arrays the model was built from say what the scenario and its tables say."""
    inp, ref = c.inp, c.ref
    pairs = (("verify.what_residents", inp.pop, ref.pop, ("r", "y")),
             ("verify.what_demand", inp.demand, ref.demand, ("r", "t", "k", "y")),
             ("verify.what_surviving", inp.surviving, ref.surviving, ("r", "t", "m", "y")),
             ("verify.what_limits", inp.limit, ref.limit, ("r", "t", "m")),
             ("verify.what_presence", inp.min_units(), ref.presence, ("r", "t", "m", "y")))
    if ref.staff is not None:
        pairs += (("verify.what_staff", inp.staff_limit(), ref.staff, ("r", "y")),)
    for what, got, want, axes in pairs:
        same = np.isclose(got, want, rtol=1e-9, atol=1e-9) | (np.isinf(got) & np.isinf(want))
        if same.all():
            continue
        first = tuple(int(i[0]) for i in np.nonzero(~same))
        names = {"r": lambda i: c.where(i), "t": lambda i: inp.tiers[i], "m": lambda i: inp.modalities[i],
                 "k": lambda i: inp.exam_types[i], "y": lambda i: str(inp.years[i])}
        cell = ", ".join(names[a](i) for a, i in zip(axes, first))
        c.v.append(msg("verify.inputs_differ", what=msg(what), n=int((~same).sum()), cell=cell,
                       got=float(got[first]), want=float(want[first])))
    c.checked["inputs"] = len(pairs)


def _check_purchases(c: _Check) -> None:
    """Whole units where the modality is bought in whole units, and no negative purchase."""
    inp, x = c.inp, c.x
    integer = np.array([c.scn.modalities[m].integer for m in inp.modalities])
    frac = np.abs(x - np.round(x)) > 1e-6
    frac[:, :, ~integer, :] = False
    for r, t, m, y in zip(*np.nonzero(frac)):
        c.v.append(msg("verify.not_whole", where=c.where(r, y), x=float(x[r, t, m, y]), mod=inp.modalities[m],
                       tier=inp.tiers[t]))
    for r, t, m, y in zip(*np.nonzero(x < -1e-9)):
        c.v.append(msg("verify.negative_purchase", where=c.where(r, y), mod=inp.modalities[m], tier=inp.tiers[t]))
    c.checked["purchases"] = int(x.size)


def _check_eligibility(c: _Check) -> None:
    inp = c.inp
    if c.scn.constraints.eligibility:
        bad = (c.x.sum(axis=3) > 1e-9) & ~inp.allowed[None, :, :]
        for r, t, m in zip(*np.nonzero(bad)):
            c.v.append(msg("verify.not_eligible", where=c.where(r), mod=inp.modalities[m], tier=inp.tiers[t]))
        c.checked["eligibility"] = int(bad.size)


def _check_budget(c: _Check) -> tuple[np.ndarray, np.ndarray]:
    """Total and yearly spend against the budget, and each plan row's capital cost. Returns the spend by
    year and the capital cost by year."""
    inp, scn, x, n, plan = c.inp, c.scn, c.x, c.n, c.plan
    price = inp.param("price_wan_cny")
    opex = inp.param("running_cost_wan_cny_per_year")
    capex_y = (x * price[None, None, :, None]).sum(axis=(0, 1, 2))
    run_y = ((n - c.ref.surviving) * opex[None, None, :, None]).sum(axis=(0, 1, 2))
    spend_y = capex_y + (run_y if scn.budget.include_running_cost else 0.0)
    # the families' changes from the plan table and the scenario (leased units pay their payments instead of
    # their price, domestic units their own price: ConstraintFamily.plan_spend), as the results count them
    counted = spend_from_plan(scn, list(inp.years), plan, spend_y)
    spend_y = counted.by_year
    if scn.constraints.budget:
        # the budget is read from the scenario (reference.budget_caps), not from the model's arrays
        total, per_year = budget_caps(scn.budget, len(inp.years))
        _check_budget_inputs(c, total, per_year)
        # money after the plan counts against the total when a family says so (leasing.py's payments)
        spent = float(spend_y.sum()) + counted.after
        if spent > total + _tol(total):
            b = scn.budget
            c.v.append(msg("verify.over_budget_committed", spend=spent, budget=float(total),
                           total=float(b.total_wan_cny), committed=float(b.committed_wan_cny)) if b.committed_wan_cny
                       else msg("verify.over_budget", spend=spent, budget=float(total)))
        if per_year is not None and len(per_year) == len(spend_y):
            for y in np.flatnonzero(spend_y > per_year + _tol(per_year)):
                c.v.append(msg("verify.over_year_budget", year=int(inp.years[y]), spend=float(spend_y[y]),
                               budget=float(per_year[y])))
        c.checked["budget"] = 1 + (0 if per_year is None else len(per_year))
    if len(plan):
        # at what the row's units cost: the modality's price, changed as the families count it (supply.py)
        expect = (plan["new_units"].to_numpy(float) * plan["modality"].map(
            dict(zip(inp.modalities, price))).to_numpy(float) + counted.rows) * CNY_PER_WAN
        bad = np.abs(plan["capex_cny"].to_numpy(float) - expect) > _tol(expect)
        for i in np.flatnonzero(bad):
            c.v.append(msg("verify.capex_row", i=int(i), got=float(plan["capex_cny"].iloc[i]), want=float(expect[i])))
    return spend_y, capex_y


def _check_budget_inputs(c: _Check, total: float, per_year: np.ndarray | None) -> None:
    """The budget the model was built with is the scenario's."""
    inp = c.inp
    if not np.isclose(inp.budget_total_wan, total, rtol=1e-9, atol=1e-6):
        c.v.append(msg("verify.budget_differs", model=float(inp.budget_total_wan), scenario=float(total)))
    got = inp.budget_year_wan
    if (got is None) != (per_year is None):
        c.v.append(msg("verify.year_caps_model_none" if got is None else "verify.year_caps_scenario_none"))
    elif per_year is not None:
        if len(per_year) != len(inp.years):
            c.v.append(msg("verify.year_budget_count", n=len(per_year), years=len(inp.years)))
        elif not np.allclose(got, per_year, rtol=1e-9, atol=1e-6):
            y = int(np.flatnonzero(~np.isclose(got, per_year, rtol=1e-9, atol=1e-6))[0])
            c.v.append(msg("verify.year_budget_differs", year=int(inp.years[y]), model=float(got[y]),
                           scenario=float(per_year[y])))


def _check_density(c: _Check) -> np.ndarray:
    """Hard per-million targets. Returns the density after the plan, (R, M, Y) units per million."""
    inp, scn = c.inp, c.scn
    target = inp.param("target_per_million")
    dens = c.n.sum(axis=1) / c.ref.pop[:, None, :] * 1e6
    if scn.constraints.density_targets:
        for m in range(len(inp.modalities)):
            if scn.modalities[inp.modalities[m]].target_hard and target[m] > 0:
                for r, y in zip(*np.nonzero(dens[:, m, :] < target[m] * (1 - 1e-6) - 1e-9)):
                    c.v.append(msg("verify.below_target", where=c.where(r, y), mod=inp.modalities[m],
                                   density=float(dens[r, m, y]), target=float(target[m])))
    return dens


def _check_flows(c: _Check, flows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand balance and fixed-unit capacity, from the flows table. Returns served, mobile and unmet
    thousand exams, each (R, T, K, Y)."""
    inp, scn = c.inp, c.scn
    R, T, K, Y = inp.demand.shape
    at = tuple(c.index_of(flows, col) for col in ("region_code", "tier", "exam_type", "year"))

    def grid(col):
        a = np.zeros((R, T, K, Y))
        np.add.at(a, at, flows[col].to_numpy(float))
        return a

    served, mob_in, ref_in, ref_up, unmet = (grid(col) for col in ("served_fixed_k", "served_mobile_k",
                                                                    "referred_in_k", "referred_up_k", "unmet_k"))
    sent, received = (grid(col) if col in flows else np.zeros((R, T, K, Y))
                      for col in ("sent_in_catchment_k", "received_in_catchment_k"))
    _check_catchment(c, sent, received)
    for name, a in (("verify.flow_served", served), ("verify.flow_mobile", mob_in), ("verify.flow_referred", ref_up),
                    ("verify.flow_unmet", unmet)):
        if (a < -1e-7).any():
            c.v.append(msg("verify.negative_flow", what=msg(name)))
    if (ref_up[:, -1] > 1e-7).any():
        c.v.append(msg("verify.referred_from_top"))
    if (mob_in[:, 1:] > 1e-7).any():
        c.v.append(msg("verify.mobile_not_lowest"))
    # referrals only go up: what leaves tier t arrives at tier t+1
    if not np.allclose(ref_up[:, :-1], ref_in[:, 1:], atol=1e-6) or (ref_in[:, 0] > 1e-7).any():
        c.v.append(msg("verify.referrals_mismatch"))
    if scn.constraints.demand:
        lhs = served + mob_in + ref_up + unmet - ref_in + sent - received
        demand = c.ref.demand
        bad = np.abs(lhs - demand) > _tol(demand) * 10
        for r, t, k, y in zip(*np.nonzero(bad)):
            c.v.append(msg("verify.unbalanced", where=c.where(r, y), mod=inp.exam_types[k], tier=inp.tiers[t],
                           lhs=float(lhs[r, t, k, y]), demand=float(demand[r, t, k, y])))
        c.checked["demand_balance"] = int(lhs.size)
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0
    if scn.constraints.capacity:
        capacity = np.zeros((R, T, K, Y))
        for m in np.flatnonzero(~inp.mobile):
            capacity[:, :, inp.serves[m], :] += cap[m] * c.n[:, :, m, :] + c.beyond.capacity[:, :, m, :] / 1000.0
        bad = served > capacity + _tol(capacity) * 10
        for r, t, k, y in zip(*np.nonzero(bad)):
            c.v.append(msg("verify.over_capacity", where=c.where(r, y), x=float(served[r, t, k, y]),
                           mod=inp.exam_types[k], tier=inp.tiers[t], cap=float(capacity[r, t, k, y])))
        c.checked["capacity"] = int(served.size)
    return served, mob_in, unmet


def _check_catchment(c: _Check, sent: np.ndarray, received: np.ndarray) -> None:
    """Top-tier exams served in another region: only with catchment.top_tier = 'parent', only at the top
    tier, and what a parent's regions send equals what its regions receive (the regions table's
    parent_code, read here on its own)."""
    inp = c.inp
    if (sent < -1e-7).any() or (received < -1e-7).any():
        c.v.append(msg("verify.catchment_negative"))
    moved = (sent > 1e-7).any() or (received > 1e-7).any()
    if not moved:
        return
    if c.scn.catchment.top_tier != "parent":
        c.v.append(msg("verify.catchment_region"))
        return
    if (sent[:, :-1] > 1e-7).any() or (received[:, :-1] > 1e-7).any():
        c.v.append(msg("verify.catchment_below_top"))
    parents = inp.regions["parent_code"].astype(str).to_numpy()
    for p in np.unique(parents):
        at = parents == p
        out, into = sent[at, -1].sum(axis=0), received[at, -1].sum(axis=0)          # (K, Y)
        for k, y in zip(*np.nonzero(np.abs(out - into) > _tol(out) * 10 + 1e-6)):
            c.v.append(msg("verify.catchment_unbalanced", parent=str(p), out=float(out[k, y]), mod=inp.exam_types[k],
                           year=int(inp.years[y]), into=float(into[k, y])))
    c.checked["catchment"] = int(len(np.unique(parents)))


def _check_mobile(c: _Check, mobile: pd.DataFrame) -> None:
    """Mobile deliveries only along reachable arcs, within the capacity of the units at their base."""
    if not len(mobile):
        return
    inp = c.inp
    R, Y = len(inp.regions), len(inp.years)
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0
    mob = c.scn.mobile
    used = np.zeros((R, len(inp.modalities), Y))
    for row in mobile.itertuples(index=False):
        b, t = c.ridx[str(row.base_code)], c.ridx[str(row.target_code)]
        minutes = 0.0 if b == t else float(inp.minutes[b, t]) if inp.minutes is not None else np.inf
        # the scenario's rule: within mobile.max_travel_minutes, losing the round trip from the working day
        e = 1.0 - 2.0 * minutes / mob.working_minutes_per_day
        if minutes > mob.max_travel_minutes or e <= 0.05:
            c.v.append(msg("verify.mobile_out_of_reach", mod=str(row.modality), base=str(row.base_code),
                           target=str(row.target_code), minutes=float(minutes)))
            continue
        used[c.ridx[str(row.base_code)], inp.modalities.index(row.modality), inp.years.index(row.year)] += row.exams_k / e
    mob_cap = c.n.sum(axis=1) * cap[None, :, None]
    for r, m, y in zip(*np.nonzero(used > mob_cap + _tol(mob_cap) * 10)):
        c.v.append(msg("verify.mobile_over_capacity", where=c.where(r, y), mod=inp.modalities[m],
                       used=float(used[r, m, y]), cap=float(mob_cap[r, m, y])))
    c.checked["mobile"] = len(mobile)


def _check_reported_tables(c: _Check, units_table: pd.DataFrame | None, regions_table: pd.DataFrame | None,
                           dens: np.ndarray) -> None:
    """The units and regions tables say what the recomputation says."""
    n = c.n
    if units_table is not None and len(units_table):
        ut = units_table
        rr, tt, mm, yy = (c.index_of(ut, col) for col in ("region_code", "tier", "modality", "year"))
        diff = np.abs(ut["in_service"].to_numpy(float) - n[rr, tt, mm, yy]) > 1e-4
        for i in np.flatnonzero(diff)[:20]:
            c.v.append(msg("verify.units_row", i=int(i), got=_plain(ut["in_service"].iloc[i]),
                           want=_plain(n[rr[i], tt[i], mm[i], yy[i]])))
    if regions_table is not None and len(regions_table):
        rt = regions_table
        rr, mm, yy = (c.index_of(rt, col) for col in ("region_code", "modality", "year"))
        d = dens[rr, mm, yy]
        bad = np.abs(rt["density_after_per_million"].to_numpy(float) - d) > 1e-6 * np.maximum(1, d)
        for i in np.flatnonzero(bad)[:20]:
            c.v.append(msg("verify.regions_row", i=int(i), got=float(rt["density_after_per_million"].iloc[i]),
                           want=float(d[i])))


def _plain(value):
    """A numpy number as the Python number it prints as (a message's parameters go into summary.json)."""
    return value.item() if isinstance(value, np.generic) else value


def _access_equity(inp: PlanInputs, n: np.ndarray, dens: np.ndarray, mobile: pd.DataFrame, v: list[Message | str],
                   checked: dict[str, int]) -> dict[str, float]:
    """The access rule and the epsilon bounds, recomputed from the plan in the last plan year."""
    scn = inp.scenario
    acc, eq = scn.access, scn.equity
    out: dict[str, float] = {}
    target = inp.param("target_per_million")
    largest = 0.0
    for name in scn.equity_modalities:
        m = inp.modalities.index(name)
        short = float(np.maximum(target[m] - dens[:, m, -1], 0.0).max()) if len(dens) else 0.0
        largest = max(largest, short)
        if eq.max_shortfall_per_million is not None and short > eq.max_shortfall_per_million + 1e-4:
            v.append(msg("verify.shortfall_above_bound", mod=name, year=int(inp.years[-1]), short=short,
                         bound=float(eq.max_shortfall_per_million)))
    out["largest_shortfall_per_million"] = largest
    if not acc.exam_types or inp.minutes is None:
        return out
    at = access_table(inp, n[..., -1], mobile)
    longest = 0.0
    for name, g in at.groupby("exam_type", sort=False):
        far = g[~g["within_limit_after"]]
        if acc.require_within_limit:
            for row in far.head(20).itertuples(index=False):
                v.append(msg("verify.beyond_limit", place=f"{row.region_name} ({row.region_code})", mod=str(name),
                             minutes=float(row.minutes_after), year=int(inp.years[-1]), limit=float(acc.limit_minutes)))
        worst = float(np.minimum(g["minutes_after"], acc.cap_minutes).max())
        longest = max(longest, worst)
        if eq.max_travel_minutes is not None and worst > eq.max_travel_minutes + 1e-4:
            v.append(msg("verify.travel_above_bound", mod=str(name), worst=worst, bound=float(eq.max_travel_minutes)))
        out[f"people_beyond_limit_{name}"] = float(far["population"].sum())
    out["longest_travel_minutes"] = longest
    checked["access"] = len(at)
    return out


def objective_from_tables(inp: PlanInputs, x: np.ndarray, n: np.ndarray, flows: pd.DataFrame,
                          mobile: pd.DataFrame, ref: Reference, plan: pd.DataFrame | None = None) -> float:
    """The scenario's weighted-sum objective of a plan, from its tables (README, "Objective"): unmet and
    referred exams, mobile exams away from base, units short of soft targets, money (each year discounted at
    weights.discount_rate_pct; purchases at full price or annualised over their service inside the plan,
    weights.capital_valuation), each family's own terms (ConstraintFamily.objective_from_tables: leased units'
    payments instead of their price from ``plan``'s leased_units, remote reads and hires), and travel to the
    nearest unit (capped) plus residents beyond the limit when [access] is on (the last plan year,
    undiscounted)."""
    scn, w = inp.scenario, inp.scenario.weights
    pop = ref.pop
    rate = w.discount_rate_pct / 100.0
    first = inp.years[0]

    def disc(years) -> np.ndarray:
        return (1.0 + rate) ** -(np.asarray(years, dtype=float) - first)

    fd = disc(flows["year"])
    tier_w = flows["tier"].map({t: scn.tiers[t].unmet_weight for t in inp.tiers}).to_numpy(float)
    total = w.unmet_wan_cny_per_thousand_exams * float((flows["unmet_k"].to_numpy(float) * tier_w * fd).sum())
    total += w.referral_wan_cny_per_thousand_exams * float((flows["referred_up_k"].to_numpy(float) * fd).sum())
    if "sent_in_catchment_k" in flows:  # a top-tier exam served in another region: one referral's cost
        total += w.referral_wan_cny_per_thousand_exams * float((flows["sent_in_catchment_k"].to_numpy(float) * fd).sum())
    if len(mobile):
        away = (mobile["base_code"].astype(str) != mobile["target_code"].astype(str)).to_numpy()
        total += w.mobile_away_wan_cny_per_thousand_exams * float(
            (mobile["exams_k"].to_numpy(float) * disc(mobile["year"]))[away].sum())
    yd = disc(inp.years)                                                             # (Y,)
    target = inp.param("target_per_million")
    if scn.constraints.density_targets:
        need = target[None, :, None] * pop[:, None, :] / 1e6                         # (R, M, Y)
        short = np.where(need > 0, np.maximum(need - n.sum(axis=1), 0.0), 0.0)
        short_w = np.array([scn.shortfall_weight(m) for m in inp.modalities])            # (M,)
        total += float((short * short_w[None, :, None] * yd[None, None, :]).sum())
        factor = w.shortfall_below_base_year_factor
        if factor > 1:
            # units missing below the base-year density (capped at the target) weigh factor x in all:
            # (factor - 1) more on top of the shortfall above
            density0 = ref.stock_base.sum(axis=1) * 1e6 / np.maximum(ref.pop_base, 1.0)[:, None]   # (R, M)
            keep = np.minimum(target[None, :], density0)[:, :, None] * pop[:, None, :] / 1e6
            lost = np.where(need > 0, np.maximum(keep - n.sum(axis=1), 0.0), 0.0)
            total += (factor - 1.0) * float((lost * short_w[None, :, None] * yd[None, None, :]).sum())
    price = inp.param("price_wan_cny")
    money = 0.0
    for m, name in enumerate(inp.modalities):
        life = scn.modalities[name].service_life_years
        for q in range(len(inp.years)):
            if w.capital_valuation == "annualised":
                annuity = 1.0 / life if rate == 0 else rate / (1.0 - (1.0 + rate) ** -life)
                value = annuity * sum(yd[y] for y in range(q, min(q + life, len(inp.years))))
            else:
                value = yd[q]
            money += float(x[:, :, m, q].sum()) * price[m] * value
    if scn.budget.include_running_cost:
        money += float((n * inp.param("running_cost_wan_cny_per_year")[None, None, :, None] * yd).sum())
    total += w.cost_weight * money
    for family in families():   # e.g. leased units' payments instead of their price, remote reads and hires
        if family.objective_from_tables is not None:
            total += family.objective_from_tables(inp, plan, flows, mobile, ref, n, disc)
    acc = scn.access
    if acc.exam_types and inp.minutes is not None:
        at = access_table(inp, n[..., -1], mobile)
        minutes = np.minimum(at["minutes_after"].to_numpy(float), acc.cap_minutes)
        pop = at["population"].to_numpy(float)
        total += acc.travel_wan_cny_per_million_person_minutes * float(pop @ minutes) / 1e6
        total += acc.beyond_limit_wan_cny_per_thousand_people * float(pop[~at["within_limit_after"]].sum()) / 1e3
    return total
