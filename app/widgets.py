"""Shared display pieces: maps (pydeck, no basemap), charts (Altair), tables with downloads."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable

import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

from planner_app import labels
from planner_app.words import find_param, say, status_word, stored_message
from planner_app.i18n import lang, t
from planner.reporting import maps
from planner.messages import from_data
from planner.reporting.summary import marginal_digest
from planner.solver import Status, relative_gap
LAYERS = {  # layer key -> (column in regions table, i18n key of its unit, diverging?)
    "layer_density_after": ("density_after_per_million", "unit_per_million", False),
    "layer_density_before": ("density_before_per_million", "unit_per_million", False),
    "layer_gap_after": ("gap_after_per_million", "unit_per_million", False),
    "layer_new_units": ("new_units_cumulative", "units", False),
    "layer_unmet": ("unmet_thousand_exams", "unit_thousand_exams", False),
    "layer_unmet_share": ("unmet_share_pct", "unit_pct", False),
}


@st.cache_data(show_spinner=False, max_entries=8)
def boundaries(path: str) -> dict:
    return maps.load_boundaries(path)


# Every map is MAP_HEIGHT px tall (Streamlit's default 500 left a national map small), and its first view fits
# the regions' frame (maps.frame) into FIT_PX: the map's height less a margin, and the width of a page column
# (about 900 px in a 1,400 px window with the sidebar).
MAP_HEIGHT = 600
FIT_PX = (900, MAP_HEIGHT - 40)
# The result map draws the boundaries simplified to about a pixel at that first view (shapely's coverage
# simplification: neighbours keep one shared border). The browser redraws every vertex's outline on each
# change of layer, modality or year: Sichuan's 28,000 county vertices took 2 s, its 8,800 simplified ones 1 s.
# Downloads keep the full boundaries.
SIMPLIFY_PX = 1.2


def map_height(columns: int = 1) -> int:
    """A map's height: MAP_HEIGHT, or less for maps side by side (narrower, so a national map is lower)."""
    return MAP_HEIGHT if columns == 1 else int(MAP_HEIGHT * 0.75)


def fit_view(b: dict, columns: int = 1) -> tuple[float, float, float]:
    """(lon, lat, zoom) showing the regions' frame in FIT_PX, the first view of every map; ``columns``
    maps side by side share the page's width (less a gutter) at map_height(columns)."""
    width = FIT_PX[0] if columns == 1 else FIT_PX[0] / columns * 0.95
    return maps.centre(b, width, map_height(columns) - (MAP_HEIGHT - FIT_PX[1]))


def _fingerprint(b: dict) -> tuple:
    """Which boundaries these are, cheaply: codes and each feature's first vertex."""
    def first(c):
        while isinstance(c, list) and c and isinstance(c[0], list):
            c = c[0]
        return tuple(c) if isinstance(c, list) else None
    return tuple((str(f["properties"].get("code")), first((f.get("geometry") or {}).get("coordinates")))
                 for f in b["features"])


@st.cache_resource(show_spinner=False, max_entries=8)
def _drawn(fingerprint: tuple, _b: dict) -> tuple[dict, tuple[float, float, float]]:
    view = fit_view(_b)
    return maps.simplified(_b, SIMPLIFY_PX * 360 / (512 * 2 ** view[2])), view   # degrees per pixel there


def drawn(b: dict) -> tuple[dict, tuple[float, float, float]]:
    """The boundaries as the result map draws them (simplified, see SIMPLIFY_PX) and its first view, made
    once per set of boundaries: a change of layer, modality or year only recolours them. Shared between
    reruns and sessions: do not change what it returns."""
    return _drawn(_fingerprint(b), b)


def region_values(regions: pd.DataFrame, modality: str, year: int) -> pd.DataFrame:
    g = regions[(regions["modality"] == modality) & (regions["year"] == year)].copy()
    g["new_units_cumulative"] = g["units_after"] - g["units_before"]
    return g


# No basemap, so the browser fetches nothing from another host (and draws no foreign map under China's
# boundaries). Neither map_style=None nor map_provider=None does it: Streamlit's deck.gl element (1.67) fills
# an empty mapStyle of a MapView with a Carto style from basemaps.cartocdn.com, matching the theme. Only its
# placeholder "__MAP_STYLE__" means "no style": it is dropped, no default is put in, and no MapLibre map is
# mounted, which also saves each map its second WebGL context. tests/test_e2e_browser.py fails on any
# request to another host, so a Streamlit that reads this differently is caught.
NO_BASEMAP = "__MAP_STYLE__"


class CompactDeck(pdk.Deck):
    """pydeck's JSON is indented (2 spaces a level): 2.9 MB for Sichuan's 186 counties against 0.6 MB
    without the whitespace, sent to the browser on every map change. Same content, no indentation."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"))


def context_layers() -> list:
    """What a national map shows beyond the plan's regions (maps.china_context): Taiwan, Hong Kong and Macao
    grey, the dashed line, the South China Sea inset with its frame and its name."""
    ctx = maps.china_context(lang())
    # The name goes above the frame's right corner (empty sea): inside, a 13 px label at the national zoom
    # covers the southernmost dash and 曾母暗沙.
    _, _, x1, y1 = maps.inset_frame(ctx)
    label = [{"position": [x1, y1], "text": maps.INSET_LABEL}]
    return [
        pdk.Layer("GeoJsonLayer", ctx, id="china_context", pickable=True, filled=True, stroked=True,
                  get_fill_color="properties.fill", get_line_color="properties.line",
                  get_line_width="properties.line_width", line_width_units=pdk.types.String("pixels"),
                  line_width_min_pixels=1),
        # deck.gl draws only the characters of its character set (ASCII unless told otherwise)
        pdk.Layer("TextLayer", label, id="china_context_label", get_position="position", get_text="text",
                  get_size=13, get_color=[70, 70, 70, 255], get_pixel_offset=[0, -2],
                  get_text_anchor=pdk.types.String("end"),
                  get_alignment_baseline=pdk.types.String("bottom"),
                  character_set=pdk.types.String(maps.INSET_LABEL)),
    ]


def deck(fc: dict, view: tuple[float, float, float], extra_layers: list | None = None) -> pdk.Deck:
    """The map of a layer (maps.layer). A national one gets the context layers under the data."""
    lon, lat, zoom = view
    layer = pdk.Layer("GeoJsonLayer", fc, id="regions", pickable=True, filled=True, stroked=True,
                      get_fill_color="properties.fill",
                      get_line_color=[255, 255, 255], line_width_min_pixels=1)
    under = context_layers() if maps.is_national(fc) else []
    return CompactDeck(layers=[*under, layer, *(extra_layers or [])], map_style=NO_BASEMAP, map_provider=None,
                    initial_view_state=pdk.ViewState(longitude=lon, latitude=lat, zoom=zoom),
                    tooltip={"text": "{tooltip}"})


# Streamlit's file uploader writes its button and its size limit in English, with no option to change them
# (static/js/FileUploader.*.js). Its data-testids are stable, so a style sheet hides those words and shows the
# planner's language in their place (the words are only drawn: a screen reader still hears the English).
_UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"], [data-testid="stFileUploaderDropzoneInstructions"] * {{
  font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{ content: "{limit}"; font-size: 0.875rem; opacity: 0.6; }}
[data-testid="stFileUploaderDropzone"] button > * {{ display: none !important; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "{button}"; font-size: 0.875rem; }}
</style>"""


def uploader_words(button: str, limit: str) -> None:
    """Every file uploader on the page says ``button`` on its button and ``limit`` under it."""
    quoted = {k: v.replace("\\", "").replace('"', "") for k, v in {"button": button, "limit": limit}.items()}
    st.markdown(_UPLOADER_CSS.format(**quoted), unsafe_allow_html=True)


def number_format(values) -> Callable[[float], str]:
    """How to write these numbers side by side: whole when every one is whole (units: "25–535", not
    "25.00–535.00"), else as numbers in a sentence (``number``)."""
    v = np.asarray(values, dtype=float)
    return (lambda x: f"{x:,.0f}") if bool(np.all(np.abs(v - np.round(v)) < 1e-9)) else number


def class_texts(bar: dict) -> list[str]:
    """Each class's range as the colour bar writes it (``number_format``); zero alone as "0"."""
    breaks, n = np.asarray(bar["breaks"], dtype=float), len(bar["colours"])
    fmt = number_format(breaks)
    texts = [f"{fmt(breaks[i])}–{fmt(breaks[i + 1])}" for i in range(n)]
    if bar.get("zero"):   # maps.classes: zero is a class of its own, the rest are classed apart
        texts[0] = "0"
    return texts


def colour_bar(label: str, bar: dict, unit: str) -> None:
    """The map's classes as a colour bar: one swatch per class with its range, in the map's colours."""
    colours = bar["colours"]
    texts = class_texts(bar)
    cells = "".join(
        f'<span style="display:inline-block;padding:2px 8px;margin-right:2px;background:rgba({c[0]},{c[1]},{c[2]},'
        f'{c[3] / 255:.2f});color:{"#fff" if sum(c[:3]) < 380 else "#222"};font-size:0.8em">'
        f"{text}</span>" for text, c in zip(texts, colours))
    grey = '<span style="display:inline-block;padding:2px 8px;background:rgba(210,210,210,0.63);font-size:0.8em">' \
           f'{t("no_data")}</span>'
    how = t("classes_near_equal") if bar.get("near_equal") else t("scheme_" + bar["scheme"])
    if bar.get("zero"):
        how = t("classes_zero").format(how=how)
    st.markdown(f"**{label}**, {unit} · {how}: {cells} {grey}", unsafe_allow_html=True)


def legend(label: str, lo: float, hi: float, unit: str) -> None:
    st.caption(t("ramp_legend").format(label=label, lo=number(lo), hi=number(hi), unit=unit))


def localise_tooltips(fc: dict) -> dict:
    """maps.layer writes its tooltips with machine column names ('population: ...', 'target_per_million:
    ...'): the extra lines get the column's screen label in the interface language, and in 中文 the words
    too (numbers, codes and region names stay)."""
    for f in fc["features"]:
        lines = f["properties"]["tooltip"].split("\n")
        for i, line in enumerate(lines[1:], 1):
            col, sep, rest = line.partition(": ")
            if sep and labels.readable(col) != col:
                line = f"{labels.readable(col)}: {rest}"
            lines[i] = line.replace("no data", t("no_data"))
        f["properties"]["tooltip"] = "\n".join(lines)
    return fc


def offered_modalities(regions: pd.DataFrame, layer_key: str) -> list[str]:
    """The modalities the layer has data for: no unmet layer for mobile units (unmet demand belongs to the
    exam type they serve), no gap layer for a modality without a target."""
    col = LAYERS[layer_key][0]
    if col not in regions.columns:   # new_units_cumulative: made per modality and year (region_values)
        col = "units_after"
    mods = list(dict.fromkeys(regions["modality"]))
    by = regions.groupby("modality", sort=False)
    ok = by[col].apply(lambda v: bool(v.notna().any()))
    if layer_key == "layer_gap_after":
        ok &= by["target_per_million"].max() > 0
    return [m for m in mods if ok.get(m, False)] or mods


def region_map(regions: pd.DataFrame, b: dict | None, key: str, mobile: pd.DataFrame | None = None,
               centroids: pd.DataFrame | None = None, modality: str | None = None, year: int | None = None,
               layer_key: str | None = None, serves: dict | None = None) -> dict | None:
    """Choropleth of one layer x modality x year, with the layer as downloadable GeoJSON. Returns the layer.
    ``mobile`` (the mobile units' arcs) is drawn for the mobile units that serve the modality (``serves``:
    mobile modality -> the modality it serves)."""
    if not b:
        st.info(t("no_boundaries"))
        return None
    c1, c2, c3 = st.columns(3)
    # Translated labels are the options themselves (a translating format_func confuses widget state when
    # the language changes), and the key carries the language so each language has its own widget.
    # a run stored before a layer's column existed (unmet_share_pct) is not offered that layer
    offered = [k for k in LAYERS if LAYERS[k][0] in regions.columns or k == "layer_new_units"]
    layer_names = {t(k): k for k in offered}
    layer_key = layer_names[c1.selectbox(t("layer"), list(layer_names), key=f"{key}_layer_{lang()}",
                                    index=offered.index(layer_key) if layer_key in offered else 0)]
    mods = offered_modalities(regions, layer_key)
    modality = c2.selectbox(t("modality"), mods, key=f"{key}_mod", format_func=labels.modality_names(mods),
                            index=mods.index(modality) if modality in mods else 0)
    years = [int(y) for y in sorted(regions["year"].unique())]
    # the plan's years in the key: when they change (a new solve with other plan years), the box is a new
    # one and starts on the plan's last year, not on a year kept from the plan before (2027 of 2026-2028)
    year = c3.selectbox(t("year"), years, key=f"{key}_year_{years[0]}_{years[-1]}_{len(years)}",
                        index=years.index(year) if year in years else len(years) - 1)
    col, unit_key, div = LAYERS[layer_key]
    unit = t(unit_key)
    vals = region_values(regions, modality, year)
    schemes = {t("scheme_quantile"): "quantile", t("scheme_equal"): "equal"}
    scheme = schemes[st.radio(t("classes"), list(schemes), horizontal=True, key=f"{key}_classes_{lang()}")]
    shown, view = drawn(b)

    def layer(geo: dict) -> dict:
        fc, _, _ = maps.layer(geo, vals, col, t(layer_key), unit, diverging=div,
                              extra=["population", "target_per_million"], scheme=scheme)
        return localise_tooltips(fc)

    fc = layer(shown)
    extra = []
    if mobile is not None and len(mobile) and centroids is not None:
        extra = mobile_layers(mobile_arcs(mobile, serves or {}, modality, year), centroids)
    st.pydeck_chart(deck(fc, view, extra), key=f"{key}_deck", height=MAP_HEIGHT)
    colour_bar(t(layer_key), fc["legend"], unit)
    if extra:
        st.caption(t("mobile_layer"))
    full = layer(b)   # the download with the full boundaries
    st.download_button(t("download_geojson"), json.dumps(full, ensure_ascii=False),
                       file_name=f"{layer_key}_{modality}_{year}.geojson", mime="application/geo+json",
                       key=f"{key}_dl_geo")
    return full


def mobile_arcs(mobile: pd.DataFrame, serves: dict, modality: str, year: int) -> pd.DataFrame:
    """The mobile arcs a map of ``modality`` in ``year`` shows: of the mobile units that serve it (or of
    ``modality`` itself, when it is a mobile one); none of mobile DR on a CT map."""
    own = mobile["modality"].map(lambda m: m == modality or serves.get(m) == modality)
    return mobile[own & (mobile["year"] == year)]


def mobile_layers(mobile: pd.DataFrame, centroids: pd.DataFrame) -> list:
    c = centroids.set_index("code")[["centroid_lon", "centroid_lat"]]
    m = mobile.join(c, on="base_code").join(c, on="target_code", rsuffix="_t").dropna()
    if not len(m):
        return []
    bases = m.groupby("base_code").agg(lon=("centroid_lon", "first"), lat=("centroid_lat", "first"),
                                       exams=("exams_k", "sum")).reset_index()
    bases["tooltip"] = bases.apply(lambda r: t("mobile_base_tip").format(code=r["base_code"], x=r["exams"]), axis=1)
    lines = m[m["base_code"] != m["target_code"]].copy()
    lines["tooltip"] = lines.apply(lambda r: t("mobile_line_tip").format(a=r["base_code"], b=r["target_code"],
                                                                      x=r["exams_k"]), axis=1)
    return [
        pdk.Layer("LineLayer", lines, get_source_position=["centroid_lon", "centroid_lat"],
                  get_target_position=["centroid_lon_t", "centroid_lat_t"], get_color=[220, 80, 20, 200],
                  get_width=2, pickable=True),
        pdk.Layer("ScatterplotLayer", bases, get_position=["lon", "lat"], get_radius=6000, radius_min_pixels=4,
                  get_fill_color=[220, 80, 20, 230], pickable=True),
    ]


# Columns a screen table leaves out when the same quantity is there in the planner's unit (money in 万元,
# not also in 元); downloads keep them.
SAME_IN_OTHER_UNIT = {"capex_cny": "capex_wan_cny", "spend_cny": "spend_wan_cny", "unit_price_cny": "unit_price_wan_cny"}


def dataframe(df: pd.DataFrame, key: str, column_config: dict | None = None, **kw) -> None:
    """st.dataframe with headers and code cells in the interface language (see labels.py)."""
    df = df.drop(columns=[c for c, other in SAME_IN_OTHER_UNIT.items() if c in df.columns and other in df.columns])
    st.dataframe(labels.to_screen(df), width="stretch", hide_index=True, key=key,
                 column_config=labels.column_config(df, column_config), **kw)


def table_with_downloads(df: pd.DataFrame, name: str, key: str, column_config: dict | None = None) -> None:
    """The table on screen, and its downloads (download_files): CSV and Excel as the interface shows it."""
    dataframe(df, key=f"{key}_df", column_config=column_config)
    files = download_files(df, name, zh=lang() == "zh")
    for col, (label, data, file_name, mime) in zip(st.columns(len(files)), files):
        col.download_button(t(label), data, file_name=file_name, mime=mime, key=f"{key}_{label.removeprefix('download_')}")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_files(df: pd.DataFrame, name: str, zh: bool) -> list[tuple[str, bytes, str, str]]:
    """The downloads of a table: (i18n key of the button's label, bytes, file name, MIME type). In English,
    CSV and Excel with the machine column names and codes (what other tools read; today's files). In 中文,
    CSV and Excel as the screen shows the table (labels.download_zh: Chinese headers and labels, numbers
    rounded as shown), the machine names on the Excel file's second sheet and in a second CSV."""
    if not zh:
        return [("download_csv", _csv(df), f"{name}.csv", "text/csv"),
                ("download_xlsx", excel_bytes(df), f"{name}.xlsx", XLSX)]
    shown = labels.download_zh(df)
    return [("download_csv", _csv(shown), f"{name}.csv", "text/csv"),
            ("download_xlsx", excel_bytes(df, shown), f"{name}.xlsx", XLSX),
            ("download_csv_machine", _csv(df), f"{name}_en.csv", "text/csv")]


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")   # the BOM: Excel opens the Chinese as UTF-8


def excel_bytes(df: pd.DataFrame, shown: pd.DataFrame | None = None) -> bytes:
    """The table as an Excel workbook: the data under its machine column names, then a sheet saying what
    each column is, in Chinese and English, with its unit. With ``shown`` (the 中文 table, labels.download_zh)
    that comes first and the machine names second."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xl:
        if shown is not None:
            shown.to_excel(xl, index=False, sheet_name=labels.DATA_SHEET_ZH)
        df.to_excel(xl, index=False, **({"sheet_name": labels.MACHINE_SHEET} if shown is not None else {}))
        labels.header_sheet(df).to_excel(xl, sheet_name=labels.HEADER_SHEET, index=False)
    return buf.getvalue()


def spend_chart(spend: pd.DataFrame) -> alt.Chart:
    """Capital spend per plan year in 亿元, the unit of totals (prices stay in 万元)."""
    d = spend[["year"]].assign(yi=spend["capex_wan_cny"] / 1e4)
    return alt.Chart(d).mark_bar().encode(
        x=alt.X("year:O", title=t("year")), y=alt.Y("yi:Q", title=t("spend_axis"), axis=alt.Axis(format=",.1f")),
        tooltip=[alt.Tooltip("year:O", title=t("year")), alt.Tooltip("yi:Q", title=t("spend_axis"), format=",.2f")]
    ).properties(title=t("spend_by_year"), height=240)


def units_chart(plan: pd.DataFrame) -> alt.Chart:
    g = plan.groupby(["modality", "tier"], as_index=False)["new_units"].sum()
    g = labels.to_chart(g)  # tiers and modalities by their labels, in the bars and the legend
    return alt.Chart(g).mark_bar().encode(x=alt.X("modality:N", title=t("modality")),
                                          y=alt.Y("new_units:Q", title=t("units_bought")),
                                          color=alt.Color("tier:N", title=t("tiers")),
                                          tooltip=[alt.Tooltip("modality:N", title=t("modality")),
                                                   alt.Tooltip("tier:N", title=t("tiers")),
                                                   alt.Tooltip("new_units:Q", title=t("units_bought"))]).properties(
        title=t("units_by_mod_tier"), height=240)


def density_chart(regions: pd.DataFrame, year: int, mobile: Iterable[str] = ()) -> alt.Chart:
    """Units per million before and after the plan, and the target, per modality; ``mobile`` (the mobile
    modalities) are drawn only when they have a density target (their units serve another modality's
    demand, so their own density is a sliver beside a target that is not there)."""
    g = regions[regions["year"] == year].groupby("modality").agg(
        population=("population", "sum"), before=("units_before", "sum"), after=("units_after", "sum"),
        target=("target_per_million", "first")).reset_index()
    g["before"] = g["before"] / g["population"] * 1e6
    g["after"] = g["after"] / g["population"] * 1e6
    # no bars for a modality with no units and no target, nor for a mobile one without a target (issue 25)
    targeted = g["target"].fillna(0) > 0
    g = g[(targeted | (g["before"] > 0) | (g["after"] > 0)) & (targeted | ~g["modality"].isin(list(mobile)))]
    long = labels.to_chart(g.melt(id_vars="modality", value_vars=["before", "after", "target"], var_name="what",
                                   value_name="per million"))
    long["what"] = long["what"].map(lambda w: t(f"dc_{w}"))
    order = [t("dc_before"), t("dc_after"), t("dc_target")]
    return alt.Chart(long).mark_bar().encode(x=alt.X("modality:N", title=t("modality")),
                                             xOffset=alt.XOffset("what:N", sort=order),
                                             y=alt.Y("per million:Q", title=t("dc_what")),
                                             color=alt.Color("what:N", title="", sort=order),
                                             tooltip=[alt.Tooltip("modality:N", title=t("modality")),
                                                      alt.Tooltip("what:N", title=" "),
                                                      alt.Tooltip("per million:Q", title=t("dc_what"), format=".2f")]
                                             ).properties(title=t("density_chart"), height=240)


def number(x: float) -> str:
    """A number in a sentence: whole above 100 (2,066 units, not 2,066.00), else two decimals (0.08)."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def whole_input(where, label: str, value, *, min_value=None, max_value=None, step=1, **kw):
    """A number input for a whole-number field (int in the schema, or minutes, seconds, years that are
    whole): no decimals ("480", not "480.00"), whole steps, an int back. A value the scenario gives with a
    fraction keeps a float input, so nothing is rounded away."""
    if value is not None and not float(value).is_integer():
        return where.number_input(label, value=float(value), min_value=None if min_value is None else float(min_value),
                                  max_value=None if max_value is None else float(max_value), step=float(step), **kw)
    def whole(x):
        return None if x is None else int(x)
    return where.number_input(label, value=whole(value), min_value=whole(min_value), max_value=whole(max_value),
                              step=int(step), format="%d", **kw)


def exams(thousands: float, unit: bool = True) -> str:
    """Exam counts in the one unit every table, map and chart uses: thousand exams (千人次). ``unit=False``
    for a metric, whose label carries the unit (a value with it is cut off in a third of the page)."""
    shown = f"{thousands:,.1f}" if abs(thousands) < 100 else f"{thousands:,.0f}"
    return f"{shown} {t('unit_thousand_exams')}" if unit else shown


def unmet_label() -> str:
    return f"{t('unmet')} ({t('unit_thousand_exams')})"


def fmt_wan(v: float) -> str:
    return f"{v / 1e4:,.2f} 亿元" if abs(v) >= 1e4 else f"{v:,.0f} 万元"


def summary_metrics(summary: dict, flows_unmet: float | None = None) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("spend"), fmt_wan(summary["spend_total_cny"] / 1e4),
              help=t("budget_help").format(b=fmt_wan(summary["budget_total"] / 1e4)))
    c2.metric(t("units_bought"), f"{sum(summary['units_bought_by_modality'].values()):,.0f}")
    c3.metric(unmet_label(), exams(summary["unmet_thousand_exams"], unit=False),
              help=t("demand_help").format(d=exams(summary["demand_thousand_exams"])))
    gaps = summary.get("target_gap") or {}
    if gaps:
        st.caption(" · ".join(_gap_words(m, g) for m, g in gaps.items()))


def _gap_words(modality: str, gap: dict) -> str:
    """How much of the gap between the base-year stock and the target the plan closes, in a sentence."""
    base, target = gap["base_per_million"], gap["target_per_million"]
    if gap["closed_share"] is None:
        return t("gap_met").format(m=labels.modality(modality), base=base, target=target)
    if gap["closed_share"] < 0:
        return t("gap_lost").format(m=labels.modality(modality), base=base, target=target,
                                    after=gap["after_per_million"])
    return t("gap_closed").format(m=labels.modality(modality), base=base, target=target, after=gap["after_per_million"],
                                  share=gap["closed_share"])


def progress_words(p, elapsed: float = 0.0) -> str:
    """A running solve's state (planner.solver.Progress, or None before HiGHS's MIP reports) in the
    interface language."""
    if p is None:
        return t("progress_start").format(s=elapsed)
    if p.incumbent is None:
        return t("progress_none").format(s=p.seconds)
    bound = "—" if p.bound is None else f"{p.bound:,.0f}"
    gap = "—" if p.gap is None else f"{p.gap:.2%}"
    return t("progress_plan").format(s=p.seconds, obj=p.incumbent, bound=bound, gap=gap)


def highs_better(objective: float | None, p, tol: float) -> float | None:
    """How much better HiGHS's best plan (Progress ``p``) is than the plan on screen (objective), as a share
    of the latter's objective, when by more than the requested gap ``tol``; None otherwise."""
    if p is None or p.incumbent is None or objective is None or p.incumbent >= objective:
        return None
    better = relative_gap(objective, p.incumbent)
    return better if better is not None and better > max(tol, 1e-6) else None


def whatif_words(objective: float | None, bound: float | None, p, budget_wan: float, tol: float,
                 elapsed: float = 0.0) -> str:
    """A budget what-if while HiGHS improves on its quick plan, in one sentence: the plan on screen (the
    quick plan: ``objective``, its proven ``bound``), what HiGHS has (Progress ``p``, None before it
    reports), and ONE bound, the higher of the two proven ones, with ONE gap: the shown plan's against it.
    The quick plan's own gap (against its own, older bound) is not said beside it."""
    parts = [t("whatif_shown").format(b=f"{budget_wan / 1e4:,.2f} 亿元", obj=objective or 0.0)]
    if p is None:
        parts.append(t("whatif_highs_start").format(s=elapsed))
    elif p.incumbent is None:
        parts.append(t("whatif_highs_none").format(s=p.seconds))
    elif (better := highs_better(objective, p, tol)) is not None:
        parts.append(t("whatif_highs_better").format(inc=p.incumbent, better=better))
    else:
        parts.append(t("whatif_highs_same").format(s=p.seconds, tol=tol))
    bounds = [b for b in (bound, None if p is None else p.bound) if b is not None and np.isfinite(b)]
    best = max(bounds) if bounds else None
    gap = relative_gap(objective, best)
    parts.append(t("whatif_bound").format(bound="—" if best is None else f"{best:,.0f}",
                                          gap=t("gap_unknown") if gap is None else f"{gap:.2%}"))
    return ("" if lang() == "zh" else " ").join(parts)   # no space after a Chinese full stop


def scenario_title(scn) -> str:
    """The scenario's title in the interface language (title_zh in 中文, when the file gives one)."""
    return (scn.title_zh if lang() == "zh" and scn.title_zh else scn.title) or scn.name


def scenario_description(scn) -> str:
    return (scn.description_zh if lang() == "zh" and scn.description_zh else scn.description).strip()


def has_plan(summary: dict) -> bool:
    """A status that comes with a plan (optimal, time_limit, interrupted, quick)."""
    return Status(summary["status"]).has_solution


def status_text(summary: dict) -> str:
    """The solver's status in the interface language, from the message the run stored (its code and values);
    a run stored before messages were codes has only its English sentence, said in 中文 by its status word
    and gap."""
    data = summary.get("status_message_data")
    if data is not None or lang() != "zh":
        return stored_message(data, summary["status_message"])
    gap = t("gap_unknown") if summary.get("gap") is None else f"{summary['gap']:.2%}"
    return t("status_gap").format(status=status_word(summary["status"]), gap=gap)


def quick_how(summary: dict) -> str:
    """What a quick plan changed ('223 purchase(s) dropped to fit the smaller budget'), in the interface
    language; '' when its stored message does not say."""
    how = find_param(summary.get("status_message_data"), "how")
    return "" if how is None else say(how)


def status_banner(summary: dict) -> None:
    if summary["status"] == "quick":
        # while HiGHS works, its progress line says the one bound and the one gap (whatif_words); the quick
        # plan's own (against an older bound) would contradict it
        how = quick_how(summary)
        st.warning(t("plan_quick_status") + (f" ({how})" if how else ""))
        st.caption(t("quick_objective").format(obj=summary["objective"]))
        _verifier_banner(summary)
        return
    text = f"{t('status')}: {status_text(summary)}"
    if summary["status"] == "optimal":
        st.success(text)
    elif has_plan(summary):
        st.warning(text)
    else:
        st.error(text)
    if summary["objective"] is not None:  # the numbers behind the words, for whoever checks them
        bound = "—" if summary["bound"] is None else f"{summary['bound']:,.1f}"
        st.caption(t("objective_numbers").format(obj=summary["objective"], bound=bound))
    if not has_plan(summary):
        return  # no plan: nothing to verify (the status says why)
    _verifier_banner(summary)


def _verifier_banner(summary: dict) -> None:
    ver = summary["verifier"]
    if ver["ok"]:
        st.success(t("verifier_ok"))
    else:
        # a run's summary holds the violations as message codes too (an older stored run: English only)
        said = [say(from_data(m)) for m in summary.get("verifier_messages") or ver["violations"]]
        st.error(t("verifier_bad") + " " + "; ".join(said[:5]))


def view_boundaries(view: dict) -> dict | None:
    """The region boundaries of a fresh result (file path) or of a stored run (its own copy), if any."""
    return view.get("boundaries_json") or (boundaries(view["boundaries_path"]) if view.get("boundaries_path") else None)


@st.fragment
def map_fragment(regions: pd.DataFrame, b: dict | None, key: str, mobile=None, centroids=None, serves=None) -> None:
    """The result map as a fragment: changing its layer, modality or year redraws the map alone, not the
    page (which would re-validate the inputs and redraw every table and chart: 2 s on Sichuan)."""
    region_map(regions, b, key=key, mobile=mobile, centroids=centroids, serves=serves)


def show_result(view: dict, key: str, extra=None) -> None:
    """Everything about one plan: status, verifier, metrics, map, tables, charts, marginal values.

    ``extra(view, key)``, if given, draws a further section after the charts (the plan page's access and
    equity section) and before the long tables."""
    summary = view["summary"]
    status_banner(summary)
    if not has_plan(summary):
        return
    summary_metrics(summary)
    b = view_boundaries(view)
    st.subheader(t("map"))
    map_fragment(view["regions"], b, key=f"{key}_map", mobile=view.get("mobile"), centroids=view.get("centroids"),
                 serves=view.get("mobile_serves"))
    st.subheader(t("charts"))
    c1, c2 = st.columns(2)
    c1.altair_chart(spend_chart(view["spend"]), width="stretch")
    if len(view["plan"]):
        c2.altair_chart(units_chart(view["plan"]), width="stretch")
    st.altair_chart(density_chart(view["regions"], int(view["regions"]["year"].max()), view.get("mobile_serves") or ()),
                    width="stretch")
    if extra is not None:
        extra(view, key)
    m = view.get("marginal")
    if m is not None and len(m):
        st.subheader(t("marginal"))
        for text in marginal_digest(m):   # the three that matter most, in sentences
            st.markdown(f"- {say(text)}")
        with st.expander(t("marginal_all").format(n=len(m))):
            dataframe(m, key=f"{key}_marginal")
    st.subheader(t("tables"))
    st.markdown(f"**{t('plan_table')}**")
    table_with_downloads(view["plan"], "plan", f"{key}_plan")
    st.markdown(f"**{t('regions_summary')}**")
    table_with_downloads(view["regions"], "regions", f"{key}_regions")
