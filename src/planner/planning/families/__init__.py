"""The constraint families of the planning model: the one list every part of the planner reads.

A module of this package that defines ``FAMILY`` (a ConstraintFamily) and ``ORDER`` (an int) is a shipped
family: it is found here, so a new family is its own module, its scenario section and its test, with no
list to edit. Order matters: columns enter the model in ``ORDER`` (elastic-only slacks last, in the same
order), and so do row blocks; the shipped orders are 10, 20, ... so a family can go between two. A family
added with ``register`` (or, for one block of code, ``added``) comes after the shipped ones and is read by
PlanModel, the Pyomo mirror, the decomposition, the marginal values, the summary and the verifier like any
other (tests/test_family_spec.py adds one)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

from planner.messages import Message
import numpy as np
import pandas as pd

from planner.planning.families.spec import (ConstraintFamily, Decomposition, PlanSpend, Rows, UnitDifferences,
                                             UnitTerms, Variables)


def discover(path, package: str) -> tuple[ConstraintFamily, ...]:
    """The families of a package's modules (``path``: its __path__), by ORDER; two with one ORDER, or one
    without, is refused at import (the model's column order would otherwise depend on file names)."""
    found: dict[int, tuple[str, ConstraintFamily]] = {}
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if family is None:
            continue   # spec.py and helpers
        order = getattr(module, "ORDER", None)
        if not isinstance(order, int):
            raise ImportError(f"{module.__name__} defines FAMILY but no int ORDER: give it one (see {__name__})")
        if order in found:
            raise ImportError(f"{module.__name__} and {found[order][0]} both have ORDER = {order}: give each its own")
        found[order] = (module.__name__, family)
    return tuple(found[k][1] for k in sorted(found))


SHIPPED: tuple[ConstraintFamily, ...] = discover(__path__, __name__)
_added: list[ConstraintFamily] = []


def families() -> tuple[ConstraintFamily, ...]:
    """Every family, shipped first, in model order."""
    return SHIPPED + tuple(_added)


def register(family: ConstraintFamily) -> None:
    """Add a family to every model built from now on (PyPSA's extra_functionality, for the whole planner)."""
    names = {f.name for f in families()}
    if family.name in names:
        raise ValueError(f"a constraint family named {family.name!r} exists already")
    _added.append(family)


def unregister(family: ConstraintFamily) -> None:
    _added.remove(family)


@contextmanager
def added(family: ConstraintFamily) -> Iterator[ConstraintFamily]:
    register(family)
    try:
        yield family
    finally:
        unregister(family)


def spend_from_plan(scn, years: list[int], plan: pd.DataFrame, spend: np.ndarray) -> PlanSpend:
    """``spend`` (万元 by plan year) with every family's change from the plan table (ConstraintFamily.plan_spend),
    the 万元 after the plan that the total budget counts, the spend table's columns, and each plan row's cost
    beyond new units x its modality's price: the one arithmetic the verifier's budget check and the results'
    spend and plan table share."""
    after, columns, rows = 0.0, {}, np.zeros(len(plan))
    for fam in families():
        if fam.plan_spend is not None:
            part = fam.plan_spend(scn, years, plan, spend)
            spend, after, columns = part.by_year, after + part.after, {**columns, **part.columns}
            rows = rows if part.rows is None else rows + part.rows
    return PlanSpend(spend, after, columns, rows)


def unit_terms(pm) -> list[UnitTerms]:
    """Every family's UnitTerms for the capacity and staffing rows (ConstraintFamily.unit_terms)."""
    found = (fam.unit_terms(pm) for fam in families() if fam.unit_terms is not None)
    return [t for t in found if t is not None and len(t.cols)]


def unit_differences(c, shape: tuple[int, ...]) -> UnitDifferences:
    """What the plan table's units in service do beyond their modalities' figures, summed over the families
    (ConstraintFamily.unit_differences): the verifier's capacity and staff checks add it."""
    total = UnitDifferences(np.zeros(shape), np.zeros(shape))
    for fam in families():
        part = fam.unit_differences(c) if fam.unit_differences is not None else None
        if part is not None:
            total = UnitDifferences(total.capacity + part.capacity, total.staff + part.staff)
    return total


def budget_following(pm_blocks) -> list[Rows]:
    """The row blocks, among those a model holds, whose upper sides follow the budget (Rows.follows_budget)."""
    return [rows for fam in families() for rows in fam.rows if rows.follows_budget is not None and rows.name in pm_blocks]


def row_spec(block: str) -> Rows | None:
    """The spec of a row block by its name (None for a block no family declares)."""
    for fam in families():
        for rows in fam.rows:
            if rows.name == block:
                return rows
    return None


def family_of(block: str) -> ConstraintFamily | None:
    for fam in families():
        if any(rows.name == block for rows in fam.rows):
            return fam
    return None


def label_of(name: str) -> str | Message:
    """The label a planner reads for a family, given its name or the name of one of its row blocks."""
    for fam in families():
        if fam.name == name or any(rows.name == name for rows in fam.rows):
            return fam.label
    return name.capitalize()


def blocks_by_decomposition(kind: Decomposition) -> set[str]:
    return {rows.name for fam in families() for rows in fam.rows if rows.decomposition == kind}


__all__ = ["ConstraintFamily", "PlanSpend", "Rows", "Variables", "added", "blocks_by_decomposition", "families", "family_of", "label_of",
           "register", "row_spec", "spend_from_plan", "unit_differences", "unit_terms", "unregister"]
