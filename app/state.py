"""Per-session state: the loaded scenario, its in-memory edits, the built Planner, and result views.

Everything lives in st.session_state, so two browser sessions never share a scenario or a result;
only the run store on disk is shared (that is its purpose: runs survive restarts).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from planner import Planner
from planner.io.output import summary_dict
from planner.messages import from_data
from planner.planning.results import PlanResult
from planner.io.runstore import RunStore, StoredRun, default_path
from planner import session
from planner.config.scenario import LoadedScenario, load_scenario
from planner.paths import MODELS_DIR
from planner.session import scenario_from_uploads

MODELS = MODELS_DIR  # $PLANNER_MODELS overrides (tests point it at small scenarios)
MAX_UPLOAD_BYTES = session.MAX_UPLOAD_BYTES  # tests lower it


def scenario_files() -> list[Path]:
    return sorted(Path(os.environ.get("PLANNER_MODELS", MODELS)).glob("*.toml"))


def default_path_str() -> str:
    return str(default_path())


def store() -> RunStore:
    return _store(default_path_str())


@st.cache_resource(show_spinner=False)
def _store(path: str) -> RunStore:
    return RunStore(path)


def load_file(path: Path) -> None:
    st.session_state["loaded"] = load_scenario(path)
    st.session_state["source_name"] = path.name
    reset_results()


def load_upload(files: list, assign: dict[str, str] | None = None) -> None:
    """An uploaded scenario (the rules are the library's: planner.session.scenario_from_uploads);
    ``assign`` puts uploaded tables in roles by hand (regions.<role> -> file name)."""
    loaded = scenario_from_uploads({f.name: f.getvalue() for f in files}, max_bytes=MAX_UPLOAD_BYTES,
                                   assign=assign)
    st.session_state["loaded"] = loaded
    st.session_state["source_name"] = loaded.source
    reset_results()


def reset_results() -> None:
    """A scenario was chosen or uploaded: forget the results and every input widget of the previous one."""
    for k in ("planner", "planner_key", "view", "sweep", "frontier", "alternatives"):
        st.session_state.pop(k, None)
    for k in list(st.session_state):
        if k.startswith(("edit_", "sw_lo", "sw_hi")):
            del st.session_state[k]
    # Deleting a widget's state is not enough in a browser: the page sends the widget's last value back on
    # the next run, and Streamlit restores it (the national budget stayed on Sichuan, issue 13 item 1).
    # New keys make new widgets, which start from the new scenario's values.
    st.session_state["inputs_gen"] = st.session_state.get("inputs_gen", 0) + 1


def wkey(name: str) -> str:
    """The key of an input widget that shows a value of the loaded scenario: it changes with every
    scenario load, so no value typed for the previous scenario can come back (see reset_results)."""
    return f"{name}@{st.session_state.get('inputs_gen', 0)}"


def planner_for(loaded: LoadedScenario) -> Planner:
    """The session's Planner for these inputs: rebuilt when anything but the budget total or targets
    changes (planner.session.planner_for keeps it in the session state)."""
    return session.planner_for(st.session_state, loaded)


def inputs_snapshot(loaded: LoadedScenario, **settings) -> dict[str, str]:
    """What a result is computed for, input by input: every scenario field by its dotted path
    (budget.total_wan_cny, modalities.CT.price_wan_cny, ...), every edited or uploaded table by a hash of its
    cells (tables.stock), and a page's own settings by the i18n key of their label (page.fr_points, ...). Two snapshots differ
    exactly in the inputs changed between them (plan_page.stale_notice names them)."""
    out: dict[str, str] = {}

    def flat(prefix: str, value) -> None:
        if isinstance(value, dict) and value:
            for k, v in value.items():
                flat(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            out[prefix] = json.dumps(value, sort_keys=True)

    flat("", loaded.scenario.model_dump(mode="json"))
    out["base_dir"] = str(loaded.base_dir)
    for key, table in loaded.tables.items():
        cells = pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()
        out[f"tables.{key}"] = hashlib.sha256(cells + str(list(table.columns)).encode()).hexdigest()
    out.update({f"page.{k}": json.dumps(v, sort_keys=True, default=str) for k, v in settings.items()})
    return out


def view_from_result(r: PlanResult, loaded: LoadedScenario) -> dict:
    scn = r.inputs.scenario
    return {"summary": summary_dict(r), "made_for": inputs_snapshot(loaded), "plan": r.plan, "regions": r.regions, "spend": r.spend, "mobile": r.mobile,
            "marginal": r.marginal, "centroids": r.inputs.regions, "boundaries_path":
                str(loaded.path(loaded.scenario.regions.boundaries)) if loaded.scenario.regions.boundaries else None,
            # access and equity (see equity_view.py): per region x exam type travel, per modality Gini/Theil
            "access": r.access, "equity": r.equity, "measures": r.measures,
            "access_cfg": {"limit_minutes": scn.access.limit_minutes, "cap_minutes": scn.access.cap_minutes},
            "fixed_modalities": scn.exam_types, "equity_modalities": scn.equity_modalities,
            "mobile_serves": {m: v.serves for m, v in scn.modalities.items() if v.mobile}}


def _marginal_said(marginal: pd.DataFrame | None, summary: dict) -> pd.DataFrame | None:
    """A stored run's marginal values with their plain words as the message codes its summary keeps (row by row),
    so they are said in the interface language; an older run (no codes kept) keeps the English."""
    coded = summary.get("marginal_messages")
    if marginal is None or not coded or len(coded) != len(marginal):
        return marginal
    return marginal.assign(plain_words=[from_data(m) for m in coded])


def view_from_stored(run: StoredRun) -> dict:
    """A saved run in the same shape as a fresh result, from the files the run store kept."""
    import tomllib

    files = run.files
    scenario = tomllib.loads(files["scenario.toml"].decode("utf-8"))
    regions_cfg = scenario.get("regions", {})

    def csv(path: str | None, **kw) -> pd.DataFrame | None:
        return pd.read_csv(io.BytesIO(files[path]), **kw) if path and path in files else None

    geo = regions_cfg.get("boundaries")
    return {"summary": run.summary, "plan": run.plan, "regions": run.regions, "spend": run.spend,
            "mobile": csv("mobile.csv", dtype={"base_code": str, "target_code": str}),
            "marginal": _marginal_said(csv("marginal_values.csv"), run.summary),
            "centroids": csv(regions_cfg.get("table"), dtype={"code": str}),
            "boundaries_json": json.loads(files[geo]) if geo in files else None,
            "mobile_serves": {m: v.get("serves") for m, v in scenario.get("modalities", {}).items() if v.get("mobile")}}
