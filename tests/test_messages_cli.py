"""The CLI's printed summary and its own lines are message codes (issue 26, item 2): `planner --lang zh solve`
and `planner --lang zh check` print Chinese throughout, while each code's English reads exactly as the text the
CLI printed before (tests/test_cli.py and others compare it). The Chinese is held to tests/test_chinese_messages.py's
check: no English word left, no number dropped."""

from __future__ import annotations

import pytest

from planner.messages import msg
from planner.reporting.summary import _gap_words
from tests.test_chinese_messages import check

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
    ("Verifier: 2 VIOLATIONS: budget 2026: 310 > 300; capacity",
     msg("text_summary.verifier_violations", n=2, violations="budget 2026: 310 > 300; capacity")),
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
    if message.code == "text_summary.verifier_violations":   # the verifier's violations are English (verify)
        assert message.render("zh").startswith("核验: 发现 2 处违规: ")
        return
    check(english, message.render("zh"))


def test_the_chinese_summary_says_tiers_modalities_and_the_chinese_title_and_region_name():
    by_code = {(m.params["line"] if m.code == INDENT else m).code: m.render("zh") for _, m in SUMMARY}
    assert by_code["text_summary.scenario_titled"] == "情景 'baseline': 全国分省规划, 2026-2030"
    assert "基层 20,269 台, 二级医院 8,385 台" in by_code["text_summary.units_row"]
    assert by_code["text_summary.where_region"] == "  广东省 (440000): 9,666 台, 154.01 亿元"
    assert "移动CT" in by_code["text_summary.density_row"]
    assert by_code["text_summary.equity_stage"].startswith("公平目标第一阶段: 最优, ")
