"""A province's MIP split into independent blocks (in practice, its counties) once the rows that link them
are priced: the Lagrangian step inside a province that ``planner.decompose`` takes for the national county
model.

A province of the national county model has 100-200 counties; one HiGHS run over all of them spends its
few seconds on a root node that never finishes (Henan, 8,945 integer columns: 11 % at 2.4 s). Inside a
province the counties are linked only by a few row families (mobile units that serve their neighbours:
``mobile_capacity``). With those rows moved into the objective at prices ``y`` (their LP duals at the same
budget price), what is left falls apart into blocks, found here as the connected components of the
remaining rows, each a small MIP that HiGHS closes in a fraction of a second. Then:

  bound  = sum of the blocks' proven bounds + sum_i y_i * rhs_i  (rhs_i the row's bound that y_i prices)
           a Lagrangian bound, valid for ANY prices of the right sign, whatever the blocks' gaps;
  plan   = every block's whole purchases, with the continuous columns (flows, unmet demand) re-optimised
           on the province model with the linking rows back in (HighsModel.complete): a feasible plan.

Blocks persist on their HiGHS objects between solves (only costs change), as the province model does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from planner.solver import HighsModel, Status

LINKING_BLOCKS = ("mobile_capacity",)  # row families priced out: the only ones linking counties in a province
BLOCK_SECONDS = (0.05, 0.3)            # each block MIP's time limit lies in this range (seconds)
SMALL_BLOCK = 40                        # blocks with fewer columns are solved together (one HiGHS call)


@dataclass
class BlockSolve:
    bound: float               # Lagrangian bound on the province problem at these costs (-inf if none)
    values: np.ndarray         # the integer columns' values (province order), NaN where a block has no plan
    seconds: float
    blocks: int                # blocks whose MIP gave a plan
    gaps: float                # sum over blocks of (plan - bound), in objective units


class ProvinceBlocks:
    """The blocks of one province model: ``matrix`` (rows x columns), its row and column bounds and
    integrality, and ``linking`` (row indices priced out). Rows free on both sides (the budget rows, which
    enter through λ) link nothing."""

    def __init__(self, matrix, row_lower, row_upper, lower, upper, integer, linking: np.ndarray, seed: int = 0):
        A = sp.csr_matrix(matrix)
        n_rows, n_cols = A.shape
        self.linking = np.asarray(linking, dtype=np.int64)
        self.link_matrix = A[self.linking]
        self.link_lower, self.link_upper = np.asarray(row_lower)[self.linking], np.asarray(row_upper)[self.linking]
        keep = np.ones(n_rows, dtype=bool)
        keep[self.linking] = False
        keep &= np.isfinite(row_lower) | np.isfinite(row_upper)
        rows = np.flatnonzero(keep)
        B = A[rows].tocoo()
        # bipartite graph: columns 0..n_cols-1, rows n_cols.. ; a component is a block
        g = sp.coo_matrix((np.ones(B.nnz), (B.col, n_cols + B.row)), shape=(n_cols + len(rows),) * 2)
        _, label = connected_components(g, directed=False)
        col_label, row_label = label[:n_cols], label[n_cols:]
        sizes = np.bincount(col_label, minlength=label.max() + 1)
        small = sizes[col_label] < SMALL_BLOCK
        # every small component into one block (block-diagonal, so still exact), the rest one block each
        col_label = np.where(small, -1, col_label)
        row_small = np.isin(row_label, np.unique(label[:n_cols][small])) if small.any() else np.zeros(len(rows), bool)
        row_label = np.where(row_small, -1, row_label)
        self.integer = np.asarray(integer, dtype=bool)
        self.blocks: list[tuple[np.ndarray, HighsModel]] = []
        Acsc = A.tocsc()
        for b in np.unique(col_label):
            cols = np.flatnonzero(col_label == b)
            brows = rows[row_label == b]
            sub = Acsc[:, cols].tocsr()[brows]
            h = HighsModel(np.zeros(len(cols)), np.asarray(lower)[cols], np.asarray(upper)[cols], self.integer[cols],
                           sub, np.asarray(row_lower)[brows], np.asarray(row_upper)[brows], threads=1, seed=seed)
            self.blocks.append((cols, h))

    def prices(self, row_dual: np.ndarray) -> np.ndarray:
        """HiGHS's LP duals of the linking rows, clipped to the sign a Lagrangian bound needs: a row priced
        at y < 0 (a binding upper side, minimising) needs a finite upper bound, at y > 0 a finite lower."""
        y = np.asarray(row_dual, dtype=float)[self.linking]
        y = np.where(np.isfinite(self.link_upper), y, np.maximum(y, 0.0))
        return np.where(np.isfinite(self.link_lower), y, np.minimum(y, 0.0))

    def solve(self, cost: np.ndarray, y: np.ndarray, seconds: float, gap: float) -> BlockSolve:
        """Every block at costs ``cost - linking' y``, each MIP for its share of ``seconds`` (within
        BLOCK_SECONDS), largest first. A block whose MIP proves no bound in its time counts its LP
        relaxation's; blocks left when ``seconds`` is up count only their LP and have no plan (their values
        are NaN: the caller completes them)."""
        t0 = time.perf_counter()
        c = np.asarray(cost, dtype=float) - self.link_matrix.T @ y
        constant = float(np.sum(np.where(y < 0, y * np.where(np.isfinite(self.link_upper), self.link_upper, 0.0),
                                         y * np.where(np.isfinite(self.link_lower), self.link_lower, 0.0))))
        each = float(np.clip(seconds / max(len(self.blocks), 1), *BLOCK_SECONDS))
        bound, gaps, values, solved = constant, 0.0, np.full(len(c), np.nan), 0
        for cols, h in sorted(self.blocks, key=lambda b: -len(b[0])):
            h.set_costs(np.arange(len(cols)), c[cols])
            r = None
            if h.integer.any() and time.perf_counter() - t0 < seconds:
                r = h.solve(each, gap)
                if r.x is not None and r.status in (Status.OPTIMAL, Status.TIME_LIMIT):
                    values[cols] = r.x
                    solved += 1
            b = None if r is None else r.bound
            if b is None or not np.isfinite(b):
                with h.relaxed():
                    lp = h.solve(max(each, 1.0))
                b = lp.bound if lp.status == Status.OPTIMAL else None
                if not h.integer.any() and lp.x is not None:
                    values[cols] = lp.x
            if b is None:
                bound = -np.inf
            else:
                bound += b
                if r is not None and r.objective is not None:
                    gaps += max(r.objective - b, 0.0)
        ints = np.flatnonzero(self.integer)
        return BlockSolve(bound, values[ints], time.perf_counter() - t0, solved, gaps)
