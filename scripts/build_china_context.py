#!/usr/bin/env python
"""Build data/regions/china_context.geojson: what a national map of China shows beyond the plan's regions.

    .venv/bin/python scripts/build_china_context.py            # writes data/regions/china_context.geojson
    .venv/bin/python scripts/build_china_context.py --out DIR  # writes DIR/china_context.geojson

A map of China without Taiwan, the South China Sea islands (南海诸岛) and the dashed line is a "problem
map" (问题地图). The plan's data cover the 31 provinces only, so the app and the report draw these context
features under every national map (planner.reporting.maps.china_context):

* role ``territory``: Taiwan 710000, Hong Kong 810000, Macao 820000 at their true position (grey: part of
  the country, not in the census tables the plan uses);
* role ``dashed_line``: the South China Sea dashed-line segments at their true position;
* role ``inset``: the South China Sea inset of standard horizontal maps: the provinces, Taiwan, Hong Kong,
  Macao and the dashed line inside SOURCE_BOX, clipped to it and scaled by INSET_SCALE into a box east of
  Taiwan (the scaling is done in Web-Mercator y, so the inset is undistorted on the app's Mercator map);
* role ``inset_frame``: the inset's rectangle.

Input (read-only): <repo>/../shared/data/external/raw/datav/100000_full.json (DataV.GeoAtlas, see SOURCES.md
§1) and china_province_2020.csv (English names). Nothing is downloaded. The output is deterministic.
build_regions.py calls this too, so `make data` rebuilds it with the other files.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_regions import _round_coords, clean_for_output, polygonal  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NAME = "china_context.geojson"
SIZE_CAP = 300_000

TERRITORIES = {"710000": ("台湾省", "Taiwan"), "810000": ("香港特别行政区", "Hong Kong SAR"),
               "820000": ("澳门特别行政区", "Macao SAR")}
DASHED_LINE = "100000"      # DataV's feature with empty name and adchar "JD"

# The inset: lon/lat box of the source (the whole dashed line and 三沙, down to 曾母暗沙 at 3.9° N), the
# scale, and the inset's upper-left corner. lon 125.3 keeps clear of Taiwan's easternmost islets (124.6° E);
# the bottom then falls at Hainan's southern tip (18.1° N), so the national frame hardly grows.
SOURCE_BOX = (105.5, 2.5, 125.0, 24.5)
INSET_SCALE = 0.43
INSET_TOP_LEFT = (125.3, 27.2)

TOL_TRUE = 0.001            # degrees, territories (already coarse in DataV)
TOL_INSET = 0.002           # degrees, after scaling (≈ 0.005° at true size)


def merc(lat):
    """Web-Mercator y in degrees of longitude (so x and y share one unit)."""
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def unmerc(y):
    return np.degrees(2 * np.arctan(np.exp(np.radians(y))) - np.pi / 2)


def to_inset(xy: np.ndarray) -> np.ndarray:
    """Source lon/lat -> inset lon/lat: scale about the source box's upper-left corner, in Mercator."""
    x0, _, _, y1 = SOURCE_BOX
    tx, ty = INSET_TOP_LEFT
    lon = tx + INSET_SCALE * (xy[:, 0] - x0)
    lat = unmerc(merc(ty) + INSET_SCALE * (merc(xy[:, 1]) - merc(y1)))
    return np.column_stack([lon, lat])


def inset_box() -> tuple[float, float, float, float]:
    """The inset's rectangle, rounded outwards to the 4-decimal grid so the rounded content stays inside."""
    x0, y0, x1, y1 = SOURCE_BOX
    (a, b), (c, d) = to_inset(np.array([[x0, y0], [x1, y1]]))
    return (math.floor(a * 1e4) / 1e4, math.floor(b * 1e4) / 1e4, math.ceil(c * 1e4) / 1e4, math.ceil(d * 1e4) / 1e4)


def _feature(role: str, code: str, zh: str, en: str, geom, **extra) -> dict:
    gj = mapping(geom)
    coords = _round_coords(gj["coordinates"])
    if not shape({"type": gj["type"], "coordinates": coords}).is_valid:
        raise ValueError(f"invalid geometry after rounding: {role} {code}")
    return {"type": "Feature", "properties": {"role": role, "code": code, "name_zh": zh, "name_en": en, **extra},
            "geometry": {"type": gj["type"], "coordinates": coords}}


def build(datav: Path, provinces_csv: Path) -> dict:
    raw = json.loads(datav.read_text(encoding="utf-8"))
    by_code = {str(f["properties"]["adcode"]): f for f in raw["features"]}
    with provinces_csv.open(encoding="utf-8") as fh:
        names_en = {r["adcode"]: r["name_en"] for r in csv.DictReader(fh)}
    assert len(names_en) == 31 and set(names_en) <= set(by_code), "DataV and the province table disagree"
    assert by_code[DASHED_LINE]["properties"].get("adchar") == "JD"

    def geom(code):
        return polygonal(shape(by_code[code]["geometry"]))

    out = []
    for code, (zh, en) in TERRITORIES.items():
        out.append(_feature("territory", code, zh, en, clean_for_output(geom(code), TOL_TRUE)))
    dashes = geom(DASHED_LINE)
    out.append(_feature("dashed_line", DASHED_LINE, "南海断续线", "South China Sea dashed line",
                        clean_for_output(dashes, 0.0)))

    clip = box(*SOURCE_BOX)
    pieces = [(c, (by_code[c]["properties"]["name"], names_en[c])) for c in sorted(names_en)]
    pieces += list(TERRITORIES.items())
    for code, (zh, en) in pieces:
        part = polygonal(geom(code).intersection(clip))
        if part is None or part.area < 1e-3:     # Jiangxi and Guizhou only graze the box's top edge
            continue
        out.append(_feature("inset", code, zh, en, clean_for_output(shapely.transform(part, to_inset), TOL_INSET)))
    part = polygonal(dashes.intersection(clip))
    out.append(_feature("inset", DASHED_LINE, "南海断续线", "South China Sea dashed line",
                        clean_for_output(shapely.transform(part, to_inset), 0.0)))
    out.append(_feature("inset_frame", "", "南海诸岛", "South China Sea Islands", box(*inset_box()),
                        source_bbox=list(SOURCE_BOX), scale=INSET_SCALE))
    return {"type": "FeatureCollection", "features": out}


def write(out_dir: Path, shared: Path) -> int:
    ext = shared / "data" / "external"
    fc = build(ext / "raw" / "datav" / "100000_full.json", ext / "china_province_2020.csv")
    data = (json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    if len(data) > SIZE_CAP:
        raise ValueError(f"{NAME}: {len(data)} bytes > cap {SIZE_CAP}")
    (out_dir / NAME).write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "regions", help="output directory")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder with inputs")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{NAME}: {write(args.out, args.shared)} bytes")


if __name__ == "__main__":
    main()
