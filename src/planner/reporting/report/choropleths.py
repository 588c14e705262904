"""The small-multiple maps: density after the plan for up to MAX_MAPS cases on one colour scale, with a
national map's context (Taiwan, Hong Kong and Macao, the dashed line, the South China Sea inset)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.messages import msg
from planner.reporting.report.canvas import constant_note, new_figure
from planner.reporting.report.labels import BUDGET_KEY, mod_label, tr
from planner.reporting.report.results import Results

MAX_MAPS = 4


def map_figsize(n: int) -> tuple[float, float]:
    """Figure size (inches) of the small-multiple maps for n cases: one row up to 3, 2 x 2 for 4."""
    if n >= 4:
        return (9.0, 8.2)
    return (3.8 * n + 0.6, 4.6)


def default_map_cases(res: Results) -> list[str]:
    """Lowest, middle and highest budget (among the cases sharing the other varied inputs of the first
    successful case); without a varied budget the first, middle and last successful cases."""
    ok = [i for i in range(len(res.df)) if res.ok.iloc[i]]
    if not ok:
        return []
    b = res.budget_col
    if b == BUDGET_KEY:     # a grid: keep the other varied inputs at the first case's values
        first = res.df.iloc[ok[0]]
        ok = [i for i in ok if all(res.df.iloc[i][k] == first[k] for k in res.other_varied)]
    if b is not None:
        ok.sort(key=lambda i: float(res.df.iloc[i][b]))
    picks = [ok[0], ok[(len(ok) - 1) // 2], ok[-1]] if len(ok) >= 3 else ok
    seen: list[str] = []
    for i in picks:
        cid = str(res.df["case_id"].iloc[i])
        if cid not in seen:
            seen.append(cid)
    return seen


def resolve_cases(res: Results, wanted: list[str]) -> list[int]:
    ids = res.df["case_id"].astype(str).tolist()
    out = []
    for w in wanted:
        hits = [i for i, c in enumerate(ids) if c == w] or [i for i, c in enumerate(ids) if c.startswith(str(w))]
        if len(hits) != 1:
            problem = msg("report.case_unknown", case=w) if not hits else msg("report.case_ambiguous", case=w)
            raise InputError(str(res.folder / "results.csv"), problem, column="case_id",
                             fix=msg("report.fix_choose_from", ids=", ".join(ids[:12]) + (" ..." if len(ids) > 12 else "")))
        if not res.ok.iloc[hits[0]]:
            raise InputError(str(res.folder / "results.csv"), msg("report.case_failed", case=w),
                             column="case_id", fix=msg("report.fix_not_failed"))
        out.append(hits[0])
    return out


def _project(gdf):
    """Albers equal-area centred on the data (standard parallels at 1/6 and 5/6 of its latitudes)."""
    x0, y0, x1, y1 = gdf.total_bounds
    lat1, lat2 = y0 + (y1 - y0) / 6, y0 + 5 * (y1 - y0) / 6
    try:
        return gdf.to_crs(f"+proj=aea +lat_0={(y0 + y1) / 2:.3f} +lon_0={(x0 + x1) / 2:.3f} +lat_1={lat1:.3f} "
                          f"+lat_2={lat2:.3f} +datum=WGS84 +units=m +no_defs"), True
    except Exception:  # noqa: BLE001 - no PROJ database: plain longitude/latitude
        return gdf, False


def _rgba(c: list[int]) -> tuple[float, ...]:
    return tuple(v / 255 for v in c)


def _draw_context(ax, data_ll, data, frame: tuple[float, float, float, float], projected: bool) -> None:
    """A national map's context (maps.china_context): Taiwan, Hong Kong and Macao grey under the data, the
    dashed line, and the South China Sea inset with its frame and name at the lower right. The axes show
    ``frame`` (maps.frame: the islets south of Hainan are in the inset), as the app's initial view does.

    ``data_ll``/``data``: the regions in lon/lat and as drawn. Territories and dashed line are projected
    as the data; the inset stays an upright Mercator box (projected with the data it would tilt ~12° at
    130° E), at the inset's scale, east of everything drawn at its height."""
    import geopandas as gpd
    import shapely

    from planner.reporting.maps import CONTEXT_STYLE, DASHED_LINE_CODE, china_context, mercator_y

    ctx = gpd.GeoDataFrame.from_features(china_context()["features"], crs="EPSG:4326")
    true, inset = ctx[ctx["role"].isin(["territory", "dashed_line"])], ctx[ctx["role"].str.startswith("inset")]
    pad = 0.3     # degrees: Hainan's southern tip lies on the frame's edge
    shown = data_ll.geometry.clip_by_rect(frame[0] - pad, frame[1] - pad, frame[2] + pad, frame[3] + pad)
    geoms = inset.geometry.values
    if projected:
        true = true.to_crs(data.crs)
        shown = shown.to_crs(data.crs)
        src = inset[inset["role"] == "inset_frame"].iloc[0]["source_bbox"]
        k = 6_378_137.0 * math.pi / 180 * math.cos(math.radians((src[1] + src[3]) / 2))   # m per degree

        def mercator(xy):
            return np.column_stack([xy[:, 0], np.degrees(mercator_y(xy[:, 1]))]) * k

        geoms = shapely.transform(geoms, mercator)
        fx0, fy0, fx1, _ = shown.total_bounds
        a0, b0, _, b1 = shapely.total_bounds(geoms)
        band = shapely.box(fx0 - 1e7, fy0, fx1 + 1e7, fy0 + (b1 - b0))
        beside = [g for g in [*shown, *true.geometry] if g is not None and g.intersects(band)]
        east = max(g.intersection(band).bounds[2] for g in beside) if beside else fx1
        dx, dy = east + 0.02 * (fx1 - fx0) - a0, fy0 - b0
        geoms = shapely.transform(geoms, lambda xy: xy + np.array([dx, dy]))
    inset = gpd.GeoDataFrame(inset.drop(columns="geometry"), geometry=list(geoms), crs=data.crs)

    def draw(df, style, gid, **kw):
        fill, line, _ = CONTEXT_STYLE[style]
        if len(df):
            df.plot(ax=ax, facecolor=_rgba(fill), edgecolor=_rgba(line), **kw)
            ax.collections[-1].set_gid(f"china_context_{gid}")    # the SVG element's id

    dashed = inset["code"] == DASHED_LINE_CODE
    draw(true[true["role"] == "territory"], "territory", "territory", linewidth=0.25, zorder=0.5)
    draw(true[true["role"] == "dashed_line"], "dashed_line", "dashed_line", linewidth=0.2, zorder=2)
    draw(inset[inset["role"] == "inset_frame"], "inset_frame", "inset_frame", linewidth=0.6, zorder=2)
    draw(inset[(inset["role"] == "inset") & ~dashed], "inset", "inset", linewidth=0.2, zorder=2.1)
    draw(inset[dashed], "dashed_line", "inset_dashed_line", linewidth=0.2, zorder=2.2)
    a0, b0, a1, b1 = inset[inset["role"] == "inset_frame"].total_bounds
    m = 0.03 * (a1 - a0)
    ax.text(a1 - m, b0 + m, tr("South China\nSea Islands"), ha="right", va="bottom", fontsize=5.5,
            color="#464646", zorder=3)
    x0, y0, x1, y1 = np.array([shown.total_bounds, [a0, b0, a1, b1]]).T
    margin = 0.01 * (max(x1) - min(x0))
    ax.set_xlim(min(x0) - margin, max(x1) + margin)
    ax.set_ylim(min(y0) - margin, max(y1) + margin)


def fig_maps(res: Results, rows: list[int], modality: str, wan: str, notes: list[str]):
    import geopandas as gpd
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    from planner.reporting.maps import frame, is_national, load_boundaries

    panels = []          # (title, GeoDataFrame with 'value', year, targets, lon/lat frame if national)
    skipped: dict[tuple[str, bool], list[str]] = {}   # (note, still drawn) -> the cases it applies to
    for i in rows:
        cid = str(res.df["case_id"].iloc[i])
        bpath, why = res.boundaries_path(cid)
        if bpath is None:
            skipped.setdefault((why, False), []).append(cid)
            continue
        try:
            reg = res.regions(cid)
        except FileNotFoundError as e:
            notes.append(tr("map of case {} skipped: {} is missing").format(cid, e.args[0]))
            continue
        mods = sorted(reg["modality"].unique())
        if modality not in mods:
            raise InputError(str(res.folder / "cases" / cid / "regions.csv"), msg("report.no_modality", modality=modality),
                             column="modality", fix=msg("report.fix_choose_modality", modalities=", ".join(mods)))
        reg = reg[reg["modality"] == modality]
        year = int(reg["year"].max())
        reg = reg[reg["year"] == year].drop_duplicates("region_code").set_index("region_code")
        fc = load_boundaries(bpath)
        gdf = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
        gdf["code"] = [str(f["properties"].get("code")) for f in fc["features"]]
        gdf["value"] = reg["density_after_per_million"].reindex(gdf["code"]).to_numpy(dtype=float)
        unmapped = sorted(set(reg.index) - set(gdf["code"]))
        if unmapped:
            why = tr("{} of {} regions have no shape in {} and are not drawn ({})").format(
                len(unmapped), len(reg), bpath.name, ", ".join(unmapped[:5]) + (" ..." if len(unmapped) > 5 else ""))
            skipped.setdefault((why, True), []).append(cid)
        target = reg["target_per_million"].dropna().unique() if "target_per_million" in reg else []
        r = res.df.iloc[i]
        title = res.case_label(i, sep="\n", wan=wan)
        if r["status"] != "optimal":
            g = r.get("gap")
            title += f"\n({tr(str(r['status']))}" + (
                ", " + tr("gap {} %").format(f"{100 * float(g):.2f}") if pd.notna(g) else "") + ")"
        panels.append((title, gdf, year, target, frame(fc) if is_national(fc) else None))
    for (why, drawn), cids in skipped.items():
        which = (tr("cases {}") if len(cids) > 1 else tr("case {}")).format(", ".join(cids))
        notes.append(f"maps_{modality}: {which}: {why}" if drawn else
                     tr("maps_{}: {} not mapped: {}").format(modality, which, why))
    if not panels:
        return None
    allv = np.concatenate([p[1]["value"].to_numpy() for p in panels])
    fin = allv[np.isfinite(allv)]
    if fin.size == 0:
        notes.append(tr("maps_{}: no region has a {} density to draw").format(modality, mod_label(modality)))
        return None
    # 5th-95th percentile, as the app's maps (planner.maps.colour): one outlier would flatten the rest
    lo, hi = (np.percentile(fin, 5), np.percentile(fin, 95)) if fin.size >= 10 else (fin.min(), fin.max())
    if hi <= lo:
        lo, hi = float(fin.min()), float(fin.max())
    if hi <= lo:
        hi = lo + 1.0
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}[
        (bool((fin < lo).any()), bool((fin > hi).any()))]
    norm, cmap = Normalize(lo, hi), colormaps["YlGnBu"]
    n = len(panels)
    fig = new_figure(map_figsize(n))
    axes = [fig.add_subplot(2, 2, k + 1) if n >= 4 else fig.add_subplot(1, n, k + 1) for k in range(n)]
    any_missing = False
    for ax, (title, gdf_ll, year, _, national_frame) in zip(axes, panels):
        gdf, projected = _project(gdf_ll)
        missing = ~np.isfinite(gdf["value"].to_numpy())
        any_missing |= bool(missing.any())
        gdf.plot(column="value", ax=ax, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.25,
                 missing_kwds={"color": "#d9d9d9", "edgecolor": "white", "hatch": "///", "linewidth": 0.25})
        if national_frame:
            _draw_context(ax, gdf_ll, gdf, national_frame, projected)
        if not projected:   # the latitudes shown (a national map is cropped at Hainan)
            ax.set_aspect(1 / math.cos(math.radians(float(np.mean(ax.get_ylim())))))
        ax.set_axis_off()
        ax.set_title(title, fontsize=8.5)
    sm = ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=axes, orientation="horizontal", shrink=0.6, aspect=35, extend=extend, pad=0.02)
    cbar.set_label(tr("{} units per million residents after the plan, {}").format(mod_label(modality), panels[0][2])
                   + (tr("  (hatched grey: no data)") if any_missing else "")
                   + ("\n" + tr("plain grey: Taiwan, Hong Kong and Macao, not in the plan's data")
                      if any(p[4] for p in panels) else ""))
    tg = panels[0][3]
    if len(tg) == 1 and float(tg[0]) > 0:
        t = float(tg[0])
        if lo <= t <= hi:
            cbar.ax.axvline(t, color="firebrick", lw=1.5)
            cbar.ax.text(t, 1.15, tr("target {:g}").format(t), transform=cbar.ax.get_xaxis_transform(), ha="center",
                         va="bottom", fontsize=7.5, color="firebrick")
    names = sorted({str(s) for s in res.df.get("scenario", pd.Series(dtype=str)).dropna()})
    # The title goes in a band kept free of the maps: constrained layout does not move aspect-locked map axes
    # away from a suptitle reliably, and their titles would collide with it.
    top = 1 - 0.34 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, 0, 1, top))
    title = tr("{} density after the plan, {}").format(mod_label(modality), panels[0][2])
    title += (f" ({', '.join(names)})" if names else "") + constant_note(res, wan).replace("\n(", ", ").rstrip(")")
    fig.text(0.5, 1 - 0.06 / fig.get_figheight(), title, ha="center", va="top", fontsize=10.5)
    return fig
