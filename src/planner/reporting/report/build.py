"""make_report: the entry ``planner report`` calls. Draws every figure, checks them, then writes figures and
tables into the report folder."""

from __future__ import annotations

import logging
from pathlib import Path

from planner.errors import InputError
from planner.messages import msg
from planner.io.files import atomic_write_bytes, atomic_write_text
from planner.reporting.report.canvas import save_figure
from planner.reporting.report.charts import (
    fig_budget_vs_equity, fig_budget_vs_gap_closed, fig_budget_vs_unmet, fig_unmet_by_case)
from planner.reporting.report.choropleths import MAX_MAPS, default_map_cases, fig_maps, resolve_cases
from planner.reporting.report.labels import tr
from planner.reporting.report.latex import latex
from planner.reporting.report.markdown import markdown
from planner.reporting.report.results import Results
from planner.reporting.report.style import FONT_FIX, FontMissing, missing_glyphs, report_style
from planner.reporting.report.tables import summary_frame

log = logging.getLogger(__name__)


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
    rows = resolve_cases(res, map_cases) if map_cases else resolve_cases(res, default_map_cases(res))
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
        raise InputError("map_cases", msg("report.too_many_maps", n=len(map_cases), most=MAX_MAPS),
                         fix=msg("report.fix_fewer_maps", most=MAX_MAPS))
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
            written += save_figure(fig, out, stem)
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
