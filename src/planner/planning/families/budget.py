"""The budget: capital of new units (plus the running cost of units in service, when the scenario counts
it, and the payments of leased units instead of their price: leasing.py's spend_terms) within the total,
and within each year's cap when there is one (explicit caps or even tranches).
Both right-hand sides move with a budget what-if (PlanModel.set_budget); in the elastic model a priced
slack (BT, BY) lets them be exceeded. The rows tie every region together: the decomposition prices them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, ones

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _spend_terms(pm: PlanModel, by_year: bool) -> tuple[list, list, list, np.ndarray]:
    """The spend of a plan as (rows, columns, coefficients) triples: capital of x, plus running cost of n
    when the scenario counts it, plus what a family's ``spend_terms`` adds (spec.py), all in row 0 (the
    total) or in the row of their year; and the running cost of the surviving stock per n column (0 when
    not counted)."""
    inp = pm.inp
    x, n = pm.families["x"].index, pm.families["n"].index
    price, opex = inp.param("price_wan_cny"), inp.param("running_cost_wan_cny_per_year")
    run = inp.scenario.budget.include_running_cost
    rows = [x["y"].to_numpy() if by_year else np.zeros(len(x), int)]
    cols, coefs = [pm.col("x")], [price[x["m"]]]
    surv_cost = np.zeros(len(n))
    if run:
        rows.append(n["y"].to_numpy() if by_year else np.zeros(len(n), int))
        cols.append(pm.col("n")), coefs.append(opex[n["m"]])
        surv_cost = np.asarray(opex[n["m"]] * inp.surviving[n["r"], n["t"], n["m"], n["y"]], dtype=float)
    for fam in pm.specs:   # other families' spend (leases: payments instead of the price), spec.py
        for r, c, a in (fam.spend_terms(pm, by_year) if fam.spend_terms is not None else ()):
            rows.append(r), cols.append(c), coefs.append(a)
    return rows, cols, coefs, surv_cost


def define_budget_total(pm: PlanModel) -> None:
    """budget_total: sum price x (+ opex n) <= total (+ the survivors' running cost, see below)."""
    if not pm.inp.scenario.constraints.budget:
        return
    rows, cols, coefs, surv_cost = _spend_terms(pm, by_year=False)
    # With running costs counted, survivors' running cost sits on both sides of the row: keep it as an
    # offset so a what-if budget change moves only the planner's number.
    pm.budget_offset["total"] = float(np.sum(surv_cost))
    if pm.elastic:
        rows, cols, coefs = rows + [np.zeros(1, int)], cols + [pm.col("BT")], coefs + [-np.ones(1)]
    pm.add_rows("budget_total", rows, cols, coefs, np.array([-INF]),
                np.array([pm.inp.budget_total_wan + pm.budget_offset["total"]]), pd.DataFrame({"what": ["total"]}))


def define_budget_year(pm: PlanModel) -> None:
    """budget_year: the same spend per year <= that year's cap (explicit caps or even tranches)."""
    inp = pm.inp
    if not inp.scenario.constraints.budget or inp.budget_year_wan is None:
        return
    Y = len(inp.years)
    rows, cols, coefs, surv_cost = _spend_terms(pm, by_year=True)
    by_year = np.zeros(Y)
    np.add.at(by_year, pm.families["n"].index["y"].to_numpy(), surv_cost)
    pm.budget_offset["year"] = by_year
    if pm.elastic:
        rows, cols, coefs = rows + [np.arange(Y)], cols + [pm.col("BY")], coefs + [-np.ones(Y)]
    pm.add_rows("budget_year", rows, cols, coefs, np.full(Y, -INF), inp.budget_year_wan + by_year,
                pd.DataFrame({"y": np.arange(Y)}))


def move_budget(pm: PlanModel, total_wan: float | None = None, per_year_wan: list[float] | None = None) -> None:
    """A budget what-if: the rows' right-hand sides, the running-cost offsets kept (net 万元, as the inputs)."""
    if total_wan is not None and "budget_total" in pm.blocks:
        pm.blocks["budget_total"].upper[0] = float(total_wan) + pm.budget_offset["total"]
    if total_wan is not None:   # rows that are a share of the same net total (the renewal earmark)
        from planner.planning.families import budget_following

        for rows in budget_following(pm.blocks):
            pm.blocks[rows.name].upper[:] = rows.follows_budget(pm, float(total_wan))
    if per_year_wan is not None and "budget_year" in pm.blocks:
        pm.blocks["budget_year"].upper[:] = np.asarray(per_year_wan, float) + pm.budget_offset["year"]


def _year_index(pm: PlanModel) -> pd.DataFrame:
    Y = len(pm.inp.years)
    return pd.DataFrame({"y": np.arange(Y) if pm.inp.budget_year_wan is not None else []}, dtype=int)


ORDER = 70   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="budget", label=msg("family.budget"),
    variables=(Variables("BT", "万元 over the total budget (elastic model only)",
                         lambda pm: pd.DataFrame({"what": ["total"]}), elastic_cost=ones, elastic_only=True),
               Variables("BY", "万元 over a year's budget (elastic model only)", _year_index, elastic_cost=ones,
                         elastic_only=True)),
    rows=(Rows("budget_total", define_budget_total, decomposition="coupling", what_if="upper"),
          Rows("budget_year", define_budget_year, decomposition="coupling", what_if="upper")),
)
