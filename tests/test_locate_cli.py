"""planner locate: location models on a region table or a scenario's regions, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def test_locate_command_on_a_region_table_and_a_road_graph(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    # road A -30- B -50- C -50- D: one centre at C leaves nobody further than 80 minutes (A), at B 100 (D)
    args = ["locate", str(DATA / "access" / "regions.csv"), "--travel", str(DATA / "access" / "roads.csv"),
            "--road-graph", "--model", "p-center", "--p", "1", "--out", str(tmp_path / "pc")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "pc" / "summary.json").read_text())
    assert s["objective"] == pytest.approx(80) and s["new_sites"] == ["100003"]
    # p-median, 1 site, population weights (1, 1, 0.5, 0.2 M): B costs 30 + 25 + 20 = 75 M person-minutes,
    # C costs 80 + 50 + 10 = 140, A 0 + 30 + 40 + 26 = 96 -> B
    res = CliRunner().invoke(app, args[:5] + ["--road-graph", "--model", "p-median", "--p", "1",
                                              "--out", str(tmp_path / "pm")])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "pm" / "summary.json").read_text())
    assert s["objective"] == pytest.approx(75e6) and s["new_sites"] == ["100002"]
    res = CliRunner().invoke(app, args[:5] + ["--model", "max-cover", "--p", "1"])
    assert res.exit_code == 2 and "--limit" in res.output
    res = CliRunner().invoke(app, ["locate", str(DATA / "access" / "regions.csv"), "--p", "1"])
    assert res.exit_code == 2 and "centroid" in res.output

