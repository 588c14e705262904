"""The purchase rows of a built PlanModel: what rounding purchases to whole units must keep.

Rounding the LP relaxation (solve.rounded_purchases) and the 'buy only what the rules require' plan
(solve.mandated_purchases) need to know how much room the model leaves for one more unit, or one fewer.
They read it here from the rows the model already holds, not from rules coded a second time, so a new
constraint family that limits purchases is respected without any change to the rounding.

Columns: x[slot, y] (purchases) and n[slot, y] (units in service), both in PlanModel's slot-year order
(year fastest). The stock rows say n = surviving + the purchases still in service; n is derived from x
with those rows (n = b + N x), never from the service life again.

Purchase rows: every row (the stock rows apart) whose nonzero columns are all x or n columns, columns
fixed by their bounds (a hard target's shortfall G has upper bound 0, so its density row is one; a soft
target's G is free, so its row is not), or columns a family completes from purchases (Variables.completion:
domestic units and a class and origin at the cheapest choice that keeps the rules unit by unit), so budget
rows with domestic and class terms are rows over purchases too (a rounded plan that fits them can be
completed into one that fits the model). Lease columns have no completion (a lease moves money between
years, which no per-unit completion says), so a budget row with them is not one. Written in x alone:
K x in [lo, hi], with n = b + N x put in and fixed columns moved to the bounds. The column bounds of n (facility limits, presence rules) are rows of K
too (the last ones, ``N``); the column bounds of x are kept apart. Rounding works on cumulative
purchases rc (slots x years): one more unit in slot s from year y on is x[s, y] + 1.

A change is allowed when every row it touches stays within its bounds, or at least gets no further out
of them (rounding may start from a plan that breaks a row, and works to mend it).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from planner.planning.model import PlanModel

TOL = 1e-6
N_BOUNDS = "n bounds"   # the name of the rows that are n's column bounds


def budget_row_bounds(pm: PlanModel, budget: tuple[float, np.ndarray | None] | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """PlanModel's row bounds as they are now, with ``budget`` = (total, per-year or None), in 万元 of
    purchases (the offsets of running costs added, as they sit in the rows), on the budget rows where a
    caller holds tighter budget rows in HiGHS than ``pm`` (a province solved for its share). Per-year
    None leaves the per-year rows open."""
    lo, hi = (b.copy() for b in pm.row_bounds())
    if budget is not None:
        total, years = budget
        if "budget_total" in pm.blocks:
            hi[pm.row_start["budget_total"]] = float(total) + pm.budget_offset["total"]
        if "budget_year" in pm.blocks:
            at = pm.row_start["budget_year"] + np.arange(pm.blocks["budget_year"].rows)
            hi[at] = np.inf if years is None else np.asarray(years, float) + pm.budget_offset["year"]
    return lo, hi


def completions(pm: PlanModel, ncol: int) -> tuple[np.ndarray, np.ndarray]:
    """For every column a family completes from purchases (Variables.completion): the x column it follows
    (-1 for the others) and its value per unit of that x."""
    of, share = np.full(ncol, -1, np.int64), np.zeros(ncol)
    for fam in pm.specs:
        for var in fam.variables:
            idx = pm.families[var.name].index if var.completion is not None and var.name in pm.families else None
            if idx is not None and len(idx):
                cols = pm.col(var.name)
                of[cols] = pm.col("x", idx["x_row"].to_numpy())
                share[cols] = var.completion(pm, idx)
    return of, share


class PurchaseRows:
    """K x in [lo, hi] over the x columns (see the module docstring), with x's own bounds."""

    def __init__(self, pm: PlanModel, row_lower: np.ndarray | None = None, row_upper: np.ndarray | None = None,
                 col_lower: np.ndarray | None = None, col_upper: np.ndarray | None = None):
        S, Y = len(pm.slots), len(pm.inp.years)
        self.S, self.Y = S, Y
        X = S * Y
        ncol = len(pm.cost)
        rlo, rhi = pm.row_bounds() if row_lower is None else (np.asarray(row_lower, float), np.asarray(row_upper, float))
        clo = np.asarray(pm.lower if col_lower is None else col_lower, float)[:ncol]
        chi = np.asarray(pm.upper if col_upper is None else col_upper, float)[:ncol]
        xoff, noff = pm.families["x"].offset, pm.families["n"].offset
        is_x, is_n = np.zeros(ncol, bool), np.zeros(ncol, bool)
        is_x[pm.col("x")], is_n[pm.col("n")] = True, True
        fixed = (clo == chi) & ~is_x & ~is_n
        # columns a family completes from purchases (Variables.completion): column j = share[j] x[of[j]]
        of, share = completions(pm, ncol)
        done = (of >= 0) & ~fixed

        # n = b + N x, from the stock rows (one n column each)
        st = pm.blocks["stock"]
        on_n, on_x = is_n[st.cols], is_x[st.cols]
        n_of_row = np.full(st.rows, -1, np.int64)
        n_coef = np.ones(st.rows)
        n_of_row[st.row_of[on_n]] = st.cols[on_n] - noff
        n_coef[st.row_of[on_n]] = st.coefs[on_n]
        const = np.zeros(st.rows)
        np.add.at(const, st.row_of[fixed[st.cols]], st.coefs[fixed[st.cols]] * clo[st.cols[fixed[st.cols]]])
        has = n_of_row >= 0
        b = np.zeros(X)
        b[n_of_row[has]] = ((st.lower - const) / n_coef)[has]
        r = st.row_of[on_x]
        keep = n_of_row[r] >= 0
        N = sp.csr_matrix((-st.coefs[on_x][keep] / n_coef[r[keep]], (n_of_row[r[keep]], st.cols[on_x][keep] - xoff)),
                          shape=(X, X))

        # purchase rows: every other row over x, n and fixed columns only
        ri, rj, rv, rn, kept, names = [], [], [], [], [], []   # x part, n part (as rows, cols, coefs)
        shift_const = []
        count = 0
        for name, blk in pm.blocks.items():
            if name == "stock" or not blk.rows:
                continue
            c = blk.cols
            mine = is_x[c] | is_n[c]
            bad = np.zeros(blk.rows, bool)
            bad[blk.row_of[~(mine | fixed[c] | done[c])]] = True
            touch = np.zeros(blk.rows, bool)
            touch[blk.row_of[mine | done[c]]] = True
            rows = np.flatnonzero(touch & ~bad)
            if not len(rows):
                continue
            new = np.full(blk.rows, -1, np.int64)
            new[rows] = count + np.arange(len(rows))
            e = new[blk.row_of] >= 0
            cols, coefs = c[e].copy(), blk.coefs[e].copy()
            sub = done[cols]                       # a completed column: its share of its purchase's x
            coefs[sub] *= share[cols[sub]]
            cols[sub] = of[cols[sub]]
            ri.append(new[blk.row_of[e]]), rj.append(cols), rv.append(coefs)
            kept.append(pm.row_start[name] + rows)
            names.append(np.full(len(rows), name, dtype=object))
            count += len(rows)
        R = count
        ri = np.concatenate(ri + [np.zeros(0, np.int64)])
        rj = np.concatenate(rj + [np.zeros(0, np.int64)])
        rv = np.concatenate(rv + [np.zeros(0)])
        self.rows = np.concatenate(kept + [np.zeros(0, np.int64)])   # their positions in pm.matrix()
        ex, en, ef = is_x[rj], is_n[rj], fixed[rj]
        Kx = sp.csr_matrix((rv[ex], (ri[ex], rj[ex] - xoff)), shape=(R, X))
        Kn = sp.csr_matrix((rv[en], (ri[en], rj[en] - noff)), shape=(R, X))
        shift = Kn @ b + np.bincount(ri[ef], rv[ef] * clo[rj[ef]], minlength=R)
        K = (Kx + Kn @ N).tocsr()
        n_lo, n_hi = clo[pm.col("n")], chi[pm.col("n")]
        self.K = sp.vstack([K, N]).tocsr()
        self.Kc = self.K.tocsc()
        self.Kc.sort_indices()
        self.lo = np.concatenate([rlo[self.rows] - shift, n_lo - b])
        self.hi = np.concatenate([rhi[self.rows] - shift, n_hi - b])
        self.names = np.concatenate(names + [np.full(X, N_BOUNDS, dtype=object)])
        self.n_rows = R                     # rows before the n bounds
        self.N, self.b = N, b
        self.x_lo, self.x_hi = clo[pm.col("x")], chi[pm.col("x")]
        # every coefficient >= 0: adding units only raises activities, so a unit that does not fit now
        # never fits after more are added (used to skip known misfits when topping up)
        self.monotone = bool((self.K.data >= 0).all())
        self.tol_hi = TOL * np.maximum(1.0, np.abs(np.where(np.isfinite(self.hi), self.hi, 0.0)))
        self.tol_lo = TOL * np.maximum(1.0, np.abs(np.where(np.isfinite(self.lo), self.lo, 0.0)))

    @classmethod
    def of(cls, pm: PlanModel, budget: tuple[float, np.ndarray | None] | None = None, highs=None) -> PurchaseRows:
        """The purchase rows of ``pm`` with its row bounds as they are now (``budget`` on the budget rows, see
        budget_row_bounds) and the column bounds ``highs`` holds, if given (it holds PlanModel's columns
        first; its rows may be in another order, so they are not read from it)."""
        lo, hi = budget_row_bounds(pm, budget)
        if highs is None:
            return cls(pm, lo, hi)
        return cls(pm, lo, hi, np.asarray(highs.lower), np.asarray(highs.upper))

    @property
    def blocks(self) -> set[str]:
        """The names of the row blocks that hold purchase rows."""
        return set(self.names[: self.n_rows].tolist())

    def x_of(self, rc: np.ndarray) -> np.ndarray:
        return np.diff(rc, axis=1, prepend=0.0).ravel()

    def activity(self, rc: np.ndarray) -> np.ndarray:
        """K x for cumulative purchases ``rc`` (slots x years): the purchase rows, then n."""
        return self.K @ self.x_of(rc)

    def violation(self, rc: np.ndarray) -> float:
        """The largest amount by which ``rc`` breaks a purchase row or a bound (0: it keeps them all)."""
        act, x = self.activity(rc), self.x_of(rc)
        return float(max(np.max(act - self.hi, initial=0.0), np.max(self.lo - act, initial=0.0),
                         np.max(x - self.x_hi, initial=0.0), np.max(self.x_lo - x, initial=0.0)))

    def room(self, rc: np.ndarray) -> Room:
        """A mutable view of ``rc`` (changed in place) with its row activities kept up to date."""
        return Room(self, rc)

    def raise_to_lower(self, rc: np.ndarray, rows_too: bool = True) -> np.ndarray:
        """Raise cumulative purchases so that the lower limits hold: first n's column lower bounds
        (presence rules), year by year; then (``rows_too``) every lower-bounded purchase row that is short
        (a hard density target), by units in the slot and year of the row with the most room (every upper
        row and bound kept; if none has room, the one with the most room under the bounds alone). Returns
        a new array."""
        S, Y = self.S, self.Y
        x = self.x_of(rc).copy()
        lo_n = self.lo[self.n_rows:]
        diag = self.N.diagonal()
        for y in range(Y):
            p = np.arange(S) * Y + y
            have = self.N[p] @ x
            short = lo_n[p] - have
            need = np.where((short > 1e-9) & (diag[p] > 0), np.ceil(short / np.where(diag[p] > 0, diag[p], 1.0) - 1e-9), 0.0)
            x[p] += np.maximum(need, 0.0)
        rc = np.cumsum(x.reshape(S, Y), axis=1)
        if not rows_too:
            return rc
        room = self.room(rc)
        for i in np.flatnonzero(np.isfinite(self.lo[: self.n_rows])):
            for _ in range(S * Y + 1):
                short = self.lo[i] - room.act[i]
                if short <= self.tol_lo[i]:
                    break
                row = self.K.getrow(i)
                cand = row.indices[row.data > 0]
                coef = row.data[row.data > 0]
                if not len(cand):
                    break
                units = room.units_free(cand)
                if not (units >= 1).any():
                    units = room.units_free(cand, bounds_only=True)
                # most room, then the latest year (bought when it is first needed)
                best = np.lexsort((cand % Y, units))[-1]
                need = np.ceil(short / coef[best] - 1e-9)
                add = min(need, units[best]) if units[best] >= 1 else need
                room.apply(cand[best: best + 1], np.array([add]))
        return room.rc


class Room:
    """Cumulative purchases ``rc`` (slots x years, changed in place), x and the activities K x."""

    def __init__(self, rows: PurchaseRows, rc: np.ndarray):
        self.p, self.rc = rows, rc
        self.x = rows.x_of(rc).copy()
        self.act = rows.K @ self.x

    def _delta(self, cols: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows a change of x[cols] by vals touches, and how much each moves."""
        Kc = self.p.Kc
        start, end = Kc.indptr[cols], Kc.indptr[cols + 1]
        length = end - start
        if len(cols) == 1:
            at = np.arange(start[0], end[0])
        else:
            at = np.repeat(start - np.cumsum(length) + length, length) + np.arange(length.sum())
        rows = Kc.indices[at]
        d = Kc.data[at] * np.repeat(vals, length)
        if len(cols) == 1:
            return rows, d
        u, inv = np.unique(rows, return_inverse=True)
        return u, np.bincount(inv, d, minlength=len(u))

    def fits(self, cols, vals, mend: int | None = None) -> bool:
        """x[cols] += vals keeps x's bounds and every row it touches within its bounds, or no further out
        of them; with ``mend`` (a row), it must also lower that row's activity."""
        p = self.p
        cols, vals = np.asarray(cols, np.int64), np.asarray(vals, float)
        new_x = self.x[cols] + vals
        if ((vals > 0) & (new_x > p.x_hi[cols] + TOL)).any() or ((vals < 0) & (new_x < p.x_lo[cols] - TOL)).any():
            return False
        rows, d = self._delta(cols, vals)
        new = self.act[rows] + d
        ok = ((new <= p.hi[rows] + p.tol_hi[rows]) | (d <= 1e-12)) & ((new >= p.lo[rows] - p.tol_lo[rows]) | (d >= -1e-12))
        if not ok.all():
            return False
        if mend is not None:
            hit = rows == mend
            return bool(hit.any() and d[hit].sum() < -1e-12)
        return True

    def apply(self, cols, vals) -> None:
        cols, vals = np.asarray(cols, np.int64), np.asarray(vals, float)
        rows, d = self._delta(cols, vals)
        self.act[rows] += d
        np.add.at(self.x, cols, vals)
        Y = self.p.Y
        for j, v in zip(cols.tolist(), vals.tolist()):
            self.rc[j // Y, j % Y:] += v

    def try_apply(self, cols, vals, mend: int | None = None) -> bool:
        if self.fits(cols, vals, mend):
            self.apply(cols, vals)
            return True
        return False

    def addable(self) -> np.ndarray:
        """(slots x years) whether one more unit in each slot from each year on fits now, for all at once."""
        p, Kc = self.p, self.p.Kc
        col = np.repeat(np.arange(Kc.shape[1]), np.diff(Kc.indptr))
        new = self.act[Kc.indices] + Kc.data
        bad = ((Kc.data > 0) & (new > p.hi[Kc.indices] + p.tol_hi[Kc.indices])) | \
              ((Kc.data < 0) & (new < p.lo[Kc.indices] - p.tol_lo[Kc.indices]))
        ok = np.bincount(col[bad], minlength=Kc.shape[1]) == 0
        ok &= self.x + 1 <= p.x_hi + TOL
        return ok.reshape(p.S, p.Y)

    def units_free(self, cols: np.ndarray, bounds_only: bool = False) -> np.ndarray:
        """How many whole units each of x[cols] can still rise by, every upper row (``bounds_only``: only
        n's bounds) and x's upper bound kept."""
        p, Kc = self.p, self.p.Kc
        out = np.floor(p.x_hi[cols] - self.x[cols] + TOL)
        for i, j in enumerate(cols.tolist()):
            sl = slice(Kc.indptr[j], Kc.indptr[j + 1])
            r, a = Kc.indices[sl], Kc.data[sl]
            use = a > 0
            if bounds_only:
                use &= r >= p.n_rows
            if use.any():
                left = (p.hi[r[use]] + p.tol_hi[r[use]] - self.act[r[use]]) / a[use]
                out[i] = min(out[i], np.floor(left.min()))
        return np.maximum(out, 0.0)
