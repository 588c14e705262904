"""Paper-ready report of a results folder written by ``planner sweep`` or ``planner batch``.

``make_report(DIR)`` reads DIR/results.csv (one row per case), DIR/manifest.json and DIR/cases/<id>/regions.csv
and writes into DIR/report/ (or ``out_dir``), every file atomically:

  summary.csv, summary.md, summary.tex   one row per case: the varied inputs, status, MIP gap, spend, unmet
                                         demand, grassroots unmet demand and the share of the density gap
                                         closed per modality; failed cases with their error
  budget_vs_unmet.png/.svg               when the budget varies: unmet demand against the budget, one line per
                                         value of any other varied input
  budget_vs_gap_closed.png/.svg          when the budget varies: share of the density gap closed, per modality
  unmet_by_case.png/.svg                 when the budget does not vary: unmet demand per case, as bars
  maps_<MODALITY>.png/.svg               small-multiple choropleths of the density after the plan in the last
                                         plan year, for up to 4 cases, on one colour scale

Figures are drawn with matplotlib's Agg canvas (no pyplot state, no display needed) at 150 dpi, with a
CJK-capable font when one is installed (WenQuanYi Micro Hei, Noto Sans CJK, ...); without one, figure labels
write 万元 as "10⁴ CNY". Command line: ``python -m planner.report DIR [--out OUT] [--case ID ...] [--modality CT]``.
"""

from __future__ import annotations

import io
import json
import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.io.output import atomic_write_bytes, atomic_write_text

log = logging.getLogger(__name__)

BUDGET_KEY = "budget.total_wan_cny"
DPI = 150
LINE_FIGSIZE = (7.0, 4.5)          # inches: 1050 x 675 px at 150 dpi
MAX_MAPS = 4
WAN_LABEL = "万元"
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "Sarasa Gothic SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
CJK_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")
FAILED = "failed"

# Unit suffixes of scenario keys, longest first: (suffix, unit shown in headers)
UNIT_SUFFIXES = (
    ("_wan_cny_per_thousand_exams", "万元 / thousand exams"), ("_wan_cny_per_unit_year", "万元 / unit-year"),
    ("_wan_cny_per_year", "万元 / year"), ("_wan_cny", "万元"), ("_exams_per_unit_per_year", "exams / unit / year"),
    ("_per_1000_per_year", "per 1,000 / year"), ("_pct_per_year", "% / year"), ("_pct", "%"),
    ("_per_million", "per million"), ("_minutes", "min"), ("_km_per_h", "km/h"), ("_years", "years"),
    ("_time_limit_s", "s"), ("_limit_s", "s"), ("_rel_gap", ""),
)


# ----------------------------------------------------------------------------------------------- reading
class Results:
    """A results folder: the rows, the varied inputs, and where each case's files are."""

    def __init__(self, folder: Path):
        self.folder = folder
        csv = folder / "results.csv"
        if not folder.is_dir():
            raise InputError(str(folder), "results folder not found",
                             fix="give the --out folder of a finished `planner sweep` or `planner batch` run")
        if not csv.is_file():
            raise InputError(str(csv), "results.csv is missing, so there is nothing to report",
                             fix="give the --out folder of a `planner sweep` or `planner batch` run, or finish the "
                                 "run with `--resume`")
        try:
            df = pd.read_csv(csv, dtype={"case_id": str, "error": str, "status": str})
        except pd.errors.EmptyDataError:
            df = pd.DataFrame()
        if df.empty:
            raise InputError(str(csv), "results.csv has no cases",
                             fix="re-run the sweep (or `--resume` it) until at least one case has finished")
        for col in ("case_id", "status"):
            if col not in df.columns:
                raise InputError(str(csv), f"column '{col}' is missing: this is not a planner results file",
                                 fix="give the --out folder of a `planner sweep` or `planner batch` run")
        df["error"] = df["error"].fillna("") if "error" in df.columns else ""
        self.df = df.reset_index(drop=True)
        # The batch runner writes the varied inputs between case_id and status.
        cols = list(df.columns)
        self.varied = cols[cols.index("case_id") + 1: cols.index("status")] if cols.index("status") > 0 else []
        self.ok = df["status"] != FAILED
        mpath = folder / "manifest.json"
        self.manifest = {}
        if mpath.is_file():
            try:
                self.manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.manifest = {}
        self.case_info = {c["case_id"]: c for c in self.manifest.get("cases", [])}

    # which column is "the budget", if it varies
    @property
    def budget_col(self) -> str | None:
        if BUDGET_KEY in self.varied:
            return BUDGET_KEY
        if "budget_wan_cny" in self.df.columns:
            # Only when the budget varies within a series: a batch of unrelated scenarios, one budget
            # each, gets bars, not lines of single points.
            d = self.df[self.ok]
            others = self.shown_varied
            if others and not d.empty:
                if (d.groupby(others, dropna=False)["budget_wan_cny"].nunique() > 1).any():
                    return "budget_wan_cny"
            elif d["budget_wan_cny"].nunique() > 1:
                return "budget_wan_cny"
        return None

    @property
    def other_varied(self) -> list[str]:
        """Varied inputs other than the budget that take more than one value (they split the lines)."""
        return [k for k in self.shown_varied if k != self.budget_col]

    @property
    def shown_varied(self) -> list[str]:
        """The varied inputs that take more than one value: the ones worth a label in a figure."""
        return [k for k in self.varied if self.df[k].nunique(dropna=False) > 1]

    @property
    def constant_varied(self) -> list[str]:
        return [k for k in self.varied if k not in self.shown_varied]

    @property
    def gap_closed_cols(self) -> list[str]:
        return [c for c in self.df.columns if c.startswith("gap_closed_") and self.df[c].notna().any()]

    @property
    def equity_cols(self) -> list[str]:
        return [c for c in self.df.columns if c.startswith("gini_")]

    def case_label(self, i: int, keys: list[str] | None = None, sep: str = ", ", wan: str = WAN_LABEL) -> str:
        r = self.df.iloc[i]
        keys = self.shown_varied if keys is None else keys
        if not keys:
            return str(r["case_id"])
        return sep.join(f"{short_name(k)} {fmt_value(r[k])}{(' ' + u) if (u := unit_of(k, wan)) else ''}"
                        for k in keys)

    def regions(self, case_id: str) -> pd.DataFrame:
        path = self.folder / "cases" / case_id / "regions.csv"
        if not path.is_file():
            raise FileNotFoundError(path)
        return pd.read_csv(path, dtype={"region_code": str})

    def boundaries_path(self, case_id: str) -> tuple[Path | None, str]:
        """The GeoJSON named by the case's scenario, or None and why not."""
        info = self.case_info.get(case_id)
        if info is None:
            return None, f"case {case_id} is not in {self.folder / 'manifest.json'}, so its scenario is unknown"
        from planner.config.scenario import load_scenario

        try:
            loaded = load_scenario(info["scenario"], list(info.get("overrides") or []))
        except Exception as e:  # noqa: BLE001 - the scenario may have moved since the run
            return None, f"could not load the scenario {info['scenario']}: {e}"
        path = loaded.path(loaded.scenario.regions.boundaries)
        if path is None:
            return None, f"the scenario {info['scenario']} has no [regions] boundaries"
        if not path.is_file():
            return None, f"the boundaries file {path} named by {info['scenario']} does not exist"
        return path, ""


# ------------------------------------------------------------------------------------------------ labels
def unit_of(key: str, wan: str = WAN_LABEL) -> str:
    if key in ("budget_wan_cny",):
        return wan
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return unit.replace(WAN_LABEL, wan)
    return ""


def short_name(key: str) -> str:
    """budget.total_wan_cny -> budget; modalities.CT.price_wan_cny -> CT price; scenario_file -> scenario."""
    if key in (BUDGET_KEY, "budget_wan_cny"):
        return "budget"
    if key == "scenario_file":
        return "scenario"
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
    return " ".join(p.replace("_", " ") for p in parts)


def header(key: str, wan: str = WAN_LABEL) -> str:
    u = unit_of(key, wan)
    return f"{short_name(key)} ({u})" if u else short_name(key)


def fmt_value(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v.is_integer():
            return f"{int(v):,}"
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _num(v, decimals: int, sep: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return "–"
    return f"{float(v):,.{decimals}f}" if sep else f"{float(v):.{decimals}f}"


# ------------------------------------------------------------------------------------------------ tables
# (results column, header, decimals, scale)
def _metric_cols(res: Results) -> list[tuple[str, str, int, float]]:
    cols = [("gap", "MIP gap (%)", 2, 100.0)]
    if BUDGET_KEY not in res.varied and "budget_wan_cny" in res.df.columns:
        cols.append(("budget_wan_cny", f"budget ({WAN_LABEL})", 0, 1.0))
    cols += [("spend_wan_cny", f"spend ({WAN_LABEL})", 0, 1.0),
             ("unmet_thousand_exams", "unmet (thousand exams)", 1, 1.0),
             ("grassroots_unmet_thousand_exams", "grassroots unmet (thousand exams)", 1, 1.0)]
    cols += [(c, f"{c.removeprefix('gap_closed_')} gap closed (%)", 1, 100.0) for c in res.gap_closed_cols]
    cols += [("largest_shortfall_per_million", "largest shortfall (per million)", 2, 1.0)]
    cols += [(c, f"{c.removeprefix('gini_')} Gini", 3, 1.0) for c in res.equity_cols]
    cols += [(c, f"{c.removeprefix('mean_minutes_')} mean travel (min)", 1, 1.0)
             for c in res.df.columns if c.startswith("mean_minutes_")]
    cols += [(c, f"{c.removeprefix('people_beyond_limit_')} beyond limit (万 people)", 1, 1e-4)
             for c in res.df.columns if c.startswith("people_beyond_limit_")]
    return [c for c in cols if c[0] in res.df.columns]


def summary_frame(res: Results) -> pd.DataFrame:
    """The summary table with numbers rounded and units in the headers (what summary.csv holds)."""
    df = res.df
    out = pd.DataFrame({"case": df["case_id"]})
    for k in res.varied:
        out[header(k)] = df[k]
    out["status"] = df["status"]
    for col, head, dec, scale in _metric_cols(res):
        vals = (pd.to_numeric(df[col], errors="coerce") * scale).round(dec).where(res.ok)
        out[head] = vals.astype("Int64") if dec == 0 else vals
    if (~res.ok).any():
        out["error"] = df["error"].where(~res.ok, "")
    return out


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


_TEX_ESC = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex_escape(s: str) -> str:
    s = "".join(_TEX_ESC.get(ch, ch) for ch in str(s).replace("\n", " "))
    return s.replace(WAN_LABEL, r"\wanyuan{}")


def _cells(res: Results, i: int) -> list[str]:
    """The formatted cells of case i after the case id: varied inputs, status, metrics."""
    r = res.df.iloc[i]
    cells = [fmt_value(r[k]) for k in res.varied] + [str(r["status"])]
    for col, _, dec, scale in _metric_cols(res):
        v = pd.to_numeric(pd.Series([r[col]]), errors="coerce").iloc[0]
        cells.append("–" if not res.ok.iloc[i] else _num(v * scale if pd.notna(v) else v, dec))
    return cells


def _headers(res: Results) -> list[str]:
    return [header(k) for k in res.varied] + ["status"] + [h for _, h, _, _ in _metric_cols(res)]


def markdown(res: Results, figures: list[str], notes: list[str]) -> str:
    names = sorted({str(s) for s in res.df.get("scenario", pd.Series(dtype=str)).dropna()})
    m = res.manifest
    n_fail = int((~res.ok).sum())
    L = [f"# Results: {', '.join(names) or res.folder.name}", ""]
    meta = [f"Results folder `{res.folder}`", f"{len(res.df)} cases ({n_fail} failed)"]
    if m:
        tl, g = m.get("time_limit_s"), m.get("mip_rel_gap")
        meta.append("planner {}, commit {}, HiGHS {}, Pyomo {}, Python {}; time limit {}, MIP gap tolerance {}; "
                    "run {}".format(
            m.get("planner", "?"), (m.get("git_commit") or "?")[:10], m.get("highs", "?"), m.get("pyomo", "?"),
            m.get("python", "?"), f"{tl:g} s" if tl is not None else "from the scenario",
            f"{100 * g:g} %" if g is not None else "from the scenario", m.get("created", "?")))
    L.append(". ".join(meta) + ".")
    if res.varied:
        L.append("")
        L.append("Varied inputs: " + "; ".join(f"{header(k)} = `{k}`" for k in res.varied) + ".")
    L.append("")
    heads = ["case", *_headers(res)]
    L.append("| " + " | ".join(_md_escape(h) for h in heads) + " |")
    numeric = [pd.api.types.is_numeric_dtype(res.df[k]) for k in res.varied] + [False] + [True] * len(_metric_cols(res))
    L.append("|" + "|".join(["---"] + ["---:" if n else "---" for n in numeric]) + "|")
    for i in range(len(res.df)):
        L.append("| " + " | ".join(_md_escape(c) for c in [f"`{res.df['case_id'].iloc[i]}`", *_cells(res, i)]) + " |")
    L.append("")
    L.append("Units: 1 万元 = 10,000 CNY. Unmet demand is summed over all plan years, modalities and tiers. "
             "Gap closed = share of the per-million density gap (units missing against the target, over all regions) "
             "closed by the plan in the last plan year. MIP gap = (objective - bound) / objective as HiGHS returned "
             "them. Status `time_limit` means a plan was found but not proved within the gap tolerance.")
    if n_fail:
        L += ["", "## Failed cases", ""]
        for i in np.flatnonzero(~res.ok.to_numpy()):
            r = res.df.iloc[i]
            what = res.case_label(int(i)) if res.varied else str(r.get("overrides", ""))
            L.append(f"- `{r['case_id']}` ({_md_escape(what)}): {_md_escape(r['error'] or 'no error recorded')}")
    if figures:
        L += ["", "## Figures", ""] + [f"- `{f}`" for f in figures]
    if notes:
        L += ["", "## Notes", ""] + [f"- {_md_escape(n)}" for n in notes]
    return "\n".join(L) + "\n"


def latex(res: Results) -> str:
    heads = _headers(res)
    ncol = len(heads)
    spec = "".join("r" if pd.api.types.is_numeric_dtype(res.df[k]) else "l" for k in res.varied) + "l" + \
        "r" * (ncol - len(res.varied) - 1)
    L = [f"% Generated by planner.report from {res.folder / 'results.csv'}. Needs \\usepackage{{booktabs}}.",
         "% 万元 (10,000 CNY) needs a CJK-capable engine (XeLaTeX with xeCJK or ctex); with pdfLaTeX, put",
         "% \\newcommand{\\wanyuan}{$10^4$\\,CNY} before \\input-ing this file.",
         f"\\providecommand{{\\wanyuan}}{{{WAN_LABEL}}}",
         f"\\begin{{tabular}}{{{spec}}}", r"\toprule",
         " & ".join(_tex_escape(h) for h in heads) + r" \\", r"\midrule"]
    first_metric = len(res.varied) + 1
    for i in range(len(res.df)):
        cells = [_tex_escape(c) for c in _cells(res, i)]
        if not res.ok.iloc[i]:
            err = str(res.df["error"].iloc[i] or "no error recorded")
            err = err if len(err) <= 70 else err[:67] + "..."
            rest = ncol - first_metric
            note = f"\\multicolumn{{{rest}}}{{l}}{{\\emph{{{_tex_escape(err)}}}}}"
            row = cells[:first_metric] + ([note] if rest else [])
        else:
            row = [c.replace("–", "--") for c in cells]
        L.append(" & ".join(row) + r" \\")
    L += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(L)


# ------------------------------------------------------------------------------------------------ figures
def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in CJK_FONTS:
        if n in names:
            return n
    for path in CJK_FONT_FILES:       # installed after matplotlib built its font cache
        if Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except Exception:  # noqa: BLE001 - fall back silently
                continue
    return None


def _style() -> tuple[dict, str]:
    """rcParams for the report's figures, and how 万元 is written in them."""
    cjk = _cjk_font()
    # A list of families (not the generic "sans-serif"): matplotlib falls back glyph by glyph along it.
    rc = {"font.family": ["DejaVu Sans", *([cjk] if cjk else [])],
          "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
          "svg.fonttype": "path", "svg.hashsalt": "planner-report", "axes.grid": True, "grid.alpha": 0.3,
          "legend.frameon": False}
    return rc, (WAN_LABEL if cjk else "10⁴ CNY")


def _new_figure(figsize):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, out_dir: Path, stem: str) -> list[Path]:
    paths = []
    for ext in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=DPI, metadata={"Date": None} if ext == "svg" else None)
        path = out_dir / f"{stem}.{ext}"
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def _thousands(ax_axis) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax_axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


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


def _hollow_non_optimal(ax, x, y, status, colour) -> bool:
    bad = np.asarray(status) != "optimal"
    if bad.any():
        ax.scatter(np.asarray(x)[bad], np.asarray(y)[bad], s=60, facecolors="white", edgecolors=colour, zorder=4,
                   linewidths=1.2)
    return bool(bad.any())


def fig_budget_vs_unmet(res: Results, wan: str):
    from matplotlib.lines import Line2D

    b = res.budget_col
    fig = _new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    colours = _colours(len(_groups(res)))
    has_grass = "grassroots_unmet_thousand_exams" in res.df.columns
    any_hollow = False
    for (label, idx), c in zip(_groups(res), colours):
        d = res.df.iloc[idx].sort_values(b)
        x = d[b].astype(float)
        ax.plot(x, d["unmet_thousand_exams"], "-o", color=c, ms=4, label=f"all tiers{', ' + label if label else ''}")
        any_hollow |= _hollow_non_optimal(ax, x, d["unmet_thousand_exams"], d["status"], c)
        if has_grass:
            ax.plot(x, d["grassroots_unmet_thousand_exams"], "--s", color=c, ms=3.5, alpha=0.85,
                    label=f"grassroots{', ' + label if label else ''}")
    ax.set_xlabel(f"budget ({wan})")
    ax.set_ylabel("unmet demand (thousand exams, all plan years)")
    ax.set_ylim(bottom=0)
    _thousands(ax.xaxis)
    _thousands(ax.yaxis)
    ax.set_title("Unmet imaging demand against the budget" + _constant_note(res, wan))
    handles, labels = ax.get_legend_handles_labels()
    if any_hollow:
        handles.append(Line2D([], [], ls="", marker="o", mfc="white", mec="grey"))
        labels.append("not proved optimal (time limit)")
    ax.legend(handles, labels, fontsize=8)
    return fig


def fig_budget_vs_gap_closed(res: Results, wan: str):
    b = res.budget_col
    fig = _new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    mods = [c.removeprefix("gap_closed_") for c in res.gap_closed_cols]
    colours = _colours(len(mods))
    styles = ["-", "--", ":", "-."]
    groups = _groups(res)
    for gi, (label, idx) in enumerate(groups):
        d = res.df.iloc[idx].sort_values(b)
        for m, c in zip(mods, colours):
            ax.plot(d[b].astype(float), 100 * d[f"gap_closed_{m}"].astype(float), styles[gi % 4], marker="o", ms=4,
                    color=c, label=f"{m}{', ' + label if label else ''}")
    ax.set_xlabel(f"budget ({wan})")
    ax.set_ylabel("density gap closed in the last plan year (%)")
    ax.set_ylim(0, 105)
    _thousands(ax.xaxis)
    ax.set_title("Share of the per-million density gap closed, by modality" + _constant_note(res, wan))
    ax.legend(fontsize=8)
    return fig


def fig_budget_vs_equity(res: Results, wan: str):
    """Left: population-weighted Gini of units per million per modality; right: the largest per-million
    shortfall, both in the last plan year, against the budget."""
    b = res.budget_col
    fig = _new_figure((LINE_FIGSIZE[0] * 1.6, LINE_FIGSIZE[1]))
    left, right = fig.subplots(1, 2)
    mods = [c.removeprefix("gini_") for c in res.equity_cols]
    colours = _colours(max(len(mods), len(_groups(res))))
    for gi, (label, idx) in enumerate(_groups(res)):
        d = res.df.iloc[idx].sort_values(b)
        x = d[b].astype(float)
        for m, c in zip(mods, colours):
            left.plot(x, d[f"gini_{m}"].astype(float), ["-", "--", ":", "-."][gi % 4], marker="o", ms=4, color=c,
                      label=f"{m}{', ' + label if label else ''}")
        if "largest_shortfall_per_million" in d.columns:
            right.plot(x, d["largest_shortfall_per_million"].astype(float), "-o", ms=4, color=colours[gi],
                       label=label or "all regions")
    for ax in (left, right):
        ax.set_xlabel(f"budget ({wan})")
        _thousands(ax.xaxis)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    left.set_ylabel("Gini of units per million across regions")
    right.set_ylabel("largest shortfall against target (units per million)")
    fig.suptitle("Equity of the plan against the budget (last plan year)" + _constant_note(res, wan))
    return fig


def fig_unmet_by_case(res: Results, wan: str):
    n = len(res.df)
    fig = _new_figure(LINE_FIGSIZE)
    ax = fig.add_subplot()
    x = np.arange(n)
    has_grass = "grassroots_unmet_thousand_exams" in res.df.columns
    w = 0.4 if has_grass else 0.7
    unmet = pd.to_numeric(res.df["unmet_thousand_exams"], errors="coerce") if "unmet_thousand_exams" in res.df else \
        pd.Series(np.nan, index=res.df.index)
    c1, c2 = _colours(2)
    ax.bar(x - (w / 2 if has_grass else 0), unmet.fillna(0), w, color=c1, label="all tiers")
    if has_grass:
        ax.bar(x + w / 2, pd.to_numeric(res.df["grassroots_unmet_thousand_exams"], errors="coerce").fillna(0), w,
               color=c2, label="grassroots")
    for i in np.flatnonzero(~res.ok.to_numpy()):
        ax.text(i, 0, "failed", rotation=90, ha="center", va="bottom", color="firebrick", fontsize=8)
    import textwrap

    labels = ["\n".join(textwrap.fill(part, 24) for part in res.case_label(i, sep="\n", wan=wan).split("\n"))
              for i in range(n)]
    crowded = n > 6 or max(len(ln) for lab in labels for ln in lab.split("\n")) * n > 100
    ax.set_xticks(x, labels, fontsize=7 if crowded else 8, rotation=30 if crowded else 0,
                  ha="right" if crowded else "center", rotation_mode="anchor")
    ax.set_ylabel("unmet demand (thousand exams, all plan years)")
    _thousands(ax.yaxis)
    ax.grid(axis="x", visible=False)
    ax.set_title("Unmet imaging demand per case" + _constant_note(res, wan))
    ax.legend(fontsize=8)
    return fig


def _constant_note(res: Results, wan: str) -> str:
    """Varied inputs that took a single value in this run, as a second title line."""
    if not res.constant_varied:
        return ""
    return "\n(" + res.case_label(0, res.constant_varied, wan=wan) + ")"


def _colours(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(max(n, 1))]


# --------------------------------------------------------------------------------------------------- maps
def map_figsize(n: int) -> tuple[float, float]:
    """Figure size (inches) of the small-multiple maps for n cases: one row up to 3, 2 x 2 for 4."""
    if n >= 4:
        return (9.0, 8.2)
    return (3.8 * n + 0.6, 4.6)


def default_map_cases(res: Results) -> list[str]:
    """Lowest, middle and highest budget (among the cases sharing the other varied inputs of the first
    successful case); without a varied budget the first, middle and last successful cases."""
    ok = [i for i in range(len(res.df)) if res.ok.iloc[i]]
    if not ok:
        return []
    b = res.budget_col
    if b == BUDGET_KEY:     # a grid: keep the other varied inputs at the first case's values
        first = res.df.iloc[ok[0]]
        ok = [i for i in ok if all(res.df.iloc[i][k] == first[k] for k in res.other_varied)]
    if b is not None:
        ok.sort(key=lambda i: float(res.df.iloc[i][b]))
    picks = [ok[0], ok[(len(ok) - 1) // 2], ok[-1]] if len(ok) >= 3 else ok
    seen: list[str] = []
    for i in picks:
        cid = str(res.df["case_id"].iloc[i])
        if cid not in seen:
            seen.append(cid)
    return seen


def _resolve_cases(res: Results, wanted: list[str]) -> list[int]:
    ids = res.df["case_id"].astype(str).tolist()
    out = []
    for w in wanted:
        hits = [i for i, c in enumerate(ids) if c == w] or [i for i, c in enumerate(ids) if c.startswith(str(w))]
        if len(hits) != 1:
            problem = "is not a case of this run" if not hits else "matches several cases"
            raise InputError(str(res.folder / "results.csv"), f"map case '{w}' {problem}", column="case_id",
                             fix="choose from " + ", ".join(ids[:12]) + (" ..." if len(ids) > 12 else ""))
        if not res.ok.iloc[hits[0]]:
            raise InputError(str(res.folder / "results.csv"), f"map case '{w}' failed, so it has no plan to map",
                             column="case_id", fix="choose a case whose status is not 'failed'")
        out.append(hits[0])
    return out


def _project(gdf):
    """Albers equal-area centred on the data (standard parallels at 1/6 and 5/6 of its latitudes)."""
    x0, y0, x1, y1 = gdf.total_bounds
    lat1, lat2 = y0 + (y1 - y0) / 6, y0 + 5 * (y1 - y0) / 6
    try:
        return gdf.to_crs(f"+proj=aea +lat_0={(y0 + y1) / 2:.3f} +lon_0={(x0 + x1) / 2:.3f} +lat_1={lat1:.3f} "
                          f"+lat_2={lat2:.3f} +datum=WGS84 +units=m +no_defs"), True
    except Exception:  # noqa: BLE001 - no PROJ database: plain longitude/latitude
        return gdf, False


def fig_maps(res: Results, rows: list[int], modality: str, wan: str, notes: list[str]):
    import geopandas as gpd
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    from planner.reporting.maps import load_boundaries

    panels = []          # (title, GeoDataFrame with 'value', year)
    skipped: dict[str, list[str]] = {}   # note -> the cases it applies to
    for i in rows:
        cid = str(res.df["case_id"].iloc[i])
        bpath, why = res.boundaries_path(cid)
        if bpath is None:
            skipped.setdefault(why, []).append(cid)
            continue
        try:
            reg = res.regions(cid)
        except FileNotFoundError as e:
            notes.append(f"map of case {cid} skipped: {e.args[0]} is missing")
            continue
        mods = sorted(reg["modality"].unique())
        if modality not in mods:
            raise InputError(str(res.folder / "cases" / cid / "regions.csv"), f"no modality '{modality}' in the plan",
                             column="modality", fix="choose one of " + ", ".join(mods))
        reg = reg[reg["modality"] == modality]
        year = int(reg["year"].max())
        reg = reg[reg["year"] == year].drop_duplicates("region_code").set_index("region_code")
        fc = load_boundaries(bpath)
        gdf = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
        gdf["code"] = [str(f["properties"].get("code")) for f in fc["features"]]
        gdf["value"] = reg["density_after_per_million"].reindex(gdf["code"]).to_numpy(dtype=float)
        unmapped = sorted(set(reg.index) - set(gdf["code"]))
        if unmapped:
            skipped.setdefault(f"{len(unmapped)} of {len(reg)} regions have no shape in {bpath.name} and are not drawn "
                               f"({', '.join(unmapped[:5])}{' ...' if len(unmapped) > 5 else ''})", []).append(cid)
        target = reg["target_per_million"].dropna().unique() if "target_per_million" in reg else []
        r = res.df.iloc[i]
        title = res.case_label(i, sep="\n", wan=wan)
        if r["status"] != "optimal":
            g = r.get("gap")
            title += f"\n({r['status']}" + (f", gap {100 * float(g):.2f} %" if pd.notna(g) else "") + ")"
        panels.append((title, gdf, year, target))
    for why, cids in skipped.items():
        which = f"case{'s' if len(cids) > 1 else ''} {', '.join(cids)}"
        notes.append(f"maps_{modality}: {which}: {why}" if "no shape" in why else
                     f"maps_{modality}: {which} not mapped: {why}")
    if not panels:
        return None
    allv = np.concatenate([p[1]["value"].to_numpy() for p in panels])
    fin = allv[np.isfinite(allv)]
    if fin.size == 0:
        notes.append(f"maps_{modality}: no region has a {modality} density to draw")
        return None
    # 5th-95th percentile, as the app's maps (planner.maps.colour): one outlier would flatten the rest
    lo, hi = (np.percentile(fin, 5), np.percentile(fin, 95)) if fin.size >= 10 else (fin.min(), fin.max())
    if hi <= lo:
        lo, hi = float(fin.min()), float(fin.max())
    if hi <= lo:
        hi = lo + 1.0
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}[
        (bool((fin < lo).any()), bool((fin > hi).any()))]
    norm, cmap = Normalize(lo, hi), colormaps["YlGnBu"]
    n = len(panels)
    fig = _new_figure(map_figsize(n))
    axes = [fig.add_subplot(2, 2, k + 1) if n >= 4 else fig.add_subplot(1, n, k + 1) for k in range(n)]
    any_missing = False
    for ax, (title, gdf, year, _) in zip(axes, panels):
        gdf, projected = _project(gdf)
        missing = ~np.isfinite(gdf["value"].to_numpy())
        any_missing |= bool(missing.any())
        gdf.plot(column="value", ax=ax, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.25,
                 missing_kwds={"color": "#d9d9d9", "edgecolor": "white", "hatch": "///", "linewidth": 0.25})
        if not projected:
            ax.set_aspect(1 / math.cos(math.radians(float(np.mean(gdf.total_bounds[1::2])))))
        ax.set_axis_off()
        ax.set_title(title, fontsize=8.5)
    sm = ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=axes, orientation="horizontal", shrink=0.6, aspect=35, extend=extend, pad=0.02)
    cbar.set_label(f"{modality} units per million residents after the plan, {panels[0][2]}"
                   + ("  (hatched grey: no data)" if any_missing else ""))
    tg = panels[0][3]
    if len(tg) == 1 and float(tg[0]) > 0:
        t = float(tg[0])
        if lo <= t <= hi:
            cbar.ax.axvline(t, color="firebrick", lw=1.5)
            cbar.ax.text(t, 1.15, f"target {t:g}", transform=cbar.ax.get_xaxis_transform(), ha="center", va="bottom",
                         fontsize=7.5, color="firebrick")
    names = sorted({str(s) for s in res.df.get("scenario", pd.Series(dtype=str)).dropna()})
    # The title goes in a band kept free of the maps: constrained layout does not move aspect-locked map axes
    # away from a suptitle reliably, and their titles would collide with it.
    top = 1 - 0.34 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, 0, 1, top))
    fig.text(0.5, 1 - 0.06 / fig.get_figheight(), f"{modality} density after the plan, {panels[0][2]}"
             + (f" ({', '.join(names)})" if names else "") + _constant_note(res, wan).replace("\n(", ", ").rstrip(")"),
             ha="center", va="top", fontsize=10.5)
    return fig


# ----------------------------------------------------------------------------------------------- report
def make_report(results_dir: str | Path, out_dir: str | Path | None = None, map_cases: list[str] | None = None,
                modality: str = "CT") -> list[Path]:
    """Write the tables, figures and maps for a sweep/batch results folder; returns the files written."""
    import matplotlib

    res = Results(Path(results_dir))
    out = Path(out_dir) if out_dir is not None else res.folder / "report"
    if map_cases is not None and len(map_cases) > MAX_MAPS:
        raise InputError("map_cases", f"{len(map_cases)} cases given, at most {MAX_MAPS} maps fit on one figure",
                         fix=f"choose at most {MAX_MAPS} case ids")
    written: list[Path] = []
    notes: list[str] = []
    rc, wan = _style()
    with matplotlib.rc_context(rc):
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            if not res.ok.any():
                notes.append("every case failed: no figures or maps")
            elif res.budget_col is not None:
                written += _save(fig_budget_vs_unmet(res, wan), out, "budget_vs_unmet")
                if res.gap_closed_cols:
                    written += _save(fig_budget_vs_gap_closed(res, wan), out, "budget_vs_gap_closed")
                else:
                    notes.append("budget_vs_gap_closed not drawn: no modality has a per-million target")
                if res.equity_cols:
                    written += _save(fig_budget_vs_equity(res, wan), out, "budget_vs_equity")
            else:
                written += _save(fig_unmet_by_case(res, wan), out, "unmet_by_case")
            if res.ok.any():
                rows = _resolve_cases(res, map_cases) if map_cases else _resolve_cases(res, default_map_cases(res))
                fig = fig_maps(res, rows, modality, wan, notes)
                if fig is not None:
                    written += _save(fig, out, f"maps_{modality}")
                else:
                    notes.append(f"maps_{modality} not drawn (see the notes above)")
    table = summary_frame(res)
    atomic_write_text(out / "summary.csv", table.to_csv(index=False))
    written.append(out / "summary.csv")
    atomic_write_text(out / "summary.tex", latex(res))
    written.append(out / "summary.tex")
    md_path = out / "summary.md"
    written.append(md_path)
    atomic_write_text(md_path, markdown(res, [p.name for p in written if p.suffix in (".png", ".svg")], notes))
    for n in notes:
        log.warning("%s", n)
    return written


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from planner.errors import PlannerError

    ap = argparse.ArgumentParser(prog="python -m planner.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("results_dir", help="the --out folder of a planner sweep or batch run")
    ap.add_argument("--out", help="report folder (default RESULTS_DIR/report)")
    ap.add_argument("--case", action="append", help=f"a case id to map (repeatable, at most {MAX_MAPS})")
    ap.add_argument("--modality", default="CT", help="modality to map (default CT)")
    a = ap.parse_args(argv)
    logging.basicConfig(format="note: %(message)s")
    try:
        files = make_report(a.results_dir, a.out, a.case, a.modality)
    except PlannerError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
