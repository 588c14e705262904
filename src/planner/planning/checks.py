"""Pre-solve checks: impossibilities that can be seen without a solver, said in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.data.inputs import PlanInputs
from planner.messages import Message, msg
from planner.planning.families import families


@dataclass
class CheckReport:
    errors: list[Message] = field(default_factory=list)       # messages: str() is the English
    warnings: list[Message | str] = field(default_factory=list)   # messages: str() is the English
    # lower bound on what hard rules alone must spend, 万元
    required_spend_wan: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def required_by_target(inp: PlanInputs) -> np.ndarray:
    """(R, M, Y) units in service (all tiers) that hard per-million targets require."""
    scn = inp.scenario
    out = np.zeros((len(inp.regions), len(inp.modalities), len(inp.years)))
    if not scn.constraints.density_targets:
        return out
    for m, name in enumerate(inp.modalities):
        mod = scn.modalities[name]
        if mod.target_hard and mod.target_per_million > 0:
            out[:, m, :] = np.ceil(mod.target_per_million * inp.pop / 1e6 - 1e-9)
    return out


def run_checks(inp: PlanInputs) -> CheckReport:
    """Pre-solve checks: the hard rules (targets, presence, budgets, staff, access) against what the
    inputs can give. Each impossible rule is an error saying what to relax; legal but odd inputs warn."""
    rep = CheckReport()
    if len(inp.regions) == 0:
        rep.errors.append(msg("checks.no_regions"))
        return rep
    for m, name in enumerate(inp.modalities):
        if not inp.allowed[:, m].any():
            rep.warnings.append(msg("checks.not_allowed", mod=name))
    rep.warnings += inp.warnings
    _check_rules_apply(inp, rep)
    need = _RequiredUnits(inp)
    # what the total row counts for them: every unit at its least price, unless a family counts less there
    # (ConstraintFamily.least_spend: leases whose payments after the plan fall outside the total)
    per, lowered = _least_per_unit(inp, _least_price(inp), need.by_year.shape[-1], total=True)
    if lowered:
        rep.required_spend_wan = float(_spend_by(per, need.by_year)[-1]) if need.by_year.shape[-1] else 0.0
    elif need.by_year.size:
        rep.required_spend_wan = float((need.by_year[:, :, -1] * _least_price(inp)[None, :]).sum())
    _check_facility_room(inp, need, rep)
    if inp.scenario.constraints.budget:
        _check_budget_room(inp, need, rep)
    c = _Precheck(inp, need, rep)
    for family in families():   # each family's own check (the renewal earmark, staff, quotas, ...)
        if family.precheck is not None:
            family.precheck(c)
    _check_access_rule(inp, rep)
    return rep


def _check_rules_apply(inp: PlanInputs, rep: CheckReport) -> None:
    """Rules the scenario states that the inputs would silently switch off: refuse or warn, never drop."""
    scn = inp.scenario
    last = inp.years[-1]
    if scn.constraints.min_presence and scn.policy.min_units:
        if inp.facilities is None:
            rep.errors.append(msg("checks.presence_no_facilities", example="data/regions/facilities_provinces.csv"))
        for i, rule in enumerate(scn.policy.min_units):
            if rule.from_year > last:
                rep.warnings.append(msg("checks.rule_after_plan", i=i, per=rule.per_facility, mod=rule.modality,
                                        tier=rule.tier, year=rule.from_year, last=int(last)))
    if inp.mobile.any() and scn.constraints.mobile and scn.constraints.facility_limits and inp.facilities is None:
        rep.warnings.append(msg("checks.mobile_no_facilities"))
    if scn.constraints.facility_limits and inp.facilities is not None:
        per = np.array([[scn.units_per_facility(t, m) for m in inp.modalities] for t in inp.tiers])
        room = inp.facilities[:, :, None] * per[None, :, :]
        full = (inp.stock_base > room + 1e-9) & (per[None, :, :] > 0)
        for t, m in zip(*np.nonzero(full.any(axis=0))):
            regions = np.flatnonzero(full[:, t, m])
            shown = ", ".join(_where(inp, r) for r in regions[:3]) + (", ..." if len(regions) > 3 else "")
            rep.warnings.append(msg("checks.over_eligibility", mod=inp.modalities[m], tier=inp.tiers[t],
                                    n=len(regions), shown=shown, key=f"eligibility.{inp.tiers[t]}.{inp.modalities[m]}",
                                    per=float(per[t, m])))


class _RequiredUnits:
    """What the hard rules force: per region and modality, the units that must be bought by each year."""

    def __init__(self, inp: PlanInputs):
        self.presence = inp.min_units()             # (R, T, M, Y) fewest units the presence rules demand
        self.target = required_by_target(inp)       # (R, M, Y)
        surv = inp.surviving
        # The tier rules and the all-tier target are both lower bounds; the larger one is what must exist.
        need_tier = np.maximum(self.presence - surv, 0).sum(axis=1)          # (R, M, Y)
        need_target = np.maximum(self.target - surv.sum(axis=1), 0)          # (R, M, Y)
        # new units are cumulative: what must be bought by year y is the largest need up to y
        self.by_year = np.maximum.accumulate(np.maximum(need_tier, need_target), axis=2)
        # what the budget rows count for them by each year: the price, or a lease's payments so far
        self.cost_by = _spend_by(_least_per_unit(inp, _least_price(inp), self.by_year.shape[-1])[0], self.by_year)


class _Precheck:
    """What a family's pre-solve check reads (ConstraintFamily.precheck) and where it writes."""

    def __init__(self, inp: PlanInputs, need: _RequiredUnits, rep: CheckReport):
        self.inp, self.scn, self.need = inp, inp.scenario, need
        self.errors, self.warnings = rep.errors, rep.warnings

    def where(self, r: int) -> str:
        return _where(self.inp, r)


def _least_price(inp: PlanInputs) -> np.ndarray:
    """(M,) the least a new unit costs: its price, or less where a family says so (ConstraintFamily.least_price:
    a cheaper domestic one's, supply.py)."""
    price = inp.param("price_wan_cny")
    for family in families():
        if family.least_price is not None:
            price = family.least_price(inp.scenario, inp.modalities, price)
    return price


def _least_per_unit(inp: PlanInputs, price: np.ndarray, Y: int, total: bool = False) -> tuple[np.ndarray, bool]:
    """(M, q, y') the least the budget rows (``total``: the total row) count by year y' for a unit first needed
    in year q: its price, or less where a family says so (ConstraintFamily.least_spend: a lease from the year
    it is first needed, the cheapest start, its payments so far); and whether a family lowered it."""
    per, lowered = np.repeat(price[:, None, None], Y, axis=1) * np.ones((1, 1, Y)), False
    for family in families():
        if family.least_spend is not None:
            got = family.least_spend(inp.scenario, inp.modalities, price, per, total)
            if got is not None:
                per, lowered = got, True
    return per, lowered


def _spend_by(per: np.ndarray, by_year: np.ndarray) -> np.ndarray:
    """(Y,) what the budget rows count by each year (cumulative) for units that must exist by each year
    (``by_year``, (R, M, Y), cumulative), a unit first needed in year q counting ``per[m, q, y']`` by y'."""
    Y = by_year.shape[-1]
    new = np.diff(by_year, axis=-1, prepend=0.0).sum(axis=0)            # (M, Y) first needed in year q
    started = np.arange(Y)[:, None] <= np.arange(Y)[None, :]              # (q, y') needed by y'
    return np.einsum("mq,mqy->y", new, per * started[None])


def _where(inp: PlanInputs, r: int) -> str:
    return f"{inp.regions['name_zh'].to_numpy()[r]} ({inp.codes[r]})"


def _check_facility_room(inp: PlanInputs, need: _RequiredUnits, rep: CheckReport) -> None:
    """Hard targets and presence rules against what the facilities may hold (the first case of each)."""
    cap_all = np.where(np.isfinite(inp.limit), inp.limit, 1e12).sum(axis=1)   # (R, M)
    for r, m, y in zip(*np.nonzero(need.target > cap_all[:, :, None] + 1e-9)):
        rep.errors.append(msg("checks.target_over_room", mod=inp.modalities[m], where=_where(inp, r),
                              n=float(need.target[r, m, y]), year=int(inp.years[y]), cap=float(cap_all[r, m]),
                              key=f"modalities.{inp.modalities[m]}.target_hard"))
        break
    room = np.where(inp.allowed[None, :, :], inp.limit, 0)[..., None]
    for r, t, m, y in zip(*np.nonzero(need.presence > room + 1e-9)):
        rep.errors.append(msg("checks.presence_over_room", n=float(need.presence[r, t, m, y]), mod=inp.modalities[m],
                              tier=inp.tiers[t], where=_where(inp, r), cap=float(inp.limit[r, t, m])))
        break


def _check_budget_room(inp: PlanInputs, need: _RequiredUnits, rep: CheckReport) -> None:
    """What the hard rules must buy against the total and yearly budgets; a budget below every price."""
    price = _least_price(inp)
    budget = inp.budget_total_wan
    by = need.by_year
    names = inp.regions["name_zh"].to_numpy()
    if rep.required_spend_wan > budget + 1e-6:
        worst = np.argsort(-(by[:, :, -1] * price[None, :]).sum(axis=1))[:3]
        detail = joined([msg("checks.region_needs", region=names[r], shown=", ".join(
            f"{by[r, m, -1]:.0f} {inp.modalities[m]}" for m in range(len(inp.modalities)) if by[r, m, -1] > 0))
            for r in worst if by[r, :, -1].sum() > 0], "; ")
        rep.errors.append(msg("checks.budget_short", need=rep.required_spend_wan, budget=float(budget), needs=detail))
    if inp.budget_year_wan is not None:
        cum_budget = np.cumsum(inp.budget_year_wan)
        for y in np.flatnonzero(need.cost_by > cum_budget + 1e-6):
            rep.errors.append(msg("checks.yearly_budget_short", year=int(inp.years[y]), need=float(need.cost_by[y]),
                                  budget=float(cum_budget[y])))
            break
    if budget > 0 and price.min() > budget:
        rep.warnings.append(msg("checks.budget_below_price", budget=float(budget), price=float(price.min())))


def _check_access_rule(inp: PlanInputs, rep: CheckReport) -> None:
    """'Every region within the limit' is impossible where no region that may hold the exam type's units
    (fixed, or a mobile base that can reach it) lies within the limit."""
    acc = inp.scenario.access
    if not (acc.require_within_limit and acc.exam_types) or inp.minutes is None:
        return
    may_hold = (inp.allowed[None, :, :] & (inp.limit > 0)) | (inp.stock_base > 0)     # (R, T, M)
    names = inp.regions["name_zh"].to_numpy()
    for name in acc.exam_types:
        k = inp.exam_types.index(name)
        fixed = may_hold[:, :, (~inp.mobile) & (inp.serves == k)].any(axis=(1, 2))
        reach = (inp.minutes[:, fixed] <= acc.limit_minutes).any(axis=1)
        mob = (inp.mobile) & (inp.serves == k)
        if acc.mobile_counts and inp.scenario.constraints.mobile and mob.any() and len(inp.arcs):
            bases = may_hold[:, :, mob].any(axis=(1, 2))
            reach[inp.arcs["target"].to_numpy()[bases[inp.arcs["base"].to_numpy()]]] = True
        far = np.flatnonzero(~reach)
        if len(far):
            shown = ", ".join(f"{names[r]} ({inp.codes[r]})" for r in far[:5])
            rep.errors.append(msg("checks.access_unreachable", n=len(far), limit=float(acc.limit_minutes), mod=name,
                                  shown=shown + (", ..." if len(far) > 5 else "")))


def elastic_explanation(inp: PlanInputs, time_limit: float = 30.0, top: int = 8) -> list[Message]:
    """The smallest relaxation of the hard rules that makes the scenario feasible, in planner's words.

    Solves the elastic model (every hard target, presence rule, budget and staff row gets a priced
    slack; see PlanModel(elastic=True)) and names the rules that had to give, largest first.
    """
    from planner.planning.model import PlanModel
    from planner.planning.solve import Solver

    pm = PlanModel(inp, elastic=True)
    rep = Solver(pm).solve(time_limit=time_limit, gap=0.01, duals=False)
    if not rep.has_plan:
        return []
    names, codes, years = inp.regions["name_zh"].to_numpy(), inp.codes, inp.years
    found: list[tuple[float, Message]] = []
    G = pm.families["G"].index
    for i, v in enumerate(pm.values("G")):
        m = inp.modalities[int(G["m"].iloc[i])]
        if v > 1e-6 and inp.scenario.modalities[m].target_hard:
            r, y = int(G["r"].iloc[i]), int(G["y"].iloc[i])
            found.append((100 * v, msg("checks.target_out_of_reach", mod=m, where=f"{names[r]} ({codes[r]})",
                                       year=int(years[y]), v=float(v))))
    if len(pm.families["P"]):
        n = pm.families["n"].index
        for (row, v) in zip(pm.families["P"].index["n_row"], pm.values("P")):
            if v > 1e-6:
                r, t, m, y = (int(n[c].iloc[row]) for c in ("r", "t", "m", "y"))
                found.append((100 * v, msg("checks.presence_out_of_reach", mod=inp.modalities[m], tier=inp.tiers[t],
                                           where=f"{names[r]} ({codes[r]})", year=int(years[y]), v=float(v))))
    for v in pm.values("BT"):
        if v > 1e-6:
            found.append((v, msg("checks.total_budget_more", v=float(v))))
    for y, v in zip(pm.families["BY"].index["y"], pm.values("BY")):
        if v > 1e-6:
            found.append((v, msg("checks.year_budget_more", year=int(years[int(y)]), v=float(v))))
    for v in pm.values("RE"):
        if v > 1e-6:
            found.append((v, msg("checks.earmark_more", v=float(v))))
    QS = pm.families["QS"].index
    for q, price, v in zip(QS["q"], pm.cost[pm.col("QS")], pm.values("QS")):   # its price in the elastic model
        if v > 1e-6:
            quota = inp.quotas.iloc[int(q)]
            found.append((price * v, msg("checks.quota_more", quota=quota["code"], row=int(quota["row"]),
                                                         mod=inp.modalities[int(quota["m"])], v=float(v))))
    SS = pm.families["SS"].index
    for i, v in enumerate(pm.values("SS")):
        if v > 1e-6:
            r, y = int(SS["r"].iloc[i]), int(SS["y"].iloc[i])
            found.append((30 * v, msg("checks.staff_more", where=f"{names[r]} ({codes[r]})", year=int(years[y]),
                                      v=float(v))))
    found.sort(key=lambda f: -f[0])   # stable: ties keep the order above
    return [text for _, text in found[:top]]


def joined(items: list[Message], sep: str) -> Message:
    """Messages as one: 'a; b; c' (sep '; ', a list in a sentence) or 'a b c' (sep ' ', sentences; '。' between
    them in Chinese), from the catalog's list.semicolon / list.sentences."""
    code = {"; ": "list.semicolon", " ": "list.sentences"}[sep]
    out = items[-1]
    for head in reversed(items[:-1]):
        out = msg(code, head=head, tail=out)
    return out


def explain_infeasible(inp: PlanInputs, time_limit: float = 30.0) -> Message:
    """Why no plan satisfies the hard rules: the pre-solve errors, else the smallest relaxation of the hard rules
    (elastic_explanation), else what to try."""
    rep = run_checks(inp)
    if rep.errors:
        return joined(rep.errors, " ")
    try:
        # within what the solve's deadline has left (infeasibility is usually found at once, in presolve)
        relax = elastic_explanation(inp, min(30.0, time_limit)) if time_limit >= 0.5 else []
    except Exception:  # noqa: BLE001 - an explanation must never hide the infeasibility itself
        relax = []
    if relax:
        return msg("checks.relax_one", relax=joined(relax, "; "))
    soft = [m for m in inp.modalities if inp.scenario.modalities[m].target_hard]
    hints = []
    if soft:
        hints.append(msg("checks.hint_soft_targets", shown=", ".join(soft)))
    if inp.scenario.policy.min_units:
        hints.append(msg("checks.hint_relax_min_units"))
    if inp.budget_year_wan is not None:
        hints.append(msg("checks.hint_year_budget"))
    return msg("checks.no_plan_try", hints=joined(hints, "; ") if hints else msg("checks.hint_families_off"))
