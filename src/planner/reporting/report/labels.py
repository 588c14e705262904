"""The report's words: the language (en or zh), scenario keys as short names with units, and values as
a reader sees them (totals in 亿元 in Chinese)."""

from __future__ import annotations

import contextlib
import contextvars
import math

import numpy as np
import pandas as pd

from planner.messages import labels
from planner.reporting.labels_zh import ZH

BUDGET_KEY = "budget.total_wan_cny"
WAN_LABEL = "万元"
YI_LABEL = "亿元"                   # 10,000 万元: how Chinese planning documents state budgets
YI_KEYS = (BUDGET_KEY, "budget_wan_cny", "spend_wan_cny", "budget.committed_wan_cny")   # totals, shown in 亿元 in zh
LANGS = ("en", "zh")
# The report's language, set by language() (report_style() sets it for a whole report): a context variable
# rather than a parameter of every label helper (short_name, header, fmt_value, ...), which many callers share.
_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("planner_report_lang", default="en")

# Unit suffixes of scenario keys, longest first: (suffix, unit shown in headers)
UNIT_SUFFIXES = (
    ("_wan_cny_per_thousand_exams", "万元 / thousand exams"), ("_wan_cny_per_unit_year", "万元 / unit-year"),
    ("_wan_cny_per_year", "万元 / year"), ("_wan_cny", "万元"), ("_exams_per_unit_per_year", "exams / unit / year"),
    ("_per_1000_per_year", "per 1,000 / year"), ("_pct_per_year", "% / year"), ("_pct", "%"),
    ("_per_million", "per million"), ("_minutes", "min"), ("_km_per_h", "km/h"), ("_years", "years"),
    ("_time_limit_s", "s"), ("_limit_s", "s"), ("_rel_gap", ""),
)


@contextlib.contextmanager
def language(lang: str):
    """Labels in ``lang`` ("en" or "zh") until the block ends."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def is_zh() -> bool:
    return _LANG.get() == "zh"


def tr(text: str) -> str:
    """``text`` (English, as written here) in the report's language."""
    return ZH.get(text, text) if is_zh() else text


def mod_label(code: str) -> str:
    """A modality or tier code as a reader sees it, by the labels catalog the app reads too (MOBILE_CT ->
    移动CT, secondary -> 二级医院 in Chinese); in English the code as written."""
    if not is_zh():
        return code
    label = labels.modality(code, "zh")
    return labels.tier(code, "zh") if label == code else label


def status_label(status: str) -> str:
    """A case's status as the reader sees it: the labels catalog's status words in Chinese (the app says them
    so too), the status code in English."""
    return labels.value("status", str(status), "zh") if is_zh() else str(status)


def shown(key: str, v):
    """A value of column ``key`` in the unit its header names: totals in 亿元 in Chinese, else as stored."""
    if is_zh() and key in YI_KEYS and isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v) / 1e4
    return v


def unit_of(key: str, wan: str = WAN_LABEL) -> str:
    if is_zh() and key in YI_KEYS:
        return YI_LABEL
    if key in ("budget_wan_cny",):
        return wan
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return tr(unit).replace(WAN_LABEL, wan)
    return ""


def short_name(key: str) -> str:
    """budget.total_wan_cny -> budget; modalities.CT.price_wan_cny -> CT price; scenario_file -> scenario."""
    if key in (BUDGET_KEY, "budget_wan_cny"):
        return tr("budget")
    if key == "scenario_file":
        return tr("scenario")
    name = key
    for suffix, _ in UNIT_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    parts = name.split(".")
    if parts[0] in ("modalities", "tiers") and len(parts) >= 3:
        parts = parts[1:]
    elif len(parts) >= 2 and parts[0] in ("budget", "years", "solver", "weights", "staffing", "mobile"):
        parts = parts[1:] if len(parts) > 1 else parts
    return " ".join(tr(p).replace("_", " ") for p in parts)


def header(key: str, wan: str = WAN_LABEL) -> str:
    """A varied input's column header: the scenario field's label from the labels catalog, as the app's editors
    show it (modalities.CT.price_wan_cny -> 'CT price (万元)'); totals shown in 亿元 in Chinese, and a key with no
    label, by its short name and the unit its suffix names."""
    if key not in YI_KEYS:
        path, code = _field_path(key)
        label = labels.field(path, "zh" if is_zh() else "en")
        if label:
            return f"{mod_label(code)} {label}" if code else label
    u = unit_of(key, wan)
    return f"{short_name(key)} ({u})" if u else short_name(key)


def _field_path(key: str) -> tuple[str, str | None]:
    """modalities.CT.price_wan_cny -> ('modalities.*.price_wan_cny', 'CT'); budget.committed_wan_cny as it is."""
    parts = key.split(".")
    if parts[0] in ("modalities", "tiers") and len(parts) == 3:
        return f"{parts[0]}.*.{parts[2]}", parts[1]
    return key, None


def fmt_value(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return tr("true") if v else tr("false")
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v.is_integer():
            return f"{int(v):,}"
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def fmt_num(v, decimals: int, sep: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return "–"
    return f"{float(v):,.{decimals}f}" if sep else f"{float(v):.{decimals}f}"
