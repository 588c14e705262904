"""Readers (issue 27, lever 1): an exam done is of no use until a radiologist reads it, and equipment sits
idle without readers (seed 004 l.194, l.258). In a county medical community the grassroots site examines
and the county hospital reads (「基层医疗卫生机构检查、医院诊断」, seed 004 l.232-234; seed 001 l.81-91).

Every exam fixed units do at site (r, t) in year y (the flows s of capacity.py, and at the top tier the
exams taken from the parent's pool) is read there, or, when t is below the hub tier H ([reading] hub_tier),
remotely at the hub (r, H) of the same region: rw[r,t,k,y] = w thousand exams, at remote_wan_cny_per_thousand_exams.
A site's readers are radiologists_per_unit for each of its fixed units: at and above the hub tier for every
unit in service (a hospital that buys a CT staffs its reading room), below it only for the surviving existing
units (a DR bought for a township centre comes without a reader, which is the point: its exams are read at
the hub, by a hire there, or not done); the hub may hire more, g[r,q] radiologists hired in year q (rh, at
most max_hires_per_region_year, in post to the end of the plan, each radiologist-year priced), or open a
regional imaging reading centre (区域影像诊断中心) there: c[r,q] = 1 when it opens in year q (rc, integer, at most
one per region over the plan, open to the end of it), bringing C = centre_radiologists readers and costing
centre_wan_cny_per_year each year it is open (no columns while C = 0). The rows, in radiologists, so that a
row's dual is what one more radiologist there is worth (rho = reports_per_radiologist_per_year, thousand
exams; U = n at t >= H, E below):

    (done at (r,t,y) - [t < H] sum_k w[r,t,k,y] + [t = H] sum_{t'<H,k} w[r,t',k,y]) / rho
        - [t = H] sum_{q<=y} (g[r,q] + C c[r,q])  <=  radiologists_per_unit * sum_{m fixed} U[r,t,m,y]
    w[r,t,k,y] <= done at (r,t,k,y)   (only exams done there can be sent to the hub)
    sum_q c[r,q] <= 1                  (one centre a region)

Exams no reader can take must be left unmet or referred up (demand.py), where readers are: the model
trades a DR at a township centre read remotely against referring the patient to the county. Exams mobile
units deliver (z, mobile.py), wherever, are read at their base's hub (+ sum z / rho in the base's hub row; a
mobile unit at the hub tier brings its readers like a fixed one), as a county hospital reads its vans'
images. Exams of different modalities are not weighted differently (one exam, one report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.messages import msg
from planner.planning.families.spec import (INF, ConstraintFamily, Rows, Variables, always, empty_index, ones,
                                            tolerance)
from planner.planning.weights import year_weights

if TYPE_CHECKING:
    from planner.planning.model import PlanModel


def _on(scn) -> bool:
    return scn.constraints.reading and scn.reading.enabled


def _hub(inp) -> int:
    return inp.tiers.index(inp.scenario.reading.hub_tier)


def _local_readers(scn, tiers: list[str], modalities: list[str], surviving: np.ndarray,
                   in_service: np.ndarray | None = None) -> np.ndarray:
    """(R, T, Y) radiologists at each site: radiologists_per_unit for each unit, mobile ones too (their exams
    are read at their base's hub): below the hub tier the surviving existing units, at and above it every unit
    in service (``in_service``; None: below the hub only, as the model's right-hand side, whose units at the hub
    and above are columns)."""
    H = tiers.index(scn.reading.hub_tier)
    units = surviving.sum(axis=2)
    units[:, H:] = 0.0 if in_service is None else in_service[:, H:].sum(axis=2)
    return scn.reading.radiologists_per_unit * units


def remote_index(pm: PlanModel) -> pd.DataFrame:
    """w: the cells with fixed units (capacity.py's pm.cap_cells) below the hub tier."""
    if not _on(pm.inp.scenario):
        return empty_index("r", "t", "k", "y")
    cells = pm.cap_cells
    return cells[cells["t"] < _hub(pm.inp)].reset_index(drop=True)


def hire_index(pm: PlanModel) -> pd.DataFrame:
    """g: one column per region with fixed units at or below the hub, or a mobile unit's base (its exams are
    read at the base's hub), and plan year."""
    if not _on(pm.inp.scenario):
        return empty_index("r", "y")
    cells = pm.cap_cells
    regions = np.union1d(cells.loc[cells["t"] <= _hub(pm.inp), "r"].to_numpy(),
                         pm.families["z"].index["base"].to_numpy()).astype(int)
    Y = len(pm.inp.years)
    return pd.DataFrame({"r": np.repeat(regions, Y), "y": np.tile(np.arange(Y), len(regions))})


def centre_index(pm: PlanModel) -> pd.DataFrame:
    """c: the hire columns' regions and years, when a centre brings readers (centre_radiologists > 0)."""
    if not (_on(pm.inp.scenario) and pm.inp.scenario.reading.centre_radiologists > 0):
        return empty_index("r", "y")
    return hire_index(pm)


def _remote_cost(pm: PlanModel, w: pd.DataFrame) -> np.ndarray:
    return pm.inp.scenario.reading.remote_wan_cny_per_thousand_exams * year_weights(pm.inp)[w["y"]]


def _from_on(pm: PlanModel, y: pd.Series) -> np.ndarray:
    """The sum of the weights of the plan years from y on: what one unit a year costs from y to the end."""
    return np.cumsum(year_weights(pm.inp)[::-1])[::-1][y]


def _hire_cost(pm: PlanModel, g: pd.DataFrame) -> np.ndarray:
    # a radiologist hired in year q is paid every plan year from q on
    return pm.inp.scenario.reading.hire_wan_cny_per_radiologist_year * _from_on(pm, g["y"])


def _centre_cost(pm: PlanModel, c: pd.DataFrame) -> np.ndarray:
    # a centre opened in year q is paid for every plan year from q on
    return pm.inp.scenario.reading.centre_wan_cny_per_year * _from_on(pm, c["y"])


def _hire_cap(pm: PlanModel, g: pd.DataFrame) -> np.ndarray:
    return np.full(len(g), pm.inp.scenario.reading.max_hires_per_region_year)


def define_reading(pm: PlanModel) -> None:
    inp, scn = pm.inp, pm.inp.scenario
    s, z = pm.families["s"].index, pm.families["z"].index
    if not (_on(scn) and (len(s) or len(z))):
        return
    rho = scn.reading.reports_per_radiologist_per_year
    H, top = _hub(inp), len(inp.tiers) - 1
    w, g, cq = pm.families["rw"].index, pm.families["rh"].index, pm.families["cq_in"].index
    c = pm.families["rc"].index
    # one row per site with exams, and per hub that reads for a site below it, for a mobile base, or may hire
    sites = pd.concat([pm.cap_cells[["r", "t", "y"]], g.assign(t=H)[["r", "t", "y"]], c.assign(t=H)[["r", "t", "y"]],
                       z.assign(r=z["base"], t=H)[["r", "t", "y"]]])
    sites = sites.drop_duplicates().sort_values(["r", "t", "y"]).reset_index(drop=True)
    pos = {k: i for i, k in enumerate(zip(sites["r"], sites["t"], sites["y"]))}

    def at(r, t, y):
        return np.array([pos[k] for k in zip(r, t, y)], dtype=np.int64)

    rows, cols, coefs = [at(s["r"], s["t"], s["y"])], [pm.col("s")], [np.full(len(s), 1.0 / rho)]
    if len(cq):   # top-tier exams of other regions of the parent, done (and read) here
        rows.append(at(cq["r"], np.full(len(cq), top), cq["y"]))
        cols.append(pm.col("cq_in")), coefs.append(np.full(len(cq), 1.0 / rho))
    if len(z):    # exams mobile units deliver, wherever, read at their base's hub
        rows.append(at(z["base"], np.full(len(z), H), z["y"]))
        cols.append(pm.col("z")), coefs.append(np.full(len(z), 1.0 / rho))
    if len(w):    # sent away from the site, read at its hub
        rows += [at(w["r"], w["t"], w["y"]), at(w["r"], np.full(len(w), H), w["y"])]
        cols += [pm.col("rw"), pm.col("rw")]
        coefs += [np.full(len(w), -1.0 / rho), np.full(len(w), 1.0 / rho)]
    Y = len(inp.years)
    for lag in range(Y):   # hires (and centres) of year q = y - lag still in post (open) in year y
        for name, idx, readers in (("rh", g, 1.0), ("rc", c, scn.reading.centre_radiologists)):
            later = np.flatnonzero(idx["y"].to_numpy() + lag < Y)
            rows.append(at(idx["r"].to_numpy()[later], np.full(len(later), H), idx["y"].to_numpy()[later] + lag))
            cols.append(pm.col(name, later)), coefs.append(np.full(len(later), -readers))
    n = pm.families["n"].index   # at and above the hub every unit in service, mobile ones too, brings its readers
    keys = list(zip(n["r"], n["t"], n["y"]))
    staffed = np.flatnonzero((n["t"].to_numpy() >= H) & np.array([k in pos for k in keys], dtype=bool))
    rows.append(np.array([pos[keys[i]] for i in staffed], dtype=np.int64))
    cols.append(pm.col("n", staffed)), coefs.append(np.full(len(staffed), -scn.reading.radiologists_per_unit))
    readers = _local_readers(scn, inp.tiers, inp.modalities, inp.surviving)
    rhs = readers[sites["r"], sites["t"], sites["y"]]
    pm.add_rows("reading", rows, cols, coefs, np.full(len(sites), -INF), rhs, sites)


def define_remote(pm: PlanModel) -> None:
    """w[r,t,k,y] - sum_o s[r,o,t,k,y] <= 0: a site sends to the hub only exams it did."""
    s, w = pm.families["s"].index, pm.families["rw"].index
    if len(w):
        H = _hub(pm.inp)
        cpos = {k: i for i, k in enumerate(zip(w["r"], w["t"], w["k"], w["y"]))}
        below = np.flatnonzero(s["t"].to_numpy() < H)
        srow = np.array([cpos[k] for k in zip(*(s[c].to_numpy()[below] for c in ("r", "t", "k", "y")))], dtype=np.int64)
        pm.add_rows("reading_remote", [np.arange(len(w)), srow], [pm.col("rw"), pm.col("s", below)],
                    [np.ones(len(w)), -np.ones(len(below))], np.full(len(w), -INF), np.zeros(len(w)), w)


def define_centres(pm: PlanModel) -> None:
    """sum_q c[r,q] <= 1: at most one reading centre a region over the plan."""
    c = pm.families["rc"].index
    if len(c):
        regions, row = np.unique(c["r"].to_numpy(), return_inverse=True)
        pm.add_rows("reading_centre", [row], [pm.col("rc")], [np.ones(len(c))], np.full(len(regions), -INF),
                    np.ones(len(regions)), pd.DataFrame({"r": regions}))


def _open(pm: PlanModel, values: np.ndarray) -> np.ndarray:
    """(R, Y) 1 in the plan years a centre is open at the region's hub, from the c columns' values."""
    inp, c = pm.inp, pm.families["rc"].index
    opened = np.zeros((len(inp.regions), len(inp.years)))
    np.add.at(opened, (c["r"].to_numpy(), c["y"].to_numpy()), values)
    return np.round(np.cumsum(opened, axis=1), 9) + 0.0   # (no -0.0)


def flow_columns(pm: PlanModel, flows: pd.DataFrame, val) -> dict[str, np.ndarray]:
    """read_remotely_k: of the exams done at this site, those read at the hub (only with reading on, so the
    flows table is unchanged otherwise); with centres allowed, reading_centre_open: 1 on the hub tier's rows of
    a region and year whose hub has a reading centre open (what the verifier reads back)."""
    if not _on(pm.inp.scenario):
        return {}
    u, w = pm.families["u"].index, pm.families["rw"].index
    pos = {k: i for i, k in enumerate(zip(u["r"], u["t"], u["k"], u["y"]))}
    out = np.zeros(len(flows))
    if len(w):
        np.add.at(out, [pos[k] for k in zip(w["r"], w["t"], w["k"], w["y"])], val("rw"))
    cols = {"read_remotely_k": out}
    if pm.inp.scenario.reading.centre_radiologists > 0:
        hub = (u["t"].to_numpy() == _hub(pm.inp))
        cols["reading_centre_open"] = np.where(hub, _open(pm, val("rc"))[u["r"], u["y"]], 0.0)
    return cols


def region_columns(pm: PlanModel, regions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per region x modality x year: exams read (every exam fixed units do, wherever read) and, of those,
    read remotely at the hub; with centres allowed, whether a reading centre is open at the region's hub."""
    if not _on(pm.inp.scenario):
        return {}
    inp = pm.inp
    R, K, Y = len(inp.regions), len(inp.exam_types), len(inp.years)
    remote = np.zeros((R, K, Y))
    w = pm.families["rw"].index
    if len(w):
        np.add.at(remote, (w["r"].to_numpy(), w["k"].to_numpy(), w["y"].to_numpy()), pm.values("rw"))
    ri = regions["region_code"].astype(str).map({c: i for i, c in enumerate(inp.codes)}).to_numpy(int)
    ki = regions["modality"].map({k: i for i, k in enumerate(inp.exam_types)})
    fixed = ki.notna().to_numpy()   # mobile modalities' rows: their exams are counted under their exam type
    yi = regions["year"].map({y: i for i, y in enumerate(inp.years)}).to_numpy(int)
    got = np.zeros(len(regions))
    got[fixed] = remote[ri[fixed], ki[fixed].to_numpy(int), yi[fixed]]
    read = np.where(fixed, regions["served_fixed_thousand_exams"].fillna(0.0).to_numpy(float), 0.0)
    cols = {"exams_read_thousand": read, "exams_read_remotely_thousand": np.round(got, 9)}
    if inp.scenario.reading.centre_radiologists > 0:
        cols["reading_centre_open"] = _open(pm, pm.values("rc"))[ri, yi]
    return cols


def hires_needed(scn, reads: np.ndarray, readers: np.ndarray) -> np.ndarray:
    """(R, Y) the fewest radiologists in post at each hub that the reads (R, Y, thousand exams at the hub)
    need: hires beyond the hub's own readers, never fewer than the year before (hired radiologists stay),
    and hired as late as the yearly cap allows."""
    rd = scn.reading
    need = np.maximum(reads / rd.reports_per_radiologist_per_year - readers, 0.0)
    Y = need.shape[1]
    held = np.maximum.accumulate(need, axis=1)                      # nobody leaves
    ahead = np.zeros_like(need)                                     # a later need hired for ahead of time
    for y in range(Y):
        ahead[:, y] = (need[:, y:] - rd.max_hires_per_region_year * np.arange(Y - y)[None, :]).max(axis=1)
    return np.maximum(held, ahead)


def _positions(inp, flows: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Each flows row's region, tier, exam type and year as positions in the inputs."""
    orders = (([str(c) for c in inp.codes], flows["region_code"].astype(str)), (inp.tiers, flows["tier"]),
              (inp.exam_types, flows["exam_type"]), (inp.years, flows["year"]))
    return tuple(col.map({k: i for i, k in enumerate(order)}).to_numpy(int) for order, col in orders)


def site_reads(inp, flows: pd.DataFrame, mobile: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the flows table: (R, T, Y) thousand exams read at each site, with those mobile units deliver (the
    mobile table, None: none) read at their base's hub; (R, T, K, Y) exams fixed units do at each site (those
    taken from the parent's pool included) and, of those, sent to the hub."""
    R, T, K, Y = len(inp.codes), len(inp.tiers), len(inp.exam_types), len(inp.years)
    at = _positions(inp, flows)
    done, sent = np.zeros((R, T, K, Y)), np.zeros((R, T, K, Y))
    np.add.at(done, at, flows["served_fixed_k"].to_numpy(float))
    if "read_remotely_k" in flows:
        np.add.at(sent, at, flows["read_remotely_k"].to_numpy(float))
    reads = (done - sent).sum(axis=2)
    H = _hub(inp)
    reads[:, H] += sent[:, :H].sum(axis=(1, 2))
    if mobile is not None and len(mobile):
        base = mobile["base_code"].astype(str).map({str(c): i for i, c in enumerate(inp.codes)}).to_numpy(int)
        year = mobile["year"].map({y: i for i, y in enumerate(inp.years)}).to_numpy(int)
        np.add.at(reads[:, H], (base, year), mobile["exams_k"].to_numpy(float))
    return reads, done, sent


def centres_open(inp, flows: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """From the flows table's reading_centre_open (none without the column): (R, Y) 1 where a reading centre is
    open at the region's hub, and whether the column says what a plan can: 0 or 1 on the hub tier's rows (the
    same for every exam type of a region and year), 0 elsewhere, and once open, open to the end of the plan."""
    R, Y = len(inp.codes), len(inp.years)
    if "reading_centre_open" not in flows:
        return np.zeros((R, Y)), True
    r, t, _, y = _positions(inp, flows)
    got = flows["reading_centre_open"].to_numpy(float)
    hub = t == _hub(inp)
    most, least = np.full((R, Y), -np.inf), np.full((R, Y), np.inf)
    np.maximum.at(most, (r[hub], y[hub]), got[hub])
    np.minimum.at(least, (r[hub], y[hub]), got[hub])
    opened = np.where(np.isfinite(most), most, 0.0)
    ok = (np.abs(got[~hub]) <= 1e-6).all() and (np.abs(opened - np.round(opened)) <= 1e-6).all() \
        and ((opened >= -1e-6) & (opened <= 1 + 1e-6)).all() and (np.diff(opened, axis=1) >= -1e-6).all() \
        and (~np.isfinite(most) | (most - least <= 1e-6)).all()
    return np.clip(np.round(opened), 0.0, 1.0), bool(ok)


def check_reading(c) -> None:
    """Every exam done is read: at its site within the readers there, or, below the hub, at the hub, whose
    readers are its own plus at most max_hires_per_region_year more each year, plus centre_radiologists in the
    years the flows table says a reading centre is open there. Readers are re-derived from the scenario (the
    surviving stock of planning/reference.py x radiologists_per_unit), reads and centres from the plan's flows
    table (c.flows)."""
    inp, scn = c.inp, c.scn
    if not _on(scn):
        return
    reads, done, sent = site_reads(inp, c.flows, c.mobile)
    H = _hub(inp)
    if (sent < -1e-7).any() or (sent[:, H:] > 1e-7).any() or (sent > done + tolerance(done) * 10).any():
        c.v.append(msg("verify.reading_remote_bad", hub=scn.reading.hub_tier))
    rd = scn.reading
    capacity = rd.reports_per_radiologist_per_year * _local_readers(scn, inp.tiers, inp.modalities, c.ref.surviving,
                                                                    c.n)
    capacity[:, H] += rd.reports_per_radiologist_per_year * rd.max_hires_per_region_year * \
        np.arange(1, len(inp.years) + 1)[None, :]        # every year's hires, from the first plan year on
    opened, ok = centres_open(inp, c.flows)
    if not ok or (rd.centre_radiologists == 0 and opened.any()):
        c.v.append(msg("verify.reading_centre_bad", hub=rd.hub_tier))
    capacity[:, H] += rd.reports_per_radiologist_per_year * rd.centre_radiologists * opened
    bad = reads > capacity + tolerance(capacity) * 10
    for r, t, y in zip(*np.nonzero(bad)):
        c.v.append(msg("verify.over_reading", where=c.where(r, y), tier=inp.tiers[t], reads=float(reads[r, t, y]),
                       cap=float(capacity[r, t, y])))
    c.checked["reading"] = int(reads.size)


def objective_from_tables(inp, plan, flows: pd.DataFrame, mobile: pd.DataFrame, ref, in_service: np.ndarray,
                          disc) -> float:
    """The objective's reading terms, from the flows table (verify.objective_from_tables): remote reads, the
    reading centres' years open (reading_centre_open), and the fewest radiologist-years of hiring the hubs'
    reads need beyond their readers (none when reading is off): those of the re-derived surviving stock
    (``ref``) and of the centres. ``disc(years)``: each year's weight."""
    scn, surviving = inp.scenario, ref.surviving
    if not _on(scn) or "read_remotely_k" not in flows:
        return 0.0
    rd = scn.reading
    total = rd.remote_wan_cny_per_thousand_exams * float((flows["read_remotely_k"].to_numpy(float) *
                                                         disc(flows["year"])).sum())
    reads, _, _ = site_reads(inp, flows, mobile)
    H = _hub(inp)
    opened, _ = centres_open(inp, flows)
    total += rd.centre_wan_cny_per_year * float((opened * disc(inp.years)[None, :]).sum())
    readers = _local_readers(scn, inp.tiers, inp.modalities, surviving, in_service)[:, H] + \
        rd.centre_radiologists * opened
    hired = hires_needed(scn, reads[:, H], readers)
    return total + rd.hire_wan_cny_per_radiologist_year * float((hired * disc(inp.years)[None, :]).sum())


ORDER = 92   # after staffing (90), before quotas (95): where the columns and rows enter the model
FAMILY = ConstraintFamily(
    name="reading", label=msg("family.reading"),
    variables=(Variables("rw", "thousand exams done at a site below the hub tier, read remotely at the hub",
                         remote_index, cost=_remote_cost),
               Variables("rh", "radiologists hired at a region's hub in a plan year (in post to the end)",
                         hire_index, upper=_hire_cap, cost=_hire_cost),
               Variables("rc", "a reading centre opened at a region's hub in a plan year (open to the end)",
                         centre_index, upper=ones, integer=always, cost=_centre_cost)),
    rows=(Rows("reading", define_reading, dual_words=msg("marginal.reading")),
          Rows("reading_remote", define_remote),
          Rows("reading_centre", define_centres)),
    verify=check_reading,
    objective_from_tables=objective_from_tables,
    region_columns=region_columns,
    flow_columns=flow_columns,
)
