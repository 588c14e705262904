"""Mobile deliveries: z[a,m,y] thousand exams a mobile modality m based at arc a's base delivers to its
target (grassroots demand, demand.py), along every arc from a base holding a slot of a mobile modality;
away from the base each is priced. Their capacity rows are capacity.py's mobile_capacity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import ConstraintFamily, Variables, cross_years
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def delivery_index(pm: PlanModel) -> pd.DataFrame:
    inp, slots = pm.inp, pm.slots
    mob_bases = slots[inp.mobile[slots["m"].to_numpy()]][["r", "m"]].drop_duplicates()
    arcs = inp.arcs.merge(mob_bases, left_on="base", right_on="r").drop(columns="r")
    arcs = arcs.sort_values(["m", "base", "target"]).reset_index(drop=True)
    return cross_years(arcs, len(inp.years))


def _away_cost(pm: PlanModel, z: pd.DataFrame) -> np.ndarray:
    w = pm.inp.scenario.weights
    return w.mobile_away_wan_cny_per_thousand_exams * (z["base"] != z["target"]) * year_weights(pm.inp)[z["y"]]


ORDER = 50   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="mobile", label=msg("family.mobile"),
    variables=(Variables("z", "thousand exams a mobile unit delivers along an arc from its base", delivery_index,
                         cost=_away_cost),),
)
