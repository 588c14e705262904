"""The corpus of bad inputs under tests/data/bad/: each kind of mistake and the exact message a planner sees.

Every folder holds only the file(s) carrying its one mistake; the rest comes from tests/data/bad/_base/, a
tiny valid scenario (two prefectures, one tier, CT only, with stock, facilities, staff and travel tables).
Binary fixtures (Excel workbooks, a renamed .docx, garbage bytes) are written here rather than committed.
Messages are compared with the case folder removed from paths, so 'regions.csv, row 3, ...' is what the
planner reads after the folder of their scenario.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner import Planner

from planner.data import tables
from planner.errors import PlannerError

BAD = Path(__file__).parent / "data" / "bad"


# --- fixtures that are binary or need a setting: written into the copied case folder --------------------
def _regions_workbook(path: Path, *, title: bool = False, extra_sheet: str | None = None,
                      float_codes: bool = False) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人口"
    if title:  # a merged title over the columns and a units line, as statistical yearbooks export them
        ws.append(["四川省地级市常住人口（2020年）"])
        ws.merge_cells("A1:C1")
        ws.append(["单位：人"])
    ws.append(["code", "name_zh", "population"])
    ws.append([510100.0 if float_codes else 510100, "成都市", 20937757])
    ws.append([510300.0 if float_codes else 510300, "自贡市", 2489256])
    if float_codes:  # a text cell holding what Excel shows for a number formatted with a decimal
        ws.cell(row=3, column=1, value="510300.0")
    if extra_sheet:
        wb.create_sheet(extra_sheet).append(["本表说明：人口为2020年普查数"])
    wb.save(path)


def _formula_workbook(path: Path) -> None:
    """A workbook written by a program: a population given as a formula whose value was never computed
    and saved (openpyxl stores formulas without values), which pandas reads as an empty cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人口"
    ws.append(["code", "name_zh", "population"])
    ws.append([510100, "成都市", 20937757])
    ws.append([510300, "自贡市", "=1244628*2"])
    wb.save(path)


def _docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:  # the parts that make a .docx, enough for a file to look like one
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


SETUP = {
    "excel_float_codes": lambda d, mp: _regions_workbook(d / "regions.xlsx", float_codes=True),
    "excel_title_and_merged_header": lambda d, mp: _regions_workbook(d / "regions.xlsx", title=True),
    "excel_several_sheets": lambda d, mp: _regions_workbook(d / "regions.xlsx", extra_sheet="说明"),
    "excel_wrong_sheet_name": lambda d, mp: _regions_workbook(d / "regions.xlsx", extra_sheet="说明"),
    "docx_renamed_csv": lambda d, mp: _docx(d / "regions.csv"),
    "excel_formula_without_saved_value": lambda d, mp: _formula_workbook(d / "regions.xlsx"),
    "binary_garbage": lambda d, mp: _garbage(d / "stock.csv"),
    # no huge file on disk: the limit is lowered below the base region table's size instead
    "huge_file": lambda d, mp: mp.setattr(tables, "MAX_TABLE_BYTES", 50),
}


def build(kind: str, root: Path, monkeypatch) -> Path:
    """The base scenario with the kind's files laid over it; returns the scenario path."""
    dest = root.resolve() / kind
    shutil.copytree(BAD / "_base", dest)
    shutil.copytree(BAD / kind, dest, dirs_exist_ok=True)
    (dest / "README.md").unlink(missing_ok=True)
    if kind in SETUP:
        SETUP[kind](dest, monkeypatch)
    return dest / "scenario.toml"


def message(kind: str, root: Path, monkeypatch) -> str:
    path = build(kind, root, monkeypatch)
    with pytest.raises(PlannerError) as exc:
        Planner.from_file(path)
    return str(exc.value).replace(str(path.parent) + os.sep, "")


# --- the message for every kind of mistake ---------------------------------------------------------------
EXPECTED = {
    # a blank line is skipped but still counted: the bad value is on spreadsheet row 4
    'blank_line_then_bad_value': (
        "regions.csv, row 4, column 'population': must be greater than 0 (value: -5). Fix: give the resident population in persons (not 万人), > 0"),
    # the same across tables: the unknown code after a blank line is on spreadsheet row 4, not 3
    'blank_line_then_unknown_stock_code': (
        "stock.csv, row 4, column 'code': unknown region code (not in the region table) (value: '510399'). Fix: did you mean '510300'?"),
    'binary_garbage': (
        "stock.csv: this file is binary data, not a CSV. Fix: open it in Excel and use Save As > 'CSV UTF-8 (comma delimited)', or give the .xlsx file itself in the scenario"),
    'budget_below_committed': (
        "scenario.toml: 'budget': committed_wan_cny 500 exceeds total_wan_cny 300: raise the total or lower the committed spend"),
    'budget_in_yi': (
        "scenario.toml: 'budget.total_wan_cny': 0.03 万元 is less than 10,000 yuan, too little to buy any unit: this looks like an amount in 亿元. Multiply by 10,000 to give 万元 (here 300) (value: 0.03)"),
    'budget_in_yuan': (
        "scenario.toml: 'budget.total_wan_cny': 3,000,000,000,000 万元 is more than 1 trillion yuan: this looks like an amount in yuan (元). Divide by 10,000 to give 万元 (here 300,000,000) (value: 3000000000000)"),
    'decimal_comma': (
        "travel.csv, row 2, column 'minutes': not a number (value: '150,5'). Fix: write the number without commas (e.g. 1234567 or 12.5)"),
    'docx_renamed_csv': (
        "regions.csv: this file is a Word document (.docx) renamed to .csv. Fix: open it in Excel and use Save As > 'CSV UTF-8 (comma delimited)', or give the .xlsx file itself in the scenario"),
    'duplicate_region_codes': (
        'regions.csv, row 4: duplicate row (code=510100) also on row 2. Fix: keep one row per code'),
    'eligibility_unknown_modality': (
        "scenario.toml: eligibility.hospital.MRl: unknown modality; the modalities are 'CT'"),
    'eligibility_unknown_tier': (
        "scenario.toml: eligibility.hosptal: unknown tier; did you mean 'hospital'? the tiers are 'hospital'"),
    'empty_file': (
        'regions.csv: the file is empty. Fix: give a header row (e.g. code,name_zh,population) and one row per region'),
    'empty_required_cell': (
        "regions.csv, row 3, column 'name_zh': empty cell. Fix: give the Chinese name" "\n"
        "regions.csv, row 3, column 'population': empty cell. Fix: give the resident population in persons (not 万人), > 0"),
    'excel_several_sheets': (
        'regions.xlsx: the workbook has 2 sheets: \'人口\', \'说明\'. Fix: say which to read with `sheet = "人口"` (or another sheet name) under [regions] in the scenario, or delete the other sheets'),
    'excel_title_and_merged_header': (
        'regions.xlsx: the header is on row 3: delete the rows above it. Fix: the column names must be on row 1 (a title or merged cells above them stop the table from being read)'),
    'excel_wrong_sheet_name': (
        'regions.xlsx: no sheet named \'人口表\'; the sheets are \'人口\', \'说明\'. Fix: did you mean sheet = "人口"?'),
    'extra_cells_in_a_row': (
        'regions.csv, row 3: this row has 5 cells but the header has 3. Fix: remove the extra commas, or put a value that contains a comma in double quotes'),
    'facilities_code_not_in_regions': (
        "facilities.csv, row 3, column 'code': unknown region code (not in the region table) (value: '510301'). Fix: did you mean '510300'?"),
    'fraction_in_integer_column': (
        "regions.csv, row 3, column 'population': must be a whole number (value: 1.5). Fix: give the resident population in persons (not 万人), > 0"),
    'huge_file': (
        'regions.csv: the file is 75 bytes, over the 50 bytes limit for a table. Fix: give only the rows and columns the planner reads, or split the file'),
    'missing_column': (
        "regions.csv: missing column 'population' in the region table. Fix: add a column 'population'"),
    'misspelt_column': (
        "regions.csv: missing column 'population' in the region table. Fix: rename column 'populaton' to 'population'"),
    'mobile_serves_mobile': (
        "scenario.toml: modalities.MOBILE_CT.serves = 'MOBILE_CT2', which is itself mobile: a mobile unit performs the exams of a fixed modality, so set serves to one of ['CT']"),
    'negative_population': (
        "regions.csv, row 3, column 'population': must be greater than 0 (value: -2489256). Fix: give the resident population in persons (not 万人), > 0"),
    'not_true_false': (
        "regions.csv, row 3, column 'estimated': not true/false (value: 'maybe'). Fix: write true or false (是/否 and yes/no also work)"),
    'per_year_budget_wrong_length': (
        'scenario.toml: budget.per_year_wan_cny has 3 numbers but the plan has 1 year (2026-2026): give one number per plan year'),
    'placeholder_cells': (
        "regions.csv, row 2, column 'population': empty cell (value: 'NaN'). Fix: give the resident population in persons (not 万人), > 0" "\n"
        "regions.csv, row 3, column 'population': empty cell. Fix: give the resident population in persons (not 万人), > 0" "\n"
        "regions.csv, row 4, column 'population': empty cell (value: '—'). Fix: give the resident population in persons (not 万人), > 0" "\n"
        "regions.csv, row 5, column 'population': empty cell (value: '-'). Fix: give the resident population in persons (not 万人), > 0"),
    'plan_starts_before_base_year': (
        "scenario.toml: 'years': first_plan_year 2024 must come after base_year 2025: the plan buys units in the years after the stock is counted"),
    'population_in_wan': (
        "regions.csv, column 'population': these numbers are too small to be persons (largest: 2,093.8). Fix: this looks like 万人: multiply by 10,000 to give persons (e.g. 2093.8 万人 = 20938000)"),
    'population_in_wan_whole_numbers': (
        "regions.csv, column 'population': these numbers are too small to be persons (largest: 838). Fix: this looks like 万人: multiply by 10,000 to give persons (e.g. 838 万人 = 8380000)"),
    'price_in_yuan': (
        "scenario.toml: 'modalities.CT.price_wan_cny': 1,370,000 万元 (over 10亿元) for one unit: this is probably a price in yuan (元). Divide by 10,000 to give 万元 (here 137) (value: 1370000)"),
    'referral_not_summing_to_1': (
        'scenario.toml: referral.CT shares add up to 0.8000, not 1: make them sum to 1 (they are shares of CT demand, e.g. 0.3 and 0.7)'),
    'referral_unknown_modality': (
        "scenario.toml: referral.CTT: not a fixed modality; did you mean 'CT'? use one of 'CT'"),
    'referral_unknown_tier': (
        "scenario.toml: referral.CT.hopsital: unknown tier; did you mean 'hospital'? the tiers are 'hospital'"),
    'staff_code_not_in_regions': (
        "staff.csv, row 3, column 'code': unknown region code (not in the region table) (value: '520300'). Fix: did you mean '510300'?"),
    'stock_at_tier_that_cannot_hold_it': (
        "stock.csv, row 3, column 'tier': CT units at tier 'clinic', which the scenario says cannot hold CT (value: 'clinic'). Fix: move these units to another tier, or allow it with eligibility.clinic.CT > 0 in the scenario"),
    'stock_code_not_in_regions': (
        "stock.csv, row 3, column 'code': unknown region code (not in the region table) (value: '510399'). Fix: did you mean '510300'?"),
    'stock_unknown_modality': (
        "stock.csv, row 2, column 'modality': unknown modality (value: 'CTT'). Fix: did you mean 'CT'?"),
    'stock_unknown_tier': (
        "stock.csv, row 2, column 'tier': unknown tier (value: 'hosptial'). Fix: did you mean 'hospital'?"),
    'text_for_a_number_in_toml': (
        "scenario.toml: 'budget.total_wan_cny': Input should be a valid number, unable to parse string as a number (value: '三百万'). Fix: give a number without quotes or units"),
    'text_in_number_column': (
        "stock.csv, row 2, column 'units': not a number (value: 'two'). Fix: give the number of installed units, 0 or more"),
    'title_rows_above_header': (
        'regions.csv: the header is on row 3: delete the rows above it. Fix: the column names must be on row 1 (a title or merged cells above them stop the table from being read)'),
    'toml_not_utf8': (
        'scenario.toml: not UTF-8 text (first non-UTF-8 character on line 4). Fix: save the scenario as UTF-8 (Notepad: Save As > Encoding: UTF-8)'),
    'toml_syntax_error': (
        'scenario.toml: not valid TOML: Expected newline or end of document after a statement (at line 36, column 20): total_wan_cny = 300万. Fix: correct the syntax at that line (text values need "quotes", numbers none)'),
    'toml_unknown_key': (
        "scenario.toml: unknown key 'solver.time_limt_s'. Fix: did you mean 'solver.time_limit_s'?"),
    'toml_unknown_section': (
        "scenario.toml: unknown key 'staffin'. Fix: did you mean 'staffing'?"),
    'travel_code_not_in_regions': (
        "travel.csv, row 3, column 'to_code': unknown region code (not in the region table) (value: '510000'). Fix: did you mean '510300'?"),
    'years_out_of_order': (
        "scenario.toml: 'years': last_plan_year 2027 is before first_plan_year 2029: swap them"),
    'zero_capacity': (
        "scenario.toml: 'modalities.CT.capacity_exams_per_unit_per_year': Input should be greater than 0 (value: 0). Fix: give a number greater than 0"),
    'excel_formula_without_saved_value': (
        "regions.xlsx, row 3: cell C3 on sheet '人口' holds the formula =1244628*2 but no saved value. Fix: open the file in Excel or WPS and save it (so the values are stored), or paste the values over the formulas"),
    'exam_rate_thousands_per_person': (
        "scenario.toml: 'modalities.CT.exam_rate_per_1000_per_year': Input should be less than or equal to 10000 (value: 50000). Fix: give a number at most 10000"),
    'inf_in_table': (
        "regions.csv, row 3, column 'population': not a finite number (value: 'inf'). Fix: give the resident population in persons (not 万人), > 0"),
    'inf_in_toml': (
        "scenario.toml: 'modalities.CT.capacity_exams_per_unit_per_year': Input should be a finite number (value: inf). Fix: give an ordinary number (inf and nan are not allowed here)"),
    'nan_weight_in_toml': (
        "scenario.toml: 'weights.unmet_wan_cny_per_thousand_exams': Input should be a finite number (value: nan). Fix: give an ordinary number (inf and nan are not allowed here)"),
    'population_above_2_billion': (
        "regions.csv, row 3, column 'population': must be at most 2,000,000,000 (value: 3000000000). Fix: give the resident population in persons (not 万人), > 0 (China has about 1.41 billion people: is a digit or a unit wrong?)"),
    'zero_data_rows': (
        'regions.csv: the region table has a header but no data rows. Fix: add one row per region below the header'),
    'zero_population': (
        "regions.csv, row 3, column 'population': must be greater than 0 (value: 0). Fix: give the resident population in persons (not 万人), > 0"),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_message(kind, tmp_path, monkeypatch):
    assert message(kind, tmp_path, monkeypatch) == EXPECTED[kind]


# --- files that must be READ correctly: the parsed values, not an error ---------------------------------
def _regions(kind, root, monkeypatch):
    p = Planner.from_file(build(kind, root, monkeypatch))
    return p.inputs.regions, p


BASE_REGIONS = [["510100", "成都市", 20937757.0], ["510300", "自贡市", 2489256.0]]

READ = {
    "gbk_csv": BASE_REGIONS,                      # Excel's default CSV on Chinese Windows
    "gb18030_csv": [["510100", "成都市", 20937757.0], ["510300", "䶮城区", 2489256.0]],  # 䶮 is not in GBK
    "utf8_bom_csv": BASE_REGIONS,                 # Excel's "CSV UTF-8"
    "semicolon_csv": BASE_REGIONS,                # European Excel exports separate with ';'
    "thousands_and_fullwidth_digits": BASE_REGIONS,  # "20,937,757", "５１０３００" and "２４８９２５６"
    "spaces_around_codes": BASE_REGIONS,          # ' 510100 ' and an ideographic space after 510300
    "excel_float_codes": BASE_REGIONS,            # 510100.0 from Excel, in the workbook and in stock.csv
    "yes_no_and_chinese_true_false": BASE_REGIONS,
}


@pytest.mark.parametrize("kind", sorted(READ))
def test_read_correctly(kind, tmp_path, monkeypatch):
    regions, p = _regions(kind, tmp_path, monkeypatch)
    assert regions[["code", "name_zh", "population"]].values.tolist() == READ[kind]
    # the stock table's codes matched the region table's: 2 units in 成都市, 1 in 自贡市
    assert p.inputs.stock_base[:, 0, 0].tolist() == [2.0, 1.0]


def test_yes_and_chinese_true_false_are_read(tmp_path, monkeypatch):
    regions, _ = _regions("yes_no_and_chinese_true_false", tmp_path, monkeypatch)
    assert regions["estimated"].tolist() == [True, False]  # 是 and no


def test_the_base_is_valid_and_every_folder_is_tested(tmp_path, monkeypatch):
    p = Planner.from_file(build("_base", tmp_path / "x", monkeypatch))
    assert p.inputs.regions["code"].tolist() == ["510100", "510300"]
    folders = {d.name for d in BAD.iterdir() if d.is_dir() and d.name != "_base"}
    assert folders == set(EXPECTED) | set(READ)
    assert len(folders) >= 30


def test_huge_file_is_not_read_into_memory(tmp_path, monkeypatch):
    """The size is checked with stat() before any byte is read."""
    path = build("huge_file", tmp_path, monkeypatch)
    read_bytes = Path.read_bytes

    def guarded(self):
        if self.suffix == ".csv":
            pytest.fail(f"{self} was read")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    with pytest.raises(PlannerError, match="over the 50 bytes limit"):
        Planner.from_file(path)


# --- the command line prints these messages, exit code 2, no traceback ----------------------------------
@pytest.mark.parametrize("kind", ["misspelt_column", "toml_syntax_error", "docx_renamed_csv"])
def test_cli_prints_the_message_without_a_traceback(kind, tmp_path, monkeypatch):
    from planner.cli import app

    path = build(kind, tmp_path, monkeypatch)
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "out")])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert EXPECTED[kind].split(". Fix:")[0] in output.replace(str(path.parent) + os.sep, "")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
