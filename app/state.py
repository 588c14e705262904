"""Per-session state: the loaded scenario, its in-memory edits, the built Planner, and result views.

Everything lives in st.session_state, so two browser sessions never share a scenario or a result;
only the run store on disk is shared (that is its purpose: runs survive restarts).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from planner import Planner
from planner.io.output import summary_dict
from planner.planning.results import PlanResult
from planner.distributed.runstore import RunStore, StoredRun, default_path
from planner.config.scenario import TABLE_KEYS, LoadedScenario, load_scenario, read_toml, scenario_from_dict
from planner.paths import MODELS_DIR, REGIONS_DIR

MODELS = MODELS_DIR  # $PLANNER_MODELS overrides (tests point it at small scenarios)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_UPLOADS = (".toml", ".csv", ".xlsx", ".xls", ".geojson", ".json")


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


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} KB" if n >= 1e3 else f"{n} bytes"


def load_upload(files: list) -> None:
    """An uploaded scenario: its tables are matched by file name among the uploads only, then among the
    repository's region data (by name); no path written in an uploaded file is ever followed."""
    by_name = {}
    for f in files:
        name = Path(f.name).name
        if not name.lower().endswith(ALLOWED_UPLOADS):
            raise ValueError(f"{name}: only .toml, .csv, .xlsx and .geojson files are read")
        data = f.getvalue()
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValueError(f"{name}: {_size(len(data))} is over the {_size(MAX_UPLOAD_BYTES)} upload limit")
        by_name[name] = data
    tomls = [n for n in by_name if n.endswith(".toml")]
    if len(tomls) != 1:
        raise ValueError("upload exactly one scenario .toml file together with its tables")
    folder = Path(tempfile.mkdtemp(prefix="planner-upload-"))
    for name, data in by_name.items():
        (folder / name).write_bytes(data)
    raw = read_toml(folder / tomls[0])
    regions = raw.get("regions", {})
    data_dir = REGIONS_DIR
    for key in (*TABLE_KEYS, "boundaries"):
        if not regions.get(key):
            continue
        base = Path(str(regions[key])).name
        if base in by_name:
            regions[key] = base
        elif (data_dir / base).exists():
            regions[key] = str(data_dir / base)
        else:
            raise ValueError(f"the scenario names table '{regions[key]}' for regions.{key}: upload a file "
                             f"called {base} with it")
    st.session_state["loaded"] = scenario_from_dict(raw, folder, source=tomls[0])
    st.session_state["source_name"] = tomls[0]
    reset_results()


def reset_results() -> None:
    for k in ("planner", "planner_key", "view", "sweep", "frontier", "alternatives"):
        st.session_state.pop(k, None)
    for k in list(st.session_state):
        if k.startswith("edit_"):
            del st.session_state[k]


def model_key(loaded: LoadedScenario) -> str:
    """What forces a rebuild: everything but the budget total (which a built model changes in place)."""
    d = loaded.scenario.model_dump(mode="json")
    d["budget"] = {k: v for k, v in d["budget"].items() if k != "total_wan_cny"}
    h = hashlib.sha256(json.dumps(d, sort_keys=True).encode())
    for key in sorted(loaded.tables):
        h.update(key.encode())
        h.update(pd.util.hash_pandas_object(loaded.tables[key], index=False).to_numpy().tobytes())
    return h.hexdigest()


def planner_for(loaded: LoadedScenario) -> Planner:
    """The session's Planner for these inputs: rebuilt when anything but the budget total changes; the
    budget total is pushed into the existing one (model, inputs and pre-solve checks alike)."""
    key = model_key(loaded)
    if st.session_state.get("planner_key") != key:
        st.session_state["planner"] = Planner(loaded)
        st.session_state["planner_key"] = key
    planner: Planner = st.session_state["planner"]
    budget = loaded.scenario.budget
    wanted = budget.total_wan_cny - budget.committed_wan_cny
    if planner.inputs.budget_total_wan != wanted:
        planner.set_budget(wanted)
    return planner


def view_from_result(r: PlanResult, loaded: LoadedScenario) -> dict:
    scn = r.inputs.scenario
    return {"summary": summary_dict(r), "plan": r.plan, "regions": r.regions, "spend": r.spend, "mobile": r.mobile,
            "marginal": r.marginal, "centroids": r.inputs.regions, "boundaries_path":
                str(loaded.path(loaded.scenario.regions.boundaries)) if loaded.scenario.regions.boundaries else None,
            # access and equity (see equity_view.py): per region x exam type travel, per modality Gini/Theil
            "access": r.access, "equity": r.equity, "measures": r.measures,
            "access_cfg": {"limit_minutes": scn.access.limit_minutes, "cap_minutes": scn.access.cap_minutes},
            "fixed_modalities": scn.exam_types, "equity_modalities": scn.equity_modalities}


def view_from_stored(run: StoredRun) -> dict:
    """A saved run in the same shape as a fresh result, from the files the run store kept."""
    import tomllib

    files = run.files
    regions_cfg = tomllib.loads(files["scenario.toml"].decode("utf-8")).get("regions", {})

    def csv(path: str | None, **kw) -> pd.DataFrame | None:
        return pd.read_csv(io.BytesIO(files[path]), **kw) if path and path in files else None

    geo = regions_cfg.get("boundaries")
    return {"summary": run.summary, "plan": run.plan, "regions": run.regions, "spend": run.spend,
            "mobile": csv("mobile.csv", dtype={"base_code": str, "target_code": str}),
            "marginal": csv("marginal_values.csv"),
            "centroids": csv(regions_cfg.get("table"), dtype={"code": str}),
            "boundaries_json": json.loads(files[geo]) if geo in files else None}
