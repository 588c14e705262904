"""What a constraint family declares, in one module of its own (planning/families/<name>.py).

A family owns variables (their index table, bounds, integrality and cost) and row blocks (their rows,
which right-hand side a what-if may move without a rebuild, whether they separate by region for the
decomposition, and what their dual means in words). It may also bring its verifier check, written
against the scenario's tables (planning/reference.py), not the model's arrays. PlanModel, the Pyomo
mirror, the decomposition, the marginal values, the summary and the verifier read the list of families
in planning/families/__init__.py; nothing else lists them. The results' spend, the verifier's spend and
objective, and the pre-solve checks (planning/checks.py) ask the families through hooks too (plan_spend,
objective_from_tables, least_price, least_spend, precheck), so no module outside this package names one. PyPSA's optimization/ (variables beside
constraints, duals assigned by constraint name) is the model.

Warm starts and the quick plan need nothing from a family: they take their rounding room from the rows
the model holds (planning/room.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from planner.messages import Message

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

INF = float("inf")
TOL = 1e-5  # the verifier's relative tolerance on sums; HiGHS's feasibility tolerance is 1e-7 on scaled rows


def tolerance(scale) -> np.ndarray:
    """The verifier's slack on a sum of size ``scale``."""
    return TOL * np.maximum(1.0, np.abs(scale))

# How a row block behaves when the regions are split into parts (distributed/provinces.py):
#   "region"   every row touches the columns of one region's part only, so each part keeps its own rows;
#   "coupling" the rows tie the parts together (the budget): the coordinator prices them;
#   None       the decomposition cannot split a model that holds these rows.
Decomposition = Literal["region", "coupling"] | None


@dataclass(frozen=True)
class Variables:
    """One variable family: ``index(pm)`` gives its index table (one row per column); the other hooks get
    the model and that table and return one value per column. Columns are [0, inf), continuous and free
    of cost unless a hook says otherwise. ``elastic_only``: a slack that exists only in the elastic model
    (checks.elastic_explanation), where ``elastic_cost`` prices it and every other cost is 0."""

    name: str
    meaning: str
    index: Callable[[PlanModel], pd.DataFrame]
    lower: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None
    upper: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None
    integer: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None
    cost: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None
    elastic_cost: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None
    elastic_only: bool = False
    # For a family indexed by x's rows (x_row): each column's value per unit of its purchase in the cheapest way
    # to complete whole purchases that keeps the family's rules unit by unit (supply.py: 1 for the cheapest
    # allowed class and origin). Rounding (room.py) reads the rows holding such columns, the budget with
    # domestic and class terms among them, as rows over purchases alone with these values put in.
    completion: Callable[[PlanModel, pd.DataFrame], np.ndarray] | None = None


@dataclass(frozen=True)
class Rows:
    """One row block: ``build(pm)`` adds it with ``pm.add_rows(name, ...)`` (or adds nothing when the
    scenario does not ask for it). ``what_if``: the side ('lower' or 'upper') a what-if may move without
    a rebuild (a mutable Param in the Pyomo mirror). ``dual_words``: what one unit more of the row's
    right-hand side is worth, listed in the marginal values when given: a message (``msg("marginal.capacity")``)
    filled with {region}, {year}, {tier}, {mod} modality, {mod_exam} exam type and {v} the value, or a plain
    English template over {r}, {y}, {t}, {m}, {k} and {v}."""

    name: str
    build: Callable[[PlanModel], None]
    decomposition: Decomposition = "region"
    what_if: Literal["lower", "upper"] | None = None
    dual_words: str | Message | None = None
    # A row whose upper side is a function of the net total budget (a share of it): a budget what-if moves it
    # with the budget rows, the floor opens it with them, and its marginal value comes from the LP relaxation
    # like the budget's (with purchases fixed it has nothing left to move). (pm, total 万元) -> its upper sides.
    follows_budget: Callable[[PlanModel, float], np.ndarray] | None = None
    # A row whose columns are all integers (families/supply.py's least domestic share): with purchases fixed its
    # dual is 0, so its marginal value comes from the LP relaxation, like the budget's.
    relaxed_dual: bool = False


@dataclass(frozen=True)
class PlanSpend:
    """What the budget counts of a plan table (ConstraintFamily.plan_spend, families.spend_from_plan): the spend
    by plan year (万元, (Y,)), the 万元 after the last plan year that the total budget counts, and columns a
    family adds to the results' spend table (one value per plan year)."""

    by_year: np.ndarray
    after: float = 0.0
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    # what each plan-table row's units cost beyond new units x the modality's price (万元, one value per row:
    # supply.py's domestic and class prices), so the plan's capex_wan_cny is what the row's units cost
    rows: np.ndarray | None = None


@dataclass(frozen=True)
class UnitTerms:
    """Columns that change what units in service can do (ConstraintFamily.unit_terms): column ``cols[i]``
    adds ``capacity[i]`` exams a year to the capacity row of (r, t, the exam type of m, y) and ``staff[i]``
    staff to the staffing row of (r, y), beyond what n counts at the modality's own figures (supply.py:
    a class of units doing more exams or needing more staff than its modality)."""

    r: np.ndarray
    t: np.ndarray
    m: np.ndarray
    y: np.ndarray
    cols: np.ndarray
    capacity: np.ndarray
    staff: np.ndarray


@dataclass(frozen=True)
class UnitDifferences:
    """What a plan table's units in service can do beyond their modality's figures (ConstraintFamily.
    unit_differences, from the tables alone): exams a year and staff, each (R, T, M, Y)."""

    capacity: np.ndarray
    staff: np.ndarray


@dataclass(frozen=True)
class ConstraintFamily:
    """A family: its label (the summary's and the marginal table's word), its variables and rows in the
    order they enter the model, its verifier check, and the constant it adds to the objective.

    ``verify(c)`` gets planning.verify's check context: ``c.inp``, ``c.scn``, ``c.ref`` (the arrays derived
    again from the scenario's tables, planning/reference.py), ``c.x`` new units and ``c.n`` units in
    service (R, T, M, Y) from the plan table, ``c.flows`` the flows table, ``c.mobile`` the mobile deliveries; it appends violations to ``c.v`` (a ``planner.messages.msg``
    whose str() is the English, or plain words), uses ``c.where(r, y)`` to name a place, and counts what it
    checked in ``c.checked[name]``.

    ``region_columns(pm, regions)`` adds the family's columns to the result's region table (one row per
    region x modality x year, with region_code, modality and year), after a solve (``pm.values``).

    ``summary(result)`` gives the family's lines in the plan's summary (CLI, summary.json, app): messages,
    each said on its own indented line under the family's label.

    ``spend_terms(pm, by_year)`` adds the family's columns to the budget rows (families/budget.py): a list of
    (rows, columns, coefficients) triples, rows 0 for the total row (``by_year`` False) or the plan year's
    index. A family whose columns move money between years (leasing.py: a lease pays no price in its first
    year but a payment in each year of its term) says so here; the budget rows stay one family's.

    ``plan_columns(pm, purchases, val)`` likewise adds columns to the purchases behind the plan table (one row
    per x column, x's order; the plan table keeps the rows with new units): leasing.py's leased_units.

    ``flow_columns(pm, flows, val)`` likewise adds columns to the flows table (rows: the demand rows' index,
    region x tier x exam type x year); ``val(name)`` is a variable family's solution values (zeros without a
    plan). The verifier reads the flows table as ``c.flows``.

    ``plan_spend(scn, years, plan, spend)`` is the family's change to the spend the budget counts, from the plan
    table and the scenario alone (never the model's arrays, so the verifier stays independent): ``spend`` is
    the spend by plan year so far ((Y,) 万元), and it returns a PlanSpend with that spend changed, the 万元 after
    the plan the total budget counts, and the spend table's columns (leasing.py: payments instead of the price).
    The verifier's budget check and the results' spend share it (families.spend_from_plan).

    ``objective_from_tables(inp, plan, flows, mobile, ref, n, disc)`` is the family's term of the weighted-sum
    objective recomputed from the result tables (verify.objective_from_tables): ``plan`` the plan table (None
    when the caller has none), ``flows`` the flows table, ``mobile`` the mobile deliveries, ``ref`` the re-derived arrays, ``n`` units in service
    (R, T, M, Y), ``disc(years)`` each year's discount weight.

    ``least_price(scn, modalities, price)`` lowers (M,) the least a required new unit costs (supply.py: a
    cheaper domestic unit). ``least_spend(scn, modalities, price, per, total)`` lowers ``per`` (M, q, y'), the
    least the budget rows count by year y' for a unit first needed in year q (``total``: in the total row),
    or returns None to leave it (leasing.py: a lease's payments so far). Both feed the pre-solve checks.

    ``unit_terms(pm)`` gives UnitTerms the capacity and staffing rows add (capacity.py, staffing.py), and
    ``unit_differences(c)`` the same from the verifier's tables (c.plan), a UnitDifferences or None.

    ``precheck(c)`` is the family's own pre-solve check (planning/checks.py): ``c.inp``, ``c.scn``, ``c.need``
    (the units the hard rules force: ``presence`` (R, T, M, Y), ``target`` and ``by_year`` (R, M, Y)), and
    ``c.where(r)`` to name a region; it appends messages to ``c.errors`` and ``c.warnings``. The checks run
    in family order after the budget's."""

    name: str
    label: str | Message   # a message code (family.<name>): the summary and the marginal table say it
    variables: tuple[Variables, ...] = ()
    rows: tuple[Rows, ...] = ()
    verify: Callable[[object], None] | None = None
    objective_offset: Callable[[PlanModel], float] | None = None
    region_columns: Callable[[PlanModel, pd.DataFrame], dict[str, np.ndarray]] | None = None
    summary: Callable[[object], list[Message]] | None = None
    flow_columns: Callable[[PlanModel, pd.DataFrame, Callable], dict[str, np.ndarray]] | None = None
    plan_columns: Callable[[PlanModel, pd.DataFrame, Callable], dict[str, np.ndarray]] | None = None
    spend_terms: Callable[[PlanModel, bool], list[tuple[np.ndarray, np.ndarray, np.ndarray]]] | None = None
    plan_spend: Callable[[object, list[int], pd.DataFrame, np.ndarray], PlanSpend] | None = None
    objective_from_tables: Callable[..., float] | None = None
    least_price: Callable[[object, list[str], np.ndarray], np.ndarray] | None = None
    least_spend: Callable[[object, list[str], np.ndarray, np.ndarray, bool], np.ndarray | None] | None = None
    precheck: Callable[[object], None] | None = None
    unit_terms: Callable[[PlanModel], UnitTerms | None] | None = None
    unit_differences: Callable[[object], UnitDifferences | None] | None = None
    # The family's rows may be left out of the MIP and checked after it (planning/lazy.py), when the LP
    # relaxation gives them zero duals. Only for a family whose columns are all continuous, cost nothing
    # (test_family_spec holds it) and sit in its own rows only (test_renewal): without them the model is a
    # relaxation, and a plan of it completes to one of the whole model at the same objective when it keeps
    # the rows.
    lazy: bool = False


def zeros(pm: PlanModel, index: pd.DataFrame) -> np.ndarray:
    return np.zeros(len(index))


def ones(pm: PlanModel, index: pd.DataFrame) -> np.ndarray:
    return np.ones(len(index))


def always(pm: PlanModel, index: pd.DataFrame) -> np.ndarray:
    return np.ones(len(index), dtype=bool)


def cross_years(cells: pd.DataFrame, Y: int) -> pd.DataFrame:
    """Repeat each row of ``cells`` for every plan year (year index varies fastest)."""
    cells = cells.reset_index(drop=True)
    out = cells.loc[np.repeat(cells.index.to_numpy(), Y)].reset_index(drop=True)
    out["y"] = np.tile(np.arange(Y), len(cells))
    return out


def empty_index(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=int) for c in columns})


def among_purchases(pm: PlanModel, block: str, var: str, extra: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
                    ) -> None:
    """Rows ``block``: var[i] (+ extra columns) <= x[x_row[i]], for a variable family indexed by x's rows
    (x_row: its purchase column): leased, domestic or replacement units are among the slot's new units that
    year. ``extra``: (row, column) pairs with coefficient 1 added to those rows."""
    idx = pm.families[var].index
    if not len(idx):
        return
    k = np.arange(len(idx))
    rows, cols = [k, k, *(r for r, _ in extra)], [pm.col(var), pm.col("x", idx["x_row"].to_numpy()),
                                                   *(c for _, c in extra)]
    coefs = [np.ones(len(idx)), -np.ones(len(idx)), *(np.ones(len(r)) for r, _ in extra)]
    pm.add_rows(block, rows, cols, coefs, np.full(len(idx), -INF), np.zeros(len(idx)), idx[["r", "t", "m", "y"]])


def per_purchase(pm: PlanModel, purchases: pd.DataFrame, var: str, val) -> np.ndarray:
    """A variable family indexed by x's rows (x_row) as one value per purchases-table row (0 elsewhere)."""
    out = np.zeros(len(purchases))
    out[pm.families[var].index["x_row"].to_numpy()] = np.round(val(var), 6)
    return out
