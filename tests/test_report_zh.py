"""`planner report --lang zh`: Chinese tables and figures drawn with a CJK font, and a refusal that writes
nothing when no font can draw Chinese."""

from __future__ import annotations

import ast
import os
import re
import shutil
import string
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager
from typer.testing import CliRunner

from planner.cli import app
from planner.distributed.batch import BatchRunner, grid
from planner.reporting import report
from planner.reporting.labels_zh import ZH
from planner.reporting.report.build import make_report, report_figures
from planner.reporting.report.canvas import new_figure
from planner.reporting.report.results import Results
from planner.reporting.report.style import FONT_ENV, cjk_font, drawn_texts, missing_glyphs, report_style
from tests.conftest import REPO

TINY = REPO / "tests" / "data" / "tiny" / "tiny.toml"
SMALL = REPO / "tests" / "data" / "app_models" / "small.toml"
DEJAVU = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")   # a real font without CJK
CJK = None if os.environ.get(FONT_ENV) else cjk_font()      # (family, file) the search finds
needs_cjk = pytest.mark.skipif(CJK is None, reason="no CJK font installed (.ci/run installs fonts-wqy-microhei)")
# Words allowed in Chinese figures: modality codes as Chinese documents write them
ALLOWED = {"CT", "MRI", "DR"}


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("small_zh") / "sweep"
    df = BatchRunner(grid(SMALL, ["budget.total_wan_cny=1000000,4000000"]), out, workers=1).run()
    assert (df["status"] != "failed").all(), df.get("error")
    return out


@pytest.fixture(scope="module")
def price_run_with_a_failure(tmp_path_factory):
    """Two CT prices (no varied budget: bars), the second case marked failed as a crashed case is."""
    out = tmp_path_factory.mktemp("price_zh") / "run"
    BatchRunner(grid(TINY, ["modalities.CT.price_wan_cny=100,150"]), out, workers=1).run()
    df = pd.read_csv(out / "results.csv", dtype={"case_id": str}).astype(object)
    keep = ["case_id", "modalities.CT.price_wan_cny", "scenario", "overrides", "wall_seconds", "worker"]
    for c in df.columns:
        if c not in keep:
            df.loc[1, c] = None
    df.loc[1, ["status", "error"]] = ["failed", "staff short in region_A"]
    df.to_csv(out / "results.csv", index=False)
    return out


def _english_words(text: str, allowed: set[str]) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed}


def _figures(folder: Path, lang: str = "zh"):
    """The report's figures as make_report draws them (same function, same style), with their texts."""
    res = Results(folder)
    notes: list[str] = []
    with report_style(lang) as wan:
        figs = report_figures(res, None, "CT", wan, notes)
        yield from ((stem, fig, drawn_texts(fig), missing_glyphs(fig)) for stem, fig in figs)


@needs_cjk
def test_zh_tables_have_chinese_headers_units_and_labels(small_sweep, tmp_path):
    out = tmp_path / "rep"
    files = make_report(small_sweep, out, lang="zh")
    assert {f.name for f in files} == {"summary.csv", "summary.md", "summary.tex"} | {
        f"{s}.{e}" for s in ("budget_vs_unmet", "budget_vs_gap_closed", "budget_vs_equity", "maps_CT")
        for e in ("png", "svg")}

    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")          # Excel on Chinese Windows reads it as UTF-8
    csv = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert list(csv.columns[:3]) == ["方案编号", "预算 (亿元)", "求解状态"]
    for col in ("MIP 间隙 (%)", "支出 (亿元)", "未满足需求 (千人次)", "基层未满足需求 (千人次)", "CT 密度缺口弥合 (%)",
                "MRI 密度缺口弥合 (%)", "最大缺口 (台 / 百万人)", "CT 基尼系数"):
        assert col in csv.columns, col
    assert csv["预算 (亿元)"].tolist() == [100, 400]          # 1,000,000 万元 = 100 亿元
    results = pd.read_csv(small_sweep / "results.csv")
    assert csv["支出 (亿元)"].tolist() == pytest.approx((results["spend_wan_cny"] / 1e4).round(2).tolist())
    assert set(csv["求解状态"]) <= {"最优", "时间上限内的最佳方案"}   # the app's words (labels catalog)

    md = (out / "summary.md").read_text(encoding="utf-8")
    head = next(ln for ln in md.splitlines() if ln.startswith("| "))
    assert "| 方案编号 | 预算 (亿元) | 求解状态 |" in head
    assert not _english_words(head, ALLOWED | {"MIP"}), head
    rows = [ln for ln in md.splitlines() if ln.startswith("| `")]
    assert "| 100 |" in rows[0] and "| 400 |" in rows[1]
    assert "变动的输入: 预算 (亿元) = `budget.total_wan_cny`" in md and "## 图" in md
    assert "1 亿元 = 10,000 万元" in md

    tex = (out / "summary.tex").read_text(encoding="utf-8")
    assert "预算 (亿元) & 求解状态" in tex and "\\wanyuan" not in tex and "XeLaTeX" in tex


@needs_cjk
def test_zh_figures_are_chinese_and_drawn_with_the_cjk_font(small_sweep):
    family, path = CJK
    seen = []
    for stem, fig, texts, missing in _figures(small_sweep):
        seen.append(stem)
        assert not missing, (stem, missing)
        joined = "\n".join(t.get_text() for t in texts)
        assert not _english_words(joined, ALLOWED | {"small", "toml"}), (stem, joined)  # small.toml: the scenario
        chinese = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t.get_text())]
        assert chinese, stem
        for t in chinese:
            files = [font_manager.findfont(font_manager.FontProperties(family=f), fallback_to_default=False)
                     for f in t.get_fontfamily() if f != "DejaVu Sans"]
            assert family in t.get_fontfamily() and path in files, (t.get_text(), t.get_fontfamily(), files)
    assert seen == ["budget_vs_unmet", "budget_vs_gap_closed", "budget_vs_equity", "maps_CT"]

    figs = {stem: texts for stem, _, texts, _ in _figures(small_sweep)}
    unmet = [t.get_text() for t in figs["budget_vs_unmet"]]
    assert "预算 (亿元)" in unmet and "未满足需求 (千人次, 全部规划年)" in unmet
    assert "全部层级" in unmet and "基层" in unmet and "预算与未满足的影像检查需求" in unmet
    assert "100" in unmet and "400" in unmet              # budget ticks in 亿元, not 1,000,000 万元
    gap = [t.get_text() for t in figs["budget_vs_gap_closed"]]
    # DR's base-year stock meets every region's target: no share of a gap, no line (planning.results.target_gaps)
    assert {"CT", "MRI"} <= set(gap) and "DR" not in gap and "规划末年密度缺口弥合比例 (%)" in gap
    maps = " ".join(t.get_text() for t in figs["maps_CT"])
    assert "规划后每百万常住人口 CT 台数" in maps and "预算 100 亿元" in maps and "规划后 CT 密度" in maps


@needs_cjk
def test_zh_bars_failed_case_and_prices_in_wan(price_run_with_a_failure, tmp_path):
    files = make_report(price_run_with_a_failure, tmp_path / "rep", lang="zh")
    assert "unmet_by_case.png" in {f.name for f in files}
    csv = pd.read_csv(tmp_path / "rep" / "summary.csv", encoding="utf-8-sig")
    assert csv["CT 价格 (万元)"].tolist() == [100, 150]          # prices stay in 万元
    assert csv["求解状态"].tolist()[1] == "失败" and csv["错误"].tolist()[1] == "staff short in region_A"
    md = (tmp_path / "rep" / "summary.md").read_text(encoding="utf-8")
    assert "## 失败的方案" in md and "没有 [regions] boundaries" in md and "## 说明" in md

    (stem, fig, texts, missing), = _figures(price_run_with_a_failure)
    assert stem == "unmet_by_case" and not missing
    words = [t.get_text() for t in texts]
    assert "失败" in words and "CT 价格 100 万元" in words and "各方案未满足的影像检查需求" in words
    assert not _english_words("\n".join(words), ALLOWED), words


def test_missing_glyphs_finds_what_would_be_tofu():
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = new_figure((2, 1))
        fig.text(0.5, 0.5, "预算 CT")
        with pytest.warns(UserWarning, match="missing from font"):      # matplotlib agrees: it would draw boxes
            assert missing_glyphs(fig) == {"预", "算"}


def test_zh_without_a_cjk_font_stops_before_writing(price_run_with_a_failure, tmp_path, monkeypatch):
    folder = tmp_path / "run"
    shutil.copytree(price_run_with_a_failure, folder, ignore=shutil.ignore_patterns("report"))
    runner = CliRunner()
    # The variable names the only font to use: DejaVu Sans, which has no Chinese characters.
    monkeypatch.setenv(FONT_ENV, DEJAVU)
    res = runner.invoke(app, ["report", str(folder), "--lang", "zh"])
    assert res.exit_code == 2, res.output
    assert "DejaVuSans.ttf" in res.output and "no Chinese characters" in res.output
    assert "sudo apt-get install fonts-wqy-microhei" in res.output and "Traceback" not in res.output
    assert not (folder / "report").exists()
    monkeypatch.delenv(FONT_ENV)
    res = runner.invoke(app, ["report", str(folder), "--lang", "zh", "--font", str(tmp_path / "nope.ttf")])
    assert res.exit_code == 2 and "nope.ttf" in res.output and "does not exist" in res.output
    assert not (folder / "report").exists()
    res = runner.invoke(app, ["report", str(folder), "--lang", "fr"])
    assert res.exit_code == 2 and "unknown report language 'fr'" in res.output
    assert not (folder / "report").exists()


@needs_cjk
def test_cli_zh_report_with_the_font_named(price_run_with_a_failure, tmp_path):
    out = tmp_path / "rep"
    res = CliRunner().invoke(app, ["report", str(price_run_with_a_failure), "--out", str(out), "--lang", "zh",
                                   "--font", CJK[1]])
    assert res.exit_code == 0, res.output
    assert "unmet_by_case.svg" in res.output
    assert "求解状态" in (out / "summary.md").read_text(encoding="utf-8")


def test_every_label_in_the_report_package_has_a_chinese_entry():
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in Path(report.__file__).parent.glob("*.py")]
    keys = {n.args[0].value for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", "") == "tr" and n.args and isinstance(n.args[0], ast.Constant)}
    assert len(keys) > 40
    assert not keys - ZH.keys(), keys - ZH.keys()

    def fields(s):
        return sorted(f or "" for _, f, _, _ in string.Formatter().parse(s) if f is not None)

    for k in keys:      # same placeholders (positional ones may be reordered as {1} {0})
        en, zh = fields(k), fields(ZH[k])
        named = [{f for f in fs if f and not f.isdigit()} for fs in (en, zh)]
        assert len(en) == len(zh) and named[0] == named[1], k
