"""Chinese text of the policy-paper report (``planner report --lang zh``).

Keyed by the English text the report package (reporting/report/) writes (gettext style), so the English
report reads as before and a string without an entry here stays English rather than failing;
tests/test_report_zh.py checks that every ``tr("...")`` in that package has an entry. Codes CT, MRI and DR stay codes: Chinese documents write them so.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # (modality and tier codes: the labels catalog, planner.messages.labels)
    # (solver statuses: the labels catalog's value.status, planner.messages.labels)
    "true": "是", "false": "否",
    # words of varied scenario keys (short_name): the key's parts once the unit suffix is gone
    "budget": "预算", "scenario": "情景", "committed": "已承诺支出", "price": "价格", "running_cost": "运行费用",
    "capacity": "产能", "service_life": "使用年限", "staff_per_unit": "每台人员", "exam_rate": "检查率",
    "demand_growth": "需求增长", "stock_growth": "存量增长", "target": "目标密度", "target_hard": "目标为硬约束",
    "shortfall": "缺口成本", "integer": "整数台数", "unmet_weight": "未满足权重", "unmet": "未满足需求",
    "referral": "转诊", "mobile_away": "移动设备异地", "density_shortfall": "密度缺口", "cost_weight": "成本权重",
    "discount_rate": "贴现率", "include_running_cost": "计入运行费用", "even_yearly_tranches": "按年度平均下达",
    "headroom": "人员余量", "max_travel": "最长出行时间", "detour_factor": "绕行系数", "speed": "车速",
    "time": "时间上限", "mip_rel": "MIP 相对间隙", "seed": "随机种子",
    # units of scenario keys
    "万元 / thousand exams": "万元 / 千人次", "万元 / unit-year": "万元 / 台·年", "万元 / year": "万元 / 年",
    "exams / unit / year": "人次 / 台 / 年", "per 1,000 / year": "每千人 / 年", "% / year": "% / 年",
    "per million": "台 / 百万人", "min": "分钟", "years": "年", "s": "秒",
    # table headers
    "case": "方案编号", "status": "求解状态", "error": "错误", "MIP gap (%)": "MIP 间隙 (%)", "spend": "支出",
    "unmet (thousand exams)": "未满足需求 (千人次)", "grassroots unmet (thousand exams)": "基层未满足需求 (千人次)",
    "{m} gap closed (%)": "{m} 密度缺口弥合 (%)", "largest shortfall (per million)": "最大缺口 (台 / 百万人)",
    "{m} Gini": "{m} 基尼系数", "{m} mean travel (min)": "{m} 平均出行时间 (分钟)",
    "{m} beyond limit (万 people)": "{m} 超出可及标准人口 (万人)",
    # summary.md
    "# Results: {}": "# 结果: {}", "Results folder `{}`": "结果文件夹 `{}`", "{} cases ({} failed)": "{} 个方案 ({} 个失败)",
    "planner {}, commit {}, HiGHS {}, Pyomo {}, Python {}; time limit {}, MIP gap tolerance {}; run {}":
        "planner {}, 提交 {}, HiGHS {}, Pyomo {}, Python {}; 时间上限 {}, MIP 间隙容差 {}; 运行于 {}",
    "{:g} s": "{:g} 秒", "from the scenario": "按情景设置", ". ": "。", ".": "。", "; ": "；",
    "Varied inputs: ": "变动的输入: ",
    "Units: 1 万元 = 10,000 CNY. Unmet demand is summed over all plan years, modalities and tiers. Gap closed = "
    "share of the per-million density gap (units missing against the target, over all regions) closed by the plan "
    "in the last plan year. MIP gap = (objective - bound) / objective as HiGHS returned them. Status `time_limit` "
    "means a plan was found but not proved within the gap tolerance.":
        "单位: 1 万元 = 10,000 元, 1 亿元 = 10,000 万元; 预算与支出以亿元计, 价格以万元计。未满足需求为全部规划年、设备类型与层级之和 (千人次)。"
        "密度缺口弥合 = 规划末年, 按每百万人口目标计算的设备缺口 (全部地区合计) 中被规划弥合的比例。"
        "MIP 间隙 = (目标值 - 下界) / 目标值, 取自 HiGHS。求解状态 “时间上限内的最佳方案” 表示已找到方案, 但未在间隙容差内证明最优。",
    "## Failed cases": "## 失败的方案", "no error recorded": "未记录错误", "## Figures": "## 图",
    "## Notes": "## 说明",
    # notes
    "every case failed: no figures or maps": "全部方案失败: 无图无地图",
    "budget_vs_gap_closed not drawn: no modality has a per-million target":
        "未绘制 budget_vs_gap_closed: 没有设备类型设每百万人口目标",
    "maps_{} not drawn (see the notes above)": "未绘制 maps_{} (见以上说明)",
    "map of case {} skipped: {} is missing": "方案 {} 的地图未绘制: 缺少 {}",
    "case {} is not in {}, so its scenario is unknown": "方案 {} 不在 {} 中, 情景未知",
    "could not load the scenario {}: {}": "无法读取情景 {}: {}",
    "the scenario {} has no [regions] boundaries": "情景 {} 没有 [regions] boundaries (边界文件)",
    "the boundaries file {} named by {} does not exist": "情景 {1} 指定的边界文件 {0} 不存在",
    "{} of {} regions have no shape in {} and are not drawn ({})": "{1} 个地区中有 {0} 个在 {2} 中没有边界, 未绘制 ({3})",
    "case {}": "方案 {}", "cases {}": "方案 {}", "maps_{}: {} not mapped: {}": "maps_{}: {} 未绘制: {}",
    "maps_{}: no region has a {} density to draw": "maps_{}: 没有地区有可绘制的 {} 密度",
    # figures
    "all tiers": "全部层级", "all regions": "全部地区",
    "unmet demand (thousand exams, all plan years)": "未满足需求 (千人次, 全部规划年)",
    "Unmet imaging demand against the budget": "预算与未满足的影像检查需求",
    "not proved optimal (time limit)": "未证明最优 (达到时间上限)",
    "density gap closed in the last plan year (%)": "规划末年密度缺口弥合比例 (%)",
    "Share of the per-million density gap closed, by modality": "每百万人口设备密度缺口的弥合比例 (按设备类型)",
    "Gini of units per million across regions": "各地区每百万人口台数的基尼系数",
    "largest shortfall against target (units per million)": "相对目标的最大缺口 (台 / 百万人)",
    "Equity of the plan against the budget (last plan year)": "预算与规划的公平性 (规划末年)",
    "Unmet imaging demand per case": "各方案未满足的影像检查需求",
    "gap {} %": "间隙 {} %",
    "{} units per million residents after the plan, {}": "规划后每百万常住人口 {} 台数, {} 年",
    "  (hatched grey: no data)": "  (灰色斜线: 无数据)",
    "plain grey: Taiwan, Hong Kong and Macao, not in the plan's data": "灰色: 台湾、香港、澳门, 不在本规划的数据中",
    "South China\nSea Islands": "南海诸岛", "target {:g}": "目标 {:g}",
    "{} density after the plan, {}": "规划后 {} 密度, {} 年",
}
