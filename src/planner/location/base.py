"""What the location models share (as spopt's locate/base.py): the result, the checked instance, the HiGHS
hand-off, and the set-cover rows that set_cover and p_center both solve.

``cost`` is a numpy array or a DataFrame (rows = demand points, columns = candidate sites; its labels are kept
in the result); ``inf`` marks an unreachable pair. ``existing`` are candidate positions already open: they
are forced open and cost nothing. **``p`` always counts new sites, on top of ``existing``** (spopt counts
the total instead): the planner's question is "where do the next p units go", and the budget variant of
max cover can only be about new sites, so all four models read ``p`` the same way.

Matrices go to HiGHS in one ``passModel`` call (CSC, numpy), one thread; Pyomo's per-element cost would
dominate at 1,000 x 1,000 (see shared notes, performance.md). Each model's module gives its formulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.errors import InputError
from planner.messages import Message, msg
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


@dataclass
class Instance:
    cost: np.ndarray
    weights: np.ndarray
    existing: np.ndarray
    demand_labels: list
    site_labels: list


def instance(model: str, cost, weights=None, existing=None) -> Instance:
    if isinstance(cost, pd.DataFrame):
        demand_labels, site_labels = list(cost.index), list(cost.columns)
        cost = cost.to_numpy()
    else:
        cost = np.asarray(cost)
        demand_labels = site_labels = None
    if cost.ndim != 2 or 0 in cost.shape:
        raise InputError(f"{model}()", msg("locate.cost_shape", shape=cost.shape), column="cost",
                         fix=msg("locate.fix_cost_shape"))
    try:
        cost = cost.astype(float)
    except (TypeError, ValueError):
        raise InputError(f"{model}()", msg("locate.cost_not_numeric"), column="cost",
                         fix=msg("locate.fix_inf")) from None
    n, m = cost.shape
    demand_labels = demand_labels or list(range(n))
    site_labels = site_labels or list(range(m))
    bad = np.argwhere(np.isnan(cost) | (cost < 0))
    if len(bad):
        i, j = bad[0]
        raise InputError(f"{model}()", msg("locate.cost_bad", demand=demand_labels[i], site=site_labels[j]),
                         row=int(i), column="cost", value=cost[i, j], fix=msg("locate.fix_cost_bad"))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != (n,):
        raise InputError(f"{model}()", msg("locate.weights_size", size=w.size, n=n), column="weights",
                         fix=msg("locate.fix_weights_size"))
    bad_w = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if len(bad_w):
        raise InputError(f"{model}()", msg("locate.weight_bad", demand=demand_labels[bad_w[0]]),
                         row=int(bad_w[0]), column="weights", value=w[bad_w[0]], fix=msg("locate.fix_weights"))
    ex = _positions(model, "existing", existing, m)
    return Instance(cost, w, ex, demand_labels, site_labels)


def _positions(model: str, name: str, values, m: int) -> np.ndarray:
    try:
        ex = np.unique(np.asarray([] if values is None else values, dtype=float).ravel())
    except (TypeError, ValueError):
        ex = np.array([np.nan])
    bad = ex[(ex != np.round(ex)) | (ex < 0) | (ex >= m) | np.isnan(ex)]
    if len(bad):
        raise InputError(f"{model}()", msg("locate.not_positions", name=name, last=m - 1), column=name,
                         value=bad[0], fix=msg("locate.fix_positions"))
    return ex.astype(int)


def per_site(model: str, name: str, values, m: int) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    if a.shape != (m,) or np.any(~np.isfinite(a) | (a < 0)):
        raise InputError(f"{model}()", msg("locate.per_site", name=name, m=m), column=name,
                         fix=msg("locate.fix_per_site", m=m))
    return a


def check_p(model: str, p, inst: Instance, at_least_one: bool) -> int:
    m = inst.cost.shape[1]
    free = m - len(inst.existing)
    if not isinstance(p, (int, float, np.integer, np.floating)) or isinstance(p, bool) \
            or not float(p).is_integer() or not 0 <= p <= free:
        raise InputError(f"{model}()", msg("locate.bad_p", free=free), column="p", value=p,
                         fix=msg("locate.fix_bad_p"))
    if at_least_one and int(p) + len(inst.existing) == 0:
        raise InputError(f"{model}()", msg("locate.none_open"), column="p", value=p, fix=msg("locate.fix_none_open"))
    return int(p)


def check_reachable(model: str, inst: Instance, reach: np.ndarray, what: Message) -> None:
    lost = np.flatnonzero(~reach.any(axis=1))
    if len(lost):
        names = ", ".join(repr(inst.demand_labels[i]) for i in lost[:5]) + (" ..." if len(lost) > 5 else "")
        raise InputError(f"{model}()", msg("locate.unreachable", n=len(lost), what=what, names=names),
                         row=int(lost[0]), column="cost", fix=msg("locate.fix_unreachable"))


def check_limit(model: str, limit) -> float:
    if not isinstance(limit, (int, float, np.number)) or not np.isfinite(limit) or limit < 0:
        raise InputError(f"{model}()", msg("locate.bad_limit"), column="limit",
                         value=limit if isinstance(limit, (int, float)) else None)
    return float(limit)


def highs(c, lo, hi, integer, A: sp.spmatrix, row_lo, row_hi, *, maximize: bool = False, offset: float = 0.0,
           time_limit: float, mip_rel_gap: float, first_solution: bool = False,
           warm: np.ndarray | None = None) -> SolveResult:
    """Pass a whole MIP to HiGHS in one call and run it on one thread. ``first_solution``: a feasibility
    probe, any solution answers the question. ``warm``: a known feasible solution to start from."""
    h = HighsModel(c, lo, hi, integer, A, row_lo, row_hi, maximize=maximize, offset=offset, threads=1)
    if warm is not None:
        h.set_start(warm)
    return h.solve(time_limit, mip_rel_gap, first_solution=first_solution)


def location_result(model: str, inst: Instance, solved: SolveResult, sites: np.ndarray, assignment: np.ndarray,
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


def nearest(cost: np.ndarray, sites: np.ndarray, limit: float = np.inf) -> np.ndarray:
    """Each demand point's nearest open site within ``limit``, or -1."""
    if len(sites) == 0:
        return np.full(cost.shape[0], -1)
    sub = cost[:, sites]
    k = np.argmin(sub, axis=1)
    best = sub[np.arange(len(k)), k]
    return np.where(np.isfinite(best) & (best <= limit), sites[k], -1)


def open_sites(x: np.ndarray | None, m: int, existing: np.ndarray) -> np.ndarray:
    return existing if x is None else np.flatnonzero(x[:m] > 0.5)


def y_bounds(m: int, existing: np.ndarray) -> np.ndarray:
    lo = np.zeros(m)
    lo[existing] = 1.0
    return lo


def cover_mip(covers: np.ndarray, existing: np.ndarray, price: np.ndarray, max_new: int | None,
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
    return highs(price * new, y_bounds(m, existing), np.ones(m), np.ones(m), A, row_lo, row_hi,
                  time_limit=time_limit, mip_rel_gap=mip_rel_gap, first_solution=extra)
