"""Per-million density targets. G[r,m,y] units missing against the target (soft targets: priced; hard
targets: fixed at 0), Gb[r,m,y] units missing below the base-year density (up to the target), which weigh
``weights.shortfall_below_base_year_factor`` times as much (where that factor is above 1).

  density:      sum_t n[(r,t,m),y] + G[r,m,y]  >= target_m * pop[r,y] / 1e6
  density_base: sum_t n[(r,t,m),y] + Gb[r,m,y] >= min(target_m, base-year density_rm) * pop[r,y] / 1e6

Both right-hand sides move with a what-if on the targets (PlanModel.set_targets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import INF, ConstraintFamily, Rows, Variables, cross_years
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _region_modality(pm: PlanModel) -> pd.DataFrame:
    """(r, m) for every modality with a target (when density targets are on), crossed with the years."""
    inp = pm.inp
    target = inp.param("target_per_million")
    use = np.flatnonzero(target > 0) if inp.scenario.constraints.density_targets else np.array([], int)
    rm = pd.DataFrame(np.array(np.meshgrid(np.arange(len(inp.regions)), use, indexing="ij")).reshape(2, -1).T,
                      columns=["r", "m"])
    return cross_years(rm, len(inp.years))


def below_base_index(pm: PlanModel) -> pd.DataFrame:
    inp = pm.inp
    keep = inp.protected_units() if inp.scenario.weights.shortfall_below_base_year_factor > 1 else None
    gb = _region_modality(pm)
    if keep is None or not len(gb):
        return gb.iloc[:0]
    return gb[keep[gb["r"], gb["m"], gb["y"]] > 0]


def _hard(pm: PlanModel, G: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    hard = np.array([inp.scenario.modalities[m].target_hard for m in inp.modalities], dtype=bool)
    return hard[G["m"].to_numpy()] if len(G) else np.zeros(0, bool)


def _shortfall_upper(pm: PlanModel, G: pd.DataFrame) -> np.ndarray:
    # elastic: a hard target's shortfall is allowed and priced instead
    return np.where(_hard(pm, G) & (not pm.elastic), 0.0, INF)


def _shortfall_weight(pm: PlanModel, idx: pd.DataFrame) -> np.ndarray:
    inp = pm.inp
    short_w = np.array([inp.scenario.shortfall_weight(m) for m in inp.modalities])
    return short_w[idx["m"]] * year_weights(inp)[idx["y"]]


def _below_base_cost(pm: PlanModel, Gb: pd.DataFrame) -> np.ndarray:
    # Gb counts inside G too, so the extra (factor - 1) makes a unit below the base year weigh factor x.
    return (pm.inp.scenario.weights.shortfall_below_base_year_factor - 1.0) * _shortfall_weight(pm, Gb)


def _elastic_cost(pm: PlanModel, G: pd.DataFrame) -> np.ndarray:
    # a unit short of a hard target ~ 100 万元 (checks.elastic_explanation)
    return np.where(_hard(pm, G), 100.0, 0.0)


def units_plus_slack_at_least(pm: PlanModel, name: str, slack: str, rhs: np.ndarray) -> None:
    """Row block ``name``: sum_t n[(r,t,m),y] + slack[r,m,y] >= rhs, one row per slack column."""
    n = pm.families["n"].index
    idx = pm.families[slack].index
    pos = pm.lookup(slack, ["r", "m", "y"])
    nrow = np.array([pos.get(k, -1) for k in zip(n["r"], n["m"], n["y"])])
    ok = nrow >= 0
    pm.add_rows(name, [np.arange(len(idx)), nrow[ok]], [pm.col(slack), pm.col("n", np.flatnonzero(ok))],
                [np.ones(len(idx)), np.ones(int(ok.sum()))], rhs, np.full(len(idx), INF), idx)


def define_density(pm: PlanModel) -> None:
    G = pm.families["G"].index
    if len(G):
        target = pm.inp.param("target_per_million")
        units_plus_slack_at_least(pm, "density", "G", target[G["m"]] * pm.inp.pop[G["r"], G["y"]] / 1e6)


def define_density_base(pm: PlanModel) -> None:
    Gb = pm.families["Gb"].index
    if len(Gb):
        units_plus_slack_at_least(pm, "density_base", "Gb", pm.inp.protected_units()[Gb["r"], Gb["m"], Gb["y"]])


def move_targets(pm: PlanModel, per_million: dict[str, float]) -> bool:
    """A target what-if: new per-million targets into the density rows (and the protected level, which is
    min(target, base-year density), into density_base). False, with nothing moved, if a modality has no
    density rows (it had no target when the model was built): the model must then be rebuilt."""
    inp = pm.inp
    G = pm.families["G"].index
    built = set(G["m"].unique().tolist())
    if any(value > 0 and inp.modalities.index(name) not in built for name, value in per_million.items()):
        return False
    for name, value in per_million.items():
        rows = np.flatnonzero(G["m"].to_numpy() == inp.modalities.index(name))
        pm.blocks["density"].lower[rows] = value * inp.pop[G["r"].to_numpy()[rows], G["y"].to_numpy()[rows]] / 1e6
    if "density_base" in pm.blocks:
        Gb = pm.families["Gb"].index
        target = inp.param("target_per_million")
        for name, value in per_million.items():
            target[inp.modalities.index(name)] = value
        pm.blocks["density_base"].lower[:] = inp.protected_units(target)[Gb["r"], Gb["m"], Gb["y"]]
    return True


ORDER = 60   # where the family's columns and rows enter the model (families/__init__.py)
FAMILY = ConstraintFamily(
    name="density", label=msg("family.density"),
    variables=(Variables("G", "units missing against the per-million target", _region_modality,
                         upper=_shortfall_upper, cost=_shortfall_weight, elastic_cost=_elastic_cost),
               Variables("Gb", "units missing below the base-year density, up to the target", below_base_index,
                         cost=_below_base_cost)),
    rows=(Rows("density", define_density, what_if="lower",
               dual_words=msg("marginal.density")),
          Rows("density_base", define_density_base, what_if="lower")),
)
