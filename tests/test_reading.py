"""Readers and remote reading (issue 27, lever 1): tiny instances whose optimum is worked out by hand in each
docstring, asserted exactly; a tampered plan caught by the verifier; a bad hub tier refused; and with
[reading] off, plans as before."""

from __future__ import annotations

import pytest

from planner import Planner
from planner.errors import PlannerError
from planner.planning.verify import verify
from tests.conftest import SMALL_MODELS

# One region of 1 M people, DR only, one plan year: 20/1,000 a year = 20 thousand exams, half presenting at
# grassroots and half at the county hospital (secondary). The county hospital has one DR (10 thousand
# exams); the 100 万元 budget buys one DR for the grassroots (no stock there, so no local readers: the
# existing DR came with 3 radiologists, who read 5 thousand exams a year each: 15 thousand at the hub).
# Unmet exams weigh 10 a thousand at both tiers; referral 1 a thousand; money 0.
TWO_TIER = """
name = "reading"
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

[modalities.DR]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 10000
service_life_years = 10
exam_rate_per_1000_per_year = 20
target_per_million = 0

[tiers.grassroots]
rank = 1
unmet_weight = 1.0
[tiers.secondary]
rank = 2
unmet_weight = 1.0

[eligibility]
grassroots = {{ DR = 1 }}
secondary = {{ DR = 1 }}

[referral]
DR = {{ grassroots = 0.5, secondary = 0.5 }}

[budget]
total_wan_cny = 100

[staffing]
enabled = false

[reading]
enabled = {enabled}
hub_tier = "{hub}"
reports_per_radiologist_per_year = 5
radiologists_per_unit = 3
remote_wan_cny_per_thousand_exams = 1
hire_wan_cny_per_radiologist_year = {hire}
max_hires_per_region_year = {max_hires}

[weights]
unmet_wan_cny_per_thousand_exams = 10
referral_wan_cny_per_thousand_exams = 1
cost_weight = 0.0

[solver]
time_limit_s = 30
mip_rel_gap = 0.0
"""
REGIONS = """
    code,name_zh,population
    100001,甲县,1000000
"""
STOCK = """
    code,tier,modality,units
    100001,secondary,DR,1
"""
# One county hospital, full with its one DR (a unit at or above the hub brings its own readers, so a second
# DR there would read the township's exams too: the instances are about the township's DR), five townships.
FACILITIES = """
    code,tier,facilities
    100001,secondary,1
    100001,grassroots,5
"""


def _solve(case, enabled="true", hub="secondary", hire=2.0, max_hires=0.0):
    toml = TWO_TIER.format(enabled=enabled, hub=hub, hire=hire, max_hires=max_hires)
    return Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=FACILITIES)).solve()


def test_without_reading_the_township_dr_serves_every_exam(case):
    """Reading off: the grassroots DR does its 10 thousand exams, the county's DR its own 10: nothing unmet,
    objective 0; the model and the flows table are as they were before readers (no reading columns)."""
    r = _solve(case, enabled="false")
    assert r.report.objective == pytest.approx(0.0, abs=1e-9)
    assert r.plan[["tier", "new_units"]].values.tolist() == [["grassroots", 1.0]]
    assert "read_remotely_k" not in r.flows and "exams_read_thousand" not in r.regions
    assert r.verifier.ok and "reading" not in r.verifier.checked


def test_the_hub_reads_the_township_exams_up_to_its_readers(case):
    """Reading on, no hiring: the hub's 3 radiologists read 15 thousand. The county's own 10 are read there
    (no remote fee), 5 of the township DR's exams are read remotely (fee 5 x 1) and its other 5 cannot be
    read, so they are unmet (5 x 10); referring them up does not help (the county's DR is full).
    Objective 50 + 5 = 55. Reading the township's 10 instead would leave 5 county exams unmet and pay 10
    in fees: 60. Without the DR (10 unmet at grassroots): 100, so it is still bought."""
    r = _solve(case)
    assert r.report.status == "optimal"
    assert r.report.objective == pytest.approx(55.0)
    assert r.plan[["tier", "new_units"]].values.tolist() == [["grassroots", 1.0]]
    f = r.flows.set_index("tier")
    assert f.loc["grassroots", "served_fixed_k"] == pytest.approx(5.0)
    assert f.loc["grassroots", "read_remotely_k"] == pytest.approx(5.0)
    assert f.loc["grassroots", "unmet_k"] == pytest.approx(5.0)
    assert f.loc["secondary", "read_remotely_k"] == pytest.approx(0.0)
    row = r.regions.iloc[0]
    assert row["exams_read_thousand"] == pytest.approx(15.0)
    assert row["exams_read_remotely_thousand"] == pytest.approx(5.0)
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["reading"] == 2   # one region x two tiers x one year
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(55.0)
    # one more radiologist reads 5 thousand more: at the township itself 5 x 10 unmet = 50; at the hub
    # 5 x (10 unmet - 1 fee) = 45
    m = r.marginal[r.marginal["constraint"] == "reading"]
    worth = {("grassroots" if "grassroots" in str(w) else "secondary"): v
             for w, v in zip(m["plain_words"], m["marginal_value"])}
    assert worth == pytest.approx({"grassroots": 50.0, "secondary": 45.0})


def test_the_hub_hires_when_a_radiologist_costs_less_than_the_exams_left_unread(case):
    """Hiring allowed (one a year at 2 a year): the hired radiologist reads the other 5 township exams,
    worth 45 (5 x 10 unmet less 5 x 1 fee): hired. Objective: fees 10 + one radiologist-year 2 = 12."""
    r = _solve(case, hire=2.0, max_hires=1.0)
    assert r.report.objective == pytest.approx(12.0)
    f = r.flows.set_index("tier")
    assert f.loc["grassroots", "read_remotely_k"] == pytest.approx(10.0)
    assert f["unmet_k"].sum() == pytest.approx(0.0)
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(12.0)


def test_the_hub_does_not_hire_when_a_radiologist_costs_more(case):
    """At 60 a radiologist-year, above the 45 one more reader is worth, nobody is hired: 55 as without
    hiring."""
    r = _solve(case, hire=60.0, max_hires=1.0)
    assert r.report.objective == pytest.approx(55.0)
    assert r.flows["unmet_k"].sum() == pytest.approx(5.0)
    assert r.verifier.ok, r.verifier.violations


def test_a_plan_reading_beyond_its_readers_is_caught(case):
    """The township's 5 exams said to be read there, where no radiologist is: the verifier names the site;
    and exams said to be read remotely from the hub's own tier are refused too."""
    r = _solve(case)
    flows = r.flows.copy()
    at = flows["tier"] == "grassroots"
    flows.loc[at, "read_remotely_k"] = 0.0
    rep = verify(r.inputs, r.plan, flows, r.mobile)
    assert not rep.ok
    assert any("grassroots site" in v and "beyond its readers' 0.00 thousand" in v for v in rep.violations), \
        rep.violations
    flows = r.flows.copy()
    flows.loc[flows["tier"] == "secondary", "read_remotely_k"] = 1.0
    assert any("exams read remotely" in v for v in verify(r.inputs, r.plan, flows, r.mobile).violations)


@pytest.mark.parametrize("hub, words", [("grassroots", "is the lowest tier"),
                                        ("secondry", "is not a tier of the scenario")])
def test_a_hub_tier_that_cannot_read_for_a_lower_tier_is_refused(case, hub, words):
    toml = TWO_TIER.format(enabled="true", hub=hub, hire=2.0, max_hires=0.0)
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=FACILITIES))
    assert "reading.hub_tier" in str(err.value) and words in str(err.value)
    assert "secondary" in str(err.value)   # the fix: the tier to name


def test_a_bad_hub_tier_is_no_error_while_reading_is_off(case):
    toml = TWO_TIER.format(enabled="false", hub="grassroots", hire=2.0, max_hires=0.0)
    assert Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=FACILITIES)).scenario.reading.hub_tier == "grassroots"


def test_with_reading_off_a_shipped_scenario_solves_as_before():
    """The app's small scenario (three tiers, several modalities): the objective it had before readers
    existed (64,989.849... on the commit this branch started from), and no reading columns or rows."""
    p = Planner.from_file(f"{SMALL_MODELS}/small.toml")
    r = p.solve()
    assert r.report.objective == pytest.approx(64989.84932266964, rel=1e-12)
    assert "read_remotely_k" not in r.flows
    assert not any(b.startswith("reading") for b in p._pm.blocks)


def test_a_radiologist_hired_stays_and_is_paid_each_year(case):
    """Two plan years, demand as above each year, at most 1 hire a year at 2 a radiologist-year. Year 1:
    hire 1 (worth 45 > 2), all read (fees 10). Year 2: the same radiologist is still in post (no second
    hire needed; none is allowed beyond 1 a year anyway): fees 10 and 2 more for the radiologist-year.
    Objective 2 x (10 + 2) = 24; the verifier finds the same from the tables (the fewest hires the hub's
    reads need, 1 in post each year)."""
    toml = TWO_TIER.format(enabled="true", hub="secondary", hire=2.0, max_hires=1.0).replace(
        "last_plan_year = 2026", "last_plan_year = 2027")
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=FACILITIES)).solve()
    assert r.report.objective == pytest.approx(24.0)
    assert r.flows["unmet_k"].sum() == pytest.approx(0.0)
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(24.0)


def test_the_fewest_hires_are_held_and_hired_ahead_when_the_yearly_cap_binds():
    """Needs of 0, 3, 1 radiologists beyond the hub's own, at most 2 hires a year: 1 must be hired in the
    first year to have 3 in the second, and the 3 stay in the third."""
    import numpy as np
    from types import SimpleNamespace

    from planner.planning.families.reading import hires_needed

    scn = SimpleNamespace(reading=SimpleNamespace(reports_per_radiologist_per_year=1.0, max_hires_per_region_year=2.0))
    got = hires_needed(scn, np.array([[0.0, 3.0, 1.0]]), np.zeros((1, 3)))
    assert got.tolist() == [[1.0, 3.0, 3.0]]


@pytest.mark.parametrize("fee, objective, referred", [(0.5, 5.0, 0.0), (2.0, 10.0, 10.0)])
def test_a_township_dr_read_remotely_is_traded_against_referring_to_the_county(case, fee, objective, referred):
    """The county hospital has two DRs (20 thousand exams) and 6 radiologists (30 thousand reads): room for
    the township's 10 thousand exams too. Either the township buys a DR (money weighs 0 here) and the hub
    reads its exams remotely, at the fee a thousand, or the patients are referred to the county, at 1 a
    thousand. Fee 0.5: the DR and remote reading, 10 x 0.5 = 5. Fee 2: referral, 10 x 1 = 10."""
    toml = TWO_TIER.format(enabled="true", hub="secondary", hire=2.0, max_hires=0.0).replace(
        "remote_wan_cny_per_thousand_exams = 1", f"remote_wan_cny_per_thousand_exams = {fee}")
    stock = STOCK.replace("DR,1", "DR,2")
    r = Planner.from_file(case(toml, regions=REGIONS, stock=stock, facilities=FACILITIES)).solve()
    assert r.report.objective == pytest.approx(objective)
    f = r.flows.set_index("tier")
    assert f.loc["grassroots", "referred_up_k"] == pytest.approx(referred)
    assert f.loc["grassroots", "read_remotely_k"] == pytest.approx(10.0 - referred)
    assert f["unmet_k"].sum() == pytest.approx(0.0)
    assert r.verifier.ok, r.verifier.violations


def test_a_unit_bought_at_the_hub_brings_its_readers(case):
    """With room for a second DR at the county hospital: a DR there brings 3 radiologists (30 thousand reads
    with the first one's), so the township's 10 thousand exams are referred up (10 x 1) and all 20 thousand
    are done and read there: objective 10, against 55 with the DR at the township (readers for 15 of 20)."""
    toml = TWO_TIER.format(enabled="true", hub="secondary", hire=2.0, max_hires=0.0)
    facilities = FACILITIES.replace("100001,secondary,1", "100001,secondary,2")
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=facilities)).solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(10.0)
    assert r.plan[["tier", "new_units"]].values.tolist() == [["secondary", 1.0]]
    assert r.verifier.ok, r.verifier.violations


# A regional reading centre (区域影像诊断中心) at the hub. The instance above with no readers anywhere
# (radiologists_per_unit = 0), one radiologist reading 1 thousand exams a year, remote reading free and unmet
# exams at 100 a thousand (more than a reader costs a thousand: 20), so every exam is done and read, all at
# the county hospital (the hub): P M people make 20 P thousand exams, half at the township (a DR there, free at
# cost weight 0, read remotely at fee 0, beats referring them up at 1 a thousand) and half at the county's DR.
# The hub needs 20 P radiologists: hires at 20 a radiologist-year (up to 100 a year), or a centre of 10
# radiologists at 150 a year, cheaper once more than 150 / 20 = 7.5 radiologists are needed.
def _centre_case(case, population, last_year=2026, max_hires=100.0):
    toml = TWO_TIER.format(enabled="true", hub="secondary", hire=20.0, max_hires=max_hires)
    toml = (toml.replace("reports_per_radiologist_per_year = 5", "reports_per_radiologist_per_year = 1")
            .replace("radiologists_per_unit = 3", "radiologists_per_unit = 0")
            .replace("remote_wan_cny_per_thousand_exams = 1", "remote_wan_cny_per_thousand_exams = 0")
            .replace(f"max_hires_per_region_year = {max_hires}", f"max_hires_per_region_year = {max_hires}\n"
                     "centre_radiologists = 10\ncentre_wan_cny_per_year = 150")
            .replace("unmet_wan_cny_per_thousand_exams = 10", "unmet_wan_cny_per_thousand_exams = 100")
            .replace("last_plan_year = 2026", f"last_plan_year = {last_year}"))
    regions = REGIONS.replace("1000000", str(int(population * 1e6)))
    return Planner.from_file(case(toml, regions=regions, stock=STOCK, facilities=FACILITIES))


@pytest.mark.parametrize("population, objective, centre, hired", [(0.4, 150.0, 1.0, 0.0), (0.35, 140.0, 0.0, 7.0)])
def test_the_hub_opens_a_reading_centre_when_more_than_seven_and_a_half_readers_are_needed(
        case, population, objective, centre, hired):
    """0.4 M people: 8 thousand exams, 8 radiologists: 8 hires cost 8 x 20 = 160, the centre 150 (its 10
    radiologists cover the 8; no hire beside it): objective 150. 0.35 M: 7 radiologists: 7 x 20 = 140 < 150,
    hired, no centre: objective 140. Leaving any exam unread costs 100 a thousand, far more. The verifier
    finds the same objective from the tables (the centre's year from the flows table's reading_centre_open,
    hires beyond the centre's readers: none; without a centre, 7)."""
    p = _centre_case(case, population)
    r = p.solve()
    assert r.report.status == "optimal"
    assert r.report.objective == pytest.approx(objective)
    assert r.flows["unmet_k"].sum() == pytest.approx(0.0)
    assert p._pm.values("rc").tolist() == pytest.approx([centre])
    assert p._pm.values("rh").tolist() == pytest.approx([hired])
    hub = r.flows[r.flows["tier"] == "secondary"]
    assert hub["reading_centre_open"].tolist() == pytest.approx([centre])
    assert r.flows.loc[r.flows["tier"] == "grassroots", "reading_centre_open"].tolist() == [0.0]
    assert r.regions["reading_centre_open"].tolist() == pytest.approx([centre])
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(objective)


def test_a_centre_stays_open_and_is_paid_each_year_and_one_a_region_at_most(case):
    """Two plan years, 8 radiologists needed each: the centre opened in the first year, 150 each year: 300,
    against 8 hires in post both years, 2 x 160 = 320. With 16 radiologists needed (0.8 M people), a second
    centre is not allowed: one centre and 6 hires, (150 + 6 x 20) x 2 = 540 (16 hires: 640)."""
    r = _centre_case(case, 0.4, last_year=2027).solve()
    assert r.report.objective == pytest.approx(300.0)
    hub = r.flows[r.flows["tier"] == "secondary"].sort_values("year")
    assert hub["reading_centre_open"].tolist() == pytest.approx([1.0, 1.0])
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(300.0)
    p = _centre_case(case, 0.8, last_year=2027)
    r = p.solve()
    assert r.report.objective == pytest.approx(540.0)
    assert p._pm.values("rc").sum() == pytest.approx(1.0)
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(540.0)


def test_a_plan_whose_centre_is_taken_out_of_the_table_is_caught(case):
    """The centre removed from the flows table while the hub's 8 thousand reads stay: the hub has no readers
    and no centre, at most 100 hires (100 thousand reads) in the check, so the capacity check passes, but the
    objective recomputed needs 8 hires (160) above the model's 150: caught. With at most 5 hires a year,
    the hub's 8 thousand reads exceed its 5 thousand: caught by the capacity check. A centre half open is
    refused."""
    r = _centre_case(case, 0.4).solve()
    flows = r.flows.copy()
    flows["reading_centre_open"] = 0.0
    rep = verify(r.inputs, r.plan, flows, r.mobile, weighted_sum=r.report.objective)
    assert not rep.ok and rep.recomputed["weighted_sum_objective"] == pytest.approx(160.0)
    assert any("160.0000, is above the model's 150.0000" in v for v in rep.violations), rep.violations
    flows = r.flows.copy()
    flows.loc[flows["tier"] == "secondary", "reading_centre_open"] = 0.5
    assert any("reading centres" in v for v in verify(r.inputs, r.plan, flows, r.mobile).violations)
    r5 = _centre_case(case, 0.4, max_hires=5.0).solve()   # (the case's files rewritten: r is done with)
    assert r5.report.objective == pytest.approx(150.0) and r5.verifier.ok, r5.verifier.violations
    flows = r5.flows.copy()
    flows["reading_centre_open"] = 0.0
    rep = verify(r5.inputs, r5.plan, flows, r5.mobile)
    assert any("secondary site" in v and "beyond its readers' 5.00 thousand" in v for v in rep.violations), \
        rep.violations


def test_a_negative_centre_is_refused(case):
    toml = TWO_TIER.format(enabled="true", hub="secondary", hire=2.0, max_hires=0.0).replace(
        "max_hires_per_region_year = 0.0", "max_hires_per_region_year = 0.0\ncentre_radiologists = -1")
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(toml, regions=REGIONS, stock=STOCK, facilities=FACILITIES))
    assert "reading.centre_radiologists" in str(err.value)


@pytest.mark.parametrize("per_unit, hires, objective", [
    (0.0, 4.5, 0.75 + 3.5 + 4.5),   # the mobile unit brings no reader: Beta's hub hires 4.5 radiologists
    (3.0, 1.5, 0.75 + 3.5 + 1.5),   # it brings 3 (read 3 thousand): 1.5 hires for the other 1.5 thousand
])
def test_a_mobile_units_exams_are_read_at_its_base_hub(case, per_unit, hires, objective):
    """test_hand_instances' mobile instance (one mobile CT based in Beta delivers 1.5 thousand exams to Alpha
    and 3 thousand at home; objective 0.75 away + 0.01 x 350 spend) with readers: every exam it delivers is
    read at its base's county hospital (hub), where the unit, at the hub tier, brings per_unit readers and
    each radiologist (1 thousand reports a year) hired costs 1 a year, below an unmet exam's 20 a thousand.
    Based in Alpha it would pay 1.5 away and the same hires, so Beta stays the base."""
    from tests.test_hand_instances import TWO_TIER

    reading = (f"\n[reading]\nenabled = true\nhub_tier = \"secondary\"\nreports_per_radiologist_per_year = 1\n"
               f"radiologists_per_unit = {per_unit}\nremote_wan_cny_per_thousand_exams = 0\n"
               f"hire_wan_cny_per_radiologist_year = 1\nmax_hires_per_region_year = 10\n")
    toml = TWO_TIER.format(travel='travel = "travel.csv"', ct_price=10_000, budget=400).replace("\n[solver]",
                                                                                                reading + "\n[solver]")
    path = case(toml, regions="code,name_zh,population\n100001,甲,150000\n100002,乙,300000\n",
                stock="code,tier,modality,units\n100001,secondary,CT,0\n",
                travel="from_code,to_code,minutes\n100001,100002,60\n100002,100001,60\n")
    r = Planner.from_file(path).solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(objective)
    assert r.plan[["region_code", "modality", "new_units"]].values.tolist() == [["100002", "MOBILE_CT", 1.0]]
    assert r.mobile["exams_k"].sum() == pytest.approx(4.5)
    rep = verify(r.inputs, r.plan, r.flows, r.mobile, weighted_sum=r.report.objective)
    assert rep.ok, rep.violations
    assert rep.recomputed["weighted_sum_objective"] == pytest.approx(objective)   # hires re-derived: `hires`
    assert hires == pytest.approx(4.5 - per_unit)
    # a mobile table that says the unit delivered 10 % more (within its capacity) needs 0.45 more hires, which
    # the model's objective does not pay for (0.075 more away cost besides): 9.275 (per_unit 0) > 8.75
    more = r.mobile.assign(exams_k=r.mobile["exams_k"] * 1.1)
    words = verify(r.inputs, r.plan, r.flows, more, weighted_sum=r.report.objective).violations
    assert words and all("objective recomputed" in v for v in words), words
    if per_unit == 0.0:
        assert f"{objective + 0.45 + 0.075:.4f}" in words[0]
