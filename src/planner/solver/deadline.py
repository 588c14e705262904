"""One request's time: made once from the planner's time limit; every phase draws from what is left.

Before, each phase had its own rule (the warm start 25 % of the limit, the MIP the rest, the duals up to
twice the limit, the floor max(5 s, limit / 2), the infeasibility explanation 30 s), so a planner who set
120 s could wait much longer. Now a solve makes one ``Deadline`` and asks it for each phase's seconds:
a share of what is left, less what later phases hold back. The phases together end by the deadline
(HiGHS's own clock overruns aside, which the adapter's wall-clock guard bounds).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    """``seconds`` from now (``clock`` is time.perf_counter; a test may pass its own)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter):
        self.seconds = float(seconds)
        self._clock = clock
        self._end = clock() + self.seconds

    @classmethod
    def of(cls, limit: "float | Deadline") -> "Deadline":
        """The deadline itself, or a new one of ``limit`` seconds."""
        return limit if isinstance(limit, Deadline) else cls(float(limit))

    def left(self) -> float:
        """Seconds until the deadline, never below 0."""
        return max(0.0, self._end - self._clock())

    def part(self, share: float = 1.0, *, reserve: float = 0.0, at_least: float = 0.0) -> float:
        """Seconds for one phase: ``share`` of what is left after ``reserve`` (held back for the phases
        after it), raised to ``at_least`` when that much is left, and never more than is left."""
        left = self.left()
        return min(left, max(at_least, share * max(0.0, left - reserve)))

    def split(self, share: float) -> "Deadline":
        """A deadline for a phase that may take ``share`` of what is left (its own phases then draw from
        it); what it leaves unused stays with this one."""
        return Deadline(self.part(share), self._clock)
