"""Issue 13, item 4: in 中文 mode every string a planner sees is Chinese.

The app is driven in 中文 over the shipped scenarios (models/baseline.toml solved; models/sichuan.toml
loaded, not solved), every page is drawn, and every visible text is collected: markdown, captions, headers,
widget labels, help and options, metrics, alert bodies, toasts, expander labels, table headers and string
cells (editors included), Altair chart titles, axes, legends and tooltips with the values they show, and the
map tooltips. The test fails listing each English word found outside ALLOWED, with where it was seen.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, REPO, started_app, wkey

MODELS = REPO / "models"

# English words that may stay in the Chinese interface, each with the reason.
ALLOWED = {
    "CT": "modality code: Chinese planners write CT, MRI and DR (also inside 移动CT)",
    "MRI": "modality code, as CT",
    "DR": "modality code, as CT",
    "HiGHS": "the solver's name",
    "TOML": "file format named in the upload box",
    "CSV": "file format",
    "Excel": "file format",
    "GeoJSON": "file format of the map download",
    "zip": "file format of the scenario download",
    "GBK": "text encoding named in the upload box",
    "UTF": "text encoding (UTF-8; also part of error messages about encodings)",
    "MB": "unit of the upload limit",
    "Language": "the language switch says its name in both languages, so either reader finds it",
    "English": "the language switch's option for English",
    "baseline": "scenario name (an identifier, as in the saved runs' names and baseline.toml)",
}
# Removed before words are counted: field keys and file names (`budget.total_wan_cny`, regions.facilities,
# data/regions/README.md, facilities.md, the models/ folder), TOML section names ([access]) and backticked code.
IDENTIFIER = re.compile(r"`[^`]*`|\[[a-z_]+\]|\b[\w-]+(?:[./][\w-]+)+\b|\b\w+/(?!\w)|\b\w*_\w*\b")
WORD = re.compile(r"[A-Za-z]{2,}")


def region_names_en() -> list[str]:
    """English region names: the app deliberately shows them beside the Chinese ones (maps, tables)."""
    names = set()
    for f in ("provinces.csv", "counties_sichuan.csv"):
        names |= set(pd.read_csv(REPO / "data" / "regions" / f, dtype=str)["name_en"].dropna())
    return sorted(names, key=len, reverse=True)


EN_NAMES = region_names_en()


def english_words(text: str, keys: bool = True) -> list[str]:
    """The English words of a text. ``keys=False`` (table headers) counts field keys too: a machine
    column name such as region_code is exactly what a header must not show."""
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)   # a style sheet is not seen (widgets.uploader_words)
    text = re.sub(r"<[^>]+>", " ", text)             # the colour bar's HTML
    for name in EN_NAMES:                            # longest first, so 'Ganzi Tibetan ...' goes whole
        if name in text:
            text = text.replace(name, " ")
    text = IDENTIFIER.sub(" ", text) if keys else text.replace("_", " ")
    return [w for w in WORD.findall(text) if w not in ALLOWED]


# ------------------------------------------------------------------------------------------ collecting
def _walk(node):
    """Every node of the page (AppTest's element tree: its public lists cover one element type each)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _frame_texts(el) -> list[tuple[str, str]]:
    """What a dataframe or data editor shows: headers (column-config labels, else names) and string cells
    of visible columns; the index when it is not hidden."""
    proto = el.proto
    config = json.loads(proto.columns) if getattr(proto, "columns", "") else {}
    df = el.value
    order = list(proto.column_order) or list(df.columns)
    out = []
    for col in df.columns:
        cfg = config.get(str(col)) or config.get(f"col:{col}") or {}
        if col not in order or cfg.get("hidden"):
            continue
        out.append(("table header", cfg.get("label") or str(col)))
        if not pd.api.types.is_numeric_dtype(df[col]):
            out += [("table cell", v) for v in df[col].dropna().unique() if isinstance(v, str)]
    index_cfg = config.get("_index") or config.get("index:0") or {}
    if not index_cfg.get("hidden") and not isinstance(df.index, pd.RangeIndex):
        out += [("table header", index_cfg.get("label", ""))] + [("table cell", str(v)) for v in df.index]
    return out


def _spec_texts(spec, data: dict[str, list]) -> list[str]:
    """Titles anywhere in a Vega-Lite spec, and the values of the nominal fields it draws."""
    out = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "title":
                out += [v] if isinstance(v, str) else ([v["text"]] if isinstance(v, dict) and "text" in v else [])
            elif k in ("x", "y", "color", "xOffset", "tooltip", "text") and isinstance(v, (dict, list)):
                for enc in (v if isinstance(v, list) else [v]):
                    if isinstance(enc, dict) and enc.get("type") == "nominal" and enc.get("field") in data:
                        out += [x for x in data[enc["field"]] if isinstance(x, str)]
            if isinstance(v, (dict, list)):
                out += _spec_texts(v, data)
    elif isinstance(spec, list):
        for v in spec:
            out += _spec_texts(v, data)
    return out


def _chart_texts(el) -> list[str]:
    spec = json.loads(el.proto.spec)
    data = defaultdict(list)
    for rows in (spec.get("datasets") or {}).values():
        for row in rows:
            for k, v in row.items():
                data[k].append(v)
    for ds in getattr(el.proto, "datasets", []):   # Streamlit sends Altair's data as Arrow beside the spec
        from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

        df = convert_arrow_bytes_to_pandas_df(ds.data.data)
        for c in df.columns:
            data[str(c)] += list(df[c].unique())
    return _spec_texts(spec, data)


def _deck_texts(el) -> list[str]:
    deck = json.loads(el.proto.json)
    out = []
    for layer in deck.get("layers", []):
        data = layer.get("data")
        rows = data.get("features", []) if isinstance(data, dict) else (data if isinstance(data, list) else [])
        for r in rows:
            props = r.get("properties", r) if isinstance(r, dict) else {}
            if isinstance(props.get("tooltip"), str):
                out.append(props["tooltip"])
    return out


TEXT_FIELDS = ("label", "body", "help", "placeholder", "text")


def visible_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every text on the page."""
    out = []
    for node in _walk(at._tree):
        kind = getattr(node, "type", type(node).__name__)
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if kind in ("arrow_data_frame", "dataframe"):
            out += _frame_texts(node)
            continue
        if kind in ("arrow_vega_lite_chart", "vega_lite_chart"):
            out += [(kind, s) for s in _chart_texts(node)]
            continue
        if kind == "deck_gl_json_chart":
            out += [(kind, s) for s in _deck_texts(node)]
            continue
        inner = proto
        if hasattr(proto, "expandable") and proto.HasField("expandable"):
            inner = proto.expandable
        for f in TEXT_FIELDS:
            v = getattr(inner, f, None)
            if isinstance(v, str) and v:
                out.append((kind, v))
        for v in getattr(inner, "options", []) or []:
            out.append((kind, v if isinstance(v, str) else str(v)))
    return out


def english_found(texts: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for kind, text in texts:
        for w in english_words(text, keys=kind != "table header"):
            if len(found[w]) < 3:
                found[w].append(f"{kind}: {text[:160]!r}")
    return dict(found)


# ------------------------------------------------------------------------------------------ driving
def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def go(at: AppTest, label: str) -> None:
    at.radio(key="page_zh").set_value(label).run()
    ok(at)


def every_page_in_chinese(at: AppTest) -> dict[str, list[tuple[str, str]]]:
    """Draw every page in 中文 over the baseline (solved twice) and the Sichuan inputs; texts per page."""
    pages = {}
    at.radio(key="lang").set_value("zh").run()
    ok(at)
    pages["plan (inputs)"] = visible_texts(at)
    at.button(key="solve_button").click().run()
    ok(at)
    assert any(s.value.startswith("求解状态: 最优") for s in at.success), [s.value for s in at.success]
    pages["plan (solved)"] = visible_texts(at)
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(2_000_000).run()
    at.button(key="solve_button").click().run()
    ok(at)
    go(at, "方案比较")
    pages["compare"] = visible_texts(at)
    go(at, "预算扫描")
    at.number_input(key=wkey(at, "sw_lo")).set_value(2_000_000)
    at.number_input(key=wkey(at, "sw_hi")).set_value(4_000_000)
    at.number_input(key="sw_n").set_value(2).run()
    at.button(key="sw_run").click().run()
    ok(at)
    pages["sweep"] = visible_texts(at)
    go(at, "效率—公平前沿")
    at.number_input(key="fr_points").set_value(2).run()
    at.button(key="fr_run").click().run()
    ok(at)
    at.selectbox(key="fr_pick").set_value(1).run()
    ok(at)
    pages["frontier"] = visible_texts(at)
    go(at, "备选方案")
    at.number_input(key="alt_k").set_value(1).run()
    at.button(key="alt_run").click().run()
    ok(at)
    pages["alternatives"] = visible_texts(at)
    go(at, "已保存方案")
    at.toggle(key="runs_open").set_value(True).run()
    ok(at)
    pages["saved runs"] = visible_texts(at)
    go(at, "规划")
    next(s for s in at.selectbox if s.key and s.key.startswith("scenario_choice")).set_value("sichuan.toml").run()
    ok(at)
    assert at.session_state["loaded"].scenario.name == "sichuan"
    pages["plan (Sichuan inputs)"] = visible_texts(at)
    return pages


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_RUNS", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("PLANNER_MODELS", str(MODELS))
    app = AppTest.from_file(APP, default_timeout=300)
    app.run()
    ok(app)
    return app


def test_every_page_in_chinese_shows_no_english_word_outside_the_allow_list(at):
    pages = every_page_in_chinese(at)
    report = {page: english_found(texts) for page, texts in pages.items()}
    report = {page: words for page, words in report.items() if words}
    assert not report, "English in the 中文 interface:\n" + "\n".join(
        f"[{page}] {w}: {where}" for page, words in report.items() for w, where in words.items())
    # the scan looked at what matters: chart titles, map tooltips, table headers and the engine's sentences
    texts = [s for texts in pages.values() for _, s in texts]
    assert "新增台数" in texts and "资本支出 (万元)" in texts
    assert any("每百万人口" in s and "\n" in s for s in texts)          # a map tooltip
    assert "按设备类型与层级的新购台数" in texts and "二级医院" in texts  # a chart title, a tier label
    assert any(s.startswith("总预算每增加 100万元") for s in texts)        # the marginal-value digest


def test_run_export_keeps_machine_columns_and_adds_columns_csv(at):
    import io
    import os
    import zipfile

    from planner_app import other_pages

    at.button(key="solve_button").click().run()
    ok(at)
    z = zipfile.ZipFile(io.BytesIO(other_pages.run_zip(os.environ["PLANNER_RUNS"], at.session_state["last_run_id"])))
    assert {"plan.csv", "regions.csv", "columns.csv"} <= set(z.namelist())
    plan = pd.read_csv(z.open("plan.csv"), nrows=1)
    assert {"region_code", "tier", "new_units", "capex_wan_cny"} <= set(plan.columns)
    cols = pd.read_csv(z.open("columns.csv"), encoding="utf-8-sig")
    row = cols[(cols["file"] == "plan.csv") & (cols["column"] == "new_units")]
    assert row[["中文", "English"]].values.tolist() == [["新增台数", "new units"]]


def test_the_chinese_scan_sees_english(at):
    """The scan cannot pass by seeing nothing: the English interface is full of words it reports."""
    texts = visible_texts(at)
    found = english_found(texts)
    assert {"Solve", "Budget"} <= set(found), sorted(found)
    assert english_words("CT 与 MRI, 北京市 Beijing, `budget.total_wan_cny`, models/baseline.toml") == []
    assert english_words("二级医院 secondary") == ["secondary"]
    assert english_words("region_code", keys=False) == ["region", "code"]


def test_scenario_title_and_description_in_chinese_round_trip(tmp_path):
    from planner.config.scenario import load_scenario
    from planner.io.output import save_scenario

    loaded = load_scenario(MODELS / "baseline.toml")
    assert loaded.scenario.title_zh == "全国分省规划, 2026-2030" and "十五五" in loaded.scenario.description_zh
    again = load_scenario(save_scenario(loaded, tmp_path / "out"))
    assert again.scenario.title_zh == loaded.scenario.title_zh
    assert again.scenario.description_zh == loaded.scenario.description_zh
    for path in MODELS.glob("*.toml"):
        assert load_scenario(path).scenario.title_zh, f"{path.name} has no title_zh"


def test_engine_sentences_of_the_shipped_scenarios_have_chinese(tmp_path):
    """Every warning the shipped scenarios' inputs and pre-solve checks give (no solve) is a message code with
    Chinese words."""
    from planner import Planner
    from planner.config.scenario import load_scenario
    from planner.messages import Message

    for path in sorted(MODELS.glob("*.toml")):
        checks = Planner(load_scenario(path)).checks
        for w in [*checks.warnings, *checks.errors]:
            assert isinstance(w, Message), (path.name, w)
            assert not english_words(w.render("zh")), (path.name, w, w.render("zh"))


def test_excel_download_keeps_machine_columns_and_explains_them_in_a_second_sheet():
    import io

    from planner_app import labels, widgets

    df = pd.DataFrame({"region_code": ["110000"], "tier": ["secondary"], "new_units": [2.0],
                       "capex_wan_cny": [274.0], "gap_closed_MOBILE_CT": [0.5]})
    book = pd.read_excel(io.BytesIO(widgets.excel_bytes(df)), sheet_name=None, dtype=str)
    assert list(book) == ["Sheet1", labels.HEADER_SHEET]
    assert list(book["Sheet1"].columns) == list(df.columns) and book["Sheet1"]["tier"].tolist() == ["secondary"]
    sheet = book[labels.HEADER_SHEET].set_index("column")
    assert sheet.index.tolist() == list(df.columns)
    assert sheet.loc["capex_wan_cny", "中文"] == "资本支出 (万元)"
    assert sheet.loc["new_units", "English"] == "new units"
    assert sheet.loc["gap_closed_MOBILE_CT", "中文"] == "移动CT 密度缺口弥合比例"


def test_chinese_downloads_have_chinese_headers_and_labels_and_numbers_as_shown():
    """Issue 25, part 4: in 中文 the CSV and Excel downloads of a result table read as the screen does
    (Chinese headers and tier/modality names, whole units as integers, densities rounded as shown); the
    machine names are the Excel file's second sheet and a second CSV. English keeps today's files."""
    import io

    from planner_app import labels, widgets

    df = pd.DataFrame({"region_code": ["510000"], "tier": ["grassroots"], "modality": ["MOBILE_CT"],
                       "year": [2030], "units_after": [272.0], "density_after_per_million": [3.256789],
                       "gap_closed_CT": [0.42137], "verifier_ok": [True], "unknown_col": [1.23456]})
    zh = {label: (data, file) for label, data, file, _ in widgets.download_files(df, "regions", zh=True)}
    assert list(zh) == ["download_csv", "download_xlsx", "download_csv_machine"]
    csv = zh["download_csv"][0].decode("utf-8-sig").splitlines()
    assert csv[0] == ("地区代码,层级,设备类型,年份,规划后台数,规划后每百万人口台数,CT 密度缺口弥合比例,独立校验通过,"
                      "unknown_col")
    assert csv[1] == "510000,基层,移动CT,2030,272,3.26,0.421,是,1.23456"
    assert zh["download_csv_machine"] == (widgets.download_files(df, "regions", zh=False)[0][1], "regions_en.csv")
    book = pd.read_excel(io.BytesIO(zh["download_xlsx"][0]), sheet_name=None, dtype=str)
    assert list(book) == [labels.DATA_SHEET_ZH, labels.MACHINE_SHEET, labels.HEADER_SHEET]
    assert book[labels.DATA_SHEET_ZH].iloc[0].tolist()[:5] == ["510000", "基层", "移动CT", "2030", "272"]
    assert list(book[labels.MACHINE_SHEET].columns) == list(df.columns)
    assert book[labels.MACHINE_SHEET]["tier"].tolist() == ["grassroots"]
    # English: the machine names and codes, unrounded, as before
    en = widgets.download_files(df, "regions", zh=False)
    assert [(label, file) for label, _, file, _ in en] == [("download_csv", "regions.csv"),
                                                           ("download_xlsx", "regions.xlsx")]
    assert en[0][1].decode("utf-8-sig").splitlines()[1] == "510000,grassroots,MOBILE_CT,2030,272.0,3.256789,0.42137,True,1.23456"


def test_edits_survive_a_language_switch(at):
    """The 中文 editors show other headers and labels (new widgets to Streamlit): a switch keeps the edits
    made so far, in the tables and in the keyed editors, and the tables read back as codes."""
    at.number_input(key=wkey(at, "edit_budget_total")).set_value(2_000_000).run()
    at.session_state[wkey(at, "edit_modalities")] = {"edited_rows": {0: {"price (万元)": 150.0}}, "added_rows": [],
                                                     "deleted_rows": []}
    at.session_state[wkey(at, "edit_table_stock")] = {"edited_rows": {0: {"units": "999"}}, "added_rows": [],
                                                      "deleted_rows": []}
    at.run()
    ok(at)
    for lang in ("zh", "en"):
        at.radio(key="lang").set_value(lang).run()
        ok(at)
        edited = at.session_state["edited"]
        assert edited.scenario.budget.total_wan_cny == 2_000_000
        assert edited.scenario.modalities["CT"].price_wan_cny == 150.0
        stock = edited.tables["stock"]
        assert stock["units"].iloc[0] == "999" and set(stock["tier"]) == {"grassroots", "secondary", "tertiary"}
        assert "facilities" not in edited.tables   # untouched: still read from its file
        assert "_region_name" not in stock.columns   # the name shown beside the code is never saved
    shown = next(d for d in at.dataframe if "units" in d.value.columns and "reference_year" in d.value.columns)
    assert shown.value["units"].iloc[0] == "999"
    # item 8: the stock editor shows each region's name beside its code
    first = shown.value.iloc[0]
    from planner.data import tables

    regions = at.session_state["loaded"].read("table", tables.REGIONS)
    name = regions.set_index(regions["code"].astype(str)).loc[str(first["code"]), "name_zh"]
    assert str(first["_region_name"]).startswith(name), first


@pytest.mark.parametrize("language, expected", [
    ("en", "“Eligibility: tertiary × MRI”"), ("zh", "“配置资格: 三级医院 × MRI”")])
def test_warnings_name_the_editor_cell_not_the_config_key(monkeypatch, language, expected):
    """Issue 13, item 9: the baseline's warning about 海南's MRI stock quoted `eligibility.tertiary.MRI`;
    on screen it names the eligibility editor's cell in the interface language."""
    import streamlit as st

    from planner import Planner
    from planner.config.scenario import load_scenario
    from planner_app.plan_page import screen_words
    from planner_app.words import say

    monkeypatch.setattr(st, "session_state", {"lang": language})
    w = next(w for w in Planner(load_scenario(MODELS / "baseline.toml")).checks.warnings if "eligibility.tertiary.MRI" in str(w))
    shown = screen_words(say(w))
    assert expected in shown and "eligibility." not in shown, shown


@pytest.mark.parametrize("language, expected", [
    ("en", ["“Total capital budget (万元)”", "“Time limit (s)”", "“Modality: CT × price (万元)”",
            "“Budget released in equal yearly tranches ((total − committed) / years each year)”",
            "“Presence rules: a minimum of units per facility”", "regions.boundaries"]),
    ("zh", ["“总资本预算 (万元)”", "“时间上限 (秒)”", "“设备类型: CT × 价格 (万元)”", "“最低配置规则: 每机构最少台数”",
            "regions.boundaries"])])
def test_config_keys_with_their_section_are_named_by_their_inputs(monkeypatch, language, expected):
    """Issue 13, item 9: 'raise budget.total_wan_cny' named the scenario key; on screen it names the input
    (with its section, quoted or not, and a modalities editor cell; policy.min_units has its editor since
    issue 25). A key with no input on screen (here regions.boundaries, a file path) stays as the file writes it."""
    import streamlit as st

    from planner_app.plan_page import screen_words

    monkeypatch.setattr(st, "session_state", {"lang": language})
    shown = screen_words("raise budget.total_wan_cny or solver.time_limit_s; 'modalities.CT.price_wan_cny' is high; "
                         "budget.even_yearly_tranches limits each year; relax policy.min_units; see regions.boundaries")
    for text in expected:
        assert text in shown, shown
    assert "budget." not in shown and "solver." not in shown and "modalities." not in shown, shown


@pytest.mark.parametrize("accepted, expected", [
    ("zh-CN", "zh"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("ZH-tw", "zh"), ("zh", "zh"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "en"), ("en-US", "en"), ("fr-FR,zh;q=0.5", "en"),
    ("en;q=0.5, zh-CN;q=0.9", "zh"), ("zh-CN;q=bad, en", "en"), ("", "en"), (None, "en"), ("*", "en")])
def test_the_first_view_takes_the_browsers_language(accepted, expected):
    """Issue 25, part 4: zh-CN -> 中文, anything else English (the header's q weights decide the first)."""
    from planner_app.i18n import browser_lang

    assert browser_lang(accepted) == expected


def test_a_chinese_browser_opens_in_chinese_and_the_planners_choice_wins(tmp_path, monkeypatch):
    from planner_app import i18n

    monkeypatch.setattr(i18n, "browser_languages", lambda: "zh-CN,zh;q=0.9,en;q=0.8")
    at = started_app(tmp_path, monkeypatch)
    assert at.session_state["lang"] == "zh" and at.title[0].value == "医学影像设备配置规划"
    at.radio(key="lang").set_value("en").run()
    at.run()
    assert at.session_state["lang"] == "en" and at.title[0].value == "Imaging-equipment capacity planner"
    # no browser language (AppTest's own): English
    monkeypatch.undo()
    assert started_app(tmp_path, monkeypatch).session_state["lang"] == "en"
