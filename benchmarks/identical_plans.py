#!/usr/bin/env python3
"""Do the shipped scenarios and the hand instances give the same model and the same plans? (issue 26)

Issue 26's done-when for the refactor (constraint families moved into one module each, rounding
heuristics rewritten): "The shipped scenarios and all hand instances give the same objective, bound and
purchases before and after. Show the table in the note." This script makes that table.

Cases
  scenario/baseline, scenario/sichuan   every ``models/*.toml`` of the tree whose ``src/`` is imported
  hand/...                              the instances of ``tests/test_hand_instances.py``, built as each test
                                        builds them, with that tree's ``tests/conftest.py`` helpers
                                        (``write_case``, ``one_tier_ct``) and the test module's own tables;
                                        one case per parameter set. Tests that go on to a what-if (a new
                                        budget, a quick plan) give one row per step, e.g.
                                        ``hand/quick_cut :: quick@400``.

For each case
  model     ``PlanModel(inputs)``: sha256 over the stacked matrix (csr A after ``sort_indices``: indptr,
            indices, data), row lower/upper, column lower/upper, cost, integer, objective offset, the block
            names with row counts and the family names with sizes. Also a *canonical* hash (blocks and
            families sorted by name, so moving a block or a family elsewhere in the build order does not
            change it) and the canonical hash with every number cast to float32 (same to ~7 digits: a change
            in summation order shows as exact-different but float32-same). Per-block / per-family hashes say
            which part moved.
  elastic   the same for ``PlanModel(inputs, elastic=True)`` (the model that explains infeasibility).
  solve     ``Planner.from_file(path).solve()`` with the scenario's own settings (Sichuan: see below):
            status, objective, bound, gap, and a purchases hash (sha256 of the plan table's region_code,
            tier, modality, year, new_units rows, sorted) with the total of new units.

Caveat: time-limited solves are not reproducible
  Sichuan stops at its time limit without proving its gap (1 %), so where HiGHS stands at the limit depends on
  the machine's speed and load: its objective, bound and purchases can differ from run to run with the same
  code. Those rows are marked ``time-limited``; for them the model fingerprints are the exact test. Any other
  difference (a proven solve, or a fingerprint) is a real change. ``--sichuan-seconds`` (default 30) sets
  Sichuan's limit (0: the scenario's own 120 s).

Running (one heavy solve at a time: the cases run one after another; ~40 s at the defaults on 2 cores,
of which Sichuan's solve is 30 s and the baseline 3 s; the 31 hand cases take ~0.2 s each)

    cd benchmarks
    nice -n 10 ../.venv/bin/python identical_plans.py --label now           # results/identical_plans_now.json
    # the code before a refactor, from a worktree (its src/, tests/ and models/ are used):
    git worktree add /tmp/before_5305c7d 5305c7d
    PYTHONPATH=/tmp/before_5305c7d/src:/tmp/before_5305c7d nice -n 10 ../.venv/bin/python identical_plans.py --label before
    nice -n 10 ../.venv/bin/python identical_plans.py --compare results/identical_plans_before.json results/identical_plans_now.json
    # -> prints the markdown table and writes results/identical_plans_compare.md

    --cases hand/       only cases whose name contains one of the comma-separated strings
    --no-solve          fingerprints only (seconds)

The JSON records the tree that was imported (``planner.__file__``, ``git rev-parse HEAD`` of that tree, the
files of src/, tests/, models/ that differ from HEAD, and a sha256 over src/planner/**/*.py, since people edit
the working tree), highspy's version, the load average before and after, and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# ---------------------------------------------------------------------------------------------- the code under test
import planner  # noqa: E402  (PYTHONPATH decides which tree: that is the point)

TREE = Path(planner.__file__).resolve().parents[2]          # <tree>/src/planner/__init__.py
if str(TREE) not in sys.path[:1]:
    sys.path.insert(0, str(TREE))                           # tests.conftest of the same tree as planner
from planner import Planner  # noqa: E402
from planner.errors import PlannerError  # noqa: E402
from planner.planning.model import PlanModel  # noqa: E402


def _tests():
    """The tree's tests.conftest and tests.test_hand_instances (imported on first use)."""
    import tests.conftest as conftest
    import tests.test_hand_instances as hand

    for mod in (conftest, hand):
        if Path(mod.__file__).resolve().parents[1] != TREE:
            raise SystemExit(f"{mod.__name__} comes from {mod.__file__}, not from the tree of planner ({TREE})")
    return conftest, hand


# ---------------------------------------------------------------------------------------------- fingerprints
def _upd(h, a: np.ndarray, kind: str = "f8") -> None:
    """Hash an array's values (normalised: -0.0 is 0.0, ints as int64, bools as uint8) with its length."""
    a = np.asarray(a)
    if kind == "f8":
        a = a.astype(np.float64) + 0.0
    elif kind == "f4":
        a = a.astype(np.float64).astype(np.float32) + np.float32(0.0)
    elif kind == "i8":
        a = a.astype(np.int64)
    elif kind == "u1":
        a = a.astype(np.uint8)
    h.update(f"{kind}:{a.size};".encode())
    h.update(np.ascontiguousarray(a).tobytes())


def _sha(parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, tuple):
            _upd(h, *p)
        else:
            h.update(str(p).encode() + b";")
    return h.hexdigest()


def fingerprint(pm: PlanModel) -> dict:
    """Exact, canonical and float32 hashes of a built model, with its sizes and per-part hashes."""
    import scipy.sparse as sp

    A, rlo, rhi = pm.matrix()
    A = A.tocsr()
    A.sort_indices()
    blocks = [(name, b.rows) for name, b in pm.blocks.items()]
    families = [(name, len(f)) for name, f in pm.families.items()]
    offset = float(pm.objective_offset)
    exact = _sha(["A", (A.indptr, "i8"), (A.indices, "i8"), (A.data, "f8"), "rows", (rlo, "f8"), (rhi, "f8"),
                  "cols", (pm.lower, "f8"), (pm.upper, "f8"), (pm.cost, "f8"), (pm.integer, "u1"),
                  "offset", (np.array([offset]), "f8"), "blocks", blocks, "families", families])

    # canonical column order: families sorted by name, each keeping its own order
    ncol = len(pm.cost)
    order = np.concatenate([np.arange(f.offset, f.offset + len(f)) for _, f in sorted(pm.families.items())]
                           + [np.zeros(0, np.int64)]).astype(np.int64)
    new_of = np.empty(ncol, np.int64)
    new_of[order] = np.arange(ncol)

    def block_parts(b, kind):
        M = sp.csr_matrix((b.coefs, (b.row_of, new_of[b.cols])), shape=(b.rows, ncol))
        M.sort_indices()
        return [b.name, b.rows, (M.indptr, "i8"), (M.indices, "i8"), (M.data, kind), (b.lower, kind),
                (b.upper, kind)]

    def family_parts(f, kind):
        sl = slice(f.offset, f.offset + len(f))
        return [f.name, len(f), (pm.lower[sl], kind), (pm.upper[sl], kind), (pm.cost[sl], kind),
                (pm.integer[sl], "u1")]

    per_block = {name: _sha(block_parts(b, "f8")) for name, b in sorted(pm.blocks.items())}
    per_family = {name: _sha(family_parts(f, "f8")) for name, f in sorted(pm.families.items())}

    def canon(kind):
        parts = []
        for _, b in sorted(pm.blocks.items()):
            parts += block_parts(b, kind)
        for _, f in sorted(pm.families.items()):
            parts += family_parts(f, kind)
        return _sha(parts + ["offset", (np.array([offset]), kind)])

    return {"sha256": exact, "canonical_sha256": canon("f8"), "float32_sha256": canon("f4"),
            "size": {k: int(v) for k, v in pm.size.items()}, "objective_offset": offset,
            "blocks": dict(blocks), "families": dict(families),
            "block_sha256": per_block, "family_sha256": per_family}


def purchases(plan) -> tuple[str, float, int]:
    """sha256 of the plan's (region_code, tier, modality, year, new_units) rows, sorted; total new units; rows."""
    if plan is None or not len(plan):
        return _sha(["no purchases"]), 0.0, 0
    rows = sorted(f"{c}|{t}|{m}|{int(y)}|{u:.6f}" for c, t, m, y, u in
                  plan[["region_code", "tier", "modality", "year", "new_units"]].itertuples(index=False))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest(), float(plan["new_units"].sum()), len(rows)


def _num(v):
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else str(v)


def describe(result, seconds: float, time_limited: bool) -> dict:
    """The numbers of one solve step (a PlanResult, None for 'no quick plan', or an exception)."""
    if isinstance(result, BaseException):
        return {"status": f"error: {type(result).__name__}", "message": str(result)[:300], "seconds": seconds,
                "time_limited": time_limited}
    if result is None:
        return {"status": "none", "seconds": seconds, "time_limited": time_limited}
    rep = result.report
    sha, total, nrows = purchases(result.plan)
    status = str(getattr(rep.status, "value", rep.status))
    return {"status": status, "termination": rep.termination, "objective": _num(rep.objective),
            "bound": _num(rep.bound), "gap": _num(rep.gap), "floor": _num(getattr(rep, "floor", None)),
            "mip_nodes": rep.mip_nodes, "purchases_sha256": sha, "new_units_total": total,
            "purchase_rows": nrows, "spend_total_wan": float(result.spend_total_wan),
            "verifier_ok": None if result.verifier is None else bool(result.verifier.ok),
            "seconds": seconds, "solve_seconds": rep.solve_seconds, "message": str(rep.message)[:300],
            # a stop at a time limit is where HiGHS stood then: it can differ run to run
            "time_limited": bool(time_limited or status in ("time_limit", "interrupted"))}


# ---------------------------------------------------------------------------------------------- the cases
class Case:
    def __init__(self, name: str, source: str, write, steps=None, time_limited: bool = False):
        self.name, self.source, self.write = name, source, write
        self.steps = steps or (lambda path: [("solve", lambda: Planner.from_file(path).solve())])
        self.time_limited = time_limited


def scenario_cases(sichuan_seconds: float) -> list[Case]:
    out = []
    for toml in sorted((TREE / "models").glob("*.toml")):
        limited = toml.stem == "sichuan"

        def steps(path, limited=limited):
            limit = sichuan_seconds if (limited and sichuan_seconds > 0) else None
            label = f"solve {limit:g} s" if limit else "solve"
            return [(label, lambda: Planner.from_file(path).solve(time_limit=limit))]

        out.append(Case(f"scenario/{toml.stem}", f"models/{toml.name}", lambda folder, t=toml: t, steps,
                        time_limited=limited))
    return out


CONFLICT = """
name = "conflict"
[regions]
table = "regions.csv"
stock = "stock.csv"
facilities = "facilities.csv"
staff = "staff.csv"
[years]
base_year = 2025
first_plan_year = 2026
last_plan_year = 2026
population_year = 2026
population_growth_pct_per_year = 0.0
[modalities.CT]
price_wan_cny = 100
capacity_exams_per_unit_per_year = 10000
staff_per_unit = 3
exam_rate_per_1000_per_year = 1
[modalities.MRI]
price_wan_cny = 500
capacity_exams_per_unit_per_year = 5000
staff_per_unit = 3
exam_rate_per_1000_per_year = 1
target_per_million = 1
target_hard = true
[tiers.hospital]
rank = 1
[eligibility]
hospital = { CT = 2, MRI = 2 }
[referral]
CT = { hospital = 1.0 }
MRI = { hospital = 1.0 }
[budget]
total_wan_cny = 10000
[staffing]
growth_pct_per_year = 0
[[policy.min_units]]
tier = "hospital"
modality = "CT"
per_facility = 1
from_year = 2026
[solver]
mip_rel_gap = 0.0
"""  # inline in test_conflicting_hard_rules_are_explained_by_the_smallest_relaxation: copied

ONE_REGION = "code,name_zh,population\n100001,甲,1000000\n"
NO_STOCK = "code,tier,modality,units\n"


def hand_cases() -> list[Case]:
    """tests/test_hand_instances.py, case by case (the test each comes from is its ``source``)."""
    conftest, H = _tests()
    write_case, one_tier_ct = conftest.write_case, conftest.one_tier_ct
    T = "tests/test_hand_instances.py::"
    cases: list[Case] = []

    def add(name, test, write, steps=None):
        cases.append(Case(f"hand/{name}", T + test, write, steps))

    add("budget_to_largest_unmet", "test_budget_goes_where_unmet_demand_is_largest",
        lambda f: write_case(f, one_tier_ct(budget=300), regions=H.REGIONS_AB, stock=H.STOCK_AB))
    add("retiring_stock_replaced", "test_retiring_stock_is_replaced_in_the_year_it_retires",
        lambda f: write_case(f, one_tier_ct(budget=2000, last_year=2027, life=2, opex=10, running="true",
                                            cost_weight=0.01),
                             regions="code,name_zh,population\n100002,乙,2000000\n",
                             stock="code,tier,modality,units\n100002,hospital,CT,1\n"))
    add("referred_up_not_down", "test_grassroots_demand_is_referred_up_not_down",
        lambda f: write_case(f, H.TWO_TIER.format(travel="", ct_price=100, budget=0),
                             regions="code,name_zh,population\n100001,甲,300000\n",
                             stock="code,tier,modality,units\n100001,secondary,CT,1\n"))
    add("mobile_travels_least", "test_mobile_unit_is_based_where_it_travels_least",
        lambda f: write_case(f, H.TWO_TIER.format(travel='travel = "travel.csv"', ct_price=10_000, budget=400),
                             regions="code,name_zh,population\n100001,甲,150000\n100002,乙,300000\n",
                             stock="code,tier,modality,units\n100001,secondary,CT,0\n",
                             travel="from_code,to_code,minutes\n100001,100002,60\n100002,100001,60\n"))
    add("hard_target_refused", "test_hard_target_beyond_budget_is_explained_before_solving",
        lambda f: write_case(f, one_tier_ct(budget=300).replace(
            "target_per_million = 0", "target_per_million = 10\ntarget_hard = true"),
            regions=H.REGIONS_AB, stock=H.STOCK_AB))
    add("soft_target_priced", "test_soft_target_shortfall_is_priced",
        lambda f: write_case(f, one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 10")
                             .replace("unmet_wan_cny_per_thousand_exams = 10", "unmet_wan_cny_per_thousand_exams = 0"),
                             regions=H.REGIONS_AB, stock=H.STOCK_AB))
    add("conflicting_hard_rules", "test_conflicting_hard_rules_are_explained_by_the_smallest_relaxation",
        lambda f: write_case(f, CONFLICT, regions="code,name_zh,population\n100002,乙,2000000\n",
                             stock="code,tier,modality,units\n100002,hospital,CT,0\n",
                             facilities="code,tier,facilities\n100002,hospital,2\n", staff="code,staff\n100002,10\n"))
    add("mobile_at_eligible_facility", "test_a_mobile_unit_is_based_only_where_an_eligible_facility_is",
        lambda f: write_case(f, H.MOBILE_BASE,
                             regions="code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n"
                                     "100001,100000,甲,Alpha,1000000,104.0,30.0\n"
                                     "100002,100000,乙,Beta,10000,104.1,30.0\n",
                             stock=NO_STOCK, facilities="code,tier,facilities\n100001,hospital,0\n100002,hospital,1\n"))
    add("even_age_single_units", "test_single_units_retire_in_an_even_age_profile",
        lambda f: write_case(f, one_tier_ct(budget=0, last_year=2030), regions=H._ten_regions(),
                             stock=NO_STOCK + "".join(f"1000{i:02d},hospital,CT,1\n" for i in range(10))))

    rows = [f"1000{i:02d},100000,区{i},R{i},{100000 * (i + 1)},{104 + i * 0.5},30.0" for i in range(10)]
    header = "code,parent_code,name_zh,name_en,population,centroid_lon,centroid_lat\n"
    order_stock = NO_STOCK + "".join(f"1000{i:02d},hospital,CT,{1 + i % 3}\n" for i in range(10))
    for label, order in (("forward", rows), ("reverse", rows[::-1])):
        add(f"retire_by_code[{label}]", "test_retirements_follow_region_codes_not_table_rows",
            lambda f, order=order: write_case(f, one_tier_ct(budget=300, last_year=2030, cost_weight=0.001),
                                              regions=header + "\n".join(order) + "\n", stock=order_stock))
    add("installation_years", "test_installation_years_retire_units_when_their_life_ends (the test does not solve)",
        lambda f: write_case(f, one_tier_ct(budget=0, last_year=2030), regions=H._ten_regions(2),
                             stock="code,tier,modality,units,installed_year\n100000,hospital,CT,2,2018\n"
                                   "100000,hospital,CT,3,2024\n100001,hospital,CT,4,\n"))
    add("unmet_keeps_origin_weight", "test_unmet_grassroots_demand_keeps_its_weight_through_referral",
        lambda f: write_case(f, H.ORIGIN, regions=header + "100001,100000,甲,Alpha,1000000,104.0,30.0\n",
                             stock="code,tier,modality,units\n100001,county,CT,1\n"))

    tranches = "[budget]\neven_yearly_tranches = true\n"

    def whatif(budget):
        def steps(path):
            p = Planner.from_file(path)
            return [("solve", p.solve), (f"what-if {budget}", lambda: p.resolve_with_budget(budget))]
        return steps

    add("even_tranches", "test_even_yearly_tranches_cap_each_year_and_follow_the_total",
        lambda f: write_case(f, one_tier_ct(budget=400, last_year=2027).replace("[budget]\n", tranches),
                             regions=header + "100001,100000,甲,Alpha,1000000,104.0,30.0\n"
                                              "100002,100000,乙,Beta,1000000,104.5,30.0\n", stock=NO_STOCK),
        whatif(600))
    add("tranches_and_caps_refused", "test_tranches_and_explicit_yearly_caps_are_not_both_given",
        lambda f: write_case(f, one_tier_ct(budget=400, last_year=2027).replace(
            "[budget]\n", "[budget]\neven_yearly_tranches = true\nper_year_wan_cny = [100, 300]\n"),
            regions=ONE_REGION, stock=NO_STOCK))

    for valuation in ("full_price", "annualised"):
        def write(f, valuation=valuation):
            toml = one_tier_ct(budget=300, last_year=2027, cost_weight=1.0, extra_regions='facilities = "facilities.csv"')
            toml = toml.replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0").replace(
                "cost_weight = 1.0", f'cost_weight = 1.0\ndiscount_rate_pct = 10\ncapital_valuation = "{valuation}"')
            toml += '\n[[policy.min_units]]\ntier = "hospital"\nmodality = "CT"\nper_facility = 1\nfrom_year = 2027\n'
            return write_case(f, toml, regions=ONE_REGION, stock=NO_STOCK,
                              facilities="code,tier,facilities\n100001,hospital,1\n")
        add(f"discounting[{valuation}]", "test_discounting_and_capital_valued_by_its_service_inside_the_plan", write)

    def four_ct(budget, life):  # _four_ct_against_target_10
        def write(f):
            toml = one_tier_ct(budget=budget, life=life).replace(
                "exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0").replace(
                "target_per_million = 0", "target_per_million = 10")
            return write_case(f, toml, regions=ONE_REGION, stock="code,tier,modality,units\n100001,hospital,CT,4\n")
        return write

    for budget in (600, 300):
        add(f"gap_to_target[{budget}]", "test_summary_says_how_much_of_the_gap_to_target_the_plan_closes",
            four_ct(budget, 40))
    add("ends_below_base_year", "test_summary_says_when_the_plan_ends_below_the_base_year", four_ct(0, 2))

    def with_mri(toml, mri_lines):
        toml = toml.replace("exam_rate_per_1000_per_year = 50", "exam_rate_per_1000_per_year = 0")
        toml = toml.replace("target_per_million = 0", "target_per_million = 10").replace(
            "[tiers.hospital]", "[modalities.MRI]\nprice_wan_cny = 400\ncapacity_exams_per_unit_per_year = 5000\n"
            + mri_lines + "\n[tiers.hospital]")
        return toml.replace("hospital = { CT = 100 }", "hospital = { CT = 100, MRI = 100 }").replace(
            "CT = { hospital = 1.0 }", "CT = { hospital = 1.0 }\nMRI = { hospital = 1.0 }")

    for mri_weight in (None, 400):
        def write(f, mri_weight=mri_weight):
            toml = with_mri(one_tier_ct(budget=400), "exam_rate_per_1000_per_year = 0\ntarget_per_million = 10\n"
                            + ("" if mri_weight is None else f"shortfall_wan_cny_per_unit_year = {mri_weight}\n"))
            return write_case(f, toml, regions=ONE_REGION, stock="code,tier,modality,units\n100001,hospital,CT,0\n")
        add(f"shortfall_weight[{mri_weight}]", "test_shortfall_weight_per_modality", write)

    add("floor_and_changeable_gap", "test_floor_and_the_gap_against_what_purchases_can_change",
        lambda f: write_case(f, one_tier_ct(budget=300).replace("hospital = { CT = 100 }", "hospital = { CT = 4 }")
                             .replace('stock = "stock.csv"', 'stock = "stock.csv"\nfacilities = "facilities.csv"'),
                             regions=ONE_REGION, stock="code,tier,modality,units\n100001,hospital,CT,0\n",
                             facilities="code,tier,facilities\n100001,hospital,1\n"),
        whatif(400))
    add("rounding_tranches_200", "test_rounding_top_up_* / test_rounding_moves_* (their model, solved; the tests "
        "call _top_up/_fit_years directly)",
        lambda f: write_case(f, one_tier_ct(budget=200, last_year=2027).replace("[budget]\n", tranches),
                             regions=ONE_REGION, stock="code,tier,modality,units\n100001,hospital,CT,0\n"))

    def quick_cut(path):
        p = Planner.from_file(path)
        return [("solve@700", p.solve), ("quick@400", lambda: (p.set_budget(400), p.quick_plan())[1]),
                ("solve@400", p.solve)]

    add("quick_cut", "test_quick_plan_after_a_budget_cut_trims_the_previous_purchases",
        lambda f: write_case(f, one_tier_ct(budget=700), regions=H.TWO_REGIONS, stock=NO_STOCK), quick_cut)

    def quick_rise(path):
        p, p2, firsts = Planner.from_file(path), Planner.from_file(path), []
        return [("solve@300", p.solve),
                ("what-if 400", lambda: p.resolve_with_budget(400, first_plan=firsts.append)),
                ("its quick plan", lambda: firsts[0] if firsts else None),
                ("p2 solve@300", p2.solve), ("p2 quick@450", lambda: (p2.set_budget(450), p2.quick_plan())[1])]

    add("quick_rise", "test_quick_plan_after_a_budget_rise_only_adds_purchases",
        lambda f: write_case(f, one_tier_ct(budget=300), regions=header + "100001,100000,甲,Alpha,1000000,104.0,30.0\n",
                             stock=NO_STOCK), quick_rise)

    def no_quick(path):
        p = Planner.from_file(path)
        return [("solve", p.solve),
                ("CT 3, 200: quick", lambda: (p.set_targets({"CT": 3}), p.set_budget(200), p.quick_plan())[2]),
                ("CT 3, 200: solve", p.solve)]

    add("no_quick_after_target_change", "test_no_quick_plan_once_anything_but_the_budget_changed (+ a solve after)",
        lambda f: write_case(f, one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 1"),
                             regions=H.TWO_REGIONS, stock=NO_STOCK), no_quick)

    for factor in (1, 5):
        def write(f, factor=factor):
            toml = with_mri(one_tier_ct(budget=400), "service_life_years = 1\nexam_rate_per_1000_per_year = 0\n"
                            "target_per_million = 10\n").replace(
                "cost_weight = 0.0", f"cost_weight = 0.0\nshortfall_below_base_year_factor = {factor}")
            return write_case(f, toml, regions=ONE_REGION,
                              stock="code,tier,modality,units\n100001,hospital,CT,0\n100001,hospital,MRI,2\n")
        add(f"below_base_year[{factor}]", "test_units_lost_below_the_base_year_weigh_more", write)

    for within in ("region", "parent"):
        def write(f, within=within):
            toml = one_tier_ct(budget=700, extra_regions='facilities = "facilities.csv"') + \
                f'\n[catchment]\ntop_tier = "{within}"\n'
            return write_case(f, toml, regions=header + "100001,100100,甲,Alpha,1000000,104.0,30.0\n"
                                                        "100002,100100,乙,Beta,400000,104.5,30.0\n",
                              stock=NO_STOCK, facilities="code,tier,facilities\n100001,hospital,1\n100002,hospital,0\n")
        add(f"catchment[{within}]", "test_top_tier_exams_served_in_another_region_of_the_parent", write)
    return cases


# ---------------------------------------------------------------------------------------------- running
def _git(*args) -> str:
    try:
        return subprocess.run(["git", "-C", str(TREE), *args], capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception as e:  # noqa: BLE001
        return f"? ({e})"


def environment() -> dict:
    import highspy

    try:
        from importlib.metadata import version
        highs_version = version("highspy")
    except Exception:  # noqa: BLE001
        highs_version = getattr(highspy, "__version__", "?")
    src = hashlib.sha256()
    for f in sorted((TREE / "src" / "planner").rglob("*.py")):
        src.update(str(f.relative_to(TREE)).encode() + b"\0" + f.read_bytes() + b"\0")
    return {"planner_file": planner.__file__, "tree": str(TREE), "git_commit": _git("rev-parse", "HEAD"),
            "tree_changes": [ln for ln in _git("status", "--porcelain", "--", "src", "tests", "models").splitlines()],
            "src_sha256": src.hexdigest(), "highspy": highs_version, "python": platform.python_version(),
            "host": platform.node(), "cpus": os.cpu_count()}


def _clean(text, tmp: str) -> str:
    """A message without the run's own paths (the case's temp folder, the tree), so two runs compare."""
    return str(text).replace(tmp, "<case>").replace(str(TREE), "<tree>")


def run_case(case: Case, solve: bool) -> dict:
    row: dict = {"name": case.name, "source": case.source, "time_limited": case.time_limited}
    with tempfile.TemporaryDirectory(prefix="identical_") as tmp:
        try:
            path = Path(case.write(Path(tmp)))
        except Exception as e:  # noqa: BLE001
            row["error"] = f"{type(e).__name__}: {e}"
            return row
        try:
            t0 = time.perf_counter()
            p = Planner.from_file(path)
            row["load_seconds"] = time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001  (a test that expects the load to fail)
            row["load_error"] = _clean(f"{type(e).__name__}: {str(e)[:300]}", tmp)
            return row
        row["checks_ok"] = bool(p.checks.ok)
        for key, kw in (("model", {}), ("elastic", {"elastic": True})):
            t0 = time.perf_counter()
            try:
                row[key] = fingerprint(PlanModel(p.inputs, **kw))
            except Exception as e:  # noqa: BLE001
                row[key] = {"error": _clean(f"{type(e).__name__}: {str(e)[:300]}", tmp)}
            row[key]["build_seconds"] = time.perf_counter() - t0
        del p
        row["steps"] = []
        if solve:
            for label, fn in case.steps(path):
                t0 = time.perf_counter()
                try:
                    res = fn()
                except Exception as e:  # noqa: BLE001  (e.g. the scenario is refused before solving)
                    res = e
                    if not isinstance(e, PlannerError):
                        traceback.print_exc()
                step = describe(res, time.perf_counter() - t0, case.time_limited)
                step["step"] = label
                if "message" in step:
                    step["message"] = _clean(step["message"], tmp)
                row["steps"].append(step)
    return row


def _fmt(v, digits: int = 10) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return f"{v:.{digits}g}"


def print_run(data: dict) -> None:
    print(f"\n{'case':44s} {'step':17s} {'status':14s} {'objective':>16s} {'bound':>16s} {'gap':>9s} "
          f"{'units':>8s} {'purch':8s} {'model':8s} {'elastic':8s} {'s':>6s}")
    for row in data["cases"]:
        model = row.get("model", {}).get("sha256", row.get("load_error", row.get("error", "–")))[:8]
        elastic = row.get("elastic", {}).get("sha256", "–")[:8]
        steps = row.get("steps") or [{}]
        for i, st in enumerate(steps):
            mark = " *" if st.get("time_limited") else ""
            print(f"{row['name'] if i == 0 else '':44s} {st.get('step', ''):17s} {st.get('status', '–') + mark:14s} "
                  f"{_fmt(st.get('objective')):>16s} {_fmt(st.get('bound')):>16s} "
                  f"{_fmt(st.get('gap'), 3):>9s} {_fmt(st.get('new_units_total'), 8):>8s} "
                  f"{st.get('purchases_sha256', '–')[:8]:8s} {model if i == 0 else '':8s} "
                  f"{elastic if i == 0 else '':8s} {st.get('seconds', 0.0):6.1f}")
    print("* time-limited: objective, bound and purchases can differ from run to run with the same code")


def run(args) -> None:
    env = environment()
    print(f"planner imported from {env['planner_file']} (tree {env['tree']}, HEAD {env['git_commit'][:12]})")
    if env["tree_changes"]:
        print("  the tree differs from HEAD in: " + "; ".join(env["tree_changes"]))
    cases = scenario_cases(args.sichuan_seconds) + hand_cases()
    if args.cases:
        want = args.cases.split(",")
        cases = [c for c in cases if any(w in c.name for w in want)]
    import tests.conftest
    print(f"tests.conftest from {tests.conftest.__file__}; {len(cases)} cases")
    data = {"label": args.label, "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "argv": sys.argv, "sichuan_seconds": args.sichuan_seconds, "solved": not args.no_solve,
            "conftest_file": tests.conftest.__file__, "environment": env,
            "load_average_start": list(os.getloadavg()), "cases": []}
    t_all = time.perf_counter()
    for case in cases:
        t0 = time.perf_counter()
        row = run_case(case, not args.no_solve)
        row["seconds"] = time.perf_counter() - t0
        data["cases"].append(row)
        st = row.get("steps") or [{}]
        print(f"  {case.name:44s} {row['seconds']:6.1f} s  "
              + ", ".join(f"{s.get('step')}: {s.get('status')} {_fmt(s.get('objective'))}" for s in st if s),
              flush=True)
    data["seconds"] = time.perf_counter() - t_all
    data["src_sha256_end"] = environment()["src_sha256"]
    if data["src_sha256_end"] != env["src_sha256"]:
        print("WARNING: src/planner changed while the cases ran (someone edited the tree): rerun to be sure")
    data["load_average_end"] = list(os.getloadavg())
    print_run(data)
    print(f"\n{len(cases)} cases in {data['seconds']:.0f} s; load average {data['load_average_start']} -> "
          f"{data['load_average_end']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"identical_plans_{args.label}.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


# ---------------------------------------------------------------------------------------------- comparing
def _same_model(a: dict | None, b: dict | None) -> tuple[str, list[str]]:
    """('same' | 'same, reordered' | 'same to float32' | 'DIFFERENT' | ..., what differs)."""
    if not a or not b:
        return "missing", []
    if "error" in a or "error" in b:
        return ("same error" if a.get("error") == b.get("error") else "DIFFERENT (error)"), [a.get("error"), b.get("error")]
    if a["sha256"] == b["sha256"]:
        return "same", []
    notes = []
    for what in ("block", "family"):
        ha, hb = a[f"{what}_sha256"], b[f"{what}_sha256"]
        for name in sorted(set(ha) | set(hb)):
            if ha.get(name) != hb.get(name):
                sa = a[f"{what.replace('family', 'familie')}s"].get(name)
                sb = b[f"{what.replace('family', 'familie')}s"].get(name)
                notes.append(f"{what} {name}: {'missing' if sa is None else sa} -> {'missing' if sb is None else sb}"
                             + (" rows/cols" if sa != sb else " (values)"))
    if a["objective_offset"] != b["objective_offset"]:
        notes.append(f"objective offset {a['objective_offset']!r} -> {b['objective_offset']!r}")
    if a["canonical_sha256"] == b["canonical_sha256"]:
        order = (f"blocks {list(a['blocks'])} -> {list(b['blocks'])}" if list(a["blocks"]) != list(b["blocks"])
                 else f"families {list(a['families'])} -> {list(b['families'])}")
        return "same, reordered", [order]
    if a["float32_sha256"] == b["float32_sha256"]:
        return "**same to float32**", notes
    return "**DIFFERENT**", notes


def _same_value(x, y) -> bool:
    if x is None or y is None or isinstance(x, str) or isinstance(y, str):
        return x == y
    return x == y


def compare(path_a: Path, path_b: Path) -> str:
    A, B = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (path_a, path_b))
    rows_a = {r["name"]: r for r in A["cases"]}
    rows_b = {r["name"]: r for r in B["cases"]}
    names = list(rows_a) + [n for n in rows_b if n not in rows_a]
    lines, details, findings, limited_diffs, reordered = [], [], 0, 0, 0

    def meta(d, tag):
        e = d["environment"]
        changes = "; ".join(e["tree_changes"]) or "none"
        return (f"- **{tag}** = `{d['label']}`: {d['date']}, planner from `{e['planner_file']}`, commit "
                f"`{e['git_commit'][:12]}` (files differing from it in src/tests/models: {changes}), src sha256 "
                f"`{e['src_sha256'][:12]}`, highspy {e['highspy']}, Sichuan limit "
                f"{d['sichuan_seconds']:g} s, load {d['load_average_start'][0]:.2f} -> {d['load_average_end'][0]:.2f}, "
                f"{len(d['cases'])} cases in {d['seconds']:.0f} s"
                + ("" if d.get("src_sha256_end", e["src_sha256"]) == e["src_sha256"] else
                   " (**src/planner changed during the run**)"))

    lines += [f"# Identical plans: `{A['label']}` (A) against `{B['label']}` (B)", "",
              meta(A, "A"), meta(B, "B"), "",
              "| case | model same? | elastic same? | status | objective A / B | bound A / B | purchases same? |",
              "|---|---|---|---|---|---|---|"]
    for name in names:
        a, b = rows_a.get(name), rows_b.get(name)
        if a is None or b is None:
            lines.append(f"| {name} | only in {'B' if a is None else 'A'} | | | | | |")
            findings += 1
            continue
        if "load_error" in a or "load_error" in b:
            same = a.get("load_error") == b.get("load_error")
            findings += not same
            if not same:
                details.append(f"- {name}: load refused, A: {a.get('load_error')!r}; B: {b.get('load_error')!r}")
            lines.append(f"| {name} | {'same' if same else '**DIFFERENT**'} (load refused) | | "
                         f"refused | | | |")
            continue
        model, mnotes = _same_model(a.get("model"), b.get("model"))
        elastic, enotes = _same_model(a.get("elastic"), b.get("elastic"))
        # same up to the order of blocks or families is the same model (a note, not a finding): a solve that
        # the new order changes shows in the solve columns
        findings += (model not in ("same", "same, reordered")) + (elastic not in ("same", "same, reordered"))
        reordered += (model == "same, reordered") + (elastic == "same, reordered")
        for tag, notes in (("model", mnotes), ("elastic", enotes)):
            if notes:
                details.append(f"- {name}, {tag}: " + "; ".join(str(n) for n in notes))
        steps_a, steps_b = a.get("steps") or [], b.get("steps") or []
        for i in range(max(len(steps_a), len(steps_b), 1)):
            sa = steps_a[i] if i < len(steps_a) else {}
            sb = steps_b[i] if i < len(steps_b) else {}
            limited = sa.get("time_limited") or sb.get("time_limited")
            label = name + (f" :: {sa.get('step') or sb.get('step')}" if len(steps_a) > 1 or len(steps_b) > 1 else "")
            if limited:
                label += " (time-limited †)"
            status = sa.get("status", "–") if sa.get("status") == sb.get("status") else \
                f"**{sa.get('status', '–')} / {sb.get('status', '–')}**"
            same_obj = _same_value(sa.get("objective"), sb.get("objective"))
            same_bound = _same_value(sa.get("bound"), sb.get("bound"))
            same_buy = sa.get("purchases_sha256") == sb.get("purchases_sha256")
            # without a plan (infeasible, refused, no quick plan) the message is the result: compare it
            no_plan = not {sa.get("status"), sb.get("status")} & {"optimal", "time_limit", "interrupted", "quick"}
            msg_diff = no_plan and sa.get("message") != sb.get("message")
            if msg_diff:
                details.append(f"- {label}: message A: {sa.get('message')!r}; B: {sb.get('message')!r}")
            diff = not (same_obj and same_bound and same_buy and not msg_diff and sa.get("status") == sb.get("status"))
            if diff and limited:
                limited_diffs += 1
            elif diff:
                findings += 1

            def pair(key, same):
                txt = f"{_fmt(sa.get(key), 12)} / {_fmt(sb.get(key), 12)}"
                return txt if same else (f"{txt} (differs †)" if limited else f"**{txt}**")

            if "purchases_sha256" in sa or "purchases_sha256" in sb:
                buy = "yes" if same_buy else ("no †" if limited else "**NO**")
                buy += f" ({_fmt(sa.get('new_units_total'), 8)} / {_fmt(sb.get('new_units_total'), 8)} units)"
            else:
                buy = "no plan"
            if no_plan:
                buy += ", **message differs** (below)" if msg_diff else ", same message"
            lines.append(f"| {label} | {model if i == 0 else '〃'} | {elastic if i == 0 else '〃'} | {status} | "
                         f"{pair('objective', same_obj)} | {pair('bound', same_bound)} | {buy} |")
    lines += ["", "Model: sha256 of the stacked matrix, row and column bounds, costs, integrality, objective offset, "
              "block and family names with sizes (`same`); `same, reordered`: equal once blocks and families are "
              "sorted by name; `same to float32`: equal with every number cast to float32. Purchases: sha256 of the "
              "plan's (region, tier, modality, year, new units) rows.",
              "† time-limited: the solve stopped at a time limit without proving its gap, so its objective, bound "
              "and purchases depend on the machine's speed and load and can differ run to run with the same code; "
              "the model fingerprints are the exact test there.", ""]
    verdict = ("**Verdict: identical.** Every model and elastic model fingerprint and every proven solve's status, "
               "objective, bound and purchases are the same" if not findings else
               f"**Verdict: {findings} difference(s) outside time-limited solves** (bold above)")
    verdict += f"; {limited_diffs} time-limited row(s) differ (expected run to run)." if limited_diffs else "."
    if reordered:
        verdict += (f" {reordered} model(s) are the same up to the order of their blocks or families "
                    "(see 'What differs').")
    lines.append(verdict)
    if details:
        lines += ["", "What differs:", *details]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", help="run every case and write results/identical_plans_LABEL.json")
    ap.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                    help="compare two runs: print the markdown table and write results/identical_plans_compare.md")
    ap.add_argument("--sichuan-seconds", type=float, default=30.0,
                    help="Sichuan's solve time limit (default 30; 0 = the scenario's own)")
    ap.add_argument("--cases", help="only cases whose name contains one of these comma-separated strings")
    ap.add_argument("--no-solve", action="store_true", help="fingerprints only")
    args = ap.parse_args(argv)
    if args.compare:
        md = compare(Path(args.compare[0]), Path(args.compare[1]))
        print(md)
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / "identical_plans_compare.md"
        out.write_text(md, encoding="utf-8")
        print(f"wrote {out}")
    elif args.label:
        run(args)
    else:
        ap.error("give --label NAME or --compare A.json B.json")


if __name__ == "__main__":
    main()
