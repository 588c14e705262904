"""room.PurchaseRows: rounding reads its room from the rows the model holds (issue 26, item 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner import Planner
from planner.planning.room import PurchaseRows
from planner.planning.solve import mandated_purchases, relax_and_round
from planner.solver import HighsModel, Status

# Two regions, two plan years; CT has a soft target, MRI a hard one; staff counts; one budget for the plan.
# Alpha's demand for CT is far above what 700 万元 buys (2.5 CT after the 3 MRI the hard target forces),
# so the LP buys fractions; Beta has CT enough.
TOML = """
name = "room"
[regions]
table = "regions.csv"
stock = "stock.csv"
staff = "staff.csv"
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2027
population_year = 2026
population_growth_pct_per_year = 0.0
[modalities.CT]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 10000
staff_per_unit = 1
exam_rate_per_1000_per_year = 50
target_per_million = 2
[modalities.MRI]
price_wan_cny = 150
capacity_exams_per_unit_per_year = 5000
staff_per_unit = 1
exam_rate_per_1000_per_year = 1
target_per_million = 1
target_hard = true
[tiers.hospital]
rank = 1
[eligibility]
hospital = { CT = 100, MRI = 100 }
[referral]
CT = { hospital = 1.0 }
MRI = { hospital = 1.0 }
[budget]
total_wan_cny = 700
[staffing]
growth_pct_per_year = 0
[weights]
unmet_wan_cny_per_thousand_exams = 10
cost_weight = 0.0
[solver]
mip_rel_gap = 0.0
"""
REGIONS = "code,name_zh,name_en,population\n100001,甲,Alpha,2000000\n100002,乙,Beta,1000000\n"
STOCK = "code,tier,modality,units\n100001,hospital,CT,1\n100002,hospital,CT,5\n"
STAFF = "code,staff\n100001,40\n100002,40\n"


def _model(case):
    return Planner.from_file(case(TOML, regions=REGIONS, stock=STOCK, staff=STAFF)).build()


def _highs(pm) -> HighsModel:
    A, lo, hi = pm.matrix()
    return HighsModel(pm.cost, pm.lower, pm.upper, pm.integer, A, lo, hi, offset=pm.objective_offset, threads=1)


def test_purchase_rows_are_budget_staffing_and_the_hard_density_rows(case):
    pm = _model(case)
    rows = PurchaseRows(pm)
    assert rows.blocks == {"budget_total", "staffing", "density"}
    G = pm.families["G"].index
    hard = np.flatnonzero(G["m"].to_numpy() == pm.inp.modalities.index("MRI"))
    assert len(hard) and len(hard) < len(G)  # the soft CT rows exist, and are not purchase rows
    found = rows.rows[rows.names[: rows.n_rows] == "density"]
    assert found.tolist() == (pm.row_start["density"] + hard).tolist()
    staff = pm.row_start["staffing"] + np.arange(pm.blocks["staffing"].rows)
    assert set(rows.rows.tolist()) == {pm.row_start["budget_total"], *staff.tolist(), *found.tolist()}
    # the hard target forces 2 MRI in Alpha and 1 in Beta (1 per million), nothing else is forced
    buy = mandated_purchases(pm)[pm.col("x")]
    mri = pm.families["x"].index["m"].to_numpy() == pm.inp.modalities.index("MRI")
    assert buy[mri].sum() == 3 and buy[~mri].sum() == 0


def _check_start(pm, h, start) -> np.ndarray:
    """The start completed by HiGHS (flows), checked against every row and bound with A @ x."""
    cols, values = start
    r = h.complete(cols, values, 30)
    assert r.status == Status.OPTIMAL and r.x is not None
    x = r.x
    assert np.allclose(x[cols], values)
    A, lo, hi = pm.matrix()
    act = A @ x
    assert (act >= lo - 1e-6).all() and (act <= hi + 1e-6).all()
    assert (x >= pm.lower - 1e-6).all() and (x <= pm.upper + 1e-6).all()
    return x


def test_a_rounded_start_keeps_every_row_and_bound(case):
    pm = _model(case)
    h = _highs(pm)
    start = relax_and_round(pm, h, 10)
    assert start is not None
    x = _check_start(pm, h, start)
    # the purchase rows alone, with n read from the stock rows, hold too
    rows = PurchaseRows(pm)
    S, Y = len(pm.slots), len(pm.inp.years)
    rc = np.cumsum(x[pm.col("x")].reshape(S, Y), axis=1)
    assert rows.violation(rc) <= 1e-6
    assert np.allclose(rows.N @ x[pm.col("x")] + rows.b, x[pm.col("n")])
    spent = 100 * x[pm.col("x")][pm.families["x"].index["m"].to_numpy() == 0].sum() + \
        150 * x[pm.col("x")][pm.families["x"].index["m"].to_numpy() == 1].sum()
    assert spent <= 700 + 1e-6


def test_a_new_purchase_limiting_row_is_respected_without_changes_to_the_rounding(case):
    """At most 1 new CT in Alpha (region 0) over the plan, added after the build: the rounding has never
    heard of it, and keeps it (without it, the start buys more there). (The hard MRI target needs 2 MRI
    in Alpha, so the cap is on CT alone.)"""
    pm = _model(case)
    xi = pm.families["x"].index
    alpha = np.flatnonzero((xi["r"].to_numpy() == 0) & (xi["m"].to_numpy() == pm.inp.modalities.index("CT")))
    loose = relax_and_round(pm, _highs(pm), 10)
    buy = dict(zip(loose[0].tolist(), loose[1].tolist()))
    assert sum(buy.get(c, 0.0) for c in pm.col("x", alpha).tolist()) > 1   # the row below bites

    pm.add_rows("region_cap", [np.zeros(len(alpha), int)], [pm.col("x", alpha)], [np.ones(len(alpha))],
                np.array([-np.inf]), np.array([1.0]), pd.DataFrame({"r": [0]}))
    first = np.cumsum([0] + [b.rows for b in pm.blocks.values()])
    pm.row_start = dict(zip(pm.blocks, first[:-1].tolist()))
    rows = PurchaseRows(pm)
    assert "region_cap" in rows.blocks
    h = _highs(pm)
    start = relax_and_round(pm, h, 10)
    assert start is not None
    buy = dict(zip(start[0].tolist(), start[1].tolist()))
    assert sum(buy.get(c, 0.0) for c in pm.col("x", alpha).tolist()) <= 1 + 1e-9
    _check_start(pm, h, start)
