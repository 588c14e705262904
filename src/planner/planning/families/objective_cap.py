"""Alternatives (studies/alternatives.py): a row 'weighted-sum objective <= cap' with a mutable cap
(+inf until PlanModel.set_objective_cap), so near-optimal plans that differ can be searched for."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def define_objective_cap(pm: PlanModel) -> None:
    if pm.with_objective_cap:
        c = pm.objective_costs()
        nz = np.flatnonzero(c)
        # (the cap given to set is the whole objective: the constant offset is taken off it there)
        pm.add_rows("objective_cap", [np.zeros(len(nz), int)], [nz], [c[nz]], np.array([-INF]),
                    np.array([1e30]), pd.DataFrame({"what": ["objective"]}))


def move_cap(pm: PlanModel, cap: float) -> None:
    """``cap`` is the whole objective: the constant offset is taken off, since the row holds only the
    columns' part."""
    pm.blocks["objective_cap"].upper[0] = float(cap) - pm.objective_offset


ORDER = 120   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="objective_cap", label=msg("family.objective_cap"),
    rows=(Rows("objective_cap", define_objective_cap, decomposition=None, what_if="upper"),),
)
