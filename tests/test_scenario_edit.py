"""Tables edited in memory (as the app does) are validated like files and saved to replay exactly."""

from __future__ import annotations

import pytest

from planner import Planner
from planner.errors import PlannerError
from planner.io.output import save_scenario
from planner.config.scenario import load_scenario
from planner.data.tables import read_raw
from tests.conftest import one_tier_ct
from tests.test_hand_instances import REGIONS_AB, STOCK_AB


def test_edit_save_replay(case, tmp_path):
    loaded = load_scenario(case(one_tier_ct(budget=300), regions=REGIONS_AB, stock=STOCK_AB))
    regions = read_raw(loaded.path(loaded.scenario.regions.table))
    # Alpha grows to 3 M people: its unmet demand (150 - 20 = 130) now exceeds Beta's 90, but every
    # unit closes 10 thousand exams in either region, so the objective drops by 10 x (130 - 5) = 1,250.
    regions.loc[0, "population"] = "3000000"
    edited = loaded.with_changes(table=regions)
    r = Planner(edited).solve()
    assert r.report.objective == pytest.approx(650.0 + 1250.0)
    assert r.verifier.ok
    folder = tmp_path / "saved"
    path = save_scenario(edited, folder)
    assert (folder / "inputs" / "regions.csv").exists() and (folder / "inputs" / "stock.csv").exists()
    again = Planner.from_file(path).solve()
    assert again.report.objective == pytest.approx(r.report.objective)
    assert again.plan["new_units"].sum() == r.plan["new_units"].sum()
    # the original file is untouched
    assert "500000" in (tmp_path / "regions.csv").read_text()


def test_a_bad_edit_names_the_editor_row_and_column(case):
    loaded = load_scenario(case(one_tier_ct(), regions=REGIONS_AB, stock=STOCK_AB))
    regions = read_raw(loaded.path(loaded.scenario.regions.table))
    regions.loc[1, "population"] = "-5"
    with pytest.raises(PlannerError, match=r"region table \(edited\), row 3, column 'population': must be greater"):
        Planner(loaded.with_changes(table=regions))
