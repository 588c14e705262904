"""Location models on the planner's regions: build a (demand x candidate) travel matrix from a scenario or a
region table, run one of planner.location's models, and write its tables. Used by ``planner locate``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.data import tables
from planner.data.travel import matrix_from_pairs, shortest_path_matrix, travel_minutes
from planner.errors import InputError
from planner.messages import msg
from planner.io.files import atomic_write_csv, atomic_write_text
from planner.location.base import LocationResult
from planner.location.max_cover import max_cover
from planner.location.p_center import p_center
from planner.location.p_median import p_median
from planner.location.set_cover import set_cover

MODELS = ("p-median", "max-cover", "set-cover", "p-center")


@dataclass
class LocationInstance:
    cost: pd.DataFrame        # minutes, demand regions (rows) x candidate regions (columns), labelled by code
    weights: np.ndarray       # residents per demand region
    existing: list[int]       # candidate positions that already hold a unit
    source: str


def from_scenario(path: str | Path, exam_type: str = "CT", overrides: list[str] | None = None) -> LocationInstance:
    """Regions, travel times and population (first plan year) of a scenario; candidates are the regions that
    may hold a fixed ``exam_type`` unit, existing sites those holding a whole one at the end of the base year."""
    from planner.api import Planner

    p = Planner.from_file(path, overrides)
    inp = p.inputs
    if exam_type not in inp.exam_types:
        raise InputError(str(path), msg("locate.unknown_exam_type", exam_type=exam_type),
                         fix=msg("locate.fix_exam_type", exam_types=inp.exam_types))
    k = inp.exam_types.index(exam_type)
    hosts = _hosts(inp, k)
    fixed = (~inp.mobile) & (inp.serves == k)
    has = inp.stock_base[:, :, fixed].sum(axis=(1, 2)) >= 1.0 - 1e-6
    codes = inp.regions["code"].astype(str).to_numpy()
    cost = pd.DataFrame(inp.minutes[:, hosts], index=codes, columns=codes[hosts])
    return LocationInstance(cost=cost, weights=inp.pop[:, 0].astype(float),
                            existing=[int(i) for i in np.flatnonzero(has[hosts])], source=str(path))


def _hosts(inp, k: int) -> np.ndarray:
    """Regions where a fixed unit of exam type k may stand (some tier allows it and has room), or stands."""
    fixed = (~inp.mobile) & (inp.serves == k)
    may = (inp.allowed[None, :, :] & (inp.limit > 0)) | (inp.stock_base > 0)
    return np.flatnonzero(may[:, :, fixed].any(axis=(1, 2)))


def from_table(path: str | Path, travel: str | Path | None = None, road_graph: bool = False,
               detour_factor: float = 1.3, speed_km_per_h: float = 60.0) -> LocationInstance:
    """A region table with ``code, population`` (optional ``centroid_lon, centroid_lat``, ``candidate`` and
    ``existing`` true/false columns) and an optional travel table (pairs, or a road graph's edges)."""
    raw = tables.read_raw(Path(path))
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    for col in ("code", "population"):
        if col not in raw.columns:
            raise InputError(str(path), msg("locate.missing_column", column=col), fix=msg("locate.fix_region_columns"))
    codes = raw["code"].astype(str).str.strip().to_numpy()
    pop = pd.to_numeric(raw["population"], errors="coerce")
    if pop.isna().any() or (pop < 0).any():
        i = int(np.flatnonzero(pop.isna() | (pop < 0))[0])
        raise InputError(str(path), msg("locate.bad_population"), row=i + 2, column="population",
                         value=raw["population"].iloc[i], fix=msg("locate.fix_correct_cell"))

    def flag(col: str, default: bool) -> np.ndarray:
        if col not in raw.columns:
            return np.full(len(raw), default)
        return raw[col].astype(str).str.strip().str.lower().isin(["true", "1", "yes", "是"]).to_numpy()

    if travel is not None:
        t = tables.read_raw(Path(travel))
        t.columns = [str(c).strip().lower() for c in t.columns]
        col = "minutes" if "minutes" in t.columns else "km"
        if road_graph:
            minutes = shortest_path_matrix(codes, t, col)
        else:
            minutes = matrix_from_pairs(codes, t, col)
        if col == "km":
            minutes = minutes / speed_km_per_h * 60.0
    else:
        if not {"centroid_lon", "centroid_lat"} <= set(raw.columns):
            raise InputError(str(path), msg("locate.no_travel"), fix=msg("locate.fix_no_travel"))
        regions = raw.assign(code=codes, centroid_lon=pd.to_numeric(raw["centroid_lon"], errors="coerce"),
                             centroid_lat=pd.to_numeric(raw["centroid_lat"], errors="coerce"))
        minutes = travel_minutes(regions, detour_factor, speed_km_per_h)
    cand = np.flatnonzero(flag("candidate", True))
    existing = [int(i) for i in np.flatnonzero(flag("existing", False)[cand])]
    cost = pd.DataFrame(minutes[:, cand], index=codes, columns=codes[cand])
    return LocationInstance(cost=cost, weights=pop.to_numpy(float), existing=existing, source=str(path))


def solve(inst: LocationInstance, model: str, p: int | None = None, limit: float | None = None,
          time_limit: float = 300.0) -> LocationResult:
    """Run one model; ``p`` counts new sites (on top of existing ones), ``limit`` is in minutes."""
    if model not in MODELS:
        raise InputError("locate", msg("locate.unknown_model", model=model), fix=msg("locate.fix_model", models=", ".join(MODELS)))
    need_p = model in ("p-median", "p-center", "max-cover")
    if need_p and p is None:
        raise InputError("locate", msg("locate.needs_p", model=model), fix=msg("locate.fix_needs_p"))
    if model in ("max-cover", "set-cover") and limit is None:
        raise InputError("locate", msg("locate.needs_limit", model=model), fix=msg("locate.fix_needs_limit"))
    ex = inst.existing or None
    if model == "p-median":
        return p_median(inst.cost, inst.weights, p, existing=ex, time_limit=time_limit)
    if model == "p-center":
        # the longest travel itself, not population x minutes: "no one further than this"
        return p_center(inst.cost, None, p, existing=ex, time_limit=time_limit)
    if model == "max-cover":
        return max_cover(inst.cost, inst.weights, limit, p=p, existing=ex, time_limit=time_limit)
    return set_cover(inst.cost, limit, existing=ex, time_limit=time_limit)


def write(result: LocationResult, inst: LocationInstance, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_csv(out / "assignment.csv", result.table())
    atomic_write_csv(out / "sites.csv", result.sites_table())
    summary = {"model": result.model, "source": inst.source, "status": result.status,
               "objective": result.objective, "bound": result.bound, "gap": result.gap,
               "new_sites": [result.site_labels[j] for j in result.new_sites],
               "existing_sites": [result.site_labels[j] for j in result.existing],
               "build_seconds": result.build_seconds, "solve_seconds": result.solve_seconds,
               "units": {"cost": "minutes", "weight": "residents"}}
    atomic_write_text(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1, default=float))
    return out
