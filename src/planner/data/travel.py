"""Travel times between regions: a planner's matrix, or centroid great-circle distance x detour / speed."""

from __future__ import annotations

from collections.abc import Sequence

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


def _code_positions(codes: Sequence[object], table: pd.DataFrame, what: str, value_column: str,
                    ends: tuple[str, str] = ("from_code", "to_code")) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column positions and values of a long table's pairs whose both codes are in ``codes``.

    Pairs naming a code outside ``codes`` are dropped, so a national table can serve a provincial run.
    Values must be numbers >= 0: a negative or missing travel time is a data error, not "unreachable".
    """
    from planner.errors import InputError
    from planner.messages import msg

    missing = [c for c in (*ends, value_column) if c not in table.columns]
    if missing:
        raise InputError(what, msg("travel.missing_columns", columns=", ".join(missing)),
                         fix=msg("travel.fix_give_columns", start=ends[0], end=ends[1], value=value_column))
    values = pd.to_numeric(table[value_column], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(np.isnan(values) | (values < 0))
    if len(bad):
        raise InputError(what, msg("travel.negative_cost"), row=int(bad[0]) + 1, column=value_column,
                         value=table[value_column].iloc[bad[0]], fix=msg("travel.fix_correct_row"))
    pos = pd.Series(np.arange(len(codes)), index=pd.Index(codes).astype(str))
    fi = table[ends[0]].astype(str).map(pos)
    ti = table[ends[1]].astype(str).map(pos)
    ok = (fi.notna() & ti.notna()).to_numpy()
    return fi[ok].to_numpy(int), ti[ok].to_numpy(int), values[ok]


def matrix_from_pairs(codes: Sequence[object], pairs: pd.DataFrame, column: str = "minutes", *,
                      symmetric: bool = False, diagonal: float | None = 0.0) -> np.ndarray:
    """A dense (n, n) cost matrix from a long table ``from_code, to_code, <column>``.

    Missing pairs are ``inf`` (unreachable). A pair given twice keeps its last value. With ``symmetric``,
    a pair given one way only is copied to the other way; a pair given both ways keeps both values.
    ``diagonal`` (0 by default) overwrites the diagonal; ``None`` keeps what the table says.
    """
    n = len(codes)
    fi, ti, values = _code_positions(codes, pairs, "travel pairs", column)
    out = np.full((n, n), np.inf)
    if symmetric:
        out[ti, fi] = values           # written first so that explicitly given reverse pairs win below
    out[fi, ti] = values
    if diagonal is not None:
        np.fill_diagonal(out, diagonal)
    return out


def shortest_path_matrix(codes: Sequence[object], edges: pd.DataFrame, weight_column: str = "minutes", *,
                         directed: bool = False) -> np.ndarray:
    """All-pairs shortest path costs (n, n) over a road graph given as an edge list.

    ``edges`` has ``from_code, to_code, <weight_column>``; edges are two-way unless ``directed``. An edge
    listed twice keeps its last weight (the OR-Library p-median convention), also when an undirected edge
    is listed once each way. Unreachable pairs are ``inf``.
    """
    import scipy.sparse as sp                       # imported here: only road-graph users pay for scipy
    from scipy.sparse.csgraph import dijkstra

    n = len(codes)
    fi, ti, w = _code_positions(codes, edges, "road edges", weight_column)
    if not directed:
        fi, ti = np.minimum(fi, ti), np.maximum(fi, ti)
    # keep the last occurrence of each edge: scipy would otherwise add duplicate weights together
    key = fi.astype(np.int64) * n + ti
    _, last_from_end = np.unique(key[::-1], return_index=True)
    keep = len(key) - 1 - last_from_end
    graph = sp.csr_matrix((w[keep], (fi[keep], ti[keep])), shape=(n, n))  # explicit 0-weight edges stay edges
    return dijkstra(graph, directed=directed)
