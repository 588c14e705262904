"""Configuration quotas (配置许可, issue 27 lever 4): exact optima worked out by hand, the verifier, the
pre-solve check, bad quota tables and the province decomposition.

The instance is test_family_spec's: Alpha (110101, 500,000 residents, 2 CT) has 5 thousand CT exams unmet,
Beta (120101, 2 million, 1 CT) 90 thousand; 300 万元 buys 3 CT of 10 thousand exams each, and a thousand
exams unmet costs 10. Without a quota all three go to Beta: unmet 5 + 60 = 65, objective 650. With Beta
allowed 1 new CT: Beta's one closes 10, one in Alpha closes Alpha's 5, the third closes nothing anywhere:
unmet 0 + 80 = 80, objective 800. With Beta allowed 2: Beta's two close 20 and Alpha's one 5: unmet
0 + 70, objective 700.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner import Planner
from planner.config.scenario import load_scenario as load
from planner.data.inputs import resolve
from planner.distributed.decomposition import solve_by_province
from planner.distributed.provinces import split
from planner.errors import InputError, InputErrors
from planner.io.output import save_scenario
from planner.planning.checks import elastic_explanation, run_checks
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,parent_code,name_zh,name_en,population
    110101,110100,甲,Alpha,500000
    120101,120100,乙,Beta,2000000
"""
STOCK = """
    code,tier,modality,units
    110101,hospital,CT,2
    120101,hospital,CT,1
"""
WITH_QUOTAS = 'quotas = "quotas.csv"'


def _scenario(case, quotas: str | None, toml: str | None = None):
    toml = toml or one_tier_ct(budget=300, extra_regions=WITH_QUOTAS if quotas is not None else "")
    tables = {"regions": REGIONS, "stock": STOCK}
    if quotas is not None:
        tables["quotas"] = quotas
    return case(toml, **tables)


def _bought(result) -> dict[str, float]:
    return result.plan.groupby("region_code")["new_units"].sum().to_dict()


def test_without_a_quota_all_three_units_go_to_beta(case):
    r = Planner.from_file(_scenario(case, None)).solve()
    assert r.report.objective == pytest.approx(650.0) and _bought(r) == {"120101": 3.0}


@pytest.mark.parametrize("quota, objective, beta", [
    ("code,modality,max_new_units\n120101,CT,1\n", 800.0, 1.0),          # the region itself
    ("code,modality,max_new_units\n120101,CT,2\n", 700.0, 2.0),
    ("code,modality,max_new_units\n120101,CT,1.5\n", 800.0, 1.0),        # whole units: 1.5 allows 1
    ("code,modality,max_new_units\n120100,CT,1\n", 800.0, 1.0),          # its parent_code (a prefecture)
    ("code,modality,max_new_units\n120000,CT,1\n", 800.0, 1.0),          # the province its code lies in
    ("code,modality,tier,max_new_units\n120101,CT,hospital,1\n", 800.0, 1.0),   # at one tier
    ("code,modality,max_new_units\n120101,CT,3\n", 650.0, 3.0),          # not binding
])
def test_a_quota_caps_new_units_over_the_plan(case, quota, objective, beta):
    r = Planner.from_file(_scenario(case, quota)).solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(objective)
    assert _bought(r)["120101"] == beta
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["quotas"] == 1


def test_a_quota_over_both_regions_caps_their_sum(case):
    """A quota on 100000-style codes does not exist: two rows, one per province, each capping 1: one unit
    in each, the third nowhere (unmet 0 + 80). The same with one quota of 2 on both regions' own codes."""
    r = Planner.from_file(_scenario(case, "code,modality,max_new_units\n110000,CT,1\n120000,CT,1\n")).solve()
    assert r.report.objective == pytest.approx(800.0) and _bought(r) == {"110101": 1.0, "120101": 1.0}


def test_cap_scale_multiplies_every_quota(case):
    path = _scenario(case, "code,modality,max_new_units\n120101,CT,2\n")
    p = Planner.from_file(path, overrides=["quotas.cap_scale=0.5"])
    assert p.solve().report.objective == pytest.approx(800.0)
    p = Planner.from_file(path, overrides=["quotas.cap_scale=1.5"])
    assert p.solve().report.objective == pytest.approx(650.0)


def test_the_switch_turns_quotas_off(case):
    path = _scenario(case, "code,modality,max_new_units\n120101,CT,1\n")
    r = Planner.from_file(path, overrides=["constraints.quotas=false"]).solve()
    assert r.report.objective == pytest.approx(650.0) and "quotas" not in r.verifier.checked


def test_the_results_show_each_regions_tightest_quota(case):
    r = Planner.from_file(_scenario(case, "code,modality,max_new_units\n120101,CT,1\n120000,CT,2\n")).solve()
    assert r.report.objective == pytest.approx(800.0)
    by = r.regions.set_index("region_code")
    assert by.loc["120101", "quota_max_new_units"] == 1.0 and by.loc["120101", "quota_used_units"] == 1.0
    assert np.isnan(by.loc["110101", "quota_max_new_units"])


def test_the_verifier_catches_a_plan_over_a_quota(case):
    r = Planner.from_file(_scenario(case, "code,modality,max_new_units\n120000,CT,1\n")).solve()
    plan = r.plan.copy()
    beta = plan["region_code"] == "120101"
    plan.loc[beta, "new_units"] = 2.0
    plan.loc[beta, "capex_cny"] = 2_000_000.0
    report = verify(r.inputs, plan, r.flows, r.mobile)
    assert not report.ok
    assert any("quota of 120000 (row 2): 2 new CT over the plan, more than the 1.0 allowed" in v
               for v in report.violations), report.violations


def test_the_verifier_reads_the_table_not_the_models_arrays(case):
    """A corrupted quota array (the cap the model was given) does not fool the verifier."""
    r = Planner.from_file(_scenario(case, "code,modality,max_new_units\n120101,CT,1\n")).solve()
    inputs = r.inputs
    inputs.quotas.loc[0, "cap"] = 3.0   # as if inputs.py had misread the table
    inputs.quota_members[:] = False
    plan = r.plan.copy()
    plan.loc[plan["region_code"] == "120101", "new_units"] = 3.0
    report = verify(inputs, plan, r.flows, r.mobile)
    assert any("quota of 120101" in v for v in report.violations), report.violations


def test_the_pre_solve_check_names_a_quota_that_hard_targets_exceed(case):
    """Beta's 2 million residents at a hard 2 CT per million need 4 CT; it has 1, so 3 new: a quota of 1
    cannot hold."""
    toml = one_tier_ct(budget=300, extra_regions=WITH_QUOTAS).replace(
        "target_per_million = 0", "target_per_million = 2\ntarget_hard = true")
    path = _scenario(case, "code,modality,max_new_units\n120101,CT,1\n", toml=toml)
    inp = resolve(load(path))
    rep = run_checks(inp)
    assert any("quota of 120101 (row 2" in str(e) and "need 3" in str(e) for e in rep.errors), rep.errors
    # the elastic model's smallest relaxation is 2 units, of the quota or of the target (both are priced
    # alike per unit, so either is a right answer)
    words = [str(w) for w in elastic_explanation(inp)]
    assert any(("quota of 120101 (row 2) would need 2.0 more new CT" in w) or
               ("hard CT target in 乙 (120101) in 2026 is 2.0 unit(s) out of reach" in w) for w in words), words


@pytest.mark.parametrize("quota, column, row", [
    ("code,modality,max_new_units\n990101,CT,1\n", "code", 2),            # a code that covers no region
    ("code,modality,max_new_units\n120101,CT,1\n120101,PET,1\n", "modality", 3),
    ("code,modality,max_new_units\n120101,CT,-1\n", "max_new_units", 2),
    ("code,modality,tier,max_new_units\n120101,CT,clinic,1\n", "tier", 2),
])
def test_a_bad_quota_table_names_file_row_and_column(case, quota, column, row):
    path = _scenario(case, quota)
    with pytest.raises((InputError, InputErrors)) as err:
        Planner.from_file(path).solve()
    errors = err.value.errors if isinstance(err.value, InputErrors) else [err.value]
    assert any(e.column == column and e.row == row and "quotas.csv" in str(e.file) for e in errors), \
        [str(e) for e in errors]


def test_a_quota_table_edited_in_memory_round_trips_through_a_saved_scenario(case, tmp_path):
    loaded = load(_scenario(case, None))
    edited = loaded.with_changes(quotas=pd.DataFrame({"code": ["120101"], "modality": ["CT"],
                                                      "max_new_units": [1.0]}))
    assert Planner(edited).solve().report.objective == pytest.approx(800.0)
    saved = save_scenario(edited, tmp_path / "saved")
    assert (tmp_path / "saved" / "inputs" / "quotas.csv").exists()
    assert Planner.from_file(saved).solve().report.objective == pytest.approx(800.0)


def test_the_decomposition_keeps_each_provinces_quota(case):
    path = _scenario(case, "code,modality,max_new_units\n120101,CT,1\n")
    d = solve_by_province(path, scheduler="inline", time_limit=30, gap=1e-6)
    assert d.objective == pytest.approx(800.0)
    assert d.plan.groupby("region_code")["new_units"].sum()["120101"] == 1.0


def test_the_decomposition_refuses_a_quota_across_provinces(case):
    """A planner's own code as a parent of regions in two provinces: splitting would double the cap."""
    regions = REGIONS.replace("110100", "X1").replace("120100", "X1")
    path = case(one_tier_ct(budget=300, extra_regions=WITH_QUOTAS), regions=regions, stock=STOCK,
                quotas="code,modality,max_new_units\nX1,CT,1\n")
    with pytest.raises(NotImplementedError, match="X1"):
        split(Planner.from_file(path).inputs)


def test_a_sweep_of_the_cap_scale_reports_the_cost_of_the_quota(case, tmp_path):
    """planner sweep over quotas.cap_scale with the quota off (a scale of 3: 3 units, not binding) first: the
    quota of 1 costs 150 (800 - 650) and 15 thousand exams unmet, the quota of 2 costs 50 and 5 thousand. The
    solves are proven optimal (gap 0), so the proven range is the change itself."""
    from planner.distributed.batch import BatchRunner, grid

    path = _scenario(case, "code,modality,max_new_units\n120101,CT,1\n")
    df = BatchRunner(grid(path, ["quotas.cap_scale=3,2,1"]), tmp_path / "sweep", workers=1).run()
    by = df.set_index("quotas.cap_scale")
    assert by["objective"].to_dict() == pytest.approx({3: 650.0, 2: 700.0, 1: 800.0})
    assert by["objective_change_vs_first"].to_dict() == pytest.approx({3: 0.0, 2: 50.0, 1: 150.0})
    assert by["objective_change_at_least"].to_dict() == pytest.approx({3: 0.0, 2: 50.0, 1: 150.0})
    assert by["objective_change_at_most"].to_dict() == pytest.approx({3: 0.0, 2: 50.0, 1: 150.0})
    assert by["unmet_change_vs_first_thousand_exams"].to_dict() == pytest.approx({3: 0.0, 2: 5.0, 1: 15.0})
    assert by["verifier_ok"].all()
