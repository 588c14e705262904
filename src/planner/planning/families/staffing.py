"""Imaging staff: sum_u staff_per_unit * n[u,y] <= staff available in region r in year y (never below what
existing units use). The elastic model lets it be exceeded with a priced slack SS."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, tolerance

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _region_years(pm: PlanModel) -> pd.DataFrame:
    R, Y = len(pm.inp.regions), len(pm.inp.years)
    return pd.DataFrame({"r": np.repeat(np.arange(R), Y), "y": np.tile(np.arange(Y), R)})


def define_staffing(pm: PlanModel) -> None:
    from planner.planning.families import unit_terms   # the package imports this module

    inp = pm.inp
    scn = pm.inp.scenario
    Y = len(inp.years)
    n = pm.families["n"].index
    spu = inp.param("staff_per_unit")
    beyond = [part for part in unit_terms(pm) if part.staff.any()]   # units needing other staff than their modality's (supply.py)
    if scn.constraints.staffing and scn.staffing.enabled and (spu.any() or beyond):
        ry = _region_years(pm)
        row = n["r"].to_numpy() * Y + n["y"].to_numpy()
        rhs = inp.staff_limit().ravel()
        srows, scols, scoef = [row], [pm.col("n")], [spu[n["m"]].astype(float)]
        for part in beyond:
            srows.append(part.r * Y + part.y), scols.append(part.cols), scoef.append(part.staff)
        if pm.elastic:
            srows, scols, scoef = srows + [np.arange(len(ry))], scols + [pm.col("SS")], scoef + [-np.ones(len(ry))]
        pm.add_rows("staffing", srows, scols, scoef, np.full(len(ry), -INF), rhs, ry)


def check_staffing(c) -> None:
    """Staff the units in service need, within what each region has (the staff table, grown as the scenario says)."""
    inp, scn = c.inp, c.scn
    spu = inp.param("staff_per_unit")
    if scn.constraints.staffing and scn.staffing.enabled and (spu.any() or c.beyond.staff.any()):
        staff = (c.n * spu[None, None, :, None] + c.beyond.staff).sum(axis=(1, 2))
        avail = c.ref.staff if c.ref.staff is not None else inp.staff_limit()
        for r, y in zip(*np.nonzero(staff > avail + tolerance(avail))):
            c.v.append(msg("verify.over_staff", where=c.where(r, y), need=float(staff[r, y]), avail=float(avail[r, y])))
        c.checked["staffing"] = int(staff.size)


def precheck(c) -> None:
    """Staff the hard rules need against staff available (checks.py); regions whose existing units already
    need more."""
    inp, scn, need = c.inp, c.scn, c.need
    spu = inp.param("staff_per_unit")
    if not (scn.constraints.staffing and scn.staffing.enabled and spu.any()):
        return
    surv = inp.surviving
    staff_need = ((surv + np.maximum(need.presence - surv, 0)) * spu[None, None, :, None]).sum(axis=(1, 2))
    staff_need = np.maximum(staff_need, (np.maximum(need.target, surv.sum(axis=1)) * spu[None, :, None]).sum(axis=1))
    existing = (surv * spu[None, None, :, None]).sum(axis=(1, 2))
    avail = inp.staff_limit()
    for r, y in zip(*np.nonzero(staff_need > avail + 1e-6)):
        c.errors.append(msg("checks.staff_short", where=c.where(r), year=int(inp.years[y]),
                            need=float(staff_need[r, y]), avail=float(avail[r, y])))
        break
    over = existing > inp.staff_available + 1e-6
    if over.any():
        c.warnings.append(msg("checks.staff_exceeded", n=int(over.any(axis=1).sum())))


ORDER = 90   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="staffing", label=msg("family.staffing"),
    # a staff member short ~ 30 万元 in the elastic model (checks.elastic_explanation)
    variables=(Variables("SS", "imaging staff short in a region and year (elastic model only)", _region_years,
                         elastic_cost=lambda pm, idx: np.full(len(idx), 30.0), elastic_only=True),),
    rows=(Rows("staffing", define_staffing,
               dual_words=msg("marginal.staffing")),),
    verify=check_staffing, precheck=precheck,
)
