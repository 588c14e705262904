"""Classic location-allocation models on a (demand x candidate site) cost matrix, solved by HiGHS.

    p_median    minimise the weighted cost from each demand point to its site (optionally capacitated)
    max_cover   maximise the weight within ``limit`` of an open site, given p new sites or a budget
    set_cover   fewest (or cheapest) sites so that every demand point is within ``limit``
    p_center    minimise the longest (optionally weighted) cost from a demand point to its site

``cost`` is a numpy array or a DataFrame (rows = demand points, columns = candidate sites; its labels are kept
in the result); ``inf`` marks an unreachable pair. ``existing`` are candidate positions already open: they
are forced open and cost nothing. **``p`` always counts new sites, on top of ``existing``** (spopt counts
the total instead): the planner's question is "where do the next p units go", and the budget variant of
max cover can only be about new sites, so all four models read ``p`` the same way.

Matrices go to HiGHS in one ``passModel`` call (CSC, numpy), one thread; Pyomo's per-element cost would
dominate at 1,000 x 1,000 (see shared notes, performance.md). Formulations:

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
- max cover (Church & ReVelle 1974) and set cover (Toregas et al. 1971): the textbook formulations.
- p-center: binary search over the distinct (weighted) costs; each probe is a set-cover feasibility MIP
  "can p new sites cover everyone within r?". A greedy solution bounds the search from above and
  max_i min_j cost bounds it from below.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.errors import InputError
from planner.solver import HighsModel, SolveResult, Status

INF = np.inf


@dataclass
class LocationResult:
    """A solved location model. ``sites`` are candidate positions (existing ones included), ``assignment``
    maps each demand position to a site position or -1 (unserved or, for max cover, not covered)."""

    model: str
    status: Status              # optimal (proven within mip_rel_gap), time_limit, infeasible, ... (planner.solver)
    objective: float
    bound: float                # best proven bound (lower when minimising, upper for max cover)
    gap: float                  # |objective - bound| / |objective|
    sites: np.ndarray
    assignment: np.ndarray
    assigned_cost: np.ndarray   # cost from each demand point to its site; nan when unassigned
    weights: np.ndarray
    existing: np.ndarray
    build_seconds: float
    solve_seconds: float
    demand_labels: list = field(default_factory=list)
    site_labels: list = field(default_factory=list)

    @property
    def new_sites(self) -> np.ndarray:
        return np.setdiff1d(self.sites, self.existing)

    def table(self) -> pd.DataFrame:
        """One row per demand point: its site (label, or <NA> when unassigned), cost and weight."""
        site = pd.Series([self.site_labels[j] if j >= 0 else pd.NA for j in self.assignment], dtype=object)
        return pd.DataFrame({"demand": self.demand_labels, "site": site, "cost": self.assigned_cost,
                             "weight": self.weights})

    def sites_table(self) -> pd.DataFrame:
        """One row per open site: whether it existed, how many demand points and how much weight it serves."""
        served = self.assignment[self.assignment >= 0]
        load = np.bincount(served, weights=self.weights[self.assignment >= 0], minlength=len(self.site_labels))
        count = np.bincount(served, minlength=len(self.site_labels))
        return pd.DataFrame({"site": [self.site_labels[j] for j in self.sites],
                             "existing": np.isin(self.sites, self.existing),
                             "demand_points": count[self.sites], "weight": load[self.sites]})


# ---------------------------------------------------------------- validation

@dataclass
class _Instance:
    cost: np.ndarray
    weights: np.ndarray
    existing: np.ndarray
    demand_labels: list
    site_labels: list


def _instance(model: str, cost, weights=None, existing=None) -> _Instance:
    if isinstance(cost, pd.DataFrame):
        demand_labels, site_labels = list(cost.index), list(cost.columns)
        cost = cost.to_numpy()
    else:
        cost = np.asarray(cost)
        demand_labels = site_labels = None
    if cost.ndim != 2 or 0 in cost.shape:
        raise InputError(f"{model}()", f"cost must be a 2-D (demand x candidate) matrix, got shape {cost.shape}",
                         column="cost", fix="pass one row per demand point and one column per candidate site")
    try:
        cost = cost.astype(float)
    except (TypeError, ValueError):
        raise InputError(f"{model}()", "cost must be numeric", column="cost",
                         fix="use np.inf for unreachable pairs") from None
    n, m = cost.shape
    demand_labels = demand_labels or list(range(n))
    site_labels = site_labels or list(range(m))
    bad = np.argwhere(np.isnan(cost) | (cost < 0))
    if len(bad):
        i, j = bad[0]
        raise InputError(f"{model}()", f"cost from demand {demand_labels[i]!r} to site {site_labels[j]!r} "
                         "is missing or negative", row=int(i), column="cost", value=cost[i, j],
                         fix="give a cost >= 0, or np.inf when the site cannot serve that demand point")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != (n,):
        raise InputError(f"{model}()", f"weights has {w.size} values but cost has {n} demand rows",
                         column="weights", fix="give one weight per row of cost")
    bad_w = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if len(bad_w):
        raise InputError(f"{model}()", f"weight of demand {demand_labels[bad_w[0]]!r} is not a number >= 0",
                         row=int(bad_w[0]), column="weights", value=w[bad_w[0]], fix="give weights >= 0")
    ex = _positions(model, "existing", existing, m)
    return _Instance(cost, w, ex, demand_labels, site_labels)


def _positions(model: str, name: str, values, m: int) -> np.ndarray:
    try:
        ex = np.unique(np.asarray([] if values is None else values, dtype=float).ravel())
    except (TypeError, ValueError):
        ex = np.array([np.nan])
    bad = ex[(ex != np.round(ex)) | (ex < 0) | (ex >= m) | np.isnan(ex)]
    if len(bad):
        raise InputError(f"{model}()", f"{name} must be candidate positions 0..{m - 1}", column=name,
                         value=bad[0], fix="give column positions of cost, not labels")
    return ex.astype(int)


def _per_site(model: str, name: str, values, m: int) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    if a.shape != (m,) or np.any(~np.isfinite(a) | (a < 0)):
        raise InputError(f"{model}()", f"{name} must hold {m} numbers >= 0, one per candidate site",
                         column=name, fix=f"pass an array of length {m}")
    return a


def _check_p(model: str, p, inst: _Instance, at_least_one: bool) -> int:
    m = inst.cost.shape[1]
    free = m - len(inst.existing)
    if not isinstance(p, (int, float, np.integer, np.floating)) or isinstance(p, bool) \
            or not float(p).is_integer() or not 0 <= p <= free:
        raise InputError(f"{model}()", f"p (new sites) must be a whole number from 0 to {free}, the candidates "
                         "not already open", column="p", value=p, fix="lower p or add candidate sites")
    if at_least_one and int(p) + len(inst.existing) == 0:
        raise InputError(f"{model}()", "no site would be open", column="p", value=p,
                         fix="give p >= 1 or some existing sites")
    return int(p)


def _check_reachable(model: str, inst: _Instance, reach: np.ndarray, what: str) -> None:
    lost = np.flatnonzero(~reach.any(axis=1))
    if len(lost):
        names = ", ".join(repr(inst.demand_labels[i]) for i in lost[:5]) + (" ..." if len(lost) > 5 else "")
        raise InputError(f"{model}()", f"{len(lost)} demand point(s) have no candidate site {what}: {names}",
                         row=int(lost[0]), column="cost",
                         fix="add a candidate site that can reach them, or drop them from the demand")


# ---------------------------------------------------------------- HiGHS

def _highs(c, lo, hi, integer, A: sp.spmatrix, row_lo, row_hi, *, maximize: bool = False, offset: float = 0.0,
           time_limit: float, mip_rel_gap: float, first_solution: bool = False,
           warm: np.ndarray | None = None) -> SolveResult:
    """Pass a whole MIP to HiGHS in one call and run it on one thread. ``first_solution``: a feasibility
    probe, any solution answers the question. ``warm``: a known feasible solution to start from."""
    h = HighsModel(c, lo, hi, integer, A, row_lo, row_hi, maximize=maximize, offset=offset, threads=1)
    if warm is not None:
        h.set_start(warm)
    return h.solve(time_limit, mip_rel_gap, first_solution=first_solution)


def _result(model: str, inst: _Instance, solved: SolveResult, sites: np.ndarray, assignment: np.ndarray,
            objective: float, build_seconds: float, bound: float | None = None) -> LocationResult:
    rows = np.flatnonzero(assignment >= 0)
    assigned = np.full(len(assignment), np.nan)
    assigned[rows] = inst.cost[rows, assignment[rows]]
    bound = solved.bound if bound is None else bound
    bound = np.nan if bound is None else bound
    objective = np.nan if objective is None else objective
    if objective == bound:
        gap = 0.0
    else:                                          # HiGHS's definition; nan when there is no solution
        gap = abs(objective - bound) / max(abs(objective), 1e-9)
    return LocationResult(model, solved.status, float(objective), float(bound), float(gap), np.sort(sites),
                          assignment, assigned, inst.weights, inst.existing, build_seconds, solved.seconds,
                          inst.demand_labels, inst.site_labels)


def _nearest(cost: np.ndarray, sites: np.ndarray, limit: float = np.inf) -> np.ndarray:
    """Each demand point's nearest open site within ``limit``, or -1."""
    if len(sites) == 0:
        return np.full(cost.shape[0], -1)
    sub = cost[:, sites]
    k = np.argmin(sub, axis=1)
    best = sub[np.arange(len(k)), k]
    return np.where(np.isfinite(best) & (best <= limit), sites[k], -1)


def _open(x: np.ndarray | None, m: int, existing: np.ndarray) -> np.ndarray:
    return existing if x is None else np.flatnonzero(x[:m] > 0.5)


def _y_bounds(m: int, existing: np.ndarray) -> np.ndarray:
    lo = np.zeros(m)
    lo[existing] = 1.0
    return lo


# ---------------------------------------------------------------- p-median

def p_median(cost, weights, p: int, existing=None, capacity=None, *, time_limit: float = 300.0,
             mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open ``p`` new sites (plus ``existing``) to minimise sum_i weight_i * cost(i, its site).

    Uncapacitated: each demand point goes to its nearest open site. With ``capacity`` (one value per
    candidate, in weight units) each demand point goes, whole, to one open site with room for it.
    """
    start = time.perf_counter()
    inst = _instance("p_median", cost, weights, existing)
    p = _check_p("p_median", p, inst, at_least_one=True)
    _check_reachable("p_median", inst, np.isfinite(inst.cost), "at finite cost")
    if capacity is not None:
        return _capacitated_median(inst, p, _per_site("p_median", "capacity", capacity, inst.cost.shape[1]),
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
        solved = _highs(*model, offset=offset, time_limit=time_limit - (time.perf_counter() - start),
                        mip_rel_gap=mip_rel_gap, warm=levels.warm_start(best))
        solve_seconds += solved.seconds
        lower = max(lower, solved.bound if solved.bound is not None else -np.inf)
        sites = _open(solved.x, inst.cost.shape[1], inst.existing) if solved.x is not None else best
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
    return _result("p_median", inst, solved, best, _nearest(inst.cost, best), upper,
                   time.perf_counter() - start - solve_seconds)


def _median_cost(inst: _Instance, sites: np.ndarray) -> float:
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

    def __init__(self, inst: _Instance, n_open: int):
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
        lo = np.concatenate([_y_bounds(m, self.existing), np.zeros(n_cols - m)])
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


def _capacitated_median(inst: _Instance, p: int, capacity: np.ndarray, start: float, time_limit: float,
                        mip_rel_gap: float) -> LocationResult:
    n, m = inst.cost.shape
    n_open = p + len(inst.existing)
    if np.sort(capacity)[::-1][:n_open].sum() < inst.weights.sum():
        raise InputError("p_median()", f"the {n_open} largest capacities cannot hold the total weight "
                         f"{inst.weights.sum():g}", column="capacity", fix="raise capacities or p")
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
    lo = np.concatenate([_y_bounds(m, inst.existing), np.zeros(nx)])
    solved = _highs(c, lo, np.ones(m + nx), np.ones(m + nx), A, row_lo, row_hi, time_limit=time_limit,
                    mip_rel_gap=mip_rel_gap)
    assignment = np.full(n, -1)
    if solved.x is None:
        return _result("p_median", inst, solved, np.array([], int), assignment, np.nan,
                       time.perf_counter() - start - solved.seconds)
    chosen = solved.x[m:] > 0.5
    assignment[di[chosen]] = sj[chosen]
    objective = float(inst.weights[di[chosen]] @ inst.cost[di[chosen], sj[chosen]])
    return _result("p_median", inst, solved, _open(solved.x, m, inst.existing), assignment, objective,
                   time.perf_counter() - start - solved.seconds)


# ---------------------------------------------------------------- covering

def max_cover(cost, weights, limit: float, p: int | None = None, budget: float | None = None, site_cost=None,
              existing=None, *, time_limit: float = 300.0, mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open at most ``p`` new sites, or new sites costing at most ``budget`` (``site_cost`` per candidate,
    1 each by default), to maximise the weight of demand points within ``limit`` of an open site.
    Covered demand points are assigned to their nearest open site; the others get -1."""
    start = time.perf_counter()
    inst = _instance("max_cover", cost, weights, existing)
    n, m = inst.cost.shape
    if (p is None) == (budget is None):
        raise InputError("max_cover()", "give exactly one of p (number of new sites) or budget", column="p",
                         fix="pass p=... or budget=... (with site_cost)")
    limit = _check_limit("max_cover", limit)
    price = np.ones(m) if site_cost is None else _per_site("max_cover", "site_cost", site_cost, m)
    if p is not None:
        p, price = _check_p("max_cover", p, inst, at_least_one=False), np.ones(m)
    elif not np.isfinite(budget) or budget < 0:
        raise InputError("max_cover()", "budget must be a number >= 0", column="budget", value=budget)
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
    solved = _highs(c, np.concatenate([_y_bounds(m, inst.existing), np.zeros(k)]), np.ones(m + k),
                    np.concatenate([np.ones(m), np.zeros(k)]), A, row_lo, row_hi, maximize=True,
                    offset=float(inst.weights[done].sum()), time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    sites = _open(solved.x, m, inst.existing)
    assignment = _nearest(inst.cost, sites, limit)
    objective = float(inst.weights[assignment >= 0].sum()) if solved.x is not None else np.nan
    return _result("max_cover", inst, solved, sites, assignment, objective,
                   time.perf_counter() - start - solved.seconds)


def set_cover(cost, limit: float, site_cost=None, existing=None, *, time_limit: float = 300.0,
              mip_rel_gap: float = 1e-4) -> LocationResult:
    """Open the fewest new sites (or the cheapest, with ``site_cost``) so that every demand point is within
    ``limit`` of an open site. Raises InputError naming the demand points no candidate can reach."""
    start = time.perf_counter()
    inst = _instance("set_cover", cost, None, existing)
    n, m = inst.cost.shape
    limit = _check_limit("set_cover", limit)
    price = np.ones(m) if site_cost is None else _per_site("set_cover", "site_cost", site_cost, m)
    covers = inst.cost <= limit
    _check_reachable("set_cover", inst, covers, f"within limit {limit:g}")
    solved = _cover_mip(covers, inst.existing, price, None, time_limit, mip_rel_gap)
    sites = _open(solved.x, m, inst.existing)
    objective = float(price[np.setdiff1d(sites, inst.existing)].sum()) if solved.x is not None else np.nan
    return _result("set_cover", inst, solved, sites, _nearest(inst.cost, sites, limit), objective,
                   time.perf_counter() - start - solved.seconds)


def _check_limit(model: str, limit) -> float:
    if not isinstance(limit, (int, float, np.number)) or not np.isfinite(limit) or limit < 0:
        raise InputError(f"{model}()", "limit must be a number >= 0 in the units of cost", column="limit",
                         value=limit if isinstance(limit, (int, float)) else None)
    return float(limit)


def _cover_mip(covers: np.ndarray, existing: np.ndarray, price: np.ndarray, max_new: int | None,
               time_limit: float, mip_rel_gap: float) -> SolveResult:
    """min sum price_j y_j over new sites s.t. every demand point has an open site in its row of ``covers``;
    with ``max_new`` also sum of new y <= max_new, stopping at the first solution (a feasibility probe)."""
    m = covers.shape[1]
    todo = np.flatnonzero(~covers[:, existing].any(axis=1))
    ci, sj = np.nonzero(covers[todo])
    new = np.ones(m)
    new[existing] = 0.0
    k = len(todo)
    extra = max_new is not None
    A = sp.csc_matrix((np.concatenate([np.ones(len(ci)), new[:m] if extra else []]),
                       (np.concatenate([ci, np.full(m if extra else 0, k)]),
                        np.concatenate([sj, np.arange(m) if extra else []]))), shape=(k + extra, m))
    row_lo = np.concatenate([np.ones(k), [-INF] if extra else []])
    row_hi = np.concatenate([np.full(k, INF), [max_new] if extra else []])
    return _highs(price * new, _y_bounds(m, existing), np.ones(m), np.ones(m), A, row_lo, row_hi,
                  time_limit=time_limit, mip_rel_gap=mip_rel_gap, first_solution=extra)


# ---------------------------------------------------------------- p-center

def p_center(cost, weights=None, p: int = 1, existing=None, *, time_limit: float = 300.0) -> LocationResult:
    """Open ``p`` new sites (plus ``existing``) to minimise max_i weight_i * cost(i, nearest open site).

    Binary search over the distinct weighted costs, each probe a set-cover feasibility MIP. ``bound`` is the
    smallest radius not proven infeasible; if ``time_limit`` runs out mid-search the status is "time_limit"
    and the result is the best radius proven feasible so far.
    """
    start = time.perf_counter()
    inst = _instance("p_center", cost, weights, existing)
    p = _check_p("p_center", p, inst, at_least_one=True)
    m = inst.cost.shape[1]
    _check_reachable("p_center", inst, np.isfinite(inst.cost), "at finite cost")
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
        probe = _cover_mip(wcost <= radii[mid], inst.existing, np.ones(m), p, left, 0.0)
        solve_seconds += probe.seconds
        if probe.x is not None:
            best = _open(probe.x, m, inst.existing)
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
    assignment = _nearest(inst.cost, best)
    return _result("p_center", inst, solved, best, assignment, objective,
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
