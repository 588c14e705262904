"""Solving a PlanModel with HiGHS and reporting honestly.

The HiGHS object is held by planner.solver.HighsModel, built from PlanModel's matrices in one call: HiGHS's
column j is PlanModel's column j. Status words are planner.solver.Status (optimal, time_limit,
interrupted, no_solution, infeasible, unbounded, error); an infeasible report gets its explanation from
checks.py.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from planner.messages import Message, msg
from planner.planning import lazy as lazy_rows
from planner.planning import neighbourhoods
from planner.planning.families import budget_following, row_spec
from planner.planning.lazy import LazyRows
from planner.planning.model import PlanModel
from planner.planning.quick import quick_plan
from planner.planning.room import PurchaseRows
from planner.solver import HighsModel, Progress, SolveResult, Status, best_of_runs, relative_gap
from planner.solver.deadline import Deadline
from planner.solver import race as race_ends

# The phases after the MIP (judging known plans, duals, the floor) hold back this share of the limit, at
# most AFTER_MIP_MAX_S; a phase with less than MIN_PHASE_S left is skipped (no duals; the status says the
# floor was not found in time).
AFTER_MIP_SHARE, AFTER_MIP_MAX_S, MIN_PHASE_S = 0.1, 15.0, 0.2
NO_TIME_FOR_DUALS = msg("status.no_time_for_duals")   # an ending (ended)
FLOOR_SHARE, FLOOR_FIRST_S = 0.25, 10.0  # the floor's share of a solve of at least 10 s, before the MIP
AGAIN_MIN_S = 5.0   # a neighbourhood search that ends this long before the MIP's time is up hands it back to HiGHS


def changeable_gap(objective: float | None, bound: float | None, floor: float | None) -> float | None:
    if objective is None or bound is None or floor is None:
        return None
    room = objective - floor
    if room <= 1e-9 * max(1.0, abs(objective)):
        return 0.0  # nothing left for purchases to change: the plan is at the floor
    return max(objective - bound, 0.0) / room


@dataclass
class SolveReport:
    status: Status
    termination: str               # HiGHS's own words for how the run ended
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    handoff_seconds: float
    solve_seconds: float
    mip_nodes: int | None
    message: str | Message         # str() is the English; render("zh") the Chinese
    duals: dict[str, np.ndarray] = field(default_factory=dict)
    budget_marginal: dict[str, float] = field(default_factory=dict)
    duals_seconds: float = 0.0
    # The floor: a proven lower bound on the objective at ANY budget (the LP relaxation with the budget
    # rows open). Most of the objective (unmet demand no eligible facility can serve, shortfall where
    # facilities are full) is beyond any purchase; the relative gap divides by all of it, so a 1 % gap can
    # be a large share of what the plan's purchases decide. ``changeable_gap`` divides by what they decide.
    floor: float | None = None
    floor_seconds: float = 0.0

    @property
    def changeable_gap(self) -> float | None:
        """(objective - bound) / (objective - floor): the share of what purchases can change that the plan
        may still be from the best possible. None without a plan, a bound or a floor."""
        return changeable_gap(self.objective, self.bound, self.floor)

    @property
    def has_plan(self) -> bool:
        return self.status.has_solution


class Solver:
    """A HiGHS model bound to one PlanModel: re-solves after budget, target, cost or bound changes reuse it."""

    def __init__(self, pm: PlanModel):
        self.pm = pm
        self.highs: HighsModel | None = None
        self._rows: tuple[np.ndarray, np.ndarray] | None = None  # row bounds HiGHS holds now
        self._last_x: np.ndarray | None = None  # every column of the last plan (warm starts, quick plans)
        self._near_basis = False               # HiGHS holds a quick plan's LP basis, near the next one
        self.start = "none"
        self.warm_seconds = 0.0                # time the warm start took from the limit
        self.mip_time_limit = 0.0              # what HiGHS's MIP was given
        self.reserve = 0.0                     # what the MIP left for the phases after it (AFTER_MIP_SHARE)
        self._floor: tuple[bytes, float | None] | None = None   # (what it was computed for, the floor)
        self.progress = None                   # called with a solver.Progress while the MIP runs
        self._A = None                         # the constraint matrix handed to HiGHS (CSR), for quick plans
        # What the last plan was proven against: (model key without budget rows, budget row uppers, bound)
        self._proven: tuple[bytes, np.ndarray, float | None] | None = None
        self._quick_start: tuple[np.ndarray, np.ndarray] | None = None   # (budget uppers it fits, values)
        # Plans the next MIP is handed or has been shown, judged after it (keep_best): (label, cols, values)
        self._known: list[tuple[str, np.ndarray, np.ndarray]] = []
        self.stopped = False                   # cancel() was called: this solve stops, keeping its best plan
        self.neighbourhood: neighbourhoods.SearchResult | None = None   # the last search after the MIP
        self._stall: neighbourhoods.Stall | None = None    # watches the MIP's plan (solver.neighbourhood_search)
        self._stalled = False                  # the last MIP was ended by its stall
        self.lazy = "none"                     # the lazy rows in the last MIP (planning/lazy.py): none, kept
                                               # (the LP binds one, or the start breaks one), held (left out,
                                               # the plan keeps them), broken (left out, the plan broke one:
                                               # solved again with them)

    @property
    def _last(self) -> np.ndarray | None:
        """The last plan's integer columns, rounded (the MIP's warm start, the quick plan's purchases)."""
        return None if self._last_x is None else np.round(self._last_x[np.flatnonzero(self.pm.integer)])

    def _handoff(self) -> float:
        """Hand the model to HiGHS once; later solves push only the rows whose bounds changed (budget,
        targets, objective cap)."""
        t0 = time.perf_counter()
        pm, s = self.pm, self.pm.inp.scenario.solver
        if self.highs is None:
            A, lo, hi = pm.matrix()
            self._A = A.tocsr()
            self.highs = HighsModel(pm.cost, pm.lower, pm.upper, pm.integer, A, lo, hi, offset=pm.objective_offset,
                                    threads=s.threads, seed=s.random_seed, interruptible=True)
            self.highs.stop_when = lambda: self.stopped or (self._stall is not None and self._stall.fired)
            self._rows = (lo, hi)
        else:
            lo, hi = pm.row_bounds()
            changed = np.flatnonzero((lo != self._rows[0]) | (hi != self._rows[1]))
            if len(changed):
                self.highs.set_row_bounds(changed, lo[changed], hi[changed])
                self._rows = (lo, hi)
        return time.perf_counter() - t0

    def set_costs(self, cost: np.ndarray, offset: float = 0.0) -> None:
        """Replace the objective's coefficients (one per PlanModel column) and constant without a rebuild:
        used to switch between the weighted sum, an equity measure and an alternatives objective. The
        PlanModel keeps the weighted sum; only HiGHS's copy changes. The last plan stays as the next warm
        start: HiGHS checks it against the rows, whatever the costs."""
        self._handoff()
        self.highs.set_costs(np.arange(len(self.pm.cost)), np.asarray(cost, dtype=float), offset)

    def use_weighted_sum(self) -> None:
        """Back to the model's own objective (after an equity stage or alternatives)."""
        self.set_costs(self.pm.cost, self.pm.objective_offset)

    def set_upper(self, columns: np.ndarray, upper: np.ndarray) -> None:
        """New upper bounds for some PlanModel columns (epsilon constraints), in the PlanModel and HiGHS."""
        self._handoff()
        columns = np.asarray(columns, dtype=np.int64)
        self.pm.upper[columns] = upper
        self.highs.set_col_bounds(columns, self.pm.lower[columns], self.pm.upper[columns])

    def _warm_start(self, time_limit: float, quick: tuple[np.ndarray, np.ndarray] | None) -> str:
        """The previous plan when there is one (after a budget rise it is feasible and near-optimal;
        HiGHS checks it and ignores it if a smaller budget makes it infeasible), else relax-and-round.
        Every plan handed over, and a quick plan shown but not handed over, is kept in ``_known`` for
        keep_best to judge after the MIP."""
        ints = np.flatnonzero(self.pm.integer)
        # the model's own row sides (self._rows), not HiGHS's: lazy rows may be open while the start is made
        if quick is not None and np.array_equal(quick[0], self._rows[1][_budget_rows(self.pm)]):
            self.highs.set_start(cols=ints, values=quick[1])
            return "quick plan"
        if self._last is not None:
            self._known.append(("previous plan", ints, self._last))
            self.highs.set_start(cols=ints, values=self._last)
            return "previous plan"
        start = relax_and_round(self.pm, self.highs, time_limit)
        if start is None:
            return "none"
        self._known.append(("rounded LP plan", *start))
        return "relax-and-round"

    def _open_lazy(self, deadline: Deadline, after: float) -> LazyRows | None:
        """The lazy families' rows left out of the MIP (planning/lazy.py) when the LP relaxation gives them
        zero duals; None when there are none, the LP binds one, or a stop is pending. The LP takes at most
        a tenth of the time, and its basis serves the warm start's first LP."""
        self.lazy = "none"
        lazy = LazyRows(self.pm) if lazy_rows.ENABLED else None
        if not lazy or self.stopped:
            return None
        if not lazy.free_in_lp(self.highs, deadline.part(0.1, reserve=after)):
            self.lazy = "kept"   # the relaxation binds a lazy row: the MIP keeps them
            return None
        lazy.open(self.highs)
        return lazy

    def _start_keeps_lazy(self, lazy: LazyRows, deadline: Deadline) -> LazyRows | None:
        """The start handed to HiGHS (made without the lazy rows), completed on the whole model: when it
        breaks them, the MIP without them would most likely end in a plan that breaks them too, and leave the
        whole model only what its search left (a sweep at earmark share 0.6 on Sichuan, 60 s: the LP's dual
        was 0, the plan broke the earmark), so the rows go back before the MIP. The start is handed over
        again either way: a model change drops it."""
        if self.start == "none" or not self._known:
            return lazy
        _, cols, values = self._known[-1]
        lazy.close(self.highs)
        done = self.highs.complete(cols, values, deadline.part(0.1, at_least=min(1.0, deadline.left())))
        keeps = done.x is not None and done.status == Status.OPTIMAL
        if keeps:
            lazy.open(self.highs)
        else:
            self.lazy = "kept"
        self.highs.set_start(cols=cols, values=values)
        return lazy if keeps else None

    def _check_lazy(self, lazy: LazyRows, res: SolveResult, deadline: Deadline, after: float,
                    rel_gap: float) -> SolveResult:
        """The MIP's plan without the lazy rows, as the whole model's: completed when it keeps them; else
        the whole model is solved for the time left, its bound no lower than the one already proven (a
        bound of a relaxation). Without a plan, the relaxation's bound stands."""
        if not res.status.has_solution:
            self.lazy = "held"
            return res
        full = lazy.completed(self.highs, res, deadline.part(0.5, at_least=1.0))
        if full is not None:
            self.lazy = "held"
            return full
        self.lazy = "broken"
        if self.stopped or deadline.part(reserve=after) < MIN_PHASE_S:
            # no plan of the whole model from the search (keep_best may still find one among the known plans,
            # the start for one, and a stop then says it stopped before a plan)
            return dataclasses.replace(res, status=Status.NO_SOLUTION, objective=None, x=None, extra={})
        again = self.highs.solve(max(0.5, deadline.part(reserve=after)), rel_gap, guard=True, progress=self.progress)
        bounds = [b for b in (res.bound, again.bound) if b is not None]
        bound = max(bounds) if bounds else None
        if bound is not None and again.objective is not None:
            bound = min(bound, again.objective)
        return dataclasses.replace(again, bound=bound, seconds=res.seconds + again.seconds)

    def _search_neighbourhoods(self, res: SolveResult, deadline: Deadline, after: float, rel_gap: float
                               ) -> SolveResult:
        """A time-limited plan not proven within ``rel_gap``, improved by neighbourhood search
        (planning/neighbourhoods.py) in the time the MIP left (it stops when its plan stalls), then, if the search
        ends with time left (every group at its best), HiGHS again from the best plan; the bound is the higher of
        HiGHS's two (the search proves nothing). A plan within ``rel_gap`` of the bound is proven: 'optimal'. A
        Stop after the stall ended the MIP makes the status 'interrupted' (the solve ended on it)."""
        self.neighbourhood = None
        s = self.pm.inp.scenario.solver
        gap = relative_gap(res.objective, res.bound)
        limit = deadline.part(reserve=after)
        if self.stopped and self._stalled and res.status == Status.TIME_LIMIT:
            return dataclasses.replace(res, status=Status.INTERRUPTED)
        if (not s.neighbourhood_search or self.stopped or res.x is None or res.status != Status.TIME_LIMIT
                or (gap is not None and gap <= rel_gap) or limit < MIN_PHASE_S):
            return res
        mip_seconds = res.seconds

        def tell(seconds: float, objective: float) -> None:   # the search's news, on the MIP's clock
            if self.progress is not None:
                self.progress(Progress(mip_seconds + seconds, objective, res.bound))

        found = self.neighbourhood = neighbourhoods.search(
            self.highs, neighbourhoods.region_of_integers(self.pm),
            neighbourhoods.region_groups(self.pm.inp.regions), res.x, res.objective, limit,
            stop=lambda: self.stopped, on_better=tell)
        if found.x is not None:
            bound = None if res.bound is None else min(res.bound, found.objective)
            res = dataclasses.replace(res, objective=found.objective, bound=bound, x=found.x,
                                      extra={k: v for k, v in res.extra.items() if k != "highs_mip_gap"})
        again = deadline.part(reserve=after)
        if not self.stopped and again >= AGAIN_MIN_S:
            ints = np.flatnonzero(self.pm.integer)
            self.highs.set_start(cols=ints, values=np.round(res.x[ints]))
            progress = _later(self.progress, mip_seconds + found.seconds)   # HiGHS's clock restarts at 0
            res = best_of_runs(res, self.highs.solve(again, rel_gap, guard=True, progress=progress), rel_gap)
        g = relative_gap(res.objective, res.bound)
        status = Status.OPTIMAL if g is not None and g <= rel_gap + 1e-12 else (
            Status.INTERRUPTED if self.stopped else Status.TIME_LIMIT)
        return dataclasses.replace(res, status=status)

    def keep_best(self, res: SolveResult, time_limit: float, rel_gap: float | None = None
                  ) -> tuple[SolveResult, str | None]:
        """HiGHS's plan, or a better one among the plans it was handed or shown (``_known``), each valued
        on the full model with its purchases fixed (HighsModel.better_of), with HiGHS's status and bound.
        A time-limited run whose kept plan lies within ``rel_gap`` of HiGHS's proven bound is proven:
        'optimal' (seen in a 30 s sweep: HiGHS stopped at 1.8 %, the rounded LP plan it had been handed was
        within 0.5 % of its bound). Returns the result and the label of the plan kept instead, or None."""
        known, self._known = self._known, []
        best, label = res, None
        for name, cols, values in known:
            better = self.highs.better_of(best, cols, values, time_limit, stopped=self.stopped)
            if better is not None:
                best, label = better, name
        if label is not None and rel_gap is not None and best.status == Status.TIME_LIMIT:
            g = relative_gap(best.objective, best.bound)
            if g is not None and g <= rel_gap + 1e-12:
                best = dataclasses.replace(best, status=Status.OPTIMAL)
        return best, label

    def cancel(self) -> None:
        """Stop the solve under way (from a signal handler or another thread): the warm start's LPs and the
        MIP stop at HiGHS's next check, the MIP keeps its best plan (status ``interrupted``), and the LPs
        after it (duals, floor) are skipped. A stop asked just before a solve begins applies to it."""
        self.stopped = True
        if self.highs is not None:
            self.highs.cancel()

    def solve(self, time_limit: float | Deadline | None = None, gap: float | None = None,
              duals: bool | None = None, build_seconds: float = 0.0) -> SolveReport:
        """Warm start, MIP, the best known plan, duals and the floor, all within ``time_limit`` (seconds,
        or a Deadline a caller made for a longer request; default solver.time_limit_s)."""
        try:
            return self._solve(time_limit, gap, duals, build_seconds)
        finally:
            self.stopped = False  # a stop asked before the solve began still applied to it; the next is afresh
            self._known = []      # judged by this solve only (a solve that failed leaves nothing behind)

    def _solve(self, time_limit, gap, duals, build_seconds) -> SolveReport:
        s = self.pm.inp.scenario.solver
        deadline = Deadline.of(time_limit if time_limit is not None else s.time_limit_s)
        limit = deadline.seconds
        rel_gap = float(gap if gap is not None else s.mip_rel_gap)
        want_duals = s.compute_duals if duals is None else duals
        # What the phases after the MIP hold back: judging the known plans, the duals and the floor.
        after = self.reserve = min(AFTER_MIP_SHARE * deadline.left(), AFTER_MIP_MAX_S)
        handoff = self._handoff()
        run0 = self.highs.run_seconds
        t_start = time.perf_counter()
        quick, self._quick_start = self._quick_start, None
        if quick is not None:  # shown on screen: judged after the MIP whether or not it is the start
            self._known.append(("quick plan", np.flatnonzero(self.pm.integer), quick[1]))
        weighted_sum = np.array_equal(self.highs.cost, self.pm.cost)
        if s.report_floor and weighted_sum and self._known_floor() is None and deadline.left() >= FLOOR_FIRST_S:
            # The floor first (one LP, kept across budget what-ifs): after the MIP, the deadline would leave
            # it too little time on a large model, and the status would lose its second gap measure. A
            # short solve leaves the MIP its time and tries the floor in the reserve after it.
            t_floor = time.perf_counter()
            self.floor(deadline.part(FLOOR_SHARE, reserve=after))
            floor_first_s = time.perf_counter() - t_floor
        else:
            floor_first_s = 0.0
        lazy = self._open_lazy(deadline, after)
        try:
            self.start = self._warm_start(deadline.part(reserve=after), quick) if s.warm_start else "none"
            if lazy:
                lazy = self._start_keeps_lazy(lazy, deadline)
            # The time limit covers the whole solve: the MIP gets what the warm start left of it, less what
            # the phases after it hold back.
            self.warm_seconds = time.perf_counter() - t_start
            self.mip_time_limit = max(0.5, deadline.part(reserve=after))
            # HiGHS checks its clock loosely in some phases (presolve, a long LP): the adapter's wall-clock
            # guard cancels the run if it overruns the limit by more than guard_seconds allows.
            # With the neighbourhood search on, the MIP ends when its plan stalls, and the search has the rest. Not
            # in a race: the stall would end the rival too, its plan and bound unread.
            self._stall = (neighbourhoods.Stall(self.mip_time_limit, rel_gap, self.progress)
                           if s.neighbourhood_search and not s.race else None)
            res = self.highs.solve(self.mip_time_limit, rel_gap, guard=True, progress=self._stall or self.progress,
                                   rival_seed=s.random_seed + 1 if s.race else None)
            self._stalled = self._stall is not None and self._stall.fired
            if self._stalled and not self.stopped and res.status == Status.INTERRUPTED:
                res = dataclasses.replace(res, status=Status.TIME_LIMIT)   # ended by the stall, not by a Stop
        finally:
            self._stall = None
            if lazy:
                lazy.close(self.highs)
        if lazy:
            res = self._check_lazy(lazy, res, deadline, after, rel_gap)
        highs_objective = res.objective
        # Judging known plans is an LP each (a MIP over presence binaries for the rounded LP plan): within
        # the time the limit has left, and briefly after a Stop (which does not interrupt it).
        res, kept = self.keep_best(res, 2.0 if self.stopped else deadline.part(0.5, at_least=min(1.0, limit)),
                                   rel_gap)
        searched_from = res.objective
        res = self._search_neighbourhoods(res, deadline, after, rel_gap)
        if res.status.has_solution and res.bound is None:
            # stopped before HiGHS proved anything: what is already known bounds the plan (never above it)
            known = self._bound_known()[0]
            if known is not None:
                res = dataclasses.replace(res, bound=min(known, res.objective))
        solve_s = self.highs.run_seconds - run0  # the warm start's LPs ran inside HiGHS too
        status = res.status
        if status.has_solution:
            self.pm.solution = res.x
            self._last_x = res.x.copy()
            if np.array_equal(self.highs.cost, self.pm.cost):
                rows = _budget_rows(self.pm)
                self._proven = (self._floor_key(), self.highs.row_upper[rows].copy(), res.bound)
        else:
            self.pm.solution = None
        self._near_basis = False
        gap_v = relative_gap(res.objective, res.bound)
        words = _message(status, gap_v, rel_gap, limit)
        if self.stopped and status == Status.NO_SOLUTION:
            words = msg("status.stopped_before_plan")
        if res.stopped_by_guard:
            words = ended(words, msg("status.guard"))
        if status == Status.ERROR:
            words = ended(words, msg("status.error_detail", detail=res.detail))
        if self.lazy == "broken":
            words = ended(words, msg("status.lazy_broken", rules=lazy.labels))
        if kept is not None:
            words = ended(words, _kept_words(kept, highs_objective))
        if self.neighbourhood is not None:
            words = ended(words, _neighbourhood_words(self.neighbourhood, searched_from))
        if "race" in res.extra:
            words = ended(words, _race_words(res.extra["race"], kept))
        rep = SolveReport(status=status, termination=res.detail, objective=res.objective, bound=res.bound,
                          gap=gap_v, build_seconds=build_seconds, handoff_seconds=handoff, solve_seconds=solve_s,
                          mip_nodes=res.nodes, message=words)
        if want_duals and rep.has_plan and not self.stopped:
            if deadline.left() > MIN_PHASE_S:
                t1 = time.perf_counter()
                rep.duals, rep.budget_marginal = marginal_values(self.pm, self.highs, deadline.part(0.5))
                rep.duals_seconds = time.perf_counter() - t1
            else:  # HiGHS ran past the time it was given (its clock checks are loose in the root cut loop)
                rep.message = ended(rep.message, NO_TIME_FOR_DUALS)
        if s.report_floor and rep.has_plan and weighted_sum:
            t1 = time.perf_counter()
            # After a Stop no new LP runs, but a floor already found for this model (a budget what-if keeps
            # it) still gives the second gap measure, so the stopped status says both gaps too.
            rep.floor = self._known_floor() if self.stopped else self.floor(deadline.left())
            rep.floor_seconds = floor_first_s + time.perf_counter() - t1  # before the MIP, and any after
            if rep.floor is not None or not self.stopped:
                rep.message = ended(rep.message, _changeable_words(rep))
        return rep

    def quick(self, time_limit: float = 5.0) -> SolveReport | None:
        """A verified-to-be plan at once after a budget change (planning.quick): the previous purchases,
        trimmed if the budget fell, and its honest bound. None without a previous plan of this model (same
        objective and rows but the budget), or when trimming cannot meet the new budget."""
        if self._last is None or self._proven is None:
            return None
        handoff = self._handoff()
        if not np.array_equal(self.highs.cost, self.pm.cost) or self._proven[0] != self._floor_key():
            return None
        rows = _budget_rows(self.pm)
        keep = mandated_purchases(self.pm)[np.flatnonzero(self.pm.integer)]
        qp = quick_plan(self.pm, self.highs, self._A, self._last, rows, keep, time_limit,
                        None if self._near_basis else self._last_x)
        self._near_basis = True
        if qp is None:
            return None
        bound, tighter = self._bound_known()
        floor = self._known_floor()
        if bound is not None:
            bound = min(bound, qp.objective)
        self.pm.solution = qp.x
        # The next MIP starts from it (it fits this budget), and keeps it if HiGHS finds nothing better; the
        # next quick plan still starts from _last.
        self._quick_start = (self.highs.row_upper[rows].copy(), np.round(qp.x[np.flatnonzero(self.pm.integer)]))
        gap_v = relative_gap(qp.objective, bound)
        how = (msg("status.quick_added", n=int(qp.changed_units)) if qp.grew else
               msg("status.quick_dropped", n=int(qp.changed_units)))
        g = msg("status.gap_unknown_short") if gap_v is None else _gap_words(gap_v)
        words = msg("status.quick", how=how, gap=g, against=msg("status.against_bound") if tighter
                    else msg("status.against_floor"))
        rep = SolveReport(status=Status.QUICK, termination="quick plan", objective=qp.objective, bound=bound,
                          gap=gap_v, build_seconds=0.0, handoff_seconds=handoff, solve_seconds=qp.seconds,
                          mip_nodes=None, message=words, floor=floor)
        if floor is not None and bound != floor:  # against the floor itself the share is 100 % by definition
            rep.message = ended(rep.message, _changeable_words(rep))
        return rep

    def floor(self, time_limit: float) -> float | None:
        """The weighted-sum objective no budget can go below (unlimited_budget_floor), kept until anything
        but the budget changes: a budget what-if reuses it."""
        key = self._floor_key()
        if (self._floor is None or self._floor[0] != key) and time_limit > MIN_PHASE_S:
            found = unlimited_budget_floor(self.pm, self.highs, time_limit)
            if found is not None:  # not found in time: the next solve may have the time
                self._floor = (key, found)
        return self._known_floor()

    def _bound_known(self) -> tuple[float | None, bool]:
        """A proven bound for the model as it is now, without solving, and whether it is the last proven
        bound: that one holds when every budget row is at most what it was proven for (less money never
        lowers the best objective); otherwise only the floor (a bound at any budget), if found."""
        if self._proven is not None and self._proven[0] == self._floor_key() and self._proven[2] is not None:
            if bool((self.highs.row_upper[_budget_rows(self.pm)] <= self._proven[1]).all()):
                return self._proven[2], True
        return self._known_floor(), False

    def _known_floor(self) -> float | None:
        """The floor if one was found for the model as it is now (no solve), else None."""
        return self._floor[1] if self._floor is not None and self._floor[0] == self._floor_key() else None

    def _floor_key(self) -> bytes:
        h, keep = self.highs, np.ones(self.highs.n_rows, dtype=bool)
        keep[_budget_rows(self.pm)] = False
        parts = (h.cost, h.lower, h.upper, h.row_lower[keep], h.row_upper[keep], np.array([h.offset]))
        return b"".join(np.ascontiguousarray(a, dtype=float).tobytes() for a in parts)


def _budget_rows(pm: PlanModel) -> np.ndarray:
    """The rows a budget what-if moves: the budget's, and those that follow it (Rows.follows_budget: a share of
    the same total, like the renewal earmark; less money never lowers the best objective, and the floor opens
    them with the budget)."""
    names = ["budget_total", "budget_year", *(rows.name for rows in budget_following(pm.blocks))]
    return np.concatenate([np.arange(pm.row_start[b], pm.row_start[b] + pm.blocks[b].rows)
                           for b in names if b in pm.blocks] + [np.zeros(0, int)])


def unlimited_budget_floor(pm: PlanModel, highs: HighsModel, time_limit: float) -> float | None:
    """A proven lower bound on the objective at every budget: the LP relaxation with the budget rows open
    (any plan under any budget is feasible for it). None if HiGHS does not prove it within the limit.
    Solved on the HiGHS object that holds the MIP; every change is undone."""
    rows = _budget_rows(pm)
    lo, hi = highs.row_lower[rows].copy(), highs.row_upper[rows].copy()
    with highs.relaxed():
        highs.set_row_bounds(rows, lo, np.full(len(rows), np.inf))
        try:
            r = highs.solve(time_limit)
        finally:
            highs.set_row_bounds(rows, lo, hi)
    return r.objective if r.status == Status.OPTIMAL else None


def ended(status: str | Message, ending: Message | None) -> str | Message:
    """A status message with an ending after it ('...; the plan kept is the quick plan, ...'), each said in the
    same language (status.with_ending); no ending: the status as it is."""
    return status if ending is None else msg("status.with_ending", status=status, ending=ending)


# The plans Solver.keep_best may keep instead of HiGHS's own, by their label (Solver._known)
_KEPT = {"quick plan": msg("status.kept_quick"), "previous plan": msg("status.kept_previous"),
         "rounded LP plan": msg("status.kept_rounded")}


def _kept_words(kept: str, highs_objective: float | None) -> Message:
    """The ending of a status whose plan is one HiGHS was handed or shown, not its own (Solver.keep_best)."""
    found = msg("status.none") if highs_objective is None else f"{highs_objective:,.1f}"
    return msg("status.kept", kept=_KEPT.get(kept, kept), found=found)


def _later(progress, offset: float):
    """A progress callback that reports a later run's seconds after ``offset`` seconds already shown (None
    stays None): a display never counts back to 0 within one solve."""
    if progress is None:
        return None
    return lambda p: progress(dataclasses.replace(p, seconds=offset + p.seconds))


def _neighbourhood_words(found: neighbourhoods.SearchResult, before: float | None) -> Message:
    """The ending of a status after a neighbourhood search (Solver._search_neighbourhoods): what it found or
    that it found nothing better, in how many group solves."""
    if found.x is None:
        return msg("status.neighbourhood_none", tried=found.tried, seconds=found.seconds)
    return msg("status.neighbourhood", before=float(before), after=found.objective, improved=found.improved,
               tried=found.tried, seconds=found.seconds)


def _race_words(race: dict, kept: str | None = None) -> str:
    """The ending of a status whose solve a second HiGHS run raced (solver.race, HighsModel._with_rival),
    from its race info: the rival answered (whose plan, unless ``kept`` names a known plan that beat both
    runs (Solver.keep_best); the bound the higher of the two), the first run proved the gap first, the
    rival ended or failed without an answer, or its plan was rejected."""
    status = str(race["status"])
    if status == race_ends.REJECTED:
        end = msg("status.race_rejected")
    elif status == race_ends.ENDED:
        end = msg("status.race_ended")
    elif status.startswith(race_ends.FAILED):
        end = msg("status.race_failed")
    elif status == race_ends.FIRST_RUN_PROVED:
        end = msg("status.race_first_proved")
    elif kept is not None:
        end = msg("status.race_bound")
    elif race["plan_from_rival"]:
        end = msg("status.race_second_plan")
    else:
        end = msg("status.race_first_plan")
    return msg("status.raced", seed=int(race["seed"]), end=end)


def _changeable_words(rep: SolveReport) -> Message | None:
    """The gap against what purchases can change, in words (README, "Two gaps"), an ending of the status; None
    when there is nothing to say."""
    share = rep.changeable_gap
    if share is None:
        return None if rep.floor is not None else msg("status.no_floor")
    # One gap, said against two bases (the relative gap is "of the objective", see _gap_words): not a bare
    # "0.0%" for a tiny share, and never worded as a second, different distance from the best plan.
    share_words = msg("status.share_tiny") if share < 0.0005 else f"{share:.1%}"
    return msg("status.changeable", share=share_words, objective=float(rep.objective), floor=float(rep.floor))


# the share of the still-fractional slots the dive fixes each round (benchmarks/bench_rounding.py varies it)
BATCH = 0.5


def relax_and_round(pm: PlanModel, highs: HighsModel, time_limit: float, rounds: int = 6,
                    budget: tuple[float, np.ndarray | None] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Give HiGHS a starting plan built from the LP relaxation (rounded_purchases, given a quarter of
    ``time_limit``, at least 1 s), so a time-limited run always has one. HiGHS completes the continuous
    variables itself and ignores a start that breaks a rule. Returns the start handed over (columns,
    values), or None."""
    found = rounded_purchases(pm, highs, max(1.0, 0.25 * time_limit), rounds, budget, without_top_up=True)
    if found is None:
        return None
    xcols = pm.col("x")
    sel = pm.integer[xcols]
    others = np.setdiff1d(np.flatnonzero(pm.integer), xcols[sel])
    for buy in found:   # topped up first; else the rounded-down plan, nearer the LP, which fits more often
        cols, values = xcols[sel], buy[sel]
        if len(others):
            # Integer columns beside the purchases (leased, domestic or class units): complete the start here.
            # Handed a partial start, HiGHS completes it with a sub-MIP whose progress reports that sub-MIP's bound
            # as if it were the plan's ("proven bound 227,521.4, gap 0.00%" at 0.3 s on Sichuan with leasing, 12 %
            # later). Fixing class and domestic units at their cheapest completion too (room.completions) shut
            # out leases (a unit is domestic or leased): on Sichuan with leasing those starts failed where
            # purchases alone completed.
            done = highs.complete(cols, values, max(1.0, 0.05 * time_limit))
            if done.x is None:
                # the rounded purchases break a row rounding cannot read (a budget row with lease terms): a start
                # HiGHS would only complete into the same failure, with a misleading bound
                continue
            ints = np.flatnonzero(pm.integer)
            cols, values = ints, np.round(done.x[ints])
        highs.set_start(cols=cols, values=values)
        return cols, values
    return None


def rounded_purchases(pm: PlanModel, highs: HighsModel, seconds: float, rounds: int = 6,
                      budget: tuple[float, np.ndarray | None] | None = None, without_top_up: bool = False
                      ) -> np.ndarray | tuple[np.ndarray, np.ndarray] | None:
    """Whole purchases per x column (PlanModel's order) rounded from the LP relaxation, or None; with
    ``without_top_up``, the same and the plan before its top-up (a pair).

    A short fix-and-resolve dive on cumulative purchases per unit slot, for about ``seconds``: solve the
    LP, fix every slot whose cumulative purchases are (nearly) whole and half of the rest at their nearest
    whole numbers, re-solve the LP (warm, on the same HiGHS object), and repeat; the slots still free at the
    end are rounded down, then topped up by the largest fractions while every purchase row has room. The room
    is read from the model's own rows (room.PurchaseRows: budget, staff, hard targets, facility limits,
    presence rules and any other row over purchases alone), so a new rule that limits purchases is kept
    without a change here. A slot that rounding would push below a presence rule or hard target is never
    rounded below it. Every bound and integrality change is undone before returning. ``highs`` holds PlanModel's
    columns first (a province model may append its own). ``budget`` = (total, per-year or None), in 万元 of
    purchases, replaces the scenario's budget where ``highs`` has tighter budget rows than ``pm`` (a
    province solved for its share), so rounding up never breaks them.
    """
    S, Y = len(pm.slots), len(pm.inp.years)
    if not S or not pm.integer.any():
        return None
    xcols = pm.col("x")
    lo0, hi0 = highs.lower[xcols].copy(), highs.upper[xcols].copy()
    is_int = pm.integer[xcols].reshape(S, Y)[:, 0]
    deadline = time.perf_counter() + seconds

    def solve_lp() -> np.ndarray | None:
        r = highs.solve(max(0.5, deadline - time.perf_counter()))
        if r.status != Status.OPTIMAL:
            return None
        return np.cumsum(r.x[xcols].reshape(S, Y), axis=1)

    def fix(slots: np.ndarray, cum_values: np.ndarray) -> None:
        buy = np.diff(cum_values, axis=1, prepend=0.0).ravel()
        idx = (slots[:, None] * Y + np.arange(Y)[None, :]).ravel()
        highs.set_col_bounds(xcols[idx], buy, buy)

    rows = PurchaseRows.of(pm, budget, highs)   # read before the dive fixes any column
    rc = None
    with highs.relaxed():
        try:
            cum = solve_lp()
            if cum is None:
                return None
            free = np.flatnonzero(is_int)
            fixed = np.zeros((S, Y))
            room = _Room(rows)
            for _ in range(rounds):
                if not len(free) or time.perf_counter() > deadline:
                    break
                near = np.round(cum[free])
                dist = np.abs(cum[free] - near).max(axis=1)
                order = np.argsort(dist, kind="stable")
                take = order[: max(int((dist < 1e-6).sum()), int(len(order) * BATCH), 1)]
                chosen = free[take]
                values = room.round(chosen, cum[chosen])
                fix(chosen, values)
                nxt = solve_lp()
                if nxt is None:  # rounding to nearest broke a limit: round this batch down instead
                    values = np.maximum.accumulate(np.floor(cum[chosen] + 1e-6), axis=1)
                    fix(chosen, values)
                    nxt = solve_lp()
                    if nxt is None:
                        break
                fixed[chosen] = values
                room.commit(chosen, values)
                free = np.setdiff1d(free, chosen)
                cum = nxt
            rc = np.where(is_int[:, None], fixed, cum)
            rc[free] = np.maximum.accumulate(np.floor(cum[free] + 1e-6), axis=1)
        finally:
            highs.set_col_bounds(xcols, lo0, hi0)
    if rc is None:
        return None
    rc = rows.raise_to_lower(rc)
    rc = _fit_years(pm, rc, budget, rows)
    plain = np.diff(rc, axis=1, prepend=0.0).ravel()
    rc = _top_up(pm, rc, cum, is_int, budget, rows)
    topped = np.diff(rc, axis=1, prepend=0.0).ravel()
    return (topped, plain) if without_top_up else topped


class _Room:
    """What the model's purchase rows (room.PurchaseRows) leave for rounding up, counting slots already
    fixed at their values and free slots at their lowest possible purchases (what n's lower bounds, the
    presence rules, force)."""

    def __init__(self, rows: PurchaseRows):
        self.rows = rows
        self.floor = rows.raise_to_lower(np.zeros((rows.S, rows.Y)), rows_too=False)
        self.cum = self.floor.copy()

    def round(self, slots: np.ndarray, lp_cum: np.ndarray) -> np.ndarray:
        """Nearest whole numbers for ``slots``, rounding up only where every purchase row still has room."""
        Y = self.rows.Y
        down = np.maximum.accumulate(np.maximum(np.floor(lp_cum + 1e-6), self.floor[slots]), axis=1)
        near = np.maximum.accumulate(np.maximum(np.round(lp_cum), down), axis=1)
        trial = self.cum.copy()
        trial[slots] = down
        room = self.rows.room(trial)
        out = down.copy()
        frac = (lp_cum - down)[:, -1]
        for i in np.argsort(-frac):
            d = np.diff(near[i] - down[i], prepend=0.0)
            ys = np.flatnonzero(d)
            if not len(ys):
                continue
            if room.try_apply(slots[i] * Y + ys, d[ys]):
                out[i] = near[i]
        return out

    def commit(self, slots: np.ndarray, values: np.ndarray) -> None:
        self.cum[slots] = values


def mandated_purchases(pm: PlanModel) -> np.ndarray:
    """(columns,) the fewest purchases the model's lower limits force (presence rules: n's lower bounds;
    hard targets and any other lower-bounded purchase row: room.PurchaseRows.raise_to_lower), per
    PlanModel column (x columns get them, every other column 0): the 'buy only what the rules require' plan."""
    S, Y = len(pm.slots), len(pm.inp.years)
    out = np.zeros(len(pm.cost))
    if S:
        rc = PurchaseRows(pm).raise_to_lower(np.zeros((S, Y)))
        out[pm.col("x")] = np.diff(rc, axis=1, prepend=0.0).ravel()
    return out


# _fit_years and _top_up used to be skipped when running costs count in the budget (the re-coded budget
# knew only prices). The purchase rows hold the running cost on n, with its offsets in the row bounds, so
# both now run whatever the budget counts (and with no budget rows at all: then only facility, staff and
# other purchase rows limit them).

def _fit_years(pm: PlanModel, rc: np.ndarray, budget: tuple[float, np.ndarray | None] | None,
               rows: PurchaseRows | None = None) -> np.ndarray:
    """Mend purchase rows that rounding overspent (a year's budget, mostly). Rounding cumulative purchases
    down keeps the total but can put a unit in a year where the LP bought only part of one. For each
    purchase row over its upper bound, in order, a unit that weighs on it is bought a year earlier where
    every row has room (more service), else a year later, else not at all; the cheapest unit that covers
    the excess goes first, so few units move. Changes ``rc`` in place and returns it."""
    rows = PurchaseRows.of(pm, budget) if rows is None else rows
    room = rows.room(rc)
    Y = rows.Y
    K = rows.K
    for i in np.flatnonzero(np.isfinite(rows.hi)):
        while room.act[i] > rows.hi[i] + rows.tol_hi[i]:
            row = K.getrow(i)
            j = row.indices[(row.data > 0) & (room.x[row.indices] > 0.5)]
            if not len(j):
                break
            over = room.act[i] - rows.hi[i]
            weight = K[i, j].toarray().ravel()
            covers = weight >= over - 1e-6  # the cheapest unit that covers the excess, else the heaviest first
            for c in j[np.lexsort((np.where(covers, weight, -weight), ~covers))].tolist():
                y = c % Y
                if y > 0 and room.try_apply([c - 1, c], [1.0, -1.0], mend=i):
                    break
                if y + 1 < Y and room.try_apply([c, c + 1], [-1.0, 1.0], mend=i):
                    break
                if room.try_apply([c], [-1.0], mend=i):
                    break
            else:
                break  # nothing here can move: HiGHS will reject the start, the plan is no worse for trying
    return rc


def _top_up(pm: PlanModel, rc: np.ndarray, cum: np.ndarray, is_int: np.ndarray,
            budget: tuple[float, np.ndarray | None] | None = None, rows: PurchaseRows | None = None) -> np.ndarray:
    """Add one unit to the slots the LP wanted most, largest fraction first, in the first year the LP wants
    more where every purchase row has room. Changes ``rc`` in place and returns it."""
    rows = PurchaseRows.of(pm, budget) if rows is None else rows
    room = rows.room(rc)
    Y = rows.Y
    frac = np.where(is_int, cum[:, -1] - rc[:, -1], 0.0)
    # With every coefficient >= 0 a unit that does not fit never fits after more are added: a vectorised
    # check skips those, refreshed after a run of misfits (a budget spent makes every slot one).
    addable = room.addable() if rows.monotone else np.ones((rows.S, Y), bool)
    misses = 0
    for s in np.argsort(-frac, kind="stable").tolist():
        if frac[s] < 1e-6:
            break
        if rows.monotone and misses >= 64:
            addable, misses = room.addable(), 0
        if not addable[s].any():
            continue
        first = int(np.argmax(cum[s] > rc[s, -1] + 1e-9))
        for y in range(first, Y):
            if not addable[s, y]:
                continue
            if room.try_apply([s * Y + y], [1.0]):  # one more unit bought in year y (later purchases stay)
                break
            addable[s, y] = not rows.monotone
            misses += 1
    return rc


def _gap_words(gap: float | None) -> Message:
    """The relative gap as every status states it: a share of the objective (its second base, what purchases
    can change, follows in _changeable_words)."""
    return msg("status.gap_unknown") if gap is None else msg("status.gap_of", gap=float(gap))


def _message(status: str, gap: float | None, tol: float, limit: float) -> Message:
    g = _gap_words(gap)
    return {
        "optimal": lambda: msg("status.optimal", tol=float(tol), gap=g),
        "time_limit": lambda: msg("status.time_limit", limit=float(limit), gap=g),
        "no_solution": lambda: msg("status.no_solution", limit=float(limit)),
        "infeasible": lambda: msg("status.infeasible"),
        "interrupted": lambda: msg("status.interrupted", gap=g),
        "unbounded": lambda: msg("status.unbounded"),
        "error": lambda: msg("status.error"),
    }[status]()


def marginal_values(pm: PlanModel, highs: HighsModel, time_limit: float) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Duals of the LP with the integer purchases fixed at the plan, and the budget's LP-relaxation dual.

    Both LPs are solved on the HiGHS object that holds the MIP (no second hand-off), and every change
    is undone afterwards. With purchases fixed, the budget row has nothing left to move, so its
    marginal value comes from the LP relaxation instead (integers relaxed, not fixed), labelled as such.
    Signs are HiGHS's: for a binding "<=" row of this minimisation the dual is <= 0.
    """
    ints = np.flatnonzero(pm.integer)
    plan = np.round(pm.solution[ints])
    duals: dict[str, np.ndarray] = {}
    budget: dict[str, float] = {}
    with highs.relaxed():
        with highs.fixed(ints, plan):
            r = highs.solve(time_limit, duals=True)
        if r.row_dual is not None:
            for name, blk in pm.blocks.items():
                start = pm.row_start[name]
                duals[name] = r.row_dual[start: start + blk.rows]
        relaxed = [rows for rows in (row_spec(name) for name in pm.blocks) if rows is not None and rows.relaxed_dual]
        if "budget_total" in pm.blocks or relaxed:
            r = highs.solve(time_limit, duals=True)
            if r.row_dual is not None:
                if "budget_total" in pm.blocks:
                    budget["total"] = float(r.row_dual[pm.row_start["budget_total"]])
                # like the budget: nothing to move once purchases are fixed
                for rows in budget_following(pm.blocks) + relaxed:
                    start = pm.row_start[rows.name]
                    duals[rows.name] = r.row_dual[start: start + pm.blocks[rows.name].rows]
                if "budget_year" in pm.blocks:
                    start = pm.row_start["budget_year"]
                    years = [float(r.row_dual[start + i]) for i in range(pm.blocks["budget_year"].rows)]
                    for i, d in enumerate(years):
                        budget[str(pm.inp.years[i])] = d
                    if pm.inp.scenario.budget.even_yearly_tranches:
                        # one more 万元 of total raises every year's tranche by 1 / years
                        budget["total"] += float(np.mean(years))
    return duals, budget
