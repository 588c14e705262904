"""planner.session: what a built model changes in place (budget total, targets) and what rebuilds it; the
same rule serves the app and batch."""

from __future__ import annotations

from planner.config.scenario import load_scenario
from planner.distributed.batch import Case
from planner.session import inputs_key, is_rhs_key, planner_for, rebuild_key
from tests.conftest import REPO

BASE = REPO / "models" / "baseline.toml"
SHORT = ["years.last_plan_year=2026", "solver.compute_duals=false"]


def test_budget_and_targets_are_right_hand_sides_prices_are_not():
    assert is_rhs_key("budget.total_wan_cny") and is_rhs_key("modalities.CT.target_per_million")
    assert not is_rhs_key("modalities.CT.price_wan_cny") and not is_rhs_key("budget.per_year_wan_cny")
    a = load_scenario(BASE, SHORT)
    b = load_scenario(BASE, SHORT + ["budget.total_wan_cny=5000000", "modalities.CT.target_per_million=40"])
    c = load_scenario(BASE, SHORT + ["modalities.CT.price_wan_cny=300"])
    assert rebuild_key(a) == rebuild_key(b) != rebuild_key(c)
    assert inputs_key(a) != inputs_key(b)
    case = Case("x", str(BASE), tuple(SHORT + ["budget.total_wan_cny=5000000"]))
    assert case.group == Case("y", str(BASE), tuple(SHORT)).group  # batch groups by the same rule


def test_planner_for_reuses_the_built_model_and_pushes_budget_and_targets():
    cache: dict = {}
    first = planner_for(cache, load_scenario(BASE, SHORT))
    r1 = first.solve()
    again = planner_for(cache, load_scenario(BASE, SHORT + ["budget.total_wan_cny=2000000",
                                                            "modalities.CT.target_per_million=35"]))
    assert again is first
    assert again.inputs.budget_total_wan == 2_000_000 - again.scenario.budget.committed_wan_cny
    assert again.scenario.modalities["CT"].target_per_million == 35
    r2 = again.solve()
    assert r1.verifier.ok and r2.verifier.ok and r2.spend_total_wan <= 2_000_000 + 1e-6
    other = planner_for(cache, load_scenario(BASE, SHORT + ["modalities.CT.price_wan_cny=300"]))
    assert other is not first
