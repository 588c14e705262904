"""models/sichuan_medcommunity.toml is models/sichuan.toml with the policy levers on (issue 27): the README's
worked example compares the two plans, which is only fair if nothing else differs."""

from __future__ import annotations

from planner.config.scenario import load_scenario
from tests.conftest import REPO

LEVERS = ("reading", "renewal", "leasing", "quotas", "supply")   # the sections the levers scenario may set
WORDS = ("name", "title", "description", "title_zh", "description_zh")


def _without_levers(path) -> dict:
    d = load_scenario(path).scenario.model_dump(mode="json")
    return {k: v for k, v in d.items() if k not in LEVERS + WORDS}


def test_the_levers_scenario_is_sichuan_with_the_levers_on():
    plain, levers = REPO / "models" / "sichuan.toml", REPO / "models" / "sichuan_medcommunity.toml"
    assert _without_levers(levers) == _without_levers(plain)
    scn = load_scenario(levers).scenario
    assert scn.reading.enabled and scn.renewal.earmark_share > 0 and scn.leasing.enabled and scn.supply.enabled
    base = load_scenario(plain).scenario
    assert not (base.reading.enabled or base.leasing.enabled or base.supply.enabled) and base.renewal.earmark_share == 0
