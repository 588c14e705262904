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
CJK-capable font when one is installed (WenQuanYi Micro Hei, Noto Sans CJK, ...) or named by ``font`` / the
PLANNER_CJK_FONT environment variable; without one, English figure labels write 万元 as "10⁴ CNY".

``lang="zh"`` writes every table header, label, note and figure text in Chinese (labels_zh.py), with budget
and spend in 亿元 (prices stay in 万元). It needs a CJK font: without one it raises FontMissing before writing
anything, and a figure that would still draw a missing-glyph box (tofu) is refused the same way.
Command line: ``planner report DIR [--out OUT] [--case ID ...] [--modality CT] [--lang zh] [--font F]`` (cli.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import json
import logging
import math
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import InputError, PlannerError
from planner.io.files import atomic_write_bytes, atomic_write_text
from planner.reporting.labels_zh import ZH

log = logging.getLogger(__name__)

BUDGET_KEY = "budget.total_wan_cny"
DPI = 150
LINE_FIGSIZE = (7.0, 4.5)          # inches: 1050 x 675 px at 150 dpi
MAX_MAPS = 4
WAN_LABEL = "万元"
YI_LABEL = "亿元"                   # 10,000 万元: how Chinese planning documents state budgets
YI_KEYS = (BUDGET_KEY, "budget_wan_cny", "spend_wan_cny", "budget.committed_wan_cny")   # totals, shown in 亿元 in zh
FONT_ENV = "PLANNER_CJK_FONT"
LANGS = ("en", "zh")
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "Sarasa Gothic SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
CJK_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")
FAILED = "failed"
# The report's language, set by report_style(): a context variable rather than a parameter of every label
# helper (short_name, header, fmt_value, ...), which many callers share.
_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("planner_report_lang", default="en")

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
        return sep.join(f"{short_name(k)} {fmt_value(shown(k, r[k]))}{(' ' + u) if (u := unit_of(k, wan)) else ''}"
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
            return None, tr("case {} is not in {}, so its scenario is unknown").format(
                case_id, self.folder / "manifest.json")
        from planner.config.scenario import load_scenario

        try:
            loaded = load_scenario(info["scenario"], list(info.get("overrides") or []))
        except Exception as e:  # noqa: BLE001 - the scenario may have moved since the run
            return None, tr("could not load the scenario {}: {}").format(info["scenario"], e)
        path = loaded.path(loaded.scenario.regions.boundaries)
        if path is None:
            return None, tr("the scenario {} has no [regions] boundaries").format(info["scenario"])
        if not path.is_file():
            return None, tr("the boundaries file {} named by {} does not exist").format(path, info["scenario"])
        return path, ""


# ------------------------------------------------------------------------------------------------ labels
def _zh() -> bool:
    return _LANG.get() == "zh"


def tr(text: str) -> str:
    """``text`` (English, as written here) in the report's language."""
    return ZH.get(text, text) if _zh() else text


def mod_label(code: str) -> str:
    """A modality or tier code as a reader sees it: MOBILE_CT -> 移动 CT, grassroots -> 基层 in Chinese."""
    return tr(code)


def shown(key: str, v):
    """A value of column ``key`` in the unit its header names: totals in 亿元 in Chinese, else as stored."""
    if _zh() and key in YI_KEYS and isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v) / 1e4
    return v


def unit_of(key: str, wan: str = WAN_LABEL) -> str:
    if _zh() and key in YI_KEYS:
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
    u = unit_of(key, wan)
    return f"{short_name(key)} ({u})" if u else short_name(key)


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


def _num(v, decimals: int, sep: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return "–"
    return f"{float(v):,.{decimals}f}" if sep else f"{float(v):.{decimals}f}"


# ------------------------------------------------------------------------------------------------ tables
# (results column, header, decimals, scale)
def _metric_cols(res: Results) -> list[tuple[str, str, int, float]]:
    # money totals: 万元 (whole numbers) in English, 亿元 with two decimals in Chinese
    unit, dec, scale = (YI_LABEL, 2, 1e-4) if _zh() else (WAN_LABEL, 0, 1.0)
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
    out[tr("status")] = df["status"].map(tr)
    for col, head, dec, scale in _metric_cols(res):
        vals = (pd.to_numeric(df[col], errors="coerce") * scale).round(dec).where(res.ok)
        out[head] = vals.astype("Int64") if dec == 0 else vals
    if (~res.ok).any():
        out[tr("error")] = df["error"].where(~res.ok, "")
    return out


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


_TEX_ESC = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex_escape(s: str) -> str:
    s = "".join(_TEX_ESC.get(ch, ch) for ch in str(s).replace("\n", " "))
    # English tables keep 万元 behind a macro so pdfLaTeX can typeset them; Chinese ones need a CJK engine anyway
    return s if _zh() else s.replace(WAN_LABEL, r"\wanyuan{}")


def _cells(res: Results, i: int) -> list[str]:
    """The formatted cells of case i after the case id: varied inputs, status, metrics."""
    r = res.df.iloc[i]
    cells = [fmt_value(shown(k, r[k])) for k in res.varied] + [tr(str(r["status"]))]
    for col, _, dec, scale in _metric_cols(res):
        v = pd.to_numeric(pd.Series([r[col]]), errors="coerce").iloc[0]
        cells.append("–" if not res.ok.iloc[i] else _num(v * scale if pd.notna(v) else v, dec))
    return cells


def _headers(res: Results) -> list[str]:
    return [header(k) for k in res.varied] + [tr("status")] + [h for _, h, _, _ in _metric_cols(res)]


def markdown(res: Results, figures: list[str], notes: list[str]) -> str:
    names = sorted({str(s) for s in res.df.get("scenario", pd.Series(dtype=str)).dropna()})
    m = res.manifest
    n_fail = int((~res.ok).sum())
    L = [tr("# Results: {}").format(', '.join(names) or res.folder.name), ""]
    meta = [tr("Results folder `{}`").format(res.folder), tr("{} cases ({} failed)").format(len(res.df), n_fail)]
    if m:
        tl, g = m.get("time_limit_s"), m.get("mip_rel_gap")
        meta.append(tr("planner {}, commit {}, HiGHS {}, Pyomo {}, Python {}; time limit {}, MIP gap tolerance {}; "
                       "run {}").format(
            m.get("planner", "?"), (m.get("git_commit") or "?")[:10], m.get("highs", "?"), m.get("pyomo", "?"),
            m.get("python", "?"), tr("{:g} s").format(tl) if tl is not None else tr("from the scenario"),
            f"{100 * g:g} %" if g is not None else tr("from the scenario"), m.get("created", "?")))
    L.append(tr(". ").join(meta) + tr("."))
    if res.varied:
        L.append("")
        L.append(tr("Varied inputs: ") + tr("; ").join(f"{header(k)} = `{k}`" for k in res.varied) + tr("."))
    L.append("")
    heads = [tr("case"), *_headers(res)]
    L.append("| " + " | ".join(_md_escape(h) for h in heads) + " |")
    numeric = [pd.api.types.is_numeric_dtype(res.df[k]) for k in res.varied] + [False] + [True] * len(_metric_cols(res))
    L.append("|" + "|".join(["---"] + ["---:" if n else "---" for n in numeric]) + "|")
    for i in range(len(res.df)):
        L.append("| " + " | ".join(_md_escape(c) for c in [f"`{res.df['case_id'].iloc[i]}`", *_cells(res, i)]) + " |")
    L.append("")
    L.append(tr("Units: 1 万元 = 10,000 CNY. Unmet demand is summed over all plan years, modalities and tiers. "
                "Gap closed = share of the per-million density gap (units missing against the target, over all "
                "regions) closed by the plan in the last plan year. MIP gap = (objective - bound) / objective as "
                "HiGHS returned them. Status `time_limit` means a plan was found but not proved within the gap "
                "tolerance."))
    if n_fail:
        L += ["", tr("## Failed cases"), ""]
        for i in np.flatnonzero(~res.ok.to_numpy()):
            r = res.df.iloc[i]
            what = res.case_label(int(i)) if res.varied else str(r.get("overrides", ""))
            L.append(f"- `{r['case_id']}` ({_md_escape(what)}): {_md_escape(r['error'] or tr('no error recorded'))}")
    if figures:
        L += ["", tr("## Figures"), ""] + [f"- `{f}`" for f in figures]
    if notes:
        L += ["", tr("## Notes"), ""] + [f"- {_md_escape(n)}" for n in notes]
    return "\n".join(L) + "\n"


def latex(res: Results) -> str:
    heads = _headers(res)
    ncol = len(heads)
    spec = "".join("r" if pd.api.types.is_numeric_dtype(res.df[k]) else "l" for k in res.varied) + "l" + \
        "r" * (ncol - len(res.varied) - 1)
    L = [f"% Generated by planner report from {res.folder / 'results.csv'}. Needs \\usepackage{{booktabs}}."]
    if _zh():
        L += ["% Chinese headers: typeset with XeLaTeX and ctex (or xeCJK). 中文表头: 请用 XeLaTeX + ctex 编译。"]
    else:
        L += ["% 万元 (10,000 CNY) needs a CJK-capable engine (XeLaTeX with xeCJK or ctex); with pdfLaTeX, put",
              "% \\newcommand{\\wanyuan}{$10^4$\\,CNY} before \\input-ing this file.",
              f"\\providecommand{{\\wanyuan}}{{{WAN_LABEL}}}"]
    L += [f"\\begin{{tabular}}{{{spec}}}", r"\toprule",
          " & ".join(_tex_escape(h) for h in heads) + r" \\", r"\midrule"]
    first_metric = len(res.varied) + 1
    for i in range(len(res.df)):
        cells = [_tex_escape(c) for c in _cells(res, i)]
        if not res.ok.iloc[i]:
            err = str(res.df["error"].iloc[i] or tr("no error recorded"))
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
class FontMissing(PlannerError):
    """No font can draw the report's Chinese text: raised before anything is written."""


ZH_PROBE = "万元亿预算未满足需求基层密度规划"     # characters every Chinese report draws
FONT_FIX = (f"install a CJK font, e.g. `sudo apt-get install fonts-wqy-microhei` on Debian/Ubuntu (what the project's "
            f".ci/run installs), or point --font (or the {FONT_ENV} environment variable) at a .ttf/.otf/.ttc file "
            f"with Chinese characters, or write the report in English with --lang en")


@functools.lru_cache(maxsize=16)
def _ft2font(path: str):
    from matplotlib.ft2font import FT2Font

    return FT2Font(path)


def _draws(path: str, chars: str) -> bool:
    try:
        font = _ft2font(str(path))
    except (OSError, RuntimeError, ValueError):     # not a font file matplotlib can read
        return False
    return all(font.get_char_index(ord(c)) for c in chars)


def cjk_font(font: str | Path | None = None) -> tuple[str, str] | None:
    """(family, file) of the font for Chinese text, or None when none is installed.

    ``font`` (or $PLANNER_CJK_FONT) names a file, and then only that file is tried: a font asked for that
    cannot draw Chinese is an error, not silently replaced. Otherwise the first of CJK_FONTS (by family, from
    matplotlib's font list) and CJK_FONT_FILES that really has the glyphs (a name alone proves nothing).
    """
    from matplotlib import font_manager

    fm = font_manager.fontManager
    asked = font or os.environ.get(FONT_ENV) or None
    if asked:
        path = str(Path(asked).expanduser())
        source = "--font" if font else FONT_ENV
        if not Path(path).is_file():
            raise FontMissing(f"the font file {path} (from {source}) does not exist. Nothing was written. "
                              f"Fix: {FONT_FIX}")
        if not _draws(path, ZH_PROBE):
            raise FontMissing(f"the font {path} (from {source}) has no Chinese characters (万, 元, ...), so the "
                              f"figures would show empty boxes. Nothing was written. Fix: {FONT_FIX}")
        candidates = [path]
    else:
        by_name = {f.name: f.fname for f in fm.ttflist}
        candidates = [by_name[n] for n in CJK_FONTS if n in by_name] + list(CJK_FONT_FILES)
    for path in candidates:
        if Path(path).is_file() and _draws(path, ZH_PROBE):
            if path not in {f.fname for f in fm.ttflist}:
                fm.addfont(path)            # installed after matplotlib built its font cache, or named by hand
            return font_manager.FontProperties(fname=path).get_name(), path
    return None


@contextlib.contextmanager
def report_style(lang: str = "en", font: str | Path | None = None):
    """The figures' rcParams and the tables' language, for the duration of a report; yields how 万元 is
    written in figures. Raises FontMissing for Chinese without a CJK font."""
    import matplotlib

    if lang not in LANGS:
        raise InputError("--lang", f"unknown report language '{lang}'", fix="use en (English) or zh (中文)")
    cjk = cjk_font(font)
    if cjk is None and lang == "zh":
        raise FontMissing("--lang zh: no font with Chinese characters was found (looked for "
                          f"{', '.join(CJK_FONTS[:3])}, ... and {', '.join(CJK_FONT_FILES[:2])}, ...), and without "
                          f"one every Chinese label would be an empty box. Nothing was written. Fix: {FONT_FIX}")
    # A list of families (not the generic "sans-serif"): matplotlib falls back glyph by glyph along it, so
    # Latin text and digits keep DejaVu Sans and Chinese characters come from the CJK font.
    rc = {"font.family": ["DejaVu Sans", *([cjk[0]] if cjk else [])],
          "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
          "svg.fonttype": "path", "svg.hashsalt": "planner-report", "axes.grid": True, "grid.alpha": 0.3,
          "legend.frameon": False}
    token = _LANG.set(lang)
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            # English figures without a CJK font write 万元 as 10⁴ CNY; Chinese ones are checked by missing_glyphs
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            yield WAN_LABEL if cjk else "10⁴ CNY"
    finally:
        _LANG.reset(token)


def drawn_texts(fig) -> list:
    """The figure's Text objects that are drawn and not empty (tick labels exist once the figure is drawn;
    the axes of a map are switched off, so their labels and ticks are not drawn)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    hidden = {id(t) for ax in fig.axes if not ax.axison for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def missing_glyphs(fig) -> set[str]:
    """Characters in the figure's texts that none of their fonts has: matplotlib would draw each as a box."""
    from matplotlib import font_manager

    missing: set[str] = set()
    for t in drawn_texts(fig):
        text = t.get_text()
        paths = []
        for family in t.get_fontproperties().get_family():
            fp = t.get_fontproperties().copy()
            fp.set_family(family)
            with contextlib.suppress(ValueError):
                paths.append(font_manager.findfont(fp, fallback_to_default=False))
        missing |= {c for c in set(text) if not c.isspace() and not any(_draws(p, c) for p in paths)}
    return missing


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
    fig = _new_figure(LINE_FIGSIZE)
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
    ax.set_title(tr("Unmet imaging demand against the budget") + _constant_note(res, wan))
    handles, labels = ax.get_legend_handles_labels()
    if any_hollow:
        handles.append(Line2D([], [], ls="", marker="o", mfc="white", mec="grey"))
        labels.append(tr("not proved optimal (time limit)"))
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
        x, xlabel = _budget_x(d, b, wan)
        for m, c in zip(mods, colours):
            ax.plot(x, 100 * d[f"gap_closed_{m}"].astype(float), styles[gi % 4], marker="o", ms=4,
                    color=c, label=_with(mod_label(m), label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("density gap closed in the last plan year (%)"))
    ax.set_ylim(0, 105)
    _thousands(ax.xaxis)
    ax.set_title(tr("Share of the per-million density gap closed, by modality") + _constant_note(res, wan))
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
    fig.suptitle(tr("Equity of the plan against the budget (last plan year)") + _constant_note(res, wan))
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
    ax.bar(x - (w / 2 if has_grass else 0), unmet.fillna(0), w, color=c1, label=tr("all tiers"))
    if has_grass:
        ax.bar(x + w / 2, pd.to_numeric(res.df["grassroots_unmet_thousand_exams"], errors="coerce").fillna(0), w,
               color=c2, label=mod_label("grassroots"))
    for i in np.flatnonzero(~res.ok.to_numpy()):
        # upright in Chinese: two characters fit the bar's width, and rotated ones read sideways
        ax.text(i, 0, tr(FAILED), rotation=0 if _zh() else 90, ha="center", va="bottom", color="firebrick", fontsize=8)
    import textwrap

    # A Chinese character is about twice as wide as a Latin one: wrap Chinese labels at half the count.
    width = 12 if _zh() else 24
    labels = ["\n".join(textwrap.fill(part, width) for part in res.case_label(i, sep="\n", wan=wan).split("\n"))
              for i in range(n)]
    crowded = n > 6 or max(len(ln) for lab in labels for ln in lab.split("\n")) * n * (24 // width) > 100
    ax.set_xticks(x, labels, fontsize=7 if crowded else 8, rotation=30 if crowded else 0,
                  ha="right" if crowded else "center", rotation_mode="anchor")
    ax.set_ylabel(tr("unmet demand (thousand exams, all plan years)"))
    _thousands(ax.yaxis)
    ax.grid(axis="x", visible=False)
    ax.set_title(tr("Unmet imaging demand per case") + _constant_note(res, wan))
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


def _rgba(c: list[int]) -> tuple[float, ...]:
    return tuple(v / 255 for v in c)


def _draw_context(ax, data_ll, data, frame: tuple[float, float, float, float], projected: bool) -> None:
    """A national map's context (maps.china_context): Taiwan, Hong Kong and Macao grey under the data, the
    dashed line, and the South China Sea inset with its frame and name at the lower right. The axes show
    ``frame`` (maps.frame: the islets south of Hainan are in the inset), as the app's initial view does.

    ``data_ll``/``data``: the regions in lon/lat and as drawn. Territories and dashed line are projected
    as the data; the inset stays an upright Mercator box (projected with the data it would tilt ~12° at
    130° E), at the inset's scale, east of everything drawn at its height."""
    import geopandas as gpd
    import shapely

    from planner.reporting.maps import CONTEXT_STYLE, DASHED_LINE_CODE, china_context, mercator_y

    ctx = gpd.GeoDataFrame.from_features(china_context()["features"], crs="EPSG:4326")
    true, inset = ctx[ctx["role"].isin(["territory", "dashed_line"])], ctx[ctx["role"].str.startswith("inset")]
    pad = 0.3     # degrees: Hainan's southern tip lies on the frame's edge
    shown = data_ll.geometry.clip_by_rect(frame[0] - pad, frame[1] - pad, frame[2] + pad, frame[3] + pad)
    geoms = inset.geometry.values
    if projected:
        true = true.to_crs(data.crs)
        shown = shown.to_crs(data.crs)
        src = inset[inset["role"] == "inset_frame"].iloc[0]["source_bbox"]
        k = 6_378_137.0 * math.pi / 180 * math.cos(math.radians((src[1] + src[3]) / 2))   # m per degree

        def mercator(xy):
            return np.column_stack([xy[:, 0], np.degrees(mercator_y(xy[:, 1]))]) * k

        geoms = shapely.transform(geoms, mercator)
        fx0, fy0, fx1, _ = shown.total_bounds
        a0, b0, _, b1 = shapely.total_bounds(geoms)
        band = shapely.box(fx0 - 1e7, fy0, fx1 + 1e7, fy0 + (b1 - b0))
        beside = [g for g in [*shown, *true.geometry] if g is not None and g.intersects(band)]
        east = max(g.intersection(band).bounds[2] for g in beside) if beside else fx1
        dx, dy = east + 0.02 * (fx1 - fx0) - a0, fy0 - b0
        geoms = shapely.transform(geoms, lambda xy: xy + np.array([dx, dy]))
    inset = gpd.GeoDataFrame(inset.drop(columns="geometry"), geometry=list(geoms), crs=data.crs)

    def draw(df, style, gid, **kw):
        fill, line, _ = CONTEXT_STYLE[style]
        if len(df):
            df.plot(ax=ax, facecolor=_rgba(fill), edgecolor=_rgba(line), **kw)
            ax.collections[-1].set_gid(f"china_context_{gid}")    # the SVG element's id

    dashed = inset["code"] == DASHED_LINE_CODE
    draw(true[true["role"] == "territory"], "territory", "territory", linewidth=0.25, zorder=0.5)
    draw(true[true["role"] == "dashed_line"], "dashed_line", "dashed_line", linewidth=0.2, zorder=2)
    draw(inset[inset["role"] == "inset_frame"], "inset_frame", "inset_frame", linewidth=0.6, zorder=2)
    draw(inset[(inset["role"] == "inset") & ~dashed], "inset", "inset", linewidth=0.2, zorder=2.1)
    draw(inset[dashed], "dashed_line", "inset_dashed_line", linewidth=0.2, zorder=2.2)
    a0, b0, a1, b1 = inset[inset["role"] == "inset_frame"].total_bounds
    m = 0.03 * (a1 - a0)
    ax.text(a1 - m, b0 + m, tr("South China\nSea Islands"), ha="right", va="bottom", fontsize=5.5,
            color="#464646", zorder=3)
    x0, y0, x1, y1 = np.array([shown.total_bounds, [a0, b0, a1, b1]]).T
    margin = 0.01 * (max(x1) - min(x0))
    ax.set_xlim(min(x0) - margin, max(x1) + margin)
    ax.set_ylim(min(y0) - margin, max(y1) + margin)


def fig_maps(res: Results, rows: list[int], modality: str, wan: str, notes: list[str]):
    import geopandas as gpd
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    from planner.reporting.maps import frame, is_national, load_boundaries

    panels = []          # (title, GeoDataFrame with 'value', year, targets, lon/lat frame if national)
    skipped: dict[tuple[str, bool], list[str]] = {}   # (note, still drawn) -> the cases it applies to
    for i in rows:
        cid = str(res.df["case_id"].iloc[i])
        bpath, why = res.boundaries_path(cid)
        if bpath is None:
            skipped.setdefault((why, False), []).append(cid)
            continue
        try:
            reg = res.regions(cid)
        except FileNotFoundError as e:
            notes.append(tr("map of case {} skipped: {} is missing").format(cid, e.args[0]))
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
            why = tr("{} of {} regions have no shape in {} and are not drawn ({})").format(
                len(unmapped), len(reg), bpath.name, ", ".join(unmapped[:5]) + (" ..." if len(unmapped) > 5 else ""))
            skipped.setdefault((why, True), []).append(cid)
        target = reg["target_per_million"].dropna().unique() if "target_per_million" in reg else []
        r = res.df.iloc[i]
        title = res.case_label(i, sep="\n", wan=wan)
        if r["status"] != "optimal":
            g = r.get("gap")
            title += f"\n({tr(str(r['status']))}" + (
                ", " + tr("gap {} %").format(f"{100 * float(g):.2f}") if pd.notna(g) else "") + ")"
        panels.append((title, gdf, year, target, frame(fc) if is_national(fc) else None))
    for (why, drawn), cids in skipped.items():
        which = (tr("cases {}") if len(cids) > 1 else tr("case {}")).format(", ".join(cids))
        notes.append(f"maps_{modality}: {which}: {why}" if drawn else
                     tr("maps_{}: {} not mapped: {}").format(modality, which, why))
    if not panels:
        return None
    allv = np.concatenate([p[1]["value"].to_numpy() for p in panels])
    fin = allv[np.isfinite(allv)]
    if fin.size == 0:
        notes.append(tr("maps_{}: no region has a {} density to draw").format(modality, mod_label(modality)))
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
    for ax, (title, gdf_ll, year, _, national_frame) in zip(axes, panels):
        gdf, projected = _project(gdf_ll)
        missing = ~np.isfinite(gdf["value"].to_numpy())
        any_missing |= bool(missing.any())
        gdf.plot(column="value", ax=ax, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.25,
                 missing_kwds={"color": "#d9d9d9", "edgecolor": "white", "hatch": "///", "linewidth": 0.25})
        if national_frame:
            _draw_context(ax, gdf_ll, gdf, national_frame, projected)
        if not projected:   # the latitudes shown (a national map is cropped at Hainan)
            ax.set_aspect(1 / math.cos(math.radians(float(np.mean(ax.get_ylim())))))
        ax.set_axis_off()
        ax.set_title(title, fontsize=8.5)
    sm = ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=axes, orientation="horizontal", shrink=0.6, aspect=35, extend=extend, pad=0.02)
    cbar.set_label(tr("{} units per million residents after the plan, {}").format(mod_label(modality), panels[0][2])
                   + (tr("  (hatched grey: no data)") if any_missing else "")
                   + ("\n" + tr("plain grey: Taiwan, Hong Kong and Macao, not in the plan's data")
                      if any(p[4] for p in panels) else ""))
    tg = panels[0][3]
    if len(tg) == 1 and float(tg[0]) > 0:
        t = float(tg[0])
        if lo <= t <= hi:
            cbar.ax.axvline(t, color="firebrick", lw=1.5)
            cbar.ax.text(t, 1.15, tr("target {:g}").format(t), transform=cbar.ax.get_xaxis_transform(), ha="center",
                         va="bottom", fontsize=7.5, color="firebrick")
    names = sorted({str(s) for s in res.df.get("scenario", pd.Series(dtype=str)).dropna()})
    # The title goes in a band kept free of the maps: constrained layout does not move aspect-locked map axes
    # away from a suptitle reliably, and their titles would collide with it.
    top = 1 - 0.34 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, 0, 1, top))
    title = tr("{} density after the plan, {}").format(mod_label(modality), panels[0][2])
    title += (f" ({', '.join(names)})" if names else "") + _constant_note(res, wan).replace("\n(", ", ").rstrip(")")
    fig.text(0.5, 1 - 0.06 / fig.get_figheight(), title, ha="center", va="top", fontsize=10.5)
    return fig


# ----------------------------------------------------------------------------------------------- report
def report_figures(res: Results, map_cases: list[str] | None, modality: str, wan: str,
                   notes: list[str]) -> list[tuple[str, object]]:
    """(file stem, matplotlib Figure) of every figure the report draws, in order; call inside report_style."""
    figs: list[tuple[str, object]] = []
    if not res.ok.any():
        notes.append(tr("every case failed: no figures or maps"))
        return figs
    if res.budget_col is not None:
        figs.append(("budget_vs_unmet", fig_budget_vs_unmet(res, wan)))
        if res.gap_closed_cols:
            figs.append(("budget_vs_gap_closed", fig_budget_vs_gap_closed(res, wan)))
        else:
            notes.append(tr("budget_vs_gap_closed not drawn: no modality has a per-million target"))
        if res.equity_cols:
            figs.append(("budget_vs_equity", fig_budget_vs_equity(res, wan)))
    else:
        figs.append(("unmet_by_case", fig_unmet_by_case(res, wan)))
    rows = _resolve_cases(res, map_cases) if map_cases else _resolve_cases(res, default_map_cases(res))
    fig = fig_maps(res, rows, modality, wan, notes)
    if fig is not None:
        figs.append((f"maps_{modality}", fig))
    else:
        notes.append(tr("maps_{} not drawn (see the notes above)").format(modality))
    return figs


def make_report(results_dir: str | Path, out_dir: str | Path | None = None, map_cases: list[str] | None = None,
                modality: str = "CT", lang: str = "en", font: str | Path | None = None) -> list[Path]:
    """Write the tables, figures and maps for a sweep/batch results folder; returns the files written.

    ``lang="zh"``: everything in Chinese; raises FontMissing, before writing anything, when no CJK font is
    found or a figure has a character no font can draw. ``font``: a font file for Chinese text (see cjk_font).
    """
    res = Results(Path(results_dir))
    out = Path(out_dir) if out_dir is not None else res.folder / "report"
    if map_cases is not None and len(map_cases) > MAX_MAPS:
        raise InputError("map_cases", f"{len(map_cases)} cases given, at most {MAX_MAPS} maps fit on one figure",
                         fix=f"choose at most {MAX_MAPS} case ids")
    written: list[Path] = []
    notes: list[str] = []
    with report_style(lang, font) as wan:
        # Every figure is drawn before any file is written, so a refusal leaves no half-written report.
        figs = report_figures(res, map_cases, modality, wan, notes)
        for stem, fig in figs if lang == "zh" else []:
            if bad := missing_glyphs(fig):
                from matplotlib import rcParams

                raise FontMissing(f"{stem}: none of the fonts {', '.join(rcParams['font.family'])} has "
                                  f"{' '.join(sorted(bad))}, which would be drawn as empty boxes. Nothing was "
                                  f"written. Fix: {FONT_FIX}")
        for stem, fig in figs:
            written += _save(fig, out, stem)
        csv = summary_frame(res).to_csv(index=False)
        # With a byte-order mark, Excel (which reads a plain CSV in the system code page, GBK on Chinese Windows)
        # opens the Chinese headers correctly; pandas and Python's csv module (utf-8-sig) read it either way.
        atomic_write_bytes(out / "summary.csv", (("\ufeff" if lang == "zh" else "") + csv).encode("utf-8"))
        written.append(out / "summary.csv")
        atomic_write_text(out / "summary.tex", latex(res))
        written.append(out / "summary.tex")
        md_path = out / "summary.md"
        written.append(md_path)
        atomic_write_text(md_path, markdown(res, [p.name for p in written if p.suffix in (".png", ".svg")], notes))
    for n in notes:
        log.warning("%s", n)
    return written

