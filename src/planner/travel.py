"""Travel times between regions: a planner's matrix, or centroid great-circle distance x detour / speed."""

from __future__ import annotations

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Pairwise haversine distances (km) between points given in degrees."""
    lo, la = np.radians(lon)[:, None], np.radians(lat)[:, None]
    dlo, dla = lo - lo.T, la - la.T
    h = np.sin(dla / 2) ** 2 + np.cos(la) * np.cos(la.T) * np.sin(dlo / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def travel_minutes(regions: pd.DataFrame, detour_factor: float, speed_km_per_h: float,
                   matrix: pd.DataFrame | None = None) -> np.ndarray:
    """An (n, n) matrix of travel minutes. Given pairs override the centroid estimate; the diagonal is 0."""
    n = len(regions)
    if {"centroid_lon", "centroid_lat"} <= set(regions.columns) and regions[
            ["centroid_lon", "centroid_lat"]].notna().all().all():
        km = great_circle_km(regions["centroid_lon"].to_numpy(float), regions["centroid_lat"].to_numpy(float))
        minutes = km * detour_factor / speed_km_per_h * 60.0
    else:
        minutes = np.full((n, n), np.inf)
    if matrix is not None and len(matrix):
        pos = {c: i for i, c in enumerate(regions["code"])}
        fi = matrix["from_code"].map(pos)
        ti = matrix["to_code"].map(pos)
        ok = fi.notna() & ti.notna()
        minutes[fi[ok].astype(int).to_numpy(), ti[ok].astype(int).to_numpy()] = matrix.loc[ok, "minutes"].to_numpy()
    np.fill_diagonal(minutes, 0.0)
    return minutes


def mobile_arcs(minutes: np.ndarray, max_minutes: float, max_neighbours: int,
                working_minutes_per_day: float) -> pd.DataFrame:
    """Which regions a mobile unit based in each region can serve, and at what efficiency.

    A unit serving a region ``t`` minutes away loses the round trip from its working day, so it delivers
    ``1 - 2t / working_minutes`` of the exams it would do at home. Arcs at or below 5 % efficiency are dropped.
    """
    n = minutes.shape[0]
    rows_b, rows_t, rows_m = [np.arange(n)], [np.arange(n)], [np.zeros(n)]
    if max_neighbours > 0 and n > 1:
        k = min(max_neighbours, n - 1)
        off = minutes.copy()
        np.fill_diagonal(off, np.inf)
        nearest = np.argpartition(off, k - 1, axis=1)[:, :k]
        b = np.repeat(np.arange(n), k)
        t = nearest.ravel()
        m = off[b, t]
        keep = m <= max_minutes
        rows_b.append(b[keep]), rows_t.append(t[keep]), rows_m.append(m[keep])
    arcs = pd.DataFrame({"base": np.concatenate(rows_b), "target": np.concatenate(rows_t),
                         "minutes": np.concatenate(rows_m)})
    arcs["efficiency"] = 1.0 - 2.0 * arcs["minutes"] / working_minutes_per_day
    arcs = arcs[arcs["efficiency"] > 0.05].sort_values(["base", "target"]).reset_index(drop=True)
    return arcs
