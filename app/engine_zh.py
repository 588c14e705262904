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
from planner.messages.labels import labels_of
from planner_app.i18n import lang

TIER_ZH, MODALITY_ZH = labels_of("tier", "zh"), labels_of("modality", "zh")   # the labels catalog's

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
