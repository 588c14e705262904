"""The summary table's columns and cells, shared by summary.csv, summary.md and summary.tex."""

from __future__ import annotations

import pandas as pd

from planner.reporting.report.labels import (
    BUDGET_KEY, WAN_LABEL, YI_LABEL, fmt_num, fmt_value, header, is_zh, mod_label, shown, status_label, tr)
from planner.reporting.report.results import Results


# (results column, header, decimals, scale)
def metric_cols(res: Results) -> list[tuple[str, str, int, float]]:
    # money totals: 万元 (whole numbers) in English, 亿元 with two decimals in Chinese
    unit, dec, scale = (YI_LABEL, 2, 1e-4) if is_zh() else (WAN_LABEL, 0, 1.0)
    cols = [("gap", tr("MIP gap (%)"), 2, 100.0)]
    if BUDGET_KEY not in res.varied and "budget_wan_cny" in res.df.columns:
        cols.append(("budget_wan_cny", f"{tr('budget')} ({unit})", dec, scale))
    cols += [("spend_wan_cny", f"{tr('spend')} ({unit})", dec, scale),
             ("unmet_thousand_exams", tr("unmet (thousand exams)"), 1, 1.0),
             ("grassroots_unmet_thousand_exams", tr("grassroots unmet (thousand exams)"), 1, 1.0)]

    def per_modality(prefix: str, text: str, dec: int, scale: float, cols_: list[str]):
        return [(c, tr(text).format(m=mod_label(c.removeprefix(prefix))), dec, scale) for c in cols_]

    cols += per_modality("gap_closed_", "{m} gap closed (%)", 1, 100.0, res.gap_closed_cols)
    cols += [("largest_shortfall_per_million", tr("largest shortfall (per million)"), 2, 1.0)]
    cols += per_modality("gini_", "{m} Gini", 3, 1.0, res.equity_cols)
    cols += per_modality("mean_minutes_", "{m} mean travel (min)", 1, 1.0,
                         [c for c in res.df.columns if c.startswith("mean_minutes_")])
    cols += per_modality("people_beyond_limit_", "{m} beyond limit (万 people)", 1, 1e-4,
                         [c for c in res.df.columns if c.startswith("people_beyond_limit_")])
    return [c for c in cols if c[0] in res.df.columns]


def summary_frame(res: Results) -> pd.DataFrame:
    """The summary table with numbers rounded and units in the headers (what summary.csv holds)."""
    df = res.df
    out = pd.DataFrame({tr("case"): df["case_id"]})
    for k in res.varied:
        out[header(k)] = df[k].map(lambda v, k=k: shown(k, v))
    out[tr("status")] = df["status"].map(status_label)
    for col, head, dec, scale in metric_cols(res):
        vals = (pd.to_numeric(df[col], errors="coerce") * scale).round(dec).where(res.ok)
        out[head] = vals.astype("Int64") if dec == 0 else vals
    if (~res.ok).any():
        out[tr("error")] = df["error"].where(~res.ok, "")
    return out


def row_cells(res: Results, i: int) -> list[str]:
    """The formatted cells of case i after the case id: varied inputs, status, metrics."""
    r = res.df.iloc[i]
    cells = [fmt_value(shown(k, r[k])) for k in res.varied] + [status_label(r["status"])]
    for col, _, dec, scale in metric_cols(res):
        v = pd.to_numeric(pd.Series([r[col]]), errors="coerce").iloc[0]
        cells.append("–" if not res.ok.iloc[i] else fmt_num(v * scale if pd.notna(v) else v, dec))
    return cells


def table_headers(res: Results) -> list[str]:
    return [header(k) for k in res.varied] + [tr("status")] + [h for _, h, _, _ in metric_cols(res)]
