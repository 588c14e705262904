"""Version probes for highspy, kept in one place (PyPSA's _linopy_compat.py is the model).

Each probe says which versions need it and when it can be deleted. Nothing outside planner.solver
calls highspy, so an upgrade that changes one of these behaviours is mended here and nowhere else; the
contract tests (tests/test_solver_contract.py) run every adapter method on the lock's highspy and, in
``make test-latest``, on the newest release pyproject.toml allows.
"""

from __future__ import annotations

import math
import os
import sys
import threading

import highspy

# The version without making a Highs object (which prints HiGHS's banner); the module constants exist in
# highspy >= 1.7. Keep the fallback until the lower bound is past that.
VERSION: tuple[int, int, int] = tuple(getattr(highspy, f"HIGHS_VERSION_{k}", None) for k in ("MAJOR", "MINOR", "PATCH"))
if None in VERSION:
    VERSION = (-1, -1, -1)

_banner_lock = threading.Lock()
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A new Highs object, without HiGHS's copyright banner on the planner's standard output.

    HiGHS prints the banner from C++ on the first Highs() of a process, before any option can switch
    output off, so the first construction runs with file descriptor 1 pointed at /dev/null (Pyomo's
    interface captures it the same way). Later constructions print nothing."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    with _banner_lock:
        if _banner_shown:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    if VERSION == (-1, -1, -1):
        globals()["VERSION"] = (h.versionMajor(), h.versionMinor(), h.versionPatch())
    return h


def version_string() -> str:
    return ".".join(map(str, VERSION))


def option_value(h: highspy.Highs, name: str):
    """An option's value. highspy returns ``(status, value)`` from getOptionValue in 1.15 and 1.16 and the
    bare value in earlier releases. Delete the tuple branch's twin when highspy settles on one form."""
    v = h.getOptionValue(name)
    return v[1] if isinstance(v, tuple) else v


# -------------------------------------------------------------------------------- thread scheduler
_scheduler = threading.local()  # the thread count this OS thread's HiGHS scheduler was started with


def prepare_threads(h: highspy.Highs, threads: int) -> None:
    """Make the next ``run`` of ``h`` use ``threads`` threads.

    HiGHS >= 1.16 keeps one task scheduler per OS thread, started by the first run in that thread, and
    refuses a later run whose 'threads' option differs ("the scheduler has already been initialized");
    1.15 used the running scheduler silently. We set the option on every object before every run and
    restart this thread's scheduler when the count changes. That is safe: runs in one OS thread are
    sequential (``run`` blocks), so no run is using the scheduler at that moment. Delete the restart if
    HiGHS ever lets each Highs object carry its own thread count."""
    threads = int(threads)
    h.setOptionValue("threads", threads)
    if getattr(_scheduler, "threads", None) not in (None, threads):
        highspy.Highs.resetGlobalScheduler(True)
    _scheduler.threads = threads


def _start_scheduler(threads: int) -> None:
    """Make sure this OS thread's HiGHS task scheduler runs. Highs.run starts it; crossover does not, and
    crashed the process (segmentation fault, highspy 1.16) when it came first in a thread, as a quick plan
    does in the app's solve thread. ``_scheduler.threads`` cannot tell (it is set when a model is made,
    before any run), so an empty model is run every time: 0.08 ms."""
    h = new_highs()
    h.setOptionValue("output_flag", False)
    prepare_threads(h, threads)
    h.run()


def time_limit_option(h: highspy.Highs, seconds: float, is_mip: bool) -> float:
    """The time_limit option value that gives the next run ``seconds`` of its own.

    HiGHS compares an LP's time limit with the object's cumulative run time over all its runs (HiGHS
    issues #1331 and #1477, "to change in 2.0"; highspy exposes no zeroAllClocks), while the MIP solver
    times its own run. Without this, the LPs after a MIP that used its whole limit (duals, the floor, the
    next warm start) stopped at once. Measured the same on highspy 1.15.1 and 1.16; delete the LP branch
    when HiGHS times each run (test_solver_contract.py::test_an_lp_after_a_long_mip_gets_its_own_time
    fails then)."""
    if not math.isfinite(seconds):
        return highspy.kHighsInf
    seconds = max(float(seconds), 0.0)
    return seconds if is_mip else float(h.getRunTime()) + seconds


def forget_scheduler() -> None:
    """After highspy itself restarted this thread's scheduler (tests use it to start clean)."""
    _scheduler.threads = None


def on_interrupt_checks(h: highspy.Highs, should_stop) -> None:
    """Call ``should_stop()`` at HiGHS's simplex, IPM and MIP interrupt checks and pass its answer on.

    Not highspy's HandleUserInterrupt/cancelSolve: HiGHS keeps the callback's 'user_interrupt' flag
    between runs (1.15, 1.16), and highspy only ever sets it, so after one cancel every later run on the
    object stops at once ("Interrupted by user"). This callback writes the flag at every check, True or
    False. The contract test test_a_cancelled_model_solves_again guards it."""
    def check(event) -> None:
        event.interrupt(bool(should_stop()))

    h.cbSimplexInterrupt += check
    h.cbIpmInterrupt += check
    h.cbMipInterrupt += check


def on_mip_progress(h: highspy.Highs, report) -> None:
    """Call ``report(seconds, incumbent, bound)`` at every MIP interrupt check and each improving solution.
    The interrupt event's data_out carries mip_primal_bound and mip_dual_bound (highspy >= 1.15; inf while
    there is none); HiGHS's logging callback is not used, since it is silent with output_flag off."""
    def tick(event) -> None:
        d = event.data_out
        report(float(d.running_time), float(d.mip_primal_bound), float(d.mip_dual_bound))

    def improving(event) -> None:
        d = event.data_out
        report(float(d.running_time), float(d.objective_function_value), float(d.mip_dual_bound))

    h.cbMipInterrupt += tick
    h.cbMipImprovingSolution += improving


# -------------------------------------------------------------------------------- solutions
def primal_feasible(info) -> bool:
    """Whether HiGHS holds a feasible primal solution. ``primal_solution_status`` is an int (2 = feasible)
    in every highspy release so far; the named constant exists from 1.7 on. Keep the int fallback until
    the lower bound on highspy is a release that documents the constant as the only form."""
    feasible = getattr(highspy, "kSolutionStatusFeasible", 2)
    return int(info.primal_solution_status) == int(feasible)


def set_sparse_start(h: highspy.Highs, cols, values) -> None:
    """A partial start (some columns' values; HiGHS completes the rest). The (count, index, value)
    overload of setSolution exists from highspy 1.7; before that only a full HighsSolution was taken."""
    h.setSolution(len(cols), cols, values)


def clear_start(h: highspy.Highs) -> None:
    """Forget a starting solution (and the last solution, which a MIP run would start from again)."""
    h.clearSolver()


def set_full_start(h: highspy.Highs, x) -> None:
    solution = highspy.HighsSolution()
    solution.col_value = x
    solution.value_valid = True
    h.setSolution(solution)


def basis_from_point(h: highspy.Highs, x, row_activity) -> bool:
    """A simplex basis for the model HiGHS holds, made by crossover from the primal point ``x`` (its row
    activities ``row_activity``; no duals). Highs.crossover(HighsSolution) is bound in highspy 1.15 and
    1.16; where it is missing or fails the next LP starts cold, as before. Returns whether a valid basis
    came out."""
    if not hasattr(h, "crossover"):
        return False
    _start_scheduler(int(option_value(h, "threads")))
    solution = highspy.HighsSolution()
    solution.col_value = list(map(float, x))
    solution.row_value = list(map(float, row_activity))
    solution.value_valid = True
    solution.dual_valid = False
    status = h.crossover(solution)   # kWarning without duals: the basis is still made
    return status != highspy.HighsStatus.kError and bool(h.getBasis().valid)


def pass_model(h: highspy.Highs, *, cost, lower, upper, row_lower, row_upper, start, index, value, integrality,
               maximize: bool, offset: float) -> None:
    """The whole model in one call: the 14-argument passModel (columns, rows, nonzeros, column-wise
    format 1, sense, offset, costs, bounds, row bounds, CSC arrays, integrality), stable since highspy 1.5.
    If it ever goes, build a highspy.HighsLp here instead; nothing else changes."""
    n_col, n_row = len(cost), len(row_lower)
    h.passModel(n_col, n_row, len(value), 1, -1 if maximize else 1, float(offset), cost, lower, upper,
                row_lower, row_upper, start, index, value, integrality)


def write_model(h: highspy.Highs, path: str, col_names=None, row_names=None) -> None:
    """Name the columns and rows (passColName/passRowName, one call each: highspy 1.16 binds no bulk form)
    and write the model with writeModel, which picks MPS or LP from the suffix. A model without names
    is written with kWarning (HiGHS makes c0, r0, ... up); kError, e.g. a folder that cannot be written,
    raises OSError."""
    for j, name in enumerate(col_names or ()):
        h.passColName(j, name)
    for i, name in enumerate(row_names or ()):
        h.passRowName(i, name)
    if h.writeModel(path) == highspy.HighsStatus.kError:
        raise OSError(f"HiGHS could not write the model to {path}")


INF = highspy.kHighsInf
CONTINUOUS = highspy.HighsVarType.kContinuous
INTEGER = highspy.HighsVarType.kInteger
