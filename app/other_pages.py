"""Compare runs, sweep budgets, manage saved runs."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from planner_app import labels, plan_page, state
from planner_app import widgets
from planner_app.words import say, status_word
from planner_app.i18n import lang, t
from planner.reporting import maps
from planner.errors import PlannerError
from planner.planning.results import compare_regions
from planner.studies.sweep import budget_sweep


# i18n key -> (regions-table column compared, i18n key of the unit shown on the map and legend)
CMP_LAYERS = {"cmp_units": ("units_after", "units"), "cmp_density": ("density_after_per_million", "unit_per_million"),
              "cmp_unmet": ("unmet_thousand_exams", "unit_thousand_exams")}


def _run_label(runs: pd.DataFrame, regions: dict[int, frozenset] | None = None):
    names = dict(zip(runs["id"], runs["name"]))
    if regions is None:
        return lambda i: f"#{i} {names.get(i, '')}"
    # written now, in the interface language, not when the selectbox (or a test) formats an option later
    shown = {i: f"#{i} {names.get(i, '')} · {t('cmp_regions_n').format(n=len(regions[i]))}" for i in regions}
    return shown.__getitem__


def _region_sets(ids: list[int]) -> dict[int, frozenset]:
    """Each saved run's region codes, read once a session (a saved run never changes; ids are not reused)."""
    known = st.session_state.setdefault("_cmp_regions", {})
    for i in ids:
        if i not in known:
            known[i] = frozenset(state.store().load(i).regions["region_code"].astype(str))
    return {i: known[i] for i in ids}


def _comparable_pair(ids: list[int], regions: dict[int, frozenset]) -> tuple[int, int] | None:
    """(A, B): the newest run B (ids newest first) with the newest older run A of the same regions; None
    when no two runs plan the same regions."""
    for j, b in enumerate(ids):
        for a in ids[j + 1:]:
            if regions[a] == regions[b]:
                return a, b
    return None


def compare_page() -> None:
    runs = state.store().list()
    if len(runs) < 2:
        st.info(t("compare_need_two"))
        return
    ids = runs["id"].tolist()
    regions = _region_sets(ids)
    pair = _comparable_pair(ids, regions)
    a0, b0 = pair or (ids[1], ids[0])     # two runs of the same regions by default, if there are two
    label = _run_label(runs, regions)
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("compare_a"), ids, index=ids.index(a0), format_func=label, key="cmp_a")
    b = c2.selectbox(t("compare_b"), ids, index=ids.index(b0), format_func=label, key="cmp_b")
    ra, rb = state.store().load(a), state.store().load(b)
    for col, run in ((c1, ra), (c2, rb)):
        s = run.summary
        col.metric(t("spend"), widgets.fmt_wan(s["spend_total_cny"] / 1e4))
        bought = {m: v for m, v in s.get("units_bought_by_modality", {}).items() if v > 1e-6}
        col.metric(t("units_bought"), f"{sum(bought.values()):,.0f}")
        if bought:  # what the money bought, not only what it cost and left unmet
            col.caption(" · ".join(f"{labels.modality(m)} {v:,.0f}" for m, v in bought.items()))
        col.metric(widgets.unmet_label(), widgets.exams(s["unmet_thousand_exams"], unit=False))
        col.caption(widgets.status_text(s))
    if regions[a] != regions[b]:
        # a region one run leaves out would count as 0 in it: every difference would be an artefact
        st.warning(t("cmp_other_regions").format(a=a, b=b, na=len(regions[a]), nb=len(regions[b]),
                                                 common=len(regions[a] & regions[b]))
                   + ("" if pair else " " + t("cmp_no_pair")))
        return
    m = compare_regions(ra.regions, rb.regions)
    st.subheader(t("difference"))
    mods = list(dict.fromkeys(m["modality"]))
    years = sorted(m["year"].unique())
    c1, c2, c3 = st.columns(3)
    mod = c1.selectbox(t("modality"), mods, key="cmp_mod", format_func=labels.modality_names(mods))
    year = c2.selectbox(t("year"), years, index=len(years) - 1, key="cmp_year")
    # translated labels with units as the options (see widgets.region_map), each naming its column
    layers = {f"{t(key)} (B − A)": (col, t(unit)) for key, (col, unit) in CMP_LAYERS.items()}
    label = c3.selectbox(t("layer"), list(layers), key=f"cmp_what_{lang()}")
    what, unit = layers[label]
    what = f"{what}_diff"
    sel = m[(m["modality"] == mod) & (m["year"] == year)]
    geo = state.view_from_stored(rb).get("boundaries_json")
    if geo:
        fc, lo, hi = maps.layer(geo, sel, what, label, unit, diverging=True)
        st.pydeck_chart(widgets.deck(widgets.localise_tooltips(fc), widgets.fit_view(geo)), key="cmp_deck",
                        height=widgets.MAP_HEIGHT)
        fmt = widgets.number_format([lo, hi])  # units differ by whole units: "-1 … 1 units", not "-1.00"
        st.caption(t("cmp_legend").format(label=label, lo=fmt(lo), hi=fmt(hi), unit=unit))
    widgets.table_with_downloads(sel.sort_values(what, key=np.abs, ascending=False), f"compare_{a}_{b}", "cmp")


def sweep_page() -> None:
    loaded = st.session_state.get("loaded")
    if loaded is None:
        state.load_file(state.scenario_files()[0])
        loaded = st.session_state["loaded"]
    edited = st.session_state.get("edited") or loaded
    base = float(edited.scenario.budget.total_wan_cny)
    st.caption(widgets.scenario_title(edited.scenario))
    st.markdown(t("sweep_intro").format(b=widgets.fmt_wan(base)))
    c1, c2, c3 = st.columns(3)
    lo = c1.number_input(t("sweep_from"), min_value=0.0, value=float(round(base * 0.25)), step=10_000.0, format="%.0f",
                         key=state.wkey("sw_lo"))
    c1.caption(f"= {widgets.fmt_wan(lo)}")
    hi = c2.number_input(t("sweep_to"), min_value=0.0, value=float(round(base * 1.5)), step=10_000.0, format="%.0f",
                         key=state.wkey("sw_hi"))
    c2.caption(f"= {widgets.fmt_wan(hi)}")
    n = int(c3.number_input(t("sweep_points"), min_value=2, max_value=50, value=5, key="sw_n"))
    # the sweep's budgets replace the scenario's total: a new total leaves its results as they are
    now = {k: v for k, v in state.inputs_snapshot(edited, sweep_from=lo, sweep_to=hi, sweep_points=n).items()
           if k != "budget.total_wan_cny"}
    if st.button(t("sweep_run"), type="primary", key="sw_run"):
        try:
            planner = state.planner_for(edited)  # budget_sweep builds it once if it is not built yet
            bar = st.progress(0.0, text="0 / %d" % n)

            def progress(i, total, row):
                bar.progress(i / total, text=t("sweep_progress").format(
                    i=i, n=total, b=widgets.fmt_wan(row["budget_wan_cny"]),
                    u=widgets.exams(row["unmet_thousand_exams"]),
                    status=status_word(row["status"]) if lang() == "zh" else row["status"]))

            table, results = budget_sweep(planner, list(np.linspace(lo, hi, n)), progress=progress)
            bar.empty()  # a finished bar would sit over the chart's title
            st.session_state["sweep"] = (table, {b: state.view_from_result(r, edited) for b, r in results.items()},
                                         now)
            # Every point with a plan becomes a saved run, so it can be opened and compared later.
            stamp = time.strftime("%H:%M:%S")
            saved = [state.store().save(r, edited, name=f"{edited.scenario.name} · {t('sweep_run_name')} · "
                                                       f"{widgets.fmt_wan(b)} · {stamp}")
                     for b, r in sorted(results.items()) if r.report.has_plan]
            if saved:
                st.toast(t("sweep_saved").format(n=len(saved), first=saved[0], last=saved[-1]))
        except PlannerError as e:
            st.error(say(e))
    if "sweep" not in st.session_state:
        st.info(t("sweep_none"))
        return
    table, views, made_for = st.session_state["sweep"]
    plan_page.stale_notice(made_for, now)
    pick = alt.selection_point(fields=["budget_wan_cny"], name="pick")
    # budgets are totals: the axes say 亿元 (the table keeps 万元, the unit of the inputs above)
    shown = labels.to_screen(table).assign(budget_yi=table["budget_wan_cny"] / 1e4)   # status words in the tips
    budget_x = alt.X("budget_yi:Q", title=t("budget_axis"), axis=alt.Axis(format=",.0f"))
    budget_tip = alt.Tooltip("budget_yi:Q", title=t("budget_axis"), format=",.2f")
    tip = [budget_tip] + [alt.Tooltip(f"{c}:{k}", title=labels.header(c)) for c, k in
                          (("unmet_thousand_exams", "Q"), ("status", "N"), ("gap", "Q"))]
    # Titles as page text, not chart titles: the first chart's title was drawn under the Run button's row.
    st.markdown(f"**{t('sweep_unmet')}**")
    unmet = alt.Chart(shown).mark_line(point=True).encode(
        x=budget_x, y=alt.Y("unmet_thousand_exams:Q", title=t("unmet_axis")), tooltip=tip
    ).add_params(pick).properties(height=260)
    event = st.altair_chart(unmet, width="stretch", on_select="rerun", key="sw_chart")
    gap_cols = [c for c in table.columns if c.startswith("gap_closed_")]
    if gap_cols:
        long = shown.melt(id_vars="budget_yi", value_vars=gap_cols, var_name="modality", value_name="closed")
        long["modality"] = long["modality"].str.removeprefix("gap_closed_").map(labels.modality)
        st.markdown(f"**{t('sweep_gap')}**")
        st.altair_chart(alt.Chart(long).mark_line(point=True).encode(
            x=budget_x, y=alt.Y("closed:Q", title=t("gap_axis"), axis=alt.Axis(format="%")),
            color=alt.Color("modality:N", title=t("modality")),
            tooltip=[budget_tip, alt.Tooltip("modality:N", title=t("modality")),
                     alt.Tooltip("closed:Q", title=t("gap_axis"), format=".1%")]
        ).properties(height=260), width="stretch")
        st.caption(t("sweep_gap_note"))
    widgets.dataframe(table, key="sw_table")
    budgets = sorted(views)
    chosen = None
    try:
        sel = event["selection"]["pick"] if event else None
        if sel:
            chosen = float(sel[0]["budget_wan_cny"])
    except (KeyError, IndexError, TypeError, AttributeError):
        chosen = None
    b = st.selectbox(t("sweep_pick"), budgets, index=budgets.index(chosen) if chosen in budgets else len(budgets) - 1,
                     format_func=widgets.fmt_wan, key="sw_pick")
    widgets.show_result(views[b], key="sweep")


@st.cache_data(show_spinner=False, max_entries=16)
def run_zip(store_path: str, rid: int) -> bytes:
    """A stored run's files as a zip (cached: a stored run never changes), with columns.csv saying what
    each column of its CSV files is, in Chinese and English (the files keep their machine column names)."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d:
        state.store().export(rid, d)
        sheets = []
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(Path(d).rglob("*")):
                if p.is_file():
                    z.write(p, p.relative_to(d))
                if p.suffix == ".csv" and p.stat().st_size:
                    sheets.append(labels.header_sheet(pd.read_csv(p, nrows=0)).assign(file=str(p.relative_to(d))))
            if sheets:
                cols = pd.concat(sheets)[["file", "column", "中文", "English"]]
                z.writestr("columns.csv", cols.to_csv(index=False).encode("utf-8-sig"))
    return buf.getvalue()


def runs_page() -> None:
    runs = state.store().list()
    if not len(runs):
        st.info(t("runs_none"))
        return
    show = runs[["id", "name", "scenario", "created", "status", "gap", "spend_cny", "unmet_thousand_exams"]].copy()
    show["gap"] = show["gap"].astype(float) * 100                 # per cent
    show["spend_cny"] = show["spend_cny"].astype(float) / 1e8      # 亿元
    show["unmet_thousand_exams"] = show["unmet_thousand_exams"].astype(float)   # thousand exams, as everywhere
    widgets.dataframe(show, key="runs_table", column_config={
        "id": st.column_config.NumberColumn(t("col_run"), format="%d", pinned=True),
        "name": st.column_config.Column(t("col_name"), pinned=True), "scenario": t("col_scenario"),
        "created": t("col_created"), "status": t("col_status"),
        "gap": st.column_config.NumberColumn(t("col_gap"), format="%.2f %%"),
        "spend_cny": st.column_config.NumberColumn(t("col_spend_yi"), format="localized", step=0.01),
        "unmet_thousand_exams": t("col_unmet")})
    ids = runs["id"].tolist()
    rid = st.selectbox(t("run"), ids, format_func=_run_label(runs), key="runs_pick")
    c1, c2 = st.columns([3, 1])
    new = c1.text_input(t("new_name"), value=dict(zip(runs["id"], runs["name"]))[rid], key=f"runs_name_{rid}")
    if c2.button(t("rename"), key="runs_rename"):
        state.store().rename(rid, new)
        st.rerun()
    c1, c2 = st.columns(2)
    c1.download_button(t("export"), run_zip(state.default_path_str(), rid), file_name=f"run_{rid}.zip",
                       mime="application/zip", key="runs_export")
    if c2.button(t("delete"), key="runs_delete"):
        st.session_state["runs_confirm_delete"] = rid   # asked, not done: one click must not lose a run
    if st.session_state.get("runs_confirm_delete") == rid:
        st.warning(t("delete_confirm").format(id=rid, name=dict(zip(runs["id"], runs["name"]))[rid]))
        y, n = st.columns(2)
        if y.button(t("delete_yes"), key="runs_delete_confirm", type="primary"):
            state.store().delete(rid)
            st.session_state.pop("runs_confirm_delete", None)
            st.rerun()
        if n.button(t("delete_no"), key="runs_delete_cancel"):
            st.session_state.pop("runs_confirm_delete", None)
            st.rerun()
    if st.toggle(t("open_run"), key="runs_open"):
        widgets.show_result(state.view_from_stored(state.store().load(rid)), key="runs")
