"""Travel to the nearest unit, in the last plan year, for the exam types in access.exam_types (the levels
formulation of access.py: a region's travel is the first distance level at which something is open).

  o[k,r]   binary  region r holds at least one whole fixed unit of exam type k
  v[k,r]   binary  a mobile unit of exam type k visits region r (delivers at least the minimum visit)
  w[k,i,l] in [0,1] nothing open at distance level l or nearer to region i

Travel every region has whatever opens, and residents no host could ever bring within the limit, are
constants of the objective (objective_offset), so the objective is the whole cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.planning.access import build_levels, candidate_hosts
from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, always, empty_index, ones

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _visitable(pm: PlanModel, k: int) -> np.ndarray:
    """(R,) regions a mobile unit of exam type k can reach in the last year (when mobile visits count)."""
    inp = pm.inp
    out = np.zeros(len(inp.regions), bool)
    z = pm.families["z"].index
    if inp.scenario.access.mobile_counts and len(z):
        zm = z["m"].to_numpy()
        sel = inp.mobile[zm] & (inp.serves[zm] == k) & (z["y"].to_numpy() == len(inp.years) - 1)
        out[z["target"].to_numpy()[sel]] = True
    return out


def host_index(pm: PlanModel) -> pd.DataFrame:
    """o's index; builds pm.levels {exam type: distance levels} (empty without access)."""
    inp, acc = pm.inp, pm.inp.scenario.access
    pm.levels = {}
    parts = []
    if acc.exam_types and not pm.elastic and inp.minutes is not None:
        for name in acc.exam_types:
            k = inp.exam_types.index(name)
            hosts = candidate_hosts(inp, k, pm.slots)
            pm.levels[k] = build_levels(inp.minutes, hosts, _visitable(pm, k), acc.cap_minutes, acc.limit_minutes)
            parts.append(pd.DataFrame({"k": k, "r": hosts}))
    return pd.concat(parts, ignore_index=True) if parts else empty_index("k", "r")


def visit_index(pm: PlanModel) -> pd.DataFrame:
    parts = [pd.DataFrame({"k": k, "r": np.flatnonzero(_visitable(pm, k))}) for k in pm.levels]
    return pd.concat(parts, ignore_index=True) if parts else empty_index("k", "r")


def level_index(pm: PlanModel) -> pd.DataFrame:
    parts = [pd.DataFrame({"k": k, "i": lv.region, "level": np.arange(len(lv.region))}) for k, lv in pm.levels.items()]
    return pd.concat(parts, ignore_index=True) if parts else empty_index("k", "i", "level")


def _beyond_rows(pm: PlanModel, w: pd.DataFrame):
    """(k, level, rows of w) of each exam type's 'nothing open within the limit' level."""
    for k, lv in pm.levels.items():
        at = lv.beyond[lv.beyond >= 0]
        yield k, lv, at, np.flatnonzero(w["k"].to_numpy() == k)[at]


def _level_upper(pm: PlanModel, w: pd.DataFrame) -> np.ndarray:
    hi = np.ones(len(w))
    if pm.inp.scenario.access.require_within_limit:
        # "every region within the limit": the level 'nothing open within the limit' must be 0
        for _k, _lv, _at, rows in _beyond_rows(pm, w):
            hi[rows] = 0.0
    return hi


def _level_cost(pm: PlanModel, w: pd.DataFrame) -> np.ndarray:
    inp, acc = pm.inp, pm.inp.scenario.access
    c = np.zeros(len(w))
    if len(w):
        pop = inp.pop[w["i"].to_numpy(), -1]
        step = np.concatenate([lv.step for lv in pm.levels.values()])
        c[:] = acc.travel_wan_cny_per_million_person_minutes * pop / 1e6 * step
        if acc.beyond_limit_wan_cny_per_thousand_people:
            for _k, lv, at, rows in _beyond_rows(pm, w):
                c[rows] += acc.beyond_limit_wan_cny_per_thousand_people * inp.pop[lv.region[at], -1] / 1e3
    return c


def _travel_constant(pm: PlanModel) -> float:
    inp, acc = pm.inp, pm.inp.scenario.access
    pop_last = inp.pop[:, -1]
    out = 0.0
    for lv in pm.levels.values():
        out += acc.travel_wan_cny_per_million_person_minutes * float(pop_last @ lv.base) / 1e6
        out += acc.beyond_limit_wan_cny_per_thousand_people * float(pop_last[lv.no_level_within_limit].sum()) / 1e3
    return out


def define_access_host(pm: PlanModel) -> None:
    """o[k,r] <= sum over tiers of fixed units of k in service in the last year."""
    inp = pm.inp
    Y = len(inp.years)
    n = pm.families["n"].index
    nr, nm, ny = n["r"].to_numpy(), n["m"].to_numpy(), n["y"].to_numpy()
    o = pm.families["o"].index
    if len(o):
        o_pos = {key: i for i, key in enumerate(zip(o["k"], o["r"]))}
        sel = np.flatnonzero((ny == Y - 1) & ~inp.mobile[nm])
        key = [o_pos.get((inp.serves[m], r), -1) for m, r in zip(nm[sel], nr[sel])]
        key = np.array(key, dtype=np.int64)
        ok = key >= 0
        pm.add_rows("access_host", [np.arange(len(o)), key[ok]], [pm.col("o"), pm.col("n", sel[ok])],
                    [np.ones(len(o)), -np.ones(int(ok.sum()))], np.full(len(o), -INF), np.zeros(len(o)), o)


def define_access_visit(pm: PlanModel) -> None:
    """min_visit * v[k,r] <= mobile exams of type k delivered to r in the last year."""
    inp = pm.inp
    Y = len(inp.years)
    v = pm.families["v"].index
    if len(v):
        z = pm.families["z"].index
        zm = z["m"].to_numpy()
        v_pos = {key: i for i, key in enumerate(zip(v["k"], v["r"]))}
        sel = np.flatnonzero(inp.mobile[zm] & (z["y"].to_numpy() == Y - 1))
        key = np.array([v_pos.get((inp.serves[m], t), -1) for m, t in zip(zm[sel], z["target"].to_numpy()[sel])],
                       dtype=np.int64)
        ok = key >= 0
        minv = inp.scenario.access.min_mobile_visit_thousand_exams
        pm.add_rows("access_visit", [np.arange(len(v)), key[ok]], [pm.col("v"), pm.col("z", sel[ok])],
                    [np.full(len(v), minv), -np.ones(int(ok.sum()))], np.full(len(v), -INF), np.zeros(len(v)), v)


def define_access_levels(pm: PlanModel) -> None:
    """levels: w_l - w_(l-1) + openers at l >= [l is first]."""
    o = pm.families["o"].index
    v = pm.families["v"].index
    w = pm.families["w"].index
    if len(w):
        rows, cols, coefs = [np.arange(len(w))], [pm.col("w")], [np.ones(len(w))]
        first = np.concatenate([lv.first for lv in pm.levels.values()])
        later = np.flatnonzero(~first)
        rows.append(later), cols.append(pm.col("w", later - 1)), coefs.append(-np.ones(len(later)))
        offset = 0
        o_pos = {key: i for i, key in enumerate(zip(o["k"], o["r"]))}
        v_pos = {key: i for i, key in enumerate(zip(v["k"], v["r"]))}
        for k, lv in pm.levels.items():
            host = lv.opener_host
            region_of_row = lv.region[lv.opener_row]
            is_o = host >= 0
            rows.append(offset + lv.opener_row[is_o])
            cols.append(pm.col("o", [o_pos[(k, h)] for h in host[is_o]]))
            coefs.append(np.ones(int(is_o.sum())))
            rows.append(offset + lv.opener_row[~is_o])
            cols.append(pm.col("v", [v_pos[(k, r)] for r in region_of_row[~is_o]]))
            coefs.append(np.ones(int((~is_o).sum())))
            offset += len(lv.region)
        pm.add_rows("access_levels", rows, cols, coefs, first.astype(float), np.full(len(w), INF), w)


ORDER = 100   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="access", label=msg("family.access"),
    variables=(Variables("o", "region holds a whole fixed unit of the exam type (last year)", host_index,
                         upper=ones, integer=always),
               Variables("v", "a mobile unit of the exam type visits the region (last year)", visit_index,
                         upper=ones, integer=always),
               Variables("w", "nothing open at this distance level or nearer", level_index,
                         upper=_level_upper, cost=_level_cost)),
    rows=(Rows("access_host", define_access_host, decomposition=None),
          Rows("access_visit", define_access_visit, decomposition=None),
          Rows("access_levels", define_access_levels, decomposition=None)),
    objective_offset=_travel_constant,
)
