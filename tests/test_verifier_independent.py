"""The verifier reads the scenario, not the model's arrays (issue 11, item 9): it derives residents,
demand by tier of origin, surviving stock, facility limits and presence rules again from the scenario and
its tables (planning/reference.py). Corrupting any resolved array the model is built from is caught."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from planner import Planner
from tests.conftest import REPO

BASE = REPO / "tests" / "data" / "bad" / "_base"
PRESENCE = """
[[policy.min_units]]
tier = "hospital"
modality = "CT"
per_facility = 1
from_year = 2026
"""


@pytest.fixture
def planner(tmp_path):
    for f in BASE.iterdir():
        shutil.copy(f, tmp_path / f.name)
    toml = (tmp_path / "scenario.toml").read_text()
    toml = toml.replace("hospital = { CT = 100 }", "hospital = { CT = 2 }").replace(
        "total_wan_cny = 300", "total_wan_cny = 2000") + PRESENCE
    (tmp_path / "scenario.toml").write_text(toml)
    return Planner.from_file(tmp_path / "scenario.toml")


def test_the_uncorrupted_plan_passes_and_the_reference_matches(planner):
    r = planner.solve()
    assert r.report.status == "optimal" and r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["inputs"] == 5  # staffing is off in this scenario


def _corrupt_limit(inp):
    inp.limit[:] = np.inf


def _corrupt_presence(inp, monkeypatch):
    monkeypatch.setattr(type(inp), "min_units", lambda self: np.zeros((len(self.regions), len(self.tiers),
                                                                        len(self.modalities), len(self.years))))


CORRUPTIONS = {
    # what is corrupted: (how, words the verifier must say about the array, words about the plan)
    "demand": (lambda inp, mp: inp.demand.__imul__(0.5), "the model's demand differ", "do not balance"),
    "surviving": (lambda inp, mp: inp.surviving.__imul__(0.0), "existing units in service differ",
                  "units table row"),
    "limit": (lambda inp, mp: _corrupt_limit(inp), "facility limits differ", "exceeds the facility limit"),
    "pop": (lambda inp, mp: inp.pop.__imul__(2.0), "residents differ", "regions table row"),
    "presence": (_corrupt_presence, "presence rules differ", None),
}


@pytest.mark.parametrize("what", sorted(CORRUPTIONS))
def test_a_corrupted_input_array_is_caught(planner, monkeypatch, what):
    how, about_array, about_plan = CORRUPTIONS[what]
    how(planner.inputs, monkeypatch)
    if what == "limit":  # with no limit the model buys past the true one: make that pay
        planner.inputs.scenario.weights.cost_weight = 0.0
        planner.inputs.demand[:] *= 20
    r = planner.solve()
    assert r.report.has_plan and not r.verifier.ok
    text = " | ".join(r.verifier.violations)
    assert about_array in text
    if about_plan:
        assert about_plan in text, text


def test_corrupted_staff_available_is_caught(planner):
    inp = planner.inputs
    inp.scenario.staffing.enabled = True
    inp.scenario.modalities["CT"].staff_per_unit = 3.0
    before = planner.inputs.staff_limit().copy()
    inp.staff_available[:] *= 10
    r = planner.solve()
    text = " | ".join(r.verifier.violations)
    assert not r.verifier.ok and "staff available differ" in text and before.max() < inp.staff_limit().max()


def test_corrupted_mobile_efficiency_is_caught(case):
    """The model's arcs say a mobile unit loses nothing on the road; the verifier takes the efficiency from
    the travel time and the working day (the scenario's rule), so the deliveries exceed the unit."""
    from tests.test_hand_instances import MOBILE_BASE

    path = case(MOBILE_BASE, regions="""
                code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
                100001,100000,甲,Alpha,1000000,104.0,30.0
                100002,100000,乙,Beta,10000,104.1,30.0
                """, stock="code,tier,modality,units\n",
                facilities="code,tier,facilities\n100001,hospital,0\n100002,hospital,1\n")
    p = Planner.from_file(path)
    assert p.solve().verifier.ok
    p2 = Planner.from_file(path)
    p2.inputs.arcs["efficiency"] = 1.0
    r = p2.solve()
    assert not r.verifier.ok
    assert any("mobile MOBILE_CT deliver" in v and "capacity" in v for v in r.verifier.violations)
