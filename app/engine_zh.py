"""The engine's English sentences in Chinese, for the 中文 interface.

The library writes its warnings, pre-solve errors, verifier violations and marginal values in English
(the CLI and the logs read them). The app shows them in Chinese: one regular expression per message
family (the f-strings of planner.data.inputs, planner.planning.checks / verify / results,
planner.reporting.summary, planner.config.schema, planner.errors), with a Chinese template that keeps
the numbers, region names, codes and field keys. A sentence no rule knows is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from planner_app.i18n import lang
from planner_app.labels import MODALITY_ZH, TIER_ZH

STATUS_WORDS = {"optimal": "最优", "time_limit": "时间上限内的最佳方案", "no_solution": "时间上限内未找到方案",
                "infeasible": "没有满足全部约束的方案", "interrupted": "已停止: 目前最佳方案",
                "quick": "即时方案", "unbounded": "目标无界", "error": "求解器出错"}
TABLES_ZH = {"region table": "地区表", "stock table": "现有设备表", "facilities table": "机构表",
             "staff table": "人员表", "travel table": "出行时间表", "scenario": "情景"}
FAMILY_ZH = {"Capacity": "产能", "Density targets": "密度目标", "Staff": "人员", "Presence rules": "最低配置",
             "Budget": "预算", "Demand": "需求"}

NUM = r"-?[\d,]+(?:\.\d+)?"
Template = str | Callable[[dict], str]
RULES: list[tuple[re.Pattern, Template]] = []


def rule(pattern: str, template: Template) -> None:
    RULES.append((re.compile(pattern.replace("{NUM}", NUM), re.S), template))


def _codes(text: str) -> str:
    """Tier and modality codes inside a list ("510104 grassroots, ...") by their Chinese labels."""
    names = {**TIER_ZH, **MODALITY_ZH}
    return re.sub(r"\b[A-Za-z_]+\b", lambda m: names.get(m.group(0), m.group(0)), text)


def _where(text: str) -> str:
    """'成都市 (510100) in 2027' -> '成都市 (510100) 2027 年' (planner.planning.verify's place and year)."""
    return re.sub(r" in (\d{4})$", r" \1 年", text)


def _rows(text: str) -> str:
    return re.sub(r"row (\d+)", r"第 \1 行", text)


def _fill(template: str, groups: dict) -> str:
    g = {k: ("" if v is None else v) for k, v in groups.items()}
    for k, v in list(g.items()):
        if k.startswith("tier"):
            g[k] = TIER_ZH.get(v, v)
        elif k.startswith("mod"):
            g[k] = MODALITY_ZH.get(v, v)
        elif k.startswith("where"):
            g[k] = _where(v)
        elif k.startswith("shown"):
            g[k] = _codes(v)
        elif k.startswith("inner"):
            g[k] = zh(v)
    return template.format(**g)


def zh(text: str) -> str:
    """The Chinese of one engine sentence (or of several joined by newlines), else the sentence itself."""
    if "\n" in text:
        return "\n".join(zh(line) for line in text.split("\n"))
    for pattern, template in RULES:
        m = pattern.fullmatch(text)
        if m:
            return template(m.groupdict()) if callable(template) else _fill(template, m.groupdict())
    m = _FRAME.fullmatch(text)   # no rule for the whole: an InputError around a problem a rule knows?
    return _input_error(m.groupdict(), text) if m else text


def say(text: str) -> str:
    """An engine sentence in the interface language."""
    return zh(text) if lang() == "zh" else text


def equity_first(message: str) -> str:
    """The Chinese of the 'Equity first: ...; then the weighted sum with it held: ' prefix a lexicographic
    solve puts before its status message (planner.studies.lexicographic), or '' when there is none."""
    m = re.match(rf"Equity first: (largest shortfall|longest travel) minimised to ({NUM}) (per million|minutes) "
                 rf"\((\w+), gap ({NUM}) %\); then the weighted sum with it held: ", message)
    if not m:
        return ""
    what = "最大差距" if m.group(1) == "largest shortfall" else "最长出行时间"
    unit = "台/百万人" if m.group(3) == "per million" else "分钟"
    return (f"公平优先: {what}已最小化至 {m.group(2)} {unit} ({STATUS_WORDS.get(m.group(4), m.group(4))}, "
            f"间隙 {m.group(5)}%); 然后在保持该值的前提下优化加权目标: ")


# --- warnings of input resolution (planner.data.inputs) and pre-solve checks (planner.planning.checks)
rule(r"(?P<mod>\S+) is not allowed at any tier \(eligibility\): no (?P=mod) can be bought",
     "{mod} 在任何层级都不允许配置 (配置资格): 无法购置 {mod}")
rule(r"policy\.min_units\[(?P<i>\d+)\] \((?P<n>\S+) (?P<mod>\S+) per (?P<tier>\S+) facility\) starts in (?P<y>\d+), "
     r"after the last plan year (?P<last>\d+): it has no effect in this plan",
     "policy.min_units[{i}] (每个{tier}机构 {n} 台 {mod}) 自 {y} 年起, 晚于末个规划年 {last}: 在本规划中不起作用")
rule(r"mobile units are based at a facility of an eligible tier, but the scenario has no facilities table, so any "
     r"region may base them: add regions\.facilities to apply the rule",
     "移动设备须驻于符合资格层级的机构, 但情景没有机构表, 因此任何地区都可作驻地: 请添加 regions.facilities 以应用此规则")
rule(r"(?P<mod>\S+) at (?P<tier>\S+): in (?P<n>\d+) region\(s\) \((?P<shown>.*)\) the existing units already exceed "
     r"eligibility\.(?P<t2>\S+)\.(?P<m2>\S+) = (?P<per>\S+) per facility, so no new unit can be bought there until "
     r"units retire: raise the limit if that is not meant",
     "{tier}的 {mod}: 在 {n} 个地区 ({shown}) 现有设备已超过每机构上限 eligibility.{t2}.{m2} = {per} 台, "
     "在设备退役前这些地区无法新购: 如非本意, 请提高上限")
rule(r"the budget (?P<b>{NUM}) 万元 is below the price of the cheapest unit \((?P<p>{NUM}) 万元\): nothing can be bought",
     "预算 {b} 万元 低于最便宜设备的价格 ({p} 万元): 无法购置任何设备")
rule(r"in (?P<n>\d+) region\(s\) the existing units already need more staff than the staff table gives: no new "
     r"units can be staffed there until units retire",
     "在 {n} 个地区, 现有设备所需人员已超过人员表所给: 在设备退役前, 这些地区的新设备无法配备人员")
rule(r"(?P<file>.+?): no existing unit in any region: the plan starts from nothing \(check that this is the right "
     r"stock table\)", "{file}: 所有地区均无现有设备, 规划从零开始 (请确认现有设备表是否正确)")
rule(r"(?P<file>.+?): (?P<n>\d+) stock row\(s\) are counts from more than 10 years before or after the base year "
     r"(?P<b>\d+), carried at stock_growth_pct_per_year \(row (?P<r>\d+): (?P<y>\d+), x(?P<f>[\d.]+)\): give counts "
     r"nearer the base year",
     "{file}: {n} 行现有设备数量与基准年 {b} 相差 10 年以上, 已按 stock_growth_pct_per_year 推算 "
     "(第 {r} 行: {y}, ×{f}): 请给出更接近基准年的数量")
rule(r"the regions hold (?P<x>{NUM}) billion people, more than China's 1\.41 billion: is a region listed twice, or a "
     r"population in the wrong unit\?",
     lambda g: f"各地区合计 {float(g['x'].replace(',', '')) * 10:,.1f} 亿人, 超过中国的 14.1 亿: 是否有地区重复列出, "
               "或人口单位有误?")
rule(r"modalities\.(?P<m>\S+)\.exam_rate_per_1000_per_year = (?P<r>{NUM}): more than one (?P=m) exam per resident "
     r"each year; check the unit \(exams per 1,000 residents\)",
     "modalities.{m}.exam_rate_per_1000_per_year = {r}: 每位居民每年超过一次 {m} 检查; 请检查单位 (每千人检查次数)")
rule(r"(?P<file>.+?): (?P<n>\d+) region x tier pair\(s\) have no row and count as 0 facilities \((?P<shown>.*)\): add "
     r"rows with 0 where that is meant",
     "{file}: {n} 个 地区×层级 组合没有数据行, 按 0 个机构计 ({shown}): 如确为 0, 请添加值为 0 的行")
rule(r"(?P<file>.+?): (?P<n>\d+) staff row\(s\) are for years outside the plan (?P<a>\d+)-(?P<b>\d+) and are not "
     r"used \((?P<rows>.*)\): give the plan years, or leave 'year' empty for every year",
     lambda g: f"{g['file']}: {g['n']} 行人员数据的年份在规划期 {g['a']}-{g['b']} 之外, 未被使用 "
               f"({_rows(g['rows'])}): 请给出规划年份, 或将 'year' 留空表示每年")
# pre-solve errors (planner.planning.checks)
rule(r"the scenario has no regions: check regions\.table and regions\.include_parent",
     "情景中没有地区: 请检查 regions.table 和 regions.include_parent")
rule(r"policy\.min_units counts facilities, but the scenario has no facilities table: add regions\.facilities "
     r"\(e\.g\. (?P<f>\S+)\), or remove the presence rules",
     "policy.min_units 按机构计数, 但情景没有机构表: 请添加 regions.facilities (例如 {f}), 或删除最低配置规则")
rule(r"hard (?P<mod>\S+) target in (?P<where>.+?) needs (?P<n>\d+) units in (?P<y>\d+), but facilities there can "
     r"hold at most (?P<c>\d+): make the target soft \(modalities\.(?P<m2>\S+)\.target_hard = false\) or raise "
     r"eligibility limits",
     "{where} 的 {mod} 硬性目标在 {y} 年需要 {n} 台, 但当地机构最多可容纳 {c} 台: 请将目标改为软目标 "
     "(modalities.{m2}.target_hard = false) 或提高配置资格上限")
rule(r"the minimum-presence rule needs (?P<n>\d+) (?P<mod>\S+) at (?P<tier>\S+) in (?P<where>.+?), but that tier may "
     r"hold at most (?P<c>\d+) there: check policy\.min_units and eligibility",
     "最低配置规则要求 {where} 的{tier}有 {n} 台 {mod}, 但该层级当地最多可容纳 {c} 台: 请检查 policy.min_units 和配置资格")
rule(r"hard targets and minimum-presence rules need at least (?P<need>{NUM}) 万元 of new units, but the budget allows "
     r"(?P<b>{NUM}) 万元 \(largest needs: (?P<d>.*)\)\. Raise budget\.total_wan_cny, make targets soft, or relax "
     r"policy\.min_units",
     lambda g: f"硬性目标和最低配置规则至少需要 {g['need']} 万元新设备, 但预算只有 {g['b']} 万元 (需求最大: "
               f"{_codes(g['d'].replace(' needs ', ' 需要 '))})。请提高 budget.total_wan_cny、将目标改为软目标, "
               "或放宽 policy.min_units")
rule(r"by (?P<y>\d+) hard rules need (?P<need>{NUM}) 万元 of new units, but the yearly budgets up to then add up to "
     r"(?P<b>{NUM}) 万元: raise the early years' budget\.per_year_wan_cny",
     "到 {y} 年, 硬性规则需要 {need} 万元新设备, 但截至当年的年度预算合计 {b} 万元: 请提高前几年的 budget.per_year_wan_cny")
rule(r"in (?P<where>.+?) in (?P<y>\d+) hard targets need (?P<need>{NUM}) imaging staff, (?P<a>{NUM}) are available: "
     r"add staff \(staffing or a staff table\) or relax the rules",
     "{where} {y} 年硬性目标需要 {need} 名影像人员, 现有 {a} 名: 请增加人员 (staffing 或人员表) 或放宽规则")
rule(r"access\.require_within_limit: (?P<n>\d+) region\(s\) have no place within (?P<lim>\S+) minutes that may hold a "
     r"(?P<mod>\S+) unit, fixed or mobile \((?P<shown>.*)\): raise access\.limit_minutes, allow (?P=mod) at more "
     r"tiers \(eligibility\), or turn the rule off",
     "access.require_within_limit: {n} 个地区在 {lim} 分钟内没有可配置 {mod} (固定或移动) 的地点 ({shown}): "
     "请提高 access.limit_minutes、允许更多层级配置 {mod} (配置资格), 或关闭此规则")

# --- verifier violations (planner.planning.verify)
rule(r"(?P<where>.+?): (?P<x>[\d.]+) (?P<mod>\S+) units at (?P<tier>\S+) is not a whole number",
     "{where}: {tier}的 {x} 台 {mod} 不是整数")
rule(r"(?P<where>.+?): negative purchase of (?P<mod>\S+) at (?P<tier>\S+)", "{where}: {tier}的 {mod} 购置量为负")
rule(r"(?P<where>.+?): bought (?P<mod>\S+) at tier (?P<tier>\S+), which may not hold it",
     "{where}: 在不允许配置的{tier}购置了 {mod}")
rule(r"(?P<where>.+?): (?P<n>\d+) (?P<mod>\S+) at (?P<tier>\S+) exceeds the facility limit (?P<l>\d+)",
     "{where}: {tier}的 {n} 台 {mod} 超过机构上限 {l}")
rule(r"(?P<where>.+?): (?P<n>\d+) (?P<mod>\S+) at (?P<tier>\S+), policy requires (?P<need>\d+)",
     "{where}: {tier}有 {n} 台 {mod}, 政策要求 {need} 台")
rule(r"total spend (?P<s>{NUM}) 万元 exceeds the budget (?P<b>{NUM}) 万元", "总支出 {s} 万元 超过预算 {b} 万元")
rule(r"spend in (?P<y>\d+) (?P<s>{NUM}) 万元 exceeds that year's budget (?P<b>{NUM}) 万元",
     "{y} 年支出 {s} 万元 超过当年预算 {b} 万元")
rule(r"(?P<where>.+?): units need (?P<s>{NUM}) staff, (?P<a>{NUM}) available", "{where}: 设备需要 {s} 名人员, 现有 {a} 名")
rule(r"(?P<where>.+?): (?P<mod>\S+) density (?P<d>{NUM}) per million is below the hard target (?P<t>\S+)",
     "{where}: {mod} 密度 每百万人 {d} 台, 低于硬性目标 {t}")
rule(r"(?P<where>.+?): (?P<x>{NUM}) thousand (?P<mod>\S+) exams served at (?P<tier>\S+) but capacity is (?P<c>{NUM})",
     "{where}: {tier}完成 {x} 千人次 {mod} 检查, 但产能为 {c}")
rule(r"(?P<mod>\S+): the largest shortfall in (?P<y>\d+) is (?P<s>{NUM}) per million, above the equity bound "
     r"(?P<b>\S+)",
     "{mod}: {y} 年最大差距为每百万人 {s} 台, 超过公平界限 {b}")
rule(r"(?P<mod>\S+): the longest travel to a unit is (?P<w>{NUM}) minutes, above the equity bound (?P<b>\S+)",
     "{mod}: 到设备的最长出行时间为 {w} 分钟, 超过公平界限 {b}")
rule(r"(?P<where>.+?): the nearest (?P<mod>\S+) is (?P<m>\d+) minutes away in (?P<y>\d+), beyond the (?P<l>\S+)-minute "
     r"rule", "{where}: {y} 年最近的 {mod} 在 {m} 分钟外, 超出 {l} 分钟规则")
rule(r"mobile (?P<mod>\S+) based in (?P<b>\S+) serves (?P<t>\S+), (?P<m>\d+) minutes away: out of reach",
     "驻于 {b} 的移动设备 {mod} 服务 {m} 分钟外的 {t}: 超出可达范围")
rule(r"negative exams sent or received in a catchment", "服务圈 (catchment) 中送出或接收的检查为负")
rule(r"exams served in another region while catchment\.top_tier is 'region'",
     "catchment.top_tier 为 'region' 时仍有检查在其他地区完成")
rule(r"exams sent to another region below the top tier", "有最高层级以下的检查被送往其他地区")
rule(r"parent (?P<p>\S+): (?P<o>{NUM}) thousand top-tier (?P<mod>\S+) exams sent in (?P<y>\d+) but (?P<i>{NUM}) received",
     "上级地区 {p}: {y} 年送出 {o} 千人次最高层级 {mod} 检查, 但接收 {i} 千人次")

# --- marginal values (planner.planning.results._PLAIN and marginal_table, planner.reporting.summary)
rule(r"one more 100万元 in (?:the total budget|the (?P<key>\S+) budget) would lower the objective by (?P<v>{NUM}) "
     r"万元-equivalent \(as much as about (?P<e>{NUM}) exams of the most heavily weighted unmet demand\); "
     r"LP-relaxation estimate",
     lambda g: f"{'总预算' if not g['key'] else g['key'] + ' 年预算'}每增加 100万元, 目标值降低 {g['v']} 万元当量 "
               f"(约相当于 {g['e']} 人次权重最高的未满足检查); 线性松弛估计")
rule(r"one more thousand exams of capacity for (?P<mod>\S+) at (?P<tier>\S+) tier in (?P<r>.+?) in (?P<y>\d+) would "
     r"lower the objective by (?P<v>{NUM}) 万元-equivalent",
     "{r} {y} 年{tier}的 {mod} 产能每增加一千人次, 目标值降低 {v} 万元当量")
rule(r"one more imaging staff member in (?P<r>.+?) in (?P<y>\d+) would lower the objective by (?P<v>{NUM}) "
     r"万元-equivalent", "{r} {y} 年每增加一名影像人员, 目标值降低 {v} 万元当量")
rule(r"the (?P<mod>\S+) density target in (?P<r>.+?) in (?P<y>\d+) costs (?P<v>{NUM}) 万元-equivalent per unit of "
     r"target", "{r} {y} 年的 {mod} 密度目标每单位花费 {v} 万元当量")
rule(r"one more thousand (?P<mod>\S+) exams presenting at (?P<tier>\S+) tier in (?P<r>.+?) in (?P<y>\d+) costs "
     r"(?P<v>{NUM}) 万元-equivalent", "{r} {y} 年{tier}每多一千人次 {mod} 检查需求, 花费 {v} 万元当量")
rule(r"(?P<fam>[A-Z][\w ]*): (?P<n>\d+) binding place\(s\) listed; the largest: (?P<inner>.+)",
     lambda g: f"{FAMILY_ZH.get(g['fam'], g['fam'])}: 列出 {g['n']} 处起约束作用的位置; 最大的一处: {zh(g['inner'])}")

# --- input errors (planner.errors.InputError: "<file>[, row N][, column 'c']: <problem>[ (value: v)][. Fix: f]")
rule(r"referral\.(?P<k>\S+) shares add up to (?P<s>[\d.]+), not 1: make them sum to 1 \(they are shares of (?P=k) "
     r"demand, e\.g\. 0\.3 and 0\.7\)", "referral.{k} 各层级份额合计 {s}, 不等于 1: 请使其合计为 1 (它们是 {k} 需求的份额, 如 0.3 和 0.7)")
rule(r"committed_wan_cny (?P<c>{NUM}) exceeds total_wan_cny (?P<t>{NUM}): raise the total or lower the committed spend",
     "committed_wan_cny {c} 超过 total_wan_cny {t}: 请提高总额或降低已承诺支出")
rule(r"“(?P<a>[^”]+)” (?P<c>{NUM}) exceeds “(?P<b>[^”]+)” (?P<t>{NUM}): raise the total or lower the committed spend",
     "“{a}” {c} 超过 “{b}” {t}: 请提高总额或降低已承诺支出")
rule(r"must be greater than 0", "必须大于 0")
rule(r"must be at least (?P<x>\S+)", "不得小于 {x}")
rule(r"must be at most (?P<x>\S+)", "不得大于 {x}")
rule(r"must be a whole number", "必须为整数")
rule(r"file not found", "找不到文件")
rule(r"unknown (?P<what>tier|modality|region code|code)", lambda g: "未知的" + {"tier": "层级", "modality": "设备类型"}.get(
    g["what"], "地区代码"))
rule(r"missing column '(?P<c>[^']+)' in the (?P<what>.+)", "{what}缺少列 '{c}'")
rule(r"the text encoding is neither UTF-8 nor GBK/GB18030", "文本编码既不是 UTF-8 也不是 GBK/GB18030")
rule(r"unsupported file type '(?P<s>[^']*)'", "不支持的文件类型 '{s}'")
rule(r"give a number (?P<w>greater than|at least|less than|at most) (?P<b>\S+)",
     lambda g: f"请给出{ {'greater than': '大于', 'at least': '不小于', 'less than': '小于', 'at most': '不大于'}[g['w']]} "
               f"{g['b']} 的数")
rule(r"give a number without quotes or units", "请给出不带引号或单位的数字")
rule(r"give a whole number", "请给出整数")
rule(r"give an ordinary number \(inf and nan are not allowed here\)", "请给出普通数字 (此处不允许 inf 和 nan)")
rule(r"write true or false \(no quotes\)", "请写 true 或 false (不加引号)")
rule(r"correct the value", "请修改该值")
rule(r"unknown key '(?P<k>[^']+)'", "未知的键 '{k}'")
rule(r"required key '(?P<k>[^']+)' is missing", "缺少必需的键 '{k}'")


def _table_label(file: str) -> str:
    for en, cn in TABLES_ZH.items():
        if file.startswith(en):
            return cn + file.removeprefix(en).replace("(edited)", "(已编辑)")
    return file


_FRAME = re.compile(r"(?P<file>[^:,]+?)(?:, row (?P<row>\d+))?(?:, column '(?P<col>[^']*)')?: (?P<problem>.+)", re.S)


def _input_error(g: dict, text: str) -> str:
    """The frame of an InputError in Chinese, its problem and fix through the rules above."""
    problem, value, fix = g["problem"], None, None
    if ". Fix: " in problem:
        problem, fix = problem.split(". Fix: ", 1)
    m = re.fullmatch(r"(.*) \(value: (.*)\)", problem, re.S)
    if m:
        problem, value = m.groups()
    inner = zh(problem)
    if inner == problem and not g["row"] and not g["col"]:
        return text  # not an input error this module can say better: leave the sentence whole
    out = _table_label(g["file"])
    if g["row"]:
        out += f", 第 {g['row']} 行"
    if g["col"]:
        out += f", 列 '{g['col']}'"
    out += f": {inner}"
    if value is not None:
        out += f" (值: {value})"
    if fix:
        out += f"。修正: {zh(fix)}"
    return out
