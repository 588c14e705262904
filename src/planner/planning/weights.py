"""How the objective weighs each plan year and each 万元 of capital (used by the cost of every family)."""

from __future__ import annotations

import numpy as np

from planner.data.inputs import PlanInputs


def year_weights(inp: PlanInputs) -> np.ndarray:
    """(Y,) the objective's weight of each plan year: (1 + discount rate)^-(years after the first plan year)."""
    rate = inp.scenario.weights.discount_rate_pct / 100.0
    return (1.0 + rate) ** -np.arange(len(inp.years), dtype=float)


def capital_weights(inp: PlanInputs) -> np.ndarray:
    """(M, Y) what one 万元 of price counts in the objective for a unit bought in each plan year.

    'full_price': the price, discounted to the year of purchase. 'annualised': the price as an annuity over
    the service life L at the discount rate (capital recovery factor r(1+r)^L / ((1+r)^L - 1), or 1/L at
    r = 0), counted for each year the unit serves inside the plan, discounted. A unit bought in the last
    plan year thus counts one year's annuity, not its full price (PyPSA's multi-period 'Type II' rule)."""
    return np.array([life_capital_weights(inp, inp.scenario.modalities[name].service_life_years)
                     for name in inp.modalities]).reshape(len(inp.modalities), len(inp.years))


def life_capital_weights(inp: PlanInputs, life: int) -> np.ndarray:
    """(Y,) capital_weights' row for a unit of service life ``life`` (a modality's, or a class's: supply.py)."""
    disc = year_weights(inp)
    Y = len(inp.years)
    if inp.scenario.weights.capital_valuation == "full_price":
        return disc
    rate = inp.scenario.weights.discount_rate_pct / 100.0
    crf = 1.0 / life if rate == 0 else rate * (1 + rate) ** life / ((1 + rate) ** life - 1)
    return np.array([crf * disc[q: min(q + life, Y)].sum() for q in range(Y)])
