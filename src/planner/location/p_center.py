"""p-center: open p new sites (plus the existing ones) to minimise the longest (optionally weighted) cost from
a demand point to its site.

Binary search over the distinct (weighted) costs; each probe is a set-cover feasibility MIP (base.cover_mip)
"can p new sites cover everyone within r?". A greedy solution bounds the search from above and
max_i min_j cost bounds it from below.
"""

from __future__ import annotations

import time

import numpy as np

from planner.messages import msg
from planner.location.base import (
    LocationResult, check_p, check_reachable, cover_mip, instance, location_result, nearest, open_sites)
from planner.solver import SolveResult, Status


def p_center(cost, weights=None, p: int = 1, existing=None, *, time_limit: float = 300.0) -> LocationResult:
    """Open ``p`` new sites (plus ``existing``) to minimise max_i weight_i * cost(i, nearest open site).

    Binary search over the distinct weighted costs, each probe a set-cover feasibility MIP. ``bound`` is the
    smallest radius not proven infeasible; if ``time_limit`` runs out mid-search the status is "time_limit"
    and the result is the best radius proven feasible so far.
    """
    start = time.perf_counter()
    inst = instance("p_center", cost, weights, existing)
    p = check_p("p_center", p, inst, at_least_one=True)
    m = inst.cost.shape[1]
    check_reachable("p_center", inst, np.isfinite(inst.cost), msg("locate.at_finite_cost"))
    active = inst.weights > 0
    wcost = inst.cost[active] * inst.weights[active, None]
    if not active.any():                          # nothing to serve: any sites are optimal
        wcost = np.zeros((1, m))
    best = _greedy_center(wcost, inst.existing, p)
    radius = _radius(wcost, best)
    lower = float(np.max(np.min(wcost, axis=1)))
    radii = np.unique(wcost[(wcost >= lower) & (wcost <= radius)])
    lo, hi = 0, len(radii) - 1                     # radii[hi] is feasible; all below radii[lo] are not
    status, solve_seconds = Status.OPTIMAL, 0.0
    while lo < hi:
        mid = (lo + hi) // 2
        left = time_limit - (time.perf_counter() - start)
        probe = cover_mip(wcost <= radii[mid], inst.existing, np.ones(m), p, left, 0.0)
        solve_seconds += probe.seconds
        if probe.x is not None:
            best = open_sites(probe.x, m, inst.existing)
            hi = int(np.searchsorted(radii, _radius(wcost, best)))
        elif probe.status == Status.INFEASIBLE:
            lo = mid + 1
        else:
            status = Status.TIME_LIMIT
            break
    objective = _radius(wcost, best)
    if not np.isfinite(objective):                # p sites cannot reach every demand point at all
        status = Status.INFEASIBLE if status == Status.OPTIMAL else status
    solved = SolveResult(status, objective, float(radii[lo]), None, solve_seconds)
    assignment = nearest(inst.cost, best)
    return location_result("p_center", inst, solved, best, assignment, objective,
                   time.perf_counter() - start - solve_seconds, bound=float(radii[lo]))


def _radius(wcost: np.ndarray, sites: np.ndarray) -> float:
    return float(np.max(np.min(wcost[:, sites], axis=1)))


def _greedy_center(wcost: np.ndarray, existing: np.ndarray, p: int) -> np.ndarray:
    """Add, p times, the site that most lowers the current radius (ties: the lowest sum of costs)."""
    sites = list(existing)
    near = np.min(wcost[:, sites], axis=1) if sites else np.full(wcost.shape[0], np.inf)
    for _ in range(p):
        trial = np.minimum(near[:, None], wcost)                         # every candidate added in turn
        radius = trial.max(axis=0)
        radius[sites] = np.inf
        total = np.where(np.isfinite(trial), trial, 0.0).sum(axis=0)
        j = int(np.lexsort((total, radius))[0])   # smallest radius; among ties, the smallest total cost
        sites.append(j)
        near = trial[:, j]
    return np.array(sorted(sites), int)
