"""Travel to the nearest unit: the distance-level structure the model uses, and the same measure
recomputed from a plan (before and after) for the results and the verifier.

The model writes "travel from region i to the nearest open host" with the sorted-distance-level
formulation of p-median (Cornuejols, Nemhauser & Wolsey 1980; Elloumi 2010) in its chained form: for each
demand region i, the distinct travel times to candidate hosts within the cap, d_0 < d_1 < ... , get a
variable w_i^l = "nothing open at level l or nearer", with

    w_i^0 + sum(openers at level 0) >= 1,      w_i^l - w_i^(l-1) + sum(openers at level l) >= 0,
    travel_i = d_0 + sum_l (d_(l+1) - d_l) w_i^l      (d_L = the cap: nothing within the cap costs the cap)

which needs O(levels) nonzeros per region instead of one assignment variable per (region, host) pair,
and has the same LP bound as the classic formulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.data.inputs import PlanInputs

# Travel times closer than this (minutes) are one level: centroid estimates are not more precise.
LEVEL_RESOLUTION_MINUTES = 0.01


@dataclass
class Levels:
    """The distance levels of one exam type, flattened over demand regions (one row per w variable)."""

    region: np.ndarray      # (W,) demand region of each level
    minutes: np.ndarray     # (W,) d_l
    step: np.ndarray        # (W,) d_(l+1) - d_l, the last level's step reaching the cap
    first: np.ndarray       # (W,) bool: l == 0 for its region
    opener_row: np.ndarray  # (E,) level (index into W) each opener sits at
    opener_host: np.ndarray  # (E,) host region; -1 = "a mobile unit visits the demand region"
    base: np.ndarray        # (R,) d_0 per region (the cap where no host is within the cap)
    beyond: np.ndarray      # (R,) index into W of "nothing within the limit", -1 = no level within it
    no_level_within_limit: np.ndarray  # (R,) bool: no host, fixed or mobile, could ever be within the limit


def candidate_hosts(inp: PlanInputs, k: int, slots: pd.DataFrame) -> np.ndarray:
    """Regions that have, or may receive, a fixed unit of exam type k (a unit slot of modality k)."""
    fixed = slots[(~inp.mobile[slots["m"].to_numpy()]) & (inp.serves[slots["m"].to_numpy()] == k)]
    return np.unique(fixed["r"].to_numpy())


def build_levels(minutes: np.ndarray, hosts: np.ndarray, visitable: np.ndarray, cap: float,
                 limit: float) -> Levels:
    """Levels for every demand region. ``visitable``: (R,) bool, a mobile unit can reach the region."""
    R = minutes.shape[0]
    rows_r, rows_d, op_row, op_host = [], [], [], []
    base = np.full(R, cap, dtype=float)
    beyond = np.full(R, -1, dtype=np.int64)
    W = 0
    for i in range(R):
        d = minutes[i, hosts]
        near = d <= cap
        hd = np.round(d[near] / LEVEL_RESOLUTION_MINUTES) * LEVEL_RESOLUTION_MINUTES
        hh = hosts[near]
        if visitable[i]:
            hd, hh = np.append(hd, 0.0), np.append(hh, -1)
        if not len(hd):
            continue
        lv, inv = np.unique(hd, return_inverse=True)
        rows_r.append(np.full(len(lv), i)), rows_d.append(lv)
        op_row.append(W + inv), op_host.append(hh)
        base[i] = lv[0]
        within = np.flatnonzero(lv <= limit)
        if len(within):
            beyond[i] = W + within[-1]
        W += len(lv)
    region = np.concatenate(rows_r) if rows_r else np.zeros(0, np.int64)
    d = np.concatenate(rows_d) if rows_d else np.zeros(0)
    first = np.ones(len(region), bool)
    first[1:] = region[1:] != region[:-1]
    last = np.ones(len(region), bool)
    last[:-1] = region[1:] != region[:-1]
    step = np.where(last, cap - d, np.roll(d, -1) - d)
    return Levels(region=region.astype(np.int64), minutes=d, step=step, first=first,
                  opener_row=np.concatenate(op_row) if op_row else np.zeros(0, np.int64),
                  opener_host=np.concatenate(op_host) if op_host else np.zeros(0, np.int64),
                  base=base, beyond=beyond, no_level_within_limit=beyond < 0)


# ------------------------------------------------------------------------------------ measured on a plan
def nearest_minutes(minutes: np.ndarray, has_unit: np.ndarray, visited: np.ndarray | None = None) -> np.ndarray:
    """(R,) travel to the nearest region holding a whole unit (0 where a mobile unit visits); inf if none."""
    R = minutes.shape[0]
    out = np.full(R, np.inf)
    if has_unit.any():
        out = minutes[:, has_unit].min(axis=1)
    if visited is not None:
        out = np.where(visited, 0.0, out)
    return out


def _whole_units(inp: PlanInputs, k: int, units_rtm: np.ndarray) -> np.ndarray:
    """(R,) bool: the region holds at least one whole fixed unit of exam type k (units_rtm: (R, T, M))."""
    fixed = (~inp.mobile) & (inp.serves == k)
    return units_rtm[:, :, fixed].sum(axis=(1, 2)) >= 1.0 - 1e-6


def visited_regions(inp: PlanInputs, k: int, mobile: pd.DataFrame, year: int) -> np.ndarray:
    """(R,) bool: a mobile unit of exam type k delivers at least the scenario's minimum visit there."""
    acc = inp.scenario.access
    out = np.zeros(len(inp.regions), bool)
    if not acc.mobile_counts or mobile is None or not len(mobile):
        return out
    serves = {m: inp.exam_types[inp.serves[i]] for i, m in enumerate(inp.modalities)}
    sel = mobile[(mobile["year"] == year) & (mobile["modality"].map(serves) == inp.exam_types[k])]
    got = sel.groupby("target_code")["exams_k"].sum()
    got = got[got >= acc.min_mobile_visit_thousand_exams - 1e-6]
    return inp.regions["code"].isin(got.index).to_numpy()


def access_table(inp: PlanInputs, in_service_rtm: np.ndarray, mobile: pd.DataFrame) -> pd.DataFrame:
    """Per region and access exam type: travel to the nearest unit before the plan (stock at the end of
    the base year, fixed units only: where existing mobile units go is not known) and in the last plan
    year (fixed units in service, and mobile visits if they count)."""
    acc = inp.scenario.access
    if not acc.exam_types or inp.minutes is None:
        return pd.DataFrame()
    last = inp.years[-1]
    pop = inp.pop[:, -1]
    parts = []
    for name in acc.exam_types:
        k = inp.exam_types.index(name)
        before = nearest_minutes(inp.minutes, _whole_units(inp, k, inp.stock_base))
        visited = visited_regions(inp, k, mobile, last)
        after = nearest_minutes(inp.minutes, _whole_units(inp, k, in_service_rtm), visited)
        parts.append(pd.DataFrame({
            "region_code": inp.regions["code"].to_numpy(), "region_name": inp.regions["name_zh"].to_numpy(),
            "region_name_en": inp.regions["name_en"].to_numpy() if "name_en" in inp.regions else "",
            "exam_type": name, "year": last, "population": pop,
            "minutes_before": before, "minutes_after": after,
            "within_limit_before": before <= acc.limit_minutes + 1e-9,
            "within_limit_after": after <= acc.limit_minutes + 1e-9,
            "mobile_visit_after": visited}))
    return pd.concat(parts, ignore_index=True)


def access_measures(table: pd.DataFrame, limit: float, cap: float) -> pd.DataFrame:
    """Per exam type, before and after: population-weighted mean travel (capped, as the model counts it),
    residents beyond the limit, and the longest travel."""
    if table is None or not len(table):
        return pd.DataFrame()
    rows = []
    for name, g in table.groupby("exam_type", sort=False):
        w = g["population"].to_numpy(float)
        for when in ("before", "after"):
            m = g[f"minutes_{when}"].to_numpy(float)
            capped = np.minimum(m, cap)
            rows.append({"exam_type": name, "when": when,
                         "mean_minutes": float(np.average(capped, weights=w)) if w.sum() > 0 else 0.0,
                         "people_beyond_limit": float(w[m > limit + 1e-9].sum()),
                         "regions_beyond_limit": int((m > limit + 1e-9).sum()),
                         "longest_minutes": float(capped.max()) if len(capped) else 0.0})
    return pd.DataFrame(rows)
