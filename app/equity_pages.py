"""Two pages over the plan page's scenario: the efficiency-equity frontier and near-optimal alternatives.

Both runs solve several plans, so each is kept in st.session_state with the inputs it was computed for:
a rerun (a click, a language switch) never solves again; changed inputs only show a notice naming them
(plan_page.stale_notice).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from planner_app import equity_view, plan_page
from planner_app import labels, state
from planner_app import widgets
from planner_app.words import say, status_word
from planner_app.i18n import t
from planner.studies.alternatives import alternatives
from planner.errors import PlannerError
from planner.studies.frontier import NOT_SOLVED, conclusion, frontier

MEASURES = {"fr_shortfall": "shortfall", "fr_travel": "travel"}
UNIT_KEY = {"shortfall": "units_per_million", "travel": "minutes"}


def _edited():
    """The plan page's scenario with its edits (loaded on first visit, like the sweep page)."""
    if st.session_state.get("loaded") is None:
        state.load_file(state.scenario_files()[0])
    return st.session_state.get("edited") or st.session_state["loaded"]


def kept(key: str, default):
    """What a page's widget last held: Streamlit forgets the state of widgets on a page not drawn, so the
    settings are copied under "_<key>" and given back as the widget's starting value."""
    return st.session_state.get(f"_{key}", default)


def keep(key: str, value):
    st.session_state[f"_{key}"] = value
    return value


def _selected(event, name: str, field: str):
    """The value of ``field`` in the chart's point selection ``name``, or None."""
    try:  # item access works for the runtime's VegaLiteState and for AppTest's plain dict alike
        sel = event["selection"][name] if event is not None else None
        return int(sel[0][field]) if sel else None
    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------ frontier
def point_label(p: str) -> str:
    return {"efficiency": t("fr_eff_end"), "equity": t("fr_eq_end")}.get(p, p)


def frontier_table(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The points with plain headers, units included."""
    unit = t(UNIT_KEY[measure])
    df = table.copy()
    df["point"] = df["point"].map(point_label)
    df["status"] = df["status"].map(status_word)
    df["gap"] = df["gap"].astype(float) * 100
    if "epsilon" in df.columns:  # the two ends have no bound: a dash, not 'None'
        df["epsilon"] = df["epsilon"].map(lambda v: "—" if v is None or pd.isna(v) else f"{float(v):,.3g}")
    names = {"point": t("col_point"), "measure": f"{t({v: k for k, v in MEASURES.items()}[measure])} ({unit})",
             "weighted_sum_objective": t("col_objective"), "spend_wan_cny": t("col_spend"),
             "unmet_thousand_exams": t("col_unmet"), "epsilon": t("col_bound").format(unit=unit),
             "status": t("col_status"), "gap": t("col_gap"), "verified": t("col_verified")}
    for c in df.columns:
        if c.startswith(("gini_", "theil_")):   # the one rounding the metric cards take too
            df[c] = df[c].map(lambda v: v if v is None or pd.isna(v) else labels.index_value(v))
        if c.startswith("gini_"):
            names[c] = t("col_gini").format(m=labels.modality(c.removeprefix("gini_")))
        elif c.startswith("theil_"):
            names[c] = t("col_theil").format(m=labels.modality(c.removeprefix("theil_")))
    return df[[c for c in names if c in df.columns]].rename(columns=names)


MEASURE_COLUMN = {"shortfall": "largest_shortfall_per_million", "travel": "longest_travel_minutes"}


def number_formats(shown: pd.DataFrame, measure: str) -> dict:
    """Display formats by header, each the one its quantity has in every table (labels.NUMBER_FORMATS):
    money and exams with separators, the measure in its unit, Gini and Theil with 3 decimals."""
    unit = t(UNIT_KEY[measure])
    names = {t("col_objective"): "weighted_sum_objective", t("col_spend"): "spend_wan_cny",
             t("col_unmet"): "unmet_thousand_exams",
             f"{t({v: k for k, v in MEASURES.items()}[measure])} ({unit})": MEASURE_COLUMN[measure]}
    fixed = {*names, t("col_point"), t("col_status"), t("col_verified"), t("col_gap"), t("col_bound").format(unit=unit)}
    names.update({c: "gini_" for c in shown.columns if c not in fixed})  # the Gini and Theil indices
    cfg = labels.configs_by_header({c: k for c, k in names.items() if c in shown.columns}, pin=[t("col_point")])
    return cfg | {t("col_gap"): st.column_config.NumberColumn(format="%.2f")}   # gap in per cent already


def frontier_chart(table: pd.DataFrame, measure: str):
    unit = t(UNIT_KEY[measure])
    xlabel = f"{t({v: k for k, v in MEASURES.items()}[measure])} ({unit})"
    data = pd.DataFrame({"i": np.arange(len(table)), "label": table["point"].map(point_label),
                         "x": table["measure"].astype(float), "y": table["weighted_sum_objective"].astype(float),
                         "spend": table["spend_wan_cny"].astype(float)}).dropna(subset=["x", "y"])
    pick = alt.selection_point(fields=["i"], name="pick", empty=False)
    base = alt.Chart(data).encode(x=alt.X("x:Q", title=xlabel),
                                  y=alt.Y("y:Q", title=t("fr_y"), scale=alt.Scale(zero=False)))
    line = base.mark_line(color="#9e9e9e")
    dots = base.mark_circle(size=220).encode(
        color=alt.condition(pick, alt.value("#d62728"), alt.value("#1f77b4")),
        tooltip=[alt.Tooltip("label:N", title=t("col_point")), alt.Tooltip("x:Q", title=xlabel, format=",.3f"),
                 alt.Tooltip("y:Q", title=t("fr_y"), format=",.0f"),
                 alt.Tooltip("spend:Q", title=t("col_spend"), format=",.0f")]).add_params(pick)
    text = base.mark_text(align="left", dx=10, dy=-10, fontSize=13).encode(text="label:N")
    return (line + dots + text).properties(height=340)


def frontier_page() -> None:
    edited = _edited()
    scn = edited.scenario
    st.caption(widgets.scenario_title(scn))
    st.markdown(t("fr_intro"))
    c1, c2 = st.columns([2, 1])
    measure = equity_view.choice(c1, "fr_measure", MEASURES, "fr_measure", "shortfall")
    points = keep("fr_points", int(c2.number_input(t("fr_points"), min_value=2, max_value=9, step=1,
                                                   value=kept("fr_points", 5), key="fr_points")))
    blocked = None
    if measure == "travel" and not scn.access.exam_types:
        blocked = t("fr_travel_needs_access")
    elif measure == "shortfall" and not scn.equity_modalities:
        blocked = t("fr_shortfall_needs_target")
    if blocked:
        st.info(blocked)
    st.caption(t("fr_time").format(n=points, s=scn.solver.time_limit_s))
    now = state.inputs_snapshot(edited, fr_measure=measure, fr_points=points)
    if st.button(t("fr_run"), type="primary", key="fr_run", disabled=bool(blocked)):
        try:
            planner = state.planner_for(edited)
            bar = st.progress(0.0, text=t("fr_running").format(n=points))
            fr = frontier(planner, measure, points, time_limit=scn.solver.time_limit_s,
                          gap=scn.solver.mip_rel_gap, progress=study_progress(bar))
            bar.empty()
            st.session_state["frontier"] = {"made_for": now, "measure": measure, "table": fr.table,
                                            "views": [None if r is None else state.view_from_result(r, edited)
                                                      for r in fr.results]}
            for k in ("fr_pick", "_fr_pick", "fr_chart_last"):
                st.session_state.pop(k, None)
        except PlannerError as e:
            st.error(say(e))
    fr = st.session_state.get("frontier")
    if fr is None:
        st.info(t("fr_none"))
        return
    plan_page.stale_notice(fr["made_for"], now)
    table, measure = fr["table"], fr["measure"]
    frontier_conclusion(table)
    st.markdown(f"**{t('fr_chart')}**")
    event = st.altair_chart(frontier_chart(table, measure), width="stretch", on_select="rerun", key="fr_chart")
    clicked = _selected(event, "pick", "i")
    if clicked is not None and clicked != st.session_state.get("fr_chart_last"):
        st.session_state["fr_chart_last"] = clicked
        st.session_state.pop("fr_pick", None)  # before the selectbox is drawn: it starts again at the click
        keep("fr_pick", clicked)
    st.markdown(f"**{t('fr_points_table')}**")
    shown = frontier_table(table, measure)
    # Two tables, so that neither is wider than the page (with three modalities the indices alone are six
    # columns): the points with their measure, money and status; then each point's Gini and Theil.
    indices = [c for c in table.columns if c.startswith(("gini_", "theil_"))]
    first, second = frontier_table(table.drop(columns=indices), measure), shown
    second = second[[shown.columns[0], *[c for c in shown.columns if c not in first.columns]]]
    st.dataframe(first, hide_index=True, width="stretch", key="fr_table", column_config=number_formats(first, measure))
    if len(second.columns) > 1:
        st.markdown(f"**{t('fr_indices_table')}**")
        st.dataframe(second, hide_index=True, width="stretch", key="fr_indices",
                     column_config=number_formats(second, measure))
    unit = t(UNIT_KEY[measure])
    names = [f"{point_label(p)}: {m:,.3f} {unit} · {o:,.0f} {t('wan_eq')}" if pd.notna(m) and pd.notna(o)
              else f"{point_label(p)}: {status_word(s)}"
              for p, m, o, s in zip(table["point"], table["measure"], table["weighted_sum_objective"], table["status"])]
    i = keep("fr_pick", st.selectbox(t("fr_pick"), list(range(len(table))), index=kept("fr_pick", None),
                                     placeholder=t("fr_pick_none"), format_func=lambda j: names[j], key="fr_pick"))
    if i is None:
        return
    if fr["views"][i] is None:   # a point not solved: why, and nothing else
        st.subheader(f"{t('point_summary')}: {names[i]}")
        st.info(why_no_plan(table, i))
        return
    point_summary(fr["views"][i], names[i])


def why_no_plan(table: pd.DataFrame, i: int) -> str | None:
    """Why point ``i`` of a frontier has no plan, in the interface language (None when it has one)."""
    row = table.iloc[i]
    if pd.notna(row["measure"]):
        return None
    status = row["status"]
    if status == NOT_SOLVED:
        end = t("fr_eff_end") if pd.isna(table["measure"].iloc[0]) else t("fr_eq_end")
        return t("fr_why_not_solved").format(end=end)
    if status == "no_solution" and pd.notna(row.get("tries")):
        return t("fr_why_no_solution").format(n=int(row["tries"]), s=float(row["time_limit_s"]))
    if status == "infeasible":
        return t("fr_why_infeasible")
    return say(row.get("why_no_plan") or status_word(str(status)))   # a Message (a solve status) or words


def frontier_conclusion(table: pd.DataFrame) -> None:
    """What the frontier shows, drawn only from its points with a plan, with how many have one; then why
    each of the others has none."""
    kind, k, n = conclusion(table)
    text = t(f"fr_{kind}").format(k=k, n=n)
    if kind == "ends_missing":
        st.warning(text)
    elif kind == "no_trade_off" or k < n:
        st.info(text)
    else:
        st.caption(text)
    missing = [f"{point_label(p)}: {why_no_plan(table, j)}" for j, p in enumerate(table["point"])
               if pd.isna(table["measure"].iloc[j])]
    if missing:
        st.markdown("\n".join(f"- {m}" for m in missing))


def study_progress(bar):
    """A frontier's or alternatives' progress callback: the bar moves after each plan and says which plan
    it was, its status and spend, so a run of several solves never waits behind a bare spinner."""
    def progress(done: int, total: int, label: str, result) -> None:
        rep = result.report
        name = plan_name(label) if label == "best" or label.startswith("alternative") else point_label(label)
        bar.progress(done / total, text=t("study_progress").format(
            i=done, n=total, label=name, status=status_word(str(rep.status)),
            spend=widgets.fmt_wan(result.spend_total_wan)))
    return progress


def point_summary(view: dict, label: str) -> None:
    """One frontier plan: status, spend, units by modality, Gini/Theil, where the new units go."""
    st.subheader(f"{t('point_summary')}: {label}")
    summary = view["summary"]
    widgets.status_banner(summary)
    if not widgets.has_plan(summary):
        return
    widgets.summary_metrics(summary)
    units = {m: v for m, v in summary["units_bought_by_modality"].items() if v > 1e-6}
    if units:
        for c, (m, v) in zip(st.columns(len(units)), units.items()):
            c.metric(t("units_of").format(m=labels.modality(m)), f"{v:,.0f} {t('units')}")
    eq = view.get("equity")
    if eq is not None and len(eq):
        equity_view.equity_section(view, eq, key="fr_pt")
    st.markdown(f"**{t('new_units_map')}**")
    equity_view.new_units_maps([(label, view["plan"])], widgets.view_boundaries(view), key="fr_pt_map")


# -------------------------------------------------------------------------------------- alternatives
def plan_name(p: str) -> str:
    if p == "best":
        return t("plan_best")
    return t("plan_alt").format(i=p.removeprefix("alternative").strip(" _"))


def alternatives_table(table: pd.DataFrame) -> pd.DataFrame:
    df = table.copy()
    df["plan"] = df["plan"].map(plan_name)
    df["status"] = df["status"].map(status_word)
    names = {"plan": t("col_point"), "above_best_pct": t("col_above_best"),
             "weighted_sum_objective": t("col_objective"), "spend_wan_cny": t("col_spend"),
             "units_bought": t("col_units_bought"), "units_moved_pct": t("col_moved"),
             "regions_with_new_units": t("col_regions_new"), "status": t("col_status"),
             "verified": t("col_verified")}
    for c in df.columns:
        if c.startswith("units_") and c not in names:
            names[c] = t("col_units_mod").format(m=labels.modality(c.removeprefix("units_")))
    return df[[c for c in names if c in df.columns]].rename(columns=names)


def by_region_table(by_region: pd.DataFrame, en: dict) -> pd.DataFrame:
    """Region x modality new units in every plan, the regions where the plans differ most first."""
    plans = [c for c in by_region.columns if c == "best" or c.startswith("alternative_")]
    df = by_region.copy()
    diff = df[plans].sub(df["best"], axis=0).abs().max(axis=1) if len(plans) > 1 else df["best"] * 0
    df = df.assign(_d=diff).sort_values(["_d", "region_code"], ascending=[False, True])
    out = pd.DataFrame({t("col_region"): [f"{z} {en.get(str(c), '')}".strip()
                                          for z, c in zip(df["region_name"], df["region_code"])],
                        t("col_code"): df["region_code"].astype(str),
                        t("col_modality"): df["modality"].map(labels.modality)})
    for p in plans:
        out[t("col_new_in").format(plan=plan_name(p))] = df[p].to_numpy()
    return out.reset_index(drop=True)


def alternatives_page() -> None:
    edited = _edited()
    scn = edited.scenario
    st.caption(widgets.scenario_title(scn))
    st.markdown(t("alt_intro"))
    c1, c2 = st.columns(2)
    k = keep("alt_k", int(c1.number_input(t("alt_k"), min_value=1, max_value=5, step=1, value=kept("alt_k", 3),
                                          key="alt_k")))
    within = keep("alt_within", float(c2.number_input(t("alt_within"), min_value=0.1, max_value=100.0, step=1.0,
                                                      value=kept("alt_within", 5.0), key="alt_within")))
    st.caption(t("alt_time").format(n=k + 1, s=scn.solver.time_limit_s))
    now = state.inputs_snapshot(edited, alt_k=k, alt_within=within)
    if st.button(t("alt_run"), type="primary", key="alt_run"):
        try:
            planner = state.planner_for(edited)
            bar = st.progress(0.0, text=t("alt_running").format(n=k))
            a = alternatives(planner, k=k, within_pct=within, time_limit=scn.solver.time_limit_s,
                             gap=scn.solver.mip_rel_gap, progress=study_progress(bar))
            bar.empty()
            st.session_state["alternatives"] = {"made_for": now, "k": k, "within": a.within_pct, "table": a.table,
                                                "by_region": a.by_region,
                                                "views": [state.view_from_result(r, edited) for r in a.results]}
        except PlannerError as e:
            st.error(say(e))
    res = st.session_state.get("alternatives")
    if res is None:
        st.info(t("alt_none"))
        return
    plan_page.stale_notice(res["made_for"], now)
    found = len(res["views"]) - 1
    (st.success if found >= res["k"] else st.warning)(
        t("alt_found").format(n=found, p=res["within"]) + ("" if found >= res["k"] else " " + t("alt_fewer")))
    st.subheader(t("alt_summary"))
    shown = alternatives_table(res["table"])
    money = {t("col_objective"): "weighted_sum_objective", t("col_spend"): "spend_wan_cny"}
    shares = (t("col_above_best"), t("col_moved"))
    # the other numbers are counts: units bought (in all and per modality), regions with new units
    counts = {c: "units" for c in shown.select_dtypes("number").columns if c not in {*money, *shares}}
    st.dataframe(shown, hide_index=True, width="stretch", key="alt_table", column_config=labels.configs_by_header(
        {**money, **counts}, {c: st.column_config.NumberColumn(format="%.2f") for c in shares}, pin=[t("col_point")]))
    views = res["views"]
    en = equity_view.en_names(views[0])
    st.subheader(t("alt_maps"))
    geo = widgets.view_boundaries(views[0])
    if found:
        options = list(range(1, found + 1))
        start = kept("alt_pick", 1)
        names = {i: t("plan_alt").format(i=i) for i in options}   # made now: see labels.modality_names
        other = keep("alt_pick", st.selectbox(t("alt_compare"), options, index=options.index(start) if start in options
                                              else 0, format_func=names.__getitem__, key="alt_pick"))
        plans = [(t("plan_best"), views[0]["plan"]), (t("plan_alt").format(i=other), views[other]["plan"])]
    else:
        plans = [(t("plan_best"), views[0]["plan"])]
    equity_view.new_units_maps(plans, geo, key="alt_maps")
    st.markdown(f"**{t('alt_by_region')}**")
    regions = by_region_table(res["by_region"], en)
    widgets.table_with_downloads(regions, "alternatives_by_region", "alt_regions", column_config=labels.configs_by_header(
        {c: "new_units" for c in regions.columns[3:]}, pin=list(regions.columns[:3])))
