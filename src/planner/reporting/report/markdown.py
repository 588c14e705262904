"""summary.md: the run, the summary table, failed cases, figures and notes in Markdown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.reporting.report.labels import header, tr
from planner.reporting.report.results import Results
from planner.reporting.report.tables import metric_cols, row_cells, table_headers


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


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
    heads = [tr("case"), *table_headers(res)]
    L.append("| " + " | ".join(_md_escape(h) for h in heads) + " |")
    numeric = [pd.api.types.is_numeric_dtype(res.df[k]) for k in res.varied] + [False] + [True] * len(metric_cols(res))
    L.append("|" + "|".join(["---"] + ["---:" if n else "---" for n in numeric]) + "|")
    for i in range(len(res.df)):
        cells = [f"`{res.df['case_id'].iloc[i]}`", *row_cells(res, i)]
        L.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
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
