"""Studies over one built model: the efficiency-equity frontier, alternative plans, budget sweeps
(equity first, one solve, is planning.lexicographic)."""

from __future__ import annotations

from planner.messages import Message, msg


def cannot_solve(errors: list[str | Message]) -> Message:
    """"the scenario cannot be solved as it stands: " and the pre-solve errors (planner.checks.errors) joined by
    spaces, each said in the language of the whole (an error that is still an English string stays as it is)."""
    said: str | Message = errors[-1] if errors else ""
    for e in reversed(errors[:-1]):
        said = msg("study.then", first=e, rest=said)
    return msg("study.cannot_solve", errors=said)
