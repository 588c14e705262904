"""Presence rules (policy.min_units): which tier must hold which modality, from which year. They are lower
bounds on n (stock.py); only the elastic model (checks.elastic_explanation) makes them rows n + P >= N
with a priced slack P, so the explanation of an infeasible scenario can name the rules to relax."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _need(pm: PlanModel) -> np.ndarray:
    n = pm.families["n"].index
    return pm.inp.min_units()[n["r"], n["t"], n["m"], n["y"]]


def shortfall_index(pm: PlanModel) -> pd.DataFrame:
    return pd.DataFrame({"n_row": np.flatnonzero(_need(pm) > 0)})


def define_presence(pm: PlanModel) -> None:
    """elastic only: presence rules as rows n + P >= N (normally they are lower bounds on n)."""
    if pm.elastic and len(pm.families["P"]):
        P = pm.families["P"].index
        need = _need(pm)[P["n_row"].to_numpy()]
        k = np.arange(len(P))
        pm.add_rows("presence", [k, k], [pm.col("n", P["n_row"].to_numpy()), pm.col("P")],
                    [np.ones(len(P)), np.ones(len(P))], need, np.full(len(P), INF), P)


def check_presence(c) -> None:
    """Units in service at least what the presence rules require (from the scenario's policy.min_units)."""
    inp, n = c.inp, c.n
    need = c.ref.presence
    for r, t, m, y in zip(*np.nonzero(n < need - 1e-6)):
        c.v.append(msg("verify.below_presence", where=c.where(r, y), n=float(n[r, t, m, y]), mod=inp.modalities[m],
                       tier=inp.tiers[t], need=float(need[r, t, m, y])))


# The slack P is declared with n, whose lower bounds the rules are (stock.py): the elastic model's columns
# then keep the order they had before families were specs (P before the budget's BT and BY).
SHORTFALL = Variables("P", "units short of a presence rule (elastic model only)", shortfall_index,
                      elastic_cost=lambda pm, idx: np.full(len(idx), 100.0), elastic_only=True)

ORDER = 80   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(name="presence", label=msg("family.presence"), rows=(Rows("presence", define_presence),),
                          verify=check_presence)
