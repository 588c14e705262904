"""Domestic and imported units (国产/进口, issue 27 lever 2): a domestic unit at price x factor, and a least
domestic share of new units.

The instances, worked by hand: one tier, CT only (100 万元 a unit of 10 thousand exams), one region of
0.8 M people = 40 thousand exams a year (4 units), no stock, one plan year 2026, 10 万元 per thousand unmet
exams.

- Factor 0.8, budget 320, cost weight 0.01: bought at the price, 3 units fit (300), unmet 10 thousand,
  objective 100 + 3. Domestic at 80, 4 units fit exactly (320): nothing unmet, objective 0.01 x 320 = 3.2,
  and every unit is domestic (4 imported or mixed would cost more than 320).
- Factor 1.2, least share 0.5, budget 300, no cost weight: without the rule 3 imported units, objective 100.
  With it, n units need at least n/2 domestic (whole): 3 units need 2 domestic, 100 x 3 + 20 x 2 = 340 > 300;
  2 units with 1 domestic cost 220. So 2 units, unmet 20, objective 200: the rule costs a unit. In the LP
  relaxation D = x/2 and 110 x = 300; one domestic unit more than the rule asks (D = x/2 + 1) leaves
  110 x = 280, 20/110 of a unit less, 10 thousand exams x 10 万元 each: 18.18 万元-equivalent, the rule's
  marginal value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import Planner
from planner.errors import PlannerError
from planner.planning.families.supply import summary_lines
from planner.planning.model import PlanModel
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    110101,甲,Alpha,800000
"""
STOCK = """
    code,tier,modality,units,installed_year
"""


def scenario(supply: str | None, budget=320, cost_weight=0.01) -> str:
    toml = one_tier_ct(budget=budget, cost_weight=cost_weight)
    return toml if supply is None else toml + f"\n[supply]\n{supply}\n"


def solve(case, toml):
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK)).solve()
    assert r.report.status == "optimal"
    assert r.verifier.ok, r.verifier.violations
    return r


CHEAP = "enabled = true\ndomestic_price_factor = { CT = 0.8 }"
RULE = "enabled = true\ndomestic_price_factor = { CT = 1.2 }\nmin_domestic_share = 0.5"


def test_without_supply_three_units_fit(case):
    r = solve(case, scenario(None))
    assert r.report.objective == pytest.approx(103.0)
    assert float(r.plan["new_units"].sum()) == 3.0 and "domestic_units" not in r.plan


def test_cheaper_domestic_units_fit_one_more(case):
    r = solve(case, scenario(CHEAP))
    assert r.report.objective == pytest.approx(3.2)
    assert float(r.plan["new_units"].sum()) == 4.0 and float(r.plan["domestic_units"].sum()) == 4.0
    assert r.spend_total_wan == pytest.approx(320.0)                    # the budget counts domestic prices
    assert float(r.plan["capex_wan_cny"].sum()) == pytest.approx(320.0)  # and so do the plan's rows
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(3.2)
    assert r.verifier.checked["supply"] == 1
    lines = [str(m) for m in summary_lines(r)]
    assert lines == ["CT: 4 of 4 new unit(s) domestic; the domestic share of units in service goes from 65% "
                     "(the stock) to 100% in 2026"]


def test_the_budget_rows_count_the_price_difference(case):
    pm = PlanModel(Planner.from_file(case(scenario(CHEAP), regions=REGIONS, stock=STOCK)).inputs)
    A, _, _ = pm.matrix()
    d = int(pm.col("D")[0])
    assert A[pm.row_start["budget_total"], d] == pytest.approx(-20.0)
    assert pm.blocks["supply_link"].rows == 1 and "supply_min_share" not in pm.blocks
    assert pm.cost[d] == pytest.approx(0.01 * -20.0)


def test_the_least_share_costs_a_unit_and_says_what_it_costs(case):
    free = solve(case, scenario(RULE.replace("min_domestic_share = 0.5", ""), budget=300, cost_weight=0.0))
    assert free.report.objective == pytest.approx(100.0) and float(free.plan["domestic_units"].sum()) == 0.0
    r = solve(case, scenario(RULE, budget=300, cost_weight=0.0))
    assert r.report.objective == pytest.approx(200.0)
    assert float(r.plan["new_units"].sum()) == 2.0 and float(r.plan["domestic_units"].sum()) == 1.0
    assert r.spend_total_wan == pytest.approx(220.0)
    rule = r.marginal[r.marginal["constraint"] == "supply_min_share"]
    assert rule["marginal_value"].tolist() == pytest.approx([200.0 / 11.0])
    lines = [str(m) for m in summary_lines(r)]
    assert lines[0].startswith("CT: 1 of 2 new unit(s) domestic; the domestic share of units in service goes "
                               "from 65% (the stock) to 50% in 2026"), lines
    assert "least domestic share of new CT units costs 18.18 万元-equivalent" in lines[1], lines


def test_the_verifier_catches_tampered_domestic_units(case):
    r = solve(case, scenario(CHEAP))
    bought = r.plan.copy()
    bought["domestic_units"] = 0.0                  # 4 units at the full price: 400 > 320
    words = verify(r.inputs, bought, r.flows, r.mobile).violations
    assert any("400.0" in w and "320.0" in w for w in words), words
    more = r.plan.copy()
    more["domestic_units"] = 5.0                    # more domestic than new
    words = verify(r.inputs, more, r.flows, r.mobile).violations
    assert any("5.00 domestic units of 4.00 new units" in w for w in words), words
    ruled = solve(case, scenario(RULE, budget=300, cost_weight=0.0))
    below = ruled.plan.copy()
    below["domestic_units"] = 0.0                   # none domestic: below the least share (and cheaper)
    words = verify(ruled.inputs, below, ruled.flows, ruled.mobile).violations
    assert any("below the least domestic share 50%" in w for w in words), words


def test_domestic_units_when_supply_is_off_are_caught(case):
    r = solve(case, scenario(CHEAP))
    off = Planner.from_file(case(scenario(CHEAP.replace("enabled = true", "enabled = false")), regions=REGIONS,
                                 stock=STOCK))
    words = verify(off.inputs, r.plan, r.flows, r.mobile).violations
    assert any("supply section is off" in w for w in words), words


def test_a_share_above_one_is_refused_readably(case):
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(scenario("enabled = true\nmin_domestic_share = 1.5"), regions=REGIONS, stock=STOCK))
    text = str(err.value)
    assert "supply.min_domestic_share" in text and "from 0 to 1" in text, text


def test_an_unknown_modality_is_refused_with_the_nearest_name(case):
    for key in ("domestic_price_factor", "stock_domestic_share"):
        with pytest.raises(PlannerError) as err:
            Planner.from_file(case(scenario(f"enabled = true\n{key} = {{ CTT = 0.5 }}"), regions=REGIONS,
                                   stock=STOCK))
        assert f"supply.{key}" in str(err.value) and "'CT'" in str(err.value), str(err.value)
    # the seed's default shares name MRI and DR, which this scenario lacks: not an error
    Planner.from_file(case(scenario("enabled = true\nstock_domestic_share = { CT = 0.5, MRI = 0.47 }"),
                           regions=REGIONS, stock=STOCK))


def test_the_switch_turns_supply_off(case):
    r = solve(case, scenario(CHEAP) + "\n[constraints]\nsupply = false\n")
    assert r.report.objective == pytest.approx(103.0) and "domestic_units" not in r.plan


def test_supply_off_leaves_the_small_scenario_as_it_was():
    """tests/data/app_models/small.toml without [supply]: no D column, and main's objective before the family."""
    path = Path(__file__).parent / "data" / "app_models" / "small.toml"
    p = Planner.from_file(path)
    assert len(PlanModel(p.inputs).families["D"]) == 0
    r = p.solve()
    assert r.report.objective == pytest.approx(64989.84932266964, rel=1e-9)


def test_the_decomposition_prices_domestic_units_and_refuses_the_share_rule(case):
    """Two provinces, each the region above, budget 640: the national optimum buys 4 domestic units in each,
    objective 0.01 x 640 = 6.4; the province decomposition finds it. The least share ties the provinces
    together: a province's part refuses it, naming the row."""
    import numpy as np

    from planner.distributed.decomposition import solve_by_province
    from planner.distributed.provinces import Subproblem, split

    regions = """
        code,name_zh,name_en,population
        110101,甲,Alpha,800000
        120101,乙,Beta,800000
    """
    path = case(scenario(CHEAP, budget=640), regions=regions, stock=STOCK)
    assert Planner.from_file(path).solve().report.objective == pytest.approx(6.4)
    d = solve_by_province(path, scheduler="inline", time_limit=30, gap=1e-6)
    assert d.objective == pytest.approx(6.4, abs=1e-6)
    assert np.isclose(float(d.plan["domestic_units"].sum()), 8.0)
    ruled = Planner.from_file(case(scenario(RULE, budget=640), regions=regions, stock=STOCK))
    with pytest.raises(NotImplementedError, match="supply_min_share"):
        Subproblem(split(ruled.inputs)[0])


def test_a_unit_is_domestic_or_leased_not_both(case):
    """A leased unit pays the list price's lease (leasing.py): one also counted domestic would take its price
    difference in its first year as well. The link row is D + L <= x, and the verifier flags a plan row whose
    domestic and leased units together exceed its new units."""
    from planner.planning.model import PlanModel

    toml = scenario(CHEAP) + "\n[leasing]\nenabled = true\nterm_years = 1\nrate_pct = 0\n"
    r = solve(case, toml)
    assert float(r.plan["domestic_units"].sum()) + float(r.plan["leased_units"].sum()) <= \
        float(r.plan["new_units"].sum()) + 1e-9
    pm = PlanModel(r.inputs)
    A, _, hi = pm.matrix()
    at = pm.row_start["supply_link"]
    assert A[at, pm.col("D")[0]] == 1.0 and A[at, pm.col("L")[0]] == 1.0 and A[at, pm.col("x")[0]] == -1.0
    plan = r.plan.copy()
    plan["leased_units"] = plan["new_units"]
    plan["domestic_units"] = plan["new_units"]
    report = verify(r.inputs, plan, r.flows, r.mobile)
    assert any("a unit is domestic (bought outright) or leased, not both" in v for v in report.violations), \
        report.violations
