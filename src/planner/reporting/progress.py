"""A running solve in words: one line per progress report, for the CLI (the app says the same in its
language). The relative gap is the solver's; the floor-based gap is only known after the solve."""

from __future__ import annotations

from planner.messages import msg, render
from planner.solver import Progress


def progress_line(p: Progress, lang: str = "en") -> str:
    """'  HiGHS    3.2 s: best plan 105.0, proven bound 100.0, gap 4.76%' in ``lang`` (progress.* codes); the
    CLI compares what follows the first ':' to print a line only when the plan or bound changes."""
    plan = msg("progress.no_plan") if p.incumbent is None else msg("progress.plan", incumbent=p.incumbent)
    bound = "" if p.bound is None else msg("progress.bound", bound=p.bound)
    gap = "" if p.gap is None else msg("progress.gap", gap=p.gap)
    return render("progress.line", lang, seconds=p.seconds, plan=plan, bound=bound, gap=gap)
