"""The run store keeps runs across restarts (a new RunStore on the same file) and exports the CLI files."""

from __future__ import annotations

import pandas as pd

from planner import Planner
from planner.io.runstore import RunStore
from planner.config.scenario import load_scenario
from tests.conftest import one_tier_ct
from tests.test_hand_instances import REGIONS_AB, STOCK_AB


def test_save_list_load_rename_export_delete(case, tmp_path):
    loaded = load_scenario(case(one_tier_ct(budget=300), regions=REGIONS_AB, stock=STOCK_AB))
    p = Planner(loaded)
    r1 = p.solve()
    store = RunStore(tmp_path / "runs.sqlite")
    a = store.save(r1, loaded, name="budget 300")
    r2 = p.resolve_with_budget(500)
    b = store.save(r2, loaded.with_changes(scenario=p.inputs.scenario), name="budget 500")

    reopened = RunStore(tmp_path / "runs.sqlite")          # as after a restart
    runs = reopened.list()
    assert runs["name"].tolist() == ["budget 500", "budget 300"]
    assert runs.set_index("id").loc[a, "spend_cny"] == 3_000_000
    run = reopened.load(b)
    assert run.summary["verifier"]["ok"] and run.plan["new_units"].sum() == 5
    pd.testing.assert_frame_equal(run.plan, pd.read_csv(__import__("io").StringIO(r2.plan.to_csv(index=False)),
                                                         dtype={"region_code": str}), check_dtype=False)

    reopened.rename(a, "first try")
    assert "first try" in reopened.list()["name"].tolist()
    out = reopened.export(b, tmp_path / "export")
    assert {"plan.csv", "regions.csv", "summary.json", "scenario.toml"} <= {p.name for p in out.iterdir()}
    replay = Planner.from_file(out / "scenario.toml").solve()
    assert replay.report.objective == r2.report.objective

    reopened.delete(a)
    assert reopened.list()["id"].tolist() == [b]
