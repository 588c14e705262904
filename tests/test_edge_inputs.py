"""Edge inputs that used to crash or mislead (issue 11, item 10): refused before any solve with the file,
row, field and fix, or warned about when legal but suspicious. Exact refusals are in test_bad_corpus.py."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from planner import Planner
from planner.cli import app
from tests.conftest import REPO, one_tier_ct

TINY = REPO / "tests" / "data" / "tiny" / "tiny.toml"
REGIONS = """
    code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat
    100001,100000,甲,Alpha,1000000,104.0,30.0
    100002,100000,乙,Beta,2000000,104.5,30.0
"""


@pytest.mark.parametrize("args, words", [
    (["--time-limit", "0"], "give a time limit above 0"),
    (["--time-limit", "-5"], "give a time limit above 0"),
    (["--gap", "-0.1"], "give a gap from 0 up to (not including) 1"),
    (["--gap", "1"], "give a gap from 0 up to (not including) 1"),
    (["--set", "modalities.CT.capacity_exams_per_unit_per_year=inf"], "Input should be a finite number"),
    (["--set", "weights.cost_weight=nan"], "Input should be a finite number"),
])
def test_bad_options_fail_before_the_solve_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(TINY), "--out", str(out), *args])
    assert res.exit_code == 2 and words in " ".join(res.output.split())
    assert "Traceback" not in res.output and not out.exists()


def test_implausible_but_legal_values_are_warned_about(case):
    toml = one_tier_ct(extra_regions='facilities = "facilities.csv"').replace(
        "exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 2500")
    big = REGIONS.replace("2000000,104.5", "1900000000,104.5")
    path = case(toml, regions=big,
                stock="code,tier,modality,units,reference_year\n100001,hospital,CT,2,1990\n",
                facilities="code,tier,facilities\n100001,hospital,2\n")
    path.write_text(path.read_text().replace("[modalities.CT]", "[modalities.CT]\nstock_growth_pct_per_year = 5"))
    w = " | ".join(map(str, Planner.from_file(path).checks.warnings))
    assert "the regions hold 1.90 billion people, more than China's 1.41 billion" in w
    assert "exam_rate_per_1000_per_year = 2,500: more than one CT exam per resident each year" in w
    assert "1 stock row(s) are counts from more than 10 years before or after the base year 2025" in w and "x5.52" in w
    assert "1 region x tier pair(s) have no row and count as 0 facilities (100002 hospital)" in w
