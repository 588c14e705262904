"""The library's messages in Chinese, from the catalogs: no English word left, nothing dropped.

Every message of the bad-input corpus (tests/test_bad_corpus.py, EXPECTED), the families around them (every
column hint of planner.data.tables), the verifier's violations and the pre-solve warnings are said in
Chinese from their message codes (the pre-solve errors, marginal values and solve status messages:
tests/test_messages_status.py); the Chinese must hold no English word outside the app's allow-list
(tests/test_app_chinese.py) and must keep the file name and every number and '...'-quoted token of the
English. Nothing is translated from English text: the module that did, app/engine_zh.py, is gone. The scenario file's errors (planner.config.schema / scenario,
pydantic's and tomllib's messages) are held to the same in tests/test_messages_inputs.py.
"""

from __future__ import annotations

import os
import re

import pytest

from planner import Planner
from planner.errors import InputError, PlannerError
from planner.messages import Message, msg
from tests.test_app_chinese import english_words
from tests.test_bad_corpus import EXPECTED, build

# Latin-letter names Chinese planners write as they are, besides the app's allow-list (ALLOWED there).
NAMES = {
    "Word": "Microsoft Word: 'Word 文档' is how Chinese users name a .docx",
    "WPS": "WPS Office, the Chinese office suite",
    "PDF": "the file format, written PDF in Chinese too",
    "KB": "unit of a file size, as MB",
}
# Kept out of the scan, each with its reason:
KEPT = [
    # what the planner typed or a name they search for in their file stays as written: a column key
    # ('population'), a value ('maybe', 'hosptial'), a suggested code ('hospital'), a sheet name ('人口')
    re.compile(r"'[^']*'"),
    # the value of a cell or key as the planner gave it: "(值: inf)", "(值: nan)" (numbers show unquoted)
    re.compile(r"\(值: [^)]*\)"),
    # a command-line option the message names as its source (--set, --vary/--set)
    re.compile(r"(?<!\S)--[\w/-]+"),
    # a file type as file names show it (.csv, .xlsx, .docx)
    re.compile(r"(?<![\w])\.(?:csv|tsv|txt|xlsx|xlsm|xls|docx|doc|toml)\b"),
    # Backticked text is dropped by english_words itself (IDENTIFIER): literal text the planner types
    # (`true`, `sheet = "人口"`), the line of a TOML syntax error as it stands in the file, and the parser's
    # own words for a tomllib message the catalog does not know.
]
# Quoted text that is translated rather than kept: the menu entry of Excel's Save As, as Chinese Excel names it.
TRANSLATED_QUOTES = {"'CSV UTF-8 (comma delimited)'": "'CSV UTF-8(逗号分隔)'"}
# Numbers said in Chinese units: China's 1.41 billion people are 14.1 亿.
CONVERTED_NUMBERS = {"1.41 billion": "14.1 亿"}
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def english_left(chinese: str) -> list[str]:
    for kept in KEPT:
        chinese = kept.sub(" ", chinese)
    return [w for w in english_words(chinese) if w not in NAMES]


def dropped(english: str, chinese: str) -> list[str]:
    """Numbers, quoted tokens and the file name of the English that the Chinese lost."""
    for en, cn in CONVERTED_NUMBERS.items():
        if en in english:
            english, chinese = english.replace(en, " "), chinese.replace(cn, " ")
    # a quoted token, not the text between two possessives ("the model's budget ... the scenario's")
    quotes = [TRANSLATED_QUOTES.get(q, q) for q in re.findall(r"(?<!\w)'[^']*'(?!\w)", english)]
    lost = [q for q in quotes if q not in chinese]
    lost += [n for n in NUMBER.findall(english) if n not in chinese]
    file = re.match(r"[^:,]+", english).group(0)
    if "." in file and " " not in file and not chinese.startswith(file):   # an InputError's file, named as on disk
        lost.append(file)
    return lost


def check(english: str, chinese: str) -> str:
    """The Chinese of an English message holds no English word and drops none of the English's numbers and
    names."""
    assert not english_left(chinese), (english, chinese, english_left(chinese))
    assert not dropped(english, chinese), (english, chinese, dropped(english, chinese))
    return chinese


def check_error(error: PlannerError) -> str:
    """An error as the app says it in Chinese (from its codes where it has them), checked against its English."""
    return check(str(error), zh(error))


def zh(error: PlannerError) -> str:
    """An error in Chinese, as the app and `planner --lang zh` say it: from its message codes."""
    return error.render("zh") if hasattr(error, "render") else str(error)


# ------------------------------------------------------------------------------ the bad-input corpus
def corpus_chinese(kind: str, root, monkeypatch) -> str:
    """The Chinese of the corpus case's error, said from the error itself (its codes), folder removed."""
    path = build(kind, root, monkeypatch)
    with pytest.raises(PlannerError) as exc:
        Planner.from_file(path)
    return zh(exc.value).replace(str(path.parent) + os.sep, "")


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_every_corpus_message_is_chinese_and_keeps_its_numbers_and_names(kind, tmp_path, monkeypatch):
    chinese = corpus_chinese(kind, tmp_path, monkeypatch)
    assert chinese.count("\n") == EXPECTED[kind].count("\n")
    for en, cn in zip(EXPECTED[kind].split("\n"), chinese.split("\n")):  # InputErrors: one error a line
        check(en, cn)


@pytest.mark.parametrize("kind, expected", [
    ("zero_population",
     "regions.csv, 第 3 行, 列 'population': 必须大于 0 (值: 0)。修正: 请给出常住人口, 单位为人 (不是万人), > 0"),
    ("stock_code_not_in_regions",
     "stock.csv, 第 3 行, 列 'code': 未知的地区代码 (不在地区表中) (值: '510399')。修正: 是否应为 '510300'?"),
    ("zero_capacity",
     "scenario.toml: 'modalities.CT.capacity_exams_per_unit_per_year': 必须大于 0 (值: 0)。修正: 请给出大于 0 的数"),
    ("toml_syntax_error",
     "scenario.toml: 不是有效的 TOML: 语句之后应换行 (或文件结束) (第 36 行, 第 20 列): `total_wan_cny = 300万`。修正: "),
])
def test_corpus_samples_read_as_a_planner_expects(kind, expected, tmp_path, monkeypatch):
    assert corpus_chinese(kind, tmp_path, monkeypatch).startswith(expected)


def test_a_file_name_is_never_translated_but_the_app_editor_tables_are():
    assert zh(InputError("scenario.toml", msg("validation.unknown_key", key="x"))).startswith("scenario.toml: ")
    edited = msg("table_label.edited", table=msg("table.region"))
    error = InputError(edited, msg("table.empty_cell"), row=3, column="population")
    assert str(error).startswith("region table (edited), row 3") and zh(error).startswith("地区表 (已编辑), 第 3 行")
    uploaded = InputError(msg("table_label.uploaded", name="regions.csv"), msg("table.empty_file"))
    assert zh(uploaded).startswith("regions.csv (已上传): ")


def test_a_plain_sentence_is_shown_as_it_is():
    from planner_app import words

    assert words.say("regions.csv: something new went wrong") == "regions.csv: something new went wrong"


# ------------------------------------------------------------------------------ the families around them
def test_every_column_hint_of_the_tables_has_chinese():
    from planner.data import tables

    specs = [v for v in vars(tables).values() if isinstance(v, tables.TableSpec)]
    hints = {c.fix for spec in specs for c in spec.columns if c.fix}
    assert len(hints) >= 8
    for hint in hints:
        assert isinstance(hint, Message), hint   # said from the catalog: tests/test_messages.py has both languages
        check_error(InputError("regions.csv", msg("table.empty_cell"), row=2, column="x", fix=hint))


# planner.data.tables and planner.errors' own words are message codes: the English each error reads as, then the
# error with its codes (said in Chinese from the catalog)
CODED = [
    ("stock.csv: this file is an Excel workbook (.xlsx) renamed to .csv. Fix: open it in Excel and use Save As > "
     "'CSV UTF-8 (comma delimited)', or give the .xlsx file itself in the scenario",
     InputError("stock.csv", msg("table.this_file_is", what=msg("table.kind_xlsx")), fix=msg("table.fix_save_as_csv"))),
    ("stock.csv: this file is a zip archive, not a CSV",
     InputError("stock.csv", msg("table.this_file_is", what=msg("table.kind_zip")))),
    ("stock.csv: this file is an old Excel/Word file (.xls/.doc) renamed to .csv",
     InputError("stock.csv", msg("table.this_file_is", what=msg("table.kind_old_office")))),
    ("stock.csv: this file is a PDF, not a CSV", InputError("stock.csv", msg("table.this_file_is", what=msg("table.kind_pdf")))),
    ("stock.csv: the text encoding is neither UTF-8 nor GBK/GB18030. Fix: save the file as 'CSV UTF-8' from Excel",
     InputError("stock.csv", msg("table.bad_encoding"), fix=msg("table.fix_save_utf8"))),
    ("regions.csv: file not found. Fix: check the path in the scenario's [regions] section",
     InputError("regions.csv", msg("table.file_not_found"), fix=msg("table.fix_check_path"))),
    ("regions.csv: the file is 250.3 MB, over the 209.7 MB limit for a table. Fix: give only the rows and columns the "
     "planner reads, or split the file",
     InputError("regions.csv", msg("table.too_big", size=msg("table.size_mb", size=250.3),
                                   limit=msg("table.size_mb", size=209.7152)), fix=msg("table.fix_too_big"))),
    ("regions.csv: the file is 3.4 KB, over the 50 bytes limit for a table",
     InputError("regions.csv", msg("table.too_big", size=msg("table.size_kb", size=3.4), limit=msg("table.size_bytes", size=50)))),
    ("regions.xlsx: cannot read this Excel file (BadZipFile: File is not a zip file). Fix: save it again from Excel as "
     ".xlsx", InputError("regions.xlsx", msg("table.bad_excel", error="BadZipFile: File is not a zip file"),
                         fix=msg("table.fix_resave_xlsx"))),
    ("regions.xlsx: no sheet named 'Sheet9'; the sheets are '人口', '说明'. Fix: set `sheet` under [regions] in the "
     "scenario to one of these", InputError("regions.xlsx", msg("table.no_sheet", sheet="Sheet9", sheets="'人口', '说明'"),
                                            fix=msg("table.fix_set_sheet"))),
    ("regions.pdf: unsupported file type '.pdf'. Fix: give a .csv or .xlsx file",
     InputError("regions.pdf", msg("table.unsupported_type", suffix=".pdf"), fix=msg("table.fix_csv_or_xlsx"))),
    ("regions.csv: cannot parse as CSV (unexpected end of data). Fix: check quoting and the number of commas",
     InputError("regions.csv", msg("table.bad_csv", error="unexpected end of data"), fix=msg("table.fix_quoting"))),
    ("stock.csv: the stock table has a header but no data rows. Fix: add one row per region below the header",
     InputError("stock.csv", msg("table.no_data_rows", what=msg("table.stock")), fix=msg("table.fix_add_rows"))),
    ("regions.csv: missing column 'population' in the region table. Fix: add a column 'population' (the header looks "
     "merged or spread over several rows: keep one header row)",
     InputError("regions.csv", msg("table.missing_column", column="population", what=msg("table.region")),
                fix=msg("table.fix_merged_header", fix=msg("table.fix_add_column", column="population")))),
    ("staff.csv: missing column 'staff' in the staff table. Fix: rename column 'Staff count' to 'staff'",
     InputError("staff.csv", msg("table.missing_column", column="staff", what=msg("table.staff")),
                fix=msg("table.fix_rename_column", found="Staff count", column="staff"))),
    ("stock.csv, row 4, column 'tier': empty cell. Fix: fill in 'tier'",
     InputError("stock.csv", msg("table.empty_cell"), row=4, column="tier", fix=msg("table.fix_fill_in", column="tier"))),
    ("stock.csv, row 4, column 'reference_year': not a number (value: 'abc'). Fix: give a number in 'reference_year'",
     InputError("stock.csv", msg("table.not_number"), row=4, column="reference_year", value="abc",
                fix=msg("table.fix_number_in", column="reference_year"))),
    ("regions.csv, row 4, column 'area_km2': not a finite number (value: 'inf'). Fix: give an ordinary number in "
     "'area_km2' (not inf)", InputError("regions.csv", msg("table.not_finite"), row=4, column="area_km2", value="inf",
                                        fix=msg("table.fix_finite_in", column="area_km2"))),
    ("stock.csv, row 5, column 'units': must be at least 0 (value: -1). Fix: give the number of installed units, 0 or "
     "more", InputError("stock.csv", msg("table.at_least", min=0.0), row=5, column="units", value=-1.0,
                        fix=msg("table.fix_units"))),
    ("stock.csv, row 7: duplicate row (code=510104, tier=grassroots, modality=CT, installed_year=nan) also on row 3. "
     "Fix: keep one row per code, tier, modality, installed_year",
     InputError("stock.csv", msg("table.duplicate_row", values="code=510104, tier=grassroots, modality=CT, "
                                 "installed_year=nan", first=3), row=7,
                fix=msg("table.fix_one_row_per_keys", key="code, tier, modality, installed_year"))),
    ("regions.csv, row 5, column 'population': must be at most 2,000,000,000 (value: 20937757000). Fix: give the "
     "resident population in persons (not 万人), > 0 (China has about 1.41 billion people: is a digit or a unit wrong?)",
     InputError("regions.csv", msg("table.at_most", max=2e9), row=5, column="population", value=20937757000.0,
                fix=msg("table.fix_population_check", fix=msg("table.fix_population")))),
    ("regions.csv, column 'population': these numbers are too small to be persons (largest: 2,093.8). Fix: this looks "
     "like 万人: multiply by 10,000 to give persons (e.g. 2093.8 万人 = 20938000)",
     InputError("regions.csv", msg("table.too_small_for_persons", largest=2093.8), column="population",
                fix=msg("table.fix_wan", largest=2093.8, persons=2093.8 * 10_000))),
    # planner.errors
    ("scenario.toml: unknown key 'budget.totl'. Fix: remove it; valid keys here are total_wan_cny, per_year_wan_cny, "
     "committed_wan_cny", InputError("scenario.toml", msg("validation.unknown_key", key="budget.totl"),
                                     fix=msg("validation.fix_remove_valid_keys",
                                             keys="total_wan_cny, per_year_wan_cny, committed_wan_cny"))),
    ("scenario.toml: unknown key 'x'. Fix: remove it",
     InputError("scenario.toml", msg("validation.unknown_key", key="x"), fix=msg("validation.fix_remove"))),
    ("scenario.toml: required key 'years' is missing. Fix: add it (see models/baseline.toml)",
     InputError("scenario.toml", msg("validation.missing_key", key="years"), fix=msg("validation.fix_add_key"))),
]


@pytest.mark.parametrize("english, error", CODED, ids=[en[:60] for en, _ in CODED])
def test_coded_errors_read_as_before_and_are_chinese(english, error):
    assert str(error) == english
    check_error(error)


PLACE = msg("verify.place_year", place="成都市 (510100)", year=2027)
VIOLATIONS = [  # planner.planning.verify and the families' checks, said from the catalog (Message.render)
    ("total spend 1,200.0 万元 exceeds the budget 1,000.0 万元 (1,500.0 less 500.0 committed)",
     msg("verify.over_budget_committed", spend=1200.0, budget=1000.0, total=1500.0, committed=500.0)),
    ("the model's budget differs from the scenario's: model 2,000.0 万元, scenario 1,500.0 万元 over all plan years",
     msg("verify.budget_differs", model=2000.0, scenario=1500.0)),
    ("the model's yearly budget caps differ from the scenario's: the model has none", msg("verify.year_caps_model_none")),
    ("the model's yearly budget caps differ from the scenario's: the scenario states none",
     msg("verify.year_caps_scenario_none")),
    ("the scenario's budget.per_year_wan_cny has 2 numbers for 3 plan years",
     msg("verify.year_budget_count", n=2, years=3)),
    ("the model's yearly budget differs from the scenario's in 2026: model 300.0 万元, scenario 100.0 万元",
     msg("verify.year_budget_differs", year=2026, model=300.0, scenario=100.0)),
    ("成都市 (510100) in 2027: 3 CT at grassroots exceeds the facility limit 2",
     msg("verify.over_facility_limit", where=PLACE, n=3.0, mod="CT", tier="grassroots", limit=2.0)),
    ("成都市 (510100) in 2027: 0 DR at grassroots, policy requires 1",
     msg("verify.below_presence", where=PLACE, n=0.0, mod="DR", tier="grassroots", need=1.0)),
    ("成都市 (510100) in 2027: units need 12.5 staff, 10.0 available",
     msg("verify.over_staff", where=PLACE, need=12.5, avail=10.0)),
    ("成都市 (510100) in 2027: 2.5000 CT units at secondary is not a whole number",
     msg("verify.not_whole", where=PLACE, x=2.5, mod="CT", tier="secondary")),
    ("negative unmet exams in the flows table", msg("verify.negative_flow", what=msg("verify.flow_unmet"))),
    ("the model's residents differ from the scenario's in 3 cell(s) (first: 成都市 (510100), 2026: model 1.2e+07, "
     "scenario 1.1e+07)", msg("verify.inputs_differ", what=msg("verify.what_residents"), n=3,
                              cell="成都市 (510100), 2026", got=1.2e7, want=1.1e7)),
    ("MOBILE_CT: the longest travel to a unit is 95.5 minutes, above the equity bound 90",
     msg("verify.travel_above_bound", mod="MOBILE_CT", worst=95.5, bound=90.0)),
]


CHECK_WARNINGS = [  # planner.planning.checks' warnings, said from the catalog
    ("CT is not allowed at any tier (eligibility): no CT can be bought", msg("checks.not_allowed", mod="CT")),
    ("policy.min_units[0] (1 DR per grassroots facility) starts in 2035, after the last plan year 2030: it has no "
     "effect in this plan", msg("checks.rule_after_plan", i=0, per=1.0, mod="DR", tier="grassroots", year=2035,
                                last=2030)),
    ("CT at secondary: in 15 region(s) (成都市 (510100), 自贡市 (510300), ...) the existing units already exceed "
     "eligibility.secondary.CT = 2 per facility, so no new unit can be bought there until units retire: raise the "
     "limit if that is not meant",
     msg("checks.over_eligibility", mod="CT", tier="secondary", n=15, shown="成都市 (510100), 自贡市 (510300), ...",
         key="eligibility.secondary.CT", per=2.0)),
    ("the budget 100 万元 is below the price of the cheapest unit (150 万元): nothing can be bought",
     msg("checks.budget_below_price", budget=100.0, price=150.0)),
    ("in 3 region(s) the existing units already need more staff than the staff table gives: no new units can be "
     "staffed there until units retire", msg("checks.staff_exceeded", n=3)),
    ("mobile units are based at a facility of an eligible tier, but the scenario has no facilities table, so any "
     "region may base them: add regions.facilities to apply the rule", msg("checks.mobile_no_facilities")),
]


@pytest.mark.parametrize("english, message", VIOLATIONS + CHECK_WARNINGS)
def test_verifier_violations_are_said_from_the_catalog(english, message):
    assert str(message) == english
    chinese = check(english, message.render("zh"))
    assert "基层" in chinese or "grassroots" not in english


