"""Reading, overriding and writing scenario TOML files."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w
from pydantic import ValidationError

from planner.errors import InputError, explain_validation
from planner.config.schema import Scenario

from planner.paths import DEFAULT_SCENARIO


TABLE_KEYS = ("table", "stock", "facilities", "staff", "travel")
TABLE_NAMES = {"table": "region table", "stock": "stock table", "facilities": "facilities table",
               "staff": "staff table", "travel": "travel table"}


class LoadedScenario:
    """A validated scenario, the folder its relative table paths are resolved against, and any tables
    edited in memory (the app's editors), which take the place of the files they were read from."""

    def __init__(self, scenario: Scenario, base_dir: Path, source: str,
                 tables: dict[str, "pd.DataFrame"] | None = None):
        self.scenario = scenario
        self.base_dir = base_dir
        self.source = source
        self.tables = dict(tables or {})
        self.uploads = None  # planner.session.UploadMatch for an uploaded scenario: which file fills which table

    def path(self, relative: str | None) -> Path | None:
        if not relative:
            return None
        p = Path(relative)
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    def read(self, key: str, spec) -> "pd.DataFrame":
        """The table named by ``regions.<key>``: the in-memory edit if there is one, else the file.
        Both go through the same validation, so an edited cell gets the same message a file would.
        ``spec`` (a planner.data.tables.TableSpec) reads and validates: the data layer sits above this one."""
        if key in self.tables:
            return spec.validate(self.tables[key], self.label(key))
        return spec.read(self.path(getattr(self.scenario.regions, key)), self.scenario.regions.sheet,
                         label=self.label(key))

    def label(self, key: str) -> str:
        """How errors name the table: its file (an uploaded one by the name it was uploaded under, not the
        temporary folder it was saved in), or the app's editor."""
        if key in self.tables:
            return f"{TABLE_NAMES[key]} (edited)"
        if self.uploads is not None and self.uploads.roles.get(key, ("", "shipped"))[1] != "shipped":
            return f"{self.uploads.roles[key][0]} (uploaded)"
        return str(self.path(getattr(self.scenario.regions, key)))

    def with_changes(self, scenario: Scenario | None = None, **tables: "pd.DataFrame") -> "LoadedScenario":
        merged = {**self.tables, **tables}
        return LoadedScenario(scenario or self.scenario, self.base_dir, self.source, merged)


def read_toml(path: Path, label: str | None = None) -> dict[str, Any]:
    """The scenario file's tables; errors name it by ``label`` (an upload by its own name, not the temporary
    folder it was saved in), else by its path."""
    shown_as = label or str(path)
    if not path.exists():
        raise InputError(shown_as, "scenario file not found", fix="check the path; scenarios live in models/")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # Notepad and WPS on Chinese Windows save as GBK: say where, so the planner can find the character.
        line = data[:e.start].count(b"\n") + 1
        raise InputError(shown_as, f"not UTF-8 text (first non-UTF-8 character on line {line})",
                         fix="save the scenario as UTF-8 (Notepad: Save As > Encoding: UTF-8)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        shown = ""
        lineno = getattr(e, "lineno", None)
        if lineno is None:  # Python 3.11's message ends with "(at line N, column M)"
            import re

            found = re.search(r"at line (\d+)", str(e))
            lineno = int(found.group(1)) if found else None
        lines = text.splitlines()
        if lineno and 1 <= lineno <= len(lines):
            shown = f": {lines[lineno - 1].strip()}"
        raise InputError(shown_as, f"not valid TOML: {e}{shown}",
                         fix="correct the syntax at that line (text values need \"quotes\", numbers none)") from None


def parse_value(text: str) -> Any:
    """`--set` values are TOML literals (numbers, true/false, [lists], "strings"); bare words are strings."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(raw: dict[str, Any], overrides: list[str], source: str = "--set") -> dict[str, Any]:
    """Apply ``key.path=value`` overrides to a raw scenario dict; unknown keys are caught by validation."""
    out = copy.deepcopy(raw)
    for item in overrides:
        if "=" not in item:
            raise InputError(source, f"'{item}' is not of the form key.path=value",
                             fix="write e.g. --set budget.total_wan_cny=500000")
        key, _, text = item.partition("=")
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise InputError(source, f"'{item}' has an empty key", fix="write e.g. budget.total_wan_cny=500000")
        node = out
        for i, p in enumerate(parts[:-1]):
            nxt = node.get(p)
            if nxt is None:
                nxt = node[p] = {}
            if not isinstance(nxt, dict):
                raise InputError(source, f"'{'.'.join(parts[: i + 1])}' is a value, not a section",
                                 fix=f"set '{'.'.join(parts[: i + 1])}' itself")
            node = nxt
        # An unknown key is left in place: validation rejects it and suggests the nearest valid key.
        node[parts[-1]] = parse_value(text.strip())
    return out


def validate(raw: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        raise explain_validation(source, e, Scenario) from None


def load_scenario(path: str | Path | None = None, overrides: list[str] | None = None) -> LoadedScenario:
    p = Path(path) if path else DEFAULT_SCENARIO
    raw = read_toml(p)
    if overrides:
        raw = apply_overrides(raw, overrides)
    return LoadedScenario(validate(raw, str(p)), p.resolve().parent, str(p))


def scenario_from_dict(raw: dict[str, Any], base_dir: Path, source: str = "<scenario>") -> LoadedScenario:
    return LoadedScenario(validate(raw, source), Path(base_dir).resolve(), source)


def dump_scenario(scn: Scenario) -> str:
    """The scenario as TOML text (None values are left out: TOML has no null)."""
    data = scn.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)
