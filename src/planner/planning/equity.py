"""Equity measures of a distribution of units over regions, as the Chinese equity literature reports them.

Gini and Theil indices of units per million residents across regions, each region weighted by its
population (Du et al. 2024, 中华放射医学与防护杂志 44(9):776-782, report population Gini 0.101-0.304 for
radiodiagnostic equipment; see ../shared/notes/anchors.md §3.2), and the largest per-million shortfall
against the scenario's target, the measure the equity objective minimises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.data.inputs import PlanInputs


def gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Population-weighted Gini: sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean). 0 = equal, 1 = one region
    has everything. Computed in O(n log n) from the sorted cumulative shares (Lorenz curve)."""
    x, w = np.asarray(values, float), np.asarray(weights, float)
    keep = w > 0
    x, w = x[keep], w[keep]
    total = float(np.sum(w * x))
    if len(x) == 0 or total <= 0:
        return 0.0
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    pw = w / w.sum()                          # population shares
    cum_x = np.cumsum(w * x) / total          # Lorenz curve at each region
    prev = np.concatenate([[0.0], cum_x[:-1]])
    return float(1.0 - np.sum(pw * (cum_x + prev)))


def theil(values: np.ndarray, weights: np.ndarray) -> float:
    """Population-weighted Theil T: sum_i (w_i/W) (x_i/mean) ln(x_i/mean), with 0 ln 0 = 0."""
    x, w = np.asarray(values, float), np.asarray(weights, float)
    keep = w > 0
    x, w = x[keep], w[keep]
    if len(x) == 0:
        return 0.0
    mean = float(np.average(x, weights=w))
    if mean <= 0:
        return 0.0
    r = x / mean
    terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float(np.sum(w / w.sum() * terms))


def per_million(inp: PlanInputs, units_rtm: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """(R, M) units per million residents, all tiers together."""
    return units_rtm.sum(axis=1) / np.maximum(pop, 1.0)[:, None] * 1e6


def equity_table(inp: PlanInputs, in_service_rtm: np.ndarray) -> pd.DataFrame:
    """Per modality, before (stock at the end of the base year, base-year population projected to the first
    plan year) and after (in service in the last plan year): Gini, Theil, the lowest density and the largest
    per-million shortfall against the target."""
    target = inp.param("target_per_million")
    rows = []
    for when, units, pop in (("before", inp.stock_base, inp.pop[:, 0]), ("after", in_service_rtm, inp.pop[:, -1])):
        dens = per_million(inp, units, pop)
        for m, name in enumerate(inp.modalities):
            short = np.maximum(target[m] - dens[:, m], 0.0) if target[m] > 0 else np.zeros(len(pop))
            rows.append({"modality": name, "when": when, "gini": gini(dens[:, m], pop),
                         "theil": theil(dens[:, m], pop), "min_per_million": float(dens[:, m].min()),
                         "target_per_million": float(target[m]),
                         "largest_shortfall_per_million": float(short.max()) if len(short) else 0.0})
    return pd.DataFrame(rows)


def largest_shortfall(inp: PlanInputs, in_service_rtm: np.ndarray, modalities: list[str]) -> float:
    """The equity objective's measure (the model's Z): the largest per-million shortfall against the
    target in the last plan year, over regions and the given modalities."""
    target = inp.param("target_per_million")
    dens = per_million(inp, in_service_rtm, inp.pop[:, -1])
    worst = 0.0
    for name in modalities:
        m = inp.modalities.index(name)
        if len(dens):
            worst = max(worst, float(np.maximum(target[m] - dens[:, m], 0.0).max()))
    return worst
