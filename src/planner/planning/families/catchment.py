"""Top-tier exams served in another region of the same parent (catchment.top_tier = 'parent').

cq_out[r,k,y] thousand top-tier exams of region r sent to its parent's pool (priced as one referral),
cq_in[h,k,y] those the top-tier units of region h serve for the pool; one balance row per (parent, k, y).
Only parents with both an origin and a host for k get columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import ConstraintFamily, Rows, Variables, empty_index
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _hosts(pm: PlanModel) -> pd.DataFrame:
    """(r, k, y) cells with top-tier fixed units (capacity.py's cells)."""
    top = len(pm.inp.tiers) - 1
    return pm.cap_cells[pm.cap_cells["t"] == top][["r", "k", "y"]].reset_index(drop=True)


def _pool_of(pm: PlanModel, df: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([pm.region_group[df["r"].to_numpy()], df["k"].to_numpy(), df["y"].to_numpy()])


def sent_index(pm: PlanModel) -> pd.DataFrame:
    """cq_out's index; sets pm.pools (g, k, y) and pm.region_group (R,) (empty pools without pooling)."""
    inp = pm.inp
    pm.pools = empty_index("g", "k", "y")
    if not (inp.scenario.catchment.top_tier == "parent" and "parent_code" in inp.regions):
        return empty_index("r", "k", "y")
    top = len(inp.tiers) - 1
    pm.region_group = pd.factorize(inp.regions["parent_code"].astype(str))[0]   # (R,) parent group of each region
    u = pm.families["u"].index
    origin = u[(u["t"] == top) & (inp.demand[u["r"], u["t"], u["k"], u["y"]] > 0)][["r", "k", "y"]]
    # a pool (parent, k, y) needs both an origin and a host
    out = origin[_pool_of(pm, origin).isin(_pool_of(pm, _hosts(pm)))].reset_index(drop=True)
    pm.pools = _pool_of(pm, out).unique().to_frame(index=False, name=["g", "k", "y"]).sort_values(
        ["g", "k", "y"]).reset_index(drop=True)
    return out


def taken_index(pm: PlanModel) -> pd.DataFrame:
    """cq_in's index: the hosts of the pools sent_index found."""
    if not len(pm.pools):
        return empty_index("r", "k", "y")
    hosts = _hosts(pm)
    pools = pd.MultiIndex.from_frame(pm.pools[["g", "k", "y"]])
    return hosts[_pool_of(pm, hosts).isin(pools)].reset_index(drop=True)


def _sent_cost(pm: PlanModel, cq: pd.DataFrame) -> np.ndarray:
    # sent to another region: one referral
    return pm.inp.scenario.weights.referral_wan_cny_per_thousand_exams * year_weights(pm.inp)[cq["y"]]


def define_catchment(pm: PlanModel) -> None:
    """catchment: per parent g, exam type k, year y: sum of cq_out over g's regions = sum of cq_in over
    g's regions (what the parent's pool takes in, its top-tier units serve)."""
    out, into = pm.families["cq_out"].index, pm.families["cq_in"].index
    if len(out):
        pools, group = pm.pools, pm.region_group
        pos = {k: i for i, k in enumerate(zip(pools["g"], pools["k"], pools["y"]))}
        rows = [np.array([pos[k] for k in zip(group[out["r"]], out["k"], out["y"])]),
                np.array([pos[k] for k in zip(group[into["r"]], into["k"], into["y"])], dtype=np.int64)]
        pm.add_rows("catchment", rows, [pm.col("cq_out"), pm.col("cq_in")],
                    [np.ones(len(out)), -np.ones(len(into))], np.zeros(len(pools)), np.zeros(len(pools)), pools)


ORDER = 40   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="catchment", label=msg("family.catchment"),
    variables=(Variables("cq_out", "thousand top-tier exams sent to the parent's pool", sent_index, cost=_sent_cost),
               Variables("cq_in", "thousand top-tier exams served for the parent's pool", taken_index)),
    rows=(Rows("catchment", define_catchment),),
)
