"""Issue 13, "Maps people can read": every national map shows Taiwan, Hong Kong and Macao (grey: not in the
plan's data), the South China Sea dashed line and the 南海诸岛 inset (data/regions/china_context.geojson);
a map without them is a 问题地图 a planner cannot show. Regional maps (Sichuan's counties) do not get them."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box, shape

from planner.reporting import maps
from planner.reporting.report.choropleths import fig_maps
from planner.reporting.report.results import Results
from planner.reporting.report.style import cjk_font, drawn_texts, missing_glyphs, report_style
from tests.conftest import REPO

D = REPO / "data" / "regions"
CONTEXT = D / "china_context.geojson"
SICHUAN_VIEW = (102.9456, 30.270191589402728, 5.077736922474142)     # maps.centre before the context existed
PROVINCES_VIEW = (104.29905, 37.941195572091665, 2.8385544745489746)  # the same, provinces.geojson


def _fc(name: str) -> dict:
    return maps.load_boundaries(D / f"{name}.geojson")


def _by_role(fc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in fc["features"]:
        out.setdefault(f["properties"]["role"], []).append(f)
    return out


def _taiwan(roles: dict[str, list[dict]]):
    return shape(next(f for f in roles["territory"] if f["properties"]["code"] == "710000")["geometry"])


def _union(features) -> object:
    return shapely.union_all([shape(f["geometry"]) for f in features])


# ------------------------------------------------------------------------------------------- the file
def test_the_context_file_has_taiwan_hk_macao_the_dashed_line_and_the_inset():
    assert CONTEXT.stat().st_size < 300_000
    fc = json.loads(CONTEXT.read_text(encoding="utf-8"))
    roles = _by_role(fc)
    assert set(roles) == {"territory", "dashed_line", "inset", "inset_frame"}
    assert {f["properties"]["code"]: f["properties"]["name_en"] for f in roles["territory"]} == {
        "710000": "Taiwan", "810000": "Hong Kong SAR", "820000": "Macao SAR"}
    assert {f["properties"]["name_zh"] for f in roles["territory"]} == {"台湾省", "香港特别行政区", "澳门特别行政区"}
    assert len(roles["inset_frame"]) == 1 and roles["inset_frame"][0]["properties"]["name_zh"] == "南海诸岛"
    for f in fc["features"]:
        assert {"role", "code", "name_zh", "name_en"} <= set(f["properties"])
        g = shape(f["geometry"])
        assert g.is_valid and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")
        xy = shapely.get_coordinates(g)
        assert np.array_equal(np.round(xy, 4), xy)                       # 4 decimals
    # the dashed line at its true place: ten dashes from Taiwan's east down to 曾母暗沙 (3.4-24.6° N)
    dashes = shape(roles["dashed_line"][0]["geometry"])
    assert len(shapely.get_parts(dashes)) == 10
    x0, y0, x1, y1 = dashes.bounds
    assert 3.0 < y0 < 4.0 and 24.0 < y1 < 25.0 and 108.0 < x0 and x1 < 123.0
    # Taiwan at its true place, east of Fujian
    taiwan = _taiwan(roles)
    assert taiwan.contains(shapely.Point(121.0, 23.7)) and taiwan.area > 3.0
    # the inset holds Hainan's islands (三沙), Taiwan's south and every dash, scaled down
    inset_codes = {f["properties"]["code"] for f in roles["inset"]}
    assert {"440000", "450000", "460000", "710000", "100000"} <= inset_codes
    inset_dashes = shape(next(f for f in roles["inset"] if f["properties"]["code"] == "100000")["geometry"])
    assert len(shapely.get_parts(inset_dashes)) == 10
    hainan = shape(next(f for f in roles["inset"] if f["properties"]["code"] == "460000")["geometry"])
    assert len(shapely.get_parts(hainan)) > 50                          # the island groups, not just Hainan Island
    frame = shape(roles["inset_frame"][0]["geometry"])
    scale = roles["inset_frame"][0]["properties"]["scale"]
    assert 0.4 <= scale <= 0.45
    src = roles["inset_frame"][0]["properties"]["source_bbox"]
    assert frame.bounds[2] - frame.bounds[0] == pytest.approx(scale * (src[2] - src[0]), abs=1e-3)


def test_the_inset_lies_in_its_frame_at_the_lower_right_and_covers_no_land():
    fc = maps.load_boundaries(CONTEXT)
    roles = _by_role(fc)
    frame = shape(roles["inset_frame"][0]["geometry"])
    inset = _union(roles["inset"])
    assert frame.covers(inset)
    land = shapely.union_all([_union(_fc("provinces")["features"]), _union(roles["territory"])])
    assert not frame.intersects(land)                      # not over Taiwan's islets nor the mainland
    assert not inset.intersects(land)
    mainland = _fc("provinces")
    lon0, lat0, lon1, lat1 = maps.framed_box(np.array([shape(f["geometry"]).bounds for f in mainland["features"]]))
    fx0, fy0, fx1, fy1 = frame.bounds
    assert fx0 > _taiwan(roles).bounds[2]                              # east of Taiwan and its islets
    assert fx1 <= lon1 and fy0 >= lat0 - 0.1 and fy1 < 30               # lower right of the national frame


# ------------------------------------------------------------------------------------------- maps.py
def test_national_maps_are_told_from_regional_ones():
    assert maps.is_national(_fc("provinces")) and maps.is_national(_fc("prefectures"))
    assert not maps.is_national(_fc("counties_sichuan"))
    prov = _fc("provinces")
    some = {"type": "FeatureCollection", "features": prov["features"][:24]}
    assert not maps.is_national(some)
    assert maps.is_national({"type": "FeatureCollection", "features": prov["features"][:25]})


def _view_box(view: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """lon/lat box the pydeck view shows in the 760 x 460 pixels maps.centre fits."""
    lon, lat, zoom = view
    half_x = 760 * 360 / (512 * 2 ** zoom) / 2
    half_y = 460 * 2 * np.pi / (512 * 2 ** zoom) / 2
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    lats = np.degrees(2 * np.arctan(np.exp([y - half_y, y + half_y])) - np.pi / 2)
    return lon - half_x, float(lats[0]), lon + half_x, float(lats[1])


def _inside(inner, outer, tol=1e-6) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol)


def test_the_initial_view_frames_the_inset_on_national_maps_and_leaves_sichuan_alone():
    frame = maps.inset_frame()
    for name in ("provinces", "prefectures"):
        assert _inside(frame, _view_box(maps.centre(_fc(name)))), name
    assert maps.centre(_fc("provinces")) == pytest.approx(PROVINCES_VIEW)   # the mainland is not shrunk
    assert maps.centre(_fc("counties_sichuan")) == pytest.approx(SICHUAN_VIEW, rel=1e-12)
    # a national map without the southern provinces still frames the inset (the data alone end at 21° N)
    south = {"350000", "440000", "450000", "460000"}
    north = {"type": "FeatureCollection",
             "features": [f for f in _fc("provinces")["features"] if f["properties"]["code"] not in south]}
    assert maps.is_national(north)
    assert maps.frame(north)[1] == pytest.approx(frame[1])
    assert _inside(frame, _view_box(maps.centre(north)))


def test_context_tooltips_in_both_languages():
    en = {f["properties"]["code"] + f["properties"]["role"]: f["properties"] for f in maps.china_context("en")["features"]}
    zh = {f["properties"]["code"] + f["properties"]["role"]: f["properties"] for f in maps.china_context("zh")["features"]}
    assert en["710000territory"]["tooltip"] == "台湾省 Taiwan — not in the plan's data"
    assert en["710000territory"]["fill"][:3] == [200, 200, 200]
    assert "South China Sea" in en["460000inset"]["tooltip"] and "南海诸岛" in en["inset_frame"]["tooltip"]
    for p in zh.values():
        assert p["tooltip"] and not re.search(r"[A-Za-z]{2,}", p["tooltip"]), p["tooltip"]
    assert zh["710000territory"]["tooltip"].startswith("台湾省")


# ------------------------------------------------------------------------------------------- the app
def _layer(name: str) -> dict:
    b = _fc(name)
    codes = [f["properties"]["code"] for f in b["features"]]
    vals = pd.DataFrame({"region_code": codes, "v": np.linspace(1, 2, len(codes))})
    return maps.layer(b, vals, "v", "value", "units")[0]


def _deck_layers(fc: dict, monkeypatch=None, lang: str = "en") -> list[dict]:
    from planner_app import widgets

    if monkeypatch is not None:
        monkeypatch.setattr(widgets, "lang", lambda: lang)
    return json.loads(widgets.deck(fc, maps.centre(fc)).to_json())["layers"]


def test_a_national_deck_draws_the_context_under_the_data(monkeypatch):
    fc = _layer("provinces")
    layers = _deck_layers(fc, monkeypatch, "en")
    ids = [ly["id"] for ly in layers]
    data = next(i for i, ly in enumerate(layers) if not ly["id"].startswith("china_context"))
    assert layers[data]["data"]["features"][0]["properties"]["tooltip"] == fc["features"][0]["properties"]["tooltip"]
    ctx = ids.index("china_context")
    assert ctx < data and ids.index("china_context_label") < data
    c = layers[ctx]
    assert c["@@type"] == "GeoJsonLayer" and c["pickable"] is True
    roles = {f["properties"]["role"] for f in c["data"]["features"]}
    assert roles == {"territory", "dashed_line", "inset", "inset_frame"}
    taiwan = next(f for f in c["data"]["features"] if f["properties"]["code"] == "710000"
                  and f["properties"]["role"] == "territory")
    assert taiwan["properties"]["fill"][:3] == [200, 200, 200] and "Taiwan" in taiwan["properties"]["tooltip"]
    assert layers[ids.index("china_context_label")]["characterSet"] == "南海诸岛"
    # in 中文 the context's tooltips are Chinese (tests/test_app_chinese.py reads every layer's tooltips)
    zh = next(ly for ly in _deck_layers(fc, monkeypatch, "zh") if ly["id"] == "china_context")
    assert all(not re.search(r"[A-Za-z]{2,}", f["properties"]["tooltip"]) for f in zh["data"]["features"])


def test_a_sichuan_deck_has_no_context():
    layers = _deck_layers(_layer("counties_sichuan"))
    assert len(layers) == 1 and not layers[0]["id"].startswith("china_context")


def test_a_deck_asks_for_no_basemap():
    """Issue 25, item 9: no Carto style from the internet. Streamlit's deck.gl element puts a Carto style in
    for a missing mapStyle (map_provider=None or not); its placeholder is the one way to have none (the
    browser tests fail on any request to another host)."""
    from planner_app import widgets

    spec = json.loads(widgets.deck(_layer("counties_sichuan"), (104.0, 30.0, 5.0)).to_json())
    assert spec["mapStyle"] == widgets.NO_BASEMAP == "__MAP_STYLE__" and "mapProvider" not in spec


# ------------------------------------------------------------------------------------------- the report
def _results(tmp_path, scenario: str, regions_csv: str):
    """A results folder with one optimal case whose regions all have a CT density (no solve needed)."""
    folder = tmp_path / scenario
    case = folder / "cases" / "c1"
    case.mkdir(parents=True)
    (folder / "results.csv").write_text("case_id,status\nc1,optimal\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"cases": [{"case_id": "c1", "scenario": str(
        REPO / "models" / f"{scenario}.toml")}]}), encoding="utf-8")
    codes = pd.read_csv(D / regions_csv, dtype=str)["code"]
    pd.DataFrame({"region_code": codes, "modality": "CT", "year": 2030,
                  "density_after_per_million": np.linspace(20, 40, len(codes)),
                  "target_per_million": 40.0}).to_csv(case / "regions.csv", index=False)
    return Results(folder)


def _context_collections(ax) -> dict[str, object]:
    return {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("china_context_")}


def _extent(coll, ax):
    b = coll.get_datalim(ax.transData)
    return b.x0, b.y0, b.x1, b.y1


def test_the_national_report_map_draws_taiwan_the_dashed_line_and_the_inset(tmp_path):
    res = _results(tmp_path, "baseline", "provinces.csv")
    with report_style("en") as wan:
        notes: list[str] = []
        fig = fig_maps(res, [0], "CT", wan, notes)
        ax = fig.axes[0]
        got = _context_collections(ax)
        assert set(got) == {f"china_context_{k}" for k in
                            ("territory", "dashed_line", "inset_frame", "inset", "inset_dashed_line")}
        assert tuple(got["china_context_territory"].get_facecolor()[0][:3]) == pytest.approx((200 / 255,) * 3)
        assert got["china_context_territory"].get_zorder() < ax.collections[0].get_zorder()   # under the data
        texts = [t.get_text() for t in ax.texts]
        assert "South China\nSea Islands" in texts
        cbar = " ".join(t.get_text() for t in drawn_texts(fig))
        assert "Taiwan, Hong Kong and Macao" in cbar
        # the axes show the mainland and the inset; 三沙 at its true place (down to 3.8° N) no longer sets
        # the frame, so the map is wider than tall, as China's mainland is
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        frame = _extent(got["china_context_inset_frame"], ax)
        assert _inside(frame, (x0, y0, x1, y1))
        data = _extent(ax.collections[0], ax)
        assert y0 > data[1] and (x1 - x0) > 1.1 * (y1 - y0)
        # the inset sits east of Taiwan and no higher than the middle of the map
        taiwan = _extent(got["china_context_territory"], ax)
        assert frame[0] > taiwan[2] and frame[3] < (y0 + y1) / 2
        assert frame[2] - frame[0] < 0.25 * (x1 - x0)                     # a corner, not half the map
    assert not notes


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed")
def test_the_chinese_report_map_names_the_inset_in_chinese(tmp_path):
    res = _results(tmp_path, "baseline", "provinces.csv")
    with report_style("zh") as wan:
        fig = fig_maps(res, [0], "CT", wan, [])
        texts = " ".join(t.get_text() for t in drawn_texts(fig))
        assert "南海诸岛" in texts and "台湾、香港、澳门" in texts
        assert not missing_glyphs(fig)


def test_the_sichuan_report_map_has_no_context(tmp_path):
    res = _results(tmp_path, "sichuan", "counties_sichuan.csv")
    with report_style("en") as wan:
        fig = fig_maps(res, [0], "CT", wan, [])
        ax = fig.axes[0]
        assert not _context_collections(ax) and not ax.texts
        assert "Taiwan" not in " ".join(t.get_text() for t in drawn_texts(fig))


def test_colour_bar_ranges_show_whole_units_without_decimals():
    """Units in service are whole: "25–535", not "25.00–535.00" (issue 25, part 4). Densities keep two
    decimals below 100, exams above 100 are whole, and a zero class reads "0"."""
    from planner_app.widgets import class_texts

    units = {"breaks": [25.0, 110.0, 535.0], "colours": [(0, 0, 0, 255)] * 2}
    assert class_texts(units) == ["25–110", "110–535"]
    density = {"breaks": [29.95, 31.2, 32.49], "colours": [(0, 0, 0, 255)] * 2}
    assert class_texts(density) == ["29.95–31.20", "31.20–32.49"]
    # maps.classes on unmet thousand exams with a zero class: breaks (0, 170.98, 378.935, 586.89)
    _, breaks, colours = maps.classes(np.array([0, 0, 0, 170.98, 586.89]), "quantile", 5)
    assert class_texts({"breaks": breaks, "colours": colours, "zero": True}) == ["0", "171–379", "379–587"]


def test_compare_legend_writes_whole_unit_differences_without_decimals():
    """Compare's legend gave "-1.00 units … 1.00 units" for a difference in whole units (screenshot review,
    issue 25): the same rule as the colour bars, whole when every number is whole."""
    from planner_app.widgets import number_format

    whole = number_format([-1.0, 1.0])
    assert (whole(-1.0), whole(1.0)) == ("-1", "1")
    share = number_format([-0.25, 0.5])
    assert (share(-0.25), share(0.5)) == ("-0.25", "0.50")
