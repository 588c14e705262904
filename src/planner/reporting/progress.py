"""A running solve in words: one line per progress report, for the CLI (the app says the same in its
language). The relative gap is the solver's; the floor-based gap is only known after the solve."""

from __future__ import annotations

from planner.solver import Progress


def progress_line(p: Progress) -> str:
    plan = "no plan yet" if p.incumbent is None else f"best plan {p.incumbent:,.1f}"
    bound = "" if p.bound is None else f", proven bound {p.bound:,.1f}"
    gap = "" if p.gap is None else f", gap {p.gap:.2%}"
    return f"  HiGHS {p.seconds:6.1f} s: {plan}{bound}{gap}"
