"""The line and bar charts: unmet demand, gap closed and equity against the budget, or unmet demand per case."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.reporting.report.canvas import constant_note, new_figure
from planner.reporting.report.labels import is_zh, mod_label, shown, status_label, tr, unit_of
from planner.reporting.report.results import FAILED, Results

LINE_FIGSIZE = (7.0, 4.5)          # inches: 1050 x 675 px at 150 dpi


def _thousands(ax_axis) -> None:
    """Ticks with thousands separators and as few decimals as the ticks need (a budget of 0.05 亿元 too)."""
    from matplotlib.ticker import Formatter, MaxNLocator

    class Thousands(Formatter):
        def format_ticks(self, values):
            locs = np.asarray(values, dtype=float)
            dec = next((d for d in range(7) if np.allclose(locs, locs.round(d), rtol=0, atol=1e-9)), 6)
            return [f"{v:,.{dec}f}" for v in locs]

        def __call__(self, v, pos=None):
            return self.format_ticks([v])[0]

    ax_axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax_axis.set_major_formatter(Thousands())


def _groups(res: Results) -> list[tuple[str, np.ndarray]]:
    """(label, row indices) per combination of the varied inputs other than the budget."""
    others = res.other_varied
    idx = np.flatnonzero(res.ok.to_numpy())
    if not others:
        return [("", idx)]
    keyed: dict[tuple, list[int]] = {}
    for i in idx:
        keyed.setdefault(tuple(res.df.iloc[i][k] for k in others), []).append(int(i))
    return [(res.case_label(v[0], others), np.array(v)) for v in keyed.values()]


def _budget_x(d: pd.DataFrame, b: str, wan: str) -> tuple[pd.Series, str]:
    """The budget column as drawn (亿元 in Chinese) and its axis label."""
    return d[b].astype(float).map(lambda v: shown(b, v)), f"{tr('budget')} ({unit_of(b, wan)})"


def _with(label: str, group: str) -> str:
    return f"{label}, {group}" if group else label


def _hollow_non_optimal(ax, x, y, status, colour) -> bool:
    bad = np.asarray(status) != "optimal"
    if bad.any():
        ax.scatter(np.asarray(x)[bad], np.asarray(y)[bad], s=60, facecolors="white", edgecolors=colour, zorder=4,
                   linewidths=1.2)
    return bool(bad.any())


def fig_budget_vs_unmet(res: Results, wan: str):
    from matplotlib.lines import Line2D

    b = res.budget_col
    fig = new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    colours = _colours(len(_groups(res)))
    has_grass = "grassroots_unmet_thousand_exams" in res.df.columns
    any_hollow = False
    for (label, idx), c in zip(_groups(res), colours):
        d = res.df.iloc[idx].sort_values(b)
        x, xlabel = _budget_x(d, b, wan)
        ax.plot(x, d["unmet_thousand_exams"], "-o", color=c, ms=4, label=_with(tr("all tiers"), label))
        any_hollow |= _hollow_non_optimal(ax, x, d["unmet_thousand_exams"], d["status"], c)
        if has_grass:
            ax.plot(x, d["grassroots_unmet_thousand_exams"], "--s", color=c, ms=3.5, alpha=0.85,
                    label=_with(mod_label("grassroots"), label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("unmet demand (thousand exams, all plan years)"))
    ax.set_ylim(bottom=0)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_title(tr("Unmet imaging demand against the budget") + constant_note(res, wan))
    handles, labels = ax.get_legend_handles_labels()
    if any_hollow:
        handles.append(Line2D([], [], ls="", marker="o", mfc="white", mec="grey"))
        labels.append(tr("not proved optimal (time limit)"))
    ax.legend(handles, labels, fontsize=8)
    return fig


def fig_budget_vs_gap_closed(res: Results, wan: str):
    b = res.budget_col
    fig = new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    mods = [c.removeprefix("gap_closed_") for c in res.gap_closed_cols]
    colours = _colours(len(mods))
    styles = ["-", "--", ":", "-."]
    groups = _groups(res)
    for gi, (label, idx) in enumerate(groups):
        d = res.df.iloc[idx].sort_values(b)
        x, xlabel = _budget_x(d, b, wan)
        for m, c in zip(mods, colours):
            ax.plot(x, 100 * d[f"gap_closed_{m}"].astype(float), styles[gi % 4], marker="o", ms=4,
                    color=c, label=_with(mod_label(m), label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("density gap closed in the last plan year (%)"))
    ax.set_ylim(0, 105)
    _thousands(ax.xaxis)
    ax.set_title(tr("Share of the per-million density gap closed, by modality") + constant_note(res, wan))
    ax.legend(fontsize=8)
    return fig


def fig_budget_vs_equity(res: Results, wan: str):
    """Left: population-weighted Gini of units per million per modality; right: the largest per-million
    shortfall, both in the last plan year, against the budget."""
    b = res.budget_col
    fig = new_figure((LINE_FIGSIZE[0] * 1.6, LINE_FIGSIZE[1]))
    left, right = fig.subplots(1, 2)
    mods = [c.removeprefix("gini_") for c in res.equity_cols]
    colours = _colours(max(len(mods), len(_groups(res))))
    for gi, (label, idx) in enumerate(_groups(res)):
        d = res.df.iloc[idx].sort_values(b)
        x, xlabel = _budget_x(d, b, wan)
        for m, c in zip(mods, colours):
            left.plot(x, d[f"gini_{m}"].astype(float), ["-", "--", ":", "-."][gi % 4], marker="o", ms=4, color=c,
                      label=_with(mod_label(m), label))
        if "largest_shortfall_per_million" in d.columns:
            right.plot(x, d["largest_shortfall_per_million"].astype(float), "-o", ms=4, color=colours[gi],
                       label=label or tr("all regions"))
    for ax in (left, right):
        ax.set_xlabel(xlabel)
        _thousands(ax.xaxis)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    left.set_ylabel(tr("Gini of units per million across regions"))
    right.set_ylabel(tr("largest shortfall against target (units per million)"))
    fig.suptitle(tr("Equity of the plan against the budget (last plan year)") + constant_note(res, wan))
    return fig


def fig_unmet_by_case(res: Results, wan: str):
    n = len(res.df)
    fig = new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    x = np.arange(n)
    has_grass = "grassroots_unmet_thousand_exams" in res.df.columns
    w = 0.4 if has_grass else 0.7
    unmet = pd.to_numeric(res.df["unmet_thousand_exams"], errors="coerce") if "unmet_thousand_exams" in res.df else \
        pd.Series(np.nan, index=res.df.index)
    c1, c2 = _colours(2)
    ax.bar(x - (w / 2 if has_grass else 0), unmet.fillna(0), w, color=c1, label=tr("all tiers"))
    if has_grass:
        ax.bar(x + w / 2, pd.to_numeric(res.df["grassroots_unmet_thousand_exams"], errors="coerce").fillna(0), w,
               color=c2, label=mod_label("grassroots"))
    for i in np.flatnonzero(~res.ok.to_numpy()):
        # upright in Chinese: two characters fit the bar's width, and rotated ones read sideways
        ax.text(i, 0, status_label(FAILED), rotation=0 if is_zh() else 90, ha="center", va="bottom", color="firebrick",
                fontsize=8)
    import textwrap

    # A Chinese character is about twice as wide as a Latin one: wrap Chinese labels at half the count.
    width = 12 if is_zh() else 24
    labels = ["\n".join(textwrap.fill(part, width) for part in res.case_label(i, sep="\n", wan=wan).split("\n"))
              for i in range(n)]
    crowded = n > 6 or max(len(ln) for lab in labels for ln in lab.split("\n")) * n * (24 // width) > 100
    ax.set_xticks(x, labels, fontsize=7 if crowded else 8, rotation=30 if crowded else 0,
                  ha="right" if crowded else "center", rotation_mode="anchor")
    ax.set_ylabel(tr("unmet demand (thousand exams, all plan years)"))
    _thousands(ax.yaxis)
    ax.grid(axis="x", visible=False)
    ax.set_title(tr("Unmet imaging demand per case") + constant_note(res, wan))
    ax.legend(fontsize=8)
    return fig


def _colours(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(max(n, 1))]
