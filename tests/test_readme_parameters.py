"""README.md's parameter table is generated from the schema (issue 26, item 5): regenerate it in memory
and fail when the README says something else."""

from __future__ import annotations

import difflib

from planner.config.parameters import END, START, parameters, unit_of, with_table
from planner.config.schema import Scenario
from tests.conftest import REPO


def test_the_readme_table_is_the_schemas():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md lost its {START} / {END} markers"
    want = with_table(text)
    if want != text:
        diff = "\n".join(difflib.unified_diff(text.splitlines(), want.splitlines(), "README.md", "schema",
                                              lineterm="", n=0))
        raise AssertionError("README.md's parameter table differs from the schema: run "
                             f"python scripts/readme_parameters.py\n{diff[:3000]}")


def test_every_key_is_listed_with_a_meaning():
    rows = {r["key"]: r for r in parameters()}
    assert "budget.committed_wan_cny" in rows and "modalities.<modality>.demand_year" in rows
    assert "eligibility.<tier>.<modality>" in rows and "policy.min_units[].from_year" in rows
    assert [k for k, r in rows.items() if not r["meaning"]] == []
    assert set(Scenario.model_fields) <= {k.split(".")[0].split("[")[0] for k in rows}


def test_units_come_from_the_key_or_the_metadata():
    assert unit_of("budget.total_wan_cny") == "万元"
    assert unit_of("weights.unmet_wan_cny_per_thousand_exams") == "万元 per thousand exams"
    assert unit_of("years.population_growth_pct_per_year") == "% a year"
    assert unit_of("access.limit_minutes") == "minutes" and unit_of("solver.time_limit_s") == "seconds"
    assert unit_of("modalities.CT.capacity_exams_per_unit_per_year") == "exams per unit per year"
    assert unit_of("years.base_year") == "calendar year"
    assert unit_of("x.y", {"unit": "share"}) == "share"
    rows = {r["key"]: r for r in parameters()}
    assert rows["budget.total_wan_cny"]["default"] == "required"
    assert rows["budget.committed_wan_cny"]["default"] == "`0.0`"
