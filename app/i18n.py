"""Interface strings in Chinese and English. Region names are always shown in both."""

from __future__ import annotations

import re

import streamlit as st

from planner.messages import labels
from planner_app.editor_fields import FIELD_LABELS

# Tiers, modalities and table columns are labelled by the library's labels catalog (planner.messages.labels).

STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, 中文)
    "title": ("Imaging-equipment capacity planner", "医学影像设备配置规划"),
    "language": ("Language / 语言", "语言 / Language"),
    "page": ("Page", "页面"),
    "page_plan": ("Plan", "规划"),
    "page_compare": ("Compare runs", "方案比较"),
    "page_sweep": ("Budget sweep", "预算扫描"),
    "page_runs": ("Saved runs", "已保存方案"),
    "scenario": ("Scenario", "情景"),
    "choose_scenario": ("Scenario file (models/)", "情景文件 (models/)"),
    "upload_scenario": ("…or upload a scenario TOML with its tables (CSV/Excel)", "…或上传情景 TOML 及其数据表 (CSV/Excel)"),
    "upload_table": ("Replace a table with your own file (CSV in UTF-8 or GBK, or Excel)", "用自己的文件替换数据表 (UTF-8/GBK 编码 CSV 或 Excel)"),
    "which_table": ("Table to replace", "要替换的表"),
    "upload_how": ("Drag the files onto the box below, or press the box's button to choose them; at most {mb:,.0f} MB "
                   "a file.",
                   "将文件拖入下方的框中, 或点击框内的按钮选择文件; 每个文件不超过 {mb:,.0f} MB。"),
    "upload_button": ("Upload", "选择文件"),
    "upload_limit": ("at most {mb:,.0f} MB a file", "每个文件不超过 {mb:,.0f} MB"),
    "inputs": ("Inputs", "输入"),
    "budget": ("Budget", "预算"),
    "use_yearly": ("Cap spending per year", "按年度限制支出"),
    "gap_closed": ("{m}: base year {base:.1f} per million, target {target:g}, after the plan {after:.1f}: "
                   "{share:.0%} of the gap closed",
                   "{m}: 基准年 每百万人 {base:.1f} 台, 目标 {target:g}, 规划后 {after:.1f}: 缺口弥合 {share:.0%}"),
    "gap_lost": ("{m}: base year {base:.1f} per million, target {target:g}, after the plan {after:.1f}: below the "
                 "base year, the plan does not replace every retiring unit",
                 "{m}: 基准年 每百万人 {base:.1f} 台, 目标 {target:g}, 规划后 {after:.1f}: 低于基准年, 规划未更新全部到期设备"),
    "gap_met": ("{m}: the base-year stock ({base:.1f} per million) already meets the target {target:g}; the plan "
                "replaces retiring units",
                "{m}: 基准年存量 (每百万人 {base:.1f} 台) 已达到目标 {target:g}; 规划仅更新到期设备"),
    "even_tranches_help": ("Each plan year may spend at most its share; money a year leaves unspent is not carried "
                           "over. A new total moves the tranches with it.",
                           "每个规划年度至多支出其份额；当年未用完的资金不结转。修改总额时各年份额随之变化。"),
    "regions_table": ("Regions", "地区"),
    "stock_table": ("Existing units", "现有设备"),
    "facilities_table": ("Facilities by tier", "各层级机构数"),
    "modalities": ("Modalities (prices, capacity, staffing, life, demand, targets)", "设备类型 (价格、产能、人员、寿命、需求、目标)"),
    "tiers": ("Tiers", "层级"),
    "eligibility": ("Eligibility: most units per facility (0 = not allowed)", "配置资格: 每机构最多台数 (0 = 不允许)"),
    "referral": ("Where demand presents (share by tier, rows sum to 1)", "需求首诊层级 (各行合计为 1)"),
    "weights": ("Objective weights (万元-equivalents)", "目标权重 (万元当量)"),
    "solver": ("Solver", "求解器"),
    "solve": ("Solve", "求解"),
    "solving": ("Solving with HiGHS…", "HiGHS 求解中…"),
    "col_run": ("run", "编号"), "col_name": ("name", "名称"), "col_scenario": ("scenario", "情景"),
    "col_created": ("saved", "保存时间"),  # col_status and col_gap: see the frontier table keys below
    "col_spend_yi": ("spend (亿元)", "支出 (亿元)"),
    "objective_numbers": ("Objective {obj:,.1f}, proven bound {bound} (万元-equivalent: unmet exams, shortfall "
                          "against targets and money, each valued in 万元)",
                          "目标值 {obj:,.1f}, 已证明下界 {bound} (万元当量: 未满足检查、目标缺口与资金, 均以万元计价)"),
    "marginal_all": ("All {n} marginal values", "全部 {n} 项边际价值"),
    "classes": ("Colour classes", "分色方式"),
    "classes_near_equal": ("all regions within 1 % of each other, so one colour", "各地区数值相差不到 1%, 故用同一种颜色"),
    "classes_zero": ("0 is a class of its own; the others: {how}", "0 单独一类; 其余: {how}"),
    "scheme_quantile": ("quantiles (equal numbers of regions)", "分位数 (各类地区数相等)"),
    "scheme_equal": ("equal intervals (fixed breaks)", "等间距 (固定分界)"),
    "no_data": ("no data", "无数据"),
    "uploaded_option": ("{name} (uploaded)", "{name} (已上传)"),
    "active": ("Active scenario: {name} ({origin}) — ", "当前情景: {name} ({origin}) — "),
    "role_table": ("regions", "地区表"),
    "role_stock": ("existing units", "现有设备表"),
    "role_facilities": ("facilities", "机构表"),
    "role_staff": ("staff", "人员表"),
    "role_travel": ("travel times", "出行时间表"),
    "role_quotas": ("configuration quotas", "配置限额表"),
    "role_boundaries": ("boundaries", "边界"),
    "role_none": ("— not used —", "— 不使用 —"),
    "how_uploaded": ("uploaded", "已上传"),
    "how_shipped": ("shipped with the planner", "随软件提供"),
    "how_assigned": ("uploaded, assigned by you", "已上传, 由您指定"),
    "how_edited": ("edited here", "在此编辑"),
    "how_file": ("file", "文件"),
    "upload_unused": ("Not used: {files}. No table of the scenario has this name, so the planner is not reading "
                      "it. Give it a role below, or rename it to the name the scenario file gives.",
                      "未使用: {files}。情景文件中没有同名的表, 因此不会读取。请在下方为其指定用途, 或按情景文件中的名称重命名。"),
    "assign_role": ("Use {name} as", "将 {name} 用作"),
    "assign_load": ("Load again with these files", "按所选文件重新载入"),
    "quick_plan_note": ("First plan, made at once from the previous plan for the new budget and checked by the "
                        "verifier. HiGHS is improving it; the final plan replaces it here when the solve ends.",
                        "即时方案: 由上一方案按新预算立即得出, 已经独立校验。HiGHS 正在改进它; 求解结束后, 最终方案将在此处取代它。"),
    # the one plan on the Plan page, named by what it is and the budget it is for (issue 25, item 4)
    "plan_quick": ("Quick plan for a budget of {b}", "即时方案: 预算 {b}"),
    "plan_improving": ("Improving: HiGHS has a better plan for a budget of {b} than this quick plan; the final "
                       "plan replaces it here when the solve ends",
                       "正在改进: 对预算 {b}, HiGHS 已找到比此即时方案更好的方案; 求解结束后, 最终方案将在此处取代它"),
    # a budget what-if while HiGHS improves on its quick plan: what is on screen, what HiGHS has, one bound
    # and one gap (the shown plan's, against the higher of the two proven bounds) (issue 25, item 5)
    "whatif_shown": ("Shown: the quick plan for {b} (objective {obj:,.0f}).",
                     "所示: 预算 {b}的即时方案 (目标值 {obj:,.0f})。"),
    "whatif_highs_start": ("HiGHS is starting ({s:.0f} s).", "HiGHS 正在启动 ({s:.0f} 秒)。"),
    "whatif_highs_none": ("HiGHS {s:.0f} s: no plan of its own yet.", "HiGHS {s:.0f} 秒: 尚无自己的方案。"),
    "whatif_highs_better": ("HiGHS has found a plan worth {inc:,.0f}, {better:.1%} better; it replaces this one "
                            "when the solve ends, or press Stop to keep it now.",
                            "HiGHS 已找到目标值 {inc:,.0f} 的方案, 好 {better:.1%}; 求解结束时它将取代此方案, "
                            "或点击“停止并保留目前最佳方案”立即保留它。"),
    "whatif_highs_same": ("HiGHS {s:.0f} s: no plan better than this one by more than the requested gap ({tol:.2%}) "
                          "yet.", "HiGHS {s:.0f} 秒: 尚未找到比此方案好超过所要求间隙 ({tol:.2%}) 的方案。"),
    "whatif_bound": ("Proven bound {bound}: the plan shown is at most {gap} worse than the best possible (gap, as a "
                     "share of its objective).",
                     "已证明下界 {bound}: 所示方案比最优至多差 {gap} (间隙, 以其目标值计)。"),
    "status_gap": ("{status} (gap {gap})", "{status} (间隙 {gap})"),   # a stored run's status without its message
    "gap_unknown": ("unknown (no proven bound yet)", "未知 (尚无已证明的下界)"),
    "plan_quick_status": ("Solver status: quick plan, made at once from the previous plan, not yet optimised for the "
                          "new budget; HiGHS is improving it", "求解状态: 即时方案, 由上一方案立即得出, 尚未针对新预算优化; "
                          "HiGHS 正在改进"),
    "quick_objective": ("Objective {obj:,.1f} (万元-equivalent). Its proven bound and gap: in the solve's progress "
                        "above, updated as HiGHS works.",
                        "目标值 {obj:,.1f} (万元当量)。其已证明下界与间隙: 见上方求解进度, 随 HiGHS 求解更新。"),
    "plan_final": ("Final plan for a budget of {b}", "最终方案: 预算 {b}"),
    "solve_done": ("HiGHS has finished: the plan and its status are below", "HiGHS 已结束: 方案及其状态见下方"),
    "stop_solve": ("Stop and keep the best plan so far", "停止并保留目前最佳方案"),
    "progress_start": ("{s:.0f} s: building the model and a first plan", "{s:.0f} 秒: 正在建立模型和初始方案"),
    "progress_none": ("HiGHS {s:.0f} s: no plan yet", "HiGHS {s:.0f} 秒: 尚无方案"),
    "progress_plan": ("HiGHS {s:.0f} s: best plan {obj:,.0f}, proven bound {bound}, gap {gap} of the objective "
                      "(万元-equivalent; the final status also says it as a share of what purchases can change)",
                      "HiGHS {s:.0f} 秒: 最佳方案 {obj:,.0f}, 已证明下界 {bound}, 间隙 {gap}, 以目标值计 "
                      "(万元当量; 求解结束时的状态还会给出它占采购所能改变部分的比例)"),
    "fix_inputs": ("Fix these inputs before solving:", "求解前请修正以下输入:"),
    "no_result": ("No plan yet: set the inputs and press Solve.", "尚无方案: 设置输入后点击求解。"),
    "status": ("Solver status", "求解状态"),
    "verifier_ok": ("Independent check passed: budget, capacity, demand balance, density, eligibility, staffing.",
                    "独立校验通过: 预算、产能、需求平衡、密度、配置资格、人员。"),
    "verifier_bad": ("Independent check FOUND VIOLATIONS: do not use this plan.", "独立校验发现违规: 请勿使用此方案。"),
    "spend": ("Spend", "支出"),
    "units_bought": ("Units bought", "新购设备"),
    "unmet": ("Unmet demand", "未满足需求"),
    "map": ("Map", "地图"),
    "layer": ("Layer", "图层"),
    "modality": ("Modality", "设备类型"),
    "year": ("Year", "年份"),
    "layer_density_after": ("Units per million after", "规划后每百万人口台数"),
    "layer_density_before": ("Units per million before (no purchases)", "规划前每百万人口台数 (不购置)"),
    "layer_gap_after": ("Gap to target after (per million)", "规划后距目标差距 (每百万)"),
    "layer_new_units": ("New units bought (cumulative)", "新购台数 (累计)"),
    "layer_unmet": ("Unmet demand (thousand exams)", "未满足需求 (千人次)"),
    "layer_unmet_share": ("Unmet demand as a share of demand (%)", "未满足需求占需求的比例 (%)"),
    "mobile_layer": ("Mobile units: base (dot) and regions served (lines)", "移动设备: 驻地 (点) 与服务地区 (线)"),
    "tables": ("Tables", "表格"),
    "plan_table": ("Plan: units bought", "方案: 购置设备"),
    "regions_summary": ("Regions: units, density, demand", "地区: 设备、密度、需求"),
    "download_csv": ("Download CSV", "下载 CSV"),
    "download_xlsx": ("Download Excel", "下载 Excel"),
    "download_csv_machine": ("Download CSV with the machine column names and codes (for other tools)",
                             "下载 CSV (英文列名与代码, 供其他软件读取)"),
    "download_geojson": ("Download map layer (GeoJSON)", "下载地图图层 (GeoJSON)"),
    "download_scenario": ("Save inputs as scenario (zip: TOML + tables)", "保存输入为情景 (zip: TOML + 数据表)"),
    "charts": ("Charts", "图表"),
    "spend_axis": ("Capital spend (亿元)", "资本支出 (亿元)"),
    "spend_by_year": ("Spend by year", "年度支出"),
    "units_by_mod_tier": ("Units bought by modality and tier", "按设备类型与层级的新购台数"),
    "density_chart": ("Units per million: before, after, target (last plan year)", "每百万人口台数: 规划前、规划后、目标 (末年)"),
    "marginal": ("What more would buy: marginal values", "边际价值"),
    "sweep_run_name": ("sweep", "预算扫描"),
    "sweep_saved": ("{n} sweep points saved as runs #{first}–#{last} (Saved runs, Compare runs)",
                    "{n} 个扫描点已保存为方案 #{first}–#{last} (见 已保存方案、方案比较)"),
    "region_name_column": ("region", "地区"),
    "study_progress": ("plan {i} of {n} done: {label}, {status}, spend {spend}",
                       "已完成第 {i} / {n} 个方案: {label}, {status}, 支出 {spend}"),
    "run_saved": ("Saved as run", "已保存为方案"),
    "compare_a": ("Run A", "方案 A"),
    "compare_b": ("Run B", "方案 B"),
    "compare_need_two": ("Save at least two runs (solve twice) to compare them.", "请至少保存两个方案后再比较。"),
    "cmp_regions_n": ("{n} regions", "{n} 个地区"),
    "cmp_other_regions": ("Runs #{a} and #{b} cannot be compared: they plan different regions (run A {na} regions, "
                          "run B {nb}, {common} of them in both). A difference region by region would count each "
                          "region a run leaves out as 0 in that run, so none is shown. Choose two runs of the same "
                          "regions (the lists above give each run's number of regions).",
                          "方案 #{a} 与 #{b} 无法比较: 二者规划的地区不同 (方案 A {na} 个地区, 方案 B {nb} 个, "
                          "其中 {common} 个两者都有)。逐地区的差异会把某方案未包含的地区在该方案中记为 0, "
                          "因此不予显示。请选择地区相同的两个方案 (上方列表注明了每个方案的地区数)。"),
    "cmp_no_pair": ("No two saved runs plan the same regions yet: solve the same scenario again (with another "
                    "budget, say) to have a pair to compare.",
                    "已保存的方案中尚无两个规划相同地区的方案: 请再次求解同一情景 (例如换一个预算), 以得到可比较的一对方案。"),
    "difference": ("Difference B − A", "差异 B − A"),
    "cmp_units": ("Units in service", "在用设备台数"),
    "cmp_density": ("Units per million", "每百万人口台数"),
    "cmp_unmet": ("Unmet demand (thousand exams)", "未满足需求 (千人次)"),
    "sweep_from": ("Lowest budget (万元)", "最低预算 (万元)"),
    "sweep_to": ("Highest budget (万元)", "最高预算 (万元)"),
    "sweep_points": ("Points", "点数"),
    "sweep_intro": ("Each budget from the lowest to the highest is solved on the same model, the Plan page's inputs "
                    "held (the range starts at 0.25 and 1.5 times its budget, {b}). Every point with a plan is saved "
                    "as a run, to open and compare later.",
                    "从最低到最高的每个预算都在同一模型上求解, 规划页的其他输入不变 (范围默认为其预算 {b} 的 0.25 倍"
                    "至 1.5 倍)。每个有方案的点都保存为一个方案, 以便之后打开和比较。"),
    "sweep_none": ("No sweep yet: set the range and press “Run sweep”.", "尚无扫描结果: 设置范围后点击“运行扫描”。"),
    "sweep_run": ("Run sweep", "运行扫描"),
    "sweep_pick": ("Show the plan at budget", "查看该预算下的方案"),
    "sweep_gap_note": ("Share of the gap to the target in the last plan year that the purchases close, against "
                       "buying nothing (retiring units counted). 0 % = no unit of that modality bought at that "
                       "budget: the money goes to the others first.",
                       "末年与目标的差距中由购置弥合的比例, 以不购置为基准 (计入到期退役的设备)。0% = 该预算下未购置"
                       "该类设备: 资金先用于其他设备。"),
    "sweep_unmet": ("Budget vs unmet demand", "预算与未满足需求"),
    "sweep_gap": ("Budget vs share of density gap closed", "预算与密度差距缩小比例"),
    "runs_none": ("No saved runs yet.", "尚无已保存方案。"),
    "rename": ("Rename", "重命名"),
    "delete": ("Delete", "删除"),
    "delete_confirm": ("Delete saved run #{id} \"{name}\"? Its plan and inputs cannot be recovered.",
                       "删除已保存方案 #{id} \"{name}\"? 其方案和输入将无法恢复。"),
    "delete_yes": ("Yes, delete it", "确认删除"),
    "delete_no": ("Keep it", "保留"),
    "export": ("Export (zip of plan.csv, regions.csv, summary.json, scenario.toml)", "导出 (zip)"),
    "new_name": ("New name", "新名称"),
    "run": ("Run", "方案"),
    "open_run": ("Show this run", "查看此方案"),
    # --- the scenario's other inputs (scenario_editors.py): expanders, then each field by its path ("fld.")
    "years_inputs": ("Plan years", "规划年份"),
    "constraints_inputs": ("Rules in force (switch a family of constraints off)", "生效的约束 (可关闭某类约束)"),
    "staffing_inputs": ("Staffing", "人员配置"),
    "supply_inputs": ("Domestic supply (国产)", "国产设备"),
    "mobile_inputs": ("Mobile units: reach and travel", "移动设备: 服务范围与出行"),
    "catchment_inputs": ("Tertiary catchment", "三级医院服务范围"),
    "min_units_inputs": ("Presence rules: a minimum of units per facility", "最低配置规则: 每机构最少台数"),
    "min_units_help": ("One row a rule: from the year given, every facility of the tier holds at least this many "
                       "units of the modality. Add a row at the bottom; delete one by selecting it.",
                       "每行一条规则: 自所给年份起, 该层级每个机构至少配置该类设备的台数。在底部添加行; 选中一行可删除。"),
    "other_inputs": ("More settings (modality details, discounting, solver details, descriptions)",
                     "更多设置 (设备类型细节、贴现、求解器细节、说明)"),
    "modality_more": ("Modalities: names, mobile units and what they serve, exam-rate year, whole units, source",
                      "设备类型: 名称、移动设备及其服务的检查类型、检查率年份、整台购置、来源"),
    "staff_table": ("Imaging staff available", "可用影像人员"),
    "table_cell": ("{table}, row {n}: {field}", "{table} 第 {n} 行: {field}"),
    "travel_table": ("Travel times between regions", "地区间出行时间"),
    "quotas_table": ("Configuration quotas (配置许可)", "配置许可限额"),
    "quotas_table_empty": ("No quota: every row you add caps the new units of a modality (at a tier, or all "
                           "tiers) over the plan in a region, or in every region under a prefecture or province "
                           "code. Since 2023 CT and MRI need no configuration licence; a quota here is your "
                           "province's own plan or a what-if.",
                           "暂无限额: 每添加一行, 即限制某地区 (或某地市、省代码下所有地区) 在规划期内某设备类型 "
                           "(某层级或全部层级) 的新增台数。自 2023 年起 CT 和 MRI 已不需配置许可; 此处限额为本省"
                           "自定规划或假设情景。"),
    "opt.region": ("only the region's own top-tier units", "仅本地区最高层级设备"),
    "opt.parent": ("also those of regions with the same parent (at the referral weight)",
                   "同一上级地区内各地区的最高层级设备 (按转诊权重计)"),
    "opt.full_price": ("full price in the year bought", "购置当年计全价"),
    "opt.annualised": ("annualised over the service life", "按使用年限年金化"),
    # --- access and equity (equity_view.py, equity_pages.py)
    "page_frontier": ("Equity frontier", "效率—公平前沿"),
    "page_alternatives": ("Alternative plans", "备选方案"),
    "access_inputs": ("Access: travel to the nearest unit", "可及性: 到最近设备的出行时间"),
    "access_help": ("Travel times come from the travel table, or from the distance between region centres at "
                    "the mobile-unit road speed. Choose no exam type to leave access off.",
                    "出行时间取自出行时间表, 或按地区中心间距离与移动设备车速估算。不选检查类型即不计算可及性。"),
    "equity_inputs": ("Equity: what the plan puts first", "公平性: 方案优先目标"),
    "eq_obj_efficiency": ("Efficiency: the weighted sum of costs and unmet demand",
                          "效率: 成本与未满足需求的加权和"),
    "eq_obj_shortfall": ("Equity on shortfall: first lower the largest shortfall against the per-million target",
                         "公平 (差距): 先使各地区距每百万目标的最大差距最小"),
    "eq_obj_travel": ("Equity on travel: first lower the longest travel to the nearest unit (needs access)",
                      "公平 (出行): 先使到最近设备的最长出行时间最小 (需开启可及性)"),
    "ae_title": ("Access and equity", "可及性与公平性"),
    "access_off": ("Travel to the nearest unit was not measured: access is off. Turn it on under Inputs → "
                   "“Access: travel to the nearest unit” by choosing exam types, or in the scenario file set "
                   "[access] exam_types = [\"CT\"] (and limit_minutes, default 60).",
                   "未计算到最近设备的出行时间: 可及性未开启。请在 输入 → “可及性” 中选择检查类型, 或在情景文件中设置 "
                   "[access] exam_types = [\"CT\"] (以及 limit_minutes, 默认 60)。"),
    "exam_type": ("Exam type", "检查类型"),
    "when": ("When", "时点"),
    "before": ("Before the plan", "规划前"),
    "after": ("After the plan (last plan year)", "规划后 (末年)"),
    "travel_map": ("Travel to the nearest unit", "到最近设备的出行时间"),
    "minutes": ("minutes", "分钟"),
    "units_per_million": ("units per million", "台/百万人"),
    "units": ("units", "台"),
    "people_beyond": ("Beyond {limit:,.0f} minutes ({unit})", "超过 {limit:,.0f} 分钟 ({unit})"),
    "people_beyond_help": ("Residents living further than the limit of {limit:,.0f} minutes from the nearest unit; "
                           "regions beyond it: {rb} → {ra}.",
                           "居住地到最近设备超过可及标准 {limit:,.0f} 分钟的人口; 超出的地区数: {rb} → {ra}。"),
    "people_unit": ("million people", "万人"),
    "before_after": ("Before the plan → after it (last plan year)", "规划前 → 规划后 (末年)"),
    "mean_travel": ("Average travel (population-weighted)", "平均出行时间 (人口加权)"),
    "longest_travel": ("Longest travel", "最长出行时间"),
    "limit_legend": ("red outline = beyond the limit of {limit:,.0f} minutes; grey = no {k} unit anywhere",
                     "红色边框 = 超过 {limit:,.0f} 分钟的可及标准; 灰色 = 全部地区均无 {k} 设备"),
    "no_unit_anywhere": ("no unit anywhere", "全部地区均无设备"),
    "furthest": ("Regions furthest from a unit", "距设备最远的地区"),
    "furthest_note": ("Empty travel = no unit of this exam type anywhere. 0 minutes = a unit in the region, or "
                      "a mobile unit visits it.", "出行时间为空 = 全部地区均无此类设备; 0 分钟 = 本地区有设备或有移动设备巡回。"),
    "col_region": ("Region", "地区"),
    "col_code": ("Code", "代码"),
    "col_population_m": ("Population (million)", "人口 (百万)"),
    "col_travel_before": ("Travel before (minutes)", "规划前出行时间 (分钟)"),
    "col_travel_after": ("Travel after (minutes)", "规划后出行时间 (分钟)"),
    "col_within_after": ("Within the limit after", "规划后在可及标准内"),
    "col_mobile_visit": ("A mobile unit visits", "有移动设备巡回"),
    "equity_table": ("Equity of units per million across regions", "各地区每百万人口台数的公平性"),
    "equity_note": ("Gini and Theil indices of units per million residents across regions, each region weighted "
                    "by its population: 0 = every region has the same density; higher = less equal.",
                    "各地区每百万人口台数的基尼系数与泰尔指数 (按人口加权): 0 = 各地区密度相同; 越大越不均衡。"),
    "col_modality": ("Modality", "设备类型"),
    "col_gini_before": ("Gini before", "规划前基尼系数"),
    "col_gini_after": ("Gini after", "规划后基尼系数"),
    "col_theil_before": ("Theil before", "规划前泰尔指数"),
    "col_theil_after": ("Theil after", "规划后泰尔指数"),
    "col_min_after": ("Lowest density after (units per million)", "规划后最低密度 (台/百万人)"),
    "col_target": ("Target (units per million)", "目标 (台/百万人)"),
    "col_short_before": ("Largest shortfall before (units per million)", "规划前最大差距 (台/百万人)"),
    "col_short_after": ("Largest shortfall after (units per million)", "规划后最大差距 (台/百万人)"),
    "largest_shortfall": ("Largest shortfall", "最大差距"),
    "wan_eq": ("万元-equivalents", "万元当量"),
    "gini_of": ("Gini of {m}", "{m} 基尼系数"),
    "fr_intro": ("Each point is a plan: from the most efficient (lowest weighted-sum objective) to the most "
                 "equal (smallest largest shortfall, or shortest longest travel). Between them, each plan is the "
                 "most efficient one that keeps every region within the bound ε.",
                 "每个点是一个方案: 从最有效率 (加权目标最小) 到最公平 (最大差距或最长出行时间最小)。中间各点是在各地区"
                 "不超过界限 ε 的前提下最有效率的方案。"),
    "fr_measure": ("Equity measure", "公平性指标"),
    "fr_shortfall": ("Largest shortfall against the per-million target", "距每百万目标的最大差距"),
    "fr_travel": ("Longest travel to the nearest unit", "到最近设备的最长出行时间"),
    "fr_points": ("Number of plans (points)", "方案数 (点数)"),
    "fr_time": ("Each of the {n} solves stops after {s:,.0f} s at most (Plan page → Inputs → Solver); one that "
                "finds no plan in that time is tried once more, with the time the others left unused or "
                "{s:,.0f} s again, whichever is longer.",
                "{n} 次求解每次最长 {s:,.0f} 秒 (规划页 → 输入 → 求解器); 某次在此时间内未找到方案时再试一次, "
                "用其他求解剩下的时间, 至少再给 {s:,.0f} 秒。"),
    "fr_travel_needs_access": ("The travel measure needs access: on the Plan page, under Inputs → “Access”, "
                               "choose exam types (scenario key access.exam_types).",
                               "出行时间指标需要开启可及性: 在规划页 输入 → “可及性” 中选择检查类型 (情景键 access.exam_types)。"),
    "fr_shortfall_needs_target": ("The shortfall measure needs a per-million target for some modality "
                                  "(Inputs → Modalities → target).",
                                  "差距指标需要为某类设备设置每百万目标 (输入 → 设备类型 → 目标)。"),
    "fr_no_trade_off": ("{k} of {n} points have a plan. The most efficient plan is already as equal as any: both "
                        "ends have the same value of the measure, so there is no trade-off to draw between them.",
                        "{n} 个点中 {k} 个有方案。最有效率的方案已与最公平的方案同样公平: 两端指标相同, 二者之间没有取舍。"),
    "fr_trade_off": ("{k} of {n} points have a plan.", "{n} 个点中 {k} 个有方案。"),
    "fr_ends_missing": ("Only {k} of {n} points have a plan. Without a plan at both ends the frontier cannot show "
                        "what equity costs in efficiency here: nothing is concluded from the points without one.",
                        "{n} 个点中只有 {k} 个有方案。两端并非都有方案, 无法说明此处公平要以多少效率为代价: "
                        "没有方案的点不作任何结论。"),
    "fr_why_no_solution": ("no plan found within the time limit in {n} tries (the last with {s:,.0f} s), each "
                           "started from the plan solved before it: raise the time limit (Plan page → Inputs → "
                           "Solver) and compute again.",
                           "尝试 {n} 次 (最后一次 {s:,.0f} 秒) 均未在时间上限内找到方案, 每次都从前一个已求解的方案开始: "
                           "请提高时间上限 (规划页 → 输入 → 求解器) 后重新计算。"),
    "fr_why_not_solved": ("not solved: the “{end}” end has no plan, so the bounds ε between the ends are unknown.",
                          "未求解: “{end}” 一端没有方案, 两端之间的界限 ε 无从确定。"),
    "fr_why_infeasible": ("no plan keeps every region within this bound ε and meets every other rule.",
                          "没有方案能使各地区都在此界限 ε 内并满足其他全部约束。"),
    "fr_run": ("Compute the frontier", "计算前沿"),
    "fr_running": ("Solving {n} plans with HiGHS…", "HiGHS 正在求解 {n} 个方案…"),
    "fr_none": ("No frontier yet: choose the measure and press “Compute the frontier”.",
                "尚无前沿: 选择指标后点击 “计算前沿”。"),
    "stale": ("These results belong to earlier inputs, not to those shown now. Changed since: {inputs}. "
              "Run again to update them (the downloads below are the earlier results too).",
              "以下结果基于之前的输入, 而非当前显示的输入。此后已改变: {inputs}。请重新计算以更新结果 "
              "(下方的下载也是之前的结果)。"),
    "fr_chart": ("Efficiency against equity: click a point to see its plan", "效率与公平: 点击一个点查看方案"),
    "fr_y": ("Weighted-sum objective (万元-equivalents)", "加权目标值 (万元当量)"),
    "fr_pick": ("Show the plan at point", "查看该点的方案"),
    "fr_pick_none": ("Choose a point (or click it in the chart)", "选择一个点 (或在图中点击)"),
    "fr_eff_end": ("most efficient", "最有效率"),
    "fr_eq_end": ("most equal", "最公平"),
    "fr_points_table": ("Plans on the frontier", "前沿上的方案"),
    "fr_indices_table": ("Inequality of units per million across regions, each plan (Gini and Theil: 0 = equal)",
                         "各方案地区间每百万人设备数的不均衡程度 (基尼系数与泰尔指数: 0 = 完全均衡)"),
    "col_point": ("Plan", "方案"),
    "col_bound": ("Bound ε ({unit})", "界限 ε ({unit})"),
    "col_status": ("Solver status", "求解状态"),
    "col_gap": ("Gap to the proven bound (%)", "与证明界的间隙 (%)"),
    "col_objective": ("Weighted-sum objective (万元-equivalents)", "加权目标值 (万元当量)"),
    "col_spend": ("Spend (万元)", "支出 (万元)"),
    "col_unmet": ("Unmet demand (thousand exams)", "未满足需求 (千人次)"),
    "col_verified": ("Independent check passed", "独立校验通过"),
    "col_gini": ("Gini {m} (0 = equal)", "{m} 基尼系数 (0 = 均衡)"),
    "col_theil": ("Theil {m} (0 = equal)", "{m} 泰尔指数 (0 = 均衡)"),
    "point_summary": ("The chosen plan", "所选方案"),
    "units_of": ("{m} units bought", "新购 {m}"),
    "new_units_map": ("New units over the plan", "规划期新购台数"),
    "alt_intro": ("Plans almost as good as the best (within the chosen % of its weighted-sum objective) that "
                  "place units differently: where the choice of region is not forced by the numbers.",
                  "与最优方案几乎同样好 (加权目标不超过最优的给定百分比) 但设备布局不同的方案: 显示哪些地区的选择并非由数据决定。"),
    "alt_k": ("Alternatives to find", "备选方案数"),
    "alt_within": ("At most this much worse than the best (% of the weighted-sum objective)",
                   "比最优方案差不超过 (加权目标的 %)"),
    "alt_time": ("Each of the {n} solves stops after {s:,.0f} s at most (Plan page → Inputs → Solver).",
                 "{n} 次求解每次最长 {s:,.0f} 秒 (规划页 → 输入 → 求解器)。"),
    "alt_run": ("Find alternative plans", "寻找备选方案"),
    "alt_running": ("Solving the best plan and up to {n} alternatives with HiGHS…",
                    "HiGHS 正在求解最优方案及至多 {n} 个备选方案…"),
    "alt_none": ("No alternatives yet: press “Find alternative plans”.", "尚无备选方案: 请点击 “寻找备选方案”。"),
    "alt_found": ("{n} alternative(s) found within {p:g} % of the best.", "在最优方案 {p:g}% 以内找到 {n} 个备选方案。"),
    "alt_fewer": ("Fewer alternatives than asked were found: the other directions tried gave plans that "
                  "place (almost) every unit as a plan already shown.",
                  "找到的备选方案少于要求: 其余尝试得到的方案与已列方案的布局 (几乎) 相同。"),
    "alt_summary": ("Plans side by side", "方案对比"),
    "col_above_best": ("Above the best (%)", "高于最优 (%)"),
    "col_units_bought": ("Units bought", "新购台数"),
    "col_moved": ("Units placed differently from the best (%)", "与最优方案布局不同的台数 (%)"),
    "col_regions_new": ("Regions with new units", "有新购设备的地区数"),
    "col_units_mod": ("New {m} units", "新购 {m} (台)"),
    "col_new_in": ("{plan}: new units", "{plan}: 新购台数"),
    "plan_best": ("Best", "最优"),
    "plan_alt": ("Alternative {i}", "备选 {i}"),
    "alt_by_region": ("New units by region and modality (regions where the plans differ most first)",
                      "按地区与设备类型的新购台数 (差异最大的地区在前)"),
    "alt_compare": ("Compare the best plan with", "将最优方案与之比较"),
    "alt_maps": ("Where the new units go", "新购设备分布"),
    "download_all_regions": ("Download all regions (CSV)", "下载全部地区 (CSV)"),
    # --- strings that were English in the 中文 interface (issue 13, item 4)
    "load_upload": ("Load upload / 载入上传", "载入上传"),  # English keeps both: the e2e tests click it
    "upload_loaded": ("{name} loaded", "已载入 {name}"),
    "upload_replaced": ("{name} loaded: it replaced the earlier {name}", "已载入 {name}: 替换了之前上传的同名文件 {name}"),
    "upload_not_loaded": ("{name} was not loaded. The page still shows the earlier scenario, {kept}.",
                          "{name} 未载入。页面仍显示之前的情景: {kept}。"),
    "warn_over_eligibility": (
        "Existing units already exceed the per-facility limit for {k} modality × tier pairs ({pairs}), in {lo}–{hi} "
        "regions each: no new unit can be bought there until units retire. If that is not meant, raise the limits "
        "in “{tiers}” → “{elig}”.",
        "现有设备已超过 {k} 个设备类型 × 层级组合的每机构上限 ({pairs}), 每项涉及 {lo}–{hi} 个地区: 在设备退役前"
        "这些地区无法新购。如非本意, 请在“{tiers}” → “{elig}”中提高上限。"),
    "warn_details": ("Details: {n} warnings", "详情: {n} 条警告"),
    "upload_too_big": ("{name}: over the {mb:.0f} MB upload limit", "{name}: 超过 {mb:.0f} MB 的上传上限"),
    "table_replaced": ("{name} replaces {table}", "{name} 替换{table}"),
    "year_cap": ("cap (万元)", "上限 (万元)"),
    "name_col": ("name", "名称"),
    "no_boundaries": ("This scenario names no boundary file (regions.boundaries): no map.",
                      "此情景未指定边界文件 (regions.boundaries): 无法显示地图。"),
    "ramp_legend": ("{label}: ≤ {lo} (light) → ≥ {hi} (dark) {unit} (5th to 95th percentile); grey = no data",
                    "{label}: ≤ {lo} (浅) → ≥ {hi} (深) {unit} (第 5 至第 95 百分位); 灰色 = 无数据"),
    "unit_per_million": ("units/M", "台/百万人"),
    "unit_thousand_exams": ("thousand exams", "千人次"),
    "unit_pct": ("% of demand", "%"),
    "mobile_base_tip": ("mobile base {code}: {x:,.1f} thousand exams", "移动设备驻地 {code}: {x:,.1f} 千人次"),
    "mobile_line_tip": ("{a} → {b}: {x:,.2f} thousand exams", "{a} → {b}: {x:,.2f} 千人次"),
    "budget_help": ("budget {b}", "预算 {b}"),
    "demand_help": ("of {d} over the plan years", "规划期总需求 {d}"),
    "dc_before": ("before", "规划前"), "dc_after": ("after", "规划后"), "dc_target": ("target", "目标"),
    "dc_what": ("units per million", "台/百万人"),
    "sweep_progress": ("{i} / {n}: {b} → {status}, unmet {u}", "{i} / {n}: {b} → {status}, 未满足 {u}"),
    "cmp_legend": ("{label}: {lo} {unit} (red, A higher) … 0 (white) … {hi} {unit} (blue, B higher)",
                   "{label}: {lo} {unit} (红色, A 较高) … 0 (白色) … {hi} {unit} (蓝色, B 较高)"),
    "budget_axis": ("budget (亿元)", "预算 (亿元)"),
    "unmet_axis": ("unmet demand (thousand exams)", "未满足需求 (千人次)"),
    "gap_axis": ("share of density gap closed", "密度缺口弥合比例"),
    "travel_cap_help": ("travel beyond {cap:,.0f} {mins} counts as {cap:,.0f}", "超过 {cap:,.0f} {mins} 的出行按 {cap:,.0f} 计"),
}



def lang() -> str:
    return st.session_state.get("lang", "en")


def browser_lang(accepted: str | None) -> str:
    """The first page view's language from the browser's: 'zh' when its first language is Chinese
    (navigator.language "zh-CN", or an Accept-Language header "zh-CN,zh;q=0.9,en;q=0.8"), else 'en'."""
    ranked = []
    for i, part in enumerate((accepted or "").split(",")):
        tag, _, params = part.partition(";")
        q = re.search(r"q\s*=\s*([^;\s]*)", params)
        try:
            weight = float(q[1]) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag.strip():
            ranked.append((-weight, i, tag.strip().lower()))
    return "zh" if ranked and min(ranked)[2].startswith("zh") else "en"


def browser_languages() -> str | None:
    """What the browser says it reads: navigator.language (st.context.locale), else the request's
    Accept-Language header."""
    return st.context.locale or st.context.headers.get("Accept-Language")


def start_lang() -> None:
    """The session's language before the switch is drawn: the browser's, until the planner picks one
    (the switch's own state then wins for the rest of the session)."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = browser_lang(browser_languages())


# The labels of scenario fields live in the library's labels catalog (planner.messages.labels.field): the keys
# the Plan page's own inputs use (t("budget_total")) read them there, and so does t("fld.<path>").
STRINGS.update({key: (labels.field(path, "en"), labels.field(path, "zh")) for path, key in FIELD_LABELS.items()})


def t(key: str) -> str:
    if key.startswith("fld."):
        return labels.field(key.removeprefix("fld."), lang()) or key
    en, zh = STRINGS[key]
    return zh if lang() == "zh" else en
