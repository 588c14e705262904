"""The Pyomo model (the canonical, solver-independent form) and the matrices handed to HiGHS are the same
model: same rows, coefficients, row and column bounds, costs, constant and integrality."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from planner import Planner
from planner.planning.model import PlanModel
from tests.conftest import REPO as REPO_ROOT

CASES = {
    "tiny": (REPO_ROOT / "tests" / "data" / "tiny" / "tiny.toml", []),
    "access": (REPO_ROOT / "tests" / "data" / "access" / "access.toml", []),
    "baseline-2y": (REPO_ROOT / "models" / "baseline.toml", ["years.last_plan_year=2027"]),
}


def pyomo_arrays(m: pyo.ConcreteModel, ncol: int):
    col = {id(m.v[i]): i for i in range(ncol)}
    rows, cols, vals, lo, hi = [], [], [], [], []
    for r, con in enumerate(m.component_data_objects(pyo.Constraint, active=True, descend_into=True)):
        repn = generate_standard_repn(con.body, compute_values=True)
        assert repn.constant == 0 and repn.is_linear()
        for v, c in zip(repn.linear_vars, repn.linear_coefs):
            rows.append(r), cols.append(col[id(v)]), vals.append(c)
        lo.append(-np.inf if con.lower is None else pyo.value(con.lower))
        hi.append(np.inf if con.upper is None else pyo.value(con.upper))
    import scipy.sparse as sp

    A = sp.csr_matrix((vals, (rows, cols)), shape=(len(lo), ncol))
    obj = generate_standard_repn(m.obj.expr, compute_values=True)
    c = np.zeros(ncol)
    for v, k in zip(obj.linear_vars, obj.linear_coefs):
        c[col[id(v)]] += k
    lb = np.array([-np.inf if m.v[i].lb is None else m.v[i].lb for i in range(ncol)])
    ub = np.array([np.inf if m.v[i].ub is None else m.v[i].ub for i in range(ncol)])
    integer = np.array([m.v[i].is_integer() for i in range(ncol)])
    return A, np.array(lo), np.array(hi), c, float(obj.constant), lb, ub, integer


@pytest.mark.parametrize("name", sorted(CASES))
def test_pyomo_model_equals_the_highs_matrices(name):
    path, overrides = CASES[name]
    p = Planner.from_file(path, overrides)
    pm = PlanModel(p.inputs)
    A, row_lo, row_hi = pm.matrix()
    PA, plo, phi, c, const, lb, ub, integer = pyomo_arrays(pm.model, len(pm.cost))
    assert PA.shape == A.shape
    assert abs(PA - A).max() == pytest.approx(0.0, abs=1e-12)
    assert np.array_equal(plo, row_lo) and np.array_equal(phi, row_hi)
    assert np.allclose(c, pm.cost) and const == pytest.approx(pm.objective_offset)
    assert np.array_equal(lb, pm.lower) and np.array_equal(ub, pm.upper) and np.array_equal(integer, pm.integer)


def test_what_if_changes_reach_both_forms():
    p = Planner.from_file(*CASES["baseline-2y"])
    pm = PlanModel(p.inputs)
    m = pm.model
    pm.set_budget(total_wan=123.0)
    pm.set_targets({"CT": 41.0})
    A, row_lo, row_hi = pm.matrix()
    _, plo, phi, *_ = pyomo_arrays(m, len(pm.cost))
    assert np.array_equal(plo, row_lo) and np.array_equal(phi, row_hi)
    assert row_hi[pm.row_start["budget_total"]] == pytest.approx(123.0 + pm.budget_offset["total"])


def test_export_writes_an_lp_file(tmp_path):
    from planner.planning.pyomo_model import write

    p = Planner.from_file(*CASES["tiny"])
    pm = PlanModel(p.inputs)
    assert write(pm, str(tmp_path / "tiny.lp")) == "lp"
    text = (tmp_path / "tiny.lp").read_text()
    lines = text.splitlines()
    assert "min " in lines and "s.t." in lines and "general" in lines  # objective, rows, integer columns
    assert write(pm, str(tmp_path / "tiny.mps")) == "mps" and "ROWS" in (tmp_path / "tiny.mps").read_text()
