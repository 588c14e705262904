"""The renewal earmark (设备更新/以旧换新, issue 27 §3): a share of the net budget only replacements may spend.

The instance, worked by hand: one tier, CT only, one plan year (2026), 100 万元 a unit of 10 thousand
exams, 10 万元 per thousand unmet exams, no cost weight. Alpha (110101): 0.1 M people x 50/1,000 = 5
thousand exams; its 2 units were installed in 2016 and retire in 2026 (life 10), so 2 are retired by 2026
and 5 thousand are unmet without purchases. Beta (120101): 2 M people = 100 thousand exams, 1 unit from
2024 still in service, 90 unmet; nothing retires. A unit in Alpha closes 5 thousand exams (50 万元), in
Beta 10 (100 万元); only Alpha's units can be replacements (at most 2).

- share 0, 300 万元: three units in Beta: unmet 5 + 60 = 65, objective 650.
- share 1/3: 200 万元 for non-replacements: two in Beta (70 unmet), the reserved 100 buys Alpha's
  replacement (0 unmet): objective 700.
- share 0.5: 150 万元 for non-replacements buys one whole unit in Beta (80 unmet); Alpha's replacement
  closes its 5: objective 800.
- share 1/3 at 600 万元 (a what-if): 400 万元 buys four in Beta (50 unmet), Alpha replaced: 500.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from planner import Planner
from planner.distributed.provinces import Subproblem, split
from planner.errors import PlannerError
from planner.planning.checks import run_checks
from planner.planning.model import PlanModel
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    110101,甲,Alpha,100000
    120101,乙,Beta,2000000
"""
STOCK = """
    code,tier,modality,units,installed_year
    110101,hospital,CT,2,2016
    120101,hospital,CT,1,2024
"""


def scenario(share: float | None, budget: float = 300, extra: str = "") -> str:
    toml = one_tier_ct(budget=budget) + extra
    return toml if share is None else toml + f"\n[renewal]\nearmark_share = {share}\n"


def by_region(r) -> dict[str, float]:
    return r.plan.groupby("region_code")["new_units"].sum().to_dict()


def test_the_instance_is_as_worked_by_hand(case):
    p = Planner.from_file(case(scenario(None), regions=REGIONS, stock=STOCK))
    assert p.inputs.stock_base[:, 0, 0].tolist() == [2.0, 1.0]
    assert p.inputs.surviving[:, 0, 0, 0].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("share, objective, bought", [
    (None, 650.0, {"120101": 3.0}),
    (0.0, 650.0, {"120101": 3.0}),
    (1 / 3, 700.0, {"110101": 1.0, "120101": 2.0}),
    (0.5, 800.0, {"120101": 1.0}),
])
def test_the_reserved_share_buys_replacements(case, share, objective, bought):
    r = Planner.from_file(case(scenario(share), regions=REGIONS, stock=STOCK)).solve()
    assert r.report.status == "optimal"
    assert r.report.objective == pytest.approx(objective)
    got = by_region(r)
    # at share 0.5 Alpha's one useful replacement may come with a second that closes nothing (cost weight 0)
    assert got.get("120101") == bought["120101"] and got.get("110101", 0.0) >= bought.get("110101", 0.0)
    assert r.verifier.ok, r.verifier.violations
    on = share is not None and share > 0
    assert ("renewal" in r.verifier.checked) == on
    if on:
        rep = r.regions.set_index("region_code")["replacement_units"]
        assert rep["110101"] == got.get("110101", 0.0) and rep["120101"] == 0.0
    else:
        assert "replacement_units" not in r.regions


def test_the_rows_are_as_the_readme_writes_them(case):
    p = Planner.from_file(case(scenario(1 / 3), regions=REGIONS, stock=STOCK))
    pm = PlanModel(p.inputs)
    assert len(pm.families["RN"]) == 1                 # Alpha's slot, 2026: the only slot with retirements
    A, lo, hi = pm.matrix()
    at = pm.row_start["renewal_earmark"]
    assert hi[at] == pytest.approx(200.0)
    row = dict(zip(A[at].indices.tolist(), A[at].data.tolist()))
    assert row[int(pm.col("RN")[0])] == -100.0 and all(row[int(j)] == 100.0 for j in pm.col("x"))
    assert hi[pm.row_start["renewal_retired"]] == 2.0
    assert pm.model.renewal_earmark_rhs[0].value == pytest.approx(200.0)   # the Pyomo mirror's what-if side


def test_the_budget_what_if_moves_the_earmark(case):
    p = Planner.from_file(case(scenario(1 / 3), regions=REGIONS, stock=STOCK))
    assert p.solve().report.objective == pytest.approx(700.0)
    p.set_budget(600)
    assert p._pm.blocks["renewal_earmark"].upper[0] == pytest.approx(400.0)
    r = p.solve()
    assert r.report.objective == pytest.approx(500.0)
    assert by_region(r)["120101"] == 4.0 and r.verifier.ok, r.verifier.violations
    fresh = Planner.from_file(case(scenario(1 / 3, budget=600), regions=REGIONS, stock=STOCK)).solve()
    assert fresh.report.objective == pytest.approx(500.0)


def test_committed_spend_is_netted_before_the_share(case):
    """900 gross less 600 committed = 300 net: the earmark is a share of the net, as the budget rows are."""
    toml = scenario(1 / 3, budget=900).replace("include_running_cost", "committed_wan_cny = 600\ninclude_running_cost")
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK)).solve()
    assert r.report.objective == pytest.approx(700.0) and r.verifier.ok, r.verifier.violations


def test_the_verifier_catches_a_plan_over_the_earmark(case):
    r = Planner.from_file(case(scenario(1 / 3), regions=REGIONS, stock=STOCK)).solve()
    plan = r.plan.copy()
    plan.loc[plan["region_code"] == "110101", "region_code"] = "120101"   # the replacement moved to Beta
    report = verify(r.inputs, plan, r.flows, r.mobile)
    assert any("more than the 200.0 万元 the renewal earmark leaves" in v for v in report.violations), report.violations
    assert any(str(m).startswith("new units that are not replacements of retired units cost 300.0 万元")
               for m in report.messages)


def test_the_dual_says_what_earmark_free_money_is_worth(case):
    r = Planner.from_file(case(scenario(1 / 3), regions=REGIONS, stock=STOCK)).solve()
    row = r.marginal[r.marginal["constraint"] == "renewal_earmark"]
    # LP relaxation: one more 万元 free of the earmark buys 1/100 of a Beta unit (0.1 thousand exams, 1 万元)
    # instead of nothing (the reserve is spent on Alpha, whose demand is met)
    assert len(row) == 1 and row["marginal_value"].iloc[0] == pytest.approx(1.0)
    assert "earmark" in str(row["plain_words"].iloc[0])


def test_a_share_above_one_is_refused_readably(case):
    path = case(scenario(1.5), regions=REGIONS, stock=STOCK)
    with pytest.raises(PlannerError) as err:
        Planner.from_file(path)
    text = str(err.value)
    assert "renewal.earmark_share" in text and "1" in text, text


def test_the_hard_rules_cannot_fit_beside_the_earmark(case):
    """A hard target of 2 CT per million: Beta needs 4, has 1: 3 new units (300 万元) that cannot be
    replacements; Alpha needs 1 that can. A share of 0.5 leaves 150 万元: refused before the solve."""
    toml = scenario(0.5).replace("target_per_million = 0", "target_per_million = 2\ntarget_hard = true")
    p = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK))
    errors = [str(e) for e in p.checks.errors]
    assert any("cannot replace retiring units" in e and "300 万元" in e and "150 万元" in e
               and "renewal.earmark_share" in e for e in errors), errors
    assert not run_checks(Planner.from_file(case(scenario(0.5), regions=REGIONS, stock=STOCK)).inputs).errors


def test_an_earmark_with_nothing_retiring_warns(case):
    stock = STOCK.replace("2,2016", "2,2024")
    p = Planner.from_file(case(scenario(0.2), regions=REGIONS, stock=stock))
    assert any("no base-year unit retires" in str(w) for w in p.checks.warnings)


def test_the_decomposition_refuses_the_earmark_and_keeps_working_without_it(case):
    p = Planner.from_file(case(scenario(1 / 3), regions=REGIONS, stock=STOCK))
    with pytest.raises(NotImplementedError, match="renewal_earmark"):
        Subproblem(split(p.inputs)[0])
    off = Planner.from_file(case(scenario(1 / 3, extra="\n[constraints]\nrenewal = false\n"), regions=REGIONS,
                                 stock=STOCK))
    assert "renewal_earmark" not in Subproblem(split(off.inputs)[0]).pm.blocks
    assert np.isclose(off.solve().report.objective, 650.0)


def test_the_app_draws_the_renewal_section_from_the_schema(tmp_path, monkeypatch):
    """No app code: the section's editor comes from the schema, its words from the labels catalog; a share
    above 1 is refused beside it in the field's words; a share typed reaches the scenario the page solves."""
    from tests.conftest import started_app, wkey

    at = started_app(tmp_path, monkeypatch)
    assert "Renewal earmark" in {e.label for e in at.expander}
    at.number_input(key=wkey(at, "edit_renewal_earmark_share")).set_value(1.5).run()
    errors = [e.value for e in at.error]
    assert not at.exception and any("“Share of the budget reserved for replacing retiring units" in e
                                    and "less than or equal to 1" in e for e in errors), errors
    at.number_input(key=wkey(at, "edit_renewal_earmark_share")).set_value(0.2).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["edited"].scenario.renewal.earmark_share == 0.2


def test_the_elastic_model_names_the_earmark(case):
    """The hard-target case above. The elastic model prices a unit short of a hard target at 100, a 万元 over
    the budget or the earmark at 1. Cheapest: Alpha's replacement (100), two units in Beta (200, 50 over
    the earmark's 150), Beta one unit short: 50 + 100 = 150 (three in Beta would cost 150 over the earmark
    and 100 over the budget)."""
    from planner.planning.checks import elastic_explanation

    toml = scenario(0.5).replace("target_per_million = 0", "target_per_million = 2\ntarget_hard = true")
    words = [str(m) for m in elastic_explanation(Planner.from_file(case(toml, regions=REGIONS, stock=STOCK)).inputs)]
    assert words == ["the hard CT target in 乙 (120101) in 2026 is 1.0 unit(s) out of reach",
                     "the renewal earmark would need to leave 50 万元 more for new units that are not replacements"]


def test_a_quick_plan_after_a_budget_cut_keeps_the_earmark(case):
    p = Planner.from_file(case(scenario(1 / 3, budget=600), regions=REGIONS, stock=STOCK))
    assert p.solve().report.objective == pytest.approx(500.0)
    p.set_budget(300)
    q = p.quick_plan()
    if q is not None:   # a plan at once, verified like any other (or none, and the solve below)
        assert q.verifier.ok, q.verifier.violations
    assert p.solve().report.objective == pytest.approx(700.0)


@pytest.mark.parametrize("budget, share, start, objective, outcome", [
    (1000, 0.05, True, 0.0, "held"),     # money to spare: the LP gives the earmark a zero dual, the plan keeps it
    (300, 0.05, True, 700.0, "kept"),    # the LP's dual is zero, but the rounded start (Beta's 3 new units,
                                         # 300 万元, none a replacement) breaks the 285 万元 the earmark leaves
    (300, 0.05, False, 700.0, "broken"),  # no start to tell: the MIP's plan (the same 3 units) breaks it, and
                                          # the whole model is solved again
    (300, 1 / 3, True, 700.0, "kept"),   # the LP binds the earmark: the MIP keeps it from the start
])
def test_the_earmark_is_checked_after_the_mip_when_the_lp_leaves_it_free(case, monkeypatch, budget, share, start,
                                                                         objective, outcome):
    """planning/lazy.py: the earmark's rows leave the MIP when the LP relaxation gives them a zero dual and
    the start keeps them, and the plan is completed on the whole model after it, or the whole model is solved
    again. Every way gives the optimum of the MIP that keeps the rows throughout (lazy rows off)."""
    from planner.planning import lazy

    path = case(scenario(share, budget=budget), regions=REGIONS, stock=STOCK)
    over = [] if start else ["solver.warm_start=false"]
    p = Planner.from_file(path, over)
    r = p.solve()
    assert p._solver.lazy == outcome
    assert ("Renewal earmark left out of the search broke them" in str(r.report.message)) == (outcome == "broken")
    if outcome == "broken":
        assert "设备更新专项" in r.report.message.render("zh")
        # summary.json and a sweep's results keep it as data (a sweep at share 0.6 failed on the list of rules)
        from planner.messages import as_data, from_data

        again = from_data(json.loads(json.dumps(as_data(r.report.message))))
        assert again.render("zh") == r.report.message.render("zh") and str(again) == str(r.report.message)
    assert r.report.status == "optimal" and r.report.objective == pytest.approx(objective)
    assert r.report.bound == pytest.approx(objective)
    assert r.verifier.ok and "renewal" in r.verifier.checked, r.verifier.violations
    # the replacement columns of the whole model are filled, whichever way the plan came
    assert r.regions["replacement_units"].sum() == pytest.approx(r.plan[r.plan["region_code"] == "110101"]
                                                                 ["new_units"].sum().clip(max=2.0))
    # the family's columns sit in its own rows only: opened, they are free and presolve drops them
    rows = lazy.LazyRows(p._solver.pm)
    A = p._solver.pm.matrix()[0].tocsc()
    assert len(rows.cols) and set(A[:, rows.cols].tocoo().row) <= set(rows.rows.tolist())
    monkeypatch.setattr(lazy, "ENABLED", False)
    q = Planner.from_file(path, over)
    assert q.solve().report.objective == pytest.approx(objective) and q._solver.lazy == "none"


def test_a_stop_after_a_plan_that_broke_the_lazy_rows_leaves_no_plan_of_its_own(case):
    """A stop (or no time left) after the MIP without the earmark's rows ended in a plan that breaks them:
    that plan is not the whole model's, so the search gives none (status no_solution, the relaxation's bound
    kept), and keep_best's known plans or the stop's words take over, never a plan with no values."""
    from planner.planning.lazy import LazyRows
    from planner.solver.deadline import Deadline

    p = Planner.from_file(case(scenario(0.05), regions=REGIONS, stock=STOCK), ["solver.warm_start=false"])
    p.solve()
    solver = p._solver
    lazy = LazyRows(solver.pm)
    lazy.open(solver.highs)
    try:
        res = solver.highs.solve(10.0, 0.0)
    finally:
        lazy.close(solver.highs)
    assert res.status == "optimal" and res.objective == pytest.approx(650.0)   # Beta's 3 units, no replacement
    solver.stopped = True
    out = solver._check_lazy(lazy, res, Deadline.of(5.0), 0.0, 0.0)
    assert solver.lazy == "broken"
    assert out.status == "no_solution" and out.x is None and out.objective is None
    assert out.bound == pytest.approx(650.0)   # a bound of a relaxation, still one of the whole model
