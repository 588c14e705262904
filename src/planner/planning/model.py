"""The planning MIP: index tables, row blocks, bounds and costs, as arrays.

Index sets are built as tables first (one row per variable, PyPSA-style), then every constraint family is
assembled as a sparse (row, column, coefficient) list with numpy. The solver adapter takes the stacked
matrix in one call (planner.solver); pyomo_model.py turns the same arrays into the canonical Pyomo model
when one is wanted. Building this way keeps Python work per nonzero small, which matters at county scale. The mathematics is written out in README.md, "The model".

Variable families (all per year y):
  x[u,y]  integer  new units bought for unit slot u = (region, tier, modality)
  n[u,y]  >= 0     units in service (existing survivors + new units within their service life)
  s[r,t,k,y] >= 0  thousand exams of type k served at tier t by fixed units
  f[r,t,k,y] >= 0  thousand exams referred from tier t to the next tier up
  u[r,t,k,y] >= 0  thousand exams unmet at tier t
  z[a,m,y]   >= 0  thousand exams a mobile modality m based at arc a's base delivers to its target
  cq_out[r,k,y], cq_in[h,k,y] >= 0  thousand top-tier exams of region r served in another region of its
                   parent (catchment.top_tier = 'parent'), and those served at region h for others
  G[r,m,y]   >= 0  units missing against the per-million target (soft targets)
  Gb[r,m,y]  >= 0  units missing below the base-year density (up to the target), which weigh more
Only when the scenario asks for access or equity (or a caller for alternatives), in the last plan year:
  o[k,r]   binary  region r holds at least one whole fixed unit of exam type k
  v[k,r]   binary  a mobile unit of exam type k visits region r (delivers at least the minimum visit)
  w[k,i,l] in [0,1] nothing open at distance level l or nearer to region i (see access.py)
  Z[what]  >= 0    the largest per-million shortfall of a modality, or the longest travel for an exam type
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.planning.access import build_levels, candidate_hosts
from planner.planning.constraints import define_all
from planner.data.inputs import PlanInputs

INF = float("inf")


@dataclass
class Family:
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
        self.families: dict[str, Family] = {}
        self.blocks: dict[str, RowBlock] = {}
        self.budget_offset: dict = {"total": 0.0, "year": None}
        self._index()
        self._build()

    # ------------------------------------------------------------------ index tables
    def _index(self) -> None:
        inp = self.inp
        R, T, M, Y = len(inp.regions), len(inp.tiers), len(inp.modalities), len(inp.years)
        K = len(inp.exam_types)
        # unit slots: (r, t, m) where the tier may hold the modality and the facility limit allows any unit
        rr, tt, mm = np.nonzero((inp.limit > 0) | (inp.stock_base > 0))
        keep = inp.allowed[tt, mm]
        if not inp.scenario.constraints.mobile:
            keep &= ~inp.mobile[mm] | (inp.stock_base[rr, tt, mm] > 0)
        slots = pd.DataFrame({"r": rr[keep], "t": tt[keep], "m": mm[keep]})
        self.slots = slots
        S = len(slots)
        yy = np.arange(Y)
        slot_year = pd.DataFrame({"slot": np.repeat(np.arange(S), Y), "y": np.tile(yy, S)})
        slot_year = slot_year.join(slots, on="slot")
        self._add("x", slot_year)
        self._add("n", slot_year.copy())
        # served: exams of type k that presented at tier o, served at tier t >= o (o < t: referred up
        # t - o steps), where some fixed slot of a modality serving k exists at (r, t). Demand keeps its
        # tier of origin, so unmet exams are counted (and weighted) where they presented.
        fixed = slots[~inp.mobile[slots["m"].to_numpy()]].copy()
        fixed["k"] = inp.serves[fixed["m"].to_numpy()]
        cap_cells = fixed[["r", "t", "k"]].drop_duplicates().sort_values(["r", "t", "k"]).reset_index(drop=True)
        self.cap_cells = _cross_years(cap_cells, Y)            # (r, t, k, y): one capacity row each
        origins = [cap_cells[cap_cells["t"] >= o].assign(o=o) for o in range(T)]
        served = pd.concat(origins, ignore_index=True)[["r", "o", "t", "k"]] if len(cap_cells) else \
            pd.DataFrame({c: pd.Series(dtype=int) for c in ("r", "o", "t", "k")})
        self._add("s", _cross_years(served.sort_values(["r", "o", "t", "k"]), Y))
        # unmet exams at their tier of origin (column t is the origin tier)
        rtk = pd.DataFrame(np.array(np.meshgrid(np.arange(R), np.arange(T), np.arange(K), indexing="ij"))
                           .reshape(3, -1).T, columns=["r", "t", "k"])
        self._add("u", _cross_years(rtk, Y))
        self._index_catchment()
        # mobile deliveries: along every arc from a base holding a slot of a mobile modality
        mob_bases = slots[inp.mobile[slots["m"].to_numpy()]][["r", "m"]].drop_duplicates()
        arcs = inp.arcs.merge(mob_bases, left_on="base", right_on="r").drop(columns="r")
        arcs = arcs.sort_values(["m", "base", "target"]).reset_index(drop=True)
        self._add("z", _cross_years(arcs, Y))
        # density shortfall, for modalities with a target
        target = inp.param("target_per_million")
        use = np.flatnonzero(target > 0) if inp.scenario.constraints.density_targets else np.array([], int)
        rm = pd.DataFrame(np.array(np.meshgrid(np.arange(R), use, indexing="ij")).reshape(2, -1).T,
                          columns=["r", "m"])
        self._add("G", _cross_years(rm, Y))
        # shortfall below the base-year density (up to the target), where it weighs more than the rest
        keep = inp.protected_units() if inp.scenario.weights.shortfall_below_base_year_factor > 1 else None
        gb = _cross_years(rm, Y)
        if keep is None or not len(gb):
            gb = gb.iloc[:0]
        else:
            gb = gb[keep[gb["r"], gb["m"], gb["y"]] > 0]
        self._add("Gb", gb)
        self._index_access_equity()
        if self.elastic:
            n = self.families["n"].index
            need = inp.min_units()[n["r"], n["t"], n["m"], n["y"]]
            self._add("P", pd.DataFrame({"n_row": np.flatnonzero(need > 0)}))           # presence shortfall
            self._add("BT", pd.DataFrame({"what": ["total"]}))                            # budget excess
            self._add("BY", pd.DataFrame({"y": np.arange(Y) if inp.budget_year_wan is not None else []}, dtype=int))
            R = len(inp.regions)
            self._add("SS", pd.DataFrame({"r": np.repeat(np.arange(R), Y), "y": np.tile(np.arange(Y), R)}))

    def _index_catchment(self) -> None:
        """With catchment.top_tier = 'parent': top-tier exams of region r may go to a pool of its parent
        (cq_out[r,k,y]) and be served by the top-tier units of any region h of that parent (cq_in[h,k,y]);
        one balance row per (parent, k, y). Only parents with a host for k get columns."""
        inp = self.inp
        none = pd.DataFrame({"r": pd.Series(dtype=int), "k": pd.Series(dtype=int), "y": pd.Series(dtype=int)})
        out, into = none, none.copy()
        self.pools = pd.DataFrame({"g": pd.Series(dtype=int), "k": pd.Series(dtype=int), "y": pd.Series(dtype=int)})
        if inp.scenario.catchment.top_tier == "parent" and "parent_code" in inp.regions:
            top = len(inp.tiers) - 1
            group = pd.factorize(inp.regions["parent_code"].astype(str))[0]       # (R,) parent group of each region
            hosts = self.cap_cells[self.cap_cells["t"] == top][["r", "k", "y"]].reset_index(drop=True)
            u = self.families["u"].index
            origin = u[(u["t"] == top) & (inp.demand[u["r"], u["t"], u["k"], u["y"]] > 0)][["r", "k", "y"]]

            def pool_of(df: pd.DataFrame) -> pd.MultiIndex:
                return pd.MultiIndex.from_arrays([group[df["r"].to_numpy()], df["k"].to_numpy(), df["y"].to_numpy()])

            # a pool (parent, k, y) needs both an origin and a host
            out = origin[pool_of(origin).isin(pool_of(hosts))].reset_index(drop=True)
            into = hosts[pool_of(hosts).isin(pool_of(out))].reset_index(drop=True)
            self.pools = pool_of(out).unique().to_frame(index=False, name=["g", "k", "y"]).sort_values(
                ["g", "k", "y"]).reset_index(drop=True)
            self.region_group = group
        self._add("cq_out", out)
        self._add("cq_in", into)

    def _index_access_equity(self) -> None:
        """Columns for travel to the nearest unit and for equity, all in the last plan year."""
        inp, acc = self.inp, self.inp.scenario.access
        Y = len(inp.years)
        o_rows, v_rows, w_rows = [], [], []
        if acc.exam_types and not self.elastic and inp.minutes is not None:
            z = self.families["z"].index
            zm = z["m"].to_numpy()
            for name in acc.exam_types:
                k = inp.exam_types.index(name)
                hosts = candidate_hosts(inp, k, self.slots)
                visitable = np.zeros(len(inp.regions), bool)
                if acc.mobile_counts and len(z):
                    sel = inp.mobile[zm] & (inp.serves[zm] == k) & (z["y"].to_numpy() == Y - 1)
                    visitable[z["target"].to_numpy()[sel]] = True
                lv = build_levels(inp.minutes, hosts, visitable, acc.cap_minutes, acc.limit_minutes)
                self.levels[k] = lv
                o_rows.append(pd.DataFrame({"k": k, "r": hosts}))
                v_rows.append(pd.DataFrame({"k": k, "r": np.flatnonzero(visitable)}))
                w_rows.append(pd.DataFrame({"k": k, "i": lv.region, "level": np.arange(len(lv.region))}))
        empty = pd.DataFrame({"k": pd.Series(dtype=int), "r": pd.Series(dtype=int)})
        self._add("o", pd.concat(o_rows, ignore_index=True) if o_rows else empty)
        self._add("v", pd.concat(v_rows, ignore_index=True) if v_rows else empty.copy())
        self._add("w", pd.concat(w_rows, ignore_index=True) if w_rows else
                  pd.DataFrame({"k": pd.Series(dtype=int), "i": pd.Series(dtype=int), "level": pd.Series(dtype=int)}))
        # One Z per measure: the largest shortfall over regions and equity modalities, the longest
        # travel over regions and access exam types.
        z_rows = []
        if self.with_equity:
            built = set(self.families["G"].index["m"].tolist())
            if any(inp.modalities.index(name) in built for name in inp.scenario.equity_modalities):
                z_rows.append({"what": "shortfall"})
            if self.levels:
                z_rows.append({"what": "travel"})
        self._add("Z", pd.DataFrame(z_rows, columns=["what"]))

    def _add(self, name: str, index: pd.DataFrame) -> None:
        offset = sum(len(f) for f in self.families.values())
        self.families[name] = Family(name, index.reset_index(drop=True), offset)

    def col(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        f = self.families[name]
        return f.offset + (np.arange(len(f)) if rows is None else np.asarray(rows))

    def lookup(self, name: str, keys: list[str]) -> dict:
        """Row position of each key tuple in family ``name``'s index table."""
        f = self.families[name]
        return {tuple(v): i for i, v in enumerate(f.index[keys].to_numpy().tolist())}

    # ------------------------------------------------------------------ bounds and objective
    def _bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        inp = self.inp
        ncol = sum(len(f) for f in self.families.values())
        lo, hi = np.zeros(ncol), np.full(ncol, INF)
        integer = np.zeros(ncol, dtype=bool)
        x = self.families["x"].index
        # No bound from the budget here: the budget is a what-if knob that changes without a rebuild
        # (HiGHS's presolve derives that bound from the budget row on each solve anyway).
        hi[self.col("x")] = inp.limit[x["r"], x["t"], x["m"]]
        integer[self.col("x")] = [inp.scenario.modalities[inp.modalities[m]].integer for m in x["m"]]
        n = self.families["n"].index
        hi[self.col("n")] = inp.limit[n["r"], n["t"], n["m"]]
        if not self.elastic:  # elastic: presence rules become rows with slack (see constraints.define_presence)
            lo[self.col("n")] = inp.min_units()[n["r"], n["t"], n["m"], n["y"]]
        G = self.families["G"].index
        hard = np.array([inp.scenario.modalities[m].target_hard for m in inp.modalities])
        if not self.elastic:  # elastic: a hard target's shortfall is allowed and priced instead
            hi[self.col("G", np.flatnonzero(hard[G["m"].to_numpy()]))] = 0.0
        for fam in ("o", "v"):
            hi[self.col(fam)] = 1.0
            integer[self.col(fam)] = True
        hi[self.col("w")] = 1.0
        w = self.families["w"].index
        if inp.scenario.access.require_within_limit:
            # "every region within the limit": the level 'nothing open within the limit' must be 0
            for k, lv in self.levels.items():
                at = lv.beyond[lv.beyond >= 0]
                rows = np.flatnonzero(w["k"].to_numpy() == k)[at]
                hi[self.col("w", rows)] = 0.0
        hi[self.col("Z")] = self.epsilon_bounds()
        return lo, hi, integer

    def epsilon_bounds(self) -> np.ndarray:
        """Upper bounds of the Z columns from the scenario's epsilon constraints (inf = none)."""
        eq = self.inp.scenario.equity
        Z = self.families["Z"].index
        ub = np.full(len(Z), INF)
        if eq.max_shortfall_per_million is not None:
            ub[Z["what"].to_numpy() == "shortfall"] = eq.max_shortfall_per_million
        if eq.max_travel_minutes is not None:
            ub[Z["what"].to_numpy() == "travel"] = eq.max_travel_minutes
        return ub

    def objective_costs(self) -> np.ndarray:
        inp, w = self.inp, self.inp.scenario.weights
        ncol = sum(len(f) for f in self.families.values())
        c = np.zeros(ncol)
        x, n = self.families["x"].index, self.families["n"].index
        price, opex = inp.param("price_wan_cny"), inp.param("running_cost_wan_cny_per_year")
        disc = year_weights(inp)                                         # (Y,) discount factors
        c[self.col("x")] = w.cost_weight * price[x["m"]] * capital_weights(inp)[x["m"], x["y"]]
        if inp.scenario.budget.include_running_cost:
            c[self.col("n")] = w.cost_weight * opex[n["m"]] * disc[n["y"]]
        tier_w = np.array([inp.scenario.tiers[t].unmet_weight for t in inp.tiers])
        u = self.families["u"].index
        c[self.col("u")] = (w.unmet_wan_cny_per_thousand_exams * tier_w[u["t"]]   # the weight of the origin tier
                            * disc[u["y"]])
        s = self.families["s"].index
        c[self.col("s")] = w.referral_wan_cny_per_thousand_exams * (s["t"] - s["o"]).to_numpy(float) * disc[s["y"]]
        z = self.families["z"].index
        c[self.col("z")] = w.mobile_away_wan_cny_per_thousand_exams * (z["base"] != z["target"]) * disc[z["y"]]
        cq = self.families["cq_out"].index
        c[self.col("cq_out")] = w.referral_wan_cny_per_thousand_exams * disc[cq["y"]]   # sent to another region
        G = self.families["G"].index
        short_w = np.array([inp.scenario.shortfall_weight(m) for m in inp.modalities])
        c[self.col("G")] = short_w[G["m"]] * disc[G["y"]]
        Gb = self.families["Gb"].index
        # Gb counts inside G too, so the extra (factor - 1) makes a unit below the base year weigh factor x.
        c[self.col("Gb")] = (w.shortfall_below_base_year_factor - 1.0) * short_w[Gb["m"]] * disc[Gb["y"]]
        acc = inp.scenario.access
        wv = self.families["w"].index
        self.objective_offset = 0.0
        if self.levels and not self.elastic:
            # Travel every region has whatever opens (its nearest possible host, or the cap) and residents
            # no host could ever bring within the limit: constants, kept so the objective is the whole cost.
            pop_last = inp.pop[:, -1]
            for lv in self.levels.values():
                self.objective_offset += acc.travel_wan_cny_per_million_person_minutes * float(pop_last @ lv.base) / 1e6
                self.objective_offset += acc.beyond_limit_wan_cny_per_thousand_people * float(
                    pop_last[lv.no_level_within_limit].sum()) / 1e3
        if len(wv):
            pop = inp.pop[wv["i"].to_numpy(), -1]
            step = np.concatenate([lv.step for lv in self.levels.values()])
            c[self.col("w")] = acc.travel_wan_cny_per_million_person_minutes * pop / 1e6 * step
            if acc.beyond_limit_wan_cny_per_thousand_people:
                for k, lv in self.levels.items():
                    at = lv.beyond[lv.beyond >= 0]
                    rows = np.flatnonzero(wv["k"].to_numpy() == k)[at]
                    c[self.col("w", rows)] += acc.beyond_limit_wan_cny_per_thousand_people * inp.pop[lv.region[at], -1] / 1e3
        if self.elastic:
            # Only relaxations cost: a unit short (target or presence) ~ 100 万元, a staff member 30,
            # a 万元 over budget 1, so the explanation names the cheapest set of rules to relax.
            c[:] = 0.0
            G = self.families["G"].index
            hard = np.array([inp.scenario.modalities[m].target_hard for m in inp.modalities])
            c[self.col("G", np.flatnonzero(hard[G["m"].to_numpy()]))] = 100.0
            c[self.col("P")] = 100.0
            c[self.col("BT")] = 1.0
            c[self.col("BY")] = 1.0
            c[self.col("SS")] = 30.0
        return c

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
        define_all(self)
        self.lower, self.upper, self.integer = self._bounds()
        self.cost = self.objective_costs()
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

    def set_budget(self, total_wan: float | None = None, per_year_wan: list[float] | None = None) -> None:
        """Move the budget rows' right-hand sides (Planner.set_budget keeps the inputs in step); a per-year
        cap can only be changed if the model was built with one. The solver pushes changed rows."""
        if total_wan is not None and "budget_total" in self.blocks:
            self.blocks["budget_total"].upper[0] = float(total_wan) + self.budget_offset["total"]
        if per_year_wan is not None and "budget_year" in self.blocks:
            self.blocks["budget_year"].upper[:] = np.asarray(per_year_wan, float) + self.budget_offset["year"]
        self._sync_pyomo_rhs()

    def set_targets(self, per_million: dict[str, float]) -> bool:
        """Push new per-million targets into the density rows; False if a modality has no density rows
        (it had no target when the model was built), in which case the model must be rebuilt."""
        inp = self.inp
        G = self.families["G"].index
        built = set(G["m"].unique().tolist())
        for name, value in per_million.items():
            if value > 0 and inp.modalities.index(name) not in built:
                return False
        for name, value in per_million.items():
            k = inp.modalities.index(name)
            rows = np.flatnonzero(G["m"].to_numpy() == k)
            self.blocks["density"].lower[rows] = value * inp.pop[G["r"].to_numpy()[rows], G["y"].to_numpy()[rows]] / 1e6
        if "density_base" in self.blocks:
            # the protected level is min(target, base-year density): it moves with the target
            Gb = self.families["Gb"].index
            target = inp.param("target_per_million")
            for name, value in per_million.items():
                target[inp.modalities.index(name)] = value
            self.blocks["density_base"].lower[:] = inp.protected_units(target)[Gb["r"], Gb["m"], Gb["y"]]
        self._sync_pyomo_rhs()
        return True

    def set_objective_cap(self, cap: float) -> None:
        """'Weighted-sum objective <= cap' for alternatives; ``cap`` is the whole objective (the constant
        offset is taken off here, since the row holds only the columns' part)."""
        self.blocks["objective_cap"].upper[0] = float(cap) - self.objective_offset
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
    disc = year_weights(inp)
    Y = len(inp.years)
    if inp.scenario.weights.capital_valuation == "full_price":
        return np.tile(disc, (len(inp.modalities), 1))
    rate = inp.scenario.weights.discount_rate_pct / 100.0
    out = np.zeros((len(inp.modalities), Y))
    for m, name in enumerate(inp.modalities):
        life = inp.scenario.modalities[name].service_life_years
        crf = 1.0 / life if rate == 0 else rate * (1 + rate) ** life / ((1 + rate) ** life - 1)
        for q in range(Y):
            out[m, q] = crf * disc[q: min(q + life, Y)].sum()
    return out


def _cross_years(cells: pd.DataFrame, Y: int) -> pd.DataFrame:
    """Repeat each row of ``cells`` for every plan year (year index varies fastest)."""
    cells = cells.reset_index(drop=True)
    out = cells.loc[np.repeat(cells.index.to_numpy(), Y)].reset_index(drop=True)
    out["y"] = np.tile(np.arange(Y), len(cells))
    return out
