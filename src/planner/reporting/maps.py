"""Map layers as plain GeoJSON: region boundaries joined with a value, a fill colour and a tooltip.

No tiles and no scripts are fetched: the app draws these with pydeck and no basemap (app/widgets.py
NO_BASEMAP), and the same FeatureCollection is offered for download.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from planner.paths import REGIONS_DIR

# Sequential (light yellow -> dark blue) and diverging (red <- white -> blue) ramps, RGB.
SEQUENTIAL = np.array([[255, 255, 217], [199, 233, 180], [127, 205, 187], [65, 182, 196], [29, 145, 192],
                       [34, 94, 168], [12, 44, 132]], dtype=float)
DIVERGING = np.array([[178, 24, 43], [239, 138, 98], [253, 219, 199], [247, 247, 247], [209, 229, 240],
                      [103, 169, 207], [33, 102, 172]], dtype=float)
NO_DATA = [210, 210, 210, 160]


@lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_boundaries(path: str | Path) -> dict:
    p = Path(path)
    return json.loads(_read(str(p), p.stat().st_mtime))


def colour(values: np.ndarray, diverging: bool = False) -> tuple[list[list[int]], float, float]:
    """Fill colours for values (NaN -> grey); returns colours and the (low, high) the ramp spans."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    ramp = DIVERGING if diverging else SEQUENTIAL
    if not ok.any():
        return [NO_DATA] * len(v), 0.0, 0.0
    # The ramp spans the 5th to 95th percentile (values beyond get the end colours): one outlier, such
    # as Qinghai's CT density, would otherwise leave every other region the same colour.
    finite = v[ok]
    if diverging:
        hi = float(np.percentile(np.abs(finite), 95)) if len(finite) >= 5 else float(np.abs(finite).max())
        hi = hi or float(np.abs(finite).max()) or 1.0
        lo = -hi
    else:
        lo, hi = ((float(np.percentile(finite, 5)), float(np.percentile(finite, 95))) if len(finite) >= 5
                  else (float(finite.min()), float(finite.max())))
        if hi <= lo:
            lo, hi = float(finite.min()), float(finite.max())
        if hi == lo:
            hi = lo + 1.0
    t = np.clip((np.where(ok, v, lo) - lo) / (hi - lo), 0, 1) * (len(ramp) - 1)
    i = np.floor(t).astype(int).clip(0, len(ramp) - 2)
    f = (t - i)[:, None]
    rgb = ramp[i] * (1 - f) + ramp[i + 1] * f
    out = [[int(r), int(g), int(b), 200] if k else NO_DATA for (r, g, b), k in zip(rgb, ok)]
    return out, lo, hi


CLASS_SCHEMES = ("quantile", "equal")
# Values this close together (the spread at most this share of the largest magnitude) are one class: after
# a plan that meets a target everywhere, CT per million ran 39.99-40.15, and five quantile classes made a
# 0.4 % spread look like five levels of provision.
NEAR_EQUAL = 0.01


def near_equal(values: np.ndarray) -> bool:
    """Whether the finite values differ by at most NEAR_EQUAL of the largest magnitude (one class)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return bool(len(v)) and float(v.max() - v.min()) <= NEAR_EQUAL * float(np.abs(v).max())


def classes(values: np.ndarray, scheme: str = "quantile", k: int = 5,
            diverging: bool = False) -> tuple[list[list[int]], list[float], list[list[int]]]:
    """Fill colours by class: ``k`` classes of equal counts ("quantile": every colour is used, so close
    values such as 29.95-32.49 per million still differ) or of equal width ("equal": fixed breaks from
    the lowest to the highest value); values within NEAR_EQUAL of each other are one class. Zero is a
    class of its own when no value is negative (see ``zero_class``): the other classes are made of the
    non-zero values alone. Returns the fills (NaN -> grey), the class break values and the class colours,
    for the colour bar; with a zero class the first class is [0, 0] and the breaks run 0, then the non-zero
    breaks (so there is one colour fewer than breaks, as without)."""
    if scheme not in CLASS_SCHEMES:
        raise ValueError(f"classes: '{scheme}' is not one of {CLASS_SCHEMES}")
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    ramp = DIVERGING if diverging else SEQUENTIAL
    if not ok.any():
        return [NO_DATA] * len(v), [], []
    zero = zero_class(v)
    rest = v[ok & ~zero]
    if not len(rest):                                 # all zero: one class
        return [_ramp_at(ramp, ZERO_POS) if good else NO_DATA for good in ok], [0.0, 0.0], [_ramp_at(ramp, ZERO_POS)]
    k = min(k, len(np.unique(rest)))                  # no more classes than values (no empty classes)
    if near_equal(rest):
        edges = np.array([rest.min(), rest.max()])
    else:
        edges = (np.quantile(rest, np.linspace(0, 1, k + 1)) if scheme == "quantile"
                 else np.linspace(rest.min(), rest.max(), k + 1))
    edges = np.unique(edges)                          # ties (many equal values) merge classes
    n = max(len(edges) - 1, 1)
    # class colours sampled evenly along the ramp; one class takes its middle (the lightest end is nearly
    # white, and the white borders between regions vanish on it). With a zero class, zero takes the light
    # ZERO_POS and the others the darker rest of the ramp, so a region with anything at all stands out.
    first = ZERO_POS + 1.5 if zero.any() else 0
    pos = np.linspace(first, len(ramp) - 1, n) if n > 1 else np.array([(first + len(ramp) - 1) / 2])
    palette = [_ramp_at(ramp, p) for p in pos]
    cls = np.clip(np.searchsorted(edges, np.where(ok, v, edges[0]), side="right") - 1, 0, n - 1)
    fills = [palette[c] if good else NO_DATA for c, good in zip(cls, ok)]
    breaks = [float(e) for e in (edges if len(edges) > 1 else [edges[0], edges[0]])]
    if zero.any():
        fills = [_ramp_at(ramp, ZERO_POS) if z else f for f, z in zip(fills, zero)]
        return fills, [0.0, *breaks], [_ramp_at(ramp, ZERO_POS), *palette]
    return fills, breaks, palette


# Zero (nothing unmet, no gap) is a class of its own: on the national baseline 29 provinces had no unmet MRI
# demand in 2026 and Anhui (587 thousand exams) and Tibet (171 thousand) the rest, and quantiles of all 31
# made one class 0.00-586.89 that hid both. A value shown as 0.00 (the tooltips' two decimals) is zero.
ZERO_BELOW = 0.005
ZERO_POS = 1.0   # zero's place on the ramp: light, but not so light that the white region borders vanish


def zero_class(values: np.ndarray) -> np.ndarray:
    """Which values make the zero class: those within ZERO_BELOW of 0, provided no value is negative (with
    negative values, as in a difference B - A, zero sits inside the range and is classed with the rest)."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if (v[ok] < -ZERO_BELOW).any():
        return np.zeros(len(v), dtype=bool)
    return ok & (np.abs(np.where(ok, v, 1.0)) < ZERO_BELOW)


def _ramp_at(ramp: np.ndarray, pos: float) -> list[int]:
    """The ramp's colour at ``pos`` (0 .. len(ramp) - 1, between stops linearly), RGBA."""
    i = int(min(np.floor(pos), len(ramp) - 2))
    f = pos - i
    return [int(c) for c in ramp[i] * (1 - f) + ramp[i + 1] * f] + [200]


def layer(boundaries: dict, values: pd.DataFrame, value: str, label: str, unit: str,
          diverging: bool = False, extra: list[str] | None = None,
          scheme: str | None = None) -> tuple[dict, float, float]:
    """Join ``values`` (one row per region_code) onto the boundaries for one map layer.

    Each feature gets ``value``, ``fill`` (RGBA), names in Chinese and English, and a ``tooltip`` line
    with the number and its unit. Regions without a value are grey and say "no data". ``scheme``
    ("quantile" or "equal") colours by class (see ``classes``) and adds the colour bar's breaks and
    colours to the collection as ``legend`` (``zero``: the first class is the zero class; ``near_equal``:
    the other values are one class); without it the ramp is continuous (5th-95th percentile).
    """
    v = values.drop_duplicates("region_code").set_index("region_code")
    codes = [str(f["properties"].get("code")) for f in boundaries["features"]]
    vals = v[value].reindex(codes).to_numpy(dtype=float)
    legend = None
    if scheme is None:
        fills, lo, hi = colour(vals, diverging)
    else:
        fills, breaks, palette = classes(vals, scheme, diverging=diverging)
        lo, hi = (breaks[0], breaks[-1]) if breaks else (0.0, 0.0)
        zero = zero_class(vals)
        legend = {"scheme": scheme, "breaks": breaks, "colours": palette, "zero": bool(zero.any()),
                  "near_equal": near_equal(vals[~zero])}
    features = []
    for f, code, x, fill in zip(boundaries["features"], codes, vals, fills):
        props = dict(f["properties"])
        row = v.loc[code] if code in v.index else None
        zh = props.get("name_zh") or (row["region_name"] if row is not None and "region_name" in v.columns else "")
        en = row["region_name_en"] if row is not None and "region_name_en" in v.columns else ""
        shown = "no data" if not np.isfinite(x) else f"{x:,.2f} {unit}"
        lines = [f"{zh} {en} ({code})", f"{label}: {shown}"]
        for col in extra or []:
            if row is not None and col in v.columns:
                val = row[col]
                if isinstance(val, (int, float, np.number)):   # head counts without decimals
                    val = f"{val:,.0f}" if float(val).is_integer() else f"{val:,.2f}"
                lines.append(f"{col}: {val}")
        props.update({"code": code, "name_zh": zh, "name_en": en, "value": None if not np.isfinite(x) else float(x),
                      "fill": fill, "tooltip": "\n".join(lines)})
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    fc = {"type": "FeatureCollection", "features": features}
    if legend is not None:
        fc["legend"] = legend  # a foreign member (RFC 7946 §6.1): GeoJSON readers ignore it
    return fc, lo, hi


# ------------------------------------------------------------------------------------- national context
# A map of China without Taiwan, the South China Sea islands and the dashed line is a "problem map"
# (问题地图). The plan's data cover the 31 provinces, so national maps draw data/regions/china_context.geojson
# (scripts/build_china_context.py) under the data: Taiwan, Hong Kong and Macao grey, the dashed line, and
# the 南海诸岛 inset with its frame.
CONTEXT_PATH = REGIONS_DIR / "china_context.geojson"
PROVINCE_PREFIXES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                              "61 62 63 64 65".split())
NATIONAL_MIN_PROVINCES = 25   # a map of most provinces is a map of the country (a few may lack data)
TERRITORY_FILL = [200, 200, 200, 255]
CONTEXT_STYLE = {  # role -> (fill RGBA, line RGBA, line width in pixels)
    "territory": (TERRITORY_FILL, [255, 255, 255, 255], 1),
    "dashed_line": ([90, 90, 90, 255], [90, 90, 90, 255], 1),
    "inset": ([222, 222, 222, 255], [150, 150, 150, 255], 1),
    "inset_frame": ([255, 255, 255, 0], [110, 110, 110, 255], 1),
}
DASHED_LINE_CODE = "100000"
INSET_LABEL = "南海诸岛"
# Tooltips (English, 中文): names in Chinese in both, as the data layer's tooltips
CONTEXT_TIPS = {
    "territory": ("{zh} {en} — not in the plan's data", "{zh} — 不在本规划的数据中"),
    "dashed_line": ("南海断续线 South China Sea dashed line", "南海断续线"),
    "inset": ("南海诸岛 South China Sea islands (inset)", "南海诸岛 (附图)"),
}


def is_national(boundaries: dict) -> bool:
    """Whether the features cover the country: their codes span most of the 31 province prefixes."""
    prefixes = {str((f.get("properties") or {}).get("code", ""))[:2] for f in boundaries.get("features", [])}
    return len(prefixes & PROVINCE_PREFIXES) >= NATIONAL_MIN_PROVINCES


def china_context(lang: str = "en") -> dict:
    """The context features (a new FeatureCollection each call), each with ``role``, ``fill`` and ``line``
    (RGBA), ``line_width`` (pixels) and a ``tooltip`` in ``lang`` ("en" or "zh")."""
    fc = load_boundaries(CONTEXT_PATH)
    zh = lang == "zh"
    for f in fc["features"]:
        p = f["properties"]
        role = p["role"]
        style = "dashed_line" if p["code"] == DASHED_LINE_CODE else role
        fill, line, width = CONTEXT_STYLE[style]
        tip = CONTEXT_TIPS["inset" if role.startswith("inset") else role][zh]
        p.update({"fill": list(fill), "line": list(line), "line_width": width,
                  "tooltip": tip.format(zh=p["name_zh"], en=p["name_en"])})
    return fc


def inset_frame(context: dict | None = None) -> tuple[float, float, float, float]:
    """(lon0, lat0, lon1, lat1) of the South China Sea inset's frame."""
    fc = context or load_boundaries(CONTEXT_PATH)
    ring = next(f for f in fc["features"] if f["properties"]["role"] == "inset_frame")["geometry"]["coordinates"][0]
    xy = np.asarray(ring, dtype=float)
    return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())


MIN_FRAMED_RING_SHARE = 0.01  # of the largest ring's bounding box: smaller rings do not set the frame


def framed_box(boxes: np.ndarray) -> tuple[float, float, float, float]:
    """The extent of the rings' bounding boxes (x0, y0, x1, y1 rows) that set a map's frame: rings far
    smaller than the largest (islets) do not."""
    boxes = np.asarray(boxes, dtype=float)
    size = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = boxes[size >= MIN_FRAMED_RING_SHARE * size.max()]
    return float(keep[:, 0].min()), float(keep[:, 1].min()), float(keep[:, 2].max()), float(keep[:, 3].max())


def frame(boundaries: dict) -> tuple[float, float, float, float] | None:
    """(lon0, lat0, lon1, lat1) a map of the features should show, or None without geometry. Rings far
    smaller than the largest (islets: 三沙's reefs pulled China's frame down to 4° N and left the mainland
    small in an empty box) do not widen it; a national map's frame takes in the South China Sea inset."""
    rings: list[np.ndarray] = []

    def walk(c):
        if len(c) and isinstance(c[0][0], (int, float)):
            rings.append(np.asarray(c, dtype=float)[:, :2])
        else:
            for cc in c:
                walk(cc)

    for f in boundaries["features"]:
        if f.get("geometry") and f["geometry"].get("coordinates"):
            walk(f["geometry"]["coordinates"])
    if not rings:
        return None
    x0, y0, x1, y1 = framed_box(np.array([[r[:, 0].min(), r[:, 1].min(), r[:, 0].max(), r[:, 1].max()]
                                          for r in rings]))
    if is_national(boundaries):
        i0, j0, i1, j1 = inset_frame()
        x0, y0, x1, y1 = min(x0, i0), min(y0, j0), max(x1, i1), max(y1, j1)
    return x0, y0, x1, y1


def mercator_y(lat):
    """Web-Mercator y (radians) of latitudes in degrees, clipped to the projection's +-85 degrees."""
    return np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85, 85)) / 2))


def simplified(boundaries: dict, tolerance: float) -> dict:
    """The boundaries with each geometry simplified to ``tolerance`` degrees, neighbours keeping one shared
    border (shapely's coverage simplification; each region on its own where the regions are not a clean
    coverage). A new FeatureCollection: properties are shared with ``boundaries``, geometries are new."""
    import shapely   # here: only the app's map drawing needs it

    has = [i for i, f in enumerate(boundaries["features"]) if f.get("geometry")]
    geoms = shapely.from_geojson([json.dumps(boundaries["features"][i]["geometry"]) for i in has])
    try:
        simple = shapely.coverage_simplify(geoms, tolerance)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 1e-4)
    features = [dict(f) for f in boundaries["features"]]
    for i, g in zip(has, shapely.to_geojson(simple)):
        features[i]["geometry"] = json.loads(g)
    return {**boundaries, "features": features}


def centre(boundaries: dict, width: float = 760, height: float = 460) -> tuple[float, float, float]:
    """(lon, lat, zoom) that shows ``frame(boundaries)`` in ``width`` x ``height`` pixels, for the map's
    initial view. The islets left out of the frame stay on the map, a pan away."""
    box = frame(boundaries)
    if box is None:
        return 104.0, 35.0, 3.0
    xs, ys = [box[0], box[2]], [box[1], box[3]]
    # Web Mercator: at zoom z the world is 512 x 2^z pixels wide, and y = ln(tan(pi/4 + lat/2)) spans
    # 2*pi across that width. Centre on the Mercator midpoint (not the mean latitude, which sits too far
    # south and clips the north) and fit the extent in the box.
    y0, y1 = mercator_y(min(ys)), mercator_y(max(ys))
    lat_mid = float(np.degrees(2 * np.arctan(np.exp((y0 + y1) / 2)) - np.pi / 2))
    span_x = max(max(xs) - min(xs), 1e-3)
    zoom_x = np.log2(width * 360 / (512 * span_x))
    zoom_y = np.log2(height * 2 * np.pi / (512 * max(y1 - y0, 1e-5)))
    zoom = float(min(zoom_x, zoom_y))
    return (min(xs) + max(xs)) / 2, lat_mid, float(np.clip(zoom, 1.0, 12.0))
