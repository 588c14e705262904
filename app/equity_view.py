"""Access and equity: the editor sections, the plan page's "Access and equity" section, new-unit maps.

Nothing here solves: it reads a result view (state.view_from_result) and writes edits into the raw
scenario dict the plan page validates, like every other editor.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

from planner_app import labels, state, widgets
from planner_app.i18n import lang, t
from planner.reporting import maps
from planner.planning.access import access_measures

OBJECTIVES = {"eq_obj_efficiency": "efficiency", "eq_obj_shortfall": "min_max_shortfall",
              "eq_obj_travel": "min_max_travel"}
WHEN = {"before": "before", "after": "after"}


def choice(where, label_key: str, options: dict, key: str, default, horizontal: bool = False,
           help: str | None = None):
    """A radio whose options are translated labels (i18n key -> value). The chosen value is kept under
    ``key`` so it survives a language switch (each language has its own widget, see widgets.region_map)."""
    values = list(options.values())
    current = st.session_state.get(key, default)
    choices = {t(k): k for k in options}
    picked = where.radio(t(label_key), list(choices), index=values.index(current) if current in values else 0,
                         key=f"{key}_{lang()}", horizontal=horizontal, help=help)
    st.session_state[key] = options[choices[picked]]
    return st.session_state[key]


# ------------------------------------------------------------------------------------------------ editor
def edit_access_equity(scn, raw: dict, slots: dict) -> None:
    """The [access] and [equity] editors; write into ``raw`` (validated with everything else)."""
    acc, eq = scn.access, scn.equity
    with st.expander(t("access_inputs"), expanded=bool(acc.exam_types)):
        slots["access"] = st.container()
        st.caption(t("access_help"))
        raw["access"]["exam_types"] = st.multiselect(
            t("access_types"), scn.exam_types, default=[k for k in acc.exam_types if k in scn.exam_types],
            key=state.wkey("edit_access_types"))
        c1, c2 = st.columns(2)
        raw["access"]["limit_minutes"] = widgets.whole_input(c1, t("access_limit"), acc.limit_minutes, min_value=1,
                                                             step=10, key=state.wkey("edit_access_limit"))
        raw["access"]["cap_minutes"] = widgets.whole_input(c2, t("access_cap"), acc.cap_minutes, min_value=1, step=10,
                                                           key=state.wkey("edit_access_cap"))
        raw["access"]["require_within_limit"] = st.checkbox(t("access_require"), value=acc.require_within_limit,
                                                            key=state.wkey("edit_access_require"))
        c1, c2 = st.columns(2)
        raw["access"]["travel_wan_cny_per_million_person_minutes"] = c1.number_input(
            t("access_travel_weight"), min_value=0.0, step=1.0,
            value=float(acc.travel_wan_cny_per_million_person_minutes), key=state.wkey("edit_access_travel_weight"))
        raw["access"]["beyond_limit_wan_cny_per_thousand_people"] = c2.number_input(
            t("access_beyond_weight"), min_value=0.0, step=1.0,
            value=float(acc.beyond_limit_wan_cny_per_thousand_people), key=state.wkey("edit_access_beyond_weight"))
    with st.expander(t("equity_inputs"), expanded=eq.objective != "efficiency"):
        slots["equity"] = st.container()
        raw["equity"]["objective"] = choice(st, "eq_objective", OBJECTIVES, state.wkey("edit_eq_objective"), eq.objective)
        c1, c2 = st.columns(2)
        raw["equity"]["max_shortfall_per_million"] = c1.number_input(
            t("eq_max_shortfall"), min_value=0.0, step=0.5, value=eq.max_shortfall_per_million,
            key=state.wkey("edit_eq_max_shortfall"))
        raw["equity"]["max_travel_minutes"] = widgets.whole_input(
            c2, t("eq_max_travel"), eq.max_travel_minutes, min_value=0, step=10, key=state.wkey("edit_eq_max_travel"))


# ------------------------------------------------------------------------------------------- formatting
def people(n: float) -> str:
    """Residents in the unit t("people_unit") names: 万人 in Chinese, millions in English."""
    return f"{n / 1e4:,.0f}" if lang() == "zh" else f"{n / 1e6:,.1f}"


def en_names(view: dict) -> dict:
    c = view.get("centroids")
    if c is None or "name_en" not in getattr(c, "columns", []):
        return {}
    return dict(zip(c["code"].astype(str), c["name_en"]))


def _finite(s: pd.Series) -> pd.Series:
    return s.astype(float).replace([np.inf, -np.inf], np.nan)


# --------------------------------------------------------------------------------------- plan section
def access_equity_section(view: dict, key: str) -> None:
    """Travel to the nearest unit (map, regions furthest away, residents beyond the limit) and the equity
    of units per million (Gini, Theil, largest shortfall), before and after the plan."""
    if not widgets.has_plan(view["summary"]):
        return
    st.subheader(t("ae_title"))
    acc = view.get("access")
    if acc is None or not len(acc):
        st.info(t("access_off"))
    else:
        travel_section(view, acc, key)
    eq = view.get("equity")
    if (eq is None or not len(eq)) and view["summary"].get("equity"):
        eq = pd.DataFrame(view["summary"]["equity"])  # a stored run keeps the equity table in its summary
    if eq is not None and len(eq):
        equity_section(view, eq, key)


def travel_section(view: dict, acc: pd.DataFrame, key: str) -> None:
    cfg = view.get("access_cfg") or {}
    limit, cap = float(cfg.get("limit_minutes", 60.0)), float(cfg.get("cap_minutes", 240.0))
    mins = t("minutes")
    types = list(dict.fromkeys(acc["exam_type"]))
    c1, c2 = st.columns([1, 2])
    k = c1.selectbox(t("exam_type"), types, key=f"{key}_acc_type")
    when = choice(c2, "when", WHEN, f"{key}_acc_when", "after", horizontal=True)
    sel = acc[acc["exam_type"] == k].reset_index(drop=True)

    m = access_measures(sel, limit, cap).set_index("when")
    b, a = m.loc["before"], m.loc["after"]
    st.caption(t("before_after"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("people_beyond").format(limit=limit, unit=t("people_unit")),
              f"{people(b['people_beyond_limit'])} → {people(a['people_beyond_limit'])}",
              help=t("people_beyond_help").format(limit=limit, rb=int(b["regions_beyond_limit"]),
                                                  ra=int(a["regions_beyond_limit"])))
    c2.metric(f"{t('mean_travel')} ({mins})", f"{b['mean_minutes']:,.0f} → {a['mean_minutes']:,.0f}",
              help=t("travel_cap_help").format(cap=cap, mins=mins))
    c3.metric(f"{t('longest_travel')} ({mins})", f"{b['longest_minutes']:,.0f} → {a['longest_minutes']:,.0f}")

    col = f"minutes_{when}"
    geo = widgets.view_boundaries(view)
    if geo:
        en = en_names(view)
        vals = pd.DataFrame({"region_code": sel["region_code"].astype(str), "region_name": sel["region_name"],
                             "region_name_en": sel["region_code"].astype(str).map(en).fillna(""),
                             "minutes": _finite(sel[col])})
        label = f"{t('travel_map')}, {k}: {t(when)}"
        fc, lo, hi = maps.layer(geo, vals, "minutes", label, mins)
        widgets.localise_tooltips(fc)
        nowhere = set(sel.loc[np.isinf(sel[col].astype(float)), "region_code"].astype(str))
        beyond = set(sel.loc[sel[col].astype(float) > limit + 1e-9, "region_code"].astype(str))
        for f in fc["features"]:
            p = f["properties"]
            if p["code"] in nowhere:
                p["tooltip"] = p["tooltip"].replace(t("no_data"), t("no_unit_anywhere"))
            if p["code"] in beyond:
                p["tooltip"] += f"\n> {limit:,.0f} {mins}"
        outline = [f for f in fc["features"] if f["properties"]["code"] in beyond]
        extra = [pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": outline}, filled=False,
                           stroked=True, get_line_color=[200, 0, 0, 255], line_width_min_pixels=3)] if outline else []
        st.markdown(f"**{label}**")
        st.pydeck_chart(widgets.deck(fc, widgets.fit_view(geo), extra), key=f"{key}_acc_deck",
                        height=widgets.MAP_HEIGHT)
        widgets.legend(t("travel_map"), lo, hi, mins)
        st.caption(t("limit_legend").format(limit=limit, k=k))
        st.download_button(t("download_geojson"), json.dumps(fc, ensure_ascii=False),
                           file_name=f"travel_{k}_{when}.geojson", mime="application/geo+json",
                           key=f"{key}_acc_geo")

    st.markdown(f"**{t('furthest')}, {k}: {t(when)}**")
    en = en_names(view)
    order = sel.assign(_m=sel[col].astype(float)).sort_values(["_m", "population"], ascending=False)
    table = pd.DataFrame({
        t("col_region"): [f"{z} {en.get(str(c), '')}".strip()
                          for z, c in zip(order["region_name"], order["region_code"])],
        t("col_code"): order["region_code"].astype(str),
        t("col_population_m"): (order["population"] / 1e6).round(2),
        t("col_travel_before"): _finite(order["minutes_before"]).round(0),
        t("col_travel_after"): _finite(order["minutes_after"]).round(0),
        t("col_within_after"): order["within_limit_after"].astype(bool),
        t("col_mobile_visit"): order["mobile_visit_after"].astype(bool)}).reset_index(drop=True)
    st.dataframe(table.head(10), hide_index=True, width="stretch", key=f"{key}_acc_far",
                 column_config=labels.configs_by_header(
                     {t("col_population_m"): "population_million", t("col_travel_before"): "minutes",
                      t("col_travel_after"): "minutes"}, pin=[t("col_region")]))
    st.caption(t("furthest_note"))
    st.download_button(t("download_all_regions"), table.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"travel_{k}.csv", mime="text/csv", key=f"{key}_acc_csv")


def equity_frame(eq: pd.DataFrame, modalities: list[str]) -> pd.DataFrame:
    """Per modality: Gini and Theil before -> after, lowest density, target, largest shortfall."""
    e = eq[eq["modality"].isin(modalities)]
    if not len(e):
        return pd.DataFrame()
    w = e.pivot(index="modality", columns="when").reindex([m for m in modalities if m in set(e["modality"])])

    def index(col: str, when: str) -> np.ndarray:
        return w[(col, when)].map(labels.index_value).to_numpy()

    return pd.DataFrame({
        t("col_modality"): [labels.modality(m) for m in w.index],
        t("col_gini_before"): index("gini", "before"), t("col_gini_after"): index("gini", "after"),
        t("col_theil_before"): index("theil", "before"), t("col_theil_after"): index("theil", "after"),
        t("col_min_after"): w[("min_per_million", "after")].to_numpy(),
        t("col_target"): w[("target_per_million", "after")].to_numpy(),
        t("col_short_before"): w[("largest_shortfall_per_million", "before")].to_numpy(),
        t("col_short_after"): w[("largest_shortfall_per_million", "after")].to_numpy()})


def gini_card(eq: pd.DataFrame, modality: str) -> tuple[str, str | None]:
    """The Gini metric card's value and delta, from the same rounding as the table (labels.index_value)."""
    g = eq[eq["modality"] == modality].set_index("when")["gini"].map(labels.index_value)
    change = labels.index_value(g["after"] - g["before"])   # as shown: no "↓ -0.000" arrow for no change
    return f"{g['before']:.3f} → {g['after']:.3f}", (f"{change:+.3f}" if change else None)


def equity_section(view: dict, eq: pd.DataFrame, key: str) -> None:
    mods = view.get("fixed_modalities") or sorted(set(eq.loc[eq["target_per_million"] > 0, "modality"]))
    frame = equity_frame(eq, list(mods))
    if not len(frame):
        return
    st.markdown(f"**{t('equity_table')}**")
    targeted = view.get("equity_modalities") or list(eq.loc[eq["target_per_million"] > 0, "modality"].unique())
    shown = [m for m in mods if m in targeted][:3]
    cols = st.columns(1 + len(shown))
    sb = eq[(eq["when"] == "before") & eq["modality"].isin(targeted)]["largest_shortfall_per_million"].max()
    sa = eq[(eq["when"] == "after") & eq["modality"].isin(targeted)]["largest_shortfall_per_million"].max()
    if pd.notna(sa):
        cols[0].metric(f"{t('largest_shortfall')} ({t('units_per_million')})", f"{sb:,.2f} → {sa:,.2f}")
    for c, m in zip(cols[1:], shown):
        c.metric(t("gini_of").format(m=labels.modality(m)), *gini_card(eq, m), delta_color="inverse")
    # Gini and Theil as every table shows them (3 decimals), densities and shortfalls with 2
    fmt = labels.configs_by_header({**{c: "gini_" for c in frame.columns[1:5]},
                                    **{c: "target_per_million" for c in frame.columns[5:]}}, pin=[frame.columns[0]])
    st.dataframe(frame, hide_index=True, width="stretch", column_config=fmt, key=f"{key}_equity")
    st.caption(t("equity_note"))


# ----------------------------------------------------------------------------------------- new units
def new_units_maps(plans: list[tuple[str, pd.DataFrame]], geo: dict | None, key: str) -> None:
    """New units over the plan per region, one map per plan side by side, on one shared colour scale."""
    if not geo:
        st.info(t("no_boundaries"))
        return
    mods = list(dict.fromkeys(m for _, p in plans for m in p["modality"])) if plans else []
    if not mods:
        st.info(f"{t('new_units_map')}: 0 {t('units')}")
        return
    modality = st.selectbox(t("modality"), mods, key=f"{key}_mod", format_func=labels.modality_names(mods))
    codes = [str(f["properties"].get("code")) for f in geo["features"]]
    names = pd.concat([p[["region_code", "region_name", "region_name_en"]] for _, p in plans if "region_name_en" in p])
    names = names.drop_duplicates("region_code").set_index("region_code")
    series = [p[p["modality"] == modality].groupby("region_code")["new_units"].sum().reindex(codes, fill_value=0.0)
              for _, p in plans]
    fills, lo, hi = maps.colour(np.concatenate([s.to_numpy() for s in series]))
    n = len(codes)
    label = f"{t('new_units_map')}, {labels.modality(modality)}"
    view = widgets.fit_view(geo, columns=len(plans))   # maps side by side are narrower
    for i, (col, (title, _), s) in enumerate(zip(st.columns(len(plans)), plans, series)):
        vals = pd.DataFrame({"region_code": codes, "new_units": s.to_numpy(),
                             "region_name": names["region_name"].reindex(codes).fillna("").to_numpy(),
                             "region_name_en": names["region_name_en"].reindex(codes).fillna("").to_numpy()})
        fc, _, _ = maps.layer(geo, vals, "new_units", label, t("units"))
        widgets.localise_tooltips(fc)
        for f, fill in zip(fc["features"], fills[i * n:(i + 1) * n]):
            f["properties"]["fill"] = fill
        col.markdown(f"**{title}** · {s.sum():,.0f} {t('units')}")
        col.pydeck_chart(widgets.deck(fc, view), key=f"{key}_deck_{i}", height=widgets.map_height(len(plans)))
    widgets.legend(label, lo, hi, t("units"))
