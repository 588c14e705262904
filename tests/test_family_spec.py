"""A new constraint family through the public spec only (issue 26, item 1).

The toy family caps the new units a region may buy over the whole plan. It is declared here, in the test
file, with nothing changed anywhere else, and must then be part of every piece of the planner: the matrix
HiGHS gets, the Pyomo mirror, the verifier (a tampered plan is caught), the result tables and the province
decomposition.

The instance is test_hand_instances' first one with the two regions in two provinces: Alpha (110101) has
5 thousand exams unmet, Beta (120101) 90; 300 万元 buys 3 CT of 10 thousand exams each. Without the cap all
three go to Beta (objective 10 x 65 = 650). With Beta capped at 1 new unit: Beta's one unit closes 10,
one unit in Alpha closes Alpha's 5, and a third unit closes nothing anywhere: unmet 0 + 80 = 80, objective
800.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner import Planner
from planner.distributed.decomposition import solve_by_province
from planner.distributed.provinces import Subproblem, split
from planner.planning.families import ConstraintFamily, Rows, added
from planner.planning.model import PlanModel
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    110101,甲,Alpha,500000
    120101,乙,Beta,2000000
"""
STOCK = """
    code,tier,modality,units
    110101,hospital,CT,2
    120101,hospital,CT,1
"""
CAPS = {"120101": 1.0}   # the toy family's own table: region code -> new units allowed over the plan


def _capped(pm: PlanModel) -> np.ndarray:
    return np.array([i for i, code in enumerate(pm.inp.codes) if code in CAPS], dtype=int)


def define_unit_cap(pm: PlanModel) -> None:
    """unit_cap: sum over tiers, modalities and years of x[(r,t,m),y] <= cap_r, for each capped region."""
    regions = _capped(pm)
    x = pm.families["x"].index
    row_of = {r: i for i, r in enumerate(regions)}
    sel = np.flatnonzero(x["r"].isin(regions).to_numpy())
    rows = np.array([row_of[r] for r in x["r"].to_numpy()[sel]], dtype=np.int64)
    caps = np.array([CAPS[pm.inp.codes[r]] for r in regions])
    pm.add_rows("unit_cap", [rows], [pm.col("x", sel)], [np.ones(len(sel))], np.full(len(regions), -np.inf),
                caps, pd.DataFrame({"r": regions}))


def check_unit_cap(c) -> None:
    """From the plan's purchases and the family's own table, not from the model."""
    for code, cap in CAPS.items():
        r = c.ridx[code]
        bought = float(c.x[r].sum())
        if bought > cap + 1e-6:
            c.v.append(f"{c.where(r)}: {bought:.0f} new units, more than the cap of {cap:.0f}")
    c.checked["unit_cap"] = len(CAPS)


def cap_columns(pm: PlanModel, regions: pd.DataFrame) -> dict[str, np.ndarray]:
    return {"new_unit_cap": regions["region_code"].astype(str).map(CAPS).to_numpy(float)}


def toy(decomposition="region") -> ConstraintFamily:
    return ConstraintFamily(
        name="unit_cap", label="Unit caps",
        rows=(Rows("unit_cap", define_unit_cap, decomposition=decomposition, what_if="upper",
                   dual_words="one more new unit allowed in {r} would lower the objective by {v:,.2f} 万元-equivalent"),),
        verify=check_unit_cap, region_columns=cap_columns)


@pytest.fixture
def scenario(case):
    return case(one_tier_ct(budget=300), regions=REGIONS, stock=STOCK)


def test_without_the_family_all_three_units_go_to_beta(scenario):
    r = Planner.from_file(scenario).solve()
    assert r.report.objective == pytest.approx(650.0)
    assert r.plan[["region_code", "new_units"]].values.tolist() == [["120101", 3.0]]


def test_the_family_is_in_the_matrix_and_the_pyomo_mirror(scenario):
    p = Planner.from_file(scenario)
    with added(toy()):
        pm = PlanModel(p.inputs)
    A, lo, hi = pm.matrix()
    at = pm.row_start["unit_cap"]
    assert hi[at] == 1.0 and lo[at] == -np.inf
    beta_x = pm.col("x", np.flatnonzero(pm.families["x"].index["r"].to_numpy() == 1))
    assert sorted(A[at].indices.tolist()) == sorted(beta_x.tolist()) and np.all(A[at].data == 1.0)
    m = pm.model   # the Pyomo mirror: the block, with its what-if side as a mutable Param
    assert len(m.unit_cap) == 1 and m.unit_cap_rhs[0].value == 1.0
    pm.blocks["unit_cap"].upper[0] = 2.0
    pm._sync_pyomo_rhs()
    assert m.unit_cap_rhs[0].value == 2.0


def test_the_plan_keeps_the_cap_and_the_results_show_it(scenario):
    with added(toy()):
        r = Planner.from_file(scenario).solve()
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(800.0)
    bought = r.plan.groupby("region_code")["new_units"].sum()
    assert bought["120101"] == 1.0 and bought["110101"] >= 1.0
    assert r.verifier.ok, r.verifier.violations
    assert r.verifier.checked["unit_cap"] == 1
    caps = r.regions.set_index("region_code")["new_unit_cap"]
    assert caps["120101"] == 1.0 and np.isnan(caps["110101"])


def test_the_verifier_catches_a_plan_over_the_cap(scenario):
    with added(toy()):
        r = Planner.from_file(scenario).solve()
        plan = r.plan.copy()
        plan.loc[plan["region_code"] == "120101", "new_units"] = 2.0
        plan.loc[plan["region_code"] == "120101", "capex_cny"] = 2_000_000.0
        report = verify(r.inputs, plan, r.flows, r.mobile)
    assert any("2 new units, more than the cap of 1" in v for v in report.violations), report.violations
    # and without the family, the same plan is not a violation of anything it knows about the cap
    assert not any("cap of" in v for v in verify(r.inputs, plan, r.flows, r.mobile).violations)


def test_the_decomposition_keeps_the_family_in_each_province(scenario):
    p = Planner.from_file(scenario)
    with added(toy()):
        parts = split(p.inputs)
        assert [part.key for part in parts] == ["11", "12"]
        beta = Subproblem(parts[1])
        assert beta.pm.blocks["unit_cap"].rows == 1 and Subproblem(parts[0]).pm.blocks["unit_cap"].rows == 0
        d = solve_by_province(scenario, scheduler="inline", time_limit=30, gap=1e-6)
    assert d.objective == pytest.approx(800.0)
    assert d.plan.groupby("region_code")["new_units"].sum()["120101"] == 1.0


def test_a_family_the_decomposition_cannot_split_is_refused(scenario):
    p = Planner.from_file(scenario)
    with added(toy(decomposition=None)):
        with pytest.raises(NotImplementedError, match="unit_cap"):
            Subproblem(split(p.inputs)[1])


# ------------------------------------------------------------------------------ shipped families are found
def test_the_shipped_families_are_found_in_model_order():
    """The modules of planning/families/ with FAMILY and ORDER, in ORDER: the order the model's columns and
    rows have had since the families became specs (the matrices are byte-identical, identical_plans.py)."""
    from planner.planning.families import SHIPPED

    assert [f.name for f in SHIPPED] == ["stock", "capacity", "demand", "catchment", "mobile", "density", "budget",
                                         "leasing", "supply", "renewal", "presence", "staffing", "reading", "quotas", "access", "equity",
                                         "objective_cap"]


def test_a_lazy_family_has_only_continuous_costless_columns():
    """planning/lazy.py may leave a lazy family's rows out of the MIP only because its columns are continuous
    and cost nothing (then the model without them is a relaxation, at the same objective): every shipped lazy
    family's variables (but an elastic model's slack) declare no integrality and no cost."""
    from planner.planning.families import SHIPPED

    lazy = [f for f in SHIPPED if f.lazy]
    assert [f.name for f in lazy] == ["renewal"]
    for family in lazy:
        for var in family.variables:
            assert var.elastic_only or (var.integer is None and var.cost is None), (family.name, var.name)


FAMILY_MODULE = '''from planner.planning.families.spec import ConstraintFamily
ORDER = {order}
FAMILY = ConstraintFamily(name="{name}", label="{name}")
'''


def _package(tmp_path, monkeypatch, name: str, modules: dict[str, str]):
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for mod, text in modules.items():
        (root / f"{mod}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    return importlib.import_module(name)


def test_a_new_module_with_family_and_order_is_a_family_with_no_list_to_edit(tmp_path, monkeypatch):
    from planner.planning.families import discover

    pkg = _package(tmp_path, monkeypatch, "fams_ok", {
        "zeta": FAMILY_MODULE.format(order=5, name="zeta"),            # first by ORDER, last by file name
        "alpha": FAMILY_MODULE.format(order=15, name="alpha"),
        "helpers": "X = 1\n"})                                          # no FAMILY: not a family
    assert [f.name for f in discover(pkg.__path__, pkg.__name__)] == ["zeta", "alpha"]


@pytest.mark.parametrize("modules, words", [
    ({"a": FAMILY_MODULE.format(order=1, name="a"), "b": FAMILY_MODULE.format(order=1, name="b")},
     "both have ORDER = 1"),
    ({"a": FAMILY_MODULE.replace("ORDER = {order}\n", "").format(name="a")}, "defines FAMILY but no int ORDER"),
])
def test_a_family_without_its_own_order_is_refused(tmp_path, monkeypatch, modules, words):
    from planner.planning.families import discover

    name = f"fams_bad_{len(modules)}"
    pkg = _package(tmp_path, monkeypatch, name, modules)
    with pytest.raises(ImportError, match=words):
        discover(pkg.__path__, pkg.__name__)
