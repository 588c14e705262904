"""Rules a scenario states are never dropped without a word (issue 11, item 5): each is refused before the
solve, or warned about in the checks, the CLI summary and summary.json."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from planner import Planner
from planner.cli import app
from planner.config.scenario import load_scenario
from planner.errors import InputErrors, PlannerError
from tests.conftest import one_tier_ct

REGIONS = """
    code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
    100001,100000,甲,Alpha,1000000,104.0,30.0
    100002,100000,乙,Beta,2000000,104.5,30.0
"""
STOCK = """
    code,tier,modality,units,reference_year
    100001,hospital,CT,2,2025
"""
PRESENCE = """
[[policy.min_units]]
tier = "hospital"
modality = "CT"
per_facility = 1
from_year = {year}
"""


def test_a_presence_rule_without_a_facilities_table_is_refused(case):
    path = case(one_tier_ct(budget=0) + PRESENCE.format(year=2026), regions=REGIONS, stock=STOCK)
    p = Planner.from_file(path)
    assert not p.checks.ok
    assert any("no facilities table" in str(e) and "regions.facilities" in str(e) for e in p.checks.errors)
    with pytest.raises(PlannerError, match="no facilities table"):
        p.solve()


def test_a_presence_rule_starting_after_the_plan_is_warned_about(case, tmp_path):
    toml = one_tier_ct(budget=300, extra_regions='facilities = "facilities.csv"') + PRESENCE.format(year=2035)
    path = case(toml, regions=REGIONS, stock=STOCK,
                facilities="code,tier,facilities\n100001,hospital,3\n100002,hospital,2\n")
    p = Planner.from_file(path)
    assert p.checks.ok
    (w,) = [w for w in p.checks.warnings if "policy.min_units[0]" in str(w)]
    assert "starts in 2035, after the last plan year 2026" in str(w)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Warning: policy.min_units[0]" in res.output
    assert any("policy.min_units[0]" in x for x in json.loads((out / "summary.json").read_text())["warnings"])


def test_staff_rows_only_outside_the_plan_are_warned_about(case):
    toml = one_tier_ct(budget=300, extra_regions='staff = "staff.csv"').replace(
        "[staffing]\nenabled = false", "[staffing]\nenabled = true")
    toml = toml.replace("service_life_years = 10", "service_life_years = 10\nstaff_per_unit = 3")
    path = case(toml, regions=REGIONS, stock=STOCK, staff="code,year,staff\n100001,2031,30\n100002,2032,30\n")
    p = Planner.from_file(path)
    (w,) = [w for w in p.checks.warnings if "staff row(s)" in str(w)]
    assert "2 staff row(s) are for years outside the plan 2026-2026" in str(w) and "row 2 (2031)" in str(w)


def test_an_eligibility_limit_below_the_existing_stock_is_warned_about(case):
    toml = one_tier_ct(budget=300, extra_regions='facilities = "facilities.csv"').replace(
        "hospital = { CT = 100 }", "hospital = { CT = 1 }")
    path = case(toml, regions=REGIONS, stock=STOCK, facilities="code,tier,facilities\n100001,hospital,1\n100002,hospital,1\n")
    p = Planner.from_file(path)
    (w,) = [w for w in p.checks.warnings if "already exceed eligibility" in str(w)]
    assert "in 1 region(s) (甲 (100001))" in str(w) and "eligibility.hospital.CT = 1" in str(w)


@pytest.mark.parametrize("share, message", [("-0.2", "a share of demand must be a number from 0 to 1"),
                                            ("1.5", "a share of demand must be a number from 0 to 1"),
                                            ("nan", "'referral.CT.hospital': Input should be a finite number")])
def test_referral_shares_outside_0_and_1_are_refused(case, share, message):
    toml = one_tier_ct().replace("CT = { hospital = 1.0 }", f"CT = {{ hospital = {share} }}")
    path = case(toml, regions=REGIONS, stock=STOCK)
    with pytest.raises(InputErrors, match=message):
        load_scenario(path)
