"""Bad inputs give a message naming the file, row, column (or key) and the fix; never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from planner import Planner
from planner.errors import PlannerError
from tests.conftest import one_tier_ct

GOOD_REGIONS = """
    code,name_zh,population
    100001,甲,500000
    100002,乙,2000000
"""
GOOD_STOCK = """
    code,tier,modality,units
    100001,hospital,CT,2
"""


def error_of(path) -> str:
    with pytest.raises(PlannerError) as exc:
        Planner.from_file(path)
    return str(exc.value)


def test_missing_column(case):
    regions = """
        code,name_zh,people
        100001,甲,500000
    """
    msg = error_of(case(one_tier_ct(), regions=regions, stock=GOOD_STOCK))
    assert "regions.csv" in msg and "missing column 'population'" in msg


def test_negative_population_names_row_and_column(case):
    regions = """
        code,name_zh,population
        100001,甲,500000
        100002,乙,-20
    """
    msg = error_of(case(one_tier_ct(), regions=regions, stock=GOOD_STOCK))
    assert "regions.csv, row 3, column 'population': must be greater than 0 (value: -20)" in msg


def test_text_in_a_number_column(case):
    regions = """
        code,name_zh,population
        100001,甲,50万
    """
    msg = error_of(case(one_tier_ct(), regions=regions, stock=GOOD_STOCK))
    assert "row 2, column 'population': not a number (value: '50万')" in msg
    assert "not 万人" in msg


def test_unknown_region_code_in_stock(case):
    stock = """
        code,tier,modality,units
        100001,hospital,CT,2
        100009,hospital,CT,1
    """
    msg = error_of(case(one_tier_ct(), regions=GOOD_REGIONS, stock=stock))
    assert "stock.csv, row 3, column 'code': unknown region code" in msg and "100009" in msg


def test_unknown_modality_suggests_the_nearest(case):
    stock = """
        code,tier,modality,units
        100001,hospital,CTT,2
    """
    msg = error_of(case(one_tier_ct(), regions=GOOD_REGIONS, stock=stock))
    assert "row 2, column 'modality': unknown modality (value: 'CTT')" in msg and "did you mean 'CT'?" in msg


def test_budget_in_yuan_not_wan(case):
    msg = error_of(case(one_tier_ct(budget=3_000_000_000_000), regions=GOOD_REGIONS, stock=GOOD_STOCK))
    assert "budget.total_wan_cny" in msg and "looks like an amount in yuan" in msg


def test_unknown_scenario_key_suggests_the_valid_one(case):
    toml = one_tier_ct().replace("price_wan_cny = 100", "pric_wan_cny = 100\nprice_wan_cny = 100")
    msg = error_of(case(toml, regions=GOOD_REGIONS, stock=GOOD_STOCK))
    assert "unknown key 'modalities.CT.pric_wan_cny'" in msg and "did you mean 'modalities.CT.price_wan_cny'?" in msg


def test_years_out_of_order(case):
    toml = one_tier_ct().replace("first_plan_year = 2026", "first_plan_year = 2029").replace(
        "last_plan_year = 2026", "last_plan_year = 2027")
    msg = error_of(case(toml, regions=GOOD_REGIONS, stock=GOOD_STOCK))
    assert "last_plan_year 2027 is before first_plan_year 2029" in msg


def test_stock_at_a_tier_that_cannot_hold_it(case):
    toml = one_tier_ct().replace("hospital = { CT = 100 }", "hospital = { CT = 0 }")
    msg = error_of(case(toml, regions=GOOD_REGIONS, stock=GOOD_STOCK))
    assert "stock.csv, row 2, column 'tier'" in msg and "cannot hold CT" in msg


def test_duplicate_region_codes(case):
    regions = """
        code,name_zh,population
        100001,甲,500000
        100001,乙,2000000
    """
    msg = error_of(case(one_tier_ct(), regions=regions, stock=GOOD_STOCK))
    assert "row 3: duplicate row (code=100001) also on row 2" in msg


def test_gbk_csv_and_excel_tables_are_read(case, tmp_path):
    path = case(one_tier_ct(), regions=GOOD_REGIONS, stock=GOOD_STOCK)
    text = (tmp_path / "regions.csv").read_text(encoding="utf-8")
    (tmp_path / "regions.csv").write_bytes(text.encode("gbk"))
    assert Planner.from_file(path).inputs.regions["name_zh"].tolist() == ["甲", "乙"]
    pd.read_csv(tmp_path / "stock.csv", dtype=str).to_excel(tmp_path / "stock.xlsx", index=False)
    p = Planner.from_file(path.parent / "scenario.toml", overrides=['regions.stock="stock.xlsx"'])
    assert p.inputs.stock_base.sum() == 2


def test_several_errors_are_reported_together(case):
    regions = """
        code,name_zh,population
        100001,,500000
        100002,乙,0
    """
    msg = error_of(case(one_tier_ct(), regions=regions, stock=GOOD_STOCK))
    assert "row 2, column 'name_zh': empty cell" in msg and "row 3, column 'population'" in msg
