"""Location-allocation models: hand-checked cases, brute force on random instances, and published optima.

Instance files and their sources are in tests/data/location/README.md.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.location import models as loc
from planner.errors import InputError
from planner.data.travel import matrix_from_pairs, shortest_path_matrix

DATA = Path(__file__).parent / "data" / "location"

# Four points on a line at 0, 1, 2 and 10; every point is both a demand point and a candidate site.
LINE = np.abs(np.subtract.outer([0.0, 1, 2, 10], [0.0, 1, 2, 10]))
ONES = np.ones(4)
HEAVY_FAR = np.array([1.0, 1, 1, 5])     # the far point weighs 5


# ---------------------------------------------------------------- travel costs

def test_matrix_from_pairs_keeps_last_duplicate_fills_reverse_and_leaves_gaps_infinite():
    pairs = pd.DataFrame({"from_code": ["a", "b", "a", "x", "c"], "to_code": ["b", "c", "b", "a", "b"],
                          "minutes": [10, 5, 12, 1, 7]})
    m = matrix_from_pairs(["a", "b", "c"], pairs, symmetric=True)
    # a->b given twice: the last (12) wins; b->a copied from it; b->c 5 and c->b 7 both given: kept apart;
    # a<->c never given: inf; the pair naming unknown code 'x' is ignored; the diagonal is 0
    assert m.tolist() == [[0, 12, np.inf], [12, 0, 5], [np.inf, 7, 0]]
    one_way = matrix_from_pairs(["a", "b", "c"], pairs)
    assert one_way[1, 0] == np.inf and one_way[0, 1] == 12


def test_matrix_from_pairs_rejects_negative_and_missing_columns():
    with pytest.raises(InputError, match="row 2.*'km'.*>= 0"):
        matrix_from_pairs(["a", "b"], pd.DataFrame({"from_code": ["a", "b"], "to_code": ["b", "a"],
                                                    "km": [3, -1]}), column="km")
    with pytest.raises(InputError, match="missing column"):
        matrix_from_pairs(["a"], pd.DataFrame({"from_code": ["a"], "to_code": ["a"]}))


def test_shortest_path_matrix_last_duplicate_zero_edges_directed_and_unreachable():
    edges = pd.DataFrame({"from_code": [1, 2, 2, 4], "to_code": [2, 3, 1, 5],
                          "km": [1.0, 2.0, 5.0, 0.0]})
    d = shortest_path_matrix([1, 2, 3, 4, 5], edges, "km")
    # 1-2 listed as 1 then (reversed) as 5: the last, 5, is used (OR-Library convention), so 1->3 = 5 + 2
    assert d[0, 2] == 7 and d[2, 0] == 7
    assert d[3, 4] == 0                          # a zero-length road is still a road
    assert np.isinf(d[0, 3])                     # separate components
    directed = shortest_path_matrix([1, 2, 3], edges.iloc[:2], "km", directed=True)
    assert directed[0, 2] == 3 and np.isinf(directed[2, 0])


# ---------------------------------------------------------------- hand-checked models on the line

def test_p_median_on_the_line():
    # p=1: site 1 costs 1+0+1+9 = 11 = site 2 (2+1+0+8); site 0 costs 13, site 10 costs 27
    assert loc.p_median(LINE, ONES, 1).objective == pytest.approx(11)
    # p=2: sites 1 and 10 cost 1+0+1+0 = 2
    r = loc.p_median(LINE, ONES, 2)
    assert r.objective == pytest.approx(2) and r.sites.tolist() == [1, 3] and r.status == "optimal"
    assert r.assignment.tolist() == [1, 1, 1, 3] and r.bound == pytest.approx(2) and r.gap == 0
    # far point weighs 5: site 10 costs 10+9+8 = 27 < site 2's 2+1+0+40 = 43
    assert loc.p_median(LINE, HEAVY_FAR, 1).sites.tolist() == [3]
    # site 10 already open, one new site: site 1 adds 1+0+1 = 2 (sites 0 or 2 would add 3)
    r = loc.p_median(LINE, ONES, 1, existing=[3])
    assert r.objective == pytest.approx(2) and r.sites.tolist() == [1, 3] and r.new_sites.tolist() == [1]


def test_capacitated_p_median_on_the_line():
    # capacity 2 points per site, 2 sites: any pair leaves one point far away; the best is 9,
    # e.g. {1, 10}: 0 and 1 at site 1 (cost 1), 2 at site 10 (8), 10 at itself (0)
    r = loc.p_median(LINE, ONES, 2, capacity=[2, 2, 2, 2])
    assert r.objective == pytest.approx(9) and r.status == "optimal"
    assert np.bincount(r.assignment, minlength=4).max() <= 2
    assert r.table()["cost"].sum() == pytest.approx(9)
    with pytest.raises(InputError, match="largest capacities"):
        loc.p_median(LINE, ONES, 1, capacity=[2, 2, 2, 2])


def test_max_cover_on_the_line():
    # limit 1: site 1 covers 0, 1, 2 (weight 3); site 10 covers only itself (weight 5)
    r = loc.max_cover(LINE, HEAVY_FAR, 1.0, p=1)
    assert r.objective == pytest.approx(5) and r.sites.tolist() == [3]
    assert r.assignment.tolist() == [-1, -1, -1, 3]
    assert loc.max_cover(LINE, HEAVY_FAR, 1.0, p=2).objective == pytest.approx(8)
    # site 10 costs 3: a budget of 2 buys only site 1's 3; 3 buys site 10's 5; 4 buys both, 8
    price = [1, 1, 1, 3]
    assert [loc.max_cover(LINE, HEAVY_FAR, 1.0, budget=b, site_cost=price).objective
            for b in (2, 3, 4)] == pytest.approx([3, 5, 8])
    # an existing site at 10 is covered for free: one new site adds 3
    r = loc.max_cover(LINE, HEAVY_FAR, 1.0, p=1, existing=[3])
    assert r.objective == pytest.approx(8) and r.new_sites.tolist() == [1]


def test_set_cover_on_the_line_and_names_unreachable_points():
    r = loc.set_cover(LINE, 1.0)
    assert r.objective == 2 and r.sites.tolist() == [1, 3]
    # site 1 costs 5: sites 0 and 2 (1 each) cover 0, 1 and 2 more cheaply, and 10 needs its own: 3
    r = loc.set_cover(LINE, 1.0, site_cost=[1, 5, 1, 1])
    assert r.objective == 3 and r.sites.tolist() == [0, 2, 3]
    labelled = pd.DataFrame(LINE[:, :3], index=["a", "b", "c", "far"], columns=["s0", "s1", "s2"])
    with pytest.raises(InputError, match="1 demand point.*within limit 1: 'far'"):
        loc.set_cover(labelled, 1.0)


def test_p_center_on_the_line():
    # p=1: site 2 has the shortest longest trip, 8 (to 10); p=2: sites 1 and 10, radius 1
    assert loc.p_center(LINE, p=1).objective == 8
    r = loc.p_center(LINE, p=2)
    assert r.objective == 1 and r.bound == 1 and r.sites.tolist() == [1, 3] and r.status == "optimal"
    # far point weighs 5: site 10 (weighted radius 10) beats site 2 (5 x 8 = 40)
    assert loc.p_center(LINE, HEAVY_FAR, p=1).objective == 10


def test_result_tables_keep_labels():
    cost = pd.DataFrame(LINE, index=["d0", "d1", "d2", "d10"], columns=["s0", "s1", "s2", "s10"])
    r = loc.p_median(cost, ONES, 2)
    t = r.table()
    assert t["demand"].tolist() == ["d0", "d1", "d2", "d10"]
    assert t["site"].tolist() == ["s1", "s1", "s1", "s10"]
    assert t["cost"].tolist() == [1, 0, 1, 0]
    s = r.sites_table()
    assert s["site"].tolist() == ["s1", "s10"] and s["weight"].tolist() == [3, 1]
    uncovered = loc.max_cover(cost, ONES, 1.0, p=1).table()
    assert uncovered["site"].isna().tolist() == [False, False, False, True]


# ---------------------------------------------------------------- brute force on random instances

def _random_instance(seed: int, n: int = 9, m: int = 7):
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 30, size=(n, m)).astype(float)
    cost[rng.random((n, m)) < 0.15] = np.inf          # some pairs unreachable
    cost[:, 0] = np.minimum(cost[:, 0], 40)           # every demand point can reach site 0
    return cost, rng.integers(0, 6, size=n).astype(float)


def _subsets(m: int, p: int, existing=()):
    free = [j for j in range(m) if j not in existing]
    for combo in itertools.combinations(free, p):
        yield np.array(sorted((*existing, *combo)))


@pytest.mark.parametrize("seed", range(6))
def test_p_median_p_center_max_cover_match_brute_force(seed):
    cost, w = _random_instance(seed)
    existing = [2] if seed % 2 else []
    live = w > 0                      # weightless points cannot matter (and 0 x inf is nan)
    for p in (1, 2, 3):
        subsets = list(_subsets(cost.shape[1], p, existing))
        near = [np.min(cost[live][:, s], axis=1) for s in subsets]
        median = min(w[live] @ d for d in near)
        center = min(np.max(w[live] * d) for d in near)
        cover = max(w[live] @ (d <= 12) for d in near)
        assert loc.p_median(cost, w, p, existing, mip_rel_gap=0).objective == pytest.approx(median)
        r = loc.p_center(cost, w, p, existing)
        assert r.objective == pytest.approx(center) and r.status == "optimal"
        assert loc.max_cover(cost, w, 12.0, p=p, existing=existing, mip_rel_gap=0).objective == pytest.approx(cover)


@pytest.mark.parametrize("seed", range(3))
def test_capacitated_p_median_matches_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    cost = rng.integers(1, 20, size=(6, 4)).astype(float)
    w = rng.integers(1, 4, size=6).astype(float)
    cap = rng.integers(4, 9, size=4).astype(float)
    best = np.inf
    for sites in itertools.combinations(range(4), 2):          # every site pair, every single-source split
        for to in itertools.product(sites, repeat=6):
            to = np.array(to)
            if all(w[to == j].sum() <= cap[j] for j in sites):
                best = min(best, float(w @ cost[np.arange(6), to]))
    r = loc.p_median(cost, w, 2, capacity=cap, mip_rel_gap=0)
    assert r.objective == pytest.approx(best)
    assert all(w[r.assignment == j].sum() <= cap[j] + 1e-9 for j in r.sites)


# ---------------------------------------------------------------- published optima (OR-Library)

def _pmed(name: str) -> tuple[np.ndarray, int]:
    """An OR-Library p-median file: 'n edges p', then 'from to length' lines; costs are shortest paths."""
    tokens = (DATA / f"{name}.txt").read_text().split()
    n, n_edges, p = map(int, tokens[:3])
    edges = pd.DataFrame(np.array(tokens[3:3 + 3 * n_edges], int).reshape(n_edges, 3),
                         columns=["from_code", "to_code", "km"])
    return shortest_path_matrix(list(range(1, n + 1)), edges, "km"), p


@pytest.mark.parametrize("name, median, center", [("pmed1", 5819, 127), ("pmed5", 1355, 48)])
def test_or_library_p_median_and_p_center_optima(name, median, center):
    cost, p = _pmed(name)
    r = loc.p_median(cost, np.ones(len(cost)), p, mip_rel_gap=0)
    assert r.objective == pytest.approx(median) and r.status == "optimal"   # Beasley (1985)
    assert len(r.sites) == p
    c = loc.p_center(cost, p=p)
    assert c.objective == center and c.bound == center and c.status == "optimal"   # Daskin; Pullan (2008)


def test_max_cover_on_pmed1_agrees_with_published_p_center_and_brute_force():
    cost, p = _pmed("pmed1")
    ones = np.ones(len(cost))
    # the published 5-center radius is 127: 5 sites cover everyone within 127, and nobody can within 126
    assert loc.max_cover(cost, ones, 127, p=p).objective == 100
    assert loc.max_cover(cost, ones, 126, p=p, mip_rel_gap=0).objective < 100
    # three sites within 60: every triple enumerated
    covers = cost <= 60
    pair = covers[:, :, None] | covers[:, None, :]
    best = max(int((pair[:, a, b:b + 1] | covers[:, b + 1:]).sum(axis=0).max(initial=0))
               for a in range(100) for b in range(a + 1, 99))
    assert loc.max_cover(cost, ones, 60, p=3, mip_rel_gap=0).objective == best


def test_or_library_scp41_set_cover_optimum():
    tokens = (DATA / "scp41.txt").read_text().split()
    rows, cols = int(tokens[0]), int(tokens[1])
    price = np.array(tokens[2:2 + cols], float)
    cost, k = np.full((rows, cols), np.inf), 2 + cols
    for i in range(rows):                 # row i: how many columns cover it, then those columns (1-based)
        count = int(tokens[k])
        cost[i, np.array(tokens[k + 1:k + 1 + count], int) - 1] = 0.0
        k += 1 + count
    r = loc.set_cover(cost, 0.0, site_cost=price, mip_rel_gap=0)
    assert r.objective == 429 and r.status == "optimal"       # Beasley (1987)
    assert np.isfinite(cost[:, r.sites]).any(axis=1).all()


# ---------------------------------------------------------------- honesty and input checks

def test_time_limited_run_reports_time_limit_with_a_valid_incumbent():
    rng = np.random.default_rng(7)
    pts, sites = rng.random((400, 2)), rng.random((400, 2))
    cost = np.sqrt(((pts[:, None] - sites[None]) ** 2).sum(-1))
    r = loc.p_median(cost, np.ones(400), 10, time_limit=0.05, mip_rel_gap=1e-6)
    assert r.status == "time_limit"
    assert len(r.sites) == 10 and r.objective == pytest.approx(np.min(cost[:, r.sites], axis=1).sum())
    assert r.bound <= r.objective and r.gap > 0


@pytest.mark.parametrize("call, message", [
    (lambda: loc.p_median(LINE, np.ones(3), 1), "weights has 3 values but cost has 4"),
    (lambda: loc.p_median(-LINE, ONES, 1), "missing or negative"),
    (lambda: loc.p_median(np.where(LINE == 2, np.nan, LINE), ONES, 1), "missing or negative"),
    (lambda: loc.p_median(LINE, ONES, 5), "p \\(new sites\\) must be a whole number from 0 to 4"),
    (lambda: loc.p_median(LINE, ONES, 4, existing=[0]), "from 0 to 3"),
    (lambda: loc.p_median(LINE, ONES, 0), "no site would be open"),
    (lambda: loc.p_median(LINE, ONES, 1.5), "whole number"),
    (lambda: loc.p_median(LINE, ONES, 1, existing=[7]), "existing must be candidate positions 0..3"),
    (lambda: loc.p_median(LINE, ONES, 1, capacity=[1, 1]), "capacity must hold 4 numbers"),
    (lambda: loc.p_median(np.ones(4), ONES, 1), "2-D"),
    (lambda: loc.p_median(np.full((4, 4), np.inf), ONES, 1), "4 demand point\\(s\\) have no candidate"),
    (lambda: loc.max_cover(LINE, ONES, 1.0), "exactly one of p"),
    (lambda: loc.max_cover(LINE, ONES, -1.0, p=1), "limit must be a number >= 0"),
    (lambda: loc.set_cover(LINE, 1.0, site_cost=[1, 1, 1, -1]), "site_cost must hold 4 numbers >= 0"),
    (lambda: loc.p_center(LINE, [1, 1, 1, -1], p=1), "weight of demand 3"),
])
def test_bad_inputs_raise_input_error(call, message):
    with pytest.raises(InputError, match=message):
        call()
