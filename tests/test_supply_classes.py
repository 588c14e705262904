"""Classes of new units (supply.classes, issue 27 lever 2): each class has its own prices by origin, capacity,
staff and service life, and may have a least domestic share.

The instances, worked by hand: one tier, CT only (100 万元 a unit of 10 thousand exams), one region of
0.8 M people = 40 thousand exams a year, no stock, one plan year 2026, 10 万元 per thousand unmet exams.

- Capacity: classes std (the modality's figures) and fast (150 万元, 20 thousand exams). Budget 300, cost
  weight 0.01: 2 fast units serve all 40 thousand for 300 万元, objective 0.01 x 300 = 3; 3 std units leave
  10 thousand unmet (100 + 3); 1 fast + 1 std leave 10 thousand (100 + 2.5). The plan: 2 fast units.
- Staff: CT needs 1 staff a unit; classes std and heavy (20 thousand exams, 5 staff, the same price). Budget
  400, cost weight 0.01. With 20 staff per million (16 staff): 2 heavy units (10 staff), objective 2. With
  10 per million (8 staff): 2 heavy need 10, too many; 1 heavy + 2 std (7 staff) serve all for 300 万元,
  objective 3, better than 4 std (4).
- Share: classes a (imported 100, domestic 120, least domestic share 0.5) and b (imported 100, the
  modality's). Budget 220, no cost weight: without b, 2 units of a with 1 domestic (220 万元; 2 domestic
  cost 240), unmet 20 thousand, objective 200 (3 units need 2 domestic: 340), and the rule's LP value:
  D = x/2 and 110 x = 220; one domestic unit more leaves 110 x = 200, 20/110 of a unit (10 thousand exams
  at 10 万元) less: 200/11 = 18.18 万元-equivalent. With b and budget 300, 3 units of b, objective 100: a has
  no unit, so its rule asks nothing.
- Life: capital annualised at 0 % discount, cost weight 1, budget 400: 4 units serve all; a std unit (life
  10) counts 100/10 = 10 a year, one of class long (life 20, the same price) 100/20 = 5. The plan buys 4
  long units: objective 20.
"""

from __future__ import annotations

import pytest

from planner import Planner
from planner.errors import PlannerError
from planner.planning.families.supply import summary_lines
from planner.planning.model import PlanModel
from planner.planning.verify import verify
from tests.conftest import one_tier_ct

REGIONS = """
    code,name_zh,name_en,population
    110101,甲,Alpha,800000
"""
STOCK = """
    code,tier,modality,units,installed_year
"""
FAST = """
[[supply.classes]]
modality = "CT"
name = "std"

[[supply.classes]]
modality = "CT"
name = "fast"
price_wan_cny = 150
capacity_exams_per_unit_per_year = 20000
"""
HEAVY = """
[[supply.classes]]
modality = "CT"
name = "std"

[[supply.classes]]
modality = "CT"
name = "heavy"
capacity_exams_per_unit_per_year = 20000
staff_per_unit = 5
"""
SHARE = """
[[supply.classes]]
modality = "CT"
name = "a"
domestic_price_wan_cny = 120
min_domestic_share = 0.5
"""
B = """
[[supply.classes]]
modality = "CT"
name = "b"
"""
LONG = """
[[supply.classes]]
modality = "CT"
name = "std"

[[supply.classes]]
modality = "CT"
name = "long"
service_life_years = 20
"""


def scenario(classes: str, budget=300, cost_weight=0.01, extra: str = "") -> str:
    return one_tier_ct(budget=budget, cost_weight=cost_weight) + extra + "\n[supply]\nenabled = true\n" + classes


def solve(case, toml):
    r = Planner.from_file(case(toml, regions=REGIONS, stock=STOCK)).solve()
    assert r.report.status == "optimal"
    assert r.verifier.ok, r.verifier.violations
    return r


def units(r, name: str) -> float:
    return float(r.plan[f"class_units_CT {name}"].sum())


def test_a_class_doing_more_exams_is_chosen_where_it_serves_more(case):
    r = solve(case, scenario(FAST))
    assert r.report.objective == pytest.approx(3.0)
    assert units(r, "fast") == 2.0 and units(r, "std") == 0.0 and float(r.plan["new_units"].sum()) == 2.0
    assert r.spend_total_wan == pytest.approx(300.0)                 # the class's price, not the modality's 100
    assert r.plan["capex_wan_cny"].tolist() == [300.0] and r.plan["unit_price_wan_cny"].tolist() == [150.0]
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(3.0)
    assert float(r.flows["unmet_k"].sum()) == pytest.approx(0.0, abs=1e-6)
    lines = [str(m) for m in summary_lines(r)]
    assert "CT fast: 2 of 2 new unit(s), 0 domestic" in lines, lines


def test_the_model_rows_hold_the_class_terms(case):
    pm = PlanModel(Planner.from_file(case(scenario(FAST), regions=REGIONS, stock=STOCK)).inputs)
    A, lo, hi = pm.matrix()
    v = pm.families["V"].index
    fast_imported = int(pm.col("V", [int(((v["c"] == 1) & (v["o"] == 0)).to_numpy().argmax())])[0])
    assert A[pm.row_start["budget_total"], fast_imported] == pytest.approx(50.0)   # 150 - CT's 100
    assert A[pm.row_start["capacity"], fast_imported] == pytest.approx(-10.0)   # 10 thousand exams beyond CT's
    assert pm.blocks["supply_classes"].rows == 1 and pm.blocks["supply_class_domestic"].rows == 1
    assert len(v) == 4                                                          # 2 classes x 2 origins


def test_a_class_needing_more_staff_is_held_to_the_staff_available(case):
    staffed = "\n[staffing]\nenabled = true\nmin_staff_per_million = {m}\ngrowth_pct_per_year = 0\n"
    base = one_tier_ct(budget=400, cost_weight=0.01).replace("[staffing]\nenabled = false\n", "")
    base = base.replace("service_life_years = 10", "service_life_years = 10\nstaff_per_unit = 1")
    for per_million, heavy, std, objective in ((20, 2, 0, 2.0), (10, 1, 2, 3.0)):
        toml = base + staffed.format(m=per_million) + "\n[supply]\nenabled = true\n" + HEAVY
        r = solve(case, toml)
        assert (units(r, "heavy"), units(r, "std")) == (heavy, std), per_million
        assert r.report.objective == pytest.approx(objective)
    plan = r.plan.copy()                                 # the 8-staff plan with its std units made heavy: 15 staff
    plan["class_units_CT heavy"] = plan["new_units"]
    plan["class_units_CT std"] = 0.0
    words = verify(r.inputs, plan, r.flows, r.mobile).violations
    assert any("staff" in w and "15.0" in w for w in words), words


def test_a_class_share_costs_a_unit_and_another_class_avoids_it(case):
    r = solve(case, scenario(SHARE, budget=220, cost_weight=0.0))
    assert r.report.objective == pytest.approx(200.0)
    assert units(r, "a") == 2.0 and float(r.plan["class_domestic_CT a"].sum()) == 1.0
    assert float(r.plan["domestic_units"].sum()) == 1.0 and r.spend_total_wan == pytest.approx(220.0)
    rule = r.marginal[r.marginal["constraint"] == "supply_class_share"]
    assert rule["marginal_value"].tolist() == pytest.approx([200.0 / 11.0])
    lines = [str(m) for m in summary_lines(r)]
    assert any("least domestic share of new CT a units costs 18.18 万元-equivalent" in w for w in lines), lines
    r = solve(case, scenario(SHARE + B, cost_weight=0.0))
    assert r.report.objective == pytest.approx(100.0) and units(r, "b") == 3.0 and units(r, "a") == 0.0


def test_a_class_life_values_the_purchase_when_capital_is_annualised(case):
    toml = scenario(LONG, budget=400, cost_weight=1.0).replace(
        "cost_weight = 1.0", "cost_weight = 1.0\ncapital_valuation = \"annualised\"\ndiscount_rate_pct = 0")
    r = solve(case, toml)
    assert units(r, "long") == 4.0 and r.report.objective == pytest.approx(20.0)
    assert r.verifier.recomputed["weighted_sum_objective"] == pytest.approx(20.0)


def test_the_verifier_catches_tampered_classes(case):
    r = solve(case, scenario(FAST))
    slower = r.plan.copy()                                # the 2 fast units said to be std: 20 thousand exams short
    slower["class_units_CT std"], slower["class_units_CT fast"] = slower["class_units_CT fast"], 0.0
    words = verify(r.inputs, slower, r.flows, r.mobile).violations
    assert any("capacity" in w.lower() for w in words), words
    listed = r.plan.assign(capex_cny=r.plan["new_units"] * 100 * 10_000)   # the row's cost at CT's list price
    words = verify(r.inputs, listed, r.flows, r.mobile).violations
    assert any("capital cost" in w.lower() or "capex" in w.lower() for w in words), words
    lost = r.plan.drop(columns=["class_units_CT fast"])   # the classes no longer count the new units
    words = verify(r.inputs, lost, r.flows, r.mobile).violations
    assert any("the classes of CT count 0.00 new units" in w for w in words), words
    ruled = solve(case, scenario(SHARE, budget=220, cost_weight=0.0))
    below = ruled.plan.copy()
    below["class_domestic_CT a"], below["domestic_units"] = 0.0, 0.0
    words = verify(ruled.inputs, below, ruled.flows, ruled.mobile).violations
    assert any("below the class's least domestic share 50%" in w for w in words), words
    more = ruled.plan.copy()
    more["class_domestic_CT a"] = 5.0                     # more domestic than the class's units
    words = verify(ruled.inputs, more, ruled.flows, ruled.mobile).violations
    assert any("CT class a: 2.00 units, 5.00 domestic" in w for w in words), words


@pytest.mark.parametrize("classes, said", [
    ('[[supply.classes]]\nmodality = "CTT"\nname = "x"\n', ["supply.classes #1", "'CT'"]),
    ('[[supply.classes]]\nmodality = "CT"\nname = "x"\n[[supply.classes]]\nmodality = "CT"\nname = "x"\n',
     ["supply.classes #2", "two classes named 'x'"]),
    ('[[supply.classes]]\nmodality = "CT"\nname = "x"\nmin_domestic_share = 1.5\n', ["from 0 to 1"]),
    ('[[supply.classes]]\nmodality = "CT"\nname = "x"\nprice_wan_cny = -3\n', ["price_wan_cny"]),
])
def test_bad_classes_are_refused_readably(case, classes, said):
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(scenario(classes), regions=REGIONS, stock=STOCK))
    assert all(s in str(err.value) for s in said), str(err.value)


def test_a_class_life_the_plan_cannot_count_is_refused(case):
    """Three plan years; CT serves 10: a class of 2 years would retire inside the plan, which the stock rows
    (by modality) do not model."""
    toml = one_tier_ct(last_year=2028) + "\n[supply]\nenabled = true\n" + \
        '[[supply.classes]]\nmodality = "CT"\nname = "short"\nservice_life_years = 2\n'
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(toml, regions=REGIONS, stock=STOCK))
    assert "shorter than the plan's 3 years" in str(err.value) and "set the class's life to 10" in str(err.value)


def test_classes_are_off_with_supply(case):
    toml = scenario(FAST).replace("[supply]\nenabled = true", "[supply]\nenabled = false")
    r = solve(case, toml)
    assert len(PlanModel(r.inputs).families["V"]) == 0 and "class_units_CT fast" not in r.plan
    assert r.report.objective == pytest.approx(103.0)                       # 3 CT at 100, 10 thousand unmet


def test_a_class_of_a_mobile_modality_is_refused():
    import tomllib

    from pydantic import ValidationError

    from planner.config.schema import Scenario
    from tests.conftest import REPO

    raw = tomllib.loads((REPO / "tests" / "data" / "app_models" / "small.toml").read_text(encoding="utf-8"))
    raw["supply"] = {"enabled": True, "classes": [{"modality": "MOBILE_CT", "name": "van"}]}
    with pytest.raises(ValidationError) as err:
        Scenario.model_validate(raw)
    assert "MOBILE_CT is a mobile modality; classes are for fixed units" in str(err.value)
    raw["supply"]["classes"] = [{"modality": "MRI", "name": "3T", "price_wan_cny": 900}]
    assert Scenario.model_validate(raw).supply.classes[0].price_wan_cny == 900


TWO_TIERS = """
[tiers.grassroots]
rank = 0
"""


def test_a_class_kept_to_a_tier_is_bought_only_there(case):
    """Two tiers, hospital above grassroots (both may hold CT; demand presents at the hospital, referral 1.0).
    Class fast (150 万元, 20 thousand exams) at the hospital only, std everywhere: the hospital buys 2 fast
    units as in the one-tier instance, and the verifier flags fast units said to be at grassroots."""
    toml = scenario(FAST.replace('name = "fast"', 'name = "fast"\ntiers = ["hospital"]'))
    toml = toml.replace("[eligibility]\nhospital = { CT = 100 }", "[eligibility]\nhospital = { CT = 100 }\n"
                        "grassroots = { CT = 100 }").replace("[tiers.hospital]", TWO_TIERS + "\n[tiers.hospital]")
    r = solve(case, toml)
    assert r.report.objective == pytest.approx(3.0) and units(r, "fast") == 2.0
    pm = PlanModel(r.inputs)
    v = pm.families["V"].index
    fast_at = set(v.loc[v["c"] == 1, "t"])
    assert fast_at == {r.inputs.tiers.index("hospital")}
    moved = r.plan.copy()
    moved["tier"] = "grassroots"
    words = verify(r.inputs, moved, r.flows, r.mobile).violations
    assert any("CT class fast: 2.00 units" in w for w in words), words


def test_a_tier_no_class_may_serve_is_refused(case):
    toml = scenario('[[supply.classes]]\nmodality = "CT"\nname = "x"\ntiers = ["grassroots"]\n')
    toml = toml.replace("[tiers.hospital]", TWO_TIERS + "\n[tiers.hospital]")
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(toml, regions=REGIONS, stock=STOCK))
    assert "CT may stand at hospital (eligibility) but none of its classes may be bought there" in str(err.value)
    with pytest.raises(PlannerError) as err:
        Planner.from_file(case(scenario('[[supply.classes]]\nmodality = "CT"\nname = "x"\ntiers = ["hospitl"]\n'),
                               regions=REGIONS, stock=STOCK))
    assert "unknown tier 'hospitl'" in str(err.value) and "'hospital'" in str(err.value)


def test_a_sweep_varies_a_class_by_its_name(case, tmp_path):
    """--set/--vary reach a class by its modality and name (or its place from 1), so `planner sweep` can vary a
    class's least share; a class not in the scenario is said with the ones that are."""
    from planner.config.scenario import load_scenario
    from planner.distributed.batch import grid
    from planner.errors import InputError

    path = case(scenario(SHARE + B, cost_weight=0.0), regions=REGIONS, stock=STOCK)
    scn = load_scenario(path, ["supply.classes[CT a].min_domestic_share=0.25", "supply.classes[2].price_wan_cny=90"])
    assert [c.min_domestic_share for c in scn.scenario.supply.classes] == [0.25, None]
    assert scn.scenario.supply.classes[1].price_wan_cny == 90
    cases = grid(path, ["supply.classes[CT a].min_domestic_share=0:0.8:3"])
    assert [c.overrides for c in cases][-1] == ("supply.classes[CT a].min_domestic_share=0.8",)
    with pytest.raises(InputError) as err:
        load_scenario(path, ["supply.classes[MRI 3T].min_domestic_share=0.5"])
    assert "names no row of classes: it has 2 row(s): 'CT a', 'CT b'" in str(err.value), str(err.value)


def test_rounding_reads_the_budget_at_the_cheapest_class_a_rule_allows(case):
    """room.PurchaseRows puts each class column in at the cheapest completion of a purchase (Variables.
    completion), so the budget rows are rows over purchases: CT's only class costs 150 a unit, so one more CT
    counts 150 in the budget, not CT's 100; with a least domestic share on the class, its domestic price."""
    from planner.planning.room import PurchaseRows

    one = '[[supply.classes]]\nmodality = "CT"\nname = "fast"\nprice_wan_cny = 150\ndomestic_price_wan_cny = 140\n'
    for extra, price in (("", 140.0), ("min_domestic_share = 0.5\n", 140.0),
                         ("domestic_price_wan_cny = 160\n", 150.0),
                         ("domestic_price_wan_cny = 160\nmin_domestic_share = 0.5\n", 160.0)):
        text = one.replace("domestic_price_wan_cny = 140\n", "") if "domestic_price" in extra else one
        pm = PlanModel(Planner.from_file(case(scenario(text + extra), regions=REGIONS, stock=STOCK)).inputs)
        rows = PurchaseRows(pm)
        at = list(rows.names).index("budget_total")
        assert rows.K[at].toarray().ravel()[0] == pytest.approx(price), extra
