"""Reading, overriding and writing scenario TOML files."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w
from pydantic import ValidationError

from planner.errors import InputError, explain_validation
from planner.messages import Message, msg
from planner.config.schema import Scenario

from planner.paths import DEFAULT_SCENARIO


# tomllib's messages (Python 3.11+ tomllib._parser), the detail of "not valid TOML", as message codes: the English
# template reads as tomllib writes it, a named part ({x}: a key, a character) as tomllib quoted it. A message not
# listed is passed on in tomllib's words (toml.other).
TOML_MESSAGES = [
    (r"Invalid statement", "toml.invalid_statement"),
    (r"Expected newline or end of document after a statement", "toml.expected_newline"),
    (r"Expected '\]' at the end of a table declaration", "toml.expected_table_end"),
    (r"Expected '\]\]' at the end of an array declaration", "toml.expected_array_end"),
    (r"Expected '=' after a key in a key/value pair", "toml.expected_equals"),
    (r"Expected (?P<x>'.*')", "toml.expected"), (r"Found invalid character (?P<x>'.*')", "toml.invalid_character"),
    (r"Cannot declare (?P<x>.+) twice", "toml.declared_twice"), (r"Cannot overwrite a value", "toml.overwrite"),
    (r"Cannot mutate immutable namespace (?P<x>.+)", "toml.immutable_namespace"),
    (r"Cannot redefine namespace (?P<x>.+)", "toml.redefined_namespace"),
    (r"Invalid initial character for a key part", "toml.invalid_key_start"), (r"Unclosed array", "toml.unclosed_array"),
    (r"Duplicate inline table key (?P<x>'.*')", "toml.duplicate_inline_key"),
    (r"Unclosed inline table", "toml.unclosed_inline_table"),
    (r"Unescaped '\\' in a string", "toml.unescaped_backslash"), (r"Invalid hex value", "toml.invalid_hex"),
    (r"Escaped character is not a Unicode scalar value", "toml.not_unicode_scalar"),
    (r"Unterminated string", "toml.unterminated_string"), (r"Illegal character (?P<x>'.*')", "toml.illegal_character"),
    (r"Invalid date or datetime", "toml.invalid_datetime"), (r"Invalid value", "toml.invalid_value"),
]
# str(TOMLDecodeError) on Python 3.11-3.13: "<message> (at line N, column M)" or "<message> (at end of document)"
_TOML_WHERE = re.compile(r"(?P<e>.*?) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)", re.S)


def toml_message(error: str) -> Message:
    """tomllib's message (without its position) as a code; one not in TOML_MESSAGES in tomllib's words."""
    for pattern, code in TOML_MESSAGES:
        found = re.fullmatch(pattern, error)
        if found and str(coded := msg(code, **found.groupdict())) == error:   # reads exactly as tomllib's
            return coded
    return msg("toml.other", detail=error)


def not_toml(error: str, line_text: str | None) -> str | Message:
    """The problem of a scenario that tomllib refuses: its message, where, and the line as the file has it."""
    shown = "" if line_text is None else msg("scenario_file.toml_line", text=line_text)
    found = _TOML_WHERE.fullmatch(error)
    if found is None:   # a tomllib whose message has another form: its words as they are
        return f"not valid TOML: {error}{shown}"
    detail = toml_message(found["e"])
    if found["line"] is None:
        return msg("scenario_file.not_toml_at_end", detail=detail, shown=shown)
    return msg("scenario_file.not_toml", detail=detail, line=int(found["line"]), col=int(found["col"]), shown=shown)


TABLE_KEYS = ("table", "stock", "facilities", "staff", "travel", "quotas")
TABLE_NAMES = {"table": msg("table.region"), "stock": msg("table.stock"), "facilities": msg("table.facilities"),
               "staff": msg("table.staff"), "travel": msg("table.travel"), "quotas": msg("table.quotas")}


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

    def label(self, key: str) -> str | Message:
        """How errors name the table: its file (an uploaded one by the name it was uploaded under, not the
        temporary folder it was saved in), or the app's editor (a message: said in the planner's language)."""
        if key in self.tables:
            return msg("table_label.edited", table=TABLE_NAMES[key])
        if self.uploads is not None and self.uploads.roles.get(key, ("", "shipped"))[1] != "shipped":
            return msg("table_label.uploaded", name=self.uploads.roles[key][0])
        return str(self.path(getattr(self.scenario.regions, key)))

    def with_changes(self, scenario: Scenario | None = None, **tables: "pd.DataFrame") -> "LoadedScenario":
        merged = {**self.tables, **tables}
        return LoadedScenario(scenario or self.scenario, self.base_dir, self.source, merged)


def read_toml(path: Path, label: str | None = None) -> dict[str, Any]:
    """The scenario file's tables; errors name it by ``label`` (an upload by its own name, not the temporary
    folder it was saved in), else by its path."""
    shown_as = label or str(path)
    if not path.exists():
        raise InputError(shown_as, msg("scenario_file.file_not_found"), fix=msg("scenario_file.fix_check_path"))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # Notepad and WPS on Chinese Windows save as GBK: say where, so the planner can find the character.
        line = data[:e.start].count(b"\n") + 1
        raise InputError(shown_as, msg("scenario_file.not_utf8", line=line), fix=msg("scenario_file.fix_save_utf8")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        shown = None
        lineno = getattr(e, "lineno", None)
        if lineno is None:  # Python 3.11's message ends with "(at line N, column M)"
            found = re.search(r"at line (\d+)", str(e))
            lineno = int(found.group(1)) if found else None
        lines = text.splitlines()
        if lineno and 1 <= lineno <= len(lines):
            shown = lines[lineno - 1].strip()
        raise InputError(shown_as, not_toml(str(e), shown), fix=msg("scenario_file.fix_toml_syntax")) from None


def parse_value(text: str) -> Any:
    """`--set` values are TOML literals (numbers, true/false, [lists], "strings"); bare words are strings."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


# A row of a list of tables, in a --set/--vary key: supply.classes[MRI 3T].min_domestic_share (a row that names
# itself: its modality and name) or supply.classes[2].price_wan_cny (the second row, counted from 1 as the
# scenario's messages count them).
LIST_ITEM = re.compile(r"([A-Za-z_]+)\[([^\]]+)\]")


def _list_item(node: dict, key: str, which: str, source: str) -> dict:
    rows = node.get(key)
    names = [" ".join(str(r.get(k, "")) for k in ("modality", "name")).strip() for r in rows or [] if isinstance(r, dict)]
    if isinstance(rows, list) and which.strip().isdigit() and 1 <= int(which) <= len(rows):
        return rows[int(which) - 1]
    if isinstance(rows, list) and which.strip() in names:
        return rows[names.index(which.strip())]
    raise InputError(source, msg("scenario_file.no_list_item", key=key, which=which, n=len(names),
                                 names=", ".join(repr(n) for n in names) or "-"),
                     fix=msg("scenario_file.fix_list_item", key=key))


def apply_overrides(raw: dict[str, Any], overrides: list[str], source: str = "--set") -> dict[str, Any]:
    """Apply ``key.path=value`` overrides to a raw scenario dict; unknown keys are caught by validation."""
    out = copy.deepcopy(raw)
    for item in overrides:
        if "=" not in item:
            raise InputError(source, msg("scenario_file.not_key_value", item=item), fix=msg("scenario_file.fix_write_set"))
        key, _, text = item.partition("=")
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise InputError(source, msg("scenario_file.empty_key", item=item), fix=msg("scenario_file.fix_write_key"))
        node = out
        for i, p in enumerate(parts[:-1]):
            item = LIST_ITEM.fullmatch(p)
            nxt = _list_item(node, *item.groups(), source) if item else node.get(p)
            if nxt is None:
                nxt = node[p] = {}
            if not isinstance(nxt, dict):
                key = ".".join(parts[: i + 1])
                raise InputError(source, msg("scenario_file.value_not_section", key=key),
                                 fix=msg("scenario_file.fix_set_itself", key=key))
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
