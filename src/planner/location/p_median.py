"""p-median: open p new sites (plus the existing ones) to minimise the weighted cost from each demand point
to its site, optionally with capacities.

- p-median: the chained distance-level formulation of Elloumi (2010), after Cornuejols, Nemhauser & Wolsey
  (1980): for demand i with distinct costs D^0 < D^1 < ..., z^k >= 0 is 1 when no open site is closer than
  D^k; rows z^{k-1} - z^k <= sum of y at level k-1 (z^0 = 1). Each (i, j) pair appears once (O(nm)
  nonzeros) and the LP bound equals the classic one. Levels beyond the (m - P + 1)-th nearest site
  (P = open sites) or an existing site are cut: one of those is open. At 1,000 x 1,000 even that LP is too
  big for simplex in minutes, so the solve goes in steps, each giving a valid bound:
  1. greedy + swap heuristic (Teitz & Bart 1968) for an incumbent;
  2. Lagrangian bound (assignment rows relaxed, subgradient steps): often proves the incumbent already;
  3. the level model restricted to each demand point's nearest candidates (twice as far as the incumbent
     serves it), with a tail variable charging the cost at the cut-off: a relaxation, refined where the
     solution reaches past it until it prices the solution exactly (radius refinement in the spirit of
     Garcia, Labbe & Marin 2011).
- capacitated p-median: the classic single-source assignment formulation, x_ij <= y_j included.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from planner.errors import InputError
from planner.messages import msg
from planner.location.base import (
    INF, Instance, LocationResult, check_p, check_reachable, highs, instance, location_result, nearest, open_sites,
    per_site, y_bounds)
from planner.solver import SolveResult, Status


def p_median(cost, weights, p: int, existing=None, capacity=None, *, time_limit: float = 300.0,
             mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open ``p`` new sites (plus ``existing``) to minimise sum_i weight_i * cost(i, its site).

    Uncapacitated: each demand point goes to its nearest open site. With ``capacity`` (one value per
    candidate, in weight units) each demand point goes, whole, to one open site with room for it.
    """
    start = time.perf_counter()
    inst = instance("p_median", cost, weights, existing)
    p = check_p("p_median", p, inst, at_least_one=True)
    check_reachable("p_median", inst, np.isfinite(inst.cost), msg("locate.at_finite_cost"))
    if capacity is not None:
        return _capacitated_median(inst, p, per_site("p_median", "capacity", capacity, inst.cost.shape[1]),
                                   start, time_limit, mip_rel_gap)
    levels = _Levels(inst, p + len(inst.existing))
    best = _greedy_median(levels, inst.existing, p, 0.1 * time_limit)
    upper = _median_cost(inst, best)
    lower = _lagrangian_bound(levels, best, upper, time.perf_counter() + 0.1 * time_limit)
    levels.start_from(best)
    status, solve_seconds = Status.OPTIMAL, 0.0
    while upper - lower > mip_rel_gap * abs(upper) + 1e-6:
        # refine the relaxation until it prices the solution exactly; every round's bound is valid
        *model, offset = levels.model()
        solved = highs(*model, offset=offset, time_limit=time_limit - (time.perf_counter() - start),
                        mip_rel_gap=mip_rel_gap, warm=levels.warm_start(best))
        solve_seconds += solved.seconds
        lower = max(lower, solved.bound if solved.bound is not None else -np.inf)
        sites = open_sites(solved.x, inst.cost.shape[1], inst.existing) if solved.x is not None else best
        if (value := _median_cost(inst, sites)) < upper:
            best, upper = sites, value
        if upper - lower <= mip_rel_gap * abs(upper) + 1e-6:
            break
        if solved.status != Status.OPTIMAL:
            status = solved.status
            break
        if not levels.extend(sites):  # priced exactly and solved within the gap: HiGHS's proof stands
            break
    solved = SolveResult(status, upper, min(lower, upper), None, solve_seconds)
    return location_result("p_median", inst, solved, best, nearest(inst.cost, best), upper,
                   time.perf_counter() - start - solve_seconds)


def _median_cost(inst: Instance, sites: np.ndarray) -> float:
    near = np.min(inst.cost[:, sites], axis=1)
    live = inst.weights > 0
    return float(inst.weights[live] @ near[live])


def _greedy_median(levels: _Levels, existing: np.ndarray, p: int, seconds: float) -> np.ndarray:
    """Add, p times, the site that most lowers the weighted cost (demand points left unreachable first),
    then swap an open new site for a closed one while that helps (Teitz & Bart 1968), for ``seconds``."""
    cost, w = levels.cost, levels.w
    sites = list(existing)
    near = np.min(cost[:, sites], axis=1) if sites else np.full(cost.shape[0], np.inf)
    for _ in range(p):
        trial = np.minimum(near[:, None], cost)
        finite = np.isfinite(trial)
        total, lost = w @ np.where(finite, trial, 0.0), (~finite).sum(axis=0).astype(float)
        lost[sites] = np.inf
        j = int(np.lexsort((total, lost))[0])
        sites.append(j)
        near = trial[:, j]
    return _swap(cost, w, np.array(sorted(sites), int), existing, time.perf_counter() + seconds)


def _lagrangian_bound(levels: _Levels, sites: np.ndarray, upper: float, until: float) -> float:
    """A lower bound that needs no LP: relax "each demand point served once" with multipliers u_i and
    improve them by subgradient steps (Held, Wolfe & Crowder 1974). Every value found is a valid bound;
    at convergence it equals the LP bound. It stands in when HiGHS cannot finish the root LP in time."""
    wd = levels.w[:, None] * levels.cost                  # inf pairs never pay: min(0, inf - u) = 0
    u = np.min(wd[:, sites], axis=1)                      # start from the heuristic's own costs
    is_existing = np.zeros(levels.m, bool)
    is_existing[levels.existing] = True
    extra, best, step, stale = levels.n_open - len(levels.existing), -np.inf, 2.0, 0
    while time.perf_counter() < until and step > 1e-4:
        gain = np.minimum(0.0, wd - u[:, None])          # what serving i from j would save, per site
        rho = gain.sum(axis=0)
        free = np.flatnonzero(~is_existing)
        chosen = np.concatenate([levels.existing, free[np.argsort(rho[free])[:extra]]])
        value = float(u.sum() + rho[chosen].sum())
        if value > best and (best == -np.inf or value - best > 1e-9 * abs(best)):
            best, stale = value, 0
        elif (stale := stale + 1) >= 20:                  # no progress for a while: smaller steps
            step, stale = step / 2, 0
        g = 1.0 - (gain[:, chosen] < 0).sum(axis=1)       # how far each demand point is from served once
        if not g.any():
            break
        u = u + step * (upper - value) / float(g @ g) * g
    return best


def _swap(cost: np.ndarray, w: np.ndarray, sites: np.ndarray, existing: np.ndarray, until: float) -> np.ndarray:
    """Best-improvement swaps: for each open new site s, every closed j is priced at once from each demand
    point's nearest and second-nearest open site."""
    current = float(w @ np.min(cost[:, sites], axis=1)) if len(w) else 0.0
    while time.perf_counter() < until and len(sites) > 1:
        d = cost[:, sites]
        two = np.argsort(d, axis=1)[:, :2]
        first, second = d[np.arange(len(d)), two[:, 0]], d[np.arange(len(d)), two[:, 1]]
        best = (current, -1, -1)
        for k, s in enumerate(sites):
            if s in existing:
                continue
            fallback = np.where(two[:, 0] == k, second, first)     # cost once s is closed
            total = w @ np.minimum(cost, fallback[:, None])
            total[sites] = np.inf
            j = int(np.argmin(total))
            if total[j] < best[0] - 1e-9 * abs(best[0]):
                best = (float(total[j]), k, j)
        if best[1] < 0:
            break
        current, sites = best[0], np.sort(np.r_[np.delete(sites, best[1]), best[2]])
    return sites


class _Levels:
    """Each (weighted) demand point's candidates sorted by cost, for the distance-level p-median model.

    Demand i's model sees only its ``reach[i]`` nearest candidates, one level per distinct cost among them,
    plus a tail variable charging the cost at position ``reach[i]`` when none of them is open. That charge
    never exceeds the true cost, so the model is a relaxation and its bound is valid; with every reach at
    the cut it is Elloumi's model exactly. Only pairs within reach enter the matrix, which keeps the LP small.
    """

    def __init__(self, inst: Instance, n_open: int):
        live = inst.weights > 0     # weightless demand points cannot change the objective
        self.cost, self.w, self.existing = inst.cost[live], inst.weights[live], inst.existing
        n, m = self.cost.shape
        self.n_open, self.m = n_open, m
        self.order = np.argsort(self.cost, axis=1, kind="stable")
        self.d = np.take_along_axis(self.cost, self.order, axis=1)
        self.first = np.ones((n, m), bool)
        self.first[:, 1:] = self.d[:, 1:] != self.d[:, :-1]
        level = np.cumsum(self.first, axis=1) - 1
        rows = np.arange(n)
        cut = level[:, m - n_open]            # the (m - P + 1)-th nearest site: one of these is open
        cut = np.minimum(cut, level[rows, np.isfinite(self.d).sum(axis=1) - 1])
        is_existing = np.zeros(m, bool)
        is_existing[self.existing] = True
        ex_sorted = is_existing[self.order]   # an existing site is open: nothing beyond it matters
        cut = np.where(ex_sorted.any(axis=1), np.minimum(cut, level[rows, ex_sorted.argmax(axis=1)]), cut)
        self.end = (level <= cut[:, None]).sum(axis=1)   # positions that can matter: 0 .. end - 1
        self.reach = self.end.copy()

    def first_open(self, sites: np.ndarray) -> np.ndarray:
        """Sorted position of each demand point's nearest open site."""
        is_open = np.zeros(self.m, bool)
        is_open[sites] = True
        return np.argmax(is_open[self.order], axis=1)

    def start_from(self, sites: np.ndarray, full_pairs: int = 200_000) -> None:
        """Reach twice as far as each demand point's site under ``sites`` (the optimum rarely serves it
        farther), unless the exact model is small anyway."""
        if self.end.sum() > full_pairs:
            self.reach = np.minimum(self.end, 2 * self.first_open(sites) + 8)

    def extend(self, sites: np.ndarray) -> int:
        """Widen the reach of demand points served beyond it by ``sites``; return how many were widened."""
        pos = self.first_open(sites)
        short = pos >= self.reach
        self.reach[short] = np.minimum(self.end[short], 2 * pos[short] + 8)
        return int(short.sum())

    def model(self):
        """Row l of demand i: sum(y at level l) - z^l + z^{l+1} >= [l == 0]; z^{L} is the tail (if any)."""
        n, m = self.cost.shape
        inside = np.arange(m) < self.reach[:, None]
        breaks = self.first & inside
        tail = self.reach < self.end
        n_levels = breaks.sum(axis=1)
        n_z = n_levels - 1 + tail                          # z^1 .. z^{L-1}, and the tail z^L
        level = np.cumsum(breaks, axis=1) - 1
        row_base = np.cumsum(n_levels) - n_levels
        z_base = m + np.cumsum(n_z) - n_z
        n_rows, n_cols = int(n_levels.sum()), m + int(n_z.sum())
        ii = np.broadcast_to(np.arange(n)[:, None], (n, m))[inside]
        y_r, y_c = row_base[ii] + level[inside], self.order[inside]
        own = np.repeat(np.arange(n), n_z)
        k = np.arange(len(own)) - (z_base - m)[own]        # z^{k+1} of demand ``own``
        zc = z_base[own] + k
        down = k + 1 < n_levels[own]                       # z^{k+1} also leaves row k+1, except the tail
        r = np.concatenate([y_r, row_base[own] + k, row_base[own][down] + k[down] + 1, np.full(m, n_rows)])
        col = np.concatenate([y_c, zc, zc[down], np.arange(m)])                 # last row: sum y = P
        val = np.concatenate([np.ones(len(y_r)), np.ones(len(own)), -np.ones(int(down.sum())), np.ones(m)])
        A = sp.csc_matrix((val, (r, col)), shape=(n_rows + 1, n_cols))
        values = self.d[breaks]                            # each row's level costs, row after row
        nxt = np.where(down, values[np.minimum(row_base[own] + k + 1, len(values) - 1)],
                       self.d[own, np.minimum(self.reach[own], m - 1)])        # tail: cost at the reach
        c = np.zeros(n_cols)
        c[zc] = self.w[own] * (nxt - values[row_base[own] + k])
        row_lo = np.zeros(n_rows + 1)
        row_lo[row_base] = 1.0
        row_lo[-1] = self.n_open
        row_hi = np.full(n_rows + 1, INF)
        row_hi[-1] = self.n_open
        lo = np.concatenate([y_bounds(m, self.existing), np.zeros(n_cols - m)])
        hi = np.concatenate([np.ones(m), np.full(n_cols - m, INF)])
        integer = np.concatenate([np.ones(m, np.int32), np.zeros(n_cols - m, np.int32)])
        return c, lo, hi, integer, A, row_lo, row_hi, float(self.w @ values[row_base])

    def warm_start(self, sites: np.ndarray) -> np.ndarray:
        """``sites`` as a full solution of ``model()``: z = 1 on every level closer than the open site."""
        n, m = self.cost.shape
        breaks = self.first & (np.arange(m) < self.reach[:, None])
        pos = self.first_open(sites)
        starts = np.nonzero(breaks)
        later = starts[1] > 0                              # z^l for l >= 1 starts at a level's position
        z_level = starts[1][later] <= pos[starts[0][later]]
        tail = self.reach < self.end
        z_tail = pos >= self.reach
        # z columns are grouped by demand point: its levels in order, then its tail
        owner = np.concatenate([starts[0][later], np.flatnonzero(tail)])
        order = np.argsort(owner, kind="stable")
        z = np.concatenate([z_level, z_tail[tail]])[order]
        y = np.zeros(m)
        y[sites] = 1.0
        return np.concatenate([y, z.astype(float)])


def _capacitated_median(inst: Instance, p: int, capacity: np.ndarray, start: float, time_limit: float,
                        mip_rel_gap: float) -> LocationResult:
    n, m = inst.cost.shape
    n_open = p + len(inst.existing)
    if np.sort(capacity)[::-1][:n_open].sum() < inst.weights.sum():
        raise InputError("p_median()", msg("locate.capacity_short", n=n_open, total=inst.weights.sum()),
                         column="capacity", fix=msg("locate.fix_capacity"))
    di, sj = np.nonzero(np.isfinite(inst.cost))    # x_k = 1: demand di[k] is served by site sj[k]
    nx, xk = len(di), m + np.arange(len(di))
    rows = [(di, xk, np.ones(nx)),                                           # each demand served once
            (n + sj, xk, inst.weights[di]), (n + np.arange(m), np.arange(m), -capacity),   # load <= cap y
            (n + m + np.arange(nx), xk, np.ones(nx)), (n + m + np.arange(nx), sj, -np.ones(nx)),  # x <= y
            (np.full(m, n + m + nx), np.arange(m), np.ones(m))]              # sum y = P
    r, col, val = (np.concatenate(t) for t in zip(*rows))
    A = sp.csc_matrix((val, (r, col)), shape=(n + m + nx + 1, m + nx))
    row_lo = np.concatenate([np.ones(n), np.full(m + nx, -INF), [n_open]])
    row_hi = np.concatenate([np.ones(n), np.zeros(m + nx), [n_open]])
    c = np.concatenate([np.zeros(m), inst.weights[di] * inst.cost[di, sj]])
    lo = np.concatenate([y_bounds(m, inst.existing), np.zeros(nx)])
    solved = highs(c, lo, np.ones(m + nx), np.ones(m + nx), A, row_lo, row_hi, time_limit=time_limit,
                    mip_rel_gap=mip_rel_gap)
    assignment = np.full(n, -1)
    if solved.x is None:
        return location_result("p_median", inst, solved, np.array([], int), assignment, np.nan,
                       time.perf_counter() - start - solved.seconds)
    chosen = solved.x[m:] > 0.5
    assignment[di[chosen]] = sj[chosen]
    objective = float(inst.weights[di[chosen]] @ inst.cost[di[chosen], sj[chosen]])
    return location_result("p_median", inst, solved, open_sites(solved.x, m, inst.existing), assignment, objective,
                   time.perf_counter() - start - solved.seconds)
