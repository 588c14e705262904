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
planner.errors' own words are codes already, and so are planner.planning.checks (warnings, pre-solve errors,
explain_infeasible), verify, results (marginal values), solve (the status messages) and planner.reporting.summary's
digest: ``say(message)`` / ``message_zh``. The rules below are for the messages not converted yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from planner.errors import InputError, InputErrors
from planner.messages import Message
from planner_app.i18n import MODALITY_ZH, TIER_ZH, lang

STATUS_WORDS = {"optimal": "最优", "time_limit": "时间上限内的最佳方案", "no_solution": "时间上限内未找到方案",
                "infeasible": "没有满足全部约束的方案", "interrupted": "已停止: 目前最佳方案",
                "quick": "即时方案", "unbounded": "目标无界", "error": "求解器出错"}
TABLES_ZH = {"region table": "地区表", "stock table": "现有设备表", "facilities table": "机构表",
             "staff table": "人员表", "travel table": "出行时间表", "scenario": "情景"}

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


# --- pre-solve errors, marginal values and solve status (planner.planning.checks / results / solve / pipeline /
# lexicographic, the families' dual_words, planner.reporting.summary) are message codes: the app says them from the
# Chinese catalog. What stays is for the English status_message of a run's summary.json, which widgets.status_text and
# quick_how read (the words of what a quick plan changed; equity_first and STATUS_WORDS above).
QUICK_HOW = (r"(?P<n>[\d,]+) (?P<how>unit\(s\) added with the larger budget|"
             r"purchase\(s\) dropped to fit the smaller budget)")


def _quick_how(g) -> str:
    return f"预算增加, 新增 {g['n']} 台设备" if g["how"].startswith("unit") else f"为适应较小的预算, 删去 {g['n']} 项购置"


def quick_change(message: str) -> str | None:
    """The Chinese of what a quick plan changed ('223 purchase(s) dropped ...') in its status message, or None."""
    m = re.search(QUICK_HOW, message)
    return None if m is None else _quick_how(m)


# --- input errors (planner.errors.InputError: "<file>[, row N][, column 'c']: <problem>[ (value: v)][. Fix: f]"):
# the problems and fixes of planner.data.tables, planner.data.inputs, planner.config.schema / scenario and
# planner.errors (pydantic's own messages among them); the frame around them is _input_error's, below.
# Names the planner typed or searches for in their file ('population', 'hosptial', eligibility.clinic.CT) and
# literal text they must type (`true`, `sheet = "人口"`) stay as written.
DYM = r"(?:did you mean '(?P<dym>[^']*)'\? )?"
WHAT_ZH = {"tier": "层级", "modality": "设备类型", "code": "地区代码", "region code": "地区代码",
           "region code (not in the region table)": "地区代码 (不在地区表中)"}
PHRASES.update({
    # the scenario's tables (planner.data.inputs)
    "check regions.include_parent in the scenario": "请检查情景文件中的 regions.include_parent",
    "existing stock is what is installed by the end of the base year: leave later purchases out, or move "
    "years.base_year": "现有设备指基准年末已安装的设备: 请去掉之后的购置, 或调整 years.base_year",
    "the travel table has neither a 'minutes' nor a 'km' column": "出行时间表既没有 'minutes' 列, 也没有 'km' 列",
    "name the travel column 'minutes' (travel time) or 'km' (road distance)":
        "请将出行列命名为 'minutes' (出行时间) 或 'km' (道路距离)",
    # the scenario file (planner.config.schema, planner.config.scenario, planner.errors)
    "a plan longer than 30 years is not supported: shorten the plan years": "不支持超过 30 年的规划: 请缩短规划年份",
    "tiers must have distinct ranks (1 = grassroots, higher = referral target)":
        "各层级的 `rank` 必须互不相同 (1 = 基层, 越大 = 越高的转诊层级)",
    "budget: give either per_year_wan_cny or even_yearly_tranches = true, not both (the tranches are "
    "(total - committed) / years)":
        "[budget]: per_year_wan_cny 和 `even_yearly_tranches = true` 只能给出其一 (分期额 = (总额 - 已承诺支出) / 年数)",
    "equity on travel needs access: set access.exam_types (e.g. ['CT'])":
        "出行时间公平需要可及性设置: 请设置 access.exam_types (如 ['CT'])",
    "equity on shortfall needs a per-million target: set target_per_million for a modality, or list modalities in "
    "equity.modalities": "差距公平需要每百万人目标: 请为某一设备类型设置 target_per_million, 或在 equity.modalities 中列出设备类型",
    "scenario file not found": "找不到情景文件",
    "check the path; scenarios live in models/": "请检查路径; 情景文件在 models/ 文件夹中",
    "save the scenario as UTF-8 (Notepad: Save As > Encoding: UTF-8)":
        "请将情景文件另存为 UTF-8 编码 (记事本: 另存为 > 编码: UTF-8)",
    'correct the syntax at that line (text values need "quotes", numbers none)':
        '请修正该行的语法 (文本值要加 "引号", 数字不加)',
    # pydantic's own messages (after the key they are about)
    "Input should be a finite number": "必须是有限的数", "Field required": "缺少此项",
    "Extra inputs are not permitted": "不允许多余的键",
})
# the scenario's tables (planner.data.inputs)
rule(r"unknown (?P<w>tier|modality|code|region code(?: \(not in the region table\))?)",
     lambda g: "未知的" + WHAT_ZH[g["w"]])
rule(r"did you mean '(?P<x>[^']*)'\?", "是否应为 '{x}'?")
rule(r"use a value listed in the (?P<w>tier|modality|region code)s, e.g. (?P<l>.+)",
     lambda g: f"请使用已列出的{WHAT_ZH[g['w']]}, 如 {g['l']}")
rule(r"no region has code or parent_code in (?P<l>.+)", "没有地区的 `code` 或 `parent_code` 属于 {l}")
rule(r"installed in (?P<y>\d+), after the base year (?P<b>\d+)", "安装于 {y} 年, 晚于基准年 {b}")
rule(r"(?P<mod>\S+) units at tier '(?P<t>[^']*)', which the scenario says cannot hold (?P=mod)",
     "{mod} 设备位于层级 '{t}', 但情景规定该层级不能配置 {mod}")
rule(r"move these units to another tier, or allow it with (?P<k>eligibility\.\S+) > 0 in the scenario",
     "请把这些设备移到其他层级, 或在情景文件中设 {k} > 0 以允许配置")
# the scenario file (planner.config.schema)
rule(r"(?P<v>{NUM}) 万元 is more than 1 trillion yuan: this looks like an amount in yuan \(元\)\. Divide by 10,000 to "
     r"give 万元 \(here (?P<h>{NUM})\)", "{v} 万元 超过 1 万亿元: 这看起来是以元为单位的金额。请除以 10,000 换算为万元 (即 {h})")
rule(r"(?P<v>{NUM}) 万元 \(over 10亿元\) for one unit: this is probably a price in yuan \(元\)\. Divide by 10,000 to "
     r"give 万元 \(here (?P<h>{NUM})\)", "单台 {v} 万元 (超过 10亿元): 这很可能是以元为单位的价格。请除以 10,000 换算为万元 (即 {h})")
rule(r"(?P<v>\S+) 万元 is less than 10,000 yuan, too little to buy any unit: this looks like an amount in 亿元\. "
     r"Multiply by 10,000 to give 万元 \(here (?P<h>{NUM})\)",
     "{v} 万元 不足 10,000 元, 买不了任何设备: 这看起来是以亿元为单位的金额。请乘以 10,000 换算为万元 (即 {h})")
rule(r"committed_wan_cny (?P<c>{NUM}) exceeds total_wan_cny (?P<t>{NUM}): raise the total or lower the committed spend",
     "committed_wan_cny {c} 超过 total_wan_cny {t}: 请提高总额或降低已承诺支出")
rule(r"“(?P<a>[^”]+)” (?P<c>{NUM}) exceeds “(?P<b>[^”]+)” (?P<t>{NUM}): raise the total or lower the committed spend",
     "“{a}” {c} 超过 “{b}” {t}: 请提高总额或降低已承诺支出")
rule(r"last_plan_year (?P<a>\d+) is before first_plan_year (?P<b>\d+): swap them",
     "last_plan_year {a} 早于 first_plan_year {b}: 请对调两者")
rule(r"first_plan_year (?P<a>\d+) must come after base_year (?P<b>\d+): the plan buys units in the years after the "
     r"stock is counted", "first_plan_year {a} 必须晚于 base_year {b}: 规划在统计现有设备的年份之后购置设备")
rule(r"access\.cap_minutes = (?P<c>\S+) is below access\.limit_minutes = (?P<l>\S+): set cap_minutes to at least the "
     r"limit", "access.cap_minutes = {c} 低于 access.limit_minutes = {l}: 请将 cap_minutes 设为不小于该限值")
rule(rf"equity\.objective = (?P<v>'[^']*'): {DYM}use one of (?P<l>.+)", "equity.objective = {v}: {dym}请使用以下之一: {l}")
rule(r"modalities\.(?P<m>\S+)\.serves = (?P<v>'[^']*'), which is itself mobile: a mobile unit performs the exams of a "
     r"fixed modality, so set serves to one of (?P<l>.+)",
     "modalities.{m}.serves = {v} 本身是移动设备: 移动设备做的是某种固定设备类型的检查, 请将 `serves` 设为 {l} 之一")
rule(r"modalities\.(?P<m>\S+)\.serves = (?P<v>'[^']*'): a mobile modality must name the fixed modality whose exams it "
     r"performs, one of (?P<l>.+)", "modalities.{m}.serves = {v}: 移动设备类型须指明它做哪种固定设备类型的检查, 为 {l} 之一")
rule(r"modalities\.(?P<m>\S+)\.exam_rate_per_1000_per_year is missing: give exams per 1,000 residents per year",
     "缺少 modalities.{m}.exam_rate_per_1000_per_year: 请给出每 1,000 名居民每年的检查次数")
rule(rf"unknown (?P<w>tier|modality); {DYM}the (?:tiers|modalities) are (?P<l>.+)",
     lambda g: f"未知的{WHAT_ZH[g['w']]}; {_fill('{dym}', g)}{WHAT_ZH[g['w']]}有 {g['l']}")
rule(rf"unknown modality '(?P<k>[^']*)'; {DYM}the modalities are (?P<l>.+)", "未知的设备类型 '{k}'; {dym}设备类型有 {l}")
rule(r"(?P<k>\S+) = (?P<v>\S+): units per facility cannot be negative", "{k} = {v}: 每机构设备数不能为负")
rule(rf"not a fixed modality; {DYM}use one of (?P<l>.+)", "不是固定设备类型; {dym}请使用以下之一: {l}")
rule(rf"'(?P<k>[^']*)' is not a fixed modality; {DYM}use some of (?P<l>.+)", "'{k}' 不是固定设备类型; {dym}请从以下中选用: {l}")
rule(r"(?P<k>\S+) = (?P<v>\S+): a share of demand must be a number from 0 to 1 \(e\.g\. 0\.3 for 30 %\)",
     "{k} = {v}: 需求份额必须是 0 到 1 之间的数 (如 0.3 表示 30 %)")
rule(r"referral\.(?P<k>\S+) shares add up to (?P<s>[\d.]+), not 1: make them sum to 1 \(they are shares of (?P=k) "
     r"demand, e\.g\. 0\.3 and 0\.7\)", "referral.{k} 各层级份额合计 {s}, 不等于 1: 请使其合计为 1 (它们是 {k} 需求的份额, 如 0.3 和 0.7)")
rule(r"referral\.(?P<k>\S+) is missing: say which share of (?P=k) demand presents at each tier",
     "缺少 referral.{k}: 请给出 {k} 需求在各层级就诊的份额")
rule(r"budget\.per_year_wan_cny has (?P<n>\d+) numbers but the plan has (?P<y>\d+) years? \((?P<a>\d+)-(?P<b>\d+)\): "
     r"give one number per plan year", "budget.per_year_wan_cny 有 {n} 个数, 但规划有 {y} 年 ({a}-{b}): 请为每个规划年给出一个数")
rule(r"'(?P<k>[^']*)' has no per-million target, so no shortfall: set modalities\.(?P=k)\.target_per_million or leave "
     r"'(?P=k)' out", "'{k}' 没有每百万人目标, 因此没有差距可言: 请设置 modalities.{k}.target_per_million, 或去掉 '{k}'")
rule(r"unknown tier '(?P<t>[^']*)' or modality '(?P<m>[^']*)'", "未知的层级 '{t}' 或设备类型 '{m}'")
# the scenario file (planner.config.scenario, planner.errors)
rule(r"not UTF-8 text \(first non-UTF-8 character on line (?P<n>\d+)\)", "不是 UTF-8 文本 (第一个非 UTF-8 字符在第 {n} 行)")
TOML_ZH = [  # tomllib's messages (Python 3.11+ tomllib._parser), the parser's detail of "not valid TOML"
    (r"Invalid statement", "无效的语句"),
    (r"Expected newline or end of document after a statement", "语句之后应换行 (或文件结束)"),
    (r"Expected (?P<x>'.*')", "此处应为 {x}"), (r"Found invalid character (?P<x>'.*')", "发现无效字符 {x}"),
    (r"Cannot declare (?P<x>.+) twice", "不能两次声明 `{x}`"), (r"Cannot overwrite a value", "不能覆盖已有的值"),
    (r"Expected '\]' at the end of a table declaration", "表头 [...] 末尾应为 ']'"),
    (r"Expected '\]\]' at the end of an array declaration", "数组表头 [[...]] 末尾应为 ']]'"),
    (r"Cannot mutate immutable namespace (?P<x>.+)", "不能修改已定义的表 `{x}`"),
    (r"Cannot redefine namespace (?P<x>.+)", "不能重新定义表 `{x}`"),
    (r"Expected '=' after a key in a key/value pair", "键之后应为 '=' (键 = 值)"),
    (r"Invalid initial character for a key part", "键以无效字符开头"), (r"Unclosed array", "数组缺少右括号 ']'"),
    (r"Duplicate inline table key (?P<x>'.*')", "内联表中的键 {x} 重复"), (r"Unclosed inline table", "内联表缺少右括号 '}}'"),
    (r"Unescaped '\\' in a string", "字符串中有未转义的 '\\'"), (r"Invalid hex value", "无效的十六进制值"),
    (r"Escaped character is not a Unicode scalar value", "转义字符不是有效的 Unicode 字符"),
    (r"Unterminated string", "字符串缺少结尾引号"), (r"Illegal character (?P<x>'.*')", "非法字符 {x}"),
    (r"Invalid date or datetime", "无效的日期或时间"), (r"Invalid value", "无效的值"),
]


def _toml(g: dict) -> str:
    """'not valid TOML: <tomllib's message> (at line N, column M): <the line>': the message a known one in Chinese,
    else kept in backticks as the parser wrote it; the line as written in the file, in backticks."""
    detail = next((_fill(cn, m.groupdict()) for en, cn in TOML_ZH if (m := re.fullmatch(en, g["e"]))), f"`{g['e']}`")
    at = "文件末尾" if g["l"] is None else f"第 {g['l']} 行, 第 {g['c']} 列"
    return f"不是有效的 TOML: {detail} ({at})" + ("" if g["line"] is None else f": `{g['line']}`")


rule(r"not valid TOML: (?P<e>.*?) \((?:at line (?P<l>\d+), column (?P<c>\d+)|at end of document)\)(?:: (?P<line>.*))?",
     _toml)
rule(r"'(?P<i>[^']*)' is not of the form key\.path=value", "'{i}' 不是 `key.path=value` 的形式")
rule(r"write e\.g\. (?P<x>.+)", "例如写成 `{x}`")
rule(r"'(?P<i>[^']*)' has an empty key", "'{i}' 的键为空")
rule(r"'(?P<k>[^']*)' is a value, not a section", "'{k}' 是一个值, 其下不能再有键")
rule(r"set '(?P<k>[^']*)' itself", "请直接设置 '{k}'")
# pydantic's messages (planner.errors.explain_validation passes them on after the key)
rule(r"Input should be (?P<w>greater than or equal to|greater than|less than or equal to|less than) (?P<b>\S+)",
     lambda g: {"greater than": "必须大于", "greater than or equal to": "不得小于", "less than": "必须小于",
                "less than or equal to": "不得大于"}[g["w"]] + f" {g['b']}")
VALID_ZH = {"number": "数字", "integer": "整数", "boolean": "布尔值 (`true` 或 `false`)", "string": "文本",
            "list": "列表 (如 [1, 2])", "dictionary": "表 (TOML 的 [...] 部分)", "date": "日期", "datetime": "日期时间"}
WHY_ZH = {"unable to parse string as a number": "无法把文本解析为数字", "unable to parse string as an integer":
          "无法把文本解析为整数", "got a number with a fractional part": "给出的数有小数部分",
          "unable to interpret input": "无法识别输入"}
rule(r"Input should be a valid (?P<w>{})(?: or instance of \w+)?(?:, (?P<why>{}))?".format(
    "|".join(VALID_ZH), "|".join(WHY_ZH)),
    lambda g: "必须是有效的" + VALID_ZH[g["w"]] + (f", {WHY_ZH[g['why']]}" if g["why"] else ""))
rule(r"Input should be (?P<l>'[^']*'(?:, '[^']*')*(?: or '[^']*')?)",
     lambda g: "必须是 " + g["l"].replace(" or ", " 或 ") + (" 之一" if " or " in g["l"] else ""))
rule(r"Input should be a multiple of (?P<n>\S+)", "必须是 {n} 的倍数")
rule(r"(?P<w>List|String) should have (?P<m>at least|at most) (?P<n>\d+) (?:items?|characters?)(?: after validation)?"
     r"(?:, not (?P<k>\d+))?",
     lambda g: ("列表" if g["w"] == "List" else "文本") + ("至少" if g["m"] == "at least" else "最多") + f"应有 {g['n']} "
     + ("项" if g["w"] == "List" else "个字符") + (f", 实际为 {g['k']}" if g["k"] else ""))


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
