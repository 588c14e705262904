"""The planning MIP: index tables, row blocks, bounds and costs, as arrays.

Index sets are built as tables first (one row per variable, PyPSA-style), then every constraint family is
assembled as a sparse (row, column, coefficient) list with numpy. The solver adapter takes the stacked
matrix in one call (planner.solver); pyomo_model.py turns the same arrays into the canonical Pyomo model
when one is wanted. Building this way keeps Python work per nonzero small, which matters at county scale. The mathematics is written out in README.md, "The model".

The variables and rows are declared by the constraint families in planning/families/ (one module each,
listed once in planning/families/__init__.py); this class builds the index tables, bounds, costs and row
blocks they declare, in their order. The unit slots u = (region, tier, modality) that may hold units are
the model's own: every family indexes by them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.data.inputs import PlanInputs
from planner.planning import families as registry
from planner.planning.families import budget, density, equity, objective_cap

INF = float("inf")


@dataclass
class VariableBlock:
    """One block of variables: a table of its index columns and its offset in the global column list."""

    name: str
    index: pd.DataFrame
    offset: int = 0

    def __len__(self) -> int:
        return len(self.index)


@dataclass
class RowBlock:
    name: str
    rows: int
    cols: np.ndarray
    row_of: np.ndarray
    coefs: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    index: pd.DataFrame  # what each row means (for duals and explanations)


class PlanModel:
    """Builds the Pyomo model for a ``PlanInputs`` and keeps the maps from model to plan."""

    def __init__(self, inp: PlanInputs, elastic: bool = False, equity: bool = False, objective_cap: bool = False):
        """``elastic``: every hard rule (hard targets, presence rules, budgets, staffing) gets a priced
        slack and the objective becomes the size of the smallest relaxation: used to explain why a
        scenario is infeasible (see checks.elastic_explanation).
        ``equity``: build the Z columns (largest shortfall, longest travel) even if the scenario's equity
        section does not need them (for an efficiency-equity frontier).
        ``objective_cap``: add a row 'weighted-sum objective <= cap' with a mutable cap (for alternatives)."""
        self.inp = inp
        self.elastic = elastic
        eq = inp.scenario.equity
        self.with_equity = not elastic and (equity or eq.objective != "efficiency" or
                                            eq.max_shortfall_per_million is not None or
                                            eq.max_travel_minutes is not None)
        self.with_objective_cap = objective_cap and not elastic
        self.levels: dict[int, object] = {}
        self.families: dict[str, VariableBlock] = {}
        self.blocks: dict[str, RowBlock] = {}
        self.budget_offset: dict = {"total": 0.0, "year": None}
        self.cap_cells = self.pools = None  # set by the capacity and catchment families
        self.specs = registry.families()   # the families this model was built from, in order
        self._index()
        self._build()

    # ------------------------------------------------------------------ index tables
    def _index(self) -> None:
        inp = self.inp
        # unit slots: (r, t, m) where the tier may hold the modality and the facility limit allows any unit
        rr, tt, mm = np.nonzero((inp.limit > 0) | (inp.stock_base > 0))
        keep = inp.allowed[tt, mm]
        if not inp.scenario.constraints.mobile:
            keep &= ~inp.mobile[mm] | (inp.stock_base[rr, tt, mm] > 0)
        self.slots = pd.DataFrame({"r": rr[keep], "t": tt[keep], "m": mm[keep]})
        # every family's columns, in family order; the elastic model's slacks after them, in the same order
        for spec in self._variable_specs():
            self._add(spec.name, spec.index(self))

    def _variable_specs(self) -> list:
        specs = [v for fam in self.specs for v in fam.variables if not v.elastic_only]
        if self.elastic:
            specs += [v for fam in self.specs for v in fam.variables if v.elastic_only]
        return specs

    def _add(self, name: str, index: pd.DataFrame) -> None:
        if name in self.families:   # a second family's "w" would silently replace the first's columns
            raise ValueError(f"two constraint families declare a variable named {name!r}: give each its own name")
        offset = sum(len(f) for f in self.families.values())
        self.families[name] = VariableBlock(name, index.reset_index(drop=True), offset)

    def row_spec(self, block: str):
        """The spec of row block ``block`` among the families this model was built from (None if none)."""
        return next((rows for fam in self.specs for rows in fam.rows if rows.name == block), None)

    def col(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        f = self.families[name]
        return f.offset + (np.arange(len(f)) if rows is None else np.asarray(rows))

    def lookup(self, name: str, keys: list[str]) -> dict:
        """Row position of each key tuple in family ``name``'s index table."""
        f = self.families[name]
        return {tuple(v): i for i, v in enumerate(f.index[keys].to_numpy().tolist())}

    # ------------------------------------------------------------------ bounds and objective
    def _bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each family's bounds and integrality ([0, inf) and continuous where it says nothing). No bound
        comes from the budget: the budget is a what-if knob that changes without a rebuild (HiGHS's presolve
        derives that bound from the budget row on each solve anyway)."""
        ncol = sum(len(f) for f in self.families.values())
        lo, hi = np.zeros(ncol), np.full(ncol, INF)
        integer = np.zeros(ncol, dtype=bool)
        for spec in self._variable_specs():
            cols, idx = self.col(spec.name), self.families[spec.name].index
            if spec.lower is not None:
                lo[cols] = spec.lower(self, idx)
            if spec.upper is not None:
                hi[cols] = spec.upper(self, idx)
            if spec.integer is not None:
                integer[cols] = spec.integer(self, idx)
        return lo, hi, integer

    def epsilon_bounds(self) -> np.ndarray:
        """Upper bounds of the Z columns from the scenario's epsilon constraints (inf = none)."""
        return equity.epsilon_bounds(self)

    def objective_costs(self) -> np.ndarray:
        """Each family's costs. The elastic model prices only the relaxations (a unit short of a target or a
        presence rule ~ 100 万元, a staff member 30, a 万元 over budget 1), so the explanation names the
        cheapest set of rules to relax."""
        c = np.zeros(sum(len(f) for f in self.families.values()))
        for spec in self._variable_specs():
            hook = spec.elastic_cost if self.elastic else spec.cost
            if hook is not None:
                c[self.col(spec.name)] = hook(self, self.families[spec.name].index)
        return c

    def _objective_offset(self) -> float:
        """The objective's constant: what the families count whatever the plan (e.g. travel nobody can shorten)."""
        if self.elastic:
            return 0.0
        return float(sum(fam.objective_offset(self) for fam in self.specs if fam.objective_offset is not None))

    # ------------------------------------------------------------------ constraint blocks
    def add_rows(self, name, rows, cols, coefs, lower, upper, index) -> None:
        """Add row block ``name``: (row, column, coefficient) triples as lists of arrays, the rows' bounds and a
        table saying what each row means (for duals and explanations). Zero coefficients are dropped."""
        row_of = np.concatenate([np.asarray(r, dtype=np.int64) for r in rows])
        col = np.concatenate([np.asarray(c, dtype=np.int64) for c in cols])
        coef = np.concatenate([np.asarray(c, dtype=float) for c in coefs])
        keep = coef != 0
        self.blocks[name] = RowBlock(name, len(index), col[keep], row_of[keep], coef[keep],
                                     np.asarray(lower, float), np.asarray(upper, float),
                                     index.reset_index(drop=True))

    # ------------------------------------------------------------------ the whole model
    def _build(self) -> None:
        for fam in self.specs:
            for rows in fam.rows:
                rows.build(self)
        self.lower, self.upper, self.integer = self._bounds()
        self.cost = self.objective_costs()
        self.objective_offset = self._objective_offset()
        first = np.cumsum([0] + [b.rows for b in self.blocks.values()])
        self.row_start = dict(zip(self.blocks, first[:-1].tolist()))
        self.solution: np.ndarray | None = None  # one value per column, set by the solver
        self._pyomo = None

    def matrix(self) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Every row block stacked in ``self.blocks`` order (block ``name`` starts at ``row_start[name]``):
        the sparse matrix and the row bounds, as they are now (what-if changes included)."""
        blocks = list(self.blocks.values())
        rows = np.concatenate([b.row_of + self.row_start[b.name] for b in blocks] + [np.zeros(0, np.int64)])
        cols = np.concatenate([b.cols for b in blocks] + [np.zeros(0, np.int64)])
        coefs = np.concatenate([b.coefs for b in blocks] + [np.zeros(0)])
        n_rows = sum(b.rows for b in blocks)
        A = sp.csr_matrix((coefs, (rows, cols)), shape=(n_rows, len(self.cost)))
        return A, self.row_bounds()[0], self.row_bounds()[1]

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        blocks = list(self.blocks.values())
        return (np.concatenate([b.lower for b in blocks] + [np.zeros(0)]),
                np.concatenate([b.upper for b in blocks] + [np.zeros(0)]))

    @property
    def model(self):
        """The same model as a Pyomo ConcreteModel, built on first use: the canonical, solver-independent
        form (for another solver through Pyomo, or an LP/MPS file). The HiGHS path does not need it."""
        if self._pyomo is None:
            # here, not at the top: Pyomo (~0.4 s to import) is only for this canonical form; the HiGHS path
            # never loads it (pyomo_model names PlanModel for type checking only)
            from planner.planning.pyomo_model import to_pyomo

            self._pyomo = to_pyomo(self)
        return self._pyomo

    # ------------------------------------------------------------------ reading values back
    def values(self, name: str) -> np.ndarray:
        """The solution's values of one variable family (zeros before a solve)."""
        f = self.families[name]
        if self.solution is None:
            return np.zeros(len(f))
        return self.solution[f.offset: f.offset + len(f)].copy()

    def fix_columns(self, cols: np.ndarray, values: np.ndarray) -> None:
        """Fix columns at values (lower = upper) before a solver is made: e.g. to price a given plan."""
        cols = np.asarray(cols, dtype=np.int64)
        self.lower[cols] = values
        self.upper[cols] = values
        if self._pyomo is not None:
            for j, v in zip(cols, values):
                self._pyomo.v[int(j)].fix(float(v))

    # What-ifs that move right-hand sides without a rebuild: each family moves its own rows (the rows'
    # specs name the side, Rows.what_if); the Pyomo mirror follows, and the solver pushes changed rows.
    def set_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None) -> None:
        """Planner.set_budget keeps the inputs in step; a per-year cap can only be changed if the model was
        built with one."""
        budget.move_budget(self, total_wan, per_year_wan)
        self._sync_pyomo_rhs()

    def set_targets(self, per_million: dict[str, float]) -> bool:
        """False if a modality has no density rows (it had no target when the model was built), in which
        case the model must be rebuilt."""
        moved = density.move_targets(self, per_million)
        self._sync_pyomo_rhs()
        return moved

    def set_objective_cap(self, cap: float) -> None:
        """'Weighted-sum objective <= cap' for alternatives; ``cap`` is the whole objective."""
        objective_cap.move_cap(self, cap)
        self._sync_pyomo_rhs()

    def _sync_pyomo_rhs(self) -> None:
        if self._pyomo is not None:
            from planner.planning.pyomo_model import sync_rhs   # lazy as in .model: only once Pyomo is loaded

            sync_rhs(self, self._pyomo)

    @property
    def size(self) -> dict[str, int]:
        return {"columns": len(self.cost), "integer_columns": int(self.integer.sum()),
                "rows": sum(b.rows for b in self.blocks.values()),
                "nonzeros": sum(len(b.coefs) for b in self.blocks.values())}
