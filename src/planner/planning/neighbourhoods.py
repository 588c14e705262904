"""Neighbourhood search after HiGHS's MIP (fix-and-optimize): the plan's purchases in every region but one
group of regions are held, and HiGHS solves what is left (the group's purchases, and every continuous
column of the whole model) from the plan as its start; a better plan is kept and the next group is tried.

Why: on Sichuan by county HiGHS's bound settles early while its best plan improves slowly. The counties'
own MIPs at the LP's prices sum to within 0.5 % of HiGHS's bound, but its plans after 60 s are 1.5 % above
it (benchmarks/results/bounds_latest.md), so the gap left is mostly in the plan. A group's MIP is small
(a prefecture's purchases) and HiGHS solves it in seconds; the budget rows still bind it, so money moves
between the group and the rest only as far as the group's own purchases can change. The bound stays the
one HiGHS proved on the whole model: this search finds plans, it proves nothing.

The groups are the regions' parents (a prefecture's counties), else the prefecture of a six-digit
administrative code, else runs of GROUP_SIZE regions. A pass tries every group once; a pass that finds
nothing better merges neighbouring groups in twos (larger neighbourhoods) for the next, until one group
would hold every region.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.solver import HighsModel, Progress, Status

GROUP_SIZE = 12        # regions a group holds when the regions say no parent
MAX_GROUP = 24         # a parent with more regions is split into runs of at most this many
MIN_TRY_S = 1.0        # a group's MIP gets at least this (or what is left), else an even share of a pass


# The MIP runs for at least EARLIEST_SHARE of the limit, then stops when its plan has not improved for
# STALL_SHARE of the limit (at least STALL_MIN_S).
EARLIEST_SHARE, STALL_SHARE, STALL_MIN_S = 0.5, 0.1, 5.0


class Stall:
    """A MIP's progress callback (passed on to ``then``) that fires once the MIP has run EARLIEST_SHARE of its
    ``limit`` seconds and its best plan has not improved for STALL_SHARE of them (at least STALL_MIN_S), unless
    its bound, rising as fast as it did over that window, would prove ``rel_gap`` by the limit. The solver
    stops the MIP when it fires (Solver's stop_when) and searches neighbourhoods for the rest.

    Why not sooner: HiGHS stays in its root node for most of a 120 s solve of Sichuan with the levers, and
    finds its best plans late in it (209,127 at 39 s, 202,746 at 49 s, nothing better to 120 s). Counted from
    HiGHS's first bound, the stall fired before those plans, and the search, begun from an 11 % plan, ended at
    5.51 % against 2.92 % without it; counted from the first search-tree node, it never fired
    (benchmarks/results/neighbourhoods_120_first_bound.md, neighbourhoods_120_nodes.md). Why the bound: the
    search proves nothing, so a MIP whose bound is closing the gap is left to close it."""

    def __init__(self, limit: float, rel_gap: float, then: Callable[[Progress], None] | None = None):
        self.limit, self.rel_gap, self.then = float(limit), float(rel_gap), then
        self.earliest = EARLIEST_SHARE * self.limit
        self.after = max(STALL_MIN_S, STALL_SHARE * self.limit)
        self.best: float | None = None
        self.since = 0.0                              # when the best plan was found
        self.bounds: list[tuple[float, float]] = []   # (seconds, bound) over the last window and one before it
        self.fired = False

    def __call__(self, p: Progress) -> None:
        if self.then is not None:
            self.then(p)
        if p.incumbent is not None and (self.best is None or p.incumbent < self.best - 1e-9 * max(1.0, abs(self.best))):
            self.best, self.since = p.incumbent, p.seconds
        if p.bound is not None:
            self.bounds.append((p.seconds, p.bound))
            while len(self.bounds) > 1 and self.bounds[1][0] <= p.seconds - self.after:
                self.bounds.pop(0)   # keep one point at or before the window's start
        if (self.best is not None and p.seconds >= self.earliest and p.seconds - self.since >= self.after
                and not self._bound_would_prove(p)):
            self.fired = True

    def _bound_would_prove(self, p: Progress) -> bool:
        """The bound's rise over the last window, carried on to the limit, reaches the bound that proves the gap
        (planner.solver.relative_gap: best - rel_gap x |best|)."""
        if p.bound is None or not self.bounds or self.bounds[0][0] > p.seconds - self.after:
            return False
        rate = (p.bound - self.bounds[0][1]) / max(p.seconds - self.bounds[0][0], 1e-9)
        needed = self.best - self.rel_gap * max(abs(self.best), 1.0) - p.bound
        return needed <= rate * max(self.limit - p.seconds, 0.0)


@dataclass
class SearchResult:
    x: np.ndarray | None        # the best plan found, every column; None when nothing beat the plan given
    objective: float
    start_objective: float
    tried: int                  # group MIPs solved
    improved: int               # of them, those that found a better plan
    seconds: float


def region_groups(regions: pd.DataFrame) -> list[np.ndarray]:
    """Groups of region positions (0..R-1, the model's r): by parent_code when the table has one for every
    region, else by the prefecture of a six-digit county code (GB/T 2260), else runs of GROUP_SIZE; a group
    larger than MAX_GROUP is cut into runs, and a single group covering every region into runs of GROUP_SIZE
    (a neighbourhood of everything is the whole MIP again)."""
    n = len(regions)
    codes = regions["code"].astype(str).to_numpy() if "code" in regions.columns else np.full(n, "")
    parents = regions["parent_code"].astype(str).str.strip().to_numpy() if "parent_code" in regions.columns \
        else np.full(n, "")
    if n and all(p not in ("", "nan", "None") for p in parents):
        keys = parents
    elif n and all(len(c) == 6 and c.isdigit() and not c.endswith("00") for c in codes):
        keys = np.array([c[:4] for c in codes])
    else:
        keys = np.arange(n) // GROUP_SIZE
    groups: list[np.ndarray] = []
    for key in pd.unique(keys):
        members = np.flatnonzero(keys == key)
        groups += _runs(members, MAX_GROUP)
    if len(groups) == 1 and n > GROUP_SIZE:
        groups = _runs(groups[0], GROUP_SIZE)
    return groups


def _runs(members: np.ndarray, size: int) -> list[np.ndarray]:
    parts = -(-len(members) // size)
    return [p for p in np.array_split(members, parts) if len(p)] if parts > 1 else [members]


def merged(groups: list[np.ndarray]) -> list[np.ndarray]:
    """Neighbouring groups in twos (the last alone when their number is odd)."""
    return [np.concatenate(groups[i:i + 2]) for i in range(0, len(groups), 2)]


def search(highs: HighsModel, region_of: np.ndarray, groups: list[np.ndarray], x: np.ndarray, objective: float,
           time_limit: float, stop: Callable[[], bool] = lambda: False,
           on_better: Callable[[float, float], None] | None = None) -> SearchResult:
    """Fix-and-optimize from plan ``x`` (every column, of the model HiGHS holds now, worth ``objective``) for
    at most ``time_limit`` seconds. ``region_of``: the region of each integer column (highs.integer's
    columns, in order). ``stop`` ends the search between groups (a running group's MIP is stopped by
    HighsModel.cancel); ``on_better(seconds, objective)`` is told of each better plan. Every change to
    HiGHS's model is undone."""
    t0 = time.perf_counter()
    ints = np.flatnonzero(highs.integer)
    best_x, best, tried, improved = None, float(objective), 0, 0
    current = np.round(np.asarray(x, dtype=float)[ints])

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    while groups and left() > 0.1 and not stop():
        found = False
        for i, group in enumerate(groups):
            if left() <= 0.1 or stop():
                break
            free = np.isin(region_of, group)
            if not free.any():
                continue
            # an even share of what is left for this pass: a group's MIP rarely proves its own optimum (its bound
            # is as weak as the whole model's), and its first seconds find most of what it finds
            limit = min(left(), max(MIN_TRY_S, left() / (len(groups) - i)))
            with highs.fixed(ints[~free], current[~free]):
                highs.set_start(cols=ints[free], values=current[free])  # after the bounds: a change drops it
                r = highs.solve(limit, guard=True, retry=False)   # the guard: HiGHS's clock is loose in its root
            tried += 1
            if r.x is None or r.status not in (Status.OPTIMAL, Status.TIME_LIMIT, Status.INTERRUPTED):
                continue
            if r.objective < best - 1e-7 * max(1.0, abs(best)):
                best_x, best, found = r.x.copy(), float(r.objective), True
                current = np.round(r.x[ints])
                improved += 1
                if on_better is not None:
                    on_better(time.perf_counter() - t0, best)
        if not found:
            if len(groups) <= 2:
                break
            groups = merged(groups)   # a local optimum of these neighbourhoods: try larger ones
    return SearchResult(x=best_x, objective=best, start_objective=float(objective), tried=tried,
                        improved=improved, seconds=time.perf_counter() - t0)


def region_of_integers(pm) -> np.ndarray:
    """The region r of each integer column of PlanModel ``pm`` (every integer family is indexed by r)."""
    region = np.full(len(pm.cost), -1, dtype=np.int64)
    for block in pm.families.values():
        if len(block) and "r" in block.index.columns:
            region[block.offset:block.offset + len(block)] = block.index["r"].to_numpy()
    return region[np.flatnonzero(pm.integer)]
