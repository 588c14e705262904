"""Financing leases (融资租赁, issue 27 lever 3): a new unit may be leased, paying its price over a term.

The instance, worked by hand: one tier, CT only (100 万元 a unit of 10 thousand exams), one region of
0.6 M people = 30 thousand exams a year, no stock, plan years 2026 and 2027, 10 万元 per thousand unmet
exams, no cost weight, no discounting. Yearly caps 100 and 150 万元, total 250.

- Without leasing: one unit in 2026 (100), one in 2027 (150 allows one): unmet 20 + 10, objective 300.
- Leasing over 2 years at 0 %: a leased unit pays 50 in its start year and 50 the next. Two leased in
  2026 fill its 100; 2027 pays their 100 and leaves 50: one more leased unit (its second 50 falls after
  the plan). Three units in 2027, two in 2026: unmet 10 + 0, objective 100. It is the only way to two
  units in 2026 (buying one spends the whole 100), so the leases are as asserted. The total row: each
  2026 lease pays 100 inside the plan, the 2027 lease 50: 250, the total exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from planner import Planner
from planner.distributed.decomposition import solve_by_province
from planner.errors import PlannerError
from planner.planning.families.leasing import crf, summary_lines
from planner.planning.model import PlanModel
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    110101,甲,Alpha,600000
"""
STOCK = """
    code,tier,modality,units,installed_year
"""


# the instances below let payments after the plan fall to the next plan (borrowing against it), as the
# module docstring's arithmetic does; test_payments_after_the_plan_count_in_the_total_by_default has the default
BORROW = "\npayments_after_plan_in_total = false"


def scenario(lease: str | None = "term_years = 2\nrate_pct = 0" + BORROW, caps=(100, 150), total=250,
             cost_weight=0.0,
             weights: str = "") -> str:
    toml = one_tier_ct(budget=total, last_year=2027, cost_weight=cost_weight)
    toml = toml.replace("include_running_cost", f"per_year_wan_cny = {list(caps)}\ninclude_running_cost")
    toml = toml.replace("cost_weight = ", weights + "cost_weight = ")
    return toml if lease is None else toml + f"\n[leasing]\nenabled = true\n{lease}\n"


def solve(case, toml):
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK)).solve()
    assert r.report.status == "optimal"
    assert r.verifier.ok, r.verifier.violations
    return r


def by_year(r, col: str) -> dict[int, float]:
    return {int(k): float(v) for k, v in r.plan.groupby("year")[col].sum().items()}


def test_crf_pays_the_price_back_over_the_term():
    assert crf(0, 2) == 0.5
    assert crf(6, 5) == pytest.approx(0.06 * 1.06 ** 5 / (1.06 ** 5 - 1))
    # at 10 %: two payments of 57.62 repay 100 discounted at 10 %
    a = 100 * crf(10, 2)
    assert a / 1.1 + a / 1.1 ** 2 == pytest.approx(100)


def test_without_leasing_one_unit_a_year(case):
    r = solve(case, scenario(None))
    assert r.report.objective == pytest.approx(300.0)
    assert by_year(r, "new_units") == {2026: 1.0, 2027: 1.0}
    assert "leased_units" not in r.plan and "leasing" not in r.verifier.checked


def test_leases_fit_more_units_under_the_yearly_caps(case):
    r = solve(case, scenario())
    assert r.report.objective == pytest.approx(100.0)
    assert by_year(r, "new_units") == {2026: 2.0, 2027: 1.0}
    assert by_year(r, "leased_units") == {2026: 2.0, 2027: 1.0}
    spend = r.spend.set_index("year")
    assert spend["lease_payments_wan_cny"].tolist() == pytest.approx([100.0, 150.0])
    assert spend["capex_wan_cny"].tolist() == pytest.approx([100.0, 150.0])   # as the budget counts it
    assert r.verifier.recomputed["spend_total_wan_cny"] == pytest.approx(250.0)
    assert r.verifier.checked["leasing"] == 2
    lines = [str(m) for m in summary_lines(r)]
    assert lines == ["CT: 3 unit(s) leased over 2 years at 0.0 %: payments 250.0 万元 inside the plan and 50.0 万元 "
                     "after it, against 300.0 万元 to buy them"]


def test_payments_after_the_plan_count_in_the_total_by_default(case):
    """The default: every payment counts against the total 250 (none against a cap after the plan). Two units
    leased in 2026 pay 50 + 50 each (2026: 100, 2027: 100, total 200); a third, leased in 2027, would add 100 to
    the total (300 > 250), and buying one needs 100 of 2027's 50 left: unmet 10 + 10, objective 200 (300
    without leasing): leasing spreads the spending over the years but does not add to it."""
    r = solve(case, scenario("term_years = 2\nrate_pct = 0"))
    assert r.report.objective == pytest.approx(200.0)
    assert by_year(r, "leased_units") == {2026: 2.0} and by_year(r, "new_units") == {2026: 2.0}
    assert r.spend_total_wan == pytest.approx(200.0)
    p = Planner.from_file(case(scenario("term_years = 2\nrate_pct = 0"), regions=REGIONS, stock=STOCK))
    pm = PlanModel(p.inputs)
    A, _, _ = pm.matrix()
    col = dict(zip(pm.families["L"].index["y"].tolist(), pm.col("L").tolist()))
    assert A[pm.row_start["budget_total"], col[1]] == 0.0    # 2027's lease: -100 + 50 x 2, after the plan too


def test_the_budget_rows_are_as_the_module_writes_them(case):
    p = Planner.from_file(case(scenario(), regions=REGIONS, stock=STOCK))
    pm = PlanModel(p.inputs)
    A, lo, hi = pm.matrix()
    L = pm.families["L"].index
    assert L["y"].tolist() == [0, 1] and len(pm.families["x"]) == 2
    total, first = pm.row_start["budget_total"], pm.row_start["budget_year"]
    col = dict(zip(L["y"].tolist(), pm.col("L").tolist()))
    x = dict(zip(pm.families["x"].index["y"].tolist(), pm.col("x").tolist()))
    assert A[total, col[0]] == 0.0 and A[total, col[1]] == -50.0        # -100 + 50 x 2, -100 + 50 x 1
    assert A[first, col[0]] == -50.0 and A[first + 1, col[0]] == 50.0    # 2026's lease: -100 + 50, then 50
    assert A[first, col[1]] == 0.0 and A[first + 1, col[1]] == -50.0     # 2027's: -100 + 50
    assert A[first, x[0]] == 100.0 and A[first + 1, x[1]] == 100.0
    assert pm.blocks["leasing_link"].rows == 2


def test_a_dear_lease_is_taken_only_when_the_budget_binds(case):
    """At 6 % over 2 years with no discounting a lease costs 100 x 2 x crf(6, 2) = 109.1 against 100 to buy.
    With money to spare (one cap of 300 a year) the plan buys three units in 2026: 0 unmet, objective
    0.01 x 300 = 3. Under the caps above the lease's extra cost is worth its exams."""
    free = solve(case, scenario("term_years = 2\nrate_pct = 6" + BORROW, caps=(300, 300), total=600, cost_weight=0.01))
    assert free.report.objective == pytest.approx(3.0)
    assert float(free.plan["leased_units"].sum()) == 0.0 and by_year(free, "new_units") == {2026: 3.0}
    assert free.verifier.recomputed["weighted_sum_objective"] == pytest.approx(3.0)
    tight = solve(case, scenario("term_years = 2\nrate_pct = 0" + BORROW, cost_weight=0.01))
    # 0 %: a lease's payments sum to the price; 3 units x 100 counted at full price, 10 thousand unmet
    assert tight.report.objective == pytest.approx(100.0 + 0.01 * 300)
    assert tight.verifier.recomputed["weighted_sum_objective"] == pytest.approx(tight.report.objective)


@pytest.mark.parametrize("valuation", ["full_price", "annualised"])
def test_the_verifier_values_leases_as_the_model_does(case, valuation):
    """Discounting at 8 % and either capital valuation: the objective recomputed from the tables (leases
    included) is the model's."""
    toml = scenario(cost_weight=0.5, weights=f"discount_rate_pct = 8\ncapital_valuation = \"{valuation}\"\n")
    r = solve(case, toml)
    assert float(r.plan["leased_units"].sum()) > 0
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(r.report.objective, rel=1e-9)


def test_the_verifier_catches_tampered_leases(case):
    r = solve(case, scenario())
    more = r.plan.copy()
    more.loc[more["year"] == 2027, "leased_units"] = 2.0          # two leased of one new unit
    words = verify(r.inputs, more, r.flows, r.mobile).violations
    assert any("2.00 leased units of 1.00 new units" in w for w in words), words
    bought = r.plan.copy()
    bought.loc[bought["year"] == 2026, "leased_units"] = 0.0       # 2026's two units bought outright: 200 > 100
    words = verify(r.inputs, bought, r.flows, r.mobile).violations
    assert any("2026" in w and "200.0" in w for w in words), words
    late = r.plan.copy()
    late.loc[late["year"] == 2027, ["new_units", "leased_units", "capex_cny"]] = [2.0, 2.0, 2e6]   # 2027: 200
    words = verify(r.inputs, late, r.flows, r.mobile).violations
    assert any("2027" in w and "200.0" in w for w in words), words


def test_leases_when_leasing_is_off_are_caught(case):
    r = solve(case, scenario())
    off = Planner.from_file(case(scenario().replace("enabled = true", "enabled = false"), regions=REGIONS,
                                 stock=STOCK))
    words = verify(off.inputs, r.plan, r.flows, r.mobile).violations
    assert any("does not let CT be leased" in w for w in words), words


def test_a_term_longer_than_the_plan_is_refused_readably(case):
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(scenario("term_years = 5"), regions=REGIONS, stock=STOCK))
    text = str(err.value)
    assert "leasing.term_years" in text and "5 years" in text and "2 year(s) (2026-2027)" in text, text
    assert "at most 2" in text, text


def test_an_unknown_modality_is_refused_with_the_nearest_name(case):
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(scenario("term_years = 2\nmodalities = [\"CTT\"]"), regions=REGIONS, stock=STOCK))
    assert "leasing.modalities" in str(err.value) and "'CT'" in str(err.value), str(err.value)


def test_the_switch_turns_leasing_off(case):
    r = solve(case, scenario() + "\n[constraints]\nleasing = false\n")
    assert r.report.objective == pytest.approx(300.0) and "leased_units" not in r.plan


def test_the_decomposition_gives_the_national_answer(case):
    """Two provinces, each the region above: the national optimum leases in both, objective 2 x 100 under
    caps 200 and 300 (total 500)."""
    regions = """
        code,name_zh,name_en,population
        110101,甲,Alpha,600000
        120101,乙,Beta,600000
    """
    toml = scenario(caps=(200, 300), total=500)
    path = case(toml, regions=regions, stock=STOCK)
    national = Planner.from_file(path).solve()
    assert national.report.objective == pytest.approx(200.0)
    d = solve_by_province(path, scheduler="inline", time_limit=30, gap=1e-6)
    assert d.objective == pytest.approx(200.0, abs=1e-6)
    assert np.isclose(float(d.plan["new_units"].sum()), 6.0)
    assert d.plan.groupby("year")["leased_units"].sum().to_dict() == {2026: 4.0, 2027: 2.0}


def test_the_pre_solve_check_counts_what_a_lease_pays(case):
    """A hard target of 3.3 CT per million needs 2 units from 2026 (1.98 for 0.6 M people). Bought, they
    cost 200 in 2026 against a cap of 100: refused before the solve. Leased over 2 years at 0 %, they pay
    100 in 2026: the check lets it through, and the plan leases both (then one more in 2027, as above)."""
    hard = "target_per_million = 3.3\ntarget_hard = true"
    bought = Planner.from_file(case(scenario(None).replace("target_per_million = 0", hard), regions=REGIONS,
                                    stock=STOCK))
    assert any("2026" in str(e) and "200" in str(e) for e in bought.checks.errors), bought.checks.errors
    leased = Planner.from_file(case(scenario().replace("target_per_million = 0", hard), regions=REGIONS, stock=STOCK))
    assert leased.checks.ok, leased.checks.errors
    r = leased.solve()
    assert r.report.objective == pytest.approx(100.0) and r.verifier.ok, r.verifier.violations
    assert by_year(r, "leased_units") == {2026: 2.0, 2027: 1.0}


def test_leasing_off_leaves_the_baseline_model_as_it_was():
    """models/baseline.toml without [leasing]: no lease column or row, the budget rows hold x alone (its
    objective, 1,775,314.04, is main's before leasing, checked when the family landed)."""
    from pathlib import Path

    p = Planner.from_file(Path(__file__).parents[1] / "models" / "baseline.toml")
    pm = PlanModel(p.inputs)
    assert len(pm.families["L"]) == 0 and "leasing_link" not in pm.blocks
    x = set(pm.col("x").tolist())
    for block in ("budget_total", "budget_year"):
        if block in pm.blocks:
            assert set(pm.blocks[block].cols.tolist()) <= x


def test_the_rounded_start_covers_the_leased_units_too(case):
    """A start that sets only the purchases makes HiGHS complete it with a sub-MIP whose progress reports that
    sub-MIP's bound as the plan's (a false 'gap 0.00%' at 0.3 s on Sichuan): relax_and_round hands over every
    integer column."""
    from planner.planning.solve import relax_and_round

    p = Planner.from_file(case(scenario(), regions=REGIONS, stock=STOCK))
    p.build()
    p._solver._handoff()
    cols, values = relax_and_round(p._pm, p._solver.highs, 10.0)
    assert sorted(cols.tolist()) == np.flatnonzero(p._pm.integer).tolist()
    assert set(p._pm.col("L").tolist()) <= set(cols.tolist())
