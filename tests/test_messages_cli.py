"""The CLI's printed summary and its own lines are message codes (issue 26, item 2): `planner --lang zh solve`
and `planner --lang zh check` print Chinese throughout, while each code's English reads exactly as the text the
CLI printed before (tests/test_cli.py and others compare it). The Chinese is held to tests/test_chinese_messages.py's
check: no English word left, no number dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.messages import msg
from planner.planning.checks import joined
from planner.reporting.summary import _gap_words
from tests.test_chinese_messages import check, english_left

INDENT = "text_summary.indented"

# (the English the summary printed before, the message that prints it now): planner.reporting.summary
SUMMARY = [
    ("Scenario 'baseline': National plan by province, 2026-2030",
     msg("text_summary.scenario_titled", name="baseline", title="National plan by province, 2026-2030",
         title_zh="全国分省规划, 2026-2030")),
    ("Scenario 'tiny'", msg("text_summary.scenario", name="tiny")),
    ("  31 regions x 3 tiers x 5 modalities x 5 years (2026-2030)",
     msg(INDENT, line=msg("text_summary.dimensions", regions=31, tiers=3, modalities=5, years=5, first=2026,
                          last=2030))),
    ("Solver: optimal: proven within the 0.10% gap tolerance (gap 0.02%)",
     msg("text_summary.solver", text=msg("status.optimal", tol=0.001, gap="0.02%"))),
    ("  objective 1,775,314.0, best bound 1,775,023.9; build 0.05 s, hand-off 0.00 s, HiGHS 1.99 s, "
     "floor 290,820.1 (0.07 s)",
     msg(INDENT, line=msg("text_summary.figures_floor", objective="1,775,314.0", bound="1,775,023.9", build=0.05,
                          handoff=0.0, highs=1.99, floor=290820.1, floor_s=0.07))),
    ("  objective None, best bound none proven yet; build 0.05 s, hand-off 0.00 s, HiGHS 30.00 s",
     msg(INDENT, line=msg("text_summary.figures", objective=msg("text_summary.no_objective"),
                          bound=msg("text_summary.no_bound"), build=0.05, handoff=0.0, highs=30.0))),
    ("Verifier: all checks passed (budget, capacity, demand balance, density, eligibility, staffing)",
     msg("text_summary.verifier_ok")),
    ("Verifier: 2 VIOLATIONS: 甲 in 2026: negative purchase of CT at grassroots; the objective recomputed from the "
     "plan, 1,250.0000, is above the model's 1,150.0000",
     msg("text_summary.verifier_violations", n=2, violations=joined([
         msg("verify.negative_purchase", where=msg("verify.place_year", place="甲", year=2026), mod="CT",
             tier="grassroots"),
         msg("verify.objective_above", got=1250.0, model=1150.0)], "; "))),
    ("Spend: 1,499.91 亿元 of 1,500.00 亿元 budget (100%); by year: 2026 299.99 亿元, 2027 300 万元",
     msg("text_summary.spend", spend="1,499.91 亿元", budget="1,500.00 亿元", share=0.9999,
         years=[msg("text_summary.spend_year", year=2026, spend="299.99 亿元"),
                msg("text_summary.spend_year", year=2027, spend="300 万元")])),
    ("New units by modality and tier:", msg("text_summary.units_heading")),
    ("  CT         grassroots 20,269, secondary 8,385  (total 28,654)",
     msg(INDENT, line=msg("text_summary.units_row", mod="CT", total=28654.0, units=[
         msg("text_summary.units_tier", tier="grassroots", n=20269.0),
         msg("text_summary.units_tier", tier="secondary", n=8385.0)]))),
    ("Where the money goes (top 8 regions):", msg("text_summary.where_heading", n=8)),
    ("  广东省 Guangdong (440000): 9,666 units, 154.01 亿元",
     msg(INDENT, line=msg("text_summary.where_region", name="广东省", name_en="Guangdong", region_code="440000",
                          units=9666.0, spend="154.01 亿元"))),
    ("No units bought.", msg("text_summary.no_units")),
    ("Per-million density in 2030 (all regions together; before = no purchases; gap = target against the stock in "
     "service at the end of 2025):", msg("text_summary.density_heading", year=2030, base=2025)),
    ("  MOBILE_CT    0.00 ->   0.12 per million",
     msg(INDENT, line=msg("text_summary.density_row", mod="MOBILE_CT", before=0.0, after=0.12))),
    ("  CT          15.06 ->  40.01 per million (target 40; 0 of 31 regions a whole unit or more short)",
     msg(INDENT, line=msg("text_summary.density_row_target", mod="CT", before=15.06, after=40.01, target=40.0,
                          below=0, regions=31))),
    ("  MRI          6.04 ->  15.79 per million (target 18; base year 12.07, the plan closes 63% of the gap; 12 of "
     "31 regions a whole unit or more short)",
     msg(INDENT, line=msg("text_summary.density_row_gap", mod="MRI", before=6.04, after=15.79, target=18.0,
                          gap=_gap_words({"base_per_million": 12.07, "closed_share": 0.63}), below=12, regions=31))),
    ("base year 61.45 is already at or above the target: the plan replaces retiring units",
     _gap_words({"base_per_million": 61.45, "closed_share": None})),
    ("base year 4.00: the plan ends below it, not every retiring unit is replaced",
     _gap_words({"base_per_million": 4.0, "closed_share": -0.5})),
    ("Demand: 4,914.7 million exams over the plan years; unmet 0.77 million (0.0%)",
     msg("text_summary.demand", demand=4914.7, unmet=0.77, share=0.00016)),
    ("  grassroots demand 1,231.0 million: served there 1,231.0, by mobile units 0.00, referred up 0.0, unmet 0.00",
     msg(INDENT, line=msg("text_summary.first_tier", tier="grassroots", demand=1231.0, served=1231.0, mobile=0.0,
                          up=0.0, unmet=0.0))),
    ("  tertiary demand 0.1 million: 0.02 million served in another region of the same parent (catchment.top_tier), "
     "from 1 region(s); unmet 0.00",
     msg(INDENT, line=msg("text_summary.catchment", tier="tertiary", demand=0.1, sent=0.02, regions=1, unmet=0.0))),
    ("Equity across regions (units per million, population-weighted):", msg("text_summary.equity_heading")),
    ("  CT Gini 0.080 -> 0.000, Theil 0.0177 -> 0.0000, largest shortfall 21.50 -> 0.01 per million",
     msg(INDENT, line=msg("text_summary.equity_row", mod="CT", gini_before=0.08, gini_after=0.0,
                          theil_before=0.0177, theil_after=0.0, short_before=21.5, short_after=0.01))),
    ("Equity objective first stage: optimal, value 0.500, gap 0.00 %",
     msg("text_summary.equity_stage", status=msg("value.status.optimal"), status_code="optimal", objective=0.5,
         gap=0.0)),
    ("Travel to the nearest unit (limit 60 min; beyond 240 counted as that):",
     msg("text_summary.travel_heading", limit=60.0, cap=240.0)),
    ("  CT     mean 17 -> 4 min, longest 100 -> 50 min; residents beyond the limit 20.0 -> 0.0 万 (1 -> 0 regions)",
     msg(INDENT, line=msg("text_summary.travel_row", mod="CT", mean_before=17.2, mean_after=4.4,
                          longest_before=100.0, longest_after=50.0, beyond_before=20.0, beyond_after=0.0,
                          regions_before=1, regions_after=0))),
    ("Value of budget: each extra 100万元 of the total budget lowers the objective by 25.72 万元-equivalents",
     msg("text_summary.value_of_budget", text="each extra 100万元 of the total budget lowers the objective by "
                                               "25.72 万元-equivalents")),
]


@pytest.mark.parametrize("english, message", SUMMARY, ids=[m.code if m.code != INDENT else m.params["line"].code
                                                          for _, m in SUMMARY])
def test_each_summary_line_reads_as_before_in_english_and_in_chinese(english, message):
    assert str(message) == english
    if message.code == "text_summary.value_of_budget":   # its value is the marginal table's message
        assert message.render("zh").startswith("预算的价值: ")
        return
    check(english, message.render("zh"))


def test_the_chinese_summary_says_tiers_modalities_and_the_chinese_title_and_region_name():
    by_code = {(m.params["line"] if m.code == INDENT else m).code: m.render("zh") for _, m in SUMMARY}
    assert by_code["text_summary.scenario_titled"] == "情景 'baseline': 全国分省规划, 2026-2030"
    assert "基层 20,269 台, 二级医院 8,385 台" in by_code["text_summary.units_row"]
    assert by_code["text_summary.where_region"] == "  广东省 (440000): 9,666 台, 154.01 亿元"
    assert "移动CT" in by_code["text_summary.density_row"]
    assert by_code["text_summary.equity_stage"].startswith("公平目标第一阶段: 最优, ")


# (the English the CLI printed before, the message that prints it now): planner.cli, the progress line
# (planner.reporting.progress), what export wrote (planner.io.export) and the studies' sentences
FRONTIER_TABLE = "frontier.csv, point_<i>/ with each plan"
CLI = [
    ("Solving (Ctrl-C stops and keeps the best plan so far) ...", msg("cli.solving")),
    ("Stopping: keeping the best plan so far (Ctrl-C again quits at once)", msg("cli.stopping")),
    ("Results written to results/tiny/ (plan.csv, regions.csv, summary.json, scenario.toml)",
     msg("cli.results_written", dest="results/tiny")),
    ("The verifier found violations: do not use this plan.", msg("cli.verifier_violations")),
    ("Existing units at end of 2025: CT 42,026, MOBILE_CT 0",
     msg("cli.check_stock", year=2025, units=[msg("cli.check_stock_units", mod="CT", n=42026.0),
                                             msg("cli.check_stock_units", mod="MOBILE_CT", n=0.0)])),
    ("0 seconds: give a time limit above 0, e.g. --time-limit 60", msg("cli.bad_time_limit", seconds=0.0)),
    ("1.5: give a gap from 0 up to (not including) 1, e.g. --gap 0.01 for 1 %", msg("cli.bad_gap", gap=1.5)),
    ("Warning: the pre-solve checks expect no feasible plan: the scenario has no regions: check regions.table and "
     "regions.include_parent", msg("cli.export_no_feasible_plan", text=msg("checks.no_regions"))),
    ("Note: the file holds the weighted-sum objective; `planner solve` first minimises the shortfall measure, then "
     "this.", msg("cli.export_equity_note", measure=msg("study.measure_shortfall"))),
    ("  plan 3 of 3: alternative 2, time_limit, gap 3.38%",
     msg("cli.study_plan", done=3, total=3, label=msg("cli.plan_alternative", n=2), status=msg("value.status.time_limit"), status_code="time_limit",
         gap=msg("cli.study_gap", gap=0.0338))),
    ("  plan 1 of 3: efficiency, optimal",
     msg("cli.study_plan", done=1, total=3, label=msg("cli.plan_efficiency"), status=msg("value.status.optimal"), status_code="optimal", gap="")),
    ("  plan 2 of 3: equity, optimal",
     msg("cli.study_plan", done=2, total=3, label=msg("cli.plan_equity"), status=msg("value.status.optimal"), status_code="optimal", gap="")),
    ("  plan 1 of 3: best, optimal", msg("cli.study_plan", done=1, total=3, label=msg("cli.plan_best"),
                                        status=msg("value.status.optimal"), status_code="optimal", gap="")),
    ("  plan 3 of 4: ε = 0.5, optimal", msg("cli.study_plan", done=3, total=4, label=msg("cli.plan_epsilon", eps="0.5"),
                                           status=msg("value.status.optimal"), status_code="optimal", gap="")),
    ("Frontier on the travel measure (minutes); weighted sum in 万元-equivalents:",
     msg("cli.frontier_heading", measure=msg("study.measure_travel"), unit=msg("study_words.unit_minutes"))),
    ("Frontier on the shortfall measure (units per million); weighted sum in 万元-equivalents:",
     msg("cli.frontier_heading", measure=msg("study.measure_shortfall"), unit=msg("study_words.unit_per_million"))),
    ("  equity: the scenario has no regions: check regions.table and regions.include_parent",
     msg("cli.frontier_why", point=msg("cli.plan_equity"), text=msg("checks.no_regions"))),
    (f"Written to results/x-frontier/ ({FRONTIER_TABLE})", msg("cli.frontier_written", dest="results/x-frontier")),
    ("2 alternative plan(s) within 5 % of the best:", msg("cli.alternatives_heading", n=2, within=5.0)),
    ("Largest differences from the best plan (new units):", msg("cli.alternatives_differences")),
    ("Only 3 of 5 found that move at least 0.5 % of units: allow more than 0.1 % (--within) for more different plans.",
     msg("cli.alternatives_only", found=3, k=5, within=0.1)),
    ("Written to results/x-alternatives/ (alternatives.csv, by_region.csv, best/ and alternative_<i>/)",
     msg("cli.alternatives_written", dest="results/x-alternatives")),
    ("p-median: optimal, objective 10,000,000.000, bound 10,000,000.000, gap 0.00 %, 2 existing + 1 new site(s): "
     "100003", msg("cli.locate_result", name="p-median", status=msg("value.status.optimal"), status_code="optimal", objective=1e7, bound=1e7, gap=0.0,
                   existing=2, new=1, sites="100003")),
    ("Written to results/l/ (assignment.csv, sites.csv, summary.json); costs in minutes, weights in residents",
     msg("cli.locate_written", dest="results/l")),
    ("3/10 cases, 1 failed, 12 s elapsed, 28 s left",
     msg("cli.batch_progress", done=3, total=10, failed=1, elapsed=12.2, eta=msg("cli.batch_seconds", s=28.4))),
    ("3/10 cases, 0 failed, 1 s elapsed, ? left",
     msg("cli.batch_progress", done=3, total=10, failed=0, elapsed=1.0, eta="?")),
    ("2 cases in out/results.csv and results.parquet (0 failed); per-case plans in out/cases/; manifest.json records "
     "versions and input hashes", msg("cli.batch_done", n=2, out="out", failed=0)),
    ("  failed 004217 (budget.total_wan_cny=100): 求解器出错",   # the error as results.csv keeps it
     msg("cli.batch_failed", case="004217", overrides="budget.total_wan_cny=100", error="求解器出错")),
    ("5 files written to out/report/:", msg("cli.report_written", n=5, dest="out/report")),
    ("Interrupted: nothing was written for the unfinished solve.", msg("cli.interrupted")),
    ("Internal error (KeyError: 'x'). This is a bug in planner, not in your inputs; the details are in "
     "/tmp/planner-error-1.log: please attach that file to a bug report.",
     msg("cli.internal_error", kind="KeyError", error=KeyError("x"), log="/tmp/planner-error-1.log")),
    ("  HiGHS    3.2 s: best plan 105.0, proven bound 100.0, gap 4.76%",
     msg("progress.line", seconds=3.25, plan=msg("progress.plan", incumbent=105.0),
         bound=msg("progress.bound", bound=100.0), gap=msg("progress.gap", gap=0.047619))),
    ("  HiGHS    0.5 s: no plan yet", msg("progress.line", seconds=0.5, plan=msg("progress.no_plan"), bound="", gap="")),
    ("10 rows, 12 columns (3 integer), 21 nonzeros written to /tmp/x.lp (LP, highs writer)",
     msg("exported.written", rows=10, columns=12, integer=3, nonzeros=21, path="/tmp/x.lp", format="LP",
         writer="highs")),
    ("10 rows, 12 columns (3 integer), 21 nonzeros written to /tmp/x.mps (MPS, pyomo writer); objective constant "
     "1,250 as the fixed column ONE_VAR_CONSTANT",
     msg("exported.written_constant", rows=10, columns=12, integer=3, nonzeros=21, path="/tmp/x.mps", format="MPS",
         writer="pyomo", offset=1250.0, where=msg("exported.constant_column"))),
    ("10 rows, 12 columns (3 integer), 21 nonzeros written to /tmp/x.lp (LP, highs writer); objective constant "
     "1,250 included",
     msg("exported.written_constant", rows=10, columns=12, integer=3, nonzeros=21, path="/tmp/x.lp", format="LP",
         writer="highs", offset=1250.0, where=msg("exported.constant_included"))),
    ("2 of 2 points have a plan; both ends reach the same travel measure (50.000 minutes): the most efficient plan is "
     "already as equal as any, so there is no trade-off to draw.",
     msg("study_words.conclusion_no_trade_off", k=2, n=2, measure=msg("study.measure_travel"),
         unit=msg("study_words.unit_minutes"), level=50.0)),
    ("4 of 4 points have a plan: from the most efficient end to the most equal one the shortfall measure goes from "
     "2.500 to 0.500 units per million and the weighted sum from 1,000 to 1,250.",
     msg("study_words.conclusion_trade_off", k=4, n=4, measure=msg("study.measure_shortfall"),
         unit=msg("study_words.unit_per_million"), first=2.5, last=0.5, objective_first=1000.0, objective_last=1250.0)),
    ("1 of 4 points have a plan: without a plan at both ends the trade-off cannot be judged.",
     msg("study_words.conclusion_ends_missing", k=1, n=4)),
    ("alternative 1: 甲 (100001) CT -3, 丙 (100003) MOBILE_CT +3",
     msg("study_words.difference", n=1, moves=[
         msg("study_words.difference_move", region="甲", region_code="100001", mod="CT", change=-3.0),
         msg("study_words.difference_move", region="丙", region_code="100003", mod="MOBILE_CT", change=3.0)])),
    ("alternative 2: the same units as the best plan", msg("study_words.difference_none", n=2)),
    ("no plan found within the time limit, tried 3 time(s) (10 s then 20 s then 40 s), each started from the plan "
     "solved before it",
     msg("study_words.why_no_solution", n=3, tries=msg("study_words.then", first=msg("study_words.seconds", s=10.0),
         rest=msg("study_words.then", first=msg("study_words.seconds", s=20.0),
                  rest=msg("study_words.seconds", s=40.0))))),
    ("no plan meets every rule within this bound ε", msg("study_words.why_infeasible")),
    ("not solved: the most efficient end has no plan, so the bounds ε between the ends are unknown",
     msg("study_words.why_not_solved", end=msg("study_words.end_efficient"))),
    ("not solved: the most equal end has no plan, so the bounds ε between the ends are unknown",
     msg("study_words.why_not_solved", end=msg("study_words.end_equal"))),
]
# Latin letters a Chinese reader sees as they are in the CLI: the key (Ctrl-C), the model file's format and
# writer as --writer names them, a location model as --model names it, the program's name and, in an internal
# error, Python's name for the exception.
CLI_NAMES = re.compile(r"Ctrl-C|\b(?:LP|MPS|highs|pyomo|p-median|planner|[A-Z]\w*Error)\b")


def check_cli(english: str, chinese: str) -> str:
    return check(CLI_NAMES.sub(" ", english), CLI_NAMES.sub(" ", chinese))


@pytest.mark.parametrize("english, message", CLI, ids=[e[:60] for e, _ in CLI])
def test_each_cli_line_reads_as_before_in_english_and_in_chinese(english, message):
    assert str(message) == english
    check_cli(english, message.render("zh"))


def test_the_progress_line_and_export_line_say_themselves_in_chinese():
    from planner.io.export import Exported
    from planner.reporting.progress import progress_line
    from planner.solver import Progress

    assert progress_line(Progress(3.25, 105.0, 100.0), "zh") == \
        "  HiGHS    3.2 秒: 最佳方案 105.0, 已证明的界 100.0, 间隙 4.76%"
    assert progress_line(Progress(3.25, 105.0, 100.0)) == "  HiGHS    3.2 s: best plan 105.0, proven bound 100.0, gap 4.76%"
    done = Exported(Path("/tmp/x.lp"), "lp", "highs", {"rows": 10, "columns": 12, "integer_columns": 3,
                                                       "nonzeros": 21}, 0.0)
    assert done.line() == "10 rows, 12 columns (3 integer), 21 nonzeros written to /tmp/x.lp (LP, highs writer)"
    assert done.line("zh") == "已写入 /tmp/x.lp (LP, highs 写出器): 10 行, 12 列 (其中整数列 3), 21 个非零元"


# ------------------------------------------------------------------------------------------ the real CLI
def _zh(args: list[str], env: dict | None = None) -> str:
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 0, res.output
    return res.output


def english_in(output: str, *kept: str) -> list[str]:
    """The English words of the CLI's output (stdout and stderr: CliRunner mixes them), outside the words
    test_chinese_messages allows, the CLI's names and ``kept`` (a planner's own tier code, as labels say it)."""
    for k in kept:
        output = output.replace(k, " ")
    return english_left(CLI_NAMES.sub(" ", output))


def test_planner_lang_zh_solve_prints_chinese_throughout(tmp_path):
    out = _zh(["--lang", "zh", "solve", "models/baseline.toml", "--out", str(tmp_path / "b")])
    assert english_in(out) == [], out
    for said in ("求解中", "情景 'baseline': 全国分省规划, 2026-2030", "求解: 最优", "核验: 全部检查通过", "支出: ",
                 "新购设备 (按设备类型和层级):", "基层", "资金去向 (前 8 个地区):", "台/百万人 (目标 40; ",
                 "需求: 规划期内共 ", "基层需求 ", "地区间公平性", "基尼系数", "预算的价值: ", "结果已写入 ",
                 "  HiGHS "):
        assert said in out, (said, out)
    assert not re.search(r"广东省 Guangdong", out)   # the English region name is the English summary's


def test_the_chinese_summary_says_travel_and_the_cli_speaks_chinese_from_lang(tmp_path):
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "PLANNER_LANG": ""}   # no --lang: the locale says zh
    out = _zh(["solve", "tests/data/access/access.toml", "--out", str(tmp_path / "a")], env)
    assert "到最近设备的出行时间 (上限 60 分钟; 超过 240 分钟按 240 分钟计):" in out and "平均 " in out, out
    assert english_in(out, "hospital") == [], out   # access.toml's own tier 'hospital' has no label: its code


def test_planner_lang_zh_check_prints_chinese_throughout():
    out = _zh(["--lang", "zh", "check", "models/baseline.toml"])
    assert english_in(out) == [], out
    assert "层级 基层、二级医院、三级医院, 设备类型 CT、MRI、DR、移动CT、移动DR" in out
    assert "移动CT 0 台" in out and out.rstrip().endswith("全部检查通过。")
    english = _zh(["--lang", "en", "check", "models/baseline.toml"])
    assert "tiers ['grassroots', 'secondary', 'tertiary'], modalities ['CT', 'MRI', 'DR', 'MOBILE_CT', 'MOBILE_DR']" \
        in english and "MOBILE_CT 0, MOBILE_DR 0\n" in english


def test_the_studies_print_chinese_with_lang_zh(tmp_path):
    out = _zh(["--lang", "zh", "frontier", "tests/data/access/access.toml", "--measure", "travel", "--points", "3",
               "--out", str(tmp_path / "f")])
    out += _zh(["--lang", "zh", "alternatives", "tests/data/tiny/tiny.toml", "-k", "2", "--out", str(tmp_path / "a")])
    assert english_in(out) == [], out
    for said in ("第 1 个方案 (共 3 个): 效率端, 最优", "出行度量的效率-公平前沿 (分钟)", "前沿上的方案 求解状态",
                 "两端的出行度量相同", "备选方案 1: 甲 (100001) CT ", "高于最佳目标值 (%)"):
        assert said in out, (said, out)


def test_export_says_the_pre_solve_problem_instead_of_failing(tmp_path):
    """checks.errors are messages: export's warning joined one to a str and raised TypeError (exit 1, nothing
    said); now it warns in --lang and writes the file."""
    args = ["export", "tests/data/tiny/tiny.toml", str(tmp_path / "z.lp"), "--set",
            "modalities.CT.target_per_million=100", "--set", "modalities.CT.target_hard=true"]
    english = _zh(args)
    assert "Warning: the pre-solve checks expect no feasible plan: hard targets and minimum-presence rules need" \
        in english and (tmp_path / "z.lp").exists()
    chinese = _zh(["--lang", "zh", *args])
    assert "警告: 求解前检查预计没有可行方案: 硬性目标" in chinese and english_in(chinese) == [], chinese
