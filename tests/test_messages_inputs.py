"""The scenario file's errors are message codes (issue 26, item 2): planner.config.schema's checks, the scenario
file's reading and --set overrides (planner.config.scenario), tomllib's syntax messages and pydantic's own
messages (planner.errors.explain_validation) are said from the catalogs, with no English re-parsed.

Each English reads byte for byte as the f-string it replaces (the old text is written out below), and the
Chinese, said from the error's codes, holds no English word and keeps every number and quoted name.
"""

from __future__ import annotations

import copy
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.config.scenario import TOML_MESSAGES, apply_overrides, read_toml, toml_message, validate
from planner.config.schema import Scenario
from planner.errors import InputError, InputErrors, explain_validation
from planner.messages import Message, msg
from planner.paths import DEFAULT_SCENARIO
from tests.test_chinese_messages import check, english_left


def check_coded(error: InputError) -> str:
    """The error is made of codes (no English string for a rule to parse) and its Chinese passes check()."""
    assert error.coded, (str(error), error.problem, error.fix)
    return check(str(error), error.render("zh"))


def key(k: str, problem: Message) -> Message:
    return msg("validation.at_key", key=k, problem=problem)


DYM = msg("schema.did_you_mean", guess="min_max_shortfall")
# the English of each message as the f-strings wrote it before, then the message as the library now makes it
SCHEMA = [
    ("scenario.toml: 'years': a plan longer than 30 years is not supported: shorten the plan years",
     InputError("scenario.toml", key("years", msg("schema.plan_too_long")))),
    ("scenario.toml: 'years': last_plan_year 2026 is before first_plan_year 2030: swap them",
     InputError("scenario.toml", key("years", msg("schema.last_before_first", last=2026, first=2030)))),
    ("scenario.toml: 'years': first_plan_year 2025 must come after base_year 2025: the plan buys units in the years "
     "after the stock is counted",
     InputError("scenario.toml", key("years", msg("schema.first_after_base", first=2025, base=2025)))),
    ("scenario.toml: 'access': access.cap_minutes = 60 is below access.limit_minutes = 90: set cap_minutes to at least "
     "the limit", InputError("scenario.toml", key("access", msg("schema.cap_below_limit", cap=60.0, limit=90.0)))),
    ("scenario.toml: 'equity.objective': equity.objective = 'min_max_shortfal': did you mean 'min_max_shortfall'? use "
     "one of 'weighted', 'min_max_shortfall', 'min_max_travel'",
     InputError("scenario.toml", key("equity.objective", msg(
         "schema.unknown_objective", value="min_max_shortfal", dym=DYM,
         names="'weighted', 'min_max_shortfall', 'min_max_travel'")))),
    ("scenario.toml: modalities.MOBILE_CT.serves = 'DR', which is itself mobile: a mobile unit performs the exams of a "
     "fixed modality, so set serves to one of ['CT']",
     InputError("scenario.toml", msg("schema.serves_mobile", m="MOBILE_CT", serves="DR", exam_types=["CT"]))),
    ("scenario.toml: modalities.MOBILE_CT.serves = 'XR': a mobile modality must name the fixed modality whose exams it "
     "performs, one of ['CT']",
     InputError("scenario.toml", msg("schema.serves_not_fixed", m="MOBILE_CT", serves="XR", exam_types=["CT"]))),
    ("scenario.toml: modalities.CT.exam_rate_per_1000_per_year is missing: give exams per 1,000 residents per year",
     InputError("scenario.toml", msg("schema.exam_rate_missing", m="CT"))),
    ("scenario.toml: tiers must have distinct ranks (1 = grassroots, higher = referral target)",
     InputError("scenario.toml", msg("schema.ranks_not_distinct"))),
    ("scenario.toml: eligibility.hosptal: unknown tier; did you mean 'hospital'? the tiers are 'clinic', 'hospital'",
     InputError("scenario.toml", msg("schema.eligibility_unknown_tier", t="hosptal",
                                     dym=msg("schema.did_you_mean", guess="hospital"), names="'clinic', 'hospital'"))),
    ("scenario.toml: eligibility.hospital.XX: unknown modality; the modalities are 'CT', 'MRI'",
     InputError("scenario.toml", msg("schema.eligibility_unknown_modality", t="hospital", m="XX", dym="",
                                     names="'CT', 'MRI'"))),
    ("scenario.toml: eligibility.hospital.CT = -1.0: units per facility cannot be negative",
     InputError("scenario.toml", msg("schema.eligibility_negative", t="hospital", m="CT", val=-1.0))),
    ("scenario.toml: referral.MOBILE_CT: not a fixed modality; use one of 'CT', 'DR'",
     InputError("scenario.toml", msg("schema.referral_not_fixed", k="MOBILE_CT", dym="", names="'CT', 'DR'"))),
    ("scenario.toml: referral.CT.hosptal: unknown tier; did you mean 'hospital'? the tiers are 'clinic', 'hospital'",
     InputError("scenario.toml", msg("schema.referral_unknown_tier", k="CT", t="hosptal",
                                     dym=msg("schema.did_you_mean", guess="hospital"), names="'clinic', 'hospital'"))),
    ("scenario.toml: referral.CT.hospital = 1.5: a share of demand must be a number from 0 to 1 (e.g. 0.3 for 30 %)",
     InputError("scenario.toml", msg("schema.share_out_of_range", k="CT", t="hospital", share=1.5))),
    ("scenario.toml: referral.CT shares add up to 0.9000, not 1: make them sum to 1 (they are shares of CT demand, "
     "e.g. 0.3 and 0.7)", InputError("scenario.toml", msg("schema.shares_not_one", k="CT", total=0.9))),
    ("scenario.toml: referral.MRI is missing: say which share of MRI demand presents at each tier",
     InputError("scenario.toml", msg("schema.referral_missing", k="MRI"))),
    ("scenario.toml: budget: give either per_year_wan_cny or even_yearly_tranches = true, not both (the tranches are "
     "(total - committed) / years)", InputError("scenario.toml", msg("schema.budget_both"))),
    ("scenario.toml: budget.per_year_wan_cny has 2 numbers but the plan has 5 years (2026-2030): give one number per "
     "plan year", InputError("scenario.toml", msg("schema.per_year_count", n=2, years=5, s="s", first=2026,
                                                  last=2030))),
    ("scenario.toml: budget.per_year_wan_cny has 2 numbers but the plan has 1 year (2026-2026): give one number per "
     "plan year", InputError("scenario.toml", msg("schema.per_year_count", n=2, years=1, s="", first=2026,
                                                  last=2026))),
    ("scenario.toml: access.exam_types: 'MOBILE_CT' is not a fixed modality; use some of 'CT', 'DR'",
     InputError("scenario.toml", msg("schema.access_not_fixed", k="MOBILE_CT", dym="", names="'CT', 'DR'"))),
    ("scenario.toml: equity.modalities: unknown modality 'MIR'; did you mean 'MRI'? the modalities are 'CT', 'MRI'",
     InputError("scenario.toml", msg("schema.equity_unknown_modality", m="MIR",
                                     dym=msg("schema.did_you_mean", guess="MRI"), names="'CT', 'MRI'"))),
    ("scenario.toml: equity.modalities: 'DR' has no per-million target, so no shortfall: set "
     "modalities.DR.target_per_million or leave 'DR' out", InputError("scenario.toml", msg("schema.equity_no_target",
                                                                                          m="DR"))),
    ("scenario.toml: equity on travel needs access: set access.exam_types (e.g. ['CT'])",
     InputError("scenario.toml", msg("schema.travel_needs_access"))),
    ("scenario.toml: equity on shortfall needs a per-million target: set target_per_million for a modality, or list "
     "modalities in equity.modalities", InputError("scenario.toml", msg("schema.shortfall_needs_target"))),
    ("scenario.toml: policy.min_units[0]: unknown tier 'clinc' or modality 'CT'",
     InputError("scenario.toml", msg("schema.min_units_unknown", i=0, tier="clinc", mod="CT"))),
    ("scenario.toml: 'budget.total_wan_cny': 150,000,000,000 万元 is more than 1 trillion yuan: this looks like an "
     "amount in yuan (元). Divide by 10,000 to give 万元 (here 15,000,000) (value: 150000000000)",
     InputError("scenario.toml", key("budget.total_wan_cny", msg("schema.budget_in_yuan", v=1.5e11, wan=1.5e7)),
                value=1.5e11)),
    ("scenario.toml: 'modalities.CT.price_wan_cny': 1,370,000 万元 (over 10亿元) for one unit: this is probably a price "
     "in yuan (元). Divide by 10,000 to give 万元 (here 137)",
     InputError("scenario.toml", key("modalities.CT.price_wan_cny",
                                     msg("schema.price_in_yuan", v=1.37e6, wan=137.0)))),
    ("scenario.toml: 'budget.total_wan_cny': 0.5 万元 is less than 10,000 yuan, too little to buy any unit: this looks "
     "like an amount in 亿元. Multiply by 10,000 to give 万元 (here 5,000)",
     InputError("scenario.toml", key("budget.total_wan_cny", msg("schema.budget_in_yi", v=0.5, wan=5000.0)))),
    ("scenario.toml: 'budget': committed_wan_cny 600 exceeds total_wan_cny 500: raise the total or lower the committed "
     "spend", InputError("scenario.toml", key("budget", msg("schema.committed_over_total", committed=600.0,
                                                              total=500.0)))),
    # planner.config.scenario
    ("models/x.toml: scenario file not found. Fix: check the path; scenarios live in models/",
     InputError("models/x.toml", msg("scenario_file.file_not_found"), fix=msg("scenario_file.fix_check_path"))),
    ("x.toml: not UTF-8 text (first non-UTF-8 character on line 3). Fix: save the scenario as UTF-8 (Notepad: Save As "
     "> Encoding: UTF-8)", InputError("x.toml", msg("scenario_file.not_utf8", line=3),
                                     fix=msg("scenario_file.fix_save_utf8"))),
    ("--set: 'budget' is not of the form key.path=value. Fix: write e.g. --set budget.total_wan_cny=500000",
     InputError("--set", msg("scenario_file.not_key_value", item="budget"), fix=msg("scenario_file.fix_write_set"))),
    ("--set: '=5' has an empty key. Fix: write e.g. budget.total_wan_cny=500000",
     InputError("--set", msg("scenario_file.empty_key", item="=5"), fix=msg("scenario_file.fix_write_key"))),
    ("--set: 'name' is a value, not a section. Fix: set 'name' itself",
     InputError("--set", msg("scenario_file.value_not_section", key="name"),
                fix=msg("scenario_file.fix_set_itself", key="name"))),
]


@pytest.mark.parametrize("english, error", SCHEMA, ids=[en[:70] for en, _ in SCHEMA])
def test_scenario_messages_read_as_before_and_are_chinese(english, error):
    assert str(error) == english
    check_coded(error)


# ------------------------------------------------------------------------------ raised by the library itself
def baseline() -> dict:
    return copy.deepcopy(read_toml(DEFAULT_SCENARIO))


def errors_of(raw: dict) -> list[InputError]:
    with pytest.raises(InputErrors) as exc:
        validate(raw, "scenario.toml")
    return exc.value.errors


def _set(path: str, value):
    def change(raw):
        *parents, last = path.split(".")
        node = raw
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return change


def _drop(path: str):
    def change(raw):
        *parents, last = path.split(".")
        node = raw
        for p in parents:
            node = node[p]
        del node[last]
    return change


LIBRARY = [  # a change to the shipped scenario, and the English of the one error it makes
    (_set("years.last_plan_year", 2060), "'years': a plan longer than 30 years is not supported: shorten the plan years"),
    (_set("budget.total_wan_cny", 1.5e12), "'budget.total_wan_cny': 1,500,000,000,000 万元 is more than 1 trillion "
     "yuan: this looks like an amount in yuan (元). Divide by 10,000 to give 万元 (here 150,000,000)"),
    (_set("budget.committed_wan_cny", 2e7), "'budget': committed_wan_cny 20,000,000 exceeds total_wan_cny 15,000,000: "
     "raise the total or lower the committed spend"),
    (_set("equity.objective", "min_max_shortfal"), "'equity.objective': equity.objective = 'min_max_shortfal': did you "
     "mean 'min_max_shortfall'? use one of 'efficiency', 'min_max_shortfall', 'min_max_travel'"),
    (_set("eligibility.tertary", {"CT": 1}), "eligibility.tertary: unknown tier; did you mean 'tertiary'? the tiers are "
     "'grassroots', 'secondary', 'tertiary'"),
    (_set("referral.CT.tertiary", 0.5), "referral.CT shares add up to 1.0500, not 1: make them sum to 1 (they are "
     "shares of CT demand, e.g. 0.3 and 0.7)"),
    (_set("budget.per_year_wan_cny", [1.0, 2.0]), "budget: give either per_year_wan_cny or even_yearly_tranches = "
     "true, not both (the tranches are (total - committed) / years)"),
    (_drop("referral.MRI"), "referral.MRI is missing: say which share of MRI demand presents at each tier"),
    (_set("equity.modalities", ["MIR"]), "equity.modalities: unknown modality 'MIR'; did you mean 'MRI'? the "
     "modalities are 'CT', 'MRI', 'DR', 'MOBILE_CT', 'MOBILE_DR'"),
    # pydantic's own messages, rebuilt from the error's type and ctx
    (_set("modalities.CT.capacity_exams_per_unit_per_year", 0), "'modalities.CT.capacity_exams_per_unit_per_year': "
     "Input should be greater than 0"),
    (_set("years.population_growth_pct_per_year", 7), "'years.population_growth_pct_per_year': Input should be less "
     "than or equal to 5"),
    (_set("solver.threads", 1.5), "'solver.threads': Input should be a valid integer, got a number with a fractional "
     "part"),
    (_set("budget.include_running_cost", "maybe"), "'budget.include_running_cost': Input should be a valid boolean, "
     "unable to interpret input"),
    (_set("weights.capital_valuation", "full"), "'weights.capital_valuation': Input should be 'full_price' or "
     "'annualised'"),
    (_set("budget.total_wan_cny", "三百万"), "'budget.total_wan_cny': Input should be a valid number, unable to parse "
     "string as a number"),
]


@pytest.mark.parametrize("change, english", LIBRARY, ids=[en[:60] for _, en in LIBRARY])
def test_the_scenario_checks_raise_codes(change, english):
    raw = baseline()
    change(raw)
    [error] = errors_of(raw)
    assert str(error.problem) == english
    assert str(error).startswith(f"scenario.toml: {english}")
    chinese = check_coded(error)
    assert "Input should" not in chinese and "did you mean" not in chinese


def test_a_schema_error_keeps_its_message_for_explain_validation():
    """pydantic keeps the ValueError a validator raised (ctx['error']): its Message is what explain_validation says."""
    raw = baseline()
    raw["years"]["last_plan_year"] = 2020
    with pytest.raises(ValidationError) as exc:
        Scenario.model_validate(raw)
    [err] = exc.value.errors()
    assert err["ctx"]["error"].args[0] == msg("schema.last_before_first", last=2020, first=2026)
    assert err["msg"] == "Value error, last_plan_year 2020 is before first_plan_year 2026: swap them"
    [error] = explain_validation("scenario.toml", exc.value, Scenario).errors
    assert error.render("zh") == "scenario.toml: 'years': last_plan_year 2020 早于 first_plan_year 2026: 请对调两者"


class _Sub(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int = 1


class _Checked(BaseModel):
    """One field per kind of pydantic error explain_validation meets in a scenario."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    gt: float = Field(1, gt=0)
    ge: float = Field(1, ge=0.5)
    lt: float = Field(1, lt=10)
    le: int = Field(1, le=10_000)
    whole: int = 1
    flag: bool = True
    text: str = ""
    items: list[float] = Field(default_factory=list, min_length=1)
    kind: Literal["full_price", "annualised"] = "full_price"
    three: Literal["a", "b", "c"] = "a"
    sub: _Sub = Field(default_factory=_Sub)
    needed: float


@pytest.mark.parametrize("data", [
    {"gt": 0}, {"ge": 0}, {"lt": 10}, {"le": 50_000}, {"gt": "三百万"}, {"whole": "two"}, {"whole": 1.5},
    {"flag": "maybe"}, {"text": 5}, {"items": []}, {"items": 5}, {"kind": "full"}, {"three": "d"}, {"sub": 5},
    {"gt": float("inf")}, {"gt": float("nan")}, {"gt": [1]},
], ids=str)
def test_pydantic_messages_are_codes_that_read_as_pydantic_writes_them(data):
    with pytest.raises(ValidationError) as exc:
        _Checked.model_validate({"needed": 1.0, **data})
    [err] = exc.value.errors()
    [error] = explain_validation("scenario.toml", exc.value, _Checked).errors
    assert error.problem.code == "validation.at_key"
    assert error.problem.params["problem"].code.startswith("pydantic."), error.problem
    assert str(error.problem) == f"'{'.'.join(map(str, err['loc']))}': {err['msg']}"   # pydantic's English, as is
    check_coded(error)


def test_an_unknown_pydantic_message_is_passed_on_in_english():
    """A type with no code (here a date pydantic cannot parse) keeps pydantic's words, as a plain string."""
    import datetime

    from pydantic import BaseModel

    class Dated(BaseModel):
        when: datetime.date

    with pytest.raises(ValidationError) as exc:
        Dated.model_validate({"when": "soon"})
    [error] = explain_validation("scenario.toml", exc.value, Dated).errors
    assert error.problem == f"'when': {exc.value.errors()[0]['msg']}" and not error.coded


def test_a_bound_pydantic_prints_otherwise_falls_back_to_its_english():
    """The code is used only when it reads exactly as pydantic's English: a bound of 1e-07 (pydantic: 0.0000001)."""
    from pydantic import BaseModel, Field

    class Tiny(BaseModel):
        x: float = Field(gt=1e-7)

    with pytest.raises(ValidationError) as exc:
        Tiny.model_validate({"x": 0})
    [error] = explain_validation("scenario.toml", exc.value, Tiny).errors
    assert str(error.problem) == f"'x': {exc.value.errors()[0]['msg']}"


# ------------------------------------------------------------------------------ the scenario file and --set
@pytest.mark.parametrize("toml, english", [
    ("total_wan_cny = 300万", "not valid TOML: Expected newline or end of document after a statement (at line 1, "
                             "column 20): total_wan_cny = 300万"),
    ("[budget\ntotal = 1", "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 8): "
                           "[budget"),
    ("a = 1\na = 2", "not valid TOML: Cannot overwrite a value (at end of document)"),
    ("a = 1\na = 2\n", "not valid TOML: Cannot overwrite a value (at line 2, column 6): a = 2"),
    ('a = "never closed', 'not valid TOML: Unterminated string (at end of document)'),
    ("a = [1, 2", "not valid TOML: Unclosed array (at end of document)"),
    ("= 3", "not valid TOML: Invalid statement (at line 1, column 1): = 3"),
    ("a = 1979-13-45", "not valid TOML: Expected newline or end of document after a statement (at line 1, column 9): "
                       "a = 1979-13-45"),
    ("a = {b = 1, b = 2}", "not valid TOML: Duplicate inline table key 'b' (at line 1, column 18): a = {b = 1, b = 2}"),
    ("[a]\nb = 1\n[a]", "not valid TOML: Cannot declare ('a',) twice (at line 3, column 3): [a]"),
    ("a = tru", "not valid TOML: Invalid value (at line 1, column 5): a = tru"),
    ('a = "\\q"', "not valid TOML: Unescaped '\\' in a string (at line 1, column 8): a = \"\\q\""),
], ids=repr)
def test_toml_syntax_errors_are_codes(toml, english, tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_toml(path, label="scenario.toml")
    error = exc.value
    assert str(error.problem) == english
    assert str(error.fix) == 'correct the syntax at that line (text values need "quotes", numbers none)'
    chinese = check_coded(error)
    detail = error.problem.params["detail"]
    assert detail.code != "toml.other", detail           # tomllib's message is known, not passed on in English
    assert "`" not in chinese.split("TOML: ")[1][:3], chinese


def test_every_tomllib_message_reads_as_tomllib_writes_it():
    samples = {"toml.expected": "Expected ']'", "toml.invalid_character": "Found invalid character '\\x00'",
               "toml.declared_twice": "Cannot declare ('a',) twice",
               "toml.immutable_namespace": "Cannot mutate immutable namespace ('a', 'b')",
               "toml.redefined_namespace": "Cannot redefine namespace ('a',)",
               "toml.duplicate_inline_key": "Duplicate inline table key 'b'",
               "toml.illegal_character": "Illegal character '\\n'",
               "toml.unescaped_backslash": "Unescaped '\\' in a string"}
    for pattern, code in TOML_MESSAGES:
        english = samples.get(code, pattern.replace("\\", ""))   # a fixed message: its pattern without escapes
        found = toml_message(english)
        assert found.code == code and str(found) == english, (code, english, found)
        assert not english_left(found.render("zh").replace(found.params.get("x", ""), "")), found.render("zh")
    unknown = toml_message("Something tomllib says one day")
    assert unknown.code == "toml.other" and unknown.render("zh") == "`Something tomllib says one day`"


def test_a_scenario_file_that_is_missing_or_not_utf8(tmp_path):
    with pytest.raises(InputError) as exc:
        read_toml(tmp_path / "nothing.toml", label="models/x.toml")
    assert exc.value.render("zh") == "models/x.toml: 找不到情景文件。修正: 请检查路径; 情景文件在 models/ 文件夹中"
    path = tmp_path / "gbk.toml"
    path.write_bytes("name = 'a'\n\ntitle = '全国'\n".encode("gbk"))
    with pytest.raises(InputError) as exc:
        read_toml(path, label="gbk.toml")
    assert str(exc.value) == ("gbk.toml: not UTF-8 text (first non-UTF-8 character on line 3). Fix: save the scenario "
                              "as UTF-8 (Notepad: Save As > Encoding: UTF-8)")
    check_coded(exc.value)


@pytest.mark.parametrize("override, english", [
    ("budget", "--set: 'budget' is not of the form key.path=value. Fix: write e.g. --set budget.total_wan_cny=500000"),
    ("=5", "--set: '=5' has an empty key. Fix: write e.g. budget.total_wan_cny=500000"),
    ("name.x=1", "--set: 'name' is a value, not a section. Fix: set 'name' itself"),
])
def test_overrides(override, english):
    with pytest.raises(InputError) as exc:
        apply_overrides(baseline(), [override])
    assert str(exc.value) == english
    check_coded(exc.value)


def test_set_budget_below_committed_is_the_schema_message():
    from planner import Planner

    p = Planner.from_file(DEFAULT_SCENARIO)
    p.inputs.scenario.budget.committed_wan_cny = 1000.0
    with pytest.raises(InputError) as exc:
        p.set_budget(total_wan=500)
    assert str(exc.value) == ("budget.total_wan_cny: committed_wan_cny 1,000 exceeds total_wan_cny 500: raise the "
                              "total or lower the committed spend")
    check_coded(exc.value)


def test_the_cli_says_a_scenario_error_in_chinese(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("total_wan_cny = 300万\n", encoding="utf-8")
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["--lang", "zh", "check", str(bad)])
    said = res.output
    assert res.exit_code != 0
    assert "不是有效的 TOML: 语句之后应换行 (或文件结束) (第 1 行, 第 20 列): `total_wan_cny = 300万`" in said, said
    assert "not valid TOML" not in said and "Expected newline" not in said, said
