"""What tables look like on screen: headers with units and codes by their labels, in the interface language.

The engine's tables keep machine column names (region_code, new_units, ...) and codes (secondary, MOBILE_CT):
downloads and the run store need them. On screen in 中文 each column gets a Chinese header with its unit
(a Streamlit column label, so the data and its column names stay as they are) and tier, modality and
other code cells show their Chinese labels; in English each column gets its English label (codes stay).
Numbers show with thousands separators and the decimals their unit needs (NUMBER_FORMATS), and the columns
a row is known by stay pinned at the left of a wide table (PINNED).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from planner.messages import Message
from planner.messages import labels as catalog_labels
from planner_app.words import say
from planner_app.i18n import lang

# The provenance notes of the shipped stock and facilities tables (data/regions/*.csv, column 'rule'): data of
# those tables, not labels, so they are kept here beside the one table that shows them. Column labels, tiers,
# modalities and other code values are in the library's labels catalog (planner.messages.labels).
RULE_ZH = {
    "national-total x pop x quoted provincial density (facilities.md §2), tier split v1":
        "全国总量 × 人口 × 引用的省级密度 (facilities.md §2), 层级拆分 v1",
    "national-total x pop, tier split v1": "全国总量 × 人口, 层级拆分 v1",
    "no public count found: zero placeholder": "未找到公开数量: 以 0 占位",
    "nhc2020 secondary 10404: 1 per county-level unit + rest x pop":
        "卫健委 2020 二级 10404 家: 每个县级单位 1 家 + 其余按人口",
    "nhc2020 tertiary 2996: 1 per prefecture-level division >= 100k residents + rest x urban pop":
        "卫健委 2020 三级 2996 家: 每个 10 万人以上地级单位 1 家 + 其余按城镇人口",
    "nhc2020 township 35762 x rural pop + community 35365 x urban pop":
        "卫健委 2020 乡镇卫生院 35762 家 × 农村人口 + 社区卫生服务中心 35365 家 × 城镇人口",
}
# columns the 中文 screen shows by their labels: column -> kind of the labels catalog
CODE_CELLS = {"tier": "tier", "modality": "modality", "exam_type": "modality", "level": "value.level",
              "estimated": "value.estimated", "constraint": "value.constraint", "when": "value.when",
              "status": "value.status"}


# How numbers show on screen, by machine column: (decimals, kind). "localized" draws the browser's thousands
# separators (1,234) and Streamlit takes the decimals from the column's step; "percent" shows a share (0.42)
# as 42.0%; "plain" is a printf format (no separators: years, codes, coordinates). One table for every
# on-screen table, so the same quantity looks the same everywhere.
COUNT, MONEY, ONE, TWO, INDEX, SHARE = (0, "localized"), (0, "localized"), (1, "localized"), (2, "localized"), \
    (3, "localized"), (1, "percent")
NUMBER_FORMATS: dict[str, tuple[int, str]] = {
    # head counts and unit counts
    "population": COUNT, "pop_urban": COUNT, "pop_rural": COUNT, "new_units": COUNT, "units_bought": COUNT,
    "units": COUNT, "units_base_year": COUNT, "units_before": COUNT, "units_after": COUNT, "new_units_cumulative": COUNT,
    "facilities": COUNT, "staff": COUNT, "quota_used_units": COUNT, "leased_units": COUNT, "domestic_units": COUNT,
    "max_new_units": ONE, "quota_max_new_units": ONE,   # a quota times quotas.cap_scale may be fractional
    # money (万元) and the objective in 万元-equivalents
    "unit_price_wan_cny": ONE, "capex_wan_cny": MONEY, "capex_cny": MONEY,
    "running_cost_new_units_wan_cny": MONEY, "lease_payments_wan_cny": MONEY, "budget_wan_cny": MONEY, "spend_wan_cny": MONEY, "spend_cny": MONEY,
    "objective": ONE, "bound": ONE, "weighted_sum_objective": ONE, "marginal_value": TWO,
    # densities and gaps per million
    "density_before_per_million": TWO, "density_after_per_million": TWO, "target_per_million": TWO,
    "gap_before_per_million": TWO, "gap_after_per_million": TWO, "largest_shortfall_per_million": TWO,
    # exams (thousand exams)
    "demand_thousand_exams": ONE, "served_thousand_exams": ONE, "served_fixed_thousand_exams": ONE,
    "served_mobile_thousand_exams": ONE, "unmet_thousand_exams": ONE, "grassroots_unmet_thousand_exams": ONE,
    "unmet_share_pct": ONE, "exams_k": ONE, "population_million": TWO,
    # travel, distances, areas, shares
    "minutes": COUNT, "longest_travel_minutes": COUNT, "km": COUNT, "area_km2": COUNT, "efficiency": TWO,
    "share_65plus_pct": ONE, "gap": (2, "percent"), "solve_seconds": ONE,
    # no separators
    "year": (0, "%d"), "population_year": (0, "%d"), "reference_year": (0, "%d"), "id": (0, "%d"),
    "centroid_lon": (4, "%.4f"), "centroid_lat": (4, "%.4f"),
}


def index_value(x: float) -> float:
    """A Gini or Theil index as every screen shows it (3 decimals): the metric cards and the tables take
    this one rounding, so the browser's formatter never rounds a tie the other way (0.065 beside 0.064)."""
    return round(float(x), INDEX[0])


PREFIXED_FORMATS = {"gap_closed_": SHARE, "gini_": INDEX, "theil_": INDEX, "mean_minutes_": COUNT,
                    "longest_minutes_": COUNT, "people_beyond_limit_": COUNT}
# The columns a planner knows a row by: pinned at the left of a wide table, in this order (region names in
# the interface's language; the other language's name follows the pinned ones).
PINNED = ("region_code", "code", "region_name", "name_zh", "tier", "modality", "exam_type", "year",
          "base_code", "target_code", "constraint", "where")
PINNED_EN = ("region_name_en", "name_en")


def _format_key(col: str) -> tuple[int, str] | None:
    if col in NUMBER_FORMATS:
        return NUMBER_FORMATS[col]
    for pre, fmt in PREFIXED_FORMATS.items():
        if col.startswith(pre):
            return fmt
    for suf in catalog_labels.labels_of("column_suffix", "en"):
        if col.endswith(suf) and col != suf:
            return _format_key(col.removesuffix(suf))
    return None


def number_format(col: str, editable: bool = False) -> dict | None:
    """NumberColumn arguments (format, step) of a machine column, or None for a column without one. An
    editor gets the separators but no step: the step would also round what the planner types."""
    key = _format_key(str(col))
    if key is None:
        return None
    decimals, kind = key
    if kind not in ("localized", "percent"):
        return {"format": kind}
    if editable:
        return {"format": kind} if kind == "localized" else None
    # the step's decimals are the shown decimals; a percent shows two fewer (0.421 -> 42.1%)
    return {"format": kind, "step": 10.0 ** -(decimals + (2 if kind == "percent" else 0))}


def pinned(col: str) -> bool:
    return str(col) in PINNED or (lang() != "zh" and str(col) in PINNED_EN)


def tier(code: str) -> str:
    return catalog_labels.tier(code, lang())


def modality(code: str) -> str:
    return catalog_labels.modality(code, lang())


def modality_names(codes) -> Callable[[str], str]:
    """A selectbox format_func showing modalities by their labels. The labels are looked up now: Streamlit
    may call a format_func outside the script run (AppTest does, to send widget states), where the session
    state, and so the language, cannot be read."""
    return {c: modality(c) for c in codes}.__getitem__


def _both(col: str) -> tuple[str, str] | None:
    """(English, 中文) of a machine column, or None for a column the labels catalog does not know."""
    en = catalog_labels.column(col, "en")
    return None if en is None else (en, catalog_labels.column(col, "zh") or en)


def header(col: str) -> str:
    """The column's header on screen: its label with its unit in the interface language (the machine name
    for a column this module does not know)."""
    pair = _both(str(col))
    return (pair[1] if lang() == "zh" else pair[0]) if pair else str(col)


readable = header   # map tooltips say a column the same way as table headers


def _value_maps() -> dict[str, dict[str, str]]:
    return {**{col: catalog_labels.labels_of(kind, "zh") for col, kind in CODE_CELLS.items()}, "rule": RULE_ZH,
            "where": {"total": "总预算"}}


def to_screen(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its code cells by their labels (中文 only): tier, modality, level, status...; its messages
    (the marginal values' plain_words, a frontier point's why_no_plan) in the interface language."""
    if df is None:
        return df
    said = {c: df[c].map(lambda v: say(v) if isinstance(v, Message) else v) for c in df.columns
            if df[c].dtype == object and df[c].map(lambda v: isinstance(v, Message)).any()}
    if said:
        df = df.assign(**said)
    if lang() != "zh":
        return df
    return _cells_zh(df)


def to_chart(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as a chart's axes, legends and tooltips show it: as to_screen in 中文; in English the
    modalities by their English screen names too (MOBILE_CT -> mobile CT: the codes stay in tables)."""
    if lang() == "zh":
        return to_screen(df)
    out = df.copy()
    for col in ("modality", "exam_type"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: catalog_labels.modality(v, "en") if isinstance(v, str) else v)
    return out


def _cells_zh(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col, names in _value_maps().items():
        if col in out.columns and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    return out


def from_screen(df: pd.DataFrame) -> pd.DataFrame:
    """An edited input table back in the codes the engine reads (the inverse of to_screen; a code typed
    as such stays a code)."""
    if lang() != "zh":
        return df
    out = df.copy()
    for col, names in _value_maps().items():
        if col in out.columns and not pd.api.types.is_numeric_dtype(out[col]):
            back = {v: k for k, v in names.items()}
            out[col] = out[col].map(lambda v: back.get(v, v) if isinstance(v, str) else v)
    return out


def column_config(df: pd.DataFrame, given: dict | None = None, editable: bool = False) -> dict:
    """Streamlit column configs giving each known column its header in the interface language, its number
    format (NUMBER_FORMATS) and, for the columns a row is known by, a pinned place at the left. ``given``
    configs are kept: they only get a label, a format or a pin where they have none. ``editable``: the
    configs of a data editor (see number_format)."""
    out = dict(given or {})
    for col in df.columns:
        label, pin = header(col), pinned(col)
        fmt = number_format(col, editable) if pd.api.types.is_numeric_dtype(df[col]) \
            and not pd.api.types.is_bool_dtype(df[col]) else None
        cfg = out.get(col)
        if cfg is None:
            if fmt:
                out[col] = st.column_config.NumberColumn(label, pinned=pin or None, **fmt)
            elif label != str(col) or pin:
                out[col] = st.column_config.Column(label, pinned=pin or None)
        elif isinstance(cfg, str):   # a label alone
            out[col] = (st.column_config.NumberColumn(cfg, pinned=pin or None, **fmt) if fmt
                        else st.column_config.Column(cfg, pinned=pin or None))
        elif isinstance(cfg, dict):
            if not cfg.get("label"):
                cfg["label"] = label
            if pin and cfg.get("pinned") is None:
                cfg["pinned"] = True
            tc = cfg.get("type_config")
            if fmt and tc is not None and tc.get("type") == "number":
                for k, v in fmt.items():
                    if tc.get(k) is None:
                        tc[k] = v
    return out


def configs_by_header(names: dict[str, str], given: dict | None = None, pin=()) -> dict:
    """Configs for a table whose columns were renamed to their screen headers: ``names`` maps each header
    to the machine column (or column family, e.g. "gini_") whose number format it takes; the headers in
    ``pin`` stay at the left. ``given`` configs are kept."""
    out = dict(given or {})
    for shown, col in names.items():
        fmt = number_format(col)
        if fmt and shown not in out:
            out[shown] = st.column_config.NumberColumn(shown, pinned=(shown in pin) or None, **fmt)
    for shown in pin:
        out.setdefault(shown, st.column_config.Column(shown, pinned=True))
    return out


def header_sheet(df: pd.DataFrame) -> pd.DataFrame:
    """What each machine column of a download means: the '说明 columns' sheet of the Excel download."""
    rows = []
    for col in df.columns:
        en, zh = _both(str(col)) or (str(col), str(col))
        rows.append({"column": str(col), "中文": zh, "English": en})
    return pd.DataFrame(rows)


HEADER_SHEET = "说明 columns"  # Excel forbids '/' in sheet names
DATA_SHEET_ZH = "数据"                       # the 中文 Excel download: the table as shown, then
MACHINE_SHEET = "英文列名 machine names"     # the same table with the machine column names and codes


def download_zh(df: pd.DataFrame) -> pd.DataFrame:
    """A result table as the 中文 downloads give it, as the screen shows it: Chinese headers (units
    included), tier, modality and other codes by their Chinese labels, yes/no as 是/否, and numbers rounded
    to the decimals the screen shows (NUMBER_FORMATS): whole units as integers (272, not 272.0), densities
    to two decimals, shares as fractions to the shown percent. The machine names stay in the other file."""
    out = _cells_zh(df)
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "是", False: "否"})
            continue
        key = _format_key(str(col))
        if key is None or not pd.api.types.is_numeric_dtype(s):
            continue
        decimals, kind = key
        if kind.startswith("%"):   # printf: "%d" (years, ids) or "%.4f" (coordinates)
            decimals = int(kind[2:-1]) if kind.startswith("%.") else 0
        elif kind == "percent":
            decimals += 2          # a share (0.421) shown as 42.1%
        rounded = s.astype(float).round(decimals)
        finite = rounded.dropna()
        out[col] = rounded.astype("Int64") if decimals == 0 and finite.map(float.is_integer).all() else rounded
    return out.rename(columns=lambda c: (_both(str(c)) or (None, str(c)))[1])
