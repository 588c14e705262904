"""The paper-ready report of a sweep folder: tables, figures and maps exist, have the right shape and content."""

from __future__ import annotations

import shutil

import matplotlib.image as mpimg
import pandas as pd
import pytest

from planner.distributed.batch import BatchRunner, grid
from planner.errors import InputError
from planner.reporting.report.build import make_report
from planner.reporting.report.canvas import DPI
from planner.reporting.report.charts import LINE_FIGSIZE
from planner.reporting.report.choropleths import map_figsize
from tests.conftest import REPO

TINY = REPO / "tests" / "data" / "tiny" / "tiny.toml"
SMALL = REPO / "tests" / "data" / "app_models" / "small.toml"
LINE_PX = (round(LINE_FIGSIZE[1] * DPI), round(LINE_FIGSIZE[0] * DPI))   # (rows, columns) of a line chart PNG


def _px(figsize) -> tuple[int, int]:
    return round(figsize[1] * DPI), round(figsize[0] * DPI)


def _table_rows(md: str) -> list[str]:
    """The body rows of the (only) Markdown table: every '|' line but the header and the separator."""
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[1].startswith("|---")
    return lines[2:]


def _names(files) -> set[str]:
    return {f.name for f in files}


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "sweep"
    BatchRunner(grid(TINY, ["budget.total_wan_cny=0,500,1000"]), out, workers=1).run()
    return out


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("small") / "sweep"
    df = BatchRunner(grid(SMALL, ["budget.total_wan_cny=1000000,4000000"]), out, workers=1).run()
    assert (df["status"] != "failed").all(), df.get("error")
    return out


def _check_files(files, out_dir):
    for f in files:
        assert f.parent == out_dir and f.is_file() and f.stat().st_size > 0, f
    assert not list(out_dir.glob(".*.tmp")), "a temporary file was left behind"


def test_tiny_sweep_report(tiny_sweep):
    files = make_report(tiny_sweep)
    out = tiny_sweep / "report"
    _check_files(files, out)
    assert _names(files) == {"summary.csv", "summary.md", "summary.tex", "budget_vs_unmet.png", "budget_vs_unmet.svg"}

    md = (out / "summary.md").read_text(encoding="utf-8")
    rows = _table_rows(md)
    assert len(rows) == 3
    assert "budget (万元)" in md and "unmet (thousand exams)" in md
    assert "| 1,000 |" in rows[-1]
    # no target and no boundaries: said so, not silently dropped
    assert "no modality has a per-million target" in md and "has no [regions] boundaries" in md

    tex = (out / "summary.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex
    assert "\\providecommand{\\wanyuan}{万元}" in tex and "(\\wanyuan{})" in tex

    csv = pd.read_csv(out / "summary.csv")
    assert len(csv) == 3 and list(csv.columns[:3]) == ["case", "budget (万元)", "status"]
    assert csv["unmet (thousand exams)"].tolist() == pytest.approx([145, 95, 45])  # 10 thousand exams a unit
    assert csv["spend (万元)"].tolist() == [0, 500, 1000]

    img = mpimg.imread(out / "budget_vs_unmet.png")
    assert img.shape[:2] == LINE_PX
    assert (out / "budget_vs_unmet.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_small_sweep_report_with_maps(small_sweep, tmp_path):
    files = make_report(small_sweep)
    out = small_sweep / "report"
    _check_files(files, out)
    expected = {"summary.csv", "summary.md", "summary.tex"} | {
        f"{stem}.{ext}" for stem in ("budget_vs_unmet", "budget_vs_gap_closed", "budget_vs_equity", "maps_CT")
        for ext in ("png", "svg")}
    assert _names(files) == expected
    csv = pd.read_csv(out / "summary.csv")
    # more money never leaves the worst-off region further behind (the plans are within a 1 % gap)
    short = csv["largest shortfall (per million)"].tolist()
    assert short[1] <= short[0] + 0.05
    assert all(0 <= g < 1 for g in csv["CT Gini"])
    assert mpimg.imread(out / "budget_vs_equity.png").shape[:2] == _px((LINE_FIGSIZE[0] * 1.6, LINE_FIGSIZE[1]))

    md = (out / "summary.md").read_text(encoding="utf-8")
    assert len(_table_rows(md)) == 2
    for m in ("CT", "MRI"):          # the modalities with a per-million target and a gap at the base year
        assert f"{m} gap closed (%)" in md
    # DR's base-year stock meets every region's target: no share of a gap (planning.results.target_gaps)
    assert "DR gap closed (%)" not in md
    assert "MOBILE_CT gap closed" not in md

    assert mpimg.imread(out / "budget_vs_unmet.png").shape[:2] == LINE_PX
    assert mpimg.imread(out / "budget_vs_gap_closed.png").shape[:2] == LINE_PX
    assert mpimg.imread(out / "maps_CT.png").shape[:2] == _px(map_figsize(2))   # both budgets, side by side

    # one chosen case, another modality, another folder
    cid = pd.read_csv(small_sweep / "results.csv", dtype={"case_id": str})["case_id"].iloc[-1]
    files = make_report(small_sweep, tmp_path / "rep", map_cases=[cid[:6]], modality="MRI")
    assert "maps_MRI.png" in _names(files) and (tmp_path / "rep" / "maps_MRI.svg").stat().st_size > 0
    assert mpimg.imread(tmp_path / "rep" / "maps_MRI.png").shape[:2] == _px(map_figsize(1))


def test_failed_cases_are_listed_with_their_error(tiny_sweep, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(tiny_sweep, folder, ignore=shutil.ignore_patterns("report"))
    df = pd.read_csv(folder / "results.csv", dtype={"case_id": str})
    df = df.astype(object)  # a failed row has no numbers: NaN in every result column
    bad = df.index[1]
    keep = ["case_id", "budget.total_wan_cny", "scenario", "overrides", "wall_seconds", "worker"]
    for c in df.columns:
        if c not in keep:
            df.loc[bad, c] = None
    df.loc[bad, "status"] = "failed"
    df.loc[bad, "error"] = "staff_100% short | in region_A & B"
    df.to_csv(folder / "results.csv", index=False)

    files = make_report(folder)
    md = (folder / "report" / "summary.md").read_text(encoding="utf-8")
    rows = _table_rows(md)
    assert len(rows) == 3 and "| failed |" in rows[1]
    assert "## Failed cases" in md and "staff_100% short \\| in region_A & B" in md
    tex = (folder / "report" / "summary.tex").read_text(encoding="utf-8")
    assert "\\multicolumn" in tex and "staff\\_100\\% short" in tex and "region\\_A \\& B" in tex
    csv = pd.read_csv(folder / "report" / "summary.csv")
    assert csv.loc[1, "status"] == "failed" and csv.loc[1, "error"].startswith("staff_100%")
    assert "budget_vs_unmet.png" in _names(files)


def test_without_a_varied_budget_draws_bars(tmp_path):
    out = tmp_path / "price"
    BatchRunner(grid(TINY, ["modalities.CT.price_wan_cny=100,150"]), out, workers=1).run()
    files = make_report(out)
    assert "unmet_by_case.png" in _names(files) and "budget_vs_unmet.png" not in _names(files)
    assert mpimg.imread(out / "report" / "unmet_by_case.png").shape[:2] == LINE_PX
    assert "CT price (万元)" in (out / "report" / "summary.md").read_text(encoding="utf-8")


def test_missing_or_empty_results_give_input_errors(tmp_path, tiny_sweep):
    missing = tmp_path / "no_such_run"
    with pytest.raises(InputError, match="no_such_run") as e:
        make_report(missing)
    assert "Fix:" in str(e.value)

    empty_dir = tmp_path / "empty_run"
    empty_dir.mkdir()
    with pytest.raises(InputError, match=r"empty_run/results\.csv.*missing"):
        make_report(empty_dir)

    (empty_dir / "results.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="no cases"):
        make_report(empty_dir)
    (empty_dir / "results.csv").write_text("case_id,status\n", encoding="utf-8")
    with pytest.raises(InputError, match="no cases"):
        make_report(empty_dir)


def test_bad_map_choices_give_input_errors(small_sweep, tmp_path):
    with pytest.raises(InputError, match="'nope' is not a case"):
        make_report(small_sweep, tmp_path / "a", map_cases=["nope"])
    with pytest.raises(InputError, match="no modality 'PET'.*choose one of .*CT"):
        make_report(small_sweep, tmp_path / "b", modality="PET")
    with pytest.raises(InputError, match="at most 4"):
        make_report(small_sweep, tmp_path / "c", map_cases=["a", "b", "c", "d", "e"])
