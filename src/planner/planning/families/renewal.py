"""The renewal earmark (设备更新/以旧换新, issue 27 §3): a share of the net budget that only replacements of
retiring units may spend. The 2024 equipment-renewal action plan raises equipment investment by >= 25 % by
2027 (seed 001 l.43, 002 l.68) but gives no share, so renewal.earmark_share is 0 (off) unless a scenario
assumes one.

A replacement is a new unit of a slot (region, tier, modality) bought in a year by which at least that many
of the slot's base-year units have retired: retired_by[s, y] = stock_base[s] - surviving[s, y]. RN[s]
(continuous, one per slot with retirements) counts them over the plan. The most a plan's purchases allow is
the greedy count (``replacements``): with cap[s, k] = retired_by capped by every later year and cap 0 before
the plan, it is min over k of cap[s, k] + sum_{y > k} x[s, y], so the rows are RN[s] - sum_{y > k} x[s, y] <=
cap[s, k] (renewal_link for k before the plan, renewal_retired for the others; a row whose cap equals the
next year's is implied and left out). This is the projection of the earlier per-year form (RN[s, y] <= x,
sum_{y' <= y} RN[s, y'] <= retired_by[s, y], still built with PER_YEAR): the same plans and optimum, a
smaller model (Sichuan: 1,145 RN columns instead of 5,725) and a higher root bound
(benchmarks/results/bench_earmark.md). The earmark row: sum price x - sum price RN <= (1 - share) x net
budget (capital only, like the budget rows without running costs). It moves with a budget what-if
(Rows.follows_budget: budget.move_budget finds it) and ties every region together. The decomposition
cannot price it: its RN terms are negative, so a province's Lagrangian bound at λ no longer holds at every
larger λ, and the coordinator's budget vector knows only the budget rows; it is declared None (a scenario
with an earmark is refused there, with the block named).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import (INF, ConstraintFamily, Rows, Variables, among_purchases, empty_index,
                                             ones, tolerance)
from planner.planning.reference import budget_caps

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

EARMARK = "renewal_earmark"   # a row that follows the budget (Rows.follows_budget): a what-if moves it
# The earlier formulation, one RN per slot and year with the cumulative rows (benchmarks/bench_earmark.py
# sets it to compare): the same plans and optimum, a larger model and a lower bound at a time limit
PER_YEAR = False


def active(scn) -> bool:
    return scn.renewal.earmark_share > 0 and scn.constraints.renewal and scn.constraints.budget


def retired_by(stock_base: np.ndarray, surviving: np.ndarray) -> np.ndarray:
    """(R, T, M, Y) base-year units retired by each plan year."""
    return np.maximum(stock_base[..., None] - surviving, 0.0)


def replacements(x: np.ndarray, retired: np.ndarray) -> np.ndarray:
    """(R, T, M, Y) the most of each year's purchases that can be replacements, greedily year by year:
    cumulative replacements by y = min(those by y-1 + x[y], retired by y). Greedy is the most the model's
    RN can take (prices do not change with the year); a later fall in retirements (not in the shipped
    data) caps the earlier years too, as the model's cumulative rows do."""
    cap = np.minimum.accumulate(retired[..., ::-1], axis=-1)[..., ::-1]
    out, cum = np.zeros_like(x), np.zeros(x.shape[:-1])
    for y in range(x.shape[-1]):
        now = np.minimum(cum + np.maximum(x[..., y], 0.0), cap[..., y])
        out[..., y], cum = now - cum, now
    return out


def _rn_index(pm: PlanModel) -> pd.DataFrame:
    """One RN column per slot whose base-year units retire during the plan (none when off); with
    PER_YEAR, one per x column of such a slot. x_row: the slot's first-year x column."""
    if not active(pm.inp.scenario):
        return empty_index("x_row", "r", "t", "m", "y")
    inp, x = pm.inp, pm.families["x"].index
    last = retired_by(inp.stock_base, inp.surviving)[x["r"], x["t"], x["m"], len(inp.years) - 1]
    keep = np.flatnonzero(last > 0)
    if not PER_YEAR:
        keep = keep[x["y"].to_numpy()[keep] == 0]   # x is slot-major, year fastest: the slot's first year
    return pd.DataFrame({"x_row": keep, **{k: x[k].to_numpy()[keep] for k in ("r", "t", "m", "y")}})


def _caps(pm: PlanModel, rn: pd.DataFrame) -> np.ndarray:
    """(len(rn), Y) the most replacements of each RN slot by each year: retired_by capped by every later
    year's (a later fall in retirements caps the earlier years too, as in ``replacements``)."""
    retired = retired_by(pm.inp.stock_base, pm.inp.surviving)[rn["r"], rn["t"], rn["m"]]
    return np.minimum.accumulate(retired[:, ::-1], axis=1)[:, ::-1]


def _slot_rows(pm: PlanModel) -> tuple[np.ndarray, np.ndarray]:
    """The per-slot rows RN - sum_{y > k} x[s, y] <= cap[s, k], k = -1 (cap 0: RN <= all the slot's
    purchases) .. Y - 1 (RN <= cap by the last year), as (slot, k) pairs, keeping only the rows no other
    row implies: row k is implied by row k + 1 when cap[k] = cap[k + 1] (x >= 0)."""
    rn = pm.families["RN"].index
    cap = np.concatenate([np.zeros((len(rn), 1)), _caps(pm, rn)], axis=1)   # column j is k = j - 1
    Y = len(pm.inp.years)
    keep = np.ones(cap.shape, bool)
    keep[:, :Y] = cap[:, :Y] < cap[:, 1:] - 1e-9
    slot, j = np.nonzero(keep)
    return slot, j - 1


def _earmark_index(pm: PlanModel) -> pd.DataFrame:
    return pd.DataFrame({"what": ["earmark"] if active(pm.inp.scenario) else []})


def _rhs(pm: PlanModel, total_wan: float) -> float:
    return (1.0 - pm.inp.scenario.renewal.earmark_share) * float(total_wan)


def define_link(pm: PlanModel) -> None:
    """renewal_link: RN <= x (a replacement is one of the slot's purchases that year); per slot,
    RN[s] <= sum_y x[s, y] (kept only where the slot has no retirement by the first year: else the first
    renewal_retired row implies it)."""
    if PER_YEAR:
        among_purchases(pm, "renewal_link", "RN")
        return
    _define_slot_rows(pm, "renewal_link", link=True)


def define_retired(pm: PlanModel) -> None:
    """renewal_retired: no more replacements than retirements. Per slot (the default): RN[s] - sum_{y > k}
    x[s, y] <= cap[s, k] for each year k where the cap rises after it (and the last), cap = retired_by
    capped by every later year; with PER_YEAR: sum_{y' <= y} RN[s, y'] <= retired_by[s, y]."""
    if not PER_YEAR:
        _define_slot_rows(pm, "renewal_retired", link=False)
        return
    rn = pm.families["RN"].index
    if not len(rn):
        return
    # RN keeps x's (slot, year) order with every year of a kept slot, year fastest: RN[i - lag] is the
    # same slot's column lag years earlier
    rows, cols = [], []
    for lag in range(len(pm.inp.years)):
        sel = np.flatnonzero(rn["y"].to_numpy() >= lag)
        rows.append(sel), cols.append(pm.col("RN", sel - lag))
    retired = retired_by(pm.inp.stock_base, pm.inp.surviving)[rn["r"], rn["t"], rn["m"], rn["y"]]
    pm.add_rows("renewal_retired", rows, cols, [np.ones(len(r)) for r in rows], np.full(len(rn), -INF), retired,
                rn[["r", "t", "m", "y"]])


def _define_slot_rows(pm: PlanModel, block: str, link: bool) -> None:
    """The per-slot rows of _slot_rows: k = -1 into renewal_link, the others into renewal_retired. Row k's
    index year is the first year whose purchases it counts (k + 1; the last year for k = Y - 1)."""
    rn = pm.families["RN"].index
    if not len(rn):
        return
    slot, k = _slot_rows(pm)
    sel = np.flatnonzero((k < 0) if link else (k >= 0))
    slot, k = slot[sel], k[sel]
    Y = len(pm.inp.years)
    cap = _caps(pm, rn)
    hi = np.where(k < 0, 0.0, cap[slot, np.maximum(k, 0)])
    rows, cols, coefs = [np.arange(len(slot))], [pm.col("RN", slot)], [np.ones(len(slot))]
    first_x = rn["x_row"].to_numpy()[slot]
    for y in range(Y):
        on = np.flatnonzero(y > k)
        rows.append(on), cols.append(pm.col("x", first_x[on] + y)), coefs.append(-np.ones(len(on)))
    index = pd.DataFrame({c: rn[c].to_numpy()[slot] for c in ("r", "t", "m")})
    index["y"] = np.minimum(k + 1, Y - 1)
    pm.add_rows(block, rows, cols, coefs, np.full(len(slot), -INF), hi, index)


def define_earmark(pm: PlanModel) -> None:
    """renewal_earmark: sum price x - sum price RN (- RE, elastic) <= (1 - share) x net budget."""
    if not active(pm.inp.scenario):
        return
    price = pm.inp.param("price_wan_cny")
    x, rn = pm.families["x"].index, pm.families["RN"].index
    rows, cols = [np.zeros(len(x), int), np.zeros(len(rn), int)], [pm.col("x"), pm.col("RN")]
    coefs = [price[x["m"]], -price[rn["m"]]]
    if pm.elastic:
        rows, cols, coefs = rows + [np.zeros(1, int)], cols + [pm.col("RE")], coefs + [-np.ones(1)]
    pm.add_rows(EARMARK, rows, cols, coefs, np.array([-INF]), np.array([_rhs(pm, pm.inp.budget_total_wan)]),
                _earmark_index(pm))


def check_renewal(c) -> None:
    """Non-replacement spend within (1 - share) x the net budget, with retirements re-derived from the
    scenario's tables (c.ref) and the most replacements the plan's purchases allow."""
    scn = c.scn
    if not active(scn):
        return
    price = c.inp.param("price_wan_cny")
    rep = replacements(c.x, retired_by(c.ref.stock_base, c.ref.surviving))
    free = float(((c.x - rep) * price[None, None, :, None]).sum())
    total, _ = budget_caps(scn.budget, len(c.inp.years))
    cap = (1.0 - scn.renewal.earmark_share) * total
    if free > cap + float(tolerance(cap)):
        c.v.append(msg("verify.over_earmark", free=free, cap=cap, share=float(scn.renewal.earmark_share),
                       budget=float(total)))
    c.checked["renewal"] = 1


def precheck(c) -> None:
    """The earmark against what the hard rules must buy (checks.py): of the units required by year y, at most
    the units retired by y (all tiers of the region) can be replacements; the rest must fit in (1 - share) x
    the budget. A share with nothing retiring is money the plan cannot spend."""
    inp, scn = c.inp, c.scn
    if not active(scn):
        return
    share = scn.renewal.earmark_share
    retired = retired_by(inp.stock_base, inp.surviving).sum(axis=1)          # (R, M, Y)
    if not retired[..., -1].any():
        c.warnings.append(msg("checks.earmark_unused", share=float(share)))
    not_replacing = np.maximum(c.need.by_year - retired, 0).max(axis=2)      # (R, M)
    cost = float((not_replacing * inp.param("price_wan_cny")[None, :]).sum())
    free = (1.0 - share) * inp.budget_total_wan
    if cost > free + 1e-6:
        c.errors.append(msg("checks.earmark_short", need=cost, share=float(share), budget=float(inp.budget_total_wan),
                            free=float(free)))


def replacement_columns(pm: PlanModel, regions: pd.DataFrame) -> dict[str, np.ndarray]:
    """replacement_units per region x modality x year: of that year's purchases, those that are
    replacements (the greedy most, as the verifier counts them), summed over tiers. Only with an earmark."""
    if not active(pm.inp.scenario):
        return {}
    inp = pm.inp
    x = pm.families["x"].index
    xs = np.zeros((len(inp.regions), len(inp.tiers), len(inp.modalities), len(inp.years)))
    np.add.at(xs, (x["r"], x["t"], x["m"], x["y"]), np.round(pm.values("x"), 6))
    rep = replacements(xs, retired_by(inp.stock_base, inp.surviving)).sum(axis=1)   # (R, M, Y)
    ridx = {c: i for i, c in enumerate(inp.codes)}
    at = (regions["region_code"].astype(str).map(ridx).to_numpy(int),
          regions["modality"].map({m: i for i, m in enumerate(inp.modalities)}).to_numpy(int),
          regions["year"].map({y: i for i, y in enumerate(inp.years)}).to_numpy(int))
    return {"replacement_units": rep[at]}


ORDER = 75   # after the budget (70), before presence (80): families/__init__.py
FAMILY = ConstraintFamily(
    name="renewal", label=msg("family.renewal"),
    variables=(Variables("RN", "new units that replace retired base-year units of their slot over the plan",
                         _rn_index),
               Variables("RE", "万元 of non-replacement spend over the earmark's limit (elastic model only)",
                         _earmark_index, elastic_cost=ones, elastic_only=True)),
    rows=(Rows("renewal_link", define_link),
          Rows("renewal_retired", define_retired),
          Rows(EARMARK, define_earmark, decomposition=None, what_if="upper", dual_words=msg("marginal.renewal"),
               follows_budget=lambda pm, total: np.array([_rhs(pm, total)]))),
    verify=check_renewal, region_columns=replacement_columns,
    precheck=precheck,
    lazy=True,   # the earmark seldom binds, and with it HiGHS stalls in its root cut loop (planning/lazy.py)
)
