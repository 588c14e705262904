"""The solver boundary: the only package that imports highspy.

    HighsModel   a model built from matrices and held by one HiGHS object (solve, change, start, cancel)
    Status       one status vocabulary for every solve
    SolveResult  one result type: status, objective, bound, gap, solution, duals, time
    Progress     where a running MIP stands (incumbent, bound, gap), for progress displays
    best_of_runs two runs on one model as one: the better plan, the higher bound
"""

from .highs import HighsModel, best_of_runs, guard_seconds, version
from .status import Progress, SolveResult, Status, relative_gap

__all__ = ["HighsModel", "Progress", "best_of_runs", "SolveResult", "Status", "guard_seconds", "relative_gap", "version"]
