"""room.PurchaseRows: rounding reads its room from the rows the model holds (issue 26, item 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def _cap_alpha_ct(pm, cap: float) -> np.ndarray:
    """Append 'at most ``cap`` new CT in Alpha (region 0) over the plan' to a built model, as a family the
    rounding has never heard of would; returns Alpha's CT x columns."""
    xi = pm.families["x"].index
    alpha = np.flatnonzero((xi["r"].to_numpy() == 0) & (xi["m"].to_numpy() == pm.inp.modalities.index("CT")))
    pm.add_rows("region_cap", [np.zeros(len(alpha), int)], [pm.col("x", alpha)], [np.ones(len(alpha))],
                np.array([-np.inf]), np.array([cap]), pd.DataFrame({"r": [0]}))
    first = np.cumsum([0] + [b.rows for b in pm.blocks.values()])
    pm.row_start = dict(zip(pm.blocks, first[:-1].tolist()))
    return pm.col("x", alpha)


@pytest.mark.parametrize("capped", [False, True])
def test_a_quick_plan_after_a_budget_rise_keeps_a_new_purchase_limiting_row(case, capped):
    """At 500 the hard MRI target takes 450 (3 MRI) and 50 is too little for a CT: no CT is bought.
    Raised to 900, 450 is free: Alpha, far short of CT, gets 4 (the quick plan's restricted LP buys 4.5,
    rounded down). With 'at most 1 new CT in Alpha' appended after the build (a row no rounding code
    knows), the quick plan buys exactly 1 there: the rounding reads the row from the model, so the plan
    that comes out is the rounded LP plan, not a fallback."""
    p = Planner.from_file(case(TOML.replace("total_wan_cny = 700", "total_wan_cny = 500"),
                               regions=REGIONS, stock=STOCK, staff=STAFF))
    pm = p.build()
    xi = pm.families["x"].index
    alpha = pm.col("x", np.flatnonzero((xi["r"].to_numpy() == 0) & (xi["m"].to_numpy() == pm.inp.modalities.index("CT"))))
    if capped:
        assert (_cap_alpha_ct(pm, 1.0) == alpha).all()
        assert "region_cap" in PurchaseRows(pm).blocks
    r = p.solve()
    assert r.report.status == "optimal" and pm.solution[alpha].sum() == pytest.approx(0.0)
    p.set_budget(900)
    q = p.quick_plan()
    assert q is not None and q.report.status == "quick" and q.verifier.ok, q.verifier.violations
    bought = pm.solution[alpha].sum()
    if capped:
        assert bought == pytest.approx(1.0)
        A, lo, hi = pm.matrix()
        act = A @ pm.solution
        assert (act >= lo - 1e-6).all() and (act <= hi + 1e-6).all()
    else:
        assert bought >= 2 - 1e-9   # the control: without the row, more CT in Alpha


def test_a_rounded_start_with_running_costs_in_the_budget_keeps_every_budget_row(case):
    """include_running_cost: each CT costs 100 and 20 a year in service; the budget (550) counts both.
    Alpha (1 million, 50 thousand exams a year: 5 units' worth) has no stock; plan years 2026 and 2027.
    A unit bought in 2026 costs 100 + 2 x 20 = 140 and serves 10 thousand exams in both years (200 of
    unmet cost saved); one bought in 2027 costs 120 and saves 100. Objective 10 x unmet thousands, summed
    over the years: 1000 - 200 k - 100 m for k units in 2026, m in 2027, with 140 k + 120 m <= 550.

    The LP buys 550 / 140 = 3.93 in 2026 (objective 214.3). Whole: k = 3, m = 1 spends 540 and leaves 300,
    the optimum (k = 4 costs 560; k = 2, m = 2 leaves 400; k = 3, m = 0 leaves 400). With no dive rounds
    (rounds=0) the slot is left to the final steps, which now run with running costs in the budget rows:
    rounded down to 3 (420), _fit_years has nothing over, and _top_up adds the LP's wanted fourth unit in
    2027, the first year with room (130 left: a 2026 unit's 140 does not fit, a 2027 unit's 120 does). The
    start is the optimum, and keeps the budget row (spend 540 <= 550)."""
    from planner.planning.solve import relax_and_round
    from tests.conftest import one_tier_ct

    regions = "code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n100001,100000,甲,Alpha,1000000,104.0,30.0\n"
    p = Planner.from_file(case(one_tier_ct(budget=550, last_year=2027, opex=20, running="true"), regions=regions,
                               stock="code,tier,modality,units\n"))
    pm = p.build()
    assert "budget_total" in PurchaseRows(pm).blocks
    h = _highs(pm)
    start = relax_and_round(pm, h, 10, rounds=0)
    assert start is not None
    x = _check_start(pm, h, start)
    A, lo, hi = pm.matrix()
    at = pm.row_start["budget_total"]
    act = A @ x
    assert lo[at] - 1e-6 <= act[at] <= hi[at] + 1e-6
    assert act[at] == pytest.approx(540.0)              # 3 x 140 + 1 x 120
    assert x[pm.col("x")].tolist() == pytest.approx([3.0, 1.0])
    r = p.solve()
    assert r.report.objective == pytest.approx(300.0) and r.verifier.ok
