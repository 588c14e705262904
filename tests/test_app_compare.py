"""The Compare page compares only runs of the same regions (issue 25, item 6): a county run against the
national province run showed 0 for every province in run A, coloured, with no warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import Planner
from planner.io.runstore import RunStore
from tests.conftest import SMALL_MODELS, started_app

SMALL = Path(SMALL_MODELS) / "small.toml"                          # 31 provinces
TINY = Path(__file__).parent / "data" / "tiny" / "tiny.toml"       # 3 regions of its own


def save(tmp_path: Path, path: Path, name: str, overrides: list[str] | None = None) -> int:
    """Solve a scenario and save it in the store the app will open (started_app's PLANNER_RUNS)."""
    p = Planner.from_file(path, overrides)
    return RunStore(tmp_path / "runs.sqlite").save(p.solve(time_limit=20), p.loaded, name=name)


def open_compare(tmp_path: Path, monkeypatch) -> AppTest:
    at = started_app(tmp_path, monkeypatch)
    at.radio(key="page_en").set_value("Compare runs").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def differences_shown(at: AppTest) -> bool:
    return (any("units_after_diff" in d.value.columns for d in at.dataframe)
            or bool(at.get("deck_gl_json_chart")))


def cannot_compare(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "cannot be compared" in w.value or "无法比较" in w.value]


@pytest.fixture
def three_runs(tmp_path):
    """Two runs of the small scenario (31 provinces) at two budgets, then the newest: the tiny one."""
    return (save(tmp_path, SMALL, "small high"), save(tmp_path, SMALL, "small low", ["budget.total_wan_cny=1000000"]),
            save(tmp_path, TINY, "tiny"))


def test_runs_of_other_regions_are_not_compared_and_the_page_says_why(tmp_path, monkeypatch, three_runs):
    high, low, tiny = three_runs
    at = open_compare(tmp_path, monkeypatch)
    # by default the newest two runs of the same regions, compared as before
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (high, low)
    assert not cannot_compare(at) and differences_shown(at)
    assert "· 31 regions" in at.selectbox(key="cmp_b").format_func(low)

    at.selectbox(key="cmp_b").set_value(tiny).run()
    assert not at.exception, [e.value for e in at.exception]
    [why] = cannot_compare(at)
    assert why.startswith(f"Runs #{high} and #{tiny} cannot be compared: they plan different regions "
                          "(run A 31 regions, run B 3, 0 of them in both)"), why
    assert "No two saved runs" not in why     # there is a pair to choose
    assert not differences_shown(at)
    at.radio(key="lang").set_value("zh").run()
    [why] = cannot_compare(at)
    assert why.startswith(f"方案 #{high} 与 #{tiny} 无法比较: 二者规划的地区不同"), why
    assert not differences_shown(at)


def test_with_no_two_runs_of_the_same_regions_the_page_says_so(tmp_path, monkeypatch):
    save(tmp_path, SMALL, "small")
    save(tmp_path, TINY, "tiny")
    at = open_compare(tmp_path, monkeypatch)
    [why] = cannot_compare(at)
    assert "No two saved runs plan the same regions yet" in why, why
    assert not differences_shown(at)
