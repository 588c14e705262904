"""Issue 13, "the app a planner can use alone": what the on-screen tables show. Readable headers in English
as in 中文 (the data keep their machine column names), numbers with separators and the decimals of their
unit, one exam unit (thousand exams / 千人次), and the columns a row is known by pinned at the left."""

from __future__ import annotations

import json

import pytest

from planner.messages import labels as catalog_labels
from planner_app import labels
from tests.conftest import started_app, wkey


@pytest.fixture
def at(tmp_path, monkeypatch):
    return started_app(tmp_path, monkeypatch)


def solve(at) -> None:
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def configs(el) -> dict:
    """A dataframe's or editor's column configs by column name (AppTest keeps them as the proto's JSON)."""
    raw = json.loads(el.proto.columns) if el.proto.columns else {}
    return {k.removeprefix("col:"): v for k, v in raw.items()}


def frame(at, column: str, editor: bool = False):
    """The first table on the page with this column (data editors count as dataframes in AppTest); with
    ``editor``, the first one a planner can edit."""
    return next(d for d in at.dataframe if column in d.value.columns and (not editor or d.proto.editing_mode))


def shown_headers(el) -> dict[str, str]:
    cfg = configs(el)
    return {str(c): (cfg.get(str(c)) or {}).get("label") or str(c) for c in el.value.columns}


@pytest.mark.parametrize("language,which", [("en", 0), ("zh", 1)])
def test_plan_and_regions_tables_show_labels_not_machine_names(at, language, which):
    at.radio(key="lang").set_value(language).run()
    solve(at)
    for column in ("new_units", "units_after"):           # the plan table, then the regions summary
        el = frame(at, column)
        heads = shown_headers(el)
        for col, label in heads.items():
            if catalog_labels.column(col, "en") is not None:
                assert label == catalog_labels.column(col, language), (col, label)
        # no machine name on screen: every header is a label, in words
        assert not [h for h in heads.values() if "_" in h], heads
        # the data keep their machine names (downloads, the run store, labels.from_screen read them)
        assert {"region_code", "modality", "year"} <= set(el.value.columns)
    assert shown_headers(frame(at, "new_units"))["unit_price_wan_cny"] == ("unit price (万元)", "单价 (万元)")[which]


def test_numbers_have_separators_and_the_decimals_of_their_unit(at):
    solve(at)
    plan, regions = configs(frame(at, "new_units")), configs(frame(at, "units_after"))

    def number(cfg: dict, col: str) -> tuple[str, float | None]:
        tc = cfg[col]["type_config"]
        assert tc["type"] == "number", (col, tc)
        return tc["format"], tc.get("step")

    assert number(regions, "population") == ("localized", 1.0)            # 21,893,095
    assert number(plan, "new_units") == ("localized", 1.0)
    assert number(plan, "capex_wan_cny") == ("localized", 1.0)             # 万元, no decimals
    assert number(plan, "unit_price_wan_cny") == ("localized", pytest.approx(0.1))
    assert number(regions, "density_after_per_million") == ("localized", pytest.approx(0.01))
    assert number(regions, "unmet_thousand_exams") == ("localized", pytest.approx(0.1))
    assert number(regions, "year") == ("%d", None)                           # 2030, not 2,030
    # not one number column of either table is left to Streamlit's 4-decimal default
    for cfg, el in ((plan, frame(at, "new_units")), (regions, frame(at, "units_after"))):
        for col in el.value.select_dtypes("number").columns:
            assert cfg.get(col, {}).get("type_config", {}).get("format"), col


def test_one_format_table_for_every_family_and_given_formats_kept():
    assert labels.number_format("gini_CT") == {"format": "localized", "step": pytest.approx(0.001)}
    assert labels.number_format("theil_MRI") == labels.number_format("gini_CT")
    assert labels.number_format("gap_closed_CT") == {"format": "percent", "step": pytest.approx(0.001)}  # 42.1%
    assert labels.number_format("units_after_diff") == labels.number_format("units_after")   # compare tables
    assert labels.number_format("population", editable=True) == {"format": "localized"}   # editors: no rounding
    assert labels.number_format("name") is None
    import pandas as pd
    import streamlit as st

    df = pd.DataFrame({"unmet_thousand_exams": [1.5], "population": [10]})
    cfg = labels.column_config(df, {"unmet_thousand_exams": st.column_config.NumberColumn("x", format="%.3f")})
    assert cfg["unmet_thousand_exams"]["type_config"]["format"] == "%.3f" and cfg["unmet_thousand_exams"]["label"] == "x"
    assert cfg["population"]["type_config"]["format"] == "localized"


def test_equity_table_shows_three_decimals_not_four(at):
    solve(at)
    el = next(d for d in at.dataframe if any("Gini" in str(c) for c in d.value.columns))
    cfg = configs(el)
    gini = next(c for c in el.value.columns if "Gini" in str(c))
    assert cfg[gini]["type_config"]["format"] == "localized"
    assert cfg[gini]["type_config"]["step"] == pytest.approx(0.001)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_exam_counts_are_in_thousand_exams_everywhere(at, language):
    at.radio(key="lang").set_value(language).run()
    solve(at)
    unit = "thousand exams" if language == "en" else "千人次"
    # the unit is in the metric's label: a value with it ("1,222 thousand e…") was cut off in a third of the page
    unmet = next(m for m in at.metric if m.label.startswith(("Unmet demand", "未满足需求")))
    assert unit in unmet.label and unit not in unmet.value, (unmet.label, unmet.value)
    page = "Saved runs" if language == "en" else "已保存方案"
    at.radio(key=f"page_{language}").set_value(page).run()
    assert not at.exception
    el = at.dataframe[0]
    heads = shown_headers(el)
    assert unit in heads["unmet_thousand_exams"], heads
    stored = at.session_state["last_run_id"]
    runs = el.value.set_index("id")
    # the value is the stored thousand-exam count, not one divided by 1,000
    summary_unmet = float(unmet.value.split()[0].replace(",", ""))
    assert runs.loc[stored, "unmet_thousand_exams"] == pytest.approx(summary_unmet, rel=0.01, abs=0.6)
    words = " ".join([*heads.values(), *(m.label + m.value for m in at.metric), *(c.value for c in at.caption)])
    for bad in ("million exams", "M exams", "百万次", "万人次", "亿人次"):
        assert bad not in words, bad


def test_key_columns_are_pinned_in_editors_and_results(at):
    # the editors are drawn collapsed; AppTest sees their tables all the same
    regions = configs(frame(at, "pop_urban", editor=True))
    assert regions["code"].get("pinned") and regions["name_zh"].get("pinned")
    stock = configs(frame(at, "reference_year", editor=True))
    assert stock["code"].get("pinned") and stock["_region_name"].get("pinned")
    assert stock["tier"].get("pinned") and stock["modality"].get("pinned")
    mods = configs(frame(at, "target (units/M)", editor=True))
    assert mods["target (units/M)"].get("pinned") and mods["hard target"].get("pinned")
    solve(at)
    plan = configs(frame(at, "new_units"))
    assert all(plan[c].get("pinned") for c in ("region_code", "region_name", "tier", "modality", "year"))
    assert not plan["new_units"].get("pinned")


def test_an_edit_in_an_english_labelled_editor_reaches_the_scenario(at):
    """The stock editor shows English labels now; an edited cell still reads back under its machine name."""
    el = frame(at, "reference_year", editor=True)
    assert shown_headers(el)["units"] == "units"
    key = wkey(at, "edit_table_stock")
    at.session_state[key] = {"edited_rows": {0: {"units": 999}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    stock = at.session_state["edited"].tables["stock"]
    assert "units" in stock.columns and int(stock["units"].iloc[0]) == 999


def test_the_new_units_map_layer_draws(at):
    """'New units bought (cumulative)' raised KeyError: new_units_cumulative is made per modality and year."""
    solve(at)
    layer = next(s for s in at.selectbox if s.key and s.key.startswith("plan_map_layer"))
    layer.set_value(next(o for o in layer.options if o.startswith("New units"))).run()
    assert not at.exception, [e.value for e in at.exception]
