"""What an interactive session (the app) and a batch of solves share: turning uploaded files into a
scenario, and the rule for what a built model can change in place instead of being rebuilt.

A built model's right-hand sides are what-if knobs: the budget total (the budget row) and each modality's
per-million target (the density rows). Anything else in the scenario or its tables changes the model's
rows, so the Planner is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.api import Planner
from planner.config.scenario import TABLE_KEYS, LoadedScenario, read_toml, scenario_from_dict
from planner.paths import REGIONS_DIR

BUDGET_KEY = "budget.total_wan_cny"
_TARGET_KEY = re.compile(r"modalities\.[^.=]+\.target_per_million")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_UPLOADS = (".toml", ".csv", ".xlsx", ".xls", ".geojson", ".json")


def is_rhs_key(key: str) -> bool:
    """Whether a scenario key (as in --set key=value) is a right-hand side a built model changes in place."""
    return key == BUDGET_KEY or bool(_TARGET_KEY.fullmatch(key))


def rebuild_key(loaded: LoadedScenario) -> str:
    """Equal for two scenarios exactly when one built model serves both (they differ at most in the
    right-hand sides: budget total and per-million targets)."""
    return _key(loaded, with_rhs=False)


def inputs_key(loaded: LoadedScenario) -> str:
    """Equal exactly when two scenarios are the same inputs, right-hand sides included (for caches of
    results and downloads)."""
    return _key(loaded, with_rhs=True)


def _key(loaded: LoadedScenario, with_rhs: bool) -> str:
    d = loaded.scenario.model_dump(mode="json")
    if not with_rhs:
        d["budget"] = {k: v for k, v in d["budget"].items() if k != "total_wan_cny"}
        for mod in d["modalities"].values():
            mod.pop("target_per_million", None)
    h = hashlib.sha256(json.dumps(d, sort_keys=True).encode())
    h.update(str(loaded.base_dir).encode())
    for key in sorted(loaded.tables):
        h.update(key.encode())
        h.update(pd.util.hash_pandas_object(loaded.tables[key], index=False).to_numpy().tobytes())
    return h.hexdigest()


def planner_for(cache: MutableMapping, loaded: LoadedScenario) -> Planner:
    """The cached Planner for these inputs, rebuilt only when ``rebuild_key`` changes; the budget total
    and targets are pushed into it (model, inputs and pre-solve checks alike). ``cache`` is any mapping
    that lives as long as the session: Streamlit's session_state, or a dict in a batch worker."""
    key = rebuild_key(loaded)
    planner: Planner | None = cache.get("planner") if cache.get("planner_key") == key else None
    targets = {m: mod.target_per_million for m, mod in loaded.scenario.modalities.items()}
    if planner is not None:
        current = {m: mod.target_per_million for m, mod in planner.scenario.modalities.items()}
        if targets != current and not planner.set_targets(targets):
            planner = None  # a target on a modality the model has no density rows for: rebuild
    if planner is None:
        planner = Planner(loaded)
        cache["planner"], cache["planner_key"] = planner, key
    wanted = loaded.scenario.budget.total_wan_cny  # the planner's figure; set_budget nets committed spend
    if planner.inputs.scenario.budget.total_wan_cny != wanted:
        planner.set_budget(wanted)
    return planner


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} KB" if n >= 1e3 else f"{n} bytes"


class UploadError(ValueError):
    """An upload that cannot be read as a scenario; the message says which file and what to do."""


ROLES = (*TABLE_KEYS, "boundaries")  # what an uploaded table can be: a regions.<role> of the scenario


@dataclass
class UploadMatch:
    """Which file fills each table the uploaded scenario names, and which uploads nothing uses.

    ``roles``: regions.<role> -> (file name, "uploaded" | "shipped" | "assigned"): "assigned" is an upload
    the planner chose for that role by hand, in place of the name the scenario file gives."""

    scenario_file: str
    roles: dict[str, tuple[str, str]]
    unused: list[str]

    def words(self) -> list[str]:
        out = [f"regions.{role}: {name} ({how})" for role, (name, how) in self.roles.items()]
        out += [f"{name}: not used (no table of the scenario has this name; assign it to a table)"
                for name in self.unused]
        return out


def scenario_from_uploads(files: dict[str, bytes], folder: Path | None = None,
                          max_bytes: int = MAX_UPLOAD_BYTES, assign: dict[str, str] | None = None) -> LoadedScenario:
    """An uploaded scenario: one .toml and its tables. Tables are matched by file name among the uploads,
    then among the shipped region tables; ``assign`` (regions.<role> -> uploaded file name) puts an
    upload in a role whatever its name. No path written in an uploaded file is ever followed (a name
    like ../../x.toml is reduced to x.toml). The files are written to ``folder`` (a new temporary folder
    by default), which the scenario then reads from. The result's ``uploads`` (an UploadMatch) says
    which file fills each table and which uploads were not used: nothing uploaded is silently ignored."""
    by_name: dict[str, bytes] = {}
    for raw_name, data in files.items():
        name = Path(raw_name).name
        if not name.lower().endswith(ALLOWED_UPLOADS):
            raise UploadError(f"{name}: only .toml, .csv, .xlsx and .geojson files are read")
        if len(data) > max_bytes:
            raise UploadError(f"{name}: {_size(len(data))} is over the {_size(max_bytes)} upload limit")
        by_name[name] = data
    tomls = [n for n in by_name if n.endswith(".toml")]
    if len(tomls) != 1:
        raise UploadError("upload exactly one scenario .toml file together with its tables")
    assign = {role: Path(name).name for role, name in (assign or {}).items() if name}
    for role, name in assign.items():
        if role not in ROLES:
            raise UploadError(f"'{role}' is not a table of a scenario: use one of {', '.join(ROLES)}")
        if name not in by_name or name.endswith(".toml"):
            raise UploadError(f"{name} (for regions.{role}) is not among the uploaded tables")
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="planner-upload-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in by_name.items():
        (folder / name).write_bytes(data)
    raw = read_toml(folder / tomls[0], label=tomls[0])
    regions = raw.setdefault("regions", {})
    roles: dict[str, tuple[str, str]] = {}
    for key in ROLES:
        if key in assign:
            regions[key] = assign[key]
            roles[key] = (assign[key], "assigned")
            continue
        if not regions.get(key):
            continue
        base = Path(str(regions[key])).name
        if base in by_name:
            regions[key] = base
            roles[key] = (base, "uploaded")
        elif (REGIONS_DIR / base).exists():
            regions[key] = str(REGIONS_DIR / base)
            roles[key] = (base, "shipped")
        else:
            raise UploadError(f"the scenario names table '{regions[key]}' for regions.{key}: upload a file "
                              f"called {base} with it, or assign one of the uploaded tables to it")
    used = {name for name, how in roles.values() if how != "shipped"}
    unused = [n for n in by_name if n not in used and n != tomls[0]]
    loaded = scenario_from_dict(raw, folder, source=tomls[0])
    loaded.uploads = UploadMatch(tomls[0], roles, unused)
    return loaded
