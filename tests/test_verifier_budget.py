"""The verifier re-derives the budget from the scenario (issue 26, item 6): gross total, committed spend,
stated yearly caps or even tranches, and whether running costs count. It does not read the model's
resolved arrays (``inp.budget_total_wan``, ``inp.budget_year_wan``), so a wrong array is caught."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from planner import Planner
from planner.planning.reference import budget_caps
from planner.planning.verify import verify
from tests.test_verifier_independent import BASE, PRESENCE


def _planner(tmp_path, budget: str, last_year: int = 2026, hungry: bool = False) -> Planner:
    """Two regions; 5 CT units (500 万元) may be bought, 1 is required. ``hungry``: demand is high and money
    costs nothing, so the plan buys all the budget allows."""
    for f in BASE.iterdir():
        shutil.copy(f, tmp_path / f.name)
    toml = (tmp_path / "scenario.toml").read_text()
    toml = toml.replace("hospital = { CT = 100 }", "hospital = { CT = 2 }").replace(
        "[budget]\ntotal_wan_cny = 300", "[budget]\n" + budget).replace(
        "last_plan_year = 2026", f"last_plan_year = {last_year}") + PRESENCE
    if hungry:
        toml = toml.replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 1000")
        toml += "\n[weights]\ncost_weight = 0.0\n"
    (tmp_path / "scenario.toml").write_text(toml)
    return Planner.from_file(tmp_path / "scenario.toml")


def _text(r) -> str:
    return " | ".join(r.verifier.violations)


def test_a_plan_that_fits_verifies(tmp_path):
    r = _planner(tmp_path, "total_wan_cny = 300", hungry=True).solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["budget"] == 1
    assert r.verifier.recomputed["spend_total_wan_cny"] == pytest.approx(300)


CORRUPTIONS = {
    # budget section, years, corruption, words about the array, words about the plan
    "total": ("total_wan_cny = 300", 2026, dict(budget_total_wan=2000.0),
              "the model's budget differs from the scenario's",
              "total spend 500.0 万元 exceeds the budget 300.0 万元"),
    "yearly": ("total_wan_cny = 600\nper_year_wan_cny = [100, 100, 400]", 2028,
               dict(budget_year_wan=np.array([300.0, 100.0, 400.0])),
               "the model's yearly budget differs from the scenario's in 2026",
               "spend in 2026 300.0 万元 exceeds that year's budget 100.0 万元"),
}


@pytest.mark.parametrize("what", sorted(CORRUPTIONS))
def test_a_corrupted_budget_array_is_caught(tmp_path, what):
    """The model may now spend more than the scenario allows, and does."""
    budget, last_year, corrupt, about_array, about_plan = CORRUPTIONS[what]
    p = _planner(tmp_path, budget, last_year=last_year, hungry=True)
    for name, value in corrupt.items():
        setattr(p.inputs, name, value)
    r = p.solve()
    assert r.report.has_plan and not r.verifier.ok
    text = _text(r)
    assert about_array in text and about_plan in text, text


def test_a_plan_spending_more_than_the_net_total_is_caught(tmp_path):
    p = _planner(tmp_path, "total_wan_cny = 2000", hungry=True)
    r = p.solve()
    assert r.verifier.ok and r.verifier.recomputed["spend_total_wan_cny"] == pytest.approx(500)
    # the same plan, checked against a scenario that has committed 1,700 of the 2,000 万元 elsewhere
    p.inputs.scenario.budget.committed_wan_cny = 1700.0
    p.inputs.budget_total_wan = 2000.0  # a model that forgot the committed spend
    v = verify(p.inputs, r.plan, r.flows, r.mobile)
    assert not v.ok
    assert any("total spend 500.0 万元 exceeds the budget 300.0 万元 (2,000.0 less 1,700.0 committed)" in s
               for s in v.violations), v.violations


def test_even_tranches_share_what_is_left_after_committed_spend(tmp_path):
    """total 600, committed 300, 3 years: 100 a year, not 600 / 3 = 200."""
    budget = "total_wan_cny = 600\ncommitted_wan_cny = 300\neven_yearly_tranches = true"
    ok = _planner(tmp_path, budget, last_year=2028, hungry=True).solve()
    assert ok.verifier.ok, ok.verifier.violations
    assert ok.verifier.checked["budget"] == 4
    p = _planner(tmp_path, budget, last_year=2028, hungry=True)
    p.inputs.budget_total_wan, p.inputs.budget_year_wan = 600.0, np.full(3, 200.0)  # total / years
    r = p.solve()
    text = _text(r)
    assert not r.verifier.ok
    assert "spend in 2026 200.0 万元 exceeds that year's budget 100.0 万元" in text, text
    assert "the model's budget differs" in text and "scenario 300.0 万元" in text, text


def test_running_cost_counts_when_the_scenario_says_so(tmp_path):
    p = _planner(tmp_path, "total_wan_cny = 2000\ninclude_running_cost = true", hungry=True)
    p.inputs.scenario.modalities["CT"].running_cost_wan_cny_per_year = 50.0
    r = p.solve()
    assert r.verifier.ok, r.verifier.violations
    spend = r.verifier.recomputed["spend_total_wan_cny"]
    assert spend == pytest.approx(r.verifier.recomputed["capex_total_wan_cny"] + 50.0 * r.plan["new_units"].sum())
    p.inputs.scenario.budget.total_wan_cny = spend - 10.0
    p.inputs.budget_total_wan = spend - 10.0
    v = verify(p.inputs, r.plan, r.flows, r.mobile)
    assert not v.ok and any("exceeds the budget" in s for s in v.violations), v.violations


def test_a_what_if_budget_verifies(tmp_path):
    """Planner.set_budget moves the scenario's total with the model's: the what-if plan checks out."""
    budget = "total_wan_cny = 600\ncommitted_wan_cny = 300\neven_yearly_tranches = true"
    p = _planner(tmp_path, budget, last_year=2028, hungry=True)
    r = p.resolve_with_budget(750.0)  # 450 net, 150 a year
    assert p.scenario.budget.total_wan_cny == 750.0
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["budget"] == 4
    assert r.verifier.recomputed["spend_total_wan_cny"] == pytest.approx(300.0)  # whole units of 100


def test_stated_yearly_caps_replace_even_tranches_and_a_later_total_keeps_them():
    """Planner.set_budget(per_year_wan=...) on a scenario with even tranches turns them off (the schema
    allows one or the other), so a later total leaves the stated caps in the model as in the scenario.
    Before, both stayed set: the total recomputed tranches in the model while the verifier read the stated
    caps, and the what-if plan broke them."""
    from planner.paths import MODELS_DIR

    p = Planner.from_file(MODELS_DIR / "baseline.toml", ["years.last_plan_year=2026"])
    assert p.scenario.budget.even_yearly_tranches
    assert p.solve().verifier.ok
    caps = [6_000_000.0] * len(p.inputs.years)
    p.set_budget(per_year_wan=caps)
    assert not p.scenario.budget.even_yearly_tranches and p.scenario.budget.per_year_wan_cny == caps
    p.set_budget(12_000_000)
    assert list(p.inputs.budget_year_wan) == caps
    r = p.solve()
    assert r.report.has_plan and r.verifier.ok, r.verifier.violations


@pytest.mark.parametrize("budget,want", [
    (dict(total_wan_cny=900.0), (900.0, None)),
    (dict(total_wan_cny=900.0, committed_wan_cny=300.0), (600.0, None)),
    (dict(total_wan_cny=900.0, committed_wan_cny=300.0, even_yearly_tranches=True), (600.0, [200.0] * 3)),
    (dict(total_wan_cny=900.0, per_year_wan_cny=[100.0, 200.0, 600.0]), (900.0, [100.0, 200.0, 600.0])),
])
def test_budget_caps_read_the_scenario(budget, want):
    from planner.config.schema import Budget
    total, per_year = budget_caps(Budget(**budget), 3)
    assert total == want[0]
    assert (per_year is None) if want[1] is None else per_year.tolist() == want[1]
