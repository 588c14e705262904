"""The README's table of scenario parameters, generated from the schema's field metadata.

Every key a scenario may set, read from ``Scenario`` recursively: its dotted TOML key, type, default, unit,
meaning and source. The unit comes from the field's metadata (``json_schema_extra={"unit": ...}``) or else
from the key's name (every numeric key carries its unit: ``_wan_cny``, ``_pct``, ``_minutes``...); the
source, where the default comes from, from ``json_schema_extra={"source": ...}``. ``scripts/
readme_parameters.py`` writes the table into README.md between two marker comments, and
``tests/test_readme_parameters.py`` fails when the README and the schema differ.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Literal, Union

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from planner.config.schema import Scenario

START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"

# the unit a key's name says, by how it ends (first match wins)
_UNIT_BY_NAME = (
    (r"_wan_cny_per_(.+)$", lambda m: "万元 per " + _words(m.group(1))),
    (r"_wan_cny$", lambda m: "万元"),
    (r"_pct_per_year$", lambda m: "% a year"),
    (r"_pct$", lambda m: "%"),
    (r"_minutes$", lambda m: "minutes"),
    (r"_minutes_per_day$", lambda m: "minutes a day"),
    (r"_km_per_h$", lambda m: "km/h"),
    (r"_s$", lambda m: "seconds"),
    (r"_years$", lambda m: "years"),
    (r"^capacity_exams_per_(.+)$", lambda m: "exams per " + _words(m.group(1))),
    (r"^exam_rate_per_(.+)$", lambda m: "exams per " + _words(m.group(1))),
    (r"(?<!_per)_year$", lambda m: "calendar year"),
    (r"_per_million$", lambda m: "per million residents"),
    (r"_per_unit$", lambda m: "per unit"),
    (r"_thousand_exams$", lambda m: "thousand exams a year"),
)


def _words(suffix: str) -> str:
    return suffix.replace("_per_", " per ").replace("_", " ").replace("1000", "1,000 residents")


def unit_of(key: str, extra: dict | None = None) -> str:
    """The unit of a field: stated in its metadata, else read from its name; empty if it has none."""
    if extra and "unit" in extra:
        return str(extra["unit"])
    name = key.rsplit(".", 1)[-1]
    for pattern, unit in _UNIT_BY_NAME:
        m = re.search(pattern, name)
        if m:
            return unit(m)
    return ""


def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    if origin is Literal:
        return " or ".join(f"'{a}'" for a in typing.get_args(tp))
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(_type_name(a) for a in args) + (" or empty" if len(args) < len(typing.get_args(tp))
                                                           else "")
    if origin is list:
        return "list of " + _type_name(typing.get_args(tp)[0])
    return getattr(tp, "__name__", str(tp))


def _default(info) -> str:
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:
        return "required"
    else:
        value = info.default
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def _rows(model: type[BaseModel], prefix: str, out: list[dict]) -> None:
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        tp = info.annotation
        origin = typing.get_origin(tp)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            _rows(tp, key + ".", out)
            continue
        if origin is dict:
            inner = typing.get_args(tp)[1]
            names = extra.get("keys", ["<name>"])
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                _rows(inner, f"{key}.{names[0]}.", out)
                continue
            while typing.get_origin(inner) is dict:
                inner = typing.get_args(inner)[1]
            key = ".".join([key, *names])
            tp = inner
        elif origin is list and isinstance(typing.get_args(tp)[0], type) and \
                issubclass(typing.get_args(tp)[0], BaseModel):
            _rows(typing.get_args(tp)[0], f"{key}[].", out)
            continue
        out.append({"key": key, "type": _type_name(tp), "default": _default(info),
                    "unit": unit_of(key, extra), "meaning": info.description or "",
                    "source": str(extra.get("source", ""))})


def parameters() -> list[dict]:
    """One row per key a scenario may set, in the schema's order."""
    out: list[dict] = []
    _rows(Scenario, "", out)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def table() -> str:
    """The Markdown table, between its two marker comments."""
    lines = [START,
             "<!-- generated from src/planner/config/schema.py by scripts/readme_parameters.py: edit the schema, "
             "not this table -->",
             "",
             "| key | type | default | unit | meaning | source |",
             "|---|---|---|---|---|---|"]
    for r in parameters():
        lines.append("| " + " | ".join([f"`{r['key']}`", _cell(r["type"]), r["default"], _cell(r["unit"]),
                                        _cell(r["meaning"]), _cell(r["source"])]) + " |")
    lines += ["", END]
    return "\n".join(lines)


def with_table(readme: str) -> str:
    """README text with the table between the markers replaced by the one the schema gives."""
    if START not in readme or END not in readme:
        raise ValueError(f"README has no {START} ... {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + table() + tail
