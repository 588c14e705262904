"""The engine's English sentences in Chinese, for the 中文 interface.

The library writes its warnings, pre-solve errors, verifier violations and marginal values in English
(the CLI and the logs read them). The app shows them in Chinese: one regular expression per message
family (the f-strings of planner.data.tables / inputs, planner.planning.checks / verify / results / solve,
planner.reporting.summary, planner.config.schema / scenario, planner.errors and pydantic's own messages),
with a Chinese template that keeps the numbers, region names, codes and field keys; fixed sentences are in
PHRASES. A sentence no rule knows is shown as the engine wrote it. tests/test_engine_zh.py holds every family
to this: no English word left (outside the quoted names and values the planner typed), no number dropped.

Issue 26, item 2 replaces these rules with message codes (planner.messages): an error whose problem or fix is a
code is said from the Chinese catalog (``say(error)``, ``error_zh``), with no rule. planner.data.tables and
planner.errors' own words are codes already; the rules below are for the messages not converted yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from planner.errors import InputError, InputErrors
from planner.messages import Message
from planner.messages.labels import labels_of
from planner_app.i18n import lang

TIER_ZH, MODALITY_ZH = labels_of("tier", "zh"), labels_of("modality", "zh")   # the labels catalog's

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
PHRASES: dict[str, str] = {}  # sentences without a number or name in them, looked up before the rules


def rule(pattern: str, template: Template) -> None:
    RULES.append((re.compile(pattern.replace("{NUM}", NUM), re.S), template))


def _codes(text: str) -> str:
    """Tier and modality codes inside a list ("510104 grassroots, ...") by their Chinese labels."""
    names = {**TIER_ZH, **MODALITY_ZH}
    return re.sub(r"\b[A-Za-z_]+\b", lambda m: names.get(m.group(0), m.group(0)), text)


def _where(text: str) -> str:
    """'成都市 (510100) in 2027' -> '成都市 (510100) 2027 年' (planner.planning.verify's place and year)."""
    return re.sub(r" in (\d{4})$", r" \1 年", text)


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
        elif k.startswith("dym"):  # the optional "did you mean 'x'? " of planner.config.schema
            g[k] = f"是否应为 '{v}'? " if v else ""
    return template.format(**g)


def _by_rule(text: str) -> str | None:
    """The Chinese of a sentence a fixed phrase or a rule knows, else None."""
    if text in PHRASES:
        return PHRASES[text]
    for pattern, template in RULES:
        m = pattern.fullmatch(text)
        if m:
            return template(m.groupdict()) if callable(template) else _fill(template, m.groupdict())
    return None


def zh(text: str | Message) -> str:
    """The Chinese of one engine sentence (or of several joined by newlines), else the sentence itself; a
    message code from the Chinese catalog."""
    if isinstance(text, Message):
        return message_zh(text)
    if "\n" in text:
        return "\n".join(zh(line) for line in text.split("\n"))
    out = _by_rule(text)
    if out is not None:
        return out
    m = _FRAME.fullmatch(text)   # no rule for the whole: an InputError around a problem a rule knows?
    return _input_error(m.groupdict(), text) if m else text


def say(what: str | BaseException | Message) -> str:
    """An engine sentence, an error the engine raised or a message, in the interface language. Give the error
    or message itself rather than its str(): its codes are then said from the catalog."""
    if lang() != "zh":
        return str(what)
    if isinstance(what, Message):
        return message_zh(what)
    return error_zh(what) if isinstance(what, BaseException) else zh(what)


def message_zh(m: Message) -> str:
    """A message from the Chinese catalog, its tier and modality codes (parameters named tier..., mod...) by their
    Chinese labels and the codes in a list (shown...) too, as the rules did."""
    return _labelled(m).render("zh")


def _labelled(m: Message) -> Message:
    def label(k: str, v):
        if isinstance(v, Message):
            return _labelled(v)
        if not isinstance(v, str):
            return v
        if k.startswith("tier"):
            return TIER_ZH.get(v, v)
        if k.startswith("mod"):
            return MODALITY_ZH.get(v, v)
        return _codes(v) if k.startswith("shown") else v

    return Message(m.code, {k: label(k, v) for k, v in m.params.items()})


def error_zh(error: BaseException) -> str:
    """The Chinese of an error: an InputError with a coded problem or fix from the catalog (a part still in
    English through the rules), one line per error of an InputErrors; any other error through the rules."""
    if isinstance(error, InputErrors):
        return "\n".join(error_zh(e) for e in error.errors)
    if isinstance(error, InputError) and (isinstance(error.problem, Message) or isinstance(error.fix, Message)):
        return error.render("zh", file=_table_label(error.file), translate=_problem)
    return zh(str(error))


def equity_first(message: str) -> str:
    """The Chinese of the 'Equity first: ...; then the weighted sum with it held: ' prefix a lexicographic
    solve puts before its status message (planner.planning.lexicographic), or '' when there is none."""
    m = re.match(rf"Equity first: (largest shortfall|longest travel) minimised to ({NUM}) (per million|minutes) "
                 rf"\((\w+), gap ({NUM}) %\); then the weighted sum with it held: ", message)
    if not m:
        return ""
    what = "最大差距" if m.group(1) == "largest shortfall" else "最长出行时间"
    unit = "台/百万人" if m.group(3) == "per million" else "分钟"
    return (f"公平优先: {what}已最小化至 {m.group(2)} {unit} ({STATUS_WORDS.get(m.group(4), m.group(4))}, "
            f"间隙 {m.group(5)}%); 然后在保持该值的前提下优化加权目标: ")


# --- pre-solve errors (planner.planning.checks; its warnings are message codes): still words, as the solve status
# of an infeasible scenario joins them (explain_infeasible)
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

# --- marginal values (planner.planning.results._PLAIN and marginal_table, planner.reporting.summary)
rule(r"one more 100万元 in (?:the total budget|the (?P<key>\S+) budget) would lower the objective by (?P<v>{NUM}) "
     r"万元-equivalent \(as much as about (?P<e>{NUM}) thousand exams of the most heavily weighted unmet demand\); "
     r"LP-relaxation estimate",
     lambda g: f"{'总预算' if not g['key'] else g['key'] + ' 年预算'}每增加 100万元, 目标值降低 {g['v']} 万元当量 "
               f"(约相当于 {g['e']} 千人次权重最高的未满足检查); 线性松弛估计")
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

# --- solve status (planner.planning.solve: _message, Solver.quick, _changeable_words; planner.planning.checks:
# explain_infeasible, added by planner.planning.pipeline)
GAP = r"(?P<gap>unknown: no bound proven yet|unknown|-?[\d.]+%)(?P<of> of the objective)?"


def _gap(g: dict) -> str:
    words = {"unknown: no bound proven yet": "未知: 尚无已证明的下界", "unknown": "未知"}.get(g["gap"], g["gap"])
    return f"{words}, 以目标值计" if g.get("of") else words


rule(rf"optimal: proven within the (?P<tol>[\d.]+%) gap tolerance \(gap {GAP}\)",
     lambda g: f"最优: 已在 {g['tol']} 的间隙容差内证明 (间隙 {_gap(g)})")
rule(rf"best plan found within the (?P<s>\S+) s time limit, NOT proven optimal \(gap {GAP}\)",
     lambda g: f"在 {g['s']} 秒时间上限内找到的最佳方案, 未证明为最优 (间隙 {_gap(g)})")
rule(r"no plan found within the (?P<s>\S+) s time limit: raise solver\.time_limit_s or relax targets",
     "在 {s} 秒时间上限内未找到方案: 请提高 solver.time_limit_s 或放宽目标")
rule(rf"stopped on request: the best plan found so far, NOT proven optimal \(gap {GAP}\)",
     lambda g: f"已按要求停止: 目前找到的最佳方案, 未证明为最优 (间隙 {_gap(g)})")
QUICK_HOW = (r"(?P<n>[\d,]+) (?P<how>unit\(s\) added with the larger budget|"
             r"purchase\(s\) dropped to fit the smaller budget)")


def _quick_how(g) -> str:
    return f"预算增加, 新增 {g['n']} 台设备" if g["how"].startswith("unit") else f"为适应较小的预算, 删去 {g['n']} 项购置"


def quick_change(message: str) -> str | None:
    """The Chinese of what a quick plan changed ('223 purchase(s) dropped ...') in its status message, or None."""
    m = re.search(QUICK_HOW, message)
    return None if m is None else _quick_how(m)


rule(rf"first plan, made at once from the previous plan \({QUICK_HOW}\), not yet optimised for the new budget "
     rf"\(gap {GAP}, against the (?P<against>previous proven bound|floor no budget goes below)\)",
     lambda g: f"即时方案, 由上一方案立即得出 ({_quick_how(g)}), 尚未针对新预算优化 (间隙 {_gap(g)}, 相对于"
     + ("之前已证明的下界" if g["against"].startswith("previous") else "任何预算都不能低于的下限") + ")")
PHRASES.update({
    "no plan satisfies the hard constraints": "没有方案能同时满足全部硬性约束",
    "the objective can improve without end: a cost or a bound is missing (please report this)":
        "目标值可以无限改进: 缺少某项成本或界限 (请报告此问题)",
    "HiGHS stopped with an error": "HiGHS 出错停止",
    "stopped on request before any plan was found": "在找到任何方案之前已按要求停止",
})
# the endings solve.py adds to a status message, each after the message it ends
KEPT_ZH = {"quick plan": "即时方案", "previous plan": "上一方案", "rounded LP plan": "由线性松弛取整得到的方案"}
rule(r"(?P<inner>.+?); the plan kept is the (?P<kept>quick plan|previous plan|rounded LP plan), "
     r"better than HiGHS's own best \((?P<h>none|{NUM})\)",
     lambda g: zh(g["inner"]) + f"; 保留的方案是{KEPT_ZH[g['kept']]}, 优于 HiGHS 自己找到的最佳方案 ("
     + ("无" if g["h"] == "none" else g["h"]) + ")")
rule(r"(?P<inner>.+?); no time was left for the marginal values \(raise the time limit to get them\)",
     lambda g: zh(g["inner"]) + "; 时间已用完, 未计算边际价值 (提高时间上限即可得到)")
RACE_ZH = {  # the endings of solve._race_words after "; raced by a second HiGHS run (seed N)"
    ": the plan is the first run's, the bound the higher of the two": ": 方案取自第一个进程, 下界取两者中较高者",
    ": the plan is the second run's, the bound the higher of the two": ": 方案取自第二个进程, 下界取两者中较高者",
    ": the bound the higher of the two": ": 下界取两者中较高者",
    ": the first run proved the gap first": ": 第一个进程先证明了间隙要求",
    ", which ended without an answer": ", 但它未给出结果便已结束",
    ", which failed without an answer": ", 但它出错结束, 未给出结果",
    ", whose plan was rejected: it breaks a row of the model": ", 但它的方案违反模型的约束, 未被采用",
}
rule(r"(?P<inner>.+?); raced by a second HiGHS run \(seed (?P<s>\d+)\)(?P<end>"
     + "|".join(re.escape(k) for k in sorted(RACE_ZH, key=len, reverse=True)) + ")",
     lambda g: zh(g["inner"]) + f"; 另一 HiGHS 进程 (随机种子 {g['s']}) 同时求解" + RACE_ZH[g["end"]])
rule(r"(?P<inner>.+?)(?P<end> \(HiGHS overran the limit and was stopped by the wall-clock guard\)|; the floor no "
     r"budget goes below was not found in time|; that is (?:less than 0\.1%|(?P<w>[\d.]+%)) of what purchases can "
     r"change \(objective (?P<o>{NUM}) down to the floor (?P<f>{NUM}) that no budget goes below\))",
     lambda g: zh(g["inner"]) + (
         " (HiGHS 超出时间上限, 已被计时保护停止)" if g["end"].startswith(" (HiGHS") else
         "; 未能及时求出任何预算都不能低于的下限" if g["o"] is None else
         "; 相当于采购所能改变部分的 " + (g["w"] if g["w"] else "不到 0.1%")
         + f" (目标值 {g['o']} 降至任何预算都不能低于的下限 {g['f']})"))


def _joined(text: str) -> str | None:
    """Sentences joined by spaces (explain_infeasible joins the pre-solve errors so), each by a rule, else None."""
    out = _by_rule(text)
    for space in ([] if out is not None else re.finditer(" ", text)):
        head = _by_rule(text[:space.start()])
        tail = None if head is None else _joined(text[space.end():])
        if tail is not None:
            return f"{head}。{tail}"
    return out


rule(r"(?P<inner>no plan satisfies the hard constraints)\. (?P<why>.+)",
     lambda g: f"{zh(g['inner'])}。{_joined(g['why']) or g['why']}")
rule(r"(?P<first>Equity first: .+?; then the weighted sum with it held: )(?P<inner>.+)",
     lambda g: (equity_first(g["first"]) or g["first"]) + zh(g["inner"]))
rule(r"The hard rules conflict with each other\. The smallest relaxation that makes a plan possible: (?P<l>.+)\. "
     r"Relax one of these \(or make the targets soft\) and solve again\.",
     lambda g: "硬性规则相互冲突。使方案可行的最小放宽: " + "; ".join(zh(x) for x in g["l"].split("; "))
     + "。请放宽其中一项 (或将目标改为软目标) 后重新求解。")
rule(r"the hard (?P<mod>\S+) target in (?P<r>.+?) in (?P<y>\d+) is (?P<v>{NUM}) unit\(s\) out of reach",
     "{r} {y} 年的 {mod} 硬性目标还差 {v} 台")
rule(r"the presence rule for (?P<mod>\S+) at (?P<tier>\S+) in (?P<r>.+?) in (?P<y>\d+) is (?P<v>{NUM}) unit\(s\) "
     r"out of reach", "{r} {y} 年{tier}的 {mod} 最低配置规则还差 {v} 台")
rule(r"the total budget would need (?P<v>{NUM}) 万元 more", "总预算还需增加 {v} 万元")
rule(r"the (?P<y>\d+) budget would need (?P<v>{NUM}) 万元 more", "{y} 年预算还需增加 {v} 万元")
rule(r"(?P<r>.+?) in (?P<y>\d+) would need (?P<v>{NUM}) more imaging staff", "{r} {y} 年还需增加 {v} 名影像人员")
rule(r"HiGHS proved that no plan satisfies all hard constraints together, although each passes its own check\. Try: "
     r"(?P<l>.+)", lambda g: "HiGHS 已证明没有方案能同时满足全部硬性约束, 尽管每条约束单独检查都能通过。可尝试: "
     + "; ".join(zh(x) for x in g["l"].split("; ")))
rule(r"make the hard targets of (?P<shown>.+) soft", "将 {shown} 的硬性目标改为软目标")
PHRASES.update({
    "relax policy.min_units": "放宽 policy.min_units",
    "remove or raise budget.per_year_wan_cny": "删除或提高 budget.per_year_wan_cny",
    "turning constraint families off in [constraints] one at a time to find the conflict":
        "在 [constraints] 中逐一关闭各类约束, 找出冲突所在",
})

# --- input errors (planner.errors.InputError: "<file>[, row N][, column 'c']: <problem>[ (value: v)][. Fix: f]"):
# the problems and fixes of planner.data.tables / inputs, planner.config.schema / scenario and planner.errors
# (pydantic's own messages and tomllib's among them) are message codes, said from the Chinese catalog by error_zh;
# no rule is left for them. The frame of an error still in words (an InputError of another module, or one
# given as its English text) is _input_error's, below, its problem and fix through the rules above.


def _table_label(file: str) -> str:
    """'region table (edited)' -> '地区表 (已编辑)'; a file name ('scenario.toml', 'regions.csv (uploaded)') keeps
    its name."""
    for en, cn in TABLES_ZH.items():
        if file == en or file.startswith(en + " ("):
            file = cn + file.removeprefix(en)
            break
    return file.replace(" (edited)", " (已编辑)").replace(" (uploaded)", " (已上传)")


_FRAME = re.compile(r"(?P<file>[^:,]+?)(?:, row (?P<row>\d+))?(?:, column '(?P<col>[^']*)')?: (?P<problem>.+)", re.S)
# a problem about one scenario key: "'budget.total_wan_cny': <pydantic's message>", "eligibility.hosptal: unknown tier"
_KEYED = re.compile(r"(?P<key>'[^']*'|[\w.\[\]-]+): (?P<rest>.+)", re.S)


def _problem(problem: str) -> str | None:
    """The Chinese of an InputError's problem (after the key it is about, if it names one), else None."""
    out = _by_rule(problem)
    if out is None and (m := _KEYED.fullmatch(problem)):
        rest = _by_rule(m["rest"])
        out = None if rest is None else f"{m['key']}: {rest}"
    return out


def _input_error(g: dict, text: str) -> str:
    """The frame of an InputError in Chinese, its problem and fix through the rules above."""
    problem, value, fix = g["problem"], None, None
    if ". Fix: " in problem:
        problem, fix = problem.split(". Fix: ", 1)
    m = re.fullmatch(r"(.*) \(value: (.*)\)", problem, re.S)
    if m:
        problem, value = m.groups()
    inner = _problem(problem)
    if inner is None and not g["row"] and not g["col"]:
        return text  # not an input error this module can say better: leave the sentence whole
    out = _table_label(g["file"])
    if g["row"]:
        out += f", 第 {g['row']} 行"
    if g["col"]:
        out += f", 列 '{g['col']}'"
    out += f": {problem if inner is None else inner}"
    if value is not None:
        out += f" (值: {value})"
    if fix:
        out += f"。修正: {zh(fix)}"
    return out
