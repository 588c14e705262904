"""Streamlit app: a thin layer over the planner library (no model logic here).

Run with `make app` or `planner app` (binds to 127.0.0.1; no map tiles or scripts are fetched).
"""

from __future__ import annotations

import streamlit as st

from planner_app import equity_pages
from planner_app import other_pages
from planner_app import plan_page
from planner_app.i18n import lang, start_lang, t

st.set_page_config(page_title="Imaging planner · 影像设备规划", layout="wide")

start_lang()   # the browser's language on the first view (zh-CN -> 中文)
with st.sidebar:
    st.radio("Language / 语言", ["en", "zh"], format_func=lambda k: {"en": "English", "zh": "中文"}[k],
             key="lang", horizontal=True)
    pages = {"page_plan": plan_page.page, "page_compare": other_pages.compare_page,
             "page_sweep": other_pages.sweep_page, "page_frontier": equity_pages.frontier_page,
             "page_alternatives": equity_pages.alternatives_page, "page_runs": other_pages.runs_page}
    # Translated labels are the options (see widgets.region_map); the chosen page survives a language switch.
    labels = {t(k): k for k in pages}
    current = st.session_state.get("page_key", "page_plan")
    choice = labels[st.radio(t("page"), list(labels), index=list(pages).index(current), key=f"page_{lang()}")]
    st.session_state["page_key"] = choice
    # A language switch redraws the input tables with other headers and labels (labels.py), new widgets to
    # Streamlit: like leaving the page, it must not drop the edits made so far.
    switched = st.session_state.get("lang_drawn", lang()) != lang()
    st.session_state["lang_drawn"] = lang()
    if (switched or (current == "page_plan" and choice != "page_plan")) and st.session_state.get("edited") is not None:
        # Streamlit forgets the state of widgets it does not draw, so leaving the Plan page would drop its
        # edits: they become the loaded scenario, and the editors start from them on return.
        st.session_state["loaded"] = st.session_state["edited"]

st.title(t("title"))
pages[choice]()
