"""Configuration quotas (配置许可, seed 000 l.459, l.677): for each row q of the quota table,
sum over the regions it covers, its tier (or every tier) and every plan year of x[(r,t,m_q),y] <= cap_q.

Which regions a quota covers, and its cap (max_new_units x quotas.cap_scale), are resolved once in
data/inputs.py (PlanInputs.quotas, quota_members); the verifier resolves them again from the table with code
of its own (check_quotas). The elastic model lets a quota be exceeded at a priced slack QS, so the
explanation of an infeasible scenario can name the quota that the hard rules break."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.data import tables
from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, empty_index, tolerance

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

# A unit over a quota in the elastic model costs as much as a unit short of a presence rule: both are rules
# the planner wrote, and the explanation names whichever is cheaper to relax.
ELASTIC_COST_PER_UNIT = 100.0


def _active(pm: PlanModel) -> pd.DataFrame:
    """The quota rows this model holds: those covering at least one of its regions (a province's part of the
    decomposition keeps its own), with the region of the quota's own code when the table has it (r, else -1)."""
    inp = pm.inp
    if inp.quotas is None or not inp.scenario.constraints.quotas:
        return empty_index("q", "r", "m", "t")
    held = np.flatnonzero(inp.quota_members.any(axis=0))
    pos = {c: i for i, c in enumerate(inp.codes)}
    q = inp.quotas.iloc[held]
    return pd.DataFrame({"q": held, "r": [pos.get(c, -1) for c in q["code"]], "m": q["m"].to_numpy(),
                         "t": q["t"].to_numpy(), "quota_code": q["code"].to_numpy()})


def _over_index(pm: PlanModel) -> pd.DataFrame:
    return _active(pm)[["q"]]


def define_quotas(pm: PlanModel) -> None:
    quotas = _active(pm)
    if not len(quotas):
        return
    inp = pm.inp
    x = pm.families["x"].index
    xr, xt, xm = x["r"].to_numpy(), x["t"].to_numpy(), x["m"].to_numpy()
    rows, cols = [], []
    for k, (q, m, t) in enumerate(zip(quotas["q"], quotas["m"], quotas["t"])):
        sel = inp.quota_members[xr, q] & (xm == m) & ((xt == t) if t >= 0 else True)
        hit = np.flatnonzero(sel)
        rows.append(np.full(len(hit), k)), cols.append(pm.col("x", hit))
    coefs = [np.ones(len(c)) for c in cols]
    if pm.elastic:
        rows, cols, coefs = rows + [np.arange(len(quotas))], cols + [pm.col("QS")], coefs + [-np.ones(len(quotas))]
    cap = inp.quotas["cap"].to_numpy(float)[quotas["q"].to_numpy()]
    pm.add_rows("quotas", rows, cols, coefs, np.full(len(quotas), -INF), cap, quotas)


def _covered(code: str, region_code: str, parent_code: str) -> bool:
    """The verifier's own reading of which regions a quota covers (the README's rule): the region itself, a
    region whose parent_code is the quota's, or one inside the prefecture (4 digits) or province (2 digits)
    a six-digit administrative code ending in 00 or 0000 names."""
    if code in (region_code, parent_code):
        return True
    if len(code) == 6 and code.isdigit() and len(region_code) == 6:
        if code.endswith("0000"):
            return region_code[:2] == code[:2]
        if code.endswith("00"):
            return region_code[:4] == code[:4]
    return False


def check_quotas(c) -> None:
    """New units over the plan within each quota, from the quota table as the scenario names it."""
    inp, scn = c.inp, c.scn
    ls = inp.source
    if ls is None or not scn.constraints.quotas or not (scn.regions.quotas or "quotas" in ls.tables):
        return
    table = ls.read("quotas", tables.QUOTAS)
    regions = inp.regions
    parents = regions["parent_code"].astype(str).tolist() if "parent_code" in regions.columns else [""] * len(regions)
    checked = 0
    for i, row in table.iterrows():
        code = str(row["code"])
        members = [r for r, (rc, pc) in enumerate(zip(inp.codes, parents)) if _covered(code, rc, pc)]
        if not members:
            continue
        m = inp.modalities.index(row["modality"])
        tier = row.get("tier")
        tiers = [inp.tiers.index(tier)] if isinstance(tier, str) and tier else list(range(len(inp.tiers)))
        bought = float(c.x[np.ix_(members, tiers, [m])].sum())
        cap = float(row["max_new_units"]) * scn.quotas.cap_scale
        if bought > cap + float(tolerance(cap)):
            c.v.append(msg("verify.over_quota", quota=code, row=int(i) + 2, mod=row["modality"], bought=bought,
                           cap=cap))
        checked += 1
    c.checked["quotas"] = checked


def precheck(c) -> None:
    """Each quota against the new units the hard rules force in the regions it covers (checks.py): at its tier,
    what the presence rules need; at every tier, the larger of that and what hard per-million targets need."""
    inp, need = c.inp, c.need
    if inp.quotas is None or not inp.scenario.constraints.quotas:
        return
    tier_need = np.maximum(need.presence - inp.surviving, 0).max(axis=3)      # (R, T, M) by the last year
    for q, quota in enumerate(inp.quotas.itertuples()):
        members = inp.quota_members[:, q]
        if quota.t >= 0:
            forced = float(tier_need[members, quota.t, quota.m].sum())
        else:
            forced = float(need.by_year[members, quota.m, -1].sum())
        if forced > quota.cap + 1e-6:
            c.errors.append(msg("checks.quota_short", quota=quota.code, row=int(quota.row),
                                mod=inp.modalities[quota.m], need=forced, cap=float(quota.cap),
                                file=str(inp.source.label("quotas")) if inp.source else ""))


def quota_columns(pm: PlanModel, regions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per region x modality: the tightest quota covering it (units over the plan; empty = none) and the new
    units bought under that quota, in all the regions it covers, over the plan."""
    quotas = _active(pm)
    n = len(regions)
    cap, used = np.full(n, np.nan), np.full(n, np.nan)
    if not len(quotas):
        return {"quota_max_new_units": cap, "quota_used_units": used}
    inp = pm.inp
    x = pm.families["x"].index
    xv = pm.values("x")
    ridx = regions["region_code"].astype(str).map({c: i for i, c in enumerate(inp.codes)}).to_numpy()
    midx = regions["modality"].map({m: i for i, m in enumerate(inp.modalities)}).to_numpy()
    for q, m, t in zip(quotas["q"], quotas["m"], quotas["t"]):
        sel = inp.quota_members[x["r"].to_numpy(), q] & (x["m"].to_numpy() == m)
        if t >= 0:
            sel &= x["t"].to_numpy() == t
        bought = float(xv[sel].sum())
        limit = float(inp.quotas["cap"].iloc[q])
        rows = (midx == m) & inp.quota_members[ridx, q]
        tighter = rows & ~(cap <= limit)   # nan (no quota yet) or a looser one
        cap[tighter], used[tighter] = limit, bought
    return {"quota_max_new_units": cap, "quota_used_units": used}


def quota_lines(result) -> list:
    """One line per quota: the new units bought under it against its cap, and whether it binds."""
    inp, plan = result.inputs, result.plan
    if inp.quotas is None or not inp.scenario.constraints.quotas or not len(plan):
        return []
    r = plan["region_code"].astype(str).map({c: i for i, c in enumerate(inp.codes)}).to_numpy()
    m = plan["modality"].map({name: i for i, name in enumerate(inp.modalities)}).to_numpy()
    t = plan["tier"].map({name: i for i, name in enumerate(inp.tiers)}).to_numpy()
    units = plan["new_units"].to_numpy(float)
    lines = []
    for q, quota in enumerate(inp.quotas.itertuples()):
        sel = inp.quota_members[r, q] & (m == quota.m) & ((t == quota.t) if quota.t >= 0 else True)
        bought = float(units[sel].sum())
        # binding: no whole unit more fits (a fractional cap allows its whole part) or, for units bought in
        # fractions, the cap itself is reached
        whole = inp.scenario.modalities[inp.modalities[quota.m]].integer
        room = quota.cap - bought if not whole else np.floor(quota.cap + 1e-9) - bought
        code = "text_summary.quota_binding" if room < (1.0 if whole else 1e-6) - 1e-6 else "text_summary.quota_room"
        what = msg("text_summary.quota_what", mod=inp.modalities[quota.m]) if quota.t < 0 else \
            msg("text_summary.quota_what_tier", mod=inp.modalities[quota.m], tier=inp.tiers[quota.t])
        lines.append(msg(code, what=what, quota=quota.code, bought=bought, cap=float(quota.cap),
                         regions=int(inp.quota_members[:, q].sum())))
    return lines


ORDER = 95   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="quotas", label=msg("family.quotas"),
    variables=(Variables("QS", "new units over a quota (elastic model only)", _over_index,
                         elastic_cost=lambda pm, idx: np.full(len(idx), ELASTIC_COST_PER_UNIT), elastic_only=True),),
    rows=(Rows("quotas", define_quotas, what_if="upper", dual_words=msg("marginal.quota")),),
    verify=check_quotas, region_columns=quota_columns, summary=quota_lines, precheck=precheck,
)
