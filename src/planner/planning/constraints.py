"""One function per constraint family of the planning model (PyPSA's optimization/constraints.py is the
model): each adds one row block to a PlanModel with ``pm.add_rows``. The mathematics is in README.md,
"The model"; the symbols are PlanModel's variable families (see model.py).

Families, in the order they are added (the order of the rows handed to HiGHS):
  stock, capacity, mobile_capacity, demand, density, budget_total / budget_year, presence (elastic only),
  staffing, then, when access or equity is asked for, access_host, access_visit, access_levels, equity,
  and objective_cap (alternatives).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.planning.model import PlanModel

INF = float("inf")


def define_stock(pm: PlanModel) -> None:
    """stock: n[u,y] - sum_{q<=y, y-q<life} x[u,q] = surviving[u,y]."""
    inp = pm.inp
    Y = len(inp.years)
    life = inp.param("service_life_years").astype(int)
    n = pm.families["n"].index
    rows, cols, coefs = [np.arange(len(n))], [pm.col("n")], [np.ones(len(n))]
    for lag in range(Y):
        sel = np.flatnonzero((n["y"].to_numpy() >= lag) & (life[n["m"].to_numpy()] > lag))
        rows.append(sel)
        cols.append(pm.col("x", sel - lag))  # x rows share n's (slot, y) order
        coefs.append(-np.ones(len(sel)))
    rhs = inp.surviving[n["r"], n["t"], n["m"], n["y"]]
    pm.add_rows("stock", rows, cols, coefs, rhs, rhs, n[["r", "t", "m", "y"]])


def define_capacity(pm: PlanModel) -> None:
    """capacity of fixed units: sum over origins o <= t of s[r,o,t,k,y] - sum_m cap_m n[(r,t,m),y] <= 0."""
    inp = pm.inp
    scn = pm.inp.scenario
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0  # thousand exams per unit-year
    n = pm.families["n"].index
    s = pm.families["s"].index
    cells = pm.cap_cells
    if len(s) and scn.constraints.capacity:
        pos = {k: i for i, k in enumerate(zip(cells["r"], cells["t"], cells["k"], cells["y"]))}
        nf = n[~inp.mobile[n["m"].to_numpy()]]
        nrow = np.array([pos[k] for k in zip(nf["r"], nf["t"], inp.serves[nf["m"].to_numpy()], nf["y"])])
        srow = np.array([pos[k] for k in zip(s["r"], s["t"], s["k"], s["y"])])
        rows = [srow, nrow]
        cols = [pm.col("s"), pm.col("n", nf.index.to_numpy())]
        coefs = [np.ones(len(s)), -cap[nf["m"].to_numpy()]]
        cq = pm.families["cq_in"].index
        if len(cq):  # top-tier exams of other regions of the parent, served here
            top = len(inp.tiers) - 1
            rows.append(np.array([pos[k] for k in zip(cq["r"], np.full(len(cq), top), cq["k"], cq["y"])]))
            cols.append(pm.col("cq_in")), coefs.append(np.ones(len(cq)))
        pm.add_rows("capacity", rows, cols, coefs, np.full(len(cells), -INF), np.zeros(len(cells)), cells)


def define_mobile_capacity(pm: PlanModel) -> None:
    """capacity of mobile units: sum_arcs z / efficiency - cap_m sum_t n[(b,t,m),y] <= 0."""
    inp = pm.inp
    cap = inp.param("capacity_exams_per_unit_per_year") / 1000.0  # thousand exams per unit-year
    n = pm.families["n"].index
    z = pm.families["z"].index
    if len(z):
        bm = z[["base", "m", "y"]].drop_duplicates().reset_index(drop=True)
        bm_pos = {k: i for i, k in enumerate(zip(bm["base"], bm["m"], bm["y"]))}
        zr = np.array([bm_pos[k] for k in zip(z["base"], z["m"], z["y"])])
        nm = n[inp.mobile[n["m"].to_numpy()]]
        nr = np.array([bm_pos.get(k, -1) for k in zip(nm["r"], nm["m"], nm["y"])])
        ok = nr >= 0
        rows = [zr, nr[ok]]
        cols = [pm.col("z"), pm.col("n", nm.index.to_numpy()[ok])]
        coefs = [1.0 / z["efficiency"].to_numpy(), -cap[nm["m"].to_numpy()[ok]]]
        pm.add_rows("mobile_capacity", rows, cols, coefs, np.full(len(bm), -INF), np.zeros(len(bm)), bm)


def define_demand(pm: PlanModel) -> None:
    """demand balance at each tier of origin o: sum over t >= o of s[r,o,t,k,y] + [o lowest] mobile inflow
    + u[r,o,k,y] = demand presenting at o. Referred exams keep their origin, so the unmet ones are counted
    where they presented."""
    inp = pm.inp
    s = pm.families["s"].index
    z = pm.families["z"].index
    u = pm.families["u"].index
    u_pos = pm.lookup("u", ["r", "t", "k", "y"])
    rows, cols, coefs = [np.arange(len(u))], [pm.col("u")], [np.ones(len(u))]
    if len(s):
        rows.append(np.array([u_pos[k] for k in zip(s["r"], s["o"], s["k"], s["y"])]))
        cols.append(pm.col("s")), coefs.append(np.ones(len(s)))
    if len(z):
        zk = inp.serves[z["m"].to_numpy()]
        rows.append(np.array([u_pos[k] for k in zip(z["target"], np.zeros(len(z), int), zk, z["y"])]))
        cols.append(pm.col("z")), coefs.append(np.ones(len(z)))
    cq = pm.families["cq_out"].index
    if len(cq):  # top-tier exams sent to the parent's pool
        top = len(inp.tiers) - 1
        rows.append(np.array([u_pos[k] for k in zip(cq["r"], np.full(len(cq), top), cq["k"], cq["y"])]))
        cols.append(pm.col("cq_out")), coefs.append(np.ones(len(cq)))
    rhs = inp.demand[u["r"], u["t"], u["k"], u["y"]]
    pm.add_rows("demand", rows, cols, coefs, rhs, rhs, u)


def define_catchment(pm: PlanModel) -> None:
    """catchment: per parent g, exam type k, year y: sum of cq_out over g's regions = sum of cq_in over
    g's regions (what the parent's pool takes in, its top-tier units serve)."""
    out, into = pm.families["cq_out"].index, pm.families["cq_in"].index
    if len(out):
        pools, group = pm.pools, pm.region_group
        pos = {k: i for i, k in enumerate(zip(pools["g"], pools["k"], pools["y"]))}
        rows = [np.array([pos[k] for k in zip(group[out["r"]], out["k"], out["y"])]),
                np.array([pos[k] for k in zip(group[into["r"]], into["k"], into["y"])], dtype=np.int64)]
        pm.add_rows("catchment", rows, [pm.col("cq_out"), pm.col("cq_in")],
                    [np.ones(len(out)), -np.ones(len(into))], np.zeros(len(pools)), np.zeros(len(pools)), pools)


def _units_plus_slack_at_least(pm: PlanModel, name: str, slack: str, rhs: np.ndarray) -> None:
    """Row block ``name``: sum_t n[(r,t,m),y] + slack[r,m,y] >= rhs, one row per slack column."""
    n = pm.families["n"].index
    idx = pm.families[slack].index
    pos = pm.lookup(slack, ["r", "m", "y"])
    nrow = np.array([pos.get(k, -1) for k in zip(n["r"], n["m"], n["y"])])
    ok = nrow >= 0
    pm.add_rows(name, [np.arange(len(idx)), nrow[ok]], [pm.col(slack), pm.col("n", np.flatnonzero(ok))],
                [np.ones(len(idx)), np.ones(int(ok.sum()))], rhs, np.full(len(idx), INF), idx)


def define_density(pm: PlanModel) -> None:
    """density: sum_t n[(r,t,m),y] + G[r,m,y] >= target_m * pop[r,y] / 1e6."""
    G = pm.families["G"].index
    if len(G):
        target = pm.inp.param("target_per_million")
        _units_plus_slack_at_least(pm, "density", "G", target[G["m"]] * pm.inp.pop[G["r"], G["y"]] / 1e6)


def define_density_base(pm: PlanModel) -> None:
    """density_base: sum_t n[(r,t,m),y] + Gb[r,m,y] >= min(target_m, base-year density_rm) * pop[r,y] / 1e6
    (PlanInputs.protected_units), where weights.shortfall_below_base_year_factor > 1."""
    Gb = pm.families["Gb"].index
    if len(Gb):
        _units_plus_slack_at_least(pm, "density_base", "Gb", pm.inp.protected_units()[Gb["r"], Gb["m"], Gb["y"]])


def define_budget(pm: PlanModel) -> None:
    """budget: capital (+ running cost of new units if the scenario says so)."""
    inp = pm.inp
    scn = pm.inp.scenario
    Y = len(inp.years)
    x = pm.families["x"].index
    n = pm.families["n"].index
    if scn.constraints.budget:
        price, opex = inp.param("price_wan_cny"), inp.param("running_cost_wan_cny_per_year")
        run = scn.budget.include_running_cost
        surv_cost = np.asarray(opex[n["m"]] * inp.surviving[n["r"], n["t"], n["m"], n["y"]]) if run else 0
        rows = [np.zeros(len(x), int)] + ([np.zeros(len(n), int)] if run else [])
        cols = [pm.col("x")] + ([pm.col("n")] if run else [])
        cf = [price[x["m"]]] + ([opex[n["m"]]] if run else [])
        # With running costs counted, survivors' running cost sits on both sides of the row: keep
        # it as an offset so a what-if budget change moves only the planner's number.
        pm.budget_offset = {"total": float(np.sum(surv_cost)) if run else 0.0}
        total_rhs = inp.budget_total_wan + pm.budget_offset["total"]
        slack = ([np.zeros(1, int)], [pm.col("BT")], [-np.ones(1)]) if pm.elastic else ([], [], [])
        pm.add_rows("budget_total", rows + slack[0], cols + slack[1], cf + slack[2], np.array([-INF]),
                    np.array([total_rhs]), pd.DataFrame({"what": ["total"]}))
        if inp.budget_year_wan is not None:
            rows = [x["y"].to_numpy()] + ([n["y"].to_numpy()] if run else [])
            by_year = np.zeros(Y)
            if run:
                np.add.at(by_year, n["y"].to_numpy(), surv_cost)
            pm.budget_offset["year"] = by_year
            slack = ([np.arange(Y)], [pm.col("BY")], [-np.ones(Y)]) if pm.elastic else ([], [], [])
            pm.add_rows("budget_year", rows + slack[0], cols + slack[1], cf + slack[2], np.full(Y, -INF),
                        inp.budget_year_wan + by_year, pd.DataFrame({"y": np.arange(Y)}))


def define_presence(pm: PlanModel) -> None:
    """elastic only: presence rules as rows n + P >= N (normally they are lower bounds on n)."""
    inp = pm.inp
    n = pm.families["n"].index
    if pm.elastic and len(pm.families["P"]):
        P = pm.families["P"].index
        need = inp.min_units()[n["r"], n["t"], n["m"], n["y"]][P["n_row"].to_numpy()]
        k = np.arange(len(P))
        pm.add_rows("presence", [k, k], [pm.col("n", P["n_row"].to_numpy()), pm.col("P")],
                    [np.ones(len(P)), np.ones(len(P))], need, np.full(len(P), INF), P)


def define_staffing(pm: PlanModel) -> None:
    """staffing: sum_u staff_per_unit * n[u,y] <= staff available (never below what existing units use)."""
    inp = pm.inp
    scn = pm.inp.scenario
    Y = len(inp.years)
    n = pm.families["n"].index
    spu = inp.param("staff_per_unit")
    if scn.constraints.staffing and scn.staffing.enabled and spu.any():
        ry = pd.DataFrame({"r": np.repeat(np.arange(len(inp.regions)), Y), "y": np.tile(np.arange(Y), len(inp.regions))})
        row = n["r"].to_numpy() * Y + n["y"].to_numpy()
        rhs = inp.staff_limit().ravel()
        srows, scols, scoef = [row], [pm.col("n")], [spu[n["m"]].astype(float)]
        if pm.elastic:
            srows, scols, scoef = srows + [np.arange(len(ry))], scols + [pm.col("SS")], scoef + [-np.ones(len(ry))]
        pm.add_rows("staffing", srows, scols, scoef,
                    np.full(len(ry), -INF), rhs, ry)


def define_access_host(pm: PlanModel) -> None:
    """o[k,r] <= sum over tiers of fixed units of k in service in the last year."""
    inp = pm.inp
    Y = len(inp.years)
    n = pm.families["n"].index
    nr, nm, ny = n["r"].to_numpy(), n["m"].to_numpy(), n["y"].to_numpy()
    o = pm.families["o"].index
    if len(o):
        o_pos = {key: i for i, key in enumerate(zip(o["k"], o["r"]))}
        sel = np.flatnonzero((ny == Y - 1) & ~inp.mobile[nm])
        key = [o_pos.get((inp.serves[m], r), -1) for m, r in zip(nm[sel], nr[sel])]
        key = np.array(key, dtype=np.int64)
        ok = key >= 0
        pm.add_rows("access_host", [np.arange(len(o)), key[ok]], [pm.col("o"), pm.col("n", sel[ok])],
                    [np.ones(len(o)), -np.ones(int(ok.sum()))], np.full(len(o), -INF), np.zeros(len(o)), o)


def define_access_visit(pm: PlanModel) -> None:
    """min_visit * v[k,r] <= mobile exams of type k delivered to r in the last year."""
    inp = pm.inp
    Y = len(inp.years)
    v = pm.families["v"].index
    if len(v):
        z = pm.families["z"].index
        zm = z["m"].to_numpy()
        v_pos = {key: i for i, key in enumerate(zip(v["k"], v["r"]))}
        sel = np.flatnonzero(inp.mobile[zm] & (z["y"].to_numpy() == Y - 1))
        key = np.array([v_pos.get((inp.serves[m], t), -1) for m, t in zip(zm[sel], z["target"].to_numpy()[sel])],
                       dtype=np.int64)
        ok = key >= 0
        minv = inp.scenario.access.min_mobile_visit_thousand_exams
        pm.add_rows("access_visit", [np.arange(len(v)), key[ok]], [pm.col("v"), pm.col("z", sel[ok])],
                    [np.full(len(v), minv), -np.ones(int(ok.sum()))], np.full(len(v), -INF), np.zeros(len(v)), v)


def define_access_levels(pm: PlanModel) -> None:
    """levels: w_l - w_(l-1) + openers at l >= [l is first]."""
    o = pm.families["o"].index
    v = pm.families["v"].index
    w = pm.families["w"].index
    if len(w):
        rows, cols, coefs = [np.arange(len(w))], [pm.col("w")], [np.ones(len(w))]
        first = np.concatenate([lv.first for lv in pm.levels.values()])
        later = np.flatnonzero(~first)
        rows.append(later), cols.append(pm.col("w", later - 1)), coefs.append(-np.ones(len(later)))
        offset = 0
        o_pos = {key: i for i, key in enumerate(zip(o["k"], o["r"]))}
        v_pos = {key: i for i, key in enumerate(zip(v["k"], v["r"]))}
        for k, lv in pm.levels.items():
            host = lv.opener_host
            region_of_row = lv.region[lv.opener_row]
            is_o = host >= 0
            rows.append(offset + lv.opener_row[is_o])
            cols.append(pm.col("o", [o_pos[(k, h)] for h in host[is_o]]))
            coefs.append(np.ones(int(is_o.sum())))
            rows.append(offset + lv.opener_row[~is_o])
            cols.append(pm.col("v", [v_pos[(k, r)] for r in region_of_row[~is_o]]))
            coefs.append(np.ones(int((~is_o).sum())))
            offset += len(lv.region)
        pm.add_rows("access_levels", rows, cols, coefs, first.astype(float), np.full(len(w), INF), w)


def define_equity(pm: PlanModel) -> None:
    """Z >= largest shortfall per million (last year) / longest travel."""
    inp = pm.inp
    Y = len(inp.years)
    w = pm.families["w"].index
    Z = pm.families["Z"].index
    if len(Z):
        rows, cols, coefs, lower, index = [], [], [], [], []
        G = pm.families["G"].index
        gm, gy, gr = G["m"].to_numpy(), G["y"].to_numpy(), G["r"].to_numpy()
        row = 0
        equity_m = [inp.modalities.index(name) for name in inp.scenario.equity_modalities]
        for zi, what in enumerate(Z["what"]):
            zc = pm.col("Z", [zi])[0]
            if what == "shortfall":
                sel = np.flatnonzero(np.isin(gm, equity_m) & (gy == Y - 1))
                n_rows, lo = len(sel), np.zeros(len(sel))
                rows += [np.arange(row, row + n_rows), np.arange(row, row + n_rows)]
                cols += [np.full(n_rows, zc), pm.col("G", sel)]
                coefs += [np.ones(n_rows), -1e6 / np.maximum(inp.pop[gr[sel], Y - 1], 1.0)]
                index.append(pd.DataFrame({"z": zi, "r": gr[sel], "m": gm[sel], "k": -1}))
            else:
                R = len(inp.regions)
                parts_lo = []
                for j, (k, lv) in enumerate(pm.levels.items()):
                    at = row + j * R
                    wrows = np.flatnonzero(w["k"].to_numpy() == k)
                    rows += [np.arange(at, at + R), at + lv.region]
                    cols += [np.full(R, zc), pm.col("w", wrows)]
                    coefs += [np.ones(R), -lv.step]
                    parts_lo.append(lv.base)
                    index.append(pd.DataFrame({"z": zi, "r": np.arange(R), "m": -1, "k": k}))
                lo = np.concatenate(parts_lo)
                n_rows = len(lo)
            lower.append(lo)
            row += n_rows
        pm.add_rows("equity", rows, cols, coefs, np.concatenate(lower), np.full(row, INF),
                    pd.concat(index, ignore_index=True))


def define_objective_cap(pm: PlanModel) -> None:
    """alternatives: weighted-sum objective <= cap (a mutable right-hand side, +inf until set)."""
    if pm.with_objective_cap:
        c = pm.objective_costs()
        nz = np.flatnonzero(c)
        # (the cap given to set is the whole objective: the constant offset is taken off it there)
        pm.add_rows("objective_cap", [np.zeros(len(nz), int)], [nz], [c[nz]], np.array([-INF]),
                    np.array([1e30]), pd.DataFrame({"what": ["objective"]}))


FAMILIES = (define_stock, define_capacity, define_mobile_capacity, define_demand, define_catchment, define_density,
            define_density_base, define_budget,
            define_presence, define_staffing, define_access_host, define_access_visit, define_access_levels,
            define_equity, define_objective_cap)


def define_all(pm: PlanModel) -> None:
    for define in FAMILIES:
        define(pm)
