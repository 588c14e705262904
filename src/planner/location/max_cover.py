"""Maximal covering (Church & ReVelle 1974): open p new sites, or new sites within a budget, to maximise the
weight within ``limit`` of an open site. The textbook formulation."""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from planner.errors import InputError
from planner.messages import msg
from planner.location.base import (
    INF, LocationResult, check_limit, check_p, highs, instance, location_result, nearest, open_sites, per_site,
    y_bounds)


def max_cover(cost, weights, limit: float, p: int | None = None, budget: float | None = None, site_cost=None,
              existing=None, *, time_limit: float = 300.0, mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open at most ``p`` new sites, or new sites costing at most ``budget`` (``site_cost`` per candidate,
    1 each by default), to maximise the weight of demand points within ``limit`` of an open site.
    Covered demand points are assigned to their nearest open site; the others get -1."""
    start = time.perf_counter()
    inst = instance("max_cover", cost, weights, existing)
    n, m = inst.cost.shape
    if (p is None) == (budget is None):
        raise InputError("max_cover()", msg("locate.p_or_budget"), column="p", fix=msg("locate.fix_p_or_budget"))
    limit = check_limit("max_cover", limit)
    price = np.ones(m) if site_cost is None else per_site("max_cover", "site_cost", site_cost, m)
    if p is not None:
        p, price = check_p("max_cover", p, inst, at_least_one=False), np.ones(m)
    elif not np.isfinite(budget) or budget < 0:
        raise InputError("max_cover()", msg("locate.bad_budget"), column="budget", value=budget)
    cap = float(p) if p is not None else float(budget)
    covers = inst.cost <= limit
    done = covers[:, inst.existing].any(axis=1)    # already covered by an existing site
    todo = np.flatnonzero(~done & covers.any(axis=1) & (inst.weights > 0))
    ci, sj = np.nonzero(covers[todo])
    k = len(todo)
    new = np.setdiff1d(np.arange(m), inst.existing)   # existing sites spend neither p nor budget
    # columns: y (m), then covered_i for the demand points still to cover; max sum w_i covered_i
    # rows: covered_i - sum of y within limit <= 0, then sum of new y (or their price) <= p (or budget)
    A = sp.csc_matrix((np.concatenate([np.ones(k), -np.ones(len(ci)), price[new]]),
                       (np.concatenate([np.arange(k), ci, np.full(len(new), k)]),
                        np.concatenate([m + np.arange(k), sj, new]))), shape=(k + 1, m + k))
    row_lo = np.full(k + 1, -INF)
    row_hi = np.concatenate([np.zeros(k), [cap]])
    c = np.concatenate([np.zeros(m), inst.weights[todo]])
    solved = highs(c, np.concatenate([y_bounds(m, inst.existing), np.zeros(k)]), np.ones(m + k),
                    np.concatenate([np.ones(m), np.zeros(k)]), A, row_lo, row_hi, maximize=True,
                    offset=float(inst.weights[done].sum()), time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    sites = open_sites(solved.x, m, inst.existing)
    assignment = nearest(inst.cost, sites, limit)
    objective = float(inst.weights[assignment >= 0].sum()) if solved.x is not None else np.nan
    return location_result("max_cover", inst, solved, sites, assignment, objective,
                   time.perf_counter() - start - solved.seconds)
