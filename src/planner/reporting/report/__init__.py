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

Modules, each one job: results (reading the folder), labels (language, names, units, values), tables (the
summary table), markdown and latex (its writers), style (fonts, rcParams, glyph check), canvas (figure,
saving), charts (line and bar charts), choropleths (the maps), build (make_report, the entry).
"""
