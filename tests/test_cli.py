"""The CLI contract: files written, round trip through scenario.toml, overrides, readable errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from tests.conftest import REPO as REPO_ROOT

runner = CliRunner()
BASELINE = str(REPO_ROOT / "models" / "baseline.toml")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run1")
    res = runner.invoke(app, ["solve", BASELINE, "--out", str(out), "--set", "budget.total_wan_cny=4000000"])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_solve_writes_the_contract_files(first_run):
    out, text = first_run
    plan = pd.read_csv(out / "plan.csv", dtype={"region_code": str})
    assert list(plan.columns[:7]) == ["region_code", "region_name", "tier", "modality", "year", "new_units",
                                      "capex_cny"]
    regions = pd.read_csv(out / "regions.csv", dtype={"region_code": str})
    for col in ("units_before", "units_after", "density_before_per_million", "density_after_per_million",
                "target_per_million", "demand_thousand_exams", "served_thousand_exams", "unmet_thousand_exams"):
        assert col in regions.columns
    summary = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "build_seconds", "solve_seconds", "budget_total",
                "spend_by_year", "verifier"):
        assert key in summary
    assert summary["verifier"] == {"ok": True, "violations": []}
    assert summary["budget_total"] == 4_000_000 * 10_000
    assert sum(summary["spend_by_year"].values()) == pytest.approx(plan["capex_cny"].sum())
    # baseline counts capital only against the budget: what counts is the capital spend
    assert summary["budget_includes_running_cost"] is False
    assert summary["budget_spend_by_year"] == pytest.approx(summary["spend_by_year"])
    assert plan["capex_cny"].sum() <= summary["budget_total"] + 1e-6
    assert summary["status"] in ("optimal", "time_limit")
    # the human summary names the status, the spend and the density change
    assert "Solver: optimal" in text and "亿元" in text and "per million" in text


def test_scenario_toml_replays_to_the_same_plan(first_run, tmp_path):
    out, _ = first_run
    res = runner.invoke(app, ["solve", str(out / "scenario.toml"), "--out", str(tmp_path), "--quiet"])
    assert res.exit_code == 0, res.output
    a = pd.read_csv(out / "plan.csv", dtype={"region_code": str})
    b = pd.read_csv(tmp_path / "plan.csv", dtype={"region_code": str})
    pd.testing.assert_frame_equal(a, b)
    assert (tmp_path / "inputs" / "provinces.csv").exists()


def test_overrides_reach_every_kind_of_scalar(tmp_path):
    from planner.config.scenario import load_scenario

    s = load_scenario(BASELINE, ["modalities.CT.price_wan_cny=200", "solver.mip_rel_gap=0.05",
                                 "budget.include_running_cost=true", "tiers.grassroots.unmet_weight=3",
                                 "years.last_plan_year=2027", 'title="x"']).scenario
    assert s.modalities["CT"].price_wan_cny == 200
    assert s.solver.mip_rel_gap == 0.05 and s.budget.include_running_cost is True
    assert s.tiers["grassroots"].unmet_weight == 3 and s.years.plan_years == [2026, 2027] and s.title == "x"


def test_check_command(tmp_path):
    res = runner.invoke(app, ["check", BASELINE])
    assert res.exit_code == 0, res.output
    assert "31 regions" in res.output and "All checks passed" in res.output


def test_a_misspelt_override_is_an_error_with_a_suggestion():
    res = runner.invoke(app, ["solve", BASELINE, "--set", "budget.total=5"])
    assert res.exit_code == 2
    assert "unknown key 'budget.total'" in res.output and "did you mean 'budget.total_wan_cny'?" in res.output
    assert "Traceback" not in res.output


def test_results_are_readable_by_others(first_run):
    """Atomic writes go through mkstemp (0600); results must get the usual permissions."""
    out, _ = first_run
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((out / "plan.csv").stat().st_mode) == 0o666 & ~umask


def test_marginal_values_digest_puts_the_budget_first_then_one_line_per_family():
    """Issue 13, item 5: marginal values grouped and ranked, not 8 near-identical lines."""
    import pandas as pd

    from planner.reporting.summary import marginal_digest

    m = pd.DataFrame({"constraint": ["budget", "budget", "capacity", "capacity", "density", "staffing"],
                      "where": ["total", "2026", "a", "b", "c", "d"],
                      "marginal_value": [0.2, 0.3, 20.0, 8.0, 50.0, 0.0],
                      "plain_words": ["B total", "B 2026", "cap a", "cap b", "dens c", "staff d"]})
    assert [str(x) for x in marginal_digest(m)] == ["B total", "Density targets: 1 binding place(s) listed; the largest: dens c",
                                  "Capacity: 2 binding place(s) listed; the largest: cap a"]
    assert marginal_digest(m, top=1) == ["B total"] and marginal_digest(m.iloc[0:0]) == []


def test_check_speaks_chinese_with_lang_zh_or_a_chinese_locale(tmp_path, monkeypatch):
    """Issue 26, item 2: a provincial planner reads `planner check` in Chinese: --lang zh, or LANG=zh_CN.UTF-8.
    A broken table's error names the file, the row and the fix in Chinese."""
    from tests.test_bad_corpus import build

    scenario = str(build("zero_population", tmp_path, monkeypatch))
    for var in ("PLANNER_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(var, raising=False)
    res = runner.invoke(app, ["--lang", "zh", "check", scenario])
    assert res.exit_code == 2 and "Traceback" not in res.output, res.output
    assert "regions.csv, 第 3 行, 列 'population': 必须大于 0 (值: 0)。修正: 请给出常住人口, 单位为人 (不是万人), > 0" \
        in res.output, res.output
    assert res.output.startswith("错误: "), res.output
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "第 3 行" in runner.invoke(app, ["check", scenario]).output
    english = runner.invoke(app, ["--lang", "en", "check", scenario]).output
    assert "Error: " in english and "row 3, column 'population': must be greater than 0" in english
    ok = runner.invoke(app, ["check", BASELINE])
    assert ok.exit_code == 0 and "31 个地区" in ok.output and "全部检查通过。" in ok.output, ok.output
    assert runner.invoke(app, ["--lang", "fr", "check", BASELINE]).exit_code == 2
