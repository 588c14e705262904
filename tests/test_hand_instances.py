"""Small instances whose optimum is worked out by hand in each docstring, asserted exactly."""

from __future__ import annotations

import numpy as np
import pytest

from planner import Planner
from planner.errors import PlannerError
from tests.conftest import one_tier_ct, write_case

REGIONS_AB = """
    code,name_zh,name_en,population
    100001,甲,Alpha,500000
    100002,乙,Beta,2000000
"""
STOCK_AB = """
    code,tier,modality,units
    100001,hospital,CT,2
    100002,hospital,CT,1
"""


def test_budget_goes_where_unmet_demand_is_largest(case):
    """Alpha: 0.5 M people x 50/1,000 = 25 thousand exams, 2 units x 10 = 20 capacity, 5 unmet.
    Beta: 2 M x 50/1,000 = 100 thousand, 1 unit = 10 capacity, 90 unmet. 300 万元 buys 3 units of
    10 thousand exams each. A unit in Alpha closes only 5, in Beta 10, so all three go to Beta:
    unmet = 5 + (90 - 30) = 65 thousand, objective 10 x 65 = 650."""
    p = Planner.from_file(case(one_tier_ct(budget=300), regions=REGIONS_AB, stock=STOCK_AB))
    r = p.solve()
    assert r.report.status == "optimal"
    assert r.report.objective == pytest.approx(650.0)
    assert r.plan[["region_code", "new_units"]].values.tolist() == [["100002", 3.0]]
    assert r.plan["capex_cny"].tolist() == [3_000_000.0]
    assert r.verifier.ok, r.verifier.violations
    unmet = r.regions.set_index("region_code")["unmet_thousand_exams"]
    assert unmet["100001"] == pytest.approx(5.0) and unmet["100002"] == pytest.approx(60.0)
    # the marginal 100万元 buys one more unit in Beta: 10 thousand exams x 10 = 100
    assert r.report.budget_marginal["total"] == pytest.approx(-1.0)


def test_retiring_stock_is_replaced_in_the_year_it_retires(case):
    """Alpha needs 25 thousand exams a year = 2.5 units; Beta 100 = 10 units. With a 2-year service life,
    existing units are half gone in 2026 and all gone in 2027 (even ages). Beta's 1 unit: 0.5 -> rounds
    to 1 (half up) in 2026, 0 in 2027. Make Beta the only region and give it exactly the budget to
    stay served: it needs 10 units each year: buys 9 in 2026 and 1 more in 2027 (when its last old unit
    retires). Running costs count against the budget and the objective, so buying early is worse."""
    regions = """
        code,name_zh,population
        100002,乙,2000000
    """
    stock = """
        code,tier,modality,units
        100002,hospital,CT,1
    """
    toml = one_tier_ct(budget=2000, last_year=2027, life=2, opex=10, running="true", cost_weight=0.01)
    p = Planner.from_file(case(toml, regions=regions, stock=stock))
    assert p.inputs.surviving[0, 0, 0].tolist() == [1.0, 0.0]
    r = p.solve()
    assert r.report.status == "optimal"
    by_year = r.plan.set_index("year")["new_units"].to_dict()
    assert by_year == {2026: 9.0, 2027: 1.0}
    assert r.regions["unmet_thousand_exams"].sum() == pytest.approx(0.0)
    # capex 10 x 100 = 1,000; running: 9 x 10 in 2026 + 10 x 10 in 2027 = 190
    assert r.verifier.recomputed["spend_total_wan_cny"] == pytest.approx(1190.0)
    assert r.verifier.ok
    # summary.json says both: capital alone, and capital + running, which is what counts against the budget
    from planner.io.output import summary_dict

    s = summary_dict(r)
    wan = 10_000
    assert s["spend_by_year"] == pytest.approx({"2026": 900 * wan, "2027": 100 * wan})
    assert s["running_cost_by_year"] == pytest.approx({"2026": 90 * wan, "2027": 100 * wan})
    assert s["budget_includes_running_cost"] is True
    assert s["budget_spend_by_year"] == pytest.approx({"2026": 990 * wan, "2027": 200 * wan})
    assert s["budget_spend_total_cny"] == pytest.approx(1190 * wan) and s["spend_total_cny"] == pytest.approx(1000 * wan)


TWO_TIER = """
name = "referral"
[regions]
table = "regions.csv"
stock = "stock.csv"
{travel}
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2026
population_year = 2026
population_growth_pct_per_year = 0.0

[modalities.CT]
price_wan_cny = {ct_price}
capacity_exams_per_unit_per_year = 10000
exam_rate_per_1000_per_year = 10
target_per_million = 0

[modalities.MOBILE_CT]
mobile = true
serves = "CT"
price_wan_cny = 350
capacity_exams_per_unit_per_year = 6000
target_per_million = 0

[tiers.grassroots]
rank = 1
unmet_weight = 2.0
[tiers.secondary]
rank = 2

[eligibility]
grassroots = {{ CT = 0, MOBILE_CT = 0 }}
secondary = {{ CT = 5, MOBILE_CT = 1 }}

[referral]
CT = {{ grassroots = 1.0, secondary = 0.0 }}

[budget]
total_wan_cny = {budget}

[staffing]
enabled = false

[mobile]
max_travel_minutes = 120
working_minutes_per_day = 480
max_neighbours = 4

[weights]
unmet_wan_cny_per_thousand_exams = 10
referral_wan_cny_per_thousand_exams = 1
mobile_away_wan_cny_per_thousand_exams = 0.5
cost_weight = 0.01

[solver]
time_limit_s = 30
mip_rel_gap = 0.0
"""


def test_grassroots_demand_is_referred_up_not_down(case):
    """Grassroots may not hold CT. 0.3 M people x 10/1,000 = 3 thousand exams
    present at grassroots; the secondary tier has 1 CT (10 thousand capacity), no budget. All 3 thousand
    are referred up (cost 1 each) rather than left unmet (cost 20 each): objective 3."""
    regions = """
        code,name_zh,population
        100001,甲,300000
    """
    stock = """
        code,tier,modality,units
        100001,secondary,CT,1
    """
    toml = TWO_TIER.format(travel="", ct_price=100, budget=0)
    r = Planner.from_file(case(toml, regions=regions, stock=stock)).solve()
    assert r.report.objective == pytest.approx(3.0)
    f = r.flows.set_index("tier")
    assert f.loc["grassroots", "referred_up_k"] == pytest.approx(3.0)
    assert f.loc["secondary", "referred_in_k"] == pytest.approx(3.0)
    assert f.loc["secondary", "served_fixed_k"] == pytest.approx(3.0)
    assert f["unmet_k"].sum() == pytest.approx(0.0)
    assert r.verifier.ok


def test_mobile_unit_is_based_where_it_travels_least(case):
    """Alpha has 1.5 thousand grassroots CT exams, Beta 3 thousand, 60 minutes apart (efficiency
    1 - 2 x 60/480 = 0.75). Fixed CT costs more than the budget; one mobile unit (6 thousand) fits.
    Based in Alpha it uses 1.5 + 3/0.75 = 5.5 and pays 0.5 x 3 for away exams; based in Beta it uses
    3 + 1.5/0.75 = 5 and pays 0.5 x 1.5 = 0.75. So: one mobile CT in Beta, objective 0.75 + 0.01 x 350."""
    regions = """
        code,name_zh,population
        100001,甲,150000
        100002,乙,300000
    """
    stock = """
        code,tier,modality,units
        100001,secondary,CT,0
    """
    travel = """
        from_code,to_code,minutes
        100001,100002,60
        100002,100001,60
    """
    toml = TWO_TIER.format(travel='travel = "travel.csv"', ct_price=10_000, budget=400)
    r = Planner.from_file(case(toml, regions=regions, stock=stock, travel=travel)).solve()
    assert r.report.status == "optimal"
    assert r.plan[["region_code", "modality", "new_units"]].values.tolist() == [["100002", "MOBILE_CT", 1.0]]
    assert r.report.objective == pytest.approx(0.75 + 3.5)
    mob = r.mobile.set_index("target_code")["exams_k"]
    assert mob["100001"] == pytest.approx(1.5) and mob["100002"] == pytest.approx(3.0)
    assert r.mobile["efficiency"].min() == pytest.approx(0.75)
    assert r.verifier.ok


def test_hard_target_beyond_budget_is_explained_before_solving(case):
    """A hard target of 10 CT per million in Beta (2 M people) needs 20 units; it has 1 and Alpha
    (0.5 M) needs 5 and has 2: 19 + 3 = 22 units = 2,200 万元 against a 300 万元 budget."""
    toml = one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 10\ntarget_hard = true")
    p = Planner.from_file(case(toml, regions=REGIONS_AB, stock=STOCK_AB))
    assert not p.checks.ok
    msg = str(p.checks.errors[0])
    assert "2,200 万元" in msg and "300 万元" in msg and "乙 needs 19 CT" in msg
    with pytest.raises(PlannerError, match="cannot be solved"):
        p.solve()


def test_soft_target_shortfall_is_priced(case):
    """Same as the first case with a soft target of 10 per million and no unmet weight: the shortfall
    is 19 units in Beta and 3 in Alpha (weight 50 per unit-year); 3 units fit the budget and each
    closes one unit of shortfall, so 22 - 3 = 19 units remain short: objective 19 x 50 = 950."""
    toml = one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 10").replace(
        "unmet_wan_cny_per_thousand_exams = 10", "unmet_wan_cny_per_thousand_exams = 0")
    r = Planner.from_file(case(toml, regions=REGIONS_AB, stock=STOCK_AB)).solve()
    assert r.report.objective == pytest.approx(950.0)
    assert r.plan["new_units"].sum() == 3
    assert r.verifier.ok


def test_conflicting_hard_rules_are_explained_by_the_smallest_relaxation(case):
    """Each rule passes its own pre-check, but together they need more staff than there is.
    2 county hospitals must each have a CT (2 units x 3 staff) and the hard MRI target of 1 per million
    for 2 M people needs 2 MRI (2 x 3 staff): 12 staff, 10 available. The cheapest relaxation (a staff
    member is priced 30, a missing unit 100) is 2 more staff."""
    toml = """
name = "conflict"
[regions]
table = "regions.csv"
stock = "stock.csv"
facilities = "facilities.csv"
staff = "staff.csv"
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2026
population_year = 2026
population_growth_pct_per_year = 0.0
[modalities.CT]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 10000
staff_per_unit = 3
exam_rate_per_1000_per_year = 1
[modalities.MRI]
price_wan_cny = 500
capacity_exams_per_unit_per_year = 5000
staff_per_unit = 3
exam_rate_per_1000_per_year = 1
target_per_million = 1
target_hard = true
[tiers.hospital]
rank = 1
[eligibility]
hospital = { CT = 2, MRI = 2 }
[referral]
CT = { hospital = 1.0 }
MRI = { hospital = 1.0 }
[budget]
total_wan_cny = 10000
[staffing]
growth_pct_per_year = 0
[[policy.min_units]]
tier = "hospital"
modality = "CT"
per_facility = 1
from_year = 2026
[solver]
mip_rel_gap = 0.0
"""
    path = case(toml, regions="code,name_zh,population\n100002,乙,2000000\n",
                stock="code,tier,modality,units\n100002,hospital,CT,0\n",
                facilities="code,tier,facilities\n100002,hospital,2\n", staff="code,staff\n100002,10\n")
    p = Planner.from_file(path)
    assert p.checks.ok  # every rule passes on its own
    r = p.solve()
    assert r.report.status == "infeasible"
    assert "乙 (100002) in 2026 would need 2.0 more imaging staff" in str(r.report.message)
    assert "smallest relaxation" in str(r.report.message)


MOBILE_BASE = """
name = "mobile-base"
[regions]
table = "regions.csv"
stock = "stock.csv"
facilities = "facilities.csv"
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2026
population_year = 2026
population_growth_pct_per_year = 0.0
[modalities.CT]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 10000
service_life_years = 10
exam_rate_per_1000_per_year = 50
target_per_million = 0
[modalities.MOBILE_CT]
mobile = true
serves = "CT"
price_wan_cny = 100
capacity_exams_per_unit_per_year = 6000
service_life_years = 8
target_per_million = 0
[tiers.hospital]
rank = 1
[eligibility]
hospital = { CT = 0, MOBILE_CT = 1 }
[referral]
CT = { hospital = 1.0 }
[budget]
total_wan_cny = 300
[staffing]
enabled = false
[weights]
unmet_wan_cny_per_thousand_exams = 10
cost_weight = 0.0
[solver]
time_limit_s = 30
mip_rel_gap = 0.0
"""


def test_a_mobile_unit_is_based_only_where_an_eligible_facility_is(case):
    """Alpha (1 M people, 50 thousand CT exams) has no hospital; Beta, 10 km away, has one, and may base one
    mobile CT (eligibility 1 per facility). Fixed CT is not allowed. With money for 3 units, exactly one
    mobile CT is bought, based in Beta, and it serves Alpha: 6,000 exams x its away efficiency."""
    path = case(MOBILE_BASE,
                regions="""
                code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
                100001,100000,甲,Alpha,1000000,104.0,30.0
                100002,100000,乙,Beta,10000,104.1,30.0
                """,
                stock="code,tier,modality,units\n",
                facilities="code,tier,facilities\n100001,hospital,0\n100002,hospital,1\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier and r.verifier.violations
    assert r.plan[["region_code", "modality", "new_units"]].values.tolist() == [["100002", "MOBILE_CT", 1.0]]
    # Beta's own 0.5 thousand exams at base (efficiency 1), the rest of its 6 thousand to Alpha at the
    # away efficiency (a round trip of the travel time out of a working day)
    by_target = r.mobile.groupby("target_code")["exams_k"].sum()
    eff = float(r.mobile.loc[r.mobile["target_code"] == "100001", "efficiency"].iloc[0])
    assert 0 < eff < 1 and by_target["100002"] == pytest.approx(0.5, rel=1e-6)
    assert by_target["100001"] == pytest.approx((6.0 - 0.5) * eff, rel=1e-6)


def _ten_regions(n: int = 10) -> str:
    rows = [f"1000{i:02d},100000,区{i},R{i},100000,{104 + i * 0.5},30.0" for i in range(n)]
    return "code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n" + "\n".join(rows) + "\n"


def test_single_units_retire_in_an_even_age_profile(case):
    """Ten regions with one 10-year CT each and no money: an even age profile over the service life keeps
    9, 8, 7, 6, 5 units over 2026-2030 (rounding each region's 1 x (1 - h/10) kept all ten)."""
    stock = "code,tier,modality,units\n" + "".join(f"1000{i:02d},hospital,CT,1\n" for i in range(10))
    path = case(one_tier_ct(budget=0, last_year=2030), regions=_ten_regions(), stock=stock)
    p = Planner.from_file(path)
    assert p.inputs.surviving[:, 0, 0, :].sum(axis=0).tolist() == [9, 8, 7, 6, 5]
    # each region's count falls one whole unit at a time, never below zero
    assert set(np.unique(p.inputs.surviving)) <= {0.0, 1.0}
    r = p.solve()
    assert r.verifier.ok and r.units.groupby("year")["in_service"].sum().tolist() == [9, 8, 7, 6, 5]


def test_retirements_follow_region_codes_not_table_rows(case, tmp_path):
    """Undated units' retirement phases are numbered in the order of region code, then tier, so the same
    regions listed in reverse give the same survivors in every region and the same optimum (issue 26)."""
    rows = [f"1000{i:02d},100000,区{i},R{i},{100000 * (i + 1)},{104 + i * 0.5},30.0" for i in range(10)]
    header = "code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n"
    stock = "code,tier,modality,units\n" + "".join(f"1000{i:02d},hospital,CT,{1 + i % 3}\n" for i in range(10))
    toml = one_tier_ct(budget=300, last_year=2030, cost_weight=0.001)
    runs = []
    for order in (rows, rows[::-1]):
        folder = tmp_path / f"case{len(runs)}"
        p = Planner.from_file(write_case(folder, toml, regions=header + "\n".join(order) + "\n", stock=stock))
        codes = p.inputs.regions["code"].tolist()
        surv = {c: p.inputs.surviving[i, 0, 0, :].tolist() for i, c in enumerate(codes)}
        r = p.solve()
        assert r.report.status == "optimal" and r.verifier.ok
        bought = r.plan.groupby(["region_code", "year"])["new_units"].sum()
        runs.append((codes, surv, r.report.objective, bought[bought > 0].to_dict()))
    (codes_a, surv_a, obj_a, _), (codes_b, surv_b, obj_b, _) = runs
    assert codes_b == codes_a[::-1]
    assert surv_a == surv_b
    assert sum(v[0] for v in surv_a.values()) < sum(1 + i % 3 for i in range(10))  # some units do retire
    assert obj_b == pytest.approx(obj_a, rel=1e-9, abs=1e-9)


def test_installation_years_retire_units_when_their_life_ends(case):
    """Two CT installed in 2018 (life 10) leave service in 2028; three installed in 2024 stay to 2030; rows
    without a year follow the even profile (one unit: it retires in the year its phase says)."""
    stock = ("code,tier,modality,units,installed_year\n100000,hospital,CT,2,2018\n100000,hospital,CT,3,2024\n"
             "100001,hospital,CT,4,\n")
    path = case(one_tier_ct(budget=0, last_year=2030), regions=_ten_regions(2), stock=stock)
    surv = Planner.from_file(path).inputs.surviving[:, 0, 0, :]
    assert surv[0].tolist() == [5, 5, 3, 3, 3]
    # 4 undated units, life 10, first phase 0: ceil(4 (1 - h/10)) = 4, 4, 3, 3, 2
    assert surv[1].tolist() == [4, 4, 3, 3, 2]


ORIGIN = """
name = "origin"
[regions]
table = "regions.csv"
stock = "stock.csv"
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2026
population_year = 2026
population_growth_pct_per_year = 0.0
[modalities.CT]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 4000
service_life_years = 10
exam_rate_per_1000_per_year = 10
target_per_million = 0
[tiers.grassroots]
rank = 1
unmet_weight = 2.0
[tiers.county]
rank = 2
[eligibility]
grassroots = { CT = 0 }
county = { CT = 5 }
[referral]
CT = { grassroots = 1.0, county = 0.0 }
[budget]
total_wan_cny = 0
[staffing]
enabled = false
[weights]
unmet_wan_cny_per_thousand_exams = 10
referral_wan_cny_per_thousand_exams = 1
cost_weight = 0.0
[solver]
time_limit_s = 30
mip_rel_gap = 0.0
"""


def test_unmet_grassroots_demand_keeps_its_weight_through_referral(case):
    """10 thousand CT exams present at grassroots, which holds no CT; the county's one CT serves 4 thousand.
    Referring 4 thousand costs 4 x 1 = 4 and the 6 thousand left are unmet AT GRASSROOTS, each 10 x 2 = 20:
    objective 124. (When unmet exams took the tier they were referred to, all 10 thousand went up and the
    6 left cost 10 each there: 70, and the summary said 'grassroots unmet 0'.)"""
    path = case(ORIGIN, regions="""
                code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
                100001,100000,甲,Alpha,1000000,104.0,30.0
                """, stock="code,tier,modality,units\n100001,county,CT,1\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(124.0)
    assert r.verifier.ok and r.measures["weighted_sum_objective"] == pytest.approx(124.0)
    f = r.flows.set_index("tier")
    assert f.loc["grassroots", "unmet_k"] == pytest.approx(6.0) and f.loc["county", "unmet_k"] == pytest.approx(0.0)
    assert f.loc["grassroots", "referred_up_k"] == pytest.approx(4.0)
    assert f.loc["county", "referred_in_k"] == pytest.approx(4.0) and f.loc["county", "served_fixed_k"] == pytest.approx(4.0)


def test_even_yearly_tranches_cap_each_year_and_follow_the_total(case):
    """budget.even_yearly_tranches: 400 万元 over 2 years is 200 a year. Demand of 50 thousand CT exams a
    year in each of two regions (5 units' worth each) cannot all be bought in 2026: two 100-万元 units a
    year, and a what-if total of 600 moves the caps to 300 a year without a rebuild."""
    toml = one_tier_ct(budget=400, last_year=2027).replace(
        "[budget]\n", "[budget]\neven_yearly_tranches = true\n")
    path = case(toml, regions="""
                code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
                100001,100000,甲,Alpha,1000000,104.0,30.0
                100002,100000,乙,Beta,1000000,104.5,30.0
                """, stock="code,tier,modality,units\n")
    p = Planner.from_file(path)
    assert p.inputs.budget_year_wan.tolist() == [200.0, 200.0]
    r = p.solve()
    assert r.verifier.ok and r.spend["capex_wan_cny"].tolist() == [200.0, 200.0]
    r2 = p.resolve_with_budget(600)
    assert p.inputs.budget_year_wan.tolist() == [300.0, 300.0]
    assert r2.verifier.ok and r2.spend["capex_wan_cny"].tolist() == [300.0, 300.0]


def test_tranches_and_explicit_yearly_caps_are_not_both_given(case):
    toml = one_tier_ct(budget=400, last_year=2027).replace(
        "[budget]\n", "[budget]\neven_yearly_tranches = true\nper_year_wan_cny = [100, 300]\n")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n", stock="code,tier,modality,units\n")
    with pytest.raises(PlannerError, match="either per_year_wan_cny or even_yearly_tranches"):
        Planner.from_file(path)


@pytest.mark.parametrize("valuation, expected", [
    # a presence rule from 2027 forces one CT (price 100, life 10); at 10 % a 2027 purchase is discounted by
    # 1/1.1. Full price: 100/1.1 = 90.909. Annualised: the capital recovery factor 0.1 x 1.1^10 / (1.1^10 - 1)
    # = 0.162745 a year, for the one plan year it serves (2027): 100 x 0.162745 / 1.1 = 14.795.
    ("full_price", 100 / 1.1),
    ("annualised", 100 * (0.1 * 1.1 ** 10 / (1.1 ** 10 - 1)) / 1.1),
])
def test_discounting_and_capital_valued_by_its_service_inside_the_plan(case, valuation, expected):
    toml = one_tier_ct(budget=300, last_year=2027, cost_weight=1.0, extra_regions='facilities = "facilities.csv"')
    toml = toml.replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0").replace(
        "cost_weight = 1.0", f'cost_weight = 1.0\ndiscount_rate_pct = 10\ncapital_valuation = "{valuation}"')
    toml += '\n[[policy.min_units]]\ntier = "hospital"\nmodality = "CT"\nper_facility = 1\nfrom_year = 2027\n'
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n", stock="code,tier,modality,units\n",
                facilities="code,tier,facilities\n100001,hospital,1\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier and r.verifier.violations
    assert r.plan[["year", "new_units"]].values.tolist() == [[2027, 1.0]]  # bought when the rule starts
    assert r.report.objective == pytest.approx(expected, rel=1e-9)
    assert r.measures["weighted_sum_objective"] == pytest.approx(expected, rel=1e-9)


def _four_ct_against_target_10(case, budget, life):
    """1 million residents, no demand, 4 CT at the base year, target 10 per million: the plan and its
    summary's gap to target."""
    from planner.io.output import summary_dict

    toml = one_tier_ct(budget=budget, life=life).replace("exam_rate_per_1000_per_year = 50",
                                                         "exam_rate_per_1000_per_year = 0").replace(
        "target_per_million = 0", "target_per_million = 10")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,4\n")
    r = Planner.from_file(path).solve()
    return r, summary_dict(r)["target_gap"]["CT"]


@pytest.mark.parametrize("budget, after, closed", [(600, 10.0, 1.0), (300, 7.0, 0.5)])
def test_summary_says_how_much_of_the_gap_to_target_the_plan_closes(case, budget, after, closed):
    """1 million residents, 4 CT in service at the base year (life 40: none retire), target 10 per million:
    the base-year gap is 6 units. Money for 6 closes all of it; money for 3 closes half."""
    r, gap = _four_ct_against_target_10(case, budget=budget, life=40)
    assert gap["base_per_million"] == pytest.approx(4.0) and gap["after_per_million"] == pytest.approx(after)
    assert gap["closed_share"] == pytest.approx(closed)
    from planner.reporting.summary import text_summary

    assert f"base year 4.00, the plan closes {closed:.0%} of the gap" in text_summary(r)


def test_summary_says_when_the_plan_ends_below_the_base_year(case):
    """4 CT at the base year, a 2-year life (even ages: some retire in 2026), no money: the density falls
    below the base year, and the summary says so instead of a negative share of the gap."""
    r, gap = _four_ct_against_target_10(case, budget=0, life=2)
    assert gap["after_per_million"] < gap["base_per_million"] == pytest.approx(4.0)
    assert gap["closed_share"] < 0
    from planner.reporting.summary import text_summary

    assert "base year 4.00: the plan ends below it, not every retiring unit is replaced" in text_summary(r)


@pytest.mark.parametrize("mri_weight, bought, objective", [(None, ("CT", 4.0), 800.0), (400, ("MRI", 1.0), 4100.0)])
def test_shortfall_weight_per_modality(case, mri_weight, bought, objective):
    """1 million residents, no stock, no demand; targets CT 10 and MRI 10 per million; CT 100万, MRI 400万,
    budget 400. One weight (50 per missing unit-year): 4 CT leave 6 + 10 units short = 800, 1 MRI leaves
    10 + 9 = 950, so 4 CT. MRI's own weight 400: 4 CT cost 6 x 50 + 10 x 400 = 4,300, 1 MRI 10 x 50 + 9 x 400
    = 4,100, so 1 MRI."""
    toml = one_tier_ct(budget=400).replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0")
    toml = toml.replace("target_per_million = 0", "target_per_million = 10").replace(
        "[tiers.hospital]", "[modalities.MRI]\nprice_wan_cny = 400\ncapacity_exams_per_unit_per_year = 5000\n"
        "exam_rate_per_1000_per_year = 0\ntarget_per_million = 10\n"
        + ("" if mri_weight is None else f"shortfall_wan_cny_per_unit_year = {mri_weight}\n") + "\n[tiers.hospital]")
    toml = toml.replace("hospital = { CT = 100 }", "hospital = { CT = 100, MRI = 100 }").replace(
        "CT = { hospital = 1.0 }", "CT = { hospital = 1.0 }\nMRI = { hospital = 1.0 }")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier.violations
    assert r.plan[["modality", "new_units"]].values.tolist() == [list(bought)]
    assert r.report.objective == pytest.approx(objective, rel=1e-9)
    assert r.measures["weighted_sum_objective"] == pytest.approx(objective, rel=1e-9)


def test_floor_and_the_gap_against_what_purchases_can_change(case):
    """1 million residents need 50 thousand CT exams; one facility holds at most 4 CT of 10 thousand exams.
    Even unlimited money leaves 10 thousand unmet: floor 10 x 10 = 100. Budget 300 buys 3: objective 200.
    The plan is optimal, so the gap against what purchases can change (200 - 200) / (200 - 100) is 0; a
    budget of 400 reaches the floor itself, and the floor is kept across the what-if."""
    from planner.io.output import summary_dict
    from planner.planning.solve import changeable_gap

    toml = one_tier_ct(budget=300).replace("hospital = { CT = 100 }", "hospital = { CT = 4 }").replace(
        'stock = "stock.csv"', 'stock = "stock.csv"\nfacilities = "facilities.csv"')
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n",
                facilities="code,tier,facilities\n100001,hospital,1\n")
    p = Planner.from_file(path)
    r = p.solve()
    assert r.report.objective == pytest.approx(200.0) and r.report.floor == pytest.approx(100.0)
    assert r.report.changeable_gap == pytest.approx(0.0)
    assert "floor 100.0 that no budget goes below" in str(r.report.message)
    assert summary_dict(r)["floor"] == pytest.approx(100.0)
    kept = p._solver._floor
    r = p.resolve_with_budget(400)
    assert r.report.objective == pytest.approx(100.0) and p._solver._floor is kept  # not solved again
    assert r.report.floor == pytest.approx(100.0) and r.report.changeable_gap == pytest.approx(0.0)
    # the measure itself: 10 short of the bound out of 110 purchases could still change
    assert changeable_gap(210.0, 200.0, 100.0) == pytest.approx(10 / 110)
    assert changeable_gap(None, 200.0, 100.0) is None and changeable_gap(100.0, 100.0, 100.0) == 0.0


def test_rounding_top_up_buys_one_unit_in_one_year(case):
    """Relax-and-round's top-up adds one unit in the first year the LP wants more. Plan so far: 0 CT in
    2026, 1 in 2027 (cumulative 0, 1); LP cumulative 1.2, 1.5. One more unit goes into 2026: cumulative
    1, 2, i.e. one purchase in each year, which the 100 万元 yearly tranche (1 CT a year) allows. (It used to
    set every later year to 2: two purchases in 2026 and none in 2027, over that year's tranche.)"""
    from planner.planning.solve import _top_up

    toml = one_tier_ct(budget=200, last_year=2027).replace("[budget]\n", "[budget]\neven_yearly_tranches = true\n")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n")
    p = Planner.from_file(path)
    pm = p.build()
    rc = _top_up(pm, np.array([[0.0, 1.0]]), np.array([[1.2, 1.5]]), np.array([True]))
    assert rc.tolist() == [[1.0, 2.0]]



def test_rounding_top_up_keeps_within_a_given_budget_share(case):
    """The same model solved for a share of the budget (a province in the decomposition): no money in
    2026, 100 万元 in 2027. The LP wants a unit from 2026 (cumulative 0.5, 1.5); the scenario's tranches would
    buy it in 2026, the share only allows 2027."""
    from planner.planning.solve import _top_up

    toml = one_tier_ct(budget=200, last_year=2027).replace("[budget]\n", "[budget]\neven_yearly_tranches = true\n")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n")
    pm = Planner.from_file(path).build()
    lp = np.array([[0.5, 1.5]])
    assert _top_up(pm, np.zeros((1, 2)), lp, np.array([True])).tolist() == [[1.0, 1.0]]
    share = (100.0, np.array([0.0, 100.0]))
    assert _top_up(pm, np.zeros((1, 2)), lp, np.array([True]), share).tolist() == [[0.0, 1.0]]


def test_rounding_moves_a_purchase_out_of_an_overspent_year(case):
    """Rounding cumulative purchases can put two units (200 万元) into a year with a 100 万元 tranche. The
    second 2027 unit is bought a year earlier, where 2026 has room: cumulative (0, 2) becomes (1, 2). Two
    units in 2026, with no earlier year, send one to 2027: (2, 2) becomes (1, 2). With no room anywhere
    the unit is dropped: with a share of nothing in 2026 and 100 in 2027, (0, 2) becomes (0, 1)."""
    from planner.planning.solve import _fit_years

    toml = one_tier_ct(budget=200, last_year=2027).replace("[budget]\n", "[budget]\neven_yearly_tranches = true\n")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n")
    pm = Planner.from_file(path).build()
    assert _fit_years(pm, np.array([[0.0, 2.0]]), None).tolist() == [[1.0, 2.0]]
    assert _fit_years(pm, np.array([[2.0, 2.0]]), None).tolist() == [[1.0, 2.0]]
    assert _fit_years(pm, np.array([[0.0, 2.0]]), (100.0, np.array([0.0, 100.0]))).tolist() == [[0.0, 1.0]]


TWO_REGIONS = """
code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
100001,100000,甲,Alpha,1000000,104.0,30.0
100002,100000,乙,Beta,400000,104.5,30.0
"""


def test_quick_plan_after_a_budget_cut_trims_the_previous_purchases(case):
    """Alpha needs 50 thousand CT exams (5 units of 10 thousand), Beta 20 thousand (2 units); each unit
    costs 100. At 700 the plan buys 7 and leaves nothing unmet (objective 0, bound 0). Cut to 400: the
    quick plan keeps 4 of the 7 (spend 400) and leaves 30 thousand exams unmet: 30 x 10 = 300, which is
    also the optimum. Its bound is the one proven at 700 (the optimum never improves when the budget
    falls): 0, so it says gap 100 %, honestly. The solve that follows starts from it and proves 300."""
    path = case(one_tier_ct(budget=700), regions=TWO_REGIONS, stock="code,tier,modality,units\n")
    p = Planner.from_file(path)
    assert p.quick_plan() is None  # nothing solved yet
    r = p.solve()
    assert r.report.objective == pytest.approx(0.0) and r.plan["new_units"].sum() == 7
    p.set_budget(400)
    q = p.quick_plan()
    assert q is not None and q.report.status == "quick" and q.verifier.ok, q.verifier.violations
    assert q.plan["new_units"].sum() == 4 and q.spend["capex_wan_cny"].sum() == pytest.approx(400.0)
    assert q.report.objective == pytest.approx(300.0) and q.report.bound == pytest.approx(0.0)
    assert q.report.gap == pytest.approx(1.0) and "previous proven bound" in str(q.report.message)
    r = p.solve()
    assert p._solver.start == "quick plan"
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(300.0) and r.verifier.ok


def test_quick_plan_after_a_budget_rise_only_adds_purchases(case):
    """Alpha alone needs 5 units (50 thousand exams). At 300 the plan buys 3 (objective 20 x 10 = 200).
    Raised to 400, the quick plan keeps the 3 and adds 1: objective 100, the optimum; raised to 450, the
    LP wants 4.5 units, rounded down to 4 with 50 万元 left, too little for a fifth: objective 100. Its
    bound is the floor (0, every exam served with money enough), so it says gap 100 %, honestly."""
    regions = "code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n100001,100000,甲,Alpha,1000000,104.0,30.0\n"
    path = case(one_tier_ct(budget=300), regions=regions, stock="code,tier,modality,units\n")
    p = Planner.from_file(path)
    r = p.solve()
    assert r.report.objective == pytest.approx(200.0) and r.report.floor == pytest.approx(0.0)
    firsts = []
    r = p.resolve_with_budget(400, first_plan=firsts.append)
    (q,) = firsts
    assert q.report.status == "quick" and q.verifier.ok and q.plan["new_units"].sum() == 4
    assert q.report.objective == pytest.approx(100.0) and q.report.bound == pytest.approx(0.0)
    assert "1 unit(s) added with the larger budget" in str(q.report.message)
    assert "floor no budget goes below" in str(q.report.message)
    assert r.report.objective == pytest.approx(100.0)
    p2 = Planner.from_file(path)
    p2.solve()
    p2.set_budget(450)
    q = p2.quick_plan()
    assert q.verifier.ok and q.report.objective == pytest.approx(100.0) and q.plan["new_units"].sum() == 4


def test_no_quick_plan_once_anything_but_the_budget_changed(case):
    """A target change moves density rows: the previous plan's bound says nothing about the new model."""
    toml = one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 1")
    path = case(toml, regions=TWO_REGIONS, stock="code,tier,modality,units\n")
    p = Planner.from_file(path)
    p.solve()
    assert p.set_targets({"CT": 3})
    p.set_budget(200)
    assert p.quick_plan() is None


@pytest.mark.parametrize("factor, bought, objective", [(1, ("CT", 4.0), 800.0), (5, ("MRI", 1.0), 1150.0)])
def test_units_lost_below_the_base_year_weigh_more(case, factor, bought, objective):
    """weights.shortfall_below_base_year_factor. 1 million residents, no demand, targets CT 10 and MRI 10
    per million, CT 100万, MRI 400万, budget 400. The region had 2 MRI at the base year and both retire
    (life 1): 2 MRI units are capacity it loses. Factor 1 (every missing unit 50 a year): 4 CT leave
    6 + 10 short = 800, 1 MRI leaves 10 + 9 = 950, so 4 CT. Factor 5 (4 x 50 more below the base year):
    4 CT cost 800 + 200 x 2 = 1,200, 1 MRI 950 + 200 x 1 = 1,150, so the lost MRI is replaced first."""
    toml = one_tier_ct(budget=400).replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0")
    toml = toml.replace("target_per_million = 0", "target_per_million = 10").replace(
        "[tiers.hospital]", "[modalities.MRI]\nprice_wan_cny = 400\ncapacity_exams_per_unit_per_year = 5000\n"
        "service_life_years = 1\nexam_rate_per_1000_per_year = 0\ntarget_per_million = 10\n\n[tiers.hospital]")
    toml = toml.replace("hospital = { CT = 100 }", "hospital = { CT = 100, MRI = 100 }").replace(
        "CT = { hospital = 1.0 }", "CT = { hospital = 1.0 }\nMRI = { hospital = 1.0 }").replace(
        "cost_weight = 0.0", f"cost_weight = 0.0\nshortfall_below_base_year_factor = {factor}")
    path = case(toml, regions="code,name_zh,population\n100001,甲,1000000\n",
                stock="code,tier,modality,units\n100001,hospital,CT,0\n100001,hospital,MRI,2\n")
    p = Planner.from_file(path)
    assert p.inputs.surviving[0, 0, 1, 0] == 0 and p.inputs.stock_base[0, 0, 1] == 2
    r = p.solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier.violations
    assert r.plan[["modality", "new_units"]].values.tolist() == [list(bought)]
    assert r.report.objective == pytest.approx(objective, rel=1e-9)
    assert r.measures["weighted_sum_objective"] == pytest.approx(objective, rel=1e-9)


@pytest.mark.parametrize("within, objective, sent", [("region", 200.0, 0.0), ("parent", 20.0, 20.0)])
def test_top_tier_exams_served_in_another_region_of_the_parent(case, within, objective, sent):
    """catchment.top_tier. Two counties of one prefecture: Alpha (1 million, 50 thousand CT exams) has the
    one hospital of the tier, Beta (0.4 million, 20 thousand) has none, so Beta can hold no unit. Budget 700
    buys 7 units of 10 thousand exams, all in Alpha. 'region': Beta's 20 thousand exams are unmet, 20 x 10
    = 200. 'parent': Alpha's units serve them, at the referral cost of 1 per thousand: 20."""
    toml = one_tier_ct(budget=700, extra_regions='facilities = "facilities.csv"') + \
        f'\n[catchment]\ntop_tier = "{within}"\n'
    path = case(toml, regions="""
                code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
                100001,100100,甲,Alpha,1000000,104.0,30.0
                100002,100100,乙,Beta,400000,104.5,30.0
                """, stock="code,tier,modality,units\n",
                facilities="code,tier,facilities\n100001,hospital,1\n100002,hospital,0\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier.violations
    assert r.report.objective == pytest.approx(objective) and r.measures["weighted_sum_objective"] == pytest.approx(objective)
    f = r.flows.set_index("region_code")
    assert f.loc["100002", "sent_in_catchment_k"] == pytest.approx(sent)
    assert f.loc["100001", "received_in_catchment_k"] == pytest.approx(sent)
    assert f.loc["100002", "unmet_k"] == pytest.approx(20.0 - sent)
    if within == "parent":
        from planner.planning.verify import verify
        from planner.reporting.summary import text_summary

        assert ("0.02 million served in another region of the same parent (catchment.top_tier), from 1 region(s)"
                in text_summary(r))

        bad = r.flows.copy()
        bad.loc[bad["region_code"] == "100001", "received_in_catchment_k"] = 10.0
        bad.loc[bad["region_code"] == "100001", "served_fixed_k"] -= 10.0
        rep = verify(r.inputs, r.plan, bad, r.mobile)
        assert not rep.ok and any("sent in 2026 but 10.000 received" in v for v in rep.violations), rep.violations
