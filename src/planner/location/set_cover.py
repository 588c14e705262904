"""Set covering (Toregas et al. 1971): the fewest (or cheapest) new sites so that every demand point is within
``limit`` of an open site. The textbook formulation (base.cover_mip)."""

from __future__ import annotations

import time

import numpy as np

from planner.messages import msg
from planner.location.base import (
    LocationResult, check_limit, check_reachable, cover_mip, instance, location_result, nearest, open_sites,
    per_site)


def set_cover(cost, limit: float, site_cost=None, existing=None, *, time_limit: float = 300.0,
              mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open the fewest new sites (or the cheapest, with ``site_cost``) so that every demand point is within
    ``limit`` of an open site. Raises InputError naming the demand points no candidate can reach."""
    start = time.perf_counter()
    inst = instance("set_cover", cost, None, existing)
    n, m = inst.cost.shape
    limit = check_limit("set_cover", limit)
    price = np.ones(m) if site_cost is None else per_site("set_cover", "site_cost", site_cost, m)
    covers = inst.cost <= limit
    check_reachable("set_cover", inst, covers, msg("locate.within_limit", limit=limit))
    solved = cover_mip(covers, inst.existing, price, None, time_limit, mip_rel_gap)
    sites = open_sites(solved.x, m, inst.existing)
    objective = float(price[np.setdiff1d(sites, inst.existing)].sum()) if solved.x is not None else np.nan
    return location_result("set_cover", inst, solved, sites, nearest(inst.cost, sites, limit), objective,
                   time.perf_counter() - start - solved.seconds)
