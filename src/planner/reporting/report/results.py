"""Reading a results folder written by ``planner sweep`` or ``planner batch``: the rows, the varied inputs
and where each case's files are."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from planner.errors import InputError
from planner.messages import msg
from planner.reporting.report.labels import BUDGET_KEY, WAN_LABEL, fmt_value, short_name, shown, tr, unit_of

FAILED = "failed"


class Results:
    """A results folder: the rows, the varied inputs, and where each case's files are."""

    def __init__(self, folder: Path):
        self.folder = folder
        csv = folder / "results.csv"
        if not folder.is_dir():
            raise InputError(str(folder), msg("report.no_folder"), fix=msg("report.fix_finished_run"))
        if not csv.is_file():
            raise InputError(str(csv), msg("report.no_results_csv"), fix=msg("report.fix_finish_run"))
        try:
            df = pd.read_csv(csv, dtype={"case_id": str, "error": str, "status": str})
        except pd.errors.EmptyDataError:
            df = pd.DataFrame()
        if df.empty:
            raise InputError(str(csv), msg("report.no_cases"), fix=msg("report.fix_rerun"))
        for col in ("case_id", "status"):
            if col not in df.columns:
                raise InputError(str(csv), msg("report.not_results", column=col), fix=msg("report.fix_out_folder"))
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
